//! RTF to text (RTF 1.9.1 specification): groups, control words, `\'hh`
//! bytes in the code page in force (the document's `\ansicpgN`, or the
//! current font's `\fcharsetN`/`\cpgN` from the font table; Windows-1252
//! when none is given), `\uN` with its `\ucN` fallback skip, paragraph, line,
//! tab and table-cell breaks (cells become tabs, rows lines, so a table
//! with a PHI header row is found by `table`). Destinations that hold no
//! document text (font and colour tables, style sheets, pictures, embedded
//! objects, `\*` extensions) are skipped. One linear pass, output capped.

/// Destinations whose content is not document text.
const SKIP: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "pict",
    "object",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "mmathPr",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "bkmkstart",
    "bkmkend",
    "fldinst",
];

use encoding_rs::Encoding;

/// The encoding of a Windows code page number (`\ansicpg1251`, `\cpg936`).
fn code_page(n: i64) -> Option<&'static Encoding> {
    use encoding_rs as e;
    Some(match n {
        874 => e::WINDOWS_874,
        932 => e::SHIFT_JIS,
        936 => e::GBK,
        949 => e::EUC_KR,
        950 => e::BIG5,
        1250 => e::WINDOWS_1250,
        1251 => e::WINDOWS_1251,
        1252 => e::WINDOWS_1252,
        1253 => e::WINDOWS_1253,
        1254 => e::WINDOWS_1254,
        1255 => e::WINDOWS_1255,
        1256 => e::WINDOWS_1256,
        1257 => e::WINDOWS_1257,
        1258 => e::WINDOWS_1258,
        10000 => e::MACINTOSH,
        20866 => e::KOI8_R,
        21866 => e::KOI8_U,
        28592 => e::ISO_8859_2,
        28595 => e::ISO_8859_5,
        65001 => e::UTF_8,
        _ => return None,
    })
}

/// The code page of a font's `\fcharsetN` (RTF specification's table).
fn charset_code_page(n: i64) -> Option<i64> {
    Some(match n {
        0 => 1252,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    })
}

#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    uc: usize,
    /// The font table: `\fN` there defines a font rather than selecting one.
    fonttbl: bool,
    /// Code page of the current font, if it names one.
    cp: Option<&'static Encoding>,
}

/// Bytes from `\'hh` (and raw 8-bit bytes) wait here so that a character
/// of a double-byte code page (`\'b2\'a1`) decodes whole.
struct Bytes {
    buf: Vec<u8>,
    enc: &'static Encoding,
    /// The last byte was a lead byte of a double-byte code page.
    lead: bool,
}

fn double_byte(e: &'static Encoding) -> bool {
    e == encoding_rs::SHIFT_JIS
        || e == encoding_rs::GBK
        || e == encoding_rs::BIG5
        || e == encoding_rs::EUC_KR
}

/// Shift_JIS half-width katakana are single bytes.
fn kana(e: &'static Encoding, b: u8) -> bool {
    e == encoding_rs::SHIFT_JIS && (0xa1..=0xdf).contains(&b)
}

impl Bytes {
    fn flush(&mut self, out: &mut String, cap: usize) {
        if self.buf.is_empty() {
            return;
        }
        let (text, _) = self.enc.decode_without_bom_handling(&self.buf);
        for c in text.chars() {
            if out.len() >= cap {
                break;
            }
            out.push(c);
        }
        self.buf.clear();
        self.lead = false;
    }

    fn push(&mut self, b: u8, enc: &'static Encoding, out: &mut String, cap: usize) {
        if (enc != self.enc || self.buf.len() >= 4096) && !self.wants_trail() {
            self.flush(out, cap);
            self.enc = enc;
        }
        self.buf.push(b);
        self.lead = !self.lead && double_byte(self.enc) && b >= 0x81 && !kana(self.enc, b);
    }

    /// A double-byte code page's lead byte waits for its trail, which may
    /// be ASCII (`\'83\'5e` is Shift_JIS タ; `\'aaL` Big5 林).
    fn wants_trail(&self) -> bool {
        self.lead
    }
}

