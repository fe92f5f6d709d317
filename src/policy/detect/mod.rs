//! Detectors: one module per sensitive-information type.
//!
//! Each detector is a candidate pattern, a validity check where one exists
//! (Luhn, SSA rules, DEA check digit, the ICD-10-CM code list...), and
//! keywords within a window of characters that set the confidence level —
//! the model of commercial DLP "sensitive information types".
//!
//! `scan_segment` runs every detector over one decoded text segment (the
//! Subject, a header, a body part, an attachment) in a few linear passes
//! per chunk, whatever the number of detectors:
//! - one walk over the word boundaries (`health`): at the word starts
//!   whose two bytes open a health term, the term automaton runs anchored;
//!   it also notes the boundaries where an anchor keyword can start;
//! - digit-free chunks stop there (plus e-mail addresses, found from `@`);
//! - the token pass (`tokens`) visits each digit run once and hands it, by
//!   shape, to the SSN, card, NPI, DEA, MBI, ICD-10, phone, IP and street
//!   validators (hand-written, bounded parsers of the former patterns);
//! - the keyword pass (`anchored`): one pattern holding every anchor
//!   keyword (DOB, MRN, member ID, bank) runs, anchored, at the noted
//!   boundaries within the stretches shortly before a digit, and each hit
//!   looks for its value right after it;
//! - X12 health-care transactions (`x12`), only where `NM1`/`DMG` occur.
//! - HL7 v2 patient and diagnosis segments (`hl7`), only where `PID` occurs.
//!
//! Keyword proximity for a validated candidate is checked on a bounded
//! window around it. Every pattern is compiled once (`OnceLock`), uses
//! ASCII word boundaries so the lazy DFA never falls back to a slower
//! engine on non-ASCII text, and all work per candidate is bounded:
//! scanning is linear in the segment length.

pub mod anchored;
pub mod bank;
pub mod card;
pub mod dates;
pub mod dea;
pub mod dob;
mod fhir;
pub mod health;
pub mod hl7;
pub mod icd10;
mod injury;
mod kin;
mod latin;
pub mod mbi;
pub mod member;
mod morphology;
pub mod mrn;
pub mod name;
mod national;
pub mod npi;
pub mod pairs;
mod patient_rows;
mod readings;
pub(crate) mod scripts;
mod short_words;
pub mod sms_address;
pub mod ssn;
pub mod tokens;
pub mod weak;
pub mod x12;

use crate::policy::finding::{Kind, Location, Sink};
use regex::{Regex, RegexBuilder};

/// Compile a built-in pattern. Built-in patterns are constants covered by
/// unit tests; a failure here is a programming error caught by `cargo test`.
pub(crate) fn re(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .size_limit(32 << 20)
        .build()
        .expect("built-in detector pattern compiles")
}

/// Detector settings that come from the policy set (`[detectors]`).
#[derive(Debug, Clone, Default)]
pub struct DetectorConfig {
    /// Site MRN formats (`[detectors.mrn] patterns`).
    pub mrn_patterns: Vec<Regex>,
    /// Extra MRN keywords (`[detectors.mrn] keywords`), as one regex.
    pub mrn_keywords: Option<Regex>,
    /// Extra member-ID keywords (`[detectors.member_id] keywords`).
    pub member_keywords: Option<Regex>,
}

/// Build a case-insensitive whole-word regex from literal keywords.
fn keyword_regex(words: &[String]) -> Result<Option<Regex>, regex::Error> {
    if words.is_empty() {
        return Ok(None);
    }
    let alts: Vec<String> = words.iter().map(|w| regex::escape(w.trim())).collect();
    RegexBuilder::new(&format!(r"(?i)(?-u:\b)(?:{})", alts.join("|")))
        .size_limit(1 << 20)
        .build()
        .map(Some)
}

