//! OpenDocument (ODT, ODS, ODP): `content.xml` streamed through quick-xml.
//! Paragraphs and headings become lines; tables (text tables and every
//! spreadsheet) become rows for `table`. Repeated cells and rows
//! (`number-columns-repeated`, `number-rows-repeated`, which a
//! spreadsheet uses for its empty tail and a crafted file for a bomb) are
//! capped: a repeated empty cell counts once.
//! A date cell without displayed text is written from `office:date-value`.

use super::archive::{Zip, with_entry};
use super::doc::Doc;
use super::xml::{Ev, attr, walk};
use super::{Budget, Stop, Unreadable, Visitor};
use std::io::BufReader;

/// Repetitions kept for a non-empty repeated cell.
const MAX_REPEAT: usize = 32;

pub fn extract(
    z: &mut Zip<'_>,
    place: &str,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    if z.by_index_raw(0).map(|f| f.encrypted()).unwrap_or(false)
        || z.index_for_name("META-INF/manifest.xml").is_some_and(|i| {
            super::archive::read_index(z, i, 1 << 20, budget)
                .map(|m| memchr::memmem::find(&m, b"encryption-data").is_some())
                .unwrap_or(false)
        })
    {
        return Err(Stop(Unreadable::Encrypted));
    }
    let mut doc = Doc::new(budget.limits.max_output_bytes);
    with_entry(z, "content.xml", budget, |r| {
        let mut repeat = 1usize;
        let mut date: Option<String> = None;
        let mut cell_text = 0usize;
        walk(BufReader::new(r), budget, &mut |ev| {
            match ev {
                Ev::Open(n, e) => match n {
                    b"s" => {
                        let c: usize = attr(e, b"c").and_then(|c| c.parse().ok()).unwrap_or(1);
                        doc.text(&" ".repeat(c.min(8)));
                    }
                    b"tab" => doc.tab(),
                    b"line-break" => doc.line_break(),
                    b"table" => doc.table_open(),
                    b"table-row" => doc.row_open(),
                    b"table-cell" | b"covered-table-cell" => {
                        repeat = attr(e, b"number-columns-repeated")
                            .and_then(|c| c.parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, MAX_REPEAT);
                        date = attr(e, b"date-value");
                        cell_text = 0;
                        doc.cell_open();
                    }
                    _ => {}
                },
                Ev::Close(n) => match n {
                    b"p" | b"h" => doc.para_end(),
                    b"table-cell" | b"covered-table-cell" => {
                        if cell_text == 0 {
                            if let Some(d) = date.take() {
                                doc.text(&d);
                            } else {
                                repeat = 1;
                            }
                        }
                        doc.cell_close_repeated(repeat);
                    }
                    b"table-row" => doc.row_close(),
                    b"table" => doc.table_close(),
                    _ => {}
                },
                Ev::Text(t) => {
                    cell_text += t.trim().len();
                    doc.text(t);
                }
            }
            !doc.out.over
        })
        .map_err(|_| budget.take_stop())
    })?
    .ok_or(Stop(Unreadable::Corrupt))?;
    let out = doc.finish();
    v.text(place, &out.text);
    if out.over {
        return Err(Stop(Unreadable::TooLarge));
    }
    Ok(())
}
