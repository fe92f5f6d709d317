//! One inbound SMTP session (RFC 5321, 6409): an explicit [`State`] that
//! the verb handlers in `verbs/` move along, a bounded line reader,
//! buffered replies flushed only when the next read would block (so
//! pipelined commands, RFC 2920, get their replies in one write), and a
//! dispatch loop that hands each verb to its handler. The dialog tests in
//! `server/tests/` drive it over an in-memory stream.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::config::{AuthMode, ListenerConfig, ListenerTls};
use crate::smtp::reply::{Reply, std_replies};
use crate::spool::RecipientSpec;

use super::Services;

/// Any byte stream a session can run over (TCP, TLS over TCP, in-memory).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// What a handler tells the loop to do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    Close,
}

#[derive(Debug)]
pub enum ReadError {
    Timeout,
    Closed,
}

/// A line as read: its bytes without the line ending, or "too long".
pub enum Line {
    Text(Vec<u8>),
    TooLong,
}

/// The envelope being built between MAIL and the end of data.
#[derive(Debug, Default, Clone)]
pub struct Transaction {
    pub sender: String,
    pub recipients: Vec<RecipientSpec>,
    pub declared_size: usize,
    pub body_8bit: bool,
    pub smtputf8: bool,
    pub requiretls: bool,
    pub ret: Option<String>,
    pub envid: Option<String>,
    pub mt_priority: Option<i8>,
}

/// How the client introduced itself.
#[derive(Debug, Clone)]
pub struct Hello {
    pub name: String,
    /// EHLO (true) or HELO (false).
    pub esmtp: bool,
}

/// BDAT chunks received so far (RFC 3030).
#[derive(Debug, Default)]
pub struct Chunks {
    pub body: Vec<u8>,
    /// Octets announced so far, including any dropped past the size limit.
    pub size: usize,
}

/// Where the session is in the command sequence (RFC 5321 §4.1.4).
/// TLS and the authenticated user are attributes of the session, not
/// states: they outlive transactions, and only STARTTLS (which starts
/// over from `Greeted`, RFC 3207 §4.2) clears them.
///
/// ```text
/// Greeted ─EHLO/HELO→ Ready ─MAIL→ Mail ─RCPT→ Rcpt ─BDAT→ Chunking
///                      ↑                        │            │
///                      └── end of DATA / BDAT LAST, RSET ────┘
/// ```
/// EHLO/HELO from any state goes to `Ready`; RSET to `Ready` (or stays
/// `Greeted`); STARTTLS to `Greeted`.
#[derive(Debug, Default)]
pub enum State {
    /// Greeting sent, or TLS just started: EHLO/HELO first.
    #[default]
    Greeted,
    /// Between transactions: MAIL, AUTH, STARTTLS.
    Ready(Hello),
    /// MAIL accepted, no recipient yet.
    Mail(Hello, Transaction),
    /// At least one recipient: more RCPT, DATA or BDAT.
    Rcpt(Hello, Transaction),
    /// BDAT chunks arriving: more BDAT until LAST (or RSET).
    Chunking(Hello, Transaction, Chunks),
}

impl State {
    pub fn hello(&self) -> Option<&Hello> {
        match self {
            State::Greeted => None,
            State::Ready(h) | State::Mail(h, _) | State::Rcpt(h, _) | State::Chunking(h, _, _) => {
                Some(h)
            }
        }
    }

    /// Between MAIL and the end of the message.
    pub fn in_transaction(&self) -> bool {
        matches!(
            self,
            State::Mail(..) | State::Rcpt(..) | State::Chunking(..)
        )
    }

    /// RSET, or the end of a transaction whatever its outcome.
    pub fn reset(&mut self) {
        *self = match std::mem::take(self) {
            State::Greeted => State::Greeted,
            State::Ready(h) | State::Mail(h, _) | State::Rcpt(h, _) | State::Chunking(h, _, _) => {
                State::Ready(h)
            }
        };
    }
}

#[derive(Debug, Clone)]
pub struct TlsState {
    pub version: String,
    pub cipher: String,
    pub client_cert_trusted: bool,
}

