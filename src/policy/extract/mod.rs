//! Attachment text extraction: PDF, Office Open XML (DOCX, XLSX, PPTX),
//! OpenDocument (ODT, ODS, ODP), RTF, ZIP (recursive) and gzip, with every
//! cost bounded.
//!
//! Flow: [`extract`] sniffs the format from the bytes (magic numbers and,
//! for ZIP containers, the entries present; the file name and MIME type only
//! break ties) and hands the bytes to one reader. Readers report through a
//! [`Visitor`]: running text, table rows (judged under their column headers
//! by `table`), nested messages (`.eml` inside a ZIP, parsed by `mime`), and
//! [`Unreadable`] for what could not be scanned. Nothing here writes
//! anywhere or logs content.
//!
//! Bounds (see [`ExtractLimits`]): input bytes per attachment, text bytes
//! produced, bytes inflated from compressed data over the whole message
//! (ZIP entries are streamed through a counting reader: declared sizes are
//! never trusted), compression ratio per entry, nesting depth, entries per
//! archive, PDF pages and a wall-clock deadline per message. Hitting one is
//! an [`Unreadable`] finding of its own, so the shipped policy protects the
//! message rather than letting an unscanned attachment out in the clear.

pub mod archive;
pub mod doc;
pub mod odf;
pub mod ooxml;
pub mod pdf;
pub mod rtf;
#[doc(hidden)]
pub mod testdocs;
pub mod uu;
pub mod xml;

use std::cell::Cell;
use std::io::Read;
use std::time::{Duration, Instant};

/// Extraction limits (defaults fit mail: a 30 MB attachment passes).
#[derive(Debug, Clone, Copy)]
pub struct ExtractLimits {
    /// Decoded bytes of one attachment (or archive entry) read at all.
    pub max_input_bytes: usize,
    /// Text bytes one attachment may produce.
    pub max_output_bytes: usize,
    /// Bytes inflated from compressed data, over the whole message.
    pub max_inflated_bytes: usize,
    /// Inflated/compressed ratio of one entry above which it is a bomb
    /// (checked once an entry passes 1 MiB).
    pub max_ratio: u64,
    /// Containers within containers (zip in zip, docx in zip...).
    pub max_depth: usize,
    /// Entries read from one archive.
    pub max_entries: usize,
    /// PDF pages read.
    pub max_pages: usize,
    /// Wall-clock time for all extraction of one message.
    pub time: Duration,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        ExtractLimits {
            max_input_bytes: 64 << 20,
            max_output_bytes: 16 << 20,
            max_inflated_bytes: 512 << 20,
            max_ratio: 200,
            max_depth: 4,
            max_entries: 10_000,
            max_pages: 5_000,
            time: Duration::from_secs(20),
        }
    }
}

/// Why (part of) an attachment could not be scanned. Wire names are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unreadable {
    /// Encrypted PDF, encrypted ZIP entry, password-protected Office file.
    Encrypted,
    /// Over the input or output size cap.
    TooLarge,
    /// Nested deeper than `max_depth`.
    TooDeep,
    /// Compression ratio or total inflated bytes over the cap.
    Bomb,
    /// The deadline passed.
    Timeout,
    /// A known format that does not parse.
    Corrupt,
    /// A binary format sealpost cannot read (legacy .doc/.xls, 7z, RAR...).
    Unsupported,
    /// An image or image-only PDF: text may be in pixels (no OCR).
    Image,
}

impl Unreadable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unreadable::Encrypted => "encrypted",
            Unreadable::TooLarge => "too-large",
            Unreadable::TooDeep => "too-deep",
            Unreadable::Bomb => "compression-bomb",
            Unreadable::Timeout => "timeout",
            Unreadable::Corrupt => "corrupt",
            Unreadable::Unsupported => "unsupported-format",
            Unreadable::Image => "image",
        }
    }
}

/// What a reader reports.
pub trait Visitor {
    /// Running text of the attachment (or of one entry of an archive).
    fn text(&mut self, place: &str, text: &str);
    /// A nested message (`.eml` in an archive): scanned as message/rfc822.
    fn message(&mut self, place: &str, raw: &[u8], depth: usize);
    /// Something could not be scanned.
    fn unreadable(&mut self, place: &str, why: Unreadable);
}

