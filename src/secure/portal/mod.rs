//! Portal hand-off: a message that no recipient key can protect is sealed
//! for its recipient, and the recipient gets a notice with a link
//! (`<public_url>/m/<token>`); the portal web app (`crate::portal`) opens it.
//!
//! Layers:
//! * [`PortalStore`]: storage only — records and sealed bodies keyed by a
//!   lookup id. Every query the portal makes goes through it (sled here;
//!   a shared database for several nodes later).
//! * [`Vault`] (`vault.rs`): the cryptography and the rules on top of a
//!   store — sealing, opening, one-time codes and lockout, recall, expiry,
//!   extension and re-issued links.
//! * `mail.rs`: the notices (link, one-time code, read notice to the
//!   sender), built with mail-builder and never carrying PHI.
//!
//! Sealing (see `vault.rs` for the details): the link token is 256 random
//! bits; the store keeps only SHA-256("id" ‖ token) as the lookup id. The
//! body is encrypted (AES-256-GCM) under a random content key, which is
//! stored wrapped under a key derived from the token and, when `portal
//! resend` is enabled, also under the node's portal key — a file kept
//! apart from the store (0600). The store on its own opens nothing.
//! Recall and expiry destroy the ciphertext and every wrapped key; a
//! tombstone stays so the link can say what happened.

mod mail;
mod sled_store;
mod vault;

pub use mail::{LocalMail, NoticeFrom, code_mail, notice, queue_mail, read_notice};
pub use sled_store::SledPortal;
pub use vault::{
    CodeCheck, CodeIssue, CopyStatus, NodeKey, Opened, PutRequest, Vault, mask_address,
};

use serde::{Deserialize, Serialize};

use super::SecureError;

/// SHA-256 of the link token: the only way the store knows a copy.
pub type LookupId = [u8; 32];

/// What happened to a copy's sealed body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyState {
    Active,
    /// The sender recalled it; body and keys destroyed.
    Recalled,
    /// It expired; body and keys destroyed.
    Expired,
}

impl CopyState {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyState::Active => "active",
            CopyState::Recalled => "recalled",
            CopyState::Expired => "expired",
        }
    }
}

/// One recipient's copy of a message in the portal (small: the sealed
/// body is kept apart, see [`PortalStore::body`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyRecord {
    pub queue_id: u64,
    pub recipient: String,
    /// Envelope sender of the original.
    #[serde(default)]
    pub sender: String,
    /// The original From (for re-sent notices): display name and address.
    #[serde(default)]
    pub from_name: Option<String>,
    #[serde(default)]
    pub from_address: String,
    pub created_ms: u64,
    pub expires_ms: u64,
    #[serde(default = "active")]
    pub state: CopyState,
    /// When the body and keys were destroyed (recall or expiry).
    #[serde(default)]
    pub destroyed_ms: Option<u64>,
    /// The content key wrapped under the token's key (nonce ‖ ct ‖ tag).
    #[serde(default, with = "b64_opt")]
    pub key_by_token: Option<Vec<u8>>,
    /// The content key wrapped under the node's portal key (resend).
    #[serde(default, with = "b64_opt")]
    pub key_by_node: Option<Vec<u8>>,
    #[serde(default)]
    pub login: LoginState,
    #[serde(default)]
    pub opened_ms: Option<u64>,
    #[serde(default)]
    pub downloads: u32,
    #[serde(default)]
    pub replies: u32,
    /// How many links have been issued (1 + re-sends).
    #[serde(default = "one")]
    pub links_issued: u32,
    /// Records written before content keys: the body sealed directly under
    /// the token's key, inside the record (still opens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    /// Older records marked recalls with a flag.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recalled: bool,
}

fn active() -> CopyState {
    CopyState::Active
}

fn one() -> u32 {
    1
}

/// One-time code state of a copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    /// SHA-256 of (token key ‖ code): the store alone cannot test codes.
    #[serde(default, with = "b64_opt")]
    pub code_hash: Option<Vec<u8>>,
    #[serde(default)]
    pub code_expires_ms: u64,
    /// Wrong codes since the last success or lockout.
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub locked_until_ms: u64,
    /// When codes were sent (the last hour's).
    #[serde(default)]
    pub code_requests_ms: Vec<u64>,
}

/// A signed-in browser session (the cookie holds a random id; the store
/// keys it by SHA-256 of that id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The copy this session may read.
    #[serde(with = "hex_id")]
    pub copy: LookupId,
    pub created_ms: u64,
    pub last_seen_ms: u64,
}

/// Where sealed messages wait for their recipients. Implementations only
/// store: the cryptography and rules live in [`Vault`]. `update` must be
/// atomic (a read-modify-write no other writer interleaves with).
pub trait PortalStore: Send + Sync {
    /// Store a new copy and its sealed body.
    fn insert(&self, id: &LookupId, record: &CopyRecord, body: &[u8]) -> Result<(), SecureError>;
    fn get(&self, id: &LookupId) -> Result<Option<CopyRecord>, SecureError>;
    /// The sealed body (nonce ‖ ciphertext ‖ tag), None once destroyed.
    fn body(&self, id: &LookupId) -> Result<Option<Vec<u8>>, SecureError>;
    /// Atomically change a record: `f` edits it and says whether to write
    /// it back. Returns the record as it is afterwards.
    fn update(
        &self,
        id: &LookupId,
        f: &mut dyn FnMut(&mut CopyRecord) -> bool,
    ) -> Result<Option<CopyRecord>, SecureError>;
    /// Destroy the sealed body of a copy (the record stays as written by
    /// the caller's `update`).
    fn destroy_body(&self, id: &LookupId) -> Result<(), SecureError>;
    /// Move a copy to a new lookup id (a re-issued link), replacing its
    /// record; the old id no longer finds it.
    fn rekey(&self, old: &LookupId, new: &LookupId, record: &CopyRecord)
    -> Result<(), SecureError>;
    /// Remove a record for good (old tombstones).
    fn remove(&self, id: &LookupId) -> Result<(), SecureError>;
    /// Every copy, optionally only those of one recipient (lower-case).
    fn list(&self, recipient: Option<&str>) -> Result<Vec<(LookupId, CopyRecord)>, SecureError>;
    /// The copies of one queued message.
    fn by_queue_id(&self, queue_id: u64) -> Result<Vec<(LookupId, CopyRecord)>, SecureError>;

    fn session_put(&self, id: &LookupId, s: &SessionRecord) -> Result<(), SecureError>;
    fn session_get(&self, id: &LookupId) -> Result<Option<SessionRecord>, SecureError>;
    fn session_remove(&self, id: &LookupId) -> Result<(), SecureError>;
    /// Remove sessions last seen before `before_ms`; returns how many.
    fn session_sweep(&self, before_ms: u64) -> Result<usize, SecureError>;
    /// Make every change so far durable.
    fn flush(&self) -> Result<(), SecureError>;
}

pub(crate) fn store_err(e: impl std::fmt::Display) -> SecureError {
    SecureError::Crypto {
        method: "portal",
        reason: format!("store: {e}"),
    }
}

mod b64_opt {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        v.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

mod hex_id {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let t = String::deserialize(d)?;
        hex::decode(t)
            .ok()
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .ok_or_else(|| serde::de::Error::custom("bad id"))
    }
}
