//! Header repairs of the cleanup stage (RFC 6409 §8, as Postfix's cleanup
//! does for submission), the trace header, and the hop count.
//!
//! `normalise` makes sure delivery can always work with what was accepted:
//! the header section is well formed (a line that is neither a field nor a
//! continuation starts the body, with the empty line it lacked), and Date,
//! Message-ID and From exist (From from the envelope sender). A message
//! that cannot be repaired is refused at DATA with a precise reply.

use crate::smtp::reply::Reply;

/// Received headers beyond this mean a mail loop (RFC 5321 §6.3).
pub const MAX_HOPS: usize = 50;

/// Which fields `normalise` added (names only, for the verdict and logs).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Repairs {
    pub added: Vec<&'static str>,
    pub body_separated: bool,
    /// Non-field lines among the header fields, folded into the field before.
    pub stray_lines_folded: usize,
}

/// The header section, repaired; Err is the reply for what cannot be.
pub fn normalise(
    message: &[u8],
    sender: &str,
    id_domain: &str,
    queue_id: &str,
) -> Result<(Vec<u8>, Repairs), Reply> {
    let mut repairs = Repairs::default();
    let (head_end, body_start) = header_bounds(message);
    let head = fold_stray_lines(&message[..head_end], &mut repairs)?;
    let mut out = Vec::with_capacity(message.len() + 256);
    out.extend_from_slice(&head);
    if !head.is_empty() && !head.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    if !has_field(&head, b"from") {
        if sender.is_empty() || sender.contains(['\r', '\n']) {
            return Err(Reply::new(
                550,
                "5.6.0",
                "Message has no From header field and no sender address to take it from",
            ));
        }
        out.extend_from_slice(format!("From: <{sender}>\r\n").as_bytes());
        repairs.added.push("From");
    }
    if !has_field(&head, b"date") {
        let date = crate::util::rfc5322_date(std::time::SystemTime::now());
        out.extend_from_slice(format!("Date: {date}\r\n").as_bytes());
        repairs.added.push("Date");
    }
    if !has_field(&head, b"message-id") {
        out.extend_from_slice(format!("Message-ID: <{queue_id}@{id_domain}>\r\n").as_bytes());
        repairs.added.push("Message-ID");
    }
    match body_start {
        // The empty line that ended the header section, then the body.
        Some(b) if b > head_end => out.extend_from_slice(&message[head_end..]),
        // The header section ended at a line that is not a field: insert
        // the empty line it lacked, so that line starts the body.
        Some(b) => {
            repairs.body_separated = true;
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&message[b..]);
        }
        None => out.extend_from_slice(b"\r\n"),
    }
    Ok((out, repairs))
}

