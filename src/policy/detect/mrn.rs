//! Medical record number detector.
//!
//! Keyword-anchored: MRN, MR#, medical record (number|no|#), med rec,
//! chart (no|#|number), patient ID, hospital number, EMR # ..., followed by
//! an identifier of up to four letters and at least four digits → high; or
//! one printed in space-separated digit groups that fill the field
//! (`MRN: 004 829 13,`; see `anchored::grouped_after`).
//! Site-specific formats come from the policy set
//! (`[detectors.mrn] patterns`): a pattern match alone → medium, with a
//! keyword before it → high. Extra keywords (`[detectors.mrn] keywords`)
//! extend the anchor list.

use super::anchored::{FILLER, digit_count, grouped_after, value_after, values};
use super::{DetectorConfig, re};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{before, isolated};
use regex::Regex;
use std::sync::OnceLock;

/// MRN wording (case-insensitive, after a word boundary).
pub const KEYWORD: &str = r"(?:mrn|mr\s*#|mr\s*no|medical\s+records?(?:\s+(?:number|no|num|nbr|#|id))?|med\.?\s*rec(?:ord)?s?\.?(?:\s*(?:#|no|number))?|chart\s*(?:#|no|number|nbr|id)|patient\s*(?:id|#|no|number|nbr)|pt\.?\s*(?:id|#)|hospital\s*(?:number|no|#|id)|unit\s+number|emr\s*(?:#|id|number|no)|ehr\s*(?:#|id|number|no)|n[ºo°]\.?\s*(?:do\s+)?prontu[áa]rio|prontu[áa]rio|expediente\s+(?:cl[íi]nico|m[ée]dico)|historia\s+cl[íi]nica|dossier\s+m[ée]dical|m[ãa]\s+b[ệe]nh\s+nh[âa]n|m[ãa]\s+ng[ưu][ờo]i\s+b[ệe]nh|cartella\s+clinica|patientennummer|fallnummer|pati[ëe]ntnummer|nimewo\s+dosye|numero\s+ng\s+pasyente|(?:no\.?|n[úu]m(?:ero|\.)?|n[ºo°]\.?)\s+de\s+paciente|(?:n[úu]mero|n[ºo°]\.?)\s+do\s+paciente|rx\s*#|rx\s+(?:number|no)|prescription\s*(?:#|number|no)|encounter\s*(?:#|no\.?|number|nbr|id)|enc\.?\s*#?|(?-i:CSN|FIN)\s*#?|(?-i:HN)\s*[:#]|visit\s*(?:#|no\.?|number))";

struct Res {
    keyword: Regex,
    value: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        keyword: re(&format!(r"(?i)(?-u:\b){KEYWORD}")),
        value: re(&format!(
            r"{FILLER}([A-Za-z]{{0,4}}[-]?[0-9][0-9\-]{{2,15}}[0-9A-Za-z]?)"
        )),
    })
}

/// Longest MRN value kept.
const MAX_LEN: usize = 20;

fn value_ok(v: &str) -> bool {
    digit_count(v) >= 4 && v.len() <= MAX_LEN && !placeholder(v)
}

