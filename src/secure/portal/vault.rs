//! The portal's cryptography and rules over a [`PortalStore`].
//!
//! Keys, per copy:
//! * token T: 256 random bits, only in the link (base64url).
//! * lookup id = SHA-256("sealpost-portal-id" ‖ T): how the store finds it.
//! * token key = SHA-256("sealpost-portal-kek" ‖ T) wraps the content key.
//! * content key K: 256 random bits; the body is AES-256-GCM under K with
//!   the recipient as associated data.
//! * With resend enabled, K is also wrapped under the node key (a 0600 file
//!   apart from the store), so `portal resend` can issue a new token
//!   without the old one. Without it, K exists only through the link.
//!
//! One-time codes are stored as SHA-256(token key ‖ code) — testing a
//! guess needs the token — and compared in constant time. `max_attempts`
//! wrong codes lock the copy for `lockout`; codes sent per copy per hour
//! are capped. Recall and expiry remove the body and every wrapped key and
//! leave a tombstone (state, time) so the link can explain itself.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{CopyRecord, CopyState, LoginState, LookupId, PortalStore};
use crate::secure::SecureError;
use crate::util::now_ms;

/// Tombstones of recalled or expired copies are kept this long, so a late
/// click still gets "recalled"/"expired" rather than "unknown".
const TOMBSTONE_KEEP: Duration = Duration::from_secs(90 * 86_400);

fn crypto(reason: &str) -> SecureError {
    SecureError::Crypto {
        method: "portal",
        reason: reason.to_string(),
    }
}

fn random<const N: usize>() -> Result<[u8; N], SecureError> {
    let mut b = [0u8; N];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| crypto("no randomness"))?;
    Ok(b)
}

fn derive(label: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    h.update(secret);
    h.finalize().into()
}

fn seal(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, SecureError> {
    let k = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| crypto("key"))?);
    let nonce = random::<NONCE_LEN>()?;
    let mut buf = plain.to_vec();
    k.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad),
        &mut buf,
    )
    .map_err(|_| crypto("seal"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&buf);
    Ok(out)
}

fn unseal(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SecureError> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(crypto("sealed data too short"));
    }
    let k = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| crypto("key"))?);
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| crypto("nonce"))?;
    let mut buf = rest.to_vec();
    let n = k
        .open_in_place(nonce, Aad::from(aad), &mut buf)
        .map_err(|_| crypto("sealed data does not open"))?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// The node's portal secret (a 0600 file apart from the store): wraps
/// content keys for `portal resend` and signs cookies and form tokens.
pub struct NodeKey {
    wrap: [u8; 32],
    mac: hmac::Key,
}

impl NodeKey {
    /// Read the key file, or create it (32 random bytes, hex, mode 0600).
    pub fn load_or_create(path: &Path) -> Result<NodeKey, SecureError> {
        let io = |source| SecureError::Io {
            path: path.to_path_buf(),
            source,
        };
        let secret: [u8; 32] = match std::fs::read_to_string(path) {
            Ok(text) => hex::decode(text.trim())
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
                .ok_or_else(|| SecureError::KeyFile {
                    path: path.to_path_buf(),
                    reason: "expected 64 hex digits".into(),
                })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Crash-safe (temp, fsync, link, directory fsync): a power
                // loss leaves no key or the whole key, never an empty file.
                let s = random::<32>()?;
                crate::util::durable::create_dir_all(&crate::util::durable::parent_of(path))
                    .map_err(io)?;
                match crate::util::durable_create(
                    path,
                    format!("{}\n", hex::encode(s)).as_bytes(),
                    0o600,
                ) {
                    Ok(()) => s,
                    // Lost a creation race: use the winner's key.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        return Self::load_or_create(path);
                    }
                    Err(e) => return Err(io(e)),
                }
            }
            Err(e) => return Err(io(e)),
        };
        Ok(NodeKey::from_secret(&secret))
    }

    pub fn from_secret(secret: &[u8; 32]) -> NodeKey {
        NodeKey {
            wrap: derive(b"sealpost-portal-node-wrap", secret),
            mac: hmac::Key::new(
                hmac::HMAC_SHA256,
                &derive(b"sealpost-portal-node-mac", secret),
            ),
        }
    }

    /// Names this key without revealing it: nodes sharing a store check
    /// they hold the same key.
    pub fn fingerprint(&self) -> String {
        hex::encode(self.sign("node key fingerprint", b""))
    }

    /// HMAC-SHA256 over a label and data.
    pub fn sign(&self, label: &str, data: &[u8]) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.mac);
        ctx.update(label.as_bytes());
        ctx.update(&[0]);
        ctx.update(data);
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// Constant-time check of a tag made by `sign`.
    pub fn verify(&self, label: &str, data: &[u8], tag: &[u8]) -> bool {
        let want = self.sign(label, data);
        tag.len() == want.len() && bool::from(want.ct_eq(tag))
    }
}

