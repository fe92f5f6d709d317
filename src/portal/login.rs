//! From the link to a session: the landing page ("Email me a code"), the
//! code request (capped per copy per hour; the code goes through the
//! spool to the recipient's address, never through the portal), the code
//! check (single use, constant time, lockout after `max_code_attempts`),
//! the device cookie that spares a returning browser the code, sign-out.

use std::collections::HashMap;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Client, Page, Portal, blocking, cookies, plausible_token, redirect};
use crate::secure::SecureError;
use crate::secure::portal::{
    CodeCheck, CodeIssue, CopyRecord, CopyStatus, LocalMail, Vault, code_mail, mask_address,
    queue_mail,
};
use crate::util::now_ms;

const CODE_DIGITS: usize = 6;

impl Portal {
    /// The copy behind `token` if it is active; otherwise the page that
    /// says why (unknown, expired, recalled, locked), auditing an expiry
    /// noticed now.
    pub(super) async fn active(&self, token: &str) -> Result<CopyRecord, Page> {
        if !plausible_token(token) {
            return Err(self.unknown_link());
        }
        let (vault, t) = (self.d.vault.clone(), token.to_string());
        match blocking(move || vault.status(&t)).await {
            Ok(CopyStatus::Active(r)) => Ok(r),
            Ok(CopyStatus::Unknown) => Err(self.unknown_link()),
            Ok(CopyStatus::Locked { until_ms, .. }) => Err(self.locked_page(until_ms)),
            Ok(CopyStatus::Gone { record, now }) => {
                if now {
                    self.event("expired", &record, None, None).await;
                }
                Err(self.gone_page(&record))
            }
            Err(e) => Err(self.unavailable(&e)),
        }
    }

    /// A form post's fields after its CSRF check.
    pub(super) async fn form(
        &self,
        req: Request,
    ) -> Result<(HeaderMap, HashMap<String, String>), Page> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, super::FORM_LIMIT)
            .await
            .map_err(|_| {
                self.status_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "That request was too large",
                    &["Go back, reload the page and try again."],
                )
            })?;
        let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| self.bad_request("The form could not be read."))?;
        if !self.csrf_ok(&parts.headers, fields.get("csrf").map(String::as_str)) {
            return Err(self.csrf_refused());
        }
        Ok((parts.headers, fields))
    }

    fn code_form(
        &self,
        status: StatusCode,
        token: &str,
        r: &CopyRecord,
        headers: &HeaderMap,
        sent: bool,
        error: Option<&str>,
    ) -> Page {
        let (csrf, set) = self.csrf(headers);
        let mut ctx = self.base("Enter your code", Some(&csrf), false);
        let days = self.d.config.device_trust.as_secs() / 86_400;
        ctx["token"] = json!(token);
        ctx["masked"] = json!(mask_address(&r.recipient));
        ctx["sent"] = json!(sent);
        ctx["error"] = json!(error);
        ctx["code_digits"] = json!(CODE_DIGITS);
        ctx["code_minutes"] = json!(self.d.config.code_ttl.as_secs().div_ceil(60));
        ctx["device_days"] = json!((days > 0).then_some(days));
        self.render(status, "code.html", ctx).with_cookie(set)
    }

    async fn send_code_mail(&self, r: &CopyRecord, code: &str) -> bool {
        let c = &self.d.config;
        let mail = code_mail(
            &c.from_address,
            &c.organisation,
            &r.recipient,
            code,
            c.code_ttl.as_secs().div_ceil(60),
            &self.d.hostname,
        );
        let queued = queue_mail(
            &self.d.spool,
            &self.d.schedule,
            LocalMail {
                sender: &c.from_address,
                recipient: &r.recipient,
                message: &mail,
                // A person is waiting for it: ahead of bulk mail.
                priority: 8,
                smtputf8: !r.recipient.is_ascii(),
                hostname: &self.d.hostname,
            },
        )
        .await;
        match queued {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(error = %e, "cannot queue a portal code");
                false
            }
        }
    }
}

