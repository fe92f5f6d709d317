//! SMTP replies as values (RFC 5321 §4.2) with enhanced status codes
//! (RFC 2034, codes from RFC 3463). Handlers return a `Reply`; only the
//! session writes it to the wire. Texts never carry internal error details.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An RFC 3463 enhanced status code `class.subject.detail`, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Enhanced {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl Enhanced {
    pub const fn new(class: u8, subject: u16, detail: u16) -> Self {
        Enhanced {
            class,
            subject,
            detail,
        }
    }

    /// "5.1.1" → Enhanced; class 2, 4 or 5 and up to three digits each.
    pub fn parse(text: &str) -> Option<Enhanced> {
        let mut parts = text.split('.');
        let (c, s, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits =
            |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || c.len() != 1 || !digits(s) || !digits(d) {
            return None;
        }
        let class: u8 = c.parse().ok()?;
        if !matches!(class, 2 | 4 | 5) {
            return None;
        }
        Some(Enhanced::new(class, s.parse().ok()?, d.parse().ok()?))
    }
}

impl fmt::Display for Enhanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl FromStr for Enhanced {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Enhanced::parse(s).ok_or_else(|| format!("not an enhanced status code: {s:?}"))
    }
}

impl Serialize for Enhanced {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Enhanced {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Enhanced::parse(&text).ok_or_else(|| serde::de::Error::custom("bad enhanced status code"))
    }
}

/// One SMTP reply: a three-digit code, an enhanced status code and text —
/// the one reply value of the server, the client, the spool and DSNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced: Option<Enhanced>,
    /// Text lines, without codes.
    pub lines: Vec<String>,
}

impl Reply {
    /// `enhanced` is a literal such as "5.1.1" (checked in tests and debug builds).
    pub fn new(code: u16, enhanced: &str, text: impl Into<String>) -> Self {
        let e = Enhanced::parse(enhanced);
        debug_assert!(e.is_some(), "bad enhanced code {enhanced:?}");
        Reply {
            code,
            enhanced: e,
            lines: vec![text.into()],
        }
    }

    pub fn with(code: u16, enhanced: Enhanced, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: Some(enhanced),
            lines: vec![text.into()],
        }
    }

    /// A reply whose enhanced code comes from configuration (policy rules).
    pub fn owned(code: u16, enhanced: String, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: Enhanced::parse(&enhanced),
            lines: vec![text.into()],
        }
    }

    /// A reply without an enhanced code (greeting, EHLO, 354, 334).
    pub fn plain(code: u16, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: None,
            lines: vec![text.into()],
        }
    }

    pub fn multiline(code: u16, lines: Vec<String>) -> Self {
        Reply {
            code,
            enhanced: None,
            lines,
        }
    }

    /// Parse "550 5.1.1 text" (the one-line form of `Display`), as older
    /// spool records stored replies.
    pub fn parse_line(text: &str) -> Option<Reply> {
        let (code, rest) = text.split_once(' ').unwrap_or((text, ""));
        let code: u16 = code.parse().ok().filter(|c| (200..600).contains(c))?;
        let (enhanced, rest) = match rest.split_once(' ') {
            Some((e, r)) => match Enhanced::parse(e) {
                Some(e) => (Some(e), r),
                None => (None, rest),
            },
            None => match Enhanced::parse(rest) {
                Some(e) => (Some(e), ""),
                None => (None, rest),
            },
        };
        Some(Reply {
            code,
            enhanced,
            lines: vec![rest.to_string()],
        })
    }

    /// 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }
    /// 3xx: positive intermediate (354 after DATA).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }
    /// 4xx: try again later.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }
    /// 5xx: permanent negative completion (RFC 5321 §4.2.1).
    pub fn is_permanent(&self) -> bool {
        self.code >= 500
    }

    /// The text lines, in order (EHLO keywords are lines 2..).
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// The text on one line, control characters replaced (logs, DSNs).
    pub fn text(&self) -> String {
        self.lines
            .join(" / ")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    }

    /// The enhanced code, else one derived from the reply code's class.
    pub fn status(&self) -> Enhanced {
        self.enhanced
            .unwrap_or_else(|| Enhanced::new((self.code / 100) as u8, 0, 0))
    }

    /// Wire form; `enhanced` is only written when the client may see it
    /// (RFC 2034 §3: every line of a multi-line reply carries it).
    pub fn to_wire(&self, enhanced_ok: bool) -> String {
        let mut out = String::new();
        let last = self.lines.len().saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i == last { ' ' } else { '-' };
            let _ = write!(out, "{}{}", self.code, sep);
            if let (true, Some(e)) = (enhanced_ok, &self.enhanced) {
                let _ = write!(out, "{e} ");
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        if self.lines.is_empty() {
            let _ = write!(out, "{}\r\n", self.code);
        }
        out
    }
}

