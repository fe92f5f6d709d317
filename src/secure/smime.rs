//! S/MIME protection: RFC 8551 CMS enveloped data with openssl.
//!
//! Flow of [`Smime::encrypt`]:
//! 1. Look the recipient up in the certificate cache (`cert_dir/*.pem`,
//!    indexed by every rfc822Name SAN and subject emailAddress).
//! 2. Keep the certificates usable *now* (see [`usable_for_encryption`]):
//!    inside notBefore..notAfter; keyUsage, when present, allows
//!    keyEncipherment (RSA) or keyAgreement (EC); extendedKeyUsage, when
//!    present, allows emailProtection (or anyExtendedKeyUsage); RSA keys of
//!    at least 2048 bits. None left: [`SecureError::NoUsableKey`].
//! 3. Header protection ([`mime::protect`]). When a signer is configured the
//!    inner entity is signed first (detached, `multipart/signed`, RFC 8551
//!    §3.5.3) and the signed entity is what gets encrypted (sign, then
//!    encrypt: RFC 8551 §3.7).
//! 4. CMS encrypt to every usable certificate with AES-256: CBC
//!    (`EnvelopedData`, RFC 5652 §6) by default, or GCM (`AuthEnvelopedData`,
//!    RFC 5083 / RFC 5084) when configured — OpenSSL 3 builds
//!    AuthEnvelopedData itself when `CMS_encrypt` is given an AEAD cipher.
//! 5. [`mime::smime_enveloped`] writes `application/pkcs7-mime`, base64.
//!
//! Certificates are trusted by being placed in the directory (like an
//! OpenPGP keyring); no chain or revocation (CRL/OCSP) check is done here.

use std::cmp::Ordering;
use std::path::Path;

use openssl::asn1::Asn1Time;
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::{X509, X509ExtendedKeyUsage, X509KeyUsage};

use super::keys::{KeyCache, Parsed};
use super::mime::{self, DEFAULT_OUTER_SUBJECT};
use super::{Encryptor, SecureError, domain_of, normalize_address};

const METHOD: &str = "smime";

/// Minimum RSA modulus for recipient certificates.
pub const MIN_RSA_BITS: u32 = 2048;

/// Content-encryption algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmimeCipher {
    /// AES-256-CBC in EnvelopedData: read by every S/MIME client.
    #[default]
    Aes256Cbc,
    /// AES-256-GCM in AuthEnvelopedData (RFC 8551 §2.7 "MUST support"), for
    /// recipients known to read it.
    Aes256Gcm,
}

impl SmimeCipher {
    fn cipher(self) -> Cipher {
        match self {
            SmimeCipher::Aes256Cbc => Cipher::aes_256_cbc(),
            SmimeCipher::Aes256Gcm => Cipher::aes_256_gcm(),
        }
    }

    /// The `smime-type` parameter (RFC 8551 §3.2.2).
    fn smime_type(self) -> &'static str {
        match self {
            SmimeCipher::Aes256Cbc => "enveloped-data",
            SmimeCipher::Aes256Gcm => "authEnveloped-data",
        }
    }
}

struct SmimeSigner {
    cert: X509,
    key: PKey<Private>,
    chain: Vec<X509>,
}

/// S/MIME encryptor over a certificate directory.
pub struct Smime {
    certs: KeyCache<X509>,
    signer: Option<SmimeSigner>,
    cipher: SmimeCipher,
    /// Recipient domains known to read AES-256-GCM; others get `cipher`.
    gcm_domains: Vec<String>,
    outer_subject: String,
}

impl Smime {
    /// Loads `cert_dir/*.pem` and, when given, the organisation's signing
    /// certificate (PEM; further certificates in the file are sent as the
    /// chain) and its private key (PEM, unencrypted).
    pub fn load(cert_dir: &Path, signer: Option<(&Path, &Path)>) -> Result<Self, SecureError> {
        let signer = match signer {
            Some((cert, key)) => Some(load_signer(cert, key)?),
            None => None,
        };
        Ok(Smime {
            certs: KeyCache::load(cert_dir, "pem", parse_pem)?,
            signer,
            cipher: SmimeCipher::default(),
            gcm_domains: Vec::new(),
            outer_subject: DEFAULT_OUTER_SUBJECT.to_string(),
        })
    }

    /// Selects the content-encryption algorithm (default AES-256-CBC).
    pub fn with_cipher(mut self, cipher: SmimeCipher) -> Self {
        self.cipher = cipher;
        self
    }

    /// Recipient domains that get AES-256-GCM whatever the default cipher.
    pub fn with_gcm_domains(mut self, domains: Vec<String>) -> Self {
        self.gcm_domains = domains;
        self
    }

    fn cipher_for(&self, recipient: &str) -> SmimeCipher {
        if self.gcm_domains.contains(&domain_of(recipient)) {
            SmimeCipher::Aes256Gcm
        } else {
            self.cipher
        }
    }

    /// Sets the neutral outer Subject (default `...`).
    pub fn with_outer_subject(mut self, subject: &str) -> Self {
        self.outer_subject = subject.to_string();
        self
    }

    /// Re-reads the certificate directory; returns the number of addresses.
    pub fn reload(&self) -> Result<usize, SecureError> {
        self.certs.reload()
    }

    /// Number of addresses with a certificate.
    pub fn known_addresses(&self) -> usize {
        self.certs.len()
    }

    fn recipient_stack(&self, recipient: &str) -> Result<Stack<X509>, SecureError> {
        let mut stack = Stack::new().map_err(crypto_err)?;
        for cert in self.certs.lookup(recipient) {
            if usable_for_encryption(&cert) {
                stack.push(X509::clone(&cert)).map_err(crypto_err)?;
            }
        }
        if stack.is_empty() {
            return Err(SecureError::NoUsableKey {
                method: METHOD,
                domain: domain_of(recipient),
            });
        }
        Ok(stack)
    }

