//! PHI scan benchmark: `phi_bench [CORPUS_DIR] [ITERATIONS]` (defaults:
//! ../shared/corpus/phi-dev, 5). Build with `--release`.
//!
//! Three inputs, all built in memory and deterministic:
//! - one ~10 MB text/plain message made of the corpus messages' decoded
//!   bodies interleaved with ordinary prose (some of it with dates, times,
//!   amounts and room numbers, as real correspondence has): PHI on every
//!   few lines, the worst case;
//! - one ~10 MB message of that ordinary prose alone (no PHI);
//! - the corpus itself, every `*.eml` file inspected in turn.
//!
//! Each input is inspected `ITERATIONS` times (bounded: at most 50; the
//! small corpus 20 times as often). Prints MB/s of decoded text (the
//! `text_bytes` that `inspect_detailed` reports, divided by time) and
//! messages/s, by thread CPU time (robust on a shared machine) and wall
//! time, the time of one 10 MB scan and the peak
//! resident set size (`VmHWM` from /proc/self/status).
//!
//! With `PHI_SCAN_LARGE_ONLY` set (any value) it stops after the large message (for
//! profiling that alone).
//!
//! With `PHI_SCAN_DUMP=FILE` set, it first writes every finding of the
//! large message, of the prose message and of each corpus message (kind, confidence, location,
//! masked value, place, line, value hash) to FILE: diff two such files to
//! check that a speed change left every result as it was.

use mail_parser::MessageParser;
use sealpost::policy::{MessageContext, PolicySet, inspect_detailed};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Ordinary prose, rotated deterministically between corpus bodies.
const PROSE: &[&str] = &[
    "Thank you for your message. As discussed in yesterday's call, the team will review the\r\nproposal and send comments by the end of the week. Please let us know whether the revised\r\nschedule works for you.\r\n\r\n",
    "The quarterly review is moved to 12/07/2026 at 10:30 in room 4B. Bring the printed\r\nagenda (version 2.1) and the budget sheet; the total so far is $1,204.55 against 3,500\r\nplanned. Call 555-0142 if you cannot attend.\r\n\r\n",
    "We appreciate your patience while we finalise the details with the other departments.\r\nThe new parking rules apply from March 3, 2026; badges 1200 to 1450 can use level 2.\r\n\r\n",
    "Hi all, the printer on floor 3 shows error E11 again (model I10-817). IT ticket 56854\r\nis open; until then please use the one near the kitchen. Cheers, Sam\r\n\r\n",
    "Lunch order for Friday: 12 sandwiches, 4 salads, 2 large pizzas. Delivery at 12:15,\r\norder #376-85-5983, paid by the office. Tracking 1Z4618196973644341.\r\n\r\n",
    "Les documents sont prêts. Merci de confirmer la réception avant le 15 avril; la réunion\r\naura lieu à 14h00, salle 210. Grüße aus dem Büro — and see you soon.\r\n\r\n",
];

// The daemon's allocator (src/main.rs), so the figures are the daemon's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET: usize = 10 << 20;

fn ctx(rcpts: &[String]) -> MessageContext<'_> {
    MessageContext {
        listener: "submission",
        sender: "sender@example.org",
        recipients: rcpts,
        auth_user: Some("bench"),
        size: 0,
        mt_priority: None,
        default_priority: 4,
    }
}

/// Every `*.eml` in `dir`, sorted by name.
fn read_corpus(dir: &Path) -> Result<Vec<Vec<u8>>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect()
}

/// Decoded text bodies of the corpus messages (plain text, else HTML).
fn bodies(raws: &[Vec<u8>]) -> Vec<String> {
    raws.iter()
        .filter_map(|raw| {
            let msg = MessageParser::default().parse(raw)?;
            let body = msg.body_text(0).or_else(|| msg.body_html(0))?;
            Some(body.into_owned())
        })
        .filter(|b| !b.trim().is_empty())
        .collect()
}

/// The ~10 MB message: bodies with 1-6 prose paragraphs between them.
fn large_message(bodies: &[String]) -> Vec<u8> {
    let mut msg =
        b"Subject: weekly digest\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    let mut seed = 0x2545_f491_u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as usize
    };
    if bodies.is_empty() {
        return msg;
    }
    while msg.len() < TARGET {
        let b = &bodies[next() % bodies.len()];
        msg.extend_from_slice(b.as_bytes());
        msg.extend_from_slice(b"\r\n\r\n");
        for _ in 0..1 + next() % 6 {
            msg.extend_from_slice(PROSE[next() % PROSE.len()].as_bytes());
        }
    }
    msg
}

