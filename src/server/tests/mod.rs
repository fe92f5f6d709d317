//! Dialog tests: a real `Session` driven over an in-memory duplex stream,
//! written like the protocol (chasquid's `.cmy` scripts, Stalwart's session
//! tests). A script is one directive per line:
//!
//! ```text
//! C: MAIL FROM:<a@b>     a client line (CRLF added; `C:` alone is an empty
//!                        line); consecutive C lines
//!                        go out in one write, i.e. pipelined (RFC 2920)
//! R: a\nb\r\n            raw client bytes, with \r \n \t \\ \xNN escapes
//! S: 250 2.1.0 OK        the next server line, exactly
//! S~ 250 2.0.0 OK queued the next server line starts with this
//! S* 250                 a whole reply with this code, any number of lines
//! TLS                    the client's TLS handshake (STARTTLS, implicit)
//! CLOSED                 the server has closed the connection
//! ```
//!
//! Everything the session needs is real: a spool, an accept stage with the
//! built-in policies, an audit log and a sled suppression list in a temp
//! dir, a users table, and a self-signed certificate the client trusts.
//! After a dialog, tests look into the spool for what was accepted.

mod commands;
mod data;
mod limits;
mod tls_auth;

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};

use super::session::{Io, Session};
use super::{ConnectionCounter, Services};
use crate::config::Config;
use crate::server::throttle::{AuthThrottle, Limits as ThrottleLimits};
use crate::spool::{MessageMeta, Spool};
use crate::users::{User, UsersFile};

/// The fixture's host name, as the greeting and EHLO say it.
pub const HOST: &str = "mx.test";
/// A client inside `allow_relay_from` (10.0.0.0/8).
pub const INSIDE: &str = "10.0.0.5";
/// A client outside every relay network.
pub const OUTSIDE: &str = "192.0.2.10";
/// The fixture user: may send as `@hospital.test` only. In scripts, base64:
/// `AGVocgBzM2NyZXQh` = "\0ehr\0s3cret!", `AGVocgB3cm9uZw==` = "\0ehr\0wrong",
/// `ZWhy` = "ehr", `czNjcmV0IQ==` = "s3cret!", `d3Jvbmc=` = "wrong",
/// `b3RoZXIAZWhyAHMzY3JldCE=` = "other\0ehr\0s3cret!", `AGVocg==` = "\0ehr",
/// `ZWhyAGVocgBzM2NyZXQh` = "ehr\0ehr\0s3cret!".
pub const USER: &str = "ehr";
const PASSWORD: &str = "s3cret!";

/// How long a test waits for any one server line before failing (real
/// time; tests on paused time configure shorter session timeouts).
const WAIT: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"
[server]
hostname = "mx.test"

# The smarthost: STARTTLS, AUTH optional, relay for 10/8 or after AUTH.
[[listener]]
name = "submission"
address = "127.0.0.1:0"
tls = "starttls"
auth = "optional"
allow_relay_from = ["10.0.0.0/8"]

# No TLS, no AUTH: only 10/8 may relay.
[[listener]]
name = "relay"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["10.0.0.0/8"]

# AUTH before MAIL.
[[listener]]
name = "required"
address = "127.0.0.1:0"
tls = "starttls"
auth = "required"

# RFC 8314 implicit TLS.
[[listener]]
name = "smtps"
address = "127.0.0.1:0"
tls = "implicit"
auth = "required"

# Inbound bounces for the bounce domain only.
[[listener]]
name = "bounce"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
mode = "bounce"

[[bounce_domain]]
sending_domain = "hospital.test"
domain = "bounces.hospital.test"

[[route]]
domains = ["*"]
host = "127.0.0.1:2600"
tls = "opportunistic"
"#;

