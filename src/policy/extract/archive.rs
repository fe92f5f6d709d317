//! ZIP archives (and gzip): containers are told apart by their entries
//! (DOCX, XLSX, PPTX, OpenDocument, or a plain archive whose entries are
//! extracted one by one, recursively, each as an attachment of its own).
//!
//! Every entry is read through [`Capped`](super::Capped): its size, the
//! message's inflated total and the ratio to its compressed size are
//! checked while bytes come out of the decompressor. An encrypted entry is
//! reported as `encrypted`; the others are still scanned.

use super::{Budget, Stop, Unreadable, Visitor, odf, ooxml, read_capped};
use std::io::{Cursor, Read};
use zip::ZipArchive;

pub type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Open an archive over `bytes`.
pub fn open(bytes: &[u8]) -> Result<Zip<'_>, Stop> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|_| Stop(Unreadable::Corrupt))
}

/// Read entry `name` fully (capped); `Ok(None)` when absent.
pub fn read_entry(
    z: &mut Zip<'_>,
    name: &str,
    cap: usize,
    budget: &Budget,
) -> Result<Option<Vec<u8>>, Stop> {
    let Some(i) = z.index_for_name(name) else {
        return Ok(None);
    };
    read_index(z, i, cap, budget).map(Some)
}

/// Read entry `i` fully (capped).
pub fn read_index(z: &mut Zip<'_>, i: usize, cap: usize, budget: &Budget) -> Result<Vec<u8>, Stop> {
    if z.by_index_raw(i).map(|f| f.encrypted()).unwrap_or(false) {
        return Err(Stop(Unreadable::Encrypted));
    }
    let f = z.by_index(i).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(_) => Stop(Unreadable::Unsupported),
        _ => Stop(Unreadable::Corrupt),
    })?;
    let compressed = f.compressed_size();
    read_capped(f, cap, Some(compressed), budget)
}

/// Names of the entries, in archive order (at most `max`).
pub fn names(z: &Zip<'_>, max: usize) -> Vec<String> {
    z.file_names()
        .take(max)
        .flatten()
        .map(|n| n.into_owned())
        .collect()
}

/// What a ZIP container holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Docx,
    Xlsx,
    Pptx,
    Odf,
    Plain,
}

fn kind(z: &Zip<'_>) -> Kind {
    let has = |n: &str| z.index_for_name(n).is_some();
    if has("word/document.xml") {
        Kind::Docx
    } else if has("xl/workbook.xml") {
        Kind::Xlsx
    } else if has("ppt/presentation.xml") {
        Kind::Pptx
    } else if has("content.xml") && has("mimetype") {
        Kind::Odf
    } else {
        Kind::Plain
    }
}

/// A ZIP-based attachment: an Office document or an archive.
pub fn extract(
    bytes: &[u8],
    place: &str,
    depth: usize,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut z = open(bytes)?;
    if z.len() > budget.limits.max_entries {
        return Err(Stop(Unreadable::TooLarge));
    }
    match kind(&z) {
        Kind::Docx => ooxml::docx(&mut z, place, budget, v),
        Kind::Xlsx => ooxml::xlsx(&mut z, place, budget, v),
        Kind::Pptx => ooxml::pptx(&mut z, place, budget, v),
        Kind::Odf => odf::extract(&mut z, place, budget, v),
        Kind::Plain => entries(&mut z, place, depth, budget, v),
    }
}

fn entries(
    z: &mut Zip<'_>,
    place: &str,
    depth: usize,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    for i in 0..z.len() {
        if budget.expired() {
            return Err(Stop(Unreadable::Timeout));
        }
        let (name, dir) = match z.by_index_raw(i) {
            Ok(f) => (
                f.name().map(|n| n.into_owned()).unwrap_or_default(),
                f.is_dir(),
            ),
            Err(_) => return Err(Stop(Unreadable::Corrupt)),
        };
        if dir || name.starts_with("__MACOSX/") || name.ends_with(".DS_Store") {
            continue;
        }
        let inner = format!("{place}/{name}");
        match read_index(z, i, budget.limits.max_input_bytes, budget) {
            Ok(data) => super::extract_named(&data, &inner, depth + 1, budget, v),
            // An encrypted or oversized entry: report it, scan the rest.
            Err(Stop(
                why @ (Unreadable::Encrypted | Unreadable::TooLarge | Unreadable::Unsupported),
            )) => v.unreadable(&inner, why),
            // A bomb, the deadline or a broken stream: nothing after it
            // can be trusted to be read in time.
            Err(Stop(why)) => {
                v.unreadable(&inner, why);
                return Ok(());
            }
        }
    }
    Ok(())
}

/// A gzip file: inflate (capped) and extract what is inside.
pub fn gunzip(
    bytes: &[u8],
    place: &str,
    depth: usize,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    let d = flate2::read::MultiGzDecoder::new(bytes);
    let data = read_capped(
        d,
        budget.limits.max_input_bytes,
        Some(bytes.len() as u64),
        budget,
    )?;
    let inner = place
        .strip_suffix(".gz")
        .or_else(|| place.strip_suffix(".tgz"))
        .unwrap_or(place);
    let inner = if inner == place {
        format!("{place}/data")
    } else {
        inner.to_string()
    };
    // A .tar inside is not opened: its members are scanned as one text.
    super::extract_named(&data, &inner, depth + 1, budget, v);
    Ok(())
}

/// Read a whole entry as (lossy) UTF-8 text.
pub fn entry_text(z: &mut Zip<'_>, name: &str, budget: &Budget) -> Result<Option<String>, Stop> {
    Ok(read_entry(z, name, budget.limits.max_input_bytes, budget)?
        .map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// A streaming reader over entry `name`, capped.
pub fn with_entry<T>(
    z: &mut Zip<'_>,
    name: &str,
    budget: &Budget,
    f: impl FnOnce(&mut dyn Read) -> Result<T, Stop>,
) -> Result<Option<T>, Stop> {
    let Some(i) = z.index_for_name(name) else {
        return Ok(None);
    };
    if z.by_index_raw(i).map(|f| f.encrypted()).unwrap_or(false) {
        return Err(Stop(Unreadable::Encrypted));
    }
    let file = z.by_index(i).map_err(|_| Stop(Unreadable::Corrupt))?;
    let compressed = file.compressed_size();
    let mut capped = super::Capped::new(
        file,
        budget.limits.max_input_bytes,
        Some(compressed),
        budget,
    );
    f(&mut capped).map(Some)
}
