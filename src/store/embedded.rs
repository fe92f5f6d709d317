//! The embedded store: sled trees of the spool's database (one node).
//!
//! Trees: `api_clients` (client id → client), `api_idempotency` (client
//! name ‖ 0 ‖ key → record), `webhook_endpoints` (id → endpoint),
//! `webhook_outbox` (due ms ‖ seq, big-endian → item, so the due items
//! are a prefix scan). Client and endpoint changes are flushed at once;
//! outbox and idempotency writes ride on the spool's group commit and
//! sled's own flush (see `api::webhooks` for when the outbox flushes).

use std::sync::atomic::{AtomicU64, Ordering};

use super::*;
use crate::util::now_ms;

pub const CLIENTS: &str = "api_clients";
pub const IDEMPOTENCY: &str = "api_idempotency";
pub const ENDPOINTS: &str = "webhook_endpoints";
pub const OUTBOX: &str = "webhook_outbox";

fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(StoreError::from)
}

/// API clients in a sled tree.
pub struct SledClients {
    tree: sled::Tree,
}

impl SledClients {
    pub fn new(tree: sled::Tree) -> Self {
        SledClients { tree }
    }
}

impl ClientStore for SledClients {
    fn add(&self, client: &ApiClient) -> Result<(), StoreError> {
        if self
            .list()?
            .iter()
            .any(|c| c.is_live() && c.name == client.name)
        {
            return Err(StoreError::Conflict(format!(
                "an API key named \"{}\" exists (revoke it first)",
                client.name
            )));
        }
        self.tree
            .insert(client.client_id.as_bytes(), serde_json::to_vec(client)?)?;
        self.tree.flush()?;
        Ok(())
    }

