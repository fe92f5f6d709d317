//! The suppression list: addresses sealpost refuses to send to (hard
//! bounces, complaints, admin entries) until an admin removes them.
//!
//! Behind the [`SuppressionStore`] trait so a cluster can share one later;
//! [`SledSuppression`] is the embedded default (one sled tree, JSON values,
//! flushed on every change so an entry survives a crash).
//!
//! Address normalisation (the key): surrounding `<>` and whitespace are
//! removed and the whole address is lower-cased. RFC 5321 §2.4 lets a local
//! part be case-sensitive, but practically every mailbox provider treats it
//! case-insensitively, and a suppression list must not be bypassed by
//! `User@` vs `user@`. The stored record keeps the local part as first seen
//! (domain lower-cased) for display.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::BounceError;

/// Name of the sled tree holding the list.
pub const TREE: &str = "suppression";
pub(crate) const MAX_DETAIL: usize = 512;

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressReason {
    HardBounce,
    Complaint,
    Manual,
}

impl std::fmt::Display for SuppressReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::HardBounce => "hard-bounce",
            Self::Complaint => "complaint",
            Self::Manual => "manual",
        })
    }
}

/// One suppression entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    /// Display form: local part as given, domain lower-cased.
    pub address: String,
    pub reason: SuppressReason,
    /// For a hard bounce: why (`unknown_user`, `unknown_host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce_reason: Option<super::BounceReason>,
    /// Status and diagnostic, or the admin's note.
    pub detail: String,
    /// Milliseconds since the Unix epoch when first suppressed.
    pub since_ms: u64,
    /// When last (re-)added.
    pub updated_ms: u64,
}

/// A place suppressed addresses are kept.
pub trait SuppressionStore: Send + Sync {
    /// The entry for `addr`, if suppressed (case-insensitive).
    fn is_suppressed(&self, addr: &str) -> Result<Option<Suppressed>, BounceError>;
    /// Adds or refreshes an entry (the first `since_ms` is kept).
    fn add(&self, addr: &str, reason: SuppressReason, detail: &str) -> Result<(), BounceError> {
        self.add_with_reason(addr, reason, None, detail)
    }
    /// Adds or refreshes an entry with the bounce reason behind it.
    fn add_with_reason(
        &self,
        addr: &str,
        reason: SuppressReason,
        bounce_reason: Option<super::BounceReason>,
        detail: &str,
    ) -> Result<(), BounceError>;
    /// Removes an entry; `true` if there was one.
    fn remove(&self, addr: &str) -> Result<bool, BounceError>;
    /// Every entry, ordered by key.
    fn list(&self) -> Result<Vec<Suppressed>, BounceError>;
}

/// The embedded sled store.
#[derive(Clone)]
pub struct SledSuppression {
    tree: sled::Tree,
}

impl SledSuppression {
    /// Opens (or creates) a sled database at `path`.
    pub fn open(path: &Path) -> Result<Self, BounceError> {
        Self::from_db(&sled::open(path)?)
    }

    /// Uses the [`TREE`] tree of an already open database (e.g. the spool's).
    pub fn from_db(db: &sled::Db) -> Result<Self, BounceError> {
        Ok(Self::from_tree(db.open_tree(TREE)?))
    }

    pub fn from_tree(tree: sled::Tree) -> Self {
        Self { tree }
    }
}

/// `(key, display form)` of an address; errors when it has no `@`.
pub fn normalise(addr: &str) -> Result<(String, String), BounceError> {
    let trimmed = addr
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let invalid = || BounceError::InvalidAddress(trimmed.chars().take(64).collect());
    let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
    if local.is_empty()
        || domain.is_empty()
        || trimmed.len() > 254
        || trimmed.chars().any(char::is_whitespace)
    {
        return Err(invalid());
    }
    let display = format!("{local}@{}", domain.to_lowercase());
    Ok((display.to_lowercase(), display))
}

use crate::util::now_ms;

impl SuppressionStore for SledSuppression {
    fn is_suppressed(&self, addr: &str) -> Result<Option<Suppressed>, BounceError> {
        let (key, _) = normalise(addr)?;
        match self.tree.get(key.as_bytes())? {
            Some(value) => Ok(Some(serde_json::from_slice(&value)?)),
            None => Ok(None),
        }
    }

