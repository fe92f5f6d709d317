//! Classified errors of the outbound SMTP client.
//!
//! Every variant knows whether it is transient (retry later) or permanent
//! (bounce now). CONVENTIONS rule 5: anything we cannot classify counts as
//! transient, so a bug or a network hiccup never turns into a false bounce.
//! Display texts carry no message content and no PHI: only stages, reply
//! codes and the server's own reply text.

use super::reply::ServerReply;

/// Error of a client session (connect, handshake or transaction).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// TCP connect failed (refused, unreachable, reset).
    #[error("connect failed: {0}")]
    Connect(#[source] std::io::Error),
    /// A read, write or connect did not finish in time; names the stage.
    #[error("timeout during {0}")]
    Timeout(&'static str),
    /// I/O error on an established connection (reset, closed).
    #[error("i/o error during {stage}: {source}")]
    Io {
        stage: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The server broke the protocol (malformed or over-long reply, unexpected
    /// code, data after the STARTTLS reply).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// TLS was required but could not be established (no STARTTLS offered,
    /// STARTTLS refused, handshake or certificate verification failed).
    /// Fail closed: no MAIL command was sent.
    #[error("TLS required: {0}")]
    TlsRequired(String),
    /// TLS handshake or configuration failure (not under `Required`).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The connection was found closed (or reset) before the server
    /// answered MAIL: nothing of this transaction was accepted, so it may
    /// be retried at once on a fresh connection (a pooled connection the
    /// peer had dropped).
    #[error("connection closed before the transaction began: {0}")]
    Stale(#[source] std::io::Error),
    /// RFC 8689 §4.2.1: the message requires TLS and the server does not
    /// offer REQUIRETLS.
    #[error("server does not support REQUIRETLS")]
    RequireTlsUnsupported,
    /// The server refused the session (greeting, EHLO/HELO, RSET).
    #[error("rejected by server: {0}")]
    Rejected(ServerReply),
    /// RFC 1870 §4: the message is larger than the server's advertised SIZE.
    #[error("message size {size} exceeds server limit {max}")]
    SizeExceeded { size: usize, max: usize },
    /// The message needs an extension the server does not offer
    /// (SMTPUTF8 per RFC 6531 §3.4, 8BITMIME per RFC 6152 §3).
    #[error("server does not support {0}")]
    Unsupported(&'static str),
    /// The envelope cannot be put on the wire (CR/LF or angle brackets in an
    /// address, MT-PRIORITY out of range, no recipients).
    #[error("invalid envelope: {0}")]
    InvalidEnvelope(String),
    /// The message holds an octet that must never reach a next hop (NUL,
    /// bare CR, bare LF; RFC 5321 §2.3.8): it was not sent. Permanent: the
    /// stored message will not change by retrying.
    #[error("message not sent: {what} at octet {offset} (lines must end in CRLF, no NUL)")]
    UnsafeBody { what: &'static str, offset: usize },
    /// Our own settings are unusable (e.g. a HELO name with spaces).
    #[error("client configuration: {0}")]
    Config(String),
    /// An earlier error left the connection in an unknown state.
    #[error("connection is no longer usable")]
    Unusable,
}

impl ClientError {
    /// True when a later retry may succeed. Unknown => transient (rule 5);
    /// a 5xx reply, an oversized message or a missing required extension
    /// is permanent.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Rejected(reply) => !reply.is_permanent(),
            ClientError::SizeExceeded { .. }
            | ClientError::Unsupported(_)
            | ClientError::RequireTlsUnsupported
            | ClientError::InvalidEnvelope(_)
            | ClientError::UnsafeBody { .. } => false,
            ClientError::Connect(_)
            | ClientError::Timeout(_)
            | ClientError::Io { .. }
            | ClientError::Protocol(_)
            | ClientError::TlsRequired(_)
            | ClientError::Tls(_)
            | ClientError::Config(_)
            | ClientError::Stale(_)
            | ClientError::Unusable => true,
        }
    }

    /// An I/O failure before MAIL was answered becomes `Stale`.
    pub(crate) fn before_mail(self) -> ClientError {
        match self {
            ClientError::Io { source, .. } => ClientError::Stale(source),
            other => other,
        }
    }

    /// The server reply behind this error, if there is one.
    pub fn reply(&self) -> Option<&ServerReply> {
        match self {
            ClientError::Rejected(reply) => Some(reply),
            _ => None,
        }
    }
}
