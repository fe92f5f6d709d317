//! `/v1/webhooks`: a client's webhook endpoints. Creating one returns its
//! signing secret (`whsec_...`) once; rotating issues a new secret and
//! keeps the old one signing for a day, so receivers can switch without
//! losing a message. Listing needs `read`; changes need `admin`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Api;
use super::auth::Caller;
use super::problem::Problem;
use super::sign;
use crate::events::EventKind;
use crate::store::{Endpoint, Scope, WebhookSecret};
use crate::util::now_ms;

/// A rotated-out secret keeps signing this long.
const ROTATION_OVERLAP_MS: u64 = 24 * 3600 * 1000;
/// Endpoints per client.
const MAX_ENDPOINTS: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    url: String,
    #[serde(default)]
    events: Option<Vec<String>>,
    /// Events of every message, not only this client's (admin only).
    #[serde(default)]
    all_messages: bool,
}

fn view(e: &Endpoint) -> serde_json::Value {
    let events: Vec<&str> = if e.events.is_empty() {
        EventKind::ALL.iter().map(|k| k.as_str()).collect()
    } else {
        e.events.iter().map(String::as_str).collect()
    };
    serde_json::json!({
        "id": e.id,
        "url": e.url,
        "events": events,
        "all_messages": e.all_messages,
        "created": super::status::rfc3339(e.created_ms),
        "disabled": e.disabled,
    })
}

fn visible(caller: &Caller, e: &Endpoint) -> bool {
    e.owner == caller.client.name || caller.is_admin()
}

pub async fn list(State(api): State<Arc<Api>>, headers: HeaderMap) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Read)?;
    let all: Vec<serde_json::Value> = api
        .webhooks
        .endpoints()?
        .iter()
        .filter(|e| visible(&caller, e))
        .map(view)
        .collect();
    Ok(axum::Json(serde_json::json!({"webhooks": all})).into_response())
}

pub async fn get(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Read)?;
    let e = find(&api, &caller, &id)?;
    Ok(axum::Json(view(&e)).into_response())
}

fn find(api: &Api, caller: &Caller, id: &str) -> Result<Endpoint, Problem> {
    match api.webhooks.endpoint(id)? {
        Some(e) if visible(caller, &e) => Ok(e),
        _ => Err(Problem::not_found(format!(
            "No webhook endpoint \"{}\"",
            id.chars().take(40).collect::<String>()
        ))),
    }
}

pub async fn create(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let caller = match api.caller(&headers, Scope::Admin) {
        Ok(c) => c,
        Err(p) => {
            super::body::discard(body, super::body::DISCARD_CAP).await;
            return Err(p);
        }
    };
    let bytes = super::body::read(&headers, body, 64 * 1024).await?;
    let req: CreateBody = super::body::json(&headers, &bytes)?;
    if let Some(p) = super::dispatch::url_problem(&req.url, api.config.api.webhook_allow_http) {
        return Err(Problem::invalid(format!("url: {p}")));
    }
    let mut events = Vec::new();
    for (i, e) in req.events.unwrap_or_default().iter().enumerate() {
        let Some(k) = EventKind::parse(e) else {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(Problem::invalid(format!(
                "events[{i}]: unknown event \"{}\"; expected one of {}",
                e.chars().take(40).collect::<String>(),
                names.join(", ")
            )));
        };
        if !events.contains(&k.as_str().to_string()) {
            events.push(k.as_str().to_string());
        }
    }
    if req.all_messages && !caller.is_admin() {
        return Err(Problem::forbidden("all_messages needs the admin scope"));
    }
    let mine = api
        .webhooks
        .endpoints()?
        .iter()
        .filter(|e| e.owner == caller.client.name)
        .count();
    if mine >= MAX_ENDPOINTS {
        return Err(Problem::invalid(format!(
            "At most {MAX_ENDPOINTS} webhook endpoints per client"
        )));
    }
    let key = sign::new_secret_key();
    let endpoint = Endpoint {
        id: super::keys::random_id("ep_"),
        owner: caller.client.name.clone(),
        all_messages: req.all_messages,
        url: req.url,
        events,
        secrets: vec![WebhookSecret {
            key: key.clone(),
            created_ms: now_ms(),
            expires_ms: None,
        }],
        created_ms: now_ms(),
        disabled: None,
    };
    api.webhooks.put_endpoint(&endpoint)?;
    api.hub.refresh();
    tracing::info!(endpoint = %endpoint.id, client = %caller.client.name, "webhook endpoint added");
    let mut v = view(&endpoint);
    v["secret"] = sign::shown(&key).into();
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

pub async fn delete(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Admin)?;
    let e = find(&api, &caller, &id)?;
    api.webhooks.remove_endpoint(&e.id)?;
    api.hub.refresh();
    tracing::info!(endpoint = %e.id, client = %caller.client.name, "webhook endpoint removed");
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn rotate(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Admin)?;
    let mut e = find(&api, &caller, &id)?;
    let now = now_ms();
    e.secrets.retain(|s| s.expires_ms.is_none_or(|t| t > now));
    for s in &mut e.secrets {
        s.expires_ms.get_or_insert(now + ROTATION_OVERLAP_MS);
    }
    let key = sign::new_secret_key();
    e.secrets.insert(
        0,
        WebhookSecret {
            key: key.clone(),
            created_ms: now,
            expires_ms: None,
        },
    );
    api.webhooks.put_endpoint(&e)?;
    api.hub.refresh();
    let mut v = view(&e);
    v["secret"] = sign::shown(&key).into();
    v["previous_secret_expires"] = super::status::rfc3339(now + ROTATION_OVERLAP_MS).into();
    Ok(axum::Json(v).into_response())
}
