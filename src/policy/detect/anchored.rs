//! Keyword-anchored values: "KEYWORD [:#] [is|no.|number] VALUE" on one line.
//!
//! Used by the DOB, MRN, member ID and bank account detectors. One pattern
//! holding every built-in anchor keyword finds the keyword hits of a
//! segment; each hit is then classified by the anchored keyword pattern of
//! each detector (on a short window), and the detector looks for its value
//! right after the keyword (value regex anchored with `^` on a short
//! window). Cost per hit is bounded, so scanning stays linear.
//!
//! The pattern begins with a word boundary, so a hit can only start at one.
//! The health-term walk reports every word boundary; [`Opener::opens`]
//! keeps those whose two bytes can begin a keyword (tables computed from
//! the pattern's own lazy DFA at start-up), and only there, inside the hot
//! stretches, the DFA runs anchored. That finds exactly the hits of one
//! search over every byte of the stretch, which remains the fallback. (The
//! DFA sees the byte after a stretch where the regex saw its end; a
//! stretch ends just after a digit, and no keyword ends with one.)
//! Configured extra keywords (`[detectors.*] keywords`) use [`values`].

use super::pairs::PairSet;
use super::tokens::is_word;
use super::{bank, dob, member, mrn, re};
use crate::policy::finding::{Location, Sink};
use crate::policy::text::{after, isolated};
use regex::Regex;
use regex_automata::{Anchored, Input, hybrid, util::start};
use std::cell::{Cell, OnceCell};
use std::sync::OnceLock;

/// Longest window searched after a keyword.
const WINDOW: usize = 48;

/// Longest keyword considered (keywords are short phrases).
const MAX_KEYWORD: usize = 96;

/// Filler allowed between keyword and value, as a regex prefix fragment.
pub const FILLER: &str = r"^[\s:#.=\-)]*(?:(?:is|was|no\.?|nbr|number|num|id|#)[\s:#.=\-)]*)*";

/// Which detector an anchor keyword belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Dob,
    Mrn,
    MemberStrong,
    MemberWeak,
    Bank,
    Account,
    Routing,
}

/// Each detector's keyword pattern and the (lower-case ASCII) letters its
/// keywords can start with: a hit is only tried on the patterns whose
/// first letters fit.
const ANCHORS: [(Anchor, &str, &[u8]); 7] = [
    (Anchor::Dob, dob::KEYWORD, b"dbgfnpktu"),
    (Anchor::Mrn, mrn::KEYWORD, b"mcphuendrfv"),
    (Anchor::MemberStrong, member::STRONG, b"mseihbkvcnptao"),
    (Anchor::MemberWeak, member::WEAK, b"pgcm"),
    (Anchor::Bank, bank::BANK, b"bcsid"),
    (Anchor::Account, bank::ACCOUNT, b"a"),
    (Anchor::Routing, bank::ROUTING, b"rat"),
];

struct Res {
    any: Regex,
    opener: Option<Opener>,
    each: Vec<(Anchor, Regex, &'static [u8])>,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let bodies: Vec<&str> = ANCHORS.iter().map(|a| a.1).collect();
        let any = format!(r"(?i)(?-u:\b)(?:{})", bodies.join("|"));
        Res {
            opener: Opener::new(&any),
            any: re(&any),
            each: ANCHORS
                .iter()
                .map(|&(a, body, first)| (a, re(&format!(r"(?i)^(?:{body})")), first))
                .collect(),
        }
    })
}

/// The keyword pattern as a lazy DFA, and for each kind of word boundary
/// the byte pairs from which it can still match.
pub struct Opener {
    dfa: hybrid::dfa::DFA,
    /// After a non-word byte (or at the start): a word starts.
    at_start: PairSet,
    /// After a word byte: a word ends.
    at_end: PairSet,
}

thread_local! {
    /// The lazy DFA's state cache, kept per thread across messages. Taken
    /// out for one search and put back after it, so that a panic inside a
    /// search leaves no half-updated cache behind and no detector code
    /// runs while it is out.
    static CACHE: Cell<Option<hybrid::dfa::Cache>> = const { Cell::new(None) };
}

