//! Offline verification of an audit log or a rotated series.
//!
//! Lines are checked in order; the first failure is returned with its file,
//! 1-based line number and a precise [`VerifyErrorKind`]. Per line, in this
//! order: JSON parses as an entry → `seq` is the expected one (a higher
//! `seq` whose expected predecessor appears later in the file is
//! *out of order*, otherwise a *gap*; a lower one is *out of order*) →
//! `hash` matches the canonical content (tampered content) → the line is
//! byte-for-byte canonical (added keys, whitespace) → `prev` equals the
//! hash of the previous line (deleted/reordered/replaced lines) → `ts` is
//! RFC 3339 → for checkpoints, `head == prev` and, given a public key, the
//! Ed25519 signature verifies.
//!
//! The first entry of the first file anchors the chain: `seq` 0 must have
//! the genesis `prev`; a later `seq` (older files removed by retention, or a
//! single rotated file checked alone) is accepted as an anchor and
//! reported (`from_genesis == false`). Lines after the last checkpoint are
//! protected by the hash chain only, not by a signature: truncating the
//! tail of the newest file is detectable only up to the last checkpoint;
//! `after_last_checkpoint` says how many entries are in that window.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::chain::{self, GENESIS_PREV, sha256_hex};
use super::checkpoint::PublicKey;
use super::event::{Checkpoint, Event};
use super::rotate;
use super::time::parse_rfc3339;

/// Why a line is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyErrorKind {
    Io(String),
    BadJson(String),
    MissingHash,
    /// Content changed after it was written.
    HashMismatch {
        recorded: String,
        computed: String,
    },
    /// Parsed fine and hashes, but is not the canonical serialization.
    NonCanonical,
    /// The line before this one is not the one it was chained to.
    PrevMismatch {
        recorded: String,
        expected: String,
    },
    /// Entries are missing (deleted lines or a missing file).
    SeqGap {
        expected: u64,
        found: u64,
    },
    /// Entries were reordered; `expected_at_line` is where the expected one sits.
    SeqOutOfOrder {
        expected: u64,
        found: u64,
        expected_at_line: Option<u64>,
    },
    BadTimestamp(String),
    CheckpointHeadMismatch,
    BadCheckpointSignature(String),
    /// The file does not end with `\n` (torn write or truncation).
    IncompleteLine,
}

impl fmt::Display for VerifyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VerifyErrorKind::*;
        match self {
            Io(e) => write!(f, "cannot read: {e}"),
            BadJson(e) => write!(f, "bad JSON: {e}"),
            MissingHash => write!(f, "entry has no hash"),
            HashMismatch { recorded, computed } => {
                write!(
                    f,
                    "hash mismatch (content tampered): recorded {recorded}, computed {computed}"
                )
            }
            NonCanonical => write!(f, "line is not in canonical form (edited)"),
            PrevMismatch { recorded, expected } => write!(
                f,
                "prev mismatch (line deleted, inserted or reordered before this one): recorded {recorded}, expected {expected}"
            ),
            SeqGap { expected, found } => write!(
                f,
                "seq gap: expected {expected}, found {found} (entries deleted)"
            ),
            SeqOutOfOrder {
                expected,
                found,
                expected_at_line,
            } => {
                write!(
                    f,
                    "seq out of order: expected {expected}, found {found} (lines reordered"
                )?;
                match expected_at_line {
                    Some(l) => write!(f, "; seq {expected} is at line {l})"),
                    None => write!(f, ")"),
                }
            }
            BadTimestamp(ts) => write!(f, "bad timestamp {ts:?}"),
            CheckpointHeadMismatch => write!(f, "checkpoint head differs from prev"),
            BadCheckpointSignature(why) => write!(f, "bad checkpoint signature: {why}"),
            IncompleteLine => write!(f, "incomplete last line (no trailing newline)"),
        }
    }
}