/// Shared state of all extraction for one message. Counters are cells so
/// that readers holding `&Budget` (inside a decompressor) can count.
pub struct Budget {
    pub limits: ExtractLimits,
    deadline: Instant,
    inflated: Cell<usize>,
    /// Why the last capped read failed (an io::Error carries no reason).
    stop: Cell<Option<Unreadable>>,
}

impl Budget {
    pub fn new(limits: ExtractLimits) -> Self {
        Budget {
            limits,
            deadline: Instant::now() + limits.time,
            inflated: Cell::new(0),
            stop: Cell::new(None),
        }
    }

    pub fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Count `n` more inflated bytes; false once the message total is over.
    pub fn inflate(&self, n: usize) -> bool {
        let t = self.inflated.get().saturating_add(n);
        self.inflated.set(t);
        t <= self.limits.max_inflated_bytes
    }

    pub fn inflated(&self) -> usize {
        self.inflated.get()
    }

    /// The reason a capped read stopped, or `Corrupt` for a plain error.
    pub fn take_stop(&self) -> Stop {
        Stop(self.stop.take().unwrap_or(Unreadable::Corrupt))
    }
}

/// A bounded reader failure: the reason is what the visitor gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop(pub Unreadable);

/// A reader over decompressed data that enforces the caps while it reads:
/// bytes of this entry, the message's inflated total, the ratio to the
/// compressed size, and the deadline. Declared sizes are never used.
pub struct Capped<'b, R> {
    inner: R,
    read: usize,
    cap: usize,
    compressed: Option<u64>,
    budget: &'b Budget,
}

impl<'b, R: Read> Capped<'b, R> {
    /// `compressed`: the compressed size, when `inner` inflates.
    pub fn new(inner: R, cap: usize, compressed: Option<u64>, budget: &'b Budget) -> Self {
        Capped {
            inner,
            read: 0,
            cap,
            compressed,
            budget,
        }
    }

    fn fail(&self, why: Unreadable) -> std::io::Error {
        self.budget.stop.set(Some(why));
        std::io::Error::other(why.as_str())
    }
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        if self.read > self.cap {
            return Err(self.fail(Unreadable::TooLarge));
        }
        if let Some(c) = self.compressed {
            if !self.budget.inflate(n) {
                return Err(self.fail(Unreadable::Bomb));
            }
            if self.read > 1 << 20
                && self.read as u64 > c.max(1).saturating_mul(self.budget.limits.max_ratio)
            {
                return Err(self.fail(Unreadable::Bomb));
            }
        }
        if self.budget.expired() {
            return Err(self.fail(Unreadable::Timeout));
        }
        Ok(n)
    }
}

/// Read all of `r` (at most `cap` bytes, see [`Capped`]) into memory.
pub fn read_capped(
    r: impl Read,
    cap: usize,
    compressed: Option<u64>,
    budget: &Budget,
) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::new();
    let mut c = Capped::new(r, cap, compressed, budget);
    match c.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(_) => Err(budget.take_stop()),
    }
}

