//! Office Open XML: DOCX (document, headers, footers, notes, comments),
//! PPTX (slides and speaker notes) and XLSX (shared strings, cell types,
//! date styles, every sheet). Parts are streamed from the archive through
//! quick-xml; nothing is rendered.
//!
//! XLSX dates are numbers with a date style: a DOB column holds `28384`
//! styled `m/d/yyyy`. Cells with a built-in or custom date format are
//! written as `MM/DD/YYYY`, so the date detectors see a date, as a person
//! opening the sheet would.

use super::archive::{Zip, names, with_entry};
use super::doc::Doc;
use super::xml::{Ev, attr, walk};
use super::{Budget, Stop, TextOut, Unreadable, Visitor};
use crate::policy::table::TableWriter;
use std::collections::HashSet;
use std::io::BufReader;

/// Entries sorted by the number in their name (`slide2` before `slide10`).
fn numbered(z: &Zip<'_>, prefix: &str, suffix: &str, max: usize) -> Vec<String> {
    let mut v: Vec<(u64, String)> = names(z, max)
        .into_iter()
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
        .map(|n| {
            let num = n[prefix.len()..n.len() - suffix.len()]
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(u64::MAX);
            (num, n)
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, n)| n).collect()
}

/// One word-processing/presentation part into `doc`.
fn doc_part(z: &mut Zip<'_>, name: &str, budget: &Budget, doc: &mut Doc) -> Result<(), Stop> {
    with_entry(z, name, budget, |r| {
        let mut in_text = false;
        // Open content controls, each with whether it shows its
        // placeholder (`<w:showingPlcHdr/>`).
        let mut controls: Vec<bool> = Vec::new();
        let res = walk(BufReader::new(r), budget, &mut |ev| {
            match ev {
                Ev::Open(n, e) => match n {
                    b"sdt" => controls.push(false),
                    b"showingPlcHdr" => {
                        // `w:val="0"` or `"false"` turns the flag off.
                        let off = attr(e, b"val").is_some_and(|v| v == "0" || v == "false");
                        if let Some(top) = controls.last_mut() {
                            *top = !off;
                        }
                    }
                    b"t" | b"delText" => in_text = true,
                    b"tab" => doc.tab(),
                    b"br" | b"cr" => doc.line_break(),
                    b"tbl" => doc.table_open(),
                    b"tr" => doc.row_open(),
                    b"tc" => doc.cell_open(),
                    _ => {}
                },
                Ev::Close(n) => match n {
                    b"sdt" => {
                        controls.pop();
                    }
                    b"t" | b"delText" => in_text = false,
                    b"p" => doc.para_end(),
                    b"tc" => doc.cell_close(),
                    b"tr" => doc.row_close(),
                    b"tbl" => doc.table_close(),
                    _ => {}
                },
                // A blank control's instruction (`Click or tap here to
                // enter text.`) is no answer: it reads as the blank it is
                // (`____`, as a printed form's). Anything else it shows
                // is read: a value kept under a stale flag still counts.
                Ev::Text(t) if in_text => {
                    if controls.last() == Some(&true) && instruction(t) {
                        doc.text("____");
                    } else {
                        doc.text(t);
                    }
                }
                Ev::Text(_) => {}
            }
            !doc.out.over
        });
        res.map_err(|_| budget.take_stop())
    })?;
    doc.para_end();
    Ok(())
}

/// Word's placeholder wording for a blank content control, in the
/// languages of its interface: an instruction to the one filling it in,
/// as whole phrases (`Type 1 diabetes`, `Tapiwa` are answers).
fn instruction(t: &str) -> bool {
    const PHRASES: &[&str] = &[
        "click or tap",
        "click here",
        "tap here",
        "tap to enter",
        "choose an item",
        "enter text",
        "enter a date",
        "type here",
        "haga clic",
        "pulse aquí",
        "elija un elemento",
        "cliquez ou appuyez",
        "cliquez ici",
        "choisissez un élément",
        "klicken oder tippen",
        "klicken sie hier",
        "wählen sie ein element",
        "fare clic",
        "toccare qui",
        "scegliere un elemento",
        "clique ou toque",
        "clique aqui",
        "escolher um item",
        "klik of tik",
        "klik hier",
        "kies een item",
    ];
    let t = t.trim_start();
    if t.len() > 120 {
        return false;
    }
    let head: String = t.chars().take(32).collect::<String>().to_lowercase();
    PHRASES.iter().any(|p| head.starts_with(p))
}

fn emit(doc: Doc, place: &str, v: &mut dyn Visitor) -> Result<(), Stop> {
    let out = doc.finish();
    v.text(place, &out.text);
    if out.over {
        return Err(Stop(Unreadable::TooLarge));
    }
    Ok(())
}

