//! `POST /v1/messages` and `/v1/messages/raw` bodies: decoding, checking
//! every value with a precise message, and building the MIME message
//! with mail-builder (never by formatting strings).
//!
//! Bcc recipients are envelope recipients only: they never appear in a
//! header. Extra headers may not replace what the API or the accept
//! stage manages (From, To, Message-ID, MIME structure, trace headers).

use std::collections::BTreeMap;

use base64::Engine;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use serde::Deserialize;

use super::problem::Problem;
use crate::spool::{Protection, RecipientSpec};

/// An address: `"pat@example.org"` or `{"email": ..., "name": ...}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "an address string or an object {\"email\", \"name\"}"
)]
pub enum Addr {
    Plain(String),
    Named(NamedAddr),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedAddr {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
}

impl Addr {
    fn parts(&self) -> (&str, Option<&str>) {
        match self {
            Addr::Plain(e) => (e.as_str(), None),
            Addr::Named(n) => (n.email.as_str(), n.name.as_deref()),
        }
    }
}

/// What a recipient's copy must at least be protected with.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Require {
    None,
    Tls,
    Encrypt,
}

impl Require {
    pub fn floor(self) -> Protection {
        match self {
            Require::None => Protection::None,
            Require::Tls => Protection::Tls,
            Require::Encrypt => Protection::Encrypt,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    #[serde(default)]
    pub filename: Option<String>,
    /// Standard base64 (line breaks allowed).
    pub content: String,
    pub content_type: String,
    /// Set for an inline part (`cid:` in the HTML).
    #[serde(default)]
    pub content_id: Option<String>,
}

/// `POST /v1/messages`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub from: Addr,
    #[serde(default)]
    pub to: Vec<Addr>,
    #[serde(default)]
    pub cc: Vec<Addr>,
    #[serde(default)]
    pub bcc: Vec<Addr>,
    #[serde(default)]
    pub reply_to: Option<Addr>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub require: Option<Require>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `POST /v1/messages/raw`: a whole RFC 5322 message and its envelope.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    /// Envelope sender (MAIL FROM).
    pub from: String,
    /// Envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message, base64 (any bytes) ...
    #[serde(default)]
    pub message_base64: Option<String>,
    /// ... or as text.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub require: Option<Require>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A message ready for the accept stage.
#[derive(Debug)]
pub struct Built {
    pub sender: String,
    pub recipients: Vec<RecipientSpec>,
    pub message: Vec<u8>,
    pub smtputf8: bool,
    pub priority: Option<u8>,
    pub floor: Option<Protection>,
    pub tags: Vec<String>,
    /// Submitted whole (its From header was not built from `sender`).
    pub raw: bool,
}

/// Limits a request is checked against.
pub struct Limits {
    pub max_recipients: usize,
    pub max_message_size: usize,
    pub hostname: String,
}

/// Header fields the API or the accept stage own.
const MANAGED: [&str; 17] = [
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "received",
    "return-path",
    "dkim-signature",
    "authentication-results",
];

/// Check an address (RFC 5321 §4.1.2 mailbox, with UTF-8 per RFC 6531):
/// `Err` says what is wrong with it.
pub fn check_address(field: &str, addr: &str) -> Result<(), Problem> {
    let bad = |why: &str| {
        Problem::invalid(format!(
            "{field}: \"{}\" is not a valid email address ({why})",
            addr.chars().take(80).collect::<String>()
        ))
    };
    if addr.len() > 254 {
        return Err(bad("longer than 254 octets"));
    }
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return Err(bad("no @"));
    };
    if local.is_empty() || local.len() > 64 {
        return Err(bad("the local part must have 1 to 64 octets"));
    }
    if addr
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "<>()[]\\,;:\"".contains(c))
        && !(local.starts_with('"') && local.ends_with('"') && local.len() > 1)
    {
        return Err(bad(
            "spaces, control characters and <>()[]\\,;:\" are not allowed",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(bad("dots may not start, end or repeat in the local part"));
    }
    if domain.is_empty() || domain.len() > 253 {
        return Err(bad("the domain must have 1 to 253 octets"));
    }
    for label in domain.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || !c.is_ascii());
        if !ok {
            return Err(bad("the domain is not a host name"));
        }
    }
    Ok(())
}

fn check_priority(p: Option<i64>) -> Result<Option<u8>, Problem> {
    match p {
        None => Ok(None),
        Some(v @ 0..=9) => Ok(Some(v as u8)),
        Some(v) => Err(Problem::invalid(format!(
            "priority: expected 0 to 9 (9 highest, 4 normal), got {v}"
        ))),
    }
}

