//! Weaker identifiers: phone numbers, e-mail addresses, street addresses,
//! IPv4 addresses. They make a message PHI only together with health
//! information; policies combine them (`detectors` + `and_detectors`).
//!
//! E-mail addresses are found from `@` outwards (memchr-fast) instead of a
//! regex with a broad leading class; phone, IP and street candidates come
//! from the token pass (`tokens`), parsed by hand from their first digit run.

use super::tokens::{Run, Scan, at, boundary_after, run_len, skip_spaces};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::isolated;

/// Street-type words closing an address (`12 Oak Street`).
const SUFFIXES: &[&[u8]] = &[
    b"Street",
    b"St",
    b"Avenue",
    b"Ave",
    b"Road",
    b"Rd",
    b"Boulevard",
    b"Blvd",
    b"Lane",
    b"Ln",
    b"Drive",
    b"Dr",
    b"Court",
    b"Ct",
    b"Way",
    b"Place",
    b"Pl",
    b"Terrace",
    b"Circle",
    b"Cir",
    b"Parkway",
    b"Pkwy",
    b"Highway",
    b"Hwy",
];

fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

fn domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// E-mail addresses, found from each `@` outwards (bounded).
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

/// `[2-9]\d{2}` as a whole run at `i` followed by a separator `[ .-]`.
fn triple(b: &[u8], i: usize) -> bool {
    matches!(at(b, i), b'2'..=b'9')
        && run_len(b, i, 3) == 3
        && matches!(at(b, i + 3), b' ' | b'.' | b'-')
}

/// Phone shape: `\([2-9]\d{2}\) ?` or `\b[2-9]\d{2}[ .-]`, then
/// `[2-9]\d{2}[ .-]\d{4}\b`. `s` is the area-code run: (start, end).
fn phone(b: &[u8], s: usize) -> Option<(usize, usize)> {
    let paren = s > 0 && at(b, s - 1) == b'(' && run_len(b, s, 3) == 3;
    let area = if paren && matches!(at(b, s), b'2'..=b'9') && at(b, s + 3) == b')' {
        let p = s + 4;
        Some((s - 1, if at(b, p) == b' ' { p + 1 } else { p }))
    } else {
        None
    };
    let rest = |p: usize| {
        (triple(b, p) && run_len(b, p + 4, 4) == 4 && boundary_after(b, p + 8)).then_some(p + 8)
    };
    if let Some((start, p)) = area
        && let Some(e) = rest(p)
    {
        return Some((start, e));
    }
    let e = rest(s + 4).filter(|_| triple(b, s))?;
    Some((s, e))
}

/// IPv4 shape `\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b` from `s`.
fn ip(b: &[u8], s: usize) -> Option<usize> {
    let mut p = s;
    for g in 0..4 {
        let r = run_len(b, p, 3);
        if !(1..=3).contains(&r) {
            return None;
        }
        p += r;
        if g < 3 {
            if at(b, p) != b'.' {
                return None;
            }
            p += 1;
        }
    }
    boundary_after(b, p).then_some(p)
}

/// Street shape `\b\d{1,6}\s+(?:[A-Z][A-Za-z]+\.?\s+){1,4}SUFFIX\b` from
/// the run `[s, e)`: the end of the longest match.
fn street(text: &str, s: usize, e: usize) -> Option<usize> {
    let b = text.as_bytes();
    if e - s > 6 {
        return None;
    }
    let mut p = skip_spaces(text, e)?;
    let mut best = None;
    for k in 0..5 {
        let l = b[p..]
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if l == 0 {
            break;
        }
        if k >= 1 && SUFFIXES.contains(&&b[p..p + l]) && boundary_after(b, p + l) {
            best = Some(p + l);
        }
        if k == 4 || l < 2 || !b[p].is_ascii_uppercase() {
            break;
        }
        let q = if at(b, p + l) == b'.' {
            p + l + 1
        } else {
            p + l
        };
        match skip_spaces(text, q) {
            Some(n) => p = n,
            None => break,
        }
    }
    best
}

fn ip_ok(s: &str) -> bool {
    s.split('.')
        .all(|o| o.parse::<u16>().is_ok_and(|v| v <= 255))
}

/// Token-pass hook: phone, IPv4 and street candidates at a word-start run.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let (text, b, n) = (sc.text, sc.text.as_bytes(), r.e - r.s);
    if n == 3
        && let Some((s, e)) = phone(b, r.s).filter(|&(s, _)| s >= sc.next.phone)
        && let Some(m) = text.get(s..e)
    {
        sc.next.phone = e;
        sc.sink.push(Kind::Phone, Confidence::Medium, sc.loc, m);
    }
    if n <= 3
        && r.s >= sc.next.ip
        && let Some(e) = ip(b, r.s)
    {
        sc.next.ip = e;
        if let Some(m) = text.get(r.s..e)
            && isolated(text, r.s, e)
            && ip_ok(m)
        {
            sc.sink.push(Kind::Ip, Confidence::Low, sc.loc, m);
        }
    }
    if n <= 6
        && r.s >= sc.next.street
        && let Some(e) = street(text, r.s, r.e)
        && let Some(m) = text.get(r.s..e)
    {
        sc.next.street = e;
        sc.sink.push(Kind::Address, Confidence::Medium, sc.loc, m);
    }
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
