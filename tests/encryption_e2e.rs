//! Adaptive encryption through the relay: one PHI message with a binary
//! attachment to three recipients — one with an OpenPGP key, one with an
//! S/MIME certificate, one with neither — leaves as PGP/MIME (decrypted and
//! its organisation signature checked by `gpg`), as CMS enveloped-data
//! (decrypted by `openssl cms -decrypt`, signature checked by `openssl cms
//! -verify`) and as a portal notice. The attachment comes back byte for
//! byte from both decryptions.

mod common;
mod secure_support;

use std::process::Command;

use mail_parser::MimeHeaders;

use common::*;
use secure_support::*;

/// Every byte value, twice, then a tail without a final newline: what a
/// PDF or image looks like to the MIME layer.
fn attachment() -> Vec<u8> {
    let mut a: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    a.extend_from_slice(b"\r\n.\r\nEnd of lab report %%EOF");
    a
}

fn phi_message() -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(attachment());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("base64 is ascii"))
        .collect();
    format!(
        "From: frontdesk@hosp.example\r\nTo: team@x.example\r\nSubject: Results for Jane Roe\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Patient DOB: 03/14/1961\r\nMRN: 00482913\r\nA1c 9.1, continue metformin.\r\n\
         --b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"labs.pdf\"\r\n\r\n{}\r\n--b1--\r\n",
        lines.join("\r\n")
    )
}

/// The decrypted entity carries the attachment unchanged.
fn attachment_intact(entity: &[u8]) {
    let parsed = mail_parser::MessageParser::default()
        .parse(entity)
        .expect("decrypted entity parses");
    let att = parsed
        .attachments()
        .find(|a| a.attachment_name() == Some("labs.pdf"))
        .unwrap_or_else(|| panic!("no labs.pdf in {}", String::from_utf8_lossy(entity)));
    assert!(
        att.contents() == attachment().as_slice(),
        "attachment changed"
    );
}

fn decrypted_ok(text: &str) {
    assert!(text.contains("MRN: 00482913"), "{text}");
    assert!(
        text.contains("Results for Jane Roe"),
        "protected Subject missing: {text}"
    );
}

