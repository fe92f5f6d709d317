//! The spool: the only code that writes durable state (CONVENTIONS rule 1).
//!
//! Flow: a session builds a sealed record (`segment::encode_record`) and
//! hands it to `accept`. The commit thread gathers every record that
//! arrived while the previous sync ran (group commit), appends them to the
//! current segment, fdatasyncs once, inserts their index entries into sled
//! (not flushed: a lost entry is re-indexed from its segment at start-up),
//! and only then answers each waiting session — which then says `250`.
//! Message bytes live only in segments (sealed); sled holds the index,
//! envelopes and per-recipient state.
//!
//! Final delivery results go to the delivery log (`delivered.rs`) as soon
//! as they are known, made durable by a group commit of their own; sled's
//! copy of the recipient state follows at sled's pace.
//!
//! Recovery: if sled will not open, it is moved aside and the index is
//! rebuilt from the segments. Records in segments that no tree knows (sled
//! lost them) are re-indexed. Then the delivery log is applied: recipients
//! it names are final whatever sled remembered, and messages it finishes
//! leave the queue before anything is scheduled, so a power loss does not
//! send them again. An index entry or record that cannot be read is
//! quarantined (kept, reported), never a panic.

pub mod delivered;
mod hot;
mod recover;
pub mod schedule;
pub mod seal;
pub mod segment;
pub mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

pub use types::*;

use seal::Sealer;

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("index: {0}")]
    Index(String),
    #[error("spool key: {0}")]
    Key(String),
    #[error("corrupt record: {0}")]
    Corrupt(String),
    #[error("no such message")]
    NotFound,
    #[error("spool is shutting down")]
    Closed,
}

impl SpoolError {
    pub fn io(what: &'static str, source: std::io::Error) -> Self {
        SpoolError::Io { what, source }
    }
}

impl From<sled::Error> for SpoolError {
    fn from(e: sled::Error) -> Self {
        SpoolError::Index(e.to_string())
    }
}

/// What start-up found, for the log and `queue` tools.
#[derive(Debug, Default)]
pub struct Recovery {
    pub messages: usize,
    pub quarantined: usize,
    pub rebuilt_index: bool,
    /// Segment records whose index entry sled had lost.
    pub reindexed: usize,
    /// Messages the delivery log showed finished though sled did not.
    pub finished_from_log: usize,
}

struct Pending {
    meta: MessageMeta,
    record: Vec<u8>,
    done: tokio::sync::oneshot::Sender<Result<(), SpoolError>>,
}

#[derive(Default)]
struct Segments {
    current: u64,
    live: HashMap<u64, usize>,
    /// Segments being removed in the background (see `rotate`); `close`
    /// waits for them.
    removing: Vec<std::thread::JoinHandle<()>>,
}

pub struct Spool {
    dir: PathBuf,
    seg_dir: PathBuf,
    db: sled::Db,
    index: sled::Tree,
    quarantine: sled::Tree,
    /// Recipients of finished messages, so a late bounce (which names only
    /// a queue id and recipient index) can be matched to its address.
    history: sled::Tree,
    sealer: Arc<Sealer>,
    segments: Arc<Mutex<Segments>>,
    commit_tx: Mutex<Option<mpsc::Sender<Pending>>>,
    commit_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    delivered: delivered::DeliveryLog,
    last_id: AtomicU64,
    observer: Arc<Mutex<Option<CommitObserver>>>,
    hot: hot::HotBodies,
}

/// Receives (duration of one group commit, messages in it).
pub type CommitObserver = Arc<dyn Fn(std::time::Duration, usize) + Send + Sync>;

