//! TCP tests on 127.0.0.1:0 against a small STARTTLS test server built on
//! tokio-rustls with an rcgen test CA. The server records every command
//! with whether it arrived over TLS, so tests can prove that no MAIL was
//! ever sent in plaintext.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::tests::settings;
use super::*;

/// (arrived over TLS, command line) for every command the server read.
type Log = Arc<Mutex<Vec<(bool, String)>>>;

#[derive(Clone, Copy, PartialEq)]
enum Starttls {
    /// Not offered.
    Off,
    /// Offered and done with the test certificate.
    On,
    /// Offered, answered 220, then the connection is closed (handshake fails).
    Broken,
}

struct TestPki {
    ca: CertificateDer<'static>,
    server: Arc<rustls::ServerConfig>,
}

fn pki() -> TestPki {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("ca cert");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["mx.test".to_string()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf cert");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .expect("server config");
    TestPki {
        ca: ca.der().clone(),
        server: Arc::new(server),
    }
}

/// Accept connections forever (the test's runtime ends the task).
async fn spawn_server(mode: Starttls, tls: Arc<rustls::ServerConfig>) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let log: Log = Arc::default();
    let log2 = log.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (log, acceptor) = (log2.clone(), TlsAcceptor::from(tls.clone()));
            tokio::spawn(async move {
                if let Some(tcp) = dialog(tcp, mode, false, &log).await
                    && let Ok(tls) = acceptor.accept(tcp).await
                {
                    dialog(tls, Starttls::Off, true, &log).await;
                }
            });
        }
    });
    (addr, log)
}

/// A minimal accepting SMTP server; returns the stream after a STARTTLS.
async fn dialog<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    mode: Starttls,
    tls: bool,
    log: &Log,
) -> Option<S> {
    let mut r = BufReader::new(stream);
    if !tls {
        r.get_mut().write_all(b"220 mx.test ESMTP\r\n").await.ok()?;
    }
    let mut in_data = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if in_data {
            if line == ".\r\n" {
                in_data = false;
                r.get_mut().write_all(b"250 2.0.0 queued\r\n").await.ok()?;
            }
            continue;
        }
        let cmd = line.trim_end().to_string();
        log.lock().expect("log").push((tls, cmd.clone()));
        let verb = cmd
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" if mode == Starttls::Off => {
                b"250-mx.test\r\n250-PIPELINING\r\n250 SIZE 100000\r\n"
            }
            "EHLO" => b"250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
            "STARTTLS" => {
                r.get_mut()
                    .write_all(b"220 2.0.0 go ahead\r\n")
                    .await
                    .ok()?;
                return (mode == Starttls::On).then(|| r.into_inner());
            }
            "DATA" => {
                in_data = true;
                b"354 go\r\n"
            }
            "QUIT" => {
                let _ = r.get_mut().write_all(b"221 bye\r\n").await;
                return None;
            }
            _ => b"250 ok\r\n",
        };
        r.get_mut().write_all(reply).await.ok()?;
    }
}

/// For each MAIL command the server saw: did it arrive over TLS?
fn mails(log: &Log) -> Vec<bool> {
    log.lock()
        .expect("log")
        .iter()
        .filter(|(_, l)| l.starts_with("MAIL FROM:<a@x.test>"))
        .map(|(tls, _)| *tls)
        .collect()
}

async fn deliver(client: &mut Client<tokio::net::TcpStream>) {
    let to = vec!["b@y.test".to_string()];
    let env = Envelope {
        mail_from: "a@x.test",
        recipients: &to,
        size: 0,
        smtputf8: false,
        body_8bit: false,
        dsn: None,
        mt_priority: None,
        requiretls: false,
    };
    let out = client
        .send(&env, b"Subject: t\r\n\r\nhello\r\n")
        .await
        .expect("send");
    assert_eq!(out, vec![RcptOutcome::Accepted]);
}

