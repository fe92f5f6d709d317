//! The policy verdict applied at acceptance, end to end: PHI is detected,
//! the Subject is neutralised, the verdict decides the delivery floor
//! (verified TLS, never plaintext), and policy rules reject or hold.

mod common;

use common::*;

const PHI: &str = "From: frontdesk@hosp.example\r\nTo: p@x.example\r\nSubject: Jane Roe SSN 524-71-3382\r\n\r\nPatient DOB: 03/14/1961\r\nMRN: 00482913\r\nDiagnosis E11.9, metformin 500 mg.";
const PLAIN: &str = "From: frontdesk@hosp.example\r\nTo: p@x.example\r\nSubject: Lunch on Friday\r\n\r\nSee you at noon.";

#[tokio::test]
async fn phi_message_goes_out_only_over_verified_tls_with_a_neutral_subject() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (sink, ca) = Sink::start_tls(tmp.path()).await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
                extra: format!(
            "[delivery]\nretry_schedule = [\"1s\"]\nca_file = \"{}\"\n\n[secure]\nopenpgp_keyring = \"{k}/pgp\"\nsmime_certs = \"{k}/smime\"\ntls_domains = [\"x.example\"]\n",
            ca.display(),
            k = tmp.path().display()
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("frontdesk@hosp.example", &["p@x.example"], PHI)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(got[0].over_tls, "PHI delivered without TLS");
    let text = got[0].text();
    assert!(text.contains("Subject: Secure message\r\n"), "{text}");
    assert!(
        !text.contains("524-71-3382\r\n\r\n"),
        "SSN left in the Subject: {text}"
    );
    assert!(text.contains("MRN: 00482913"), "body must be untouched");
    assert!(
        !d.log().contains("524-71-3382") && !d.log().contains("00482913"),
        "PHI value in the log"
    );
    let spool: Vec<u8> = std::fs::read_dir(d.path().join("spool/segments"))
        .expect("segments")
        .flatten()
        .flat_map(|e| std::fs::read(e.path()).unwrap_or_default())
        .collect();
    assert!(!spool.is_empty(), "the current segment holds the record");
    assert!(
        !spool.windows(8).any(|w| w == b"00482913"),
        "PHI in plaintext in the spool"
    );
}

#[tokio::test]
async fn phi_message_is_never_sent_to_a_destination_without_tls() {
    let sink = Sink::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    // TLS may satisfy `encrypt` for this domain, and a TLS failure defers
    // (instead of the portal), so the message must wait in the queue.
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[secure]\nopenpgp_keyring = \"{k}/pgp\"\nsmime_certs = \"{k}/smime\"\ntls_domains = [\"x.example\"]\ntls_fallback = \"defer\"\n",
            k = tmp.path().display()
        ),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("frontdesk@hosp.example", &["p@x.example"], PHI)
        .await;
    c.send_message("frontdesk@hosp.example", &["q@x.example"], PLAIN)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    assert_eq!(got[0].rcpts, ["q@x.example"]);
    let shown = wait_for("the PHI message to be deferred for TLS", || {
        let (_, out, _) = d.cli(&["queue", "list"], None);
        let v: serde_json::Value = serde_json::from_str(&out).ok()?;
        let id = v.as_array()?.first()?["id"].as_str()?.to_string();
        let (_, show, _) = d.cli(&["queue", "show", &id], None);
        show.contains("451 4.7.5 Verified TLS").then_some(show)
    })
    .await;
    assert!(shown.contains("\"protection\": \"encrypt\""), "{shown}");
    assert!(shown.contains("\"ssn\""), "{shown}");
    assert!(
        !shown.contains("524-71-3382"),
        "queue show printed a PHI value"
    );
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn policy_rules_reject_before_250_and_hold_in_the_queue() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pdir = tmp.path().join("policies");
    std::fs::create_dir_all(&pdir).expect("mkdir");
    std::fs::write(
        pdir.join("10-local.toml"),
        r#"
[[rule]]
id = "no-spreadsheets-of-ssns"
detectors = [{ type = "ssn", confidence = "high", count = 3 }]
reject = { code = 550, enhanced = "5.7.1", text = "Bulk identifiers are not allowed" }

[[rule]]
id = "hold-research"
recipient_domains = ["research.example"]
hold = true
"#,
    )
    .expect("write policy");
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!("[policy]\ndir = \"{}\"\n", pdir.display()),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(
        b"Subject: list\r\n\r\nSSN 524-71-3382\r\nSSN 524-71-3383\r\nSSN 524-71-3384\r\n.\r\n",
    )
    .await;
    let t = c.expect(550).await;
    assert!(t.starts_with("5.7.1 Bulk identifiers"), "{t}");
    c.send_message("a@hosp.example", &["r@research.example"], PLAIN)
        .await;
    let held = wait_for("a held message", || {
        let (_, out, _) = d.cli(&["queue", "list"], None);
        let v: serde_json::Value = serde_json::from_str(&out).ok()?;
        let m = v.as_array()?.first()?.clone();
        (m["held"] == true).then_some(m)
    })
    .await;
    assert_eq!(sink.count(), 0, "held message was delivered");
    let id = held["id"].as_str().expect("id").to_string();
    assert_eq!(d.cli(&["queue", "release", &id], None).0, 0);
    sink.wait_exactly(1, &d).await;
    // An invalid policy file is reported by config check with its key path.
    std::fs::write(
        pdir.join("20-bad.toml"),
        "[[rule]]\nid = \"x\"\nprotection = \"yes\"\n",
    )
    .expect("write");
    let (code, _, err) = d.cli(&["config", "check"], None);
    assert_eq!(code, 2);
    assert!(err.contains("20-bad.toml: rule[0].protection: expected \"none\", \"tls\" or \"encrypt\", got \"yes\""), "{err}");
}

