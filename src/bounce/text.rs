//! Recipients of plain-text bounces (qmail, Exim, old Sendmail, Courier,
//! Domino, GroupWise, webmail providers, Japanese carriers …), which have no
//! machine-readable report.
//!
//! The human-readable report (the text before the returned original) is
//! scanned for addresses. Each occurrence is scored by where it stands:
//! at the start of a line (`<user@host>:` in qmail, Exim's indented list),
//! after recipient wording ("delivering your mail to", "RCPT TO:<",
//! "Recipient address:"), or in a remote reply ("550 5.1.1 <x>… User
//! unknown") counts for it; after sender wording ("from", "sender",
//! "Return-Path"), or being the bounce's own correspondent or the original
//! sender, counts against it. Addresses that score well enough are the
//! recipients; each gets the text from its line to the next recipient as
//! its diagnostic. Everything is bounded: lines scanned, addresses kept,
//! block length.

/// Lines of report text scanned.
const MAX_LINES: usize = 2000;
/// Octets of text kept per recipient block.
const MAX_BLOCK: usize = 4096;
/// Score an address needs to count as a recipient.
const THRESHOLD: i32 = 2;

/// One recipient found in a text report, with its part of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub address: String,
    pub block: String,
}

/// Where a report starts quoting the original message.
pub(super) fn is_returned_marker(line: &str) -> bool {
    const MARKERS: &[&str] = &[
        "below this line is a copy of the message",
        "this is a copy of the message",
        "copy of the original message",
        "copy of your message follows",
        "copy of your message below",
        "copy of your message is below",
        "original message follows",
        "original message headers",
        "original message header",
        "original message --",
        "----- original message",
        "--- original message",
        "-----original message",
        "original message:",
        "the header of the original message",
        "header of original message",
        "the body of the message",
        "message headers follow",
        "unsent message follows",
        "returned message follows",
        "returned message ---",
        "------ forwarded message",
        "text of your message",
        "your message reads",
        "content of the message",
        "message text follows",
        "undelivered message follows",
        "undeliverable message follows",
        "original text follows",
        "-- the header and top",
        "headers of the original",
        "included is a copy",
        "your original message follows",
        "your original message is below",
    ];
    let lower = line.trim().to_ascii_lowercase();
    lower.starts_with("received:")
        || lower.starts_with("return-path:")
        || lower.starts_with("content-type: message/rfc822")
        || MARKERS.iter().any(|m| lower.contains(m))
}

/// The report's lines before the returned original, bounded.
pub(super) fn report_lines(text: &str) -> Vec<&str> {
    text.lines()
        .take(MAX_LINES)
        .take_while(|l| !is_returned_marker(l))
        .collect()
}

