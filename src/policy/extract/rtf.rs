//! RTF to text (RTF 1.9.1 specification): groups, control words, `\'hh`
//! (Windows-1252), `\uN` with its `\ucN` fallback skip, paragraph, line,
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

/// Windows-1252 for 0x80..=0x9F; Latin-1 elsewhere.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    uc: usize,
}

/// Convert RTF bytes to text (at most `cap` bytes).
pub fn to_text(rtf: &[u8], cap: usize) -> String {
    let mut out = String::new();
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group { skip: false, uc: 1 };
    // Characters still to drop after a \uN (its ANSI fallback).
    let mut pending_skip = 0usize;
    // The next control word of a new group names its destination.
    let mut group_start = false;
    let mut i = 0;
    let push = |out: &mut String, g: &Group, c: char| {
        if !g.skip && out.len() < cap {
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
                    }
                    group_start = false;
                    match word {
                        "par" | "line" | "row" | "sect" | "page" => push(&mut out, &g, '\n'),
                        "tab" | "cell" => push(&mut out, &g, '\t'),
                        "uc" => g.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
                        "u" => {
                            let n = param.unwrap_or(0);
                            let n = if n < 0 { n + 65_536 } else { n };
                            let c = u32::try_from(n)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}');
                            push(&mut out, &g, c);
                            pending_skip = g.uc;
                        }
                        "emdash" | "endash" => push(&mut out, &g, '-'),
                        "lquote" | "rquote" => push(&mut out, &g, '\''),
                        "ldblquote" | "rdblquote" => push(&mut out, &g, '"'),
                        "bullet" => push(&mut out, &g, '*'),
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
                        } else if let Some(v) = v {
                            push(&mut out, &g, cp1252(v));
                        }
                    }
                    b'~' => {
                        push(&mut out, &g, ' ');
                        i += 2;
                    }
                    b'_' => {
                        push(&mut out, &g, '-');
                        i += 2;
                    }
                    b'\\' | b'{' | b'}' => {
                        push(&mut out, &g, char::from(next));
                        i += 2;
                    }
                    b'\n' | b'\r' => {
                        push(&mut out, &g, '\n');
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
                } else {
                    push(&mut out, &g, cp1252(b));
                }
                i += 1;
            }
        }
        group_start = false;
    }
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
}
