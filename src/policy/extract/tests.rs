//! Extraction tests over documents built in memory (`testdocs`), and the
//! hostile cases: encrypted files, bombs, depth, corrupt data.

use super::testdocs::*;
use super::*;
use std::io::Write;

#[derive(Default)]
struct Collect {
    text: Vec<(String, String)>,
    bad: Vec<(String, Unreadable)>,
    messages: usize,
}

impl Visitor for Collect {
    fn text(&mut self, place: &str, text: &str) {
        self.text.push((place.to_string(), text.to_string()));
    }
    fn message(&mut self, _place: &str, _raw: &[u8], _depth: usize) {
        self.messages += 1;
    }
    fn unreadable(&mut self, place: &str, why: Unreadable) {
        self.bad.push((place.to_string(), why));
    }
}

fn run(bytes: &[u8], name: &str) -> Collect {
    run_with(bytes, name, ExtractLimits::default())
}

fn run_with(bytes: &[u8], name: &str, limits: ExtractLimits) -> Collect {
    let budget = Budget::new(limits);
    let mut c = Collect::default();
    extract_named(bytes, name, 0, &budget, &mut c);
    c
}

fn all_text(c: &Collect) -> String {
    c.text
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pdf_text_lines_and_table_columns() {
    let pdf = pdf(
        &[
            "Lab report\nPatient: Maria Haddad\nDOB: 09/15/1982",
            "Name\tDOB\tDx\nJon Park\t11 Oct 1977\tE11.9",
        ],
        None,
    );
    let c = run(&pdf, "report.pdf");
    assert!(c.bad.is_empty(), "{:?}", c.bad);
    let t = all_text(&c);
    assert!(
        t.contains("Patient: Maria Haddad\nDOB: 09/15/1982"),
        "{t:?}"
    );
    assert!(t.contains("Jon Park  11 Oct 1977  E11.9"), "{t:?}");
    assert_eq!(c.text[0].0, "report.pdf");
}

#[test]
fn a_filled_pdf_forms_answers_are_read_from_its_fields() {
    let pdf = pdf_form(
        "Medication Authorization\nStudent name:\nDiagnosis:",
        &[
            ("student_name", "Sofía Reyes"),
            ("dob", "03/14/2016"),
            ("diagnosis", "Asthma, moderate persistent"),
            ("comments", ""),
        ],
    );
    let c = run(&pdf, "HS-12.pdf");
    assert!(c.bad.is_empty(), "{:?}", c.bad);
    let t = all_text(&c);
    assert!(t.contains("Student name:"), "{t:?}");
    assert!(t.contains("student_name: Sofía Reyes\n"), "{t:?}");
    assert!(t.contains("dob: 03/14/2016\n"), "{t:?}");
    assert!(
        t.contains("diagnosis: Asthma, moderate persistent\n"),
        "{t:?}"
    );
    // Empty fields and an unticked box add nothing.
    assert!(!t.contains("comments"), "{t:?}");
    assert!(!t.contains("self_carry"), "{t:?}");
}

#[test]
fn a_blank_content_controls_instruction_is_no_answer() {
    let control = |shows: bool, text: &str| {
        format!(
            r#"<w:sdt><w:sdtPr>{}</w:sdtPr><w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>"#,
            if shows { "<w:showingPlcHdr/>" } else { "" }
        )
    };
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t xml:space="preserve">Member name: </w:t></w:r>{}</w:p><w:p><w:r><w:t xml:space="preserve">Condition: </w:t></w:r>{}</w:p><w:p><w:r><w:t xml:space="preserve">Doctor: </w:t></w:r>{}</w:p></w:body></w:document>"#,
        control(true, "Click or tap here to enter text."),
        // A value kept under a stale flag is read.
        control(true, "Multiple sclerosis"),
        control(false, "Click Harrow"),
    );
    // Answers that open like an instruction word are answers.
    let doc = doc.replace("</w:body>", &format!(
        "<w:p>{}</w:p><w:p>{}</w:p><w:p><w:sdt><w:sdtPr><w:showingPlcHdr w:val=\"0\"/></w:sdtPr><w:sdtContent><w:r><w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt></w:p></w:body>",
        control(true, "Type 1 diabetes"),
        control(true, "Tapiwa Moyo"),
    ));
    let d = zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        ),
        ("word/document.xml", doc.as_bytes()),
    ]);
    let t = all_text(&run(&d, "claim.docx"));
    assert!(t.contains("Member name: ____"), "{t:?}");
    assert!(t.contains("Condition: Multiple sclerosis"), "{t:?}");
    assert!(t.contains("Doctor: Click Harrow"), "{t:?}");
    assert!(t.contains("Type 1 diabetes"), "{t:?}");
    assert!(t.contains("Tapiwa Moyo"), "{t:?}");
    // A flag turned off (`w:val="0"`) shows what it holds.
    assert_eq!(t.matches("Click or tap").count(), 1, "{t:?}");
}

