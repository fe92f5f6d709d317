//! ICD-10-CM diagnosis code detector.
//!
//! Candidates: a capital letter, a digit, a digit or capital letter, then
//! optionally `.` and 1-4 more characters (`E11.9`, `E119`, `O09.521`,
//! `I10`). A candidate is a code only when it is in the shipped code list
//! (`data/icd10cm.txt`: every CM code, grouped by 3-character category),
//! which rejects most model and ticket numbers. It must stand alone (not
//! `I10-817`) and its nearest context may not be a negative word (model,
//! printer, error, room, flight...). Confidence: clinical wording before it
//! (ICD, Dx, diagnosis, assessment, condition, history) → high; health
//! terms elsewhere in the same text → medium; otherwise low.

use super::re;
use super::tokens::{Run, Scan, at, boundary_after};
use crate::policy::finding::{Confidence, Kind};
use crate::policy::text::{Context, Near, after, before, isolated};
use crate::util::fnv::FnvBuild;
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

const CODES: &str = include_str!("../data/icd10cm.txt");

struct Res {
    clinical: Regex,
    negative: Regex,
    negative_after: Regex,
    mask_after: Regex,
    /// `error code J45`, `part no. K21.9`: the word before names another
    /// kind of code.
    negative_label: Regex,
    codes: HashSet<u64, FnvBuild>,
}

/// Pack a code (dot removed, at most 8 bytes) into a u64 key.
fn key(code: &str) -> Option<u64> {
    let mut k = 0u64;
    let mut n = 0;
    for b in code.bytes().filter(|&b| b != b'.') {
        n += 1;
        if n > 8 {
            return None;
        }
        k = (k << 8) | u64::from(b);
    }
    Some(k)
}

fn load_codes() -> HashSet<u64, FnvBuild> {
    let mut set = HashSet::with_capacity_and_hasher(100_000, FnvBuild::default());
    for line in CODES.lines() {
        let mut it = line.split_ascii_whitespace();
        let Some(cat) = it.next() else { continue };
        set.extend(key(cat));
        for suffix in it {
            set.extend(key(&format!("{cat}{suffix}")));
        }
    }
    set
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        clinical: re(
            r"(?i)(?-u:\b)(?:icd(?:-?10)?(?:-?cm)?|dx|ddx|diagnos[a-z]*|assessment|impression|condition|problem\s+list|hx|history|comorbidit[a-z]*|principal|secondary|code[sd]?)(?-u:\b)",
        ),
        negative: re(
            r"(?i)(?-u:\b)(?:model|printer|error|fault|part|room|suite|gate|flight|seat|sku|serial|item|ticket|unit|version|firmware|apt|apartment|building|bldg|row|section|aisle|route|exit|form|vitamin|product|order|invoice|size|style|chip|engine|highway|interstate|tax|grade|class|level|zone|lot|batch)(?-u:\b)",
        ),
        negative_after: re(
            r"(?i)^[ \t]*(?:error|fault|printer|model|series|engine|chip|form|tax)(?-u:\b)",
        ),
        // `N95 fit test`, `N95 respirator`: a mask, not menopause (N95).
        mask_after: re(r"(?i)^[ \t]*(?:fit|masks?|respirators?)(?-u:\b)"),
        negative_label: re(
            r"(?i)(?-u:\b)(?:(?:error|fault|promo|discount|product|part|item|access|zip|postal|area|country|airport|station|course|class|room|model|serial|style|color|colour)\s+(?:codes?|no\.?|number|#)|part|model|sku|serial|(?:location|loc|site|store|branch|office|facility|dept|department|vendor|customer|account|lot|study|subject|participant|sample|specimen|case|record|claim|ticket|order|request|visit)[ _-]?(?:id|code|no|number|#))\s*[:#]?\s*$",
        ),
        codes: load_codes(),
    })
}

/// True when the code (with or without its dot) is a listed ICD-10-CM code.
pub fn is_listed(code: &str) -> bool {
    key(code).is_some_and(|k| res().codes.contains(&k))
}

fn shape_ok(code: &str) -> bool {
    // A dot must follow exactly three characters.
    match code.find('.') {
        Some(i) => i == 3 && code.len() > 4,
        None => true,
    }
}

