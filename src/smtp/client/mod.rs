//! Outbound SMTP client (RFC 5321) with STARTTLS (RFC 3207), PIPELINING
//! (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531),
//! DSN (RFC 3461) and MT-PRIORITY (RFC 6710).
//!
//! Flow of one connection:
//! ```text
//! Client::connect(addr) ─ TCP ─▶ Connected ─greet()─▶ Greeted ─ehlo()─▶ Ehloed
//!   ─secure(TlsMode)─▶ Client ─send()*─▶ … ─reset()/send()… ─quit()
//! ```
//! `states.rs` holds the chain; `Ehloed::secure` is the STARTTLS transition
//! and the only constructor of `Client`, so under `TlsPolicy::Required` no
//! MAIL command can ever be written to a plaintext connection.
//!
//! `send` runs one transaction. Before any I/O it checks the envelope
//! against the server's extensions (size, SMTPUTF8, 8BITMIME, address
//! syntax). With PIPELINING it writes MAIL, every RCPT and DATA in one
//! write and reads the replies in order (RFC 2920 §3.1); otherwise it goes
//! command by command. It returns one `RcptOutcome` per recipient, in
//! order: a rejected MAIL or a rejected DATA/final reply is applied to
//! every recipient the server had accepted. With no accepted recipient it
//! sends RSET instead of a message.
//!
//! Invariants: every read and write is bounded in size and time
//! (`session.rs`); any I/O or protocol error marks the client unusable;
//! message bodies are never logged (only counts and reply codes).

mod codec;
mod error;
mod reply;
mod session;
mod states;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_tcp;
pub(crate) mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

pub use error::ClientError;
pub use reply::{Extensions, ServerReply};
pub use states::{Connected, Ehloed, Greeted, TlsMode};
pub use tls::{MaybeTls, TlsInfo, verifying_config};

use session::Session;
use states::SecureFailure;

/// Bytes of (stuffed) message written per DATA block, each under
/// `data_timeout` (RFC 5321 §4.5.3.2.5: "Data Block: 3 minutes").
const DATA_CHUNK: usize = 64 * 1024;

/// When to use STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsPolicy {
    /// Never STARTTLS (tests, configured internal routes).
    None,
    /// STARTTLS when offered; verified if possible, else unverified, else
    /// plaintext. `TlsInfo::verified` records which.
    Opportunistic,
    /// Verified STARTTLS or no delivery (transient error); MAIL is never
    /// sent in plaintext.
    Required,
}

/// Settings shared by all connections of a transport.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Our name in EHLO/HELO (RFC 5321 §4.1.1.1).
    pub helo_name: String,
    pub tls: TlsPolicy,
    /// A verifying configuration (webpki roots + optional extra CA), see
    /// [`verifying_config`].
    pub tls_config: Arc<rustls::ClientConfig>,
    pub connect_timeout: Duration,
    /// Per command reply (RFC 5321 §4.5.3.2 suggests 5 minutes).
    pub command_timeout: Duration,
    /// Per DATA block written and for the final reply (§4.5.3.2.5/.6: 3 and 10 minutes).
    pub data_timeout: Duration,
}

impl ClientSettings {
    /// Settings with the RFC 5321 §4.5.3.2 timeouts and a 30 s connect timeout.
    pub fn new(
        helo_name: impl Into<String>,
        tls: TlsPolicy,
        tls_config: Arc<rustls::ClientConfig>,
    ) -> Self {
        ClientSettings {
            helo_name: helo_name.into(),
            tls,
            tls_config,
            connect_timeout: Duration::from_secs(30),
            command_timeout: Duration::from_secs(300),
            data_timeout: Duration::from_secs(600),
        }
    }
}

/// RFC 3461 §4.3 RET.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsnRet {
    Full,
    Headers,
}

/// RFC 3461 §4.1 NOTIFY; all false means NEVER.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notify {
    pub success: bool,
    pub failure: bool,
    pub delay: bool,
}

/// Per-recipient DSN parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct RcptDsn<'a> {
    pub notify: Option<Notify>,
    /// Original recipient (RFC 3461 §4.2), sent as `rfc822;xtext`.
    pub orcpt: Option<&'a str>,
}

/// DSN parameters; sent only if the server offers DSN.
#[derive(Debug, Clone, Copy, Default)]
pub struct DsnParams<'a> {
    pub ret: Option<DsnRet>,
    pub envid: Option<&'a str>,
    /// Index-aligned with `Envelope::recipients`; missing entries send none.
    pub recipients: &'a [RcptDsn<'a>],
}

/// One transaction's envelope.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// Reverse path without brackets; "" for the null sender `<>`.
    pub mail_from: &'a str,
    pub recipients: &'a [String],
    /// Size estimate for SIZE=; the body length is used if larger.
    pub size: usize,
    pub smtputf8: bool,
    pub body_8bit: bool,
    pub dsn: Option<DsnParams<'a>>,
    /// -9..=9, sent only if MT-PRIORITY is offered.
    pub mt_priority: Option<i8>,
    /// RFC 8689: the message may only go to a server announcing
    /// REQUIRETLS (over verified TLS, the caller's policy), and says so.
    pub requiretls: bool,
}

/// Result for one recipient, in envelope order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcptOutcome {
    Accepted,
    Transient(ServerReply),
    Permanent(ServerReply),
}