fn with_ca(policy: TlsPolicy, ca: Option<&CertificateDer<'static>>) -> ClientSettings {
    let mut s = settings(policy);
    s.tls_config =
        verifying_config(ca.map(std::slice::from_ref).unwrap_or_default()).expect("config");
    s
}

#[tokio::test]
async fn starttls_verified_against_test_ca_reports_verified_tls() {
    let pki = pki();
    let (addr, log) = spawn_server(Starttls::On, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Required, Some(&pki.ca));
    let mut client = Client::connect(addr, "mx.test", &s).await.expect("connect");
    let info = client.tls_info().expect("tls").clone();
    assert!(info.verified);
    assert_eq!(info.version, "TLSv1.3");
    assert!(info.cipher.starts_with("TLS13_"), "{}", info.cipher);
    // RFC 3207 §4.2: EHLO again over TLS; extensions from the TLS EHLO.
    assert!(!client.extensions().starttls);
    deliver(&mut client).await;
    client.quit().await;
    assert_eq!(mails(&log), vec![true]);
    let ehlos = log
        .lock()
        .expect("log")
        .iter()
        .filter(|(_, l)| l.starts_with("EHLO"))
        .count();
    assert_eq!(ehlos, 2);
}

#[tokio::test]
async fn required_tls_against_server_without_starttls_never_sends_mail() {
    let pki = pki();
    let (addr, log) = spawn_server(Starttls::Off, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Required, Some(&pki.ca));
    let err = Client::connect(addr, "mx.test", &s)
        .await
        .expect_err("must fail closed");
    assert!(matches!(err, ClientError::TlsRequired(_)), "{err}");
    assert!(err.is_transient());
    assert!(mails(&log).is_empty());
}

#[tokio::test]
async fn required_tls_with_untrusted_certificate_fails_transiently() {
    let pki = pki();
    let (addr, log) = spawn_server(Starttls::On, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Required, None);
    let err = Client::connect(addr, "mx.test", &s)
        .await
        .expect_err("untrusted");
    assert!(
        matches!(err, ClientError::TlsRequired(ref m) if m.contains("not trusted")),
        "{err}"
    );
    assert!(err.is_transient());
    assert!(mails(&log).is_empty());
}

#[tokio::test]
async fn required_tls_with_wrong_server_name_fails() {
    let pki = pki();
    let (addr, _log) = spawn_server(Starttls::On, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Required, Some(&pki.ca));
    let err = Client::connect(addr, "other.test", &s)
        .await
        .expect_err("name mismatch");
    assert!(matches!(err, ClientError::TlsRequired(_)), "{err}");
}

#[tokio::test]
async fn opportunistic_tls_with_untrusted_certificate_delivers_unverified() {
    let pki = pki();
    let (addr, log) = spawn_server(Starttls::On, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Opportunistic, None);
    let mut client = Client::connect(addr, "mx.test", &s).await.expect("connect");
    let info = client.tls_info().expect("tls still used").clone();
    assert!(!info.verified);
    deliver(&mut client).await;
    client.quit().await;
    assert_eq!(mails(&log), vec![true]);
}

#[tokio::test]
async fn opportunistic_tls_with_failed_handshake_falls_back_to_plaintext() {
    let pki = pki();
    let (addr, log) = spawn_server(Starttls::Broken, pki.server.clone()).await;
    let s = with_ca(TlsPolicy::Opportunistic, Some(&pki.ca));
    let mut client = Client::connect(addr, "mx.test", &s).await.expect("connect");
    assert!(client.tls_info().is_none());
    deliver(&mut client).await;
    client.quit().await;
    assert_eq!(mails(&log), vec![false]);
}

#[tokio::test]
async fn connection_refused_is_a_transient_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let err = Client::connect(addr, "mx.test", &settings(TlsPolicy::None))
        .await
        .expect_err("refused");
    assert!(matches!(err, ClientError::Connect(_)), "{err}");
    assert!(err.is_transient());
}
