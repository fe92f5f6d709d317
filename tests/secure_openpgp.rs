//! OpenPGP encryptor, proven against sequoia's own decryptor and GnuPG.

mod secure_support;

use std::io::Read;
use std::process::Command;

use mail_parser::{MessageParser, MimeHeaders};
use sealpost::secure::openpgp::strong_enough;
use sealpost::secure::{Encryptor, OpenPgp, SecureError};
use sequoia_openpgp as pgp;

use pgp::Cert;
use pgp::crypto::SessionKey;
use pgp::packet::{PKESK, SKESK};
use pgp::parse::stream::{
    DecryptionHelper, DecryptorBuilder, MessageLayer, MessageStructure, VerificationHelper,
};
use pgp::parse::{PacketParser, PacketParserResult, Parse};
use pgp::policy::StandardPolicy;
use pgp::types::SymmetricAlgorithm;
use secure_support::*;
use tempfile::TempDir;

struct Fixture {
    dir: TempDir,
    keyring: std::path::PathBuf,
    org: Cert,
}

/// A keyring directory with one cert per case, and an org signing key.
fn fixture(certs: &[(&str, &Cert)]) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let keyring = dir.path().join("openpgp");
    std::fs::create_dir(&keyring).expect("mkdir");
    for (name, cert) in certs {
        write(&keyring, &format!("{name}.asc"), &public_armor(cert));
    }
    let org = pgp_cert("postmaster@clinic.example");
    write(dir.path(), "org-signing.asc", &secret_armor(&org));
    Fixture { dir, keyring, org }
}

impl Fixture {
    fn encryptor(&self, signed: bool) -> OpenPgp {
        let key = self.dir.path().join("org-signing.asc");
        OpenPgp::load(&self.keyring, signed.then_some(key.as_path())).expect("load")
    }
}

/// The armored OpenPGP message of a PGP/MIME output, after checking the
/// RFC 3156 structure.
fn armored_part(out: &[u8]) -> Vec<u8> {
    let msg = MessageParser::default().parse(out).expect("parse output");
    let ct = msg.content_type().expect("content-type");
    assert_eq!(ct.ctype(), "multipart");
    assert_eq!(ct.subtype(), Some("encrypted"));
    assert_eq!(ct.attribute("protocol"), Some("application/pgp-encrypted"));
    assert_eq!(msg.subject(), Some("..."));
    assert_eq!(msg.message_id(), Some("test-1@clinic.example"));
    let control = msg.part(1).expect("control part");
    let cct = control.content_type().expect("control type");
    assert_eq!(
        (cct.ctype(), cct.subtype()),
        ("application", Some("pgp-encrypted"))
    );
    assert!(String::from_utf8_lossy(control.contents()).contains("Version: 1"));
    let data = msg.part(2).expect("data part");
    let dct = data.content_type().expect("data type");
    assert_eq!(
        (dct.ctype(), dct.subtype()),
        ("application", Some("octet-stream"))
    );
    let armored = data.contents().to_vec();
    assert!(armored.starts_with(b"-----BEGIN PGP MESSAGE-----"));
    armored
}

/// Checks a decrypted inner entity: protected headers and exact body.
fn assert_inner(inner: &[u8]) {
    let text = String::from_utf8_lossy(inner);
    assert!(
        text.contains("protected-headers=\"v1\""),
        "no protected-headers marker"
    );
    let msg = MessageParser::default().parse(inner).expect("parse inner");
    assert_eq!(msg.subject(), Some(SECRET_SUBJECT));
    assert_eq!(msg.date().map(|d| d.year), Some(2024));
    let body_start = text.find("\r\n\r\n").expect("inner body") + 4;
    assert_eq!(
        &text[body_start..],
        SECRET_BODY,
        "body not recovered byte for byte"
    );
}

// ------------------------------------------------------------ sequoia side

struct Helper {
    secret: Cert,
    signer: Cert,
    good_sigs: usize,
}

impl VerificationHelper for Helper {
    fn get_certs(&mut self, _ids: &[pgp::KeyHandle]) -> pgp::Result<Vec<Cert>> {
        Ok(vec![self.signer.clone()])
    }
    fn check(&mut self, structure: MessageStructure) -> pgp::Result<()> {
        for layer in structure.into_iter() {
            if let MessageLayer::SignatureGroup { results } = layer {
                self.good_sigs += results.iter().filter(|r| r.is_ok()).count();
            }
        }
        Ok(())
    }
}

