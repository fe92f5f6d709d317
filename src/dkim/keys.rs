//! Private keys: PKCS#8 PEM files holding an RSA (2048–8192 bit) or Ed25519
//! key, parsed once at load time into a [`LoadedKey`] that holds both the
//! `mail-auth` signing key and the DNS public-key value (`p=`).
//!
//! The PEM layer is ours (a `-----BEGIN PRIVATE KEY-----` block, RFC 7468
//! §10) so that errors can say exactly what is wrong; the DER is handed to
//! aws-lc-rs, which rejects anything that is not a valid key. RSA `p=` is the
//! SubjectPublicKeyInfo (what `openssl rsa -pubout` and opendkim publish);
//! Ed25519 `p=` is the raw 32-byte public key (RFC 8463 §4.2).

use std::path::Path;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use mail_auth::common::crypto::{DkimKey, Ed25519Key, RsaKey, Sha256};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::Algorithm;

const PEM_LABEL: &str = "PRIVATE KEY";
/// Refuse absurd files early: an 8192-bit PKCS#8 PEM is about 6.5 KB.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// A parsed private key, ready to sign; cheap to share behind an `Arc`.
pub struct LoadedKey {
    pub(crate) signing: DkimKey,
    algorithm: Algorithm,
    public_b64: String,
    bits: usize,
}

impl std::fmt::Debug for LoadedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("LoadedKey")
            .field("algorithm", &self.algorithm)
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl LoadedKey {
    /// Reads and parses a PKCS#8 PEM key file. The error is a plain reason;
    /// the caller prefixes the config key path and file name.
    pub fn from_file(path: &Path) -> Result<LoadedKey, String> {
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        if meta.len() > MAX_KEY_FILE {
            return Err(format!("{} bytes is too large for a key file", meta.len()));
        }
        let text = std::fs::read(path).map_err(|e| e.to_string())?;
        Self::from_pem(&text)
    }

    /// Parses PKCS#8 PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<LoadedKey, String> {
        let der = pem_decode(pem)?;
        Self::from_pkcs8_der(&der)
    }

    /// Parses PKCS#8 DER (v1 or v2), trying RSA then Ed25519.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<LoadedKey, String> {
        const NOT_A_KEY: &str = "not a PKCS#8 RSA or Ed25519 key";
        if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
            let bits = pair.public_modulus_len() * 8;
            if bits < 2048 {
                return Err(format!(
                    "RSA key of {bits} bits; at least 2048 are required"
                ));
            }
            let spki: PublicKeyX509Der<'static> = pair
                .public_key()
                .as_der()
                .map_err(|_| format!("{NOT_A_KEY} (cannot encode its public key)"))?;
            let signing = RsaKey::<Sha256>::from_key_der(pkcs8(der))
                .map_err(|e| format!("{NOT_A_KEY} ({e})"))?;
            return Ok(LoadedKey {
                signing: DkimKey::Rsa(signing),
                algorithm: Algorithm::RsaSha256,
                public_b64: B64.encode(spki.as_ref()),
                bits,
            });
        }
        if let Ok(pair) = Ed25519KeyPair::from_pkcs8(der) {
            let public = pair.public_key().as_ref().to_vec();
            let signing =
                Ed25519Key::from_pkcs8_der(der).map_err(|e| format!("{NOT_A_KEY} ({e})"))?;
            return Ok(LoadedKey {
                signing: DkimKey::Ed25519(signing),
                algorithm: Algorithm::Ed25519Sha256,
                public_b64: B64.encode(public),
                bits: 256,
            });
        }
        Err(format!(
            "{NOT_A_KEY} (RSA needs 2048 to 8192 bits; convert PKCS#1 with \
             `openssl pkcs8 -topk8 -nocrypt`)"
        ))
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Key size in bits (256 for Ed25519).
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Base64 public key, the value of the DNS record's `p=` tag.
    pub fn public_key_b64(&self) -> &str {
        &self.public_b64
    }

    /// The DNS TXT record value: `v=DKIM1; k=rsa; p=...` (RFC 6376 §3.6.1).
    pub fn dns_txt_value(&self) -> String {
        format!(
            "v=DKIM1; k={}; p={}",
            self.algorithm.key_type(),
            self.public_b64
        )
    }
}

