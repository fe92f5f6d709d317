//! `sealpost dkim keygen`: a new RSA-2048 or Ed25519 key written as PKCS#8
//! PEM with mode 0600 (created exclusively: an existing file is never
//! overwritten, so a live key cannot be lost), and the DNS TXT record to
//! publish for it.

use std::path::Path;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::Ed25519KeyPair;

use super::keys::{LoadedKey, pem_encode};
use super::{Algorithm, DkimError, check_domain, check_selector};

/// Generates a key for `selector._domainkey.domain`, writes it to `out` and
/// returns the zone-file line, e.g.
/// `s2026._domainkey.customer.example. IN TXT "v=DKIM1; k=rsa; p=..."`.
pub fn keygen(
    domain: &str,
    selector: &str,
    algorithm: Algorithm,
    out: &Path,
) -> Result<String, DkimError> {
    check_domain("domain", domain)?;
    check_selector(selector)?;
    let der = generate_pkcs8(algorithm)?;
    // Parse what we generated, exactly as the signer will at start-up.
    let key = LoadedKey::from_pkcs8_der(&der).map_err(DkimError::Keygen)?;
    write_new_private(out, pem_encode(&der).as_bytes())?;
    tracing::info!(%domain, %selector, %algorithm, path = %out.display(), "dkim key generated");
    Ok(txt_record_line(domain, selector, &key.dns_txt_value()))
}

/// PKCS#8 DER of a fresh key (v1 for RSA, v2 with public key for Ed25519).
fn generate_pkcs8(algorithm: Algorithm) -> Result<Vec<u8>, DkimError> {
    let failed = |e: aws_lc_rs::error::Unspecified| DkimError::Keygen(e.to_string());
    match algorithm {
        Algorithm::RsaSha256 => {
            let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(failed)?;
            let der: Pkcs8V1Der<'static> = pair.as_der().map_err(failed)?;
            Ok(der.as_ref().to_vec())
        }
        Algorithm::Ed25519Sha256 => {
            let rng = aws_lc_rs::rand::SystemRandom::new();
            let doc = Ed25519KeyPair::generate_pkcs8(&rng).map_err(failed)?;
            Ok(doc.as_ref().to_vec())
        }
    }
}

/// Creates `path` with mode 0600, failing if it exists, crash-safely
/// (`util::durable_create`: the key appears whole or not at all, and its
/// name survives a power loss).
fn write_new_private(path: &Path, data: &[u8]) -> Result<(), DkimError> {
    let io_err = |reason: String| DkimError::File {
        path: path.to_path_buf(),
        reason,
    };
    crate::util::durable_create(path, data, 0o600).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            io_err("already exists; refusing to overwrite a key".into())
        }
        _ => io_err(e.to_string()),
    })
}

/// `<selector>._domainkey.<domain>. IN TXT "..." "..."`: character-strings
/// are at most 255 octets (RFC 1035 §3.3.14), so long values are split;
/// resolvers concatenate them (RFC 6376 §3.6.2.2).
pub fn txt_record_line(domain: &str, selector: &str, value: &str) -> String {
    let domain = domain.trim_end_matches('.');
    format!(
        "{selector}._domainkey.{domain}. IN TXT {}",
        quote_txt(value)
    )
}

/// Quotes a TXT value as one or more 255-octet character-strings.
pub fn quote_txt(value: &str) -> String {
    value
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keygen_writes_0600_key_that_loads_and_refuses_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (algorithm, k) in [
            (Algorithm::RsaSha256, "rsa"),
            (Algorithm::Ed25519Sha256, "ed25519"),
        ] {
            let path = dir.path().join(format!("keys/{k}.pem"));
            let line = keygen("customer.example", "s2026", algorithm, &path).expect("keygen");
            assert!(
                line.starts_with(&format!(
                    "s2026._domainkey.customer.example. IN TXT \"v=DKIM1; k={k}; p="
                )),
                "{line}"
            );
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let key = LoadedKey::from_file(&path).expect("loads");
            assert_eq!(key.algorithm(), algorithm);
            assert!(line.replace("\" \"", "").contains(key.public_key_b64()));
            let err = keygen("customer.example", "s2026", algorithm, &path).expect_err("exists");
            assert!(err.to_string().contains("refusing to overwrite"), "{err}");
        }
    }

    #[test]
    fn long_txt_values_are_split_into_255_octet_strings() {
        let value = "x".repeat(600);
        let quoted = quote_txt(&value);
        let parts: Vec<&str> = quoted.split(' ').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].len(), 257);
        assert_eq!(parts[2].len(), 92);
    }

    #[test]
    fn keygen_rejects_bad_names_before_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.pem");
        assert!(keygen("bad domain", "s1", Algorithm::Ed25519Sha256, &path).is_err());
        assert!(keygen("customer.example", "s;1", Algorithm::Ed25519Sha256, &path).is_err());
        assert!(!path.exists());
    }
}
