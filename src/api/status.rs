//! Message status for `GET /v1/messages/{id}`, without scanning the audit
//! log: the spool's per-recipient state (queued, or the history of a
//! finished message), plus two small trees of this node's database:
//!
//! - `api_messages`: queue id → who submitted it through the API, when,
//!   its priority and tags (written before the spool write, so the spool's
//!   group commit makes it durable with the message);
//! - `api_status`: queue id ‖ recipient → the latest event that the spool
//!   does not record (suppressed, complained, portal opened / replied,
//!   recalled, expired), written by the event hub.
//!
//! Entries older than the spool's history (30 days) are swept.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::events::EventKind;
use crate::spool::{Diagnostic, QueueId, RcptStatus, RecipientState, Spool, format_id};
use crate::store::StoreError;

pub const MESSAGES: &str = "api_messages";
pub const OVERLAY: &str = "api_status";
const KEEP_MS: u64 = 30 * 24 * 3600 * 1000;

/// What the API knows about a message it accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiMessage {
    /// The client's name.
    pub client: String,
    pub created_ms: u64,
    pub priority: u8,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Note {
    kind: EventKind,
    at_ms: u64,
}

pub struct MessageIndex {
    messages: sled::Tree,
    overlay: sled::Tree,
}

fn overlay_key(id: QueueId, address: &str) -> Vec<u8> {
    let mut k = id.to_be_bytes().to_vec();
    k.extend_from_slice(address.to_ascii_lowercase().as_bytes());
    k
}

impl MessageIndex {
    pub fn open(spool: &Spool) -> Result<MessageIndex, crate::spool::SpoolError> {
        Ok(MessageIndex {
            messages: spool.tree(MESSAGES)?,
            overlay: spool.tree(OVERLAY)?,
        })
    }

    pub fn record(&self, id: QueueId, m: &ApiMessage) -> Result<(), StoreError> {
        self.messages
            .insert(id.to_be_bytes(), serde_json::to_vec(m)?)?;
        Ok(())
    }

    pub fn forget(&self, id: QueueId) -> Result<(), StoreError> {
        self.messages.remove(id.to_be_bytes())?;
        Ok(())
    }

    pub fn get(&self, id: QueueId) -> Result<Option<ApiMessage>, StoreError> {
        match self.messages.get(id.to_be_bytes())? {
            Some(v) => Ok(Some(serde_json::from_slice(&v)?)),
            None => Ok(None),
        }
    }

    /// Keep an event the spool does not record (see the module header).
    pub fn note(&self, id: QueueId, address: &str, kind: EventKind, at_ms: u64) {
        let kept = matches!(
            kind,
            EventKind::Suppressed
                | EventKind::Complained
                | EventKind::PortalOpened
                | EventKind::PortalReplied
                | EventKind::Recalled
                | EventKind::Expired
        );
        if !kept {
            return;
        }
        let Ok(v) = serde_json::to_vec(&Note { kind, at_ms }) else {
            return;
        };
        if let Err(e) = self.overlay.insert(overlay_key(id, address), v) {
            tracing::error!(error = %e, "cannot record message status");
        }
    }

    fn notes(&self, id: QueueId) -> HashMap<String, Note> {
        let mut out = HashMap::new();
        for (k, v) in self.overlay.scan_prefix(id.to_be_bytes()).flatten() {
            let addr = String::from_utf8_lossy(&k[8..]).into_owned();
            if let Ok(n) = serde_json::from_slice::<Note>(&v) {
                out.insert(addr, n);
            }
        }
        out
    }

    /// Forget entries of messages older than the spool's history.
    pub fn sweep(&self, now_ms: u64) -> usize {
        // Queue ids are time-ordered: (ms << 12).
        let cutoff = (now_ms.saturating_sub(KEEP_MS) << 12).to_be_bytes();
        let mut n = 0;
        for tree in [&self.messages, &self.overlay] {
            for (k, _) in tree.range(..cutoff.as_slice()).flatten() {
                let _ = tree.remove(k);
                n += 1;
            }
        }
        n
    }

    /// The status view of a message, or None if this node has no record.
    pub fn view(&self, spool: &Spool, id: QueueId) -> Result<Option<MessageView>, StoreError> {
        let api = self.get(id)?;
        let spooled = spool
            .get(id)
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let (state, recipients, created, priority) = match spooled {
            Some(m) => (
                if m.held { "held" } else { "queued" },
                m.recipients,
                Some(m.created),
                Some(m.envelope.priority),
            ),
            None => match spool
                .history(id)
                .map_err(|e| StoreError::Backend(e.to_string()))?
            {
                Some(r) => ("finished", r, None, None),
                None => return Ok(None),
            },
        };
        let notes = self.notes(id);
        let recipients = recipients
            .iter()
            .map(|r| RecipientView::of(r, notes.get(&r.address.to_ascii_lowercase())))
            .collect();
        Ok(Some(MessageView {
            id: format_id(id),
            state,
            created: created.or(api.as_ref().map(|a| a.created_ms)).map(rfc3339),
            priority: priority.or(api.as_ref().map(|a| a.priority)),
            tags: api.map(|a| a.tags).unwrap_or_default(),
            recipients,
        }))
    }
}