    fn add_with_reason(
        &self,
        addr: &str,
        reason: SuppressReason,
        bounce_reason: Option<super::BounceReason>,
        detail: &str,
    ) -> Result<(), BounceError> {
        let (key, display) = normalise(addr)?;
        let now = now_ms();
        let since_ms = match self.tree.get(key.as_bytes())? {
            Some(old) => serde_json::from_slice::<Suppressed>(&old).map_or(now, |o| o.since_ms),
            None => now,
        };
        let record = Suppressed {
            address: display,
            reason,
            bounce_reason,
            detail: detail.chars().take(MAX_DETAIL).collect(),
            since_ms,
            updated_ms: now,
        };
        self.tree
            .insert(key.as_bytes(), serde_json::to_vec(&record)?)?;
        self.tree.flush()?;
        tracing::info!(reason = %reason, bounce_reason = ?bounce_reason.map(|r| r.as_str()), "address suppressed");
        Ok(())
    }

    fn remove(&self, addr: &str) -> Result<bool, BounceError> {
        let (key, _) = normalise(addr)?;
        let existed = self.tree.remove(key.as_bytes())?.is_some();
        self.tree.flush()?;
        Ok(existed)
    }

    fn list(&self) -> Result<Vec<Suppressed>, BounceError> {
        let mut out = Vec::new();
        for item in self.tree.iter() {
            let (key, value) = item?;
            match serde_json::from_slice(&value) {
                Ok(record) => out.push(record),
                // A broken record is reported, never fatal.
                Err(e) => {
                    tracing::warn!(key = %String::from_utf8_lossy(&key), error = %e, "unreadable suppression record")
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_remove_and_persist_across_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("suppress.db");
        {
            let store = SledSuppression::open(&path).expect("open");
            store
                .add(
                    "<Jane.Doe@Clinic.EXAMPLE>",
                    SuppressReason::HardBounce,
                    "5.1.1 user unknown",
                )
                .expect("add");
            store
                .add("spam@x.example", SuppressReason::Complaint, "abuse")
                .expect("add");
            let hit = store
                .is_suppressed("jane.doe@clinic.example")
                .expect("get")
                .expect("suppressed");
            assert_eq!(hit.address, "Jane.Doe@clinic.example");
            assert_eq!(hit.reason, SuppressReason::HardBounce);
            assert!(
                store
                    .is_suppressed("JANE.DOE@CLINIC.EXAMPLE")
                    .expect("get")
                    .is_some()
            );
            assert!(
                store
                    .is_suppressed("other@clinic.example")
                    .expect("get")
                    .is_none()
            );
        }
        // sled releases its file lock when its last background job ends,
        // which can be just after the first handle is dropped: wait for
        // the lock (bounded), not for a guessed time.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let store = loop {
            match SledSuppression::open(&path) {
                Ok(s) => break s,
                Err(e)
                    if std::time::Instant::now() < deadline && e.to_string().contains("lock") =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => panic!("reopen: {e:?}"),
            }
        };
        let list = store.list().expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].address, "Jane.Doe@clinic.example");
        assert!(store.remove("jane.doe@CLINIC.example").expect("remove"));
        assert!(
            !store
                .remove("jane.doe@clinic.example")
                .expect("remove again")
        );
        assert!(
            store
                .is_suppressed("Jane.Doe@clinic.example")
                .expect("get")
                .is_none()
        );
        assert_eq!(store.list().expect("list").len(), 1);
    }

    #[test]
    fn readding_keeps_first_time_and_updates_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::open(dir.path().join("db")).expect("sled");
        let store = SledSuppression::from_db(&db).expect("tree");
        store
            .add("a@b.example", SuppressReason::HardBounce, "x")
            .expect("add");
        let first = store
            .is_suppressed("a@b.example")
            .expect("get")
            .expect("some");
        store
            .add("A@B.example", SuppressReason::Complaint, "y")
            .expect("add");
        let second = store
            .is_suppressed("a@b.example")
            .expect("get")
            .expect("some");
        assert_eq!(second.since_ms, first.since_ms);
        assert_eq!(second.reason, SuppressReason::Complaint);
        assert_eq!(store.list().expect("list").len(), 1);
    }

    #[test]
    fn invalid_addresses_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SledSuppression::open(&dir.path().join("db")).expect("open");
        for bad in ["", "nobody", "@x", "a@", "a b@c"] {
            assert!(
                matches!(
                    store.add(bad, SuppressReason::Manual, ""),
                    Err(BounceError::InvalidAddress(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn store_is_usable_as_trait_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Box<dyn SuppressionStore> =
            Box::new(SledSuppression::open(&dir.path().join("db")).expect("open"));
        store
            .add("x@y.example", SuppressReason::Manual, "admin")
            .expect("add");
        assert!(store.is_suppressed("X@Y.EXAMPLE").expect("get").is_some());
    }
}
