//! Text extraction: parse the message once (mail-parser decodes transfer
//! encodings and charsets) and hand every piece of decoded text to a visitor
//! with its location.
//!
//! Visited, in order: the Subject (`subject`), other free-text headers
//! (`header`), body parts (`body`: text/plain as is, text/html converted to
//! text), attachments that are text-like by type or file name (txt, csv,
//! tsv, html, xml, json, ics, vcf, hl7... → `attachment`; CSV rows are
//! rewritten as `column: value` lines so header keywords sit next to
//! values), and nested message/rfc822 parts (everything inside → `attachment`).
//!
//! Caps: raw input scanned, nesting depth, number of parts, and total bytes
//! of decoded text. Hitting a cap sets `truncated`, so a policy can fail
//! closed on a message that was not scanned completely.

use crate::policy::finding::Location;
use crate::policy::html;
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// Scanning limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Raw message bytes parsed; the rest is ignored (and flagged).
    pub max_raw_bytes: usize,
    /// Nested message/rfc822 depth.
    pub max_depth: usize,
    /// MIME parts visited, over all nesting levels.
    pub max_parts: usize,
    /// Decoded text bytes handed to detectors.
    pub max_text_bytes: usize,
    /// Bytes of one header value scanned.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_raw_bytes: 64 << 20,
            max_depth: 8,
            max_parts: 2_000,
            max_text_bytes: 32 << 20,
            max_header_bytes: 16 << 10,
        }
    }
}

/// What the walk learned besides the text it visited.
#[derive(Debug, Default, Clone)]
pub struct MessageInfo {
    /// Decoded top-level Subject.
    pub subject: Option<String>,
    /// Top-level headers: (name, decoded value), in message order.
    pub headers: Vec<(String, String)>,
    /// A cap was hit: part of the message was not scanned.
    pub truncated: bool,
    /// Decoded text bytes visited.
    pub text_bytes: usize,
    /// MIME parts seen.
    pub parts: usize,
}

/// Headers that are structural or carry addresses/ids, not free text.
const SKIP_HEADERS: &[&str] = &[
    "subject",
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "return-path",
    "message-id",
    "in-reply-to",
    "references",
    "received",
    "date",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
    "dkim-signature",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "authentication-results",
    "received-spf",
    "list-unsubscribe",
    "list-id",
    "x-priority",
    "importance",
    "priority",
];

struct Walker<'v> {
    limits: Limits,
    info: MessageInfo,
    visit: &'v mut dyn FnMut(Location, &str),
}

/// Parse `raw` and call `visit` for every decoded text segment.
pub fn walk(raw: &[u8], limits: Limits, visit: &mut dyn FnMut(Location, &str)) -> MessageInfo {
    let mut w = Walker {
        limits,
        info: MessageInfo::default(),
        visit,
    };
    let raw = if raw.len() > limits.max_raw_bytes {
        w.info.truncated = true;
        &raw[..limits.max_raw_bytes]
    } else {
        raw
    };
    match MessageParser::default().parse(raw) {
        Some(msg) => {
            w.info.subject = msg.subject().map(str::to_string);
            w.info.headers = header_list(&msg);
            w.message(&msg, 0);
        }
        None => {
            let text = String::from_utf8_lossy(raw);
            w.emit(Location::Body, &text);
        }
    }
    w.info
}

fn header_text(v: &HeaderValue<'_>) -> Option<String> {
    match v {
        HeaderValue::Text(t) => Some(t.to_string()),
        HeaderValue::TextList(l) => Some(l.join(", ")),
        _ => None,
    }
}

fn header_list(msg: &Message<'_>) -> Vec<(String, String)> {
    let raw: Vec<(String, String)> = msg
        .headers_raw()
        .take(500)
        .map(|(n, v)| (n.to_string(), v.trim().replace(['\r', '\n'], "")))
        .collect();
    msg.headers()
        .iter()
        .take(500)
        .zip(raw)
        .map(|(h, (name, rawv))| (name, header_text(h.value()).unwrap_or(rawv)))
        .collect()
}

impl Walker<'_> {
    /// Hand text to the visitor within the text budget.
    fn emit(&mut self, loc: Location, text: &str) {
        let left = self
            .limits
            .max_text_bytes
            .saturating_sub(self.info.text_bytes);
        if left == 0 {
            self.info.truncated = true;
            return;
        }
        let cut = if text.len() > left {
            self.info.truncated = true;
            crate::policy::text::floor_boundary(text, left)
        } else {
            text.len()
        };
        let t = &text[..cut];
        self.info.text_bytes += t.len();
        (self.visit)(loc, t);
    }

    fn message(&mut self, msg: &Message<'_>, depth: usize) {
        let nested = depth > 0;
        if let Some(s) = msg.subject() {
            let loc = if nested {
                Location::Attachment
            } else {
                Location::Subject
            };
            self.emit(loc, s);
        }
        self.headers(msg, nested);
        for (idx, part) in msg.parts.iter().enumerate() {
            self.info.parts += 1;
            if self.info.parts > self.limits.max_parts {
                self.info.truncated = true;
                return;
            }
            let id = u32::try_from(idx).unwrap_or(u32::MAX);
            let is_body = msg.text_body.contains(&id) || msg.html_body.contains(&id);
            let loc = if nested || !is_body {
                Location::Attachment
            } else {
                Location::Body
            };
            self.part(part, loc, depth);
        }
    }

    fn headers(&mut self, msg: &Message<'_>, nested: bool) {
        let loc = if nested {
            Location::Attachment
        } else {
            Location::Header
        };
        let max = self.limits.max_header_bytes;
        for h in msg.headers().iter().take(500) {
            let name = h.name().to_ascii_lowercase();
            if SKIP_HEADERS.contains(&name.as_str()) || name.starts_with("x-sealpost") {
                continue;
            }
            if let Some(v) = header_text(h.value()) {
                let cut = crate::policy::text::floor_boundary(&v, max);
                self.emit(loc, &v[..cut]);
            }
        }
    }

    fn part(&mut self, part: &mail_parser::MessagePart<'_>, loc: Location, depth: usize) {
        let kind = TextKind::of(part);
        match &part.body {
            PartType::Text(t) => self.text(loc, t, kind),
            PartType::Html(t) => self.emit(loc, &html::to_text(t)),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                if kind != TextKind::NotText {
                    let t = String::from_utf8_lossy(b);
                    self.text(loc, &t, kind);
                }
            }
            PartType::Message(m) => {
                if depth + 1 > self.limits.max_depth {
                    self.info.truncated = true;
                } else {
                    self.message(m, depth + 1);
                }
            }
            PartType::Multipart(_) => {}
        }
    }

    fn text(&mut self, loc: Location, t: &str, kind: TextKind) {
        match kind {
            TextKind::Html => self.emit(loc, &html::to_text(t)),
            TextKind::Csv => self.emit(loc, &csv_to_labeled(t)),
            _ => self.emit(loc, t),
        }
    }
}