/// The keyword opener, if its DFA and tables could be built (they are
/// built from the shipped pattern, so in practice always).
/// The line of `at` belongs to an EHR test, training or simulation
/// record: the `ZZ` surname convention (`ZZTEST, PORTALONE`), the test
/// patient's own name in record order (`TEST, PATIENT`, `Patient, Test`),
/// or a record label marked as training (`TRN MRN`, `Sim DOB`). Words
/// such as "test patient" alone are not enough: they are also a verb
/// (`please test patient for strep`) and a denial.
pub fn training_record_line(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    let at = at.min(b.len());
    // The line, but no further than a record's width either way: flowed
    // text makes a whole paragraph one line.
    const RECORD_REACH: usize = 160;
    let lo = at.saturating_sub(RECORD_REACH);
    let hi = (at + RECORD_REACH).min(b.len());
    let ls = memchr::memrchr(b'\n', &b[lo..at]).map_or(lo, |i| lo + i + 1);
    let le = memchr::memchr(b'\n', &b[at..hi]).map_or(hi, |i| at + i);
    let line = &b[ls..le];
    let word_start = |i: usize| i == 0 || !line[i - 1].is_ascii_alphanumeric();
    // `ZZTEST`, `ZZTRAIN`, `ZZ9990001`: capitals or digits to the word's
    // end (not `ZZZQuil`).
    let zz = line.windows(3).enumerate().any(|(i, w)| {
        w[0] == b'Z'
            && w[1] == b'Z'
            && (w[2].is_ascii_uppercase() || w[2].is_ascii_digit())
            && word_start(i)
            && !line[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .any(u8::is_ascii_lowercase)
    });
    static MARKS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let marks = MARKS.get_or_init(|| {
        // A test surname with `Patient` in record order, either way round
        // (`SAMPLE, PATIENT`, `Patient, Demo`), and a record label marked
        // as not real (`Sim MRN`, `Simulated DOB`, `Demo MRN`).
        const TEST_WORDS: &[&str] = &["Test", "Sample", "Demo", "Dummy", "Fake"];
        const MARKED: &[&str] = &[
            "TRN",
            "Sim",
            "Simulated",
            "Simulation",
            "Training",
            "Fictional",
            "Fictitious",
            // Not `Test` or `Sample`: a lab's `Sample MRN` is a specimen's.
            "Demo",
            "Dummy",
            "Fake",
        ];
        let mut marks = Vec::new();
        for w in TEST_WORDS {
            let up = w.to_ascii_uppercase();
            marks.push(format!("{up}, PATIENT"));
            marks.push(format!("PATIENT, {up}"));
            marks.push(format!("{w}, Patient"));
            marks.push(format!("Patient, {w}"));
        }
        for w in MARKED {
            for label in ["MRN", "DOB"] {
                marks.push(format!("{w} {label}"));
                marks.push(format!("{} {label}", w.to_ascii_uppercase()));
            }
        }
        aho_corasick::AhoCorasick::new(marks).expect("built-in marks compile")
    });
    zz || marks.find_overlapping_iter(line).any(|m| {
        word_start(m.start()) && line.get(m.end()).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

pub fn opener() -> Option<&'static Opener> {
    res().opener.as_ref()
}

impl Opener {
    fn new(pattern: &str) -> Option<Opener> {
        let dfa = hybrid::dfa::DFA::new(pattern).ok()?;
        let mut cache = dfa.create_cache();
        let at_start = Self::pairs(&dfa, &mut cache, b' ')?;
        let at_end = Self::pairs(&dfa, &mut cache, b'a')?;
        Some(Opener {
            dfa,
            at_start,
            at_end,
        })
    }

    /// Every pair after which an anchored search, with `before` as the byte
    /// before it, is not yet dead (a quit or unknown state counts as alive).
    fn pairs(
        dfa: &hybrid::dfa::DFA,
        cache: &mut hybrid::dfa::Cache,
        before: u8,
    ) -> Option<PairSet> {
        let config = start::Config::new()
            .anchored(Anchored::Yes)
            .look_behind(Some(before));
        let sid = dfa.start_state(cache, &config).ok()?;
        let mut set = PairSet::empty();
        for a in 0..=255u8 {
            let s1 = dfa.next_state(cache, sid, a).ok()?;
            if s1.is_dead() {
                continue;
            }
            for b in 0..=255u8 {
                if !dfa.next_state(cache, s1, b).ok()?.is_dead() {
                    set.insert(a, b);
                }
            }
        }
        // State ids held across calls are valid only while the cache is
        // never cleared; if it was, the table may be wrong: use the regex.
        (cache.clear_count() == 0).then_some(set)
    }

    /// Can a keyword hit start at the word boundary `i` of `b`?
    pub fn opens(&self, b: &[u8], i: usize, word_start: bool) -> bool {
        let table = if word_start {
            &self.at_start
        } else {
            &self.at_end
        };
        i + 1 >= b.len() || table.contains(b[i], b[i + 1])
    }

    /// The hit starts among `candidates` (increasing, all within the
    /// region `..end`) in `text`, or None if the DFA gave up (then the
    /// regex searches the region).
    fn hits(&self, text: &str, end: usize, candidates: &[usize]) -> Option<Vec<usize>> {
        let mut cache = CACHE.take().unwrap_or_else(|| self.dfa.create_cache());
        let (mut out, mut gave_up) = (Vec::new(), false);
        for &c in candidates.iter().take_while(|&&c| c < end) {
            let input = Input::new(text).range(c..end).anchored(Anchored::Yes);
            match self.dfa.try_search_fwd(&mut cache, &input) {
                Ok(m) => {
                    if m.is_some() {
                        out.push(c);
                    }
                }
                Err(_) => {
                    gave_up = true;
                    break;
                }
            }
        }
        CACHE.set(Some(cache));
        (!gave_up).then_some(out)
    }
}

/// How far before a digit a keyword may start and still have a value
/// (or a date) with that digit: keyword, then the value window.
pub const REACH: usize = MAX_KEYWORD + WINDOW + 16;

/// Find every built-in anchor keyword that can have a value after it and
/// hand it to its detector. `hot`: the stretches within `REACH` bytes
/// before a digit (from the token pass); keywords elsewhere have no digit,
/// so no value, after them. `boundaries`: the word boundaries where
/// [`Opener::opens`] said yes, increasing (None: search every byte). Hits
/// of different detectors may overlap.
pub fn scan(
    text: &str,
    hot: &[(usize, usize)],
    boundaries: Option<&[usize]>,
    loc: Location,
    sink: &mut Sink,
) {
    let b = text.as_bytes();
    let mut rest = boundaries.unwrap_or(&[]);
    // Whether the text reads as a credentialing packet anywhere: asked
    // once, at its first birth date (see `dob::after_keyword`).
    let packet = OnceCell::new();
    for &(start, end) in hot {
        let end = end.min(b.len());
        // Start where `\b` means the same in the slice as in the text.
        let mut s = start;
        while s > 0 && s < end && (is_word(b[s - 1]) || !text.is_char_boundary(s)) {
            s += 1;
        }
        let Some(region) = text.get(s..end) else {
            continue;
        };
        rest = &rest[rest.partition_point(|&c| c < s)..];
        let hits = opener()
            .zip(boundaries)
            .and_then(|(o, _)| o.hits(text, end, rest));
        match hits {
            Some(hits) => hits
                .into_iter()
                .for_each(|h| at_hit(text, h, &packet, loc, sink)),
            None => {
                let mut pos = 0;
                while let Some(h) = res().any.find_at(region, pos) {
                    at_hit(text, s + h.start(), &packet, loc, sink);
                    pos = h.start() + region[h.start()..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
    }
}

/// Classify the keyword hit starting at `st` and look for its value.
fn at_hit(text: &str, st: usize, packet: &OnceCell<bool>, loc: Location, sink: &mut Sink) {
    let r = res();
    let w = after(text, st, MAX_KEYWORD);
    let cut = w.len() < text.len() - st;
    // Non-ASCII first chars (case folding: K for k...) try every pattern.
    let c = w.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    for (anchor, kw, first) in &r.each {
        if c.is_ascii_alphabetic() && !first.contains(&c) {
            continue;
        }
        let Some(m) = kw.find(w) else { continue };
        // A keyword running into the window end may be longer in text.
        if !(cut && m.end() == w.len()) {
            dispatch(*anchor, text, st + m.end(), packet, loc, sink);
        }
    }
}

fn dispatch(
    anchor: Anchor,
    text: &str,
    kend: usize,
    packet: &OnceCell<bool>,
    loc: Location,
    sink: &mut Sink,
) {
    match anchor {
        Anchor::Dob => dob::after_keyword(text, kend, packet, loc, sink),
        Anchor::Mrn => mrn::after_keyword(text, kend, loc, sink),
        Anchor::MemberStrong => member::after_keyword(text, kend, true, loc, sink),
        Anchor::MemberWeak => member::after_keyword(text, kend, false, loc, sink),
        Anchor::Bank => bank::after_keyword(text, kend, anchor, loc, sink),
        Anchor::Account => bank::after_keyword(text, kend, anchor, loc, sink),
        Anchor::Routing => bank::after_keyword(text, kend, anchor, loc, sink),
    }
}

/// The byte span of the value right after a keyword ending at `kend`.
pub fn value_after(text: &str, kend: usize, value: &Regex) -> Option<(usize, usize)> {
    let w = after(text, kend, WINDOW);
    let c = value.captures(w)?;
    let v = c.get(1)?;
    let (s, e) = (kend + v.start(), kend + v.end());
    isolated(text, s, e).then_some((s, e))
}

/// Yields the byte span of each value found right after a keyword.
pub fn values<'t>(
    text: &'t str,
    keyword: &'t Regex,
    value: &'t Regex,
) -> impl Iterator<Item = (usize, usize)> + 't {
    keyword
        .find_iter(text)
        .filter_map(move |k| value_after(text, k.end(), value))
}

/// An identifier printed in groups of digits separated by single spaces,
/// with up to four capital letters before it (`004 829 13`,
/// `XGH 448 201 993`, `W 2291 8874 03`).
fn grouped() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(&format!(
            // A trailing check digit may stand alone (`QHX 8842 0173 6`).
            r"{FILLER}([A-Z]{{0,4}}[- ]?[0-9]{{2,6}}(?: [0-9]{{2,6}}){{1,5}}(?: [0-9])?)"
        ))
    })
}

/// A grouped identifier right after a keyword ending at `kend`, taken
/// only where it is clearly the whole field: at least six digits, at most
/// `max_len` bytes, followed by the end of the line or of the field (`,`
/// `;` `)`, a full stop, a tab or two spaces), and not shaped like a phone
/// number. Anything
/// else is left to the detector's single-piece value (so `MRN 48291
/// 11/02/2026` stays `48291`).
pub fn grouped_after(text: &str, kend: usize, max_len: usize) -> Option<(usize, usize)> {
    let (s, e) = value_after(text, kend, grouped())?;
    let v = text.get(s..e)?;
    let b = text.as_bytes();
    let field_ends = match b.get(e) {
        None | Some(b'\r' | b'\n' | b',' | b';' | b')' | b'\t') => true,
        Some(b'.') => matches!(b.get(e + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n')),
        // A column gap before the next field (`QHX 8842 0173 6   Grp 55102`).
        Some(b' ') => b.get(e + 1) == Some(&b' '),
        _ => false,
    };
    let groups: Vec<usize> = v
        .split(' ')
        .map(|g| g.bytes().filter(u8::is_ascii_digit).count())
        .filter(|&n| n > 0)
        .collect();
    let digits: usize = groups.iter().sum();
    // 3-3-4 (NANP) or a trunk 0 with 10-11 digits: a phone number.
    let phone = groups == [3, 3, 4] || (v.starts_with('0') && (10..=11).contains(&digits));
    (field_ends && !phone && digits >= 6 && v.len() <= max_len).then_some((s, e))
}

/// Count of ASCII digits in a value.
pub fn digit_count(v: &str) -> usize {
    v.bytes().filter(u8::is_ascii_digit).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hit starts of one regex search over every byte of `region`.
    fn regex_hits(region: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(h) = res().any.find_at(region, pos) {
            out.push(h.start());
            pos = h.start() + region[h.start()..].chars().next().map_or(1, char::len_utf8);
        }
        out
    }

    /// The boundaries where the walk says a keyword can start.
    fn walk_boundaries(text: &str) -> Vec<usize> {
        let (walked, boundaries) =
            crate::policy::detect::walk(text, Location::Body, &mut Sink::new(), opener());
        walked.expect("health terms build");
        boundaries
    }

    /// Hit starts found at the boundaries the health walk reports.
    fn opener_hits(text: &str) -> Vec<usize> {
        let o = opener().expect("keyword DFA and tables build");
        let boundaries = walk_boundaries(text);
        o.hits(text, text.len(), &boundaries)
            .expect("the DFA does not give up")
    }

    #[test]
    fn boundary_hits_are_the_regex_hits() {
        let mut texts: Vec<String> = [
            "DOB: 01/02/1980, MRN 12345678; Member ID W123456789 acct# 1234",
            "d.o.b. 3/4/55 D O B 3/4/55 dob\n1/2/33 date of\r\nbirth 1/1/11",
            "xdob 1/2/3 _mrn 123 mrn_ 12 (mrn)1234 'patient id' 9 chart#7",
            "Routing number 021000021 ABA 021000021 transit 1 checking 2 savings 3",
            "Geburtsdatum 1.2.1990 fecha de nacimiento 1/2/1990 born on 1990",
            "\u{17f}ubscriber id 1 \u{212a}ey; m\u{e9}dical records 1; \u{c4}rzte mrn 2; x\u{17f}ubscriber no 3",
            "policy#1 group no 2 plan id 3 contract num 4 certificate nbr 5",
            "diabetes mrn 12 (hypertension) dob 1/2/3 hepatitis b patient # 4",
            "mrn",
            "m",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let all = texts.concat();
        texts.push(all.to_uppercase());
        texts.push(all.repeat(3));
        for t in &texts {
            assert_eq!(opener_hits(t), regex_hits(t), "{t}");
        }
    }

    /// Findings of the keyword pass over `text`, at the walk's boundaries
    /// or (None) with the regex over every byte of each hot stretch.
    fn findings(text: &str, at_boundaries: bool) -> Vec<crate::policy::finding::Finding> {
        let boundaries = walk_boundaries(text);
        let hot = super::super::tokens::scan(text, Location::Body, false, &mut Sink::new(), REACH);
        let mut sink = Sink::new();
        scan(
            text,
            &hot,
            at_boundaries.then_some(&boundaries),
            Location::Body,
            &mut sink,
        );
        sink.into_findings()
    }

    #[test]
    fn keyword_pass_finds_the_same_at_boundaries_as_everywhere() {
        let capped = format!("{} MRN 12345678 and DOB 01/02/1980", "asthma ".repeat(1100));
        let spread = format!(
            "MRN 1234587{}Member ID W123456789{}acct# 99887766 xMRN 5555255",
            " filler".repeat(40),
            " more".repeat(60)
        );
        let texts = [
            "mental health plan id W1234567; hepatitis b patient # 4455667",
            "ban\u{212a} account 123456789, \u{17f}ubscriber id 99887766",
            "DOB: 01/02/1980, MRN 12345678; Member ID W123456789 acct# 1234",
            "d.o.b. 3/4/55 date of\r\nbirth 1/1/11 routing 021000021",
            capped.as_str(),
            spread.as_str(),
        ];
        for t in texts {
            let (new, old) = (findings(t, true), findings(t, false));
            assert!(!old.is_empty(), "the texts have keyword findings: {t}");
            assert!(new == old, "{t}");
        }
    }
}
