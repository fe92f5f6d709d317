//! `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the
//! first request with a key reserves it, with a fingerprint of the
//! request and the queue id it will use, before anything is written to
//! the spool. Within `[api] idempotency_ttl` (24 h):
//! - the same key and the same request get the first answer again
//!   (`Idempotent-Replayed: true`), and nothing is sent again;
//! - the same key with another request is refused (422);
//! - while the first is still in progress, 409.
//!
//! A reservation left by a crash is resolved by its queue id: if the
//! message is in the spool, the answer is rebuilt from it; if not, the
//! request was never accepted and runs afresh. Answers that ask for a
//! retry (5xx, 503) release the key.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::Api;
use super::problem::Problem;
use crate::store::{IdempotencyRecord, StoredResponse};
use crate::util::now_ms;

/// A reservation older than this with no answer is taken over (the
/// request that made it cannot still be running).
const STALE_MS: u64 = 120_000;

/// What to do with a request.
pub enum Begin {
    /// No key: just run.
    Unkeyed,
    /// Run, then `finish` with the answer.
    Reserved(String),
    /// Answer this without running.
    Answer(Response),
}

pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let v = v.to_str().unwrap_or("").trim().trim_matches('"');
    if v.is_empty() || v.len() > 255 || !v.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(Problem::bad_request(
            "Idempotency-Key: 1 to 255 printable ASCII characters",
        ));
    }
    Ok(Some(v.to_string()))
}

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

impl Api {
    /// Reserve `key` of `client` for a request with `fingerprint` that
    /// will use `queue_id`. The fingerprint (a hash of the whole body) is
    /// computed only for a request that has a key.
    pub fn begin(
        &self,
        client: &str,
        key: Option<String>,
        fingerprint: impl FnOnce() -> String,
        queue_id: u64,
    ) -> Result<Begin, Problem> {
        let Some(key) = key else {
            return Ok(Begin::Unkeyed);
        };
        let fingerprint = fingerprint();
        let store_key = format!("{client}\0{key}");
        let now = now_ms();
        let record = IdempotencyRecord {
            fingerprint: fingerprint.clone(),
            created_ms: now,
            queue_id: Some(queue_id),
            response: None,
        };
        let Some(existing) = self.idempotency.claim(&store_key, &record)? else {
            return Ok(Begin::Reserved(store_key));
        };
        let ttl = self.config.api.idempotency_ttl.as_millis() as u64;
        if existing.created_ms + ttl < now {
            self.idempotency.put(&store_key, &record)?;
            return Ok(Begin::Reserved(store_key));
        }
        if existing.fingerprint != fingerprint {
            return Err(Problem::invalid(
                "Idempotency-Key: this key was used with a different request in the last 24 hours; use a new key",
            ));
        }
        if let Some(r) = existing.response {
            self.metrics
                .api_requests
                .with_label_values(&["replayed"])
                .inc();
            return Ok(Begin::Answer(replay(&r)));
        }
        // In progress, or left by a crash.
        if let Some(qid) = existing.queue_id
            && let Some(answer) = self.rebuild(qid)
        {
            let stored = StoredResponse {
                status: 202,
                body: answer.to_string(),
            };
            self.idempotency.put(
                &store_key,
                &IdempotencyRecord {
                    response: Some(stored.clone()),
                    ..existing
                },
            )?;
            return Ok(Begin::Answer(replay(&stored)));
        }
        if existing.created_ms + STALE_MS < now {
            self.idempotency.put(&store_key, &record)?;
            return Ok(Begin::Reserved(store_key));
        }
        Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency-in-progress",
            "Request in progress",
            "Idempotency-Key: the first request with this key is still being processed; retry shortly",
        ))
    }

    /// Keep the answer under the key (or release the key if the answer
    /// asks for a retry).
    pub fn finish(&self, key: &str, status: StatusCode, body: &str) {
        let result = if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            self.idempotency.remove(key)
        } else {
            let stored = StoredResponse {
                status: status.as_u16(),
                body: body.to_string(),
            };
            match self.idempotency.get(key) {
                Ok(Some(mut r)) => {
                    r.response = Some(stored);
                    self.idempotency.put(key, &r)
                }
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "idempotency record not kept");
        }
    }

    /// The 202 answer of an accepted message, from the spool.
    fn rebuild(&self, qid: u64) -> Option<serde_json::Value> {
        let view = self.index.view(&self.spool, qid).ok()??;
        Some(super::messages::accepted_body(
            &view.id,
            view.priority.unwrap_or(4),
            view.recipients.iter().map(|r| r.address.as_str()),
        ))
    }
}

fn replay(r: &StoredResponse) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let ctype = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut resp = (status, r.body.clone()).into_response();
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(ctype),
    );
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}