pub struct Session {
    pub svc: Arc<Services>,
    pub listener: Arc<ListenerConfig>,
    pub peer: SocketAddr,
    io: Option<Box<dyn Io>>,
    rbuf: Vec<u8>,
    wbuf: Vec<u8>,
    pub state: State,
    pub tls: Option<TlsState>,
    pub auth_user: Option<crate::users::User>,
    errors: usize,
    /// A 421 was queued: the session ends after writing it (RFC 5321 §3.8).
    closing: bool,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

const READ_CHUNK: usize = 16 * 1024;

impl Session {
    pub fn new(
        svc: Arc<Services>,
        listener: Arc<ListenerConfig>,
        peer: SocketAddr,
        io: Box<dyn Io>,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Self {
        Session {
            svc,
            listener,
            peer,
            io: Some(io),
            rbuf: Vec::with_capacity(READ_CHUNK),
            wbuf: Vec::with_capacity(1024),
            state: State::Greeted,
            tls: None,
            auth_user: None,
            errors: 0,
            closing: false,
            shutdown,
        }
    }

    pub fn hostname(&self) -> &str {
        &self.svc.config.server.hostname
    }

    /// Queue a reply; it is written before the next blocking read.
    pub fn reply(&mut self, r: Reply) {
        if r.code >= 500 {
            self.errors += 1;
        }
        if r.code == 421 {
            self.closing = true;
        }
        self.wbuf.extend_from_slice(r.to_wire(true).as_bytes());
    }

    pub async fn flush(&mut self) -> bool {
        if self.wbuf.is_empty() {
            return true;
        }
        let Some(io) = self.io.as_mut() else {
            return false;
        };
        let ok = tokio::time::timeout(self.svc.config.limits.command_timeout, async {
            io.write_all(&self.wbuf).await?;
            io.flush().await
        })
        .await
        .map(|r| r.is_ok())
        .unwrap_or(false);
        self.wbuf.clear();
        ok
    }

    /// Read more bytes into `rbuf`, flushing pending replies first.
    async fn fill(&mut self, timeout: Duration) -> Result<(), ReadError> {
        if !self.flush().await {
            return Err(ReadError::Closed);
        }
        let Some(io) = self.io.as_mut() else {
            return Err(ReadError::Closed);
        };
        let mut chunk = [0u8; READ_CHUNK];
        let mut shutdown = self.shutdown.clone();
        let n = tokio::select! {
            r = tokio::time::timeout(timeout, io.read(&mut chunk)) => match r {
                Err(_) => return Err(ReadError::Timeout),
                Ok(Err(_)) | Ok(Ok(0)) => return Err(ReadError::Closed),
                Ok(Ok(n)) => n,
            },
            // Between commands only: a transaction in progress finishes first.
            _ = shutdown.wait_for(|v| *v), if !self.state.in_transaction() => return Err(ReadError::Closed),
        };
        self.rbuf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// Read one line of at most `max` octets including CRLF. A longer line
    /// is consumed up to its LF and reported as `TooLong`; it is never
    /// buffered beyond `max`. `timeout` bounds the whole line, not each
    /// read, so a client sending a byte a second cannot hold a session
    /// (slowloris) longer than one command timeout per line.
    pub async fn read_line(&mut self, max: usize, timeout: Duration) -> Result<Line, ReadError> {
        let mut too_long = false;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(pos) = self.rbuf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.rbuf.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if too_long || line.len() + 2 > max {
                    return Ok(Line::TooLong);
                }
                return Ok(Line::Text(line));
            }
            if self.rbuf.len() > max {
                too_long = true;
                self.rbuf.clear();
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(ReadError::Timeout);
            }
            self.fill(left).await?;
        }
    }

    /// Take exactly `n` bytes (BDAT), handing them to `sink` in pieces.
    pub async fn read_exact_into(
        &mut self,
        mut n: usize,
        timeout: Duration,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<(), ReadError> {
        loop {
            let take = n.min(self.rbuf.len());
            if take > 0 {
                sink(&self.rbuf[..take]);
                self.rbuf.drain(..take);
                n -= take;
            }
            if n == 0 {
                return Ok(());
            }
            self.fill(timeout).await?;
        }
    }

    /// Feed buffered and new bytes to `f` until it reports how many bytes
    /// it consumed (DATA); leftover bytes stay for the next command.
    pub async fn read_until(
        &mut self,
        timeout: Duration,
        mut f: impl FnMut(&[u8]) -> Option<usize>,
    ) -> Result<(), ReadError> {
        loop {
            if !self.rbuf.is_empty() {
                match f(&self.rbuf) {
                    Some(used) => {
                        self.rbuf.drain(..used);
                        return Ok(());
                    }
                    None => self.rbuf.clear(),
                }
            }
            self.fill(timeout).await?;
        }
    }

    /// STARTTLS: discard anything pipelined after the command
    /// (CVE-2011-0411), handshake, and forget all prior state (RFC 3207 §4.2).
    pub async fn upgrade_tls(&mut self) -> bool {
        self.rbuf.clear();
        if !self.flush().await {
            return false;
        }
        let Some(acceptor) = self.svc.tls_acceptor() else {
            return false;
        };
        let Some(io) = self.io.take() else {
            return false;
        };
        let handshake = tokio::time::timeout(Duration::from_secs(30), acceptor.accept(io)).await;
        let stream = match handshake {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::info!(peer = %self.peer.ip(), error = %e, "TLS handshake failed");
                return false;
            }
            Err(_) => return false,
        };
        let conn = stream.get_ref().1;
        let version = conn
            .protocol_version()
            .map(|v| match v {
                rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
                rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
                other => format!("{other:?}"),
            })
            .unwrap_or_else(|| "TLS".to_string());
        let cipher = conn
            .negotiated_cipher_suite()
            .and_then(|c| c.suite().as_str())
            .unwrap_or("")
            .to_string();
        let chain: Vec<_> = conn
            .peer_certificates()
            .map(|c| c.iter().map(|x| x.clone().into_owned()).collect())
            .unwrap_or_default();
        let trusted = self.client_cert_trusted(&chain);
        self.svc
            .metrics
            .tls_sessions
            .with_label_values(&[self.listener.name.as_str(), version.as_str()])
            .inc();
        self.tls = Some(TlsState {
            version,
            cipher,
            client_cert_trusted: trusted,
        });
        self.io = Some(Box::new(stream));
        self.state = State::Greeted;
        self.auth_user = None;
        true
    }

