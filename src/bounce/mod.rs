//! Bounce handling: VERP envelope senders, bounce parsing, classification,
//! the suppression list, and the pure decision of what a bounce does.
//!
//! Flow (the relay wires it; this module does no network I/O):
//! 1. Outbound: the envelope sender of each copy is
//!    `b+<token>@<bounce domain>` ([`VerpKey::encode`]); the token carries
//!    the queue id, the recipient index and a truncated HMAC-SHA256.
//! 2. Inbound (`mode = "bounce"` listener): the RCPT local part is decoded
//!    with [`VerpKey::decode`]. A bad HMAC is [`BounceError::Forged`] and the
//!    message changes nothing.
//! 3. The message is parsed ([`parse`]): RFC 3464 DSNs, the plain-text
//!    reports of MTAs without DSNs, RFC 5965 ARF complaints, and automatic
//!    replies (RFC 3834), which are not bounces. Each failed recipient gets
//!    a [`BounceReason`] and a [`BounceKind`] ([`classify`]).
//! 4. [`apply`] turns the parse result plus the authenticated
//!    `(queue id, recipient index)` into [`Action`]s: mark the recipient
//!    bounced, suppress its address (hard bounces and complaints), or ignore.
//!    Sender-side reasons ([`BounceReason::is_sender_side`]) never suppress;
//!    the relay counts them by reason and audits them for the operator.
//!
//! Invariant: without an authenticated VERP token nothing but `Ignore` is
//! ever produced, so a forged bounce cannot change state.

mod autoreply;
pub mod classify;
mod dsn;
pub mod parse;
mod phrases;
mod ses;
pub mod suppress;
mod text;
pub mod verp;

pub use classify::{Classified, classify, classify_reason, find_enhanced_status};
pub use parse::parse;
pub use suppress::{SledSuppression, SuppressReason, Suppressed, SuppressionStore};
pub use verp::VerpKey;

use serde::{Deserialize, Serialize};

/// Errors of the bounce subsystem.
#[derive(Debug, thiserror::Error)]
pub enum BounceError {
    /// The VERP token decoded but its HMAC does not match: a forged bounce.
    #[error("bounce token failed authentication")]
    Forged,
    /// The local part is not a VERP token at all.
    #[error("not a bounce token: {0}")]
    NotToken(&'static str),
    /// The message could not be understood as a bounce.
    #[error("malformed bounce: {0}")]
    Malformed(&'static str),
    #[error("bounce message too large ({0} bytes)")]
    TooLarge(usize),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("VERP key {path}: {why}")]
    Key { path: String, why: String },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("suppression store: {0}")]
    Store(#[from] sled::Error),
    #[error("suppression record: {0}")]
    Record(#[from] serde_json::Error),
    /// The shared store (PostgreSQL) cannot be reached or refused.
    #[error("suppression store unavailable: {0}")]
    Unavailable(String),
}

/// How a recipient's report is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BounceKind {
    /// Permanent: the address does not exist or is disabled (5.1.x, 5.2.1).
    Hard,
    /// Failed for a temporary reason (4.x.x, or unknown): not suppressed.
    Soft,
    /// Rejected by policy: spam, blocklist, authentication (5.7.x).
    Policy,
    /// Mailbox over quota (5.2.2 / 4.2.2).
    MailboxFull,
    /// An ARF feedback report (the recipient marked the message as spam).
    Complaint,
    /// `Action: delayed`: delivery still being retried; not a bounce.
    Delayed,
    /// `Action: delivered/relayed/expanded`: a success report; ignored.
    Delivered,
    /// An automatic reply (RFC 3834 `Auto-Submitted`, vacation, out of
    /// office): the message was delivered; not a bounce.
    AutoReply,
}

impl BounceKind {
    /// Whether this kind means delivery failed for the recipient.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Self::Hard | Self::Soft | Self::Policy | Self::MailboxFull
        )
    }

    /// Severity used to pick the primary recipient of a report.
    fn severity(self) -> u8 {
        match self {
            Self::Complaint => 5,
            Self::Hard => 4,
            Self::Policy => 3,
            Self::MailboxFull => 2,
            Self::Soft => 1,
            Self::Delayed | Self::Delivered | Self::AutoReply => 0,
        }
    }
}

/// Why a delivery failed, finer than [`BounceKind`]: shown by `suppress
/// list`, counted by `sealpost_bounce_reasons_total{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BounceReason {
    /// The mailbox does not exist (5.1.1), has moved without forwarding.
    UnknownUser,
    /// The domain does not exist or accepts no mail (5.1.2, null MX).
    UnknownHost,
    /// The mailbox exists but is disabled or suspended (5.2.1, 5.7.13).
    Disabled,
    MailboxFull,
    MessageTooBig,
    /// Our IP, host name (PTR), sender address or relay was refused.
    Blocked,
    /// Spam, virus, content or format filters.
    SpamContent,
    /// SPF, DKIM, DMARC, ARC.
    Authentication,
    RateLimited,
    /// Delivery was retried until the message expired.
    Expired,
    /// Connection, DNS, TLS or routing problems.
    Network,
    Other,
    /// A feedback report (the recipient marked the message as spam).
    Complaint,
    AutoReply,
    Delayed,
    Delivered,
}

impl BounceReason {
    pub const ALL: [BounceReason; 16] = [
        Self::UnknownUser,
        Self::UnknownHost,
        Self::Disabled,
        Self::MailboxFull,
        Self::MessageTooBig,
        Self::Blocked,
        Self::SpamContent,
        Self::Authentication,
        Self::RateLimited,
        Self::Expired,
        Self::Network,
        Self::Other,
        Self::Complaint,
        Self::AutoReply,
        Self::Delayed,
        Self::Delivered,
    ];