/// One address occurrence in a line: byte range and the address.
struct Token {
    start: usize,
    end: usize,
    address: String,
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&*+/=?^_`{|}~.-".contains(c)
}

/// Domains in reports are ASCII (IDNs travel as punycode); this also keeps
/// text glued to an address ("user@example.jp您好") out of it.
fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

/// Every plausible `local@domain` in `line`.
fn tokens(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices('@') {
        let before = line.get(..at).unwrap_or_default();
        let after = line.get(at + 1..).unwrap_or_default();
        let local_len: usize = before
            .chars()
            .rev()
            .take_while(|c| is_local_char(*c))
            .map(char::len_utf8)
            .sum();
        let domain_len: usize = after
            .chars()
            .take_while(|c| is_domain_char(*c))
            .map(char::len_utf8)
            .sum();
        let local = before
            .get(at - local_len..)
            .unwrap_or_default()
            .trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
        // X.400-style "dda:SMTP=user@host" (old Exchange): drop the key.
        let local = ["SMTP=", "smtp=", "RFC-822=", "rfc822="]
            .iter()
            .find_map(|k| local.strip_prefix(k))
            .unwrap_or(local);
        let domain = after
            .get(..domain_len)
            .unwrap_or_default()
            .trim_end_matches(['.', '-']);
        if !plausible(local, domain) {
            continue;
        }
        let start = at - local.len();
        out.push(Token {
            start,
            end: at + 1 + domain.len(),
            address: format!("{local}@{domain}"),
        });
    }
    out
}

fn plausible(local: &str, domain: &str) -> bool {
    let tld = domain.rsplit('.').next().unwrap_or_default();
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && domain.contains('.')
        && domain.len() <= 253
        && !domain.starts_with(['.', '-'])
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !domain.contains("..")
}

/// Every distinct plausible address in `text`, in order (bounded).
pub(super) fn addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().take(MAX_LINES) {
        for t in tokens(line) {
            if out.len() < 64 && !out.iter().any(|a| a.eq_ignore_ascii_case(&t.address)) {
                out.push(t.address);
            }
        }
    }
    out
}

/// Cues that name the failed recipient even though they hold "from".
const STRONG_CUES: &[&str] = &[
    "generated from",
    "expanded from",
    "error-for:",
    "failed recipient",
    "original-recipient",
    "final-recipient",
    "x-failed-recipients",
];

const RECIPIENT_CUES: &[&str] = &[
    "to:",
    "to <",
    " to ",
    "to=",
    "for <",
    "recipient",
    "rcpt",
    "address",
    "addressee",
    "deliver",
    "mailbox",
    "user",
    "account",
    "destinat",
    "failed",
    "unknown",
    "invalid",
    "forwarded to",
    "<",
    "destinataire",
    "empfänger",
    "宛先",
];

const SENDER_CUES: &[&str] = &[
    "from",
    "sender",
    "return-path",
    "reply-to",
    "errors-to",
    "originator",
    "message-id",
    "in-reply-to",
    "references",
    "smtp.mailfrom",
    "envelope",
    "x-original-sender",
    "dkim",
    "by ",
    " id ",
    "with esmtp",
    "contact",
    "postmaster at",
    "administrator",
    "send a message to",
    "write to",
    "mailto:",
    "http",
];

const DAEMONS: &[&str] = &[
    "mailer-daemon",
    "mailerdaemon",
    "mail-daemon",
    "maildaemon",
    "postmaster",
    "mail-delivery",
    "mailer",
    "abuse",
    "hostmaster",
    "noreply",
    "no-reply",
    "donotreply",
    "root",
];

fn score(line: &str, t: &Token, exclude: &[String]) -> i32 {
    let before = line.get(..t.start).unwrap_or_default().to_lowercase();
    let after = line.get(t.end..).unwrap_or_default().to_lowercase();
    let lead = before.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '"' | '\'' | '*' | '-' | ':' | '>' | '=' | '(' | '[' | '#'
            )
    });
    let mut s = 0;
    if lead.is_empty() || matches!(lead, "to" | "rcpt to" | "recipient" | "address" | "failed") {
        s += 3;
    }
    // The address alone on its line (a list entry: "<user@host>:",
    // "  user@host") is the strongest sign of a failed recipient.
    let rest =
        after.trim_matches(|c: char| c.is_whitespace() || matches!(c, '>' | ':' | ',' | ';'));
    if lead.is_empty() && rest.is_empty() {
        s += 3;
    }
    let near: String = before
        .chars()
        .rev()
        .take(48)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if STRONG_CUES.iter().any(|c| near.contains(c)) {
        s += 3;
    } else {
        if RECIPIENT_CUES.iter().any(|c| near.contains(c)) {
            s += 2;
        }
        if SENDER_CUES.iter().any(|c| near.contains(c)) {
            s -= 6;
        }
    }
    let tail = after.trim_start_matches(['>', '"', '\'', ' ', ')']);
    if tail.starts_with(':') || tail.starts_with("...") || tail.starts_with(" ...") {
        s += 1;
    }
    if exclude.iter().any(|e| e.eq_ignore_ascii_case(&t.address)) {
        s -= 4;
    }
    let local = t
        .address
        .rsplit_once('@')
        .map(|(l, _)| l.to_ascii_lowercase())
        .unwrap_or_default();
    if DAEMONS.iter().any(|d| local == *d || local.starts_with(d)) {
        s -= 3;
    }
    s
}

/// Recipients named in `lines` (the report before the returned original),
/// never one of `exclude` unless the text leaves no doubt.
pub(super) fn recipients(lines: &[&str], exclude: &[String]) -> Vec<Found> {
    // (address, best score, line of the best occurrence)
    let mut best: Vec<(String, i32, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for t in tokens(line) {
            let sc = score(line, &t, exclude);
            match best
                .iter()
                .position(|(a, _, _)| a.eq_ignore_ascii_case(&t.address))
            {
                Some(k) => {
                    if let Some(entry) = best.get_mut(k)
                        && sc > entry.1
                    {
                        entry.1 = sc;
                        entry.2 = i;
                    }
                }
                None if best.len() < 256 => best.push((t.address, sc, i)),
                None => {}
            }
        }
    }
    let mut chosen: Vec<(String, usize)> = best
        .into_iter()
        .filter(|(_, s, _)| *s >= THRESHOLD)
        .map(|(a, _, i)| (a, i))
        .collect();
    chosen.sort_by_key(|(_, i)| *i);
    let others = |me: &str, line: &str| {
        chosen
            .iter()
            .any(|(a, _)| !a.eq_ignore_ascii_case(me) && contains_ignore_case(line, a))
    };
    chosen
        .iter()
        .map(|(address, line)| {
            // A block runs to the next line naming another recipient, or,
            // when its first line already holds a reply, to the next line
            // that starts with one (Sendmail's "550 host... Host unknown").
            let replied = lines.get(*line).is_some_and(|l| has_reply(l));
            let end = (line + 1..lines.len())
                .find(|&j| {
                    lines
                        .get(j)
                        .is_some_and(|l| others(address, l) || (replied && starts_with_reply(l)))
                })
                .unwrap_or(lines.len());
            Found {
                address: address.clone(),
                block: block(lines, *line, end),
            }
        })
        .collect()
}

fn is_reply_code(w: &str) -> bool {
    w.len() == 3
        && (w.starts_with('4') || w.starts_with('5'))
        && w.bytes().all(|b| b.is_ascii_digit())
}

fn has_reply(line: &str) -> bool {
    line.split(|c: char| c.is_whitespace() || c == '-' || c == ':')
        .any(is_reply_code)
}

fn starts_with_reply(line: &str) -> bool {
    line.trim_start()
        .split(|c: char| c.is_whitespace() || c == '-')
        .next()
        .is_some_and(is_reply_code)
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

fn block(lines: &[&str], from: usize, to: usize) -> String {
    let mut out = String::new();
    for l in lines.iter().take(to).skip(from) {
        if out.len() + l.len() > MAX_BLOCK {
            break;
        }
        out.push_str(l.trim());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, exclude: &[&str]) -> Vec<String> {
        let ex: Vec<String> = exclude.iter().map(|s| s.to_string()).collect();
        recipients(&report_lines(text), &ex)
            .into_iter()
            .map(|f| f.address)
            .collect()
    }

    #[test]
    fn addresses_in_common_report_shapes_are_found() {
        let qmail = "Hi. This is the qmail-send program at mx.example.jp.\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\n\n\
<kijitora@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n\
--- Below this line is a copy of the message.\n\nFrom: shironeko@example.org\nTo: kijitora@example.net\n";
        assert_eq!(
            found(qmail, &["shironeko@example.org"]),
            ["kijitora@example.net"]
        );
        let dma = "There was an error delivering your mail to <a.b@google.example.com>.\n\n\
host did not like our final DATA:\n550 5.7.26 DMARC\n\nMessage headers follow.\n\nFrom: <me@x.example>\n";
        assert_eq!(found(dma, &["me@x.example"]), ["a.b@google.example.com"]);
        let exim = "The following address(es) failed:\n\n  one@x.example\n    SMTP error from remote mail server after RCPT TO:<one@x.example>:\n    550 5.1.1 User unknown\n  two@y.example\n    Unrouteable address\n";
        assert_eq!(found(exim, &[]), ["one@x.example", "two@y.example"]);
    }

    #[test]
    fn senders_daemons_and_message_ids_are_not_recipients() {
        let text = "Your message from sender@customer.example could not be delivered.\n\
Please contact postmaster@mx.example for help.\nMessage-ID: <abc.123@mx.example>\n";
        assert!(found(text, &["sender@customer.example"]).is_empty());
    }

    #[test]
    fn tokens_are_bounded_and_plausible() {
        assert!(tokens("user@localhost").is_empty());
        assert!(tokens("a@b.c1").is_empty());
        assert_eq!(
            tokens("<x.y+z@mail.example.org>.")[0].address,
            "x.y+z@mail.example.org"
        );
        assert_eq!(tokens("'quoted@x.example'")[0].address, "quoted@x.example");
        let long = format!("{}@x.example", "a".repeat(100));
        assert!(tokens(&long).is_empty());
    }
}
