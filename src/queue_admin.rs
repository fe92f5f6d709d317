//! Queue administration (list, show, retry, hold, release, delete) as
//! plain functions over the spool, used by the daemon's control socket and,
//! when the daemon is stopped, by the CLI directly. Output never includes
//! message bodies.

use serde::{Deserialize, Serialize};

use crate::audit::{AuditLog, Event};
use crate::bounce::{SuppressReason, SuppressionStore};
use crate::spool::schedule::Schedule;
use crate::spool::{MessageMeta, RcptStatus, Spool, format_id, parse_id};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "lowercase")]
pub enum Request {
    List,
    Show {
        id: String,
    },
    Retry {
        id: String,
    },
    Hold {
        id: String,
    },
    Release {
        id: String,
    },
    Delete {
        id: String,
    },
    SuppressList,
    SuppressAdd {
        address: String,
        note: String,
    },
    SuppressRemove {
        address: String,
    },
    /// AUTH blocks in force (`sealpost auth blocked`); daemon only.
    AuthBlocked,
    /// Clear AUTH failure counts (`sealpost auth unblock`); daemon only.
    AuthUnblock {
        #[serde(default)]
        ip: Option<std::net::IpAddr>,
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        all: bool,
    },
    #[serde(rename = "portal_list")]
    PortalList {
        recipient: Option<String>,
    },
    #[serde(rename = "portal_recall")]
    PortalRecall {
        id: String,
    },
    #[serde(rename = "portal_extend")]
    PortalExtend {
        id: String,
        by: String,
    },
    #[serde(rename = "portal_resend")]
    PortalResend {
        id: String,
        address: String,
    },
    ApikeyAdd(crate::api::admin::AddKey),
    ApikeyList,
    ApikeyRevoke {
        name: String,
    },
}

impl Request {
    /// Served by `portal_admin` rather than the queue functions here.
    /// API keys and suppressions: in the shared store (`[store]`).
    pub fn uses_shared_store(&self) -> bool {
        matches!(
            self,
            Request::ApikeyAdd(_)
                | Request::ApikeyList
                | Request::ApikeyRevoke { .. }
                | Request::SuppressList
                | Request::SuppressAdd { .. }
                | Request::SuppressRemove { .. }
        )
    }

