//! Health-term detector: conditions, medications, procedures.
//!
//! The shipped list (`data/health_terms.txt`) is matched case-insensitively
//! as whole words in one Aho-Corasick pass (leftmost-longest, linear time).
//! Terms are supporting evidence, never PHI on their own. Confidence: a term
//! in a segment that also carries clinical-care wording about an individual
//! (diagnosed, Dx, prescribed, refill, discharged, "patient:", "history of",
//! a dosage such as "10 mg") → high; a term alone → medium.

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::sync::OnceLock;

const TERMS: &str = include_str!("../data/health_terms.txt");

struct Res {
    terms: Option<AhoCorasick>,
    care: Regex,
    bulk: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let list: Vec<&str> = TERMS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let terms = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // A full DFA: one table lookup per byte (the default NFA is
            // several times slower on prose).
            .kind(Some(AhoCorasickKind::DFA))
            .build(list)
            .ok();
        Res {
            terms,
            // Newsletters, event and marketing mail speak of health to many
            // readers: their care wording ("thousands are diagnosed...")
            // concerns no one in particular.
            bulk: re(
                r"(?i)(?-u:\b)(?:unsubscribe|newsletter|view\s+(?:it\s+)?in\s+(?:your\s+)?browser|manage\s+(?:your\s+)?(?:email\s+)?preferences|webinar|conference|symposium|summit|registration|register\s+(?:now|today|here)|attendees|keynote|early[- ]bird|cme\s+credits?|job\s+(?:posting|opening)|we\s+are\s+hiring|requisition)(?-u:\b)",
            ),
            care: re(
                r"(?i)(?-u:\b)(?:diagnos(?:ed|is|es)|dx|icd-?10|prescribed|refill|discharged|admitted|treated\s+for|treatment\s+(?:for|plan)|history\s+of|hx\s+of|patient\s*:|pt\s*:|presents\s+with|complains\s+of|chief\s+complaint|lab\s+results?|test\s+results?|[0-9]+\s?(?:mg|mcg|ml|units)|visit\s+for|claim\s+processed\s+for|reason\s+for\s+(?:referral|visit)|your\s+(?:upcoming\s+|scheduled\s+|recent\s+|next\s+|latest\s+)?(?:appointment|procedure|surgery|biopsy|results?|scan|mri|infusion|chemo[a-z]*|treatment|prescriptions?|medications?|diagnosis|lab\s*work|labs)|came\s+back\s+(?:positive|negative|abnormal|normal|clear)|tested\s+positive|patient\s+name|scheduled\s+for\s+(?:surgery|a\s+biopsy|an?\s+mri|chemo[a-z]*|dialysis|infusion))(?-u:\b)",
            ),
        }
    })
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Scan a segment; returns the byte spans of the health terms found.
pub fn scan(text: &str, loc: Location, sink: &mut Sink) -> Vec<(usize, usize)> {
    let r = res();
    let Some(ac) = &r.terms else {
        return Vec::new();
    };
    let b = text.as_bytes();
    let mut spans = Vec::new();
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let left_ok = s == 0 || !word_byte(b[s - 1]);
        let right_ok = e >= b.len() || !word_byte(b[e]);
        if left_ok && right_ok {
            spans.push((s, e));
            if spans.len() >= 1000 {
                break;
            }
        }
    }
    if spans.is_empty() {
        return spans;
    }
    let conf = if r.care.is_match(text) && !r.bulk.is_match(text) {
        Confidence::High
    } else {
        Confidence::Medium
    };
    for &(s, e) in &spans {
        if let Some(t) = text.get(s..e) {
            sink.push(Kind::Health, conf, loc, t);
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn terms_and_context() {
        assert_eq!(
            found("Current medication: sertraline 50 mg.", Kind::Health),
            Some(Confidence::High)
        );
        assert_eq!(
            found("History of type 2 diabetes mellitus.", Kind::Health),
            Some(Confidence::High)
        );
        assert_eq!(
            found(
                "living well with essential (primary) hypertension",
                Kind::Health
            ),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("buy hearing aids and a lithium battery", Kind::Health),
            None
        );
        assert_eq!(found("prediabetic? no: nondiabetes", Kind::Health), None);
    }
}
