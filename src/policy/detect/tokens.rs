//! The single token pass: every digit run of a segment is visited once and
//! handed, by shape, to the detectors whose candidate can start there.
//!
//! The candidate shapes are those of the former per-detector patterns
//! (`\b\d{3}[- .]?\d{2}[- .]?\d{4}\b` for SSN, `\b[12]\d{9}\b` for NPI, ...),
//! parsed by hand from the digit run at their start: each parser reads a
//! bounded number of bytes, so the pass is linear in the segment length.
//! As with a regex `find_iter`, candidates of one detector do not overlap:
//! each detector keeps the end of its last shape match in [`Next`].
//!
//! Word boundaries are ASCII (`[0-9A-Za-z_]` are word bytes), as in the
//! patterns they replace (`(?-u:\b)`).

use super::{card, dea, icd10, mbi, npi, ssn, weak};
use crate::policy::finding::{Location, Sink};
use crate::policy::text::find_in_range;

/// ASCII word byte (`\w` without Unicode).
pub fn is_word(b: u8) -> bool {
    WORD[usize::from(b)]
}

/// The end of the run of word octets at `i`: the first non-word octet at
/// or after `i`, or `b.len()`. Prose words end within a few octets and go
/// octet by octet; a run longer than that (base64, armour, filler lines)
/// goes on sixteen octets per step.
#[inline]
pub fn word_run_end(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    let short = i.saturating_add(16).min(n);
    while i < short {
        if !is_word(b[i]) {
            return i;
        }
        i += 1;
    }
    while let Some(chunk) = b.get(i..i + 16)
        && all_word(chunk)
    {
        i += 16;
    }
    while i < n && is_word(b[i]) {
        i += 1;
    }
    i
}

/// Are all of `chunk`'s octets word octets? Arithmetic, not the table, so
/// that the compiler can test the chunk in a few vector instructions.
fn all_word(chunk: &[u8]) -> bool {
    chunk.iter().fold(true, |ok, &c| {
        let letter = (c | 0x20).wrapping_sub(b'a') < 26;
        let digit = c.wrapping_sub(b'0') < 10;
        ok & (letter | digit | (c == b'_'))
    })
}

/// `is_word` as a table: one load per octet in the hot scanning loops.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

/// Byte at `i`, or NUL past the end (NUL is no word, digit or separator).
pub fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// Length of the digit run at `i`, counting at most `cap + 1` digits (so
/// `run_len(b, i, 4) == 4` means "exactly four digits").
pub fn run_len(b: &[u8], i: usize, cap: usize) -> usize {
    b.get(i..)
        .unwrap_or(&[])
        .iter()
        .take(cap.saturating_add(1))
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// `\b` after a word byte at `i - 1`: the byte at `i` is not a word byte.
pub fn boundary_after(b: &[u8], i: usize) -> bool {
    !is_word(at(b, i))
}

/// Byte length of the Unicode white-space char at `i` (0 if none).
pub fn space_len(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        Some(&c) if c < 0x80 => usize::from(c.is_ascii_whitespace() || c == 0x0b),
        Some(_) => text
            .get(i..)
            .and_then(|t| t.chars().next())
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        None => 0,
    }
}

/// Skip `\s+` (bounded): the position after the spaces, if there was one.
pub fn skip_spaces(text: &str, i: usize) -> Option<usize> {
    let mut p = i;
    for _ in 0..64 {
        match space_len(text, p) {
            0 => break,
            n => p += n,
        }
    }
    (p > i).then_some(p)
}

/// One digit run `[s, e)` and the word holding it.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub s: usize,
    pub e: usize,
    /// Start of the word (`[0-9A-Za-z_]+`) holding the run.
    pub ws: usize,
    /// No earlier digit run in the same word.
    pub first: bool,
}

/// End of each detector's last shape match: the next candidate of that
/// detector must start at or after it (non-overlapping, like `find_iter`).
#[derive(Debug, Default)]
pub struct Next {
    pub ssn: usize,
    pub card: usize,
    pub icd: usize,
    pub phone: usize,
    pub ip: usize,
    pub street: usize,
}

/// What every candidate check needs besides the run.
pub struct Scan<'a> {
    pub text: &'a str,
    pub loc: Location,
    pub has_health: bool,
    pub sink: &'a mut Sink,
    pub next: Next,
}

/// A self-checking code (DEA, MBI) starting at `s`: `shape` finds its end,
/// `valid` checks it; reported High when `keyword` is within `window`
/// (bytes before, after), Low otherwise.
pub struct Checked {
    pub kind: crate::policy::finding::Kind,
    pub shape: fn(&[u8], usize) -> Option<usize>,
    pub valid: fn(&str) -> bool,
    pub keyword: &'static regex::Regex,
    pub window: (usize, usize),
}

