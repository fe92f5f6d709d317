//! The recipients' portal: the web app behind the links in portal
//! notices (`<public_url>/m/<token>`), on its own listener.
//!
//! Every response carries the security headers of `headers.rs`. Pages are
//! server-rendered HTML with no script; a link shows the sending
//! organisation and when the message expires — nothing of the message.

mod headers;
mod http;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::config::PortalConfig;
use crate::secure::portal::PortalStore;

pub use http::serve;

/// What the handlers share.
#[derive(Clone)]
pub struct Portal {
    pub config: Arc<PortalConfig>,
    pub store: Arc<dyn PortalStore>,
}

impl Portal {
    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(home))
            .route("/m/{token}", get(link))
            .route("/static/portal.css", get(pages::stylesheet))
            .route("/healthz", get(|| async { "ok\n" }))
            .fallback(not_found)
            .layer(axum::middleware::from_fn(headers::secure_headers))
            .with_state(self)
    }
}

async fn home(State(p): State<Portal>) -> Html<String> {
    Html(pages::home(&p.config.organisation))
}

async fn link(State(p): State<Portal>, Path(token): Path<String>) -> Response {
    // Tokens are base64url of 32 bytes: anything else is not worth a lookup.
    let plausible = token.len() <= 64
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let expires = if plausible {
        p.store.expires(&token)
    } else {
        Ok(None)
    };
    match expires {
        Ok(Some(ms)) => Html(pages::waiting(&p.config.organisation, ms)).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html(pages::gone(&p.config.organisation)),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "portal store unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(pages::unavailable(&p.config.organisation)),
            )
                .into_response()
        }
    }
}

async fn not_found(State(p): State<Portal>) -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(pages::not_found(&p.config.organisation)),
    )
}