/// A detected attachment format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Zip,
    Gzip,
    Rtf,
    /// OLE compound file holding `EncryptedPackage`: a password-protected
    /// DOCX/XLSX/PPTX.
    EncryptedOffice,
    /// Legacy binary Office (.doc, .xls, .ppt) and other OLE files.
    LegacyOffice,
    Image,
    /// Archives and containers we do not open (7z, RAR, ...).
    OtherArchive,
    /// Media and other binary types that cannot hold text we could read.
    Media,
    Unknown,
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Identify the format from the first bytes, the file name and the MIME
/// subtype (lower case).
pub fn sniff(bytes: &[u8], name: &str, subtype: &str) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return Format::Zip;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Format::Gzip;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if bytes.starts_with(OLE) {
        // "EncryptedPackage" as UTF-16LE in the directory.
        let pat: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        return if memchr::memmem::find(bytes, &pat).is_some() {
            Format::EncryptedOffice
        } else {
            Format::LegacyOffice
        };
    }
    let image = bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"BM") && bytes.get(6..10) == Some(&[0, 0, 0, 0]))
        || (bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
        || (bytes.len() > 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"avif"));
    if image {
        return Format::Image;
    }
    if bytes.starts_with(b"7z\xBC\xAF\x27\x1C")
        || bytes.starts_with(b"Rar!")
        || bytes.starts_with(b"BZh")
        || bytes.starts_with(&[0xFD, b'7', b'z', b'X', b'Z'])
        || bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD])
        || matches!(ext, "7z" | "rar" | "bz2" | "xz" | "zst" | "tar" | "cab")
    {
        return Format::OtherArchive;
    }
    let media = matches!(
        ext,
        "mp3"
            | "mp4"
            | "m4a"
            | "wav"
            | "ogg"
            | "mov"
            | "avi"
            | "webm"
            | "ttf"
            | "otf"
            | "woff"
            | "woff2"
            | "p7s"
            | "asc"
            | "sig"
            | "pgp"
            | "p7m"
    ) || matches!(subtype, "pkcs7-signature" | "pgp-signature" | "pgp-keys")
        || bytes.starts_with(b"ID3")
        || bytes.starts_with(b"OggS");
    if media {
        return Format::Media;
    }
    if matches!(ext, "doc" | "xls" | "ppt" | "msg") {
        return Format::LegacyOffice;
    }
    Format::Unknown
}

/// Extract one attachment (or archive entry) at nesting `depth`.
pub fn extract(
    bytes: &[u8],
    place: &str,
    subtype: &str,
    depth: usize,
    budget: &Budget,
    v: &mut dyn Visitor,
) {
    if depth > budget.limits.max_depth {
        v.unreadable(place, Unreadable::TooDeep);
        return;
    }
    if bytes.len() > budget.limits.max_input_bytes {
        v.unreadable(place, Unreadable::TooLarge);
        return;
    }
    if budget.expired() {
        v.unreadable(place, Unreadable::Timeout);
        return;
    }
    let name = place
        .rsplit('/')
        .next()
        .unwrap_or(place)
        .to_ascii_lowercase();
    let result = match sniff(bytes, &name, subtype) {
        Format::Pdf => pdf::extract(bytes, place, budget, v),
        Format::Zip => archive::extract(bytes, place, depth, budget, v),
        Format::Gzip => archive::gunzip(bytes, place, depth, budget, v),
        Format::Rtf => {
            let text = rtf::to_text(bytes, budget.limits.max_output_bytes);
            v.text(place, &text);
            Ok(())
        }
        Format::EncryptedOffice => Err(Stop(Unreadable::Encrypted)),
        Format::LegacyOffice => {
            // No reader for the old binary formats: scan the strings that
            // are in them (most text is stored plainly), and still report
            // the file as not fully readable.
            v.text(
                place,
                &binary_strings(bytes, budget.limits.max_output_bytes),
            );
            Err(Stop(Unreadable::Unsupported))
        }
        Format::Image => Err(Stop(Unreadable::Image)),
        // Text sent as `application/octet-stream` (`elig_fail.dat`, an
        // export with no telling name): read as text when it is text
        // throughout; anything else stays unreadable.
        Format::Unknown if looks_textual(bytes) && memchr::memchr(0, bytes).is_none() => {
            let cap = budget.limits.max_output_bytes;
            v.text(
                place,
                &String::from_utf8_lossy(&bytes[..bytes.len().min(cap)]),
            );
            // What is cut off was not read.
            if bytes.len() > cap {
                Err(Stop(Unreadable::TooLarge))
            } else {
                Ok(())
            }
        }
        Format::OtherArchive | Format::Unknown => Err(Stop(Unreadable::Unsupported)),
        Format::Media => Ok(()),
    };
    if let Err(Stop(why)) = result {
        v.unreadable(place, why);
    }
}

/// File-name extensions read as plain text.
const TEXT_EXT: &[&str] = &[
    "txt", "text", "xml", "json", "ics", "vcf", "md", "log", "hl7", "ccd", "ccda", "yaml", "yml",
    "ini", "cfg", "sql", "edi", "x12", "dat", "prn", "asc", "fhir",
];

