//! Tamper-evident audit log.
//!
//! One JSON line per fact (see [`event::Event`]), hash-chained (see
//! [`chain`] for the exact canonical form), with periodic Ed25519-signed
//! checkpoints ([`checkpoint`]), group-committed durable appends
//! ([`writer`]), size/age rotation and retention ([`rotate`]) and an
//! offline verifier ([`verify`]).
//!
//! ## Invariants
//! * Only the `audit-writer` thread writes the log; `seq` is assigned there,
//!   strictly increasing by one across rotated files.
//! * `append_durable` returns only after the entry is `fdatasync`ed: call it
//!   *before* acknowledging what it records (the 250 after DATA).
//!   `append_durable_gathered` too, but its sync may wait up to `gather`
//!   for more entries (delivery outcomes: many share one sync). `append`
//!   is buffered and made durable within `flush_interval` or by the next
//!   durable append.
//! * Events are typed; nothing in this module can log a body, a subject or
//!   a matched PHI value.
//!
//! ## Usage
//! ```no_run
//! # async fn f() -> Result<(), sealpost::audit::AuditError> {
//! use sealpost::audit::{AuditConfig, AuditLog, event::*};
//! let log = AuditLog::open(AuditConfig::new("var/audit/audit.log", "var/audit/audit.key"))?;
//! let ev = Event::ConfigReload(ConfigReload { ok: true, error: None });
//! let seq = log.append_durable(ev).await?;
//! log.close().await?;
//! # let _ = seq; Ok(()) }
//! ```

pub mod chain;
pub mod checkpoint;
pub mod event;
pub mod rotate;
pub mod time;
pub mod verify;
mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

pub use checkpoint::{NodeKey, PublicKey};
pub use event::Event;
pub use verify::{VerifyError, VerifyErrorKind, VerifyReport, verify, verify_cli, verify_series};

use writer::{Durability, Request, Writer};

/// Errors of the audit writer.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit log I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("audit log failed earlier and refuses further writes: {0}")]
    Failed(String),
    #[error("audit key: {0}")]
    Key(String),
    #[error("audit entry encoding: {0}")]
    Encode(serde_json::Error),
    #[error("audit log {path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("checkpoint entries are written by the log itself")]
    Reserved,
    #[error("audit log is closed")]
    Closed,
}

/// Writer settings. Defaults live in [`AuditConfig::new`].
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Current log file (`[audit] path`), e.g. `./var/audit/audit.log`.
    pub path: PathBuf,
    /// PKCS#8 Ed25519 node key; created 0600 if absent, `<key>.pub` beside it.
    pub key_path: PathBuf,
    /// A signed checkpoint after this many entries (default 1000).
    pub checkpoint_every: u64,
    /// Rotate when the current file reaches this size (default 64 MiB).
    pub rotate_max_bytes: Option<u64>,
    /// Rotate when the current file's first entry is this old (default 1 day).
    pub rotate_max_age: Option<Duration>,
    /// Delete rotated files older than this (default 6 years; `None` keeps all).
    pub retention: Option<Duration>,
    /// Buffered appends become durable within this delay (default 100 ms).
    pub flush_interval: Duration,
    /// Gathered durable appends (delivery results) wait at most this long
    /// for others to share their sync (default 10 ms).
    pub gather: Duration,
    /// Upper bound of requests per group commit (default 4096).
    pub max_batch: usize,
}

/// Six years of 365.25 days: HIPAA documentation retention practice.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(6 * 36_525 * 864);