/// The first broken or missing entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {kind}", file.display())]
pub struct VerifyError {
    pub file: PathBuf,
    /// 1-based line number; 0 when the file itself cannot be read.
    pub line: u64,
    pub kind: VerifyErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub path: PathBuf,
    pub lines: u64,
}

/// What an intact log contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub files: Vec<FileSummary>,
    pub entries: u64,
    pub checkpoints: u64,
    /// Checkpoint signatures checked against a public key.
    pub signatures_verified: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// SHA-256 of the last line: the chain head.
    pub head: Option<String>,
    /// True when the chain starts at seq 0 with the genesis `prev`.
    pub from_genesis: bool,
    /// Entries after the last checkpoint (covered by no signature).
    pub after_last_checkpoint: u64,
}

struct Verifier<'a> {
    pubkey: Option<&'a PublicKey>,
    next_seq: Option<u64>,
    report: VerifyReport,
}

#[derive(Deserialize)]
struct SeqOnly {
    seq: u64,
}

impl Verifier<'_> {
    fn file(&mut self, path: &Path) -> Result<(), VerifyError> {
        let data = fs::read(path).map_err(|e| VerifyError {
            file: path.to_path_buf(),
            line: 0,
            kind: VerifyErrorKind::Io(e.to_string()),
        })?;
        let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
        let complete = lines.last().is_some_and(|l| l.is_empty());
        if complete {
            lines.pop();
        }
        for (i, line) in lines.iter().enumerate() {
            let lineno = i as u64 + 1;
            let err = |kind| VerifyError {
                file: path.to_path_buf(),
                line: lineno,
                kind,
            };
            if !complete && i + 1 == lines.len() {
                return Err(err(VerifyErrorKind::IncompleteLine));
            }
            self.line(line, &lines[i + 1..], lineno).map_err(err)?;
        }
        self.report.files.push(FileSummary {
            path: path.to_path_buf(),
            lines: lines.len() as u64,
        });
        Ok(())
    }

    fn line(&mut self, bytes: &[u8], rest: &[&[u8]], lineno: u64) -> Result<(), VerifyErrorKind> {
        use VerifyErrorKind::*;
        let entry = chain::decode(bytes).map_err(|e| BadJson(e.to_string()))?;
        self.check_seq(entry.seq, rest, lineno)?;
        let recorded = entry.hash.clone().ok_or(MissingHash)?;
        let computed = chain::content_hash(&entry).map_err(|e| BadJson(e.to_string()))?;
        if recorded != computed {
            return Err(HashMismatch { recorded, computed });
        }
        if serde_json::to_vec(&entry).ok().as_deref() != Some(bytes) {
            return Err(NonCanonical);
        }
        let expected = match (&self.report.head, entry.seq) {
            (Some(head), _) => Some(head.clone()),
            (None, 0) => Some(GENESIS_PREV.to_owned()),
            (None, _) => None, // anchor after retention
        };
        if let Some(expected) = expected
            && entry.prev != expected
        {
            return Err(PrevMismatch {
                recorded: entry.prev,
                expected,
            });
        }
        if parse_rfc3339(&entry.ts).is_none() {
            return Err(BadTimestamp(entry.ts));
        }
        if let Event::Checkpoint(cp) = &entry.event {
            self.checkpoint(entry.seq, &entry.ts, &entry.prev, cp)?;
            self.report.after_last_checkpoint = 0;
        } else {
            self.report.after_last_checkpoint += 1;
        }
        let r = &mut self.report;
        if r.first_seq.is_none() {
            r.first_seq = Some(entry.seq);
            r.from_genesis = entry.seq == 0;
        }
        r.last_seq = Some(entry.seq);
        r.entries += 1;
        r.head = Some(sha256_hex(bytes));
        self.next_seq = Some(entry.seq + 1);
        Ok(())
    }

    fn check_seq(&self, seq: u64, rest: &[&[u8]], lineno: u64) -> Result<(), VerifyErrorKind> {
        let Some(expected) = self.next_seq else {
            return Ok(());
        };
        if seq == expected {
            return Ok(());
        }
        let later = rest
            .iter()
            .position(|l| serde_json::from_slice::<SeqOnly>(l).is_ok_and(|s| s.seq == expected));
        if seq < expected || later.is_some() {
            return Err(VerifyErrorKind::SeqOutOfOrder {
                expected,
                found: seq,
                expected_at_line: later.map(|i| lineno + 1 + i as u64),
            });
        }
        Err(VerifyErrorKind::SeqGap {
            expected,
            found: seq,
        })
    }

    fn checkpoint(
        &mut self,
        seq: u64,
        ts: &str,
        prev: &str,
        cp: &Checkpoint,
    ) -> Result<(), VerifyErrorKind> {
        if cp.head != prev {
            return Err(VerifyErrorKind::CheckpointHeadMismatch);
        }
        if let Some(pk) = self.pubkey {
            pk.verify(seq, ts, cp)
                .map_err(VerifyErrorKind::BadCheckpointSignature)?;
            self.report.signatures_verified += 1;
        }
        self.report.checkpoints += 1;
        Ok(())
    }
}

