//! The audit log of a running daemon: acceptance, delivery and admin
//! actions are recorded without bodies or PHI values, and `sealpost audit
//! verify` finds a flipped byte, a deleted line and a reordering.

mod common;

use common::*;

const CANARY: &str = "CANARY-7f3a9c-PHI";

fn verify(d: &Daemon, file: &std::path::Path) -> (i32, String) {
    let out = std::process::Command::new(bin())
        .args(["audit", "verify"])
        .arg(file)
        .arg("--pubkey")
        .arg(d.path().join("audit/audit.key.pub"))
        .output()
        .expect("run verify");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn audit_log_records_the_message_path_and_detects_tampering() {
    let sink = Sink::start().await;
    let mut d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let body = format!(
        "Message-ID: <{CANARY}@hosp.example>\r\nSubject: hello\r\n\r\nNote {CANARY}\r\nSSN: 524-71-3382"
    );
    c.send_message("a@hosp.example", &["b@x.example"], &body)
        .await;
    c.send_message(
        "a@hosp.example",
        &["defer@x.example"],
        "Subject: later\r\n\r\nx",
    )
    .await;
    let log_path = d.path().join("audit/audit.log");
    wait_for("a delivery_result in the audit log", || {
        let log = std::fs::read_to_string(&log_path).ok()?;
        log.contains("\"event\":\"delivery_result\"").then_some(())
    })
    .await;
    // The delivered message may still be listed for a few milliseconds
    // (its record goes once its audit line is synced): pick the deferred one.
    let id = wait_for("the deferred message", || {
        let (_, out, _) = d.cli(&["queue", "list"], None);
        let v: serde_json::Value = serde_json::from_str(&out).ok()?;
        v.as_array()?
            .iter()
            .find(|m| m["next_attempt"].as_u64().is_some_and(|t| t > 0))?["id"]
            .as_str()
            .map(str::to_string)
    })
    .await;
    assert_eq!(d.cli(&["queue", "hold", &id], None).0, 0);
    assert_eq!(d.terminate().await, Some(0));

    let log = std::fs::read_to_string(&log_path).expect("audit log");
    assert!(log.contains("\"event\":\"message_accepted\""), "{log}");
    assert!(log.contains("\"type\":\"ssn\""), "{log}");
    assert!(
        log.contains("\"event\":\"admin_action\"") && log.contains("queue_hold"),
        "{log}"
    );
    assert!(
        log.contains("\"event\":\"checkpoint\""),
        "closing checkpoint missing"
    );
    assert!(!log.contains(CANARY), "canary in the audit log");
    assert!(!log.contains("524-71-3382"), "PHI value in the audit log");
    for e in std::fs::read_dir(d.path().join("spool/segments"))
        .expect("segments")
        .flatten()
    {
        let raw = std::fs::read(e.path()).unwrap_or_default();
        assert!(
            !raw.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
            "canary in plaintext in the spool"
        );
    }
    assert!(!d.log().contains(CANARY), "canary in the daemon log");

    let (code, out) = verify(&d, &log_path);
    assert_eq!(code, 0, "{out}");

    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 5, "{log}");
    let broken = d.path().join("broken.log");
    let write = |ls: &[String]| std::fs::write(&broken, ls.join("\n") + "\n").expect("write");
    let owned: Vec<String> = lines.iter().map(|s| s.to_string()).collect();

    let mut flipped = owned.clone();
    flipped[2] = flipped[2]
        .replacen("\"seq\":2", "\"seq\":2 ", 1)
        .replacen('a', "b", 1);
    write(&flipped);
    let (code, out) = verify(&d, &broken);
    assert_ne!(code, 0);
    assert!(out.contains("broken.log:3"), "{out}");

    let mut deleted = owned.clone();
    deleted.remove(2);
    write(&deleted);
    let (code, out) = verify(&d, &broken);
    assert_ne!(code, 0);
    assert!(out.contains("broken.log:3"), "{out}");

    let mut swapped = owned.clone();
    swapped.swap(1, 2);
    write(&swapped);
    let (code, out) = verify(&d, &broken);
    assert_ne!(code, 0);
    assert!(out.contains("broken.log:2"), "{out}");
}