/// Candidate shape `\b[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?\b` for the word
/// starting at `ws`: the end of the match, as the regex would choose it.
fn shape(b: &[u8], ws: usize) -> Option<usize> {
    let up = |i: usize| {
        let c = at(b, i);
        c.is_ascii_digit() || c.is_ascii_uppercase()
    };
    if !(at(b, ws).is_ascii_uppercase() && at(b, ws + 1).is_ascii_digit() && up(ws + 2)) {
        return None;
    }
    let w = (3..8).find(|&k| !up(ws + k)).unwrap_or(8);
    if w == 3 && at(b, ws + 3) == b'.' {
        let d = (0..5).find(|&k| !up(ws + 4 + k)).unwrap_or(5);
        if (1..=4).contains(&d) && boundary_after(b, ws + 4 + d) {
            return Some(ws + 4 + d);
        }
        return Some(ws + 3);
    }
    if (4..=7).contains(&w) && boundary_after(b, ws + w) {
        return Some(ws + w);
    }
    (w == 3 && boundary_after(b, ws + 3)).then_some(ws + 3)
}

/// Token-pass hook: the first digit run of a word, right after its first
/// letter.
pub fn at_run(sc: &mut Scan<'_>, run: Run) {
    let text = sc.text;
    let s = run.ws;
    if s + 1 != run.s || s < sc.next.icd {
        return;
    }
    let Some(e) = shape(text.as_bytes(), s) else {
        return;
    };
    sc.next.icd = e;
    let Some(code) = text.get(s..e) else { return };
    if !shape_ok(code) || !isolated(text, s, e) || !is_listed(code) {
        return;
    }
    // An HL7 message type's trigger event (`ORU^R01`, `ADT^A04`).
    let b = text.as_bytes();
    if s >= 4 && b[s - 1] == b'^' && b[s - 4..s - 1].iter().all(u8::is_ascii_uppercase) {
        return;
    }
    let r = res();
    if r.negative_after.is_match(after(text, e, 16))
        || (code.eq_ignore_ascii_case("N95") && r.mask_after.is_match(after(text, e, 16)))
        || r.negative_label.is_match(before(text, s, 32))
    {
        return;
    }
    // `Medication Adherence - Diabetes (D12)`, `HEDIS measure C01`: a
    // quality measure's three-character ID, no one's diagnosis.
    if code.len() == 3 {
        let head = before(text, s, 64).to_ascii_lowercase();
        let line = head.rsplit('\n').next().unwrap_or("");
        let mut words = line.split(|c: char| !c.is_ascii_alphanumeric());
        if words.any(|w| matches!(w, "hedis" | "measure" | "measures" | "stars"))
            || line.contains("star rating")
            || line.contains("adherence - ")
            || nih_award(text, s, e)
        {
            return;
        }
    }
    let ctx = Context {
        positive: &r.clinical,
        negative: Some(&r.negative),
        before: 80,
        after: 0,
    };
    // `L022,Westside Primary Care,…`: a dotless code opening a row is
    // the row's key (a location's, a site's), not its diagnosis; a
    // table's `Dx` column is relabelled next to each cell anyway.
    let row_key = code.len() >= 4
        && !code.contains('.')
        && (s == 0 || b[s - 1] == b'\n')
        && matches!(b.get(e), Some(b',' | b'\t' | b';' | b'|'));
    let conf = match ctx.check(text, s, e) {
        Near::Negative => return,
        Near::Positive => Confidence::High,
        Near::Nothing if sc.has_health && !row_key => Confidence::Medium,
        Near::Nothing => Confidence::Low,
    };
    sc.sink.push(Kind::Icd10, conf, sc.loc, code);
}

