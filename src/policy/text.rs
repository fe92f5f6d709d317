//! Small text helpers shared by detectors: context windows on char
//! boundaries, token isolation, checksums, and keyword proximity.
//!
//! Every helper works on bounded windows, so the cost per candidate match is
//! constant and a scan stays linear in the input size.

use regex::Regex;

/// Largest char boundary `<= i`.
pub fn floor_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `s` in Unicode's composed form (NFC) when it holds a combining
/// diacritical mark (U+0300-U+036F): windows-1258 Vietnamese and some
/// mail clients write tone and accent marks apart from their letters,
/// while the term and name lists hold them composed. Other text is
/// borrowed as it is (one byte scan).
pub fn composed(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    let b = s.as_bytes();
    // In UTF-8 these marks lead with 0xCC, or 0xCD up to 0xCD 0xAF.
    let marked = memchr::memchr2_iter(0xCC, 0xCD, b)
        .any(|i| b[i] == 0xCC || b.get(i + 1).is_some_and(|&c| c <= 0xAF));
    if marked {
        std::borrow::Cow::Owned(s.nfc().collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `s` with its CRLF line ends as LF: the detectors' reaches are counted
/// in bytes, and a CRLF letter must not put a fact one byte per line
/// further from its name than the same letter written with LF. Line
/// numbers are unchanged; text without a CR is passed through.
pub fn unix_lines(s: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    let b = s.as_bytes();
    if memchr::memmem::find(b, b"\r\n").is_none() {
        return s;
    }
    // A vector search for each CRLF and one copy of the runs between
    // them (`str::replace` searches byte by byte with its two-way matcher).
    // A CR is ASCII, so each run ends on a character boundary.
    let mut out = String::with_capacity(b.len());
    let mut from = 0;
    for cr in memchr::memmem::find_iter(b, b"\r\n") {
        out.push_str(&s[from..cr]);
        from = cr + 1;
    }
    out.push_str(&s[from..]);
    std::borrow::Cow::Owned(out)
}

/// An iCalendar or vCard object (RFC 5545, RFC 6350) as a reader sees
/// it: folded lines joined (a line break and one space or tab continue
/// the line before) and the value escapes undone (`\n` is a line break,
/// `\,` a comma). A calendar invitation's description otherwise hides
/// `hear` / ` ing loss` from the term lists. Other text is borrowed.
pub fn unfolded_calendar(t: &str) -> std::borrow::Cow<'_, str> {
    let head = t
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .as_bytes();
    let head = &head[..head.len().min(15)];
    let object = [&b"BEGIN:VCALENDAR"[..], b"BEGIN:VCARD"]
        .iter()
        .any(|p| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p));
    if !object {
        return std::borrow::Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' if matches!(chars.peek(), Some(' ' | '\t')) => {
                chars.next();
            }
            '\\' => match chars.peek() {
                Some('n' | 'N') => {
                    chars.next();
                    out.push('\n');
                }
                Some(&e @ (',' | ';' | '\\')) => {
                    chars.next();
                    out.push(e);
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Smallest char boundary `>= i`.
pub fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Index of the first byte at or after `from` that lies in `lo..=hi` (an
/// ASCII range: `hi < 0x7f`), testing eight bytes per step: the detectors'
/// scans for the next digit or capital letter skip prose this way.
pub fn find_in_range(b: &[u8], from: usize, lo: u8, hi: u8) -> Option<usize> {
    debug_assert!(0 < lo && lo <= hi && hi < 0x7f);
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7f;
    // Bit Twiddling Hacks `hasbetween(x, lo - 1, hi + 1)`: the high bit of
    // a lane is set exactly when that byte is in range (no carries or
    // borrows cross lanes for bounds up to 128).
    let below = ONES * (127 + u64::from(hi) + 1);
    let above = ONES * (127 - (u64::from(lo) - 1));
    let rest = b.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut off = from;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        let t = below.wrapping_sub(x & LOW7) & !x & (x & LOW7).wrapping_add(above) & (ONES << 7);
        if t != 0 {
            return Some(off + (t.trailing_zeros() / 8) as usize);
        }
        off += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|c| (lo..=hi).contains(c))
        .map(|p| off + p)
}

/// Up to `n` bytes before `pos` (char-aligned).
pub fn before(s: &str, pos: usize, n: usize) -> &str {
    let pos = floor_boundary(s, pos);
    let start = ceil_boundary(s, pos.saturating_sub(n));
    s.get(start..pos).unwrap_or("")
}

/// Up to `n` bytes after `pos` (char-aligned).
pub fn after(s: &str, pos: usize, n: usize) -> &str {
    let pos = ceil_boundary(s, pos);
    let end = floor_boundary(s, pos.saturating_add(n));
    s.get(pos..end).unwrap_or("")
}

/// Up to `n` bytes before `pos`, cut at the previous line break.
pub fn line_before(s: &str, pos: usize, n: usize) -> &str {
    let w = before(s, pos, n);
    match w.rfind('\n') {
        Some(i) => &w[i + 1..],
        None => w,
    }
}

/// Up to `n` bytes after `pos`, cut at the next line break.
pub fn line_after(s: &str, pos: usize, n: usize) -> &str {
    let w = after(s, pos, n);
    match w.find('\n') {
        Some(i) => &w[..i],
        None => w,
    }
}

/// True when the match `[start, end)` is not part of a longer token chain
/// such as `12-376-85-5983`, `I10-817` or `1.2.3.4.5`: the neighbours may
/// not be a joiner (`-`, `.`, `/`, `_`) followed/preceded by an alphanumeric,
/// nor an alphanumeric itself.
pub fn isolated(s: &str, start: usize, end: usize) -> bool {
    let b = s.as_bytes();
    if start > 0 {
        let p = b[start - 1];
        if p.is_ascii_alphanumeric() {
            return false;
        }
        if matches!(p, b'-' | b'.' | b'/' | b'_' | b'@')
            && start >= 2
            && b[start - 2].is_ascii_alphanumeric()
        {
            return false;
        }
    }
    if end < b.len() {
        let n = b[end];
        if n.is_ascii_alphanumeric() {
            return false;
        }
        if matches!(n, b'-' | b'/' | b'_' | b'@' | b'.')
            && end + 1 < b.len()
            && b[end + 1].is_ascii_alphanumeric()
        {
            return false;
        }
    }
    true
}

/// ASCII digits of `s` as values 0..=9.
pub fn digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Luhn (mod 10) check over digit values.
pub fn luhn(d: &[u8]) -> bool {
    if d.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Position (end offset) of the last match of `re` in `w`, if any.
pub fn last_match_end(re: &Regex, w: &str) -> Option<usize> {
    re.find_iter(w).last().map(|m| m.end())
}

/// Context around a candidate: does a positive keyword occur within the
/// window before (or shortly after) it, without a negative keyword standing
/// between the positive one and the candidate?
pub struct Context<'r> {
    pub positive: &'r Regex,
    pub negative: Option<&'r Regex>,
    pub before: usize,
    pub after: usize,
}

/// Outcome of a context check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Near {
    /// A positive keyword is the nearest clue.
    Positive,
    /// A negative keyword (order, invoice, model...) is the nearest clue.
    Negative,
    /// Neither.
    Nothing,
}

impl Context<'_> {
    pub fn check(&self, s: &str, start: usize, end: usize) -> Near {
        let w = before(s, start, self.before);
        let pos = last_match_end(self.positive, w);
        let neg = self.negative.and_then(|n| last_match_end(n, w));
        match (pos, neg) {
            (Some(p), Some(n)) if n > p => return Near::Negative,
            (Some(_), _) => return Near::Positive,
            (None, Some(_)) => return Near::Negative,
            (None, None) => {}
        }
        let a = after(s, end, self.after);
        if self.after > 0 && self.positive.is_match(a) {
            return Near::Positive;
        }
        Near::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_becomes_lf_and_lone_cr_stays() {
        use std::borrow::Cow;
        let cases = [
            ("a\r\nb\r\n", "a\nb\n"),
            ("\r\n\r\n", "\n\n"),
            ("x\r\r\ny\rz", "x\r\ny\rz"),
            ("é\r\nü", "é\nü"),
        ];
        for (crlf, lf) in cases {
            assert_eq!(unix_lines(Cow::Borrowed(crlf)), lf, "{crlf:?}");
        }
        assert!(matches!(
            unix_lines(Cow::Borrowed("a\rb\n")),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn calendar_lines_are_unfolded_and_escapes_undone() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:C&P EXAM - OKONKWO\\, DAVID A\r\nDESCRIPTION:claimed bilateral hear\r\n ing loss.\\nVeteran: David A. Okonkwo\r\nEND:VEVENT\r\n";
        let out = unfolded_calendar(ics);
        assert!(
            out.contains("SUMMARY:C&P EXAM - OKONKWO, DAVID A\n"),
            "{out}"
        );
        assert!(
            out.contains("bilateral hearing loss.\nVeteran: David A. Okonkwo\n"),
            "{out}"
        );
        let plain = "Subject line\n continues? no: not a calendar \\n";
        assert!(matches!(
            unfolded_calendar(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn combining_marks_are_composed_and_other_text_is_borrowed() {
        // `Bệnh viện` with its tone marks apart (windows-1258's way).
        let apart = "Be\u{0323}\u{0302}nh vie\u{0323}\u{0302}n";
        assert_eq!(composed(apart), "B\u{1EC7}nh vi\u{1EC7}n");
        for plain in ["plain ASCII", "déjà composé", "Ωμέγα \u{0378}x", "\u{0370}"] {
            assert!(
                matches!(composed(plain), std::borrow::Cow::Borrowed(_)),
                "{plain}"
            );
        }
    }

    #[test]
    fn windows_respect_char_boundaries() {
        let s = "ééé123";
        assert_eq!(before(s, 6, 3), "é");
        assert_eq!(after(s, 1, 3), "é");
        assert_eq!(before(s, 0, 10), "");
    }

    #[test]
    fn find_in_range_matches_a_byte_scan() {
        let text = "ab\u{e9}cd efg, h\u{ff}ij Kl 9 mn\tOPq r1s\x7fZ@[`{/0:";
        let b = text.as_bytes();
        for (lo, hi) in [(b'0', b'9'), (b'A', b'Z'), (b'a', b'z'), (1, 0x7e)] {
            for from in 0..=b.len() + 1 {
                let want = b
                    .get(from..)
                    .and_then(|r| r.iter().position(|c| (lo..=hi).contains(c)))
                    .map(|p| from + p);
                assert_eq!(find_in_range(b, from, lo, hi), want, "{lo} {hi} {from}");
            }
        }
        assert_eq!(find_in_range(b"", 0, b'0', b'9'), None);
    }

    #[test]
    fn isolated_rejects_chains() {
        let s = "x 12-376-85-5983 y";
        assert!(!isolated(s, 5, 16));
        let s = "model I10-817";
        assert!(!isolated(s, 6, 9));
        let s = "Dx: I10.";
        assert!(isolated(s, 4, 7));
    }

    #[test]
    fn luhn_known_values() {
        assert!(luhn(&digits("4742-1809-6792-9089")) || !luhn(&digits("4742180967929088")));
        assert!(luhn(&digits("79927398713")));
        assert!(!luhn(&digits("79927398710")));
        assert!(!luhn(&[]));
    }
}
