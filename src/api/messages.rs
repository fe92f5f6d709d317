//! `/v1/messages`: submit (JSON or raw), status, recall.
//!
//! A submission: authenticate (scope `send`, rate) → read the body under
//! `max_request` → reserve the idempotency key and a queue id → build and
//! check the message → sender-domain check → record the API's index entry
//! → the accept stage (policy, durable spool, audit) → map its reply:
//! 250 → 202, 5xx → 422, 4xx → 503 with Retry-After.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Api;
use super::compose::{self, Built};
use super::idempotency::{self, Begin};
use super::problem::Problem;
use super::status::{ApiMessage, ReplyView};
use crate::accept::{Source, Submission};
use crate::spool::{format_id, parse_id};
use crate::store::Scope;
use crate::web::Conn;

/// Retry-After for a temporary refusal (the SMTP side would say 4xx).
const RETRY_AFTER_SECS: u64 = 60;
/// Request bodies up to this size are built into MIME on the runtime.
const INLINE_BUILD: usize = 256 * 1024;

pub async fn submit(
    State(api): State<Arc<Api>>,
    conn: Option<Extension<Conn>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    api.send(conn.map(|c| c.0), headers, body, false).await
}

pub async fn submit_raw(
    State(api): State<Arc<Api>>,
    conn: Option<Extension<Conn>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    api.send(conn.map(|c| c.0), headers, body, true).await
}

/// The body of a 202.
pub fn accepted_body<'a>(
    id: &str,
    priority: u8,
    recipients: impl Iterator<Item = &'a str>,
) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "status": "queued",
        "priority": priority,
        "recipients": recipients
            .map(|a| serde_json::json!({"address": a, "status": "queued"}))
            .collect::<Vec<_>>(),
    })
}

impl Api {
    async fn send(
        &self,
        conn: Option<Conn>,
        headers: HeaderMap,
        body: Body,
        raw: bool,
    ) -> Response {
        let result = self.send_inner(conn, &headers, body, raw).await;
        let label = match &result {
            Ok(_) => "accepted",
            Err(p) => match p.status {
                401 => "unauthorized",
                429 => "rate_limited",
                422 if p.kind.ends_with(":rejected") => "refused",
                503 => "unavailable",
                s if s >= 500 => "error",
                _ => "client_error",
            },
        };
        if label != "rate_limited" {
            self.metrics.api_requests.with_label_values(&[label]).inc();
        }
        match result {
            Ok(r) => r,
            Err(p) => p.into_response(),
        }
    }

