//! Small, valid documents built in memory for tests, fixtures and
//! benchmarks: PDF (lopdf writer, compressed content, WinAnsi font,
//! optional password), DOCX, XLSX (shared strings, a date style), PPTX,
//! ODT, ODS (zip writer), ZIP archives and MIME messages carrying them.
//! Not used by the relay itself.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A PDF with one page per element of `pages`; each line of a page is
/// shown on its own baseline; cells of a line separated by `\t` are
/// placed in columns 150 points apart. `password`: a user password.
pub fn pdf(pages: &[&str], password: Option<&str>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for page in pages {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![50.into(), 780.into()]),
        ];
        for line in page.lines() {
            for (i, cell) in line.split('\t').enumerate() {
                if i > 0 {
                    ops.push(Operation::new("Td", vec![150.into(), 0.into()]));
                }
                let bytes: Vec<u8> = cell
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                    .collect();
                ops.push(Operation::new("Tj", vec![Object::string_literal(bytes)]));
            }
            let back = -150 * (line.split('\t').count() as i64 - 1);
            ops.push(Operation::new("Td", vec![back.into(), (-14).into()]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let mut stream = Stream::new(dictionary! {}, content.encode().unwrap_or_default());
        let _ = stream.compress();
        let content_id = doc.add_object(stream);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    // The file identifier keys the encryption (PDF 32000-1 §7.6.3.3).
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"sealpost-test-id".to_vec()),
            Object::string_literal(b"sealpost-test-id".to_vec()),
        ],
    );
    if let Some(pw) = password
        && let Ok(state) = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: pw,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        && let Err(e) = doc.encrypt(&state)
    {
        eprintln!("testdocs: PDF encryption failed: {e}");
    }
    let mut out = Vec::new();
    let _ = doc.save_to(&mut out);
    out
}

/// A one-page PDF whose AcroForm holds `fields` (`(name, value)`): the
/// first two as a parent field's `/Kids`, values as UTF-16BE text strings
/// but the last, a checkbox's `/Off` name.
pub fn pdf_form(page: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let Ok(mut doc) = Document::load_mem(&pdf(&[page], None)) else {
        return Vec::new();
    };
    let utf16 = |s: &str| {
        let mut b = vec![0xFE, 0xFF];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(b, lopdf::StringFormat::Hexadecimal)
    };
    let mut ids: Vec<Object> = fields
        .iter()
        .map(|(name, value)| {
            doc.add_object(dictionary! {
                "FT" => "Tx",
                "T" => Object::string_literal(name.as_bytes().to_vec()),
                "V" => utf16(value),
            })
            .into()
        })
        .collect();
    let checkbox = doc.add_object(dictionary! {
        "FT" => "Btn",
        "T" => Object::string_literal(b"self_carry".to_vec()),
        "V" => Object::Name(b"Off".to_vec()),
    });
    let nested: Vec<Object> = ids.drain(..ids.len().min(2)).collect();
    let parent = doc.add_object(dictionary! { "T" => "student", "Kids" => nested });
    ids.insert(0, parent.into());
    ids.push(checkbox.into());
    let form = doc.add_object(dictionary! { "Fields" => ids });
    if let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference)
        && let Ok(catalog) = doc.get_dictionary_mut(root)
    {
        catalog.set("AcroForm", form);
    }
    let mut out = Vec::new();
    let _ = doc.save_to(&mut out);
    out
}

/// A ZIP archive of `(name, bytes)` entries, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        let _ = w.start_file(*name, opts);
        let _ = w.write_all(data);
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// Mark every entry of a ZIP as encrypted (general-purpose flag bit 0),
/// as a password-protected archive has it.
pub fn mark_encrypted(mut z: Vec<u8>) -> Vec<u8> {
    for (sig, off) in [(b"PK\x03\x04", 6usize), (b"PK\x01\x02", 8usize)] {
        let hits: Vec<usize> = memchr::memmem::find_iter(&z, sig).collect();
        for p in hits {
            if let Some(b) = z.get_mut(p + off) {
                *b |= 1;
            }
        }
    }
    z
}

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