impl DetectorConfig {
    /// Compile the configurable parts. Errors name the offending index
    /// (`mrn.patterns[N]`) and the regex error, never message data.
    pub fn new(
        mrn_patterns: &[String],
        mrn_keywords: &[String],
        member_keywords: &[String],
    ) -> Result<Self, (String, String)> {
        let mut cfg = DetectorConfig::default();
        for (i, p) in mrn_patterns.iter().enumerate() {
            let r = RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| (format!("mrn.patterns[{i}]"), format!("invalid regex: {e}")))?;
            cfg.mrn_patterns.push(r);
        }
        cfg.mrn_keywords = keyword_regex(mrn_keywords)
            .map_err(|e| ("mrn.keywords".to_string(), format!("invalid keyword: {e}")))?;
        cfg.member_keywords = keyword_regex(member_keywords).map_err(|e| {
            (
                "member_id.keywords".to_string(),
                format!("invalid keyword: {e}"),
            )
        })?;
        Ok(cfg)
    }
}

/// Large segments are scanned in chunks of at least this many bytes, cut
/// at blank lines, so that digit-free stretches skip most detectors.
const CHUNK: usize = 32 * 1024;

/// Longest stretch searched for a cut point (keeps chunking linear).
const CUT_WINDOW: usize = 64 * 1024;

/// Split at a blank line at or after `CHUNK` bytes; failing that at a line
/// break; failing that after `CUT_WINDOW` bytes. Searches are bounded, so
/// chunking the whole text stays linear.
fn next_chunk(text: &str) -> (&str, &str) {
    use crate::policy::text::{ceil_boundary, floor_boundary};
    if text.len() <= 2 * CHUNK {
        return (text, "");
    }
    let from = ceil_boundary(text, CHUNK);
    let to = floor_boundary(text, from.saturating_add(CUT_WINDOW));
    let w = &text.as_bytes()[from..to];
    let blank = w.iter().enumerate().position(|(i, &b)| {
        b == b'\n'
            && (w.get(i + 1) == Some(&b'\n')
                || (w.get(i + 1) == Some(&b'\r') && w.get(i + 2) == Some(&b'\n')))
    });
    // No blank line: an HL7 batch (segments end in a bare CR) is cut
    // before a message header, so that each message keeps its `MSH`
    // (whose processing id says test or production) with its `PID`.
    let message = || {
        memchr::memmem::find_iter(w, b"MSH|")
            .find(|&i| i > 0 && matches!(w[i - 1], b'\r' | b'\n'))
            .map(|i| i - 1)
    };
    // No header ahead (one long message, a PDF in its OBX): before the
    // last header behind, so that the header stays with its `PID`.
    let behind = || {
        let back = ceil_boundary(text, from.saturating_sub(CUT_WINDOW).max(CHUNK / 2));
        memchr::memmem::rfind(&text.as_bytes()[back..from], b"MSH|")
            .map(|i| back + i)
            .filter(|&i| matches!(text.as_bytes()[i - 1], b'\r' | b'\n'))
    };
    let cut = match blank.or_else(message) {
        Some(i) => from + i + 1,
        None => match behind() {
            Some(i) => i,
            None => match w.iter().position(|&b| matches!(b, b'\n' | b'\r')) {
                Some(i) => from + i + 1,
                None => to,
            },
        },
    };
    text.split_at(cut)
}

/// Do two different phrases of one set occur in `text`? `ac` holds the
/// first set's phrases (pattern ids below `split`), then the second's (at
/// most 64 each). One set phrase is a coincidence; two tell the kind of
/// text (an obituary, a news item).
pub(crate) fn two_of_a_set(ac: &aho_corasick::AhoCorasick, text: &str, split: usize) -> bool {
    debug_assert!(split <= 64 && ac.patterns_len() - split <= 64);
    let mut seen = [0u64; 2];
    for m in ac.find_iter(text) {
        let i = m.pattern().as_usize();
        let (set, bit) = if i < split { (0, i) } else { (1, i - split) };
        seen[set] |= 1 << (bit & 63);
        if seen[set].count_ones() >= 2 {
            return true;
        }
    }
    false
}

