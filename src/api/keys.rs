//! Credentials: API keys (`client_id.secret`), their stored hashes, and
//! signed OAuth access tokens.
//!
//! Secrets are 256 random bits. They are stored as HMAC-SHA256 under the
//! node key (`[api] key_file`, 0600), not with argon2: argon2's cost only
//! helps low-entropy passwords, a 256-bit secret cannot be guessed at any
//! hash speed, and argon2 on every API request (~20 ms, 19 MiB) would
//! make the API slower than SMTP. Keying the hash means a copy of the
//! store alone does not even allow checking a guessed secret. Hashes are
//! compared in constant time.
//!
//! Access tokens are JWTs (HS256, RFC 7519) under a key derived from the
//! node key, carrying the client id, the scopes and `exp`. They are
//! checked against the store on every request, so a revoked client's
//! tokens stop at once.

use std::path::Path;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde::{Deserialize, Serialize};

use crate::store::Scope;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

/// The node key and what is derived from it.
pub struct NodeKey {
    secrets: hmac::Key,
    tokens_enc: jsonwebtoken::EncodingKey,
    tokens_dec: jsonwebtoken::DecodingKey,
}

impl NodeKey {
    /// Read the key file, creating it (32 random bytes, mode 0600) if absent.
    pub fn load_or_create(path: &Path) -> Result<NodeKey, KeyError> {
        let err = |reason: String| KeyError::File {
            path: path.display().to_string(),
            reason,
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                aws_lc_rs::rand::fill(&mut key).map_err(|_| err("no randomness".into()))?;
                match write_private(path, &key) {
                    Ok(()) => key.to_vec(),
                    // Lost a creation race: use the winner's key.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        std::fs::read(path).map_err(|e| err(e.to_string()))?
                    }
                    Err(e) => return Err(err(e.to_string())),
                }
            }
            Err(e) => return Err(err(e.to_string())),
        };
        if bytes.len() < 32 {
            return Err(err(format!("expected 32 bytes, found {}", bytes.len())));
        }
        Self::from_bytes(&bytes).map_err(|e| err(e.to_string()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<NodeKey, jsonwebtoken::errors::Error> {
        let root = hmac::Key::new(hmac::HMAC_SHA256, bytes);
        let derive = |label: &[u8]| hmac::sign(&root, label).as_ref().to_vec();
        let token_key = derive(b"sealpost api access tokens");
        Ok(NodeKey {
            secrets: hmac::Key::new(hmac::HMAC_SHA256, &derive(b"sealpost api secrets")),
            tokens_enc: jsonwebtoken::EncodingKey::from_secret(&token_key)?,
            tokens_dec: jsonwebtoken::DecodingKey::from_secret(&token_key)?,
        })
    }

    /// Names this key without revealing it (an HMAC of a fixed label):
    /// nodes sharing a store check they hold the same key.
    pub fn fingerprint(&self) -> String {
        self.hash_secret("sealpost node key fingerprint")
    }

    /// The stored form of a secret (hex HMAC).
    pub fn hash_secret(&self, secret: &str) -> String {
        hex::encode(hmac::sign(&self.secrets, secret.as_bytes()).as_ref())
    }

    /// Does `secret` match `stored` (constant time)?
    pub fn verify_secret(&self, secret: &str, stored: &str) -> bool {
        let Ok(stored) = hex::decode(stored) else {
            return false;
        };
        hmac::verify(&self.secrets, secret.as_bytes(), &stored).is_ok()
    }

    /// A signed access token for `client_id` with `scopes`, valid `ttl`.
    pub fn issue_token(
        &self,
        client_id: &str,
        scopes: &[Scope],
        ttl: std::time::Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = crate::util::now_ms() / 1000;
        let claims = Claims {
            sub: client_id.to_string(),
            scope: scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            iat: now,
            exp: now + ttl.as_secs(),
            iss: ISSUER.to_string(),
        };
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &self.tokens_enc,
        )
    }

    /// The claims of a token this node key signed, if valid and unexpired.
    pub fn check_token(&self, token: &str) -> Option<Claims> {
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.leeway = 0;
        v.set_issuer(&[ISSUER]);
        v.set_required_spec_claims(&["exp", "sub", "iss"]);
        jsonwebtoken::decode::<Claims>(token, &self.tokens_dec, &v)
            .ok()
            .map(|d| d.claims)
    }
}

const ISSUER: &str = "sealpost";

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// Space-separated scopes (RFC 6749 §3.3).
    pub scope: String,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
}

impl Claims {
    pub fn scopes(&self) -> Vec<Scope> {
        self.scope.split(' ').filter_map(Scope::parse).collect()
    }
}

/// A new client id (`spk_` + 24 hex digits) and secret (43 base64url chars).
pub fn new_credentials() -> (String, String) {
    let mut id = [0u8; 12];
    let mut secret = [0u8; 32];
    // aws-lc's generator only fails if the OS has no entropy at all.
    let _ = aws_lc_rs::rand::fill(&mut id);
    let _ = aws_lc_rs::rand::fill(&mut secret);
    (format!("spk_{}", hex::encode(id)), B64URL.encode(secret))
}

/// A random identifier with a prefix, e.g. `ep_...`, `msg_...`.
pub fn random_id(prefix: &str) -> String {
    let mut b = [0u8; 12];
    let _ = aws_lc_rs::rand::fill(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

/// Crash-safe: a power loss leaves no key file or the whole key, never an
/// empty one (which would invalidate every secret and token issued).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::util::durable::create_dir_all(&crate::util::durable::parent_of(path))?;
    crate::util::durable_create(path, bytes, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn secrets_verify_only_against_their_own_hash() {
        let k = NodeKey::from_bytes(&[7u8; 32]).expect("key");
        let (_, secret) = new_credentials();
        let h = k.hash_secret(&secret);
        assert!(k.verify_secret(&secret, &h));
        assert!(!k.verify_secret("guess", &h));
        assert!(!k.verify_secret(&secret, "zz"));
        let other = NodeKey::from_bytes(&[8u8; 32]).expect("key");
        assert!(!other.verify_secret(&secret, &h), "keyed by the node key");
    }

    #[test]
    fn tokens_carry_scopes_and_fail_under_another_key_or_when_expired() {
        let k = NodeKey::from_bytes(&[7u8; 32]).expect("key");
        let t = k
            .issue_token(
                "spk_1",
                &[Scope::Send, Scope::Read],
                Duration::from_secs(60),
            )
            .expect("token");
        let c = k.check_token(&t).expect("valid");
        assert_eq!(c.sub, "spk_1");
        assert_eq!(c.scopes(), [Scope::Send, Scope::Read]);
        assert!(
            NodeKey::from_bytes(&[8u8; 32])
                .expect("key")
                .check_token(&t)
                .is_none()
        );
        let expired = k
            .issue_token("spk_1", &[Scope::Send], Duration::ZERO)
            .expect("token");
        std::thread::sleep(Duration::from_millis(1100));
        assert!(k.check_token(&expired).is_none());
        assert!(k.check_token("not.a.token").is_none());
    }
}
