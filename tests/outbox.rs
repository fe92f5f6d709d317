//! The file transport end to end: a `[[route]]` with `outbox` writes each
//! recipient's copy into a Maildir (with Return-Path and Delivered-To),
//! portal notices land there too, and an outbox that cannot be written
//! keeps the message queued instead of losing it.

mod common;

use common::*;

fn maildir_files(dir: &std::path::Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir.join("new")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .flatten()
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).expect("read")).into_owned())
        .collect();
    out.sort();
    out
}

async fn daemon_with_outbox(outbox: &str) -> Daemon {
    Daemon::start_with(Options {
        route_port: 0,
        extra: format!("[[route]]\ndomains = [\"*\"]\noutbox = \"{outbox}\"\n"),
        listener_extra: String::new(),
    })
    .await
}

#[tokio::test]
async fn every_recipient_gets_its_own_maildir_copy_with_trace_lines() {
    let tmp = tempfile::tempdir().expect("tmp");
    let outbox = tmp.path().join("outbox");
    let d = daemon_with_outbox(&outbox.display().to_string()).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let body =
        "From: a@hosp.example\r\nTo: x@one.example\r\nSubject: hello\r\n\r\nnothing private\r\n";
    c.send_message("a@hosp.example", &["x@one.example", "y@two.example"], body)
        .await;
    let files = wait_for("two copies", || {
        let f = maildir_files(&outbox);
        (f.len() == 2).then_some(f)
    })
    .await;
    for (f, rcpt) in files.iter().zip(["x@one.example", "y@two.example"]) {
        assert!(
            f.starts_with(&format!(
                "Return-Path: <a@hosp.example>\r\nDelivered-To: {rcpt}\r\n"
            )),
            "{f}"
        );
        assert!(
            f.contains("Received: ") && f.contains("\r\n\r\nnothing private\r\n"),
            "{f}"
        );
    }
    assert!(
        std::fs::read_dir(outbox.join("tmp"))
            .expect("tmp")
            .next()
            .is_none()
    );
    // Nothing else arrives after a quiet moment (each copy written once).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(maildir_files(&outbox).len(), 2);
}

#[tokio::test]
async fn a_phi_message_without_recipient_keys_leaves_only_a_notice_in_the_outbox() {
    let tmp = tempfile::tempdir().expect("tmp");
    let outbox = tmp.path().join("outbox");
    let d = daemon_with_outbox(&outbox.display().to_string()).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let body = "From: Lab <lab@hosp.example>\r\nTo: p@patient.example\r\nSubject: results\r\n\r\n\
                Patient DOB 03/14/1961, MRN 00482913, diagnosis E11.9 (type 2 diabetes).\r\n";
    c.send_message("lab@hosp.example", &["p@patient.example"], body)
        .await;
    let files = wait_for("the notice", || {
        let f = maildir_files(&outbox);
        (!f.is_empty()).then_some(f)
    })
    .await;
    assert_eq!(files.len(), 1, "{files:?}");
    let notice = &files[0];
    assert!(notice.contains("Delivered-To: p@patient.example\r\n"));
    assert!(notice.contains("Subject: You have received a secure message"));
    assert!(notice.contains("/m/"));
    for phi in ["00482913", "03/14/1961", "E11.9", "results"] {
        assert!(!notice.contains(phi), "{phi} in the notice");
    }
}

#[test]
fn an_unwritable_outbox_stops_the_start_naming_the_route() {
    let tmp = tempfile::tempdir().expect("tmp");
    let blocker = tmp.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("write");
    let config = tmp.path().join("sealpost.toml");
    let d = tmp.path().display();
    std::fs::write(
        &config,
        format!(
            "[server]\nspool_dir = \"{d}/spool\"\n[[listener]]\nname = \"l\"\naddress = \"127.0.0.1:0\"\n\
             [metrics]\naddress = \"off\"\n[audit]\npath = \"{d}/audit.log\"\n\
             [[route]]\ndomains = [\"*\"]\noutbox = \"{}\"\n",
            blocker.display()
        ),
    )
    .expect("config");
    let out = std::process::Command::new(bin())
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("route[0].outbox"), "{err}");
}
