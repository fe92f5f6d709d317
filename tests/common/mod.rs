//! Test harness: the real `sealpost` binary with every listener on
//! `127.0.0.1:0` (its ports read back from the start-up report it prints),
//! a recording SMTP sink on `127.0.0.1:0`, and an SMTP dialog client with
//! STARTTLS/implicit TLS. No port is chosen in advance, and nothing sleeps
//! for a guessed time: every wait polls a condition under a deadline.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const DEADLINE: Duration = Duration::from_secs(30);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sealpost")
}

/// Poll `f` until it returns Some or the deadline passes.
pub async fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------- sink

#[derive(Debug, Clone)]
pub struct SinkMessage {
    pub from: String,
    pub rcpts: Vec<String>,
    pub data: Vec<u8>,
    pub mail_line: String,
    pub rcpt_lines: Vec<String>,
    pub over_tls: bool,
}

impl SinkMessage {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// A recording SMTP server. RCPT to an address containing "reject" gets
/// 550, containing "defer" gets 451; everything else is accepted.
#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    /// STARTTLS offered with this acceptor when set (see `start_tls`).
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub messages: Arc<Mutex<Vec<SinkMessage>>>,
    pub connections: Arc<Mutex<usize>>,
    pub tls_sessions: Arc<Mutex<usize>>,
    /// While false, connections are closed before the greeting, as if no
    /// server were there yet (see `start_down`).
    up: Arc<AtomicBool>,
}

impl Sink {
    pub async fn start() -> Sink {
        Self::start_with_ext(&["PIPELINING", "8BITMIME", "SMTPUTF8", "DSN"]).await
    }

