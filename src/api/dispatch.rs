//! The webhook dispatcher: sends outbox items (`store::WebhookStore`) to
//! their endpoints, at least once.
//!
//! Loop: make the outbox durable (flush), take the due items, and send
//! each on its own task — at most `[api] webhook_concurrency` at a time
//! per endpoint, each within `webhook_timeout`. A 2xx removes the item;
//! `410 Gone` disables the endpoint and drops its items; anything else
//! (another status, a refused connection, a timeout) reschedules it with
//! exponential backoff and jitter (`webhook_retry_base` doubling up to
//! `webhook_retry_max`) until the event is `webhook_max_age` (3 days) old,
//! when it is dropped and logged. Every attempt carries the same
//! `webhook-id`, a fresh `webhook-timestamp` and the signatures of every
//! live secret of the endpoint (two during a rotation).
//!
//! A crash between a receiver's 2xx and the removal sends the item again
//! after restart (same `webhook-id`): receivers deduplicate by it.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use super::hub::Hub;
use super::sign;
use crate::config::ApiConfig;
use crate::store::{Endpoint, OutboxItem, WebhookStore};
use crate::util::now_ms;

/// Items taken from the outbox per pass.
const BATCH: usize = 256;
/// Responses are read (and dropped) up to this size.
const MAX_RESPONSE: usize = 64 * 1024;

pub struct Dispatcher {
    pub store: Arc<dyn WebhookStore>,
    pub hub: Arc<Hub>,
    pub client: WebhookClient,
    pub config: ApiConfig,
    pub metrics: Arc<crate::metrics::Metrics>,
    inflight: Mutex<HashSet<u64>>,
    slots: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    Gone,
    Retry,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn WebhookStore>,
        hub: Arc<Hub>,
        client: WebhookClient,
        config: ApiConfig,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Dispatcher {
        Dispatcher {
            store,
            hub,
            client,
            config,
            metrics,
            inflight: Mutex::default(),
            slots: Mutex::default(),
        }
    }

    /// Run until `stop` turns true.
    pub async fn run(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut last_refresh = now_ms();
        loop {
            let store = self.store.clone();
            if let Ok(Err(e)) = tokio::task::spawn_blocking(move || store.flush()).await {
                tracing::error!(error = %e, "webhook outbox flush failed");
            }
            let now = now_ms();
            if now.saturating_sub(last_refresh) > 5_000 {
                // Other nodes sharing the store may have changed endpoints.
                self.hub.refresh();
                last_refresh = now;
            }
            self.pass(now);
            let wait = match self.store.next_due() {
                Ok(Some(t)) if t > now => Duration::from_millis((t - now).min(1000)),
                Ok(Some(_)) => Duration::from_millis(1000),
                _ => Duration::from_secs(1),
            };
            tokio::select! {
                _ = self.hub.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Start an attempt for every due item that is not in flight and whose
    /// endpoint has a free slot.
    fn pass(self: &Arc<Self>, now: u64) {
        let due = match self.store.due(now, BATCH) {
            Ok(d) => d,
            // Said once by the store when the database goes away.
            Err(crate::store::StoreError::Unavailable(_)) => return,
            Err(e) => {
                tracing::error!(error = %e, "webhook outbox unreadable");
                return;
            }
        };
        if let Ok(n) = self.store.pending() {
            self.metrics.webhook_outbox.set(n as i64);
        }
        for item in due {
            let Some(permit) = self.slot(&item.endpoint_id).try_acquire_owned().ok() else {
                continue;
            };
            {
                let mut g = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
                if !g.insert(item.seq) {
                    continue;
                }
            }
            let me = self.clone();
            tokio::spawn(async move {
                let seq = item.seq;
                me.attempt(item).await;
                drop(permit);
                me.inflight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&seq);
                me.hub.wake.notify_one();
            });
        }
    }

    fn slot(&self, endpoint: &str) -> Arc<Semaphore> {
        let mut g = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        g.entry(endpoint.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.config.webhook_concurrency)))
            .clone()
    }

