//! Bounce and complaint parsing. Never panics; every size is bounded.
//!
//! 1. The whole message is parsed with `mail-parser` (MIME, transfer
//!    encodings, charsets). Inputs over [`MAX_INPUT`] bytes are refused; a
//!    panic inside the MIME parser is caught and reported as malformed.
//! 2. The parts are sorted by type (a returned `message/rfc822` is never
//!    read as a report, so text quoted from the original cannot pose as
//!    one; only its headers are kept, to know the original sender):
//!    - `message/feedback-report` or `report-type=feedback-report`: an
//!      RFC 5965 complaint about `Original-Rcpt-To` (or the original `To`);
//!    - `message/delivery-status` (RFC 3464), or the same fields written
//!      inline in the text: one entry per recipient group;
//!    - otherwise the human-readable report (text, or HTML without tags)
//!      up to the returned original, scanned for recipients
//!      (`bounce::text`); this runs only for messages that look like
//!      bounces (daemon sender, null Return-Path, bounce subject or wording).
//! 3. A message that is not a bounce but an automatic reply (RFC 3834,
//!    vacation, out of office) yields its author as one
//!    [`BounceKind::AutoReply`] entry: not a failure.
//! 4. A recipient the report does not name is taken from
//!    `X-Failed-Recipients` (Exim) or the returned original's `To`.
//! 5. Each recipient is classified (`classify::classify_reason`) from its
//!    status, its remote reply or text block, and the whole report.

use mail_parser::{Message, MessageParser, MimeHeaders as _, PartType};

use super::classify::{classify_reason, classify_with, find_enhanced_status};
use super::dsn::{self, DsnRecipient};
use super::text::{self, Found};
use super::{BounceError, BounceKind, BounceReason, BouncedRecipient, ParsedBounce, autoreply};

/// Largest message accepted (a bounce may return the whole original).
pub const MAX_INPUT: usize = 16 * 1024 * 1024;
/// At most this many recipients are reported per message.
pub const MAX_RECIPIENTS: usize = 256;
/// Diagnostics are cut to this many characters.
pub const MAX_DIAGNOSTIC: usize = 512;
/// Bytes of human-readable text scanned.
const MAX_SCAN: usize = 128 * 1024;
/// RFC 5321 §4.5.3.1.3: a path is at most 256 octets.
const MAX_ADDRESS: usize = 254;

/// The parts of a report that matter, sorted by type.
#[derive(Default)]
struct Parts {
    report_type: Option<String>,
    delivery_status: Option<String>,
    feedback: Option<String>,
    returned: Returned,
    plain: String,
    html: String,
}

/// Headers of the returned original message.
#[derive(Default)]
struct Returned {
    return_path: Option<String>,
    from: Vec<String>,
    to: Vec<String>,
}

/// Parses a bounce or complaint message.
pub fn parse(raw: &[u8]) -> Result<ParsedBounce, BounceError> {
    parse_at(raw, 0)
}

