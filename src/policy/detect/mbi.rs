//! Medicare Beneficiary Identifier detector.
//!
//! CMS format, 11 characters: `C A AN N A AN N A A N N` where C is 1-9,
//! N a digit, A a letter other than S L O I B Z, AN either. Printed with or
//! without dashes after positions 4 and 7. The format is distinctive but
//! product codes can fit it: keyword (MBI, Medicare, beneficiary, HICN)
//! → high; format alone → low.

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{Context, Near, isolated};
use regex::Regex;
use std::sync::OnceLock;

const A: &str = "[AC-HJKMNP-RT-Y]";
const AN: &str = "[AC-HJKMNP-RT-Y0-9]";

struct Res {
    candidate: Regex,
    keyword: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        candidate: re(&format!(
            r"(?-u:\b)[1-9]{A}{AN}[0-9]-?{A}{AN}[0-9]-?{A}{A}[0-9]{{2}}(?-u:\b)"
        )),
        keyword: re(r"(?i)(?-u:\b)(?:mbi|medicare|beneficiary|hicn|medicare\s+(?:id|number|no|#))"),
    })
}

/// Structural check of an MBI (dashes allowed at the usual places).
pub fn valid(code: &str) -> bool {
    let c: Vec<u8> = code.bytes().filter(|&b| b != b'-').collect();
    if c.len() != 11 {
        return false;
    }
    let alpha = |b: u8| b.is_ascii_uppercase() && !b"SLOIBZ".contains(&b);
    let alnum = |b: u8| alpha(b) || b.is_ascii_digit();
    let digit = |b: u8| b.is_ascii_digit();
    (b'1'..=b'9').contains(&c[0])
        && alpha(c[1])
        && alnum(c[2])
        && digit(c[3])
        && alpha(c[4])
        && alnum(c[5])
        && digit(c[6])
        && alpha(c[7])
        && alpha(c[8])
        && digit(c[9])
        && digit(c[10])
}

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let r = res();
    let ctx = Context {
        positive: &r.keyword,
        negative: None,
        before: 48,
        after: 16,
    };
    for m in r.candidate.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        if !isolated(text, s, e) || !valid(m.as_str()) {
            continue;
        }
        let conf = match ctx.check(text, s, e) {
            Near::Positive => Confidence::High,
            _ => Confidence::Low,
        };
        sink.push(Kind::Mbi, conf, loc, m.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn format_rules() {
        assert!(valid("1EG4TE5MK73"));
        assert!(valid("1EG4-TE5-MK73"));
        assert!(!valid("0EG4TE5MK73"));
        assert!(!valid("1SG4TE5MK73"));
        assert!(!valid("1EG4TE5MK7"));
        assert!(!valid("1EGATE5MK73"));
    }

    #[test]
    fn keyword_phrasings() {
        assert_eq!(
            found("Medicare ID (MBI): 2GJ4E23KG38", Kind::Mbi),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Medicare number 1EG4-TE5-MK73", Kind::Mbi),
            Some(Confidence::High)
        );
        assert_eq!(found("sku 1EG4TE5MK73", Kind::Mbi), Some(Confidence::Low));
        assert_eq!(found("MBI 1EG4TE5MK73X", Kind::Mbi), None);
    }
}