/// What delivery hands to the portal for one recipient.
pub struct PutRequest<'a> {
    pub queue_id: u64,
    pub recipient: &'a str,
    pub sender: &'a str,
    pub from_name: Option<&'a str>,
    pub from_address: &'a str,
    pub message: &'a [u8],
    pub expiry: Duration,
}

/// What a link leads to.
#[derive(Debug, Clone)]
pub enum CopyStatus {
    /// No such token.
    Unknown,
    /// Recalled or expired; `now` when this call expired it (audit it).
    Gone {
        record: CopyRecord,
        now: bool,
    },
    /// Too many wrong codes: locked until this time (unix ms).
    Locked {
        record: CopyRecord,
        until_ms: u64,
    },
    Active(CopyRecord),
}

/// A sealed message, opened.
pub struct Opened {
    pub record: CopyRecord,
    pub message: Vec<u8>,
}

/// The answer to "email me a code".
#[derive(Debug)]
pub enum CodeIssue {
    Issued {
        code: String,
        record: Box<CopyRecord>,
    },
    /// The hourly cap is reached; the oldest request leaves the window then.
    TooMany {
        retry_after_ms: u64,
    },
    Locked {
        until_ms: u64,
    },
    Gone,
}

/// The answer to a code typed in.
#[derive(Debug)]
pub enum CodeCheck {
    Valid(Box<CopyRecord>),
    Wrong {
        attempts_left: u32,
    },
    /// This wrong code locked the copy.
    NowLocked {
        until_ms: u64,
        record: Box<CopyRecord>,
    },
    Locked {
        until_ms: u64,
    },
    /// No code pending, or it expired or was used.
    NoCode,
    Gone,
}

/// `p•••@example.org`: enough for a recipient to recognise, little for
/// anyone else.
pub fn mask_address(addr: &str) -> String {
    match addr.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

struct Token {
    raw: [u8; 32],
    id: LookupId,
}

impl Token {
    fn parse(text: &str) -> Option<Token> {
        if text.len() > 64 {
            return None;
        }
        let raw = <[u8; 32]>::try_from(B64URL.decode(text.trim()).ok()?).ok()?;
        Some(Token {
            id: derive(b"sealpost-portal-id", &raw),
            raw,
        })
    }

    fn key(&self) -> [u8; 32] {
        derive(b"sealpost-portal-kek", &self.raw)
    }

    fn code_hash(&self, code: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"sealpost-portal-code");
        h.update(self.key());
        h.update(code.as_bytes());
        h.finalize().into()
    }
}

fn body_aad(recipient: &str) -> Vec<u8> {
    [b"sealpost-portal-body:".as_slice(), recipient.as_bytes()].concat()
}

fn node_aad(queue_id: u64, recipient: &str) -> Vec<u8> {
    [&queue_id.to_be_bytes()[..], recipient.as_bytes()].concat()
}

