//! Pure encoders for the client side of the wire (no I/O).
//!
//! * `DotStuffer`: RFC 5321 §4.5.2 transparency — a line starting with '.'
//!   gets one more '.'; the body is closed by `CRLF . CRLF` (§4.1.1.4). It
//!   works chunk by chunk so a large body is never copied whole.
//! * `xtext`: RFC 3461 §4 encoding for ENVID and ORCPT.
//! * `mail_command` / `rcpt_command`: the MAIL and RCPT lines with only the
//!   parameters the server announced. Addresses are checked first so that
//!   no CR, LF, '<' or '>' from input can smuggle a command onto the wire.

use super::error::ClientError;
use super::reply::Extensions;
use super::{DsnParams, DsnRet, Envelope, Notify};

/// Streaming dot-stuffer. Feed chunks with `stuff`, then call `finish`.
///
/// It is the last gate before the wire: a NUL, a bare CR or a bare LF is
/// refused (`ClientError::UnsafeBody`), never written, so no entry point
/// can hand a next hop an ambiguous end of data (SMTP smuggling,
/// CVE-2023-51764/51765/51766). A CR is held back until its LF is seen, so
/// not even a lone CR at a chunk boundary goes out. `Client::send` checks
/// the whole body before any command; this check only stands behind it.
#[derive(Debug)]
pub(crate) struct DotStuffer {
    at_line_start: bool,
    last: Option<u8>,
    pending_cr: bool,
    offset: usize,
}

impl DotStuffer {
    pub(crate) fn new() -> Self {
        DotStuffer {
            at_line_start: true,
            last: None,
            pending_cr: false,
            offset: 0,
        }
    }

    /// Append the stuffed form of `chunk` to `out`; refuses (writing
    /// nothing of the offending octet) on NUL, bare CR or bare LF.
    pub(crate) fn stuff(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), ClientError> {
        out.reserve(chunk.len() + 8);
        let mut i = 0;
        while i < chunk.len() {
            // Inside a line, copy up to the next octet of interest at once.
            if !self.pending_cr && !self.at_line_start {
                let rest = &chunk[i..];
                let n = memchr::memchr3(0, b'\r', b'\n', rest).unwrap_or(rest.len());
                if n > 0 {
                    out.extend_from_slice(&rest[..n]);
                    self.last = Some(rest[n - 1]);
                    self.offset += n;
                    i += n;
                    continue;
                }
            }
            let b = chunk[i];
            i += 1;
            let at = self.offset;
            self.offset += 1;
            if self.pending_cr {
                if b != b'\n' {
                    return Err(unsafe_body("bare CR", at - 1));
                }
                self.pending_cr = false;
                out.extend_from_slice(b"\r\n");
                self.at_line_start = true;
                self.last = Some(b'\n');
                continue;
            }
            match b {
                0 => return Err(unsafe_body("NUL", at)),
                b'\n' => return Err(unsafe_body("bare LF", at)),
                b'\r' => {
                    self.pending_cr = true;
                    continue;
                }
                _ => {}
            }
            // RFC 5321 §4.5.2: "If the first character is a period, one
            // additional period is inserted at the beginning of the line."
            if self.at_line_start && b == b'.' {
                out.push(b'.');
            }
            out.push(b);
            self.at_line_start = false;
            self.last = Some(b);
        }
        Ok(())
    }

    /// Append the end-of-data marker, completing an unterminated last line.
    /// A body ending in a lone CR is refused: it was not a line ending.
    pub(crate) fn finish(self, out: &mut Vec<u8>) -> Result<(), ClientError> {
        if self.pending_cr {
            return Err(unsafe_body("bare CR", self.offset.saturating_sub(1)));
        }
        match self.last {
            None | Some(b'\n') => {}
            Some(_) => out.extend_from_slice(b"\r\n"),
        }
        out.extend_from_slice(b".\r\n");
        Ok(())
    }
}

fn unsafe_body(what: &'static str, offset: usize) -> ClientError {
    ClientError::UnsafeBody { what, offset }
}

/// Refuse a body holding a NUL, a bare CR or a bare LF before anything is
/// sent (RFC 5321 §2.3.8: CR and LF only as CRLF; no BINARYMIME here).
pub(crate) fn check_body(body: &[u8]) -> Result<(), ClientError> {
    use crate::smtp::data::{DataError, forbidden_octet};
    match forbidden_octet(body) {
        None => Ok(()),
        Some((DataError::Nul, offset)) => Err(ClientError::UnsafeBody {
            what: "NUL",
            offset,
        }),
        Some((_, offset)) => Err(ClientError::UnsafeBody {
            what: if body.get(offset) == Some(&b'\r') {
                "bare CR"
            } else {
                "bare LF"
            },
            offset,
        }),
    }
}

