//! Keyword-anchored values: "KEYWORD [:#] [is|no.|number] VALUE" on one line.
//!
//! Used by the DOB, MRN, member ID and bank account detectors. One pass of
//! a single regex holding every built-in anchor keyword finds the keyword
//! hits of a segment; each hit is then classified by the anchored keyword
//! pattern of each detector (on a short window), and the detector looks
//! for its value right after the keyword (value regex anchored with `^` on
//! a short window). Cost per hit is bounded, so scanning stays linear.
//! Configured extra keywords (`[detectors.*] keywords`) use [`values`].

use super::{bank, dob, member, mrn, re};
use crate::policy::finding::{Location, Sink};
use crate::policy::text::{after, isolated};
use regex::Regex;
use std::sync::OnceLock;

/// Longest window searched after a keyword.
const WINDOW: usize = 48;

/// Longest keyword considered (keywords are short phrases).
const MAX_KEYWORD: usize = 96;

/// Filler allowed between keyword and value, as a regex prefix fragment.
pub const FILLER: &str = r"^[\s:#.=\-]*(?:(?:is|was|no\.?|nbr|number|num|id|#)[\s:#.=\-]*)*";

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
    (Anchor::Dob, dob::KEYWORD, b"dbgf"),
    (Anchor::Mrn, mrn::KEYWORD, b"mcphue"),
    (Anchor::MemberStrong, member::STRONG, b"mseihb"),
    (Anchor::MemberWeak, member::WEAK, b"pgc"),
    (Anchor::Bank, bank::BANK, b"bcsid"),
    (Anchor::Account, bank::ACCOUNT, b"a"),
    (Anchor::Routing, bank::ROUTING, b"rat"),
];

struct Res {
    any: Regex,
    each: Vec<(Anchor, Regex, &'static [u8])>,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let bodies: Vec<&str> = ANCHORS.iter().map(|a| a.1).collect();
        Res {
            any: re(&format!(r"(?i)(?-u:\b)(?:{})", bodies.join("|"))),
            each: ANCHORS
                .iter()
                .map(|&(a, body, first)| (a, re(&format!(r"(?i)^(?:{body})")), first))
                .collect(),
        }
    })
}

/// How far before a digit a keyword may start and still have a value
/// (or a date) with that digit: keyword, then the value window.
pub const REACH: usize = MAX_KEYWORD + WINDOW + 16;

/// Find every built-in anchor keyword that can have a value after it and
/// hand it to its detector. `hot`: the stretches within `REACH` bytes
/// before a digit (from the token pass); keywords elsewhere have no digit,
/// so no value, after them. Hits of different detectors may overlap (the
/// search resumes one char after each hit start).
pub fn scan(text: &str, hot: &[(usize, usize)], loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    for &(start, end) in hot {
        let end = end.min(b.len());
        // Start where `\b` means the same in the slice as in the text.
        let mut s = start;
        while s > 0 && s < end && (is_word(b[s - 1]) || !text.is_char_boundary(s)) {
            s += 1;
        }
        if let Some(region) = text.get(s..end) {
            scan_region(text, s, region, loc, sink);
        }
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn scan_region(text: &str, base: usize, region: &str, loc: Location, sink: &mut Sink) {
    let r = res();
    let mut pos = 0;
    while let Some(h) = r.any.find_at(region, pos) {
        let st = base + h.start();
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
                dispatch(*anchor, text, st + m.end(), loc, sink);
            }
        }
        pos = h.start() + region[h.start()..].chars().next().map_or(1, char::len_utf8);
    }
}

fn dispatch(anchor: Anchor, text: &str, kend: usize, loc: Location, sink: &mut Sink) {
    match anchor {
        Anchor::Dob => dob::after_keyword(text, kend, loc, sink),
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

/// Count of ASCII digits in a value.
pub fn digit_count(v: &str) -> usize {
    v.bytes().filter(u8::is_ascii_digit).count()
}
