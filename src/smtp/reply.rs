//! SMTP replies as values (RFC 5321 §4.2) with enhanced status codes
//! (RFC 2034, codes from RFC 3463). Handlers return a `Reply`; only the
//! session writes it to the wire. Texts never carry internal error details.

use std::borrow::Cow;
use std::fmt::Write as _;

/// One SMTP reply: a three-digit code, an enhanced status code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub enhanced: Option<Cow<'static, str>>,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn new(code: u16, enhanced: &'static str, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: Some(Cow::Borrowed(enhanced)),
            lines: vec![text.into()],
        }
    }

    /// A reply whose enhanced code comes from configuration (policy rules).
    pub fn owned(code: u16, enhanced: String, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: Some(Cow::Owned(enhanced)),
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

    pub fn is_positive(&self) -> bool {
        self.code < 400
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
            enhanced: Some(Cow::Borrowed("2.0.0")),
            lines: vec!["a".into(), "b".into()],
        };
        assert_eq!(r.to_wire(true), "250-2.0.0 a\r\n250 2.0.0 b\r\n");
        assert_eq!(r.to_wire(false), "250-a\r\n250 b\r\n");
    }
}
