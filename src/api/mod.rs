//! The REST submission API (JSON under `/v1`, OAuth at `/oauth/token`),
//! on its own listener (`[api] listen`).
//!
//! A message submitted here takes exactly the SMTP path: the accept stage
//! (`crate::accept`) runs policy, writes the spool durably and the audit
//! record, and schedules it; the API only builds the MIME (`compose`),
//! checks the caller (`auth`), and maps the stage's reply to HTTP (250 →
//! 202, 5xx → 422, 4xx → 503 with Retry-After). Idempotency keys reserve
//! the queue id before the spool write (`idempotency`). Events about API
//! messages (`crate::events`) feed the status view (`status`) and signed
//! webhooks with a durable outbox (`hub`, `dispatch`).
//!
//! Routes are one table (`ROUTES`): the router is built from it and the
//! OpenAPI document (`api/openapi.yaml`) is checked against it by a test.

pub mod admin;
pub mod auth;
pub mod body;
pub mod compose;
pub mod dispatch;
pub mod hub;
pub mod idempotency;
pub mod keys;
pub mod messages;
pub mod oauth;
pub mod problem;
pub mod sign;
pub mod status;
pub mod suppressions;
pub mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, on};

use crate::bounce::SuppressionStore;
use crate::config::Config;
use crate::store::{ClientStore, IdempotencyStore, RateLimiter, WebhookStore};
use problem::Problem;

/// The OpenAPI 3.1 document, as served at `/v1/openapi.yaml`.
pub const OPENAPI: &str = include_str!("../../api/openapi.yaml");

/// What the handlers share.
pub struct Api {
    pub config: Arc<Config>,
    pub stage: Arc<crate::accept::Stage>,
    pub spool: Arc<crate::spool::Spool>,
    pub keys: Arc<keys::NodeKey>,
    pub clients: Arc<dyn ClientStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub webhooks: Arc<dyn WebhookStore>,
    pub limiter: Arc<dyn RateLimiter>,
    pub suppression: Arc<dyn SuppressionStore>,
    /// Portal copies (recall: audited and announced as on the CLI).
    pub portal: Arc<crate::portal_admin::Admin>,
    pub index: Arc<status::MessageIndex>,
    pub hub: Arc<hub::Hub>,
    pub audit: Arc<crate::audit::AuditLog>,
    pub metrics: Arc<crate::metrics::Metrics>,
}

type Shared = State<Arc<Api>>;

/// Every route: (method, path as in the OpenAPI document).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/health"),
    ("GET", "/v1/openapi.yaml"),
    ("POST", "/oauth/token"),
    ("POST", "/v1/messages"),
    ("POST", "/v1/messages/raw"),
    ("GET", "/v1/messages/{id}"),
    ("POST", "/v1/messages/{id}/recall"),
    ("GET", "/v1/suppressions"),
    ("PUT", "/v1/suppressions/{address}"),
    ("DELETE", "/v1/suppressions/{address}"),
    ("GET", "/v1/webhooks"),
    ("POST", "/v1/webhooks"),
    ("GET", "/v1/webhooks/{id}"),
    ("DELETE", "/v1/webhooks/{id}"),
    ("POST", "/v1/webhooks/{id}/rotate"),
];

fn handler(method: &str, path: &str) -> Option<MethodRouter<Arc<Api>>> {
    use axum::routing::MethodFilter as F;
    Some(match (method, path) {
        ("GET", "/v1/health") => on(F::GET, health),
        ("GET", "/v1/openapi.yaml") => on(F::GET, openapi),
        ("POST", "/oauth/token") => on(F::POST, oauth::token),
        ("POST", "/v1/messages") => on(F::POST, messages::submit),
        ("POST", "/v1/messages/raw") => on(F::POST, messages::submit_raw),
        ("GET", "/v1/messages/{id}") => on(F::GET, messages::status),
        ("POST", "/v1/messages/{id}/recall") => on(F::POST, messages::recall),
        ("GET", "/v1/suppressions") => on(F::GET, suppressions::list),
        ("PUT", "/v1/suppressions/{address}") => on(F::PUT, suppressions::put),
        ("DELETE", "/v1/suppressions/{address}") => on(F::DELETE, suppressions::delete),
        ("GET", "/v1/webhooks") => on(F::GET, webhooks::list),
        ("POST", "/v1/webhooks") => on(F::POST, webhooks::create),
        ("GET", "/v1/webhooks/{id}") => on(F::GET, webhooks::get),
        ("DELETE", "/v1/webhooks/{id}") => on(F::DELETE, webhooks::delete),
        ("POST", "/v1/webhooks/{id}/rotate") => on(F::POST, webhooks::rotate),
        _ => return None,
    })
}

impl Api {
    /// The router, built from `ROUTES` (a route without a handler is a
    /// bug caught by the tests, not a silent gap).
    pub fn router(self: Arc<Self>) -> Router {
        let mut by_path: Vec<(&str, MethodRouter<Arc<Api>>)> = Vec::new();
        for (m, p) in ROUTES {
            let Some(h) = handler(m, p) else {
                tracing::error!(method = m, path = p, "API route without a handler");
                continue;
            };
            match by_path.iter_mut().find(|(q, _)| q == p) {
                Some((_, existing)) => *existing = std::mem::take(existing).merge(h),
                None => by_path.push((p, h)),
            }
        }
        let mut router = Router::new();
        for (p, h) in by_path {
            router = router.route(p, h.fallback(method_not_allowed));
        }
        router
            .fallback(not_found)
            .layer(axum::middleware::from_fn(common_headers))
            // Bodies are read (and bounded) by the handlers themselves.
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(self)
    }
}

async fn health(State(api): Shared) -> Response {
    let ok = !api.stage.is_shutting_down();
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "shutting_down" },
        "version": env!("CARGO_PKG_VERSION"),
    });
    let code = if ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (code, axum::Json(body)).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], OPENAPI).into_response()
}

async fn not_found() -> Problem {
    Problem::not_found("No such resource; see /v1/openapi.yaml")
}

async fn method_not_allowed(method: Method) -> Problem {
    Problem::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("{method} is not allowed on this resource"),
    )
}

/// No caching of API answers; no sniffing; and every error a problem,
/// even one an extractor produced as plain text.
async fn common_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let text = http_body_util::BodyExt::collect(http_body_util::Limited::new(
            std::mem::take(resp.body_mut()),
            4096,
        ))
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
        let detail = if text.trim().is_empty() {
            status.canonical_reason().unwrap_or("Error").to_string()
        } else {
            text.trim().to_string()
        };
        let title = if status.is_client_error() {
            "Bad request"
        } else {
            "Internal error"
        };
        let slug = if status.is_client_error() {
            "bad-request"
        } else {
            "internal"
        };
        resp = Problem::new(status, slug, title, detail).into_response();
    }
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

#[cfg(test)]
mod tests;
