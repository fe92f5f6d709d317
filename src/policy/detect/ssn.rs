//! US Social Security Number and ITIN detector.
//!
//! Pattern `AAA-GG-SSSS` with one consistent separator (`-`, space, `.`) or
//! none. Validity (SSA rules): area not 000, 666 or 900-999, group not 00,
//! serial not 0000, and not one of the publicly known advertising numbers.
//! Areas 9xx with group 50-65, 70-88, 90-92 or 94-99 are ITINs instead.
//!
//! Confidence: keyword (SSN, Social Security No., S.S.N., SS#, ITIN, tax id)
//! nearest within the window before, or just after → high; a formatted,
//! valid number without keyword → low; unformatted 9 digits need the keyword.
//! A nearer negative keyword (order, invoice, tracking, ticket...) suppresses.
//! Candidates come from the token pass (`tokens`), which hands over every
//! digit run that starts a word.

use super::re;
use super::tokens::{Run, Scan, at, boundary_after, run_len};
use crate::policy::finding::{Confidence, Kind};
use crate::policy::text::{Context, Near, isolated};
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
            r"(?i)(?-u:\b)(?:ssn|ss#|ss\s*(?:no|num|number)|s\.\s?s\.\s?n|social\s*(?:security|sec)|soc\.?\s*sec|ssa\s*(?:no|#|number)|itin|tin|tax(?:payer)?\s*(?:id|identification))",
        ),
        negative: re(
            r"(?i)(?-u:\b)(?:orders?|invoice|inv|tracking|confirmation|ticket|ref|reference|po|sku|serial|model|part|item|case|claim|phone|tel|fax|call|routing|account|acct|transaction|booking|reservation|flight|room|registration|registered|badge|attendee|pin|requisition|req|conference|session|seat|voucher|coupon|promo|member\s+services|customer\s+service|order\s+no)(?-u:\b)",
        ),
    })
}

/// Candidate shape `\b\d{3}[- .]?\d{2}[- .]?\d{4}\b` starting at the
/// word-start digit run `s`: the end of the match.
fn shape(b: &[u8], s: usize) -> Option<usize> {
    let sep = |i: usize| matches!(at(b, i), b'-' | b' ' | b'.');
    let end = match run_len(b, s, 9) {
        9 => s + 9,
        5 if sep(s + 5) && run_len(b, s + 6, 4) == 4 => s + 10,
        3 if sep(s + 3) => match run_len(b, s + 4, 6) {
            6 => s + 10,
            2 if sep(s + 6) && run_len(b, s + 7, 4) == 4 => s + 11,
            _ => return None,
        },
        _ => return None,
    };
    boundary_after(b, end).then_some(end)
}

/// Classification of a 9-digit number.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Class {
    Ssn,
    Itin,
    Invalid,
}

/// Classify area/group/serial by SSA and IRS rules.
pub fn classify(d: &[u8]) -> Class {
    if d.len() != 9 {
        return Class::Invalid;
    }
    let n = |a: &[u8]| a.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let (area, group, serial) = (n(&d[0..3]), n(&d[3..5]), n(&d[5..9]));
    // The textbook example and one digit nine times (`111-11-1111`,
    // `999-99-9999`): the numbers forms, training and test data print,
    // which are never issued.
    if d == b"\x01\x02\x03\x04\x05\x06\x07\x08\x09" || d.iter().all(|&x| x == d[0]) {
        return Class::Invalid;
    }
    // The SSA's own advertising range (`987-65-4320` to `-4329`), printed
    // in leaflets, forms and test data, never issued.
    if (area, group) == (987, 65) && (4320..=4329).contains(&serial) {
        return Class::Invalid;
    }
    if area >= 900 {
        let itin_group = matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99);
        return if itin_group && serial != 0 {
            Class::Itin
        } else {
            Class::Invalid
        };
    }
    if area == 0 || area == 666 || group == 0 || serial == 0 {
        return Class::Invalid;
    }
    // Numbers voided after publication in advertising.
    if (area, group, serial) == (78, 5, 1120) || (area, group, serial) == (219, 9, 9999) {
        return Class::Invalid;
    }
    Class::Ssn
}

