//! Attachment extraction benchmark: `phi_attach [ITERATIONS]` (default 3).
//! Build with `--release`; run through `bench/phi_attach.sh`.
//!
//! Inputs, built in memory and deterministic (`policy::extract::testdocs`):
//! - a text-heavy PDF (~2,000 lines per 40 pages, compressed content
//!   streams) and a text-heavy DOCX of similar text, each scanned alone;
//! - a 30 MB PDF and a 30 MB DOCX (a few MB of text plus incompressible
//!   embedded data, as scans and photos make real large attachments), each
//!   sent as a whole base64 MIME message through `inspect_detailed`.
//!
//! Prints MB/s of attachment bytes and of extracted text, by thread CPU
//! time, and the peak resident set size (`VmHWM`) after each 30 MB message.

use sealpost::policy::extract::testdocs;
use sealpost::policy::{MessageContext, PolicySet, inspect_detailed};
use std::time::Instant;

fn cpu_seconds() -> f64 {
    // CLOCK_THREAD_CPUTIME_ID through /proc: utime+stime of this thread.
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, r)| r)
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    ticks / 100.0
}

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Deterministic pseudo-random bytes (incompressible padding).
fn noise(n: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn page_text(page: usize) -> String {
    let mut s = String::new();
    for i in 0..50 {
        let n = page * 50 + i;
        s.push_str(&format!(
            "Line {n}: results reviewed with the care team; follow-up in {} weeks, room {}.\n",
            n % 12 + 1,
            n % 400
        ));
    }
    s
}

fn ctx(r: &[String]) -> MessageContext<'_> {
    MessageContext {
        listener: "bench",
        sender: "a@b.example",
        recipients: r,
        auth_user: None,
        size: 0,
        mt_priority: None,
        default_priority: 4,
    }
}

fn time_message(label: &str, raw: &[u8], att: usize, set: &PolicySet, iters: usize) {
    let rcpts = vec!["x@y.example".to_string()];
    let (mut best, mut text) = (f64::MAX, 0);
    let mut verdict = String::new();
    for _ in 0..iters {
        let c0 = cpu_seconds();
        let w0 = Instant::now();
        let insp = inspect_detailed(set, raw, &ctx(&rcpts));
        // Thread CPU time (10 ms ticks); wall time when it is finer.
        let cpu = cpu_seconds() - c0;
        let secs = if cpu > 0.2 {
            cpu
        } else {
            w0.elapsed().as_secs_f64()
        };
        best = best.min(secs);
        text = insp.text_bytes;
        verdict = format!(
            "{} {:?}",
            insp.verdict.protection.as_str(),
            insp.verdict.rules
        );
    }
    println!(
        "{label}: message {:.1} MB (attachment {:.1} MB), {:.2} MB text, {:.3} s CPU: {:.1} MB/s of attachment, {:.1} MB/s of text; peak RSS {:.0} MB; verdict {verdict}",
        raw.len() as f64 / 1e6,
        att as f64 / 1e6,
        text as f64 / 1e6,
        best,
        att as f64 / 1e6 / best,
        text as f64 / 1e6 / best,
        peak_rss_mb()
    );
}

fn current_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// `phi_attach mem pdf|docx`: build one 30 MB attachment message, then
/// report how much the inspection itself added to the peak RSS.
fn memory(kind: &str) {
    let set = PolicySet::builtin();
    let pages: Vec<String> = (0..100).map(page_text).collect();
    let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    let pad = noise(28 << 20);
    let (name, att) = if kind == "pdf" {
        let mut p = testdocs::pdf(&refs, None);
        p.extend_from_slice(b"\n9999 0 obj << /Length ");
        p.extend_from_slice(pad.len().to_string().as_bytes());
        p.extend_from_slice(b" /Subtype /Image /Filter /DCTDecode >>\nstream\n");
        p.extend_from_slice(&pad);
        p.extend_from_slice(b"\nendstream\nendobj\n");
        ("scan.pdf", p)
    } else {
        let lines: Vec<&str> = refs.iter().flat_map(|p| p.lines()).collect();
        let body = testdocs::docx(&lines, &[]);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&body)).expect("docx");
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).expect("entry");
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).expect("read");
            entries.push((f.name().map(|n| n.into_owned()).unwrap_or_default(), v));
        }
        entries.push(("word/media/image1.jpeg".into(), pad.clone()));
        let r: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        ("big.docx", testdocs::zip(&r))
    };
    drop(pad);
    let msg = testdocs::message(
        "big",
        "see attached",
        &[(name, "application/octet-stream", &att)],
    );
    let size = att.len();
    drop(att);
    let before = current_rss_mb();
    let rcpts = vec!["x@y.example".to_string()];
    let insp = inspect_detailed(&set, &msg, &ctx(&rcpts));
    let peak = peak_rss_mb();
    println!(
        "30 MB {kind}: attachment {:.1} MB, message {:.1} MB; RSS before inspection {before:.0} MB, peak {peak:.0} MB: inspection added at most {:.0} MB; {} bytes of text; verdict {}",
        size as f64 / 1e6,
        msg.len() as f64 / 1e6,
        peak - before,
        insp.text_bytes,
        insp.verdict.protection.as_str()
    );
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("mem") {
        memory(&std::env::args().nth(2).unwrap_or_default());
        return;
    }
    let iters: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3)
        .clamp(1, 20);
    let set = PolicySet::builtin();
    // Text-heavy documents (mostly text: the extraction cost itself).
    let pages: Vec<String> = (0..400).map(page_text).collect();
    let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    let pdf = testdocs::pdf(&refs, None);
    let lines: Vec<&str> = refs.iter().flat_map(|p| p.lines()).collect();
    let docx = testdocs::docx(&lines, &[]);
    let m = testdocs::message(
        "report",
        "see attached",
        &[("r.pdf", "application/pdf", &pdf)],
    );
    time_message("text PDF", &m, pdf.len(), &set, iters);
    let m = testdocs::message(
        "report",
        "see attached",
        &[("r.docx", "application/octet-stream", &docx)],
    );
    time_message("text DOCX", &m, docx.len(), &set, iters);
    // 30 MB attachments: text plus incompressible embedded data.
    let pad = noise(28 << 20);
    let mut big_pdf = testdocs::pdf(&refs[..100], None);
    big_pdf.extend_from_slice(b"\n% embedded scan data\n9999 0 obj << /Length ");
    big_pdf.extend_from_slice(pad.len().to_string().as_bytes());
    big_pdf.extend_from_slice(b" /Subtype /Image /Filter /DCTDecode >>\nstream\n");
    big_pdf.extend_from_slice(&pad);
    big_pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let m = testdocs::message(
        "scan",
        "see attached",
        &[("scan.pdf", "application/pdf", &big_pdf)],
    );
    time_message("30 MB PDF", &m, big_pdf.len(), &set, 1);
    let doc_xml = testdocs::docx(&lines[..5000], &[]);
    let big_docx = {
        // The same document with a large embedded picture.
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&doc_xml)).expect("docx");
        for i in 0..z.len() {
            let mut f = z.by_index(i).expect("entry");
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).expect("read");
            entries.push((f.name().map(|n| n.into_owned()).unwrap_or_default(), v));
        }
        entries.push(("word/media/image1.jpeg".into(), pad.clone()));
        let r: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        testdocs::zip(&r)
    };
    let m = testdocs::message(
        "docs",
        "see attached",
        &[("big.docx", "application/octet-stream", &big_docx)],
    );
    time_message("30 MB DOCX", &m, big_docx.len(), &set, 1);
}
