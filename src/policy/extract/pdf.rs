//! PDF text: lopdf parses the file (xref, object streams, filters, the
//! standard security handler with the empty user password, font encodings:
//! standard, WinAnsi/MacRoman, `Differences`, `ToUnicode` CMaps); this
//! module walks each page's content stream (and the form XObjects it
//! draws, nested at most 4 deep) and lays the shown strings out as lines.
//!
//! Layout: a text-positioning move (`Td`, `TD`, `Tm`, `T*`) to another
//! baseline starts a line; a move to the right leaves a space, or two when
//! the gap is wider than a character or so (table columns; `table` reads
//! two spaces as a cell break); a `TJ` kerning step past 0.2 em is a space.
//!
//! Bounds: before lopdf sees the file, every zlib stream in it is inflated
//! into a counter (no buffer) against the message's inflated-bytes budget,
//! so neither object streams nor page content can be a decompression bomb;
//! lopdf's own per-stream cap applies too. Pages, text and time are capped.
//! A PDF that needs a password is `encrypted`; one whose pages have no text
//! at all (a scan) is `image`.

use super::{Budget, Stop, TextOut, Unreadable, Visitor};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};
use std::collections::BTreeMap;
use std::io::Read;

/// lopdf's cap on one decompressed stream.
const STREAM_CAP: usize = 32 << 20;

/// Form XObjects nested within one another.
const MAX_FORM_DEPTH: usize = 4;

/// Inflate every zlib stream of the file into a counter.
fn prescan(bytes: &[u8], budget: &Budget) -> Result<(), Stop> {
    let mut buf = vec![0u8; 64 * 1024];
    for pos in memchr::memmem::find_iter(bytes, b"stream") {
        if pos >= 3 && &bytes[pos - 3..pos] == b"end" {
            continue;
        }
        let mut start = pos + 6;
        match bytes.get(start) {
            Some(b'\r') if bytes.get(start + 1) == Some(&b'\n') => start += 2,
            Some(b'\n' | b'\r') => start += 1,
            _ => continue,
        }
        let Some(data) = bytes.get(start..) else {
            continue;
        };
        let zlib = data.len() >= 2
            && data[0] & 0x0f == 8
            && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
        if !zlib {
            continue;
        }
        let mut d = flate2::read::ZlibDecoder::new(data);
        loop {
            match d.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if !budget.inflate(n) {
                        return Err(Stop(Unreadable::Bomb));
                    }
                }
            }
            if budget.expired() {
                return Err(Stop(Unreadable::Timeout));
            }
        }
    }
    Ok(())
}

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// Text state of the content walk.
struct Layout {
    out: TextOut,
    line_x: f32,
    line_y: f32,
    /// Estimated x where the last shown text ended.
    end_x: f32,
    last_y: f32,
    size: f32,
    scale: f32,
    leading: f32,
    shown: bool,
}

impl Layout {
    fn new(cap: usize) -> Self {
        Layout {
            out: TextOut::new(cap),
            line_x: 0.0,
            line_y: 0.0,
            end_x: 0.0,
            last_y: 0.0,
            size: 10.0,
            scale: 1.0,
            leading: 0.0,
            shown: false,
        }
    }

    fn em(&self) -> f32 {
        (self.size * self.scale).abs().max(1.0)
    }

    /// The next text starts at (x, y).
    fn moved(&mut self, x: f32, y: f32) {
        self.line_x = x;
        self.line_y = y;
        if !self.shown {
            self.end_x = x;
            self.last_y = y;
            return;
        }
        let em = self.em();
        if (y - self.last_y).abs() > em * 0.5 {
            self.out.newline();
        } else {
            let gap = x - self.end_x;
            if gap > em * 1.5 {
                self.out.push("  ");
            } else if gap > em * 0.15 {
                self.out.space();
            }
        }
        self.end_x = x;
        self.last_y = y;
    }

    fn show(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.out.push(s);
        self.end_x += s.chars().count() as f32 * self.em() * 0.5;
        self.shown = true;
    }
}

type Fonts<'a> = BTreeMap<Vec<u8>, Encoding<'a>>;

fn fonts_of<'a>(doc: &'a Document, resources: Option<&'a Dictionary>) -> Fonts<'a> {
    let mut fonts = BTreeMap::new();
    let Some(dict) = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok())
    else {
        return fonts;
    };
    for (name, f) in dict.iter() {
        if let Ok((_, Object::Dictionary(fd))) = doc.dereference(f)
            && let Ok(enc) = fd.get_font_encoding_with_limit(doc, STREAM_CAP)
        {
            fonts.insert(name.clone(), enc);
        }
    }
    fonts
}

fn show_operand(o: &Object, enc: Option<&Encoding<'_>>, lay: &mut Layout) {
    match o {
        Object::String(bytes, _) => {
            let s = match enc {
                Some(e) => Document::decode_text(e, bytes).unwrap_or_default(),
                None => String::from_utf8_lossy(bytes).into_owned(),
            };
            lay.show(&s);
        }
        Object::Array(items) => {
            for it in items {
                match it {
                    Object::String(..) => show_operand(it, enc, lay),
                    other => {
                        let k = num(other);
                        if k < -200.0 {
                            lay.out.space();
                        }
                        lay.end_x -= k / 1000.0 * lay.em();
                    }
                }
            }
        }
        _ => {}
    }
}

