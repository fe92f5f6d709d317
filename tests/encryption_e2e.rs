//! Adaptive encryption through the relay: one PHI message to three
//! recipients — one with an OpenPGP key, one with an S/MIME certificate,
//! one with neither — leaves as PGP/MIME (decrypted by `gpg`), as CMS
//! enveloped-data (decrypted by `openssl cms`) and as a portal notice.

mod common;
mod secure_support;

use std::process::Command;

use common::*;
use secure_support::*;

const PHI: &str = "From: frontdesk@hosp.example\r\nTo: team@x.example\r\nSubject: Results for Jane Roe\r\n\r\nPatient DOB: 03/14/1961\r\nMRN: 00482913\r\nA1c 9.1, continue metformin.\r\n";

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

    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[secure]\nopenpgp_keyring = \"{}\"\nsmime_certs = \"{}\"\n",
            pgp_dir.display(),
            smime_dir.display()
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "frontdesk@hosp.example",
        &["carol@x.example", "bob@x.example", "dan@x.example"],
        PHI,
    )
    .await;
    let got = sink.wait_count(3).await;
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
    let dec = run(gpg().arg("--decrypt").arg(&msg));
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(h)
        .args(["--kill", "gpg-agent"])
        .output();
    decrypted_ok(&String::from_utf8_lossy(&dec.stdout));

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
    let dec = run(Command::new("openssl")
        .args(["cms", "-decrypt", "-in"])
        .arg(&eml)
        .arg("-recip")
        .arg(&cert)
        .arg("-inkey")
        .arg(&key));
    decrypted_ok(&String::from_utf8_lossy(&dec.stdout));

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
