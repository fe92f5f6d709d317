//! Portal copies and sessions on PostgreSQL: every node opens every
//! copy. One row per copy (record as JSON, the sealed body apart in the
//! same row); `update` is a compare-and-swap on a version column, so a
//! code attempt or a lockout written by one node is never lost to
//! another's concurrent write (the portal's rules stay in `Vault`).

use std::sync::Arc;

use super::{Db, big, from_json, to_json, unbig};
use crate::secure::SecureError;
use crate::secure::portal::{CopyRecord, LookupId, PortalStore, SessionRecord};
use crate::store::StoreError;

pub struct PgPortal {
    db: Arc<Db>,
}

impl PgPortal {
    pub fn new(db: Arc<Db>) -> Self {
        PgPortal { db }
    }
}

fn serr(e: StoreError) -> SecureError {
    crate::secure::portal::store_err(e)
}

/// Queue ids use all 64 bits: stored bit for bit.
fn qid(v: u64) -> i64 {
    v as i64
}

fn lookup(v: &[u8]) -> Option<LookupId> {
    <LookupId>::try_from(v).ok()
}

impl PgPortal {
    fn copies(
        &self,
        sql: &'static str,
        arg: Option<Arg>,
    ) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        let rows = self
            .db
            .run(|pool| async move {
                let c = pool.get().await?;
                let rows = match arg {
                    None => c.query(sql, &[]).await?,
                    Some(Arg::Text(t)) => c.query(sql, &[&t]).await?,
                    Some(Arg::Int(i)) => c.query(sql, &[&i]).await?,
                };
                Ok(rows
                    .into_iter()
                    .map(|r| (r.get::<_, Vec<u8>>(0), r.get::<_, serde_json::Value>(1)))
                    .collect::<Vec<_>>())
            })
            .map_err(serr)?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, v) in rows {
            let Some(id) = lookup(&id) else { continue };
            // A record that does not decode is reported, never guessed at.
            match from_json::<CopyRecord>(v) {
                Ok(r) => out.push((id, r)),
                Err(e) => tracing::warn!(error = %e, "portal record does not decode"),
            }
        }
        Ok(out)
    }
}

enum Arg {
    Text(String),
    Int(i64),
}

