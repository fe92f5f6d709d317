//! Node signing key and signed checkpoints.
//!
//! The node key is an Ed25519 key stored as PKCS#8 (DER) at the configured
//! path, created with mode 0600 on first use; the raw 32-byte public key is
//! written next to it as `<key>.pub` in lowercase hex (one line).
//!
//! A checkpoint entry at sequence `seq` carries `head` = the entry's `prev`
//! (hash of the line before it, i.e. the chain head) and an Ed25519
//! signature over [`signed_message`]`(seq, ts, head)`. Because `head`
//! commits to every earlier line, a valid signature attests the whole log
//! up to that point; an attacker without the key cannot rewrite history
//! and re-sign it.

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::AuditError;
use super::chain::sha256_hex;
use super::event::Checkpoint;

/// Domain-separated bytes signed by a checkpoint.
pub fn signed_message(seq: u64, ts: &str, head: &str) -> Vec<u8> {
    format!("sealpost-audit-checkpoint-v1\n{seq}\n{ts}\n{head}\n").into_bytes()
}

/// First 16 hex digits of SHA-256 of the raw public key.
pub fn key_id(public_key: &[u8]) -> String {
    let mut id = sha256_hex(public_key);
    id.truncate(16);
    id
}

/// The node's private signing key.
pub struct NodeKey {
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeKey({})", self.key_id())
    }
}

/// `<key>.pub` next to the key file.
pub fn pub_path(key_path: &Path) -> PathBuf {
    let mut s = key_path.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

fn key_err(path: &Path, msg: impl std::fmt::Display) -> AuditError {
    AuditError::Key(format!("{}: {msg}", path.display()))
}

impl NodeKey {
    /// Loads the PKCS#8 key at `path`, creating it (0600) if absent, and
    /// (re)writes `<path>.pub`. Both are written crash-safely
    /// (`util::durable`): a crash never leaves an empty or half key.
    ///
    /// An empty key file (cut by a crash before its first sync, under
    /// releases before the durable write) is moved aside and replaced
    /// only while `log_has_entries` is false: once the log holds entries,
    /// their checkpoints may have been signed with the lost key, and
    /// replacing it silently would make them unverifiable, so start-up
    /// stops with an error that says so.
    pub fn load_or_create(path: &Path, log_has_entries: bool) -> Result<Self, AuditError> {
        crate::util::durable::remove_stale_temps(path);
        let der = match fs::read(path) {
            Ok(der) if der.is_empty() && !log_has_entries => {
                let mut aside = path.as_os_str().to_owned();
                aside.push(format!(".empty-{}", crate::util::now_ms()));
                fs::rename(path, &aside).map_err(|e| key_err(path, e))?;
                tracing::warn!(path = %path.display(), "audit key file was empty and the log has no entries; creating a new key");
                Self::create(path)?
            }
            Ok(der) if der.is_empty() => {
                return Err(key_err(
                    path,
                    "the key file is empty but the audit log has entries signed with a key; \
                     restore the key (it is not replaced while its checkpoints exist)",
                ));
            }
            Ok(der) => der,
            Err(e) if e.kind() == ErrorKind::NotFound => Self::create(path)?,
            Err(e) => return Err(key_err(path, e)),
        };
        if let Ok(meta) = fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "audit key file is readable by group/others");
        }
        let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|e| key_err(path, e))?;
        let key = NodeKey { pair };
        let pub_hex = format!("{}\n", hex::encode(key.public_key()));
        let pub_file = pub_path(path);
        if fs::read(&pub_file).ok().as_deref() != Some(pub_hex.as_bytes()) {
            crate::util::durable_write(&pub_file, pub_hex.as_bytes(), 0o644)
                .map_err(|e| key_err(&pub_file, e))?;
        }
        Ok(key)
    }

    fn create(path: &Path) -> Result<Vec<u8>, AuditError> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| key_err(path, "key generation failed"))?;
        match crate::util::durable_create(path, doc.as_ref(), 0o600) {
            Ok(()) => {}
            // Lost a creation race: use the winner's key.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                return fs::read(path).map_err(|e| key_err(path, e));
            }
            Err(e) => return Err(key_err(path, e)),
        }
        tracing::info!(path = %path.display(), "created audit signing key");
        Ok(doc.as_ref().to_vec())
    }

    /// Raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }

    pub fn key_id(&self) -> String {
        key_id(self.public_key())
    }

    /// Builds the checkpoint payload for entry `seq` written at `ts`.
    pub fn checkpoint(&self, seq: u64, ts: &str, head: &str) -> Checkpoint {
        let sig = self.pair.sign(&signed_message(seq, ts, head));
        Checkpoint {
            head: head.to_owned(),
            key_id: self.key_id(),
            sig: B64.encode(sig.as_ref()),
        }
    }
}

/// A verifier's copy of a node public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(Vec<u8>);

impl PublicKey {
    /// Parses 32 raw bytes given as hex (64 digits) or base64.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let bytes = hex::decode(t).ok().or_else(|| B64.decode(t).ok())?;
        (bytes.len() == 32).then_some(PublicKey(bytes))
    }

    /// Reads a `<key>.pub` file.
    pub fn from_file(path: &Path) -> Result<Self, AuditError> {
        let text = fs::read_to_string(path).map_err(|e| key_err(path, e))?;
        Self::parse(&text)
            .ok_or_else(|| key_err(path, "not a 32-byte Ed25519 public key in hex or base64"))
    }

    pub fn key_id(&self) -> String {
        key_id(&self.0)
    }

    /// Checks a checkpoint signature for entry `seq` at `ts`.
    pub fn verify(&self, seq: u64, ts: &str, cp: &Checkpoint) -> Result<(), String> {
        if cp.key_id != self.key_id() {
            return Err(format!(
                "signed by key {} but verifying with key {}",
                cp.key_id,
                self.key_id()
            ));
        }
        let sig = B64
            .decode(&cp.sig)
            .map_err(|_| "signature is not base64".to_owned())?;
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(&signed_message(seq, ts, &cp.head), &sig)
            .map_err(|_| "Ed25519 signature does not verify".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_created_0600_with_pub_file_and_reloads_identically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        let k1 = NodeKey::load_or_create(&path, false).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let k2 = NodeKey::load_or_create(&path, true).unwrap();
        assert_eq!(k1.public_key(), k2.public_key());
        let pk = PublicKey::from_file(&pub_path(&path)).unwrap();
        let cp = k1.checkpoint(7, "2026-01-01T00:00:00.000000Z", "ab");
        assert!(pk.verify(7, "2026-01-01T00:00:00.000000Z", &cp).is_ok());
        assert!(pk.verify(8, "2026-01-01T00:00:00.000000Z", &cp).is_err());
    }
}
