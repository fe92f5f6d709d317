//! DKIM signing of outgoing mail (issue 5), on top of `mail-auth`.
//!
//! Flow: at start-up [`DkimSigner::load`] reads every `[[dkim]]` entry, parses
//! each PKCS#8 key exactly once ([`keys`]) and indexes the *active* keys
//! (entries without `retire_after`) by domain. At delivery time the relay
//! calls [`DkimSigner::sign_into`] on the exact bytes that leave (after
//! encryption), which signs for the header-From domain (RFC 7489 alignment):
//! one signature per configured algorithm, so a domain with both an RSA and
//! an Ed25519 key is dual-signed (RFC 8463 §1).
//!
//! Invariants of every signature ([`sign`]):
//! - `c=relaxed/relaxed`, `a=rsa-sha256` or `a=ed25519-sha256`, `t=` always,
//!   `x=` when configured, never `l=` (RFC 6376 §8.2: `l=` lets anyone append).
//! - From, To, Subject, Date, Message-ID are oversigned (RFC 6376 §5.4.2):
//!   listed once more in `h=` than they occur, so none can be added later.
//! - Cc, Reply-To, MIME-Version, Content-Type, Content-Transfer-Encoding,
//!   In-Reply-To and References are signed when present.
//!
//! Operator tooling: [`keygen()`] writes a new key (mode 0600, never
//! overwriting) and returns its DNS TXT record; [`dns_records()`] prints the
//! DKIM, SPF, DMARC and bounce-domain records a customer must publish.
//! Selector rotation: several `[[dkim]]` entries per domain, one active per
//! algorithm; the old one carries `retire_after` and stays in DNS until then.

pub mod dns;
pub mod keygen;
pub mod keys;
pub mod sign;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

pub use dns::dns_records;
pub use keygen::keygen;
pub use sign::DkimSigner;

/// Signing algorithm of one `[[dkim]]` entry (`algorithm = "rsa-sha256"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// RSA-SHA256 (RFC 6376, RFC 8301: 2048-bit keys here).
    #[serde(rename = "rsa-sha256")]
    RsaSha256,
    /// Ed25519-SHA256 (RFC 8463).
    #[serde(rename = "ed25519-sha256")]
    Ed25519Sha256,
}

impl Algorithm {
    /// The `a=` tag value and configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RsaSha256 => "rsa-sha256",
            Algorithm::Ed25519Sha256 => "ed25519-sha256",
        }
    }

    /// The `k=` tag value of the DNS key record (RFC 6376 §3.6.1, RFC 8463 §4.2).
    pub fn key_type(self) -> &'static str {
        match self {
            Algorithm::RsaSha256 => "rsa",
            Algorithm::Ed25519Sha256 => "ed25519",
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;

    /// Accepts the config spelling and the short CLI one (`rsa`, `ed25519`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "rsa" | "rsa-sha256" => Ok(Algorithm::RsaSha256),
            "ed25519" | "ed25519-sha256" => Ok(Algorithm::Ed25519Sha256),
            _ => Err(format!(
                "expected \"rsa-sha256\" or \"ed25519-sha256\", got {s:?}"
            )),
        }
    }
}

/// One validated `[[dkim]]` entry (the config layer parses TOML into this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimConfig {
    /// The `d=` domain; messages whose header-From domain is this domain (or
    /// a subdomain of it without an entry of its own) are signed with it.
    pub domain: String,
    /// The `s=` selector: the key is published at `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// PKCS#8 PEM private key (RSA 2048–8192 bit or Ed25519).
    pub key: PathBuf,
    /// Must match the key type.
    pub algorithm: Algorithm,
    /// Signature lifetime: `x = t + expire` (RFC 6376 §3.5). `None`: no `x=`.
    pub expire: Option<Duration>,
    /// Set on a rotated-out selector: it no longer signs, but
    /// [`dns_records()`] keeps listing it until this time.
    pub retire_after: Option<SystemTime>,
}

