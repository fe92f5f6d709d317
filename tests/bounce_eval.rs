//! Bounce parser evaluation on every labelled fixture: the three figures
//! issue 12 sets targets for, on real bounces from many MTAs.
//!
//! - **recipient found**: the labelled recipient is among the addresses the
//!   parser reports (case-insensitive);
//! - **hard classified hard**: of the recipients labelled hard (unknown
//!   user, unknown host, moved, domain that accepts no mail), the share the
//!   parser classifies [`BounceKind::Hard`];
//! - **other classified hard**: of every other labelled report (mailbox
//!   full, blocked, spam, authentication, rate limits, expiry, network,
//!   auto-replies, complaints, delivery reports …), the share classified
//!   hard — each of those would wrongly suppress the recipient.
//!
//! A labelled recipient the parser does not name is judged by the report
//! as a whole: a VERP token names one recipient, and `bounce::apply` acts
//! on the most severe failure in the report, so any hard recipient counts.
//!
//! Corpora: `tests/fixtures/bounces/sisimai/` (Sisimai's set-of-emails,
//! BSD-2-Clause; labels from Sisimai's own test expectations),
//! `tests/fixtures/bounces/written/` (samples written from MTA and provider
//! documentation) and `/work/shared/corpus/bounces-flufl/` or
//! `$SEALPOST_FLUFL_CORPUS` when present (GNU Mailman's flufl.bounce,
//! addresses and temporary/permanent only). `bench/bounce_eval.sh` prints
//! the same table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sealpost::bounce::{BounceKind, ParsedBounce, parse};

#[derive(Debug, Clone, serde::Deserialize)]
struct Label {
    file: String,
    recipient: Option<String>,
    /// Sisimai's reason name (`userunknown`, `mailboxfull`, …).
    #[serde(default)]
    reason: String,
    /// `Some(true)` hard, `Some(false)` not hard, `None` unknown (flufl's
    /// permanent failures, which may or may not be about the address).
    hard: Option<bool>,
}

#[derive(Default, Debug)]
struct Score {
    labels: usize,
    found: usize,
    hard: usize,
    hard_as_hard: usize,
    other: usize,
    other_as_hard: usize,
    misses: Vec<String>,
}

impl Score {
    fn pct(a: usize, b: usize) -> f64 {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    }
    fn found_pct(&self) -> f64 {
        Self::pct(self.found, self.labels)
    }
    fn hard_pct(&self) -> f64 {
        Self::pct(self.hard_as_hard, self.hard)
    }
    fn other_pct(&self) -> f64 {
        Self::pct(self.other_as_hard, self.other)
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<10} {:>4} labels | recipient found {:>4}/{:<4} {:>5.1}% | hard as hard {:>3}/{:<3} {:>5.1}% | other as hard {:>3}/{:<3} {:>4.1}%",
            self.labels,
            self.found,
            self.labels,
            self.found_pct(),
            self.hard_as_hard,
            self.hard,
            self.hard_pct(),
            self.other_as_hard,
            self.other,
            self.other_pct()
        )
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sisimai_labels() -> Vec<Label> {
    let path = root().join("tests/fixtures/bounces/sisimai/labels.json");
    let text = std::fs::read_to_string(&path).expect("sisimai labels");
    serde_json::from_str(&text).expect("labels.json")
}

fn written_labels() -> Vec<Label> {
    let path = root().join("tests/fixtures/bounces/written/labels.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).expect("written labels.json"),
        Err(_) => Vec::new(),
    }
}

/// flufl.bounce's expected.json: addresses and temporary/permanent.
fn flufl_labels(dir: &Path) -> Vec<Label> {
    #[derive(serde::Deserialize)]
    struct Expected {
        file: String,
        addresses: Vec<String>,
        temporary: bool,
    }
    let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
        return Vec::new();
    };
    let expected: Vec<Expected> = serde_json::from_str(&text).expect("flufl expected.json");
    expected
        .into_iter()
        .flat_map(|e| {
            let file = e.file.clone();
            e.addresses.into_iter().map(move |a| Label {
                file: file.clone(),
                recipient: Some(a),
                reason: String::new(),
                // A temporary failure must never be hard; a permanent one
                // may be either, so it is not scored for hardness.
                hard: if e.temporary { Some(false) } else { None },
            })
        })
        .collect()
}

