//! [`DkimSigner`]: the per-process signing service, built once from all
//! `[[dkim]]` entries.
//!
//! Per message: parse the header section once (mail-parser), take the
//! header-From domain (never the envelope: DMARC aligns on RFC5322.From),
//! find the active keys of that domain (exact match first, then the closest
//! configured parent domain, which still aligns under `adkim=r`), compute the
//! `h=` list for this message and sign with each key. Signing never changes
//! the message; [`DkimSigner::sign_into`] only prepends the header fields.

use std::collections::HashMap;
use std::sync::Arc;

use mail_auth::common::crypto::{Algorithm as MaAlgorithm, DkimKey, Sha256, SigningKey};
use mail_auth::common::headers::{HeaderWriter, Writable};
use mail_auth::dkim::{Canonicalization, DkimSigner as MaSigner};
use mail_parser::MessageParser;

use super::keys::LoadedKey;
use super::{Algorithm, DkimConfig, DkimError, check_domain, check_selector};

/// RFC 6376 §5.4.2: signed one extra time (oversigned), so a verifier treats
/// an added instance as breaking the signature. Absent ones are listed once.
const OVERSIGNED: [&str; 5] = ["From", "To", "Subject", "Date", "Message-ID"];
/// Signed when present (RFC 6376 §5.4.1 recommendations relevant to us).
const SIGNED_IF_PRESENT: [&str; 7] = [
    "Cc",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "In-Reply-To",
    "References",
];

/// One active key: what signs for `domain` with `selector`.
#[derive(Debug)]
struct ActiveKey {
    domain: String,
    selector: String,
    expire_secs: u64,
    key: Arc<LoadedKey>,
}

/// Signs outgoing messages; cheap to share (`Send + Sync`, immutable).
#[derive(Debug, Default)]
pub struct DkimSigner {
    /// Lower-case domain → active keys in configuration order.
    by_domain: HashMap<String, Vec<ActiveKey>>,
}

impl DkimSigner {
    /// Validates every entry and parses every key (active and retired) once,
    /// collecting all errors, e.g.
    /// `dkim[0].key: keys/a.pem: not a PKCS#8 RSA or Ed25519 key`.
    pub fn load(entries: &[DkimConfig]) -> Result<DkimSigner, Vec<DkimError>> {
        let mut errors = Vec::new();
        let mut signer = DkimSigner::default();
        // (domain, algorithm) → index of the active entry, to allow only one.
        let mut active: HashMap<(String, Algorithm), usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let Some(key) = load_entry(index, entry, &mut errors) else {
                continue;
            };
            if !entry.is_active() {
                continue;
            }
            let domain = normalise_domain(&entry.domain);
            if let Some(first) = active.insert((domain.clone(), entry.algorithm), index) {
                errors.push(DkimError::Config {
                    index,
                    field: "selector",
                    reason: format!(
                        "a second active {} key for {domain} (dkim[{first}] is active); \
                         set retire_after on the old one",
                        entry.algorithm
                    ),
                });
                continue;
            }
            signer
                .by_domain
                .entry(domain.clone())
                .or_default()
                .push(ActiveKey {
                    domain,
                    selector: entry.selector.clone(),
                    expire_secs: entry.expire.map_or(0, |d| d.as_secs()),
                    key: Arc::new(key),
                });
        }
        if errors.is_empty() {
            tracing::info!(domains = signer.by_domain.len(), "dkim keys loaded");
            Ok(signer)
        } else {
            Err(errors)
        }
    }

    /// Whether any key would sign for this (header-From) domain.
    pub fn has_domain(&self, domain: &str) -> bool {
        self.keys_for(&normalise_domain(domain)).is_some()
    }

    /// The `DKIM-Signature:` header fields (CRLF-terminated, to prepend) for
    /// the header-From domain of `message`: one per active key of that
    /// domain, so RSA + Ed25519 gives a dual signature (RFC 8463). Empty when
    /// no key matches. Errors: no From domain, or the crypto layer failed.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, DkimError> {
        let headers = MessageParser::new()
            .parse_headers(message)
            .ok_or(DkimError::NoFromDomain)?;
        let domains = from_domains(&headers);
        if domains.is_empty() {
            return Err(DkimError::NoFromDomain);
        }
        let present = |name: &str| {
            headers
                .headers()
                .iter()
                .any(|h| h.name().eq_ignore_ascii_case(name))
        };
        let h = signed_header_list(present);
        let mut out = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for domain in &domains {
            let Some(keys) = self.keys_for(domain) else {
                continue;
            };
            let Some(first) = keys.first() else {
                continue;
            };
            // Two From domains resolving to one signing domain: sign once.
            if seen.contains(&first.domain.as_str()) {
                continue;
            }
            seen.push(&first.domain);
            for active in keys {
                sign_one(active, &h, message, &mut out)?;
            }
        }
        if out.is_empty() {
            tracing::debug!("no dkim key for the From domain; sending unsigned");
        }
        Ok(out)
    }

    /// The message with its signatures prepended (a copy; the input is the
    /// exact byte string that will be sent).
    pub fn sign_into(&self, message: &[u8]) -> Result<Vec<u8>, DkimError> {
        let signatures = self.sign(message)?;
        let mut out = Vec::with_capacity(signatures.len() + message.len());
        out.extend_from_slice(&signatures);
        out.extend_from_slice(message);
        Ok(out)
    }

    /// Exact domain first, then each parent (`a.b.example` → `b.example`),
    /// stopping before the last label.
    fn keys_for(&self, domain: &str) -> Option<&Vec<ActiveKey>> {
        let mut candidate = domain;
        loop {
            if let Some(keys) = self.by_domain.get(candidate) {
                return Some(keys);
            }
            let (_, parent) = candidate.split_once('.')?;
            if !parent.contains('.') {
                return None;
            }
            candidate = parent;
        }
    }
}

