//! Text extraction: parse the message once (mail-parser decodes transfer
//! encodings and charsets) and hand every piece of decoded text to a visitor
//! with its location.
//!
//! Visited, in order: the Subject (`subject`), other free-text headers
//! (`header`), body parts (`body`: text/plain as is, text/html converted to
//! text), attachments (`attachment`): text-like ones by type or file name
//! (txt, csv, tsv, html, xml, json, ics, vcf, hl7...), documents and
//! archives through `extract` (PDF, DOCX, XLSX, PPTX, ODT/ODS/ODP, RTF,
//! ZIP, gzip), each attachment's file name, and nested message/rfc822
//! parts (everything inside → `attachment`). Tables (CSV/TSV, HTML,
//! spreadsheets, tables pasted into text) are rewritten by `table` so a
//! column header labels each cell under it. Every segment carries its
//! place (`body part 1`, `attachment:report.pdf`,
//! `attachment:labs.zip/june.xlsx`) for `--explain`.
//!
//! Caps: raw input scanned, nesting depth, number of parts, total bytes of
//! decoded text (hitting one sets `truncated`, so a policy can fail closed
//! on a message that was not scanned completely), and the extraction caps
//! of `extract`; an attachment that cannot be read is listed in
//! `unreadable` with its place and reason.

use crate::policy::extract::{self, Budget, ExtractLimits, Unreadable};
use crate::policy::finding::Location;
use crate::policy::{html, table};
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
    /// Attachment extraction caps.
    pub extract: ExtractLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_raw_bytes: 64 << 20,
            max_depth: 8,
            max_parts: 2_000,
            max_text_bytes: 32 << 20,
            max_header_bytes: 16 << 10,
            extract: ExtractLimits::default(),
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
    /// Attachments (or parts of them) that could not be scanned.
    pub unreadable: Vec<(String, Unreadable)>,
}

/// One piece of decoded text and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub loc: Location,
    /// `subject`, `header:Name`, `body part 1`, `attachment:report.pdf`...
    pub place: &'a str,
    pub text: &'a str,
}

/// The place of the segment that carries the message's writer's display
/// name (`From: Katie Pemberton <…>`).
pub const WRITER_PLACE: &str = "header:From";

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
    visit: &'v mut dyn FnMut(Segment<'_>),
    budget: Budget,
    /// Place of the enclosing attachment for nested messages (`a.eml/`).
    prefix: String,
    /// An attached message's `From:` line, waiting for its first text.
    writer: Option<String>,
}