pub async fn landing(
    State(p): State<Portal>,
    Path(token): Path<String>,
    client: Client,
    headers: HeaderMap,
) -> Response {
    let r = match p.active(&token).await {
        Ok(r) => r,
        Err(page) => return page.into_response(),
    };
    let Some(id) = Vault::lookup_id(&token) else {
        return p.unknown_link().into_response();
    };
    let view = format!("/m/{token}/view");
    if p.session(&headers, &id).await.is_some() {
        return redirect(&view, Vec::new());
    }
    let device = cookies::get(&headers, cookies::DEVICE);
    if !p.d.config.device_trust.is_zero()
        && cookies::device_ok(p.d.vault.node_key(), device, &r.recipient, now_ms())
    {
        match p.start_session(id).await {
            Ok(c) => {
                p.event("signed_in", &r, Some(client.ip), Some("device".into()))
                    .await;
                return redirect(&view, vec![c]);
            }
            Err(e) => return p.unavailable(&e).into_response(),
        }
    }
    let (csrf, set) = p.csrf(&headers);
    let mut ctx = p.base("You have a secure message", Some(&csrf), false);
    ctx["token"] = json!(token);
    ctx["masked"] = json!(mask_address(&r.recipient));
    ctx["expires"] = json!(super::human_time(r.expires_ms));
    p.render(StatusCode::OK, "landing.html", ctx)
        .with_cookie(set)
        .into_response()
}

pub async fn code_page(
    State(p): State<Portal>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    match p.active(&token).await {
        Ok(r) => {
            let sent = uri.query() == Some("sent=1");
            p.code_form(StatusCode::OK, &token, &r, &headers, sent, None)
                .into_response()
        }
        Err(page) => page.into_response(),
    }
}

pub async fn send_code(
    State(p): State<Portal>,
    Path(token): Path<String>,
    client: Client,
    req: Request,
) -> Response {
    if let Err(page) = p.active(&token).await {
        return page.into_response();
    }
    let (headers, _) = match p.form(req).await {
        Ok(f) => f,
        Err(page) => return page.into_response(),
    };
    let c = &p.d.config;
    let (vault, t, ttl, cap) = (
        p.d.vault.clone(),
        token.clone(),
        c.code_ttl,
        c.code_requests_per_hour,
    );
    match blocking(move || vault.issue_code(&t, ttl, cap)).await {
        Ok(CodeIssue::Issued { code, record }) => {
            if !p.send_code_mail(&record, &code).await {
                return p
                    .unavailable(&SecureError::Crypto {
                        method: "portal",
                        reason: "code not queued".into(),
                    })
                    .into_response();
            }
            p.event("code_sent", &record, Some(client.ip), None).await;
            redirect(&format!("/m/{token}/code?sent=1"), Vec::new())
        }
        Ok(CodeIssue::TooMany { retry_after_ms }) => {
            let minutes = retry_after_ms.div_ceil(60_000);
            let text = format!(
                "We have already sent several codes for this message in the last hour. The latest one still works; otherwise you can ask for a new code in {minutes} minutes."
            );
            let mut page = p.status_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Please use the code we sent",
                &[&text],
            );
            page.retry_after = Some(retry_after_ms / 1000 + 1);
            let _ = headers;
            page.into_response()
        }
        Ok(CodeIssue::Locked { until_ms }) => p.locked_page(until_ms).into_response(),
        Ok(CodeIssue::Gone) => match p.active(&token).await {
            Err(page) => page.into_response(),
            Ok(_) => p.unknown_link().into_response(),
        },
        Err(e) => p.unavailable(&e).into_response(),
    }
}

