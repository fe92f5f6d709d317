//! Typed audit events.
//!
//! Every fact the gateway records is one variant of [`Event`]. The enum is
//! serialized with serde's internal tag `event` (snake_case type name) and
//! its fields are flattened into the log entry (see `chain.rs`).
//!
//! Invariant (PHI): events are *typed*; there is no free-form map and no
//! field able to carry a message body, a subject or a matched value.
//! [`MessageAccepted`] records the SHA-256 of the Message-ID (never the
//! Message-ID itself) and policy findings as `{type, count}` pairs only.
//! A test destructures each PHI-adjacent struct exhaustively, so adding a
//! field fails to compile until the test (and this review) is updated.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One audit fact. Field order within each struct is part of the canonical
/// form (declaration order), so never reorder fields of an existing event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    AuthSucceeded(Auth),
    AuthFailed(Auth),
    MessageAccepted(MessageAccepted),
    /// An acceptance recorded while the spool write failed: the client got
    /// no `250` and the message does not exist.
    MessageWithdrawn(MessageWithdrawn),
    ProtectionChosen(ProtectionChosen),
    DeliveryResult(DeliveryResult),
    Bounce(Bounce),
    Suppression(Suppression),
    AdminAction(AdminAction),
    ConfigReload(ConfigReload),
    Checkpoint(Checkpoint),
    Portal(Portal),
}

impl Event {
    /// The serde tag of this event (`"message_accepted"`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::AuthSucceeded(_) => "auth_succeeded",
            Event::AuthFailed(_) => "auth_failed",
            Event::MessageAccepted(_) => "message_accepted",
            Event::MessageWithdrawn(_) => "message_withdrawn",
            Event::ProtectionChosen(_) => "protection_chosen",
            Event::DeliveryResult(_) => "delivery_result",
            Event::Bounce(_) => "bounce",
            Event::Suppression(_) => "suppression",
            Event::AdminAction(_) => "admin_action",
            Event::ConfigReload(_) => "config_reload",
            Event::Checkpoint(_) => "checkpoint",
            Event::Portal(_) => "portal",
        }
    }
}

/// SMTP AUTH outcome. Never carries the credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth {
    pub user: String,
    pub ip: String,
    pub listener: String,
    /// Negotiated TLS version (`"TLSv1.3"`), `None` on a cleartext session.
    pub tls: Option<String>,
}

/// A message was made durable in the spool and a 250 is about to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAccepted {
    pub queue_id: String,
    pub sender: String,
    pub recipient_count: u32,
    pub size: u64,
    /// Hex SHA-256 of the Message-ID header value (see [`hash_message_id`]).
    pub message_id_sha256: Option<String>,
    /// Ids of the policy rules that matched.
    pub rules: Vec<String>,
    /// Detector types and counts — never the matched values.
    pub findings: Vec<Finding>,
}

/// Hex SHA-256 of a Message-ID, trimmed of surrounding whitespace.
pub fn hash_message_id(message_id: &str) -> String {
    hex::encode(Sha256::digest(message_id.trim().as_bytes()))
}

/// A policy finding summary: which detector fired and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u32,
}

/// See `Event::MessageWithdrawn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageWithdrawn {
    pub queue_id: String,
    /// A fixed reason word, e.g. `"spool_write_failed"`.
    pub reason: String,
}

/// Per-recipient protection decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionChosen {
    pub queue_id: String,
    pub recipient_domain: String,
    /// e.g. `"tls_verified"`, `"portal"`, `"smime"`.
    pub method: String,
    /// Machine-readable reason, e.g. `"mta_sts_enforce"`, `"policy_rule:r12"`.
    pub reason: String,
}

/// Outcome class of one delivery attempt for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultClass {
    Delivered,
    Deferred,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryResult {
    pub queue_id: String,
    pub recipient: String,
    pub result: ResultClass,
    pub remote_host: Option<String>,
    pub tls: Option<String>,
    /// Whether the remote certificate was verified (DANE / MTA-STS / PKIX).
    pub verified: bool,
    /// Enhanced status code (`"5.1.1"`) — never the remote reply text.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounce {
    pub queue_id: String,
    pub recipient: String,
    /// `"hard"`, `"soft"`, `"expired"`, ...
    pub class: String,
    pub status: Option<String>,
    /// The finer reason (`"unknown_user"`, `"blocked"`, `"authentication"` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A problem on the sending side (our IP, PTR, content, SPF/DKIM/DMARC,
    /// rate, size, a full mailbox): the recipient is not suppressed and the
    /// operator should look.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sender_side: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub recipient: String,
    /// `"added"`, `"removed"`, `"hit"`.
    pub action: String,
    pub reason: String,
}

/// CLI queue operations, key changes, retention deletions, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAction {
    pub action: String,
    /// Queue id, file name or other target of the action.
    pub target: Option<String>,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigReload {
    pub ok: bool,
    pub error: Option<String>,
}

/// A read receipt or security event of a portal copy: `action` is one of
/// `opened` (first open), `download`, `reply`, `code_sent`, `code_failed`,
/// `locked`, `signed_in`, `signed_out`, `recall`, `expired`, `extended`,
/// `resent`. Never the message, its Subject or a file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portal {
    pub action: String,
    pub queue_id: String,
    pub recipient: String,
    /// The client's IP (web actions) or the admin actor (CLI actions).
    pub by: Option<String>,
    /// e.g. the attachment's part number, the reply's queue id, or how a
    /// sign-in was made ("code", "device").
    pub detail: Option<String>,
}

/// Signed chain head. `head` equals the entry's `prev` (hash of the line
/// before it); `sig` is base64 Ed25519 over [`crate::audit::checkpoint::signed_message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub head: String,
    /// First 16 hex digits of SHA-256 of the raw 32-byte public key.
    pub key_id: String,
    pub sig: String,
}
