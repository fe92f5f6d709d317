//! Session-key encryption (PKESK packets) for OpenPGP recipients, with a
//! fast path for the common Curve25519 ECDH encryption subkey.
//!
//! Why: sequoia 2.3's OpenSSL backend encrypts to a Cv25519 key with three
//! X25519 scalar multiplications (generate the ephemeral key, re-import its
//! secret — which OpenSSL answers by recomputing the public key — then
//! derive), and that was half the per-recipient cost of a SEIPDv2 message.
//! Here the ephemeral key and the shared secret come from aws-lc's X25519
//! (two multiplications, the base one on a fixed-base table), and the rest is
//! RFC 9580 §5.1.5 / RFC 6637 §7–8 exactly as sequoia does it: the KDF with
//! the hash and key-wrap cipher named *in the recipient's key*, the
//! `Anonymous Sender` parameter block with the subkey's fingerprint, PKCS#5
//! padding to 40 bytes and sequoia's public `aes_key_wrap`.
//!
//! Every other key type (RSA, NIST/Brainpool ECDH, RFC 9580 X25519/X448) and
//! any Cv25519 key whose KDF parameters are not SHA-2/AES goes through
//! sequoia's own `PKESK3::for_recipient` / `PKESK6::for_recipient`.
//!
//! Invariants: secrets (shared point, wrapping key, padded session key) live
//! only in sequoia's `Protected` buffers, which are zeroed on drop; the
//! ephemeral private key never leaves aws-lc.

use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey, X25519};
use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use sequoia_openpgp as pgp;

use pgp::crypto::SessionKey;
use pgp::crypto::ecdh::aes_key_wrap;
use pgp::crypto::mem::Protected;
use pgp::crypto::mpi::{Ciphertext, MPI, PublicKey as Mpis};
use pgp::packet::Key;
use pgp::packet::key::{PublicParts, UnspecifiedRole};
use pgp::packet::pkesk::{PKESK3, PKESK6};
use pgp::types::{Curve, HashAlgorithm, PublicKeyAlgorithm, SymmetricAlgorithm};

/// A recipient's public encryption (sub)key.
pub type RecipientKey = Key<PublicParts, UnspecifiedRole>;

/// RFC 6637 §8: the session key block is padded to 40 bytes, whatever the
/// cipher, so its length does not reveal the session key size.
const PADDED_LEN: usize = 40;

/// A v3 PKESK (for SEIPDv1) carrying `session_key` for `sym`.
pub fn pkesk3(
    sym: SymmetricAlgorithm,
    session_key: &SessionKey,
    key: &RecipientKey,
) -> pgp::Result<PKESK3> {
    match cv25519_encrypt(key, Some(sym), session_key) {
        Some(esk) => PKESK3::new(Some(key.keyid()), PublicKeyAlgorithm::ECDH, esk?),
        None => PKESK3::for_recipient(sym, session_key, key),
    }
}

/// A v6 PKESK (for SEIPDv2) carrying `session_key`.
pub fn pkesk6(session_key: &SessionKey, key: &RecipientKey) -> pgp::Result<PKESK6> {
    match cv25519_encrypt(key, None, session_key) {
        Some(esk) => PKESK6::new(Some(key.fingerprint()), PublicKeyAlgorithm::ECDH, esk?),
        None => PKESK6::for_recipient(session_key, key),
    }
}

/// ECDH over Curve25519 (RFC 9580 §5.1.5). `sym` is the cipher octet that a
/// v3 PKESK places inside the wrapped block (none for v6). `None`: not a
/// key this path handles; use sequoia's.
fn cv25519_encrypt(
    key: &RecipientKey,
    sym: Option<SymmetricAlgorithm>,
    session_key: &SessionKey,
) -> Option<pgp::Result<Ciphertext>> {
    let Mpis::ECDH {
        curve: Curve::Cv25519,
        q,
        hash,
        sym: kek,
    } = key.mpis()
    else {
        return None;
    };
    // The point is 0x40 followed by the 32-byte u-coordinate (RFC 9580
    // §11.2.2); anything else is left to sequoia to reject.
    let point = q.value();
    if point.len() != 33 || point[0] != 0x40 {
        return None;
    }
    let digest = match hash {
        HashAlgorithm::SHA256 => &digest::SHA256,
        HashAlgorithm::SHA384 => &digest::SHA384,
        HashAlgorithm::SHA512 => &digest::SHA512,
        _ => return None,
    };
    let kek_len = match kek {
        SymmetricAlgorithm::AES128 => 16,
        SymmetricAlgorithm::AES192 => 24,
        SymmetricAlgorithm::AES256 => 32,
        _ => return None,
    };
    Some(wrap(
        key,
        &point[1..],
        *hash,
        digest,
        *kek,
        kek_len,
        sym,
        session_key,
    ))
}