fn check_tags(tags: &[String]) -> Result<(), Problem> {
    if tags.len() > 10 {
        return Err(Problem::invalid(format!(
            "tags: at most 10, got {}",
            tags.len()
        )));
    }
    for (i, t) in tags.iter().enumerate() {
        let ok = !t.is_empty()
            && t.len() <= 64
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        if !ok {
            return Err(Problem::invalid(format!(
                "tags[{i}]: 1 to 64 characters of A-Z, a-z, 0-9 and -_.: (no personal data)"
            )));
        }
    }
    Ok(())
}

fn check_header(name: &str, value: &str) -> Result<(), Problem> {
    let valid_name = !name.is_empty()
        && name.len() <= 76
        && name.bytes().all(|b| (33..=126).contains(&b) && b != b':');
    if !valid_name {
        return Err(Problem::invalid(format!(
            "headers: \"{}\" is not a header field name (RFC 5322 §3.6.8)",
            name.chars().take(80).collect::<String>()
        )));
    }
    let lower = name.to_ascii_lowercase();
    if MANAGED.contains(&lower.as_str()) || lower.starts_with("arc-") {
        return Err(Problem::invalid(format!(
            "headers: {name} is set from the request's own fields or by the server, not as an extra header"
        )));
    }
    if value.contains(['\r', '\n', '\0']) {
        return Err(Problem::invalid(format!(
            "headers.{name}: the value may not contain CR, LF or NUL"
        )));
    }
    if value.len() > 900 {
        return Err(Problem::invalid(format!(
            "headers.{name}: the value is longer than 900 octets"
        )));
    }
    Ok(())
}

fn check_text(field: &str, s: &str, max: usize) -> Result<(), Problem> {
    if s.contains(['\r', '\n', '\0']) {
        return Err(Problem::invalid(format!(
            "{field}: may not contain CR, LF or NUL"
        )));
    }
    if s.len() > max {
        return Err(Problem::invalid(format!(
            "{field}: longer than {max} octets"
        )));
    }
    Ok(())
}

fn decode_base64(field: &str, b64: &str) -> Result<Vec<u8>, Problem> {
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| Problem::invalid(format!("{field}: not valid base64 ({e})")))
}

fn check_content_type(field: &str, ct: &str) -> Result<(), Problem> {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match ct.split_once('/') {
        Some((t, sub)) if token(t) && token(sub) => Ok(()),
        _ => Err(Problem::invalid(format!(
            "{field}: \"{}\" is not a media type such as \"application/pdf\"",
            ct.chars().take(80).collect::<String>()
        ))),
    }
}

fn recipients(lists: &[(&str, &[Addr])], limits: &Limits) -> Result<Vec<RecipientSpec>, Problem> {
    let mut out: Vec<RecipientSpec> = Vec::new();
    for (field, list) in lists {
        for (i, a) in list.iter().enumerate() {
            let (email, name) = a.parts();
            check_address(&format!("{field}[{i}]"), email)?;
            if let Some(n) = name {
                check_text(&format!("{field}[{i}].name"), n, 200)?;
            }
            if !out.iter().any(|r| r.address.eq_ignore_ascii_case(email)) {
                out.push(RecipientSpec {
                    address: email.to_string(),
                    orcpt: None,
                    notify: 0,
                });
            }
        }
    }
    if out.is_empty() {
        return Err(Problem::invalid(
            "to, cc, bcc: at least one recipient is required",
        ));
    }
    if out.len() > limits.max_recipients {
        return Err(Problem::invalid(format!(
            "to, cc, bcc: at most {} recipients per message, got {}",
            limits.max_recipients,
            out.len()
        )));
    }
    Ok(out)
}

fn address_of(a: &Addr) -> Address<'static> {
    let (email, name) = a.parts();
    Address::new_address(name.map(str::to_string), email.to_string())
}

fn list(v: &[Addr]) -> Address<'static> {
    Address::new_list(v.iter().map(address_of).collect())
}