/// Validates one entry and parses its key; pushes errors, returns the key.
fn load_entry(index: usize, entry: &DkimConfig, errors: &mut Vec<DkimError>) -> Option<LoadedKey> {
    let before = errors.len();
    if let Err(e) = check_domain("domain", &entry.domain) {
        errors.push(DkimError::Config {
            index,
            field: "domain",
            reason: e.to_string(),
        });
    }
    if let Err(e) = check_selector(&entry.selector) {
        errors.push(DkimError::Config {
            index,
            field: "selector",
            reason: e.to_string(),
        });
    }
    if entry.expire.is_some_and(|d| d.as_secs() == 0) {
        errors.push(DkimError::Config {
            index,
            field: "expire",
            reason: "must be at least one second".into(),
        });
    }
    let key_error = |reason: String| DkimError::Key {
        index,
        path: entry.key.clone(),
        reason,
    };
    match LoadedKey::from_file(&entry.key) {
        Ok(key) if key.algorithm() != entry.algorithm => errors.push(key_error(format!(
            "is a {} key but dkim[{index}].algorithm is {}",
            key.algorithm().key_type(),
            entry.algorithm
        ))),
        Ok(key) if errors.len() == before => return Some(key),
        Ok(_) => {}
        Err(reason) => errors.push(key_error(reason)),
    }
    None
}

/// Builds `h=` for this message. mail-auth signs every instance of a listed
/// name and appends each listed entry it did not match once more, so listing
/// a present name twice yields exactly one extra (oversigned) entry.
fn signed_header_list(present: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let mut h: Vec<&'static str> = OVERSIGNED.to_vec();
    h.extend(SIGNED_IF_PRESENT.iter().copied().filter(|n| present(n)));
    h.extend(OVERSIGNED.iter().copied().filter(|n| present(n)));
    h
}

/// Signs with one key and appends its header field to `out`.
fn sign_one(
    active: &ActiveKey,
    h: &[&'static str],
    message: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), DkimError> {
    let mut signer = MaSigner::from_key(KeyRef(&active.key.signing))
        .domain(active.domain.as_str())
        .selector(active.selector.as_str())
        .headers(h.iter().copied())
        .header_canonicalization(Canonicalization::Relaxed)
        .body_canonicalization(Canonicalization::Relaxed);
    if active.expire_secs > 0 {
        signer = signer.expiration(active.expire_secs);
    }
    let signature = signer.sign(message).map_err(|e| DkimError::Sign {
        domain: active.domain.clone(),
        selector: active.selector.clone(),
        reason: e.to_string(),
    })?;
    signature.write_header(out);
    tracing::debug!(
        domain = %active.domain,
        selector = %active.selector,
        algorithm = %active.key.algorithm(),
        "dkim signed"
    );
    Ok(())
}

/// Lower-case domains of the header-From addresses, deduplicated, in order.
fn from_domains(headers: &mail_parser::Message<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(from) = headers.from() else {
        return out;
    };
    for addr in from.iter() {
        let Some(domain) = addr
            .address()
            .and_then(|a| a.rsplit_once('@'))
            .map(|(_, d)| d)
        else {
            continue;
        };
        let domain = normalise_domain(domain);
        if !domain.is_empty() && !out.contains(&domain) {
            out.push(domain);
        }
    }
    out
}

fn normalise_domain(domain: &str) -> String {
    domain
        .trim()
        .trim_end_matches('.')
        .trim_end_matches('>')
        .to_ascii_lowercase()
}

/// Lends a cached key to mail-auth's builder, which takes its key by value.
struct KeyRef<'a>(&'a DkimKey);

impl SigningKey for KeyRef<'_> {
    type Hasher = Sha256;

    fn sign(&self, input: impl Writable) -> mail_auth::Result<Vec<u8>> {
        self.0.sign(input)
    }

    fn algorithm(&self) -> MaAlgorithm {
        self.0.algorithm()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_list_oversigns_present_and_lists_absent_once() {
        let present = ["From", "To", "Subject", "Cc", "Content-Type"];
        let h = signed_header_list(|n| present.contains(&n));
        assert_eq!(
            h,
            [
                "From",
                "To",
                "Subject",
                "Date",
                "Message-ID",
                "Cc",
                "Content-Type",
                "From",
                "To",
                "Subject"
            ]
        );
    }

    #[test]
    fn signer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<DkimSigner>();
    }
}