/// Cryptography and rules over a store; see the module header.
pub struct Vault {
    store: Arc<dyn PortalStore>,
    node: Arc<NodeKey>,
    /// Keep a node-wrapped copy of each content key (`portal resend`).
    resend: bool,
}

impl Vault {
    pub fn new(store: Arc<dyn PortalStore>, node: Arc<NodeKey>, resend: bool) -> Vault {
        Vault {
            store,
            node,
            resend,
        }
    }

    pub fn store(&self) -> &dyn PortalStore {
        self.store.as_ref()
    }

    pub fn node_key(&self) -> &NodeKey {
        &self.node
    }

    /// The lookup id of a token (None if it cannot be one).
    pub fn lookup_id(token: &str) -> Option<LookupId> {
        Token::parse(token).map(|t| t.id)
    }

    /// Seal `message` for one recipient; returns the link token.
    pub fn put(&self, r: &PutRequest<'_>) -> Result<String, SecureError> {
        let raw = random::<32>()?;
        let token = Token {
            id: derive(b"sealpost-portal-id", &raw),
            raw,
        };
        let content = random::<32>()?;
        let body = seal(&content, &body_aad(r.recipient), r.message)?;
        let now = now_ms();
        let record = CopyRecord {
            queue_id: r.queue_id,
            recipient: r.recipient.to_string(),
            sender: r.sender.to_string(),
            from_name: r.from_name.map(str::to_string),
            from_address: r.from_address.to_string(),
            created_ms: now,
            expires_ms: now.saturating_add(r.expiry.as_millis() as u64),
            state: CopyState::Active,
            destroyed_ms: None,
            key_by_token: Some(seal(&token.key(), b"sealpost-portal-key", &content)?),
            key_by_node: if self.resend {
                Some(seal(
                    &self.node.wrap,
                    &node_aad(r.queue_id, r.recipient),
                    &content,
                )?)
            } else {
                None
            },
            login: LoginState::default(),
            opened_ms: None,
            downloads: 0,
            replies: 0,
            links_issued: 1,
            sealed: None,
            recalled: false,
        };
        self.store.insert(&token.id, &record, &body)?;
        Ok(B64URL.encode(token.raw))
    }

    /// Forget a copy whose notice could not be sent.
    pub fn discard(&self, token: &str) -> Result<(), SecureError> {
        match Token::parse(token) {
            Some(t) => self.store.remove(&t.id),
            None => Ok(()),
        }
    }

    /// Destroy body and keys, leaving a tombstone in `state`.
    fn destroy(&self, id: &LookupId, state: CopyState) -> Result<Option<CopyRecord>, SecureError> {
        let now = now_ms();
        // Only the caller that ended the copy gets it back (one event each).
        let mut ended = false;
        let rec = self.store.update(id, &mut |r| {
            ended = false;
            if r.state != CopyState::Active && r.destroyed_ms.is_some() {
                return false;
            }
            ended = true;
            r.state = state;
            r.destroyed_ms = Some(now);
            r.key_by_token = None;
            r.key_by_node = None;
            r.sealed = None;
            r.login = LoginState::default();
            true
        })?;
        self.store.destroy_body(id)?;
        Ok(rec.filter(|_| ended))
    }

    /// Normalise legacy records (a recalled flag).
    fn state_of(r: &CopyRecord) -> CopyState {
        if r.recalled {
            CopyState::Recalled
        } else {
            r.state
        }
    }

    /// What the link `token` leads to; expires the copy if its time is up.
    pub fn status(&self, token: &str) -> Result<CopyStatus, SecureError> {
        let Some(t) = Token::parse(token) else {
            return Ok(CopyStatus::Unknown);
        };
        self.status_of(&t.id)
    }