pub fn push_checked(sc: &mut Scan<'_>, s: usize, c: Checked) {
    use crate::policy::finding::Confidence;
    use crate::policy::text::{Context, Near, isolated};
    let text = sc.text;
    let Some(e) = (c.shape)(text.as_bytes(), s) else {
        return;
    };
    let Some(m) = text.get(s..e) else { return };
    if !isolated(text, s, e) || !(c.valid)(m) {
        return;
    }
    let ctx = Context {
        positive: c.keyword,
        negative: None,
        before: c.window.0,
        after: c.window.1,
    };
    let conf = match ctx.check(text, s, e) {
        Near::Positive => Confidence::High,
        _ => Confidence::Low,
    };
    sc.sink.push(c.kind, conf, sc.loc, m);
}

/// Visit every digit run of `text` once and dispatch it by shape. Returns
/// the stretches `[start, end)` lying within `reach` bytes before a digit
/// (`end` just past a digit), for the keyword pass; there is at most one
/// per `reach` bytes of text.
pub fn scan(
    text: &str,
    loc: Location,
    has_health: bool,
    sink: &mut Sink,
    reach: usize,
) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut sc = Scan {
        text,
        loc,
        has_health,
        sink,
        next: Next::default(),
    };
    let mut hot: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut prev_e, mut prev_ws) = (0usize, 0usize, 0usize);
    while let Some(s) = find_in_range(b, i, b'0', b'9') {
        let len = b[s..].iter().position(|c| !c.is_ascii_digit());
        let e = len.map_or(b.len(), |n| s + n);
        let mut ws = s;
        while ws > prev_e && is_word(b[ws - 1]) {
            ws -= 1;
        }
        // Reached the previous run without a non-word byte: same word.
        let first = !(ws == prev_e && prev_e > 0);
        if !first {
            ws = prev_ws;
        }
        dispatch(&mut sc, Run { s, e, ws, first });
        match hot.last_mut() {
            Some(last) if s <= last.1.saturating_add(reach) => last.1 = e,
            _ => hot.push((s.saturating_sub(reach).max(prev_e), e)),
        }
        (i, prev_e, prev_ws) = (e, e, ws);
    }
    hot
}

fn dispatch(sc: &mut Scan<'_>, r: Run) {
    let n = r.e - r.s;
    if r.ws == r.s {
        ssn::at_run(sc, r);
        card::at_run(sc, r);
        if n == 10 {
            npi::at_run(sc, r);
        }
        if n == 1 {
            mbi::at_run(sc, r);
        }
        weak::at_run(sc, r);
    }
    if r.first && r.s - r.ws <= 2 && r.s > r.ws {
        dea::at_run(sc, r);
        icd10::at_run(sc, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_table_matches_the_definition() {
        for c in 0..=255u8 {
            assert_eq!(is_word(c), c.is_ascii_alphanumeric() || c == b'_', "{c}");
        }
    }

    #[test]
    fn helpers() {
        let b = b"12345 x";
        assert_eq!(run_len(b, 0, 4), 5);
        assert_eq!(run_len(b, 0, 9), 5);
        assert_eq!(run_len(b, 5, 9), 0);
        assert!(boundary_after(b, 5));
        assert!(!boundary_after(b, 4));
        assert!(boundary_after(b, 99));
        assert_eq!(skip_spaces("a \u{a0} b", 1), Some(5));
        assert_eq!(skip_spaces("ab", 1), None);
    }

    use crate::policy::detect::tests::found;
    use crate::policy::finding::{Confidence, Kind};

    #[test]
    fn shapes_inside_longer_chains_do_not_match() {
        // Joined to other tokens: not a candidate of any identifier type.
        assert_eq!(found("ref 9-824-66-7795", Kind::Ssn), None);
        assert_eq!(found("SSN 824-66-7795-1", Kind::Ssn), None);
        assert_eq!(found("x824-66-7795", Kind::Ssn), None);
        assert_eq!(
            found("card 4111-1111-1111-1111-1111", Kind::CreditCard),
            None
        );
        assert_eq!(found("NPI 12345678930", Kind::Npi), None);
        assert_eq!(found("DEA XAB1345671", Kind::Dea), None);
        assert_eq!(found("Dx: e11.9", Kind::Icd10), None);
        assert_eq!(found("host 10.1.2.3.4 down", Kind::Ip), None);
        assert_eq!(found("call 415-253-87001", Kind::Phone), None);
    }

    #[test]
    fn other_layouts_still_match() {
        assert_eq!(found("SSN:824.66.7795;", Kind::Ssn), Some(Confidence::High));
        assert_eq!(
            found("(Visa)4111111111111111.", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("amex: 3782 822463 10005", Kind::CreditCard),
            Some(Confidence::High)
        );
        assert_eq!(
            found("tel:(415)253-8700", Kind::Phone),
            Some(Confidence::Medium)
        );
        assert_eq!(found("at 10.0.0.255.", Kind::Ip), Some(Confidence::Low));
        assert_eq!(
            found("Dx: O09.521, I10.", Kind::Icd10),
            Some(Confidence::High)
        );
        assert_eq!(
            found("DEA: A91345671 on file", Kind::Dea),
            Some(Confidence::High)
        );
        assert_eq!(
            found("lives at 12\u{a0}Old Mill Pond Rd. now", Kind::Address),
            Some(Confidence::Medium)
        );
        assert_eq!(found("lives at 12 Oak Streets", Kind::Address), None);
    }
}
