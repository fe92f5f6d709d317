//! Medicare Beneficiary Identifier detector.
//!
//! CMS format, 11 characters: `C A AN N A AN N A A N N` where C is 1-9,
//! N a digit, A a letter other than S L O I B Z, AN either. Printed with or
//! without dashes after positions 4 and 7. The format is distinctive but
//! product codes can fit it: keyword (MBI, Medicare, beneficiary, HICN)
//! → high; format alone → low.

use super::re;
use super::tokens::{Checked, Run, Scan, at, boundary_after, push_checked};
use crate::policy::finding::Kind;
use regex::Regex;
use std::sync::OnceLock;

fn keyword() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:mbi|medicare|beneficiary|hicn|medicare\s+(?:id|number|no|#))")
    })
}

fn alpha(b: u8) -> bool {
    b.is_ascii_uppercase() && !b"SLOIBZ".contains(&b)
}

fn alnum(b: u8) -> bool {
    alpha(b) || b.is_ascii_digit()
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn lead(b: u8) -> bool {
    (b'1'..=b'9').contains(&b)
}

/// Candidate shape `\bC A AN N -? A AN N -? A A N N\b` from `s`.
fn shape(b: &[u8], s: usize) -> Option<usize> {
    const SLOTS: [fn(u8) -> bool; 11] = [
        lead, alpha, alnum, digit, alpha, alnum, digit, alpha, alpha, digit, digit,
    ];
    let mut p = s;
    for (i, slot) in SLOTS.iter().enumerate() {
        if (i == 4 || i == 7) && at(b, p) == b'-' {
            p += 1;
        }
        if !slot(at(b, p)) {
            return None;
        }
        p += 1;
    }
    boundary_after(b, p).then_some(p)
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

/// CMS's published example (`1EG4-TE5-MK73`), shown on its sample card:
/// no one's number where the text calls it a specimen or a sample.
/// (Elsewhere it counts: writers copy it into real-looking records.)
fn specimen_shown(text: &str, s: usize) -> bool {
    let b = text.as_bytes();
    let Some(e) = shape(b, s) else {
        return false;
    };
    let code: Vec<u8> = b[s..e].iter().copied().filter(|&c| c != b'-').collect();
    let before = crate::policy::text::before(text, s, 120).to_ascii_lowercase();
    code == b"1EG4TE5MK73"
        && ["specimen", "sample", "example"]
            .iter()
            .any(|w| before.contains(w))
}

/// Token-pass hook: a word starting with a one-digit run.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    if specimen_shown(sc.text, r.s) {
        if let Some(e) = shape(sc.text.as_bytes(), r.s)
            && let Some(m) = sc.text.get(r.s..e)
        {
            sc.sink.push(
                Kind::Mbi,
                crate::policy::finding::Confidence::Low,
                sc.loc,
                m,
            );
        }
        return;
    }
    let c = Checked {
        kind: Kind::Mbi,
        shape,
        valid,
        keyword: keyword(),
        window: (48, 16),
    };
    push_checked(sc, r.s, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;
    use crate::policy::finding::Confidence;

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
        // CMS's specimen, called one: no one's.
        let t = "Specimen MBI shown on the sample card: 1EG4-TE5-MK73";
        assert_eq!(found(t, Kind::Mbi), Some(Confidence::Low));
        assert_eq!(found("MBI 1EG4TE5MK73X", Kind::Mbi), None);
    }
}