#[test]
fn pdf_with_a_user_password_is_encrypted() {
    let c = run(&pdf(&["SSN 524-71-3382"], Some("secret")), "locked.pdf");
    assert_eq!(
        c.bad,
        vec![("locked.pdf".to_string(), Unreadable::Encrypted)]
    );
    assert!(!all_text(&c).contains("524-71-3382"));
    // An owner password only (empty user password) is readable.
    let c = run(&pdf(&["MRN 4410023"], Some("")), "open.pdf");
    assert!(c.bad.is_empty(), "{:?}", c.bad);
    assert!(all_text(&c).contains("MRN 4410023"));
}

#[test]
fn broken_pdf_is_corrupt_not_a_panic() {
    let mut p = pdf(&["x"], None);
    p.truncate(p.len() / 3);
    let c = run(&p, "broken.pdf");
    assert!(!c.bad.is_empty());
    let c = run(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF", "empty.pdf");
    assert!(!c.bad.is_empty());
}

#[test]
fn office_documents() {
    let d = docx(
        &["Referral for Maria Haddad", "DOB 9/15/82"],
        &[
            &["Patient", "MRN", "Dx"],
            &["Jon Park", "4410023", "C50.911"],
        ],
    );
    let t = all_text(&run(&d, "referral.docx"));
    assert!(
        t.contains("Referral for Maria Haddad\nDOB 9/15/82"),
        "{t:?}"
    );
    assert!(
        t.contains("Patient Name: Jon Park\nMRN: 4410023\nDx: C50.911"),
        "{t:?}"
    );

    let x = xlsx(&[
        &["Member", "Birth Date", "ICD10"],
        &["Ana Ruiz", "date:28384", "I10"],
    ]);
    let c = run(&x, "claims.xlsx");
    assert!(c.bad.is_empty(), "{:?}", c.bad);
    let t = all_text(&c);
    assert!(t.contains("DOB: 09/16/1977"), "{t:?}");
    assert!(t.contains("Patient Name: Ana Ruiz"), "{t:?}");

    let t = all_text(&run(
        &pptx(&["Case review", "Pt: Lee Wong, MRN 5521009"]),
        "deck.pptx",
    ));
    assert!(t.contains("MRN 5521009"), "{t:?}");

    let t = all_text(&run(
        &odt(&["Discharge summary", "DOB: 1977-10-11"]),
        "summary.odt",
    ));
    assert!(t.contains("Discharge summary\nDOB: 1977-10-11"), "{t:?}");

    // Repeated rows and columns (a spreadsheet's empty tail) stay cheap.
    let c = run(
        &ods(&[&["Patient", "DOB"], &["Ana Ruiz", "date:1977-10-11"]]),
        "list.ods",
    );
    let t = all_text(&c);
    assert!(t.contains("DOB: 1977-10-11"), "{t:?}");
    assert!(t.len() < 10_000, "{}", t.len());

    let rtf = br"{\rtf1\ansi Patient\tab DOB\par Ana Ruiz\tab 03/03/1961\par}";
    assert!(all_text(&run(rtf, "note.rtf")).contains("Ana Ruiz\t03/03/1961"));
}

#[test]
fn archives_recurse_and_report_what_they_cannot_read() {
    let inner = zip(&[
        ("labs.csv", b"name,dob\nAna Ruiz,03/03/1961\n"),
        ("r.pdf", &pdf(&["MRN 4410023"], None)),
    ]);
    let outer = zip(&[
        ("inner.zip", &inner),
        ("notes/readme.txt", b"see inside"),
        ("fwd.eml", b"Subject: x\r\n\r\nhi"),
    ]);
    let c = run(&outer, "bundle.zip");
    let t = all_text(&c);
    assert!(t.contains("DOB: 03/03/1961"), "{t:?}");
    assert!(t.contains("MRN 4410023"), "{t:?}");
    assert!(
        c.text
            .iter()
            .any(|(p, _)| p == "bundle.zip/inner.zip/r.pdf"),
        "{:?}",
        c.text
    );
    assert_eq!(c.messages, 1);

    let locked = mark_encrypted(zip(&[("a.txt", b"SSN 524-71-3382")]));
    let c = run(&locked, "locked.zip");
    assert_eq!(
        c.bad,
        vec![("locked.zip/a.txt".to_string(), Unreadable::Encrypted)]
    );

    // Too deep: zip in zip in zip... past max_depth.
    let mut z = zip(&[("a.txt", b"x")]);
    for _ in 0..6 {
        z = zip(&[("n.zip", &z)]);
    }
    let c = run(&z, "deep.zip");
    assert!(
        c.bad.iter().any(|(_, w)| *w == Unreadable::TooDeep),
        "{:?}",
        c.bad
    );

    // A password-protected Office file is an OLE container.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(run(&ole, "report.docx").bad[0].1, Unreadable::Encrypted);
    assert_eq!(
        run(b"\x89PNG\r\n\x1a\nxxxx", "scan.png").bad[0].1,
        Unreadable::Image
    );
    assert_eq!(
        run(b"7z\xBC\xAF\x27\x1Cxxxx", "a.7z").bad[0].1,
        Unreadable::Unsupported
    );
    // Text under a name that tells nothing is read; binary is not.
    let c = run(
        b"QUIST,BARTHOLOMEW,19580122,M,KHP440918231,G43.909\r\n",
        "elig.dat",
    );
    assert!(c.bad.is_empty(), "{:?}", c.bad);
    assert_eq!(
        run(b"\x01\x02\x00\x00binary\x00blob", "blob.bin").bad[0].1,
        Unreadable::Unsupported
    );
}

#[test]
fn compression_bombs_stop_at_the_caps() {
    // 16 MiB of zeros deflates ~1000:1: over the ratio cap long before the end.
    let zeros = vec![0u8; 16 << 20];
    let bomb = zip(&[("zeros.txt", &zeros)]);
    assert!(bomb.len() < 1 << 20);
    let c = run(&bomb, "bomb.zip");
    assert_eq!(
        c.bad,
        vec![("bomb.zip/zeros.txt".to_string(), Unreadable::Bomb)]
    );
    // Total inflated bytes over the message budget.
    let text = "abcdefghij".repeat(100_000);
    let many: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("{i}.txt"), text.as_bytes().to_vec()))
        .collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let limits = ExtractLimits {
        max_inflated_bytes: 3 << 20,
        ..ExtractLimits::default()
    };
    let c = run_with(&zip(&refs), "many.zip", limits);
    assert!(
        c.bad.iter().any(|(_, w)| *w == Unreadable::Bomb),
        "{:?}",
        c.bad
    );
    // A deflate bomb inside a PDF.
    let mut stream = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = stream.write_all(&zeros);
    let z = stream.finish().unwrap_or_default();
    let mut p = b"%PDF-1.5\n1 0 obj << /Length 0 /Filter /FlateDecode >>\nstream\n".to_vec();
    p.extend_from_slice(&z);
    p.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
    let limits = ExtractLimits {
        max_inflated_bytes: 8 << 20,
        ..ExtractLimits::default()
    };
    let c = run_with(&p, "bomb.pdf", limits);
    assert_eq!(c.bad, vec![("bomb.pdf".to_string(), Unreadable::Bomb)]);
    // Over the input cap.
    let limits = ExtractLimits {
        max_input_bytes: 1000,
        ..ExtractLimits::default()
    };
    assert_eq!(
        run_with(&pdf(&["x"; 20], None), "big.pdf", limits).bad[0].1,
        Unreadable::TooLarge
    );
}

#[test]
fn the_deadline_is_honoured() {
    let limits = ExtractLimits {
        time: std::time::Duration::ZERO,
        ..ExtractLimits::default()
    };
    let c = run_with(&docx(&["x"], &[]), "late.docx", limits);
    assert_eq!(c.bad[0].1, Unreadable::Timeout);
}

#[test]
fn garbage_never_panics() {
    let seeds: Vec<Vec<u8>> = vec![
        pdf(&["Patient: Ana Ruiz"], None),
        docx(&["x"], &[&["a", "b"]]),
        xlsx(&[&["a", "date:1"]]),
        ods(&[&["a"]]),
        b"{\\rtf1 {\\*\\x \\u-3 \\'zz}}}}{{{{".to_vec(),
    ];
    for seed in seeds {
        for cut in [1, 7, 100, seed.len() / 2, seed.len().saturating_sub(3)] {
            let mut b = seed.clone();
            b.truncate(cut.min(b.len()));
            let _ = run(&b, "x.bin");
            let mut flipped = seed.clone();
            for i in (0..flipped.len()).step_by(97) {
                flipped[i] ^= 0x5a;
            }
            let _ = run(&flipped, "x.bin");
        }
    }
}
