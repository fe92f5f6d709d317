//! Why a recipient's copy did not leave (CONVENTIONS rule 5): each error
//! knows its wire reply, whether a retry may succeed, and a detail for the
//! log — kept apart, so resolver, TLS or crypto library text never reaches
//! a DSN or `last_reply` as if a remote server had said it.
//!
//! `diagnostic()` is what the spool keeps: the remote's own reply
//! (`Diagnostic::Remote`, a DSN's `smtp;`) or sealpost's fixed text for a
//! local reason (`Diagnostic::Local`, a DSN's `x-sealpost;`).

use crate::dns::MxError;
use crate::smtp::client::ClientError;
use crate::smtp::reply::Reply;
use crate::spool::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// What the remote server answered (greeting, MAIL, RCPT, DATA, end).
    Remote(Reply),
    /// MX resolution failed.
    Dns(MxError),
    /// A route's host name did not resolve.
    RouteLookup(String),
    /// No next hop could be reached (connect, timeout, lost connection).
    Unreachable(String),
    /// Verified TLS is required and no next hop offers it (TLS failed,
    /// MTA-STS `enforce` matches no MX, a DANE lookup failed).
    TlsUnavailable(String),
    /// RFC 8689: the message carries REQUIRETLS and the next hop cannot
    /// honour it (no REQUIRETLS, or no authenticated MX host).
    RequireTls { authenticated_mx: bool },
    /// The next hop broke the protocol.
    Protocol(String),
    /// The message is larger than the next hop accepts.
    TooBig { size: usize, max: usize },
    /// The message needs an extension the next hop lacks (SMTPUTF8, 8BITMIME).
    Unsupported(&'static str),
    /// The envelope cannot be put on the wire.
    InvalidEnvelope(String),
    /// Our own client settings are unusable.
    LocalConfig(String),
    /// Encryption for the recipient failed.
    Encryption { transient: bool, detail: String },
    /// No allowed protection method is possible for the recipient now.
    NoMethod,
    /// The protection the verdict asks for is not set up on this node.
    NotConfigured(&'static str),
    /// The portal store failed, or its notice could not be queued.
    Portal(String),
    /// A route's outbox could not be written.
    Outbox(String),
    /// The recipient is on the suppression list (the list's reason word).
    Suppressed(String),
    /// The node is shutting down.
    ShuttingDown,
}

impl DeliveryError {
    /// Client errors: the remote's reply when there is one, else a local
    /// reason. A missing REQUIRETLS is its own (permanent) error.
    pub fn from_client(e: &ClientError) -> DeliveryError {
        if let Some(reply) = e.reply() {
            return DeliveryError::Remote(reply.clone());
        }
        match e {
            ClientError::RequireTlsUnsupported => DeliveryError::RequireTls {
                authenticated_mx: true,
            },
            ClientError::TlsRequired(d) => DeliveryError::TlsUnavailable(d.clone()),
            ClientError::SizeExceeded { size, max } => DeliveryError::TooBig {
                size: *size,
                max: *max,
            },
            ClientError::Unsupported(ext) => DeliveryError::Unsupported(ext),
            ClientError::InvalidEnvelope(d) => DeliveryError::InvalidEnvelope(d.clone()),
            ClientError::Config(d) => DeliveryError::LocalConfig(d.clone()),
            ClientError::Protocol(d) => DeliveryError::Protocol(d.clone()),
            other => DeliveryError::Unreachable(other.to_string()),
        }
    }

    /// Will a later attempt possibly succeed? Unknown means yes.
    pub fn is_transient(&self) -> bool {
        match self {
            DeliveryError::Remote(r) => !r.is_permanent(),
            DeliveryError::Dns(e) => e.is_transient(),
            DeliveryError::Encryption { transient, .. } => *transient,
            DeliveryError::RequireTls { .. }
            | DeliveryError::TooBig { .. }
            | DeliveryError::Unsupported(_)
            | DeliveryError::InvalidEnvelope(_)
            | DeliveryError::Suppressed(_) => false,
            _ => true,
        }
    }

    /// Verified TLS could not be had: the portal may take over (never
    /// decided from reply text, which a remote's 4xx could imitate).
    pub fn is_tls_unavailable(&self) -> bool {
        matches!(self, DeliveryError::TlsUnavailable(_))
    }

    /// The reply that stands for this error (fixed text for local reasons).
    pub fn reply(&self) -> Reply {
        match self {
            DeliveryError::Remote(r) => r.clone(),
            DeliveryError::Dns(MxError::NullMx(_)) => Reply::new(
                556,
                "5.1.10",
                "Recipient domain does not accept mail (null MX)",
            ),
            DeliveryError::Dns(e) if e.is_transient() => Reply::new(
                451,
                "4.4.3",
                "Temporary DNS failure for the recipient domain",
            ),
            DeliveryError::Dns(_) => Reply::new(
                550,
                "5.1.2",
                "Recipient domain does not exist or has no mail server",
            ),
            DeliveryError::RouteLookup(_) => {
                Reply::new(451, "4.4.3", "The route's next hop could not be resolved")
            }
            DeliveryError::Unreachable(_) => {
                Reply::new(451, "4.4.1", "No mail exchanger could be reached")
            }
            DeliveryError::TlsUnavailable(_) => Reply::new(
                451,
                "4.7.5",
                "Verified TLS to the recipient's mail server is not available",
            ),
            DeliveryError::RequireTls {
                authenticated_mx: false,
            } => Reply::new(
                550,
                "5.7.30",
                "REQUIRETLS: no mail exchanger of the domain is authenticated",
            ),
            DeliveryError::RequireTls { .. } => {
                Reply::new(550, "5.7.30", "REQUIRETLS support required")
            }
            DeliveryError::Protocol(_) => Reply::new(
                451,
                "4.5.0",
                "Protocol error at the recipient's mail server",
            ),
            DeliveryError::TooBig { .. } => Reply::new(
                552,
                "5.3.4",
                "Message too big for the recipient's mail server",
            ),
            DeliveryError::Unsupported("SMTPUTF8") => Reply::new(
                553,
                "5.6.7",
                "The recipient's mail server does not support SMTPUTF8",
            ),
            DeliveryError::Unsupported(_) => Reply::new(
                554,
                "5.6.3",
                "The recipient's mail server cannot take this message's encoding",
            ),
            DeliveryError::InvalidEnvelope(_) => {
                Reply::new(553, "5.1.3", "Address cannot be used in an SMTP envelope")
            }
            DeliveryError::LocalConfig(_) => {
                Reply::new(451, "4.3.5", "Local configuration error; will retry")
            }
            DeliveryError::Encryption {
                transient: true, ..
            } => Reply::new(
                451,
                "4.7.5",
                "Encryption for the recipient failed; will retry",
            ),
            DeliveryError::Encryption { .. } => Reply::new(
                554,
                "5.7.5",
                "The message cannot be encrypted for the recipient",
            ),
            DeliveryError::NoMethod => Reply::new(
                451,
                "4.7.0",
                "No allowed protection method is available yet",
            ),
            DeliveryError::NotConfigured(what) => Reply::new(
                451,
                "4.7.0",
                format!("{what} is not configured on this node"),
            ),
            DeliveryError::Portal(_) => {
                Reply::new(451, "4.3.0", "Secure portal unavailable; will retry")
            }
            DeliveryError::Outbox(_) => {
                Reply::new(451, "4.3.0", "Local outbox not writable; will retry")
            }
            DeliveryError::Suppressed(reason) => Reply::new(
                550,
                "5.1.1",
                format!("Recipient is on the suppression list ({reason})"),
            ),
            DeliveryError::ShuttingDown => Reply::new(451, "4.3.2", "Shutting down; will retry"),
        }
    }

    /// The detail for logs (may hold library text; never PHI).
    pub fn detail(&self) -> String {
        match self {
            DeliveryError::Remote(r) => r.to_string(),
            DeliveryError::Dns(e) => e.to_string(),
            DeliveryError::RouteLookup(d)
            | DeliveryError::Unreachable(d)
            | DeliveryError::TlsUnavailable(d)
            | DeliveryError::Protocol(d)
            | DeliveryError::InvalidEnvelope(d)
            | DeliveryError::LocalConfig(d)
            | DeliveryError::Portal(d)
            | DeliveryError::Outbox(d) => d.clone(),
            DeliveryError::Encryption { detail, .. } => detail.clone(),
            DeliveryError::TooBig { size, max } => format!("size {size} > limit {max}"),
            other => other.reply().to_string(),
        }
    }

    /// What the spool keeps and a DSN reports.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            DeliveryError::Remote(r) => Diagnostic::Remote(r.clone()),
            other => Diagnostic::Local(other.reply()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_text_stays_in_the_detail_never_in_the_reply() {
        let e =
            DeliveryError::Unreachable("connect failed: Connection refused (os error 111)".into());
        assert_eq!(
            e.reply().to_string(),
            "451 4.4.1 No mail exchanger could be reached"
        );
        assert!(e.detail().contains("os error 111"));
        assert!(matches!(e.diagnostic(), Diagnostic::Local(_)));
        assert!(e.is_transient());
    }

    #[test]
    fn a_remote_reply_is_remote_and_its_class_decides() {
        let r = Reply::new(550, "5.1.1", "no such user");
        let e = DeliveryError::Remote(r.clone());
        assert_eq!(e.diagnostic(), Diagnostic::Remote(r));
        assert!(!e.is_transient());
        let e = DeliveryError::Remote(Reply::new(451, "4.7.5", "TLS required, try later"));
        assert!(e.is_transient());
        assert!(
            !e.is_tls_unavailable(),
            "remote text never means our TLS failed"
        );
    }

    #[test]
    fn permanent_local_failures_are_permanent() {
        for e in [
            DeliveryError::Encryption {
                transient: false,
                detail: "malformed".into(),
            },
            DeliveryError::RequireTls {
                authenticated_mx: true,
            },
            DeliveryError::TooBig { size: 2, max: 1 },
            DeliveryError::Dns(MxError::NullMx("x.example".into())),
        ] {
            assert!(!e.is_transient(), "{e:?}");
            assert!(e.reply().is_permanent(), "{e:?}");
        }
    }
}