impl PortalStore for PgPortal {
    fn insert(&self, id: &LookupId, record: &CopyRecord, body: &[u8]) -> Result<(), SecureError> {
        let (id, q, rcpt, rec, body) = (
            id.to_vec(),
            qid(record.queue_id),
            record.recipient.trim().to_ascii_lowercase(),
            to_json(record).map_err(serr)?,
            body.to_vec(),
        );
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                c.execute(
                    "INSERT INTO sp_portal_copies (id, queue_id, recipient, record, body)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET queue_id = EXCLUDED.queue_id,
                       recipient = EXCLUDED.recipient, record = EXCLUDED.record,
                       body = EXCLUDED.body, version = sp_portal_copies.version + 1",
                    &[&id, &q, &rcpt, &rec, &body],
                )
                .await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn get(&self, id: &LookupId) -> Result<Option<CopyRecord>, SecureError> {
        self.db
            .record_by_key(
                "SELECT record FROM sp_portal_copies WHERE id = $1",
                id.to_vec(),
            )
            .map_err(serr)
    }

    fn body(&self, id: &LookupId) -> Result<Option<Vec<u8>>, SecureError> {
        let id = id.to_vec();
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                Ok(
                    c.query_opt("SELECT body FROM sp_portal_copies WHERE id = $1", &[&id])
                        .await?
                        .and_then(|r| r.get::<_, Option<Vec<u8>>>(0)),
                )
            })
            .map_err(serr)
    }

    fn update(
        &self,
        id: &LookupId,
        f: &mut dyn FnMut(&mut CopyRecord) -> bool,
    ) -> Result<Option<CopyRecord>, SecureError> {
        // Read, edit here, write back if the version is unchanged; again
        // if another node came first.
        for _ in 0..100 {
            let key = id.to_vec();
            let Some((version, v)) = self
                .db
                .run(|pool| async move {
                    let c = pool.get().await?;
                    Ok(c.query_opt(
                        "SELECT version, record FROM sp_portal_copies WHERE id = $1",
                        &[&key],
                    )
                    .await?
                    .map(|r| (r.get::<_, i64>(0), r.get::<_, serde_json::Value>(1))))
                })
                .map_err(serr)?
            else {
                return Ok(None);
            };
            let mut r: CopyRecord = from_json(v).map_err(serr)?;
            if !f(&mut r) {
                return Ok(Some(r));
            }
            let (key, rec) = (id.to_vec(), to_json(&r).map_err(serr)?);
            let n = self
                .db
                .run(|pool| async move {
                    let c = pool.get().await?;
                    Ok(c.execute(
                        "UPDATE sp_portal_copies SET record = $3, version = version + 1
                         WHERE id = $1 AND version = $2",
                        &[&key, &version, &rec],
                    )
                    .await?)
                })
                .map_err(serr)?;
            if n == 1 {
                return Ok(Some(r));
            }
        }
        Err(serr(StoreError::Conflict(
            "portal record changed too often to update".into(),
        )))
    }

    fn destroy_body(&self, id: &LookupId) -> Result<(), SecureError> {
        let id = id.to_vec();
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                c.execute(
                    "UPDATE sp_portal_copies SET body = NULL WHERE id = $1",
                    &[&id],
                )
                .await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn rekey(
        &self,
        old: &LookupId,
        new: &LookupId,
        record: &CopyRecord,
    ) -> Result<(), SecureError> {
        let (old, new, q, rcpt, rec) = (
            old.to_vec(),
            new.to_vec(),
            qid(record.queue_id),
            record.recipient.trim().to_ascii_lowercase(),
            to_json(record).map_err(serr)?,
        );
        self.db
            .run(|pool| async move {
                let mut c = pool.get().await?;
                let tx = c.transaction().await?;
                tx.execute(
                    "INSERT INTO sp_portal_copies (id, queue_id, recipient, record, body)
                     SELECT $2, $3, $4, $5, body FROM sp_portal_copies WHERE id = $1
                     ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, body = EXCLUDED.body",
                    &[&old, &new, &q, &rcpt, &rec],
                )
                .await?;
                tx.execute("DELETE FROM sp_portal_copies WHERE id = $1", &[&old])
                    .await?;
                tx.commit().await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn remove(&self, id: &LookupId) -> Result<(), SecureError> {
        let id = id.to_vec();
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                c.execute("DELETE FROM sp_portal_copies WHERE id = $1", &[&id])
                    .await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn list(&self, recipient: Option<&str>) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        match recipient {
            None => self.copies("SELECT id, record FROM sp_portal_copies ORDER BY id", None),
            Some(r) => self.copies(
                "SELECT id, record FROM sp_portal_copies WHERE recipient = $1 ORDER BY id",
                Some(Arg::Text(r.trim().to_ascii_lowercase())),
            ),
        }
    }

    fn by_queue_id(&self, queue_id: u64) -> Result<Vec<(LookupId, CopyRecord)>, SecureError> {
        self.copies(
            "SELECT id, record FROM sp_portal_copies WHERE queue_id = $1 ORDER BY id",
            Some(Arg::Int(qid(queue_id))),
        )
    }

    fn session_put(&self, id: &LookupId, s: &SessionRecord) -> Result<(), SecureError> {
        let (id, seen, rec) = (id.to_vec(), big(s.last_seen_ms), to_json(s).map_err(serr)?);
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                c.execute(
                    "INSERT INTO sp_portal_sessions (id, last_seen_ms, record) VALUES ($1, $2, $3)
                     ON CONFLICT (id) DO UPDATE SET last_seen_ms = EXCLUDED.last_seen_ms, record = EXCLUDED.record",
                    &[&id, &seen, &rec],
                )
                .await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn session_get(&self, id: &LookupId) -> Result<Option<SessionRecord>, SecureError> {
        let id = id.to_vec();
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                Ok(c.query_opt(
                    "SELECT record FROM sp_portal_sessions WHERE id = $1",
                    &[&id],
                )
                .await?
                .and_then(|r| from_json(r.get(0)).ok()))
            })
            .map_err(serr)
    }

    fn session_remove(&self, id: &LookupId) -> Result<(), SecureError> {
        let id = id.to_vec();
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                c.execute("DELETE FROM sp_portal_sessions WHERE id = $1", &[&id])
                    .await?;
                Ok(())
            })
            .map_err(serr)
    }

    fn session_sweep(&self, before_ms: u64) -> Result<usize, SecureError> {
        let before = big(before_ms);
        self.db
            .run(|pool| async move {
                let c = pool.get().await?;
                let n = c
                    .execute(
                        "DELETE FROM sp_portal_sessions WHERE last_seen_ms < $1",
                        &[&before],
                    )
                    .await?;
                Ok(unbig(n as i64) as usize)
            })
            .map_err(serr)
    }

    /// Committed rows are durable already.
    fn flush(&self) -> Result<(), SecureError> {
        Ok(())
    }
}