/// Run every detector over one segment of decoded text.
pub fn scan_segment(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink) {
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        let (chunk, tail) = next_chunk(rest);
        let ends = Ends {
            opens: first,
            closes: tail.is_empty(),
        };
        scan_chunk(chunk, loc, cfg, sink, ends);
        first = false;
        rest = tail;
    }
}

/// Where a chunk stands in its segment. A greeting is read only at the
/// segment's opening and a signature only at its end: a long message's
/// chunk cut at a blank line starts and ends with ordinary lines.
#[derive(Clone, Copy)]
pub struct Ends {
    pub opens: bool,
    pub closes: bool,
}

/// What a veterinary practice's mail names belongs to an animal or to
/// the practice: the pet's conditions, the practice's address and phone.
/// (A pet's chart number is told apart on its own line: `mrn::pet_record`.)
const ANIMAL_KINDS: &[Kind] = &[Kind::Health, Kind::Address, Kind::Phone];
/// Training material's records (a simulation case, a demo database).
const TRAINING_KINDS: &[Kind] = &[
    Kind::Name,
    Kind::Mrn,
    Kind::Dob,
    Kind::MemberId,
    Kind::Address,
    Kind::Phone,
    Kind::Ssn,
    Kind::Itin,
];

/// `ends.opens`: the chunk opens its segment (where a training banner
/// stands).
fn scan_chunk(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink, ends: Ends) {
    let first = ends.opens;
    let mark = sink.mark();
    scan_detectors(text, loc, cfg, sink, ends);
    // Asked only when this chunk raised something they would lower.
    if sink.raised_since(mark, ANIMAL_KINDS) && name::veterinary_mail(text) {
        sink.lower_since(mark, ANIMAL_KINDS);
    }
    // A body opening as training material also speaks for the subject
    // above it, which names its case.
    let body = loc == Location::Body;
    // An archive's README (`ALL RECORDS IN THIS ARCHIVE ARE SYNTHETIC`)
    // speaks for the records beside it as a body does.
    let attachment = loc == Location::Attachment;
    if first
        && (body || attachment || sink.raised_since(mark, TRAINING_KINDS))
        && health::training_material(
            &text[..crate::policy::text::floor_boundary(text, name::FICTION_HEAD)],
        )
    {
        sink.lower_since(mark, TRAINING_KINDS);
        if body {
            sink.lower_subject(TRAINING_KINDS);
        }
        if body || attachment {
            sink.mark_training_body();
        }
    } else if loc == Location::Attachment
        && sink.training_body()
        && (synthetic_records(text) || case_study(text))
    {
        // `One bundle attached so you can see the shape... synthetic
        // patients`: the body speaks for an attachment that shows a
        // generator's marks itself (a real chart attached under such a
        // body keeps its findings).
        sink.lower_since(mark, TRAINING_KINDS);
    } else if body
        && sink.raised_since(mark, &[Kind::Name, Kind::Email])
        && !sink.raised_since(mark, RECORD_KINDS)
        && !sink.raised_high_since(mark, &[Kind::Name])
        && no_patient_in_view(text)
    {
        // `Random one from teaching, not about a particular patient - can
        // you give metoprolol with verapamil?`: the names and addresses
        // are the colleagues asking and answering.
        sink.lower_since(mark, &[Kind::Name, Kind::Email]);
    } else if first && body && sink.subject_raised(&[Kind::Name]) && name::names_no_patient(text) {
        // The subject of a forwarded news alert names its public figure.
        sink.lower_subject(&[Kind::Name]);
    }
}

/// A patient's own record numbers: where one stands, a question is about
/// someone whatever it says.
const RECORD_KINDS: &[Kind] = &[Kind::Mrn, Kind::Dob, Kind::MemberId, Kind::Ssn];