fn flufl_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SEALPOST_FLUFL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus/bounces-flufl"));
    dir.join("expected.json").exists().then_some(dir)
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn score(dir: &Path, labels: &[Label]) -> Score {
    let verbose = std::env::var_os("BOUNCE_EVAL_VERBOSE").is_some();
    let mut cache: BTreeMap<String, Option<ParsedBounce>> = BTreeMap::new();
    let mut s = Score::default();
    for l in labels {
        let parsed = cache
            .entry(l.file.clone())
            .or_insert_with(|| {
                let raw = std::fs::read(dir.join(&l.file)).expect("fixture");
                parse(&raw).ok()
            })
            .clone()
            .unwrap_or_default();
        let Some(want) = l.recipient.as_deref() else {
            continue;
        };
        s.labels += 1;
        let hit = parsed.recipients.iter().find(|r| {
            r.address.as_deref().is_some_and(|a| same(a, want))
                || r.original_recipient
                    .as_deref()
                    .is_some_and(|a| same(a, want))
        });
        if hit.is_some() {
            s.found += 1;
        }
        let is_hard = match hit {
            Some(r) => r.kind == BounceKind::Hard,
            None => parsed.recipients.iter().any(|r| r.kind == BounceKind::Hard),
        };
        let got: Vec<String> = parsed
            .recipients
            .iter()
            .map(|r| {
                format!(
                    "{}={:?}/{} [{}] {}",
                    r.address.as_deref().unwrap_or("-"),
                    r.kind,
                    r.reason,
                    r.status.as_deref().unwrap_or(""),
                    r.diagnostic
                        .as_deref()
                        .unwrap_or("")
                        .chars()
                        .take(if verbose { 400 } else { 0 })
                        .collect::<String>()
                )
            })
            .collect();
        let mut miss = |why: &str| {
            s.misses.push(format!(
                "{why:<14} {} want {want} ({}) got {got:?}",
                l.file, l.reason
            ));
        };
        if hit.is_none() {
            miss("not found");
        }
        match l.hard {
            Some(true) => {
                s.hard += 1;
                if is_hard {
                    s.hard_as_hard += 1;
                } else {
                    miss("hard missed");
                }
            }
            Some(false) => {
                s.other += 1;
                if is_hard {
                    s.other_as_hard += 1;
                    miss("false hard");
                }
            }
            None => {}
        }
    }
    s
}

fn report() -> Vec<(String, Score)> {
    let mut out = vec![(
        "sisimai".to_string(),
        score(
            &root().join("tests/fixtures/bounces/sisimai"),
            &sisimai_labels(),
        ),
    )];
    let written = written_labels();
    if !written.is_empty() {
        out.push((
            "written".to_string(),
            score(&root().join("tests/fixtures/bounces/written"), &written),
        ));
    }
    if let Some(dir) = flufl_dir() {
        out.push(("flufl".to_string(), score(&dir, &flufl_labels(&dir))));
    }
    out
}

#[test]
fn bounce_figures_meet_the_targets_on_every_labelled_fixture() {
    let all = report();
    let verbose = std::env::var_os("BOUNCE_EVAL_VERBOSE").is_some();
    for (name, s) in &all {
        println!("{}", s.line(name));
        if verbose {
            for m in &s.misses {
                println!("    {m}");
            }
        }
    }
    let (_, sisimai) = &all[0];
    assert!(sisimai.labels >= 600, "{} labels", sisimai.labels);
    for (name, s) in &all {
        assert!(
            s.found_pct() >= 95.0,
            "{name}: recipient found {:.1}%",
            s.found_pct()
        );
        assert!(
            s.hard_pct() >= 95.0,
            "{name}: hard as hard {:.1}%",
            s.hard_pct()
        );
        assert!(
            s.other_pct() <= 2.0,
            "{name}: other as hard {:.1}%",
            s.other_pct()
        );
    }
}
