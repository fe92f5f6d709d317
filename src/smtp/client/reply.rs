//! Pure parsing of server replies and EHLO keywords (no I/O).
//!
//! RFC 5321 §4.2: a reply is one or more lines `ddd-text` ending with a line
//! `ddd text` (or bare `ddd`), all with the same code. RFC 3463/2034: the
//! text of each line may start with an enhanced status code `c.s.d`.
//! Bounds (line length, line count) are enforced by the reader in
//! `session.rs`; this module only interprets complete lines.

use crate::smtp::reply::Enhanced;
/// A server's reply is the project's one reply value.
pub use crate::smtp::reply::Reply as ServerReply;

/// One parsed reply line: code, whether it is the last line, text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ReplyLine<'a> {
    pub code: u16,
    pub last: bool,
    pub text: &'a str,
}

/// Parse one reply line (without CRLF). RFC 5321 §4.2: `ddd` then SP, `-`
/// or end of line. The first digit must be 2..=5 (§4.2.1).
pub(crate) fn parse_line(line: &[u8]) -> Result<ReplyLine<'_>, String> {
    let line = std::str::from_utf8(line).map_err(|_| "reply line is not UTF-8".to_string())?;
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return Err(format!("malformed reply line {:?}", truncate(line)));
    }
    if !(b'2'..=b'5').contains(&bytes[0]) {
        return Err(format!("reply code out of range in {:?}", truncate(line)));
    }
    let code = line[..3].parse::<u16>().map_err(|e| e.to_string())?;
    let (last, text) = match bytes.get(3) {
        None => (true, ""),
        Some(b' ') => (true, &line[4..]),
        Some(b'-') => (false, &line[4..]),
        Some(_) => return Err(format!("malformed reply line {:?}", truncate(line))),
    };
    Ok(ReplyLine { code, last, text })
}

fn truncate(s: &str) -> &str {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Parse an RFC 3463 enhanced code at the start of `text` if its class
/// matches the reply's first digit (RFC 2034 §4). Returns code and rest.
pub(crate) fn parse_enhanced(code: u16, text: &str) -> Option<(Enhanced, &str)> {
    let (token, rest) = match text.split_once(' ') {
        Some((t, r)) => (t, r),
        None => (text, ""),
    };
    let e = Enhanced::parse(token)?;
    (u16::from(e.class) == code / 100).then_some((e, rest))
}

/// Assemble a reply from its lines (already checked to share one code).
pub(crate) fn assemble(code: u16, texts: &[String]) -> ServerReply {
    let enhanced = texts
        .first()
        .and_then(|t| parse_enhanced(code, t))
        .map(|(e, _)| e);
    let lines: Vec<String> = texts
        .iter()
        .map(|t| match (enhanced, parse_enhanced(code, t)) {
            (Some(e), Some((e2, rest))) if e == e2 => rest.to_string(),
            _ => t.clone(),
        })
        .collect();
    ServerReply {
        code,
        enhanced,
        lines,
    }
}

/// Service extensions announced in the EHLO reply (RFC 5321 §4.1.1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    /// True when the session used EHLO; false after a HELO fallback.
    pub esmtp: bool,
    /// RFC 3207 STARTTLS.
    pub starttls: bool,
    /// RFC 2920 PIPELINING.
    pub pipelining: bool,
    /// RFC 1870 SIZE; `Some(0)` means "no fixed limit", `None` not offered.
    pub size: Option<usize>,
    /// RFC 6152 8BITMIME.
    pub eight_bit_mime: bool,
    /// RFC 6531 SMTPUTF8.
    pub smtputf8: bool,
    /// RFC 3461 DSN.
    pub dsn: bool,
    /// RFC 6710 MT-PRIORITY.
    pub mt_priority: bool,
    /// RFC 8689 REQUIRETLS.
    pub requiretls: bool,
    /// RFC 2034 ENHANCEDSTATUSCODES.
    pub enhanced_status_codes: bool,
    /// RFC 3030 CHUNKING (announced; this client sends DATA).
    pub chunking: bool,
    /// RFC 4954 AUTH mechanisms (upper case).
    pub auth: Vec<String>,
}

impl Extensions {
    /// Parse an EHLO reply: the first line is the greeting domain, each
    /// further line is `keyword [params]` (RFC 5321 §4.1.1.1).
    pub fn from_ehlo(reply: &ServerReply) -> Extensions {
        let mut ext = Extensions {
            esmtp: true,
            ..Extensions::default()
        };
        for line in reply.lines().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            match keyword.to_ascii_uppercase().as_str() {
                "STARTTLS" => ext.starttls = true,
                "PIPELINING" => ext.pipelining = true,
                // RFC 1870 §4: missing or unparsable argument => no limit known.
                "SIZE" => ext.size = Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
                "8BITMIME" => ext.eight_bit_mime = true,
                "SMTPUTF8" => ext.smtputf8 = true,
                "DSN" => ext.dsn = true,
                "MT-PRIORITY" => ext.mt_priority = true,
                "REQUIRETLS" => ext.requiretls = true,
                "ENHANCEDSTATUSCODES" => ext.enhanced_status_codes = true,
                "CHUNKING" => ext.chunking = true,
                "AUTH" => ext.auth = words.map(str::to_ascii_uppercase).collect(),
                _ => {}
            }
        }
        ext
    }

    /// The server's message size limit, if it announced a non-zero one.
    pub fn max_size(&self) -> Option<usize> {
        self.size.filter(|&n| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_lines_parse_with_continuation_marker() {
        let l = parse_line(b"250-PIPELINING").expect("valid");
        assert_eq!((l.code, l.last, l.text), (250, false, "PIPELINING"));
        let l = parse_line(b"354").expect("valid");
        assert_eq!((l.code, l.last, l.text), (354, true, ""));
        assert!(parse_line(b"25").is_err());
        assert!(parse_line(b"2500 x").is_err());
        assert!(parse_line(b"150 x").is_err());
        assert!(parse_line(b"abc def").is_err());
    }

    #[test]
    fn enhanced_code_is_split_from_text_when_class_matches() {
        let r = assemble(550, &["5.1.1 no such user".into(), "5.1.1 really".into()]);
        assert_eq!(r.enhanced, Some(Enhanced::new(5, 1, 1)));
        assert_eq!(r.lines, ["no such user", "really"]);
        let r = assemble(450, &["5.1.1 mismatched class".into()]);
        assert_eq!(r.enhanced, None);
        assert_eq!(r.lines, ["5.1.1 mismatched class"]);
    }

    #[test]
    fn ehlo_keywords_become_extensions() {
        let r = assemble(
            250,
            &[
                "mx.example".into(),
                "pipelining".into(),
                "SIZE 1000".into(),
                "STARTTLS".into(),
                "DSN".into(),
                "AUTH plain LOGIN".into(),
            ],
        );
        let e = Extensions::from_ehlo(&r);
        assert!(e.pipelining && e.starttls && e.dsn && e.esmtp);
        assert!(!e.smtputf8);
        assert_eq!(e.max_size(), Some(1000));
        assert_eq!(e.auth, vec!["PLAIN".to_string(), "LOGIN".to_string()]);
        let e = Extensions::from_ehlo(&assemble(250, &["x".into(), "SIZE".into()]));
        assert_eq!((e.size, e.max_size()), (Some(0), None));
    }
}
