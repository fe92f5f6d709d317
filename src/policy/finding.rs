//! Finding types: what a detector reports.
//!
//! A [`Finding`] lives only inside the process: it carries a hash of the
//! normalised value (to count distinct values, e.g. the same SSN in the text
//! and HTML alternatives counts once) and a masked rendering for the CLI.
//! The raw value is never stored. [`FindingSummary`] is what leaves the
//! process (verdict, spool, audit, JSON): kind, confidence, count, location.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

/// Detector kinds. `as_str` names are the stable wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Ssn,
    Itin,
    Mrn,
    Dob,
    Icd10,
    Npi,
    Dea,
    Mbi,
    MemberId,
    CreditCard,
    BankAccount,
    Health,
    Phone,
    Email,
    Address,
    Ip,
    /// A person's name (patient-like; providers and signatures excluded).
    Name,
    /// An attachment that could not be scanned (value: the reason).
    Unscannable,
}

impl Kind {
    /// Every kind, in wire-name order of the docs.
    pub const ALL: [Kind; 18] = [
        Kind::Ssn,
        Kind::Itin,
        Kind::Mrn,
        Kind::Dob,
        Kind::Icd10,
        Kind::Npi,
        Kind::Dea,
        Kind::Mbi,
        Kind::MemberId,
        Kind::CreditCard,
        Kind::BankAccount,
        Kind::Health,
        Kind::Phone,
        Kind::Email,
        Kind::Address,
        Kind::Ip,
        Kind::Name,
        Kind::Unscannable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ssn => "ssn",
            Kind::Itin => "itin",
            Kind::Mrn => "mrn",
            Kind::Dob => "dob",
            Kind::Icd10 => "icd10",
            Kind::Npi => "npi",
            Kind::Dea => "dea",
            Kind::Mbi => "mbi",
            Kind::MemberId => "member_id",
            Kind::CreditCard => "credit_card",
            Kind::BankAccount => "bank_account",
            Kind::Health => "health",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Address => "address",
            Kind::Ip => "ip",
            Kind::Name => "name",
            Kind::Unscannable => "unscannable",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Confidence levels, ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

/// Where in the message a finding was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Subject,
    Header,
    Body,
    Attachment,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Subject => "subject",
            Location::Header => "header",
            Location::Body => "body",
            Location::Attachment => "attachment",
        }
    }

    pub fn parse(s: &str) -> Option<Location> {
        match s {
            "subject" => Some(Location::Subject),
            "header" => Some(Location::Header),
            "body" => Some(Location::Body),
            "attachment" => Some(Location::Attachment),
            _ => None,
        }
    }
}

/// One distinct value found by a detector (in-process only).
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub confidence: Confidence,
    pub location: Location,
    /// Hash of the normalised value: for counting distinct values only.
    pub value_hash: u64,
    /// Masked rendering, e.g. `***-**-7795`: safe to print.
    pub masked: String,
    /// Where it was found: `body part 0`, `attachment:report.pdf`...
    pub place: String,
    /// Line within that place (1-based), when known.
    pub line: Option<usize>,
}

impl fmt::Debug for Finding {
    // Hand-written so that no value (not even the hash) is ever printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Finding({} {} {} {} {})",
            self.kind.as_str(),
            self.confidence.as_str(),
            self.location.as_str(),
            self.masked,
            self.place
        )
    }
}

/// The summary that leaves the process: never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingSummary {
    pub kind: Kind,
    pub confidence: Confidence,
    pub count: usize,
    pub location: Location,
}