/// A question asked in general, in the writer's own words (`not about a
/// particular patient`, `purely hypothetical`, `kein konkreter Patient`),
/// or a German teaching case (`Lehrfall`). Not when negated (`not just
/// hypothetical - Mrs Hollis in bed 12`); a name with a patient's cue
/// (high) stays, whatever the text says of itself.
fn no_patient_in_view(text: &str) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let r = R.get_or_init(|| {
        re(
            r"(?i)(?-u:\b)(?:not\s+about\s+(?:a|any)\s+(?:particular|specific|real|individual|actual)\s+(?:patient|person|case)|no\s+(?:particular|specific)\s+patient\s+in\s+mind|(?:purely|just|entirely)\s+(?:a\s+)?hypothetical|(?:kein(?:en)?|nicht\s+um\s+einen)\s+(?:konkreten|bestimmten)\s+(?:patienten|fall)|(?:pas|non)\s+(?:pour|sur)\s+un\s+patient\s+(?:en\s+particulier|pr[ée]cis)|no\s+(?:es\s+)?(?:sobre|de)\s+un\s+paciente\s+(?:concreto|en\s+particular|espec[íi]fico)|non\s+riguarda\s+un\s+paziente\s+(?:specifico|in\s+particolare)|lehrfall)(?-u:\b)",
        )
    });
    // `not just hypothetical`, `NOT a teaching case`: said to be real.
    r.find_iter(text).take(8).any(|m| {
        let before = &text
            [crate::policy::text::ceil_boundary(text, m.start().saturating_sub(12))..m.start()];
        let lower = before.trim_end().to_lowercase();
        !["not", "n't", "nicht", "not just", "no es", "non è"]
            .iter()
            .any(|n| lower.ends_with(n))
    })
}

