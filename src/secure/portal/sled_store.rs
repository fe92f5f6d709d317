//! The embedded [`PortalStore`]: three sled trees of the spool's database —
//! copy records (small, JSON), sealed bodies (apart, so a failed code does
//! not rewrite megabytes) and sessions. Every change is flushed before the
//! call returns (a code, a lockout or a recall must survive a crash).

use super::{CopyRecord, LookupId, PortalStore, SessionRecord, store_err};
use crate::secure::SecureError;

pub struct SledPortal {
    records: sled::Tree,
    bodies: sled::Tree,
    sessions: sled::Tree,
}

impl SledPortal {
    pub fn new(records: sled::Tree, bodies: sled::Tree, sessions: sled::Tree) -> Self {
        SledPortal {
            records,
            bodies,
            sessions,
        }
    }

    /// The trees `portal`, `portal_body` and `portal_session` of `db`.
    pub fn open(tree: impl Fn(&str) -> Result<sled::Tree, String>) -> Result<Self, SecureError> {
        Ok(SledPortal::new(
            tree("portal").map_err(store_err)?,
            tree("portal_body").map_err(store_err)?,
            tree("portal_session").map_err(store_err)?,
        ))
    }

    fn decode(v: &[u8]) -> Result<CopyRecord, SecureError> {
        serde_json::from_slice(v).map_err(store_err)
    }

    fn scan(
        &self,
        keep: impl Fn(&CopyRecord) -> bool,
    ) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        let mut out = Vec::new();
        for item in self.records.iter() {
            let (k, v) = item.map_err(store_err)?;
            let Ok(id) = <LookupId>::try_from(k.as_ref()) else {
                continue;
            };
            // A record that does not decode is reported, never guessed at.
            match Self::decode(&v) {
                Ok(r) if keep(&r) => out.push((id, r)),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "portal record does not decode"),
            }
        }
        Ok(out)
    }
}

impl PortalStore for SledPortal {
    fn insert(&self, id: &LookupId, record: &CopyRecord, body: &[u8]) -> Result<(), SecureError> {
        self.bodies.insert(id, body).map_err(store_err)?;
        let v = serde_json::to_vec(record).map_err(store_err)?;
        self.records.insert(id, v).map_err(store_err)?;
        self.flush()
    }

    fn get(&self, id: &LookupId) -> Result<Option<CopyRecord>, SecureError> {
        match self.records.get(id).map_err(store_err)? {
            Some(v) => Self::decode(&v).map(Some),
            None => Ok(None),
        }
    }

    fn body(&self, id: &LookupId) -> Result<Option<Vec<u8>>, SecureError> {
        Ok(self.bodies.get(id).map_err(store_err)?.map(|v| v.to_vec()))
    }

    fn update(
        &self,
        id: &LookupId,
        f: &mut dyn FnMut(&mut CopyRecord) -> bool,
    ) -> Result<Option<CopyRecord>, SecureError> {
        // Read, edit, compare-and-swap; again if another writer came first.
        loop {
            let Some(old) = self.records.get(id).map_err(store_err)? else {
                return Ok(None);
            };
            let mut r = Self::decode(&old)?;
            if !f(&mut r) {
                return Ok(Some(r));
            }
            let new = serde_json::to_vec(&r).map_err(store_err)?;
            let swapped = self
                .records
                .compare_and_swap(id, Some(old), Some(new))
                .map_err(store_err)?;
            if swapped.is_ok() {
                self.flush()?;
                return Ok(Some(r));
            }
        }
    }

    fn destroy_body(&self, id: &LookupId) -> Result<(), SecureError> {
        self.bodies.remove(id).map_err(store_err)?;
        self.flush()
    }

    fn rekey(
        &self,
        old: &LookupId,
        new: &LookupId,
        record: &CopyRecord,
    ) -> Result<(), SecureError> {
        let v = serde_json::to_vec(record).map_err(store_err)?;
        if let Some(body) = self.bodies.get(old).map_err(store_err)? {
            self.bodies.insert(new, body).map_err(store_err)?;
        }
        self.records.insert(new, v).map_err(store_err)?;
        self.records.remove(old).map_err(store_err)?;
        self.bodies.remove(old).map_err(store_err)?;
        self.flush()
    }

    fn remove(&self, id: &LookupId) -> Result<(), SecureError> {
        self.records.remove(id).map_err(store_err)?;
        self.bodies.remove(id).map_err(store_err)?;
        self.flush()
    }

    fn list(&self, recipient: Option<&str>) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        let want = recipient.map(|r| r.trim().to_ascii_lowercase());
        self.scan(|r| {
            want.as_ref()
                .is_none_or(|w| r.recipient.eq_ignore_ascii_case(w))
        })
    }

    fn by_queue_id(&self, queue_id: u64) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        self.scan(|r| r.queue_id == queue_id)
    }

    fn session_put(&self, id: &LookupId, s: &SessionRecord) -> Result<(), SecureError> {
        let v = serde_json::to_vec(s).map_err(store_err)?;
        self.sessions.insert(id, v).map_err(store_err)?;
        Ok(())
    }

    fn session_get(&self, id: &LookupId) -> Result<Option<SessionRecord>, SecureError> {
        match self.sessions.get(id).map_err(store_err)? {
            Some(v) => Ok(serde_json::from_slice(&v).ok()),
            None => Ok(None),
        }
    }

    fn session_remove(&self, id: &LookupId) -> Result<(), SecureError> {
        self.sessions.remove(id).map_err(store_err)?;
        self.sessions.flush().map_err(store_err)?;
        Ok(())
    }

    fn session_sweep(&self, before_ms: u64) -> Result<usize, SecureError> {
        let mut n = 0;
        for item in self.sessions.iter() {
            let (k, v) = item.map_err(store_err)?;
            let stale = serde_json::from_slice::<SessionRecord>(&v)
                .map(|s| s.last_seen_ms < before_ms)
                .unwrap_or(true);
            if stale {
                self.sessions.remove(k).map_err(store_err)?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn flush(&self) -> Result<(), SecureError> {
        self.records.flush().map_err(store_err)?;
        self.bodies.flush().map_err(store_err)?;
        Ok(())
    }
}
