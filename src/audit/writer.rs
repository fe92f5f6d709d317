//! The audit writer: one dedicated thread owns the file.
//!
//! ## Flow
//! Callers ([`super::AuditLog`]) send requests over an unbounded channel to
//! the `audit-writer` thread, which alone assigns `seq`, computes `prev`
//! and writes. It blocks for the first request, then drains whatever else
//! is queued (up to `max_batch`) and writes the whole batch into a
//! `BufWriter`. If the batch holds any durable append (or flush), it does
//! **one** `fdatasync` and only then answers all durable waiters of the
//! batch: group commit — requests arriving during a sync form the next
//! batch. Buffered appends are answered as soon as their line is written to
//! the buffer; they become durable on the next durable append, or after
//! `flush_interval` of inactivity, or at close.
//!
//! ## Invariants
//! * A durable append returns `Ok(seq)` only after its line (and every
//!   earlier line) has been `fdatasync`ed.
//! * After any write or sync error the writer is *failed*: every later
//!   request gets [`AuditError::Failed`] (after an fsync error the kernel
//!   may have dropped dirty pages; retrying would lie).
//! * Every `checkpoint_every` entries, before each rotation and at close,
//!   a signed checkpoint is written (unless the last entry already is one).
//! * On restart the chain resumes from the last intact line. A damaged
//!   tail — a partial last line, or lines a power loss left torn, zeroed
//!   or unchained (appends not yet synced can reach the disk partly and
//!   in any order) — is cut, its bytes kept beside the log as
//!   `<log>.torn-<ms>`, and the repair is itself the first entry written
//!   (`admin_action` `audit_repair`, with the cut's size and SHA-256), so
//!   the chain verifies after every restart and the cut stays on record.
//!   Damage reaching further back than [`REPAIR_WINDOW`] bytes is no torn
//!   tail: the log is not opened, and the error says why.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Instant, SystemTime};

use tokio::sync::oneshot;

use super::chain::{self, GENESIS_PREV, sha256_hex};
use super::checkpoint::NodeKey;
use super::event::{AdminAction, Event};
use super::rotate;
use super::time::{parse_rfc3339, rfc3339};
use super::{AuditConfig, AuditError, Stats};

pub(crate) type Reply = oneshot::Sender<Result<u64, AuditError>>;
/// A written append and the reply it gets once its sync is known.
type Answer = (Reply, Result<u64, AuditError>);

/// When an append is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Once the line is in the buffer; on disk within `flush_interval`.
    Buffered,
    /// Once the line is on disk; the sync may wait up to `gather` for
    /// more lines (results nobody is waiting on the wire for).
    Gathered,
    /// Once the line is on disk, with the batch's sync (a 250 waits).
    Now,
}

pub(crate) enum Request {
    Append {
        event: Event,
        durability: Durability,
        reply: Reply,
    },
    Flush {
        reply: Reply,
    },
    Close {
        reply: Reply,
    },
}

pub(crate) struct Writer {
    cfg: AuditConfig,
    key: NodeKey,
    out: BufWriter<File>,
    bytes: u64,
    opened_at: SystemTime,
    file_first_seq: Option<u64>,
    next_seq: u64,
    prev: String,
    last_was_checkpoint: bool,
    since_checkpoint: u64,
    dirty: bool,
    failed: Option<String>,
    stats: Arc<Stats>,
    /// Written `Gathered` appends waiting for the sync due at `.0`.
    gathered: Option<(Instant, Vec<Answer>)>,
}

/// Where the chain stands at the end of an existing file.
struct Tail {
    next_seq: u64,
    prev: String,
    last_was_checkpoint: bool,
}