    pub async fn start_with_ext(ext: &'static [&'static str]) -> Sink {
        Self::start_gated(ext, None).await
    }

    /// With a gate, each connection waits for the gate to open before its
    /// greeting.
    pub async fn start_gated(
        ext: &'static [&'static str],
        gate: Option<Arc<tokio::sync::Semaphore>>,
    ) -> Sink {
        let (sink, l) = Self::bind(None).await;
        sink.run(l, ext, gate);
        sink
    }

    /// A sink that is down until `bring_up`: it holds its port (so the
    /// daemon's route can name it) but closes every connection before the
    /// greeting, and the daemon defers as it would for a refused one.
    pub async fn start_down() -> Sink {
        let (sink, l) = Self::bind(None).await;
        sink.up.store(false, Ordering::SeqCst);
        sink.run(l, &["PIPELINING"], None);
        sink
    }

    /// From now on, connections get a session.
    pub fn bring_up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    async fn bind(tls: Option<tokio_rustls::TlsAcceptor>) -> (Sink, TcpListener) {
        let l = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind sink");
        let port = l.local_addr().expect("addr").port();
        let sink = Sink {
            port,
            tls,
            messages: Arc::default(),
            connections: Arc::default(),
            tls_sessions: Arc::default(),
            up: Arc::new(AtomicBool::new(true)),
        };
        (sink, l)
    }

    /// A sink offering STARTTLS with a certificate for 127.0.0.1; returns
    /// the sink and the path of the CA (self-signed) PEM to trust.
    pub async fn start_tls(dir: &Path) -> (Sink, PathBuf) {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("cert");
        let ca = dir.join("sink-ca.pem");
        std::fs::write(&ca, ck.cert.pem()).expect("write ca");
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.key_pair.serialize_der().into());
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![ck.cert.der().clone()], key)
            .expect("server config");
        (Self::start_tls_with(Arc::new(config)).await, ca)
    }

    /// A sink offering STARTTLS with `config`.
    pub async fn start_tls_with(config: Arc<rustls::ServerConfig>) -> Sink {
        Self::start_tls_ext(config, &["PIPELINING", "8BITMIME", "STARTTLS"]).await
    }

    /// A sink offering STARTTLS with `config` and the extensions `ext`.
    pub async fn start_tls_ext(
        config: Arc<rustls::ServerConfig>,
        ext: &'static [&'static str],
    ) -> Sink {
        let (sink, l) = Self::bind(Some(tokio_rustls::TlsAcceptor::from(config))).await;
        sink.run(l, ext, None);
        sink
    }

    fn run(
        &self,
        l: TcpListener,
        ext: &'static [&'static str],
        gate: Option<Arc<tokio::sync::Semaphore>>,
    ) {
        let s = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = l.accept().await {
                *s.connections.lock().expect("lock") += 1;
                if !s.up.load(Ordering::SeqCst) {
                    drop(stream);
                    continue;
                }
                let s = s.clone();
                let gate = gate.clone();
                tokio::spawn(async move {
                    if let Some(g) = gate {
                        let _ = g.acquire().await.map(|p| p.forget());
                    }
                    s.session(stream, ext).await
                });
            }
        });
    }

    async fn session(&self, stream: TcpStream, ext: &[&str]) {
        let mut c = Lines::new(Box::new(stream));
        let mut secure = false;
        c.write(b"220 sink.test ESMTP\r\n").await;
        let mut cur: Option<SinkMessage> = None;
        while let Some(line) = c.line().await {
            let upper = line.to_ascii_uppercase();
            let reply: String = if upper.starts_with("EHLO") {
                let mut r = String::from("250-sink.test\r\n");
                for (i, e) in ext.iter().enumerate() {
                    let sep = if i + 1 == ext.len() { ' ' } else { '-' };
                    r.push_str(&format!("250{sep}{e}\r\n"));
                }
                r
            } else if upper.starts_with("MAIL") {
                let from = between(&line, '<', '>');
                cur = Some(SinkMessage {
                    from,
                    rcpts: vec![],
                    data: vec![],
                    mail_line: line.clone(),
                    rcpt_lines: vec![],
                    over_tls: secure,
                });
                "250 2.1.0 ok\r\n".into()
            } else if upper.starts_with("RCPT") {
                let to = between(&line, '<', '>');
                if to.contains("reject") {
                    "550 5.1.1 no such user\r\n".into()
                } else if to.contains("defer") {
                    "451 4.2.0 try later\r\n".into()
                } else if let Some(m) = cur.as_mut() {
                    m.rcpts.push(to);
                    m.rcpt_lines.push(line.clone());
                    "250 2.1.5 ok\r\n".into()
                } else {
                    "503 5.5.1 no MAIL\r\n".into()
                }
            } else if upper.starts_with("DATA") {
                match cur.take() {
                    Some(mut m) if !m.rcpts.is_empty() => {
                        c.write(b"354 go\r\n").await;
                        m.data = c.data().await;
                        self.messages.lock().expect("lock").push(m);
                        "250 2.0.0 stored\r\n".into()
                    }
                    _ => "554 5.5.1 no valid recipients\r\n".into(),
                }
            } else if upper.starts_with("STARTTLS") && self.tls.is_some() {
                c.write(b"220 2.0.0 go ahead\r\n").await;
                let Some(acceptor) = self.tls.clone() else {
                    return;
                };
                match acceptor.accept(c.into_inner()).await {
                    Ok(t) => {
                        c = Lines::new(Box::new(t));
                        secure = true;
                    }
                    Err(_) => return,
                }
                if let Ok(mut m) = self.tls_sessions.lock() {
                    *m += 1;
                }
                continue;
            } else if upper.starts_with("QUIT") {
                c.write(b"221 2.0.0 bye\r\n").await;
                return;
            } else if upper.starts_with("RSET") {
                cur = None;
                "250 2.0.0 ok\r\n".into()
            } else {
                "250 2.0.0 ok\r\n".into()
            };
            c.write(reply.as_bytes()).await;
        }
    }

    pub fn count(&self) -> usize {
        self.messages.lock().expect("lock").len()
    }

    pub fn all(&self) -> Vec<SinkMessage> {
        self.messages.lock().expect("lock").clone()
    }

    /// Wait for at least `n` messages.
    pub async fn wait_count(&self, n: usize) -> Vec<SinkMessage> {
        wait_for(&format!("{n} messages at the sink"), || {
            (self.count() >= n).then(|| self.all())
        })
        .await
    }

    /// Wait for `n` messages, then until `d` has no delivery due or in
    /// flight (`Daemon::wait_settled`), and check that no more than `n`
    /// arrived: no duplicate, no stray DSN.
    pub async fn wait_exactly(&self, n: usize, d: &Daemon) -> Vec<SinkMessage> {
        self.wait_count(n).await;
        d.wait_settled().await;
        let all = self.all();
        assert_eq!(
            all.len(),
            n,
            "expected exactly {n} messages at the sink, got (sender -> recipients): {:?}",
            all.iter()
                .map(|m| format!("<{}> -> {:?}", m.from, m.rcpts))
                .collect::<Vec<_>>()
        );
        all
    }
}

