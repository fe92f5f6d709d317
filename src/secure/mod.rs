//! Per-recipient message protection ("adaptive encryption", DESIGN.md step 5).
//!
//! The relay asks each [`Encryptor`] at delivery time, recipient by recipient,
//! whether it can protect that recipient's copy (`can_encrypt`), and if so
//! replaces the copy with the encrypted message (`encrypt`). Two methods live
//! here:
//!
//! * [`OpenPgp`]: PGP/MIME (RFC 3156) with sequoia-openpgp (OpenSSL backend),
//!   certificates from a keyring directory of `*.asc` files.
//! * [`Smime`]: S/MIME 4.0 (RFC 8551) CMS enveloped data with openssl,
//!   certificates from a directory of `*.pem` files.
//!
//! Both apply RFC 9788 header protection (see [`mime`]): the encrypted
//! payload carries the real header fields, the outer message keeps only what
//! transport needs and a neutral Subject.
//!
//! Invariants:
//! * `encrypt` never returns plaintext: for a recipient without a usable key
//!   it fails with [`SecureError::NoUsableKey`]. Choosing another method (or
//!   the portal) is the caller's job.
//! * Key material is parsed once ([`keys::KeyCache`]); validity (expiry,
//!   revocation, key usage) is evaluated at each call, so a key that expires
//!   while cached stops being used.
//! * Errors and logs name the recipient's domain only, never the local part
//!   and never message content.

pub mod armor;
pub mod dane;
pub mod decide;
pub mod https;
pub mod keys;
pub mod mime;
pub mod mta_sts;
pub mod openpgp;
pub mod pgp_ecdh;
pub mod portal;
pub mod seipd1;
pub mod smime;
pub mod wkd;

pub use openpgp::OpenPgp;
pub use smime::{Smime, SmimeCipher};

use std::path::PathBuf;

/// One way of protecting a recipient's copy of a message.
pub trait Encryptor: Send + Sync {
    /// Can this method protect mail for `recipient` right now? (a usable
    /// key/cert is known)
    fn can_encrypt(&self, recipient: &str) -> bool;
    /// Encrypt the whole RFC 5322 message for `recipient`; returns the new
    /// message bytes (CRLF lines).
    fn encrypt(&self, recipient: &str, message: &[u8]) -> Result<Vec<u8>, SecureError>;
    /// `"pgp"` or `"smime"`: the name used in policy `order` and the audit log.
    fn method(&self) -> &'static str;
}

/// Errors of the `secure` module.
#[derive(Debug, thiserror::Error)]
pub enum SecureError {
    /// A key directory or key file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A configured key file (signing key, signer certificate) is unusable.
    #[error("bad key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    /// No valid, non-revoked, non-expired, strong encryption key is known
    /// for the recipient. Carries the recipient's domain only.
    #[error("no usable {method} key for a recipient at {domain}")]
    NoUsableKey {
        method: &'static str,
        domain: String,
    },
    /// The message to protect is not a parseable RFC 5322 message.
    #[error("malformed message: {0}")]
    Malformed(&'static str),
    /// The cryptographic library failed.
    #[error("{method} encryption failed: {reason}")]
    Crypto {
        method: &'static str,
        reason: String,
    },
}

impl SecureError {
    /// Is a retry later likely to succeed? A missing key (the keyring may be
    /// updated) and unknown crypto failures count as transient; malformed
    /// messages and bad configured key files do not.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SecureError::Io { .. } | SecureError::NoUsableKey { .. } | SecureError::Crypto { .. }
        )
    }
}

/// Normalises an address for key lookup: trims, strips one pair of angle
/// brackets and lower-cases it (local parts are compared case-insensitively,
/// as every key server and keyring does in practice).
pub fn normalize_address(addr: &str) -> String {
    let a = addr.trim();
    let a = a
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(a);
    a.to_ascii_lowercase()
}

pub use crate::util::domain_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_address_strips_brackets_and_lowercases() {
        assert_eq!(
            normalize_address(" <Alice@Example.ORG> "),
            "alice@example.org"
        );
        assert_eq!(normalize_address("bob@x.y"), "bob@x.y");
    }

    #[test]
    fn domain_of_never_returns_the_local_part() {
        assert_eq!(domain_of("Secret.Patient@Clinic.example"), "clinic.example");
        assert_eq!(domain_of("nodomain"), "(no domain)");
    }
}