impl RcptOutcome {
    /// 2xx => Accepted, 5xx => Permanent, anything else => Transient.
    fn from_reply(reply: &ServerReply) -> RcptOutcome {
        if reply.is_positive() {
            RcptOutcome::Accepted
        } else if reply.is_permanent() {
            RcptOutcome::Permanent(reply.clone())
        } else {
            RcptOutcome::Transient(reply.clone())
        }
    }
}

/// Replies to the envelope commands of one transaction.
struct EnvelopeReplies {
    mail: ServerReply,
    rcpts: Vec<ServerReply>,
    /// DATA's reply when it was pipelined.
    data: Option<ServerReply>,
}

/// A connected, greeted, EHLO'd session past the STARTTLS transition.
#[derive(Debug)]
pub struct Client<S> {
    session: Session<MaybeTls<S>>,
    ext: Extensions,
    tls: Option<TlsInfo>,
    settings: ClientSettings,
    usable: bool,
}

impl Client<TcpStream> {
    /// Connect to `addr`, greet, EHLO and apply `settings.tls` using
    /// `server_name` for SNI and certificate verification.
    ///
    /// Opportunistic: verified TLS first; on an untrusted certificate a new
    /// connection with unverified TLS (`verified = false`); on any other
    /// handshake failure a new connection in plaintext.
    pub async fn connect(
        addr: SocketAddr,
        server_name: &str,
        settings: &ClientSettings,
    ) -> Result<Self, ClientError> {
        let config = settings.tls_config.clone();
        let first = match settings.tls {
            TlsPolicy::None => TlsMode::Plain,
            TlsPolicy::Required => TlsMode::Required { config },
            TlsPolicy::Opportunistic => TlsMode::Opportunistic {
                config,
                verified: true,
            },
        };
        match Self::attempt(addr, server_name, settings, first).await {
            Ok(client) => Ok(client),
            Err(SecureFailure::Untrusted(e)) => {
                tracing::info!(%addr, error = %e, "certificate not trusted; retrying with unverified TLS");
                let config = tls::accept_any_config(&settings.tls_config);
                let mode = TlsMode::Opportunistic {
                    config,
                    verified: false,
                };
                match Self::attempt(addr, server_name, settings, mode).await {
                    Err(SecureFailure::Handshake(e)) => {
                        Self::plain_retry(addr, server_name, settings, e).await
                    }
                    other => other.map_err(SecureFailure::into_error),
                }
            }
            Err(SecureFailure::Handshake(e)) => {
                Self::plain_retry(addr, server_name, settings, e).await
            }
            Err(SecureFailure::Other(e)) => Err(e),
        }
    }

    async fn plain_retry(
        addr: SocketAddr,
        name: &str,
        settings: &ClientSettings,
        e: ClientError,
    ) -> Result<Self, ClientError> {
        tracing::info!(%addr, error = %e, "TLS handshake failed; retrying in plaintext");
        Self::attempt(addr, name, settings, TlsMode::Plain)
            .await
            .map_err(SecureFailure::into_error)
    }

    async fn attempt(
        addr: SocketAddr,
        name: &str,
        settings: &ClientSettings,
        mode: TlsMode,
    ) -> Result<Self, SecureFailure> {
        let tcp =
            match tokio::time::timeout(settings.connect_timeout, TcpStream::connect(addr)).await {
                Ok(Ok(tcp)) => tcp,
                Ok(Err(e)) => return Err(SecureFailure::Other(ClientError::Connect(e))),
                Err(_) => return Err(SecureFailure::Other(ClientError::Timeout("connect"))),
            };
        // Small commands: do not wait for Nagle.
        let _ = tcp.set_nodelay(true);
        let ehloed = Connected::new(tcp, settings)
            .greet()
            .await
            .map_err(SecureFailure::Other)?
            .ehlo()
            .await
            .map_err(SecureFailure::Other)?;
        ehloed.secure_inner(mode, name).await
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Client<S> {
    /// Run the whole setup chain on an already connected stream (used for
    /// in-memory tests and for callers that connect themselves). No
    /// fallback reconnects happen here.
    pub async fn handshake(
        stream: S,
        server_name: &str,
        settings: &ClientSettings,
        mode: TlsMode,
    ) -> Result<Self, ClientError> {
        Connected::new(stream, settings)
            .greet()
            .await?
            .ehlo()
            .await?
            .secure(mode, server_name)
            .await
    }

    pub(crate) fn from_parts(
        session: Session<MaybeTls<S>>,
        ext: Extensions,
        tls: Option<TlsInfo>,
        settings: ClientSettings,
    ) -> Self {
        Client {
            session,
            ext,
            tls,
            settings,
            usable: true,
        }
    }

    /// TLS parameters, or None for a plaintext session.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// Extensions from the last EHLO (after STARTTLS when TLS is on).
    pub fn extensions(&self) -> &Extensions {
        &self.ext
    }

    /// The server's SIZE limit, if it announced a non-zero one.
    pub fn max_size(&self) -> Option<usize> {
        self.ext.max_size()
    }

    /// False once an I/O, timeout or protocol error has happened.
    pub fn is_usable(&self) -> bool {
        self.usable
    }

    /// The underlying stream (e.g. for peer address).
    pub fn stream(&self) -> &MaybeTls<S> {
        self.session.get_ref()
    }
}

mod transaction;