    async fn send_inner(
        &self,
        conn: Option<Conn>,
        headers: &HeaderMap,
        body: Body,
        raw: bool,
    ) -> Result<Response, Problem> {
        let checked = self
            .caller(headers, Scope::Send)
            .and_then(|c| idempotency::key_of(headers).map(|k| (c, k)));
        let (caller, key) = match checked {
            Ok(x) => x,
            Err(p) => {
                super::body::discard(body, super::body::DISCARD_CAP).await;
                return Err(p);
            }
        };
        let bytes = super::body::read(headers, body, self.config.api.max_request).await?;
        let path = if raw {
            "/v1/messages/raw"
        } else {
            "/v1/messages"
        };
        let id = self.spool.next_id();
        let reserved = match self.begin(
            &caller.client.name,
            key,
            || idempotency::fingerprint("POST", path, &bytes),
            id,
        )? {
            Begin::Answer(r) => return Ok(r),
            Begin::Unkeyed => None,
            Begin::Reserved(k) => {
                // Durable before the spool write: after a crash the key
                // still leads to this message (see `rebuild`).
                let store = self.idempotency.clone();
                let durable = tokio::task::spawn_blocking(move || store.make_durable()).await;
                if !matches!(durable, Ok(Ok(()))) {
                    tracing::error!("idempotency store: a claim could not be made durable");
                    let _ = self.idempotency.remove(&k);
                    return Err(Problem::unavailable(
                        "The idempotency store is not available; try again later",
                        RETRY_AFTER_SECS,
                    ));
                }
                Some(k)
            }
        };
        let (status, body) = match self
            .submit_message(conn, headers, bytes, raw, id, &caller)
            .await
        {
            Ok(v) => (StatusCode::ACCEPTED, v.to_string()),
            Err(p) => {
                if let Some(k) = &reserved {
                    self.finish(
                        k,
                        p.status_code(),
                        &serde_json::to_string(&p).unwrap_or_default(),
                    );
                }
                return Err(p);
            }
        };
        if let Some(k) = &reserved {
            self.finish(k, status, &body);
        }
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("/v1/messages/{}", format_id(id))) {
            h.insert(header::LOCATION, v);
        }
        Ok(resp)
    }

    async fn submit_message(
        &self,
        conn: Option<Conn>,
        headers: &HeaderMap,
        bytes: Vec<u8>,
        raw: bool,
        id: u64,
        caller: &super::auth::Caller,
    ) -> Result<serde_json::Value, Problem> {
        let limits = compose::Limits {
            max_recipients: self.config.limits.max_recipients,
            max_message_size: self.config.limits.max_message_size,
            hostname: self.config.server.hostname.clone(),
        };
        // Large bodies (base64 decoding, MIME encoding) are built on the
        // blocking pool; small ones inline, where the hop would cost more.
        let built: Built = if bytes.len() > INLINE_BUILD {
            let headers = headers.clone();
            tokio::task::spawn_blocking(move || build_any(raw, &headers, bytes, &limits))
                .await
                .map_err(|_| Problem::internal())??
        } else {
            build_any(raw, headers, bytes, &limits)?
        };
        self.check_sender(caller, &built)?;
        let priority = built
            .priority
            .unwrap_or(caller.client.default_priority)
            .min(9);
        self.index.record(
            id,
            &ApiMessage {
                client: caller.client.name.clone(),
                created_ms: crate::util::now_ms(),
                priority,
                tags: built.tags.clone(),
            },
        )?;
        let tls = conn.as_ref().and_then(|c| c.tls.clone());
        let protocol = if tls.is_some() { "HTTPSA" } else { "HTTPA" };
        let body_8bit = built.message.iter().any(|&b| b >= 0x80);
        let rcpts: Vec<String> = built.recipients.iter().map(|r| r.address.clone()).collect();
        let sub = Submission {
            sender: built.sender,
            recipients: built.recipients,
            ret: None,
            envid: None,
            smtputf8: built.smtputf8,
            body_8bit,
            requiretls: false,
            mt_priority: None,
            protection_floor: built.floor,
            message: built.message,
            source: Source {
                listener: "api".into(),
                client_ip: conn
                    .as_ref()
                    .map(|c| c.peer.ip())
                    .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1])),
                helo: "api".into(),
                auth_user: Some(caller.client.name.clone()),
                protocol: protocol.into(),
                tls,
                default_priority: priority,
                trust_mt_priority: false,
            },
        };
        let acceptance = self.stage.accept_as(id, sub).await;
        let reply = acceptance.reply;
        if acceptance.queue_id.is_none() || reply.code / 100 != 2 {
            let _ = self.index.forget(id);
            let view = ReplyView::local(&reply);
            return Err(if reply.is_permanent() {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "rejected",
                    "Message refused",
                    reply.text(),
                )
                .with_reply(view)
            } else {
                Problem::unavailable(reply.text(), RETRY_AFTER_SECS).with_reply(view)
            });
        }
        let final_priority = acceptance.priority.unwrap_or(priority);
        Ok(accepted_body(
            &format_id(id),
            final_priority,
            rcpts.iter().map(String::as_str),
        ))
    }

    /// The envelope sender and every From address must be in the key's
    /// sender domains (when it has any).
    fn check_sender(&self, caller: &super::auth::Caller, built: &Built) -> Result<(), Problem> {
        let mut addrs = vec![built.sender.clone()];
        if built.raw {
            // A JSON message's From is its sender; a raw one's may differ.
            addrs.extend(compose::header_from(&built.message));
        }
        for a in addrs {
            if !caller.client.may_send_as(&a) {
                let domain = a.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
                return Err(Problem::forbidden(format!(
                    "This key may not send as \"{domain}\" (allowed: {})",
                    caller.client.sender_domains.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The message, if this caller may see it.
    fn owned(&self, caller: &super::auth::Caller, id: &str) -> Result<u64, Problem> {
        let qid = parse_id(id).ok_or_else(|| {
            Problem::bad_request(format!(
                "\"{}\" is not a queue id (16 hexadecimal digits)",
                id.chars().take(40).collect::<String>()
            ))
        })?;
        let mine = match self.index.get(qid)? {
            Some(m) => m.client == caller.client.name,
            // The index entry is not made durable; the sealed envelope is
            // (an API message names its client as the authenticated user).
            None => self.spool.get(qid).ok().flatten().is_some_and(|m| {
                m.envelope.listener == "api"
                    && m.envelope.auth_user.as_deref() == Some(caller.client.name.as_str())
            }),
        };
        if mine || caller.is_admin() {
            Ok(qid)
        } else {
            Err(Problem::not_found(format!(
                "No message {id} of this client"
            )))
        }
    }
}

/// Decode and build a JSON or raw submission.
fn build_any(
    raw: bool,
    headers: &HeaderMap,
    bytes: Vec<u8>,
    limits: &compose::Limits,
) -> Result<Built, Problem> {
    if raw {
        let req = super::body::json::<compose::RawRequest>(headers, &bytes)?;
        drop(bytes);
        compose::build_raw(req, limits)
    } else {
        let req = super::body::json::<compose::MessageRequest>(headers, &bytes)?;
        drop(bytes);
        compose::build(req, limits)
    }
}

pub async fn status(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Read)?;
    let qid = api.owned(&caller, &id)?;
    match api.index.view(&api.spool, qid)? {
        Some(v) => Ok(axum::Json(v).into_response()),
        None => Err(Problem::not_found(format!(
            "No message {id} on this node (finished messages are kept 30 days)"
        ))),
    }
}

pub async fn recall(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let caller = api.caller(&headers, Scope::Send)?;
    let qid = api.owned(&caller, &id)?;
    let actor = format!("api:{}", caller.client.name);
    let copies = api.portal.recall(qid, &actor).await.map_err(|e| {
        tracing::error!(error = %e, "portal recall failed");
        Problem::internal()
    })?;
    // Portal copies can outlive the spool's record of the message.
    if copies.is_empty() && api.index.view(&api.spool, qid)?.is_none() {
        return Err(Problem::not_found(format!("No message {id} on this node")));
    }
    let recalled = copies.len();
    let recipients: Vec<String> = copies.into_iter().map(|r| r.recipient).collect();
    let event = crate::audit::Event::AdminAction(crate::audit::event::AdminAction {
        action: "api_recall".into(),
        target: Some(format_id(qid)),
        actor: format!("api:{}", caller.client.name),
    });
    if let Err(e) = api.audit.append_durable(event).await {
        tracing::error!(error = %e, "audit write failed");
    }
    Ok(axum::Json(serde_json::json!({
        "id": format_id(qid),
        "recalled": recalled,
        "recipients": recipients,
    }))
    .into_response())
}
