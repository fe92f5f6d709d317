//! OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service): find a
//! recipient's certificate over HTTPS at the recipient's own domain.
//!
//! Flow of [`Wkd::discover`] for `local@domain`:
//! 1. Cached answer (positive for [`POSITIVE_TTL`], negative for
//!    [`NEGATIVE_TTL`], failures for [`FAILURE_TTL`]): use it.
//! 2. Advanced method: `https://openpgpkey.<domain>/.well-known/openpgpkey/
//!    <domain>/hu/<hash>?l=<local>`; only when `openpgpkey.<domain>` does
//!    not exist, the direct method `https://<domain>/.well-known/
//!    openpgpkey/hu/<hash>?l=<local>`. `<hash>` is the z-base-32 SHA-1 of
//!    the lower-cased local part.
//! 3. HTTP 200: the body holds binary certificates; only those with a User
//!    ID for exactly this address are kept (the draft's MUST). 404: no key.
//! 4. Any failure (DNS, TLS, timeout, bad data) is "no key for now", never
//!    a reason to send plaintext: the caller falls back to the next method.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_lc_rs::digest;
use sequoia_openpgp::Cert;
use sequoia_openpgp::cert::CertParser;
use sequoia_openpgp::parse::Parse;

use super::https::{FetchError, HttpsClient};
use super::{domain_of, normalize_address};
use crate::dns::{LookupError, Resolver};

/// Largest WKD answer read (a few certificates).
pub const MAX_KEY_BYTES: usize = 256 * 1024;
pub const POSITIVE_TTL: Duration = Duration::from_secs(24 * 3600);
pub const NEGATIVE_TTL: Duration = Duration::from_secs(3600);
pub const FAILURE_TTL: Duration = Duration::from_secs(300);
const MAX_ENTRIES: usize = 100_000;