/// Parse `raw` and call `visit` for every decoded text segment.
pub fn walk(raw: &[u8], limits: Limits, visit: &mut dyn FnMut(Segment<'_>)) -> MessageInfo {
    walk_with(raw, limits, visit, true)
}

fn walk_with(
    raw: &[u8],
    limits: Limits,
    visit: &mut dyn FnMut(Segment<'_>),
    fast: bool,
) -> MessageInfo {
    let mut w = Walker {
        limits,
        info: MessageInfo::default(),
        visit,
        budget: Budget::new(limits.extract),
        prefix: String::new(),
        writer: None,
    };
    let raw = if raw.len() > limits.max_raw_bytes {
        w.info.truncated = true;
        &raw[..limits.max_raw_bytes]
    } else {
        raw
    };
    let simple = if fast { single_text(raw) } else { None };
    match simple.or_else(|| MessageParser::default().parse(raw)) {
        Some(msg) => {
            w.info.subject = msg.subject().map(str::to_string);
            w.info.headers = header_list(&msg);
            w.message(&msg, 0);
        }
        None => {
            let text = String::from_utf8_lossy(raw);
            w.emit(Location::Body, "body", &text);
        }
    }
    w.info
}

/// The common simple case — one UTF-8 (or ASCII) text/plain body in 7bit
/// or 8bit, no attachment — parsed as mail-parser would, but with the
/// body checked by `std::str::from_utf8`: mail-parser checks such bodies
/// with `String::from_utf8_lossy`, a byte-at-a-time loop that cost ~3 %
/// of the relay's CPU at 50 KB. Anything else, or any doubt about where
/// the body starts, is `None` (the full parse).
fn single_text(raw: &[u8]) -> Option<Message<'_>> {
    let mut msg = MessageParser::default().parse_headers(raw)?;
    let part = msg.parts.first()?;
    let mut ct_seen = false;
    for h in &part.headers {
        match h.name() {
            n if n.eq_ignore_ascii_case("content-disposition") => return None,
            n if n.eq_ignore_ascii_case("content-transfer-encoding") => {
                let HeaderValue::Text(t) = h.value() else {
                    return None;
                };
                if !["7bit", "8bit"]
                    .iter()
                    .any(|e| t.trim().eq_ignore_ascii_case(e))
                {
                    return None;
                }
            }
            n if n.eq_ignore_ascii_case("content-type") => {
                let c = h.value().as_content_type()?;
                let plain = c.ctype().eq_ignore_ascii_case("text")
                    && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("plain"));
                // A charset mail-parser would decode, a name (an
                // attachment) or a second Content-Type: the full parse.
                let simple_attrs = c.attributes().unwrap_or_default().iter().all(|a| {
                    let n = a.name.as_ref();
                    (n.eq_ignore_ascii_case("charset")
                        && ["utf-8", "utf8"]
                            .iter()
                            .any(|u| a.value.trim().eq_ignore_ascii_case(u)))
                        || n.eq_ignore_ascii_case("format")
                        || n.eq_ignore_ascii_case("delsp")
                });
                if !plain || !simple_attrs || ct_seen {
                    return None;
                }
                ct_seen = true;
            }
            _ => {}
        }
    }
    // The body starts after the blank line that ends the last header: the
    // header parser's own rule (whitespace, then a line feed). Anything
    // else there (a line it skipped) leaves the split to the full parse.
    let mut at = part.headers.last()?.offset_end as usize;
    loop {
        match raw.get(at) {
            Some(b'\n') => break,
            Some(c) if c.is_ascii_whitespace() => at += 1,
            _ => return None,
        }
    }
    let body = &raw[at + 1..];
    let text = match std::str::from_utf8(body) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(body),
    };
    let part = msg.parts.first_mut()?;
    part.body = PartType::Text(text);
    part.offset_body = (at + 1) as u32;
    part.offset_end = raw.len() as u32;
    part.is_encoding_problem = false;
    msg.text_body = vec![0];
    msg.html_body = vec![0];
    Some(msg)
}

fn header_text(v: &HeaderValue<'_>) -> Option<String> {
    match v {
        HeaderValue::Text(t) => Some(t.to_string()),
        HeaderValue::TextList(l) => Some(l.join(", ")),
        _ => None,
    }
}

