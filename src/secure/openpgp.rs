//! OpenPGP protection: PGP/MIME (RFC 3156) with sequoia-openpgp.
//!
//! Flow of [`OpenPgp::encrypt`]:
//! 1. Look the recipient up in the keyring cache (certificates from
//!    `keyring_dir/*.asc`, indexed by the e-mail of each User ID).
//! 2. For each candidate certificate, under sequoia's `StandardPolicy` *now*:
//!    the certificate must be valid, alive and not revoked, and carry a
//!    valid, non-revoked User ID with that address. Its recipients are every
//!    supported, alive, non-revoked subkey flagged for transport *or*
//!    storage encryption, minus weak keys (RSA/DSA/ElGamal < 2048 bits).
//!    No recipient key left: [`SecureError::NoUsableKey`] (never plaintext).
//! 3. Header protection ([`mime::protect`]), then the inner entity is
//!    (optionally signed by the organisation key, inside the encryption:
//!    RFC 3156 §6.2 combined method) encrypted ([`OpenPgp::seal`]).
//! 4. [`mime::pgp_mime`] ASCII-armors it into a `multipart/encrypted`.
//!
//! The symmetric algorithm is AES-256; SEIPDv2 (AEAD, RFC 9580) is used
//! when every recipient certificate advertises it in its Features, else
//! SEIPDv1 with MDC, which every OpenPGP implementation reads (GnuPG keys
//! do not advertise SEIPDv2).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, RwLock};

use sequoia_openpgp as pgp;

use pgp::Cert;
use pgp::cert::amalgamation::ValidAmalgamation;
use pgp::cert::{CertParser, Preferences};
use pgp::crypto::KeyPair;
use pgp::crypto::SessionKey;
use pgp::crypto::mpi::PublicKey as Mpis;
use pgp::packet::Key;
use pgp::packet::key::{KeyParts, KeyRole};
use pgp::packet::{PKESK, Packet};
use pgp::parse::Parse;
use pgp::policy::StandardPolicy;
use pgp::serialize::Serialize;
use pgp::serialize::stream::{Encryptor as PgpEncryptor, LiteralWriter, Message, Signer};
use pgp::types::{AEADAlgorithm, Features, RevocationStatus, SymmetricAlgorithm};

use super::keys::{KeyCache, Parsed};
use super::mime::{self, DEFAULT_OUTER_SUBJECT};
use super::pgp_ecdh::{self, RecipientKey};
use super::seipd1;
use super::{Encryptor, SecureError, domain_of, normalize_address};

const METHOD: &str = "pgp";

/// Minimum modulus size for RSA, DSA and ElGamal keys.
pub const MIN_FINITE_FIELD_BITS: usize = 2048;

/// OpenPGP encryptor over a keyring directory.
pub struct OpenPgp {
    keyring: KeyCache<Cert>,
    /// Certificates found by Web Key Directory lookups, by address; used
    /// only when the keyring has none for the address.
    discovered: RwLock<HashMap<String, Vec<Arc<Cert>>>>,
    signer: Option<KeyPair>,
    policy: StandardPolicy<'static>,
    outer_subject: String,
}

impl OpenPgp {
    /// Loads `keyring_dir/*.asc` and, when given, the organisation's
    /// signing key (an unencrypted transferable secret key, armored or
    /// binary; protect it with file permissions).
    pub fn load(keyring_dir: &Path, signing_key: Option<&Path>) -> Result<Self, SecureError> {
        let policy = StandardPolicy::new();
        let signer = match signing_key {
            Some(p) => Some(load_signer(p, &policy)?),
            None => None,
        };
        Ok(OpenPgp {
            keyring: KeyCache::load(keyring_dir, "asc", parse_certs)?,
            discovered: RwLock::new(HashMap::new()),
            signer,
            policy,
            outer_subject: DEFAULT_OUTER_SUBJECT.to_string(),
        })
    }

    /// Sets the neutral outer Subject (default `...`).
    pub fn with_outer_subject(mut self, subject: &str) -> Self {
        self.outer_subject = subject.to_string();
        self
    }

    /// Re-reads the keyring directory; returns the number of addresses.
    pub fn reload(&self) -> Result<usize, SecureError> {
        self.keyring.reload()
    }

    /// Number of addresses in the keyring.
    pub fn known_addresses(&self) -> usize {
        self.keyring.len()
    }