    /// Metric label and display name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownUser => "unknown_user",
            Self::UnknownHost => "unknown_host",
            Self::Disabled => "disabled",
            Self::MailboxFull => "mailbox_full",
            Self::MessageTooBig => "message_too_big",
            Self::Blocked => "blocked",
            Self::SpamContent => "spam_content",
            Self::Authentication => "authentication",
            Self::RateLimited => "rate_limited",
            Self::Expired => "expired",
            Self::Network => "network",
            Self::Other => "other",
            Self::Complaint => "complaint",
            Self::AutoReply => "auto_reply",
            Self::Delayed => "delayed",
            Self::Delivered => "delivered",
        }
    }

    /// A problem on our side (our IP, PTR, content, authentication, rate,
    /// size) or one the recipient cannot be blamed for (a full mailbox):
    /// never a reason to suppress; the operator is told instead.
    pub fn is_sender_side(self) -> bool {
        matches!(
            self,
            Self::Blocked
                | Self::SpamContent
                | Self::Authentication
                | Self::RateLimited
                | Self::MessageTooBig
                | Self::MailboxFull
        )
    }
}

impl std::fmt::Display for BounceReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recipient named in a bounce or complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BouncedRecipient {
    /// Final-Recipient (DSN), Original-Rcpt-To (ARF) or the address found in
    /// a plain-text bounce. `None` when the reporter redacted it.
    pub address: Option<String>,
    /// Original-Recipient (RFC 3464 §2.3.1), when given.
    pub original_recipient: Option<String>,
    /// Enhanced status code (RFC 3463), e.g. `5.1.1`.
    pub status: Option<String>,
    pub kind: BounceKind,
    /// The finer reason behind `kind`.
    pub reason: BounceReason,
    /// Diagnostic text, truncated; never contains the returned message body.
    pub diagnostic: Option<String>,
}

/// What a bounce message says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedBounce {
    pub recipients: Vec<BouncedRecipient>,
    /// An RFC 5965 feedback report (complaint).
    pub is_arf: bool,
    /// RFC 3464 Original-Envelope-Id (our ENVID), when given.
    pub original_envelope_id: Option<String>,
    /// The original envelope sender: ARF Original-Mail-From, else the
    /// Return-Path of the returned headers. For complaints sent to a
    /// feedback address this is where the VERP token can be found.
    pub original_mail_from: Option<String>,
}

/// What the relay should do about a bounce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Record the recipient as bounced (delivered → bounced).
    MarkBounced {
        queue_id: u64,
        rcpt_index: u32,
        kind: BounceKind,
        reason: BounceReason,
        status: Option<String>,
    },
    /// Add the recipient's address to the suppression list. The relay
    /// suppresses the address the spool holds for `(queue_id, rcpt_index)`
    /// (the token authenticates that pair, not the address in the report);
    /// `reported` is the address the report named, for logs/cross-checks.
    Suppress {
        queue_id: u64,
        rcpt_index: u32,
        reported: Option<String>,
        reason: SuppressReason,
        /// The bounce reason behind a hard-bounce suppression.
        bounce_reason: Option<BounceReason>,
        detail: String,
    },
    /// Nothing to do.
    Ignore { why: String },
}

/// Decides what a parsed bounce does. `verp` is the authenticated
/// `(queue id, recipient index)` from the token (`None` when there was no
/// valid token: then everything is ignored). A VERP token names one
/// recipient, so the most severe failure in the report is the one applied.
pub fn apply(parsed: &ParsedBounce, verp: Option<(u64, u32)>) -> Vec<Action> {
    let Some((queue_id, rcpt_index)) = verp else {
        return vec![ignore("no authenticated bounce token")];
    };
    let primary = parsed
        .recipients
        .iter()
        .filter(|r| r.kind.is_failure() || r.kind == BounceKind::Complaint)
        .max_by_key(|r| r.kind.severity());
    let Some(rcpt) = primary else {
        return vec![ignore(why_not_bounce(parsed))];
    };
    let detail = match (&rcpt.status, &rcpt.diagnostic) {
        (Some(s), Some(d)) => format!("{s} {d}"),
        (Some(s), None) => s.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => String::new(),
    };
    let suppress = |reason| Action::Suppress {
        queue_id,
        rcpt_index,
        reported: rcpt.address.clone(),
        reason,
        bounce_reason: Some(rcpt.reason),
        detail: detail.clone(),
    };
    match rcpt.kind {
        BounceKind::Complaint => vec![suppress(SuppressReason::Complaint)],
        kind => {
            let mut out = vec![Action::MarkBounced {
                queue_id,
                rcpt_index,
                kind,
                reason: rcpt.reason,
                status: rcpt.status.clone(),
            }];
            if kind == BounceKind::Hard {
                out.push(suppress(SuppressReason::HardBounce));
            }
            out
        }
    }
}

fn ignore(why: &str) -> Action {
    Action::Ignore {
        why: why.to_string(),
    }
}

fn why_not_bounce(parsed: &ParsedBounce) -> &'static str {
    if parsed.recipients.is_empty() {
        "no recipient found in report"
    } else if parsed
        .recipients
        .iter()
        .any(|r| r.kind == BounceKind::Delayed)
    {
        "delayed delivery report: not a bounce"
    } else if parsed
        .recipients
        .iter()
        .any(|r| r.kind == BounceKind::AutoReply)
    {
        "automatic reply: not a bounce"
    } else {
        "success report: not a bounce"
    }
}

#[cfg(test)]
mod tests;