/// Convenience for tests and small bodies: stuff and terminate in one go.
#[cfg(test)]
pub(crate) fn dot_stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut s = DotStuffer::new();
    s.stuff(body, &mut out).expect("clean body");
    s.finish(&mut out).expect("clean body");
    out
}

/// RFC 3461 §4: xtext — '+', '=' and bytes outside '!'..='~' become "+HH".
pub(crate) fn xtext(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if (b'!'..=b'~').contains(&b) && b != b'+' && b != b'=' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("+{b:02X}"));
        }
    }
    out
}

/// Reject anything that could break out of `<...>` or the command line.
pub(crate) fn check_address(addr: &str) -> Result<(), ClientError> {
    let bad = addr
        .bytes()
        .any(|b| b.is_ascii_control() || b == b' ' || b == b'<' || b == b'>');
    // RFC 5321 §4.5.3.1.3: a path is at most 256 octets.
    if bad || addr.len() > 256 {
        return Err(ClientError::InvalidEnvelope(
            "address with control characters, spaces, brackets or over 256 octets".into(),
        ));
    }
    Ok(())
}

fn needs_utf8(s: &str) -> bool {
    !s.is_ascii()
}

/// Check the envelope against what the server offers, before any command.
pub(crate) fn check_envelope(
    env: &Envelope<'_>,
    ext: &Extensions,
    body_len: usize,
) -> Result<(), ClientError> {
    if env.recipients.is_empty() {
        return Err(ClientError::InvalidEnvelope("no recipients".into()));
    }
    check_address(env.mail_from)?;
    env.recipients.iter().try_for_each(|r| check_address(r))?;
    if let Some(p) = env.mt_priority
        && !(-9..=9).contains(&p)
    {
        return Err(ClientError::InvalidEnvelope(
            "MT-PRIORITY outside -9..=9".into(),
        ));
    }
    let utf8 =
        env.smtputf8 || needs_utf8(env.mail_from) || env.recipients.iter().any(|r| needs_utf8(r));
    // RFC 6531 §3.4: without SMTPUTF8 at the server the message must not be sent.
    if utf8 && !ext.smtputf8 {
        return Err(ClientError::Unsupported("SMTPUTF8"));
    }
    // RFC 8689 §4.2.1: a REQUIRETLS message only to servers offering it.
    if env.requiretls && !ext.requiretls {
        return Err(ClientError::RequireTlsUnsupported);
    }
    // RFC 6152 §3: 8-bit content only to servers announcing 8BITMIME.
    if env.body_8bit && !ext.eight_bit_mime {
        return Err(ClientError::Unsupported("8BITMIME"));
    }
    // RFC 1870 §4: do not send a message the server has said it will refuse.
    let size = env.size.max(body_len);
    if let Some(max) = ext.max_size()
        && size > max
    {
        return Err(ClientError::SizeExceeded { size, max });
    }
    Ok(())
}

/// The MAIL FROM line (with CRLF), carrying only announced parameters.
pub(crate) fn mail_command(env: &Envelope<'_>, ext: &Extensions, body_len: usize) -> String {
    let mut cmd = format!("MAIL FROM:<{}>", env.mail_from);
    if ext.size.is_some() {
        // RFC 1870 §3: SIZE=<estimated octets>.
        cmd.push_str(&format!(" SIZE={}", env.size.max(body_len)));
    }
    if env.body_8bit && ext.eight_bit_mime {
        cmd.push_str(" BODY=8BITMIME");
    }
    let utf8 =
        env.smtputf8 || needs_utf8(env.mail_from) || env.recipients.iter().any(|r| needs_utf8(r));
    if utf8 && ext.smtputf8 {
        cmd.push_str(" SMTPUTF8");
    }
    if let (Some(dsn), true) = (&env.dsn, ext.dsn) {
        push_dsn_mail(&mut cmd, dsn);
    }
    if let (Some(p), true) = (env.mt_priority, ext.mt_priority) {
        // RFC 6710 §3: MT-PRIORITY=<-9..9>.
        cmd.push_str(&format!(" MT-PRIORITY={p}"));
    }
    if env.requiretls {
        cmd.push_str(" REQUIRETLS");
    }
    cmd.push_str("\r\n");
    cmd
}

fn push_dsn_mail(cmd: &mut String, dsn: &DsnParams<'_>) {
    // RFC 3461 §4.3 (RET) and §4.4 (ENVID).
    match dsn.ret {
        Some(DsnRet::Full) => cmd.push_str(" RET=FULL"),
        Some(DsnRet::Headers) => cmd.push_str(" RET=HDRS"),
        None => {}
    }
    if let Some(envid) = dsn.envid {
        cmd.push_str(&format!(" ENVID={}", xtext(envid)));
    }
}