/// A line inside the header section that is neither a field nor a
/// continuation (`header_bounds` keeps such a line in the header only
/// when fields follow it) is folded into the field before it, so the
/// fields after it — Content-Type above all — stay headers for the PHI
/// scan and for the recipient. One as the very first line cannot be.
fn fold_stray_lines(head: &[u8], repairs: &mut Repairs) -> Result<Vec<u8>, Reply> {
    let mut out = Vec::with_capacity(head.len() + 8);
    let mut first = true;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let content = trim_eol(line);
        let continuation = content.first().is_some_and(|&b| b == b' ' || b == b'\t');
        if !continuation && !is_field(content) {
            if first {
                return Err(Reply::new(
                    550,
                    "5.6.0",
                    "Malformed header section: the first line is not a header field",
                ));
            }
            out.push(b' ');
            repairs.stray_lines_folded += 1;
        }
        first = false;
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// (end of the header fields, start of the body). The header section is
/// every line up to the first empty line, as long as each is a field
/// (`name:`) or a continuation of one; the first other line starts the
/// body (then end == start and a blank line must be inserted).
fn header_bounds(message: &[u8]) -> (usize, Option<usize>) {
    let mut pos = 0;
    let mut in_field = false;
    // Where the first stray (non-field) line began, while fields may still
    // follow it: then it belongs to a garbled header section, not the body.
    let mut stray: Option<usize> = None;
    while pos < message.len() {
        let end = memchr::memchr(b'\n', &message[pos..])
            .map(|i| pos + i + 1)
            .unwrap_or(message.len());
        let content = trim_eol(&message[pos..end]);
        if content.is_empty() {
            return match stray {
                // No field after the stray line: the body started there.
                Some(s) => (s, Some(s)),
                None => (pos, Some(end)),
            };
        }
        let continuation = content[0] == b' ' || content[0] == b'\t';
        if is_field(content) {
            // A field after a stray line: the stray line stays in the head.
            stray = None;
            in_field = true;
        } else if !(continuation && in_field) && stray.is_none() {
            if !in_field {
                // Text before any field: the message has no header section.
                return (pos, Some(pos));
            }
            stray = Some(pos);
        }
        pos = end;
        if stray.is_some_and(|s| pos - s > 64 * 1024) {
            break;
        }
    }
    match stray {
        // Stray lines and no field after them: the body started there.
        Some(s) => (s, Some(s)),
        None => (message.len().min(pos), None),
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let l = line.strip_suffix(b"\n").unwrap_or(line);
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// `name:` (RFC 5322 §3.6.8: printable ASCII except colon), also with
/// white space before the colon (the obsolete syntax of §4.5.8, which
/// mail-parser reads too). Octets above 127 in a name are tolerated as
/// they are relayed today; controls and inner spaces are not.
fn is_field(line: &[u8]) -> bool {
    match memchr::memchr(b':', line) {
        Some(0) | None => false,
        Some(i) => {
            let name = line[..i].trim_ascii_end();
            !name.is_empty() && name.iter().all(|&b| b > 32 && b != 127)
        }
    }
}

/// Is there a field `name` (lower case, no colon) in `head`?
fn has_field(head: &[u8], name: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(|l| {
        l.len() > name.len()
            && l[..name.len()].eq_ignore_ascii_case(name)
            && l[name.len()..].trim_ascii_start().first() == Some(&b':')
    })
}

/// Received headers in the header section.
pub fn count_received(message: &[u8]) -> usize {
    let (head_end, _) = header_bounds(message);
    message[..head_end]
        .split(|&b| b == b'\n')
        .filter(|l| l.len() >= 9 && l[..9].eq_ignore_ascii_case(b"received:"))
        .count()
}

/// Where a message came from, for its trace header.
pub struct Trace<'a> {
    pub helo: &'a str,
    pub client_ip: std::net::IpAddr,
    /// "using TLSv1.3 with cipher ..." when the session used TLS.
    pub tls: Option<(&'a str, &'a str)>,
    /// RFC 3848 protocol: "ESMTPSA", "UTF8ESMTPS", "HTTPS" (the API), ...
    pub protocol: &'a str,
}

/// RFC 5321 §4.4 trace field for this hop.
pub fn received(t: &Trace<'_>, hostname: &str, queue_id: &str) -> String {
    let tls = t
        .tls
        .map(|(v, c)| format!("\r\n\t(using {v} with cipher {c})"))
        .unwrap_or_default();
    let helo: String = t
        .helo
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    let helo = if helo.is_empty() {
        "unknown".into()
    } else {
        helo
    };
    let date = crate::util::rfc5322_date(std::time::SystemTime::now());
    format!(
        "Received: from {helo} ([{}]){tls}\r\n\tby {hostname} (sealpost) with {} id {queue_id};\r\n\t{date}\r\n",
        t.client_ip, t.protocol
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(m: &str, sender: &str) -> Result<(String, Repairs), Reply> {
        normalise(m.as_bytes(), sender, "relay.test", "Q1")
            .map(|(b, r)| (String::from_utf8(b).expect("utf8"), r))
    }

    #[test]
    fn a_complete_message_is_left_alone() {
        let m = "From: a@x\r\nDate: Mon, 1 Jan 2026 00:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n";
        let (out, r) = fix(m, "a@x").expect("ok");
        assert_eq!(out, m);
        assert_eq!(r, Repairs::default());
    }

    #[test]
    fn missing_from_date_and_message_id_are_added_before_the_body() {
        let (out, r) = fix("Subject: s\r\n\r\nbody\r\n", "ehr@h.example").expect("ok");
        assert_eq!(r.added, ["From", "Date", "Message-ID"]);
        assert!(
            out.starts_with("Subject: s\r\nFrom: <ehr@h.example>\r\nDate: "),
            "{out}"
        );
        assert!(
            out.contains("\r\nMessage-ID: <Q1@relay.test>\r\n\r\nbody\r\n"),
            "{out}"
        );
    }

    #[test]
    fn a_body_line_inside_the_header_section_starts_the_body() {
        let (out, r) = fix("Subject: s\r\nhello there\r\nmore\r\n", "a@x").expect("ok");
        assert!(r.body_separated);
        assert!(out.starts_with("Subject: s\r\nFrom: <a@x>\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\nhello there\r\nmore\r\n"), "{out}");
        let (out, _) = fix("just text\r\n", "a@x").expect("ok");
        assert!(out.starts_with("From: <a@x>\r\nDate: "), "{out}");
        assert!(out.ends_with("\r\n\r\njust text\r\n"), "{out}");
        let (out, _) = fix(" leading continuation\r\n", "a@x").expect("ok");
        assert!(out.ends_with("\r\n\r\n leading continuation\r\n"), "{out}");
    }

    #[test]
    fn a_stray_line_among_fields_is_folded_so_later_fields_stay_headers() {
        let m = "From: a@x\r\nX-Route clinic\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n";
        let (out, r) = fix(m, "a@x").expect("ok");
        assert_eq!(r.stray_lines_folded, 1);
        assert!(!r.body_separated);
        assert!(
            out.starts_with(
                "From: a@x\r\n X-Route clinic\r\nContent-Type: multipart/mixed; boundary=b\r\n"
            ),
            "{out}"
        );
        assert!(out.ends_with("\r\n\r\n--b\r\n"), "{out}");
        let parsed = mail_parser::MessageParser::new()
            .parse(out.as_bytes())
            .expect("parses");
        assert!(
            mail_parser::MimeHeaders::content_type(&parsed)
                .is_some_and(|c| c.ctype() == "multipart")
        );
        // Text after the fields with no field after it starts the body.
        let (out, r) = fix(
            "Subject: s\r\nDear patient: see below\r\n\r\nbody\r\n",
            "a@x",
        )
        .expect("ok");
        assert!(r.body_separated && r.stray_lines_folded == 0);
        assert!(
            out.ends_with("\r\n\r\nDear patient: see below\r\n\r\nbody\r\n"),
            "{out}"
        );
        // Old-style white space before the colon is a field.
        let (out, r) = fix("Subject : hi\r\nFrom: a@x\r\n\r\nb\r\n", "a@x").expect("ok");
        assert_eq!((r.stray_lines_folded, r.body_separated), (0, false));
        assert!(
            out.starts_with("Subject : hi\r\nFrom: a@x\r\nDate: "),
            "{out}"
        );
    }

    #[test]
    fn no_from_and_no_sender_is_refused() {
        let e = fix("Subject: s\r\n\r\nb\r\n", "").expect_err("refused");
        assert_eq!((e.code, e.status().to_string()), (550, "5.6.0".into()));
        assert!(fix("From: a@x\r\n\r\nb\r\n", "").is_ok());
    }

    #[test]
    fn headers_only_message_gets_its_empty_line() {
        let (out, _) = fix("From: a@x\r\nDate: d\r\nMessage-ID: <m@x>", "a@x").expect("ok");
        assert_eq!(out, "From: a@x\r\nDate: d\r\nMessage-ID: <m@x>\r\n\r\n");
    }

    #[test]
    fn received_fields_are_counted_in_the_header_section_only() {
        let m = b"Received: a\r\nreceived: b\r\n\tcont\r\nX: y\r\n\r\nReceived: in body\r\n";
        assert_eq!(count_received(m), 2);
    }
}
