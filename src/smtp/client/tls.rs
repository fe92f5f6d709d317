//! TLS plumbing for STARTTLS (RFC 3207): the stream type that is either
//! plain or TLS, the verifying default configuration, the accept-any
//! verifier used only for opportunistic TLS (and always recorded as
//! `verified = false`), and the handshake with its failure classified as
//! "certificate not trusted" or "handshake failed".

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::error::ClientError;

/// What was negotiated on a TLS session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    /// "TLSv1.3" or "TLSv1.2".
    pub version: String,
    /// IANA cipher suite name, e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher: String,
    /// True only if the chain and name were verified against our roots.
    pub verified: bool,
}

/// A connection before or after STARTTLS.
#[derive(Debug)]
pub enum MaybeTls<S> {
    Plain(S),
    Tls(Box<TlsStream<S>>),
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for MaybeTls<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for MaybeTls<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_flush(cx),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A verifying client configuration: webpki roots plus `extra_ca`.
/// Uses the process-default crypto provider (install aws-lc-rs at start).
pub fn verifying_config(
    extra_ca: &[CertificateDer<'static>],
) -> Result<Arc<ClientConfig>, ClientError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for ca in extra_ca {
        roots
            .add(ca.clone())
            .map_err(|e| ClientError::Tls(format!("extra CA: {e}")))?;
    }
    let config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A copy of `base` that accepts any certificate (signatures are still
/// checked, so the peer must hold the key of the certificate it shows).
pub(crate) fn accept_any_config(base: &ClientConfig) -> Arc<ClientConfig> {
    let mut config = base.clone();
    let provider = config.crypto_provider().clone();
    config
        .dangerous()
        .set_certificate_verifier(Arc::new(AcceptAny { provider }));
    Arc::new(config)
}

/// Accepts any certificate but checks the handshake signatures with the
/// provider's algorithms; other verifiers (DANE) reuse its signature checks.
#[derive(Debug)]
pub(crate) struct AcceptAny {
    pub(crate) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Why a handshake failed: the certificate was not trusted, or anything else.
#[derive(Debug)]
pub(crate) enum HandshakeError {
    Untrusted(String),
    Failed(String),
}

/// Run the client handshake on `stream` and describe the result.
pub(crate) async fn handshake<S>(
    stream: S,
    server_name: &str,
    config: Arc<ClientConfig>,
    verified: bool,
) -> Result<(TlsStream<S>, TlsInfo), HandshakeError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let name = ServerName::try_from(server_name.to_string())
        .map_err(|e| HandshakeError::Failed(format!("invalid server name: {e}")))?;
    let tls = TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(classify)?;
    let conn = tls.get_ref().1;
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
        Some(v) => format!("{v:?}"),
        None => "unknown".to_string(),
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()))
        .unwrap_or_else(|| "unknown".to_string());
    Ok((
        tls,
        TlsInfo {
            version,
            cipher,
            verified,
        },
    ))
}

fn classify(e: io::Error) -> HandshakeError {
    let text = e.to_string();
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(_)) => HandshakeError::Untrusted(text),
        _ => HandshakeError::Failed(text),
    }
}

impl HandshakeError {
    pub(crate) fn into_client_error(self, required: bool) -> ClientError {
        let text = match self {
            HandshakeError::Untrusted(t) => format!("certificate not trusted: {t}"),
            HandshakeError::Failed(t) => format!("handshake failed: {t}"),
        };
        if required {
            ClientError::TlsRequired(text)
        } else {
            ClientError::Tls(text)
        }
    }
}
