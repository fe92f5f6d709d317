//! The recipients' portal: the web app behind the links in portal notices
//! (`<public_url>/m/<token>`), on its own listener.
//!
//! A recipient's path: the link shows the sending organisation and the
//! expiry, and one button, "Email me a code" (`login.rs`). The code goes
//! to the recipient's address through sealpost's own delivery, never
//! through the portal. With the code (or a device cookie from an earlier
//! code on this browser), a session opens the message (`view.rs`): From,
//! Date, the real Subject, the text or sanitised HTML, attachments to
//! download, and a secure reply (`reply.rs`) that goes back to the sender
//! through the accept stage, at least TLS-protected.
//!
//! Invariants: every response carries the security headers of
//! `headers.rs`; every POST carries a CSRF token and counts against the
//! client IP's limit (`limits.rs`); every page is a template an operator
//! may edit (`templates.rs`); bad input gets a page with the right status,
//! never a 500 or a panic; reads, downloads, replies, failed codes,
//! lockouts, recalls and expiries are audit records and metrics
//! (`sealpost_portal_events_total`); nothing of a message is logged.

mod cookies;
mod headers;
mod http;
mod limits;
mod login;
mod render;
mod reply;
pub mod templates;
mod view;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::accept::Stage;
use crate::audit::AuditLog;
use crate::config::PortalConfig;
use crate::metrics::Metrics;
use crate::secure::SecureError;
use crate::secure::portal::{CopyRecord, LookupId, SessionRecord, Vault};
use crate::spool::Spool;
use crate::spool::schedule::Schedule;
use crate::util::now_ms;

pub use http::{Peer, serve, serve_behind};
pub use templates::Pages;

/// A session lives at most this long, however active.
const SESSION_MAX_MS: u64 = 12 * 3_600_000;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_MS: u64 = 15_000;
/// Form bodies (not replies) are small.
const FORM_LIMIT: usize = 16 * 1024;

/// What the portal needs from the rest of the node.
pub struct Deps {
    pub config: PortalConfig,
    pub hostname: String,
    pub vault: Arc<Vault>,
    pub accept: Arc<Stage>,
    pub spool: Arc<Spool>,
    pub schedule: Arc<Schedule>,
    pub audit: Arc<AuditLog>,
    pub metrics: Arc<Metrics>,
    pub pages: Arc<Pages>,
    /// API status and webhooks (opened, replied, expired).
    pub events: Arc<dyn crate::events::EventSink>,
}

/// The shared state of the handlers.
#[derive(Clone)]
pub struct Portal(Arc<Inner>);

pub struct Inner {
    pub d: Deps,
    limit: limits::PostLimit,
    logo: Option<(Vec<u8>, &'static str)>,
}

impl std::ops::Deref for Portal {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Who is asking: the client's IP (see `Portal::client_ip`) and the TLS
/// parameters of its connection.
pub struct Client {
    pub ip: IpAddr,
    pub tls: Option<(String, String)>,
}

impl axum::extract::FromRequestParts<Portal> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Portal,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<Peer>();
        Ok(Client {
            ip: state.client_ip(peer, &parts.headers),
            tls: peer.and_then(|p| p.tls.clone()),
        })
    }
}

/// A page to send: status, HTML, cookies to set.
pub struct Page {
    status: StatusCode,
    body: String,
    cookies: Vec<HeaderValue>,
    retry_after: Option<u64>,
}

impl Page {
    fn with_cookie(mut self, c: Option<HeaderValue>) -> Self {
        self.cookies.extend(c);
        self
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self.body,
        )
            .into_response();
        for c in self.cookies {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

/// 303 to `to`, setting `cookies`.
fn redirect(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Run a store call on the blocking pool (sled flushes to disk).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SecureError> + Send + 'static,
) -> Result<T, SecureError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(SecureError::Crypto {
            method: "portal",
            reason: format!("task failed: {e}"),
        })
    })
}