#[tokio::test]
async fn policy_test_cli_prints_one_json_object_without_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("m.eml");
    std::fs::write(&f, PHI).expect("write");
    let out = std::process::Command::new(bin())
        .args(["policy", "test", "--json"])
        .arg(&f)
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON object");
    assert_eq!(v["protection"], "encrypt");
    assert_eq!(v["action"], "accept");
    let types: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["type"].as_str())
        .collect();
    for t in ["ssn", "dob", "mrn"] {
        assert!(types.contains(&t), "{t} not found in {types:?}");
    }
    assert!(!text.contains("524-71-3382") && !text.contains("00482913"));
}

#[tokio::test]
async fn without_a_key_or_verified_tls_the_recipient_gets_a_portal_notice_without_phi() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("frontdesk@hosp.example", &["p@x.example"], PHI)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    let notice = got[0].text();
    assert_eq!(got[0].rcpts, ["p@x.example"]);
    assert!(notice.contains("https://127.0.0.1:8443/m/"), "{notice}");
    for phi in ["524-71-3382", "00482913", "Jane Roe", "E11.9", "metformin"] {
        assert!(!notice.contains(phi), "{phi} in the portal notice");
    }
    let log = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    assert!(log.contains("\"method\":\"portal\""), "{log}");
}

/// A lab report as a PDF and a referral as a DOCX, with a neutral Subject
/// and body: the PHI is only inside the attachments. Sent over SMTP, the
/// message must leave protected (here: a portal notice, since the test
/// recipient has no key and no verified TLS); the same message with a
/// harmless PDF goes out as it was.
#[tokio::test]
async fn phi_inside_pdf_and_docx_attachments_is_protected_end_to_end() {
    use sealpost::policy::extract::testdocs;
    let pdf = testdocs::pdf(
        &["LABORATORY REPORT\nPatient: Haddad, Maria\nDOB: 09/15/1982\nMRN: 00482913\nDx: C50.911"],
        None,
    );
    let docx = testdocs::docx(
        &["Referral letter"],
        &[
            &["Patient", "Birth Dt", "ICD-10"],
            &["Jon Park", "11 Oct 1977", "E11.9"],
        ],
    );
    let harmless = testdocs::pdf(
        &["Invoice 2026-114\nExam gloves x 40\nTotal $1,204.55"],
        None,
    );
    let with_pdf = testdocs::message(
        "Report",
        "Please see the attached.",
        &[("report.pdf", "application/pdf", &pdf)],
    );
    let with_docx = testdocs::message(
        "Referral",
        "Attached.",
        &[(
            "referral.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &docx,
        )],
    );
    let plain = testdocs::message(
        "Invoice",
        "Invoice attached.",
        &[("invoice.pdf", "application/pdf", &harmless)],
    );
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    for (rcpt, raw) in [
        ("a@x.example", &with_pdf),
        ("b@x.example", &with_docx),
        ("c@x.example", &plain),
    ] {
        let text = String::from_utf8(raw.clone()).expect("ascii message");
        c.send_message("clinic@hosp.example", &[rcpt], &text).await;
    }
    let got = sink.wait_count(3).await;
    for m in &got {
        let text = m.text();
        match m.rcpts[0].as_str() {
            "c@x.example" => {
                assert!(
                    text.contains("invoice.pdf"),
                    "harmless PDF should pass unchanged: {text}"
                );
                assert!(!text.contains("https://portal.example.org/m/"), "{text}");
            }
            _ => {
                assert!(
                    text.contains("https://portal.example.org/m/"),
                    "PHI attachment not protected: {text}"
                );
                assert!(
                    !text.contains("report.pdf") && !text.contains("referral.docx"),
                    "{text}"
                );
            }
        }
    }
    let log = d.log();
    for phi in ["00482913", "Haddad", "Jon Park", "C50.911"] {
        assert!(!log.contains(phi), "{phi} in the log");
    }
}