/// z-base-32 (RFC 6189 §5.1.6 alphabet), as WKD uses it.
pub fn zbase32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";
    let mut out = String::with_capacity(data.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in data {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The WKD hash of a local part.
pub fn local_hash(local: &str) -> String {
    let lower = local.to_lowercase();
    zbase32(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, lower.as_bytes()).as_ref())
}

/// Percent-encodes a local part for the `l=` parameter.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// (host, path) of the advanced and the direct method.
pub fn urls(address: &str) -> Option<[(String, String); 2]> {
    let (local, domain) = address.rsplit_once('@')?;
    let domain = domain.to_ascii_lowercase();
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let (hash, l) = (local_hash(local), query_escape(local));
    Some([
        (
            format!("openpgpkey.{domain}"),
            format!("/.well-known/openpgpkey/{domain}/hu/{hash}?l={l}"),
        ),
        (domain, format!("/.well-known/openpgpkey/hu/{hash}?l={l}")),
    ])
}

/// Certificates in `body` that carry a User ID for `address`.
pub fn certs_for(body: &[u8], address: &str) -> Vec<Cert> {
    let Ok(parser) = CertParser::from_bytes(body) else {
        return Vec::new();
    };
    parser
        .flatten()
        .filter(|c| {
            c.userids().any(|u| {
                u.userid()
                    .email_normalized()
                    .ok()
                    .flatten()
                    .is_some_and(|e| e == address)
            })
        })
        .collect()
}

struct Entry {
    certs: Vec<Cert>,
    until: Instant,
}

/// WKD lookups with their caches.
pub struct Wkd {
    https: HttpsClient,
    cache: Mutex<HashMap<String, Entry>>,
}

enum Lookup {
    Found(Vec<Cert>),
    NotFound,
    Failed(String),
}

impl Wkd {
    pub fn new(https: HttpsClient) -> Self {
        Wkd {
            https,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Certificates published for `address` (empty: none known now). DNS
    /// and HTTPS together are bounded by twice the HTTPS timeout; a failed
    /// refresh keeps the certificates found last time.
    pub async fn discover<L: Resolver>(&self, dns: &L, address: &str) -> Vec<Cert> {
        let address = normalize_address(address);
        if let Some(hit) = self.cached(&address) {
            return hit;
        }
        let limit = self.https.timeout() * 2;
        let outcome = tokio::time::timeout(limit, self.lookup(dns, &address))
            .await
            .unwrap_or_else(|_| Lookup::Failed("timed out".into()));
        let (certs, ttl) = match outcome {
            Lookup::Found(c) => (c, POSITIVE_TTL),
            Lookup::NotFound => (Vec::new(), NEGATIVE_TTL),
            Lookup::Failed(e) => {
                tracing::info!(domain = %domain_of(&address), error = %e, "WKD lookup failed");
                (self.stale(&address), FAILURE_TTL)
            }
        };
        tracing::debug!(domain = %domain_of(&address), found = certs.len(), "WKD lookup");
        self.store(&address, certs.clone(), ttl);
        certs
    }

    fn cached(&self, address: &str) -> Option<Vec<Cert>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(address)
            .filter(|e| Instant::now() < e.until)
            .map(|e| e.certs.clone())
    }

    /// What the last lookup found, even if expired.
    fn stale(&self, address: &str) -> Vec<Cert> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(address)
            .map(|e| e.certs.clone())
            .unwrap_or_default()
    }

    fn store(&self, address: &str, certs: Vec<Cert>, ttl: Duration) {
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_ENTRIES {
            cache.retain(|_, e| e.until > now);
        }
        cache.insert(
            address.to_string(),
            Entry {
                certs,
                until: now + ttl,
            },
        );
    }

    async fn lookup<L: Resolver>(&self, dns: &L, address: &str) -> Lookup {
        let Some([advanced, direct]) = urls(address) else {
            return Lookup::NotFound;
        };
        // The direct method only when the advanced host does not exist.
        let (host, path, addrs) = match dns.ips(&advanced.0).await {
            Ok(a) if !a.is_empty() => (advanced.0, advanced.1, a),
            Ok(_) | Err(LookupError::NxDomain | LookupError::NoRecords) => {
                match dns.ips(&direct.0).await {
                    Ok(a) => (direct.0, direct.1, a),
                    Err(LookupError::Temporary(e)) => return Lookup::Failed(e),
                    Err(_) => return Lookup::NotFound,
                }
            }
            Err(LookupError::Temporary(e)) => return Lookup::Failed(e),
        };
        match self.https.get(&addrs, &host, &path, MAX_KEY_BYTES).await {
            Ok(r) if r.status == 200 => {
                let certs = certs_for(&r.body, address);
                if certs.is_empty() {
                    Lookup::Failed("no certificate for the address in the answer".into())
                } else {
                    Lookup::Found(certs)
                }
            }
            Ok(r) if r.status == 404 || r.status == 410 => Lookup::NotFound,
            Ok(r) => Lookup::Failed(format!("HTTP status {}", r.status)),
            Err(FetchError::NoAddress { .. }) => Lookup::NotFound,
            Err(e) => Lookup::Failed(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_the_draft_example() {
        // draft-koch-openpgp-webkey-service §3.1: "Joe.Doe@Example.ORG".
        assert_eq!(local_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    }

    #[test]
    fn advanced_url_first_then_direct() {
        let [a, d] = urls("Joe.Doe@Example.ORG").expect("urls");
        assert_eq!(a.0, "openpgpkey.example.org");
        assert_eq!(
            a.1,
            "/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe"
        );
        assert_eq!(d.0, "example.org");
        assert!(d.1.starts_with("/.well-known/openpgpkey/hu/iy9q"));
        assert!(urls("nodomain").is_none() && urls("@x.org").is_none());
        assert_eq!(query_escape("a+b c"), "a%2Bb%20c");
    }

    #[test]
    fn zbase32_pads_the_last_group_with_zero_bits() {
        assert_eq!(zbase32(&[]), "");
        // 11110|000(00): indexes 30 and 0.
        assert_eq!(zbase32(&[0xF0]), "6y");
    }
}