fn logo_type(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

impl Portal {
    pub fn new(d: Deps) -> Result<Portal, std::io::Error> {
        let logo = match &d.config.logo {
            Some(p) => Some((std::fs::read(p)?, logo_type(p))),
            None => None,
        };
        Ok(Portal(Arc::new(Inner {
            limit: limits::PostLimit::new(d.config.posts_per_minute),
            logo,
            d,
        })))
    }

    pub fn router(self) -> Router {
        let reply_limit = self.d.config.max_reply_size + 64 * 1024;
        Router::new()
            .route("/", get(home))
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/static/portal.css", get(stylesheet))
            .route("/static/theme.css", get(theme))
            .route("/static/logo", get(logo))
            .route("/m/{token}", get(login::landing))
            .route(
                "/m/{token}/code",
                get(login::code_page).post(login::send_code),
            )
            .route("/m/{token}/verify", post(login::verify))
            .route("/m/{token}/view", get(view::message))
            .route("/m/{token}/a/{part}", get(view::attachment))
            .route("/m/{token}/i/{part}", get(view::image))
            .route(
                "/m/{token}/reply",
                post(reply::send).layer(DefaultBodyLimit::max(reply_limit)),
            )
            .route("/signout", post(login::sign_out))
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                post_limit,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                error_pages,
            ))
            .layer(axum::middleware::from_fn(headers::secure_headers))
            .with_state(self)
    }

    /// The client's address: the peer, or with `tls = "none"` behind a
    /// trusted proxy, the last X-Forwarded-For hop the proxies did not add.
    pub fn client_ip(&self, peer: Option<&Peer>, headers: &HeaderMap) -> IpAddr {
        let Some(p) = peer else {
            return IpAddr::from([0, 0, 0, 0]);
        };
        let trusted = &self.d.config.trusted_proxies;
        if !trusted.iter().any(|n| n.contains(&p.peer.ip())) {
            return p.peer.ip();
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        hops.iter()
            .rev()
            .find(|ip| !trusted.iter().any(|n| n.contains(*ip)))
            .copied()
            .unwrap_or(p.peer.ip())
    }

    /// Template variables every page has.
    fn base(&self, title: &str, csrf: Option<&str>, signed_in: bool) -> Value {
        let c = &self.d.config;
        json!({
            "org": c.organisation,
            "title": title,
            "support": c.support,
            "logo": self.logo.is_some(),
            "csrf": csrf,
            "signed_in": signed_in,
        })
    }

    fn render(&self, status: StatusCode, name: &str, ctx: Value) -> Page {
        Page {
            status,
            body: self.d.pages.render(name, &ctx),
            cookies: Vec::new(),
            retry_after: None,
        }
    }

    /// A page that only explains (status.html).
    fn status_page(&self, status: StatusCode, heading: &str, paragraphs: &[&str]) -> Page {
        let mut ctx = self.base(heading, None, false);
        ctx["heading"] = json!(heading);
        ctx["paragraphs"] = json!(paragraphs);
        self.render(status, "status.html", ctx)
    }

    fn unavailable(&self, e: &SecureError) -> Page {
        tracing::error!(error = %e, "portal store unavailable");
        self.status_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Temporarily unavailable",
            &["Secure messages cannot be shown right now. Please try again in a few minutes."],
        )
    }

    fn unknown_link(&self) -> Page {
        self.status_page(
            StatusCode::NOT_FOUND,
            "This link is not valid",
            &[
                "The link may be incomplete: check that you opened the whole link from the email.",
                "If it still does not work, ask the sender to send the message again.",
            ],
        )
    }

    fn gone_page(&self, r: &CopyRecord) -> Page {
        let (h, p) = match r.state {
            crate::secure::portal::CopyState::Recalled => (
                "This message was recalled",
                "The sender withdrew this message, so it can no longer be read. Please contact the sender if you still need it.",
            ),
            _ => (
                "This message has expired",
                "Secure messages are kept for a limited time, and this one has been deleted. Please contact the sender if you still need it.",
            ),
        };
        self.status_page(StatusCode::GONE, h, &[p])
    }

    fn locked_page(&self, until_ms: u64) -> Page {
        let until = human_time(until_ms);
        let text = format!(
            "Too many wrong codes were entered, so this message is locked until {until} to keep it safe. You can request a new code after that."
        );
        let mut p = self.status_page(
            StatusCode::TOO_MANY_REQUESTS,
            "This message is locked for now",
            &[&text],
        );
        p.retry_after = Some(until_ms.saturating_sub(now_ms()) / 1000 + 1);
        p
    }

    fn bad_request(&self, what: &str) -> Page {
        self.status_page(
            StatusCode::BAD_REQUEST,
            "Something was wrong with that request",
            &[what, "Go back, reload the page and try again."],
        )
    }

    fn csrf_refused(&self) -> Page {
        self.status_page(
            StatusCode::FORBIDDEN,
            "This form has expired",
            &["For your security, forms work only from this site and for a limited time. Go back, reload the page and try again."],
        )
    }

    /// The CSRF cookie of this browser, or a new one (with its Set-Cookie).
    fn csrf(&self, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
        match cookies::get(headers, cookies::CSRF) {
            Some(c) => (cookies::csrf_token(self.d.vault.node_key(), c), None),
            None => {
                let c = cookies::random_value();
                (
                    cookies::csrf_token(self.d.vault.node_key(), &c),
                    Some(cookies::set(cookies::CSRF, &c, None)),
                )
            }
        }
    }

    fn csrf_ok(&self, headers: &HeaderMap, form: Option<&str>) -> bool {
        cookies::csrf_ok(
            self.d.vault.node_key(),
            cookies::get(headers, cookies::CSRF),
            form,
        )
    }

    /// The signed-in session for copy `copy`, touched; None if there is
    /// none, it is for another copy, or it is idle or too old.
    async fn session(&self, headers: &HeaderMap, copy: &LookupId) -> Option<LookupId> {
        let sid = session_key(cookies::get(headers, cookies::SESSION)?);
        let vault = self.d.vault.clone();
        let idle = self.d.config.session_idle.as_millis() as u64;
        let copy = *copy;
        blocking(move || {
            let store = vault.store();
            let Some(mut s) = store.session_get(&sid)? else {
                return Ok(None);
            };
            let now = now_ms();
            if s.copy != copy {
                return Ok(None);
            }
            if s.last_seen_ms + idle <= now || s.created_ms + SESSION_MAX_MS <= now {
                store.session_remove(&sid)?;
                return Ok(None);
            }
            if s.last_seen_ms + TOUCH_EVERY_MS.min(idle / 4) <= now {
                s.last_seen_ms = now;
                store.session_put(&sid, &s)?;
            }
            Ok(Some(sid))
        })
        .await
        .ok()
        .flatten()
    }

    /// Open a session for `copy`; returns its Set-Cookie.
    async fn start_session(&self, copy: LookupId) -> Result<HeaderValue, SecureError> {
        let value = cookies::random_value();
        let sid = session_key(&value);
        let vault = self.d.vault.clone();
        let now = now_ms();
        blocking(move || {
            vault.store().session_put(
                &sid,
                &SessionRecord {
                    copy,
                    created_ms: now,
                    last_seen_ms: now,
                },
            )
        })
        .await?;
        Ok(cookies::set(cookies::SESSION, &value, None))
    }

    /// A read receipt or security event: metric and audit record.
    async fn event(
        &self,
        action: &str,
        r: &CopyRecord,
        ip: Option<IpAddr>,
        detail: Option<String>,
    ) {
        self.d
            .metrics
            .portal_events
            .with_label_values(&[action])
            .inc();
        crate::events::emit_portal(self.d.events.as_ref(), action, r.queue_id, &r.recipient);
        let ev = crate::audit::Event::Portal(crate::audit::event::Portal {
            action: action.to_string(),
            queue_id: crate::spool::format_id(r.queue_id),
            recipient: r.recipient.clone(),
            by: ip.map(|i| i.to_string()),
            detail,
        });
        // Read receipts are records a sender may rely on: durable.
        if let Err(e) = self.d.audit.append_durable(ev).await {
            tracing::error!(error = %e, "audit write failed");
        }
    }
}