fn parse_at(raw: &[u8], depth: u8) -> Result<ParsedBounce, BounceError> {
    if raw.len() > MAX_INPUT {
        return Err(BounceError::TooLarge(raw.len()));
    }
    let message = parse_mime(raw)?;
    let mut parts = collect_parts(&message);
    let report = if !parts.plain.trim().is_empty() {
        parts.plain.clone()
    } else if !parts.html.trim().is_empty() {
        parts.html.clone()
    } else {
        // A broken MIME structure (a multipart without its boundaries)
        // leaves no parts: read the raw body as text.
        raw_body(raw)
    };
    let report = unquote(&report);
    inline_returned(&report, &mut parts.returned);
    let is_arf = parts.feedback.is_some()
        || parts.report_type.as_deref() == Some("feedback-report")
        || (parts.delivery_status.is_none() && inline_feedback(&report).is_some());
    let mut out = ParsedBounce {
        is_arf,
        original_mail_from: parts.returned.return_path.clone(),
        ..ParsedBounce::default()
    };
    let lines = text::report_lines(&report);
    let context = lines.join("\n");
    if is_arf {
        if parts.feedback.is_none() {
            parts.feedback = inline_feedback(&report);
        }
        parse_feedback(&parts, &mut out);
        return Ok(out);
    }
    if let Some(r) = super::ses::recipients(&report) {
        out.recipients = r;
        out.recipients.truncate(MAX_RECIPIENTS);
        return Ok(out);
    }
    let exclude = exclusions(&message, &parts.returned);
    let found = || text::recipients(&lines, &exclude);
    let dsn_text = parts
        .delivery_status
        .clone()
        .or_else(|| dsn::has_inline_fields(&report).then(|| report.clone()));
    if let Some(ds) = dsn_text {
        let (groups, envid) = dsn::recipients(&ds);
        out.original_envelope_id = envid.map(|e| truncate(&e, MAX_ADDRESS));
        let found = found();
        // The whole report speaks for a recipient only when it is alone.
        let ctx = if groups.len() == 1 {
            context.as_str()
        } else {
            ""
        };
        out.recipients = groups
            .iter()
            .map(|g| dsn_recipient(g, &found, ctx))
            .collect();
        // A status named only in the text (OpenSMTPD writes `Status:
        // 5.0.0` in the DSN and the real reply in the text).
    }
    let evidence = looks_like_bounce(&message, &parts);
    let bounce = !out.recipients.is_empty() || evidence != Evidence::None;
    if out.recipients.is_empty() {
        if evidence != Evidence::Strong && autoreply::is_auto_reply(&message) {
            out.recipients = auto_reply(&message);
            return Ok(out);
        }
        if bounce {
            let found = found();
            let single = found.len() == 1;
            out.recipients = found
                .into_iter()
                .filter_map(|f| text_recipient(f, &context, single))
                .collect();
        }
    }
    if out.recipients.is_empty()
        && let Some(inner) = forwarded_bounce(&message, depth)
    {
        // A gateway forwarded the real bounce as an attachment.
        return Ok(inner);
    }
    if bounce {
        fill_addresses(&message, &parts, &mut out.recipients, &context);
    }
    out.recipients.truncate(MAX_RECIPIENTS);
    Ok(out)
}

/// An attached message that is itself a bounce (a report forwarded by a
/// gateway), parsed one level deep.
fn forwarded_bounce(message: &Message<'_>, depth: u8) -> Option<ParsedBounce> {
    if depth > 0 {
        return None;
    }
    message.parts.iter().find_map(|part| match &part.body {
        PartType::Message(inner) if is_report(inner) => parse_at(inner.raw_message(), depth + 1)
            .ok()
            .filter(|p| !p.recipients.is_empty()),
        _ => None,
    })
}

fn is_report(m: &Message<'_>) -> bool {
    let from = m
        .header_raw("From")
        .map(|f| f.to_ascii_lowercase())
        .unwrap_or_default();
    let report = m.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    report || from.contains("mailer-daemon") || from.contains("postmaster")
}

