//! Bounce and complaint parsing. Never panics; every size is bounded.
//!
//! 1. The whole message is parsed with `mail-parser` (MIME, transfer
//!    encodings). Inputs over [`MAX_INPUT`] bytes are refused; a panic inside
//!    the MIME parser is caught and reported as malformed.
//! 2. The top-level parts are sorted by content type (a returned
//!    `message/rfc822` is never descended into, so text quoted from the
//!    original cannot pose as a report):
//!    - `message/delivery-status` (RFC 3464 §2): field groups, the first
//!      per-message (`Original-Envelope-Id`), then one per recipient
//!      (`Final-Recipient`, `Original-Recipient`, `Action`, `Status`,
//!      `Diagnostic-Code`).
//!    - `message/feedback-report` (RFC 5965 §3.1), or a multipart/report
//!      with `report-type=feedback-report`: a complaint about
//!      `Original-Rcpt-To` (or the returned message's `To`).
//!    - otherwise, plain-text bounces (Postfix, Exim, qmail, Exchange):
//!      lines that begin with an address start a block; the block's
//!      enhanced status, basic reply code or keywords classify it. This
//!      path runs only when the message looks like a bounce (daemon sender,
//!      bounce subject or body phrase) and stops at the returned message.
//! 3. `Action: delayed` gives [`BounceKind::Delayed`] and
//!    delivered/relayed/expanded give [`BounceKind::Delivered`]; neither is
//!    a bounce.

use mail_parser::{Message, MessageParser, MimeHeaders as _, PartType};

use super::classify::{classify, find_enhanced_status};
use super::{BounceError, BounceKind, BouncedRecipient, ParsedBounce};

/// Largest message accepted (a bounce may return the whole original).
pub const MAX_INPUT: usize = 16 * 1024 * 1024;
/// At most this many recipients are reported per message.
pub const MAX_RECIPIENTS: usize = 256;
/// Diagnostics are cut to this many characters.
pub const MAX_DIAGNOSTIC: usize = 512;
/// Bytes of human-readable text scanned for non-standard bounces.
const MAX_SCAN: usize = 128 * 1024;
/// Lines of a delivery-status or feedback-report part read.
const MAX_FIELD_LINES: usize = 4096;
/// Lines of a plain-text block after the address line.
const MAX_BLOCK_LINES: usize = 8;
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
    to: Option<String>,
}

type Fields = Vec<(String, String)>;

/// Parses a bounce or complaint message.
pub fn parse(raw: &[u8]) -> Result<ParsedBounce, BounceError> {
    if raw.len() > MAX_INPUT {
        return Err(BounceError::TooLarge(raw.len()));
    }
    let message = parse_mime(raw)?;
    let parts = collect_parts(&message);
    let is_arf =
        parts.feedback.is_some() || parts.report_type.as_deref() == Some("feedback-report");
    let mut out = ParsedBounce {
        is_arf,
        original_mail_from: parts.returned.return_path.clone(),
        ..ParsedBounce::default()
    };
    if is_arf {
        parse_feedback(&parts, &mut out);
    } else if let Some(status) = &parts.delivery_status {
        parse_delivery_status(status, &mut out);
    }
    if !is_arf && out.recipients.is_empty() && looks_like_bounce(&message, &parts) {
        let text = if parts.plain.trim().is_empty() {
            &parts.html
        } else {
            &parts.plain
        };
        out.recipients = scan_text(text);
    }
    out.recipients.truncate(MAX_RECIPIENTS);
    Ok(out)
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
    if returned.to.is_none() {
        returned.to = inner.header_raw("To").and_then(clean_address);
    }
}

fn returned_from_text(text: &str, returned: &mut Returned) {
    let Some(fields) = field_groups(text).into_iter().next() else {
        return;
    };
    if returned.return_path.is_none() {
        returned.return_path = field(&fields, "return-path").and_then(clean_address);
    }
    if returned.to.is_none() {
        returned.to = field(&fields, "to").and_then(clean_address);
    }
}

/// RFC 3464 §2.2–2.3: per-message fields, then per-recipient groups.
fn parse_delivery_status(text: &str, out: &mut ParsedBounce) {
    for group in field_groups(text) {
        let is_recipient = field(&group, "final-recipient").is_some()
            || field(&group, "original-recipient").is_some()
            || field(&group, "action").is_some();
        if !is_recipient {
            if out.original_envelope_id.is_none() {
                out.original_envelope_id =
                    field(&group, "original-envelope-id").map(|v| truncate(v.trim(), MAX_ADDRESS));
            }
            continue;
        }
        if out.recipients.len() >= MAX_RECIPIENTS {
            break;
        }
        out.recipients.push(dsn_recipient(&group));
    }
}