impl DecryptionHelper for Helper {
    fn decrypt(
        &mut self,
        pkesks: &[PKESK],
        _skesks: &[SKESK],
        sym_algo: Option<SymmetricAlgorithm>,
        decrypt: &mut dyn FnMut(Option<SymmetricAlgorithm>, &SessionKey) -> bool,
    ) -> pgp::Result<Option<Cert>> {
        let p = StandardPolicy::new();
        for ka in self
            .secret
            .keys()
            .with_policy(&p, None)
            .for_transport_encryption()
            .secret()
        {
            let mut kp = ka.key().clone().into_keypair()?;
            for pkesk in pkesks {
                if let Some((algo, sk)) = pkesk.decrypt(&mut kp, sym_algo)
                    && decrypt(algo, &sk)
                {
                    return Ok(Some(self.secret.clone()));
                }
            }
        }
        Ok(None)
    }
}

fn sequoia_decrypt(armored: &[u8], secret: &Cert, signer: &Cert) -> (Vec<u8>, usize) {
    let p = StandardPolicy::new();
    let helper = Helper {
        secret: secret.clone(),
        signer: signer.clone(),
        good_sigs: 0,
    };
    let mut d = DecryptorBuilder::from_bytes(armored)
        .expect("decryptor")
        .with_policy(&p, None, helper)
        .expect("decrypt");
    let mut inner = Vec::new();
    d.read_to_end(&mut inner).expect("read");
    let good = d.into_helper().good_sigs;
    (inner, good)
}

fn count_pkesks(armored: &[u8]) -> usize {
    let mut n = 0;
    let mut ppr = PacketParser::from_bytes(armored).expect("parse");
    while let PacketParserResult::Some(pp) = ppr {
        if matches!(pp.packet, pgp::Packet::PKESK(_)) {
            n += 1;
        }
        ppr = pp.next().expect("next").1;
    }
    n
}

// ------------------------------------------------------------------ tests

#[test]
fn openpgp_output_is_pgp_mime_with_protected_headers_and_sequoia_decrypts_it() {
    let bob = pgp_cert_default("bob@partner.example");
    let f = fixture(&[("bob", &bob)]);
    let enc = f.encryptor(true);
    assert_eq!(enc.method(), "pgp");
    assert!(enc.can_encrypt("Bob@Partner.Example"));
    let out = enc
        .encrypt("bob@partner.example", &message("bob@partner.example", 0))
        .expect("encrypt");
    assert_no_plaintext(&out);
    let armored = armored_part(&out);
    let (inner, good_sigs) = sequoia_decrypt(&armored, &bob, &f.org);
    assert_inner(&inner);
    assert_eq!(good_sigs, 1, "organisation signature not verified");
}

/// (PKESK versions, SEIPD version) of an armored message.
fn packet_versions(armored: &[u8]) -> (Vec<u8>, u8) {
    let mut pkesks = Vec::new();
    let mut seipd = 0;
    let mut ppr = PacketParser::from_bytes(armored).expect("parse");
    while let PacketParserResult::Some(pp) = ppr {
        match &pp.packet {
            pgp::Packet::PKESK(p) => pkesks.push(p.version()),
            pgp::Packet::SEIP(s) => seipd = s.version(),
            _ => {}
        }
        ppr = pp.next().expect("next").1;
    }
    (pkesks, seipd)
}

