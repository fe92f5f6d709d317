//! S/MIME encryptor, proven against openssl in-process and the `openssl` CLI.

mod secure_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use mail_parser::{MessageParser, MimeHeaders};
use openssl::cms::CmsContentInfo;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use sealpost::secure::{Encryptor, SecureError, Smime, SmimeCipher};
use secure_support::*;
use tempfile::TempDir;

struct Fixture {
    dir: TempDir,
    certs: PathBuf,
    pki: Pki,
    bob: (X509, PKey<Private>),
}

const BOB: &str = "bob@partner.example";

/// A certificate directory with Bob's valid cert and the unusable cases,
/// and an organisation signer issued by the same CA.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let certs = dir.path().join("smime");
    std::fs::create_dir(&certs).expect("mkdir");
    let pki = Pki::new();
    let bob = pki.issue(BOB, Profile::Recipient);
    write(&certs, "bob.pem", &cert_pem(&bob.0));
    for (addr, profile) in [
        ("expired@partner.example", Profile::Expired),
        ("wrongusage@partner.example", Profile::WrongUsage),
        ("weak@partner.example", Profile::Weak),
    ] {
        let (c, _) = pki.issue(addr, profile);
        write(
            &certs,
            &format!("{}.pem", addr.replace('@', "_")),
            &cert_pem(&c),
        );
    }
    let (org, org_key) = pki.issue("postmaster@clinic.example", Profile::Signer);
    let mut chain = cert_pem(&org);
    chain.extend_from_slice(&cert_pem(&pki.ca));
    write(dir.path(), "org.pem", &chain);
    write(dir.path(), "org.key", &key_pem(&org_key));
    write(dir.path(), "ca.pem", &cert_pem(&pki.ca));
    write(dir.path(), "bob.pem", &cert_pem(&bob.0));
    write(dir.path(), "bob.key", &key_pem(&bob.1));
    Fixture {
        dir,
        certs,
        pki,
        bob,
    }
}

impl Fixture {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn encryptor(&self, signed: bool) -> Smime {
        let (c, k) = (self.path("org.pem"), self.path("org.key"));
        Smime::load(&self.certs, signed.then_some((c.as_path(), k.as_path()))).expect("load")
    }
}

/// Checks the outer RFC 8551 structure and returns the DER CMS object.
fn cms_der(out: &[u8], smime_type: &str) -> Vec<u8> {
    let msg = MessageParser::default().parse(out).expect("parse output");
    let ct = msg.content_type().expect("content-type");
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("application", Some("pkcs7-mime"))
    );
    assert_eq!(ct.attribute("smime-type"), Some(smime_type));
    assert_eq!(ct.attribute("name"), Some("smime.p7m"));
    assert_eq!(msg.subject(), Some("..."));
    assert!(msg.to().is_some() && msg.from().is_some());
    msg.part(0).expect("body").contents().to_vec()
}

fn assert_inner_body(inner: &[u8]) {
    let text = String::from_utf8_lossy(inner);
    assert!(text.contains("protected-headers=\"v1\""));
    assert!(text.contains(&format!("Subject: {SECRET_SUBJECT}\r\n")));
    assert!(text.contains(SECRET_BODY), "body not recovered");
}

#[test]
fn smime_output_is_enveloped_data_that_openssl_decrypts_in_process() {
    let f = fixture();
    let enc = f.encryptor(false);
    assert_eq!(enc.method(), "smime");
    assert!(enc.can_encrypt("BOB@partner.example"));
    let out = enc.encrypt(BOB, &message(BOB, 0)).expect("encrypt");
    assert_no_plaintext(&out);
    let der = cms_der(&out, "enveloped-data");
    let cms = CmsContentInfo::from_der(&der).expect("cms");
    let inner = cms.decrypt(&f.bob.1, &f.bob.0).expect("decrypt");
    assert_inner_body(&inner);
    let text = String::from_utf8_lossy(&inner);
    let body = &text[text.find("\r\n\r\n").expect("body") + 4..];
    assert_eq!(body, SECRET_BODY, "body not byte for byte");
}