/// `From: Name <address>` of a message, bounded; None without a From.
fn writer_line(msg: &Message<'_>) -> Option<String> {
    let from = msg.from()?;
    let mut line = String::from("From:");
    for a in from.iter().take(8) {
        if let Some(n) = a.name() {
            line.push(' ');
            line.push_str(n);
        }
        if let Some(addr) = a.address() {
            line.push_str(" <");
            line.push_str(addr);
            line.push('>');
        }
    }
    line.truncate(crate::policy::text::floor_boundary(&line, 1024));
    Some(line)
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
    fn emit(&mut self, loc: Location, place: &str, text: &str) {
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
        (self.visit)(Segment {
            loc,
            place,
            text: t,
        });
    }

    /// Emit text, then the labelled rendering of tables pasted into it.
    fn emit_with_tables(&mut self, loc: Location, place: &str, text: &str) {
        let text = &*crate::policy::text::unfolded_calendar(text);
        self.emit(loc, place, text);
        if let Some(t) = table::relabel_plain(text, self.limits.extract.max_output_bytes) {
            self.emit(loc, place, &t);
        }
    }

    fn message(&mut self, msg: &Message<'_>, depth: usize) {
        let nested = depth > 0;
        if let Some(s) = msg.subject() {
            if nested {
                let place = format!("{}subject", self.prefix);
                self.emit(Location::Attachment, &place, s);
            } else {
                self.emit(Location::Subject, "subject", s);
            }
        }
        // An attached message's writer heads its first text, as a
        // forward shows them (`From: Corey Mahoney <corey@…>` over the
        // words): the detectors judge the address as they judge a
        // forward's (a person's who speaks of herself, a service's).
        let outer = if nested {
            std::mem::replace(&mut self.writer, writer_line(msg))
        } else {
            None
        };
        self.headers(msg, nested);
        for (idx, part) in msg.parts.iter().enumerate() {
            self.info.parts += 1;
            if self.info.parts > self.limits.max_parts {
                self.info.truncated = true;
                break;
            }
            let id = u32::try_from(idx).unwrap_or(u32::MAX);
            let is_body = msg.text_body.contains(&id) || msg.html_body.contains(&id);
            let (loc, place) = match (nested, is_body, part.attachment_name()) {
                (false, true, _) => (Location::Body, format!("body part {idx}")),
                (_, _, Some(n)) => (
                    Location::Attachment,
                    format!("attachment:{}{n}", self.prefix),
                ),
                (_, _, None) => (
                    Location::Attachment,
                    format!("attachment:{}part {idx}", self.prefix),
                ),
            };
            self.part(part, loc, &place, depth);
        }
        if nested {
            // No text to head: the line on its own.
            if let Some(line) = self.writer.take() {
                let place = format!("{}header:From", self.prefix);
                self.emit(Location::Attachment, &place, &line);
            }
            self.writer = outer;
        }
    }

    fn headers(&mut self, msg: &Message<'_>, nested: bool) {
        let loc = if nested {
            Location::Attachment
        } else {
            Location::Header
        };
        let max = self.limits.max_header_bytes;
        // The writer's display name, for a body that tells of the
        // writer's own care (not scanned as text: see `policy::run`).
        if !nested && let Some(name) = msg.from().and_then(|f| f.first()).and_then(|a| a.name()) {
            let cut = crate::policy::text::floor_boundary(name, 128);
            (self.visit)(Segment {
                loc: Location::Header,
                place: WRITER_PLACE,
                text: &name[..cut],
            });
        }
        for h in msg.headers().iter().take(500) {
            let name = h.name().to_ascii_lowercase();
            if SKIP_HEADERS.contains(&name.as_str()) || name.starts_with("x-sealpost") {
                continue;
            }
            if let Some(v) = header_text(h.value()) {
                let cut = crate::policy::text::floor_boundary(&v, max);
                let place = format!("{}header:{}", self.prefix, h.name());
                self.emit(loc, &place, &v[..cut]);
            }
        }
    }

    fn part(
        &mut self,
        part: &mail_parser::MessagePart<'_>,
        loc: Location,
        place: &str,
        depth: usize,
    ) {
        let kind = TextKind::of(part);
        if let Some(name) = part.attachment_name() {
            // File names carry PHI too ("Haddad_M_DOB_1977-10-11.pdf").
            let words = name.replace(['_', '+'], " ");
            self.emit(Location::Attachment, place, &words);
        }
        match &part.body {
            PartType::Text(t) if returned_headers(part) => self.returned_headers(t, place, depth),
            PartType::Text(t) => {
                let t = self.headed(t, kind);
                self.text(loc, place, &t, kind, depth);
            }
            PartType::Html(t) => {
                let t = html::to_text(t);
                let t = self.headed(&t, TextKind::Plain);
                self.emit(loc, place, &t);
            }
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                // Bytes decide over the declared type: a DOCX declared as
                // `application/...xml` is a ZIP, not XML text.
                let binary = extract::sniff(b, "", "") != extract::Format::Unknown;
                if kind != TextKind::NotText && !binary {
                    let t = String::from_utf8_lossy(b);
                    self.text(loc, place, &t, kind, depth);
                } else {
                    self.binary(part, b, place, depth);
                }
            }
            PartType::Message(m) => {
                if depth + 1 > self.limits.max_depth {
                    self.info.truncated = true;
                } else {
                    let saved = self.prefix.clone();
                    self.prefix = format!("{}/", place.trim_start_matches("attachment:"));
                    self.message(m, depth + 1);
                    self.prefix = saved;
                }
            }
            PartType::Multipart(_) => {}
        }
    }

    /// `t` under the pending writer's line, if any (plain text only: a
    /// CSV's header row and an RTF's signature must stay first).
    fn headed<'t>(&mut self, t: &'t str, kind: TextKind) -> std::borrow::Cow<'t, str> {
        if kind != TextKind::Plain || t.starts_with("{\\rtf") {
            return t.into();
        }
        match self.writer.take() {
            Some(line) => format!("{line}\n\n{t}").into(),
            None => t.into(),
        }
    }

    /// A bounce's returned headers (`text/rfc822-headers`): read as text,
    /// and as the header of a message too, so its Subject is also read as
    /// a subject is (unfolded).
    fn returned_headers(&mut self, t: &str, place: &str, depth: usize) {
        self.emit_with_tables(Location::Attachment, place, t);
        let Some(m) = MessageParser::default().parse_headers(t.as_bytes()) else {
            return;
        };
        if depth + 1 > self.limits.max_depth {
            self.info.truncated = true;
            return;
        }
        let saved = self.prefix.clone();
        self.prefix = format!("{}/", place.trim_start_matches("attachment:"));
        self.message(&m, depth + 1);
        self.prefix = saved;
    }

    /// A binary attachment: documents and archives through `extract`.
    fn binary(&mut self, part: &mail_parser::MessagePart<'_>, b: &[u8], place: &str, depth: usize) {
        let subtype = part
            .content_type()
            .and_then(|c| c.subtype())
            .unwrap_or("")
            .to_ascii_lowercase();
        let inline_image = extract::sniff(b, "", &subtype) == extract::Format::Image
            && (part.content_id().is_some()
                || part
                    .content_disposition()
                    .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline")));
        if inline_image || b.is_empty() {
            // Pictures referenced from the HTML body: logos, signatures.
            return;
        }
        let name = place
            .strip_prefix("attachment:")
            .unwrap_or(place)
            .to_string();
        self.extract(b, &name, &subtype, depth);
    }

    /// Read a file's bytes through `extract` under the message's budget.
    fn extract(&mut self, b: &[u8], name: &str, subtype: &str, depth: usize) {
        let budget = std::mem::replace(&mut self.budget, Budget::new(self.limits.extract));
        let mut v = ExtractVisitor { w: self, depth };
        extract::extract(b, name, subtype, 0, &budget, &mut v);
        self.budget = budget;
    }

    /// Files pasted into a text body with uuencode, read as attachments.
    fn uuencoded(&mut self, t: &str, depth: usize) {
        let cap = self.limits.extract.max_input_bytes;
        for f in extract::uu::files(t, cap, 16) {
            self.emit(
                Location::Attachment,
                &format!("attachment:{}", f.name),
                &f.name,
            );
            self.extract(&f.bytes, &f.name, "", depth);
        }
    }

    fn text(&mut self, loc: Location, place: &str, t: &str, kind: TextKind, depth: usize) {
        let cap = self.limits.extract.max_output_bytes;
        if t.starts_with("{\\rtf") {
            let text = extract::rtf::to_text(t.as_bytes(), cap);
            return self.emit_with_tables(loc, place, &text);
        }
        match kind {
            TextKind::Html => self.emit(loc, place, &html::to_text(t)),
            TextKind::Csv => self.emit(loc, place, &table::csv_to_labeled(t, cap)),
            _ => {
                self.emit_with_tables(loc, place, t);
                self.uuencoded(t, depth);
            }
        }
    }
}

