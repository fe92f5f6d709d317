//! Small HTTPS GET client for key and policy discovery (WKD, MTA-STS):
//! verified TLS only (webpki roots + `[delivery] ca_file`), no redirects
//! (RFC 8461 §3.3 forbids them for MTA-STS; WKD works without), one
//! overall timeout, and a body cap so a hostile server cannot make us
//! buffer without bound. HTTP/1.1 through hyper.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// One fetched resource.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The media type without parameters, lower case.
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Why a fetch failed; never contains the body.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{host}: no address")]
    NoAddress { host: String },
    #[error("{host}: {reason}")]
    Failed { host: String, reason: String },
    #[error("{host}: timed out")]
    Timeout { host: String },
    #[error("{host}: body larger than {limit} bytes")]
    TooLarge { host: String, limit: usize },
}

/// HTTPS GETs with one TLS configuration.
#[derive(Clone)]
pub struct HttpsClient {
    tls: Arc<ClientConfig>,
    port: u16,
    timeout: Duration,
}

impl HttpsClient {
    /// `tls` must verify certificates; `port` is 443 outside test rigs.
    pub fn new(tls: Arc<ClientConfig>, port: u16, timeout: Duration) -> Self {
        HttpsClient { tls, port, timeout }
    }

    /// The overall timeout of one GET.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// GET `https://host/path` from the first of `addrs` that answers.
    pub async fn get(
        &self,
        addrs: &[IpAddr],
        host: &str,
        path: &str,
        limit: usize,
    ) -> Result<Response, FetchError> {
        if addrs.is_empty() {
            return Err(FetchError::NoAddress { host: host.into() });
        }
        // A blackholed first address (often a broken AAAA) must not use up
        // the whole budget: each address gets its share (at least 2 s).
        let n = u32::try_from(addrs.len()).unwrap_or(u32::MAX);
        let share = (self.timeout / n).max(Duration::from_secs(2));
        let fetch = async {
            let mut last = None;
            for ip in addrs {
                let one = self.get_one(SocketAddr::new(*ip, self.port), host, path, limit);
                match tokio::time::timeout(share, one).await {
                    Ok(Ok(r)) => return Ok(r),
                    Ok(Err(e @ FetchError::TooLarge { .. })) => return Err(e),
                    Ok(Err(e)) => last = Some(e),
                    Err(_) => last = Some(FetchError::Timeout { host: host.into() }),
                }
            }
            Err(last.unwrap_or(FetchError::NoAddress { host: host.into() }))
        };
        tokio::time::timeout(self.timeout, fetch)
            .await
            .map_err(|_| FetchError::Timeout { host: host.into() })?
    }

    async fn get_one(
        &self,
        addr: SocketAddr,
        host: &str,
        path: &str,
        limit: usize,
    ) -> Result<Response, FetchError> {
        let failed = |reason: String| FetchError::Failed {
            host: host.into(),
            reason,
        };
        let name = ServerName::try_from(host.to_string()).map_err(|e| failed(e.to_string()))?;
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| failed(format!("connect: {e}")))?;
        let tls = TlsConnector::from(self.tls.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| failed(format!("TLS: {e}")))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| failed(format!("HTTP: {e}")))?;
        // The connection task ends with this fetch, on every path.
        let _driver = AbortOnDrop(tokio::spawn(conn));
        let request = http::Request::get(path)
            .header(http::header::HOST, host)
            .header(http::header::USER_AGENT, "sealpost")
            .header(http::header::ACCEPT, "*/*")
            .body(Empty::<Bytes>::new())
            .map_err(|e| failed(format!("request: {e}")))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| failed(format!("HTTP: {e}")))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let body = Limited::new(response.into_body(), limit)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    FetchError::TooLarge {
                        host: host.into(),
                        limit,
                    }
                } else {
                    failed(format!("body: {e}"))
                }
            })?
            .to_bytes()
            .to_vec();
        Ok(Response {
            status,
            content_type,
            body,
        })
    }
}

/// Aborts the spawned task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