#[test]
fn seipd_version_follows_the_certificates_features() {
    // sequoia's default cert advertises SEIPDv2; a GnuPG-style cert only v1.
    let v2 = pgp_cert_default("v2@partner.example");
    let v1 = pgp_cert("v1@partner.example");
    let f = fixture(&[("v2", &v2), ("v1", &v1)]);
    let enc = f.encryptor(false);
    for (who, cert, pkesk, seipd) in [
        ("v2@partner.example", &v2, 6, 2),
        ("v1@partner.example", &v1, 3, 1),
    ] {
        let out = enc.encrypt(who, &message(who, 10_000)).expect("encrypt");
        assert_no_plaintext(&out);
        let armored = armored_part(&out);
        assert_eq!(packet_versions(&armored), (vec![pkesk], seipd), "{who}");
        // The optional armor CRC-24 only for SEIPDv1 readers.
        let text = String::from_utf8_lossy(&armored);
        let has_crc = text.lines().any(|l| l.starts_with('=') && l.len() == 5);
        assert_eq!(has_crc, seipd == 1, "{who}");
        assert!(text.lines().all(|l| l.len() <= 64));
        let (inner, _) = sequoia_decrypt(&armored, cert, &f.org);
        let inner = String::from_utf8_lossy(&inner);
        assert!(inner.ends_with("padded for size tests.\r\n"), "{who}");
        assert!(inner.contains(SECRET_BODY));
    }
}

#[test]
fn gpg_decrypts_and_verifies_what_openpgp_encrypts() {
    if !tool("gpg", &["--version"]) {
        return;
    }
    let carol = pgp_cert("carol@partner.example");
    let f = fixture(&[("carol", &carol)]);
    let out = f
        .encryptor(true)
        .encrypt(
            "carol@partner.example",
            &message("carol@partner.example", 20_000),
        )
        .expect("encrypt");
    let home = tempfile::tempdir().expect("gnupghome");
    let h = home.path();
    let secret = write(h, "secret.asc", &secret_armor(&carol));
    let org = write(h, "org.asc", &public_armor(&f.org));
    let msg = write(h, "out.eml", &out);
    let gpg = || {
        let mut c = Command::new("gpg");
        c.arg("--batch").arg("--homedir").arg(h);
        c
    };
    run(gpg().arg("--import").arg(&secret));
    run(gpg().arg("--import").arg(&org));
    // gpg finds the armored block inside the MIME message by itself.
    let dec = run(gpg().args(["--status-fd", "2", "--decrypt"]).arg(&msg));
    let status = String::from_utf8_lossy(&dec.stderr);
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(h)
        .args(["--kill", "gpg-agent"])
        .output();
    assert!(status.contains("[GNUPG:] DECRYPTION_OKAY"), "{status}");
    assert!(
        status.contains("[GNUPG:] GOODSIG"),
        "signature not good: {status}"
    );
    let inner = dec.stdout;
    let text = String::from_utf8_lossy(&inner);
    assert!(text.contains(&format!("Subject: {SECRET_SUBJECT}\r\n")));
    let msg = MessageParser::default().parse(&inner).expect("parse inner");
    assert_eq!(msg.subject(), Some(SECRET_SUBJECT));
    assert!(text.ends_with("padded for size tests.\r\n"));
    assert!(text.contains(SECRET_BODY));
}

#[test]
fn gpg_decrypts_unsigned_copies_in_both_packet_length_forms() {
    if !tool("gpg", &["--version"]) {
        return;
    }
    let dan = pgp_cert("dan@partner.example");
    let f = fixture(&[("dan", &dan)]);
    let enc = f.encryptor(false);
    let home = tempfile::tempdir().expect("gnupghome");
    let h = home.path();
    let secret = write(h, "secret.asc", &secret_armor(&dan));
    let gpg = || {
        let mut c = Command::new("gpg");
        c.arg("--batch").arg("--homedir").arg(h);
        c
    };
    run(gpg().arg("--import").arg(&secret));
    // A small message has a two-octet SEIPD length, a large one a
    // five-octet length (RFC 9580 §4.2.1.1).
    for size in [0, 60_000] {
        let out = enc
            .encrypt("dan@partner.example", &message("dan@partner.example", size))
            .expect("encrypt");
        let msg = write(h, &format!("out-{size}.eml"), &out);
        let dec = run(gpg().args(["--status-fd", "2", "--decrypt"]).arg(&msg));
        let status = String::from_utf8_lossy(&dec.stderr);
        assert!(status.contains("[GNUPG:] DECRYPTION_OKAY"), "{status}");
        assert!(status.contains("[GNUPG:] GOODMDC"), "{status}");
        let text = String::from_utf8_lossy(&dec.stdout);
        assert!(text.contains(SECRET_BODY), "size {size}");
    }
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(h)
        .args(["--kill", "gpg-agent"])
        .output();
}