/// Text forwarded with `> ` quoting (a bounce forwarded by hand): unquoted
/// when most of its lines are quoted.
fn unquote(text: &str) -> String {
    let lines: Vec<&str> = text.lines().take(20_000).collect();
    let nonblank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let quoted = lines.iter().filter(|l| l.starts_with('>')).count();
    if nonblank == 0 || quoted * 2 < nonblank {
        return text.to_string();
    }
    lines
        .iter()
        .map(|l| {
            l.strip_prefix("> ")
                .or_else(|| l.strip_prefix('>'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// mail-parser 0.11.9 has a `debug_assert!` that fires on some malformed
/// nested multiparts (testdata/mailparser_debug_assert.eml); it is compiled
/// out of release builds, but a panic must never escape `parse`, so the call
/// is isolated. (Useless under `panic = "abort"`, which sealpost does not use.)
fn parse_mime(raw: &[u8]) -> Result<Message<'_>, BounceError> {
    match std::panic::catch_unwind(|| MessageParser::default().parse(raw)) {
        Ok(Some(message)) => Ok(message),
        Ok(None) => Err(BounceError::Malformed("no message headers")),
        Err(_) => {
            tracing::warn!(bytes = raw.len(), "MIME parser panicked on a bounce");
            Err(BounceError::Malformed("MIME structure"))
        }
    }
}

fn collect_parts(message: &Message<'_>) -> Parts {
    let mut parts = Parts {
        report_type: message
            .content_type()
            .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
            .filter(|ct| {
                ct.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            })
            .and_then(|ct| ct.attribute("report-type"))
            .map(|t| t.trim().to_ascii_lowercase()),
        ..Parts::default()
    };
    for part in &message.parts {
        let (ctype, subtype) = match part.content_type() {
            Some(ct) => (
                ct.ctype().to_ascii_lowercase(),
                ct.subtype().unwrap_or_default().to_ascii_lowercase(),
            ),
            None => ("text".to_string(), "plain".to_string()),
        };
        let text = || String::from_utf8_lossy(bounded(part.contents(), MAX_SCAN)).into_owned();
        match (ctype.as_str(), subtype.as_str(), &part.body) {
            (_, _, PartType::Multipart(_)) => {}
            ("message", "rfc822" | "global", PartType::Message(inner)) => {
                returned_from_message(inner, &mut parts.returned)
            }
            ("message", "delivery-status" | "global-delivery-status", _) => {
                parts.delivery_status.get_or_insert_with(text);
            }
            ("message", "feedback-report", _) => {
                parts.feedback.get_or_insert_with(text);
            }
            ("text" | "message", "rfc822-headers" | "global-headers", _) => {
                returned_from_text(&text(), &mut parts.returned)
            }
            ("message", "rfc822" | "global", _) => returned_from_text(&text(), &mut parts.returned),
            ("text", "plain", _) => push_bounded(&mut parts.plain, &text()),
            ("text", "html", _) => push_bounded(&mut parts.html, &strip_tags(&text())),
            _ => {}
        }
    }
    parts
}

fn returned_from_message(inner: &Message<'_>, returned: &mut Returned) {
    if returned.return_path.is_none() {
        returned.return_path = inner.header_raw("Return-Path").and_then(clean_address);
    }
    if returned.from.is_empty() {
        for h in ["From", "Sender", "Reply-To"] {
            returned
                .from
                .extend(inner.header_raw(h).map(text::addresses).unwrap_or_default());
        }
    }
    if returned.to.is_empty() {
        returned.to = inner
            .header_raw("To")
            .map(text::addresses)
            .unwrap_or_default();
    }
}

fn returned_from_text(text: &str, returned: &mut Returned) {
    let Some(fields) = dsn::field_groups(text).into_iter().find(|g| {
        ["from", "to", "subject", "return-path"]
            .iter()
            .any(|f| dsn::field(g, f).is_some())
    }) else {
        return;
    };
    if returned.return_path.is_none() {
        returned.return_path = dsn::field(&fields, "return-path").and_then(clean_address);
    }
    if returned.from.is_empty() {
        for h in ["from", "sender", "reply-to"] {
            returned.from.extend(
                dsn::field(&fields, h)
                    .map(text::addresses)
                    .unwrap_or_default(),
            );
        }
    }
    if returned.to.is_empty() {
        returned.to = dsn::field(&fields, "to")
            .map(text::addresses)
            .unwrap_or_default();
    }
}

/// A returned original quoted in the report text (qmail, old Sendmail).
fn inline_returned(report: &str, returned: &mut Returned) {
    if !returned.from.is_empty() && !returned.to.is_empty() {
        return;
    }
    let mut lines = report.lines().take(4000);
    if lines.by_ref().position(text::is_returned_marker).is_none() {
        return;
    }
    let rest: Vec<&str> = lines.take(400).collect();
    returned_from_text(&rest.join("\n"), returned);
}

/// The bounce's own correspondents and the original sender: addresses
/// that are not the failed recipient unless the text leaves no doubt.
fn exclusions(message: &Message<'_>, returned: &Returned) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in ["From", "To", "Cc", "Sender", "Reply-To", "Return-Path"] {
        if let Some(v) = message.header_raw(h) {
            out.extend(text::addresses(v));
        }
    }
    out.extend(returned.from.iter().cloned());
    out.extend(returned.return_path.iter().cloned());
    out
}

fn dsn_recipient(g: &DsnRecipient, found: &[Found], context: &str) -> BouncedRecipient {
    let address = g.final_recipient.as_deref().and_then(clean_address);
    let original = g.original_recipient.as_deref().and_then(clean_address);
    let status = g.status.as_deref().and_then(find_enhanced_status);
    // The remote reply, or else what the human-readable part says about
    // this address.
    let block = address
        .as_deref()
        .or(original.as_deref())
        .and_then(|a| found.iter().find(|f| f.address.eq_ignore_ascii_case(a)))
        .map(|f| f.block.as_str());
    // The remote reply is the diagnostic; without one, what the text says
    // about this address; the whole report is the last resort.
    let (diag, near) = match (&g.diagnostic, block) {
        (Some(d), b) => (Some(d.as_str()), b),
        (None, Some(b)) => (Some(b), None),
        (None, None) => (None, None),
    };
    let c = classify_with(status.as_deref(), diag, near, Some(context));
    let (kind, reason) = match g.action.as_deref() {
        Some(a) if a.starts_with("delayed") => (BounceKind::Delayed, BounceReason::Delayed),
        Some(a)
            if a.starts_with("delivered")
                || a.starts_with("relayed")
                || a.starts_with("expanded") =>
        {
            (BounceKind::Delivered, BounceReason::Delivered)
        }
        Some(a) if a.starts_with("failed") => match c.kind {
            kind if kind.is_failure() => (kind, c.reason),
            _ => (BounceKind::Soft, BounceReason::Other),
        },
        // No or unknown action: a temporary status is taken as a delay.
        _ => match c.kind {
            BounceKind::Soft if status.as_deref().is_some_and(|s| s.starts_with('4')) => {
                (BounceKind::Delayed, BounceReason::Delayed)
            }
            kind => (kind, c.reason),
        },
    };
    BouncedRecipient {
        address,
        original_recipient: original,
        status,
        kind,
        reason,
        diagnostic: g
            .diagnostic
            .as_deref()
            .map(|d| truncate(&one_line(d), MAX_DIAGNOSTIC)),
    }
}

fn text_recipient(f: Found, context: &str, single: bool) -> Option<BouncedRecipient> {
    let diag = one_line(&f.block);
    // A lone recipient's status may stand above its address (MailMarshal:
    // "Could not be delivered because of 550 5.1.1 User unknown").
    let status = find_enhanced_status(&diag)
        .or_else(|| single.then(|| find_enhanced_status(context)).flatten());
    let context = if single { Some(context) } else { None };
    let c = classify_reason(status.as_deref(), Some(&diag), context);
    if c.kind == BounceKind::Delivered {
        return None;
    }
    Some(BouncedRecipient {
        address: Some(f.address),
        original_recipient: None,
        status,
        kind: c.kind,
        reason: c.reason,
        diagnostic: (!diag.is_empty()).then(|| truncate(&diag, MAX_DIAGNOSTIC)),
    })
}

/// Recipients without an address get one from `X-Failed-Recipients`
/// (Exim) or the returned original's `To`; a bounce with no recipient at
/// all gets one entry per such address, classified from the whole report.
fn fill_addresses(
    message: &Message<'_>,
    parts: &Parts,
    recipients: &mut Vec<BouncedRecipient>,
    context: &str,
) {
    let failed: Vec<String> = message
        .header_raw("X-Failed-Recipients")
        .map(text::addresses)
        .unwrap_or_default();
    let fallback: Vec<String> = if failed.is_empty() {
        parts.returned.to.clone()
    } else {
        failed
    };
    if recipients.is_empty() {
        if fallback.is_empty() || fallback.len() > 16 {
            return;
        }
        let diag = one_line(context);
        let status = find_enhanced_status(&diag);
        let c = classify_reason(status.as_deref(), Some(&diag), None);
        if c.kind == BounceKind::Delivered {
            return;
        }
        for address in fallback {
            recipients.push(BouncedRecipient {
                address: Some(address),
                original_recipient: None,
                status: status.clone(),
                kind: c.kind,
                reason: c.reason,
                diagnostic: (!diag.is_empty()).then(|| truncate(&diag, MAX_DIAGNOSTIC)),
            });
        }
        return;
    }
    let named: Vec<String> = recipients
        .iter()
        .filter_map(|r| r.address.clone())
        .collect();
    let mut spare = fallback
        .into_iter()
        .filter(|a| !named.iter().any(|x| x.eq_ignore_ascii_case(a)));
    for r in recipients.iter_mut().filter(|r| r.address.is_none()) {
        r.address = r.original_recipient.clone().or_else(|| spare.next());
    }
}

fn auto_reply(message: &Message<'_>) -> Vec<BouncedRecipient> {
    let from = message
        .header_raw("From")
        .map(text::addresses)
        .unwrap_or_default();
    vec![BouncedRecipient {
        address: from.into_iter().next(),
        original_recipient: None,
        status: None,
        kind: BounceKind::AutoReply,
        reason: BounceReason::AutoReply,
        diagnostic: None,
    }]
}

/// Feedback-report fields written inline in the text (no MIME report).
fn inline_feedback(report: &str) -> Option<String> {
    let has = |f: &str| {
        report
            .lines()
            .take(4000)
            .any(|l| l.trim_start().to_ascii_lowercase().starts_with(f))
    };
    (has("feedback-type:") && (has("user-agent:") || has("version:") || has("original-rcpt-to:")))
        .then(|| report.to_string())
}

/// RFC 5965 §3.1 feedback report: one complaint per `Original-Rcpt-To`.
fn parse_feedback(parts: &Parts, out: &mut ParsedBounce) {
    let groups = parts
        .feedback
        .as_deref()
        .map(dsn::field_groups)
        .unwrap_or_default();
    let fields: dsn::Fields = groups.into_iter().flatten().collect();
    if let Some(from) = dsn::field(&fields, "original-mail-from").and_then(clean_address) {
        out.original_mail_from = Some(from);
    }
    let feedback_type = dsn::field(&fields, "feedback-type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_else(|| "abuse".to_string());
    let (kind, reason) = if feedback_type == "not-spam" {
        (BounceKind::Delivered, BounceReason::Delivered)
    } else {
        (BounceKind::Complaint, BounceReason::Complaint)
    };
    let mut diagnostic = format!("feedback-type={feedback_type}");
    if let Some(agent) = dsn::field(&fields, "user-agent") {
        diagnostic.push_str("; user-agent=");
        diagnostic.push_str(agent.trim());
    }
    let diagnostic = Some(truncate(&diagnostic, MAX_DIAGNOSTIC));
    let mut addresses: Vec<Option<String>> = fields
        .iter()
        .filter(|(name, _)| name == "original-rcpt-to" || name == "removal-recipient")
        .filter_map(|(_, v)| clean_address(v))
        .take(MAX_RECIPIENTS)
        .map(Some)
        .collect();
    if addresses.is_empty() {
        // Providers often redact the recipient; the VERP token still names it.
        addresses.push(parts.returned.to.first().cloned());
    }
    out.recipients = addresses
        .into_iter()
        .map(|address| BouncedRecipient {
            address,
            original_recipient: None,
            status: None,
            kind,
            reason,
            diagnostic: diagnostic.clone(),
        })
        .collect();
}

/// Extracts `local@domain` from `<local@domain>`, `Name <x@y>`, a bare
/// address or `rfc822;x@y (comment)`; `None` if there is no plausible one.
fn clean_address(value: &str) -> Option<String> {
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value.get(start + 1..end)?,
        _ => value,
    };
    let trimmed = inner.trim();
    // A quoted local part (`"a..b"@x`) keeps its quotes.
    let addr = if trimmed.starts_with('"') && trimmed.contains("\"@") {
        trimmed.trim_matches(|c| matches!(c, '<' | '>' | '\'' | ',' | ';' | ':'))
    } else {
        trimmed.trim_matches(|c| matches!(c, '<' | '>' | '"' | '\'' | ',' | ';' | ':'))
    };
    let simple = addr.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && addr.len() <= MAX_ADDRESS
            && !addr.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '(' | ')' | ',')
            })
    });
    if simple {
        return Some(addr.to_string());
    }
    // `user@example (Name)` and similar: the first plausible address.
    text::addresses(value).into_iter().next()
}