#[test]
fn openssl_cli_decrypts_and_verifies_signed_smime() {
    if !tool("openssl", &["version"]) {
        return;
    }
    let f = fixture();
    let out = f
        .encryptor(true)
        .encrypt(BOB, &message(BOB, 20_000))
        .expect("encrypt");
    assert_no_plaintext(&out);
    let eml = write(f.dir.path(), "out.eml", &out);
    let dec = f.path("dec.eml");
    run(Command::new("openssl")
        .args(["cms", "-decrypt", "-in"])
        .arg(&eml)
        .arg("-recip")
        .arg(f.path("bob.pem"))
        .arg("-inkey")
        .arg(f.path("bob.key"))
        .arg("-out")
        .arg(&dec));
    let decrypted = std::fs::read(&dec).expect("read dec");
    assert!(String::from_utf8_lossy(&decrypted).contains("multipart/signed"));
    let verified = f.path("verified.eml");
    let v = run(Command::new("openssl")
        .args(["smime", "-verify", "-in"])
        .arg(&dec)
        .arg("-CAfile")
        .arg(f.path("ca.pem"))
        .arg("-out")
        .arg(&verified));
    assert!(String::from_utf8_lossy(&v.stderr).contains("Verification successful"));
    let inner = std::fs::read(&verified).expect("read verified");
    assert_inner_body(&inner);
    let msg = MessageParser::default().parse(&inner).expect("parse inner");
    assert_eq!(msg.subject(), Some(SECRET_SUBJECT));
}

#[test]
fn openssl_cli_decrypts_aes_256_gcm_auth_enveloped_data() {
    if !tool("openssl", &["version"]) {
        return;
    }
    let f = fixture();
    let enc = f.encryptor(false).with_cipher(SmimeCipher::Aes256Gcm);
    let out = enc.encrypt(BOB, &message(BOB, 0)).expect("encrypt");
    let der = cms_der(&out, "authEnveloped-data");
    // id-ct-authEnvelopedData, 1.2.840.113549.1.9.16.1.23 (RFC 5083)
    let oid = [
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x17,
    ];
    assert!(
        der.windows(oid.len()).any(|w| w == oid),
        "not AuthEnvelopedData"
    );
    let eml = write(f.dir.path(), "gcm.eml", &out);
    let dec = run(Command::new("openssl")
        .args(["cms", "-decrypt", "-in"])
        .arg(&eml)
        .arg("-recip")
        .arg(f.path("bob.pem"))
        .arg("-inkey")
        .arg(f.path("bob.key")));
    assert_inner_body(&dec.stdout);
}

#[test]
fn expired_wrong_usage_weak_and_unknown_certs_cannot_encrypt() {
    let f = fixture();
    let enc = f.encryptor(false);
    for addr in [
        "expired@partner.example",
        "wrongusage@partner.example",
        "weak@partner.example",
        "nobody@partner.example",
    ] {
        assert!(!enc.can_encrypt(addr), "{addr} must not be usable");
        let r = enc.encrypt(addr, &message(addr, 0));
        assert!(
            matches!(r, Err(SecureError::NoUsableKey { .. })),
            "{addr}: {r:?}"
        );
    }
    assert_eq!(enc.known_addresses(), 4);
}

#[test]
fn a_certificate_added_later_is_found_after_reload() {
    let f = fixture();
    let enc = f.encryptor(false);
    let addr = "carol@partner.example";
    assert!(!enc.can_encrypt(addr));
    let (c, _) = f.pki.issue(addr, Profile::Recipient);
    write(&f.certs, "carol.pem", &cert_pem(&c));
    enc.reload().expect("reload");
    assert!(enc.can_encrypt("Carol@Partner.example"));
}

#[test]
fn mismatched_signer_key_is_rejected_at_load() {
    let f = fixture();
    let r = Smime::load(&f.certs, Some((&f.path("org.pem"), &f.path("bob.key"))));
    assert!(
        matches!(r, Err(SecureError::KeyFile { .. })),
        "{:?}",
        r.err()
    );
    let r = Smime::load(Path::new("/nonexistent/smime"), None);
    assert!(matches!(r, Err(SecureError::Io { .. })));
}
