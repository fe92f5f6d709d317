//! DEA registration number detector.
//!
//! Two letters and seven digits: the first letter is a registrant type
//! (A B C D E F G H J K L M P R S T U X), the second the registrant's last
//! name initial (or 9). Check digit: (d1 + d3 + d5) + 2 × (d2 + d4 + d6),
//! last digit of the sum equals d7. Confidence: valid + "DEA" → high;
//! valid alone → low (a random code passes one time in ten).

use super::re;
use super::tokens::{Checked, Run, Scan, at, boundary_after, push_checked};
use crate::policy::finding::Kind;
use regex::Regex;
use std::sync::OnceLock;

fn keyword() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)(?-u:\b)(?:dea|drug\s+enforcement)"))
}

/// Candidate shape `\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b`: the whole word
/// starting at `ws` is these nine characters.
fn shape(b: &[u8], ws: usize) -> Option<usize> {
    let end = ws + 9;
    let ok = b"ABCDEFGHJKLMPRSTUX".contains(&at(b, ws))
        && (at(b, ws + 1).is_ascii_uppercase() || at(b, ws + 1) == b'9')
        && (ws + 2..end).all(|i| at(b, i).is_ascii_digit())
        && boundary_after(b, end);
    ok.then_some(end)
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

/// Token-pass hook: the first digit run of a word that starts with letters.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let c = Checked {
        kind: Kind::Dea,
        shape,
        valid,
        keyword: keyword(),
        window: (30, 0),
    };
    push_checked(sc, r.ws, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;
    use crate::policy::finding::Confidence;

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