/// The code page of a byte: the current font's, else the default font's,
/// else the document's.
fn byte_cp(
    g: &Group,
    fonts: &[(i64, &'static Encoding)],
    deff: Option<i64>,
    doc: &'static Encoding,
) -> &'static Encoding {
    g.cp.or_else(|| {
        let f = deff?;
        fonts.iter().find(|(n, _)| *n == f).map(|(_, e)| *e)
    })
    .unwrap_or(doc)
}

/// Convert RTF bytes to text (at most `cap` bytes).
pub fn to_text(rtf: &[u8], cap: usize) -> String {
    let mut out = String::new();
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group {
        skip: false,
        uc: 1,
        fonttbl: false,
        cp: None,
    };
    let mut doc_cp: &'static Encoding = encoding_rs::WINDOWS_1252;
    // Font number -> code page, from the font table (bounded).
    let mut fonts: Vec<(i64, &'static Encoding)> = Vec::new();
    let mut font_def: Option<i64> = None;
    let mut deff: Option<i64> = None;
    let mut bytes = Bytes {
        buf: Vec::new(),
        enc: doc_cp,
        lead: false,
    };
    // Characters still to drop after a \uN (its ANSI fallback).
    let mut pending_skip = 0usize;
    // The next control word of a new group names its destination.
    let mut group_start = false;
    let mut i = 0;
    let push = |out: &mut String, bytes: &mut Bytes, g: &Group, c: char| {
        if !g.skip && out.len() < cap {
            bytes.flush(out, cap);
            out.push(c);
        }
    };
    while i < rtf.len() {
        let b = rtf[i];
        match b {
            b'{' => {
                if stack.len() < 256 {
                    stack.push(g);
                }
                group_start = true;
                pending_skip = 0;
                i += 1;
                continue;
            }
            b'}' => {
                g = stack.pop().unwrap_or(g);
                pending_skip = 0;
                i += 1;
            }
            b'\\' => {
                let next = rtf.get(i + 1).copied().unwrap_or(0);
                if next.is_ascii_alphabetic() {
                    let ws = i + 1;
                    let mut j = ws;
                    while j < rtf.len() && j - ws < 32 && rtf[j].is_ascii_alphabetic() {
                        j += 1;
                    }
                    let word = std::str::from_utf8(&rtf[ws..j]).unwrap_or("");
                    let ns = j;
                    if rtf.get(j) == Some(&b'-') {
                        j += 1;
                    }
                    while j < rtf.len() && j - ns < 12 && rtf[j].is_ascii_digit() {
                        j += 1;
                    }
                    let param: Option<i64> = std::str::from_utf8(&rtf[ns..j])
                        .ok()
                        .and_then(|s| s.parse().ok());
                    if rtf.get(j) == Some(&b' ') {
                        j += 1;
                    }
                    i = j;
                    if group_start && SKIP.contains(&word) {
                        g.skip = true;
                        g.fonttbl = word == "fonttbl";
                    }
                    group_start = false;
                    match word {
                        "ansicpg" => {
                            if let Some(e) = param.and_then(code_page) {
                                doc_cp = e;
                            }
                        }
                        "f" if g.fonttbl => font_def = param,
                        "deff" => deff = param,
                        "fcharset" | "cpg" if g.fonttbl => {
                            let cp = if word == "cpg" {
                                param
                            } else {
                                param.and_then(charset_code_page)
                            };
                            if let (Some(f), Some(e)) = (font_def, cp.and_then(code_page)) {
                                // \cpg is more precise than \fcharset.
                                fonts.retain(|(n, _)| *n != f);
                                if fonts.len() < 64 {
                                    fonts.push((f, e));
                                }
                            }
                        }
                        "f" => {
                            // A font without a charset of its own uses the document's.
                            g.cp = Some(
                                param
                                    .and_then(|f| fonts.iter().find(|(n, _)| *n == f))
                                    .map_or(doc_cp, |(_, e)| *e),
                            );
                        }
                        "par" | "line" | "row" | "sect" | "page" => {
                            push(&mut out, &mut bytes, &g, '\n')
                        }
                        "tab" | "cell" => push(&mut out, &mut bytes, &g, '\t'),
                        "uc" => g.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
                        "u" => {
                            let n = param.unwrap_or(0);
                            let n = if n < 0 { n + 65_536 } else { n };
                            let c = u32::try_from(n)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}');
                            push(&mut out, &mut bytes, &g, c);
                            pending_skip = g.uc;
                        }
                        "emdash" | "endash" => push(&mut out, &mut bytes, &g, '-'),
                        "lquote" | "rquote" => push(&mut out, &mut bytes, &g, '\''),
                        "ldblquote" | "rdblquote" => push(&mut out, &mut bytes, &g, '"'),
                        "bullet" => push(&mut out, &mut bytes, &g, '*'),
                        "bin" => {
                            let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                            i = i.saturating_add(n);
                        }
                        _ => {}
                    }
                    continue;
                }
                group_start = false;
                match next {
                    b'*' => {
                        // Ignorable destination: skip unless we know it.
                        g.skip = true;
                        i += 2;
                    }
                    b'\'' => {
                        let hex = rtf
                            .get(i + 2..i + 4)
                            .and_then(|h| std::str::from_utf8(h).ok());
                        let v = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                        i += 4;
                        if pending_skip > 0 {
                            pending_skip -= 1;
                        } else if let Some(v) = v
                            && !g.skip
                        {
                            if v < 0x80 && !bytes.wants_trail() {
                                push(&mut out, &mut bytes, &g, char::from(v));
                            } else {
                                bytes.push(v, byte_cp(&g, &fonts, deff, doc_cp), &mut out, cap);
                            }
                        }
                    }
                    b'~' => {
                        push(&mut out, &mut bytes, &g, ' ');
                        i += 2;
                    }
                    b'_' => {
                        push(&mut out, &mut bytes, &g, '-');
                        i += 2;
                    }
                    b'\\' | b'{' | b'}' => {
                        push(&mut out, &mut bytes, &g, char::from(next));
                        i += 2;
                    }
                    b'\n' | b'\r' => {
                        push(&mut out, &mut bytes, &g, '\n');
                        i += 2;
                    }
                    _ => i += 2,
                }
                continue;
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if pending_skip > 0 {
                    pending_skip -= 1;
                } else if (b >= 0x80 || bytes.wants_trail()) && !g.skip {
                    bytes.push(b, byte_cp(&g, &fonts, deff, doc_cp), &mut out, cap);
                } else {
                    push(&mut out, &mut bytes, &g, char::from(b));
                }
                i += 1;
            }
        }
        group_start = false;
    }
    bytes.flush(&mut out, cap);
    out
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn text_tables_escapes_and_skipped_destinations() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Times;}}{\colortbl;\red0;}{\*\generator Word;}
\pard Patient: Jos\'e9 Mart\u237?nez\par
DOB: 09/15/1982\par
\trowd Name\cell MRN\cell\row Ana\cell 4410023\cell\row}";
        let t = to_text(rtf, 1 << 20);
        assert!(t.contains("Patient: José Martínez\n"), "{t:?}");
        assert!(t.contains("DOB: 09/15/1982"), "{t:?}");
        assert!(t.contains("Name\tMRN\t\nAna\t4410023"), "{t:?}");
        assert!(!t.contains("Times") && !t.contains("Word"), "{t:?}");
    }

    #[test]
    fn code_pages_of_the_document_and_of_fonts() {
        // \ansicpg1251: Cyrillic bytes.
        let t = to_text(
            br"{\rtf1\ansi\ansicpg1251 \'cf\'e0\'f6\'e8\'e5\'ed\'f2\par}",
            1 << 20,
        );
        assert!(t.contains("Пациент"), "{t:?}");
        // A Greek font in a Windows-1252 document; the default font decides
        // bytes outside any \f.
        let rtf =
            br"{\rtf1\ansi\ansicpg1252\deff1{\fonttbl{\f0 Arial;}{\f1\fcharset161 Arial Greek;}}
\'c1\'ed\'ed\'e1 {\f0 Jos\'e9}\par}";
        let t = to_text(rtf, 1 << 20);
        assert!(t.contains("Αννα José"), "{t:?}");
        // A double-byte code page keeps its pairs together.
        let t = to_text(br"{\rtf1\ansi\ansicpg936 \'d5\'c5\'c8\'fd\par}", 1 << 20);
        assert!(t.contains("张三"), "{t:?}");
        // An ASCII trail byte (Shift_JIS katakana, a kanji).
        let t = to_text(
            br"{\rtf1\ansi\ansicpg932 \'83\'5e\'83\'69\'83\'4a \'89\'d4\'8e\'71}",
            1 << 20,
        );
        assert!(t.contains("タナカ 花子"), "{t:?}");
    }
}