/// Services over a temp dir; each test builds its own.
pub struct Fixture {
    pub svc: Arc<Services>,
    _dir: tempfile::TempDir,
    roots: Arc<rustls::RootCertStore>,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(|_| {})
    }

    /// A fixture whose configuration `edit` adjusts first (limits, listeners).
    pub fn with(edit: impl FnOnce(&mut Config)) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let mut config =
            Config::from_toml(CONFIG, &root.join("sealpost.toml")).expect("fixture config");
        config.server.spool_dir = root.join("spool");
        config.server.spool_key = root.join("spool.key");
        config.server.users_file = root.join("users.toml");
        config.tls.cert = None;
        config.tls.key = None;
        config.tls.self_signed_dir = root.join("tls");
        config.audit.path = root.join("audit/audit.log");
        config.audit.key = root.join("audit/audit.key");
        edit(&mut config);
        let config = Arc::new(config);
        let (spool, _) =
            Spool::open(&config.server.spool_dir, &config.server.spool_key).expect("spool opens");
        let schedule = Arc::new(crate::spool::schedule::Schedule::new());
        let metrics = Arc::new(crate::metrics::Metrics::new().expect("metrics"));
        let audit = Arc::new(
            crate::audit::AuditLog::open(crate::audit::AuditConfig::new(
                &config.audit.path,
                &config.audit.key,
            ))
            .expect("audit log"),
        );
        let tls = super::tls::server_config(&config.tls, HOST).expect("self-signed certificate");
        let cert =
            CertificateDer::from_pem_file(config.tls.self_signed_dir.join("self-signed.pem"))
                .expect("certificate file");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert).expect("trust anchor");
        let limits = &config.limits;
        let svc = Services {
            config: config.clone(),
            spool: spool.clone(),
            schedule: schedule.clone(),
            users: RwLock::new(Arc::new(users())),
            accept: Arc::new(crate::accept::Stage::new(
                config.clone(),
                spool.clone(),
                schedule,
                audit.clone(),
                metrics.clone(),
                crate::policy::PolicySet::builtin(),
            )),
            auth_throttle: std::sync::Arc::new(AuthThrottle::new(ThrottleLimits {
                per_ip: limits.auth_failures_per_ip,
                per_ip_user: limits.auth_failures_per_ip_user,
                per_user: limits.auth_failures_per_user,
                window: limits.auth_failure_window,
                known_good_for: limits.auth_known_good_for,
            })),
            auth_slots: tokio::sync::Semaphore::new(2),
            tls: RwLock::new(Some(tokio_rustls::TlsAcceptor::from(tls))),
            client_roots: Default::default(),
            connections: ConnectionCounter::default(),
            metrics,
            audit,
            suppression: Arc::new(crate::bounce::SledSuppression::from_tree(
                spool.tree("suppression").expect("suppression tree"),
            )),
            verp: Arc::new(crate::bounce::VerpKey::from_bytes(&[7u8; 32])),
        };
        Fixture {
            svc: Arc::new(svc),
            _dir: dir,
            roots: Arc::new(roots),
        }
    }

    /// A client connected from `peer` to a new session on `listener`.
    pub fn connect(&self, listener: &str, peer: &str) -> Client {
        let listener = self
            .svc
            .config
            .listeners
            .iter()
            .find(|l| l.name == listener)
            .cloned()
            .map(Arc::new)
            .expect("fixture listener");
        let peer = SocketAddr::new(peer.parse().expect("peer ip"), 40000);
        let (client, server) = tokio::io::duplex(1 << 20);
        let flushes = Arc::new(Mutex::new(Vec::new()));
        let io: Box<dyn Io> = Box::new(Recorder {
            inner: server,
            current: Vec::new(),
            flushes: flushes.clone(),
        });
        let (shutdown, rx) = tokio::sync::watch::channel(false);
        let implicit = listener.tls == crate::config::ListenerTls::Implicit;
        let mut session = Session::new(self.svc.clone(), listener, peer, io, rx);
        let task = tokio::spawn(async move {
            if implicit && !session.start_tls_implicit().await {
                return;
            }
            session.run().await;
        });
        Client {
            io: Some(Box::new(client)),
            buf: Vec::new(),
            pending: Vec::new(),
            transcript: Vec::new(),
            flushes,
            roots: self.roots.clone(),
            shutdown,
            _task: task,
        }
    }

    /// Every message in the spool.
    pub fn spooled(&self) -> Vec<MessageMeta> {
        self.svc.spool.list().expect("spool lists")
    }

    /// The only message in the spool, and its stored bytes.
    pub fn only_message(&self) -> (MessageMeta, String) {
        let all = self.spooled();
        assert_eq!(all.len(), 1, "expected one spooled message");
        let meta = all.into_iter().next().expect("one message");
        let body = self.svc.spool.load_body(&meta).expect("body loads");
        (meta, String::from_utf8_lossy(&body).into_owned())
    }
}

/// The fixture's one user, hashed with small argon2 costs (the stored hash
/// carries its parameters, so verification uses the same small costs).
fn users() -> UsersFile {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let params = argon2::Params::new(8, 1, 1, None).expect("argon2 params");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::encode_b64(b"dialog-test-salt").expect("salt");
    let hash = argon
        .hash_password(PASSWORD.as_bytes(), &salt)
        .expect("hash")
        .to_string();
    UsersFile {
        user: vec![User {
            name: USER.into(),
            password_hash: hash,
            sender_domains: vec!["hospital.test".into()],
        }],
    }
}