    fn status_of(&self, id: &LookupId) -> Result<CopyStatus, SecureError> {
        let Some(r) = self.store.get(id)? else {
            return Ok(CopyStatus::Unknown);
        };
        let now = now_ms();
        match Self::state_of(&r) {
            CopyState::Active if r.expires_ms <= now => {
                match self.destroy(id, CopyState::Expired)? {
                    Some(record) => Ok(CopyStatus::Gone { record, now: true }),
                    // Ended meanwhile by someone else (sweep, recall).
                    None => Ok(CopyStatus::Gone {
                        record: self.store.get(id)?.unwrap_or(r),
                        now: false,
                    }),
                }
            }
            CopyState::Active if r.login.locked_until_ms > now => Ok(CopyStatus::Locked {
                until_ms: r.login.locked_until_ms,
                record: r,
            }),
            CopyState::Active => Ok(CopyStatus::Active(r)),
            _ => Ok(CopyStatus::Gone {
                record: r,
                now: false,
            }),
        }
    }

    /// Open the sealed message behind `token` (None: unknown or gone).
    pub fn open(&self, token: &str) -> Result<Option<Opened>, SecureError> {
        let Some(t) = Token::parse(token) else {
            return Ok(None);
        };
        let CopyStatus::Active(record) = self.status_of(&t.id)? else {
            return Ok(None);
        };
        if let Some(legacy) = &record.sealed {
            // Sealed before content keys: directly under SHA-256("key" ‖ T).
            let sealed = base64::engine::general_purpose::STANDARD
                .decode(legacy)
                .map_err(|_| crypto("legacy record"))?;
            let key = derive(b"sealpost-portal-key", &t.raw);
            let message = unseal(&key, record.recipient.as_bytes(), &sealed)?;
            return Ok(Some(Opened { record, message }));
        }
        let wrapped = record
            .key_by_token
            .as_deref()
            .ok_or_else(|| crypto("no key"))?;
        let content: [u8; 32] = unseal(&t.key(), b"sealpost-portal-key", wrapped)?
            .try_into()
            .map_err(|_| crypto("content key"))?;
        let Some(body) = self.store.body(&t.id)? else {
            return Ok(None);
        };
        let message = unseal(&content, &body_aad(&record.recipient), &body)?;
        Ok(Some(Opened { record, message }))
    }

    /// A fresh code for the copy behind `token`, within the hourly cap.
    pub fn issue_code(
        &self,
        token: &str,
        ttl: Duration,
        per_hour: u32,
    ) -> Result<CodeIssue, SecureError> {
        let Some(t) = Token::parse(token) else {
            return Ok(CodeIssue::Gone);
        };
        match self.status_of(&t.id)? {
            CopyStatus::Active(_) => {}
            CopyStatus::Locked { until_ms, .. } => return Ok(CodeIssue::Locked { until_ms }),
            _ => return Ok(CodeIssue::Gone),
        }
        let code = six_digits()?;
        let hash = t.code_hash(&code);
        let now = now_ms();
        let hour = 3_600_000;
        let mut capped: Option<u64> = None;
        let rec = self.store.update(&t.id, &mut |r| {
            r.login.code_requests_ms.retain(|&at| at + hour > now);
            if r.login.code_requests_ms.len() >= per_hour as usize {
                let oldest = r
                    .login
                    .code_requests_ms
                    .iter()
                    .min()
                    .copied()
                    .unwrap_or(now);
                capped = Some(oldest + hour - now);
                return true;
            }
            capped = None;
            r.login.code_requests_ms.push(now);
            r.login.code_hash = Some(hash.to_vec());
            r.login.code_expires_ms = now + ttl.as_millis() as u64;
            true
        })?;
        match (rec, capped) {
            (None, _) => Ok(CodeIssue::Gone),
            (Some(_), Some(retry_after_ms)) => Ok(CodeIssue::TooMany { retry_after_ms }),
            (Some(record), None) => Ok(CodeIssue::Issued {
                code,
                record: Box::new(record),
            }),
        }
    }