/// The store key of a session id: SHA-256 (the cookie value itself is
/// never stored).
fn session_key(value: &str) -> LookupId {
    let mut h = Sha256::new();
    h.update(b"sealpost-portal-session");
    h.update(value.as_bytes());
    h.finalize().into()
}

pub(crate) fn human_time(ms: u64) -> String {
    crate::util::human_date(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
}

/// A link token must look like one before it costs a lookup.
fn plausible_token(t: &str) -> bool {
    t.len() == 43
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Every POST counts against the client's per-minute limit (429 page).
async fn post_limit(State(p): State<Portal>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST {
        let ip = p.client_ip(req.extensions().get::<Peer>(), req.headers());
        if let Err(wait) = p.limit.check(ip, now_ms()) {
            p.d.metrics
                .portal_events
                .with_label_values(&["rate_limited"])
                .inc();
            let mut page = p.status_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                &["Please wait a minute, then try again."],
            );
            page.retry_after = Some(wait);
            return page.into_response();
        }
    }
    next.run(req).await
}

/// A rejection from an extractor (a path that does not decode, a body
/// over a limit) is plain text: give it a page, keeping its status.
async fn error_pages(State(p): State<Portal>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (heading, text) = match status {
        StatusCode::NOT_FOUND => ("Page not found", "There is no page at this address."),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "That request was too large",
            "Go back, make it smaller and try again.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "That did not work",
            "This page cannot be used that way. Go back and try again.",
        ),
        s if s.is_server_error() => (
            "Temporarily unavailable",
            "Secure messages cannot be shown right now. Please try again in a few minutes.",
        ),
        _ => (
            "Something was wrong with that request",
            "Check that you opened the whole link from the email, or go back and try again.",
        ),
    };
    // An unknown or undecodable link is "not found" to the recipient.
    let status = if status == StatusCode::BAD_REQUEST {
        StatusCode::NOT_FOUND
    } else {
        status
    };
    let mut page = p.status_page(status, heading, &[text]).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        page.headers_mut().insert(header::ALLOW, allow.clone());
    }
    page
}

async fn home(State(p): State<Portal>) -> Page {
    p.status_page(
        StatusCode::OK,
        "Secure messages",
        &["To read a secure message, open the link in the email you received."],
    )
}

async fn not_found(State(p): State<Portal>) -> Page {
    p.status_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        &["There is no page at this address."],
    )
}

async fn stylesheet(State(p): State<Portal>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        p.d.pages.css(),
    )
        .into_response()
}

async fn theme(State(p): State<Portal>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        format!(":root {{ --accent: {}; }}\n", p.d.config.accent_colour),
    )
        .into_response()
}

async fn logo(State(p): State<Portal>) -> Response {
    match &p.logo {
        Some((bytes, mime)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => not_found(State(p)).await.into_response(),
    }
}
