//! Health-plan member ID detector.
//!
//! Keyword-anchored: member / subscriber / enrollee / insured / medicaid /
//! insurance / health plan + (ID | # | number), "insurance member ID",
//! "ID card #" → high; "policy number", "group number", "plan ID" → medium.
//! The value: optional letters and at least five digits, 6-24 characters.
//! Extra keywords come from `[detectors.member_id] keywords`.

use super::anchored::{FILLER, digit_count, values};
use super::{DetectorConfig, re};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    strong: Regex,
    weak: Regex,
    value: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        strong: re(
            r"(?i)(?-u:\b)(?:(?:member|subscriber|enrollee|insured|medicaid|medi-cal|insurance|health\s+plan|beneficiary)(?:'s)?\s*(?:id(?:entification)?|#|number|no|num|nbr)|id\s+card\s*(?:#|number|no)|insurance\s+(?:member|subscriber)\s+id)",
        ),
        weak: re(r"(?i)(?-u:\b)(?:policy|group|plan|contract|certificate)\s*(?:id|#|number|no|num|nbr)"),
        value: re(&format!(r"{FILLER}([A-Za-z]{{0,4}}[- ]?[0-9][A-Za-z0-9\-]{{4,22}})")),
    })
}

fn value_ok(v: &str) -> bool {
    digit_count(v) >= 5 && (6..=24).contains(&v.len())
}

pub fn scan(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink) {
    let r = res();
    let mut sets: Vec<(&Regex, Confidence)> =
        vec![(&r.strong, Confidence::High), (&r.weak, Confidence::Medium)];
    if let Some(extra) = &cfg.member_keywords {
        sets.push((extra, Confidence::High));
    }
    for (kw, conf) in sets {
        for (s, e) in values(text, kw, &r.value) {
            let v = &text[s..e];
            if value_ok(v) {
                sink.push(Kind::MemberId, conf, loc, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn phrasings() {
        for t in [
            "Member ID: MBR6306895498",
            "Insurance member ID H2285560420",
            "Subscriber #: 12345678",
            "Member Number XJ1234567890",
            "Medicaid ID 99887766A",
            "subscriber id is W1234567890",
        ] {
            assert_eq!(found(t, Kind::MemberId), Some(Confidence::High), "{t}");
        }
        assert_eq!(
            found("Policy number: PL-2039948", Kind::MemberId),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn lookalikes() {
        assert_eq!(found("Member since 2019", Kind::MemberId), None);
        assert_eq!(found("member ID pending", Kind::MemberId), None);
        assert_eq!(found("Offer code SPRING26", Kind::MemberId), None);
    }
}
