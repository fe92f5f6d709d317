//! National Provider Identifier detector.
//!
//! Ten digits starting with 1 or 2; the last digit is a Luhn check digit
//! computed over the number prefixed with `80840` (ISO 7812 health
//! industry prefix), i.e. Luhn over the 15 digits `80840` + NPI.
//! Confidence: valid + keyword (NPI, national provider, provider #) → high;
//! valid without keyword → low (one random 10-digit number in ten passes).

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{Context, Near, digits, isolated, luhn};
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    candidate: Regex,
    keyword: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        candidate: re(r"(?-u:\b)[12][0-9]{9}(?-u:\b)"),
        keyword: re(r"(?i)(?-u:\b)(?:npi|national\s+provider|provider\s*(?:id|#|no|number))"),
    })
}

/// NPI check: Luhn over `80840` followed by the ten digits.
pub fn valid(d: &[u8]) -> bool {
    if d.len() != 10 || !matches!(d[0], 1 | 2) {
        return false;
    }
    let mut full = vec![8, 0, 8, 4, 0];
    full.extend_from_slice(d);
    luhn(&full)
}

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let r = res();
    let ctx = Context {
        positive: &r.keyword,
        negative: None,
        before: 40,
        after: 12,
    };
    for m in r.candidate.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        if !isolated(text, s, e) || !valid(&digits(m.as_str())) {
            continue;
        }
        let conf = match ctx.check(text, s, e) {
            Near::Positive => Confidence::High,
            _ => Confidence::Low,
        };
        sink.push(Kind::Npi, conf, loc, m.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn check_digit_with_80840_prefix() {
        // CMS example NPI.
        assert!(valid(&digits("1234567893")));
        assert!(!valid(&digits("1234567890")));
        assert!(!valid(&digits("3234567893")));
        assert!(valid(&digits("1467300244")));
    }

    #[test]
    fn keyword_gives_high_and_plain_is_low() {
        assert_eq!(
            found("Referring provider NPI 1467300244", Kind::Npi),
            Some(Confidence::High)
        );
        assert_eq!(found("NPI: 1234567893", Kind::Npi), Some(Confidence::High));
        assert_eq!(found("ref 1234567893", Kind::Npi), Some(Confidence::Low));
        assert_eq!(found("NPI 1234567890", Kind::Npi), None);
        assert_eq!(found("call 1234567893-2", Kind::Npi), None);
    }
}
