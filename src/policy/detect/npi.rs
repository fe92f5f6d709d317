//! National Provider Identifier detector.
//!
//! Ten digits starting with 1 or 2; the last digit is a Luhn check digit
//! computed over the number prefixed with `80840` (ISO 7812 health
//! industry prefix), i.e. Luhn over the 15 digits `80840` + NPI.
//! Confidence: valid + keyword (NPI, national provider, provider #) → high;
//! valid without keyword → low (one random 10-digit number in ten passes).

use super::re;
use super::tokens::{Run, Scan, boundary_after};
use crate::policy::finding::{Confidence, Kind};
use crate::policy::text::{Context, Near, digits, isolated, luhn};
use regex::Regex;
use std::sync::OnceLock;

fn keyword() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)(?-u:\b)(?:npi|national\s+provider|provider\s*(?:id|#|no|number))"))
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

/// Token-pass hook: a word-start run of ten digits (`\b[12]\d{9}\b`).
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let text = sc.text;
    let (s, e) = (r.s, r.e);
    if e - s != 10 || !boundary_after(text.as_bytes(), e) {
        return;
    }
    let Some(m) = text.get(s..e) else { return };
    if !isolated(text, s, e) || !valid(&digits(m)) {
        return;
    }
    let ctx = Context {
        positive: keyword(),
        negative: None,
        before: 40,
        after: 12,
    };
    let conf = match ctx.check(text, s, e) {
        Near::Positive => Confidence::High,
        _ => Confidence::Low,
    };
    sc.sink.push(Kind::Npi, conf, sc.loc, m);
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
