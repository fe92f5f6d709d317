//! Bank account detector.
//!
//! Keyword-anchored: bank account / account # / acct / checking / savings /
//! IBAN / routing (ABA). Values of 6-17 digits (IBAN: country code + check
//! digits + up to 30 alphanumerics). Routing numbers must pass the ABA
//! checksum 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
//! Bank wording → high; a bare "account #" → medium (could be a patient
//! account number, which HIPAA also counts as an identifier).

use super::anchored::{Anchor, FILLER, value_after};
use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::digits;
use regex::Regex;
use std::sync::OnceLock;

/// Bank wording giving high confidence (case-insensitive, after `\b`).
pub const BANK: &str = r"(?:bank\s+(?:account|acct)|checking(?:\s+account)?|savings(?:\s+account)?|iban|deposit\s+account)";

/// A bare account number label: medium confidence.
pub const ACCOUNT: &str = r"(?:account|acct\.?)\s*(?:#|no|number|num|nbr)";

/// Routing number label: the value must pass the ABA checksum.
pub const ROUTING: &str = r"(?:routing|aba|transit)(?:\s*(?:#|no|number|num))?";

fn value() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(&format!(
            r"{FILLER}([A-Z]{{2}}[0-9]{{2}}[A-Z0-9 ]{{8,34}}|[0-9][0-9\- ]{{4,20}}[0-9])"
        ))
    })
}

/// ABA routing number checksum.
pub fn aba_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let w = [3u32, 7, 1];
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &x)| w[i % 3] * u32::from(x))
        .sum();
    sum.is_multiple_of(10)
}

/// A bank, account or routing keyword ended at `kend`: report the value.
pub fn after_keyword(text: &str, kend: usize, anchor: Anchor, loc: Location, sink: &mut Sink) {
    let Some((s, e)) = value_after(text, kend, value()) else {
        return;
    };
    let Some(v) = text.get(s..e) else { return };
    let conf = match anchor {
        Anchor::Routing => {
            if aba_valid(&digits(v)) {
                sink.push(Kind::BankAccount, Confidence::High, loc, v);
            }
            return;
        }
        Anchor::Bank => Confidence::High,
        _ => Confidence::Medium,
    };
    let v = v.trim_end();
    if (6..=34).contains(&digits(v).len()) {
        sink.push(Kind::BankAccount, conf, loc, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn aba_checksum() {
        assert!(aba_valid(&digits("011000015")));
        assert!(!aba_valid(&digits("011000016")));
    }

    #[test]
    fn phrasings() {
        assert_eq!(
            found("Bank account: 000123456789", Kind::BankAccount),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Routing number 011000015", Kind::BankAccount),
            Some(Confidence::High)
        );
        assert_eq!(found("Routing number 011000016", Kind::BankAccount), None);
        assert_eq!(
            found("Account # 4455667", Kind::BankAccount),
            Some(Confidence::Medium)
        );
        assert_eq!(found("account settings", Kind::BankAccount), None);
    }
}
