//! `/v1/suppressions`: the node's suppression list (`bounce::suppress`).
//! Reading needs `read`; adding and removing need `admin`, and are
//! written to the audit log like the CLI's changes.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Api;
use super::problem::Problem;
use crate::bounce::{BounceError, SuppressReason};
use crate::store::Scope;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PutBody {
    // Absent is allowed; `null` is not a string (the schema says so).
    #[serde(default, deserialize_with = "string_not_null")]
    note: Option<String>,
}

fn string_not_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

fn view(s: &crate::bounce::Suppressed) -> serde_json::Value {
    serde_json::json!({
        "address": s.address,
        "reason": s.reason.to_string(),
        "detail": s.detail,
        "since": super::status::rfc3339(s.since_ms),
        "updated": super::status::rfc3339(s.updated_ms),
    })
}

fn store_problem(e: BounceError) -> Problem {
    match e {
        BounceError::InvalidAddress(a) => {
            Problem::invalid(format!("address: \"{a}\" is not a valid email address"))
        }
        BounceError::Unavailable(why) => crate::store::StoreError::Unavailable(why).into(),
        other => {
            tracing::error!(error = %other, "suppression store failed");
            Problem::internal()
        }
    }
}

pub async fn list(State(api): State<Arc<Api>>, headers: HeaderMap) -> Result<Response, Problem> {
    api.caller(&headers, Scope::Read)?;
    let all = api.suppression.list().map_err(store_problem)?;
    Ok(axum::Json(serde_json::json!({
        "suppressions": all.iter().map(view).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn put(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(address): Path<String>,
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
    let note = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        super::body::json::<PutBody>(&headers, &bytes)?.note
    };
    super::compose::check_address("address", &address)?;
    let note = note.unwrap_or_else(|| format!("added through the API by {}", caller.client.name));
    if note.len() > 500 || note.contains(['\r', '\n', '\0']) {
        return Err(Problem::invalid("note: at most 500 characters on one line"));
    }
    let existed = api
        .suppression
        .is_suppressed(&address)
        .map_err(store_problem)?
        .is_some();
    api.suppression
        .add(&address, SuppressReason::Manual, &note)
        .map_err(store_problem)?;
    api.metrics.suppressed.with_label_values(&["added"]).inc();
    audit(&api, "suppress_add", &address, &caller.client.name).await;
    let entry = api
        .suppression
        .is_suppressed(&address)
        .map_err(store_problem)?
        .ok_or_else(Problem::internal)?;
    let code = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((code, axum::Json(view(&entry))).into_response())
}

pub async fn delete(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(address): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Admin)?;
    super::compose::check_address("address", &address)?;
    if !api.suppression.remove(&address).map_err(store_problem)? {
        return Err(Problem::not_found(format!(
            "{address} is not on the suppression list"
        )));
    }
    api.metrics.suppressed.with_label_values(&["removed"]).inc();
    audit(&api, "suppress_remove", &address, &caller.client.name).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn audit(api: &Api, action: &str, target: &str, client: &str) {
    let event = crate::audit::Event::AdminAction(crate::audit::event::AdminAction {
        action: action.to_string(),
        target: Some(target.to_string()),
        actor: format!("api:{client}"),
    });
    if let Err(e) = api.audit.append_durable(event).await {
        tracing::error!(error = %e, "audit write failed");
    }
}