fn dsn_recipient(group: &Fields) -> BouncedRecipient {
    let status = field(group, "status").and_then(find_enhanced_status);
    let diagnostic = field(group, "diagnostic-code")
        .map(strip_type)
        .filter(|d| !d.is_empty())
        .map(|d| truncate(d, MAX_DIAGNOSTIC));
    let action = field(group, "action").map(|a| a.trim().to_ascii_lowercase());
    let kind = match action.as_deref() {
        Some("delayed") => BounceKind::Delayed,
        Some("delivered" | "relayed" | "expanded") => BounceKind::Delivered,
        Some("failed") => match classify(status.as_deref(), diagnostic.as_deref()) {
            kind if kind.is_failure() => kind,
            _ => BounceKind::Soft,
        },
        // No or unknown action: a temporary status is taken as a delay.
        _ => match classify(status.as_deref(), diagnostic.as_deref()) {
            BounceKind::Soft if status.as_deref().is_some_and(|s| s.starts_with('4')) => {
                BounceKind::Delayed
            }
            kind => kind,
        },
    };
    BouncedRecipient {
        address: field(group, "final-recipient")
            .map(strip_type)
            .and_then(clean_address),
        original_recipient: field(group, "original-recipient")
            .map(strip_type)
            .and_then(clean_address),
        status,
        kind,
        diagnostic,
    }
}

/// RFC 5965 §3.1 feedback report: one complaint per `Original-Rcpt-To`.
fn parse_feedback(parts: &Parts, out: &mut ParsedBounce) {
    let groups = parts
        .feedback
        .as_deref()
        .map(field_groups)
        .unwrap_or_default();
    let fields: Fields = groups.into_iter().flatten().collect();
    if let Some(from) = field(&fields, "original-mail-from").and_then(clean_address) {
        out.original_mail_from = Some(from);
    }
    let feedback_type = field(&fields, "feedback-type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_else(|| "abuse".to_string());
    let kind = if feedback_type == "not-spam" {
        BounceKind::Delivered
    } else {
        BounceKind::Complaint
    };
    let mut diagnostic = format!("feedback-type={feedback_type}");
    if let Some(agent) = field(&fields, "user-agent") {
        diagnostic.push_str("; user-agent=");
        diagnostic.push_str(agent.trim());
    }
    let diagnostic = Some(truncate(&diagnostic, MAX_DIAGNOSTIC));
    let mut addresses: Vec<Option<String>> = fields
        .iter()
        .filter(|(name, _)| name == "original-rcpt-to")
        .filter_map(|(_, v)| clean_address(v))
        .take(MAX_RECIPIENTS)
        .map(Some)
        .collect();
    if addresses.is_empty() {
        // Providers often redact the recipient; the VERP token still names it.
        addresses.push(parts.returned.to.clone());
    }
    out.recipients = addresses
        .into_iter()
        .map(|address| BouncedRecipient {
            address,
            original_recipient: None,
            status: None,
            kind,
            diagnostic: diagnostic.clone(),
        })
        .collect();
}

/// Splits header-style text into blank-line-separated groups of
/// `(lower-case name, unfolded value)` (RFC 5322 §2.2.3 folding).
fn field_groups(text: &str) -> Vec<Fields> {
    let mut groups: Vec<Fields> = Vec::new();
    let mut current: Fields = Vec::new();
    for line in text.lines().take(MAX_FIELD_LINES) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut()
                && value.len() < MAX_SCAN
            {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            current.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// `rfc822; user@example` → `user@example` (RFC 3464 §2.3.2 address-type).
fn strip_type(value: &str) -> &str {
    value.split_once(';').map_or(value, |(_, rest)| rest).trim()
}

/// Extracts `local@domain` from `<local@domain>`, `Name <x@y>` or a bare
/// address; `None` if there is no plausible address.
fn clean_address(value: &str) -> Option<String> {
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value.get(start + 1..end)?,
        _ => value,
    };
    let addr = inner
        .trim()
        .trim_matches(|c| matches!(c, '<' | '>' | '"' | '\'' | ',' | ';' | ':'));
    let (local, domain) = addr.rsplit_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && addr.len() <= MAX_ADDRESS
        && !addr.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '(' | ')' | ',')
        });
    plausible.then(|| addr.to_string())
}

/// Whether a message without a machine-readable report is a bounce:
/// a daemon sender, a null Return-Path, a bounce subject or body phrase.
fn looks_like_bounce(message: &Message<'_>, parts: &Parts) -> bool {
    const DAEMONS: &[&str] = &["mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"];
    const PHRASES: &[&str] = &[
        "undeliver",
        "delivery status notification",
        "delivery failure",
        "delivery has failed",
        "delivery failed",
        "failure notice",
        "returned mail",
        "non-delivery",
        "could not be delivered",
        "permanent error",
        "wasn't able to deliver",
        "following address",
        "following recipient",
    ];
    let from_daemon = message
        .header_raw("From")
        .map(|f| f.to_ascii_lowercase())
        .is_some_and(|f| DAEMONS.iter().any(|d| f.contains(d)));
    let null_path = message
        .header_raw("Return-Path")
        .is_some_and(|r| r.trim() == "<>");
    let subject = message.subject().unwrap_or_default().to_ascii_lowercase();
    let body = bounded(parts.plain.as_bytes(), 4096).to_ascii_lowercase();
    let body = String::from_utf8_lossy(&body);
    from_daemon
        || null_path
        || PHRASES
            .iter()
            .any(|p| subject.contains(p) || body.contains(p))
}