/// How sure we are that a message without a machine-readable report is a
/// bounce: a daemon sender, a bounce subject or `X-Failed-Recipients` are
/// strong; a null Return-Path or bounce wording in the body are weak (an
/// automatic reply has them too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    None,
    Weak,
    Strong,
}

fn looks_like_bounce(message: &Message<'_>, parts: &Parts) -> Evidence {
    const DAEMONS: &[&str] = &[
        "post_master",
        "mdaemon",
        "mailer-daemon",
        "mailerdaemon",
        "mail-daemon",
        "postmaster",
        "mail delivery",
        "mail-delivery",
    ];
    const PHRASES: &[&str] = &[
        "undeliver",
        "undelivered",
        "delivery status notification",
        "delivery notification",
        "delivery failure",
        "delivery has failed",
        "delivery failed",
        "delivery problem",
        "failure notice",
        "failed delivery",
        "returned mail",
        "returned to sender",
        "non-delivery",
        "nondeliver",
        "non delivery",
        "could not be delivered",
        "couldn't be delivered",
        "was not delivered",
        "wasn't delivered",
        "not be delivered",
        "permanent error",
        "permanent failure",
        "wasn't able to deliver",
        "unable to deliver",
        "could not deliver",
        "error delivering",
        "following address",
        "following recipient",
        "mail system error",
        "message not delivered",
        "mail not delivered",
        "rejected your message",
        "message you sent",
        "message that you sent",
        "did not reach",
        "delivery to the following",
        "transcript of session",
        "requested action not taken",
        "error message below",
        "invalid user address",
        "mail delivery",
        "delivery report",
        "bounce",
        "配信",
    ];
    let from = message
        .header_raw("From")
        .map(|f| f.to_ascii_lowercase())
        .unwrap_or_default();
    let from_daemon = DAEMONS.iter().any(|d| from.contains(d));
    let null_path = message
        .header_raw("Return-Path")
        .is_some_and(|r| matches!(r.trim(), "<>" | "<MAILER-DAEMON>"));
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let body = String::from_utf8_lossy(bounded(parts.plain.as_bytes(), 8192)).to_lowercase();
    // Failure wording about an address ("User unknown", "mailbox full")
    // in the subject or the first lines.
    let head = format!(
        "{subject}\n{}",
        String::from_utf8_lossy(bounded(body.as_bytes(), 2048))
    );
    let says_failure = matches!(
        super::phrases::reason_of(&super::classify::normalise(&head), true),
        Some(
            BounceReason::UnknownUser
                | BounceReason::UnknownHost
                | BounceReason::MailboxFull
                | BounceReason::Disabled
        )
    );
    if from_daemon
        || message.header_raw("X-Failed-Recipients").is_some()
        || PHRASES.iter().any(|p| subject.contains(p))
    {
        Evidence::Strong
    } else if null_path || says_failure || PHRASES.iter().any(|p| body.contains(p)) {
        Evidence::Weak
    } else {
        Evidence::None
    }
}

fn raw_body(raw: &[u8]) -> String {
    let start = memchr::memmem::find(raw, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(raw, b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    let body = raw.get(start..).unwrap_or_default();
    String::from_utf8_lossy(bounded(body, MAX_SCAN)).into_owned()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(MAX_SCAN));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn push_bounded(buf: &mut String, text: &str) {
    let room = MAX_SCAN.saturating_sub(buf.len());
    if room > 0 {
        buf.push_str(&truncate(text, room));
        buf.push('\n');
    }
}

fn bounded(bytes: &[u8], max: usize) -> &[u8] {
    bytes.get(..max).unwrap_or(bytes)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts to at most `max` bytes on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_cleaned() {
        assert_eq!(
            clean_address("<User@Example.org>").as_deref(),
            Some("User@Example.org")
        );
        assert_eq!(
            clean_address("Jane Doe <jd@x.example>").as_deref(),
            Some("jd@x.example")
        );
        assert_eq!(
            clean_address("jd@x.example (Jane Doe)").as_deref(),
            Some("jd@x.example")
        );
        assert_eq!(clean_address("not an address"), None);
        assert_eq!(clean_address("<>"), None);
        assert_eq!(clean_address("@x"), None);
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("ééé", 3), "é");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