/// Separators must be consistent: none, or the same char in both places.
fn separators_ok(m: &str) -> Option<bool> {
    let seps: Vec<u8> = m.bytes().filter(|b| !b.is_ascii_digit()).collect();
    match seps.as_slice() {
        [] => Some(false),
        [a, b] if a == b => Some(true),
        _ => None,
    }
}

/// Token-pass hook: a candidate starting at this word-start run.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let text = sc.text;
    if r.s < sc.next.ssn {
        return;
    }
    let Some(e) = shape(text.as_bytes(), r.s) else {
        return;
    };
    sc.next.ssn = e;
    let s = r.s;
    let Some(m) = text.get(s..e) else { return };
    if !isolated(text, s, e) {
        return;
    }
    let Some(formatted) = separators_ok(m) else {
        return;
    };
    let class = classify(&crate::policy::text::digits(m));
    if class == Class::Invalid {
        return;
    }
    let res = res();
    let ctx = Context {
        positive: &res.keyword,
        negative: Some(&res.negative),
        before: 60,
        after: 24,
    };
    let conf = match ctx.check(text, s, e) {
        Near::Negative => return,
        Near::Positive => Confidence::High,
        Near::Nothing if formatted => Confidence::Low,
        Near::Nothing => return,
    };
    // The area decides between SSN and ITIN, not the keyword.
    let kind = match class {
        Class::Itin => Kind::Itin,
        _ => Kind::Ssn,
    };
    sc.sink.push(kind, conf, sc.loc, m);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn classify_rejects_invalid_areas_groups_serials() {
        let d = crate::policy::text::digits;
        assert_eq!(classify(&d("000-12-3456")), Class::Invalid);
        assert_eq!(classify(&d("666-12-3456")), Class::Invalid);
        assert_eq!(classify(&d("912-12-3456")), Class::Invalid);
        assert_eq!(classify(&d("123-00-3456")), Class::Invalid);
        assert_eq!(classify(&d("123-45-0000")), Class::Invalid);
        assert_eq!(classify(&d("078-05-1120")), Class::Invalid);
        assert_eq!(classify(&d("123-45-6789")), Class::Invalid);
        assert_eq!(classify(&d("555-55-5555")), Class::Invalid);
        assert_eq!(classify(&d("999-99-9999")), Class::Invalid);
        assert_eq!(classify(&d("123-45-6788")), Class::Ssn);
        assert_eq!(classify(&d("824-66-7795")), Class::Ssn);
        assert_eq!(classify(&d("912-70-3456")), Class::Itin);
        assert_eq!(classify(&d("912-93-3456")), Class::Invalid);
    }

    #[test]
    fn keyword_phrasings_give_high() {
        for t in [
            "SSN: 824-66-7795",
            "Social Security No. 824 66 7795",
            "S.S.N. 824667795",
            "soc sec #: 824.66.7795",
            "Social Security Number is 824-66-7795.",
            "ss# 824-66-7795",
            "824-66-7795 (SSN)",
        ] {
            assert_eq!(found(t, Kind::Ssn), Some(Confidence::High), "{t}");
        }
        assert_eq!(
            found("ITIN 912-70-3456", Kind::Itin),
            Some(Confidence::High)
        );
    }

    #[test]
    fn look_alikes_do_not_match() {
        assert_eq!(
            found("Thanks for your order #376-85-5983.", Kind::Ssn),
            None
        );
        assert_eq!(found("SSN on file. Order 376-85-5983", Kind::Ssn), None);
        assert_eq!(found("Invoice 312309728 for supplies", Kind::Ssn), None);
        assert_eq!(found("call 415-253-8700", Kind::Ssn), None);
        assert_eq!(found("ref 12-376-85-5983", Kind::Ssn), None);
        assert_eq!(found("SSN 376-85/5983", Kind::Ssn), None);
        assert_eq!(found("SSN: 000-12-3456", Kind::Ssn), None);
        assert_eq!(found("SSN: 666-12-3456", Kind::Ssn), None);
        assert_eq!(found("SSN: 123-45-0000", Kind::Ssn), None);
    }

    #[test]
    fn formatted_without_keyword_is_low() {
        assert_eq!(
            found("number 824-66-7795 here", Kind::Ssn),
            Some(Confidence::Low)
        );
        assert_eq!(found("value 824667795 here", Kind::Ssn), None);
    }
}
