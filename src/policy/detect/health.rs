//! Health-term detector: conditions, medications, procedures.
//!
//! The shipped list (`data/health_terms.txt`) is matched case-insensitively
//! as whole words (leftmost-longest, linear time): every term begins with a
//! word character, so a match can only start where a word starts. The scan
//! walks the word starts and runs the Aho-Corasick automaton, anchored,
//! only where the first two bytes begin some term; after a whole-word match
//! it resumes at the match's end, as an unanchored leftmost search would.
//! This finds what one unanchored pass over every byte finds, at a fraction
//! of the cost on prose and on long tokens.
//! Terms are supporting evidence, never PHI on their own. Confidence: a term
//! in a segment that also carries clinical-care wording about an individual
//! (diagnosed, Dx, prescribed, refill, discharged, "patient:", "history of",
//! a dosage such as "10 mg") → high; a term alone → medium.

use super::re;
use super::tokens::is_word;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
use regex::Regex;
use std::sync::OnceLock;

const TERMS: &str = include_str!("../data/health_terms.txt");

struct Res {
    terms: Option<AhoCorasick>,
    /// The (first, second) byte pairs that begin a term, both cases; None
    /// when some term does not begin with a word character followed by
    /// another byte (then word starts cannot be used and every byte is
    /// searched).
    openings: Option<PairSet>,
    care: Regex,
    bulk: Regex,
}

/// A set of byte pairs as a 64 Ki-bit map (8 KiB).
struct PairSet(Box<[u64; 1024]>);

impl PairSet {
    fn of_terms(list: &[&str]) -> Option<PairSet> {
        let mut set = PairSet(Box::new([0; 1024]));
        for t in list {
            let &[a, b, ..] = t.as_bytes() else {
                return None;
            };
            if !is_word(a) {
                return None;
            }
            for x in [a.to_ascii_lowercase(), a.to_ascii_uppercase()] {
                for y in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                    let k = usize::from(x) << 8 | usize::from(y);
                    set.0[k >> 6] |= 1 << (k & 63);
                }
            }
        }
        Some(set)
    }

    fn contains(&self, a: u8, b: u8) -> bool {
        let k = usize::from(a) << 8 | usize::from(b);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
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
            // Anchored searches at word starts; unanchored as the fallback.
            .start_kind(StartKind::Both)
            .build(&list)
            .ok();
        Res {
            terms,
            openings: PairSet::of_terms(&list),
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

/// Most term spans kept per segment (evidence, not an inventory).
const MAX_SPANS: usize = 1000;

/// Whole-word term matches, trying only word starts that open a term.
fn at_word_starts(ac: &AhoCorasick, openings: &PairSet, text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let n = b.len();
    let mut spans = Vec::new();
    let (mut i, mut in_word) = (0, false);
    while i < n {
        let w = is_word(b[i]);
        if w && !in_word && i + 1 < n && openings.contains(b[i], b[i + 1]) {
            let input = Input::new(text).range(i..).anchored(Anchored::Yes);
            if let Some(m) = ac.find(input) {
                let e = m.end();
                if e >= n || !is_word(b[e]) {
                    spans.push((i, e));
                    if spans.len() >= MAX_SPANS {
                        break;
                    }
                    // Non-overlapping, as the leftmost search was.
                    (i, in_word) = (e, false);
                    continue;
                }
            }
        }
        in_word = w;
        i += 1;
    }
    spans
}

/// Whole-word term matches, every byte searched.
fn everywhere(ac: &AhoCorasick, text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let left_ok = s == 0 || !is_word(b[s - 1]);
        let right_ok = e >= b.len() || !is_word(b[e]);
        if left_ok && right_ok {
            spans.push((s, e));
            if spans.len() >= MAX_SPANS {
                break;
            }
        }
    }
    spans
}

/// Scan a segment; returns the byte spans of the health terms found.
pub fn scan(text: &str, loc: Location, sink: &mut Sink) -> Vec<(usize, usize)> {
    let r = res();
    let Some(ac) = &r.terms else {
        return Vec::new();
    };
    let spans = match &r.openings {
        Some(o) => at_word_starts(ac, o, text),
        None => everywhere(ac, text),
    };
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

    #[test]
    fn word_starts_find_what_every_byte_finds() {
        let r = res();
        let (ac, openings) = (r.terms.as_ref().unwrap(), r.openings.as_ref().unwrap());
        let mut texts: Vec<String> = [
            "Dx: Type 2 Diabetes; COPD, asthma.\r\nHistory of low back pain and GERD",
            "xdiabetes diabetesx _asthma asthma_ copd-related (hypertension) 'ptsd'",
            "gastro-esophageal reflux disease; major depressive disorder, single episode",
            "Ärger mit diabetes; éasthma; HIV/AIDS; covid-19 and ob/gyn visit",
            "asthm",
            "a",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend(
            TERMS
                .lines()
                .take(400)
                .map(|t| format!("{t}, {}. ", t.to_uppercase())),
        );
        let all: String = texts.concat();
        texts.push(all);
        for t in &texts {
            assert_eq!(at_word_starts(ac, openings, t), everywhere(ac, t), "{t}");
        }
    }
}
