//! Outbound delivery, durability and queue administration against the real
//! daemon: DSN parameters passed on, bounces, retries, priority order,
//! kill -9 recovery, TLS-required routes, SIGTERM.

mod common;

use std::sync::Arc;

use common::*;

const MSG: &str =
    "From: a@hosp.example\r\nSubject: t\r\n\r\nline one\r\n.line with a dot\r\n..two dots";

fn queue_ids(d: &Daemon) -> Vec<String> {
    let (code, out, err) = d.cli(&["queue", "list"], None);
    assert_eq!(code, 0, "queue list: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v.as_array()
        .expect("array")
        .iter()
        .map(|m| m["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn message_is_relayed_with_dot_lines_and_dsn_parameters_intact() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example> RET=HDRS ENVID=abc123", 250)
        .await;
    c.cmd(
        "RCPT TO:<b@x.example> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@x.example",
        250,
    )
    .await;
    c.cmd("RCPT TO:<c@y.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(&sealpost::smtp::data::dot_stuff(
        format!("{MSG}\r\n").as_bytes(),
    ))
    .await;
    let t = c.expect(250).await;
    assert!(t.contains("queued as"), "{t}");
    let got = sink.wait_exactly(2, &d).await;
    let to_b = got
        .iter()
        .find(|m| m.rcpts == ["b@x.example"])
        .expect("b delivered");
    assert!(
        to_b.text()
            .contains("\r\n.line with a dot\r\n..two dots\r\n"),
        "{}",
        to_b.text()
    );
    assert!(to_b.text().starts_with("Received: from client.test"));
    assert!(
        to_b.mail_line.contains("ENVID=abc123") && to_b.mail_line.contains("RET=HDRS"),
        "{}",
        to_b.mail_line
    );
    assert!(
        to_b.rcpt_lines[0].contains("NOTIFY=FAILURE,DELAY"),
        "{}",
        to_b.rcpt_lines[0]
    );
    assert!(
        to_b.rcpt_lines[0].contains("ORCPT=rfc822;b@x.example"),
        "{}",
        to_b.rcpt_lines[0]
    );
    wait_for("queue to empty", || queue_ids(&d).is_empty().then_some(())).await;
}

#[tokio::test]
async fn permanent_failure_sends_a_dsn_from_the_null_sender() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "sender@hosp.example",
        &["reject@x.example", "ok@x.example"],
        MSG,
    )
    .await;
    let got = sink.wait_exactly(2, &d).await;
    let dsn = got
        .iter()
        .find(|m| m.from.is_empty())
        .expect("a DSN from <>");
    assert_eq!(dsn.rcpts, vec!["sender@hosp.example"]);
    let t = dsn.text();
    assert!(
        t.contains("multipart/report; report-type=\"delivery-status\""),
        "{t}"
    );
    assert!(
        t.contains("Final-Recipient: rfc822; reject@x.example"),
        "{t}"
    );
    assert!(
        t.contains("Action: failed") && t.contains("Status: 5.1.1"),
        "{t}"
    );
    assert!(!t.contains("ok@x.example>: could not"), "{t}");
    assert!(
        !t.contains("line with a dot"),
        "RET absent: headers only, not the body"
    );
}

#[tokio::test]
async fn transient_failure_stays_queued_and_admin_can_hold_release_and_delete() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("a@hosp.example", &["defer@x.example"], MSG)
        .await;
    let id = wait_for("a deferred entry", || {
        let (_, out, _) = d.cli(&["queue", "list"], None);
        let v: serde_json::Value = serde_json::from_str(&out).ok()?;
        let m = v.as_array()?.first()?.clone();
        (m["next_attempt"].as_u64()? > 0)
            .then(|| m["id"].as_str().map(str::to_string))
            .flatten()
    })
    .await;
    let (code, out, _) = d.cli(&["queue", "show", &id], None);
    assert_eq!(code, 0);
    assert!(out.contains("451 4.2.0"), "{out}");
    assert!(
        !out.contains("line with a dot"),
        "queue show must not print bodies"
    );
    assert_eq!(d.cli(&["queue", "hold", &id], None).0, 0);
    assert!(
        d.cli(&["queue", "show", &id], None)
            .1
            .contains("\"held\": true")
    );
    assert_eq!(d.cli(&["queue", "release", &id], None).0, 0);
    assert_eq!(d.cli(&["queue", "retry", &id], None).0, 0);
    assert_eq!(d.cli(&["queue", "delete", &id], None).0, 0);
    assert!(queue_ids(&d).is_empty());
    let (code, _, err) = d.cli(&["queue", "show", "0000000000000000"], None);
    assert_ne!(code, 0);
    assert!(err.contains("no such message"), "{err}");
    let (code, _, err) = d.cli(&["queue", "show", "zz"], None);
    assert_ne!(code, 0);
    assert!(err.contains("not a queue id"), "{err}");
}

