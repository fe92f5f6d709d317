//! State that several nodes must share (DESIGN: scale-out): API clients,
//! idempotency keys, webhook endpoints and their outbox, rate-limit
//! counters (and, through their own traits, suppressions and portal
//! copies). Each is a trait here; `embedded` implements them on sled
//! trees of the spool's database (the default, one node), `postgres` on
//! a database that several nodes share. `shared` opens the set that
//! `[store]` names.
//!
//! Values are JSON; keys are chosen so a range scan answers the hot query
//! (the outbox is ordered by due time). Nothing here knows HTTP.

pub mod embedded;
pub mod postgres;
pub mod ratelimit;
pub mod shared;

use serde::{Deserialize, Serialize};

pub use embedded::{SledClients, SledIdempotency, SledWebhooks};
pub use ratelimit::{MemoryRateLimiter, RateLimiter};
pub use shared::Shared;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Backend(String),
    #[error("store record does not decode: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    /// The shared database cannot be reached (refused, timed out,
    /// closed): transient, answered with 503 and Retry-After.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => StoreError::Backend(e.to_string()),
        }
    }
}

// ------------------------------------------------------------ API clients

/// What a credential may do. `admin` includes `send` and `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Send,
    Read,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Send => "send",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "send" => Some(Scope::Send),
            "read" => Some(Scope::Read),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// One API client (an "API key"): `client_id.secret` is the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiClient {
    /// Public identifier, `spk_` and 24 hex digits.
    pub client_id: String,
    /// The operator's name for it (unique among live clients).
    pub name: String,
    /// HMAC-SHA256 of the secret under the node key, hex.
    pub secret_hash: String,
    pub scopes: Vec<Scope>,
    /// Envelope and From domains it may send as; empty: any.
    #[serde(default)]
    pub sender_domains: Vec<String>,
    pub default_priority: u8,
    /// Requests per second (bursts of one second's worth); None: the
    /// node's `[api] default_rate`.
    #[serde(default)]
    pub rate_per_second: Option<f64>,
    pub created_ms: u64,
    /// Set when revoked: the key and every token issued to it stop.
    #[serde(default)]
    pub revoked_ms: Option<u64>,
}

impl ApiClient {
    pub fn has_scope(&self, s: Scope) -> bool {
        self.scopes.contains(&s) || self.scopes.contains(&Scope::Admin)
    }

    pub fn is_live(&self) -> bool {
        self.revoked_ms.is_none()
    }

    /// May this client send as `address` (envelope sender or From)?
    pub fn may_send_as(&self, address: &str) -> bool {
        if self.sender_domains.is_empty() {
            return true;
        }
        let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        self.sender_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

pub trait ClientStore: Send + Sync {
    /// Adds a client; Conflict if a live one has the same name.
    fn add(&self, client: &ApiClient) -> Result<(), StoreError>;
    fn by_id(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError>;
    /// Every client, revoked ones included, ordered by name.
    fn list(&self) -> Result<Vec<ApiClient>, StoreError>;
    /// Revokes the live client named `name`; None if there is none.
    fn revoke(&self, name: &str) -> Result<Option<ApiClient>, StoreError>;
}

// ------------------------------------------------------------ idempotency

/// An answer kept for replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// One `Idempotency-Key` of one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// SHA-256 of method, path and body, hex.
    pub fingerprint: String,
    pub created_ms: u64,
    /// The queue id the request will use (reserved before the spool
    /// write, so a record left by a crash can be resolved).
    pub queue_id: Option<u64>,
    /// None while the first request is in progress.
    pub response: Option<StoredResponse>,
}

pub trait IdempotencyStore: Send + Sync {
    /// Stores `record` under `key` unless the key exists; returns the
    /// existing record if there is one (nothing stored then).
    fn claim(
        &self,
        key: &str,
        record: &IdempotencyRecord,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    fn get(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    fn put(&self, key: &str, record: &IdempotencyRecord) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Forget records created before `before_ms`; returns how many.
    fn sweep(&self, before_ms: u64) -> Result<usize, StoreError>;
    /// Make the claims so far survive a crash or power loss (a client
    /// that lost its 202 retries with the key and must find the message).
    /// A backend whose writes are durable when they return does nothing.
    fn make_durable(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

// ------------------------------------------------------------ webhooks

/// A webhook signing secret: 32 random bytes, shown as `whsec_<base64>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    /// Standard base64 of the key bytes.
    pub key: String,
    pub created_ms: u64,
    /// A rotated-out secret keeps signing until then.
    #[serde(default)]
    pub expires_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// `ep_` and 24 hex digits.
    pub id: String,
    /// The client (by name) whose messages' events it receives.
    pub owner: String,
    /// Also every other message's events (admin clients only).
    #[serde(default)]
    pub all_messages: bool,
    pub url: String,
    /// Event types; empty: all.
    #[serde(default)]
    pub events: Vec<String>,
    /// Newest first; more than one during a rotation.
    pub secrets: Vec<WebhookSecret>,
    pub created_ms: u64,
    /// Why deliveries stopped (e.g. the endpoint answered 410).
    #[serde(default)]
    pub disabled: Option<String>,
}

impl Endpoint {
    pub fn wants(&self, event_type: &str) -> bool {
        self.disabled.is_none()
            && (self.events.is_empty() || self.events.iter().any(|e| e == event_type))
    }
}

/// One webhook message waiting for (another) attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Unique, increasing: with `next_ms` it is the item's key.
    pub seq: u64,
    pub next_ms: u64,
    pub endpoint_id: String,
    /// The `webhook-id`: the same on every retry.
    pub webhook_id: String,
    /// The JSON body, signed as sent.
    pub payload: String,
    pub created_ms: u64,
    pub attempts: u32,
}

pub trait WebhookStore: Send + Sync {
    fn put_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError>;
    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError>;
    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError>;
    /// Removes the endpoint and its queued messages; false if unknown.
    fn remove_endpoint(&self, id: &str) -> Result<bool, StoreError>;
    /// Durably queue messages (they survive a crash once this returns).
    fn enqueue(&self, items: Vec<OutboxItem>) -> Result<(), StoreError>;
    /// Items due at `now_ms`, earliest first, at most `limit`.
    fn due(&self, now_ms: u64, limit: usize) -> Result<Vec<OutboxItem>, StoreError>;
    /// When the earliest item is due, if any.
    fn next_due(&self) -> Result<Option<u64>, StoreError>;
    /// Replace `old` by `new` (a retry at a later time).
    fn reschedule(&self, old: &OutboxItem, new: &OutboxItem) -> Result<(), StoreError>;
    /// Forget a delivered (or abandoned) item.
    fn remove(&self, item: &OutboxItem) -> Result<(), StoreError>;
    /// Forget every item of an endpoint; returns how many.
    fn drop_endpoint_items(&self, endpoint_id: &str) -> Result<usize, StoreError>;
    /// Items waiting, for metrics and tests.
    fn pending(&self) -> Result<usize, StoreError>;
    /// A new unique sequence number for an item.
    fn next_seq(&self) -> Result<u64, StoreError>;
    /// Make queued items durable now (blocking I/O).
    fn flush(&self) -> Result<(), StoreError>;
}