/// Is `part` the headers a bounce returns of the message it could not
/// deliver (`text/rfc822-headers`, RFC 6522)?
fn returned_headers(part: &mail_parser::MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|c| {
        c.subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
    })
}

/// Receives what `extract` finds in one attachment.
struct ExtractVisitor<'w, 'v> {
    w: &'w mut Walker<'v>,
    depth: usize,
}

impl extract::Visitor for ExtractVisitor<'_, '_> {
    fn text(&mut self, place: &str, text: &str) {
        let place = format!("attachment:{place}");
        self.w.emit_with_tables(Location::Attachment, &place, text);
    }

    fn message(&mut self, place: &str, raw: &[u8], _depth: usize) {
        if self.depth + 1 > self.w.limits.max_depth {
            self.w
                .info
                .unreadable
                .push((format!("attachment:{place}"), Unreadable::TooDeep));
            return;
        }
        if let Some(m) = MessageParser::default().parse(raw) {
            let saved = std::mem::replace(&mut self.w.prefix, format!("{place}/"));
            self.w.message(&m, self.depth + 1);
            self.w.prefix = saved;
        }
    }

    fn unreadable(&mut self, place: &str, why: Unreadable) {
        if self.w.info.unreadable.len() < 1000 {
            self.w
                .info
                .unreadable
                .push((format!("attachment:{place}"), why));
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
                | "ccda" | "yaml" | "yml" | "eml",
                _,
                _,
            ) => TextKind::Plain,
            (_, "text", _) => TextKind::Plain,
            (_, "application", s)
                if s.contains("json")
                    || s.contains("xml")
                    || s.contains("csv")
                    || matches!(s, "ics" | "hl7-v2" | "edi-x12" | "x-yaml" | "yaml") =>
            {
                TextKind::Plain
            }
            _ => TextKind::NotText,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(raw: &[u8]) -> (Vec<(Location, String)>, MessageInfo) {
        let mut segs = Vec::new();
        let info = walk(raw, Limits::default(), &mut |s: Segment<'_>| {
            segs.push((s.loc, s.text.to_string()))
        });
        (segs, info)
    }