fn between(s: &str, a: char, b: char) -> String {
    let start = s.find(a).map(|i| i + 1).unwrap_or(0);
    let end = s[start..].find(b).map(|i| i + start).unwrap_or(s.len());
    s[start..end].to_string()
}

// ---------------------------------------------------------------- client

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Line-oriented stream with a read buffer.
pub struct Lines {
    io: Box<dyn Io>,
    buf: Vec<u8>,
}

impl Lines {
    pub fn new(io: Box<dyn Io>) -> Self {
        Lines {
            io,
            buf: Vec::new(),
        }
    }

    pub async fn write(&mut self, b: &[u8]) {
        let _ = self.io.write_all(b).await;
        let _ = self.io.flush().await;
    }

    /// One line without CRLF; None at EOF or after 10 s of silence.
    pub async fn line(&mut self) -> Option<String> {
        loop {
            if let Some(p) = self.buf.iter().position(|&b| b == b'\n') {
                let l: Vec<u8> = self.buf.drain(..=p).collect();
                return Some(
                    String::from_utf8_lossy(&l)
                        .trim_end_matches(['\r', '\n'])
                        .to_string(),
                );
            }
            let mut chunk = [0u8; 8192];
            match tokio::time::timeout(Duration::from_secs(10), self.io.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => self.buf.extend_from_slice(&chunk[..n]),
                _ => return None,
            }
        }
    }