/// Non-standard bounces: an address at the start of a line (after
/// indentation and `<`) starts a block of up to [`MAX_BLOCK_LINES`] lines,
/// ending at a blank line or the next address. Blocks for the same
/// address (Exchange lists it twice) are merged.
fn scan_text(text: &str) -> Vec<BouncedRecipient> {
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !is_returned_marker(l))
        .collect();
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() && blocks.len() < MAX_RECIPIENTS {
        let Some((addr, rest)) = lines.get(i).and_then(|l| leading_address(l)) else {
            i += 1;
            continue;
        };
        let mut block = rest.to_string();
        let mut j = i + 1;
        while j < lines.len() && j <= i + MAX_BLOCK_LINES {
            let line = lines.get(j).copied().unwrap_or_default();
            if leading_address(line).is_some()
                || (line.trim().is_empty() && !block.trim().is_empty())
            {
                break;
            }
            block.push(' ');
            block.push_str(line.trim());
            j += 1;
        }
        match blocks
            .iter_mut()
            .find(|(a, _)| a.eq_ignore_ascii_case(&addr))
        {
            Some((_, existing)) if existing.len() < MAX_SCAN => {
                existing.push(' ');
                existing.push_str(&block);
            }
            Some(_) => {}
            None => blocks.push((addr, block)),
        }
        i = j;
    }
    blocks
        .into_iter()
        .filter_map(|(a, b)| text_recipient(a, &b))
        .collect()
}

fn text_recipient(address: String, block: &str) -> Option<BouncedRecipient> {
    let diag = block.split_whitespace().collect::<Vec<_>>().join(" ");
    let status = find_enhanced_status(&diag);
    let kind = classify(status.as_deref(), Some(&diag));
    let recognised = status.is_some() || has_reply_code(&diag) || kind != BounceKind::Soft || {
        let lower = diag.to_ascii_lowercase();
        ["temporar", "try again", "deferred", "timed out", "quota"]
            .iter()
            .any(|w| lower.contains(w))
    };
    let kind = match kind {
        BounceKind::Delivered => return None,
        k => k,
    };
    recognised.then(|| BouncedRecipient {
        address: Some(address),
        original_recipient: None,
        status,
        kind,
        diagnostic: (!diag.is_empty()).then(|| truncate(&diag, MAX_DIAGNOSTIC)),
    })
}

fn has_reply_code(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '#' || c == '-')
        .any(|w| {
            w.len() == 3
                && (w.starts_with('4') || w.starts_with('5'))
                && w.bytes().all(|b| b.is_ascii_digit())
        })
}

/// An address at the start of a line, and the rest of the line.
fn leading_address(line: &str) -> Option<(String, &str)> {
    let trimmed = line.trim_start().trim_start_matches('<');
    let end = trimmed
        .find(|c: char| c.is_whitespace() || matches!(c, '>' | ',' | ';'))
        .unwrap_or(trimmed.len());
    let candidate = trimmed.get(..end)?.trim_end_matches(':');
    let rest = trimmed.get(end..).unwrap_or_default();
    let addr = clean_address(candidate)?;
    let domain = addr.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    (domain.contains('.') && !addr.contains(':'))
        .then_some((addr, rest.trim_start_matches(['>', ':', ' '])))
}

/// Where a plain-text bounce starts quoting the original message.
fn is_returned_marker(line: &str) -> bool {
    const MARKERS: &[&str] = &[
        "below this line is a copy of the message",
        "this is a copy of the message",
        "original message follows",
        "original message headers",
        "----- original message",
        "the header of the original message",
        "the body of the message",
    ];
    let lower = line.to_ascii_lowercase();
    lower.starts_with("received:")
        || lower.starts_with("return-path:")
        || MARKERS.iter().any(|m| lower.contains(m))
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
    out
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
        assert_eq!(clean_address("not an address"), None);
        assert_eq!(clean_address("<>"), None);
        assert_eq!(clean_address("@x"), None);
    }

    #[test]
    fn folded_fields_are_unfolded_and_grouped() {
        let groups = field_groups("A: 1\r\nB: two\r\n  lines\r\n\r\nC: 3\r\n");
        assert_eq!(groups.len(), 2);
        assert_eq!(field(&groups[0], "b"), Some("two lines"));
        assert_eq!(field(&groups[1], "c"), Some("3"));
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("ééé", 3), "é");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
