//! The secure reply: text and attachments (within `max_reply_size`) go
//! back to the original sender (Reply-To, else From) as a new message
//! through the accept stage — policy scan, durable spool, audit — with a
//! protection floor of `tls` whatever policy finds, so it never leaves in
//! plaintext. In-Reply-To and References thread it under the original.
//! It comes From the portal's address (DMARC-safe) on behalf of the
//! recipient, who is its Reply-To.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;

use super::render;
use super::{Client, Page, Portal, blocking, redirect};
use crate::accept::{Source, Submission};
use crate::spool::{Protection, RecipientSpec};
use crate::util::now_ms;

/// Files per reply.
const MAX_FILES: usize = 20;

/// What the reply form sent.
#[derive(Default)]
struct Form {
    csrf: Option<String>,
    text: String,
    files: Vec<(String, String, Vec<u8>)>,
}

impl Portal {
    fn too_large(&self) -> Page {
        let limit = self.d.config.max_reply_size >> 20;
        let text = format!(
            "Replies can be up to {limit} MB in total, attachments included. Remove or shrink an attachment and try again."
        );
        self.status_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Your reply is too large",
            &[&text],
        )
    }

    /// Read the multipart form within the size limit.
    async fn reply_form(&self, mut mp: Multipart) -> Result<Form, Page> {
        let limit = self.d.config.max_reply_size;
        let mut form = Form::default();
        let mut total = 0usize;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(self.too_large());
                }
                Err(_) => return Err(self.bad_request("The reply form could not be read.")),
            };
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let mime = field
                .content_type()
                .filter(|m| {
                    m.len() <= 100
                        && m.split_once('/').is_some_and(|(a, b)| {
                            !a.is_empty()
                                && !b.is_empty()
                                && m.bytes().all(|c| {
                                    c.is_ascii_alphanumeric() || b"/!#$&-^_.+".contains(&c)
                                })
                        })
                })
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(self.too_large());
                }
                Err(_) => return Err(self.bad_request("The reply form could not be read.")),
            };
            total += bytes.len();
            if total > limit {
                return Err(self.too_large());
            }
            match name.as_str() {
                "csrf" => form.csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
                "text" => form.text = String::from_utf8_lossy(&bytes).into_owned(),
                "attachment" => {
                    // A file input left empty still sends an empty part.
                    let Some(fname) = file_name.filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    if form.files.len() >= MAX_FILES {
                        return Err(self.bad_request("A reply can carry at most 20 files."));
                    }
                    let fname: String = fname
                        .chars()
                        .filter(|c| !c.is_control())
                        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
                        .take(200)
                        .collect();
                    form.files.push((fname, mime, bytes.to_vec()));
                }
                _ => {}
            }
        }
        Ok(form)
    }
}

/// The original's threading headers and where the reply goes.
struct Original {
    to: String,
    subject: String,
    message_id: Option<String>,
    references: Vec<String>,
}

fn build(p: &Portal, recipient: &str, o: &Original, form: &Form) -> Vec<u8> {
    let c = &p.d.config;
    let subject = if o.subject.to_ascii_lowercase().starts_with("re:") {
        o.subject.clone()
    } else {
        format!("Re: {}", o.subject)
    };
    let mut refs = o.references.clone();
    refs.extend(o.message_id.clone());
    let mut text = form.text.replace("\r\n", "\n").replace('\n', "\r\n");
    if !text.ends_with("\r\n") {
        text.push_str("\r\n");
    }
    let mut b = MessageBuilder::new()
        .from(Address::new_address(
            Some(format!("{recipient} (secure reply)")),
            c.from_address.clone(),
        ))
        .reply_to(recipient.to_string())
        .to(o.to.clone())
        .subject(subject)
        .date(now_ms() as i64 / 1000)
        .message_id(format!(
            "{}.reply.{}@{}",
            now_ms(),
            hex::encode(rand::random::<[u8; 8]>()),
            p.d.hostname
        ))
        .text_body(text);
    if let Some(id) = &o.message_id {
        b = b.in_reply_to(id.clone());
    }
    if !refs.is_empty() {
        b = b.references(refs);
    }
    for (name, mime, bytes) in &form.files {
        b = b.attachment(mime.clone(), name.clone(), bytes.clone());
    }
    b.write_to_vec().unwrap_or_default()
}

pub async fn send(
    State(p): State<Portal>,
    Path(token): Path<String>,
    client: Client,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let (r, id) = match p.signed_in(&token, &headers).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    if !p.d.config.reply {
        return p
            .status_page(
                StatusCode::NOT_FOUND,
                "Replies are not available",
                &["This portal does not take replies. Please contact the sender directly."],
            )
            .into_response();
    }
    let mp = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => {
            return p
                .bad_request("The reply form could not be read.")
                .into_response();
        }
    };
    let form = match p.reply_form(mp).await {
        Ok(f) => f,
        Err(page) => return page.into_response(),
    };
    if !p.csrf_ok(&headers, form.csrf.as_deref()) {
        return p.csrf_refused().into_response();
    }
    if form.text.trim().is_empty() && form.files.is_empty() {
        return p
            .bad_request("The reply was empty: write a few words or attach a file.")
            .into_response();
    }
    let original = match p
        .with_message(&token, |m| {
            let v = render::view(m, "");
            Original {
                to: v.reply_to,
                subject: v.subject,
                message_id: v.message_id,
                references: v.references,
            }
        })
        .await
    {
        Ok(Some(o)) if !o.to.is_empty() => o,
        Ok(_) => return p.unknown_link().into_response(),
        Err(page) => return page.into_response(),
    };
    let message = build(&p, &r.recipient, &original, &form);
    let sub = Submission {
        sender: p.d.config.from_address.clone(),
        recipients: vec![RecipientSpec {
            address: original.to.clone(),
            orcpt: None,
            notify: 0,
        }],
        ret: None,
        envid: None,
        smtputf8: !original.to.is_ascii() || !r.recipient.is_ascii(),
        body_8bit: message.iter().any(|&b| b > 127),
        requiretls: false,
        mt_priority: None,
        message,
        source: Source {
            listener: "portal".into(),
            client_ip: client.ip,
            helo: p.d.hostname.clone(),
            auth_user: Some(r.recipient.clone()),
            protocol: "HTTPS".into(),
            tls: client.tls.clone(),
            default_priority: 4,
            trust_mt_priority: false,
        },
        // A secure reply carries PHI by nature: at least TLS, whatever
        // policy finds.
        protection_floor: Some(Protection::Tls),
    };
    let acc = p.d.accept.accept(sub).await;
    match acc.queue_id {
        Some(qid) => {
            let vault = p.d.vault.clone();
            let _ = blocking(move || vault.record_reply(&id)).await;
            p.event(
                "reply",
                &r,
                Some(client.ip),
                Some(crate::spool::format_id(qid)),
            )
            .await;
            redirect(&format!("/m/{token}/view?replied=1"), Vec::new())
        }
        None if acc.reply.code >= 500 => p
            .status_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Your reply could not be sent",
                &[
                    "The reply was refused by the sender's message policy.",
                    "Please contact the sender another way.",
                ],
            )
            .into_response(),
        None => p
            .status_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Your reply could not be sent yet",
                &["Please go back and try again in a few minutes; your text is still in the form."],
            )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn plausible_tokens_only() {
        assert!(super::super::plausible_token(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"
        ));
        assert!(!super::super::plausible_token("../etc/passwd"));
    }
}