    /// DATA content up to CRLF.CRLF, unstuffed.
    pub async fn data(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(l) = self.line().await {
            if l == "." {
                break;
            }
            let l = l.strip_prefix('.').unwrap_or(&l);
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    /// True if the peer closed the connection (EOF) within 10 s.
    pub async fn closed(&mut self) -> bool {
        let mut chunk = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(10), self.io.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    }

    pub fn into_inner(self) -> Box<dyn Io> {
        self.io
    }

    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

/// An SMTP client for dialog tests: `c.cmd("MAIL FROM:<a@b>", 250)`.
pub struct Client {
    pub lines: Lines,
}

impl Client {
    pub async fn connect(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let mut c = Client {
            lines: Lines::new(Box::new(s)),
        };
        c.expect(220).await;
        c
    }

    /// Connect without reading the greeting.
    pub async fn raw(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        Client {
            lines: Lines::new(Box::new(s)),
        }
    }

    pub async fn connect_tls(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let tls = tls_connect(Box::new(s), None).await;
        let mut c = Client {
            lines: Lines::new(tls),
        };
        c.expect(220).await;
        c
    }

    /// TLS over an existing stream (after our own STARTTLS exchange).
    pub async fn connect_tls_over(io: Box<dyn Io>) -> Client {
        Client {
            lines: Lines::new(tls_connect(io, None).await),
        }
    }

    pub async fn send(&mut self, line: &str) {
        self.lines.write(format!("{line}\r\n").as_bytes()).await;
    }

    pub async fn send_raw(&mut self, b: &[u8]) {
        self.lines.write(b).await;
    }

    /// Read a full (possibly multi-line) reply: (code, text of all lines).
    pub async fn reply(&mut self) -> (u16, String) {
        let mut text = String::new();
        loop {
            let Some(l) = self.lines.line().await else {
                return (0, text);
            };
            let code = l.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            text.push_str(l.get(4..).unwrap_or(""));
            text.push('\n');
            if l.as_bytes().get(3) != Some(&b'-') {
                return (code, text);
            }
        }
    }

    pub async fn expect(&mut self, code: u16) -> String {
        let (got, text) = self.reply().await;
        assert_eq!(got, code, "expected {code}, got {got} {text}");
        text
    }

    pub async fn cmd(&mut self, line: &str, code: u16) -> String {
        self.send(line).await;
        self.expect(code).await
    }

    pub async fn starttls(self, client_cert: Option<(Vec<u8>, Vec<u8>)>) -> Client {
        let mut me = self;
        me.cmd("STARTTLS", 220).await;
        let io = me.lines.into_inner();
        Client {
            lines: Lines::new(tls_connect(io, client_cert).await),
        }
    }

    /// EHLO, MAIL, RCPT*, DATA, body, expecting 250 at the end; returns the reply.
    pub async fn send_message(&mut self, from: &str, rcpts: &[&str], body: &str) -> String {
        self.cmd(&format!("MAIL FROM:<{from}>"), 250).await;
        for r in rcpts {
            self.cmd(&format!("RCPT TO:<{r}>"), 250).await;
        }
        self.cmd("DATA", 354).await;
        self.send_raw(&sealpost::smtp::data::dot_stuff(
            format!("{body}\r\n").as_bytes(),
        ))
        .await;
        self.expect(250).await
    }
}

// ---------------------------------------------------------------- http

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not JSON ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request to 127.0.0.1:`port` (over TLS when `tls`).
pub async fn http(
    port: u16,
    tls: bool,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    use http_body_util::BodyExt;
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let io: Box<dyn Io> = if tls {
        tls_connect(Box::new(tcp), None).await
    } else {
        Box::new(tcp)
    };
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .expect("http handshake");
    let driver = tokio::spawn(conn);
    let mut req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", format!("127.0.0.1:{port}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(http_body_util::Full::new(hyper::body::Bytes::from(
            body.to_vec(),
        )))
        .expect("request");
    let resp = tokio::time::timeout(DEADLINE, sender.send_request(req))
        .await
        .expect("http timeout")
        .expect("http response");
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    driver.abort();
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// TLS to the daemon's self-signed certificate (tests do not verify it).
async fn tls_connect(io: Box<dyn Io>, client_cert: Option<(Vec<u8>, Vec<u8>)>) -> Box<dyn Io> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let builder = rustls::ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(NoVerify));
    let config = match client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            use rustls::pki_types::pem::PemObject;
            let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&cert)
                .collect::<Result<Vec<_>, _>>()
                .expect("cert pem");
            let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(&key).expect("key pem");
            builder
                .with_client_auth_cert(certs, key)
                .expect("client auth")
        }
    };
    let conn = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from("relay.test").expect("name");
    Box::new(conn.connect(name, io).await.expect("tls handshake"))
}

#[derive(Debug)]
struct NoVerify;

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

// ---------------------------------------------------------------- daemon

/// What `sealpost serve` prints on standard output once it is ready: the
/// bound address of every SMTP listener (by name), of the metrics endpoint
/// and of the portal. Test daemons bind `127.0.0.1:0` everywhere, so this
/// report is where their ports come from.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub listeners: HashMap<String, SocketAddr>,
    pub metrics: Option<SocketAddr>,
    pub portal: Option<SocketAddr>,
    /// The REST API (`[api] listen`).
    pub api: Option<SocketAddr>,
    /// The indented lines as printed, for failure messages.
    pub text: String,
}

