//! `sealpost portal list|recall|extend|resend`: portal copies managed by
//! an operator, through the daemon's control socket (or on the store
//! directly when the daemon is stopped). Recall destroys the ciphertext
//! and its keys; resend issues a fresh link (the old one stops working)
//! and queues a new notice through the spool. Every change is an audit
//! record (`portal`, by the actor) and a metric. Output carries no PHI.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::metrics::Metrics;
use crate::queue_admin::{Request, Response};
use crate::secure::portal::{CopyRecord, LocalMail, NoticeFrom, Vault, notice, queue_mail};
use crate::spool::schedule::Schedule;
use crate::spool::{Spool, format_id, parse_id};
use crate::util::now_ms;

pub struct Admin {
    pub vault: Arc<Vault>,
    pub spool: Arc<Spool>,
    /// The running daemon's schedule (a fresh one offline: the queued
    /// notice is then picked up when the daemon starts).
    pub schedule: Arc<Schedule>,
    pub audit: Option<Arc<AuditLog>>,
    pub metrics: Option<Arc<Metrics>>,
    pub public_url: String,
    pub hostname: String,
    /// API status and webhooks (recalled).
    pub events: Arc<dyn crate::events::EventSink>,
}

fn row(r: &CopyRecord) -> serde_json::Value {
    let now = now_ms();
    serde_json::json!({
        "id": format_id(r.queue_id),
        "recipient": r.recipient,
        "state": r.state.as_str(),
        "created": r.created_ms,
        "expires": r.expires_ms,
        "opened": r.opened_ms,
        "downloads": r.downloads,
        "replies": r.replies,
        "links_issued": r.links_issued,
        "locked_until": (r.login.locked_until_ms > now).then_some(r.login.locked_until_ms),
    })
}

impl Admin {
    async fn audit(&self, action: &str, r: &CopyRecord, actor: &str, detail: Option<String>) {
        if let Some(m) = &self.metrics {
            m.portal_events.with_label_values(&[action]).inc();
        }
        crate::events::emit_portal(self.events.as_ref(), action, r.queue_id, &r.recipient);
        let Some(log) = &self.audit else { return };
        let ev = crate::audit::Event::Portal(crate::audit::event::Portal {
            action: action.to_string(),
            queue_id: format_id(r.queue_id),
            recipient: r.recipient.clone(),
            by: Some(actor.to_string()),
            detail,
        });
        if let Err(e) = log.append_durable(ev).await {
            tracing::error!(error = %e, "audit write failed");
        }
    }

    /// Recall every active copy of a message (body and keys destroyed),
    /// each audited and announced; returns the copies recalled.
    pub async fn recall(&self, qid: u64, actor: &str) -> Result<Vec<CopyRecord>, String> {
        let vault = self.vault.clone();
        let copies = tokio::task::spawn_blocking(move || vault.recall(qid))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        for r in &copies {
            self.audit("recall", r, actor, None).await;
        }
        if !copies.is_empty() {
            tracing::info!(queue_id = %format_id(qid), copies = copies.len(), "portal copies recalled");
        }
        Ok(copies)
    }

    /// Serve one portal request.
    pub async fn handle(&self, actor: &str, req: Request) -> Response {
        match req {
            Request::PortalList { recipient } => {
                let vault = self.vault.clone();
                let listed =
                    tokio::task::spawn_blocking(move || vault.store().list(recipient.as_deref()))
                        .await;
                match listed {
                    Ok(Ok(mut all)) => {
                        all.sort_by_key(|(_, r)| (r.created_ms, r.queue_id));
                        Response::ok(all.iter().map(|(_, r)| row(r)).collect())
                    }
                    Ok(Err(e)) => Response::err(e),
                    Err(e) => Response::err(e),
                }
            }
            Request::PortalRecall { id } => {
                let Some(qid) = parse_id(&id) else {
                    return Response::err(format!("not a queue id: \"{id}\" (16 hex digits)"));
                };
                match self.recall(qid, actor).await {
                    Ok(copies) if copies.is_empty() => {
                        Response::err(format!("no active portal copy of {id}"))
                    }
                    Ok(copies) => Response::ok(serde_json::json!({
                        "recalled": copies.len(),
                        "copies": copies.iter().map(row).collect::<Vec<_>>(),
                    })),
                    Err(e) => Response::err(e),
                }
            }
            Request::PortalExtend { id, by } => {
                let Some(qid) = parse_id(&id) else {
                    return Response::err(format!("not a queue id: \"{id}\" (16 hex digits)"));
                };
                let Ok(d) = humantime::parse_duration(&by) else {
                    return Response::err(format!(
                        "--by: expected a duration such as \"30d\", got \"{by}\""
                    ));
                };
                let vault = self.vault.clone();
                match tokio::task::spawn_blocking(move || vault.extend(qid, d)).await {
                    Ok(Ok(copies)) if copies.is_empty() => {
                        Response::err(format!("no active portal copy of {id}"))
                    }
                    Ok(Ok(copies)) => {
                        for r in &copies {
                            self.audit("extended", r, actor, Some(by.clone())).await;
                        }
                        Response::ok(serde_json::json!({
                            "extended": copies.len(),
                            "copies": copies.iter().map(row).collect::<Vec<_>>(),
                        }))
                    }
                    Ok(Err(e)) => Response::err(e),
                    Err(e) => Response::err(e),
                }
            }
            Request::PortalResend { id, address } => self.resend(actor, &id, &address).await,
            _ => Response::err("not a portal request"),
        }
    }

    async fn resend(&self, actor: &str, id: &str, address: &str) -> Response {
        let Some(qid) = parse_id(id) else {
            return Response::err(format!("not a queue id: \"{id}\" (16 hex digits)"));
        };
        let (vault, addr) = (self.vault.clone(), address.to_string());
        let (token, r) = match tokio::task::spawn_blocking(move || vault.reissue(qid, &addr)).await
        {
            Ok(Ok(Some(x))) => x,
            Ok(Ok(None)) => {
                return Response::err(format!(
                    "no active portal copy of {id} for {address} (a link goes only to the address the message was sent to)"
                ));
            }
            Ok(Err(e)) => return Response::err(e),
            Err(e) => return Response::err(e),
        };
        let link = format!("{}/m/{token}", self.public_url.trim_end_matches('/'));
        let from = NoticeFrom {
            name: r.from_name.as_deref(),
            address: if r.from_address.is_empty() {
                &r.sender
            } else {
                &r.from_address
            },
        };
        let expires = std::time::UNIX_EPOCH + std::time::Duration::from_millis(r.expires_ms);
        let mail = notice(&from, &r.recipient, &link, expires, &self.hostname);
        let queued = queue_mail(
            &self.spool,
            &self.schedule,
            LocalMail {
                sender: &r.sender,
                recipient: &r.recipient,
                message: &mail,
                priority: 6,
                smtputf8: !r.recipient.is_ascii(),
                hostname: &self.hostname,
            },
        )
        .await;
        match queued {
            Ok(nid) => {
                self.audit("resent", &r, actor, Some(format_id(nid))).await;
                Response::ok(serde_json::json!({
                    "resent": format_id(r.queue_id),
                    "to": r.recipient,
                    "notice": format_id(nid),
                    "expires": r.expires_ms,
                }))
            }
            Err(e) => Response::err(format!(
                "new link issued but its notice could not be queued: {e}"
            )),
        }
    }
}
