//! Corpus scoring: message-level precision / recall / F1, per-entity
//! recall, and scan speed.
//!
//! A corpus directory holds `*.eml` files and `labels.jsonl` with one
//! `{"file", "phi", "entities": [...]}` object per line. A message is
//! predicted PHI when the verdict requires `encrypt`. An entity counts as
//! found when its detector reported it at medium confidence or more,
//! anywhere in the message. Speed is measured over `inspect` calls only
//! (files are read first), as decoded text MB/s and messages/s, plus one
//! large synthetic message built from the corpus (linear-time check).

use crate::policy::finding::{Confidence, Kind};
use crate::policy::{MessageContext, PolicySet, Protection, inspect_detailed};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;
use std::time::Instant;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EvalError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("labels.jsonl line {line}: {message}")]
    Labels { line: usize, message: String },
}

#[derive(Debug, Deserialize)]
struct Label {
    file: String,
    phi: bool,
    #[serde(default)]
    entities: Vec<String>,
}

/// One misclassified message (file name and detector names only).
#[derive(Debug, Clone)]
pub struct Miss {
    pub file: String,
    pub expected_phi: bool,
    pub rules: Vec<String>,
    pub kinds: Vec<String>,
    /// Findings with places, masked values and rules (`--errors`).
    pub explain: String,
}

/// Scores and speed.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub messages: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// entity → (found, labelled)
    pub per_entity: BTreeMap<String, (usize, usize)>,
    pub text_bytes: usize,
    pub raw_bytes: usize,
    pub seconds: f64,
    pub text_mb_per_s: f64,
    pub msgs_per_s: f64,
    /// Large synthetic message: (MB of text, seconds, MB/s).
    pub large: (f64, f64, f64),
    /// Large mixed message (corpus messages within ordinary prose).
    pub large_mixed: (f64, f64, f64),
    pub misses: Vec<Miss>,
}

fn io(path: &Path, e: std::io::Error) -> EvalError {
    EvalError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn ctx_for<'a>(rcpts: &'a [String]) -> MessageContext<'a> {
    MessageContext {
        listener: "submission",
        sender: "sender@example.org",
        recipients: rcpts,
        auth_user: Some("eval"),
        size: 0,
        mt_priority: None,
        default_priority: 4,
    }
}

