//! What the spool stores about a message: envelope, per-recipient state and
//! where the sealed body lives. Serialized as JSON inside sled and inside
//! the segment record (so the index can be rebuilt from segments alone).

use serde::{Deserialize, Serialize};

/// Queue ids are time-ordered u64s, shown as 16 hex digits.
pub type QueueId = u64;

pub fn format_id(id: QueueId) -> String {
    format!("{id:016X}")
}

pub fn parse_id(text: &str) -> Option<QueueId> {
    if text.len() != 16 {
        return None;
    }
    u64::from_str_radix(text, 16).ok()
}

/// RFC 3461 NOTIFY bits.
pub mod notify {
    pub const SUCCESS: u8 = 1;
    pub const FAILURE: u8 = 2;
    pub const DELAY: u8 = 4;
    pub const NEVER: u8 = 8;
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Envelope {
    /// Reverse path; empty for the null sender `<>`.
    pub sender: String,
    pub recipients: Vec<RecipientSpec>,
    /// RFC 3461 RET: "FULL" or "HDRS".
    pub ret: Option<String>,
    pub envid: Option<String>,
    pub smtputf8: bool,
    pub body_8bit: bool,
    pub requiretls: bool,
    pub listener: String,
    pub auth_user: Option<String>,
    pub client_ip: String,
    pub client_helo: String,
    pub priority: u8,
    /// MT-PRIORITY as sent by the client (RFC 6710, -9..=9).
    pub mt_priority: Option<i8>,
    /// The policy verdict (JSON), stored with the message.
    pub verdict: Option<serde_json::Value>,
}

impl Envelope {
    /// The protection the policy verdict requires: "none", "tls" or "encrypt".
    /// The methods a policy rule allowed for this message, in order.
    pub fn policy_methods(&self) -> Option<Vec<String>> {
        let list = self.verdict.as_ref()?.get("methods")?.as_array()?;
        let methods: Vec<String> = list
            .iter()
            .filter_map(|m| m.as_str().map(str::to_string))
            .collect();
        (!methods.is_empty()).then_some(methods)
    }

    pub fn required_protection(&self) -> &str {
        self.verdict
            .as_ref()
            .and_then(|v| v.get("protection"))
            .and_then(|p| p.as_str())
            .unwrap_or("none")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecipientSpec {
    pub address: String,
    pub orcpt: Option<String>,
    /// `notify::*` bits; 0 means not given (default: FAILURE, DELAY).
    pub notify: u8,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum RcptStatus {
    Queued,
    Delivered,
    Failed,
    /// Delivered, then bounced back to the VERP address (or suppressed).
    Bounced,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecipientState {
    pub address: String,
    pub status: RcptStatus,
    pub attempts: u32,
    /// Unix milliseconds; 0 means now.
    pub next_attempt: u64,
    /// Last remote or local reply, e.g. "550 5.1.1 user unknown".
    pub last_reply: Option<String>,
    pub remote_host: Option<String>,
    pub delay_notified: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Location {
    pub segment: u64,
    pub offset: u64,
    pub len: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MessageMeta {
    pub id: QueueId,
    pub envelope: Envelope,
    pub recipients: Vec<RecipientState>,
    pub location: Location,
    /// Unix milliseconds at acceptance.
    pub created: u64,
    pub size: u64,
    pub held: bool,
}

impl MessageMeta {
    pub fn priority(&self) -> u8 {
        self.envelope.priority
    }

    pub fn is_finished(&self) -> bool {
        self.recipients
            .iter()
            .all(|r| r.status != RcptStatus::Queued)
    }

    /// Earliest retry time of a still-queued recipient.
    pub fn next_due(&self) -> Option<u64> {
        self.recipients
            .iter()
            .filter(|r| r.status == RcptStatus::Queued)
            .map(|r| r.next_attempt)
            .min()
    }
}

pub use crate::util::now_ms;
