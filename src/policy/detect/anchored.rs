//! Keyword-anchored values: "KEYWORD [:#] [is|no.|number] VALUE" on one line.
//!
//! Used by MRN, member ID and bank account detectors: the keyword regex is
//! run over the text; for each hit the value regex (anchored with `^`) is run
//! over a short window after it. Cost per hit is bounded, so scanning stays
//! linear.

use crate::policy::text::{after, isolated};
use regex::Regex;

/// Longest window searched after a keyword.
const WINDOW: usize = 48;

/// Filler allowed between keyword and value, as a regex prefix fragment.
pub const FILLER: &str = r"^[\s:#.=\-]*(?:(?:is|was|no\.?|nbr|number|num|id|#)[\s:#.=\-]*)*";

/// Yields the byte span of each value found right after a keyword.
pub fn values<'t>(
    text: &'t str,
    keyword: &'t Regex,
    value: &'t Regex,
) -> impl Iterator<Item = (usize, usize)> + 't {
    keyword.find_iter(text).filter_map(move |k| {
        let w = after(text, k.end(), WINDOW);
        let c = value.captures(w)?;
        let v = c.get(1)?;
        let (s, e) = (k.end() + v.start(), k.end() + v.end());
        isolated(text, s, e).then_some((s, e))
    })
}

/// Count of ASCII digits in a value.
pub fn digit_count(v: &str) -> usize {
    v.bytes().filter(u8::is_ascii_digit).count()
}