pub fn rfc3339(ms: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_millis(t).to_string()
}

/// `GET /v1/messages/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: String,
    /// "queued", "held" or "finished".
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    pub tags: Vec<String>,
    pub recipients: Vec<RecipientView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientView {
    pub address: String,
    /// queued, deferred, delivered, bounced, failed, suppressed,
    /// complained, portal.opened, portal.replied, recalled, expired.
    pub status: String,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<crate::events::TlsUsed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt: Option<String>,
}

/// A reply, typed: whose it was, its code, enhanced status and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    pub code: u16,
    pub status: String,
    pub text: String,
    /// "remote" (the receiving server said it) or "local" (sealpost).
    pub origin: &'static str,
}

impl ReplyView {
    pub fn local(reply: &crate::smtp::reply::Reply) -> ReplyView {
        ReplyView {
            code: reply.code,
            status: reply.status().to_string(),
            text: reply.text(),
            origin: "local",
        }
    }

    fn of(d: &Diagnostic) -> ReplyView {
        let r = d.reply();
        ReplyView {
            code: r.code,
            status: r.status().to_string(),
            text: r.text(),
            origin: if d.is_remote() { "remote" } else { "local" },
        }
    }
}

impl RecipientView {
    fn of(r: &RecipientState, note: Option<&Note>) -> RecipientView {
        let remote_refusal = r
            .last_reply
            .as_ref()
            .is_some_and(|d| d.is_remote() && d.reply().is_permanent());
        let base = match r.status {
            RcptStatus::Queued if r.attempts == 0 && r.last_reply.is_none() => "queued",
            RcptStatus::Queued => "deferred",
            RcptStatus::Delivered => "delivered",
            RcptStatus::Bounced => "bounced",
            RcptStatus::Failed if remote_refusal => "bounced",
            RcptStatus::Failed => "failed",
        };
        // An event the spool does not record says more, when it applies.
        let status = match note.map(|n| n.kind) {
            Some(EventKind::Suppressed) if r.status == RcptStatus::Failed => "suppressed",
            Some(EventKind::Complained) => "complained",
            Some(
                k @ (EventKind::PortalOpened
                | EventKind::PortalReplied
                | EventKind::Recalled
                | EventKind::Expired),
            ) if r.status == RcptStatus::Delivered => k.as_str(),
            _ => base,
        };
        let via = r.via.as_ref();
        RecipientView {
            address: r.address.clone(),
            status: status.to_string(),
            attempts: r.attempts,
            method: via.map(|v| v.method.clone()),
            tls: via.and_then(|v| {
                v.tls_version
                    .as_ref()
                    .map(|version| crate::events::TlsUsed {
                        version: version.clone(),
                        verified: v.tls_verified,
                    })
            }),
            reply: r
                .last_reply
                .as_ref()
                .filter(|_| r.status != RcptStatus::Delivered)
                .map(ReplyView::of),
            next_attempt: (r.status == RcptStatus::Queued && r.next_attempt > 0)
                .then(|| rfc3339(r.next_attempt)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::Reply;
    use crate::spool::DeliveredVia;

    fn rcpt(status: RcptStatus, attempts: u32, reply: Option<Diagnostic>) -> RecipientState {
        RecipientState {
            address: "Pat@Example.org".into(),
            status,
            attempts,
            next_attempt: 0,
            last_reply: reply,
            remote_host: None,
            delay_notified: false,
            expired: false,
            via: None,
        }
    }

    #[test]
    fn recipient_status_follows_the_spool_and_the_notes() {
        let q = rcpt(RcptStatus::Queued, 0, None);
        assert_eq!(RecipientView::of(&q, None).status, "queued");
        let d = rcpt(
            RcptStatus::Queued,
            1,
            Some(Diagnostic::Remote(Reply::new(451, "4.2.0", "later"))),
        );
        let v = RecipientView::of(&d, None);
        assert_eq!(v.status, "deferred");
        assert_eq!(
            v.reply.as_ref().map(|r| (r.code, r.origin)),
            Some((451, "remote"))
        );
        let b = rcpt(
            RcptStatus::Failed,
            1,
            Some(Diagnostic::Remote(Reply::new(550, "5.1.1", "no"))),
        );
        assert_eq!(RecipientView::of(&b, None).status, "bounced");
        let f = rcpt(
            RcptStatus::Failed,
            1,
            Some(Diagnostic::Local(Reply::new(550, "5.7.1", "suppressed"))),
        );
        assert_eq!(RecipientView::of(&f, None).status, "failed");
        let note = Note {
            kind: EventKind::Suppressed,
            at_ms: 1,
        };
        assert_eq!(RecipientView::of(&f, Some(&note)).status, "suppressed");
        let mut p = rcpt(RcptStatus::Delivered, 1, None);
        p.via = Some(DeliveredVia {
            method: "portal".into(),
            tls_version: None,
            tls_verified: false,
        });
        let opened = Note {
            kind: EventKind::PortalOpened,
            at_ms: 2,
        };
        let v = RecipientView::of(&p, Some(&opened));
        assert_eq!(
            (v.status.as_str(), v.method.as_deref()),
            ("portal.opened", Some("portal"))
        );
    }
}
