//! DEA registration number detector.
//!
//! Two letters and seven digits: the first letter is a registrant type
//! (A B C D E F G H J K L M P R S T U X), the second the registrant's last
//! name initial (or 9). Check digit: (d1 + d3 + d5) + 2 × (d2 + d4 + d6),
//! last digit of the sum equals d7. Confidence: valid + "DEA" → high;
//! valid alone → low (a random code passes one time in ten).

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{Context, Near, isolated};
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    candidate: Regex,
    keyword: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        candidate: re(r"(?-u:\b)[ABCDEFGHJKLMPRSTUX][A-Z9][0-9]{7}(?-u:\b)"),
        keyword: re(r"(?i)(?-u:\b)(?:dea|drug\s+enforcement)"),
    })
}

/// Check digit validation on the 9-character code.
pub fn valid(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 9 || !b[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = b[2..].iter().map(|&x| u32::from(x - b'0')).collect();
    let sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
    sum % 10 == d[6]
}

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let r = res();
    let ctx = Context {
        positive: &r.keyword,
        negative: None,
        before: 30,
        after: 0,
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
        sink.push(Kind::Dea, conf, loc, m.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn check_digit() {
        // 1+4+6 + 2*(3+5+7) = 41 → 1
        assert!(valid("AB1345671"));
        assert!(!valid("AB1345672"));
        assert!(!valid("AB134567"));
    }

    #[test]
    fn keyword_and_lookalikes() {
        assert_eq!(found("DEA # AB1345671", Kind::Dea), Some(Confidence::High));
        assert_eq!(found("DEA # AB1345672", Kind::Dea), None);
        // Registrant type I is not issued.
        assert_eq!(found("DEA IB1345671", Kind::Dea), None);
        assert_eq!(found("part AB1345671-2", Kind::Dea), None);
    }
}
