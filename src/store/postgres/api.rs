//! API clients, idempotency keys, webhooks and rate counters on
//! PostgreSQL (see `mod.rs` for the runtime bridge and errors).
//!
//! Webhooks from every node: the outbox is one table; `due` leases the
//! items it hands out (`FOR UPDATE SKIP LOCKED`, then `lease_until_ms`
//! and `leased_by`), so no two nodes send the same item at once, and a
//! node that dies mid-attempt leaves a lease that runs out and another
//! node takes the item. Delivered items are deleted; a retry clears the
//! lease with the new due time. At least once, once per endpoint apart
//! from retries (the `webhook-id` stays the same for receivers to
//! deduplicate).
//!
//! While the database is down, events are not lost: `enqueue` writes
//! them to a sled tree of this node (`webhook_outbox_pending`), and every
//! pass of the dispatcher moves what waits there into the shared outbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Db, big, from_json, to_json, unbig};
use crate::store::{
    ApiClient, ClientStore, Endpoint, IdempotencyRecord, IdempotencyStore, MemoryRateLimiter,
    OutboxItem, RateLimiter, StoreError, WebhookStore,
};
use crate::util::now_ms;

/// Name of the local tree holding events queued while the database was down.
pub const PENDING_TREE: &str = "webhook_outbox_pending";

// ------------------------------------------------------------ clients

pub struct PgClients {
    db: Arc<Db>,
}

impl PgClients {
    pub fn new(db: Arc<Db>) -> Self {
        PgClients { db }
    }
}

impl ClientStore for PgClients {
    fn add(&self, client: &ApiClient) -> Result<(), StoreError> {
        let (id, name, live, rec) = (
            client.client_id.clone(),
            client.name.clone(),
            client.is_live(),
            to_json(client)?,
        );
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let r = c
                .execute(
                    "INSERT INTO sp_api_clients (client_id, name, live, record) VALUES ($1, $2, $3, $4)",
                    &[&id, &name, &live, &rec],
                )
                .await;
            match r {
                Ok(_) => Ok(()),
                Err(e)
                    if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) =>
                {
                    Err(StoreError::Conflict(format!(
                        "an API key named \"{name}\" exists (revoke it first)"
                    )))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn by_id(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        self.db.record_by_key(
            "SELECT record FROM sp_api_clients WHERE client_id = $1",
            client_id.to_string(),
        )
    }

    fn list(&self) -> Result<Vec<ApiClient>, StoreError> {
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let mut all: Vec<ApiClient> = c
                .query("SELECT record FROM sp_api_clients", &[])
                .await?
                .into_iter()
                .map(|r| from_json(r.get(0)))
                .collect::<Result<_, _>>()?;
            all.sort_by(|a, b| a.name.cmp(&b.name).then(a.created_ms.cmp(&b.created_ms)));
            Ok(all)
        })
    }

    fn revoke(&self, name: &str) -> Result<Option<ApiClient>, StoreError> {
        let name = name.to_string();
        let at = big(now_ms());
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.query_opt(
                "UPDATE sp_api_clients
                 SET live = false, record = jsonb_set(record, '{revoked_ms}', to_jsonb($2::bigint))
                 WHERE name = $1 AND live RETURNING record",
                &[&name, &at],
            )
            .await?
            .map(|r| from_json(r.get(0)))
            .transpose()
        })
    }
}

// ------------------------------------------------------------ idempotency

pub struct PgIdempotency {
    db: Arc<Db>,
}

impl PgIdempotency {
    pub fn new(db: Arc<Db>) -> Self {
        PgIdempotency { db }
    }
}

impl IdempotencyStore for PgIdempotency {
    fn claim(
        &self,
        key: &str,
        record: &IdempotencyRecord,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (key, created, rec) = (
            key.as_bytes().to_vec(),
            big(record.created_ms),
            to_json(record)?,
        );
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let won = c
                .execute(
                    "INSERT INTO sp_idempotency (key, created_ms, record) VALUES ($1, $2, $3)
                     ON CONFLICT (key) DO NOTHING",
                    &[&key, &created, &rec],
                )
                .await?;
            if won == 1 {
                return Ok(None);
            }
            match c
                .query_opt("SELECT record FROM sp_idempotency WHERE key = $1", &[&key])
                .await?
            {
                Some(r) => Ok(Some(from_json(r.get(0))?)),
                None => Err(StoreError::Conflict("idempotency key raced".into())),
            }
        })
    }

    fn get(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.db.record_by_key(
            "SELECT record FROM sp_idempotency WHERE key = $1",
            key.as_bytes().to_vec(),
        )
    }

    fn put(&self, key: &str, record: &IdempotencyRecord) -> Result<(), StoreError> {
        let (key, created, rec) = (
            key.as_bytes().to_vec(),
            big(record.created_ms),
            to_json(record)?,
        );
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.execute(
                "INSERT INTO sp_idempotency (key, created_ms, record) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET created_ms = EXCLUDED.created_ms, record = EXCLUDED.record",
                &[&key, &created, &rec],
            )
            .await?;
            Ok(())
        })
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        let key = key.as_bytes().to_vec();
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.execute("DELETE FROM sp_idempotency WHERE key = $1", &[&key])
                .await?;
            Ok(())
        })
    }

    fn sweep(&self, before_ms: u64) -> Result<usize, StoreError> {
        let before = big(before_ms);
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let n = c
                .execute(
                    "DELETE FROM sp_idempotency WHERE created_ms < $1",
                    &[&before],
                )
                .await?;
            Ok(n as usize)
        })
    }
}