impl AuditConfig {
    pub fn new(path: impl Into<PathBuf>, key_path: impl Into<PathBuf>) -> Self {
        AuditConfig {
            path: path.into(),
            key_path: key_path.into(),
            checkpoint_every: 1000,
            rotate_max_bytes: Some(64 * 1024 * 1024),
            rotate_max_age: Some(Duration::from_secs(24 * 3600)),
            retention: Some(DEFAULT_RETENTION),
            flush_interval: Duration::from_millis(100),
            gather: Duration::from_millis(10),
            max_batch: 4096,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Stats {
    entries: AtomicU64,
    syncs: AtomicU64,
    checkpoints: AtomicU64,
    rotations: AtomicU64,
}

/// Counters since [`AuditLog::open`] (for metrics and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditStats {
    /// Lines written, checkpoints included.
    pub entries: u64,
    /// `fdatasync` calls.
    pub syncs: u64,
    pub checkpoints: u64,
    pub rotations: u64,
}

/// Handle to the audit log; share it (e.g. in an `Arc`) between tasks.
pub struct AuditLog {
    tx: mpsc::Sender<Request>,
    thread: Mutex<Option<JoinHandle<()>>>,
    stats: Arc<Stats>,
    public_key: PublicKey,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// Loads or creates the node key, recovers the chain tail, applies
    /// retention and starts the writer thread. Blocking (file I/O).
    pub fn open(cfg: AuditConfig) -> Result<Self, AuditError> {
        // A first start: the log's and the key's directories may not exist.
        for p in [&cfg.path, &cfg.key_path] {
            crate::util::durable::create_dir_all(&crate::util::durable::parent_of(p))?;
        }
        let log_has_entries = rotate::series(&cfg.path)?
            .iter()
            .any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 0));
        let key = NodeKey::load_or_create(&cfg.key_path, log_has_entries)?;
        let public_key = PublicKey::parse(&hex::encode(key.public_key()))
            .ok_or_else(|| AuditError::Key("invalid public key".into()))?;
        let stats = Arc::new(Stats::default());
        let w = Writer::open(cfg, key, stats.clone())?;
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || w.run(rx))?;
        Ok(AuditLog {
            tx,
            thread: Mutex::new(Some(thread)),
            stats,
            public_key,
        })
    }

    fn send(
        &self,
        make: impl FnOnce(writer::Reply) -> Request,
    ) -> Result<oneshot::Receiver<Result<u64, AuditError>>, AuditError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(make(reply)).map_err(|_| AuditError::Closed)?;
        Ok(rx)
    }

    fn request(
        &self,
        event: Event,
        durability: Durability,
    ) -> Result<oneshot::Receiver<Result<u64, AuditError>>, AuditError> {
        self.send(|reply| Request::Append {
            event,
            durability,
            reply,
        })
    }

    /// Appends `event` and waits until it is on disk; returns its `seq`.
    pub async fn append_durable(&self, event: Event) -> Result<u64, AuditError> {
        self.request(event, Durability::Now)?
            .await
            .map_err(|_| AuditError::Closed)?
    }

    /// Like [`Self::append_durable`], for facts no client is waiting on
    /// (delivery results): the sync may wait up to `gather` so that many
    /// results share one.
    pub async fn append_durable_gathered(&self, event: Event) -> Result<u64, AuditError> {
        self.request(event, Durability::Gathered)?
            .await
            .map_err(|_| AuditError::Closed)?
    }

    /// Several events at once, in order: each `(event, true)` as
    /// [`Self::append_durable_gathered`], each `(event, false)` as
    /// [`Self::append`]. All are sent before any answer is awaited, so the
    /// durable ones share one sync instead of one gather each. Results in
    /// order.
    pub async fn append_all_gathered(
        &self,
        events: Vec<(Event, bool)>,
    ) -> Vec<Result<u64, AuditError>> {
        let pending: Vec<_> = events
            .into_iter()
            .map(|(e, durable)| {
                let d = if durable {
                    Durability::Gathered
                } else {
                    Durability::Buffered
                };
                self.request(e, d)
            })
            .collect();
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            out.push(match p {
                Ok(rx) => rx.await.unwrap_or(Err(AuditError::Closed)),
                Err(e) => Err(e),
            });
        }
        out
    }

    /// Appends `event` to the buffer; durable within `flush_interval`.
    pub async fn append(&self, event: Event) -> Result<u64, AuditError> {
        self.request(event, Durability::Buffered)?
            .await
            .map_err(|_| AuditError::Closed)?
    }

    /// Blocking [`Self::append_durable`] for the CLI; never call it on a tokio worker.
    pub fn append_durable_blocking(&self, event: Event) -> Result<u64, AuditError> {
        self.request(event, Durability::Now)?
            .blocking_recv()
            .map_err(|_| AuditError::Closed)?
    }

    /// Blocking [`Self::append`].
    pub fn append_blocking(&self, event: Event) -> Result<u64, AuditError> {
        self.request(event, Durability::Buffered)?
            .blocking_recv()
            .map_err(|_| AuditError::Closed)?
    }

    /// Makes every earlier append durable. Returns the next `seq`.
    pub async fn flush(&self) -> Result<u64, AuditError> {
        self.send(|reply| Request::Flush { reply })?
            .await
            .map_err(|_| AuditError::Closed)?
    }

    /// Writes a closing checkpoint, syncs and stops the writer. Idempotent
    /// in effect: later appends fail with [`AuditError::Closed`].
    pub async fn close(&self) -> Result<u64, AuditError> {
        let r = self
            .send(|reply| Request::Close { reply })?
            .await
            .map_err(|_| AuditError::Closed)?;
        self.join();
        r
    }

    /// Blocking [`Self::close`].
    pub fn close_blocking(&self) -> Result<u64, AuditError> {
        let r = self
            .send(|reply| Request::Close { reply })?
            .blocking_recv()
            .map_err(|_| AuditError::Closed)?;
        self.join();
        r
    }

    fn join(&self) {
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle
            && h.join().is_err()
        {
            tracing::error!("audit writer thread panicked");
        }
    }

    pub fn stats(&self) -> AuditStats {
        AuditStats {
            entries: self.stats.entries.load(Relaxed),
            syncs: self.stats.syncs.load(Relaxed),
            checkpoints: self.stats.checkpoints.load(Relaxed),
            rotations: self.stats.rotations.load(Relaxed),
        }
    }

    /// The node public key checkpoints are signed with.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
}

impl Drop for AuditLog {
    /// Best effort: closing checkpoint and sync if `close` was not called.
    fn drop(&mut self) {
        let (reply, _rx) = oneshot::channel();
        let _ = self.tx.send(Request::Close { reply });
        self.join();
    }
}

#[cfg(test)]
mod tests;