/// The session's side of the stream, remembering what each flush sent.
struct Recorder {
    inner: DuplexStream,
    current: Vec<u8>,
    flushes: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl AsyncRead for Recorder {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = r {
            this.current.extend_from_slice(&buf[..n]);
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if !this.current.is_empty()
            && let Ok(mut f) = this.flushes.lock()
        {
            f.push(std::mem::take(&mut this.current));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The client end of a dialog.
pub struct Client {
    io: Option<Box<dyn Io>>,
    buf: Vec<u8>,
    pending: Vec<u8>,
    transcript: Vec<String>,
    flushes: Arc<Mutex<Vec<Vec<u8>>>>,
    roots: Arc<rustls::RootCertStore>,
    /// Kept open: a dropped sender would read as "shutting down".
    pub shutdown: tokio::sync::watch::Sender<bool>,
    _task: tokio::task::JoinHandle<()>,
}

impl Client {
    /// Run a script (see the module header); panics with the transcript
    /// at the first server line that differs.
    pub async fn run(&mut self, script: &str) {
        for (n, raw) in script.lines().enumerate() {
            let line = raw.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("script line {}: {line}", n + 1);
            if let Some(text) = line.strip_prefix("C: ") {
                self.c(text);
            } else if line == "C:" {
                self.c("");
            } else if let Some(text) = line.strip_prefix("R: ") {
                self.raw(&unescape(text));
            } else if let Some(want) = line.strip_prefix("S: ") {
                let got = self.line(&at).await;
                self.check(got == want, &at, &got);
            } else if let Some(want) = line.strip_prefix("S~ ") {
                let got = self.line(&at).await;
                self.check(got.starts_with(want), &at, &got);
            } else if let Some(code) = line.strip_prefix("S* ") {
                self.reply(code, &at).await;
            } else if line == "TLS" {
                self.tls(None).await;
            } else if line == "CLOSED" {
                self.closed(&at).await;
            } else {
                panic!("{at}: unknown directive");
            }
        }
        self.send().await;
    }

    /// Queue one client line (sent with the next read).
    pub fn c(&mut self, line: &str) {
        self.transcript.push(format!("C: {line}"));
        self.pending.extend_from_slice(line.as_bytes());
        self.pending.extend_from_slice(b"\r\n");
    }

    /// Queue raw client bytes.
    pub fn raw(&mut self, bytes: &[u8]) {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]).into_owned();
        self.transcript
            .push(format!("R: {shown:?} ({} bytes)", bytes.len()));
        self.pending.extend_from_slice(bytes);
    }

    /// Send what is queued, in one write.
    pub async fn send(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        if let Some(io) = self.io.as_mut() {
            // The server may have closed already; the next read says so.
            let _ = io.write_all(&bytes).await;
            let _ = io.flush().await;
        }
    }

    /// The next server line, without CRLF (queued client bytes go first).
    pub async fn line(&mut self, at: &str) -> String {
        self.send().await;
        match self.read_line().await {
            Some(l) => {
                self.transcript.push(format!("S: {l}"));
                l
            }
            None => panic!("{at}: connection closed\n{}", self.shown()),
        }
    }

    async fn read_line(&mut self) -> Option<String> {
        loop {
            if let Some(pos) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..pos + 2).collect();
                return Some(String::from_utf8_lossy(&line[..pos]).into_owned());
            }
            let io = self.io.as_mut()?;
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout(WAIT, io.read(&mut chunk)).await {
                Err(_) => panic!("no server line within {WAIT:?}\n{}", self.shown()),
                Ok(Ok(0)) | Ok(Err(_)) => return None,
                Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Read a whole reply (its lines) with this code.
    pub async fn reply(&mut self, code: &str, at: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let got = self.line(at).await;
            let more = format!("{code}-");
            if got.starts_with(&more) {
                lines.push(got);
                continue;
            }
            self.check(got.starts_with(&format!("{code} ")), at, &got);
            lines.push(got);
            return lines;
        }
    }

    /// The last server line read.
    pub fn last(&self) -> &str {
        self.transcript
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("S: "))
            .unwrap_or("")
    }

    /// Expect the server to close the connection (after any lines it sent
    /// were read by the script).
    pub async fn closed(&mut self, at: &str) {
        self.send().await;
        if let Some(l) = self.read_line().await {
            panic!(
                "{at}: expected the connection closed, got {l:?}\n{}",
                self.shown()
            );
        }
        self.transcript.push("CLOSED".into());
    }

    /// TLS handshake as the client, trusting the fixture certificate;
    /// `cert` is an optional client certificate and key.
    pub async fn tls(&mut self, cert: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>) {
        self.send().await;
        assert!(
            self.buf.is_empty(),
            "server bytes before the TLS handshake: {:?}",
            String::from_utf8_lossy(&self.buf)
        );
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(self.roots.clone());
        let config = match cert {
            Some((c, k)) => builder
                .with_client_auth_cert(vec![c], k)
                .expect("client cert"),
            None => builder.with_no_client_auth(),
        };
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let io = self.io.take().expect("connection open");
        let name = ServerName::try_from(HOST).expect("server name");
        let stream = tokio::time::timeout(WAIT, connector.connect(name, io))
            .await
            .expect("handshake in time")
            .expect("TLS handshake");
        self.transcript.push("TLS".into());
        self.io = Some(Box::new(stream));
    }

    /// What the server wrote, one entry per flush (plaintext sessions).
    pub fn flushes(&self) -> Vec<String> {
        self.flushes
            .lock()
            .map(|f| {
                f.iter()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn check(&self, ok: bool, at: &str, got: &str) {
        assert!(ok, "{at}\n     got: {got}\n{}", self.shown());
    }

    fn shown(&self) -> String {
        format!("transcript:\n  {}", self.transcript.join("\n  "))
    }
}

/// `\r`, `\n`, `\t`, `\\` and `\xNN` in raw script lines.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'r') => out.push(b'\r'),
            Some(b'n') => out.push(b'\n'),
            Some(b't') => out.push(b'\t'),
            Some(b'x') => {
                let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                let v = std::str::from_utf8(&hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .expect("\\xNN escape");
                out.push(v);
            }
            Some(other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}