struct Walk<'d> {
    doc: &'d Document,
    budget: &'d Budget,
    lay: Layout,
}

impl<'d> Walk<'d> {
    fn content(
        &mut self,
        data: &[u8],
        resources: Option<&'d Dictionary>,
        fonts: &Fonts<'d>,
        depth: usize,
    ) -> Result<(), Stop> {
        let content = Content::decode(data).map_err(|_| Stop(Unreadable::Corrupt))?;
        let mut enc: Option<&Encoding<'_>> = None;
        for (k, op) in content.operations.iter().enumerate() {
            if k % 4096 == 0 && self.budget.expired() {
                return Err(Stop(Unreadable::Timeout));
            }
            let o = &op.operands;
            let lay = &mut self.lay;
            match op.operator.as_str() {
                "Tf" => {
                    enc = o
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .and_then(|n| fonts.get(n));
                    lay.size = o.get(1).map_or(lay.size, num);
                }
                "BT" => {
                    lay.scale = 1.0;
                    lay.moved(0.0, 0.0);
                }
                "Td" | "TD" => {
                    let (tx, ty) = (o.first().map_or(0.0, num), o.get(1).map_or(0.0, num));
                    if op.operator == "TD" {
                        lay.leading = -ty;
                    }
                    let s = lay.scale;
                    lay.moved(lay.line_x + tx * s, lay.line_y + ty * s);
                }
                "TL" => lay.leading = o.first().map_or(0.0, num),
                "Tm" if o.len() == 6 => {
                    let d = num(&o[3]);
                    lay.scale = if d == 0.0 {
                        num(&o[0]).abs().max(0.01)
                    } else {
                        d.abs()
                    };
                    lay.moved(num(&o[4]), num(&o[5]));
                }
                "T*" => {
                    let lead = lay.leading.max(lay.size) * lay.scale;
                    lay.moved(lay.line_x, lay.line_y - lead);
                }
                "Tj" | "TJ" => {
                    if let Some(x) = o.first() {
                        show_operand(x, enc, lay);
                    }
                }
                "'" | "\"" => {
                    let lead = lay.leading.max(lay.size) * lay.scale;
                    lay.moved(lay.line_x, lay.line_y - lead);
                    if let Some(x) = o.last() {
                        show_operand(x, enc, lay);
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(name) = o.first().and_then(|n| n.as_name().ok()) {
                        self.form(name, resources, depth)?;
                    }
                }
                _ => {}
            }
            if self.lay.out.over {
                break;
            }
        }
        Ok(())
    }

    /// A form XObject drawn with `Do`: its content with its own fonts.
    fn form(
        &mut self,
        name: &[u8],
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        let Some(stream) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| doc.dereference(x).ok())
            .and_then(|(_, x)| x.as_dict().ok())
            .and_then(|x| x.get(name).ok())
            .and_then(|s| doc.dereference(s).ok())
            .and_then(|(_, s)| s.as_stream().ok())
        else {
            return Ok(());
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Form");
        if !is_form {
            return Ok(());
        }
        let Ok(data) = stream.get_plain_content_with_limit(STREAM_CAP) else {
            return Ok(());
        };
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok());
        let res = own.or(resources);
        let fonts = fonts_of(doc, res);
        self.content(&data, res, &fonts, depth + 1)
    }

    fn page(&mut self, id: ObjectId) -> Result<(), Stop> {
        let doc = self.doc;
        let resources = doc.get_page_resources(id).ok().and_then(|(r, inherited)| {
            r.or_else(|| inherited.first().and_then(|i| doc.get_dictionary(*i).ok()))
        });
        let mut fonts = fonts_of(doc, resources);
        if fonts.is_empty()
            && let Ok(pf) = doc.get_page_fonts(id)
        {
            for (n, f) in pf {
                if let Ok(e) = f.get_font_encoding_with_limit(doc, STREAM_CAP) {
                    fonts.insert(n, e);
                }
            }
        }
        let data = doc
            .get_page_content_with_limit(id, STREAM_CAP)
            .map_err(|_| Stop(Unreadable::Bomb))?;
        self.content(&data, resources, &fonts, 0)?;
        self.lay.out.newline();
        Ok(())
    }
}

/// Form fields read, their nesting (`/Kids`) and one value's bytes, at
/// most.
const MAX_FIELDS: usize = 2000;
const MAX_FIELD_DEPTH: usize = 8;
const MAX_FIELD_BYTES: usize = 1024;