// ------------------------------------------------------------ webhooks

pub struct PgWebhooks {
    db: Arc<Db>,
    /// Events queued while the database was unreachable (this node only).
    pending: sled::Tree,
    seq: AtomicU64,
    /// How long a node holds the items it is sending.
    lease: Duration,
}

impl PgWebhooks {
    /// `lease`: at least the webhook timeout (an attempt ends within it).
    pub fn new(db: Arc<Db>, pending: sled::Tree, lease: Duration) -> Self {
        PgWebhooks {
            db,
            pending,
            seq: AtomicU64::new(now_ms().saturating_mul(1000)),
            lease,
        }
    }

    /// Move events queued locally during an outage into the shared outbox.
    fn drain_pending(&self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut keys = Vec::new();
        let mut items = Vec::new();
        for kv in self.pending.iter() {
            let (k, v) = kv?;
            match serde_json::from_slice::<OutboxItem>(&v) {
                Ok(i) => items.push(i),
                Err(e) => tracing::error!(error = %e, "undecodable pending webhook item dropped"),
            }
            keys.push(k);
            if keys.len() >= 500 {
                break;
            }
        }
        self.insert(items)?;
        let mut batch = sled::Batch::default();
        for k in keys {
            batch.remove(k);
        }
        self.pending.apply_batch(batch)?;
        self.pending.flush()?;
        tracing::info!("webhook events queued during a database outage moved to the shared outbox");
        Ok(())
    }

    fn insert(&self, items: Vec<OutboxItem>) -> Result<(), StoreError> {
        let rows = items
            .iter()
            .map(|i| Ok((big(i.next_ms), i.endpoint_id.clone(), to_json(i)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.db.run(|pool| async move {
            let mut c = pool.get().await?;
            let tx = c.transaction().await?;
            let st = tx
                .prepare(
                    "INSERT INTO sp_webhook_outbox (next_ms, endpoint_id, item) VALUES ($1, $2, $3)",
                )
                .await?;
            for (next, ep, item) in &rows {
                tx.execute(&st, &[next, ep, item]).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

fn outbox_item(row: &tokio_postgres::Row) -> Result<OutboxItem, StoreError> {
    let mut item: OutboxItem = from_json(row.get("item"))?;
    item.seq = unbig(row.get("seq"));
    item.next_ms = unbig(row.get("next_ms"));
    Ok(item)
}

impl WebhookStore for PgWebhooks {
    fn put_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError> {
        let (id, rec) = (endpoint.id.clone(), to_json(endpoint)?);
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.execute(
                "INSERT INTO sp_webhook_endpoints (id, record) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
                &[&id, &rec],
            )
            .await?;
            Ok(())
        })
    }

    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        self.db.record_by_key(
            "SELECT record FROM sp_webhook_endpoints WHERE id = $1",
            id.to_string(),
        )
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.query("SELECT record FROM sp_webhook_endpoints ORDER BY id", &[])
                .await?
                .into_iter()
                .map(|r| from_json(r.get(0)))
                .collect()
        })
    }

    fn remove_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db.run(|pool| async move {
            let mut c = pool.get().await?;
            let tx = c.transaction().await?;
            let n = tx
                .execute("DELETE FROM sp_webhook_endpoints WHERE id = $1", &[&id])
                .await?;
            tx.execute(
                "DELETE FROM sp_webhook_outbox WHERE endpoint_id = $1",
                &[&id],
            )
            .await?;
            tx.commit().await?;
            Ok(n > 0)
        })
    }

    fn enqueue(&self, items: Vec<OutboxItem>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        match self.insert(items.clone()) {
            Err(StoreError::Unavailable(why)) => {
                tracing::warn!(error = %why, count = items.len(), "database unreachable: webhook events kept on this node until it is back");
                let mut batch = sled::Batch::default();
                for i in &items {
                    batch.insert(&i.seq.to_be_bytes(), serde_json::to_vec(i)?);
                }
                self.pending.apply_batch(batch)?;
                self.pending.flush()?;
                Ok(())
            }
            other => other,
        }
    }

    fn due(&self, now_ms: u64, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        self.drain_pending()?;
        let now = big(now_ms);
        let until = big(now_ms.saturating_add(self.lease.as_millis() as u64));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let node = self.db.node().to_string();
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let rows = c
                .query(
                    "UPDATE sp_webhook_outbox o SET lease_until_ms = $2, leased_by = $4
                     FROM (SELECT seq FROM sp_webhook_outbox
                           WHERE next_ms <= $1 AND lease_until_ms <= $1
                           ORDER BY next_ms, seq LIMIT $3
                           FOR UPDATE SKIP LOCKED) d
                     WHERE o.seq = d.seq
                     RETURNING o.seq, o.next_ms, o.item",
                    &[&now, &until, &limit, &node],
                )
                .await?;
            let mut out = rows
                .iter()
                .map(outbox_item)
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by_key(|i| (i.next_ms, i.seq));
            Ok(out)
        })
    }

