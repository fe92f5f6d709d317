//! Date recognition for the DOB detector.
//!
//! Formats: `03/03/1961`, `3-3-61`, `03.03.1961` (month/day or day/month),
//! `1961-03-03`, `March 3, 1961`, `Mar. 3rd 1961`, `3 March 1961`,
//! `3rd of March, 1961`, `3rd of May '58`, and compact `19610303` (EHR exports, X12, HL7:
//! year first, four-digit years only). Values are validated (month 1-12, day 1-31,
//! four-digit years 1880-2039).

use super::re;
use regex::Regex;
use std::sync::OnceLock;

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

struct Res {
    numeric: Regex,
    iso: Regex,
    month_first: Regex,
    day_first: Regex,
    /// `11-Oct-1977`, `11-Oct-77`, `Oct-11-1977` (spreadsheets, EHR exports).
    dashed: Regex,
    /// `19610303`: CCYYMMDD.
    compact: Regex,
    /// Central European dates with a blank after each dot (`17. 11. 1972`).
    spaced: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        compact: re(r"(?-u:\b)([0-9]{4})([0-9]{2})([0-9]{2})(?-u:\b)"),
        spaced: re(r"(?-u:\b)([0-9]{1,2})\.[ \t]([0-9]{1,2})\.[ \t]([0-9]{4})(?-u:\b)"),
        numeric: re(
            r"(?-u:\b)([0-9]{1,2})([/.\-])([0-9]{1,2})([/.\-])([0-9]{4}|[0-9]{2})(?-u:\b)",
        ),
        iso: re(r"(?-u:\b)([0-9]{4})([/.\-])([0-9]{1,2})([/.\-])([0-9]{1,2})(?-u:\b)"),
        month_first: re(&format!(
            r"(?i)(?-u:\b){MONTH}\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?:([0-9]{{4}})|['’]([0-9]{{2}}))(?-u:\b)"
        )),
        day_first: re(&format!(
            r"(?i)(?-u:\b)([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?,?\s+(?:([0-9]{{4}})|['’]([0-9]{{2}}))(?-u:\b)"
        )),
        dashed: re(&format!(
            r"(?i)(?-u:\b)(?:([0-9]{{1,2}})[-/ ]{MONTH}[-/ ]([0-9]{{4}}|[0-9]{{2}})|{MONTH}[-/]([0-9]{{1,2}})[-/]([0-9]{{4}}|[0-9]{{2}}))(?-u:\b)"
        )),
    })
}

fn num(s: Option<regex::Match<'_>>) -> u32 {
    s.map(|m| {
        m.as_str()
            .bytes()
            .fold(0u32, |a, b| a * 10 + u32::from(b.wrapping_sub(b'0')))
    })
    .unwrap_or(0)
}

fn year_ok(y: u32, digits: usize) -> bool {
    digits == 2 || (1880..=2039).contains(&y)
}

fn md_ok(m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// The first valid date in `w`: its byte span.
pub fn first_date(w: &str) -> Option<(usize, usize)> {
    let r = res();
    let mut best: Option<(usize, usize)> = None;
    let mut consider = |span: (usize, usize)| {
        if best.is_none_or(|b| span.0 < b.0) {
            best = Some(span);
        }
    };
    if let Some(c) = r.numeric.captures_iter(w).find(|c| {
        let (a, b, y) = (num(c.get(1)), num(c.get(3)), num(c.get(5)));
        let ylen = c.get(5).map_or(0, |m| m.len());
        let same_sep = c.get(2).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str());
        same_sep && year_ok(y, ylen) && (md_ok(a, b) || md_ok(b, a))
    }) && let Some(m) = c.get(0)
    {
        consider((m.start(), m.end()));
    }
    if let Some(c) = r.iso.captures_iter(w).find(|c| {
        let same_sep = c.get(2).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str());
        same_sep && year_ok(num(c.get(1)), 4) && md_ok(num(c.get(3)), num(c.get(5)))
    }) && let Some(m) = c.get(0)
    {
        consider((m.start(), m.end()));
    }
    if let Some(c) = r.compact.captures_iter(w).find(|c| {
        let y = num(c.get(1));
        (1880..=2039).contains(&y) && md_ok(num(c.get(2)), num(c.get(3)))
    }) && let Some(m) = c.get(0)
    {
        consider((m.start(), m.end()));
    }
    if let Some(c) = r
        .spaced
        .captures_iter(w)
        .find(|c| year_ok(num(c.get(3)), 4) && md_ok(num(c.get(2)), num(c.get(1))))
        && let Some(m) = c.get(0)
    {
        consider((m.start(), m.end()));
    }
    for named in [&r.month_first, &r.day_first] {
        if let Some(c) = named.captures_iter(w).find(|c| {
            let d = num(c.get(1));
            // A four-digit year, or two after an apostrophe (`May '58`).
            (1..=31).contains(&d) && (c.get(3).is_some() || year_ok(num(c.get(2)), 4))
        }) && let Some(m) = c.get(0)
        {
            consider((m.start(), m.end()));
        }
    }
    if let Some(c) = r.dashed.captures_iter(w).find(|c| {
        let d = num(c.get(1).or(c.get(3)));
        let y = c.get(2).or(c.get(4));
        (1..=31).contains(&d) && y.is_some_and(|y| year_ok(num(Some(y)), y.len()))
    }) && let Some(m) = c.get(0)
    {
        consider((m.start(), m.end()));
    }
    best
}

/// The current calendar year (UTC, by the system clock): where a date
/// must lie in the past to be a birth date.
pub fn this_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Mean Gregorian year: off by at most a day at the turn of a year.
    1970 + i32::try_from(secs / 31_556_952).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for d in [
            "03/03/1961",
            "3/3/61",
            "1961-03-03",
            "03.03.1961",
            "March 3, 1961",
            "Mar. 3rd 1961",
            "3 March 1961",
            "3rd of March, 1961",
            "3rd of May '58",
            "May 3, \u{2019}58",
            "November 10, 1964",
            "31/12/1961",
            "11-Oct-1977",
            "11-Oct-77",
            "Oct-11-1977",
            "11 Oct 77",
            "19610307",
            "17. 11. 1972",
        ] {
            assert!(first_date(d).is_some(), "{d}");
        }
    }

    #[test]
    fn invalid_values() {
        for d in [
            "13/13/1961",
            "03/03-1961",
            "1961-13-03",
            "March 41, 1961",
            "03/03/1700",
            "2024",
            "19611307",
            "17000303",
            "196103071",
            "11. 17. 1972",
            "1. 2. 25",
        ] {
            assert!(first_date(d).is_none(), "{d}");
        }
    }
}