/// A DOCX: paragraphs, then a table (first row = header) if given.
pub fn docx(paragraphs: &[&str], table: &[&[&str]]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!(
            r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            esc(p)
        ));
    }
    if !table.is_empty() {
        body.push_str("<w:tbl>");
        for row in table {
            body.push_str("<w:tr>");
            for c in *row {
                body.push_str(&format!(
                    "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>",
                    esc(c)
                ));
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    }
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ])
}

/// An XLSX with one sheet. A cell written `date:N` is the serial day
/// number N with a date style (as Excel stores dates).
pub fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut shared: Vec<String> = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let col = char::from(b'A' + u8::try_from(c % 26).unwrap_or(0));
            let at = format!("{col}{}", r + 1);
            if let Some(n) = cell.strip_prefix("date:") {
                sheet.push_str(&format!(r#"<c r="{at}" s="1"><v>{n}</v></c>"#));
            } else {
                shared.push(esc(cell));
                sheet.push_str(&format!(
                    r#"<c r="{at}" t="s"><v>{}</v></c>"#,
                    shared.len() - 1
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let sst: String = shared
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>"#
    );
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="m/d/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
    let wb = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>"#;
    zip(&[
        ("[Content_Types].xml", CT.as_bytes()),
        ("xl/workbook.xml", wb.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

/// A PPTX with one slide per text.
pub fn pptx(slides: &[&str]) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), CT.as_bytes().to_vec()),
        (
            "ppt/presentation.xml".into(),
            b"<p:presentation xmlns:p=\"p\"/>".to_vec(),
        ),
    ];
    for (i, s) in slides.iter().enumerate() {
        let xml = format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#,
            esc(s)
        );
        entries.push((format!("ppt/slides/slide{}.xml", i + 1), xml.into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&refs)
}

fn odf(mime: &str, body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>{body}</office:body></office:document-content>"#
    );
    zip(&[
        ("mimetype", mime.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// An ODT with paragraphs.
pub fn odt(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<text:p>{}</text:p>", esc(p)))
        .collect();
    odf(
        "application/vnd.oasis.opendocument.text",
        &format!("<office:text>{body}</office:text>"),
    )
}

/// An ODS with one sheet. `date:YYYY-MM-DD` cells are date-valued cells
/// without displayed text.
pub fn ods(rows: &[&[&str]]) -> Vec<u8> {
    let mut t = String::from(r#"<office:spreadsheet><table:table table:name="S1">"#);
    for row in rows {
        t.push_str("<table:table-row>");
        for c in *row {
            if let Some(d) = c.strip_prefix("date:") {
                t.push_str(&format!(
                    r#"<table:table-cell office:value-type="date" office:date-value="{d}"/>"#
                ));
            } else {
                t.push_str(&format!(
                    "<table:table-cell><text:p>{}</text:p></table:table-cell>",
                    esc(c)
                ));
            }
        }
        t.push_str(
            r#"<table:table-cell table:number-columns-repeated="16000"/></table:table-row>"#,
        );
    }
    t.push_str(r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#);
    t.push_str("</table:table></office:spreadsheet>");
    odf("application/vnd.oasis.opendocument.spreadsheet", &t)
}

/// A MIME message: a text body and base64 attachments `(name, type, bytes)`.
pub fn message(subject: &str, body: &str, attachments: &[(&str, &str, &[u8])]) -> Vec<u8> {
    use base64::Engine;
    let b = "=_sealpost_test_boundary";
    let mut m = format!(
        "From: clinic@hosp.example\r\nTo: partner@x.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    for (name, ty, data) in attachments {
        let enc = base64::engine::general_purpose::STANDARD.encode(data);
        m.push_str(&format!(
            "--{b}\r\nContent-Type: {ty}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        ));
        for chunk in enc.as_bytes().chunks(76) {
            m.push_str(std::str::from_utf8(chunk).unwrap_or(""));
            m.push_str("\r\n");
        }
    }
    m.push_str(&format!("--{b}--\r\n"));
    m.into_bytes()
}