/// Verifies one file. With `pubkey`, checkpoint signatures are checked too.
pub fn verify(path: &Path, pubkey: Option<&PublicKey>) -> Result<VerifyReport, VerifyError> {
    verify_series(&[path.to_path_buf()], pubkey)
}

/// Verifies files that form one chain, oldest first (see [`rotate::series`]).
pub fn verify_series(
    paths: &[PathBuf],
    pubkey: Option<&PublicKey>,
) -> Result<VerifyReport, VerifyError> {
    let mut v = Verifier {
        pubkey,
        next_seq: None,
        report: VerifyReport::default(),
    };
    for path in paths {
        v.file(path)?;
    }
    Ok(v.report)
}

/// `sealpost audit verify FILE [--pubkey KEY.pub]`: exit code and message.
///
/// If `FILE` has rotated siblings (`FILE.<20 digits>`) the whole series is
/// verified, oldest first. Exit 0: intact; 1: broken (message names file
/// and line); 2: cannot read the log or the key.
pub fn verify_cli(path: &Path, pubkey: Option<&Path>) -> (i32, String) {
    let pk = match pubkey.map(PublicKey::from_file).transpose() {
        Ok(pk) => pk,
        Err(e) => return (2, format!("audit verify: {e}")),
    };
    let files = match rotate::list_rotated(path) {
        Ok(rotated) if !rotated.is_empty() => rotate::series(path).unwrap_or_default(),
        _ => vec![path.to_path_buf()],
    };
    match verify_series(&files, pk.as_ref()) {
        Ok(r) => (0, summary(&r, pk.is_some())),
        Err(
            e @ VerifyError {
                kind: VerifyErrorKind::Io(_),
                ..
            },
        ) => (2, format!("audit verify: {e}")),
        Err(e) => (1, format!("audit log BROKEN at {e}")),
    }
}

fn summary(r: &VerifyReport, signed: bool) -> String {
    let range = match (r.first_seq, r.last_seq) {
        (Some(a), Some(b)) => format!("seq {a}..={b}"),
        _ => "empty".to_owned(),
    };
    let mut msg = format!(
        "audit log intact: {} entries ({range}) in {} file(s), {} checkpoint(s)",
        r.entries,
        r.files.len(),
        r.checkpoints
    );
    if signed {
        msg.push_str(&format!(
            ", {} signature(s) verified",
            r.signatures_verified
        ));
    } else {
        msg.push_str("; signatures NOT checked (no public key given)");
    }
    if r.after_last_checkpoint > 0 {
        msg.push_str(&format!(
            "; {} entries after the last checkpoint",
            r.after_last_checkpoint
        ));
    }
    if r.entries > 0 && !r.from_genesis {
        msg.push_str("; chain does not start at seq 0 (older files removed by retention?)");
    }
    msg
}