/// An NIH award's activity code (`R01 resubmission`, `K23 award`, `the
/// R21 budget`, `NIH R01`), not a diagnosis: a grant word right before
/// or after it.
fn nih_award(text: &str, s: usize, e: usize) -> bool {
    const CODES: &[&str] = &[
        "R01", "R03", "R13", "R15", "R18", "R21", "R33", "R34", "R35", "R56", "R61", "K01", "K08",
        "K23", "K24", "K99", "T32", "P01", "P30", "P50", "U01", "U19", "U54",
    ];
    if !CODES.contains(&&text[s..e]) {
        return false;
    }
    // Words of the grant itself (`pa`, `application`, `renewal` are a
    // prior authorisation's too).
    const GRANT: &[&str] = &[
        "nih",
        "grant",
        "grants",
        "award",
        "awards",
        "resubmission",
        "proposal",
        "budget",
        "funding",
        "funded",
        "nci",
        "nhlbi",
        "niddk",
        "nimh",
        "nia",
        "ninds",
        "niaid",
        "nichd",
        "fellowship",
        "foa",
        "nofo",
        "rfa",
    ];
    let near = |w: &str| {
        w.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|x| !x.is_empty())
            .any(|x| GRANT.contains(&x.to_ascii_lowercase().as_str()))
    };
    let head = before(text, s, 24);
    let head = head.rsplit(['.', '\n']).next().unwrap_or("");
    let tail = after(text, e, 32);
    let tail = tail.split(['.', '\n', ';']).next().unwrap_or("");
    near(head) || near(tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn code_list() {
        assert!(is_listed("E11.9"));
        assert!(is_listed("E119"));
        assert!(is_listed("O09.521"));
        assert!(is_listed("I10"));
        assert!(!is_listed("I10.8"));
        assert!(!is_listed("A1C"));
    }

    #[test]
    fn clinical_context() {
        for t in [
            "Dx: I10",
            "Diagnosis F10.20 - alcohol dependence",
            "(ICD-10 E11.9)",
            "ICD10 code E119",
            "Principal diagnosis: supervision of elderly multigravida, first trimester [O09.521].",
            "Assessment: J45.909",
        ] {
            assert_eq!(found(t, Kind::Icd10), Some(Confidence::High), "{t}");
        }
        assert_eq!(
            found("insulin use, Z79.4", Kind::Icd10),
            Some(Confidence::Medium)
        );
        assert_eq!(found("see Z79.4", Kind::Icd10), Some(Confidence::Low));
    }

    #[test]
    fn lookalikes() {
        // HL7 trigger events.
        assert_eq!(
            found(
                "MSH|^~\\&|LAB|SBMC|||20250101||ORU^R01|1|T|2.5",
                Kind::Icd10
            ),
            None
        );
        assert_eq!(
            found(
                "Your ticket about printer E11 error (model I10-817) is resolved.",
                Kind::Icd10
            ),
            None
        );
        assert_eq!(
            found("Diagnosis: the E11 error on the printer", Kind::Icd10),
            None
        );
        assert_eq!(found("Flight B20 boards at gate C12", Kind::Icd10), None);
        assert_eq!(found("Form W2 and I9 code", Kind::Icd10), None);
        assert_eq!(
            found(
                "Bring your completed N95 fit test; N95 masks in the ED.",
                Kind::Icd10
            ),
            None
        );
        // A dotless code opening a row with no word of diagnosis near: a
        // location's (`L022,Westside Primary Care`), low; with its
        // column, high.
        assert_eq!(
            found(
                "L022,Westside Primary Care,77 Cascade Blvd,541-555-0135",
                Kind::Icd10
            ),
            Some(Confidence::Low)
        );
        assert_eq!(found("Dx: E119", Kind::Icd10), Some(Confidence::High));
        assert_eq!(
            found("Seen in urgent care for asthma, J45.909", Kind::Icd10),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("Seen in urgent care for asthma, J45909", Kind::Icd10),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found(
                "location_id: L022\nName: Westside Primary Care",
                Kind::Icd10
            ),
            None
        );
        // Only N95 is a mask, and only on its own line.
        assert_eq!(
            found("Diagnosis: Z99.11 Respirator dependence", Kind::Icd10),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Diagnosis: J45.909\nForm attached", Kind::Icd10),
            Some(Confidence::High)
        );
        assert_eq!(found("Dx: E11.", Kind::Icd10), Some(Confidence::High));
        assert_eq!(found("Dx E11.99999", Kind::Icd10), None);
        assert_eq!(found("code XY9", Kind::Icd10), None);
        assert_eq!(
            found("Diagnosis: panel shows error code J45", Kind::Icd10),
            None
        );
        assert_eq!(found("Dx: printer fault code E11.9", Kind::Icd10), None);
        assert_eq!(
            found("Visit reason code: R07.9", Kind::Icd10),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Dx code: J45.909", Kind::Icd10),
            Some(Confidence::High)
        );
    }
}
