//! Header rewrites at delivery: replace the Subject (or strip recognised
//! tags from it) and add headers. Only the header block changes; the body
//! bytes are copied untouched. Non-ASCII subjects are written as RFC 2047
//! encoded words (`=?UTF-8?B?...?=`).

use crate::policy::priority::{PrioritySettings, strip_tags};
use crate::policy::verdict::Verdict;
use mail_parser::MessageParser;

/// Offset of the blank line ending the header block (start of the
/// separator) and the separator length.
fn header_end(raw: &[u8]) -> (usize, usize) {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = raw.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) if b + 1 < a + 2 => (b + 1, 1),
        (Some(a), _) => (a + 2, 2),
        (None, Some(b)) => (b + 1, 1),
        (None, None) => (raw.len(), 0),
    }
}

/// Split a header block into whole fields (with continuation lines).
fn fields(block: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < block.len() {
        if block[i] == b'\n' {
            let next = block.get(i + 1).copied();
            if !matches!(next, Some(b' ' | b'\t')) {
                out.push(&block[start..=i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    if start < block.len() {
        out.push(&block[start..]);
    }
    out
}

fn is_subject(field: &[u8]) -> bool {
    field.len() >= 8 && field[..8].eq_ignore_ascii_case(b"subject:")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(char::from(B64[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Encode a Subject value (RFC 2047 when not plain ASCII).
fn encode_subject(s: &str, eol: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.chars().take(900).collect();
    }
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.chars().filter(|c| !c.is_control()) {
        if cur.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(cur.as_bytes())));
            cur.clear();
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(cur.as_bytes())));
    }
    words.join(&format!("{eol} "))
}

/// The Subject to deliver, if it changes.
fn new_subject(raw: &[u8], v: &Verdict) -> Option<String> {
    if let Some(s) = &v.subject_rewrite {
        return Some(s.clone());
    }
    if !v.strip_subject_tags {
        return None;
    }
    let msg = MessageParser::default().parse_headers(raw)?;
    let old = msg.subject()?;
    let mut settings = PrioritySettings::default();
    if let Some((first, rest)) = v.tag_names.split_first() {
        settings.subject_tag = first.clone();
        settings.force_tags = rest.to_vec();
    }
    let stripped = strip_tags(old, &settings);
    (stripped != old.split_whitespace().collect::<Vec<_>>().join(" ")).then_some(stripped)
}

/// Apply the verdict's header rewrites; body bytes are untouched.
pub fn apply_rewrites(raw: &[u8], verdict: &Verdict) -> Vec<u8> {
    let subject = new_subject(raw, verdict);
    if subject.is_none() && verdict.add_headers.is_empty() {
        return raw.to_vec();
    }
    let (end, _) = header_end(raw);
    let block = &raw[..end];
    let eol = if block.windows(2).any(|w| w == b"\r\n") || block.is_empty() {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = Vec::with_capacity(raw.len() + 256);
    for (n, v) in &verdict.add_headers {
        out.extend_from_slice(format!("{n}: {v}{eol}").as_bytes());
    }
    let mut placed = false;
    for f in fields(block) {
        match (&subject, is_subject(f)) {
            (Some(s), true) => {
                if !placed {
                    out.extend_from_slice(
                        format!("Subject: {}{eol}", encode_subject(s, eol)).as_bytes(),
                    );
                    placed = true;
                }
            }
            _ => out.extend_from_slice(f),
        }
    }
    if let (Some(s), false) = (&subject, placed) {
        out.extend_from_slice(format!("Subject: {}{eol}", encode_subject(s, eol)).as_bytes());
    }
    if end == raw.len() {
        out.extend_from_slice(eol.as_bytes());
    }
    out.extend_from_slice(&raw[end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_subject_and_adds_headers_body_untouched() {
        let raw = b"From: a@b.example\r\nSubject: Jane DOB 03/03/1961\r\n  continued\r\nTo: c@d.example\r\n\r\nBody DOB 03/03/1961\r\n";
        let v = Verdict {
            subject_rewrite: Some("Secure message".into()),
            add_headers: vec![("X-Sealpost-PHI".into(), "yes".into())],
            ..Verdict::default()
        };
        let out = String::from_utf8(apply_rewrites(raw, &v)).unwrap_or_default();
        assert!(out.starts_with("X-Sealpost-PHI: yes\r\n"), "{out}");
        assert!(
            out.contains(
                "\r\nSubject: Secure message\r\nTo: c@d.example\r\n\r\nBody DOB 03/03/1961\r\n"
            ),
            "{out}"
        );
        assert!(!out.contains("continued"));
    }

    #[test]
    fn strips_tags_from_encoded_subject() {
        let raw = b"Subject: =?UTF-8?Q?[secure]_R=C3=A9sultat_[priority:9]?=\n\nbody";
        let v = Verdict {
            strip_subject_tags: true,
            tag_names: vec!["priority".into(), "secure".into(), "encrypt".into()],
            ..Verdict::default()
        };
        let out = apply_rewrites(raw, &v);
        let parsed = MessageParser::default()
            .parse(&out[..])
            .and_then(|m| m.subject().map(str::to_string));
        assert_eq!(parsed.as_deref(), Some("Résultat"));
        assert!(out.ends_with(b"\n\nbody"));
    }

    #[test]
    fn no_change_returns_input() {
        let raw = b"Subject: hello\r\n\r\nx";
        assert_eq!(apply_rewrites(raw, &Verdict::default()), raw.to_vec());
        assert_eq!(base64(b"Ma"), "TWE=");
    }
}