    /// Records what a WKD lookup found for `address` (empty forgets it).
    pub fn learn(&self, address: &str, certs: Vec<Cert>) {
        let address = normalize_address(address);
        let mut map = self.discovered.write().unwrap_or_else(|p| p.into_inner());
        if certs.is_empty() {
            map.remove(&address);
        } else {
            // Bounded like the WKD cache that feeds it.
            if map.len() >= 100_000 {
                map.clear();
            }
            let public = certs
                .into_iter()
                .map(|c| Arc::new(c.strip_secret_key_material()))
                .collect();
            map.insert(address, public);
        }
    }

    /// Does the keyring directory hold a certificate for `address`?
    pub fn in_keyring(&self, address: &str) -> bool {
        !self.keyring.lookup(address).is_empty()
    }

    /// Keyring certificates for `recipient`, else discovered ones.
    fn candidates(&self, recipient: &str) -> Vec<Arc<Cert>> {
        let certs = self.keyring.lookup(recipient);
        if !certs.is_empty() {
            return certs;
        }
        let map = self.discovered.read().unwrap_or_else(|p| p.into_inner());
        map.get(&normalize_address(recipient))
            .cloned()
            .unwrap_or_default()
    }

    /// Encrypts `payload` (already a MIME entity) to `recipient`, returning
    /// the binary OpenPGP message and whether it is SEIPDv2.
    fn encrypt_payload(
        &self,
        recipient: &str,
        payload: &[u8],
    ) -> Result<(Vec<u8>, bool), SecureError> {
        let certs = self.candidates(recipient);
        let targets: Vec<Target> = certs
            .iter()
            .flat_map(|c| usable_recipients(c, recipient, &self.policy))
            .collect();
        if targets.is_empty() {
            return Err(no_key(recipient));
        }
        let out = self
            .seal(&targets, payload)
            .map_err(|e| SecureError::Crypto {
                method: METHOD,
                reason: e.to_string(),
            })?;
        tracing::debug!(domain = %domain_of(recipient), keys = targets.len(), "openpgp encrypted");
        Ok(out)
    }

    /// The OpenPGP message: one PKESK per target key, then SEIPDv2 (AEAD,
    /// OCB) when every target's certificate advertises it, else SEIPDv1
    /// with MDC; AES-256 either way. The session key is generated here and
    /// the PKESKs written by [`pgp_ecdh`] (fast Cv25519 path). SEIPDv2:
    /// sequoia's stream writer does the rest (`with_session_key` is its
    /// documented way of taking PKESKs made elsewhere). SEIPDv1: sequoia
    /// writes the literal data (and signature) packets and [`seipd1`]
    /// encrypts them. No armor: [`mime::pgp_mime`] armors into the final
    /// message in one pass.
    fn seal(&self, targets: &[Target], payload: &[u8]) -> pgp::Result<(Vec<u8>, bool)> {
        let seipdv2 = targets.iter().all(|t| t.seipdv2);
        let sym = SymmetricAlgorithm::AES256;
        let session_key = SessionKey::new(sym.key_size()?)?;
        let mut out = Vec::with_capacity(payload.len() + 512 + 256 * targets.len());
        if seipdv2 {
            let mut message = Message::new(&mut out);
            for t in targets {
                let pkesk = pgp_ecdh::pkesk6(&session_key, t.key)?;
                Packet::from(pkesk).serialize(&mut message)?;
            }
            let message = PgpEncryptor::with_session_key(message, sym, session_key)?
                .aead_algo(AEADAlgorithm::default())
                .build()?;
            self.write_literal(message, payload)?;
        } else {
            for t in targets {
                let pkesk = pgp_ecdh::pkesk3(sym, &session_key, t.key)?;
                Packet::PKESK(PKESK::from(pkesk)).serialize(&mut out)?;
            }
            let mut packets = Vec::with_capacity(payload.len() + 512);
            self.write_literal(Message::new(&mut packets), payload)?;
            seipd1::encrypt(&session_key, &packets, &mut out)?;
        }
        Ok((out, seipdv2))
    }

    /// The (optionally signed) literal data packet of `payload`, written
    /// to `message`.
    fn write_literal(&self, message: Message, payload: &[u8]) -> pgp::Result<()> {
        let message = match &self.signer {
            Some(kp) => Signer::new(message, kp.clone())?.build()?,
            None => message,
        };
        let mut w = LiteralWriter::new(message).build()?;
        w.write_all(payload)?;
        w.finalize()
    }
}

/// One recipient key and whether its certificate advertises SEIPDv2.
struct Target<'a> {
    key: &'a RecipientKey,
    seipdv2: bool,
}

