//! The delivery log: `<spool>/delivered.log`, an append-only record of
//! final delivery results, made durable by group commit.
//!
//! Why: sled holds per-recipient state, but sled persists an update only at
//! its next flush and its flush is not proven to reach the disk
//! (DESIGN.md, "sled rules"). After a crash, and even more after a power
//! loss, a recipient the remote server already accepted with `250` would
//! look queued again and be sent twice. This log closes that window: a
//! final result (delivered, failed, message removed) is appended as soon as
//! it is known and fdatasync'd within one or two syncs; start-up applies it
//! before anything is scheduled.
//!
//! Flow: `append` writes the records at once (so a `kill -9` right after
//! loses nothing: the bytes are in the page cache) and wakes the
//! `spool-delivered` thread, which fdatasyncs once for everything written
//! since its last sync — group commit with no added delay: records
//! written while a sync runs share the next one. `wait_durable` resolves
//! when a given offset is on disk (callers may await it or not).
//!
//! Record (28 bytes, big-endian): tag `0xD1` ‖ status u8 ‖ 2 zero bytes ‖
//! recipient index u32 (`u32::MAX`: the whole message) ‖ queue id u64 ‖
//! segment u64 ‖ CRC-32 of the 24 bytes before it. A record whose tag or
//! CRC does not match ends the readable log: it is a torn tail (the bytes
//! after the last sync can reach the disk partly, in any order) and is cut
//! at start-up. Losing an unsynced record only means a repeated delivery,
//! never a lost message: records only ever make a recipient final.
//!
//! Compaction: a record is needed only while its segment exists (once the
//! segment file is gone, recovery cannot bring the message back). When the
//! log passes a threshold, the thread fsyncs the segment directory (so the
//! removals are durable first) and rewrites the log crash-safely with the
//! records of segments still present.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::SpoolError;
use super::segment;
use super::types::{QueueId, RcptStatus};

pub const FILE_NAME: &str = "delivered.log";
const TAG: u8 = 0xD1;
pub const RECORD_LEN: usize = 28;
/// Recipient index meaning "the whole message" (removed without delivery).
pub const WHOLE_MESSAGE: u32 = u32::MAX;
/// Compact once the log is this large (about 150,000 records)…
const COMPACT_MIN_BYTES: u64 = 4 << 20;

/// What a record says about one recipient (or the whole message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Final {
    Delivered,
    Failed,
    Bounced,
    /// The message left the queue without (further) delivery: deleted by
    /// an operator, or withdrawn before its `250` was sent.
    Removed,
}

impl Final {
    fn code(self) -> u8 {
        match self {
            Final::Delivered => 1,
            Final::Failed => 2,
            Final::Bounced => 3,
            Final::Removed => 4,
        }
    }

    fn from_code(c: u8) -> Option<Final> {
        Some(match c {
            1 => Final::Delivered,
            2 => Final::Failed,
            3 => Final::Bounced,
            4 => Final::Removed,
            _ => return None,
        })
    }

    /// The recipient status this record stands for.
    pub fn status(self) -> RcptStatus {
        match self {
            Final::Delivered => RcptStatus::Delivered,
            Final::Failed | Final::Removed => RcptStatus::Failed,
            Final::Bounced => RcptStatus::Bounced,
        }
    }

    /// The record for a recipient that reached `status`, if it is final.
    pub fn of(status: RcptStatus) -> Option<Final> {
        match status {
            RcptStatus::Queued => None,
            RcptStatus::Delivered => Some(Final::Delivered),
            RcptStatus::Failed => Some(Final::Failed),
            RcptStatus::Bounced => Some(Final::Bounced),
        }
    }
}

/// One record of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: QueueId,
    /// Recipient index, or [`WHOLE_MESSAGE`].
    pub rcpt: u32,
    pub status: Final,
    /// The segment holding the message (for compaction).
    pub segment: u64,
}