/// The RCPT TO line (with CRLF) for recipient `index`.
pub(crate) fn rcpt_command(env: &Envelope<'_>, ext: &Extensions, index: usize) -> String {
    let rcpt = env
        .recipients
        .get(index)
        .map(String::as_str)
        .unwrap_or_default();
    let mut cmd = format!("RCPT TO:<{rcpt}>");
    let per_rcpt = env
        .dsn
        .as_ref()
        .filter(|_| ext.dsn)
        .and_then(|d| d.recipients.get(index));
    if let Some(r) = per_rcpt {
        if let Some(notify) = r.notify {
            // RFC 3461 §4.1: NOTIFY=NEVER or a list of SUCCESS,FAILURE,DELAY.
            cmd.push_str(&format!(" NOTIFY={}", notify_value(notify)));
        }
        if let Some(orcpt) = r.orcpt {
            // RFC 3461 §4.2: ORCPT=addr-type;xtext (utf-8 type needs SMTPUTF8).
            cmd.push_str(&format!(" ORCPT=rfc822;{}", xtext(orcpt)));
        }
    }
    cmd.push_str("\r\n");
    cmd
}

fn notify_value(n: Notify) -> String {
    let mut parts = Vec::new();
    if n.success {
        parts.push("SUCCESS");
    }
    if n.failure {
        parts.push("FAILURE");
    }
    if n.delay {
        parts.push("DELAY");
    }
    if parts.is_empty() {
        "NEVER".to_string()
    } else {
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_starting_with_a_dot_get_one_more_dot() {
        assert_eq!(
            dot_stuff(b".a\r\nb.\r\n..c\r\n"),
            b"..a\r\nb.\r\n...c\r\n.\r\n".to_vec()
        );
        assert_eq!(dot_stuff(b"x\r\n.\r\n"), b"x\r\n..\r\n.\r\n".to_vec());
        assert_eq!(dot_stuff(b""), b".\r\n".to_vec());
        assert_eq!(dot_stuff(b"no newline"), b"no newline\r\n.\r\n".to_vec());
    }

    #[test]
    fn dot_stuffing_survives_chunk_boundaries() {
        let mut out = Vec::new();
        let mut s = DotStuffer::new();
        s.stuff(b"a\r", &mut out).expect("ok");
        s.stuff(b"\n", &mut out).expect("ok");
        s.stuff(b".b\r\n", &mut out).expect("ok");
        s.finish(&mut out).expect("ok");
        assert_eq!(out, b"a\r\n..b\r\n.\r\n".to_vec());
    }

    /// Every published smuggling end-of-data variant, embedded in a body:
    /// neither the whole-body check nor the streaming stuffer lets it pass,
    /// however the body is cut into chunks.
    #[test]
    fn nul_bare_cr_and_bare_lf_never_reach_the_wire() {
        for seq in crate::smtp::data::smuggling_sequences() {
            let mut body = b"Subject: x\r\n\r\nhello".to_vec();
            body.extend_from_slice(&seq);
            body.extend_from_slice(b"MAIL FROM:<e@x.example>\r\n.\r\n");
            assert!(check_body(&body).is_err(), "{seq:?}");
            for split in 1..body.len() {
                let mut out = Vec::new();
                let mut s = DotStuffer::new();
                let r = s
                    .stuff(&body[..split], &mut out)
                    .and_then(|()| s.stuff(&body[split..], &mut out))
                    .and_then(|()| s.finish(&mut out));
                assert!(r.is_err(), "{seq:?} split at {split}");
                assert!(crate::smtp::data::forbidden_octet(&out).is_none());
            }
        }
        assert!(check_body(b"a\r\n.b\r\n").is_ok());
        assert!(matches!(
            check_body(b"a\r\nb\rc"),
            Err(ClientError::UnsafeBody {
                what: "bare CR",
                offset: 4
            })
        ));
        assert!(matches!(
            check_body(b"a\nb"),
            Err(ClientError::UnsafeBody {
                what: "bare LF",
                offset: 1
            })
        ));
        assert!(matches!(
            check_body(b"a\r\n\0.\r\n"),
            Err(ClientError::UnsafeBody {
                what: "NUL",
                offset: 3
            })
        ));
    }

    #[test]
    fn xtext_encodes_plus_equals_and_controls() {
        assert_eq!(xtext("a+b=c d"), "a+2Bb+3Dc+20d");
        assert_eq!(xtext("q-1@x"), "q-1@x");
    }

    #[test]
    fn addresses_with_line_breaks_are_refused() {
        assert!(check_address("a@b\r\nRCPT TO:<x@y>").is_err());
        assert!(check_address("a>b@c").is_err());
        assert!(check_address("").is_ok());
        assert!(check_address("user@example.org").is_ok());
    }
}
