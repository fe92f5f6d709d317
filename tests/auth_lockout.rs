//! AUTH lock-out (issue 12): a flood of bad passwords from one address
//! must not lock the same user out from another address. Clients bind
//! distinct 127.0.0.x source addresses; the operator sees and clears blocks
//! with `sealpost auth blocked` / `sealpost auth unblock`.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use tokio::net::TcpSocket;

/// Connect to the daemon's STARTTLS listener from `source` and upgrade.
async fn from(source: [u8; 4], port: u16) -> Client {
    let sock = TcpSocket::new_v4().expect("socket");
    sock.bind(std::net::SocketAddr::from((source, 0)))
        .expect("bind source address");
    let stream = sock.connect(addr(port)).await.expect("connect");
    let mut c = Client {
        lines: Lines::new(Box::new(stream)),
    };
    c.expect(220).await;
    let mut c = c.starttls(None).await;
    c.cmd("EHLO client.test", 250).await;
    c
}

fn plain(user: &str, pass: &str) -> String {
    format!(
        "AUTH PLAIN {}",
        B64.encode(format!("\0{user}\0{pass}").as_bytes())
    )
}

#[tokio::test]
async fn a_flood_from_one_ip_does_not_lock_the_user_out_from_another() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        // Per-IP 8, per (IP, user) 3, per user 50: the attacker's IP is
        // stopped long before the ceiling. (Small numbers: every attempt
        // costs an argon2id hash, slow in a debug build.)
        extra: "[limits]\nauth_failures_per_ip = 8\nauth_failures_per_ip_user = 3\nauth_failures_per_user = 50\n".into(),
        listener_extra: String::new(),
    })
    .await;
    d.add_user("ehr", "correct horse", &["hosp.example"]).await;

    // The attacker at 127.0.0.66 guesses the EHR's password.
    let mut attacker = from([127, 0, 0, 66], d.ports.sub).await;
    for _ in 0..3 {
        attacker.cmd(&plain("ehr", "guess"), 535).await;
    }
    // Now even the right password from there is refused.
    let t = attacker.cmd(&plain("ehr", "correct horse"), 454).await;
    assert!(t.starts_with("4.7.0"), "{t}");

    // The EHR itself, at 127.0.0.7, is not affected.
    let mut ehr = from([127, 0, 0, 7], d.ports.sub).await;
    ehr.cmd(&plain("ehr", "correct horse"), 235).await;
    ehr.send_message(
        "doctor@hosp.example",
        &["p@x.example"],
        "Subject: t\r\n\r\nhello",
    )
    .await;
    sink.wait_count(1).await;

    // More guesses from the attacker, for other names, block its IP.
    let mut attacker = from([127, 0, 0, 66], d.ports.sub).await;
    for i in 0..5 {
        attacker
            .cmd(&plain(&format!("user{i}"), "guess"), 535)
            .await;
    }
    let mut attacker = from([127, 0, 0, 66], d.ports.sub).await;
    attacker.cmd(&plain("someone", "x"), 454).await;
    let mut ehr = from([127, 0, 0, 7], d.ports.sub).await;
    ehr.cmd(&plain("ehr", "correct horse"), 235).await;

    // The operator sees both blocks …
    let (code, out, err) = d.cli(&["auth", "blocked"], None);
    assert_eq!(code, 0, "{err}");
    let blocks: serde_json::Value = serde_json::from_str(&out).expect("json");
    let list = blocks.as_array().expect("list");
    assert!(
        list.iter()
            .any(|b| b["scope"] == "ip" && b["ip"] == "127.0.0.66"),
        "{out}"
    );
    assert!(
        list.iter()
            .any(|b| b["scope"] == "ip+user" && b["ip"] == "127.0.0.66" && b["user"] == "ehr"),
        "{out}"
    );
    assert!(!out.contains("127.0.0.7"), "{out}");

    // … and clears the attacker's address (say, it was a misconfigured
    // connector); it may try again.
    let (code, _, err) = d.cli(&["auth", "unblock", "--ip", "127.0.0.66"], None);
    assert_eq!(code, 0, "{err}");
    let mut again = from([127, 0, 0, 66], d.ports.sub).await;
    again.cmd(&plain("ehr", "correct horse"), 235).await;
    let (_, out, _) = d.cli(&["auth", "blocked"], None);
    assert_eq!(out.trim(), "[]", "{out}");
    // An unblock with nothing named is refused with a clear message.
    let (code, _, err) = d.cli(&["auth", "unblock"], None);
    assert_ne!(code, 0);
    assert!(err.contains("--ip"), "{err}");
    assert!(
        d.log().contains("AUTH failure counts cleared"),
        "unblock not logged"
    );
}

#[tokio::test]
async fn the_per_user_ceiling_spares_an_address_that_logged_in_before() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[limits]\nauth_failures_per_ip = 50\nauth_failures_per_ip_user = 2\nauth_failures_per_user = 4\n".into(),
        listener_extra: String::new(),
    })
    .await;
    d.add_user("ehr", "correct horse", &[]).await;
    // The EHR logs in from its usual address.
    let mut ehr = from([127, 0, 0, 7], d.ports.sub).await;
    ehr.cmd(&plain("ehr", "correct horse"), 235).await;
    // A distributed guess: two addresses, two tries each, reach the
    // per-user ceiling of 4.
    for host in [101u8, 102] {
        let mut c = from([127, 0, 0, host], d.ports.sub).await;
        c.cmd(&plain("ehr", "guess"), 535).await;
        c.cmd(&plain("ehr", "guess"), 535).await;
    }
    // A new address is refused for that user …
    let mut c = from([127, 0, 0, 104], d.ports.sub).await;
    c.cmd(&plain("ehr", "correct horse"), 454).await;
    let (_, out, _) = d.cli(&["auth", "blocked"], None);
    eprintln!("BLOCKED {out}");
    // … but the EHR's own address still gets in.
    let mut ehr = from([127, 0, 0, 7], d.ports.sub).await;
    ehr.cmd(&plain("ehr", "correct horse"), 235).await;
    let (_, out, _) = d.cli(&["auth", "blocked"], None);
    assert!(out.contains("\"scope\": \"user\""), "{out}");
    let (code, _, _) = d.cli(&["auth", "unblock", "--user", "ehr"], None);
    assert_eq!(code, 0);
    let mut c = from([127, 0, 0, 104], d.ports.sub).await;
    c.cmd(&plain("ehr", "correct horse"), 235).await;
}
