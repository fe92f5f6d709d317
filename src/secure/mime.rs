//! MIME structure of protected messages and RFC 9788 header protection.
//!
//! Flow for one recipient copy:
//! 1. [`protect`] canonicalises the message to CRLF, splits its header
//!    section into fields and produces
//!    * the *inner* entity (the cryptographic payload): every original
//!      field except trace fields, `MIME-Version` and `Bcc`, an `HP-Outer`
//!      record of each field the outer message exposes (RFC 9788 §2.2), the
//!      original `Content-Type` with `protected-headers="v1"` (the Autocrypt
//!      / Enigmail convention mail clients read) and `hp="cipher"`
//!      (RFC 9788 §2.1.1), then the original body unchanged;
//!    * the *outer* header section: trace fields, the addressing, date and
//!      threading fields transport needs, a neutral `Subject` and
//!      `MIME-Version: 1.0`.
//! 2. The method encrypts the inner entity and wraps it with
//!    [`pgp_mime`] (RFC 3156 §4) or [`smime_enveloped`] (RFC 8551 §3.3),
//!    optionally after [`smime_signed`] (RFC 8551 §3.5, RFC 1847).
//!
//! Invariants: output lines end in CRLF; `Bcc` never leaves; nothing of the
//! original Subject or body is ever placed outside the encrypted part.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{SecureError, armor};

/// Default outer Subject (RFC 9788 §4.2 suggests `[...]`; `...` is the
/// Autocrypt/Thunderbird convention). Configurable per encryptor.
pub const DEFAULT_OUTER_SUBJECT: &str = "...";

/// Fields the outer message keeps because delivery, replies and threading
/// need them (RFC 9788 §4.1 "hcp_baseline" exposes the same set).
const OUTER_KEEP: &[&str] = &[
    "from",
    "sender",
    "to",
    "cc",
    "reply-to",
    "date",
    "message-id",
    "in-reply-to",
    "references",
];

/// Trace fields (RFC 5322 §3.6.7): outer only, they belong to transport.
const TRACE: &[&str] = &["received", "return-path"];

/// Fields that are dropped from the inner payload: they describe the outer
/// message or would be invalid inside it.
const INNER_DROP: &[&str] = &[
    "mime-version",
    "bcc",
    "dkim-signature",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
];

/// One header field, raw: `Name: value` including folding and the final CRLF.
#[derive(Debug, Clone)]
pub struct Field {
    /// Lower-cased field name.
    pub name: String,
    /// The whole field as it appeared (CRLF-canonical).
    pub raw: Vec<u8>,
}

impl Field {
    /// The unfolded value, without the name and surrounding whitespace.
    pub fn value(&self) -> String {
        let text = String::from_utf8_lossy(&self.raw);
        let after = text.split_once(':').map(|(_, v)| v).unwrap_or("");
        after.replace("\r\n", "").trim().to_string()
    }
}

/// The two halves produced by [`protect`].
pub struct Protected {
    /// The MIME entity to encrypt (header section + body), CRLF lines.
    pub inner: Vec<u8>,
    /// The outer header section without the final empty line and without
    /// `Content-*` fields (the wrapper adds those).
    pub outer_headers: Vec<u8>,
}

/// Converts every bare LF to CRLF (RFC 5322 §2.3; RFC 3156 §3 and RFC 8551
/// §3.1.1 both require canonical CRLF before protection). Input that is
/// already canonical (the usual case: SMTP DATA is CRLF) is borrowed, not
/// copied.
pub fn to_crlf(input: &[u8]) -> Cow<'_, [u8]> {
    if !has_bare_lf(input) {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len() + input.len() / 32);
    let mut start = 0;
    // Copy whole runs between line feeds (memchr), not byte by byte.
    for lf in memchr::memchr_iter(b'\n', input) {
        out.extend_from_slice(&input[start..lf]);
        if lf == 0 || input[lf - 1] != b'\r' {
            out.push(b'\r');
        }
        out.push(b'\n');
        start = lf + 1;
    }
    out.extend_from_slice(&input[start..]);
    Cow::Owned(out)
}