fn pkcs8(der: &[u8]) -> PrivateKeyDer<'_> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der))
}

/// Extracts the DER of the single `PRIVATE KEY` block (RFC 7468 strict-ish:
/// other blocks and text around it are ignored, CRLF accepted).
pub fn pem_decode(pem: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not a PEM file (not UTF-8)".to_string())?;
    let begin = format!("-----BEGIN {PEM_LABEL}-----");
    let end = format!("-----END {PEM_LABEL}-----");
    let Some(start) = text.find(&begin) else {
        return Err(if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
            "PKCS#1 RSA key; convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt`".into()
        } else if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            "encrypted PKCS#8 key; store it unencrypted (mode 0600)".into()
        } else {
            "not a PKCS#8 RSA or Ed25519 key (no \"-----BEGIN PRIVATE KEY-----\" block)".into()
        });
    };
    let body = &text[start + begin.len()..];
    let Some(stop) = body.find(&end) else {
        return Err("PEM block has no END line".into());
    };
    let b64: String = body[..stop]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    B64.decode(b64.as_bytes())
        .map_err(|e| format!("PEM block is not valid base64: {e}"))
}

/// Wraps DER in a `PRIVATE KEY` PEM block, 64 columns (RFC 7468 §2).
pub fn pem_encode(der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let mut out = format!("-----BEGIN {PEM_LABEL}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {PEM_LABEL}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::Pkcs8V1Der;
    use aws_lc_rs::rsa::KeySize;

    #[test]
    fn pem_round_trip_keeps_der() {
        let der = vec![0x30u8, 0x82, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(pem_decode(pem_encode(&der).as_bytes()), Ok(der));
    }

    #[test]
    fn ed25519_v1_and_v2_keys_load_with_same_public_key() {
        let pair = Ed25519KeyPair::generate().expect("generate");
        let v1 = pair.to_pkcs8v1().expect("v1");
        let v2 = pair.to_pkcs8().expect("v2");
        let a = LoadedKey::from_pkcs8_der(v1.as_ref()).expect("v1 loads");
        let b = LoadedKey::from_pkcs8_der(v2.as_ref()).expect("v2 loads");
        assert_eq!(a.algorithm(), Algorithm::Ed25519Sha256);
        assert_eq!(a.public_key_b64(), b.public_key_b64());
        assert_eq!(B64.decode(a.public_key_b64()).map(|k| k.len()), Ok(32));
    }

    #[test]
    fn rsa_key_loads_and_publishes_spki() {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).expect("generate");
        let der: Pkcs8V1Der<'static> = pair.as_der().expect("der");
        let key = LoadedKey::from_pem(pem_encode(der.as_ref()).as_bytes()).expect("loads");
        assert_eq!(key.algorithm(), Algorithm::RsaSha256);
        assert_eq!(key.bits(), 2048);
        // SubjectPublicKeyInfo of a 2048-bit RSA key starts with this prefix.
        assert!(
            key.public_key_b64()
                .starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
        );
        assert!(key.dns_txt_value().starts_with("v=DKIM1; k=rsa; p=MIIB"));
    }

    #[test]
    fn garbage_and_pkcs1_are_rejected_with_a_reason() {
        let err = LoadedKey::from_pem(b"hello").expect_err("garbage");
        assert!(err.contains("not a PKCS#8 RSA or Ed25519 key"), "{err}");
        let err = LoadedKey::from_pem(
            b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        )
        .expect_err("pkcs1");
        assert!(err.contains("PKCS#1"), "{err}");
        let err = LoadedKey::from_pem(pem_encode(b"\x30\x03\x02\x01\x00").as_bytes())
            .expect_err("bad der");
        assert!(err.contains("not a PKCS#8 RSA or Ed25519 key"), "{err}");
    }
}