/// A ~10 MB message of the office prose alone (numbers, dates, prices,
/// no PHI): the speed on ordinary mail, where most detectors find nothing.
fn prose_message() -> Vec<u8> {
    let mut msg = b"Subject: minutes\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    let mut seed = 0x9e37_79b9_u32;
    while msg.len() < TARGET {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        msg.extend_from_slice(PROSE[(seed >> 16) as usize % PROSE.len()].as_bytes());
    }
    msg
}

fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time of this thread in seconds (`/proc/thread-self/schedstat`):
/// unlike wall time, not inflated by other processes on a busy machine.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Inspect every message `iters` times: (text bytes, messages, wall
/// seconds, CPU seconds).
fn run(set: &PolicySet, msgs: &[Vec<u8>], iters: usize) -> (usize, usize, f64, f64) {
    let rcpts = vec!["patient@example.net".to_string()];
    let c = ctx(&rcpts);
    let (mut bytes, mut n) = (0usize, 0usize);
    let cpu0 = cpu_secs();
    let start = Instant::now();
    for _ in 0..iters {
        for m in msgs {
            let insp = inspect_detailed(set, m, &c);
            bytes += insp.text_bytes;
            n += 1;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_secs().zip(cpu0).map_or(wall, |(b, a)| b - a);
    (bytes, n, wall, cpu)
}

fn report(name: &str, (bytes, n, wall, cpu): (usize, usize, f64, f64)) {
    let mb = bytes as f64 / 1e6;
    let (w, c) = (wall.max(1e-9), cpu.max(1e-9));
    println!(
        "{name}: {n} inspections, {mb:.2} MB decoded text; CPU {cpu:.3} s: {:.1} MB/s, {:.0} msgs/s; wall {wall:.3} s: {:.1} MB/s, {:.0} msgs/s",
        mb / c,
        n as f64 / c,
        mb / w,
        n as f64 / w,
    );
}

/// Every finding of every message, one line each, for before/after diffs.
fn dump(set: &PolicySet, msgs: &[Vec<u8>], path: &str) -> std::io::Result<()> {
    use std::io::Write;
    let rcpts = vec!["patient@example.net".to_string()];
    let c = ctx(&rcpts);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (i, m) in msgs.iter().enumerate() {
        let insp = inspect_detailed(set, m, &c);
        writeln!(out, "message {i}: {:?}", insp.verdict)?;
        for f in &insp.findings {
            writeln!(out, "  {f:?} line={:?} hash={:016x}", f.line, f.value_hash)?;
        }
    }
    out.flush()
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/corpus/phi-dev".to_string()),
    );
    let iters = args
        .next()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(5)
        .clamp(1, 50);
    let raws = match read_corpus(&dir) {
        Ok(r) if !r.is_empty() => r,
        Ok(_) => {
            eprintln!("{}: no .eml files", dir.display());
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let set = PolicySet::builtin();
    let big = vec![large_message(&bodies(&raws))];
    if let Ok(path) = std::env::var("PHI_SCAN_DUMP") {
        let all: Vec<Vec<u8>> = big
            .iter()
            .cloned()
            .chain(std::iter::once(prose_message()))
            .chain(raws.iter().cloned())
            .collect();
        if let Err(e) = dump(&set, &all, &path) {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    }
    // Warm up: compile patterns, load the code lists.
    let _ = run(&set, &raws[..1], 1);
    println!(
        "peak RSS before scanning: {} kB",
        peak_rss_kb().unwrap_or(0)
    );
    // `PHI_SCAN_PROSE_ONLY`: only the prose message (for profiling it).
    if std::env::var_os("PHI_SCAN_PROSE_ONLY").is_none() {
        let one = run(&set, &big, 1);
        println!(
            "one 10 MB scan: {:.2} MB raw, {:.2} MB text in {:.4} s (CPU {:.4} s)",
            big[0].len() as f64 / 1e6,
            one.0 as f64 / 1e6,
            one.2,
            one.3
        );
        report("large message", run(&set, &big, iters));
    }
    report("prose message", run(&set, &[prose_message()], iters));
    if std::env::var_os("PHI_SCAN_LARGE_ONLY").is_some() {
        return ExitCode::SUCCESS;
    }
    // The corpus is small: repeat it so each round takes a measurable time.
    let reps = iters * 20;
    report("mixed corpus", run(&set, &raws, reps));
    println!("peak RSS: {} kB", peak_rss_kb().unwrap_or(0));
    ExitCode::SUCCESS
}