/// Mostly printable UTF-8 without NULs in its first 8 KiB.
fn looks_textual(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return false;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte char cut at the 8 KiB mark is fine.
        Err(e) => e.error_len().is_none(),
    };
    valid
        && head
            .iter()
            .filter(|b| **b < 0x20 && !b"\r\n\t\x0c".contains(b))
            .count()
            * 100
            <= head.len()
}

/// An archive entry or any named blob: `.eml` is a message, CSV/TSV a
/// table, HTML and text-like names (or text-looking bytes) are text, the
/// rest goes by format ([`extract`]).
pub fn extract_named(
    bytes: &[u8],
    place: &str,
    depth: usize,
    budget: &Budget,
    v: &mut dyn Visitor,
) {
    if depth > budget.limits.max_depth {
        v.unreadable(place, Unreadable::TooDeep);
        return;
    }
    let name = place
        .rsplit('/')
        .next()
        .unwrap_or(place)
        .to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let cap = budget.limits.max_output_bytes;
    let format = sniff(bytes, &name, "");
    let lossy = || String::from_utf8_lossy(&bytes[..bytes.len().min(cap)]).into_owned();
    match ext {
        "eml" => v.message(place, bytes, depth),
        "csv" | "tsv" | "tab" => {
            v.text(place, &crate::policy::table::csv_to_labeled(&lossy(), cap))
        }
        "html" | "htm" | "xhtml" => v.text(place, &crate::policy::html::to_text(&lossy())),
        e if TEXT_EXT.contains(&e) && format == Format::Unknown => v.text(place, &lossy()),
        _ if format == Format::Unknown && looks_textual(bytes) => v.text(place, &lossy()),
        _ => extract(bytes, place, "", depth, budget, v),
    }
}

/// Printable runs of at least 4 characters, as 8-bit text and as UTF-16LE
/// (the `strings` tool): the text of a legacy Office file, mostly.
pub fn binary_strings(bytes: &[u8], cap: usize) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 4 && out.len() + run.len() < cap {
            out.push_str(run);
            out.push('\n');
        }
        run.clear();
    };
    for &b in bytes {
        if (0x20..0x7f).contains(&b) || b == b'\t' {
            run.push(char::from(b));
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    for pair in bytes.chunks_exact(2) {
        let (lo, hi) = (pair[0], pair[1]);
        if hi == 0 && ((0x20..0x7f).contains(&lo) || lo == b'\t') {
            run.push(char::from(lo));
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    // Odd offsets too (UTF-16 text need not start on an even byte).
    if let Some(rest) = bytes.get(1..) {
        for pair in rest.chunks_exact(2) {
            let (lo, hi) = (pair[0], pair[1]);
            if hi == 0 && ((0x20..0x7f).contains(&lo) || lo == b'\t') {
                run.push(char::from(lo));
            } else {
                flush(&mut run, &mut out);
            }
        }
        flush(&mut run, &mut out);
    }
    out
}

/// Collects text up to a cap; the first overflow is remembered.
pub struct TextOut {
    pub text: String,
    cap: usize,
    pub over: bool,
}

impl TextOut {
    pub fn new(cap: usize) -> Self {
        TextOut {
            text: String::new(),
            cap,
            over: false,
        }
    }

    pub fn push(&mut self, s: &str) {
        if self.text.len() + s.len() > self.cap {
            self.over = true;
            let cut = crate::policy::text::floor_boundary(s, self.cap - self.text.len());
            self.text.push_str(&s[..cut]);
        } else {
            self.text.push_str(s);
        }
    }

    pub fn push_char(&mut self, c: char) {
        if self.text.len() + c.len_utf8() > self.cap {
            self.over = true;
        } else {
            self.text.push(c);
        }
    }

    /// End the current line unless it is already ended.
    pub fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.push_char('\n');
        }
    }

    /// Separate from the previous word unless already separated.
    pub fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with([' ', '\n', '\t']) {
            self.push_char(' ');
        }
    }
}

#[cfg(test)]
mod tests;