pub async fn verify(
    State(p): State<Portal>,
    Path(token): Path<String>,
    client: Client,
    req: Request,
) -> Response {
    let r = match p.active(&token).await {
        Ok(r) => r,
        Err(page) => return page.into_response(),
    };
    let (headers, fields) = match p.form(req).await {
        Ok(f) => f,
        Err(page) => return page.into_response(),
    };
    let code: String = fields
        .get("code")
        .map(|c| c.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default();
    if code.len() != CODE_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        let msg = format!("Enter the {CODE_DIGITS} digits from the email we sent you.");
        return p
            .code_form(
                StatusCode::BAD_REQUEST,
                &token,
                &r,
                &headers,
                false,
                Some(&msg),
            )
            .into_response();
    }
    let c = &p.d.config;
    let (vault, t, max, lockout) = (
        p.d.vault.clone(),
        token.clone(),
        c.max_code_attempts,
        c.lockout,
    );
    let remember = fields.get("remember").is_some_and(|v| v == "1");
    match blocking(move || vault.check_code(&t, &code, max, lockout)).await {
        Ok(CodeCheck::Valid(record)) => {
            let Some(id) = Vault::lookup_id(&token) else {
                return p.unknown_link().into_response();
            };
            let session = match p.start_session(id).await {
                Ok(s) => s,
                Err(e) => return p.unavailable(&e).into_response(),
            };
            let mut set = vec![session];
            let trust = p.d.config.device_trust;
            if remember && !trust.is_zero() {
                let until = now_ms() + trust.as_millis() as u64;
                let v = cookies::device_value(p.d.vault.node_key(), &record.recipient, until);
                set.push(cookies::set(cookies::DEVICE, &v, Some(trust.as_secs())));
            }
            p.event("signed_in", &record, Some(client.ip), Some("code".into()))
                .await;
            redirect(&format!("/m/{token}/view"), set)
        }
        Ok(CodeCheck::Wrong { attempts_left }) => {
            p.event("code_failed", &r, Some(client.ip), None).await;
            let msg = format!(
                "That code is not right. You can try {attempts_left} more time{} before the message is locked for a while.",
                if attempts_left == 1 { "" } else { "s" }
            );
            p.code_form(
                StatusCode::BAD_REQUEST,
                &token,
                &r,
                &headers,
                false,
                Some(&msg),
            )
            .into_response()
        }
        Ok(CodeCheck::NowLocked { until_ms, record }) => {
            p.event("code_failed", &record, Some(client.ip), None).await;
            p.event("locked", &record, Some(client.ip), None).await;
            p.locked_page(until_ms).into_response()
        }
        Ok(CodeCheck::Locked { until_ms }) => p.locked_page(until_ms).into_response(),
        Ok(CodeCheck::NoCode) => p
            .code_form(
                StatusCode::BAD_REQUEST,
                &token,
                &r,
                &headers,
                false,
                Some("This code has expired or was already used. Ask for a new code below."),
            )
            .into_response(),
        Ok(CodeCheck::Gone) => match p.active(&token).await {
            Err(page) => page.into_response(),
            Ok(_) => p.unknown_link().into_response(),
        },
        Err(e) => p.unavailable(&e).into_response(),
    }
}

/// End the session and forget this browser.
pub async fn sign_out(State(p): State<Portal>, client: Client, req: Request) -> Response {
    let (headers, _) = match p.form(req).await {
        Ok(f) => f,
        Err(page) => return page.into_response(),
    };
    if let Some(v) = cookies::get(&headers, cookies::SESSION) {
        let sid = super::session_key(v);
        let vault = p.d.vault.clone();
        let ended = blocking(move || {
            let store = vault.store();
            let s = store.session_get(&sid)?;
            store.session_remove(&sid)?;
            Ok(match s {
                Some(s) => store.get(&s.copy)?,
                None => None,
            })
        })
        .await;
        if let Ok(Some(record)) = ended {
            p.event("signed_out", &record, Some(client.ip), None).await;
        }
    }
    let mut page = p.status_page(
        StatusCode::OK,
        "You are signed out",
        &["You have been signed out, and this browser will ask for a code next time. You can close this window."],
    );
    page.cookies.push(cookies::clear(cookies::SESSION));
    page.cookies.push(cookies::clear(cookies::DEVICE));
    page.into_response()
}
