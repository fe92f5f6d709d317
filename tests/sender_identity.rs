//! Sender identity end to end: `sealpost dkim keygen` makes the keys, the
//! daemon signs what leaves (RSA + Ed25519 dual signatures), dkimpy — an
//! independent implementation — verifies what the sink received, and the
//! Return-Path is a per-recipient VERP address on the bounce domain.

mod common;

use common::*;

/// (DNS name, TXT value) from a keygen line `name. IN TXT "a" "b"`.
fn parse_txt(line: &str) -> (String, String) {
    let (name, rest) = line.split_once(" IN TXT ").expect("TXT line");
    let value: String = rest.split('"').skip(1).step_by(2).collect();
    (name.trim_end_matches('.').to_string(), value)
}

fn keygen(dir: &std::path::Path, selector: &str, alg: &str) -> (String, String) {
    let key = dir.join(format!("{selector}.pem"));
    let out = std::process::Command::new(bin())
        .args([
            "dkim",
            "keygen",
            "--domain",
            "customer.example",
            "--selector",
            selector,
            "--algorithm",
            alg,
            "--out",
        ])
        .arg(&key)
        .output()
        .expect("keygen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_txt(String::from_utf8_lossy(&out.stdout).trim())
}

#[tokio::test]
async fn delivered_mail_is_dual_signed_verified_by_dkimpy_and_uses_verp() {
    let keys = tempfile::tempdir().expect("tmp");
    let rsa = keygen(keys.path(), "s2026r", "rsa");
    let ed = keygen(keys.path(), "s2026e", "ed25519");
    let sink = Sink::start().await;
    let k = keys.path().display();
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[[dkim]]\ndomain = \"customer.example\"\nselector = \"s2026r\"\nkey = \"{k}/s2026r.pem\"\nalgorithm = \"rsa-sha256\"\n\n\
             [[dkim]]\ndomain = \"customer.example\"\nselector = \"s2026e\"\nkey = \"{k}/s2026e.pem\"\nalgorithm = \"ed25519-sha256\"\n\n\
             [[bounce_domain]]\nsending_domain = \"customer.example\"\ndomain = \"bounces.customer.example\"\n"
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let body = "From: Billing <billing@customer.example>\r\nTo: p@x.example\r\nSubject: Statement\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <s1@customer.example>\r\n\r\nLine one.\r\n.leading dot\r\nÜmlaut 8-bit line\r\n";
    c.cmd("MAIL FROM:<billing@customer.example> BODY=8BITMIME", 250)
        .await;
    c.cmd("RCPT TO:<p@x.example>", 250).await;
    c.cmd("RCPT TO:<q@y.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(&sealpost::smtp::data::dot_stuff(body.as_bytes()))
        .await;
    c.expect(250).await;
    let got = sink.wait_exactly(2, &d).await;

    let tokens: Vec<&str> = got.iter().map(|m| m.from.as_str()).collect();
    for t in &tokens {
        assert!(
            t.starts_with("b+") && t.ends_with("@bounces.customer.example"),
            "{t}"
        );
    }
    assert_ne!(
        tokens[0], tokens[1],
        "each recipient needs its own VERP address"
    );

    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("records.txt"),
        format!("{}\t{}\n{}\t{}\n", rsa.0, rsa.1, ed.0, ed.1),
    )
    .expect("records");
    for (i, m) in got.iter().enumerate() {
        let text = m.text();
        assert_eq!(text.matches("DKIM-Signature:").count(), 2, "{text}");
        assert!(!text.contains(" l="), "l= must never be used");
        std::fs::write(dir.path().join(format!("m{i}.eml")), &m.data).expect("write");
        let tampered = text.replace("Line one.", "Line 1.");
        std::fs::write(dir.path().join(format!("m{i}.tampered.eml")), tampered).expect("write");
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("integration/dkim_check.py");
    match std::process::Command::new("python3")
        .arg(&script)
        .arg(dir.path())
        .output()
    {
        Ok(run) if run.status.code() == Some(2) && std::env::var_os("CI").is_none() => {
            eprintln!("dkimpy not installed; skipped outside CI");
        }
        Ok(run) => {
            let out = String::from_utf8_lossy(&run.stdout);
            assert!(
                run.status.success(),
                "dkimpy: {out}{}",
                String::from_utf8_lossy(&run.stderr)
            );
            assert!(
                out.contains("RESULT pass=2 fail=2 expected_failures=2 unexpected=0"),
                "{out}"
            );
        }
        Err(e) => panic!("python3: {e}"),
    }
    let (code, records, _) = d.cli(&["dns", "records", "--domain", "customer.example"], None);
    assert_eq!(code, 0);
    for want in [
        "s2026r._domainkey.customer.example",
        "s2026e._domainkey.customer.example",
        "_dmarc.customer.example",
        "bounces.customer.example",
    ] {
        assert!(records.contains(want), "{want} missing in:\n{records}");
    }
}
