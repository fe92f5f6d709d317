//! Shared fixtures for the `secure` integration tests: test messages, key
//! generation (sequoia `CertBuilder`, openssl X509 builder) and access to
//! the real `gpg` / `openssl` command-line tools.
//!
//! Tools: a test that needs a CLI calls [`tool`]; when the tool is missing
//! it fails if `CI` is set and skips with a message otherwise.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509, X509NameBuilder};
use sequoia_openpgp as pgp;

use pgp::Cert;
use pgp::cert::prelude::*;
use pgp::packet::Key;
use pgp::packet::key::{Key4, SecretParts, SubordinateRole};
use pgp::packet::signature::SignatureBuilder;
use pgp::serialize::SerializeInto;
use pgp::types::{Features, KeyFlags, SignatureType};

/// The body used by the tests; contains text that must never leak outside.
pub const SECRET_BODY: &str = "Patient John Doe, MRN 123456: HbA1c 7.2%.\r\nPlease call.\r\n";
pub const SECRET_SUBJECT: &str = "Lab results for John Doe";

/// A plain RFC 5322 message to `to`, with a body padded to about `size`
/// bytes (0 = just [`SECRET_BODY`]).
pub fn message(to: &str, size: usize) -> Vec<u8> {
    let mut body = String::from(SECRET_BODY);
    let mut i = 0;
    while body.len() < size {
        body.push_str(&format!(
            "line {i:05} of the lab report, padded for size tests.\r\n"
        ));
        i += 1;
    }
    format!(
        "Received: from ehr.clinic.example by relay\r\n\
         From: Dr. Alice <alice@clinic.example>\r\n\
         To: <{to}>\r\n\
         Bcc: audit@clinic.example\r\n\
         Subject: {SECRET_SUBJECT}\r\n\
         Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n\
         Message-ID: <test-1@clinic.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         {body}"
    )
    .into_bytes()
}

/// Asserts that nothing of the original Subject or body is visible.
pub fn assert_no_plaintext(out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    assert!(!s.contains("John Doe"), "plaintext leaked into the output");
    assert!(!s.contains("HbA1c"), "plaintext leaked into the output");
    assert!(!s.contains("Bcc:"), "Bcc leaked into the output");
    assert!(
        out.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r'),
        "bare LF in output"
    );
}