#[test]
fn expired_revoked_weak_and_sign_only_certs_cannot_encrypt() {
    let cases = [
        (
            "expired@partner.example",
            pgp_cert_expired("expired@partner.example"),
        ),
        (
            "revoked@partner.example",
            pgp_cert_revoked("revoked@partner.example"),
        ),
        (
            "weak@partner.example",
            pgp_cert_weak("weak@partner.example"),
        ),
        (
            "signonly@partner.example",
            pgp_cert_sign_only("signonly@partner.example"),
        ),
    ];
    let refs: Vec<(&str, &Cert)> = cases.iter().map(|(n, c)| (*n, c)).collect();
    let f = fixture(&refs);
    let enc = f.encryptor(false);
    assert_eq!(enc.known_addresses(), 4, "all four certs must be indexed");
    for (addr, _) in &cases {
        assert!(!enc.can_encrypt(addr), "{addr} must not be usable");
        let r = enc.encrypt(addr, &message(addr, 0));
        assert!(
            matches!(r, Err(SecureError::NoUsableKey { .. })),
            "{addr}: {r:?}"
        );
    }
    assert!(!enc.can_encrypt("nobody@partner.example"));
    let r = enc.encrypt(
        "nobody@partner.example",
        &message("nobody@partner.example", 0),
    );
    match r {
        Err(e @ SecureError::NoUsableKey { .. }) => {
            assert!(
                !e.to_string().contains("nobody"),
                "error names the local part"
            );
        }
        other => panic!("lookup miss must error, got {other:?}"),
    }
}

#[test]
fn weak_subkey_is_skipped_when_a_strong_one_exists() {
    let mixed = add_rsa_subkey(pgp_cert_default("mixed@partner.example"), 1024);
    let weak_keys = mixed
        .keys()
        .subkeys()
        .filter(|k| !strong_enough(k.key()))
        .count();
    assert_eq!(weak_keys, 1, "fixture must carry one weak subkey");
    let f = fixture(&[("mixed", &mixed)]);
    let out = f
        .encryptor(false)
        .encrypt(
            "mixed@partner.example",
            &message("mixed@partner.example", 0),
        )
        .expect("encrypt");
    assert_eq!(count_pkesks(&armored_part(&out)), 1, "weak subkey was used");
}

#[test]
fn every_valid_encryption_subkey_is_a_recipient() {
    let two = add_rsa_subkey(pgp_cert_default("two@partner.example"), 2048);
    let f = fixture(&[("two", &two)]);
    let out = f
        .encryptor(false)
        .encrypt("two@partner.example", &message("two@partner.example", 0))
        .expect("encrypt");
    assert_eq!(count_pkesks(&armored_part(&out)), 2);
}

#[test]
fn reload_picks_up_new_certificates() {
    let f = fixture(&[]);
    let enc = f.encryptor(false);
    assert!(!enc.can_encrypt("dave@partner.example"));
    write(
        &f.keyring,
        "dave.asc",
        &public_armor(&pgp_cert("dave@partner.example")),
    );
    assert!(
        !enc.can_encrypt("dave@partner.example"),
        "cache must not re-read on lookup"
    );
    enc.reload().expect("reload");
    assert!(enc.can_encrypt("dave@partner.example"));
}

#[test]
fn a_public_only_signing_key_is_rejected_at_load() {
    let f = fixture(&[]);
    let public = write(f.dir.path(), "org-public.asc", &public_armor(&f.org));
    let r = OpenPgp::load(&f.keyring, Some(&public));
    assert!(
        matches!(r, Err(SecureError::KeyFile { .. })),
        "{:?}",
        r.err()
    );
    let missing = OpenPgp::load(&f.dir.path().join("nope"), None);
    assert!(matches!(missing, Err(SecureError::Io { .. })));
}

#[test]
fn malformed_message_is_an_error_not_plaintext() {
    let bob = pgp_cert("bob@partner.example");
    let f = fixture(&[("bob", &bob)]);
    let r = f
        .encryptor(false)
        .encrypt("bob@partner.example", b"garbage without headers");
    assert!(matches!(r, Err(SecureError::Malformed(_))), "{r:?}");
}
