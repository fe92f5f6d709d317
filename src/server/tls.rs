//! Server-side TLS: rustls (TLS 1.2 and 1.3 only), certificate from the
//! config or a self-signed pair generated on first start, and optional
//! client certificates for connector authentication (Microsoft 365 /
//! Google Workspace) checked after the handshake against the listener's
//! fingerprint or subject allow-list.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use sha2::Digest;

use crate::config::TlsConfig;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("tls: {0}")]
    Setup(String),
}

fn file_err(path: &Path, message: impl ToString) -> TlsError {
    TlsError::File {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Load (or generate) the server certificate and build the rustls config.
pub fn server_config(
    cfg: &TlsConfig,
    hostname: &str,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let (certs, key, cert_path) = load_pair(cfg, hostname)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(AnyClientCert {
        algs: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| file_err(&cert_path, e))?;
    config.ignore_client_order = true;
    Ok(Arc::new(config))
}

/// The same certificate for HTTPS listeners (portal, API): no client
/// certificate is asked for (a browser would prompt), ALPN http/1.1.
pub fn web_config(cfg: &TlsConfig, hostname: &str) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let (certs, key, cert_path) = load_pair(cfg, hostname)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| file_err(&cert_path, e))?;
    config.ignore_client_order = true;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

type Pair = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    std::path::PathBuf,
);

fn load_pair(cfg: &TlsConfig, hostname: &str) -> Result<Pair, TlsError> {
    let (cert_path, key_path) = match (&cfg.cert, &cfg.key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => ensure_self_signed(&cfg.self_signed_dir, hostname)?,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert_path)
        .map_err(|e| file_err(&cert_path, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_err(&cert_path, e))?;
    if certs.is_empty() {
        return Err(file_err(&cert_path, "no certificate found"));
    }
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|e| file_err(&key_path, e))?;
    Ok((certs, key, cert_path))
}

/// A self-signed pair under `dir`, created once (key file 0600), each file
/// written crash-safely (`util::durable_write`). A pair a crash left
/// incomplete under an older release (one file missing or empty) is
/// generated again: it is ours, and a node must not refuse to start over it.
fn ensure_self_signed(
    dir: &Path,
    hostname: &str,
) -> Result<(std::path::PathBuf, std::path::PathBuf), TlsError> {
    let cert = dir.join("self-signed.pem");
    let key = dir.join("self-signed.key");
    let usable = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.len() > 0);
    if usable(&cert) && usable(&key) {
        return Ok((cert, key));
    }
    if cert.exists() || key.exists() {
        tracing::warn!(cert = %cert.display(), "self-signed certificate or key missing or empty (a crash while they were first written); generating a new pair");
    }
    crate::util::durable::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    // Loopback names too, so a local client (the quick start's portal link,
    // a test) can verify against this certificate instead of skipping checks.
    let mut names = vec![hostname.to_string()];
    for n in ["localhost", "127.0.0.1", "::1"] {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
    let generated =
        rcgen::generate_simple_self_signed(names).map_err(|e| TlsError::Setup(e.to_string()))?;
    // Key first: a pair is complete once the certificate exists.
    crate::util::durable_write(&key, generated.key_pair.serialize_pem().as_bytes(), 0o600)
        .map_err(|e| file_err(&key, e))?;
    crate::util::durable_write(&cert, generated.cert.pem().as_bytes(), 0o644)
        .map_err(|e| file_err(&cert, e))?;
    tracing::warn!(cert = %cert.display(), "no [tls] certificate configured; generated a self-signed one");
    Ok((cert, key))
}

/// SHA-256 of a DER certificate, the form `client_cert_fingerprints` uses.
pub fn fingerprint(cert: &CertificateDer<'_>) -> [u8; 32] {
    sha2::Sha256::digest(cert.as_ref()).into()
}

/// Requests a client certificate without requiring one. Any certificate
/// is let through the handshake (its signature over the handshake is still
/// verified, so the client holds the key); the session then decides from
/// the listener's allow-list whether it is trusted.
#[derive(Debug)]
struct AnyClientCert {
    algs: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Does a verified client chain name one of `subjects` (CN or DNS SAN)?
/// The chain is verified against `roots` first.
pub fn subject_allowed(
    chain: &[CertificateDer<'static>],
    roots: &Arc<rustls::RootCertStore>,
    subjects: &[String],
) -> bool {
    let Some((end, intermediates)) = chain.split_first() else {
        return false;
    };
    let Ok(verifier) = rustls::server::WebPkiClientVerifier::builder(roots.clone()).build() else {
        return false;
    };
    if verifier
        .verify_client_cert(end, intermediates, UnixTime::now())
        .is_err()
    {
        return false;
    }
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(end.as_ref()) else {
        return false;
    };
    let mut names: Vec<String> = cert
        .subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_string))
        .collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                names.push(d.to_string());
            }
        }
    }
    names
        .iter()
        .any(|n| subjects.iter().any(|s| s.eq_ignore_ascii_case(n)))
}

/// Client trust anchors by CA file, read once (not on every STARTTLS) and
/// again after a SIGHUP (`clear`).
#[derive(Default)]
pub struct ClientRoots {
    cache: std::sync::RwLock<
        std::collections::HashMap<Option<std::path::PathBuf>, Arc<rustls::RootCertStore>>,
    >,
}

impl ClientRoots {
    pub fn get(&self, ca: Option<&Path>) -> Result<Arc<rustls::RootCertStore>, TlsError> {
        let key = ca.map(Path::to_path_buf);
        if let Some(r) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(r);
        }
        let roots = client_roots(ca)?;
        if let Ok(mut c) = self.cache.write() {
            c.insert(key, roots.clone());
        }
        Ok(roots)
    }

    /// Forget what was read (SIGHUP re-reads TLS material).
    pub fn clear(&self) {
        if let Ok(mut c) = self.cache.write() {
            c.clear();
        }
    }
}

/// Trust anchors for subject matching: the listener's CA file or the web PKI.
pub fn client_roots(ca: Option<&Path>) -> Result<Arc<rustls::RootCertStore>, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            for c in CertificateDer::pem_file_iter(path).map_err(|e| file_err(path, e))? {
                let c = c.map_err(|e| file_err(path, e))?;
                roots.add(c).map_err(|e| file_err(path, e))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    Ok(Arc::new(roots))
}