    #[test]
    fn csv_rows_become_labeled_lines() {
        let t = table::csv_to_labeled(
            "name,dob,ssn\n\"Doe, Jane\",03/03/1961,824-66-7795\n",
            1 << 20,
        );
        assert!(t.contains("DOB: 03/03/1961"), "{t}");
        assert!(t.contains("Patient Name: Doe, Jane"), "{t}");
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

    fn segments(raw: &[u8], fast: bool) -> (Vec<(Location, String, String)>, String) {
        let mut segs = Vec::new();
        let info = walk_with(
            raw,
            Limits::default(),
            &mut |s: Segment<'_>| segs.push((s.loc, s.place.to_string(), s.text.to_string())),
            fast,
        );
        (segs, format!("{info:?}"))
    }

    /// The simple-message path must see exactly what the full parse sees.
    fn same_as_full_parse(raw: &[u8]) -> bool {
        assert_eq!(
            segments(raw, true),
            segments(raw, false),
            "{}",
            String::from_utf8_lossy(raw)
        );
        single_text(raw).is_some()
    }

    #[test]
    fn simple_messages_walk_as_the_full_parse_does() {
        let cases: &[&[u8]] = &[
            b"Subject: a\r\n\r\nbody line\r\nmore\r\n",
            b"Subject: a\n\nbody\n",
            b"Subject: a\r\nX-Note: folded\r\n  on two lines\r\n\r\nbody\r\n",
            // A line of spaces right after a header folds into it.
            b"Subject: a\r\n   \r\nbody after a line of spaces\r\n",
            b"Subject: a\r\n\r\n   \r\nbody after a line of spaces\r\n",
            b"Subject: a\r\n\r\n\r\n\r\nbody after empty lines\r\n",
            b"Subject: a\r\n\r\n",
            b"Subject: a\r\n\r\nbad \xff\xfe utf-8 \xc3\r\n",
            b"Subject: a\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xc3\xa9\r\n",
            b"Subject: a\r\nContent-Type: text/plain\r\n\r\n{\\rtf1 Jane Doe}\r\n",
            b"Subject: a\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9\r\n",
            b"Subject: a\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nJane=20Doe\r\n",
            b"Subject: a\r\nContent-Type: text/plain; name=a.txt\r\n\r\nx\r\n",
            b"Subject: a\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nx\r\n",
            b"Subject: a\r\nnot a header line\r\n\r\nbody\r\n",
            b"Subject: a\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n",
            b"Subject: no blank line at all",
            b"just text, no header\r\n",
        ];
        let fast: Vec<bool> = cases.iter().map(|c| same_as_full_parse(c)).collect();
        assert_eq!(
            fast,
            [
                true, true, true, false, true, true, true, true, true, true, false, false, false,
                false, false, false, false, false
            ]
        );
    }

    #[test]
    fn corpus_messages_walk_as_the_full_parse_does() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/phi-dev"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/phi-heldout"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/phi-voices"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/phi-voices2"),
        ];
        let (mut seen, mut simple) = (0, 0);
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "eml") {
                    let raw = std::fs::read(e.path()).expect("read");
                    seen += 1;
                    simple += usize::from(same_as_full_parse(&raw));
                }
            }
        }
        assert!(seen >= 200, "fixtures found: {seen}");
        assert!(simple >= 20, "simple messages among them: {simple}");
    }

    #[test]
    fn text_budget_truncates() {
        let mut body = b"Subject: x\r\n\r\n".to_vec();
        body.extend(std::iter::repeat_n(b'a', 5000));
        let limits = Limits {
            max_text_bytes: 1000,
            ..Limits::default()
        };
        let info = walk(&body, limits, &mut |_| {});
        assert!(info.truncated);
        assert!(info.text_bytes <= 1000);
    }
}