impl Report {
    /// Parse the lines after "sealpost ready", e.g.
    /// `smtp        127.0.0.1:40001 (plain: submission, no TLS)`,
    /// `metrics     http://127.0.0.1:40002/metrics`,
    /// `portal      https://127.0.0.1:40003 (links: https://...)`.
    pub fn parse(lines: &[String]) -> Report {
        let mut r = Report {
            text: lines.join("\n"),
            ..Report::default()
        };
        for line in lines {
            let mut words = line.split_whitespace();
            let (Some(kind), Some(addr)) = (words.next(), words.next()) else {
                continue;
            };
            let addr = addr
                .trim_start_matches("http://")
                .trim_start_matches("https://")
                .trim_end_matches("/metrics");
            let Ok(addr) = addr.parse::<SocketAddr>() else {
                continue;
            };
            match kind {
                "metrics" => r.metrics = Some(addr),
                "portal" => r.portal = Some(addr),
                "api" => r.api = Some(addr),
                "smtp" => {
                    // "(NAME: mode, tls)": the mode and TLS words have no
                    // colon, so the name is everything before the last ": ".
                    let name = line
                        .split_once('(')
                        .and_then(|(_, rest)| rest.rsplit_once(": "))
                        .map(|(name, _)| name.to_string());
                    if let Some(name) = name {
                        r.listeners.insert(name, addr);
                    }
                }
                _ => {}
            }
        }
        r
    }
}

/// Ports of the test listeners, from the daemon's latest start-up report
/// (a restarted daemon binds new ones).
#[derive(Debug, Clone, Default)]
pub struct Ports {
    /// tls none, auth none, 127.0.0.0/8 may relay.
    pub plain: u16,
    /// STARTTLS, auth optional, nobody relays without AUTH.
    pub sub: u16,
    /// implicit TLS, auth required.
    pub smtps: u16,
    /// tls none, auth none, nobody may relay.
    pub closed: u16,
    /// `/metrics` HTTP endpoint.
    pub metrics: u16,
    /// The whole report, for listeners a test adds itself.
    pub report: Report,
}

impl Ports {
    fn from_report(report: Report) -> Result<Ports, String> {
        let port = |name: &str| {
            report
                .listeners
                .get(name)
                .map(SocketAddr::port)
                .ok_or_else(|| {
                    format!(
                        "no listener \"{name}\" in the ready report:\n{}",
                        report.text
                    )
                })
        };
        Ok(Ports {
            plain: port("plain")?,
            sub: port("sub")?,
            smtps: port("smtps")?,
            closed: port("closed")?,
            metrics: report
                .metrics
                .map(|a| a.port())
                .ok_or_else(|| format!("no metrics line in the ready report:\n{}", report.text))?,
            report,
        })
    }

    /// The port of the listener named `name` (one a test added in `extra`).
    pub fn listener(&self, name: &str) -> u16 {
        match self.report.listeners.get(name) {
            Some(a) => a.port(),
            None => panic!(
                "no listener \"{name}\" in the ready report:\n{}",
                self.report.text
            ),
        }
    }

    /// The port of the REST API (`[api] listen`).
    pub fn api(&self) -> u16 {
        match self.report.api {
            Some(a) => a.port(),
            None => panic!("no api in the ready report:\n{}", self.report.text),
        }
    }

    /// The port of the portal (`[portal] listen`).
    pub fn portal(&self) -> u16 {
        match self.report.portal {
            Some(a) => a.port(),
            None => panic!("no portal in the ready report:\n{}", self.report.text),
        }
    }
}

pub struct Daemon {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    /// From the latest start-up report: read them again after `spawn`.
    pub ports: Ports,
    child: Option<Child>,
}

pub struct Options {
    pub route_port: u16,
    pub extra: String,
    pub listener_extra: String,
}

type ReportResult = Result<Report, String>;

impl Daemon {
    pub async fn start(route_port: u16) -> Daemon {
        Self::start_with(Options {
            route_port,
            extra: String::new(),
            listener_extra: String::new(),
        })
        .await
    }

