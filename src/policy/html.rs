//! HTML to plain text for scanning.
//!
//! Linear single pass: tags are dropped; block-level and cell tags (`p`,
//! `br`, `div`, `tr`, `td`, `li`, headings...) become a line break or a
//! space so that `<td>SSN</td><td>824-66-7795</td>` does not glue label and
//! value together (mail-parser's own converter does); inline tags (`b`, `i`,
//! `span`, `a`...) vanish so a value split by formatting stays whole.
//! Tables keep their rows and cells (`extract::doc`), so `table` can read
//! a header row (`<th>DOB</th>`) and label the cells under it.
//! `script`, `style`, `head` and comments are skipped. Common entities
//! (named and numeric) are decoded.

use crate::policy::extract::doc::Doc;

/// Convert HTML to text.
pub fn to_text(html: &str) -> String {
    let mut doc = Doc::new(html.len().saturating_mul(2).max(1024));
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    let mut tmp = String::new();
    while !rest.is_empty() {
        if let Some(end_tag) = skip_until {
            match find_ci(rest, end_tag) {
                Some(i) => rest = &rest[i..],
                None => break,
            }
            skip_until = None;
        }
        let Some(lt) = rest.find('<') else {
            text(&mut doc, &mut tmp, rest);
            break;
        };
        text(&mut doc, &mut tmp, &rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = match rest.find("-->") {
                Some(i) => &rest[i + 3..],
                None => "",
            };
            continue;
        }
        let close = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..close];
        rest = &rest[close..];
        let name = tag_name(tag);
        let end = tag.starts_with("</");
        match name.as_str() {
            "script" | "style" | "head" | "title" if !end => {
                skip_until = Some(match name.as_str() {
                    "script" => "</script",
                    "style" => "</style",
                    "title" => "</title",
                    _ => "</head",
                });
            }
            "table" if end => doc.table_close(),
            "table" => doc.table_open(),
            "tr" if end => doc.row_close(),
            "tr" => doc.row_open(),
            "td" | "th" if end => doc.cell_close(),
            "td" | "th" => doc.cell_open(),
            "br" | "p" | "div" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "blockquote" | "pre" | "hr" | "section" | "article" | "header" | "footer" | "dt"
            | "dd" | "tbody" | "thead" | "tfoot" => doc.line_break(),
            "b" | "i" | "u" | "em" | "strong" | "span" | "a" | "font" | "small" | "big" | "sup"
            | "sub" | "mark" | "abbr" | "code" | "s" | "strike" | "wbr" => {}
            _ => doc.text(" "),
        }
    }
    doc.finish().text
}

fn text(doc: &mut Doc, tmp: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    tmp.clear();
    push_text(tmp, s);
    doc.text(tmp);
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .take(16)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

fn push_text(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        match end.and_then(|e| decode_entity(&rest[1..e]).map(|c| (e, c))) {
            Some((e, c)) => {
                // `&shy;`, `&ZeroWidthSpace;`: invisible, inside words.
                if !matches!(
                    c,
                    '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
                ) {
                    out.push(c);
                }
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(e: &str) -> Option<char> {
    if let Some(num) = e.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(v).map(|c| if c == '\u{a0}' { ' ' } else { c });
    }
    Some(match e {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '-',
        "mdash" => '-',
        "num" => '#',
        "colon" => ':',
        "sol" => '/',
        "period" => '.',
        "hyphen" | "dash" => '-',
        _ => return named_entity(e),
    })
}

/// Any other HTML named entity (`&eacute;`, `&Scaron;`, `&szlig;`) from
/// the HTML standard's table; the two-code-point ones keep their first.
fn named_entity(e: &str) -> Option<char> {
    if e.is_empty() || e.len() > 32 {
        return None;
    }
    let mut key = [0u8; 33];
    key[..e.len()].copy_from_slice(e.as_bytes());
    key[e.len()] = b';';
    let key = std::str::from_utf8(&key[..=e.len()]).ok()?;
    let (cp, _) = web_atoms::NAMED_ENTITIES.get(key)?;
    char::from_u32(*cp).map(|c| if c == '\u{a0}' { ' ' } else { c })
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn named_and_numeric_entities() {
        let t = to_text(
            "<p>Ren&eacute;e &#x43;astellanos-&Scaron;imi&cacute; &szlig; &bogus; &amp</p>",
        );
        assert!(
            t.contains("Renée Castellanos-Šimić ß &bogus; &amp"),
            "{t:?}"
        );
    }

    #[test]
    fn cells_do_not_glue() {
        let t = to_text("<table><tr><td>SSN</td><td>824-66-7795</td></tr></table>");
        let words: Vec<&str> = t.split_whitespace().collect();
        assert_eq!(words, ["SSN:", "824-66-7795"], "{t:?}");
        let t = to_text(
            "<table><tr><th>Patient</th><th>DOB</th><th>Dx</th></tr><tr><td>Maria Haddad<td>9/15/82<td>C50.911</table>",
        );
        assert!(
            t.contains("Patient Name: Maria Haddad\nDOB: 9/15/82\nDx: C50.911"),
            "{t:?}"
        );
    }

    #[test]
    fn inline_tags_keep_values_whole_and_entities_decode() {
        let t = to_text("<p>DOB:&nbsp;<b>03</b>/03/1961 &amp; more &#35;1 &#x41;</p>");
        assert!(t.contains("DOB: 03/03/1961 & more #1 A"), "{t:?}");
    }

    #[test]
    fn scripts_styles_comments_skipped() {
        let t = to_text(
            "<head><title>x</title></head><style>p{}</style><!-- 824-66-7795 -->ok<script>a<b</script>z",
        );
        let words: Vec<&str> = t.split_whitespace().collect();
        assert_eq!(words, ["ok", "z"], "{t:?}");
    }

    #[test]
    fn broken_html_never_panics() {
        for s in [
            "<",
            "<<<>",
            "&",
            "&#xFFFFFFFF;",
            "<scr",
            "<script>",
            "é<é>é&é;",
        ] {
            let _ = to_text(s);
        }
    }
}