impl Writer {
    pub(crate) fn open(
        cfg: AuditConfig,
        key: NodeKey,
        stats: Arc<Stats>,
    ) -> Result<Self, AuditError> {
        if let Some(dir) = cfg.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::util::durable::create_dir_all(dir)?;
        }
        let (file_first_seq, opened_at, tail, repair) = recover_current(&cfg.path)?;
        let tail = match tail {
            Some(t) => t,
            None => recover_from_rotated(&cfg.path)?,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&cfg.path)?;
        let bytes = file.metadata()?.len();
        rotate::sync_dir(&cfg.path)?;
        let mut w = Writer {
            out: BufWriter::with_capacity(64 * 1024, file),
            bytes,
            opened_at,
            file_first_seq,
            next_seq: tail.next_seq,
            prev: tail.prev,
            last_was_checkpoint: tail.last_was_checkpoint,
            since_checkpoint: 0,
            dirty: false,
            failed: None,
            cfg,
            key,
            stats,
            gathered: None,
        };
        w.sweep_retention();
        if let Some(repair) = repair {
            let ev = Event::AdminAction(AdminAction {
                action: "audit_repair".into(),
                target: Some(repair),
                actor: "sealpost".into(),
            });
            w.write_line(rfc3339(SystemTime::now()), ev)?;
        }
        w.sync()?;
        Ok(w)
    }

    /// Thread body: batch, write, one sync per batch, answer.
    pub(crate) fn run(mut self, rx: Receiver<Request>) {
        loop {
            // Gathered appends wait for their due time; buffered ones for
            // `flush_interval`: whichever comes first.
            let gather = self
                .gathered
                .as_ref()
                .map(|(due, _)| due.saturating_duration_since(Instant::now()));
            let flush = self.dirty.then_some(self.cfg.flush_interval);
            let wait = match (gather, flush) {
                (Some(g), Some(f)) => Some(g.min(f)),
                (g, f) => g.or(f),
            };
            let first = if let Some(wait) = wait {
                match rx.recv_timeout(wait) {
                    Ok(r) => r,
                    Err(RecvTimeoutError::Timeout) => {
                        let r = self.sync();
                        if let Err(e) = &r {
                            tracing::error!(error = %e, "audit log periodic sync failed");
                        }
                        self.answer_gathered(&r);
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            } else {
                match rx.recv() {
                    Ok(r) => r,
                    Err(_) => break,
                }
            };
            let mut batch = vec![first];
            while batch.len() < self.cfg.max_batch.max(1) {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            if self.process(batch) {
                return;
            }
        }
        let r = self.close();
        if let Err(e) = &r {
            tracing::error!(error = %e, "audit log close failed");
        }
        self.answer_gathered(&r.map(|_| ()));
    }

    /// Answer the gathered appends after a sync (or its failure).
    fn answer_gathered(&mut self, synced: &Result<(), AuditError>) {
        if let Some((_, waiters)) = self.gathered.take() {
            answer(waiters, synced);
        }
    }

    /// Handles one batch; returns true when the log was closed.
    fn process(&mut self, batch: Vec<Request>) -> bool {
        let mut waiters: Vec<Answer> = Vec::new();
        let mut closing: Option<Reply> = None;
        for req in batch {
            match req {
                _ if closing.is_some() => reply_closed(req),
                Request::Append {
                    event,
                    durability,
                    reply,
                } => {
                    let r = self.append_event(event);
                    match durability {
                        Durability::Now => waiters.push((reply, r)),
                        Durability::Buffered => {
                            let _ = reply.send(r);
                        }
                        Durability::Gathered => {
                            let due = Instant::now() + self.cfg.gather;
                            self.gathered
                                .get_or_insert_with(|| (due, Vec::new()))
                                .1
                                .push((reply, r));
                        }
                    }
                }
                Request::Flush { reply } => waiters.push((reply, Ok(self.next_seq))),
                Request::Close { reply } => closing = Some(reply),
            }
        }
        let gather_due = self
            .gathered
            .as_ref()
            .is_some_and(|(due, _)| *due <= Instant::now());
        let synced = match closing {
            Some(_) => self.close(),
            None if !waiters.is_empty() || gather_due => self.sync(),
            None => Ok(()),
        };
        // A sync made the gathered lines durable too.
        if closing.is_some() || !waiters.is_empty() || gather_due {
            self.answer_gathered(&synced);
        }
        answer(waiters, &synced);
        match closing {
            Some(reply) => {
                let _ = reply.send(synced.map(|()| self.next_seq));
                true
            }
            None => false,
        }
    }

    fn check_failed(&self) -> Result<(), AuditError> {
        match &self.failed {
            Some(msg) => Err(AuditError::Failed(msg.clone())),
            None => Ok(()),
        }
    }

    /// Records an I/O failure: the writer refuses all later work.
    fn guard<T>(&mut self, r: io::Result<T>) -> Result<T, AuditError> {
        r.map_err(|e| {
            tracing::error!(error = %e, path = %self.cfg.path.display(), "audit log write failed");
            self.failed = Some(e.to_string());
            AuditError::Io(e)
        })
    }

    fn append_event(&mut self, event: Event) -> Result<u64, AuditError> {
        self.check_failed()?;
        if matches!(event, Event::Checkpoint(_)) {
            return Err(AuditError::Reserved);
        }
        if self.should_rotate() {
            self.rotate()?;
        }
        let seq = self.write_line(rfc3339(SystemTime::now()), event)?;
        if self.since_checkpoint >= self.cfg.checkpoint_every.max(1) {
            self.write_checkpoint()?;
        }
        Ok(seq)
    }

    fn write_line(&mut self, ts: String, event: Event) -> Result<u64, AuditError> {
        self.check_failed()?;
        let seq = self.next_seq;
        let is_checkpoint = matches!(event, Event::Checkpoint(_));
        let line = chain::encode(seq, ts, event, self.prev.clone()).map_err(AuditError::Encode)?;
        let r = self
            .out
            .write_all(&line)
            .and_then(|()| self.out.write_all(b"\n"));
        self.guard(r)?;
        self.prev = sha256_hex(&line);
        self.next_seq += 1;
        self.bytes += line.len() as u64 + 1;
        self.dirty = true;
        self.file_first_seq.get_or_insert(seq);
        self.last_was_checkpoint = is_checkpoint;
        if is_checkpoint {
            self.since_checkpoint = 0;
            self.stats.checkpoints.fetch_add(1, Relaxed);
        } else {
            self.since_checkpoint += 1;
        }
        self.stats.entries.fetch_add(1, Relaxed);
        Ok(seq)
    }

    fn write_checkpoint(&mut self) -> Result<u64, AuditError> {
        let ts = rfc3339(SystemTime::now());
        let cp = self.key.checkpoint(self.next_seq, &ts, &self.prev);
        self.write_line(ts, Event::Checkpoint(cp))
    }

    /// flush + fdatasync; no-op when nothing was written since the last one.
    fn sync(&mut self) -> Result<(), AuditError> {
        self.check_failed()?;
        if !self.dirty {
            return Ok(());
        }
        let r = self
            .out
            .flush()
            .and_then(|()| self.out.get_ref().sync_data());
        self.guard(r)?;
        self.dirty = false;
        self.stats.syncs.fetch_add(1, Relaxed);
        Ok(())
    }

    fn close(&mut self) -> Result<(), AuditError> {
        self.check_failed()?;
        if self.next_seq > 0 && !self.last_was_checkpoint {
            self.write_checkpoint()?;
        }
        self.sync()
    }

    fn should_rotate(&self) -> bool {
        if self.file_first_seq.is_none() {
            return false;
        }
        let by_size = self
            .cfg
            .rotate_max_bytes
            .is_some_and(|max| self.bytes >= max);
        let age = SystemTime::now()
            .duration_since(self.opened_at)
            .unwrap_or_default();
        let by_age = self.cfg.rotate_max_age.is_some_and(|max| age >= max);
        by_size || by_age
    }

    /// Closes the current file with a checkpoint, renames it to
    /// `<path>.<first_seq>` and continues the chain in a fresh file.
    fn rotate(&mut self) -> Result<(), AuditError> {
        let Some(first_seq) = self.file_first_seq else {
            return Ok(());
        };
        self.close()?;
        let target = rotate::rotated_name(&self.cfg.path, first_seq);
        let r = fs::rename(&self.cfg.path, &target)
            .and_then(|()| {
                OpenOptions::new()
                    .create_new(true)
                    .append(true)
                    .open(&self.cfg.path)
            })
            .and_then(|f| rotate::sync_dir(&self.cfg.path).map(|()| f));
        let file = self.guard(r)?;
        self.out = BufWriter::with_capacity(64 * 1024, file);
        self.bytes = 0;
        self.opened_at = SystemTime::now();
        self.file_first_seq = None;
        self.stats.rotations.fetch_add(1, Relaxed);
        tracing::info!(rotated = %target.display(), next_seq = self.next_seq, "audit log rotated");
        self.sweep_retention();
        Ok(())
    }

    /// Applies retention and records each deletion in the log itself.
    fn sweep_retention(&mut self) {
        let Some(retention) = self.cfg.retention else {
            return;
        };
        match rotate::sweep(&self.cfg.path, retention, SystemTime::now()) {
            Ok(deleted) => {
                for path in deleted {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    let ev = Event::AdminAction(AdminAction {
                        action: "retention_delete".into(),
                        target: name,
                        actor: "sealpost".into(),
                    });
                    if let Err(e) = self.write_line(rfc3339(SystemTime::now()), ev) {
                        tracing::error!(error = %e, "could not record retention deletion");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "audit retention sweep failed"),
        }
    }
}

/// Answer written appends once their sync is known: a failed sync fails
/// every append it was to make durable.
fn answer(waiters: Vec<Answer>, synced: &Result<(), AuditError>) {
    let sync_err = synced.as_ref().err().map(|e| e.to_string());
    for (reply, r) in waiters {
        let r = match (&sync_err, r) {
            (Some(e), Ok(_)) => Err(AuditError::Failed(e.clone())),
            (_, r) => r,
        };
        let _ = reply.send(r);
    }
}

fn reply_closed(req: Request) {
    let reply = match req {
        Request::Append { reply, .. } | Request::Flush { reply } | Request::Close { reply } => {
            reply
        }
    };
    let _ = reply.send(Err(AuditError::Closed));
}

/// How far back from the end of the current file a damaged tail may
/// reach and still be repaired at open: more than a power loss can tear
/// (everything appended since the last sync, bounded by `max_batch` lines
/// and the 64 KiB write buffer), far less than a file.
pub const REPAIR_WINDOW: u64 = 4 << 20;

/// Reads the current file: its first entry's seq and time, the chain tail,
/// and — when a damaged tail was cut — what to record about the repair.
/// `None` tail if the file is empty (or was all damage).
#[allow(clippy::type_complexity)]
fn recover_current(
    path: &Path,
) -> Result<(Option<u64>, SystemTime, Option<Tail>, Option<String>), AuditError> {
    let now = SystemTime::now();
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((None, now, None, None)),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    let check = check_tail(&mut file, len)?;
    let repair = match check.damage_at {
        None => None,
        Some((_, ref why)) if check.unrepairable => {
            return Err(corrupt(
                path,
                0,
                format!(
                    "damaged ({why}) further back than the last {REPAIR_WINDOW} bytes, \
                     which is not a torn tail; move the file aside after checking it"
                ),
            ));
        }
        Some((at, why)) => Some(cut_tail(path, &mut file, at, len, &why)?),
    };
    let Some(last) = check.last_valid else {
        return Ok((None, now, None, repair));
    };
    file.seek(SeekFrom::Start(0))?;
    let mut first = Vec::new();
    BufReader::new(&mut file).read_until(b'\n', &mut first)?;
    let first = chain::decode(first.trim_ascii_end()).map_err(|e| corrupt(path, 1, e))?;
    let opened_at = parse_rfc3339(&first.ts).unwrap_or(now);
    let tail = tail_of(path, &last)?;
    Ok((Some(first.seq), opened_at, Some(tail), repair))
}

/// What the end of the current file looks like.
struct TailCheck {
    /// The last line that is intact and chained to the one before it.
    last_valid: Option<Vec<u8>>,
    /// Offset of the first damaged byte (the start of the first bad line)
    /// and why it is bad.
    damage_at: Option<(u64, String)>,
    /// The damage starts where the checked window starts: it may reach
    /// further back, so it is not a torn tail.
    unrepairable: bool,
}

/// Checks the lines of the last [`REPAIR_WINDOW`] bytes: each must be an
/// intact entry (decodes, hash matches, canonical) chained to the one
/// before it (`prev`, `seq + 1`), and end with `\n`.
fn check_tail(file: &mut File, len: u64) -> io::Result<TailCheck> {
    let start = len.saturating_sub(REPAIR_WINDOW);
    let mut buf = Vec::with_capacity((len - start) as usize);
    file.seek(SeekFrom::Start(start))?;
    Read::by_ref(file).take(len - start).read_to_end(&mut buf)?;
    // A window that starts mid-line begins after the next newline.
    let mut pos = if start == 0 {
        0
    } else {
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => i + 1,
            None => buf.len(),
        }
    };
    let window_start = start + pos as u64;
    let mut out = TailCheck {
        last_valid: None,
        damage_at: None,
        unrepairable: false,
    };
    let mut prev: Option<(u64, String)> = None;
    while pos < buf.len() {
        let at = start + pos as u64;
        let Some(nl) = buf[pos..].iter().position(|b| *b == b'\n') else {
            out.damage_at = Some((at, "incomplete last line".into()));
            break;
        };
        let line = &buf[pos..pos + nl];
        match chain::check_line(line, prev.as_ref().map(|(s, h)| (*s, h.as_str()))) {
            Ok(seq) => {
                prev = Some((seq, sha256_hex(line)));
                out.last_valid = Some(line.to_vec());
            }
            Err(why) => {
                out.damage_at = Some((at, why));
                break;
            }
        }
        pos += nl + 1;
    }
    if let Some((at, _)) = &out.damage_at {
        out.unrepairable = start > 0 && *at == window_start;
    }
    Ok(out)
}

/// Cut the file at `at`, keeping the cut bytes in `<path>.torn-<ms>`;
/// returns the description recorded in the `audit_repair` entry.
fn cut_tail(
    path: &Path,
    file: &mut File,
    at: u64,
    len: u64,
    why: &str,
) -> Result<String, AuditError> {
    let mut cut = Vec::with_capacity((len - at) as usize);
    file.seek(SeekFrom::Start(at))?;
    Read::by_ref(file).take(len - at).read_to_end(&mut cut)?;
    let mut kept = path.as_os_str().to_owned();
    kept.push(format!(".torn-{}", crate::util::now_ms()));
    let kept = std::path::PathBuf::from(kept);
    crate::util::durable_write(&kept, &cut, 0o600)?;
    file.set_len(at)?;
    file.sync_all()?;
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let what = format!(
        "{}: cut {} bytes at offset {at} ({why}); kept as {} (sha256 {})",
        name(path),
        cut.len(),
        name(&kept),
        sha256_hex(&cut)
    );
    tracing::warn!(path = %path.display(), cut_bytes = cut.len(), offset = at, reason = why, kept = %kept.display(), "audit log: damaged tail cut (recorded in the log)");
    Ok(what)
}

/// Chain tail from the newest rotated file (current file empty or absent).
fn recover_from_rotated(path: &Path) -> Result<Tail, AuditError> {
    let genesis = Tail {
        next_seq: 0,
        prev: GENESIS_PREV.to_owned(),
        last_was_checkpoint: false,
    };
    let Some((_, newest)) = rotate::list_rotated(path)?.pop() else {
        return Ok(genesis);
    };
    let mut file = File::open(&newest)?;
    match last_line(&mut file)?.0 {
        Some(last) => tail_of(&newest, &last),
        None => Ok(genesis),
    }
}

fn tail_of(path: &Path, last: &[u8]) -> Result<Tail, AuditError> {
    let entry = chain::decode(last).map_err(|e| corrupt(path, 0, e))?;
    Ok(Tail {
        next_seq: entry.seq + 1,
        prev: sha256_hex(last),
        last_was_checkpoint: matches!(entry.event, Event::Checkpoint(_)),
    })
}

fn corrupt(path: &Path, line: u64, e: impl std::fmt::Display) -> AuditError {
    AuditError::Corrupt {
        path: path.to_path_buf(),
        reason: format!("line {line} (0 = last): {e}; run `sealpost audit verify`"),
    }
}

/// Last complete line (without `\n`) and the length of the file up to and
/// including its last `\n`. Reads backwards in growing chunks.
fn last_line(file: &mut File) -> io::Result<(Option<Vec<u8>>, u64)> {
    let len = file.metadata()?.len();
    let mut chunk = 8 * 1024u64;
    loop {
        let start = len.saturating_sub(chunk);
        let mut buf = Vec::with_capacity((len - start) as usize);
        file.seek(SeekFrom::Start(start))?;
        Read::by_ref(file).take(len - start).read_to_end(&mut buf)?;
        let newlines: Vec<usize> = buf
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        match newlines.as_slice() {
            [.., a, b] => return Ok((Some(buf[a + 1..*b].to_vec()), start + *b as u64 + 1)),
            [b] if start == 0 => return Ok((Some(buf[..*b].to_vec()), *b as u64 + 1)),
            [] if start == 0 => return Ok((None, 0)),
            _ => chunk *= 4,
        }
    }
}
