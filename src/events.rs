//! Message events for subscribers (webhooks, the API's status view): the
//! one hook through which accept, delivery, bounce handling and the
//! portal say what happened to a message, without depending on who
//! listens.
//!
//! Contract for callers (delivery, bounce, portal):
//! - call `sink.emit(Event::new(kind, queue_id).recipient(addr)...)` once
//!   the fact is recorded in the spool (or the portal store);
//! - `emit` never blocks for long and never fails: a subscriber that
//!   cannot keep an event logs it; delivery is never held up by webhooks;
//! - an event carries no PHI: a queue id, a recipient address, a method,
//!   a reply code and enhanced status — never a subject, body or reply text.
//!
//! `NoEvents` is the sink when nobody listens (no `[api]`).

use serde::{Deserialize, Serialize};

use crate::spool::QueueId;

/// What happened. The wire names (`as_str`) are the webhook event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// Durably queued (after the `250`/`202`).
    #[serde(rename = "accepted")]
    Accepted,
    /// Handed to the next hop, encrypted, or stored in the portal.
    #[serde(rename = "delivered")]
    Delivered,
    /// A temporary failure; another attempt follows.
    #[serde(rename = "deferred")]
    Deferred,
    /// The receiving side refused it for good (5xx), or a bounce came back.
    #[serde(rename = "bounced")]
    Bounced,
    /// The recipient reported the message as spam (ARF).
    #[serde(rename = "complained")]
    Complained,
    /// Not attempted: the recipient is on the suppression list.
    #[serde(rename = "suppressed")]
    Suppressed,
    /// Given up for a local reason (expired, no protection possible, ...).
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "portal.opened")]
    PortalOpened,
    #[serde(rename = "portal.replied")]
    PortalReplied,
    /// Portal copies withdrawn by the sender.
    #[serde(rename = "recalled")]
    Recalled,
    /// A portal copy expired unread or read.
    #[serde(rename = "expired")]
    Expired,
}

impl EventKind {
    /// The event a portal audit action (`sealpost_portal_events_total`)
    /// means for API clients and webhooks, if any.
    pub fn of_portal_action(action: &str) -> Option<EventKind> {
        match action {
            "opened" => Some(EventKind::PortalOpened),
            "reply" => Some(EventKind::PortalReplied),
            "recall" => Some(EventKind::Recalled),
            "expired" => Some(EventKind::Expired),
            _ => None,
        }
    }

    pub const ALL: [EventKind; 11] = [
        EventKind::Accepted,
        EventKind::Delivered,
        EventKind::Deferred,
        EventKind::Bounced,
        EventKind::Complained,
        EventKind::Suppressed,
        EventKind::Failed,
        EventKind::PortalOpened,
        EventKind::PortalReplied,
        EventKind::Recalled,
        EventKind::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Accepted => "accepted",
            EventKind::Delivered => "delivered",
            EventKind::Deferred => "deferred",
            EventKind::Bounced => "bounced",
            EventKind::Complained => "complained",
            EventKind::Suppressed => "suppressed",
            EventKind::Failed => "failed",
            EventKind::PortalOpened => "portal.opened",
            EventKind::PortalReplied => "portal.replied",
            EventKind::Recalled => "recalled",
            EventKind::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// TLS of the hop a copy was delivered over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsUsed {
    /// e.g. "TLSv1.3".
    pub version: String,
    /// The certificate was verified (MTA-STS, DANE or a required route).
    pub verified: bool,
}

/// One event about one message (and usually one recipient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub queue_id: QueueId,
    /// The recipient address, when the event is about one.
    pub recipient: Option<String>,
    /// How a delivered copy left: "pgp", "smime", "tls", "portal", "plain".
    pub method: Option<String>,
    pub tls: Option<TlsUsed>,
    /// Reply code and enhanced status ("550", "5.1.1"); never the text.
    pub code: Option<u16>,
    pub status: Option<String>,
    /// Unix milliseconds.
    pub at_ms: u64,
}

impl Event {
    pub fn new(kind: EventKind, queue_id: QueueId) -> Event {
        Event {
            kind,
            queue_id,
            recipient: None,
            method: None,
            tls: None,
            code: None,
            status: None,
            at_ms: crate::util::now_ms(),
        }
    }

    pub fn recipient(mut self, address: &str) -> Event {
        self.recipient = Some(address.to_string());
        self
    }

    pub fn method(mut self, method: &str) -> Event {
        self.method = Some(method.to_string());
        self
    }

    pub fn tls(mut self, tls: Option<TlsUsed>) -> Event {
        self.tls = tls;
        self
    }

    /// The code and enhanced status of `reply` (its text stays behind).
    pub fn reply(mut self, reply: &crate::smtp::reply::Reply) -> Event {
        self.code = Some(reply.code);
        self.status = Some(reply.status().to_string());
        self
    }
}

/// Where events go. Implementations must be cheap and must not fail the
/// caller (see the module header).
pub trait EventSink: Send + Sync {
    fn emit(&self, event: Event);
}

/// Emit what a portal action on one copy means to API clients (nothing
/// for security events such as `code_failed`).
pub fn emit_portal(sink: &dyn EventSink, action: &str, queue_id: QueueId, recipient: &str) {
    if let Some(kind) = EventKind::of_portal_action(action) {
        sink.emit(Event::new(kind, queue_id).recipient(recipient));
    }
}

/// Nobody listens.
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: Event) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_wire_name_that_parses_back() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
            let json = serde_json::to_string(&k).expect("json");
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(EventKind::parse("opened"), None);
    }
}