fn read_labels(dir: &Path) -> Result<Vec<Label>, EvalError> {
    let p = dir.join("labels.jsonl");
    let s = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
    s.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| EvalError::Labels {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// Score a labelled corpus directory with `set`.
pub fn score_corpus(dir: &Path, set: &PolicySet) -> Result<EvalReport, EvalError> {
    let labels = read_labels(dir)?;
    let mut raws = Vec::with_capacity(labels.len());
    for l in &labels {
        let p = dir.join(&l.file);
        raws.push(std::fs::read(&p).map_err(|e| io(&p, e))?);
    }
    // No envelope, as `policy test` has none: a message is judged by its
    // own headers and text.
    let rcpts: Vec<String> = Vec::new();
    let ctx = ctx_for(&rcpts);
    let mut r = EvalReport::default();
    // Warm up: compile patterns and load the code list before timing.
    if let Some(first) = raws.first() {
        let _ = inspect_detailed(set, first, &ctx);
    }
    let start = Instant::now();
    let results: Vec<_> = raws
        .iter()
        .map(|raw| inspect_detailed(set, raw, &ctx))
        .collect();
    r.seconds = start.elapsed().as_secs_f64();
    for ((l, raw), insp) in labels.iter().zip(&raws).zip(&results) {
        r.messages += 1;
        r.raw_bytes += raw.len();
        r.text_bytes += insp.text_bytes;
        let predicted = insp.verdict.protection == Protection::Encrypt;
        let found: HashSet<Kind> = insp
            .findings
            .iter()
            .filter(|f| f.confidence >= Confidence::Medium)
            .map(|f| f.kind)
            .collect();
        for e in &l.entities {
            let slot = r.per_entity.entry(e.clone()).or_default();
            slot.1 += 1;
            if Kind::parse(e).is_some_and(|k| found.contains(&k)) {
                slot.0 += 1;
            }
        }
        match (l.phi, predicted) {
            (true, true) => r.tp += 1,
            (false, false) => r.tn += 1,
            (false, true) => r.fp += 1,
            (true, false) => r.fn_ += 1,
        }
        if l.phi != predicted {
            let mut kinds: Vec<String> = found.iter().map(|k| k.as_str().to_string()).collect();
            kinds.sort();
            r.misses.push(Miss {
                file: l.file.clone(),
                expected_phi: l.phi,
                rules: insp.verdict.rules.clone(),
                kinds,
                explain: crate::policy::explain_findings(insp, &set.rules),
            });
        }
    }
    finish(&mut r, &raws, set, &ctx);
    Ok(r)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn finish(r: &mut EvalReport, raws: &[Vec<u8>], set: &PolicySet, ctx: &MessageContext<'_>) {
    r.precision = ratio(r.tp, r.tp + r.fp);
    r.recall = ratio(r.tp, r.tp + r.fn_);
    r.f1 = if r.precision + r.recall > 0.0 {
        2.0 * r.precision * r.recall / (r.precision + r.recall)
    } else {
        0.0
    };
    r.text_mb_per_s = r.text_bytes as f64 / 1e6 / r.seconds.max(1e-9);
    r.msgs_per_s = r.messages as f64 / r.seconds.max(1e-9);
    r.large = large_message(raws, set, ctx, true);
    r.large_mixed = large_message(raws, set, ctx, false);
}

/// Ordinary correspondence with no identifiers, mixed into the large test.
const PROSE: &str = "Thank you for your message. As discussed in yesterday's call, the team will review the\r\nproposal and send comments by the end of the week. Please let us know whether the revised\r\nschedule works for you, and feel free to forward this note to anyone else who should join.\r\nWe appreciate your patience while we finalise the details with the other departments.\r\n\r\n";

/// Build a ~10 MB text/plain message and time one inspect. `dense`: raw
/// corpus messages back to back (an identifier every few hundred bytes);
/// otherwise one corpus message per ~4 KB of ordinary prose.
fn large_message(
    raws: &[Vec<u8>],
    set: &PolicySet,
    ctx: &MessageContext<'_>,
    dense: bool,
) -> (f64, f64, f64) {
    let mut msg = b"Subject: large\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    while msg.len() < 10 << 20 && !raws.is_empty() {
        for raw in raws {
            msg.extend_from_slice(raw);
            msg.extend_from_slice(b"\r\n");
            if !dense {
                for _ in 0..9 {
                    msg.extend_from_slice(PROSE.as_bytes());
                }
            }
        }
    }
    let start = Instant::now();
    let insp = inspect_detailed(set, &msg, ctx);
    let secs = start.elapsed().as_secs_f64();
    let mb = insp.text_bytes as f64 / 1e6;
    (mb, secs, mb / secs.max(1e-9))
}

impl EvalReport {
    /// False positives and negatives, each with its findings (detector,
    /// confidence, place, masked value, rules): `policy eval --errors`.
    pub fn errors(&self) -> String {
        let mut out = String::new();
        for m in &self.misses {
            let what = if m.expected_phi {
                "FALSE NEGATIVE"
            } else {
                "FALSE POSITIVE"
            };
            let rules = if m.rules.is_empty() {
                "(none)".to_string()
            } else {
                m.rules.join(", ")
            };
            out.push_str(&format!("{what} {}: rules applied: {rules}\n", m.file));
            if m.explain.is_empty() {
                out.push_str("  (no findings)\n");
            } else {
                out.push_str(&m.explain);
            }
        }
        if self.misses.is_empty() {
            out.push_str("no errors\n");
        }
        out
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "messages: {}  tp {}  fp {}  fn {}  tn {}",
            self.messages, self.tp, self.fp, self.fn_, self.tn
        )?;
        writeln!(
            f,
            "precision {:.4}  recall {:.4}  F1 {:.4}",
            self.precision, self.recall, self.f1
        )?;
        writeln!(f, "per-entity recall (medium confidence or more):")?;
        for (e, (found, total)) in &self.per_entity {
            writeln!(
                f,
                "  {e:<12} {found:>4}/{total:<4} {:.4}",
                ratio(*found, *total)
            )?;
        }
        writeln!(
            f,
            "speed: {} messages, {:.2} MB decoded text ({:.2} MB raw) in {:.4} s: {:.1} MB/s of text, {:.0} msgs/s",
            self.messages,
            self.text_bytes as f64 / 1e6,
            self.raw_bytes as f64 / 1e6,
            self.seconds,
            self.text_mb_per_s,
            self.msgs_per_s
        )?;
        writeln!(
            f,
            "large message, dense (corpus back to back): {:.2} MB of text in {:.4} s: {:.1} MB/s",
            self.large.0, self.large.1, self.large.2
        )?;
        writeln!(
            f,
            "large message, mixed (corpus within prose): {:.2} MB of text in {:.4} s: {:.1} MB/s",
            self.large_mixed.0, self.large_mixed.1, self.large_mixed.2
        )?;
        for m in &self.misses {
            let what = if m.expected_phi {
                "false negative"
            } else {
                "false positive"
            };
            writeln!(
                f,
                "  {what}: {} rules=[{}] found=[{}]",
                m.file,
                m.rules.join(","),
                m.kinds.join(",")
            )?;
        }
        Ok(())
    }
}
