//! Weaker identifiers: phone numbers, e-mail addresses, street addresses,
//! IPv4 addresses. They make a message PHI only together with health
//! information; policies combine them (`detectors` + `and_detectors`).
//!
//! E-mail addresses are found from `@` outwards (memchr-fast) instead of a
//! regex with a broad leading class.

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::isolated;
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    phone: Regex,
    ip: Regex,
    street: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        phone: re(
            r"(?:\([2-9][0-9]{2}\) ?|(?-u:\b)[2-9][0-9]{2}[ .\-])[2-9][0-9]{2}[ .\-][0-9]{4}(?-u:\b)",
        ),
        ip: re(r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)"),
        street: re(
            r"(?-u:\b)[0-9]{1,6}\s+(?:[A-Z][A-Za-z]+\.?\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Cir|Parkway|Pkwy|Highway|Hwy)(?-u:\b)",
        ),
    })
}

fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

fn domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// E-mail addresses only (used on digit-free segments).
pub fn emails(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && at - s < 64 && local_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && e - at < 254 && domain_byte(b[e]) {
            e += 1;
        }
        while e > at + 1 && b[e - 1] == b'.' {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        if s < at && domain.contains('.') && tld_ok {
            sink.push(Kind::Email, Confidence::Medium, loc, &text[s..e]);
        }
    }
}

fn ip_ok(s: &str) -> bool {
    s.split('.')
        .all(|o| o.parse::<u16>().is_ok_and(|v| v <= 255))
}

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let r = res();
    for m in r.phone.find_iter(text) {
        sink.push(Kind::Phone, Confidence::Medium, loc, m.as_str());
    }
    for m in r.ip.find_iter(text) {
        if isolated(text, m.start(), m.end()) && ip_ok(m.as_str()) {
            sink.push(Kind::Ip, Confidence::Low, loc, m.as_str());
        }
    }
    for m in r.street.find_iter(text) {
        sink.push(Kind::Address, Confidence::Medium, loc, m.as_str());
    }
    emails(text, loc, sink);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn weak_identifiers() {
        assert_eq!(
            found("Call back at (415) 253-8700.", Kind::Phone),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("call 415-253-8700", Kind::Phone),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("Server 10.159.17.10 was restarted", Kind::Ip),
            Some(Confidence::Low)
        );
        assert_eq!(found("version 1.2.3.400", Kind::Ip), None);
        assert_eq!(
            found("mail jane.doe@clinic.example.org now", Kind::Email),
            Some(Confidence::Medium)
        );
        assert_eq!(found("a @ b", Kind::Email), None);
        assert_eq!(
            found("lives at 12 Oak Street", Kind::Address),
            Some(Confidence::Medium)
        );
        assert_eq!(found("order 376-85-5983", Kind::Phone), None);
    }
}