/// Check a JSON message and build its MIME form.
pub fn build(req: MessageRequest, limits: &Limits) -> Result<Built, Problem> {
    let (from, from_name) = req.from.parts();
    check_address("from", from)?;
    if let Some(n) = from_name {
        check_text("from.name", n, 200)?;
    }
    let rcpts = recipients(
        &[("to", &req.to), ("cc", &req.cc), ("bcc", &req.bcc)],
        limits,
    )?;
    if let Some(r) = &req.reply_to {
        check_address("reply_to", r.parts().0)?;
    }
    check_text("subject", &req.subject, 998)?;
    if req.text.is_none() && req.html.is_none() && req.attachments.is_empty() {
        return Err(Problem::invalid(
            "text, html, attachments: the message needs a text or HTML body or an attachment",
        ));
    }
    for (name, value) in &req.headers {
        check_header(name, value)?;
    }
    let priority = check_priority(req.priority)?;
    check_tags(&req.tags)?;
    let mut b = MessageBuilder::new()
        .from(address_of(&req.from))
        .subject(req.subject.clone())
        .message_id(format!(
            "{}@{}",
            super::keys::random_id("api."),
            limits.hostname
        ));
    if !req.to.is_empty() {
        b = b.to(list(&req.to));
    }
    if !req.cc.is_empty() {
        b = b.cc(list(&req.cc));
    }
    if let Some(r) = &req.reply_to {
        b = b.reply_to(address_of(r));
    }
    for (name, value) in &req.headers {
        b = b.header(name.clone(), Raw::new(value.clone()));
    }
    if let Some(t) = req.text {
        b = b.text_body(t);
    }
    if let Some(h) = req.html {
        b = b.html_body(h);
    }
    let mut decoded_total = 0usize;
    for (i, a) in req.attachments.into_iter().enumerate() {
        let field = format!("attachments[{i}]");
        check_content_type(&format!("{field}.content_type"), &a.content_type)?;
        let bytes = decode_base64(&format!("{field}.content"), &a.content)?;
        decoded_total += bytes.len();
        if decoded_total > limits.max_message_size {
            return Err(too_big(limits));
        }
        match (a.content_id, a.filename) {
            (Some(cid), _) => {
                check_text(&format!("{field}.content_id"), &cid, 250)?;
                let cid = cid
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                b = b.inline(a.content_type, cid, bytes);
            }
            (None, name) => {
                let name = name.unwrap_or_else(|| format!("attachment-{}", i + 1));
                check_text(&format!("{field}.filename"), &name, 255)?;
                b = b.attachment(a.content_type, name, bytes);
            }
        }
    }
    let message = b.write_to_vec().map_err(|_| Problem::internal())?;
    if message.len() > limits.max_message_size {
        return Err(too_big(limits));
    }
    let smtputf8 = !from.is_ascii() || rcpts.iter().any(|r| !r.address.is_ascii());
    Ok(Built {
        sender: from.to_string(),
        recipients: rcpts,
        smtputf8,
        message,
        priority,
        floor: req.require.map(Require::floor),
        tags: req.tags,
        raw: false,
    })
}

fn too_big(limits: &Limits) -> Problem {
    Problem::too_large(format!(
        "The message is larger than {} bytes ([limits] max_message_size)",
        limits.max_message_size
    ))
}

/// Check a raw submission.
pub fn build_raw(req: RawRequest, limits: &Limits) -> Result<Built, Problem> {
    if !req.from.is_empty() {
        check_address("from", &req.from)?;
    }
    let to: Vec<Addr> = req.to.iter().cloned().map(Addr::Plain).collect();
    let rcpts = recipients(&[("to", &to)], limits)?;
    let message = match (req.message_base64, req.message) {
        (Some(b), None) => decode_base64("message_base64", &b)?,
        (None, Some(t)) => t.into_bytes(),
        _ => {
            return Err(Problem::invalid(
                "message, message_base64: exactly one of them is required",
            ));
        }
    };
    if message.len() > limits.max_message_size {
        return Err(too_big(limits));
    }
    if !starts_with_header_field(&message) {
        return Err(Problem::invalid(
            "message: not an RFC 5322 message (it must start with a header field such as \"From: ...\")",
        ));
    }
    let priority = check_priority(req.priority)?;
    check_tags(&req.tags)?;
    let smtputf8 = !req.from.is_ascii() || rcpts.iter().any(|r| !r.address.is_ascii());
    Ok(Built {
        sender: req.from,
        recipients: rcpts,
        message,
        smtputf8,
        priority,
        floor: req.require.map(Require::floor),
        tags: req.tags,
        raw: true,
    })
}

/// RFC 5322 §2.2: a field name (printable ASCII but ':') and a colon.
fn starts_with_header_field(message: &[u8]) -> bool {
    let line = message.split(|&b| b == b'\n').next().unwrap_or(&[]);
    match line.iter().position(|&b| b == b':') {
        Some(0) | None => false,
        Some(n) => line[..n].iter().all(|&b| (33..=126).contains(&b)),
    }
}