    async fn attempt(&self, item: OutboxItem) {
        let endpoint = match self.store.endpoint(&item.endpoint_id) {
            Ok(Some(e)) if e.disabled.is_none() => e,
            Ok(_) => {
                let _ = self.store.remove(&item);
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "webhook endpoint unreadable");
                return self.retry(item);
            }
        };
        let now = now_ms();
        let keys: Vec<&str> = endpoint
            .secrets
            .iter()
            .filter(|s| s.expires_ms.is_none_or(|t| t > now))
            .map(|s| s.key.as_str())
            .collect();
        let timestamp = now / 1000;
        let signature = sign::header(&keys, &item.webhook_id, timestamp, item.payload.as_bytes());
        let result = self
            .client
            .post(
                &endpoint.url,
                &item.webhook_id,
                timestamp,
                &signature,
                &item.payload,
            )
            .await;
        let outcome = match result {
            Ok(s) if (200..300).contains(&s) => Attempt::Delivered,
            Ok(410) => Attempt::Gone,
            Ok(s) => {
                tracing::info!(endpoint = %endpoint.id, status = s, attempts = item.attempts + 1, "webhook refused; will retry");
                Attempt::Retry
            }
            Err(e) => {
                tracing::info!(endpoint = %endpoint.id, error = %e, attempts = item.attempts + 1, "webhook not delivered; will retry");
                Attempt::Retry
            }
        };
        match outcome {
            Attempt::Delivered => {
                self.count("delivered");
                if let Err(e) = self.store.remove(&item) {
                    tracing::error!(error = %e, "cannot remove a delivered webhook");
                }
            }
            Attempt::Gone => self.disable(endpoint, "the endpoint answered 410 Gone"),
            Attempt::Retry => self.retry(item),
        }
    }

    fn count(&self, result: &str) {
        self.metrics
            .webhook_deliveries
            .with_label_values(&[result])
            .inc();
    }

    fn disable(&self, mut endpoint: Endpoint, why: &str) {
        self.count("gone");
        tracing::warn!(endpoint = %endpoint.id, why, "webhook endpoint disabled");
        endpoint.disabled = Some(why.to_string());
        if let Err(e) = self.store.put_endpoint(&endpoint) {
            tracing::error!(error = %e, "cannot disable a webhook endpoint");
        }
        let _ = self.store.drop_endpoint_items(&endpoint.id);
        self.hub.refresh();
    }

    fn retry(&self, item: OutboxItem) {
        let now = now_ms();
        let age = Duration::from_millis(now.saturating_sub(item.created_ms));
        if age >= self.config.webhook_max_age {
            self.count("expired");
            tracing::warn!(endpoint = %item.endpoint_id, webhook_id = %item.webhook_id, attempts = item.attempts + 1, "webhook given up after the maximum age");
            let _ = self.store.remove(&item);
            return;
        }
        self.count("retry");
        let wait = backoff(
            item.attempts,
            self.config.webhook_retry_base,
            self.config.webhook_retry_max,
            rand::random::<f64>(),
        );
        let next = OutboxItem {
            attempts: item.attempts + 1,
            next_ms: now + wait.as_millis() as u64,
            ..item.clone()
        };
        if let Err(e) = self.store.reschedule(&item, &next) {
            tracing::error!(error = %e, "cannot reschedule a webhook");
        }
    }
}

/// Delay before retry number `attempts + 1`: `base · 2^attempts`, at most
/// `max`, scaled by a jitter in [0.5, 1.0) (`r` uniform in [0, 1)) so
/// endpoints coming back are not hit by every sender at once.
pub fn backoff(attempts: u32, base: Duration, max: Duration, r: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempts.min(20));
    let capped = exp.min(max);
    capped.mul_f64(0.5 + 0.5 * r.clamp(0.0, 1.0))
}

/// HTTP(S) POSTs to webhook endpoints.
#[derive(Clone)]
pub struct WebhookClient {
    tls: Arc<rustls::ClientConfig>,
    timeout: Duration,
    allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("bad URL: {0}")]
    Url(String),
    #[error("{0}")]
    Failed(String),
    #[error("timed out")]
    Timeout,
}