impl Entry {
    pub fn encode(&self) -> [u8; RECORD_LEN] {
        let mut b = [0u8; RECORD_LEN];
        b[0] = TAG;
        b[1] = self.status.code();
        b[4..8].copy_from_slice(&self.rcpt.to_be_bytes());
        b[8..16].copy_from_slice(&self.id.to_be_bytes());
        b[16..24].copy_from_slice(&self.segment.to_be_bytes());
        let crc = crc32fast::hash(&b[..24]);
        b[24..28].copy_from_slice(&crc.to_be_bytes());
        b
    }

    /// None for anything but an intact record.
    pub fn decode(b: &[u8]) -> Option<Entry> {
        let b: &[u8; RECORD_LEN] = b.try_into().ok()?;
        let crc = u32::from_be_bytes([b[24], b[25], b[26], b[27]]);
        if b[0] != TAG || b[2..4] != [0, 0] || crc32fast::hash(&b[..24]) != crc {
            return None;
        }
        let u64_at = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[i..i + 8]);
            u64::from_be_bytes(a)
        };
        Some(Entry {
            status: Final::from_code(b[1])?,
            rcpt: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            id: u64_at(8),
            segment: u64_at(16),
        })
    }
}

/// The intact records at the start of `bytes` and the length they cover.
pub fn parse(bytes: &[u8]) -> (Vec<Entry>, usize) {
    let mut out = Vec::with_capacity(bytes.len() / RECORD_LEN);
    for chunk in bytes.chunks_exact(RECORD_LEN) {
        match Entry::decode(chunk) {
            Some(e) => out.push(e),
            None => break,
        }
    }
    let len = out.len() * RECORD_LEN;
    (out, len)
}

type Waiter = (u64, tokio::sync::oneshot::Sender<Result<(), SpoolError>>);

struct State {
    file: Arc<File>,
    /// End of the file as written (in the page cache at least).
    written: u64,
    /// Bytes appended since open: a logical position that, unlike the file
    /// length, keeps growing through compactions (waiters use it).
    appended: u64,
    /// Logical position known durable.
    synced: u64,
    waiters: Vec<Waiter>,
    /// A sync failed: the file's state is unknown, refuse further appends
    /// (they would claim durability the kernel may have dropped).
    failed: Option<String>,
    closed: bool,
    compact_at: u64,
    /// Largest segment number any record names (segment numbers must not
    /// be reused while a record might still name them).
    max_segment: u64,
}

struct Shared {
    path: PathBuf,
    seg_dir: PathBuf,
    state: Mutex<State>,
    work: Condvar,
    syncs: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn lock(&self) -> Result<MutexGuard<'_, State>, SpoolError> {
        self.state.lock().map_err(|_| SpoolError::Closed)
    }
}