impl Encryptor for OpenPgp {
    fn can_encrypt(&self, recipient: &str) -> bool {
        self.candidates(recipient)
            .iter()
            .any(|c| !usable_recipients(c, recipient, &self.policy).is_empty())
    }

    fn encrypt(&self, recipient: &str, message: &[u8]) -> Result<Vec<u8>, SecureError> {
        let protected = mime::protect(message, &self.outer_subject)?;
        let (binary, seipdv2) = self.encrypt_payload(recipient, &protected.inner)?;
        // The CRC-24 armor line only for SEIPDv1 readers (RFC 9580 §6.1).
        mime::pgp_mime(&protected.outer_headers, &binary, !seipdv2)
    }

    fn method(&self) -> &'static str {
        METHOD
    }
}

fn no_key(recipient: &str) -> SecureError {
    SecureError::NoUsableKey {
        method: METHOD,
        domain: domain_of(recipient),
    }
}

/// Keyring parser: every certificate of the file, indexed by the e-mail of
/// each of its User IDs. Validity is checked at use, not here.
fn parse_certs(_path: &Path, bytes: &[u8]) -> Result<Vec<Parsed<Cert>>, String> {
    let mut out = Vec::new();
    for cert in CertParser::from_bytes(bytes).map_err(|e| e.to_string())? {
        let cert = cert.map_err(|e| e.to_string())?;
        let addresses = cert
            .userids()
            .filter_map(|u| u.userid().email().ok().flatten().map(normalize_address))
            .collect();
        // Only public material is kept in memory for encryption.
        out.push(Parsed {
            addresses,
            item: cert.strip_secret_key_material(),
        });
    }
    if out.is_empty() {
        return Err("no OpenPGP certificate in file".into());
    }
    Ok(out)
}

/// The encryption recipients of `cert` for `address` (see the module
/// header for the rules). Empty means "cannot encrypt to this cert".
fn usable_recipients<'a>(
    cert: &'a Cert,
    address: &str,
    policy: &'a StandardPolicy<'static>,
) -> Vec<Target<'a>> {
    let Ok(vc) = cert.with_policy(policy, None) else {
        return Vec::new();
    };
    if vc.alive().is_err() || matches!(vc.revocation_status(), RevocationStatus::Revoked(_)) {
        return Vec::new();
    }
    let want = normalize_address(address);
    let uid_ok = vc.userids().any(|u| {
        !matches!(u.revocation_status(), RevocationStatus::Revoked(_))
            && u.userid().email().ok().flatten().map(normalize_address) == Some(want.clone())
    });
    if !uid_ok {
        return Vec::new();
    }
    // As sequoia's `Recipient::from`: the certificate's Features decide.
    let seipdv2 = vc
        .features()
        .is_some_and(|f: Features| f.supports_seipdv2());
    vc.keys()
        .supported()
        .alive()
        .revoked(false)
        .for_transport_encryption()
        .for_storage_encryption()
        .filter(|ka| strong_enough(ka.key()))
        .map(|ka| Target {
            key: ka.key().parts_as_public().role_as_unspecified(),
            seipdv2,
        })
        .collect()
}

/// Rejects finite-field keys below [`MIN_FINITE_FIELD_BITS`]; elliptic
/// curve and post-quantum keys are left to the policy's algorithm checks.
pub fn strong_enough<P: KeyParts, R: KeyRole>(key: &Key<P, R>) -> bool {
    match key.mpis() {
        Mpis::RSA { n, .. } => n.bits() >= MIN_FINITE_FIELD_BITS,
        Mpis::DSA { p, .. } | Mpis::ElGamal { p, .. } => p.bits() >= MIN_FINITE_FIELD_BITS,
        _ => true,
    }
}

/// Loads the organisation's signing key pair.
fn load_signer(path: &Path, policy: &StandardPolicy<'static>) -> Result<KeyPair, SecureError> {
    let bad = |reason: String| SecureError::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|source| SecureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let cert = Cert::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
    let vc = cert
        .with_policy(policy, None)
        .map_err(|e| bad(e.to_string()))?;
    let ka = vc
        .keys()
        .supported()
        .alive()
        .revoked(false)
        .for_signing()
        .secret()
        .next()
        .ok_or_else(|| bad("no valid signing-capable secret key".into()))?;
    if !ka.key().has_unencrypted_secret() {
        return Err(bad(
            "signing key is password-protected; store it unencrypted".into(),
        ));
    }
    ka.key()
        .clone()
        .into_keypair()
        .map_err(|e| bad(e.to_string()))
}