    /// Check a code typed for `token`: single use, within its time, in
    /// constant time; `max_attempts` wrong ones lock for `lockout`.
    pub fn check_code(
        &self,
        token: &str,
        code: &str,
        max_attempts: u32,
        lockout: Duration,
    ) -> Result<CodeCheck, SecureError> {
        let Some(t) = Token::parse(token) else {
            return Ok(CodeCheck::Gone);
        };
        match self.status_of(&t.id)? {
            CopyStatus::Active(_) => {}
            CopyStatus::Locked { until_ms, .. } => return Ok(CodeCheck::Locked { until_ms }),
            _ => return Ok(CodeCheck::Gone),
        }
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let hash = t.code_hash(&typed);
        let now = now_ms();
        let mut outcome = CodeCheck::NoCode;
        let rec = self.store.update(&t.id, &mut |r| {
            let l = &mut r.login;
            if l.locked_until_ms > now {
                outcome = CodeCheck::Locked {
                    until_ms: l.locked_until_ms,
                };
                return false;
            }
            let Some(stored) = l.code_hash.as_deref() else {
                outcome = CodeCheck::NoCode;
                return false;
            };
            let matches = stored.len() == hash.len() && bool::from(hash.ct_eq(stored));
            if matches && l.code_expires_ms > now {
                l.code_hash = None;
                l.failures = 0;
                outcome = CodeCheck::Valid(Box::new(r.clone()));
                return true;
            }
            if matches {
                // The right code, too late: it is spent all the same.
                l.code_hash = None;
                outcome = CodeCheck::NoCode;
                return true;
            }
            l.failures += 1;
            if l.failures >= max_attempts {
                l.failures = 0;
                l.code_hash = None;
                l.locked_until_ms = now + lockout.as_millis() as u64;
                outcome = CodeCheck::NowLocked {
                    until_ms: l.locked_until_ms,
                    record: Box::new(r.clone()),
                };
            } else {
                outcome = CodeCheck::Wrong {
                    attempts_left: max_attempts - l.failures,
                };
            }
            true
        })?;
        if rec.is_none() {
            return Ok(CodeCheck::Gone);
        }
        if let CodeCheck::Valid(r) = &mut outcome
            && let Some(now_rec) = rec
        {
            **r = now_rec;
        }
        Ok(outcome)
    }

    /// Record the first open; true when this was it.
    pub fn record_open(&self, id: &LookupId) -> Result<bool, SecureError> {
        // Most views are not the first: a read, not a write.
        if self.store.get(id)?.is_none_or(|r| r.opened_ms.is_some()) {
            return Ok(false);
        }
        let mut first = false;
        self.store.update(id, &mut |r| {
            first = r.opened_ms.is_none();
            if first {
                r.opened_ms = Some(now_ms());
            }
            first
        })?;
        Ok(first)
    }

    pub fn record_download(&self, id: &LookupId) -> Result<(), SecureError> {
        self.store.update(id, &mut |r| {
            r.downloads = r.downloads.saturating_add(1);
            true
        })?;
        Ok(())
    }

    pub fn record_reply(&self, id: &LookupId) -> Result<(), SecureError> {
        self.store.update(id, &mut |r| {
            r.replies = r.replies.saturating_add(1);
            true
        })?;
        Ok(())
    }

    /// Recall every active copy of a queued message; returns them.
    pub fn recall(&self, queue_id: u64) -> Result<Vec<CopyRecord>, SecureError> {
        let mut out = Vec::new();
        for (id, r) in self.store.by_queue_id(queue_id)? {
            if Self::state_of(&r) == CopyState::Active
                && let Some(rec) = self.destroy(&id, CopyState::Recalled)?
            {
                out.push(rec);
            }
        }
        Ok(out)
    }