    pub fn is_portal(&self) -> bool {
        matches!(
            self,
            Request::PortalList { .. }
                | Request::PortalRecall { .. }
                | Request::PortalExtend { .. }
                | Request::PortalResend { .. }
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Response {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl Response {
    pub fn ok(data: serde_json::Value) -> Self {
        Response {
            ok: true,
            error: None,
            data: Some(data),
        }
    }

    pub fn err(e: impl ToString) -> Self {
        Response {
            ok: false,
            error: Some(e.to_string()),
            data: None,
        }
    }
}

/// One line of `queue list`.
pub fn summary(m: &MessageMeta) -> serde_json::Value {
    let queued = m
        .recipients
        .iter()
        .filter(|r| r.status == RcptStatus::Queued)
        .count();
    serde_json::json!({
        "id": format_id(m.id),
        "priority": m.priority(),
        "size": m.size,
        "sender": m.envelope.sender,
        "recipients": m.recipients.len(),
        "queued": queued,
        "held": m.held,
        "created": m.created,
        "next_attempt": m.next_due(),
    })
}

/// `queue show`: the record, with each recipient's last reply as one
/// readable line ("451 4.2.0 try later") and whose it was.
pub fn detail(m: &MessageMeta) -> serde_json::Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    if let Some(list) = v.get_mut("recipients").and_then(|r| r.as_array_mut()) {
        for (slot, r) in list.iter_mut().zip(&m.recipients) {
            let Some(obj) = slot.as_object_mut() else {
                continue;
            };
            let (line, from) = match &r.last_reply {
                Some(d) => (
                    serde_json::json!(d.to_string()),
                    serde_json::json!(if d.is_remote() { "remote" } else { "local" }),
                ),
                None => (serde_json::Value::Null, serde_json::Value::Null),
            };
            obj.insert("last_reply".into(), line);
            obj.insert("last_reply_from".into(), from);
        }
    }
    v
}

/// Serve one request; every change is recorded in the audit log (when
/// one is given) as an `admin_action` by `actor`.
pub fn handle(
    spool: &Spool,
    shared: &crate::store::Shared,
    schedule: Option<&Schedule>,
    audit: Option<&AuditLog>,
    api_key: Option<&crate::api::keys::NodeKey>,
    actor: &str,
    req: Request,
) -> Response {
    let action = match &req {
        Request::List | Request::Show { .. } => None,
        Request::Retry { id } => Some(("queue_retry", id.clone())),
        Request::Hold { id } => Some(("queue_hold", id.clone())),
        Request::Release { id } => Some(("queue_release", id.clone())),
        Request::Delete { id } => Some(("queue_delete", id.clone())),
        Request::SuppressList => None,
        Request::SuppressAdd { address, .. } => Some(("suppress_add", address.clone())),
        Request::SuppressRemove { address } => Some(("suppress_remove", address.clone())),
        Request::ApikeyAdd(a) => Some(("apikey_add", a.name.clone())),
        Request::ApikeyRevoke { name } => Some(("apikey_revoke", name.clone())),
        _ => None,
    };
    let resp = match req {
        Request::ApikeyAdd(_) | Request::ApikeyList | Request::ApikeyRevoke { .. } => {
            serve_apikey(shared.clients.as_ref(), api_key, req)
        }
        other @ (Request::SuppressList
        | Request::SuppressAdd { .. }
        | Request::SuppressRemove { .. }) => serve_suppression(shared.suppression.as_ref(), other),
        other => serve(spool, schedule, other),
    };
    if let (Some(log), Some((action, target)), true) = (audit, action, resp.ok) {
        let ev = Event::AdminAction(crate::audit::event::AdminAction {
            action: action.to_string(),
            target: Some(target),
            actor: actor.to_string(),
        });
        if let Err(e) = log.append_durable_blocking(ev) {
            tracing::error!(error = %e, "audit write failed");
        }
    }
    resp
}

fn serve_suppression(store: &dyn SuppressionStore, req: Request) -> Response {
    let result = match req {
        Request::SuppressList => store
            .list()
            .map(|l| serde_json::to_value(l).unwrap_or_default()),
        Request::SuppressAdd { address, note } => store
            .add(&address, SuppressReason::Manual, &note)
            .map(|()| serde_json::json!({"suppressed": address})),
        Request::SuppressRemove { address } => match store.remove(&address) {
            Ok(true) => Ok(serde_json::json!({"removed": address})),
            Ok(false) => return Response::err(format!("{address} is not on the suppression list")),
            Err(e) => Err(e),
        },
        _ => return Response::err("not a suppression request"),
    };
    match result {
        Ok(v) => Response::ok(v),
        Err(e) => Response::err(e),
    }
}

/// AUTH throttle requests, served by the daemon that holds the counts;
/// an unblock is recorded in the audit log as an `admin_action`.
pub fn handle_auth(
    throttle: &crate::server::throttle::AuthThrottle,
    audit: Option<&AuditLog>,
    actor: &str,
    req: Request,
) -> Response {
    match req {
        Request::AuthBlocked => {
            Response::ok(serde_json::to_value(throttle.blocked()).unwrap_or_default())
        }
        Request::AuthUnblock { ip, user, all } => {
            let what = crate::server::throttle::Unblock { ip, user, all };
            if !what.all && what.ip.is_none() && what.user.is_none() {
                return Response::err("auth unblock: give --ip, --user (or both) or --all");
            }
            let removed = throttle.unblock(&what);
            let target = if what.all {
                "all".to_string()
            } else {
                let ip = what.ip.map(|i| i.to_string()).unwrap_or_default();
                let user = what.user.clone().unwrap_or_default();
                format!("ip={ip} user={user}")
            };
            tracing::info!(target = %target, removed, "admin: AUTH failure counts cleared");
            if let Some(log) = audit {
                let ev = Event::AdminAction(crate::audit::event::AdminAction {
                    action: "auth_unblock".to_string(),
                    target: Some(target),
                    actor: actor.to_string(),
                });
                if let Err(e) = log.append_durable_blocking(ev) {
                    tracing::error!(error = %e, "audit write failed");
                }
            }
            Response::ok(serde_json::json!({ "cleared": removed }))
        }
        _ => Response::err("not an auth request"),
    }
}

/// API keys, in the client store (`[store]`).
fn serve_apikey(
    store: &dyn crate::store::ClientStore,
    key: Option<&crate::api::keys::NodeKey>,
    req: Request,
) -> Response {
    use crate::api::admin;
    let result = match req {
        Request::ApikeyAdd(a) => match key {
            Some(k) => admin::add(store, k, a),
            None => Err("the API key file is not available".into()),
        },
        Request::ApikeyList => admin::list(store),
        Request::ApikeyRevoke { name } => admin::revoke(store, &name),
        _ => Err("not an API key request".into()),
    };
    match result {
        Ok(v) => Response::ok(v),
        Err(e) => Response::err(e),
    }
}

fn serve(spool: &Spool, schedule: Option<&Schedule>, req: Request) -> Response {
    match req {
        Request::AuthBlocked | Request::AuthUnblock { .. } => Response::err(
            "AUTH failure counts live in the running daemon (none are kept while it is stopped)",
        ),
        Request::SuppressList | Request::SuppressAdd { .. } | Request::SuppressRemove { .. } => {
            Response::err("suppression commands go to serve_suppression")
        }
        Request::List => match spool.list() {
            Ok(all) => Response::ok(all.iter().map(summary).collect()),
            Err(e) => Response::err(e),
        },
        Request::Show { id } => with_id(&id, |id| match spool.get(id) {
            Ok(Some(m)) => Response::ok(detail(&m)),
            Ok(None) => Response::err("no such message"),
            Err(e) => Response::err(e),
        }),
        Request::Retry { id } => modify(spool, schedule, &id, "retry", |m| {
            for r in m
                .recipients
                .iter_mut()
                .filter(|r| r.status == RcptStatus::Queued)
            {
                r.next_attempt = 0;
            }
        }),
        Request::Hold { id } => modify(spool, schedule, &id, "hold", |m| m.held = true),
        Request::Release { id } => modify(spool, schedule, &id, "release", |m| m.held = false),
        Request::PortalList { .. }
        | Request::PortalRecall { .. }
        | Request::PortalExtend { .. }
        | Request::PortalResend { .. } => Response::err("portal commands go to portal_admin"),
        Request::ApikeyAdd(_) | Request::ApikeyList | Request::ApikeyRevoke { .. } => {
            Response::err("API key commands go to serve_apikey")
        }
        Request::Delete { id } => with_id(&id, |qid| match spool.get(qid) {
            Ok(Some(_)) => match spool.remove(qid) {
                Ok(()) => {
                    tracing::info!(queue_id = %id, "admin: message deleted");
                    Response::ok(serde_json::json!({"deleted": id}))
                }
                Err(e) => Response::err(e),
            },
            Ok(None) => Response::err("no such message"),
            Err(e) => Response::err(e),
        }),
    }
}

fn with_id(id: &str, f: impl FnOnce(u64) -> Response) -> Response {
    match parse_id(id) {
        Some(q) => f(q),
        None => Response::err(format!("not a queue id: \"{id}\" (16 hex digits)")),
    }
}

fn modify(
    spool: &Spool,
    schedule: Option<&Schedule>,
    id: &str,
    what: &str,
    f: impl Fn(&mut MessageMeta),
) -> Response {
    with_id(id, |qid| match spool.modify(qid, f) {
        Ok(Some(m)) => {
            if m.held {
                // A held message may wait for days: its body is read back
                // from the spool when it is released, not kept in memory.
                spool.drop_cached(m.id);
            }
            if let (Some(s), false) = (schedule, m.held)
                && let Some(due) = m.next_due()
            {
                s.at(m.id, m.priority(), due);
            }
            tracing::info!(queue_id = %id, action = what, "admin queue action");
            Response::ok(summary(&m))
        }
        Ok(None) => Response::err("no such message"),
        Err(e) => Response::err(e),
    })
}
