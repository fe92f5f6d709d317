//! Test peers for discovery: an authoritative-style DNS server on a free
//! 127.0.0.1 UDP port (answers from a fixed table, optionally with the AD
//! bit set as a validating resolver would), and an HTTPS server (a test CA
//! issues its certificate) serving fixed resources and recording requests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hickory_resolver::proto::op::{Message, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::tlsa::{CertUsage, Matching, Selector};
use hickory_resolver::proto::rr::rdata::{A, MX, TLSA, TXT};
use hickory_resolver::proto::rr::{Name, RData, Record};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

fn name(n: &str) -> Name {
    Name::from_ascii(format!("{}.", n.trim_end_matches('.'))).expect("name")
}

/// Builders for the table.
pub fn a(host: &str) -> Record {
    Record::from_rdata(name(host), 60, RData::A(A(Ipv4Addr::LOCALHOST)))
}
pub fn mx(domain: &str, pref: u16, host: &str) -> Record {
    Record::from_rdata(name(domain), 60, RData::MX(MX::new(pref, name(host))))
}
pub fn txt(owner: &str, text: &str) -> Record {
    Record::from_rdata(name(owner), 60, RData::TXT(TXT::new(vec![text.into()])))
}
pub fn tlsa(owner: &str, usage: u8, selector: u8, matching: u8, data: Vec<u8>) -> Record {
    let t = TLSA::new(
        CertUsage::from(usage),
        Selector::from(selector),
        Matching::from(matching),
        data,
    );
    Record::from_rdata(name(owner), 60, RData::TLSA(t))
}

pub struct DnsServer {
    pub addr: SocketAddr,
    pub queries: Arc<Mutex<Vec<String>>>,
}

impl DnsServer {
    /// Serves `records`; names absent from the table are NXDOMAIN. With
    /// `secure`, every answer carries the AD bit.
    pub async fn start(records: Vec<Record>, secure: bool) -> DnsServer {
        let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind dns");
        let addr = sock.local_addr().expect("addr");
        let queries: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = queries.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            while let Ok((n, peer)) = sock.recv_from(&mut buf).await {
                let Ok(q) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let Some(query) = q.queries.first().cloned() else {
                    continue;
                };
                let qname = query.name().to_ascii().to_ascii_lowercase();
                log.lock()
                    .expect("lock")
                    .push(format!("{qname} {}", query.query_type()));
                let mut r = Message::response(q.metadata.id, OpCode::Query);
                r.add_query(query.clone());
                r.metadata.recursion_desired = q.metadata.recursion_desired;
                r.metadata.recursion_available = true;
                r.metadata.authentic_data = secure;
                let owned: Vec<&Record> = records
                    .iter()
                    .filter(|rec| rec.name.to_ascii().to_ascii_lowercase() == qname)
                    .collect();
                if owned.is_empty() {
                    r.metadata.response_code = ResponseCode::NXDomain;
                } else {
                    let want = query.query_type();
                    let answers: Vec<Record> = owned
                        .into_iter()
                        .filter(|rec| rec.record_type() == want)
                        .cloned()
                        .collect();
                    r.add_answers(answers);
                }
                if let Ok(wire) = r.to_vec() {
                    let _ = sock.send_to(&wire, peer).await;
                }
            }
        });
        DnsServer { addr, queries }
    }

    pub fn asked(&self, what: &str) -> usize {
        self.queries
            .lock()
            .expect("lock")
            .iter()
            .filter(|q| q.contains(what))
            .count()
    }
}

/// A CA (self-signed, trusted through `[delivery] ca_file`) and leaf
/// certificates for test host names.
pub struct TestCa {
    pub pem: PathBuf,
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl TestCa {
    pub fn new(dir: &Path) -> TestCa {
        let key = rcgen::KeyPair::generate().expect("ca key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "sealpost discovery test CA");
        let cert = params.self_signed(&key).expect("ca");
        let pem = dir.join("discovery-ca.pem");
        std::fs::write(&pem, cert.pem()).expect("write ca");
        TestCa { pem, cert, key }
    }

    /// A rustls server configuration for `names`, issued by this CA.
    pub fn server_config(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let key = rcgen::KeyPair::generate().expect("leaf key");
        let params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        let cert = params.signed_by(&key, &self.cert, &self.key).expect("leaf");
        let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        Arc::new(
            rustls::ServerConfig::builder()
                .with_no_client_auth()
                .with_single_cert(vec![cert.der().clone()], der)
                .expect("server config"),
        )
    }
}

/// One served resource: status, content type, body.
pub type Resource = (u16, &'static str, Vec<u8>);

pub struct HttpsServer {
    pub port: u16,
    /// "host path" of every request.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl HttpsServer {
    /// Serves `resources` keyed by "host path" (path with query); anything
    /// else is a 404.
    pub async fn start(
        config: Arc<rustls::ServerConfig>,
        resources: HashMap<String, Resource>,
    ) -> HttpsServer {
        let l = TcpListener::bind("127.0.0.1:0").await.expect("bind https");
        let port = l.local_addr().expect("addr").port();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = requests.clone();
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let resources = Arc::new(resources);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = l.accept().await {
                let (acceptor, log, resources) = (acceptor.clone(), log.clone(), resources.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                        match tls.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let text = String::from_utf8_lossy(&head).to_string();
                    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let host = text
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
                        })
                        .unwrap_or_default();
                    let key = format!("{host} {path}");
                    log.lock().expect("lock").push(key.clone());
                    let (status, ctype, body) = resources.get(&key).cloned().unwrap_or((
                        404,
                        "text/plain",
                        b"not found".to_vec(),
                    ));
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(&body).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        HttpsServer { port, requests }
    }

    pub fn hits(&self, what: &str) -> usize {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.contains(what))
            .count()
    }
}