    /// Write a config whose listeners and metrics endpoint all bind
    /// `127.0.0.1:0`, start the daemon and read its ports from its report.
    pub async fn start_with(o: Options) -> Daemon {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().display();
        let le = &o.listener_extra;
        let text = format!(
            r#"
[server]
hostname = "relay.test"
spool_dir = "{d}/spool"
users_file = "{d}/users.toml"

[[listener]]
name = "plain"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[listener]]
name = "sub"
address = "127.0.0.1:0"
tls = "starttls"
auth = "optional"
allow_relay_from = []
{le}

[[listener]]
name = "smtps"
address = "127.0.0.1:0"
tls = "implicit"
auth = "required"

[[listener]]
name = "closed"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["10.0.0.0/8"]

{route}

[metrics]
address = "127.0.0.1:0"

{secure}

{portal}

{extra}
"#,
            portal = if o.extra.contains("[portal]") {
                String::new()
            } else {
                // Notice links need a base (the portal itself is not started).
                "[portal]\npublic_url = \"https://127.0.0.1:8443\"\n".to_string()
            },
            secure = if o.extra.contains("[secure]") {
                String::new()
            } else {
                format!(
                    "[secure]\nopenpgp_keyring = \"{d}/keys/openpgp\"\nsmime_certs = \"{d}/keys/smime\"\n"
                )
            },
            // Port 0: no route, mail goes by MX (`[delivery] mx_port`).
            route = if o.route_port == 0 {
                String::new()
            } else {
                format!(
                    "[[route]]\ndomains = [\"*\"]\nhost = \"127.0.0.1:{}\"\ntls = \"none\"\n",
                    o.route_port
                )
            },
            extra = if o.extra.contains("[delivery]") {
                o.extra.clone()
            } else {
                format!(
                    "[delivery]\nretry_schedule = [\"1s\"]\nidle_connection_timeout = \"2s\"\n{}",
                    o.extra
                )
            },
        );
        let config = dir.path().join("sealpost.toml");
        std::fs::write(&config, text).expect("write config");
        let mut d = Daemon {
            dir,
            config,
            ports: Ports::default(),
            child: None,
        };
        d.spawn().await;
        d
    }

    /// Start the daemon (again, after `kill9` or `terminate`) and wait for
    /// its start-up report; `self.ports` then holds the ports it bound.
    pub async fn spawn(&mut self) {
        let report = self.start_child();
        match self.wait_report(report).await {
            Ok(r) => match Ports::from_report(r) {
                Ok(p) => self.ports = p,
                Err(e) => panic!("{e}"),
            },
            Err(e) => panic!("sealpost exited early: {e}"),
        }
    }

    fn start_child(&mut self) -> tokio::sync::oneshot::Receiver<ReportResult> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("daemon.log"))
            .expect("log");
        let mut child = Command::new(bin())
            .args(["serve", "--config"])
            .arg(&self.config)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("spawn sealpost");
        let stdout = child.stdout.take().expect("piped stdout");
        let copy = self.dir.path().join("daemon.out");
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || read_report(stdout, &copy, tx));
        self.child = Some(child);
        rx
    }

    /// The report of the child just started; Err(why and its log) if it
    /// exited first.
    async fn wait_report(
        &mut self,
        report: tokio::sync::oneshot::Receiver<ReportResult>,
    ) -> Result<Report, String> {
        let why = match tokio::time::timeout(DEADLINE, report).await {
            Ok(Ok(Ok(r))) => return Ok(r),
            Ok(Ok(Err(why))) => why,
            Ok(Err(_)) => "the report reader stopped".to_string(),
            Err(_) => panic!("sealpost not ready after {DEADLINE:?}: {}", self.log()),
        };
        let status = self.exit_status().await;
        Err(format!("{why} ({status}): {}", self.log()))
    }

    /// How the child ended, once its standard output has closed.
    async fn exit_status(&mut self) -> String {
        let Some(c) = self.child.as_mut() else {
            return "not running".into();
        };
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(status)) = c.try_wait() {
                return status.to_string();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        "still running".into()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait for a clean exit; returns the exit status code.
    pub async fn terminate(&mut self) -> Option<i32> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let start = Instant::now();
        loop {
            if let Ok(Some(s)) = c.try_wait() {
                return s.code();
            }
            if start.elapsed() > DEADLINE {
                let _ = c.kill();
                return None;
            }
            // Async: the in-process sink must keep running meanwhile.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn signal(&self, sig: &str) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .args([sig, &c.id().to_string()])
                .status();
        }
    }

    /// Run the CLI with this daemon's config; (exit code, stdout, stderr).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        cli_with(args, &self.config, stdin)
    }

    /// The entries of `sealpost queue list`.
    pub fn queue(&self) -> Vec<serde_json::Value> {
        let (code, out, err) = self.cli(&["queue", "list"], None);
        assert_eq!(code, 0, "queue list: {err}");
        match serde_json::from_str::<serde_json::Value>(&out) {
            Ok(serde_json::Value::Array(v)) => v,
            _ => panic!("queue list is not a JSON array: {out}"),
        }
    }

    /// Wait until no delivery is due or in flight: every message left in
    /// the queue is held or waits for a retry later than now (an empty
    /// queue is settled). A message leaves the queue only after the peer's
    /// 250, and a DSN is queued before the message it reports on leaves,
    /// so once settled nothing more is on its way to a sink.
    pub async fn wait_settled(&self) {
        let start = Instant::now();
        loop {
            let queue = self.queue();
            let now = sealpost::util::now_ms();
            let settled = queue.iter().all(|m| {
                m["held"].as_bool() == Some(true)
                    || m["next_attempt"].as_u64().is_some_and(|t| t > now)
            });
            if settled {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the queue never settled: {queue:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Add a user with the CLI, SIGHUP the daemon and wait for the reload.
    pub async fn add_user(&self, name: &str, password: &str, domains: &[&str]) {
        let mut args = vec!["user", "add", name];
        for d in domains {
            args.push("--sender-domain");
            args.push(d);
        }
        let (code, _, err) = self.cli(&args, Some(&format!("{password}\n")));
        assert_eq!(code, 0, "user add failed: {err}");
        let before = self.log().matches("reload: users re-read").count();
        self.signal("-HUP");
        wait_for("reload", || {
            (self.log().matches("reload: users re-read").count() > before).then_some(())
        })
        .await;
    }

    /// GET a path of the metrics endpoint: (status, body).
    pub async fn http_get(&self, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.ports.metrics))
            .await
            .expect("connect metrics");
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.expect("write");
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Read the start-up report from the daemon's standard output: the line
/// "sealpost ready", its indented lines and the empty line that ends it.
/// Everything is copied to `copy` (daemon.out), and the pipe is drained
/// until the daemon exits, so the daemon never blocks on a full pipe.
fn read_report(
    stdout: std::process::ChildStdout,
    copy: &Path,
    tx: tokio::sync::oneshot::Sender<ReportResult>,
) {
    use std::io::BufRead;
    let mut copy = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(copy)
        .ok();
    let mut tx = Some(tx);
    let mut lines: Option<Vec<String>> = None;
    let mut reader = std::io::BufReader::new(stdout);
    let mut raw = Vec::new();
    loop {
        raw.clear();
        // Bytes, not `lines()`: a line that is not UTF-8 must not stop the
        // draining.
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if let Some(f) = copy.as_mut() {
            let _ = writeln!(f, "{line}");
        }
        if tx.is_none() {
            continue;
        }
        match lines.as_mut() {
            None if line == "sealpost ready" => lines = Some(Vec::new()),
            None => {}
            Some(l) if line.trim().is_empty() => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(Ok(Report::parse(l)));
                }
            }
            Some(l) => l.push(line.trim().to_string()),
        }
    }
    if let Some(tx) = tx {
        let _ = tx.send(Err(match lines {
            None => "standard output closed without a ready report".to_string(),
            Some(l) => format!(
                "standard output closed inside the ready report:\n{}",
                l.join("\n")
            ),
        }));
    }
}

pub fn cli_with(args: &[&str], config: &Path, stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args).arg("--config").arg(config);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn cli");
    if let Some(mut si) = child.stdin.take() {
        let _ = si.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().expect("cli output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- sealpost log ----\n{}", self.log());
        }
        self.kill9();
    }
}

pub fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}