/// A Word document.
pub fn docx(
    z: &mut Zip<'_>,
    place: &str,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut doc = Doc::new(budget.limits.max_output_bytes);
    let mut parts = vec!["word/document.xml".to_string()];
    for n in names(z, budget.limits.max_entries) {
        let extra = [
            "word/header",
            "word/footer",
            "word/footnotes",
            "word/endnotes",
            "word/comments",
        ]
        .iter()
        .any(|p| n.starts_with(p));
        if extra && n.ends_with(".xml") {
            parts.push(n);
        }
    }
    for p in &parts {
        doc_part(z, p, budget, &mut doc)?;
    }
    emit(doc, place, v)
}

/// A PowerPoint presentation.
pub fn pptx(
    z: &mut Zip<'_>,
    place: &str,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut doc = Doc::new(budget.limits.max_output_bytes);
    let max = budget.limits.max_entries;
    let mut parts = numbered(z, "ppt/slides/slide", ".xml", max);
    parts.extend(numbered(z, "ppt/notesSlides/notesSlide", ".xml", max));
    for p in &parts {
        doc_part(z, p, budget, &mut doc)?;
        doc.line_break();
    }
    emit(doc, place, v)
}

/// Shared strings (rich-text runs joined; phonetic runs skipped).
fn shared_strings(z: &mut Zip<'_>, budget: &Budget) -> Result<Vec<String>, Stop> {
    let cap = budget.limits.max_output_bytes;
    let got = with_entry(z, "xl/sharedStrings.xml", budget, |r| {
        let mut list = Vec::new();
        let (mut cur, mut in_t, mut in_rph, mut total) = (String::new(), false, false, 0usize);
        walk(BufReader::new(r), budget, &mut |ev| {
            match ev {
                Ev::Open(b"si", _) => cur.clear(),
                Ev::Open(b"t", _) => in_t = true,
                Ev::Open(b"rPh", _) => in_rph = true,
                Ev::Close(b"t") => in_t = false,
                Ev::Close(b"rPh") => in_rph = false,
                Ev::Close(b"si") => list.push(std::mem::take(&mut cur)),
                Ev::Text(t) if in_t && !in_rph => {
                    total += t.len();
                    cur.push_str(t);
                }
                _ => {}
            }
            total <= cap
        })
        .map_err(|_| budget.take_stop())?;
        if total > cap {
            return Err(Stop(Unreadable::TooLarge));
        }
        Ok(list)
    })?;
    Ok(got.unwrap_or_default())
}

/// Built-in number formats that show dates (ECMA-376 §18.8.30).
fn builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// A custom format code that shows a date: d or y outside quotes and
/// brackets (`[Red]`, `[$-409]`), or m with them.
fn code_is_date(code: &str) -> bool {
    let mut plain = String::new();
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            c if !quoted && !bracket => plain.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    plain.contains('d') || plain.contains('y')
}

/// Style indexes (`s` attribute of a cell) whose format shows a date.
fn date_styles(z: &mut Zip<'_>, budget: &Budget) -> Result<HashSet<usize>, Stop> {
    let got = with_entry(z, "xl/styles.xml", budget, |r| {
        let mut custom: HashSet<u32> = HashSet::new();
        let mut dates = HashSet::new();
        let (mut in_xfs, mut idx) = (false, 0usize);
        walk(BufReader::new(r), budget, &mut |ev| {
            match ev {
                Ev::Open(b"numFmt", e) => {
                    let id = attr(e, b"numFmtId").and_then(|s| s.parse().ok());
                    if let (Some(id), Some(code)) = (id, attr(e, b"formatCode"))
                        && code_is_date(&code)
                    {
                        custom.insert(id);
                    }
                }
                Ev::Open(b"cellXfs", _) => in_xfs = true,
                Ev::Close(b"cellXfs") => in_xfs = false,
                Ev::Open(b"xf", e) if in_xfs => {
                    let id: u32 = attr(e, b"numFmtId")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    if builtin_date(id) || custom.contains(&id) {
                        dates.insert(idx);
                    }
                    idx += 1;
                }
                _ => {}
            }
            idx < 1_000_000
        })
        .map_err(|_| budget.take_stop())?;
        Ok(dates)
    })?;
    Ok(got.unwrap_or_default())
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

/// An Excel serial day number (1900 system) as `MM/DD/YYYY`.
pub fn serial_date(v: &str) -> Option<String> {
    let f: f64 = v.trim().parse().ok()?;
    if !(1.0..=2_958_465.0).contains(&f) {
        return None;
    }
    // Serial 25569 is 1970-01-01 (1899-12-30 based, which absorbs the
    // 1900 leap-year bug for every date after February 1900).
    let days = f.floor() as i64 - 25_569;
    let (y, m, d) = civil(days);
    Some(format!("{m:02}/{d:02}/{y}"))
}

/// Column index of a cell reference (`AB12` → 27).
fn column(r: &str) -> Option<usize> {
    let mut n = 0usize;
    for b in r.bytes().take_while(u8::is_ascii_alphabetic) {
        n = n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
        if n > 16_384 {
            return None;
        }
    }
    n.checked_sub(1)
}

/// Columns kept per row (further cells join the last one).
const MAX_COLUMNS: usize = 512;

struct Cell {
    col: Option<usize>,
    ty: String,
    style: Option<usize>,
    value: String,
    in_value: bool,
}

fn cell_text(c: &Cell, shared: &[String], dates: &HashSet<usize>) -> String {
    match c.ty.as_str() {
        "s" => c
            .value
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| shared.get(i))
            .cloned()
            .unwrap_or_default(),
        "b" => if c.value.trim() == "1" {
            "TRUE"
        } else {
            "FALSE"
        }
        .to_string(),
        "" | "n" if c.style.is_some_and(|s| dates.contains(&s)) => {
            serial_date(&c.value).unwrap_or_else(|| c.value.clone())
        }
        _ => c.value.clone(),
    }
}