impl DkimConfig {
    /// An active entry signs; a retired one is only kept in DNS.
    pub fn is_active(&self) -> bool {
        self.retire_after.is_none()
    }
}

/// Errors of the DKIM subsystem. Configuration errors carry their key path.
#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    /// A key file of entry `dkim[index]` cannot be used.
    #[error("dkim[{index}].key: {}: {reason}", path.display())]
    Key {
        index: usize,
        path: PathBuf,
        reason: String,
    },
    /// Any other field of entry `dkim[index]` is invalid.
    #[error("dkim[{index}].{field}: {reason}")]
    Config {
        index: usize,
        field: &'static str,
        reason: String,
    },
    /// A file outside the configuration (keygen output, a key read by path).
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    /// A bad domain, selector or host name given to the tooling.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidName {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
    /// The message has no header From with a domain, so no alignment is possible.
    #[error("message has no From header with a usable domain")]
    NoFromDomain,
    /// The crypto library refused to sign (should not happen with a loaded key).
    #[error("signing for d={domain} s={selector} failed: {reason}")]
    Sign {
        domain: String,
        selector: String,
        reason: String,
    },
    /// Key generation failed in the crypto library.
    #[error("key generation failed: {0}")]
    Keygen(String),
}

impl DkimError {
    /// Whether retrying the same operation later may succeed. DKIM failures
    /// are local and deterministic (bad config, bad message), so none are;
    /// the relay decides whether to deliver unsigned or fail.
    pub fn is_transient(&self) -> bool {
        false
    }
}

/// Checks a DNS name (domain or host) for what we put in zone files.
pub(crate) fn check_domain(what: &'static str, value: &str) -> Result<(), DkimError> {
    let bad = |reason| {
        Err(DkimError::InvalidName {
            what,
            value: value.to_string(),
            reason,
        })
    };
    let name = value.strip_suffix('.').unwrap_or(value);
    if name.is_empty() || name.len() > 253 {
        return bad("must be 1 to 253 characters");
    }
    if !name.contains('.') {
        return bad("must have at least two labels");
    }
    for label in name.split('.') {
        check_label_chars(label).or_else(&bad)?;
    }
    Ok(())
}

/// Checks a selector: one or more dot-separated DNS labels (RFC 6376 §3.1).
pub(crate) fn check_selector(value: &str) -> Result<(), DkimError> {
    for label in value.split('.') {
        check_label_chars(label).map_err(|reason| DkimError::InvalidName {
            what: "selector",
            value: value.to_string(),
            reason,
        })?;
    }
    Ok(())
}

fn check_label_chars(label: &str) -> Result<(), &'static str> {
    if label.is_empty() || label.len() > 63 {
        return Err("each label must be 1 to 63 characters");
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err("a label must not start or end with '-'");
    }
    if !label
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("only ASCII letters, digits, '-' and '_' are allowed (use punycode)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_parses_config_and_cli_spellings() {
        assert_eq!("rsa".parse::<Algorithm>(), Ok(Algorithm::RsaSha256));
        assert_eq!(
            "ed25519-sha256".parse::<Algorithm>(),
            Ok(Algorithm::Ed25519Sha256)
        );
        assert!("dsa".parse::<Algorithm>().is_err());
    }

    #[test]
    fn domain_check_rejects_bad_names() {
        assert!(check_domain("domain", "customer.example").is_ok());
        assert!(check_domain("domain", "customer.example.").is_ok());
        assert!(check_domain("domain", "localhost").is_err());
        assert!(check_domain("domain", "a..b").is_err());
        assert!(check_domain("domain", "bad name.example").is_err());
        assert!(check_selector("s2026").is_ok());
        assert!(check_selector("s2026.eu").is_ok());
        assert!(check_selector("").is_err());
        assert!(check_selector("s;x").is_err());
    }
}
