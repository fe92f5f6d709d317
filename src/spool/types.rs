//! What the spool stores about a message: envelope, per-recipient state and
//! where the sealed body lives. Serialized as JSON inside sled and inside
//! the segment record (so the index can be rebuilt from segments alone).
//!
//! Records carry a schema version (`MessageMeta::schema`). Schema 1 (before
//! typed records) stored the policy verdict as the policy's JSON and replies
//! as strings; both still decode, into the typed forms. Decoding is strict
//! where safety depends on it: a verdict without a known `protection`, or a
//! record of a newer schema, does not decode — the spool quarantines it and
//! never reads it as "no protection" (`MessageMeta::decode`).

use serde::{Deserialize, Deserializer, Serialize};

use crate::smtp::reply::Reply;

/// The schema this release writes.
pub const SCHEMA: u16 = 2;

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
    /// What the policy decided, stored with the message.
    #[serde(deserialize_with = "verdict_or_schema1_none")]
    pub verdict: StoredVerdict,
}

/// The protection a message's copies need, ordered `None < Tls < Encrypt`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Protection {
    #[default]
    None,
    Tls,
    Encrypt,
}

impl Protection {
    pub fn as_str(self) -> &'static str {
        match self {
            Protection::None => "none",
            Protection::Tls => "tls",
            Protection::Encrypt => "encrypt",
        }
    }
}

/// A protection method a policy rule may allow for an `encrypt` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllowedMethod {
    Pgp,
    Smime,
    Tls,
    Portal,
}

impl AllowedMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowedMethod::Pgp => "pgp",
            AllowedMethod::Smime => "smime",
            AllowedMethod::Tls => "tls",
            AllowedMethod::Portal => "portal",
        }
    }

    pub fn parse(s: &str) -> Option<AllowedMethod> {
        match s {
            "pgp" => Some(AllowedMethod::Pgp),
            "smime" => Some(AllowedMethod::Smime),
            "tls" => Some(AllowedMethod::Tls),
            "portal" => Some(AllowedMethod::Portal),
            _ => None,
        }
    }
}

/// One detector's findings: its name and how often (never a value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCount {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u32,
}

/// The policy verdict as the spool keeps it (the accept stage converts
/// `policy::Verdict` into it, so the spool knows nothing of policy).
/// `protection` has no default: a stored verdict without it does not decode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVerdict {
    pub protection: Protection,
    /// Methods a rule allowed for `encrypt`, in order; empty: `[secure] order`.
    #[serde(default)]
    pub methods: Vec<AllowedMethod>,
    /// Ids of the rules that matched.
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub findings: Vec<FindingCount>,
    /// Held by policy at acceptance (delivery waits for a release).
    #[serde(default)]
    pub held: bool,
    /// Header rewrites applied at acceptance (names only, e.g. "Subject").
    #[serde(default)]
    pub rewrites: Vec<String>,
    /// A policy rule's `portal_expiry` (seconds); None: `[secure] portal_expiry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_expiry_secs: Option<u64>,
    /// Schema 1 stored no verdict here (null); only such records may have none.
    #[serde(skip)]
    pub absent_in_record: bool,
}

impl StoredVerdict {
    /// The allowed methods, as `[secure]` names, or None for "any".
    pub fn method_names(&self) -> Option<Vec<String>> {
        (!self.methods.is_empty()).then(|| {
            self.methods
                .iter()
                .map(|m| m.as_str().to_string())
                .collect()
        })
    }
}

/// Schema 1 wrote `null` for messages sealpost itself created (DSNs,
/// notices): those had no protection requirement. Schema 2 always writes a
/// verdict; `MessageMeta::decode` refuses a schema-2 record without one.
fn verdict_or_schema1_none<'de, D: Deserializer<'de>>(d: D) -> Result<StoredVerdict, D::Error> {
    Ok(
        Option::<StoredVerdict>::deserialize(d)?.unwrap_or_else(|| StoredVerdict {
            absent_in_record: true,
            ..StoredVerdict::default()
        }),
    )
}

/// Why the last attempt for a recipient did not complete: a reply a remote
/// server sent, or one sealpost gives for a local reason (fixed text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "origin", content = "reply", rename_all = "lowercase")]
pub enum Diagnostic {
    Remote(Reply),
    Local(Reply),
}

impl Diagnostic {
    pub fn reply(&self) -> &Reply {
        match self {
            Diagnostic::Remote(r) | Diagnostic::Local(r) => r,
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Diagnostic::Remote(_))
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.reply())
    }
}

/// Schema 1 stored the reply as a line ("550 5.1.1 text"), without telling
/// whose it was: such a line counts as local (never claimed as a remote's).
impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(tag = "origin", content = "reply", rename_all = "lowercase")]
        enum Typed {
            Remote(Reply),
            Local(Reply),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Typed(Typed),
            Line(String),
        }
        Ok(match Either::deserialize(d)? {
            Either::Typed(Typed::Remote(r)) => Diagnostic::Remote(r),
            Either::Typed(Typed::Local(r)) => Diagnostic::Local(r),
            Either::Line(line) => Diagnostic::Local(
                Reply::parse_line(&line).unwrap_or_else(|| Reply::new(451, "4.0.0", line)),
            ),
        })
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
    pub last_reply: Option<Diagnostic>,
    pub remote_host: Option<String>,
    pub delay_notified: bool,
    /// Failed because the queue lifetime ran out (a DSN then says 4.4.7,
    /// quoting the last reply as it was).
    #[serde(default)]
    pub expired: bool,
    /// How the delivered copy left (absent before this field existed, and
    /// until the recipient is delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<DeliveredVia>,
}

/// How a delivered copy left: the protection method and the hop's TLS.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeliveredVia {
    /// "pgp", "smime", "portal", "tls" (over TLS, no encryption) or
    /// "plain" (no TLS).
    pub method: String,
    /// e.g. "TLSv1.3", when the hop used TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    /// The hop's certificate was verified.
    #[serde(default)]
    pub tls_verified: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Location {
    pub segment: u64,
    pub offset: u64,
    pub len: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MessageMeta {
    /// Record schema (absent in schema-1 records).
    #[serde(default = "schema1")]
    pub schema: u16,
    pub id: QueueId,
    pub envelope: Envelope,
    pub recipients: Vec<RecipientState>,
    pub location: Location,
    /// Unix milliseconds at acceptance.
    pub created: u64,
    pub size: u64,
    pub held: bool,
}

fn schema1() -> u16 {
    1
}

impl MessageMeta {
    /// Decode a stored record, refusing what cannot be trusted: a newer
    /// schema, or a schema-2 record without a verdict.
    pub fn decode(bytes: &[u8]) -> Result<MessageMeta, String> {
        let meta: MessageMeta = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if meta.schema > SCHEMA {
            return Err(format!(
                "record schema {} is newer than this release ({SCHEMA})",
                meta.schema
            ));
        }
        if meta.schema >= 2 && meta.envelope.verdict.absent_in_record {
            return Err("record has no verdict".into());
        }
        Ok(meta)
    }

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