#[allow(clippy::too_many_arguments)]
fn wrap(
    key: &RecipientKey,
    recipient_u: &[u8],
    hash: HashAlgorithm,
    digest: &'static digest::Algorithm,
    kek: SymmetricAlgorithm,
    kek_len: usize,
    sym: Option<SymmetricAlgorithm>,
    session_key: &SessionKey,
) -> pgp::Result<Ciphertext> {
    let failed = || crypto_error("X25519 key agreement failed");
    let ephemeral =
        EphemeralPrivateKey::generate(&X25519, &SystemRandom::new()).map_err(|_| failed())?;
    let public = ephemeral.compute_public_key().map_err(|_| failed())?;
    let peer = UnparsedPublicKey::new(&X25519, recipient_u);
    // Z = KDF(S, kek_len, Param) = Hash(00 00 00 01 || S || Param),
    // truncated (RFC 6637 §7).
    let param = kdf_param(key, hash, kek);
    let z: Protected = agreement::agree_ephemeral(ephemeral, peer, failed(), |shared| {
        let mut h = digest::Context::new(digest);
        h.update(&[0, 0, 0, 1]);
        h.update(shared);
        h.update(&param);
        Ok(Protected::from(&h.finish().as_ref()[..kek_len]))
    })?;
    // m = [cipher octet] || session key || checksum || PKCS#5 padding.
    let mut m = Protected::from(vec![0u8; PADDED_LEN]);
    let mut at = 0;
    if let Some(sym) = sym {
        m[0] = sym.into();
        at = 1;
    }
    let sk: &[u8] = session_key;
    if at + sk.len() + 2 > PADDED_LEN {
        return Err(crypto_error("session key too long for ECDH").into());
    }
    m[at..at + sk.len()].copy_from_slice(sk);
    at += sk.len();
    let checksum = sk
        .iter()
        .map(|&b| u16::from(b))
        .fold(0u16, u16::wrapping_add);
    m[at..at + 2].copy_from_slice(&checksum.to_be_bytes());
    at += 2;
    let pad = (PADDED_LEN - at) as u8;
    m[at..].fill(pad);
    let c = aes_key_wrap(kek, &z, &m)?;
    Ok(Ciphertext::ECDH {
        e: MPI::new_compressed_point(public.as_ref()),
        key: c.into_boxed_slice(),
    })
}

/// RFC 6637 §8 `Param`: curve OID, algorithm 18, KDF parameters, the
/// 20-octet `"Anonymous Sender    "` and the recipient subkey's fingerprint.
fn kdf_param(key: &RecipientKey, hash: HashAlgorithm, kek: SymmetricAlgorithm) -> Vec<u8> {
    let oid = Curve::Cv25519.oid();
    let fp = key.fingerprint();
    let fp = fp.as_bytes();
    let mut p = Vec::with_capacity(1 + oid.len() + 5 + 20 + fp.len());
    p.push(oid.len() as u8);
    p.extend_from_slice(oid);
    p.push(PublicKeyAlgorithm::ECDH.into());
    p.extend_from_slice(&[3, 1, hash.into(), kek.into()]);
    p.extend_from_slice(b"Anonymous Sender    ");
    p.extend_from_slice(fp);
    p
}

fn crypto_error(msg: &str) -> pgp::Error {
    pgp::Error::InvalidOperation(msg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgp::cert::prelude::*;
    use pgp::packet::key::SecretParts;
    use pgp::policy::StandardPolicy;

    fn encryption_keypair(cert: &Cert) -> (RecipientKey, pgp::crypto::KeyPair) {
        let p = StandardPolicy::new();
        let ka = cert
            .keys()
            .with_policy(&p, None)
            .for_transport_encryption()
            .next()
            .expect("encryption subkey");
        let public = ka.key().clone().parts_into_public().role_into_unspecified();
        let secret: Key<SecretParts, _> = ka.key().clone().parts_into_secret().expect("secret");
        (public, secret.into_keypair().expect("keypair"))
    }

    #[test]
    fn sequoia_unwraps_what_the_fast_path_wraps() {
        let (cert, _) = CertBuilder::general_purpose(Some("t@example.org"))
            .generate()
            .expect("generate");
        let (key, mut pair) = encryption_keypair(&cert);
        assert!(matches!(
            key.mpis(),
            Mpis::ECDH {
                curve: Curve::Cv25519,
                ..
            }
        ));
        for _ in 0..8 {
            let sk = SessionKey::new(32).expect("sk");
            let sym = SymmetricAlgorithm::AES256;
            let v3 = pkesk3(sym, &sk, &key).expect("pkesk3");
            assert_eq!(v3.recipient(), Some(&key.keyid()));
            let (got_sym, got) = v3.decrypt(&mut pair, None).expect("decrypt v3");
            assert_eq!(got_sym, sym);
            assert_eq!(&got[..], &sk[..]);

            let v6 = pkesk6(&sk, &key).expect("pkesk6");
            assert_eq!(v6.recipient(), Some(&key.fingerprint()));
            let got = v6.decrypt(&mut pair, None).expect("decrypt v6");
            assert_eq!(&got[..], &sk[..]);
        }
        // The ciphertext is fresh each time (new ephemeral key).
        let sk = SessionKey::new(32).expect("sk");
        let a = pkesk6(&sk, &key).expect("a");
        let b = pkesk6(&sk, &key).expect("b");
        assert_ne!(a.esk(), b.esk());
    }

    #[test]
    fn other_key_types_use_sequoias_path() {
        let (cert, _) = CertBuilder::general_purpose(Some("r@example.org"))
            .set_cipher_suite(CipherSuite::RSA3k)
            .generate()
            .expect("generate");
        let (key, mut pair) = encryption_keypair(&cert);
        let sk = SessionKey::new(32).expect("sk");
        assert!(cv25519_encrypt(&key, None, &sk).is_none());
        let v3 = pkesk3(SymmetricAlgorithm::AES256, &sk, &key).expect("pkesk3");
        let (_, got) = v3.decrypt(&mut pair, None).expect("decrypt");
        assert_eq!(&got[..], &sk[..]);
    }
}