/// Handle to the delivery log; the spool owns one.
pub struct DeliveryLog {
    shared: Arc<Shared>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl DeliveryLog {
    /// Open (creating) `<dir>/delivered.log`: returns the log and its
    /// intact records, oldest first. A torn tail is cut (and reported).
    pub fn open(dir: &Path, seg_dir: &Path) -> Result<(DeliveryLog, Vec<Entry>), SpoolError> {
        let path = dir.join(FILE_NAME);
        crate::util::durable::remove_stale_temps(&path);
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| SpoolError::io("opening delivery log", e))?;
        if !existed {
            file.sync_all()
                .and_then(|()| crate::util::durable::sync_dir(dir))
                .map_err(|e| SpoolError::io("creating delivery log", e))?;
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| SpoolError::io("reading delivery log", e))?;
        let (entries, valid) = parse(&bytes);
        if valid < bytes.len() {
            tracing::warn!(
                path = %path.display(),
                cut_bytes = bytes.len() - valid,
                records = entries.len(),
                "delivery log: torn tail cut (results not yet durable at the crash)"
            );
            file.set_len(valid as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| SpoolError::io("cutting delivery log tail", e))?;
        }
        let max_segment = entries.iter().map(|e| e.segment).max().unwrap_or(0);
        let valid = valid as u64;
        let shared = Arc::new(Shared {
            path,
            seg_dir: seg_dir.to_path_buf(),
            state: Mutex::new(State {
                file: Arc::new(file),
                written: valid,
                appended: 0,
                synced: 0,
                waiters: Vec::new(),
                failed: None,
                closed: false,
                compact_at: COMPACT_MIN_BYTES.max(2 * valid),
                max_segment,
            }),
            work: Condvar::new(),
            syncs: Default::default(),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("spool-delivered".into())
                .spawn(move || sync_loop(&shared))
                .map_err(|e| SpoolError::io("starting delivery log thread", e))?
        };
        let log = DeliveryLog {
            shared,
            thread: Mutex::new(Some(thread)),
        };
        Ok((log, entries))
    }

    /// Append records now (one write; durable within the next sync or
    /// two). Returns the offset to pass to [`Self::wait_durable`].
    pub fn append(&self, entries: &[Entry]) -> Result<u64, SpoolError> {
        let mut buf = Vec::with_capacity(entries.len() * RECORD_LEN);
        for e in entries {
            buf.extend_from_slice(&e.encode());
        }
        let mut st = self.shared.lock()?;
        if let Some(why) = &st.failed {
            return Err(SpoolError::io(
                "writing delivery log",
                std::io::Error::other(format!("unusable after an earlier error: {why}")),
            ));
        }
        if st.closed {
            return Err(SpoolError::Closed);
        }
        if buf.is_empty() {
            return Ok(st.appended);
        }
        let at = st.written;
        if let Err(e) = st.file.write_all_at(&buf, at) {
            // A partial record would end the readable log at start-up
            // and hide later ones: cut it, and stop if that fails too.
            if st.file.set_len(at).is_err() {
                st.failed = Some(e.to_string());
            }
            return Err(SpoolError::io("writing delivery log", e));
        }
        st.written = at + buf.len() as u64;
        st.appended += buf.len() as u64;
        if let Some(s) = entries.iter().map(|e| e.segment).max() {
            st.max_segment = st.max_segment.max(s);
        }
        self.shared.work.notify_one();
        Ok(st.appended)
    }

    /// Resolves once everything appended up to `offset` (as returned by
    /// [`Self::append`]) is durable.
    pub async fn wait_durable(&self, offset: u64) -> Result<(), SpoolError> {
        let rx = {
            let mut st = self.shared.lock()?;
            if st.synced >= offset {
                return Ok(());
            }
            if let Some(why) = &st.failed {
                return Err(SpoolError::io(
                    "syncing delivery log",
                    std::io::Error::other(why.clone()),
                ));
            }
            let (tx, rx) = tokio::sync::oneshot::channel();
            st.waiters.push((offset, tx));
            self.shared.work.notify_one();
            rx
        };
        rx.await.map_err(|_| SpoolError::Closed)?
    }

    /// Largest segment number any record names.
    pub fn max_segment(&self) -> u64 {
        self.shared.lock().map(|s| s.max_segment).unwrap_or(0)
    }

    /// fdatasync calls so far (for tests and metrics).
    pub fn syncs(&self) -> u64 {
        self.shared.syncs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Rewrite the log now with the records of segments still present.
    pub fn compact(&self) -> Result<(), SpoolError> {
        let mut st = self.shared.lock()?;
        compact(&self.shared, &mut st)
    }

    /// Sync what is written and stop the thread.
    pub fn close(&self) {
        if let Ok(mut st) = self.shared.lock() {
            st.closed = true;
        }
        self.shared.work.notify_all();
        if let Ok(mut t) = self.thread.lock()
            && let Some(t) = t.take()
        {
            let _ = t.join();
        }
    }
}

impl Drop for DeliveryLog {
    fn drop(&mut self) {
        self.close();
    }
}

/// The thread: one fdatasync for everything written since the last one.
fn sync_loop(shared: &Shared) {
    let Ok(mut st) = shared.state.lock() else {
        return;
    };
    loop {
        while st.appended == st.synced && !st.closed {
            // Waiters for offsets already synced were answered; any left
            // wait for bytes still to come.
            st = match shared.work.wait(st) {
                Ok(g) => g,
                Err(_) => return,
            };
        }
        if st.appended == st.synced && st.closed {
            answer(&mut st, Err(()));
            return;
        }
        if st.failed.is_some() {
            answer(&mut st, Err(()));
            if st.closed {
                return;
            }
            st = match shared.work.wait(st) {
                Ok(g) => g,
                Err(_) => return,
            };
            continue;
        }
        let target = st.appended;
        let file = st.file.clone();
        drop(st);
        let r = file.sync_data();
        shared
            .syncs
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        st = match shared.state.lock() {
            Ok(g) => g,
            Err(_) => return,
        };
        match r {
            // A compaction meanwhile replaced the file and synced it all.
            Ok(()) if !Arc::ptr_eq(&file, &st.file) => {}
            Ok(()) => st.synced = st.synced.max(target),
            Err(e) => {
                tracing::error!(error = %e, "delivery log sync failed; results are kept in sled only");
                st.failed = Some(e.to_string());
            }
        }
        answer(&mut st, Ok(()));
        if st.failed.is_none()
            && st.written >= st.compact_at
            && let Err(e) = compact(shared, &mut st)
        {
            tracing::error!(error = %e, "delivery log compaction failed");
            st.compact_at = st.written.saturating_mul(2);
        }
    }
}

/// Answer the waiters whose offset is durable (all of them on `Err`).
fn answer(st: &mut State, outcome: Result<(), ()>) {
    let synced = st.synced;
    let failed = st.failed.clone();
    let waiters = std::mem::take(&mut st.waiters);
    for (offset, tx) in waiters {
        if offset <= synced && outcome.is_ok() {
            let _ = tx.send(Ok(()));
        } else if outcome.is_err() || failed.is_some() {
            let why = failed.clone().unwrap_or_else(|| "closed".into());
            let _ = tx.send(Err(SpoolError::io(
                "syncing delivery log",
                std::io::Error::other(why),
            )));
        } else {
            st.waiters.push((offset, tx));
        }
    }
}

/// Keep only the records of segments that still exist, crash-safely.
fn compact(shared: &Shared, st: &mut State) -> Result<(), SpoolError> {
    // Removed segments must stay removed after a power loss before their
    // records are dropped, or their messages would come back as new.
    crate::util::durable::sync_dir(&shared.seg_dir)
        .map_err(|e| SpoolError::io("syncing segment directory", e))?;
    let mut bytes = vec![0u8; st.written as usize];
    st.file
        .read_exact_at(&mut bytes, 0)
        .map_err(|e| SpoolError::io("reading delivery log", e))?;
    let (entries, _) = parse(&bytes);
    let present: HashSet<u64> = segment::list_segments(&shared.seg_dir)?
        .into_iter()
        .collect();
    let mut kept = Vec::with_capacity(bytes.len());
    let mut n = 0usize;
    for e in entries.iter().filter(|e| present.contains(&e.segment)) {
        kept.extend_from_slice(&e.encode());
        n += 1;
    }
    crate::util::durable_write(&shared.path, &kept, 0o600)
        .map_err(|e| SpoolError::io("rewriting delivery log", e))?;
    // The new file holds every record now; if it cannot be opened, the
    // old handle writes to an unlinked file: stop rather than lose results.
    let reopened = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&shared.path)
        .and_then(|f| f.metadata().map(|m| (f, m.len())));
    let file = match reopened {
        Ok((f, len)) if len == kept.len() as u64 => f,
        Ok((_, len)) => {
            let why = format!(
                "rewritten delivery log has {len} bytes, expected {}",
                kept.len()
            );
            st.failed = Some(why.clone());
            return Err(SpoolError::Corrupt(why));
        }
        Err(e) => {
            st.failed = Some(e.to_string());
            return Err(SpoolError::io("reopening delivery log", e));
        }
    };
    tracing::info!(
        before = entries.len(),
        kept = n,
        "delivery log compacted (records of removed segments dropped)"
    );
    st.file = Arc::new(file);
    st.written = kept.len() as u64;
    st.synced = st.appended;
    st.compact_at = COMPACT_MIN_BYTES.max(2 * st.written);
    answer(st, Ok(()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn entry(id: u64, rcpt: u32, segment: u64) -> Entry {
        Entry {
            id,
            rcpt,
            status: Final::Delivered,
            segment,
        }
    }

    #[test]
    fn records_round_trip_and_damage_ends_the_readable_log() {
        let a = entry(0x0123_4567_89AB_CDEF, 3, 7);
        let b = Entry {
            status: Final::Removed,
            rcpt: WHOLE_MESSAGE,
            ..entry(42, 0, 8)
        };
        assert_eq!(Entry::decode(&a.encode()), Some(a));
        assert_eq!(Entry::decode(&b.encode()), Some(b));
        let mut bytes = [a.encode(), b.encode(), a.encode()].concat();
        bytes[2 * RECORD_LEN + 9] ^= 0x40;
        bytes.extend_from_slice(&[TAG, 1, 0]);
        let (entries, valid) = parse(&bytes);
        assert_eq!(entries, vec![a, b]);
        assert_eq!(valid, 2 * RECORD_LEN);
        assert_eq!(
            parse(&[0u8; RECORD_LEN * 2]).0,
            vec![],
            "zeros are not records"
        );
    }

    #[tokio::test]
    async fn appends_survive_a_reopen_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().expect("tempdir");
        let seg = dir.path().join("segments");
        std::fs::create_dir_all(&seg).expect("mkdir");
        {
            let (log, old) = DeliveryLog::open(dir.path(), &seg).expect("open");
            assert!(old.is_empty());
            let off = log.append(&[entry(1, 0, 1), entry(1, 1, 1)]).expect("a");
            log.wait_durable(off).await.expect("durable");
            let off = log.append(&[entry(2, 0, 3)]).expect("b");
            log.wait_durable(off).await.expect("durable");
            assert!(log.syncs() >= 1);
        }
        let path = dir.path().join(FILE_NAME);
        let mut f = OpenOptions::new().append(true).open(&path).expect("f");
        f.write_all(&entry(9, 0, 1).encode()[..11]).expect("torn");
        drop(f);
        let (log, old) = DeliveryLog::open(dir.path(), &seg).expect("reopen");
        assert_eq!(old, vec![entry(1, 0, 1), entry(1, 1, 1), entry(2, 0, 3)]);
        assert_eq!(log.max_segment(), 3);
        let len = std::fs::metadata(&path).expect("meta").len();
        assert_eq!(len, 3 * RECORD_LEN as u64, "torn tail cut");
    }

    #[tokio::test]
    async fn compaction_keeps_only_records_of_present_segments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let seg = dir.path().join("segments");
        std::fs::create_dir_all(&seg).expect("mkdir");
        std::fs::write(segment::segment_path(&seg, 2), b"").expect("segment 2");
        let (log, _) = DeliveryLog::open(dir.path(), &seg).expect("open");
        let off = log
            .append(&[entry(1, 0, 1), entry(2, 0, 2), entry(3, 0, 3)])
            .expect("append");
        log.compact().expect("compact");
        log.wait_durable(off)
            .await
            .expect("durable after compaction");
        let off = log.append(&[entry(4, 0, 2)]).expect("append after");
        log.wait_durable(off).await.expect("durable");
        drop(log);
        let (_, kept) = DeliveryLog::open(dir.path(), &seg).expect("reopen");
        assert_eq!(kept, vec![entry(2, 0, 2), entry(4, 0, 2)]);
    }
}