#[tokio::test]
async fn each_recipient_gets_the_strongest_method_it_can_read() {
    if std::env::var_os("CI").is_none()
        && !(tool("gpg", &["--version"]) && tool("openssl", &["version"]))
    {
        eprintln!("gpg or openssl missing; skipped outside CI");
        return;
    }
    let keys = tempfile::tempdir().expect("tmp");
    let pgp_dir = keys.path().join("pgp");
    let smime_dir = keys.path().join("smime");
    std::fs::create_dir_all(&pgp_dir).expect("mkdir");
    std::fs::create_dir_all(&smime_dir).expect("mkdir");
    let carol = pgp_cert("carol@x.example");
    write(&pgp_dir, "carol.asc", &public_armor(&carol));
    let pki = Pki::new();
    let (bob_cert, bob_key) = pki.issue("bob@x.example", Profile::Recipient);
    write(&smime_dir, "bob.pem", &cert_pem(&bob_cert));
    // The organisation's signing identities.
    let org_pgp = pgp_cert("relay@hosp.example");
    let org_pgp_key = write(keys.path(), "org.tsk", &secret_armor(&org_pgp));
    let (org_cert, org_key) = pki.issue("relay@hosp.example", Profile::Signer);
    let org_cert_file = write(keys.path(), "org.pem", &cert_pem(&org_cert));
    let org_key_file = write(keys.path(), "org.key", &key_pem(&org_key));

    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[secure]\nopenpgp_keyring = \"{}\"\nsmime_certs = \"{}\"\n\
             openpgp_signing_key = \"{}\"\nsmime_signing_cert = \"{}\"\n\
             smime_signing_key = \"{}\"\nsmime_gcm_domains = [\"x.example\"]\n",
            pgp_dir.display(),
            smime_dir.display(),
            org_pgp_key.display(),
            org_cert_file.display(),
            org_key_file.display(),
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "frontdesk@hosp.example",
        &["carol@x.example", "bob@x.example", "dan@x.example"],
        &phi_message(),
    )
    .await;
    let got = sink.wait_exactly(3, &d).await;
    let to = |r: &str| {
        got.iter()
            .find(|m| m.rcpts == [r])
            .unwrap_or_else(|| panic!("nothing for {r}"))
    };
    for m in &got {
        let t = m.text();
        assert!(
            !t.contains("00482913") && !t.contains("Jane Roe"),
            "PHI in clear to {:?}",
            m.rcpts
        );
    }

    // OpenPGP → gpg.
    let pgp_msg = to("carol@x.example");
    assert!(
        pgp_msg.text().contains("multipart/encrypted"),
        "{}",
        pgp_msg.text()
    );
    let home = tempfile::tempdir().expect("gnupghome");
    let h = home.path();
    let secret = write(h, "secret.asc", &secret_armor(&carol));
    let msg = write(h, "pgp.eml", &pgp_msg.data);
    let gpg = || {
        let mut c = Command::new("gpg");
        c.arg("--batch").arg("--homedir").arg(h);
        c
    };
    run(gpg().arg("--import").arg(&secret));
    let org_pub = write(h, "org.asc", &public_armor(&org_pgp));
    run(gpg().arg("--import").arg(&org_pub));
    let dec = run(gpg().args(["--status-fd", "2", "--decrypt"]).arg(&msg));
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(h)
        .args(["--kill", "gpg-agent"])
        .output();
    decrypted_ok(&String::from_utf8_lossy(&dec.stdout));
    attachment_intact(&dec.stdout);
    let status = String::from_utf8_lossy(&dec.stderr);
    assert!(
        status.contains("[GNUPG:] GOODSIG") && status.contains("relay@hosp.example"),
        "no good organisation signature: {status}"
    );

    // S/MIME → openssl cms.
    let cms_msg = to("bob@x.example");
    assert!(
        cms_msg.text().contains("application/pkcs7-mime"),
        "{}",
        cms_msg.text()
    );
    let dir = keys.path();
    let eml = write(dir, "cms.eml", &cms_msg.data);
    let cert = write(dir, "bob.pem", &cert_pem(&bob_cert));
    let key = write(dir, "bob.key", &key_pem(&bob_key));
    assert!(
        cms_msg.text().contains("authEnveloped-data"),
        "x.example is a GCM domain"
    );
    let dec = run(Command::new("openssl")
        .args(["cms", "-decrypt", "-in"])
        .arg(&eml)
        .arg("-recip")
        .arg(&cert)
        .arg("-inkey")
        .arg(&key));
    // Sign-then-encrypt: the decrypted entity is multipart/signed.
    let signed = write(dir, "signed.eml", &dec.stdout);
    let ca = write(dir, "ca.pem", &cert_pem(&pki.ca));
    let verified = run(Command::new("openssl")
        .args(["cms", "-verify", "-in"])
        .arg(&signed)
        .arg("-CAfile")
        .arg(&ca)
        .args(["-purpose", "any"]));
    decrypted_ok(&String::from_utf8_lossy(&verified.stdout));
    attachment_intact(&verified.stdout);

    // Neither → portal notice.
    assert!(to("dan@x.example").text().contains("/m/"), "no portal link");
    let log = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    for m in [
        "\"method\":\"pgp\"",
        "\"method\":\"smime\"",
        "\"method\":\"portal\"",
    ] {
        assert!(log.contains(m), "{m} not audited");
    }
}

/// `[[secure.domain]]`: a partner that must always get S/MIME gets it even
/// though an OpenPGP key is known too; a partner recipient without a
/// certificate waits instead of falling to another method.
#[tokio::test]
async fn a_partner_domain_order_forces_smime() {
    let keys = tempfile::tempdir().expect("tmp");
    let pgp_dir = keys.path().join("pgp");
    let smime_dir = keys.path().join("smime");
    std::fs::create_dir_all(&pgp_dir).expect("mkdir");
    std::fs::create_dir_all(&smime_dir).expect("mkdir");
    for who in ["eve@partner.example", "fay@partner.example"] {
        write(
            &pgp_dir,
            &format!("{who}.asc"),
            &public_armor(&pgp_cert(who)),
        );
    }
    let pki = Pki::new();
    let (cert, _) = pki.issue("eve@partner.example", Profile::Recipient);
    write(&smime_dir, "eve.pem", &cert_pem(&cert));
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[secure]\nopenpgp_keyring = \"{}\"\nsmime_certs = \"{}\"\n\
             [[secure.domain]]\ndomains = [\"partner.example\"]\norder = [\"smime\"]\n",
            pgp_dir.display(),
            smime_dir.display(),
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "frontdesk@hosp.example",
        &["eve@partner.example", "fay@partner.example"],
        &phi_message(),
    )
    .await;
    let got = sink.wait_exactly(1, &d).await;
    assert_eq!(got[0].rcpts, ["eve@partner.example"]);
    assert!(
        got[0].text().contains("application/pkcs7-mime"),
        "not S/MIME"
    );
    let path = d.path().join("audit/audit.log");
    wait_for("fay deferred", || {
        let log = std::fs::read_to_string(&path).ok()?;
        log.contains("\"method\":\"defer\"").then_some(())
    })
    .await;
    assert_eq!(
        sink.count(),
        1,
        "fay must wait, not get PGP or a portal notice"
    );
}