/// Is there a LF not preceded by CR? Scans in blocks without a branch per
/// byte (the compiler vectorises the fold), stopping at the first block
/// that has one.
fn has_bare_lf(s: &[u8]) -> bool {
    const BLOCK: usize = 4096;
    let Some(rest) = s.get(1..) else {
        return false;
    };
    if s[0] == b'\n' {
        return true;
    }
    rest.chunks(BLOCK).zip(s.chunks(BLOCK)).any(|(cur, prev)| {
        cur.iter()
            .zip(prev)
            .fold(false, |bare, (&c, &p)| bare | ((c == b'\n') & (p != b'\r')))
    })
}

/// Splits a CRLF message into header fields and body.
pub fn split_message(msg: &[u8]) -> Result<(Vec<Field>, &[u8]), SecureError> {
    let (head, body) = match find(msg, b"\r\n\r\n") {
        Some(i) => (&msg[..i + 2], &msg[i + 4..]),
        None if msg.ends_with(b"\r\n") => (msg, &msg[msg.len()..]),
        None => return Err(SecureError::Malformed("no end of header section")),
    };
    let mut fields: Vec<Field> = Vec::new();
    for line in head.split_inclusive(|&b| b == b'\n') {
        if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            // RFC 5322 §2.2.3: a folded continuation of the previous field.
            match fields.last_mut() {
                Some(f) => f.raw.extend_from_slice(line),
                None => return Err(SecureError::Malformed("continuation before first field")),
            }
            continue;
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(SecureError::Malformed("header line without a colon"))?;
        // As the accept stage reads names: printable, octets above 127
        // tolerated, white space before the colon allowed (obsolete syntax).
        let name = line[..colon].trim_ascii_end();
        if name.is_empty() || !name.iter().all(|&b| b > 32 && b != 127) {
            return Err(SecureError::Malformed("invalid header field name"));
        }
        fields.push(Field {
            name: String::from_utf8_lossy(name).to_ascii_lowercase(),
            raw: line.to_vec(),
        });
    }
    if !fields.iter().any(|f| f.name == "from") {
        return Err(SecureError::Malformed("no From field"));
    }
    Ok((fields, body))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Applies RFC 9788 header protection (see the module header).
pub fn protect(message: &[u8], outer_subject: &str) -> Result<Protected, SecureError> {
    let msg = to_crlf(message);
    let (fields, body) = split_message(&msg)?;
    let subject_field = format!("Subject: {}\r\n", encode_header_text(outer_subject));

    let mut outer = Vec::new();
    let mut hp_outer = Vec::new();
    for f in fields.iter().filter(|f| TRACE.contains(&f.name.as_str())) {
        outer.extend_from_slice(&f.raw);
    }
    for f in fields
        .iter()
        .filter(|f| OUTER_KEEP.contains(&f.name.as_str()))
    {
        outer.extend_from_slice(&f.raw);
        hp_outer.extend_from_slice(b"HP-Outer: ");
        hp_outer.extend_from_slice(&f.raw);
    }
    outer.extend_from_slice(subject_field.as_bytes());
    outer.extend_from_slice(b"MIME-Version: 1.0\r\n");
    hp_outer.extend_from_slice(b"HP-Outer: ");
    hp_outer.extend_from_slice(subject_field.as_bytes());

    let mut inner = Vec::with_capacity(msg.len() + 512);
    let mut content_type = None;
    for f in &fields {
        let n = f.name.as_str();
        if TRACE.contains(&n) || INNER_DROP.contains(&n) {
            continue;
        }
        if n == "content-type" {
            content_type = Some(f);
            continue;
        }
        inner.extend_from_slice(&f.raw);
    }
    inner.extend_from_slice(&hp_outer);
    inner.extend_from_slice(&protected_content_type(content_type));
    inner.extend_from_slice(b"\r\n");
    inner.extend_from_slice(body);
    Ok(Protected {
        inner,
        outer_headers: outer,
    })
}

/// The inner `Content-Type`, marked as carrying protected headers. A message
/// without one is `text/plain; charset=us-ascii` (RFC 2045 §5.2).
fn protected_content_type(original: Option<&Field>) -> Vec<u8> {
    let mut ct = match original {
        Some(f) => {
            let mut raw = f.raw.clone();
            while raw.last().is_some_and(|b| b.is_ascii_whitespace()) {
                raw.pop();
            }
            while raw.last() == Some(&b';') {
                raw.pop();
            }
            raw
        }
        None => b"Content-Type: text/plain; charset=us-ascii".to_vec(),
    };
    ct.extend_from_slice(b";\r\n protected-headers=\"v1\"; hp=\"cipher\"\r\n");
    ct
}

/// Makes configured text safe for a header: control characters removed,
/// non-ASCII text as an RFC 2047 encoded-word.
pub fn encode_header_text(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.is_ascii() {
        clean
    } else {
        format!("=?utf-8?b?{}?=", STANDARD.encode(clean.as_bytes()))
    }
}

/// Base64 with 76-character CRLF lines (RFC 2045 §6.8).
pub fn base64_lines(data: &[u8]) -> Vec<u8> {
    let encoded = STANDARD.encode(data);
    let mut out = Vec::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A fresh MIME boundary that does not occur in `content`. `=_` can never
/// appear in base64 or ASCII armor (RFC 2045 §6.7 advice).
pub fn boundary(content: &[u8]) -> Result<String, SecureError> {
    for _ in 0..4 {
        let b = random_boundary()?;
        if find(content, b.as_bytes()).is_none() {
            return Ok(b);
        }
    }
    Err(SecureError::Crypto {
        method: "mime",
        reason: "no unique boundary".into(),
    })
}

/// `=_sealpost_` and 128 random bits in hex. Needs no search when the part
/// it delimits is base64 or ASCII armor, which cannot contain `=_`.
fn random_boundary() -> Result<String, SecureError> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut rnd = [0u8; 16];
    openssl::rand::rand_bytes(&mut rnd).map_err(|e| SecureError::Crypto {
        method: "mime",
        reason: e.to_string(),
    })?;
    let mut b = String::with_capacity(11 + 32);
    b.push_str("=_sealpost_");
    for x in rnd {
        b.push(HEX[usize::from(x >> 4)] as char);
        b.push(HEX[usize::from(x & 15)] as char);
    }
    Ok(b)
}

/// RFC 3156 §4: `multipart/encrypted` with the `application/pgp-encrypted`
/// control part (`Version: 1`) and the OpenPGP message `binary`, ASCII
/// armored in place ([`armor::armor_message`]; `checksum`: emit the CRC-24
/// line). The armor cannot contain the `=_` boundary, so no search.
pub fn pgp_mime(
    outer_headers: &[u8],
    binary: &[u8],
    checksum: bool,
) -> Result<Vec<u8>, SecureError> {
    let b = random_boundary()?;
    let mut out = Vec::with_capacity(outer_headers.len() + binary.len() * 45 / 32 + 1024);
    out.extend_from_slice(outer_headers);
    out.extend_from_slice(
        format!(
            "Content-Type: multipart/encrypted;\r\n protocol=\"application/pgp-encrypted\";\r\n boundary=\"{b}\"\r\n\r\n\
             This is an OpenPGP/MIME encrypted message (RFC 3156).\r\n\
             --{b}\r\n\
             Content-Type: application/pgp-encrypted\r\n\
             Content-Description: PGP/MIME version identification\r\n\r\n\
             Version: 1\r\n\r\n\
             --{b}\r\n\
             Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\
             Content-Description: OpenPGP encrypted message\r\n\
             Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n"
        )
        .as_bytes(),
    );
    armor::armor_message(binary, checksum, &mut out);
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Ok(out)
}

/// RFC 8551 §3.3: the whole body is `application/pkcs7-mime`, base64.
/// `smime_type` is `enveloped-data` or `authEnveloped-data` (§3.2.2).
pub fn smime_enveloped(outer_headers: &[u8], der: &[u8], smime_type: &str) -> Vec<u8> {
    let body = base64_lines(der);
    let mut out = Vec::with_capacity(outer_headers.len() + body.len() + 300);
    out.extend_from_slice(outer_headers);
    out.extend_from_slice(
        format!(
            "Content-Type: application/pkcs7-mime; smime-type={smime_type};\r\n name=\"smime.p7m\"\r\n\
             Content-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\
             Content-Description: S/MIME Encrypted Message\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(&body);
    out
}

/// RFC 8551 §3.5.3 / RFC 1847: `multipart/signed` around `entity` (which
/// must be exactly the bytes that were signed) with a detached signature.
pub fn smime_signed(entity: &[u8], signature_der: &[u8]) -> Result<Vec<u8>, SecureError> {
    let b = boundary(entity)?;
    let sig = base64_lines(signature_der);
    let mut out = Vec::with_capacity(entity.len() + sig.len() + 600);
    out.extend_from_slice(
        format!(
            "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n micalg=sha-256; boundary=\"{b}\"\r\n\r\n\
             This is an S/MIME signed message.\r\n\
             --{b}\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(entity);
    out.extend_from_slice(
        format!(
            "\r\n--{b}\r\n\
             Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\
             Content-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(&sig);
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"Received: from a by b\n\
From: Dr A <a@clinic.example>\n\
To: p@patients.example\n\
Bcc: hidden@clinic.example\n\
Subject: Lab results for\n John Doe\n\
Date: Mon, 1 Jan 2024 00:00:00 +0000\n\
Message-ID: <1@clinic.example>\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
HbA1c 7.2%\n";

    #[test]
    fn to_crlf_converts_only_bare_lf() {
        assert_eq!(&*to_crlf(b"a\nb\r\nc"), b"a\r\nb\r\nc");
        assert_eq!(&*to_crlf(b"\na"), b"\r\na");
        assert_eq!(&*to_crlf(b"a\n"), b"a\r\n");
        assert!(matches!(to_crlf(b"a\r\nb\r\n"), Cow::Borrowed(_)));
        assert!(matches!(to_crlf(b""), Cow::Borrowed(_)));
        // A bare LF far from the start, past the first scan block.
        let mut long = b"x\r\n".repeat(5000);
        long.extend_from_slice(b"y\nz");
        let fixed = to_crlf(&long);
        assert!(fixed.ends_with(b"y\r\nz") && fixed.len() == long.len() + 1);
    }

    #[test]
    fn protect_moves_subject_inside_and_keeps_routing_outside() {
        let p = protect(MSG, "Secure message").expect("protect");
        let outer = String::from_utf8(p.outer_headers).expect("utf8");
        let inner = String::from_utf8(p.inner).expect("utf8");
        assert!(outer.contains("Subject: Secure message\r\n"));
        assert!(!outer.contains("John Doe"));
        assert!(outer.starts_with("Received: from a by b\r\n"));
        assert!(outer.contains("Message-ID: <1@clinic.example>\r\n"));
        assert!(!outer.contains("Bcc") && !inner.contains("Bcc"));
        assert!(inner.contains("Subject: Lab results for\r\n John Doe\r\n"));
        assert!(inner.contains("HP-Outer: Subject: Secure message\r\n"));
        assert!(inner.contains("protected-headers=\"v1\""));
        assert!(!inner.contains("Received:") && !inner.contains("MIME-Version"));
        assert!(inner.ends_with("\r\n\r\nHbA1c 7.2%\r\n"));
    }

    #[test]
    fn protect_rejects_garbage() {
        assert!(protect(b"no header here", "x").is_err());
        assert!(protect(b" folded: first\r\n\r\nbody", "x").is_err());
        assert!(protect(b"Subject: no from\r\n\r\nbody", "x").is_err());
    }

    #[test]
    fn message_without_content_type_gets_text_plain() {
        let p = protect(b"From: a@b.c\r\n\r\nhi\r\n", "...").expect("protect");
        let inner = String::from_utf8(p.inner).expect("utf8");
        assert!(inner.contains("Content-Type: text/plain; charset=us-ascii;"));
    }

    #[test]
    fn header_text_is_sanitised() {
        assert_eq!(encode_header_text("Secure\r\nBcc: x"), "SecureBcc: x");
        assert!(encode_header_text("Vertraulich ä").starts_with("=?utf-8?b?"));
    }
}