    /// Push the expiry of every active copy of a message back by `by`.
    pub fn extend(&self, queue_id: u64, by: Duration) -> Result<Vec<CopyRecord>, SecureError> {
        let now = now_ms();
        let mut out = Vec::new();
        for (id, r) in self.store.by_queue_id(queue_id)? {
            if Self::state_of(&r) != CopyState::Active || r.expires_ms <= now {
                continue;
            }
            if let Some(rec) = self.store.update(&id, &mut |r| {
                r.expires_ms = r.expires_ms.saturating_add(by.as_millis() as u64);
                true
            })? {
                out.push(rec);
            }
        }
        Ok(out)
    }

    /// A new link for the active copy of `queue_id` for `recipient`: the
    /// content key is unwrapped with the node key and wrapped under a new
    /// token; the old link stops working. Err when the copy was sealed
    /// without a node-wrapped key (resend disabled at the time).
    pub fn reissue(
        &self,
        queue_id: u64,
        recipient: &str,
    ) -> Result<Option<(String, CopyRecord)>, SecureError> {
        let now = now_ms();
        let found = self
            .store
            .by_queue_id(queue_id)?
            .into_iter()
            .find(|(_, r)| {
                r.recipient.eq_ignore_ascii_case(recipient.trim())
                    && Self::state_of(r) == CopyState::Active
                    && r.expires_ms > now
            });
        let Some((old_id, mut record)) = found else {
            return Ok(None);
        };
        let wrapped = record.key_by_node.as_deref().ok_or_else(|| {
            crypto("this copy was sealed without a node-held key (portal resend was off)")
        })?;
        let content: [u8; 32] = unseal(
            &self.node.wrap,
            &node_aad(record.queue_id, &record.recipient),
            wrapped,
        )?
        .try_into()
        .map_err(|_| crypto("content key"))?;
        let raw = random::<32>()?;
        let token = Token {
            id: derive(b"sealpost-portal-id", &raw),
            raw,
        };
        record.key_by_token = Some(seal(&token.key(), b"sealpost-portal-key", &content)?);
        record.login = LoginState::default();
        record.links_issued = record.links_issued.saturating_add(1);
        self.store.rekey(&old_id, &token.id, &record)?;
        Ok(Some((B64URL.encode(token.raw), record)))
    }

    /// Expire copies whose time is up (body and keys destroyed) and drop
    /// old tombstones; returns the copies expired now.
    pub fn sweep(&self) -> Result<Vec<CopyRecord>, SecureError> {
        let now = now_ms();
        let keep = TOMBSTONE_KEEP.as_millis() as u64;
        let mut expired = Vec::new();
        for (id, r) in self.store.list(None)? {
            match Self::state_of(&r) {
                CopyState::Active if r.expires_ms <= now => {
                    if let Some(rec) = self.destroy(&id, CopyState::Expired)? {
                        expired.push(rec);
                    }
                }
                CopyState::Active => {}
                _ => {
                    let since = r.destroyed_ms.unwrap_or(r.expires_ms);
                    if r.sealed.is_some() || r.key_by_token.is_some() {
                        // A legacy recall that only marked the record.
                        self.destroy(&id, Self::state_of(&r))?;
                    } else if since.saturating_add(keep) <= now {
                        self.store.remove(&id)?;
                    }
                }
            }
        }
        Ok(expired)
    }
}