/// "550 5.1.1 text": one line, for logs, queue listings and DSNs.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(e) = self.enhanced {
            write!(f, " {e}")?;
        }
        let text = self.text();
        if !text.is_empty() {
            write!(f, " {text}")?;
        }
        Ok(())
    }
}

/// Replies used in more than one place, so wording stays consistent.
pub mod std_replies {
    use super::Reply;

    pub fn ok() -> Reply {
        Reply::new(250, "2.0.0", "OK")
    }
    pub fn bad_sequence(text: &str) -> Reply {
        Reply::new(503, "5.5.1", text.to_string())
    }
    pub fn syntax(text: &str) -> Reply {
        Reply::new(501, "5.5.4", text.to_string())
    }
    pub fn line_too_long() -> Reply {
        Reply::new(500, "5.5.2", "Line too long")
    }
    pub fn unknown_command() -> Reply {
        Reply::new(500, "5.5.1", "Command unrecognized")
    }
    pub fn too_big() -> Reply {
        Reply::new(
            552,
            "5.3.4",
            "Message size exceeds fixed maximum message size",
        )
    }
    pub fn bare_newline() -> Reply {
        Reply::new(
            550,
            "5.6.11",
            "Bare CR or LF in message data; lines must end with CRLF",
        )
    }
    /// RFC 5321 §2.3.8 / RFC 3030 §3: NUL needs BINARYMIME, which sealpost
    /// does not offer.
    pub fn nul_in_data() -> Reply {
        Reply::new(
            550,
            "5.6.0",
            "NUL octet in message data; binary content needs BINARYMIME, not offered",
        )
    }
    pub fn local_error() -> Reply {
        Reply::new(451, "4.3.0", "Local error in processing, try again later")
    }
    pub fn closing(hostname: &str) -> Reply {
        Reply::new(221, "2.0.0", format!("{hostname} closing connection"))
    }
    pub fn timeout() -> Reply {
        Reply::new(421, "4.4.2", "Timeout exceeded, closing connection")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_reply_uses_dash_then_space_and_repeats_enhanced_code() {
        let r = Reply {
            code: 250,
            enhanced: Enhanced::parse("2.0.0"),
            lines: vec!["a".into(), "b".into()],
        };
        assert_eq!(r.to_wire(true), "250-2.0.0 a\r\n250 2.0.0 b\r\n");
        assert_eq!(r.to_wire(false), "250-a\r\n250 b\r\n");
    }

    #[test]
    fn enhanced_codes_parse_as_numbers_and_print_back() {
        assert_eq!(Enhanced::parse("5.7.30"), Some(Enhanced::new(5, 7, 30)));
        assert_eq!(Enhanced::new(4, 4, 1).to_string(), "4.4.1");
        for bad in ["", "5.1", "3.1.1", "5.1.1.1", "5.a.1", "55.1.1", "5.1.1000"] {
            assert_eq!(Enhanced::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_stored_reply_line_parses_back_into_the_same_reply() {
        let r = Reply::new(550, "5.1.1", "no such user");
        assert_eq!(r.to_string(), "550 5.1.1 no such user");
        assert_eq!(Reply::parse_line(&r.to_string()), Some(r));
        let plain = Reply::parse_line("421 closing").expect("parses");
        assert_eq!((plain.code, plain.enhanced), (421, None));
        assert_eq!(plain.status(), Enhanced::new(4, 0, 0));
        assert_eq!(Reply::parse_line("bounced: 5.1.1"), None);
        let json = serde_json::to_string(&Reply::new(451, "4.4.1", "x")).expect("json");
        assert_eq!(json, r#"{"code":451,"enhanced":"4.4.1","lines":["x"]}"#);
    }
}