    fn next_due(&self) -> Result<Option<u64>, StoreError> {
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let v: Option<i64> = c
                .query_one(
                    "SELECT min(greatest(next_ms, lease_until_ms)) FROM sp_webhook_outbox",
                    &[],
                )
                .await?
                .get(0);
            Ok(v.map(unbig))
        })
    }

    fn reschedule(&self, old: &OutboxItem, new: &OutboxItem) -> Result<(), StoreError> {
        let (seq, next, rec) = (big(old.seq), big(new.next_ms), to_json(new)?);
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.execute(
                "UPDATE sp_webhook_outbox SET next_ms = $2, item = $3, lease_until_ms = 0, leased_by = NULL
                 WHERE seq = $1",
                &[&seq, &next, &rec],
            )
            .await?;
            Ok(())
        })
    }

    fn remove(&self, item: &OutboxItem) -> Result<(), StoreError> {
        let seq = big(item.seq);
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            c.execute("DELETE FROM sp_webhook_outbox WHERE seq = $1", &[&seq])
                .await?;
            Ok(())
        })
    }

    fn drop_endpoint_items(&self, endpoint_id: &str) -> Result<usize, StoreError> {
        let id = endpoint_id.to_string();
        self.db.run(|pool| async move {
            let c = pool.get().await?;
            let n = c
                .execute(
                    "DELETE FROM sp_webhook_outbox WHERE endpoint_id = $1",
                    &[&id],
                )
                .await?;
            Ok(n as usize)
        })
    }

    fn pending(&self) -> Result<usize, StoreError> {
        let local = self.pending.len();
        let shared = self.db.run(|pool| async move {
            let c = pool.get().await?;
            let n: i64 = c
                .query_one("SELECT count(*) FROM sp_webhook_outbox", &[])
                .await?
                .get(0);
            Ok(unbig(n) as usize)
        })?;
        Ok(shared + local)
    }

    /// A local number: the shared outbox numbers items itself.
    fn next_seq(&self) -> Result<u64, StoreError> {
        Ok(self.seq.fetch_add(1, Ordering::Relaxed))
    }

    /// Committed items are durable already.
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

// ------------------------------------------------------------ rate limits

/// GCRA (see `ratelimit.rs`) with the theoretical arrival time in a row
/// per key and the database's clock, so every node counts together. When
/// the database cannot be reached, the node counts alone in memory.
pub struct PgRateLimiter {
    db: Arc<Db>,
    fallback: MemoryRateLimiter,
}

impl PgRateLimiter {
    pub fn new(db: Arc<Db>) -> Self {
        PgRateLimiter {
            db,
            fallback: MemoryRateLimiter::default(),
        }
    }
}

impl RateLimiter for PgRateLimiter {
    fn check(&self, key: &str, rate: f64) -> Result<(), Duration> {
        if !(rate.is_finite() && rate > 0.0) {
            return Ok(());
        }
        let interval = 1.0 / rate;
        let tolerance = interval * (rate.max(1.0) - 1.0);
        let k = key.to_string();
        let r = self.db.run(move |pool| async move {
            let c = pool.get().await?;
            // One statement: advance the TAT only if the request fits.
            let row = c
                .query_one(
                    "WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t),
                     up AS (
                       INSERT INTO sp_rate_limits AS r (key, tat)
                       SELECT $1, now.t + $2 FROM now
                       ON CONFLICT (key) DO UPDATE
                         SET tat = greatest(r.tat, (SELECT t FROM now)) + $2
                         WHERE greatest(r.tat, (SELECT t FROM now)) - $3 <= (SELECT t FROM now)
                       RETURNING r.tat)
                     SELECT (SELECT count(*) FROM up)::int8,
                            coalesce((SELECT tat FROM sp_rate_limits WHERE key = $1), 0)
                              - $3 - (SELECT t FROM now)",
                    &[&k, &interval, &tolerance],
                )
                .await?;
            let allowed: i64 = row.get(0);
            let wait: f64 = row.get(1);
            Ok((allowed > 0, wait))
        });
        match r {
            Ok((true, _)) => Ok(()),
            Ok((false, wait)) => Err(Duration::from_secs_f64(wait.clamp(0.001, 3600.0))),
            Err(_) => self.fallback.check(key, rate),
        }
    }
}