/// Training and test records' numbers (`000000001`, `999999999`,
/// `123456789`): all digits (blanks and dashes aside), at least eight,
/// one digit repeated before the last, or counting up. A prefixed or
/// short zero-padded number (`MR0000001`, `0000007`) is a real one.
/// Nothing is record number zero (`TEST-000000`, `MR000000`), and a
/// number marked as a test's (`TEST-004417`, `DEMO 1182`) is no one's.
fn placeholder(v: &str) -> bool {
    let d: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    let marked = ["test", "demo"]
        .iter()
        .any(|m| v.len() > m.len() && v.as_bytes()[..m.len()].eq_ignore_ascii_case(m.as_bytes()));
    if marked || (!d.is_empty() && d.iter().all(|&c| c == b'0')) {
        return true;
    }
    if v.bytes().any(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    d.len() >= 8
        && (d[..d.len() - 1].windows(2).all(|w| w[0] == w[1]) || b"1234567890".starts_with(&d))
}

/// A built-in keyword ended at `kend`: report the MRN after it, if any.
pub fn after_keyword(text: &str, kend: usize, loc: Location, sink: &mut Sink) {
    let grouped = grouped_after(text, kend, MAX_LEN);
    // A placeholder in groups (`000 000 001`) is no record number, and
    // its first group is none either.
    if grouped.is_some_and(|(s, e)| text.get(s..e).is_some_and(placeholder)) {
        return;
    }
    let found = grouped.or_else(|| {
        value_after(text, kend, &res().value).filter(|&(s, e)| text.get(s..e).is_some_and(value_ok))
    });
    if let Some((s, e)) = found
        && let Some(v) = text.get(s..e)
        && !super::anchored::training_record_line(text, kend)
        && !sample_record(text, kend)
        && (!visit_keyword(text, kend) || visit_number(text, kend, v))
    {
        let confidence = if pet_record(text, kend) {
            Confidence::Low
        } else {
            Confidence::High
        };
        sink.push(Kind::Mrn, confidence, loc, v);
    }
}

/// A record written one field a line (a spreadsheet's row, a label
/// file) whose block holds both a system's null birth date
/// (`01/01/1900`) and a test patient's name (`SAMPLE, TEST PATIENT`, or
/// `Last name: SAMPLE` over `First name: PATIENT ONE`): an import
/// template's or a printer test's sample, no one's.
fn sample_record(text: &str, kend: usize) -> bool {
    const REACH: usize = 400;
    let b = text.as_bytes();
    let lo = kend.saturating_sub(REACH);
    let hi = (kend + REACH).min(b.len());
    let from = memchr::memmem::rfind(&b[lo..kend], b"\n\n").map_or(lo, |i| lo + i + 2);
    let to = memchr::memmem::find(&b[kend..hi], b"\n\n").map_or(hi, |i| kend + i);
    let block = &b[from..to];
    const NULL_DATES: &[&[u8]] = &[
        b"01/01/1900",
        b"1/1/1900",
        b"1900-01-01",
        b"01.01.1900",
        b"01-01-1900",
    ];
    // The null date alone is also a real but unidentified patient's
    // (`UNKNOWN, ALPHA`): a test patient's name must be there too.
    if !NULL_DATES
        .iter()
        .any(|d| memchr::memmem::find(block, d).is_some())
    {
        return false;
    }
    let text_of_block = String::from_utf8_lossy(block);
    if text_of_block
        .lines()
        .scan(0usize, |at, l| {
            let here = *at;
            *at += l.len() + 1;
            Some((here, l))
        })
        .any(|(at, _)| super::anchored::training_record_line(&text_of_block, at))
    {
        return true;
    }
    // The block's two name fields read together (`SAMPLE, PATIENT ONE`).
    let field = |label: &[u8]| {
        block.split(|&c| c == b'\n').find_map(|l| {
            (l.len() > label.len() && l[..label.len()].eq_ignore_ascii_case(label)).then(|| {
                String::from_utf8_lossy(&l[label.len()..])
                    .trim()
                    .to_string()
            })
        })
    };
    match (field(b"last name:"), field(b"first name:")) {
        (Some(last), Some(first)) => {
            let record = format!("{last}, {first}");
            super::anchored::training_record_line(&record, 0)
        }
        _ => false,
    }
}

/// Did the keyword ending at `kend` name a visit (`enc`, `FIN`, `CSN`,
/// `visit no.`)? Those words have other lives (`Enc: 2 pages`, `FIN 3320`
/// as a course, `FIN-1234` as a ticket).
fn visit_keyword(text: &str, kend: usize) -> bool {
    let w = before(text, kend, 16).to_ascii_lowercase();
    let w = w.trim_end_matches([' ', '\t', '#', ':', '.']);
    ["enc", "fin", "csn", "visit no", "visit number", "visit"]
        .iter()
        .any(|k| w.ends_with(k))
        || w.ends_with("visit #")
}

/// A visit number: seven digits or more, no `-` right after the keyword,
/// no year. Not Singapore's FIN (`NRIC/FIN: G5540187Q`), a foreigner's
/// identity number: a letter, seven digits and a check letter.
fn visit_number(text: &str, kend: usize, v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let b = v.as_bytes();
    let singapore = b.len() == 9
        && matches!(b[0].to_ascii_uppercase(), b'S' | b'T' | b'F' | b'G' | b'M')
        && b[1..8].iter().all(u8::is_ascii_digit)
        && b[8].is_ascii_alphabetic();
    digits >= 7 && !singapore && !text[kend..].trim_start().starts_with('-') && !v.contains('-')
}

/// `Client #: 20981   Patient #: 20981-02` in a veterinary practice's
/// mail: the client is the owner and the patient their animal. Both the
/// line's owner label and the practice (with an animal word) must be there.
fn pet_record(text: &str, kend: usize) -> bool {
    const REACH: usize = 120;
    let b = text.as_bytes();
    let lo = kend.saturating_sub(REACH);
    let hi = (kend + REACH).min(b.len());
    let ls = memchr::memrchr(b'\n', &b[lo..kend]).map_or(lo, |i| lo + i + 1);
    let le = memchr::memchr(b'\n', &b[kend..hi]).map_or(hi, |i| kend + i);
    let line = b[ls..le].to_ascii_lowercase();
    let owner = [
        &b"client #"[..],
        b"client id",
        b"client no",
        b"owner:",
        b"owner name",
    ]
    .iter()
    .any(|l| memchr::memmem::find(&line, l).is_some());
    owner && super::name::veterinary_mail(text)
}

/// Configured keywords and site patterns (`[detectors.mrn]`), if any.
pub fn scan_configured(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink) {
    let r = res();
    if let Some(extra) = &cfg.mrn_keywords {
        for (s, e) in values(text, extra, &r.value) {
            let v = &text[s..e];
            if value_ok(v) {
                sink.push(Kind::Mrn, Confidence::High, loc, v);
            }
        }
    }
    for p in &cfg.mrn_patterns {
        for m in p.find_iter(text) {
            if m.is_empty() || !isolated(text, m.start(), m.end()) {
                continue;
            }
            let w = before(text, m.start(), 40);
            let keyed =
                r.keyword.is_match(w) || cfg.mrn_keywords.as_ref().is_some_and(|k| k.is_match(w));
            let conf = if keyed {
                Confidence::High
            } else {
                Confidence::Medium
            };
            sink.push(Kind::Mrn, conf, loc, m.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::{found, found_with};

    #[test]
    fn encounter_and_account_numbers_of_a_visit() {
        for t in [
            "K. Ramaswamy (enc 60219934), 72yo F, hx CVA",
            "FIN 4400918273 / CSN 800211774",
            "Encounter #: 7781203",
            "Visit no. 55120981",
        ] {
            assert!(found(t, Kind::Mrn).is_some(), "{t}");
        }
        for t in [
            "FIN-1234 is blocked on review",
            "FIN 3320 meets on Tuesdays",
            "Enc. 2024 Annual Report",
            "Enc: 1099",
            "site visit no. 2025-117",
            "Enc: 2 pages",
            "see you at the fin 2025 gala",
            "The encounter 3 times a week",
        ] {
            assert_eq!(found(t, Kind::Mrn), None, "{t}");
        }
    }

    #[test]
    fn phrasings() {
        for t in [
            "MRN: MR8651653",
            "MRN 51930854",
            "MRN: 004 829 13, admitted 11/02",
            "Chart no. 004 829 13",
            "MRN 48291 11/02/2026",
            "MRN 482913 30 mg",
            "Medical Record Number 51930854",
            "Medical Record #: 00482913",
            "Chart No. 55521",
            "Rx# 6620193   LISINOPRIL 20 MG TABLET",
            "Prescription number: 6620194",
            "chart #A-99812",
            "Patient ID: 4410023",
            "MR# 7781234",
            "Nº do prontuário: 2024-118830",
            "Mã người bệnh: 24-118302",
            "Patientennummer: 40017735",
            "Expediente clínico: 4410023",
            "Numero ng pasyente (MRN): 6610274",
            "Mã bệnh nhân:  BN-5521089",
        ] {
            assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn lookalikes() {
        assert_eq!(found("MRN pending", Kind::Mrn), None);
        // Groups: too few digits, a lower-case word, a phone number.
        assert_eq!(found("MRN 12 345", Kind::Mrn), None);
        assert_eq!(found("Patient ID line 555 0142", Kind::Mrn), None);
        assert_eq!(found("Patient ID: 617 555 0142", Kind::Mrn), None);
        assert_eq!(found("medical records request form 12", Kind::Mrn), None);
        assert_eq!(found("Ticket 56854 resolved", Kind::Mrn), None);
    }

    #[test]
    fn training_placeholders_are_no_record_numbers() {
        for t in [
            "MRN: 000000001",
            "MRN 999999999",
            "MRN: 123456789",
            "MRN 12345678",
            "MRN: 000 000 001",
            "MRN TEST-000000",
            "MRN: TEST-004417",
            "MRN: MR000000",
        ] {
            assert_eq!(found(t, Kind::Mrn), None, "{t}");
        }
        assert_eq!(found("MRN: 000482913", Kind::Mrn), Some(Confidence::High));
        assert_eq!(found("MRN: 1234568", Kind::Mrn), Some(Confidence::High));
        assert_eq!(found("MRN: MR0000001", Kind::Mrn), Some(Confidence::High));
        assert_eq!(found("MRN: 0000007", Kind::Mrn), Some(Confidence::High));
    }

    #[test]
    fn test_and_training_patients_have_no_record_numbers() {
        assert_eq!(found("ZZTEST, PORTALONE     MRN 99000001", Kind::Mrn), None);
        let t = "2. Open TEST, PATIENT (MRN 99999001, DOB 01/01/1960) - ED encounter.";
        assert_eq!(found(t, Kind::Mrn), None);
        assert_eq!(found(t, Kind::Dob), None);
        let t = "Sim MRN: SIM-000412   Sim DOB: 01/01/1957 (training EHR only)";
        assert_eq!(found(t, Kind::Mrn), None);
        assert_eq!(found(t, Kind::Dob), None);
        // A sleep aid is no test surname.
        assert_eq!(
            found("Meds: ZZZQuil PRN, MRN 40021877", Kind::Mrn),
            Some(Confidence::High)
        );
        // A real patient whose name starts the same way keeps her record.
        let t = "Patient, Testa M.  MRN 40021877  DOB 02/03/1961";
        assert_eq!(found(t, Kind::Mrn), Some(Confidence::High));
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High));
        assert_eq!(
            found("Training patient JUNIPER (TRN MRN T-000314)", Kind::Mrn),
            None
        );
        for t in [
            "Please test patient for strep, MRN 4829134",
            "this is not a test patient - MRN 4829134",
            "latest MRN: 48213377",
        ] {
            assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        }
        assert_eq!(found("MRN: 1234 5678", Kind::Mrn), None);
        assert_eq!(
            found("ZZ Top fan club\nMRN 99000001", Kind::Mrn),
            Some(Confidence::High)
        );
    }

    #[test]
    fn configured_patterns() {
        let cfg = DetectorConfig::new(&["HX[0-9]{6}".to_string()], &["case file".to_string()], &[])
            .expect("valid config");
        assert_eq!(
            found_with("ref HX123456 ok", Kind::Mrn, &cfg),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found_with("MRN HX123456 ok", Kind::Mrn, &cfg),
            Some(Confidence::High)
        );
        assert_eq!(
            found_with("case file: 77123", Kind::Mrn, &cfg),
            Some(Confidence::High)
        );
    }

    #[test]
    fn a_thai_hospital_number() {
        assert_eq!(found("HN: 65-018832", Kind::Mrn), Some(Confidence::High));
        // Lower case `hn` is no label, nor a flight or a postcode.
        assert_eq!(found("see hn 4411 on the site", Kind::Mrn), None);
        assert_eq!(found("Flight HN 1234 departs 07:40", Kind::Mrn), None);
    }
}