/// Is the CLI `name` usable? (`args` is a harmless version query.)
pub fn tool(name: &str, args: &[&str]) -> bool {
    let ok = Command::new(name)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{name}` is required when CI is set (apt-get install gnupg openssl)"
        );
        eprintln!("SKIPPED: `{name}` is not installed; install it to run this test");
    }
    ok
}

/// Runs a command, failing the test with its stderr when it fails.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("spawn command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

// ---------------------------------------------------------------- OpenPGP

/// A general-purpose v4 cert advertising SEIPDv1 only, as GnuPG 2.2 makes
/// them (so that `gpg` 2.2 can read what we send).
pub fn pgp_cert(email: &str) -> Cert {
    CertBuilder::general_purpose(Some(format!("Test <{email}>")))
        .set_features(Features::empty().set_seipdv1())
        .expect("features")
        .generate()
        .expect("generate")
        .0
}

/// A cert made with sequoia's defaults (advertises SEIPDv2 / AEAD).
pub fn pgp_cert_default(email: &str) -> Cert {
    CertBuilder::general_purpose(Some(format!("Test <{email}>")))
        .generate()
        .expect("generate")
        .0
}

/// Created two days ago, valid for one day.
pub fn pgp_cert_expired(email: &str) -> Cert {
    let t = SystemTime::now() - Duration::from_secs(2 * 86400);
    CertBuilder::general_purpose(Some(format!("Test <{email}>")))
        .set_creation_time(t)
        .set_validity_period(Duration::from_secs(86400))
        .generate()
        .expect("generate")
        .0
}

pub fn pgp_cert_revoked(email: &str) -> Cert {
    let (cert, rev) = CertBuilder::general_purpose(Some(format!("Test <{email}>")))
        .generate()
        .expect("generate");
    cert.insert_packets(Some(rev)).expect("revoke").0
}

/// Primary key + signing subkey, no encryption-capable key at all.
pub fn pgp_cert_sign_only(email: &str) -> Cert {
    CertBuilder::new()
        .add_userid(format!("Test <{email}>"))
        .add_signing_subkey()
        .generate()
        .expect("generate")
        .0
}

/// A strong (Cv25519) primary whose only encryption subkey is RSA-1024.
pub fn pgp_cert_weak(email: &str) -> Cert {
    let (cert, _) = CertBuilder::new()
        .add_userid(format!("Test <{email}>"))
        .generate()
        .expect("generate");
    add_rsa_subkey(cert, 1024)
}

/// Binds a fresh RSA encryption subkey of `bits` to `cert`.
pub fn add_rsa_subkey(cert: Cert, bits: usize) -> Cert {
    let mut signer = cert
        .primary_key()
        .key()
        .clone()
        .parts_into_secret()
        .expect("secret primary")
        .into_keypair()
        .expect("keypair");
    let sub: Key<SecretParts, SubordinateRole> = Key4::generate_rsa(bits).expect("rsa").into();
    let builder = SignatureBuilder::new(SignatureType::SubkeyBinding)
        .set_key_flags(
            KeyFlags::empty()
                .set_transport_encryption()
                .set_storage_encryption(),
        )
        .expect("flags");
    let binding = sub.bind(&mut signer, &cert, builder).expect("bind");
    cert.insert_packets(vec![pgp::Packet::from(sub), binding.into()])
        .expect("insert")
        .0
}

pub fn public_armor(cert: &Cert) -> Vec<u8> {
    cert.armored().to_vec().expect("armor")
}

pub fn secret_armor(cert: &Cert) -> Vec<u8> {
    cert.as_tsk().armored().to_vec().expect("armor")
}

// ---------------------------------------------------------------- S/MIME

pub struct Pki {
    pub ca: X509,
    pub ca_key: PKey<Private>,
}

pub enum Profile {
    /// keyEncipherment + emailProtection, valid now.
    Recipient,
    /// Valid ten days ago until yesterday.
    Expired,
    /// keyUsage digitalSignature only, EKU serverAuth.
    WrongUsage,
    /// Like `Recipient` with an RSA-1024 key.
    Weak,
    /// digitalSignature + nonRepudiation, emailProtection: the org signer.
    Signer,
}

fn rsa(bits: u32) -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(bits).expect("rsa")).expect("pkey")
}

fn serial() -> openssl::asn1::Asn1Integer {
    let mut bn = BigNum::new().expect("bn");
    bn.rand(64, MsbOption::MAYBE_ZERO, false).expect("rand");
    bn.to_asn1_integer().expect("serial")
}

fn days(d: i64) -> Asn1Time {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    Asn1Time::from_unix(now + d * 86400).expect("time")
}

impl Pki {
    pub fn new() -> Pki {
        let ca_key = rsa(2048);
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("CN", "sealpost test CA")
            .expect("cn");
        let name = name.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&name).expect("subject");
        b.set_issuer_name(&name).expect("issuer");
        b.set_pubkey(&ca_key).expect("pubkey");
        b.set_not_before(&days(-1)).expect("nb");
        b.set_not_after(&days(365)).expect("na");
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
            .expect("ext");
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .expect("ku"),
        )
        .expect("ext");
        b.sign(&ca_key, MessageDigest::sha256()).expect("sign");
        Pki {
            ca: b.build(),
            ca_key,
        }
    }

    /// Issues a certificate for `email` (subject emailAddress and SAN).
    pub fn issue(&self, email: &str, profile: Profile) -> (X509, PKey<Private>) {
        let key = rsa(if matches!(profile, Profile::Weak) {
            1024
        } else {
            2048
        });
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("CN", "Test Recipient")
            .expect("cn");
        name.append_entry_by_text("emailAddress", email)
            .expect("email");
        let name = name.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&name).expect("subject");
        b.set_issuer_name(self.ca.subject_name()).expect("issuer");
        b.set_pubkey(&key).expect("pubkey");
        let (nb, na) = match profile {
            Profile::Expired => (days(-10), days(-1)),
            _ => (days(-1), days(365)),
        };
        b.set_not_before(&nb).expect("nb");
        b.set_not_after(&na).expect("na");
        let (ku, eku) = match profile {
            Profile::WrongUsage => (
                KeyUsage::new().critical().digital_signature().build(),
                ExtendedKeyUsage::new().server_auth().build(),
            ),
            Profile::Signer => (
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .non_repudiation()
                    .build(),
                ExtendedKeyUsage::new().email_protection().build(),
            ),
            _ => (
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build(),
                ExtendedKeyUsage::new().email_protection().build(),
            ),
        };
        b.append_extension(ku.expect("ku")).expect("ext");
        b.append_extension(eku.expect("eku")).expect("ext");
        let san = SubjectAlternativeName::new()
            .email(email)
            .build(&b.x509v3_context(Some(&self.ca), None))
            .expect("san");
        b.append_extension(san).expect("ext");
        b.sign(&self.ca_key, MessageDigest::sha256()).expect("sign");
        (b.build(), key)
    }
}

pub fn cert_pem(c: &X509) -> Vec<u8> {
    c.to_pem().expect("pem")
}

pub fn key_pem(k: &PKey<Private>) -> Vec<u8> {
    k.private_key_to_pem_pkcs8().expect("pem")
}