    fn by_id(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        self.tree
            .get(client_id.as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    fn list(&self) -> Result<Vec<ApiClient>, StoreError> {
        let mut all = Vec::new();
        for item in self.tree.iter() {
            let (_, v) = item?;
            all.push(decode::<ApiClient>(&v)?);
        }
        all.sort_by(|a, b| a.name.cmp(&b.name).then(a.created_ms.cmp(&b.created_ms)));
        Ok(all)
    }

    fn revoke(&self, name: &str) -> Result<Option<ApiClient>, StoreError> {
        let Some(mut c) = self
            .list()?
            .into_iter()
            .find(|c| c.is_live() && c.name == name)
        else {
            return Ok(None);
        };
        c.revoked_ms = Some(now_ms());
        self.tree
            .insert(c.client_id.as_bytes(), serde_json::to_vec(&c)?)?;
        self.tree.flush()?;
        Ok(Some(c))
    }
}

/// Idempotency records in a sled tree.
pub struct SledIdempotency {
    tree: sled::Tree,
}

impl SledIdempotency {
    pub fn new(tree: sled::Tree) -> Self {
        SledIdempotency { tree }
    }
}

impl IdempotencyStore for SledIdempotency {
    fn claim(
        &self,
        key: &str,
        record: &IdempotencyRecord,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let new = serde_json::to_vec(record)?;
        match self
            .tree
            .compare_and_swap(key.as_bytes(), None as Option<&[u8]>, Some(new))?
        {
            Ok(()) => Ok(None),
            Err(e) => match e.current {
                Some(v) => Ok(Some(decode(&v)?)),
                None => Err(StoreError::Conflict("idempotency key raced".into())),
            },
        }
    }

    fn get(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.tree
            .get(key.as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    fn put(&self, key: &str, record: &IdempotencyRecord) -> Result<(), StoreError> {
        self.tree
            .insert(key.as_bytes(), serde_json::to_vec(record)?)?;
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.tree.remove(key.as_bytes())?;
        Ok(())
    }

    fn sweep(&self, before_ms: u64) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.tree.iter() {
            let (k, v) = item?;
            let old = match decode::<IdempotencyRecord>(&v) {
                Ok(r) => r.created_ms < before_ms,
                Err(_) => true,
            };
            if old {
                self.tree.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn make_durable(&self) -> Result<(), StoreError> {
        self.tree.flush()?;
        Ok(())
    }
}

/// Webhook endpoints and the outbox in sled trees.
pub struct SledWebhooks {
    endpoints: sled::Tree,
    outbox: sled::Tree,
    seq: AtomicU64,
}

impl SledWebhooks {
    pub fn new(endpoints: sled::Tree, outbox: sled::Tree) -> Self {
        // Microseconds since the epoch: larger than any earlier run's.
        let start = now_ms().saturating_mul(1000);
        SledWebhooks {
            endpoints,
            outbox,
            seq: AtomicU64::new(start),
        }
    }

    fn key(item: &OutboxItem) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&item.next_ms.to_be_bytes());
        k[8..].copy_from_slice(&item.seq.to_be_bytes());
        k
    }
}

impl WebhookStore for SledWebhooks {
    fn put_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError> {
        self.endpoints
            .insert(endpoint.id.as_bytes(), serde_json::to_vec(endpoint)?)?;
        self.endpoints.flush()?;
        Ok(())
    }

    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        self.endpoints
            .get(id.as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        let mut all = Vec::new();
        for item in self.endpoints.iter() {
            let (_, v) = item?;
            all.push(decode::<Endpoint>(&v)?);
        }
        Ok(all)
    }

    fn remove_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let existed = self.endpoints.remove(id.as_bytes())?.is_some();
        self.endpoints.flush()?;
        self.drop_endpoint_items(id)?;
        Ok(existed)
    }

    // All or nothing (the caller reports the event as not queued), without
    // a sled batch (see `util::sled_insert_all`). The dispatcher flushes the
    // outbox before each pass.
    fn enqueue(&self, items: Vec<OutboxItem>) -> Result<(), StoreError> {
        let mut encoded = Vec::with_capacity(items.len());
        for item in &items {
            encoded.push((Self::key(item), serde_json::to_vec(item)?));
        }
        crate::util::sled_insert_all(&self.outbox, &encoded)?;
        Ok(())
    }

    fn due(&self, now_ms: u64, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        let end = (now_ms.saturating_add(1)).to_be_bytes();
        let mut out = Vec::new();
        for item in self.outbox.range(..end.as_slice()) {
            let (k, v) = item?;
            match decode::<OutboxItem>(&v) {
                Ok(i) => out.push(i),
                Err(e) => {
                    // An item that cannot be read cannot be sent either.
                    tracing::error!(error = %e, "undecodable webhook outbox item dropped");
                    self.outbox.remove(k)?;
                }
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    fn next_due(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.outbox.first()?.and_then(|(k, _)| {
            k.get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
        }))
    }

    fn reschedule(&self, old: &OutboxItem, new: &OutboxItem) -> Result<(), StoreError> {
        // The new attempt first: a crash between the two leaves one attempt
        // too many (same webhook-id, at-least-once), never none.
        self.outbox
            .insert(Self::key(new), serde_json::to_vec(new)?)?;
        self.outbox.remove(Self::key(old))?;
        Ok(())
    }

    fn remove(&self, item: &OutboxItem) -> Result<(), StoreError> {
        self.outbox.remove(Self::key(item))?;
        Ok(())
    }

    fn drop_endpoint_items(&self, endpoint_id: &str) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.outbox.iter() {
            let (k, v) = item?;
            if decode::<OutboxItem>(&v).is_ok_and(|i| i.endpoint_id == endpoint_id) {
                self.outbox.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn pending(&self) -> Result<usize, StoreError> {
        Ok(self.outbox.len())
    }

    fn next_seq(&self) -> Result<u64, StoreError> {
        Ok(self.seq.fetch_add(1, Ordering::Relaxed))
    }

    /// sled also flushes on its own every 500 ms.
    fn flush(&self) -> Result<(), StoreError> {
        self.outbox.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, sled::Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = sled::Config::new().path(dir.path()).open().expect("db");
        (dir, db)
    }

    fn item(s: &SledWebhooks, next_ms: u64, ep: &str) -> OutboxItem {
        OutboxItem {
            seq: s.next_seq().expect("seq"),
            next_ms,
            endpoint_id: ep.into(),
            webhook_id: format!("msg_{next_ms}"),
            payload: "{}".into(),
            created_ms: 1,
            attempts: 0,
        }
    }

    #[test]
    fn outbox_hands_out_due_items_in_time_order_and_reschedules() {
        let (_d, db) = db();
        let s = SledWebhooks::new(
            db.open_tree(ENDPOINTS).expect("t"),
            db.open_tree(OUTBOX).expect("t"),
        );
        let (a, b, c) = (
            item(&s, 300, "e1"),
            item(&s, 100, "e1"),
            item(&s, 200, "e2"),
        );
        s.enqueue(vec![a.clone(), b.clone(), c.clone()])
            .expect("enqueue");
        assert_eq!(s.next_due().expect("next"), Some(100));
        let due = s.due(250, 10).expect("due");
        assert_eq!(due, vec![b.clone(), c.clone()]);
        let later = OutboxItem {
            next_ms: 1000,
            attempts: 1,
            ..b.clone()
        };
        s.reschedule(&b, &later).expect("reschedule");
        assert_eq!(s.due(250, 10).expect("due"), vec![c.clone()]);
        assert_eq!(s.drop_endpoint_items("e1").expect("drop"), 2);
        assert_eq!(s.pending().expect("pending"), 1);
    }

    #[test]
    fn idempotency_claim_returns_the_first_record() {
        let (_d, db) = db();
        let s = SledIdempotency::new(db.open_tree(IDEMPOTENCY).expect("t"));
        let r = IdempotencyRecord {
            fingerprint: "f1".into(),
            created_ms: 5,
            queue_id: Some(9),
            response: None,
        };
        assert_eq!(s.claim("c\0k", &r).expect("claim"), None);
        let other = IdempotencyRecord {
            fingerprint: "f2".into(),
            ..r.clone()
        };
        assert_eq!(s.claim("c\0k", &other).expect("claim"), Some(r));
        assert_eq!(s.sweep(6).expect("sweep"), 1);
        assert_eq!(s.claim("c\0k", &other).expect("claim"), None);
    }

    #[test]
    fn clients_revoke_by_name_and_names_are_unique_among_live_ones() {
        let (_d, db) = db();
        let s = SledClients::new(db.open_tree(CLIENTS).expect("t"));
        let c = ApiClient {
            client_id: "spk_1".into(),
            name: "ehr".into(),
            secret_hash: "00".into(),
            scopes: vec![Scope::Send],
            sender_domains: vec![],
            default_priority: 4,
            rate_per_second: Some(10.0),
            created_ms: 1,
            revoked_ms: None,
        };
        s.add(&c).expect("add");
        let again = ApiClient {
            client_id: "spk_2".into(),
            ..c.clone()
        };
        assert!(matches!(s.add(&again), Err(StoreError::Conflict(_))));
        assert!(s.revoke("ehr").expect("revoke").is_some());
        assert!(!s.by_id("spk_1").expect("get").expect("kept").is_live());
        s.add(&again).expect("a new key under the old name");
        assert_eq!(s.list().expect("list").len(), 2);
    }
}