/// Why a URL may not be an endpoint (None: it may).
pub fn url_problem(url: &str, allow_http: bool) -> Option<String> {
    if url.len() > 2048 {
        return Some("the URL is longer than 2048 characters".into());
    }
    let uri: http::Uri = match url.parse() {
        Ok(u) => u,
        Err(_) => return Some(format!("\"{url}\" is not a URL")),
    };
    let Some(host) = uri.host() else {
        return Some("the URL has no host".into());
    };
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Some("credentials in the URL are not allowed".into());
    }
    match uri.scheme_str() {
        Some("https") => None,
        Some("http") if allow_http || is_loopback(host) => None,
        Some("http") => Some(
            "plain http:// is allowed only to loopback receivers ([api] webhook_allow_http for others)"
                .into(),
        ),
        _ => Some("the URL must start with https://".into()),
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl WebhookClient {
    pub fn new(tls: Arc<rustls::ClientConfig>, timeout: Duration, allow_http: bool) -> Self {
        WebhookClient {
            tls,
            timeout,
            allow_http,
        }
    }

    /// POST `body` with the Standard Webhooks headers; the response status.
    pub async fn post(
        &self,
        url: &str,
        id: &str,
        timestamp: u64,
        signature: &str,
        body: &str,
    ) -> Result<u16, PostError> {
        tokio::time::timeout(
            self.timeout,
            self.post_inner(url, id, timestamp, signature, body),
        )
        .await
        .map_err(|_| PostError::Timeout)?
    }

    async fn post_inner(
        &self,
        url: &str,
        id: &str,
        timestamp: u64,
        signature: &str,
        body: &str,
    ) -> Result<u16, PostError> {
        if let Some(p) = url_problem(url, self.allow_http) {
            return Err(PostError::Url(p));
        }
        let uri: http::Uri = url.parse().map_err(|_| PostError::Url(url.into()))?;
        let https = uri.scheme_str() == Some("https");
        let host = uri.host().unwrap_or_default().to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let bare = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare.as_str(), port))
            .await
            .map_err(|e| PostError::Failed(format!("resolving {host}: {e}")))?
            .collect();
        if !https && !self.allow_http && !addrs.iter().all(|a| a.ip().is_loopback()) {
            return Err(PostError::Url(format!("{host} is not a loopback address")));
        }
        let addr = addrs
            .first()
            .ok_or_else(|| PostError::Failed(format!("{host}: no address")))?;
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| PostError::Failed(format!("connect: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or(host.clone());
        let request = http::Request::post(path)
            .header(http::header::HOST, authority)
            .header(http::header::USER_AGENT, "sealpost-webhooks")
            .header(http::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| PostError::Failed(format!("request: {e}")))?;
        if https {
            let name = rustls_pki_types::ServerName::try_from(bare)
                .map_err(|e| PostError::Url(e.to_string()))?;
            let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
                .connect(name, tcp)
                .await
                .map_err(|e| PostError::Failed(format!("TLS: {e}")))?;
            send(TokioIo::new(tls), request).await
        } else {
            send(TokioIo::new(tcp), request).await
        }
    }
}

async fn send<I>(io: I, request: http::Request<Full<Bytes>>) -> Result<u16, PostError>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| PostError::Failed(format!("HTTP: {e}")))?;
    let driver = tokio::spawn(conn);
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| PostError::Failed(format!("HTTP: {e}")))?;
        let status = response.status().as_u16();
        // The body is not used, but is read so the exchange completes.
        let _ = Limited::new(response.into_body(), MAX_RESPONSE)
            .collect()
            .await;
        Ok(status)
    }
    .await;
    driver.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_max() {
        let base = Duration::from_secs(5);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff(0, base, max, 1.0), Duration::from_secs(5));
        assert_eq!(backoff(0, base, max, 0.0), Duration::from_millis(2500));
        assert_eq!(backoff(3, base, max, 1.0), Duration::from_secs(40));
        assert_eq!(backoff(30, base, max, 1.0), max);
        let d = backoff(2, base, max, 0.5);
        assert!(d >= Duration::from_secs(10) && d <= Duration::from_secs(20));
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert_eq!(url_problem("https://hooks.example.org/x", false), None);
        assert_eq!(url_problem("http://127.0.0.1:9000/hook", false), None);
        assert_eq!(url_problem("http://[::1]:9000/hook", false), None);
        assert!(url_problem("http://hooks.example.org/x", false).is_some());
        assert_eq!(url_problem("http://hooks.example.org/x", true), None);
        assert!(url_problem("ftp://x.example/", true).is_some());
        assert!(url_problem("https://user:pw@x.example/", false).is_some());
        assert!(url_problem("not a url", false).is_some());
    }
}