impl Spool {
    /// Open (creating) the spool under `dir`, recovering what is there.
    pub fn open(dir: &Path, key_path: &Path) -> Result<(Arc<Spool>, Recovery), SpoolError> {
        let seg_dir = dir.join("segments");
        crate::util::durable::create_dir_all(&seg_dir)
            .map_err(|e| SpoolError::io("creating spool", e))?;
        let sealed_data = recover::holds_sealed_data(dir, &seg_dir)?;
        let sealer = Arc::new(Sealer::load_or_create(key_path, sealed_data)?);
        let (db, mut recovery) = recover::open_index(dir, &seg_dir, &sealer)?;
        let index = db.open_tree("messages")?;
        let quarantine = db.open_tree("quarantine")?;
        let history = db.open_tree("history")?;
        recover::prune_history(&history, &seg_dir, HISTORY_KEEP_MS)?;
        recovery.reindexed =
            recover::reindex_orphans(&index, &quarantine, &history, &seg_dir, &sealer)?;
        recovery.quarantined += recover::quarantine_unreadable(&index, &quarantine)?;
        let (delivered, finals) = delivered::DeliveryLog::open(dir, &seg_dir)?;
        recovery.finished_from_log = recover::apply_delivery_log(&index, &history, &finals)?;
        let (segments, max_id) = recover::live_segments(
            &index,
            &quarantine,
            &history,
            &seg_dir,
            delivered.max_segment(),
        )?;
        recovery.messages = segments.live.values().sum();
        // Drop the records of segments gone while the daemon was down,
        // and make the applied results durable in sled before anything
        // else changes it.
        delivered.compact()?;
        db.flush()?;
        let writer = segment::Writer::create(&seg_dir, segments.current)?;
        let segments = Arc::new(Mutex::new(segments));
        let (tx, rx) = mpsc::channel();
        let observer: Arc<Mutex<Option<CommitObserver>>> = Arc::default();
        let thread = {
            let observer = observer.clone();
            let index = index.clone();
            let segments = segments.clone();
            let seg_dir = seg_dir.clone();
            std::thread::Builder::new()
                .name("spool-commit".into())
                .spawn(move || commit_loop(rx, writer, index, segments, seg_dir, observer))
                .map_err(|e| SpoolError::io("starting commit thread", e))?
        };
        let spool = Spool {
            dir: dir.to_path_buf(),
            seg_dir,
            db,
            index,
            quarantine,
            history,
            sealer,
            segments,
            commit_tx: Mutex::new(Some(tx)),
            commit_thread: Mutex::new(Some(thread)),
            delivered,
            last_id: AtomicU64::new(max_id),
            observer,
            hot: hot::HotBodies::default(),
        };
        Ok((Arc::new(spool), recovery))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new time-ordered queue id, unique even if the clock steps back.
    pub fn next_id(&self) -> QueueId {
        let candidate = now_ms() << 12;
        let mut last = self.last_id.load(Ordering::Relaxed);
        loop {
            let next = candidate.max(last + 1);
            match self.last_id.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }

    /// Store a message durably; returns once body and index are on disk.
    pub async fn accept(&self, envelope: Envelope, body: &[u8]) -> Result<QueueId, SpoolError> {
        let id = self.next_id();
        self.accept_with_id(id, envelope, &[body], false).await?;
        Ok(id)
    }

    /// As `accept`, with an id from `next_id` (used in the trace header).
    /// The message is the concatenation of `parts` (the trace header and
    /// the rest), so no caller has to join them in one more copy.
    pub async fn accept_with_id(
        &self,
        id: QueueId,
        envelope: Envelope,
        parts: &[&[u8]],
        held: bool,
    ) -> Result<(), SpoolError> {
        let now = now_ms();
        let recipients = envelope
            .recipients
            .iter()
            .map(|r| RecipientState {
                address: r.address.clone(),
                status: RcptStatus::Queued,
                attempts: 0,
                next_attempt: 0,
                last_reply: None,
                remote_host: None,
                delay_notified: false,
                expired: false,
                via: None,
            })
            .collect();
        let hot_verdict = (
            envelope.verdict.protection,
            envelope.verdict.methods.clone(),
        );
        let mut meta = MessageMeta {
            schema: SCHEMA,
            id,
            envelope,
            recipients,
            location: Location {
                segment: 0,
                offset: 0,
                len: 0,
            },
            created: now,
            size: parts.iter().map(|p| p.len() as u64).sum(),
            held,
        };
        let record = segment::encode_record(&self.sealer, &meta, parts)?;
        meta.location.len = record.len() as u32;
        let (done, wait) = tokio::sync::oneshot::channel();
        {
            let tx = self.commit_tx.lock().map_err(|_| SpoolError::Closed)?;
            let tx = tx.as_ref().ok_or(SpoolError::Closed)?;
            tx.send(Pending { meta, record, done })
                .map_err(|_| SpoolError::Closed)?;
        }
        wait.await.map_err(|_| SpoolError::Closed)??;
        if !held {
            self.hot.put(id, parts, hot_verdict.0, &hot_verdict.1);
        }
        Ok(())
    }

    pub fn get(&self, id: QueueId) -> Result<Option<MessageMeta>, SpoolError> {
        match self.index.get(id.to_be_bytes())? {
            None => Ok(None),
            Some(v) => MessageMeta::decode(&v)
                .map(Some)
                .map_err(SpoolError::Corrupt),
        }
    }

    /// Every queued message, oldest first.
    pub fn list(&self) -> Result<Vec<MessageMeta>, SpoolError> {
        let mut out = Vec::new();
        for item in self.index.iter() {
            let (_, v) = item?;
            if let Ok(m) = MessageMeta::decode(&v) {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// The message bytes as accepted. The sealed (authenticated) copy of
    /// the record must agree with the index on the protection the message
    /// needs: sled's copy is plain JSON, and a disagreement is damage, not a
    /// choice to make (the caller quarantines).
    pub fn load_body(&self, meta: &MessageMeta) -> Result<Vec<u8>, SpoolError> {
        // Accepted moments ago by this process: the bytes now on disk.
        let (protection, methods, body) = match self.hot.take(meta.id) {
            Some(h) => (h.protection, h.methods, h.body),
            None => {
                let loc = meta.location;
                let rec = segment::read_at(&self.seg_dir, loc.segment, loc.offset, loc.len)?;
                if segment::id_of(&rec) != Some(meta.id) {
                    return Err(SpoolError::Corrupt("record id does not match index".into()));
                }
                let (sealed, body) = segment::decode_record(&self.sealer, &rec)?;
                let v = sealed.envelope.verdict;
                (v.protection, v.methods, body)
            }
        };
        let b = &meta.envelope.verdict;
        if protection != b.protection || methods != b.methods {
            return Err(SpoolError::Corrupt(
                "index and sealed record disagree on protection".into(),
            ));
        }
        Ok(body)
    }

    /// Take back a message whose acceptance could not be completed (no
    /// `250` was sent): removed durably, so start-up does not revive it.
    /// The removal goes to the delivery log and is durable there before
    /// the index entry goes (sled's own flush is not relied on).
    pub async fn withdraw(&self, id: QueueId) -> Result<(), SpoolError> {
        // Whatever happens below, no delivery pass may take this body.
        self.hot.drop_id(id);
        if let Some(meta) = self.get(id)? {
            let mark = [(delivered::WHOLE_MESSAGE, delivered::Final::Removed)];
            let position = self.record_results(&meta, &mark)?;
            self.wait_results_durable(position).await?;
        }
        self.complete(id)
    }

    /// Read-modify-write one entry. Not flushed: a lost update means a
    /// retry or a duplicate delivery, never a lost message.
    pub fn modify<F>(&self, id: QueueId, f: F) -> Result<Option<MessageMeta>, SpoolError>
    where
        F: Fn(&mut MessageMeta),
    {
        let key = id.to_be_bytes();
        loop {
            let Some(old) = self.index.get(key)? else {
                return Ok(None);
            };
            let mut meta = MessageMeta::decode(&old).map_err(SpoolError::Corrupt)?;
            f(&mut meta);
            let new = serde_json::to_vec(&meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            if self
                .index
                .compare_and_swap(key, Some(old), Some(new))?
                .is_ok()
            {
                return Ok(Some(meta));
            }
        }
    }

    /// As `modify`, for a delivery pass: when every recipient is final
    /// afterwards, the message moves to the history and leaves the index in
    /// the same step (no second read, no rewrite of a record about to go).
    /// The caller then owes [`Self::release_segment`] if `Settled::Finished`
    /// names a segment that no message uses any more.
    pub fn settle<F>(&self, id: QueueId, f: F) -> Result<Settled, SpoolError>
    where
        F: Fn(&mut MessageMeta),
    {
        let key = id.to_be_bytes();
        loop {
            let Some(old) = self.index.get(key)? else {
                return Ok(Settled::Gone);
            };
            let mut meta = MessageMeta::decode(&old).map_err(SpoolError::Corrupt)?;
            f(&mut meta);
            if !meta.is_finished() {
                let new =
                    serde_json::to_vec(&meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
                if self
                    .index
                    .compare_and_swap(key, Some(old), Some(new))?
                    .is_ok()
                {
                    return Ok(Settled::Pending(meta));
                }
                continue;
            }
            // History first, as in `complete`: an index removal that
            // survives a crash always has its history entry.
            let kept = History {
                completed: now_ms(),
                segment: meta.location.segment,
                recipients: meta.recipients.clone(),
            };
            let v = serde_json::to_vec(&kept).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            let before = self.history.insert(key, v)?;
            let removed = self
                .index
                .compare_and_swap(key, Some(old), None::<&[u8]>)
                .map_err(SpoolError::from)
                .map(|r| r.is_ok());
            if !matches!(removed, Ok(true)) {
                // The message stays queued: a history entry for it would
                // make start-up take it for finished if its index entry
                // were ever lost. Put the history back as it was.
                match before {
                    Some(prev) => self.history.insert(key, prev)?,
                    None => self.history.remove(key)?,
                };
                removed?;
                continue;
            }
            self.hot.drop_id(id);
            let seg = meta.location.segment;
            let empty = self.segment_released(seg)?;
            return Ok(Settled::Finished {
                meta,
                empty_segment: empty.then_some(seg),
            });
        }
    }

    /// A segment no message uses any more: make the index removals durable,
    /// then delete the segment (blocking: sled flush and unlink).
    pub fn release_segment(&self, seg: u64) -> Result<(), SpoolError> {
        self.db.flush()?;
        segment::remove(&self.seg_dir, seg);
        Ok(())
    }

    /// One message of segment `seg` left the index; true if it was the
    /// last and the segment is no longer written to.
    fn segment_released(&self, seg: u64) -> Result<bool, SpoolError> {
        let mut s = self.segments.lock().map_err(|_| SpoolError::Closed)?;
        let n = s.live.entry(seg).or_insert(1);
        *n = n.saturating_sub(1);
        let empty = *n == 0 && seg != s.current;
        if empty {
            s.live.remove(&seg);
        }
        Ok(empty)
    }

    /// Append final results to the delivery log at once (durable within a
    /// sync or two; see `delivered.rs`). `marks` are (recipient index,
    /// final status). Returns the position for [`Self::wait_results_durable`].
    pub fn record_results(
        &self,
        meta: &MessageMeta,
        marks: &[(u32, delivered::Final)],
    ) -> Result<u64, SpoolError> {
        let entries: Vec<delivered::Entry> = marks
            .iter()
            .map(|&(rcpt, status)| delivered::Entry {
                id: meta.id,
                rcpt,
                status,
                segment: meta.location.segment,
            })
            .collect();
        self.delivered.append(&entries)
    }

    /// Resolves once the results recorded up to `position` are durable.
    pub async fn wait_results_durable(&self, position: u64) -> Result<(), SpoolError> {
        self.delivered.wait_durable(position).await
    }

    /// fdatasync calls of the delivery log so far.
    pub fn result_syncs(&self) -> u64 {
        self.delivered.syncs()
    }

    /// Take a message out of the queue without delivering it (an operator's
    /// delete): recorded in the delivery log first, so a crash cannot bring
    /// it back. (`withdraw` also waits for that record to be durable.)
    pub fn remove(&self, id: QueueId) -> Result<(), SpoolError> {
        if let Some(meta) = self.get(id)? {
            let mark = [(delivered::WHOLE_MESSAGE, delivered::Final::Removed)];
            self.record_results(&meta, &mark)?;
        }
        self.complete(id)
    }

    /// Drop the in-memory copy of a message's body, if any (the next
    /// delivery pass reads it from its segment).
    pub fn drop_cached(&self, id: QueueId) {
        self.hot.drop_id(id);
    }

    /// Forget a finished (or deleted) message; its segment goes when empty.
    pub fn complete(&self, id: QueueId) -> Result<(), SpoolError> {
        self.hot.drop_id(id);
        let Some(old) = self.index.get(id.to_be_bytes())? else {
            return Ok(());
        };
        // History first: sled persists in order, so an index removal that
        // survives a crash always has its history entry, and start-up
        // never mistakes a finished message for a lost one.
        if let Ok(meta) = MessageMeta::decode(&old) {
            let kept = History {
                completed: now_ms(),
                segment: meta.location.segment,
                recipients: meta.recipients.clone(),
            };
            if let Ok(v) = serde_json::to_vec(&kept) {
                self.history.insert(id.to_be_bytes(), v)?;
            }
        }
        let Some(old) = self.index.remove(id.to_be_bytes())? else {
            return Ok(());
        };
        let Ok(meta) = MessageMeta::decode(&old) else {
            return Ok(());
        };
        let seg = meta.location.segment;
        if self.segment_released(seg)? {
            // The removals must be durable before the bodies go.
            self.release_segment(seg)?;
        }
        Ok(())
    }

    /// A bounce for recipient `idx` of message `id`: the recipient becomes
    /// `Bounced` (in the queue, or in the history of finished messages).
    /// Returns the recipient's address, or None if the message is unknown.
    pub fn record_bounce(
        &self,
        id: QueueId,
        idx: usize,
        status: &str,
    ) -> Result<Option<String>, SpoolError> {
        let status = crate::smtp::reply::Enhanced::parse(status)
            .unwrap_or(crate::smtp::reply::Enhanced::new(5, 0, 0));
        let code = if status.class == 4 { 450 } else { 550 };
        let mark = |r: &mut RecipientState| {
            r.status = RcptStatus::Bounced;
            r.last_reply = Some(Diagnostic::Local(crate::smtp::reply::Reply::with(
                code,
                status,
                "Bounced after delivery (a bounce report named this recipient)",
            )));
        };
        let mut address = None;
        let queued = self.modify(id, |m| {
            if let Some(r) = m.recipients.get_mut(idx) {
                mark(r);
            }
        })?;
        if let Some(m) = queued {
            address = m.recipients.get(idx).map(|r| r.address.clone());
        } else if let Some(v) = self.history.get(id.to_be_bytes())? {
            let mut h: History =
                serde_json::from_slice(&v).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            if let Some(r) = h.recipients.get_mut(idx) {
                mark(r);
                address = Some(r.address.clone());
            }
            let v = serde_json::to_vec(&h).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            self.history.insert(id.to_be_bytes(), v)?;
        }
        Ok(address)
    }

    /// Per-recipient final state of a finished message, if still kept.
    pub fn history(&self, id: QueueId) -> Result<Option<Vec<RecipientState>>, SpoolError> {
        match self.history.get(id.to_be_bytes())? {
            None => Ok(None),
            Some(v) => serde_json::from_slice::<History>(&v)
                .map(|h| Some(h.recipients))
                .map_err(|e| SpoolError::Corrupt(e.to_string())),
        }
    }

    /// A named tree of the spool's database, for state other subsystems
    /// keep beside the queue (e.g. the suppression list).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, SpoolError> {
        Ok(self.db.open_tree(name)?)
    }

    /// Move an unreadable message out of the queue, keeping its entry.
    pub fn quarantine(&self, id: QueueId, reason: &str) -> Result<(), SpoolError> {
        self.hot.drop_id(id);
        if let Some(v) = self.index.remove(id.to_be_bytes())? {
            self.quarantine.insert(id.to_be_bytes(), v)?;
        }
        tracing::error!(queue_id = %format_id(id), reason, "message quarantined");
        Ok(())
    }

    /// Acceptance time of the oldest queued message (ids are time-ordered,
    /// so it is the first index key).
    pub fn oldest_created(&self) -> Option<u64> {
        let (_, v) = self.index.first().ok()??;
        MessageMeta::decode(&v).ok().map(|m| m.created)
    }

    /// Called after each group commit with its duration and batch size.
    pub fn set_commit_observer(&self, f: CommitObserver) {
        if let Ok(mut g) = self.observer.lock() {
            *g = Some(f);
        }
    }

    pub fn quarantined(&self) -> usize {
        self.quarantine.len()
    }

    /// Flush the index and stop the commit thread (waits for pending commits).
    pub fn close(&self) {
        if let Ok(mut tx) = self.commit_tx.lock() {
            tx.take();
        }
        if let Ok(mut t) = self.commit_thread.lock()
            && let Some(t) = t.take()
        {
            let _ = t.join();
        }
        let removing = self
            .segments
            .lock()
            .map(|mut s| std::mem::take(&mut s.removing))
            .unwrap_or_default();
        for h in removing {
            let _ = h.join();
        }
        self.delivered.close();
        let _ = self.db.flush();
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.close();
    }
}

/// What a delivery pass left of a message (`Spool::settle`).
#[derive(Debug)]
pub enum Settled {
    /// Not in the queue (finished or withdrawn meanwhile).
    Gone,
    /// Recipients are still queued; the stored state after the pass.
    Pending(MessageMeta),
    /// Every recipient is final: moved to the history. `empty_segment`: a
    /// segment to release with `Spool::release_segment`.
    Finished {
        meta: MessageMeta,
        empty_segment: Option<u64>,
    },
}

/// Finished messages' recipients are kept this long for late bounces.
const HISTORY_KEEP_MS: u64 = 30 * 24 * 3600 * 1000;

#[derive(serde::Serialize, serde::Deserialize)]
struct History {
    completed: u64,
    /// While this segment exists the entry stays (see `reindex_orphans`).
    #[serde(default)]
    segment: u64,
    recipients: Vec<RecipientState>,
}

/// Batches as large as this share one sync.
const MAX_BATCH: usize = 1024;

fn commit_loop(
    rx: mpsc::Receiver<Pending>,
    mut writer: segment::Writer,
    index: sled::Tree,
    segments: Arc<Mutex<Segments>>,
    seg_dir: PathBuf,
    observer: Arc<Mutex<Option<CommitObserver>>>,
) {
    while let Ok(first) = rx.recv() {
        let started = std::time::Instant::now();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        if writer.len >= segment::ROTATE_BYTES || writer.broken {
            rotate(&mut writer, &segments, &seg_dir, &index);
        }
        let result = commit_batch(&mut writer, &index, &mut batch);
        if let Ok(g) = observer.lock()
            && let Some(f) = g.as_ref()
        {
            f(started.elapsed(), batch.len());
        }
        // Entries a failed group could not take back still count: their
        // segment must not be released under them.
        let live = match &result {
            Ok(()) => batch.len(),
            Err(_) => batch
                .iter()
                .filter(|p| index.contains_key(p.meta.id.to_be_bytes()).unwrap_or(true))
                .count(),
        };
        if live > 0
            && let Ok(mut s) = segments.lock()
        {
            *s.live.entry(writer.number).or_insert(0) += live;
        }
        for p in batch {
            let r = match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(SpoolError::Index(e.to_string())),
            };
            let _ = p.done.send(r);
        }
    }
}

fn rotate(
    writer: &mut segment::Writer,
    segments: &Mutex<Segments>,
    seg_dir: &Path,
    index: &sled::Tree,
) {
    let old = writer.number;
    match segment::Writer::create(seg_dir, old + 1) {
        Ok(w) => *writer = w,
        Err(e) => {
            tracing::error!(error = %e, "cannot rotate spool segment; continuing in the current one");
            return;
        }
    }
    if let Ok(mut s) = segments.lock() {
        s.current = writer.number;
        if s.live.get(&old).copied().unwrap_or(0) == 0 {
            s.live.remove(&old);
            // Removing takes a while (see `segment::remove`); the commit
            // thread has acknowledgements to make meanwhile. The index
            // removals of its messages are made durable first, as in
            // `release_segment`: no entry may outlive its record.
            let dir = seg_dir.to_path_buf();
            let tree = index.clone();
            let spawned = std::thread::Builder::new()
                .name("spool-remove".into())
                .spawn(move || {
                    if tree.flush().is_ok() {
                        segment::remove(&dir, old);
                    }
                });
            s.removing.retain(|h| !h.is_finished());
            match spawned {
                Ok(h) => s.removing.push(h),
                Err(_) => {
                    if index.flush().is_ok() {
                        segment::remove(seg_dir, old);
                    }
                }
            }
        }
    }
}

fn commit_batch(
    writer: &mut segment::Writer,
    index: &sled::Tree,
    batch: &mut [Pending],
) -> Result<(), SpoolError> {
    let records: Vec<&[u8]> = batch.iter().map(|p| p.record.as_slice()).collect();
    let offsets = writer.append_durable(&records)?;
    let mut entries = Vec::with_capacity(batch.len());
    for (p, off) in batch.iter_mut().zip(offsets) {
        p.meta.location.segment = writer.number;
        p.meta.location.offset = off;
        let v = serde_json::to_vec(&p.meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
        entries.push((p.meta.id.to_be_bytes(), v));
    }
    // No sled flush here: the records are durable in the segment (just
    // fdatasync'd), and start-up re-indexes any record sled lost
    // (`recover::reindex_orphans`). sled's own flush is no stronger (it is
    // sync_file_range), and it cost every 250 a second write.
    //
    // One insert per entry (`util::sled_insert_all`): the entries are
    // independent (one message each, any lost one is re-indexed). On an
    // error none of this group is acknowledged and the entries already made
    // are taken back, so that this process does not send what the client
    // was told to retry. (The records are durable in the segment, so a
    // restart re-indexes them as orphans and they may still go out once
    // more: a copy too many, never a loss.)
    crate::util::sled_insert_all(index, &entries)?;
    Ok(())
}

#[cfg(test)]
mod tests;