/// Six decimal digits, uniformly (rejection sampling).
fn six_digits() -> Result<String, SecureError> {
    loop {
        let n = u32::from_be_bytes(random::<4>()?);
        // 4_294_000_000 is a multiple of 1_000_000: no modulo bias.
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secure::portal::SledPortal;

    fn vault(resend: bool) -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = sled::Config::new().path(dir.path()).open().expect("db");
        let store = SledPortal::open(|n| db.open_tree(n).map_err(|e| e.to_string())).expect("s");
        let node = NodeKey::load_or_create(&dir.path().join("portal.key")).expect("key");
        (dir, Vault::new(Arc::new(store), Arc::new(node), resend))
    }

    fn put(v: &Vault, body: &[u8], expiry: Duration) -> String {
        v.put(&PutRequest {
            queue_id: 7,
            recipient: "p@x.example",
            sender: "c@h.example",
            from_name: Some("Clinic"),
            from_address: "c@h.example",
            message: body,
            expiry,
        })
        .expect("put")
    }

    fn raw_store(dir: &Path) -> Vec<u8> {
        let mut all = Vec::new();
        for e in walk(dir) {
            all.extend(std::fs::read(e).unwrap_or_default());
        }
        all
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn sealed_message_opens_only_with_its_token_and_never_after_recall() {
        let (dir, v) = vault(true);
        let token = put(&v, b"PHI body here", Duration::from_secs(60));
        assert_eq!(B64URL.decode(&token).expect("b64").len(), 32);
        let o = v.open(&token).expect("open").expect("found");
        assert_eq!(o.message, b"PHI body here");
        assert!(
            !raw_store(dir.path())
                .windows(13)
                .any(|w| w == b"PHI body here")
        );
        assert!(v.open("AAAA").expect("open").is_none());
        let mut other = B64URL.decode(&token).expect("b64");
        other[0] ^= 1;
        assert!(matches!(
            v.status(&B64URL.encode(other)).expect("status"),
            CopyStatus::Unknown
        ));
        assert_eq!(v.recall(7).expect("recall").len(), 1);
        assert!(v.open(&token).expect("open").is_none());
        let CopyStatus::Gone { record, .. } = v.status(&token).expect("status") else {
            panic!("recalled copy must be gone");
        };
        assert_eq!(record.state, CopyState::Recalled);
        assert!(record.key_by_token.is_none() && record.key_by_node.is_none());
        let id = Vault::lookup_id(&token).expect("id");
        assert!(
            v.store().body(&id).expect("body").is_none(),
            "ciphertext kept"
        );
    }

    #[test]
    fn expired_copies_are_destroyed_and_say_so() {
        let (_d, v) = vault(true);
        let token = put(&v, b"x", Duration::from_millis(0));
        let CopyStatus::Gone { record, now } = v.status(&token).expect("status") else {
            panic!("expired copy must be gone");
        };
        assert!(now && record.state == CopyState::Expired);
        assert!(v.open(&token).expect("open").is_none());
        let t2 = put(&v, b"y", Duration::from_millis(0));
        let swept = v.sweep().expect("sweep");
        assert_eq!(swept.len(), 1);
        let id = Vault::lookup_id(&t2).expect("id");
        assert!(v.store().body(&id).expect("body").is_none());
    }

    #[test]
    fn a_copy_ends_once_and_only_its_ender_reports_it() {
        let (_d, v) = vault(true);
        let token = put(&v, b"x", Duration::from_secs(60));
        assert_eq!(v.recall(7).expect("recall").len(), 1);
        assert!(v.recall(7).expect("again").is_empty(), "recalled twice");
        let t2 = put(&v, b"y", Duration::from_millis(0));
        assert_eq!(v.sweep().expect("sweep").len(), 1);
        // The sweep ended it: a later look is not a second expiry.
        let CopyStatus::Gone { record, now } = v.status(&t2).expect("status") else {
            panic!("gone");
        };
        assert!(!now && record.state == CopyState::Expired);
        let CopyStatus::Gone { record, now } = v.status(&token).expect("status") else {
            panic!("gone");
        };
        assert!(!now && record.state == CopyState::Recalled);
    }

    #[test]
    fn codes_are_single_use_and_wrong_ones_lock() {
        let (_d, v) = vault(true);
        let token = put(&v, b"m", Duration::from_secs(600));
        let CodeIssue::Issued { code, .. } = v
            .issue_code(&token, Duration::from_secs(60), 5)
            .expect("issue")
        else {
            panic!("no code");
        };
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let lock = Duration::from_secs(60);
        assert!(matches!(
            v.check_code(&token, &code, 5, lock).expect("check"),
            CodeCheck::Valid(_)
        ));
        assert!(matches!(
            v.check_code(&token, &code, 5, lock).expect("check"),
            CodeCheck::NoCode
        ));
        let CodeIssue::Issued { code, .. } = v
            .issue_code(&token, Duration::from_secs(60), 5)
            .expect("issue")
        else {
            panic!("no code");
        };
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (1..5).rev() {
            assert!(matches!(
                v.check_code(&token, wrong, 5, lock).expect("check"),
                CodeCheck::Wrong { attempts_left } if attempts_left == left
            ));
        }
        assert!(matches!(
            v.check_code(&token, wrong, 5, lock).expect("check"),
            CodeCheck::NowLocked { .. }
        ));
        // Locked: even the right code does not open, and no code is sent.
        assert!(matches!(
            v.check_code(&token, &code, 5, lock).expect("check"),
            CodeCheck::Locked { .. }
        ));
        assert!(matches!(
            v.issue_code(&token, Duration::from_secs(60), 5)
                .expect("issue"),
            CodeIssue::Locked { .. }
        ));
    }

    #[test]
    fn code_requests_are_capped_per_hour() {
        let (_d, v) = vault(true);
        let token = put(&v, b"m", Duration::from_secs(600));
        for _ in 0..3 {
            assert!(matches!(
                v.issue_code(&token, Duration::from_secs(60), 3)
                    .expect("issue"),
                CodeIssue::Issued { .. }
            ));
        }
        assert!(matches!(
            v.issue_code(&token, Duration::from_secs(60), 3)
                .expect("issue"),
            CodeIssue::TooMany { .. }
        ));
    }

    #[test]
    fn reissue_gives_a_new_link_and_retires_the_old_one() {
        let (_d, v) = vault(true);
        let old = put(&v, b"the body", Duration::from_secs(600));
        let (new, rec) = v
            .reissue(7, "P@X.example")
            .expect("reissue")
            .expect("found");
        assert_ne!(old, new);
        assert_eq!(rec.links_issued, 2);
        assert!(v.open(&old).expect("open").is_none());
        assert_eq!(
            v.open(&new).expect("open").expect("found").message,
            b"the body"
        );
        assert!(v.reissue(7, "other@x.example").expect("reissue").is_none());
    }

    #[test]
    fn without_resend_no_node_key_copy_exists() {
        let (_d, v) = vault(false);
        let t = put(&v, b"the body", Duration::from_secs(600));
        let id = Vault::lookup_id(&t).expect("id");
        assert!(
            v.store()
                .get(&id)
                .expect("get")
                .expect("rec")
                .key_by_node
                .is_none()
        );
        assert!(v.reissue(7, "p@x.example").is_err());
        assert!(v.open(&t).expect("open").is_some());
    }

    #[test]
    fn extend_pushes_expiry_back() {
        let (_d, v) = vault(true);
        let t = put(&v, b"b", Duration::from_secs(60));
        let before = v
            .store()
            .get(&Vault::lookup_id(&t).expect("id"))
            .expect("g");
        let ext = v.extend(7, Duration::from_secs(3600)).expect("extend");
        assert_eq!(ext.len(), 1);
        assert_eq!(
            ext[0].expires_ms,
            before.expect("rec").expires_ms + 3_600_000
        );
    }

    #[test]
    fn node_key_is_created_0600_and_signatures_verify() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("k");
        let k = NodeKey::load_or_create(&p).expect("key");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let tag = k.sign("csrf", b"abc");
        assert!(k.verify("csrf", b"abc", &tag));
        assert!(!k.verify("csrf", b"abd", &tag));
        assert!(!k.verify("other", b"abc", &tag));
        let again = NodeKey::load_or_create(&p).expect("key");
        assert!(again.verify("csrf", b"abc", &tag));
        assert_eq!(mask_address("patient@x.example"), "p•••@x.example");
    }
}