/// How to read a part's bytes as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Plain,
    Html,
    Csv,
    NotText,
}

impl TextKind {
    fn of(part: &mail_parser::MessagePart<'_>) -> TextKind {
        let name = part.attachment_name().unwrap_or("").to_ascii_lowercase();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let (ty, sub) = part
            .content_type()
            .map(|c| {
                let sub = c.subtype().unwrap_or("").to_ascii_lowercase();
                (c.ctype().to_ascii_lowercase(), sub)
            })
            .unwrap_or_default();
        match (ext, ty.as_str(), sub.as_str()) {
            ("html" | "htm" | "xhtml", _, _) | (_, "text", "html") => TextKind::Html,
            ("csv" | "tsv", _, _) | (_, "text", "csv" | "tab-separated-values") => TextKind::Csv,
            (
                "txt" | "text" | "xml" | "json" | "ics" | "vcf" | "md" | "log" | "hl7" | "ccd"
                | "ccda" | "yaml" | "yml" | "rtf" | "eml",
                _,
                _,
            ) => TextKind::Plain,
            (_, "text", _) => TextKind::Plain,
            (_, "application", s)
                if s.contains("json")
                    || s.contains("xml")
                    || s.contains("csv")
                    || matches!(s, "ics" | "hl7-v2" | "edi-x12" | "x-yaml" | "yaml" | "rtf") =>
            {
                TextKind::Plain
            }
            _ => TextKind::NotText,
        }
    }
}

/// Split one CSV line on `sep`, honouring double quotes.
fn split_csv(line: &str, sep: char) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            cells.push(line[start..i].trim().trim_matches('"'));
            start = i + c.len_utf8();
        }
    }
    cells.push(line[start..].trim().trim_matches('"'));
    cells
}

/// Rewrite CSV as `column: value` lines, one blank line between rows, so
/// that keyword-anchored detectors see the column name next to each value.
pub fn csv_to_labeled(t: &str) -> String {
    let mut lines = t.lines();
    let Some(head) = lines.next() else {
        return String::new();
    };
    let sep = [',', ';', '\t', '|']
        .into_iter()
        .max_by_key(|&c| head.matches(c).count())
        .unwrap_or(',');
    let names = split_csv(head, sep);
    let mut out = String::with_capacity(t.len() * 2);
    out.push_str(head);
    out.push('\n');
    for line in lines {
        for (i, v) in split_csv(line, sep).into_iter().enumerate() {
            out.push_str(names.get(i).copied().unwrap_or(""));
            out.push_str(": ");
            out.push_str(v);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(raw: &[u8]) -> (Vec<(Location, String)>, MessageInfo) {
        let mut segs = Vec::new();
        let info = walk(raw, Limits::default(), &mut |l, t| {
            segs.push((l, t.to_string()))
        });
        (segs, info)
    }

    #[test]
    fn csv_rows_become_labeled_lines() {
        let t = csv_to_labeled("name,dob,ssn\n\"Doe, Jane\",03/03/1961,824-66-7795\n");
        assert!(t.contains("dob: 03/03/1961"), "{t}");
        assert!(t.contains("name: Doe, Jane"), "{t}");
    }

    #[test]
    fn base64_attachment_and_nested_message_are_visited() {
        let raw = b"Subject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: application/json\r\nContent-Disposition: attachment; filename=p.json\r\nContent-Transfer-Encoding: base64\r\n\r\neyJzc24iOiAiODI0LTY2LTc3OTUifQ==\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--b--\r\n";
        let (segs, info) = collect(raw);
        assert!(!info.truncated);
        assert!(
            segs.iter()
                .any(|(l, t)| *l == Location::Attachment && t.contains("824-66-7795"))
        );
        assert!(
            segs.iter()
                .any(|(l, t)| *l == Location::Attachment && t.contains("inner body"))
        );
        assert!(
            segs.iter()
                .any(|(l, t)| *l == Location::Subject && t == "hi")
        );
        assert!(
            segs.iter()
                .any(|(l, t)| *l == Location::Body && t.contains("body"))
        );
    }

    #[test]
    fn text_budget_truncates() {
        let mut body = b"Subject: x\r\n\r\n".to_vec();
        body.extend(std::iter::repeat_n(b'a', 5000));
        let limits = Limits {
            max_text_bytes: 1000,
            ..Limits::default()
        };
        let info = walk(&body, limits, &mut |_, _| {});
        assert!(info.truncated);
        assert!(info.text_bytes <= 1000);
    }
}