/// One worksheet, streamed row by row into `out`.
fn sheet(
    z: &mut Zip<'_>,
    name: &str,
    shared: &[String],
    dates: &HashSet<usize>,
    budget: &Budget,
    out: &mut TextOut,
) -> Result<(), Stop> {
    with_entry(z, name, budget, |r| {
        let mut w = TableWriter::new();
        let mut row: Vec<String> = Vec::new();
        let mut cell: Option<Cell> = None;
        walk(BufReader::new(r), budget, &mut |ev| {
            match ev {
                Ev::Open(b"row", _) => row.clear(),
                Ev::Close(b"row") => w.push(std::mem::take(&mut row), out),
                Ev::Open(b"c", e) => {
                    cell = Some(Cell {
                        col: attr(e, b"r").and_then(|r| column(&r)),
                        ty: attr(e, b"t").unwrap_or_default(),
                        style: attr(e, b"s").and_then(|s| s.parse().ok()),
                        value: String::new(),
                        in_value: false,
                    })
                }
                Ev::Open(b"v" | b"t", _) => {
                    if let Some(c) = cell.as_mut() {
                        c.in_value = true;
                    }
                }
                Ev::Close(b"v" | b"t") => {
                    if let Some(c) = cell.as_mut() {
                        c.in_value = false;
                    }
                }
                Ev::Text(t) => {
                    if let Some(c) = cell.as_mut()
                        && c.in_value
                        && c.value.len() < 32 * 1024
                    {
                        c.value.push_str(t);
                    }
                }
                Ev::Close(b"c") => {
                    if let Some(c) = cell.take() {
                        let text = cell_text(&c, shared, dates);
                        let at = c.col.unwrap_or(row.len()).min(MAX_COLUMNS);
                        if at >= row.len() {
                            row.resize(at + 1, String::new());
                        }
                        if !row[at].is_empty() {
                            row[at].push(' ');
                        }
                        row[at].push_str(&text);
                    }
                }
                _ => {}
            }
            !out.over
        })
        .map_err(|_| budget.take_stop())?;
        w.finish(out);
        Ok(())
    })?;
    Ok(())
}

/// An Excel workbook: every sheet, in order.
pub fn xlsx(
    z: &mut Zip<'_>,
    place: &str,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    let shared = shared_strings(z, budget)?;
    let dates = date_styles(z, budget)?;
    let mut out = TextOut::new(budget.limits.max_output_bytes);
    for name in numbered(z, "xl/worksheets/sheet", ".xml", budget.limits.max_entries) {
        sheet(z, &name, &shared, &dates, budget, &mut out)?;
        out.newline();
        if out.over {
            break;
        }
    }
    v.text(place, &out.text);
    if out.over {
        return Err(Stop(Unreadable::TooLarge));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates() {
        assert_eq!(serial_date("28384").as_deref(), Some("09/16/1977"));
        assert_eq!(serial_date("25569").as_deref(), Some("01/01/1970"));
        assert_eq!(serial_date("x"), None);
        assert!(code_is_date("mm/dd/yyyy"));
        assert!(code_is_date("[$-409]d-mmm-yy;@"));
        assert!(!code_is_date("#,##0.00"));
        assert!(!code_is_date("\"day\" 0"));
        assert_eq!(column("A1"), Some(0));
        assert_eq!(column("AB12"), Some(27));
    }
}
