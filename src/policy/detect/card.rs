//! Payment card detector (PAN).
//!
//! 13-19 digits, either contiguous or in groups separated by one consistent
//! separator (space or `-`) in the usual layouts (4-4-4-4[-3], 4-6-5, 4-6-4).
//! Valid numbers pass Luhn and carry a known issuer prefix (IIN). Confidence:
//! valid → medium; valid with a card keyword nearby → high.

use super::re;
use super::tokens::{Run, Scan, at, boundary_after, run_len};
use crate::policy::finding::{Confidence, Kind};
use crate::policy::text::{Context, Near, digits, isolated, luhn};
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    keyword: Regex,
    negative: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        keyword: re(
            r"(?i)(?-u:\b)(?:card|visa|master\s*card|mc|amex|american\s+express|discover|diners|jcb|credit|debit|cc\s*#|cc\s*(?:no|num)|pan|payment|expir\w*|exp\.?|cvv|cvc)(?-u:\b)",
        ),
        negative: re(
            r"(?i)(?-u:\b)(?:tracking|order|invoice|ticket|serial|isbn|imei|iccid|phone|fax)(?-u:\b)",
        ),
    })
}

/// Issuer identification by prefix and length.
pub fn known_issuer(d: &[u8]) -> bool {
    let n = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + u32::from(x));
    let len = d.len();
    let (p1, p2, p3, p4, p6) = (n(1), n(2), n(3), n(4), n(6));
    match p1 {
        4 => matches!(len, 13 | 16 | 19),
        5 => (51..=55).contains(&p2) && len == 16,
        2 => (2221..=2720).contains(&p4) && len == 16,
        3 => {
            (matches!(p2, 34 | 37) && len == 15)
                || ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39))
                    && (14..=19).contains(&len)
                || (3528..=3589).contains(&p4) && (16..=19).contains(&len)
        }
        6 => {
            (p4 == 6011
                || (644..=649).contains(&p3)
                || p2 == 65
                || (622126..=622925).contains(&p6)
                || p2 == 62)
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

/// Grouping must be plain digits or a known layout with one separator kind.
fn layout_ok(m: &str) -> bool {
    let seps: Vec<u8> = m.bytes().filter(|b| !b.is_ascii_digit()).collect();
    if seps.is_empty() {
        return true;
    }
    if seps.iter().any(|&b| b != seps[0]) {
        return false;
    }
    let groups: Vec<usize> = m.split([' ', '-']).map(str::len).collect();
    matches!(
        groups.as_slice(),
        [4, 4, 4, 4] | [4, 4, 4, 4, 3] | [4, 6, 5] | [4, 6, 4] | [4, 4, 4, 1..=3]
    )
}

/// How many 2-6 digit chunks a run of `len` digits can be cut into.
fn chunks(len: usize) -> Option<(usize, usize)> {
    match len {
        0 => Some((0, 0)),
        1 => None,
        n => Some((n.div_ceil(6), n / 2)),
    }
}

/// Candidate shape `\b\d{4}(?:[ -]?\d{2,6}){2,4}\b` from the word-start
/// run `s`: digit runs joined by single spaces or dashes; the longest
/// prefix of whole runs that the pattern accepts.
fn shape(b: &[u8], s: usize) -> Option<usize> {
    let r1 = run_len(b, s, 28);
    if !(4..=28).contains(&r1) {
        return None;
    }
    let (mut lo, mut hi) = chunks(r1 - 4)?;
    let mut p = s + r1;
    let mut best = (lo <= 4 && hi >= 2 && boundary_after(b, p)).then_some(p);
    for _ in 0..5 {
        if !matches!(at(b, p), b' ' | b'-') {
            break;
        }
        let r = run_len(b, p + 1, 24);
        let Some((l, h)) = chunks(r).filter(|_| r > 0) else {
            break;
        };
        (lo, hi, p) = (lo + l, hi + h, p + 1 + r);
        if lo > 4 {
            break;
        }
        if hi >= 2 && boundary_after(b, p) {
            best = Some(p);
        }
    }
    best
}

/// Token-pass hook: a candidate starting at this word-start run.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let text = sc.text;
    if r.s < sc.next.card || r.e - r.s < 4 {
        return;
    }
    let Some(e) = shape(text.as_bytes(), r.s) else {
        return;
    };
    sc.next.card = e;
    let s = r.s;
    let Some(m) = text.get(s..e) else { return };
    if !isolated(text, s, e) || !layout_ok(m) {
        return;
    }
    let d = digits(m);
    if !(13..=19).contains(&d.len()) || !luhn(&d) || !known_issuer(&d) {
        return;
    }
    let res = res();
    let ctx = Context {
        positive: &res.keyword,
        negative: Some(&res.negative),
        before: 48,
        after: 0,
    };
    let conf = match ctx.check(text, s, e) {
        Near::Positive => Confidence::High,
        Near::Nothing => Confidence::Medium,
        Near::Negative => Confidence::Low,
    };
    sc.sink.push(Kind::CreditCard, conf, sc.loc, m);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn valid_cards_with_keyword_are_high() {
        assert_eq!(
            found("Card on file: 4111-1111-1111-1111", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Visa 4111 1111 1111 1111", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("amex 378282246310005", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("MC 5555-5555-5555-4444", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("paid with 6011111111111117", Kind::CreditCard),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn luhn_or_issuer_failures_do_not_match() {
        assert_eq!(found("card 4111 1111 1111 1112", Kind::CreditCard), None);
        // Luhn-valid but no issuer starts with 9.
        assert_eq!(found("card 9111111111111111", Kind::CreditCard), None);
        assert_eq!(
            found("Tracking number 1Z4618196973644341", Kind::CreditCard),
            None
        );
        // Odd grouping is not a card layout.
        assert_eq!(found("card 41 1111 1111 1111 11", Kind::CreditCard), None);
    }

    #[test]
    fn issuer_prefixes() {
        assert!(known_issuer(&digits("4111111111111111")));
        assert!(known_issuer(&digits("2221000000000009")));
        assert!(!known_issuer(&digits("2721000000000000")));
        assert!(known_issuer(&digits("371449635398431")));
        assert!(!known_issuer(&digits("3714496353984310")));
    }
}