/// Mask a value: keep the last four alphanumerics, star the others,
/// keep separators. `824-66-7795` → `***-**-7795`.
pub fn mask(value: &str) -> String {
    let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_from = alnum.saturating_sub(4);
    let mut seen = 0usize;
    let mut out = String::with_capacity(value.len());
    for c in value.chars().take(64) {
        if c.is_alphanumeric() {
            out.push(if seen >= keep_from { c } else { '*' });
            seen += 1;
        } else if c.is_whitespace() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Hash of the value with separators removed and ASCII case folded.
/// (FNV-1a: values are short and found often; only this process's
/// deduplication uses the hash.)
pub fn value_hash(kind: Kind, value: &str) -> u64 {
    let folded = value
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
        .map(|b| b.to_ascii_lowercase());
    crate::util::fnv::fnv1a(std::iter::once(kind as u8).chain(folded))
}

/// Maximum distinct findings kept per message (memory bound).
pub const MAX_FINDINGS: usize = 10_000;

/// Collects findings, deduplicating by (kind, location, value) and keeping
/// the highest confidence seen for each, with the place of that sighting.
#[derive(Default)]
pub struct Sink {
    findings: Vec<Finding>,
    index: HashMap<(Kind, Location, u64), usize>,
    /// Set when the cap was hit and findings were dropped.
    pub overflow: bool,
    place: String,
    /// Address range of the segment being scanned (to turn a value's
    /// address into an offset; no pointer is ever dereferenced).
    seg: (usize, usize),
    /// (finding, byte offset) whose line is resolved at segment end.
    pending: Vec<(usize, usize)>,
    /// A body part opened as training or sample material: it speaks for
    /// the attachments after it (a synthetic bundle, a spec's sample).
    training_body: bool,
    /// Earlier findings raised by a later match of the same value
    /// (finding, confidence before): a segment that lowers what it found
    /// must lower these too, back to where they were.
    raised: Vec<(usize, Confidence)>,
    /// Listed first names standing alone in the subject (`Weekly update -
    /// Rosa`): the person a body's story may be about (at most a few).
    subject_names: Vec<Box<str>>,
    /// The display name of the message's own `From:` (`Katie Pemberton`):
    /// who a body telling of the writer's own care is about.
    writer: Option<Box<str>>,
}

/// Where a segment's findings begin (see [`Sink::mark`]).
#[derive(Clone, Copy)]
pub struct Mark {
    findings: usize,
    raised: usize,
}

impl Sink {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next findings come from `text` at `place`.
    pub fn begin_segment(&mut self, place: &str, text: &str) {
        place.clone_into(&mut self.place);
        let base = text.as_ptr() as usize;
        self.seg = (base, base + text.len());
        self.pending.clear();
    }

    /// Resolve line numbers of this segment's findings (one pass).
    pub fn end_segment(&mut self, text: &str) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by_key(|p| p.1);
        let (mut line, mut at) = (1usize, 0usize);
        let b = text.as_bytes();
        for (i, off) in pending {
            let off = off.min(b.len());
            if off >= at {
                line += memchr::memchr_iter(b'\n', &b[at..off]).count();
                at = off;
            }
            if let Some(f) = self.findings.get_mut(i) {
                f.line = Some(line);
            }
        }
        self.seg = (0, 0);
    }

    fn locate(&mut self, i: usize, value: &str) {
        let p = value.as_ptr() as usize;
        if let Some(f) = self.findings.get_mut(i) {
            self.place.clone_into(&mut f.place);
            f.line = None;
        }
        if p >= self.seg.0 && p < self.seg.1 && self.pending.len() < 100_000 {
            self.pending.push((i, p - self.seg.0));
        }
    }

    /// A mark for [`Self::lower_since`]: how many findings there are now.
    pub fn mark(&self) -> Mark {
        Mark {
            findings: self.findings.len(),
            raised: self.raised.len(),
        }
    }

    /// Lower the findings of `kinds` recorded since `mark` to low: their
    /// text turned out to concern no patient (a veterinary practice's
    /// mail, training material). True if any was above low.
    pub fn lower_since(&mut self, mark: Mark, kinds: &[Kind]) -> bool {
        let mut lowered = false;
        for f in self.findings.iter_mut().skip(mark.findings) {
            if kinds.contains(&f.kind) && f.confidence > Confidence::Low {
                f.confidence = Confidence::Low;
                lowered = true;
            }
        }
        // Raised since the mark: back to what the earlier text found
        // (latest raise first, so the oldest confidence is what stays).
        for &(i, before) in self.raised[mark.raised..].iter().rev() {
            if let Some(f) = self.findings.get_mut(i)
                && i < mark.findings
                && kinds.contains(&f.kind)
                && f.confidence > before
            {
                f.confidence = before;
                lowered = true;
            }
        }
        lowered
    }

    /// Lower the subject's findings of `kinds` to low: the body under it
    /// turned out to be training material, and the subject names its
    /// case (`Sim prep: "Mr. Harold Testwell" - DKA scenario`).
    pub fn lower_subject(&mut self, kinds: &[Kind]) {
        for f in &mut self.findings {
            if f.location == Location::Subject && kinds.contains(&f.kind) {
                f.confidence = f.confidence.min(Confidence::Low);
            }
        }
    }

    /// A body part read as training or sample material (see
    /// `training_body`).
    pub fn mark_training_body(&mut self) {
        self.training_body = true;
    }

    /// Did a body part read as training or sample material?
    pub fn training_body(&self) -> bool {
        self.training_body
    }

    /// Keep the subject's lone first names (see `subject_names`).
    pub fn note_subject_names(&mut self, names: Vec<Box<str>>) {
        self.subject_names = names;
    }

    /// Keep the message's writer (see `writer`).
    pub fn note_writer(&mut self, name: &str) {
        self.writer = Some(name.into());
    }

    /// Record the writer's name as a finding of the body whose care
    /// names them, placed at the `From:` it comes from.
    pub fn push_writer(&mut self, confidence: Confidence, place: &str) {
        let Some(name) = self.writer.clone() else {
            return;
        };
        let body_place = std::mem::replace(&mut self.place, place.to_string());
        self.push(Kind::Name, confidence, Location::Body, &name);
        self.place = body_place;
    }

    /// The message's writer, if its `From:` names one.
    pub fn writer(&self) -> Option<&str> {
        self.writer.as_deref()
    }

    /// The subject's lone first names, if any.
    pub fn subject_names(&self) -> &[Box<str>] {
        &self.subject_names
    }

    /// Any finding of `kinds` above low in the subject?
    pub fn subject_raised(&self, kinds: &[Kind]) -> bool {
        self.findings.iter().any(|f| {
            f.location == Location::Subject
                && kinds.contains(&f.kind)
                && f.confidence > Confidence::Low
        })
    }

    /// Any finding of `kinds` above low recorded since `mark`?
    pub fn raised_since(&self, mark: Mark, kinds: &[Kind]) -> bool {
        self.reached_since(mark, kinds, Confidence::Medium)
    }

    /// Has a finding of `kinds` been pushed or raised to high since `mark`?
    pub fn raised_high_since(&self, mark: Mark, kinds: &[Kind]) -> bool {
        self.reached_since(mark, kinds, Confidence::High)
    }

    /// A finding of `kinds` at `least` or above, pushed or raised since
    /// `mark`.
    fn reached_since(&self, mark: Mark, kinds: &[Kind], least: Confidence) -> bool {
        let reached = |f: &Finding| kinds.contains(&f.kind) && f.confidence >= least;
        self.findings.iter().skip(mark.findings).any(reached)
            || self.raised[mark.raised..]
                .iter()
                .any(|&(i, _)| self.findings.get(i).is_some_and(reached))
    }

    /// Record one matched value.
    pub fn push(&mut self, kind: Kind, confidence: Confidence, location: Location, value: &str) {
        let hash = value_hash(kind, value);
        self.push_hashed(kind, confidence, location, hash, value, || mask(value));
    }

    /// Record that the attachment at `place` could not be scanned: the
    /// "value" is the reason, shown unmasked (it is no PHI).
    pub fn push_unscannable(&mut self, confidence: Confidence, place: &str, reason: &str) {
        let hash = value_hash(Kind::Unscannable, &format!("{place}\0{reason}"));
        self.place = place.to_string();
        self.seg = (0, 0);
        self.push_hashed(
            Kind::Unscannable,
            confidence,
            Location::Attachment,
            hash,
            "",
            || reason.to_string(),
        );
    }

    fn push_hashed(
        &mut self,
        kind: Kind,
        confidence: Confidence,
        location: Location,
        hash: u64,
        value: &str,
        masked: impl FnOnce() -> String,
    ) {
        if let Some(&i) = self.index.get(&(kind, location, hash)) {
            if self
                .findings
                .get(i)
                .is_some_and(|f| confidence > f.confidence)
            {
                if let Some(f) = self.findings.get_mut(i) {
                    self.raised.push((i, f.confidence));
                    f.confidence = confidence;
                }
                self.locate(i, value);
            }
            return;
        }
        if self.findings.len() >= MAX_FINDINGS {
            self.overflow = true;
            return;
        }
        let i = self.findings.len();
        self.index.insert((kind, location, hash), i);
        self.findings.push(Finding {
            kind,
            confidence,
            location,
            value_hash: hash,
            masked: masked(),
            place: String::new(),
            line: None,
        });
        self.locate(i, value);
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Summaries: one entry per (kind, location, confidence), sorted.
pub fn summarize(findings: &[Finding]) -> Vec<FindingSummary> {
    let mut counts: HashMap<(Kind, Location, Confidence), usize> = HashMap::new();
    for f in findings {
        *counts
            .entry((f.kind, f.location, f.confidence))
            .or_default() += 1;
    }
    let mut out: Vec<FindingSummary> = counts
        .into_iter()
        .map(|((kind, location, confidence), count)| FindingSummary {
            kind,
            confidence,
            count,
            location,
        })
        .collect();
    out.sort_by_key(|s| (s.kind, s.location, std::cmp::Reverse(s.confidence)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_last_four() {
        assert_eq!(mask("824-66-7795"), "***-**-7795");
        assert_eq!(mask("MR8651653"), "*****1653");
        assert_eq!(mask("abc"), "abc");
    }

    #[test]
    fn sink_dedups_and_keeps_highest_confidence() {
        let mut s = Sink::new();
        s.push(Kind::Ssn, Confidence::Low, Location::Body, "824-66-7795");
        s.push(Kind::Ssn, Confidence::High, Location::Body, "824 66 7795");
        let f = s.into_findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].confidence, Confidence::High);
    }

    #[test]
    fn lowering_a_segment_also_undoes_what_it_raised() {
        let mut s = Sink::new();
        s.push(Kind::Dob, Confidence::Medium, Location::Body, "1990-01-01");
        let mark = s.mark();
        // A later (sample) part finds the same value and raises it...
        s.push(Kind::Dob, Confidence::High, Location::Body, "1990-01-01");
        assert!(s.raised_since(mark, &[Kind::Dob]));
        // ...then reads as sample material: back to what the first found.
        assert!(s.lower_since(mark, &[Kind::Dob]));
        assert_eq!(s.into_findings()[0].confidence, Confidence::Medium);
    }

    #[test]
    fn debug_never_prints_value() {
        let mut s = Sink::new();
        s.push(Kind::Ssn, Confidence::High, Location::Body, "824-66-7795");
        let dbg = format!("{:?}", s.into_findings());
        assert!(!dbg.contains("824"), "{dbg}");
        assert!(dbg.contains("7795"));
    }

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }
}