#[tokio::test]
async fn accepted_messages_survive_kill_9_and_arrive_after_restart() {
    // Down during the first run, so the messages stay queued.
    let sink = Sink::start_down().await;
    let mut d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    for i in 0..20 {
        let body = format!("Subject: n{i}\r\nX-Seq: {i}\r\n\r\nbody {i}");
        c.send_message("a@hosp.example", &[&format!("r{i}@x.example")], &body)
            .await;
    }
    d.kill9();
    // The bodies are sealed at rest: read the segments while they still
    // hold all 20 (after the restart they are removed once delivered).
    let spool = d.path().join("spool");
    let raw: Vec<u8> = std::fs::read_dir(spool.join("segments"))
        .expect("segments")
        .flatten()
        .flat_map(|e| std::fs::read(e.path()).unwrap_or_default())
        .collect();
    assert!(raw.len() > 20 * 40, "the segments hold the 20 records");
    assert!(
        !raw.windows(6).any(|w| w == b"body 1"),
        "plaintext body in the spool"
    );
    sink.bring_up();
    d.spawn().await;
    let got = sink.wait_exactly(20, &d).await;
    for i in 0..20 {
        assert!(
            got.iter()
                .any(|m| m.text().contains(&format!("X-Seq: {i}\r\n"))),
            "X-Seq {i} missing"
        );
    }
}

#[tokio::test]
async fn highest_priority_is_delivered_first() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let sink = Sink::start_gated(&["PIPELINING"], Some(gate.clone())).await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[delivery]\nworkers = 1\nretry_schedule = [\"1s\"]\n".into(),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    // The first message occupies the only worker at the gated sink.
    c.send_message(
        "a@hosp.example",
        &["first@x.example"],
        "Subject: first\r\n\r\nx",
    )
    .await;
    wait_for("the worker to connect", || {
        (*sink.connections.lock().expect("lock") > 0).then_some(())
    })
    .await;
    for i in 0..30 {
        c.cmd("MAIL FROM:<a@hosp.example> MT-PRIORITY=-9", 250)
            .await;
        c.cmd(&format!("RCPT TO:<low{i}@x.example>"), 250).await;
        c.cmd("DATA", 354).await;
        c.send_raw(b"Subject: low\r\n\r\nx\r\n.\r\n").await;
        c.expect(250).await;
    }
    c.cmd("MAIL FROM:<a@hosp.example> MT-PRIORITY=9", 250).await;
    c.cmd("RCPT TO:<urgent@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(b"Subject: urgent\r\n\r\nx\r\n.\r\n").await;
    c.expect(250).await;
    gate.add_permits(1000);
    let got = sink.wait_exactly(32, &d).await;
    assert_eq!(got[0].rcpts, ["first@x.example"]);
    assert_eq!(
        got[1].rcpts,
        ["urgent@x.example"],
        "order: {:?}",
        got.iter().map(|m| m.rcpts[0].clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn required_tls_route_never_sends_plaintext() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!("[[route]]\ndomains = [\"secure.example\"]\nhost = \"127.0.0.1:{}\"\ntls = \"required\"\n", sink.port),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("a@hosp.example", &["p@secure.example"], MSG)
        .await;
    let reply = wait_for("a TLS deferral", || {
        let (_, out, _) = d.cli(&["queue", "list"], None);
        let v: serde_json::Value = serde_json::from_str(&out).ok()?;
        let id = v.as_array()?.first()?["id"].as_str()?.to_string();
        let (_, show, _) = d.cli(&["queue", "show", &id], None);
        show.contains("451 4.7.5 Verified TLS").then_some(show)
    })
    .await;
    assert!(reply.contains("\"status\": \"Queued\""), "{reply}");
    assert_eq!(
        sink.count(),
        0,
        "plaintext delivery to a TLS-required route"
    );
    assert!(sink.all().iter().all(|m| m.data.is_empty()));
}

#[tokio::test]
async fn sigterm_exits_zero_and_keeps_the_queue() {
    // Down during the first run, so the message stays queued.
    let sink = Sink::start_down().await;
    let mut d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("a@hosp.example", &["b@x.example"], MSG)
        .await;
    drop(c);
    assert_eq!(d.terminate().await, Some(0), "{}", d.log());
    // Stopped: the CLI opens the spool itself.
    assert_eq!(queue_ids(&d).len(), 1);
    sink.bring_up();
    d.spawn().await;
    sink.wait_exactly(1, &d).await;
}

#[tokio::test]
async fn config_check_lists_every_error_with_its_key_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[server]\nhostname = \"h\"\n[[listener]]\nname = \"a\"\naddress = \"nope\"\ntls = \"yes\"\n[[route]]\ndomains = [\"*\"]\nhost = \"127.0.0.1:25\"\ntls = \"sometimes\"\n",
    )
    .expect("write");
    let (code, _, err) = cli_with(&["config", "check"], &bad, None);
    assert_eq!(code, 2);
    let shown = bad.display();
    assert!(
        err.contains(&format!(
            "{shown}: listener[0].address: expected \"IP:PORT\", got \"nope\""
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{shown}: listener[0].tls: expected \"none\", \"starttls\" or \"implicit\", got \"yes\""
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{shown}: route[0].tls: expected \"none\", \"opportunistic\" or \"required\", got \"sometimes\"")), "{err}");
    let (code, out, _) = cli_with(
        &["config", "check"],
        std::path::Path::new("conf/sealpost.toml"),
        None,
    );
    assert_eq!(code, 0, "{out}");
}

#[tokio::test]
async fn non_ascii_headers_are_accepted_and_relayed_byte_for_byte() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example> BODY=8BITMIME", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    let body = "From: a@hosp.example\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\nSubject: Réunion d'équipe\r\nMessage-Ié: x\r\nMessage-ID: <ü@hosp.example>\r\n\r\nÇa va très bien.\r\n";
    c.send_raw(body.as_bytes()).await;
    c.send_raw(b".\r\n").await;
    c.expect(250).await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(got[0].text().contains(body), "{}", got[0].text());
    assert!(!d.log().contains("panicked"), "{}", d.log());
}
