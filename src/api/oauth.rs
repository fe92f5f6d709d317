//! `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749
//! §4.4). The client authenticates with `client_secret_basic` (HTTP
//! Basic) or `client_secret_post` (form fields), never both (§2.3);
//! `scope` asks for a subset of the client's scopes. The answer is a
//! signed bearer token (`keys::NodeKey::issue_token`) with `expires_in`.
//! Errors are problem details that also carry RFC 6749 §5.2's `error`
//! and `error_description`, so OAuth libraries read them.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Api;
use super::problem::Problem;
use crate::store::Scope;

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// An RFC 6749 §5.2 error as a problem.
fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> Response {
    let mut p = if status == StatusCode::UNAUTHORIZED {
        Problem::unauthorized(description)
    } else {
        Problem::bad_request(description)
    };
    p.kind = format!("urn:sealpost:problem:oauth-{}", error.replace('_', "-"));
    let mut body = serde_json::to_value(&p).unwrap_or_default();
    body["error"] = error.into();
    body["error_description"] = description.into();
    let mut resp = p.into_response();
    *resp.body_mut() = Body::from(body.to_string());
    resp
}

pub async fn token(State(api): State<Arc<Api>>, headers: HeaderMap, body: Body) -> Response {
    let bytes = match super::body::read(&headers, body, 16 * 1024).await {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let form: TokenForm = match super::body::form(&headers, &bytes) {
        Ok(f) => f,
        Err(p) if p.status == 415 => return p.into_response(),
        Err(p) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &p.detail),
    };
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| rest.to_string())
        });
    let (id, secret) = match (basic, &form.client_id, &form.client_secret) {
        (Some(_), Some(_), Some(_)) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Use one client authentication method: HTTP Basic or client_id/client_secret in the body",
            );
        }
        (Some(b), _, _) => match super::auth::basic(&b) {
            // RFC 6749 §2.3.1: both are form-urlencoded inside Basic.
            Some((i, s)) => (form_decode(&i), form_decode(&s)),
            None => {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Basic credentials must be base64 of <client_id>:<client_secret>",
                );
            }
        },
        (None, Some(i), Some(s)) => (i.clone(), s.clone()),
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication required (HTTP Basic, or client_id and client_secret)",
            );
        }
    };
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only grant_type=client_credentials is supported",
            );
        }
    }
    let client = match api.check_secret(&id, &secret) {
        Ok(c) => c,
        Err(p) if p.status == 401 => {
            api.metrics
                .api_requests
                .with_label_values(&["unauthorized"])
                .inc();
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &p.detail);
        }
        Err(p) => return p.into_response(),
    };
    let scopes: Vec<Scope> = match form.scope.as_deref().map(str::trim) {
        None | Some("") => client.scopes.clone(),
        Some(list) => {
            let mut out = Vec::new();
            for s in list.split(' ').filter(|s| !s.is_empty()) {
                match Scope::parse(s) {
                    Some(sc) if client.has_scope(sc) => out.push(sc),
                    _ => {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_scope",
                            &format!(
                                "Scope \"{}\" is not granted to this client (it has: {})",
                                s.chars().take(20).collect::<String>(),
                                client
                                    .scopes
                                    .iter()
                                    .map(|x| x.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ),
                        );
                    }
                }
            }
            out
        }
    };
    let ttl = api.config.api.token_ttl;
    let token = match api.keys.issue_token(&client.client_id, &scopes, ttl) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot sign an access token");
            return Problem::internal().into_response();
        }
    };
    let scope = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    tracing::info!(client = %client.name, scope = %scope, "access token issued");
    (
        [(header::PRAGMA, "no-cache")],
        axum::Json(serde_json::json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl.as_secs(),
            "scope": scope,
        })),
    )
        .into_response()
}

fn form_decode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("x={s}"))
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_else(|| s.to_string())
}