/// The From header addresses of a message (for sender-domain checks).
pub fn header_from(message: &[u8]) -> Vec<String> {
    let Some(m) = mail_parser::MessageParser::new().parse_headers(message) else {
        return Vec::new();
    };
    m.from()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_recipients: 3,
            max_message_size: 10_000,
            hostname: "relay.test".into(),
        }
    }

    fn req(json: serde_json::Value) -> MessageRequest {
        serde_json::from_value(json).expect("request")
    }

    #[test]
    fn builds_mime_with_bcc_only_in_the_envelope() {
        let r = req(serde_json::json!({
            "from": {"email": "clinic@example.org", "name": "Clinic"},
            "to": ["pat@example.net"],
            "bcc": ["audit@example.org"],
            "subject": "Your appointment",
            "text": "See you Monday.",
            "html": "<p>See you <img src=\"cid:logo\"></p>",
            "attachments": [
                {"filename": "a.pdf", "content": "JVBERi0=", "content_type": "application/pdf"},
                {"content": "iVBORw0=", "content_type": "image/png", "content_id": "logo"}
            ],
            "headers": {"X-Campaign": "reminders"},
            "priority": 9,
            "require": "encrypt",
            "tags": ["reminder"]
        }));
        let b = build(r, &limits()).expect("built");
        let text = String::from_utf8_lossy(&b.message);
        assert!(
            !text.to_ascii_lowercase().contains("audit@example.org"),
            "{text}"
        );
        assert!(text.contains("X-Campaign: reminders"));
        assert!(text.contains("Content-ID: <logo>"), "{text}");
        assert!(
            text.contains("filename=\"a.pdf\"") || text.contains("filename=a.pdf"),
            "{text}"
        );
        assert_eq!(b.recipients.len(), 2);
        assert_eq!(b.priority, Some(9));
        assert_eq!(b.floor, Some(Protection::Encrypt));
        assert!(
            text.contains("@relay.test>"),
            "message id on our host: {text}"
        );
    }

    #[test]
    fn bad_values_get_precise_messages() {
        let base =
            serde_json::json!({"from": "a@example.org", "to": ["b@example.org"], "text": "x"});
        let with = |k: &str, v: serde_json::Value| {
            let mut j = base.clone();
            j[k] = v;
            build(req(j), &limits()).expect_err("refused")
        };
        assert_eq!(
            with("priority", 10.into()).detail,
            "priority: expected 0 to 9 (9 highest, 4 normal), got 10"
        );
        assert!(
            with("to", serde_json::json!(["not an address"]))
                .detail
                .contains("to[0]")
        );
        let e = with(
            "attachments",
            serde_json::json!([{"content": "***", "content_type": "text/plain"}]),
        );
        assert!(
            e.detail
                .starts_with("attachments[0].content: not valid base64"),
            "{}",
            e.detail
        );
        let e = with("headers", serde_json::json!({"From": "x@evil.example"}));
        assert!(
            e.detail.contains("From is set from the request"),
            "{}",
            e.detail
        );
        let e = with("headers", serde_json::json!({"X-A": "1\r\nBcc: x@y"}));
        assert!(e.detail.contains("CR, LF"), "{}", e.detail);
        let e = with(
            "to",
            serde_json::json!(["a@x.example", "b@x.example", "c@x.example", "d@x.example"]),
        );
        assert!(e.detail.contains("at most 3"), "{}", e.detail);
        let e = with("subject", "a\r\nBcc: x@y".into());
        assert!(e.detail.starts_with("subject:"), "{}", e.detail);
        assert_eq!(with("to", serde_json::json!([])).status, 422);
    }

    #[test]
    fn addresses_are_checked() {
        for ok in [
            "a@b.example",
            "first.last@x.example",
            "ünï@bücher.example",
            "a+tag@x-y.example",
        ] {
            assert!(check_address("to", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "@x.example",
            "a@",
            "a b@x.example",
            "a@x..example",
            "a@-x.example",
            "<a@x.example>",
            ".a@x.example",
        ] {
            assert!(check_address("to", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn raw_messages_need_headers_and_one_body_form() {
        let ok = RawRequest {
            from: "a@x.example".into(),
            to: vec!["b@y.example".into()],
            message_base64: None,
            message: Some("Subject: hi\r\n\r\nbody\r\n".into()),
            priority: None,
            require: None,
            tags: vec![],
        };
        assert!(build_raw(ok.clone(), &limits()).is_ok());
        let both = RawRequest {
            message_base64: Some("U3ViamVjdDogaGkNCg0K".into()),
            ..ok.clone()
        };
        assert!(build_raw(both, &limits()).is_err());
        let no_headers = RawRequest {
            message: Some("just text".into()),
            ..ok
        };
        assert!(build_raw(no_headers, &limits()).is_err());
    }
}
