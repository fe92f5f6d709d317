//! The signed-in pages: the message, its attachments (downloads, with
//! their type, `Content-Disposition: attachment` and `nosniff`) and the
//! images its HTML references by Content-ID. The first open of a copy and
//! each download are read receipts (audit + metric); the first open may
//! also tell the sender (`notify_sender_on_read`), without any PHI.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::render;
use super::{Client, Page, Portal, blocking, redirect};
use crate::secure::portal::{CopyRecord, LocalMail, LookupId, Vault, queue_mail, read_notice};

impl Portal {
    /// The signed-in copy behind `token`: (record, lookup id), or the
    /// response to give instead (a page, or back to the landing page).
    pub(super) async fn signed_in(
        &self,
        token: &str,
        headers: &HeaderMap,
    ) -> Result<(CopyRecord, LookupId), Response> {
        let r = self
            .active(token)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = Vault::lookup_id(token).ok_or_else(|| self.unknown_link().into_response())?;
        if self.session(headers, &id).await.is_none() {
            return Err(redirect(&format!("/m/{token}"), Vec::new()));
        }
        Ok((r, id))
    }

    /// Open the message (on the blocking pool) and apply `f` to it.
    pub(super) async fn with_message<T: Send + 'static>(
        &self,
        token: &str,
        f: impl FnOnce(&[u8]) -> T + Send + 'static,
    ) -> Result<Option<T>, Page> {
        let (vault, t) = (self.d.vault.clone(), token.to_string());
        blocking(move || Ok(vault.open(&t)?.map(|o| f(&o.message))))
            .await
            .map_err(|e| self.unavailable(&e))
    }

    async fn first_open(&self, r: &CopyRecord, id: LookupId, client: &Client) {
        let vault = self.d.vault.clone();
        let first = blocking(move || vault.record_open(&id)).await;
        if !matches!(first, Ok(true)) {
            return;
        }
        self.event("opened", r, Some(client.ip), None).await;
        if !self.d.config.notify_sender_on_read {
            return;
        }
        let to = if r.from_address.is_empty() {
            &r.sender
        } else {
            &r.from_address
        };
        if to.is_empty() {
            return;
        }
        let c = &self.d.config;
        let note = read_notice(
            &c.from_address,
            to,
            &r.recipient,
            &crate::spool::format_id(r.queue_id),
            std::time::SystemTime::now(),
            &self.d.hostname,
        );
        let queued = queue_mail(
            &self.d.spool,
            &self.d.schedule,
            LocalMail {
                sender: &c.from_address,
                recipient: to,
                message: &note,
                priority: 4,
                smtputf8: !to.is_ascii(),
                hostname: &self.d.hostname,
            },
        )
        .await;
        if let Err(e) = queued {
            tracing::error!(error = %e, "cannot queue a read notice");
        }
    }

    fn part_missing(&self) -> Page {
        self.status_page(
            StatusCode::NOT_FOUND,
            "Attachment not found",
            &["This message has no such attachment."],
        )
    }
}

fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MB", n >> 20)
    } else {
        format!("{} KB", n >> 10)
    }
}

pub async fn message(
    State(p): State<Portal>,
    Path(token): Path<String>,
    client: Client,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let (r, id) = match p.signed_in(&token, &headers).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let base = format!("/m/{token}");
    let view = match p
        .with_message(&token, move |m| render::view(m, &base))
        .await
    {
        Ok(Some(v)) => v,
        Ok(None) => return p.unknown_link().into_response(),
        Err(page) => return page.into_response(),
    };
    p.first_open(&r, id, &client).await;
    let (csrf, set) = p.csrf(&headers);
    let mut ctx = p.base(&view.subject, Some(&csrf), true);
    let c = &p.d.config;
    ctx["token"] = json!(token);
    ctx["expires"] = json!(super::human_time(r.expires_ms));
    ctx["reply"] = json!(c.reply && !view.reply_to.is_empty());
    ctx["max_reply"] = json!(human_bytes(c.max_reply_size));
    ctx["flash"] =
        json!((uri.query() == Some("replied=1")).then_some("Your reply was sent securely."));
    if let serde_json::Value::Object(m) = serde_json::to_value(&view).unwrap_or_default() {
        for (k, v) in m {
            ctx[k] = v;
        }
    }
    p.render(StatusCode::OK, "message.html", ctx)
        .with_cookie(set)
        .into_response()
}

/// `filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
fn disposition(kind: &str, name: &str) -> HeaderValue {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .take(200)
        .collect();
    let ascii: String = clean
        .chars()
        .map(|c| if c.is_ascii() && c != '"' { c } else { '_' })
        .collect();
    let mut pct = String::new();
    for b in clean.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            pct.push(b as char);
        } else {
            pct.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{pct}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn part_response(part: render::Part, kind: &str) -> Response {
    let mime = HeaderValue::from_str(&part.mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut res = (StatusCode::OK, part.bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, mime);
    h.insert(header::CONTENT_DISPOSITION, disposition(kind, &part.name));
    res
}

pub async fn attachment(
    State(p): State<Portal>,
    Path((token, part)): Path<(String, String)>,
    client: Client,
    headers: HeaderMap,
) -> Response {
    let (r, id) = match p.signed_in(&token, &headers).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let Ok(n) = part.parse::<u32>() else {
        return p.part_missing().into_response();
    };
    match p
        .with_message(&token, move |m| render::part(m, n, false))
        .await
    {
        Ok(Some(Some(part))) => {
            let vault = p.d.vault.clone();
            let _ = blocking(move || vault.record_download(&id)).await;
            p.event("download", &r, Some(client.ip), Some(format!("part {n}")))
                .await;
            part_response(part, "attachment")
        }
        Ok(_) => p.part_missing().into_response(),
        Err(page) => page.into_response(),
    }
}

pub async fn image(
    State(p): State<Portal>,
    Path((token, part)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(res) = p.signed_in(&token, &headers).await {
        return res;
    }
    let Ok(n) = part.parse::<u32>() else {
        return p.part_missing().into_response();
    };
    match p
        .with_message(&token, move |m| render::part(m, n, true))
        .await
    {
        Ok(Some(Some(part))) => part_response(part, "inline"),
        Ok(_) => p.part_missing().into_response(),
        Err(page) => page.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_cannot_break_the_header_or_the_path() {
        let v = disposition("attachment", "../r\"é\r\n.pdf");
        let s = v.to_str().expect("ascii");
        assert!(s.starts_with("attachment; filename=\".._r__.pdf\""), "{s}");
        assert!(s.contains("filename*=UTF-8''.._r%22%C3%A9.pdf"), "{s}");
    }
}