/// A case study by its heading (`Case study - weekly befriending`): a
/// body that says its case studies' names are changed speaks for it.
fn case_study(text: &str) -> bool {
    let head = &text[..crate::policy::text::floor_boundary(text, 200)];
    let lower = head.to_ascii_lowercase();
    [
        "case study",
        "case studies",
        "vignette",
        "fallbeispiel",
        "cas clinique",
        "caso clinico",
        "caso clínico",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Records that show a generator's or a specification's marks, twice:
/// Synthea's numbered names (`"family": "Kub432"`, `"given": ["Ana12"]`),
/// its name, FHIR's `Patient/example`, a table's own synthetic flag
/// (`synthetic_flag: Y`), an exercise's columns and numbers
/// (`name_SIMULATED`, `drill_mrn`, `DRILL-000101`); or once the specification's own
/// example resource (`"resourceType": "Patient", "id": "example"`).
fn synthetic_records(text: &str) -> bool {
    static R: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
    let (marks, spec) = R.get_or_init(|| {
        (
            re(
                r#"(?i:(?-u:\b)synthea(?-u:\b)|patient/example|(?-u:\b)(?:synthetic|synthetic_flag|is_synthetic|test_patient)\s*[:=]\s*(?:y|yes|true|1)(?-u:\b)|[a-z]_(?:simulated|fictitious|fictional|synthetic|fake|dummy)(?-u:\b)|(?-u:\b)(?:simulated|fictitious|fictional|synthetic|fake|dummy|drill|exercise)_[a-z])|(?-u:\b)(?:DRILL|EXERCISE|EXER|ZZTEST)-[0-9]{3,}(?-u:\b)|(?-u:\b)ZZTEST(?-u:\b)|(?-u:\b)TEST(?:STUDENT|PATIENT|PUPIL|MEMBER|CHILD)[0-9]*(?-u:\b)|(?-u:\b)SYNTHETIC(?-u:\b)|\((?i:test)\)|(?i:\((?:synthetic|simulated|fictitious|fictional)\))|"(?:family|given)"\s*:\s*\[?\s*"[A-Z][a-z]+[0-9]{2,4}""#,
            ),
            re(r#""resourceType"\s*:\s*"Patient"\s*,\s*"id"\s*:\s*"example""#),
        )
    });
    marks.find_iter(text).nth(1).is_some() || spec.is_match(text)
}

/// Persian (`۰`-`۹`) or Arabic-Indic (`٠`-`٩`) digits in `text`.
fn eastern_digits(text: &str) -> bool {
    text.contains(|c: char| matches!(c, '۰'..='۹' | '٠'..='٩'))
}

fn scan_detectors(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink, ends: Ends) {
    let b = text.as_bytes();
    let mark = sink.mark();
    // Every other detector except e-mail needs a digit: prose-only
    // segments skip them in one fast byte scan.
    let digits = crate::policy::text::find_in_range(b, 0, b'0', b'9').is_some();
    let opener = anchored::opener().filter(|_| digits);
    let (walked, openings) = walk(text, loc, sink, opener);
    let boundaries = (walked.is_some() && opener.is_some()).then_some(openings.as_slice());
    let health_spans = walked.unwrap_or_default();
    let has_health = !health_spans.is_empty();
    name::scan(text, loc, &health_spans, ends, sink);
    scripts::scan(text, loc, &health_spans, ends, sink);
    if digits {
        let hot = tokens::scan(text, loc, has_health, sink, anchored::REACH);
        anchored::scan(text, &hot, boundaries, loc, sink);
        dob::scan_other_scripts(text, loc, sink);
        mrn::scan_configured(text, loc, cfg, sink);
        member::scan_configured(text, loc, cfg, sink);
        x12::scan(text, loc, sink);
        hl7::scan(text, loc, sink);
        hl7::caret_names(text, loc, sink);
        fhir::scan(text, loc, sink);
        patient_rows::scan(text, has_health, loc, sink);
        // Health wording of any script (`scripts` pushes its own).
        let health = has_health || sink.raised_since(mark, &[Kind::Health]);
        national::scan(text, health, &health_spans, loc, sink);
    } else if eastern_digits(text) {
        // A record written wholly in Persian or Arabic-Indic digits.
        let health = has_health || sink.raised_since(mark, &[Kind::Health]);
        national::scan(text, health, &health_spans, loc, sink);
    }
    weak::emails(text, loc, sink);
}

/// One walk over the word boundaries: the health terms (pushed to `sink`;
/// None if the term list did not load) and the boundaries where `opener`
/// says an anchor keyword can start.
pub(crate) fn walk(
    text: &str,
    loc: Location,
    sink: &mut Sink,
    opener: Option<&anchored::Opener>,
) -> (Option<Vec<(usize, usize)>>, Vec<usize>) {
    let b = text.as_bytes();
    let mut openings = Vec::new();
    let walked = health::scan(text, loc, sink, |i, word_start| {
        if opener.is_some_and(|o| o.opens(b, i, word_start)) {
            openings.push(i);
        }
    });
    (walked, openings)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::policy::finding::{Confidence, Kind};

    /// Every detector pattern uses ASCII word boundaries (`(?-u:\b)`): a
    /// Unicode `\b` makes the regex crate's lazy DFA give up at the first
    /// non-ASCII letter, and the whole text falls to the PikeVM (session
    /// 46's injury pattern took the scan from 75 to 3 MB/s). Two patterns
    /// need Unicode's: both run only where their literal prefilter finds
    /// a candidate.
    #[test]
    fn detector_patterns_use_ascii_word_boundaries() {
        const KNOWN: &[(&str, &str)] = &[
            ("sms_address.rs", "(?i:\\b(?:you|your"),
            ("scripts.rs", "Đào)(?:[ \\t]+"),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/policy/detect");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("detector sources") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let src = std::fs::read_to_string(&path).expect("source");
            for (n, line) in src.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                let unicode = line
                    .match_indices("\\b")
                    .any(|(i, _)| !line[..i].ends_with("(?-u:") && !line[..i].ends_with('\\'));
                let known = KNOWN.iter().any(|(f, m)| *f == file && line.contains(m));
                if unicode && !known {
                    found.push(format!("{file}:{}", n + 1));
                }
            }
        }
        assert!(found.is_empty(), "Unicode word boundaries in {found:?}");
    }

    /// Highest confidence of `kind` found in `text` (default config).
    pub fn found(text: &str, kind: Kind) -> Option<Confidence> {
        found_with(text, kind, &DetectorConfig::default())
    }

    pub fn found_with(text: &str, kind: Kind, cfg: &DetectorConfig) -> Option<Confidence> {
        let mut sink = Sink::new();
        scan_segment(text, Location::Body, cfg, &mut sink);
        sink.into_findings()
            .into_iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.confidence)
            .max()
    }

    #[test]
    fn bad_config_regex_names_the_key() {
        let err = DetectorConfig::new(&["(".to_string()], &[], &[]).err();
        assert!(matches!(err, Some((ref k, _)) if k == "mrn.patterns[0]"));
    }

    #[test]
    fn chunks_cover_the_text_at_blank_lines() {
        let para = "word ".repeat(300) + "\n\n";
        let text = para.repeat(40);
        let mut rest = text.as_str();
        let mut total = 0;
        while !rest.is_empty() {
            let (c, t) = next_chunk(rest);
            assert!(!c.is_empty());
            total += c.len();
            rest = t;
        }
        assert_eq!(total, text.len());
    }

    #[test]
    fn a_long_batch_of_test_messages_is_cut_between_messages() {
        // 2,000 training messages (MSH-11 `T`) in bare-CR segments: no
        // chunk may open at a `PID` cut off from its `MSH`.
        let batch: String = (1..=2000)
            .map(|n| {
                format!(
                    "MSH|^~\\&|LOADGEN|PERF|APP|FAC|20261208112233||ADT^A08|LT{n:08}|T|2.5.1\rEVN|A08|20261208112233\rPID|1||LT{n:08}^^^LOADTEST^MR||LOADTEST^PATIENT{n:05}^X||19880913|M\rDG1|1||E11.9^^I10\r"
                )
            })
            .collect();
        assert!(batch.len() > 4 * CHUNK);
        assert_eq!(found(&batch, Kind::Name), None);
        let mut rest = batch.as_str();
        while !rest.is_empty() {
            let (c, t) = next_chunk(rest);
            assert!(c.starts_with("MSH|"));
            rest = t;
        }
        // A header just before the cut mark and a long message after it
        // (a PDF in an OBX): the header stays with its PID.
        let mut long = "OBX|1|NM|2345-7^Glucose||5.1\r".repeat(CHUNK / 28 - 1);
        long.truncate(CHUNK - 30);
        long.push_str("\rMSH|^~\\&|A|B|C|D|20261208||ORU^R01|X1|T|2.5.1\rPID|1||LT00000001^^^LOADTEST^MR||LOADTEST^PATIENT00001^X||19880913|M\rOBX|2|ED|PDF^^^Base64^");
        long.push_str(&"QUJD".repeat(30_000));
        long.push('\r');
        assert_eq!(found(&long, Kind::Name), None);
        // The same batch in production (`P`) is a batch of patients.
        let production = batch.replace("|T|2.5.1", "|P|2.5.1");
        assert_eq!(found(&production, Kind::Name), Some(Confidence::High));
    }

    #[test]
    fn non_ascii_text_is_fine() {
        assert_eq!(
            found("Numéro SSN: 824-66-7795 — né le", Kind::Ssn),
            Some(Confidence::High)
        );
    }

    #[test]
    fn a_veterinary_practices_mail_and_training_material_name_no_patient() {
        let vet = "Hi Doug,\nBiscuit (Golden Retriever, 11 yrs) has an appointment: recheck hypothyroidism + T4.\nKeep giving his levothyroxine 0.5 mg twice daily. Also due: heartworm test.\n\nClient #: 20981   Patient #: 20981-02\n\nWillow Creek Animal Hospital - 2400 Creekside Rd\n";
        for kind in [Kind::Mrn, Kind::Health, Kind::Address] {
            assert!(
                found(vet, kind).is_none_or(|c| c < Confidence::Medium),
                "{kind:?}"
            );
        }
        // A person's chart that mentions a cat bite stays a chart.
        let person = "Patient #: 20981-02\nMaria was bitten by a stray cat at the animal shelter; rabies PEP started, tetanus given.\n";
        assert_eq!(found(person, Kind::Mrn), Some(Confidence::High));
        // A vet's or a practice manager's own care: their record numbers
        // and dates of birth stay (only a pet's line, with its owner's
        // label, is the pet's).
        for own in [
            "MRN: 4471920  DOB: 02/03/1970\nBiopsy showed invasive ductal carcinoma, starting chemo.\n\nMaria Haddad, DVM\n",
            "My A1c was 9.2 at the last visit, MRN 4471920, DOB 02/03/1970; my cat is fine.\n\nMaria Haddad | Practice Manager\nWillow Creek Animal Hospital | 555-0182\n",
        ] {
            assert_eq!(found(own, Kind::Mrn), Some(Confidence::High), "{own}");
            assert_eq!(found(own, Kind::Dob), Some(Confidence::High), "{own}");
        }
        // Ordinary words are no training banner; a lab's `Sample MRN` is
        // a specimen's.
        for real in [
            "Attached is the sample data from last month's chart audit:\nHaddad, Maria  MRN 4471920  DOB 02/03/1970",
            "These are real patient records, not synthetic data.\nHaddad, Maria  MRN 4471920  DOB 02/03/1970",
            "Sample MRN: 4471920 does not match requisition MRN 4471902 (DOB 02/03/1970)",
        ] {
            assert_eq!(found(real, Kind::Mrn), Some(Confidence::High), "{real}");
            assert_eq!(found(real, Kind::Dob), Some(Confidence::High), "{real}");
        }

        let sim = "*** SIMULATION - FICTIONAL PATIENT - NOT A REAL PERSON ***\nSimulated MRN: SIM-000004   Simulated DOB: 01/02/1950\nHandoff: 74-year-old admitted for pneumonia.";
        assert!(found(sim, Kind::Mrn).is_none_or(|c| c < Confidence::Medium));
        assert!(found(sim, Kind::Dob).is_none_or(|c| c < Confidence::Medium));
        let demo = "All patient data below is SAMPLE DATA generated for training.\nPatient: SAMPLE, PATIENT ONE\nDOB: 02/03/1970\nMRN: 4471920";
        assert!(found(demo, Kind::Dob).is_none_or(|c| c < Confidence::Medium));
        assert!(found(demo, Kind::Mrn).is_none_or(|c| c < Confidence::Medium));
        // The same record without the banner is a record.
        let real = "Patient: Maria Haddad\nDOB: 02/03/1970\nMRN: 4471920";
        assert_eq!(found(real, Kind::Dob), Some(Confidence::High));
        // `ZZ` test MRNs with digits.
        assert!(
            found("MRN: ZZ9990001   DOB: 01/02/1950", Kind::Mrn)
                .is_none_or(|c| c < Confidence::Medium)
        );
    }

    #[test]
    fn a_death_notice_tells_a_birth_date_in_public() {
        let obit = "Eleanor Thistlewood, 85, of Millbrook, passed away peacefully.\nBorn in Ashby on June 2, 1938, Eleanor taught third grade.\nVisitation Friday at Cedar Hills Funeral Home.";
        assert_eq!(found(obit, Kind::Dob), Some(Confidence::Medium));
        let chart = "Patient born on June 2, 1938; admitted for pneumonia.";
        assert_eq!(found(chart, Kind::Dob), Some(Confidence::High));
    }
}