    /// Detached signature over `entity`, wrapped as `multipart/signed`.
    fn sign(&self, signer: &SmimeSigner, entity: &[u8]) -> Result<Vec<u8>, SecureError> {
        let mut chain = Stack::new().map_err(crypto_err)?;
        for c in &signer.chain {
            chain.push(c.clone()).map_err(crypto_err)?;
        }
        let flags = CMSOptions::DETACHED | CMSOptions::BINARY;
        let cms = CmsContentInfo::sign(
            Some(&signer.cert),
            Some(&signer.key),
            Some(&chain),
            Some(entity),
            flags,
        )
        .map_err(crypto_err)?;
        let der = cms.to_der().map_err(crypto_err)?;
        mime::smime_signed(entity, &der)
    }
}

impl Encryptor for Smime {
    fn can_encrypt(&self, recipient: &str) -> bool {
        self.certs
            .lookup(recipient)
            .iter()
            .any(|c| usable_for_encryption(c))
    }

    fn encrypt(&self, recipient: &str, message: &[u8]) -> Result<Vec<u8>, SecureError> {
        let recipients = self.recipient_stack(recipient)?;
        let protected = mime::protect(message, &self.outer_subject)?;
        let payload = match &self.signer {
            Some(s) => self.sign(s, &protected.inner)?,
            None => protected.inner,
        };
        let cipher = self.cipher_for(recipient);
        // BINARY: the payload is already canonical CRLF MIME (RFC 8551 §3.1.1).
        let cms =
            CmsContentInfo::encrypt(&recipients, &payload, cipher.cipher(), CMSOptions::BINARY)
                .map_err(crypto_err)?;
        let der = cms.to_der().map_err(crypto_err)?;
        tracing::debug!(domain = %domain_of(recipient), certs = recipients.len(), "smime encrypted");
        Ok(mime::smime_enveloped(
            &protected.outer_headers,
            &der,
            cipher.smime_type(),
        ))
    }

    fn method(&self) -> &'static str {
        METHOD
    }
}

fn crypto_err(e: openssl::error::ErrorStack) -> SecureError {
    SecureError::Crypto {
        method: METHOD,
        reason: e.to_string(),
    }
}

/// Certificate-directory parser: every certificate of the PEM file, indexed
/// by its rfc822Name SANs and subject emailAddress attributes.
fn parse_pem(_path: &Path, bytes: &[u8]) -> Result<Vec<Parsed<X509>>, String> {
    let certs = X509::stack_from_pem(bytes).map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no certificate in file".into());
    }
    Ok(certs
        .into_iter()
        .map(|cert| Parsed {
            addresses: cert_addresses(&cert),
            item: cert,
        })
        .collect())
}

/// The e-mail addresses a certificate is issued to.
pub fn cert_addresses(cert: &X509) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(sans) = cert.subject_alt_names() {
        for san in &sans {
            if let Some(email) = san.email() {
                out.push(normalize_address(email));
            }
        }
    }
    for entry in cert.subject_name().entries_by_nid(Nid::PKCS9_EMAILADDRESS) {
        if let Ok(s) = entry.data().to_string() {
            out.push(normalize_address(&s));
        }
    }
    out
}

/// Can a message be encrypted to `cert` now? (rules in the module header)
pub fn usable_for_encryption(cert: &X509) -> bool {
    let Ok(now) = Asn1Time::days_from_now(0) else {
        return false;
    };
    let in_validity = cert.not_before().compare(&now).ok() != Some(Ordering::Greater)
        && cert.not_after().compare(&now).ok() == Some(Ordering::Greater);
    if !in_validity {
        return false;
    }
    let Ok(key) = cert.public_key() else {
        return false;
    };
    let (key_ok, needed_usage) = match key.id() {
        Id::RSA => (key.bits() >= MIN_RSA_BITS, X509KeyUsage::KEY_ENCIPHERMENT),
        Id::EC | Id::X25519 | Id::X448 => (true, X509KeyUsage::KEY_AGREEMENT),
        _ => (false, X509KeyUsage::empty()),
    };
    if !key_ok {
        return false;
    }
    if let Some(ku) = cert.key_usage()
        && !ku.contains(needed_usage)
    {
        return false;
    }
    if let Some(eku) = cert.extended_key_usage()
        && !eku.intersects(X509ExtendedKeyUsage::SMIME | X509ExtendedKeyUsage::ANYEKU)
    {
        return false;
    }
    true
}

fn load_signer(cert_path: &Path, key_path: &Path) -> Result<SmimeSigner, SecureError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|source| SecureError::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    let bad = |p: &Path, reason: String| SecureError::KeyFile {
        path: p.to_path_buf(),
        reason,
    };
    let mut certs = X509::stack_from_pem(&read(cert_path)?)
        .map_err(|e| bad(cert_path, e.to_string()))?
        .into_iter();
    let cert = certs
        .next()
        .ok_or_else(|| bad(cert_path, "no certificate in file".into()))?;
    let key =
        PKey::private_key_from_pem(&read(key_path)?).map_err(|e| bad(key_path, e.to_string()))?;
    let matches = cert
        .public_key()
        .map(|pk| pk.public_eq(&key))
        .unwrap_or(false);
    if !matches {
        return Err(bad(
            key_path,
            "private key does not match the signing certificate".into(),
        ));
    }
    Ok(SmimeSigner {
        cert,
        key,
        chain: certs.collect(),
    })
}