/// The filled fields of an AcroForm, one `name: value` line each.
fn form_fields(doc: &Document, budget: &Budget, out: &mut TextOut) {
    let Some(fields) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_array().ok())
    else {
        return;
    };
    let mut walk = Fields {
        doc,
        budget,
        seen: std::collections::HashSet::new(),
        count: 0,
        first: true,
    };
    for f in fields {
        walk.field(f, 0, out);
        if walk.count >= MAX_FIELDS || out.over || budget.expired() {
            break;
        }
    }
}

/// The walk over a form's field tree: each object read once, the count
/// and the deadline checked at every field.
struct Fields<'a> {
    doc: &'a Document,
    budget: &'a Budget,
    seen: std::collections::HashSet<ObjectId>,
    count: usize,
    first: bool,
}

impl Fields<'_> {
    fn field(&mut self, obj: &Object, depth: usize, out: &mut TextOut) {
        self.count += 1;
        if depth > MAX_FIELD_DEPTH || self.count > MAX_FIELDS || out.over || self.budget.expired() {
            return;
        }
        let doc = self.doc;
        let Ok((id, o)) = doc.dereference(obj) else {
            return;
        };
        if let Some(id) = id
            && !self.seen.insert(id)
        {
            return;
        }
        let Ok(d) = o.as_dict() else {
            return;
        };
        self.entry(d, out);
        if let Ok(kids) = d
            .get(b"Kids")
            .and_then(|o| doc.dereference(o).map(|(_, o)| o))
            .and_then(Object::as_array)
        {
            for k in kids {
                self.field(k, depth + 1, out);
                if out.over || self.count > MAX_FIELDS {
                    break;
                }
            }
        }
    }

    /// One field's `name: value` line, when it holds a value.
    fn entry(&mut self, d: &Dictionary, out: &mut TextOut) {
        let doc = self.doc;
        let value = d
            .get(b"V")
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .map(|(_, o)| field_text(o))
            .unwrap_or_default();
        // A checkbox's `/Off` says nothing.
        if value.trim().is_empty() || value == "Off" {
            return;
        }
        let name = d.get(b"T").ok().map(field_text).unwrap_or_default();
        if self.first {
            out.newline();
            self.first = false;
        }
        out.push(name.trim());
        out.push(": ");
        out.push(value.trim());
        out.newline();
    }
}

/// A PDF text string (UTF-16BE with its mark, UTF-8 with its mark, or
/// PDFDocEncoding, read as Latin-1) or a name (`/Yes`).
fn field_text(o: &Object) -> String {
    match o {
        Object::String(b, _) => {
            // A field's answer is short; a huge string is cut, not copied.
            let b = &b[..b.len().min(MAX_FIELD_BYTES)];
            if let Some(u) = b.strip_prefix(&[0xFE, 0xFF]) {
                let units: Vec<u16> = u
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            } else if let Some(u) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                String::from_utf8_lossy(u).into_owned()
            } else {
                b.iter().map(|&c| char::from(c)).collect()
            }
        }
        Object::Name(n) => String::from_utf8_lossy(&n[..n.len().min(MAX_FIELD_BYTES)]).into_owned(),
        _ => String::new(),
    }
    .replace(['\r', '\n'], " ")
}

/// Extract the text of a PDF.
pub fn extract(
    bytes: &[u8],
    place: &str,
    budget: &Budget,
    v: &mut dyn Visitor,
) -> Result<(), Stop> {
    prescan(bytes, budget)?;
    let opts = LoadOptions {
        max_decompressed_size: Some(STREAM_CAP),
        ..LoadOptions::default()
    };
    let encrypted_marker = memchr::memmem::find(bytes, b"/Encrypt").is_some();
    let doc = match Document::load_mem_with_options(bytes, opts) {
        Ok(d) => d,
        Err(_) if encrypted_marker => return Err(Stop(Unreadable::Encrypted)),
        Err(_) => return Err(Stop(Unreadable::Corrupt)),
    };
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(Stop(Unreadable::Encrypted));
    }
    let pages = doc.get_pages();
    if pages.len() > budget.limits.max_pages {
        return Err(Stop(Unreadable::TooLarge));
    }
    let mut w = Walk {
        doc: &doc,
        budget,
        lay: Layout::new(budget.limits.max_output_bytes),
    };
    let mut failed = None;
    for id in pages.values() {
        if let Err(e) = w.page(*id) {
            failed = Some(e);
            if matches!(e.0, Unreadable::Timeout | Unreadable::Bomb) {
                break;
            }
        }
        if w.lay.out.over {
            break;
        }
    }
    let mut out = w.lay.out;
    // A scan is told by its pages: a field's answer is no text layer.
    let has_text = out.text.chars().any(char::is_alphanumeric);
    // A filled form keeps its answers in the fields, not on the pages
    // (`Student name:` drawn, `Sofia Reyes` only in the field's `/V`).
    form_fields(&doc, budget, &mut out);
    v.text(place, &out.text);
    if let Some(e) = failed {
        return Err(e);
    }
    if out.over {
        return Err(Stop(Unreadable::TooLarge));
    }
    if !has_text && !pages.is_empty() {
        return Err(Stop(Unreadable::Image));
    }
    Ok(())
}
