//! The suppression list on PostgreSQL, with a copy on this node.
//!
//! Every answer from the database refreshes the node's copy (a sled tree,
//! `suppression_cache`), and a full refresh runs every minute
//! ([`PgSuppression::refresh`]). When the database cannot be reached,
//! `is_suppressed` answers from that copy — a node keeps refusing what
//! it knew was suppressed — and counts it in
//! `sealpost_store_suppression_stale_total`. Changes (add, remove) need
//! the database: they fail while it is down.

use std::sync::Arc;

use super::{Db, from_json, to_json};
use crate::bounce::suppress::MAX_DETAIL;
use crate::bounce::{BounceError, BounceReason, SuppressReason, Suppressed, SuppressionStore};
use crate::store::StoreError;
use crate::util::now_ms;

/// Name of the local tree holding the node's copy.
pub const CACHE_TREE: &str = "suppression_cache";

pub struct PgSuppression {
    db: Arc<Db>,
    cache: sled::Tree,
    metrics: Option<Arc<crate::metrics::Metrics>>,
}

/// `normalise`, and no NUL (PostgreSQL text cannot hold one).
fn normalise(addr: &str) -> Result<(String, String), BounceError> {
    let (key, display) = crate::bounce::suppress::normalise(addr)?;
    if key.contains('\0') {
        return Err(BounceError::InvalidAddress(
            key.replace('\0', "").chars().take(64).collect(),
        ));
    }
    Ok((key, display))
}

fn err(e: StoreError) -> BounceError {
    match e {
        StoreError::Unavailable(m) => BounceError::Unavailable(m),
        other => BounceError::Unavailable(other.to_string()),
    }
}

impl PgSuppression {
    pub fn new(
        db: Arc<Db>,
        cache: sled::Tree,
        metrics: Option<Arc<crate::metrics::Metrics>>,
    ) -> Self {
        PgSuppression { db, cache, metrics }
    }

    /// Replace the node's copy by the database's list; returns its size.
    pub fn refresh(&self) -> Result<usize, BounceError> {
        let rows = self.db.run(|pool| async move {
            let c = pool.get().await?;
            let rows = c
                .query("SELECT key, record FROM sp_suppression", &[])
                .await?;
            Ok(rows
                .into_iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, serde_json::Value>(1)))
                .collect::<Vec<_>>())
        });
        let rows = rows.map_err(err)?;
        let keep: std::collections::HashSet<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        let mut batch = sled::Batch::default();
        for kv in self.cache.iter() {
            let (k, _) = kv?;
            if !keep.contains(String::from_utf8_lossy(&k).as_ref()) {
                batch.remove(k);
            }
        }
        for (k, v) in &rows {
            batch.insert(k.as_bytes(), serde_json::to_vec(v)?);
        }
        self.cache.apply_batch(batch)?;
        self.cache.flush()?;
        Ok(rows.len())
    }

    fn cached(&self, key: &str) -> Result<Option<Suppressed>, BounceError> {
        if let Some(m) = &self.metrics {
            m.suppression_stale.inc();
        }
        match self.cache.get(key.as_bytes())? {
            Some(v) => Ok(Some(serde_json::from_slice(&v)?)),
            None => Ok(None),
        }
    }
}

impl SuppressionStore for PgSuppression {
    fn is_suppressed(&self, addr: &str) -> Result<Option<Suppressed>, BounceError> {
        let (key, _) = normalise(addr)?;
        let r = self.db.record_by_key::<_, Suppressed>(
            "SELECT record FROM sp_suppression WHERE key = $1",
            key.clone(),
        );
        match r {
            Ok(found) => {
                // Keep the node's copy in step (best effort).
                let _ = match &found {
                    Some(s) => serde_json::to_vec(s)
                        .map_err(|_| ())
                        .and_then(|v| self.cache.insert(key.as_bytes(), v).map_err(|_| ()))
                        .map(|_| ()),
                    None => self
                        .cache
                        .remove(key.as_bytes())
                        .map(|_| ())
                        .map_err(|_| ()),
                };
                Ok(found)
            }
            Err(StoreError::Unavailable(why)) => {
                tracing::debug!(error = %why, "suppression check answered from this node's copy");
                self.cached(&key)
            }
            Err(e) => Err(err(e)),
        }
    }

    fn add_with_reason(
        &self,
        addr: &str,
        reason: SuppressReason,
        bounce_reason: Option<BounceReason>,
        detail: &str,
    ) -> Result<(), BounceError> {
        let (key, display) = normalise(addr)?;
        let now = now_ms();
        let record = Suppressed {
            address: display,
            reason,
            bounce_reason,
            detail: detail
                .chars()
                .filter(|c| *c != '\0')
                .take(MAX_DETAIL)
                .collect(),
            since_ms: now,
            updated_ms: now,
        };
        let v = to_json(&record).map_err(err)?;
        let k = key.clone();
        let stored = self
            .db
            .run(|pool| async move {
                let c = pool.get().await?;
                // The first `since_ms` stays.
                let row = c
                    .query_one(
                        "INSERT INTO sp_suppression AS s (key, record) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET record =
                           jsonb_set(EXCLUDED.record, '{since_ms}', coalesce(s.record->'since_ms', EXCLUDED.record->'since_ms'))
                         RETURNING record",
                        &[&k, &v],
                    )
                    .await?;
                Ok(row.get::<_, serde_json::Value>(0))
            })
            .map_err(err)?;
        self.cache
            .insert(key.as_bytes(), serde_json::to_vec(&stored)?)?;
        tracing::info!(reason = %reason, bounce_reason = ?bounce_reason.map(|r| r.as_str()), "address suppressed");
        Ok(())
    }

    fn remove(&self, addr: &str) -> Result<bool, BounceError> {
        let (key, _) = normalise(addr)?;
        let k = key.clone();
        let n = self
            .db
            .run(|pool| async move {
                let c = pool.get().await?;
                Ok(
                    c.execute("DELETE FROM sp_suppression WHERE key = $1", &[&k])
                        .await?,
                )
            })
            .map_err(err)?;
        self.cache.remove(key.as_bytes())?;
        Ok(n > 0)
    }

    fn list(&self) -> Result<Vec<Suppressed>, BounceError> {
        let rows = self
            .db
            .run(|pool| async move {
                let c = pool.get().await?;
                Ok(
                    c.query("SELECT key, record FROM sp_suppression ORDER BY key", &[])
                        .await?
                        .into_iter()
                        .map(|r| (r.get::<_, String>(0), r.get::<_, serde_json::Value>(1)))
                        .collect::<Vec<_>>(),
                )
            })
            .map_err(err)?;
        let mut out = Vec::with_capacity(rows.len());
        for (key, v) in rows {
            match from_json::<Suppressed>(v) {
                Ok(r) => out.push(r),
                Err(e) => tracing::warn!(key = %key, error = %e, "unreadable suppression record"),
            }
        }
        Ok(out)
    }
}