    fn client_cert_trusted(&self, chain: &[rustls::pki_types::CertificateDer<'static>]) -> bool {
        let Some(end) = chain.first() else {
            return false;
        };
        let fp = super::tls::fingerprint(end);
        if self.listener.client_cert_fingerprints.contains(&fp) {
            return true;
        }
        if self.listener.client_cert_subjects.is_empty() {
            return false;
        }
        match self
            .svc
            .client_roots
            .get(self.listener.client_ca.as_deref())
        {
            Ok(roots) => {
                super::tls::subject_allowed(chain, &roots, &self.listener.client_cert_subjects)
            }
            Err(e) => {
                tracing::warn!(error = %e, "client CA unreadable");
                false
            }
        }
    }

    /// Implicit TLS (RFC 8314): handshake before the greeting.
    pub async fn start_tls_implicit(&mut self) -> bool {
        self.upgrade_tls().await
    }

    /// May this client relay (send to any domain)?
    pub fn may_relay(&self) -> bool {
        self.auth_user.is_some()
            || self.tls.as_ref().is_some_and(|t| t.client_cert_trusted)
            || self
                .listener
                .allow_relay_from
                .iter()
                .any(|n| n.contains(&self.peer.ip()))
    }

    /// AUTH is offered only over TLS (RFC 4954 §4, RFC 8314).
    pub fn auth_offered(&self) -> bool {
        self.listener.auth != AuthMode::None && self.tls.is_some() && self.auth_user.is_none()
    }

    pub fn starttls_offered(&self) -> bool {
        self.listener.tls == ListenerTls::StartTls
            && self.tls.is_none()
            && self.svc.tls_acceptor().is_some()
    }

    /// The main loop: greeting, then one command at a time.
    pub async fn run(&mut self) {
        let greeting = Reply::plain(220, format!("{} ESMTP sealpost", self.hostname()));
        self.reply(greeting);
        loop {
            if self.errors >= self.svc.config.limits.max_errors {
                self.reply(Reply::new(
                    421,
                    "4.7.0",
                    "Too many errors, closing connection",
                ));
                break;
            }
            let max = self.svc.config.limits.max_command_line + MAIL_RCPT_EXTRA;
            let line = match self
                .read_line(max, self.svc.config.limits.command_timeout)
                .await
            {
                Ok(l) => l,
                Err(ReadError::Timeout) => {
                    self.reply(std_replies::timeout());
                    break;
                }
                Err(ReadError::Closed) => {
                    if self.svc.is_shutting_down() {
                        self.reply(Reply::new(
                            421,
                            "4.3.2",
                            "Service shutting down, try again later",
                        ));
                    }
                    break;
                }
            };
            // Whatever queued a 421 (the accept stage shutting down, say),
            // nothing more is read after it.
            if super::verbs::dispatch(self, line).await == Next::Close || self.closing {
                break;
            }
        }
        self.flush().await;
        if let Some(mut io) = self.io.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), io.shutdown()).await;
        }
    }

    /// After a protocol violation mid-DATA: reply, stop reading commands,
    /// and drain briefly so the reply is not lost to a TCP reset.
    pub async fn reply_and_drop(&mut self, r: Reply) {
        self.reply(r);
        self.flush().await;
        if let Some(io) = self.io.as_mut() {
            let _ = tokio::time::timeout(Duration::from_secs(5), io.shutdown()).await;
            let mut sink = [0u8; 4096];
            let drain = async {
                let mut total = 0usize;
                while total < (1 << 20) {
                    match io.read(&mut sink).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => total += n,
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
        }
        self.io = None;
    }

    /// Count a refused message or recipient under `reason`.
    pub fn count_rejection(&self, reason: &str) {
        self.svc
            .metrics
            .messages_rejected
            .with_label_values(&[self.listener.name.as_str(), reason])
            .inc();
    }

    pub fn is_closed(&self) -> bool {
        self.io.is_none()
    }
}

/// MAIL and RCPT lines may exceed 512 octets by their parameters
/// (RFC 1870 §3 SIZE, RFC 3461 §4 ORCPT/ENVID); other commands may not.
pub const MAIL_RCPT_EXTRA: usize = 512;
