//! Inbound SMTP dialogs against the real daemon on 127.0.0.1: extensions,
//! relay control, AUTH, limits, smuggling, STARTTLS injection, BDAT.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;

const MSG: &str = "From: a@hosp.example\r\nTo: b@x.example\r\nSubject: t\r\n\r\nhello";

#[tokio::test]
async fn ehlo_offers_auth_only_after_starttls() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.sub).await;
    let ext = c.cmd("EHLO client.test", 250).await;
    for kw in [
        "PIPELINING",
        "SIZE",
        "8BITMIME",
        "ENHANCEDSTATUSCODES",
        "STARTTLS",
        "SMTPUTF8",
        "CHUNKING",
        "DSN",
        "MT-PRIORITY",
    ] {
        assert!(ext.contains(kw), "{kw} missing in {ext}");
    }
    assert!(!ext.contains("AUTH"), "AUTH offered before TLS: {ext}");
    c.cmd("AUTH PLAIN AGZvbwBiYXI=", 538).await;
    let mut c = c.starttls(None).await;
    let ext = c.cmd("EHLO client.test", 250).await;
    assert!(ext.contains("AUTH PLAIN LOGIN"), "{ext}");
    assert!(!ext.contains("STARTTLS"));
}

#[tokio::test]
async fn rcpt_rejects_relay_without_auth() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.sub).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    let t = c.cmd("RCPT TO:<b@x.example>", 530).await;
    assert!(t.starts_with("5.7.0"), "{t}");
    let mut c = Client::connect(d.ports.closed).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    let t = c.cmd("RCPT TO:<b@x.example>", 554).await;
    assert!(t.starts_with("5.7.1"), "{t}");
}

#[tokio::test]
async fn auth_plain_and_login_allow_relay_and_bad_passwords_are_throttled() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    d.add_user("ehr", "correct horse", &["hosp.example"]).await;
    let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
    c.cmd("EHLO client.test", 250).await;
    let bad = B64.encode(b"\0ehr\0wrong password");
    c.cmd(&format!("AUTH PLAIN {bad}"), 535).await;
    let good = B64.encode(b"\0ehr\0correct horse");
    c.cmd(&format!("AUTH PLAIN {good}"), 235).await;
    c.cmd("MAIL FROM:<x@other.example>", 553).await;
    c.send_message("doctor@hosp.example", &["p@x.example"], MSG)
        .await;

    let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("AUTH LOGIN", 334).await;
    c.cmd(&B64.encode("ehr"), 334).await;
    c.cmd(&B64.encode("correct horse"), 235).await;

    // Per-user throttle (default 5 failures in the window, one spent
    // above) → 454 4.7.0, even with the right password.
    let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
    c.cmd("EHLO client.test", 250).await;
    for _ in 0..4 {
        c.cmd(&format!("AUTH PLAIN {bad}"), 535).await;
    }
    let t = c.cmd(&format!("AUTH PLAIN {good}"), 454).await;
    assert!(t.starts_with("4.7.0"), "{t}");
    assert!(!d.log().contains("correct horse"), "password in the log");
    sink.wait_exactly(1, &d).await;
}

#[tokio::test]
async fn implicit_tls_listener_requires_auth_before_mail() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    d.add_user("m365", "connector pass", &[]).await;
    let mut c = Client::connect_tls(d.ports.smtps).await;
    c.cmd("EHLO client.test", 250).await;
    let t = c.cmd("MAIL FROM:<a@hosp.example>", 530).await;
    assert!(t.starts_with("5.7.0"));
    c.cmd(
        &format!("AUTH PLAIN {}", B64.encode(b"\0m365\0connector pass")),
        235,
    )
    .await;
    c.send_message("a@hosp.example", &["b@x.example"], MSG)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(got[0].text().contains("with ESMTPSA"), "{}", got[0].text());
}

#[tokio::test]
async fn every_smuggling_variant_is_refused_and_nothing_is_delivered() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let variants: [&[u8]; 7] = [
        b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n", b"\r\n.\r", b"\r.\r\n", b"\n.\r",
    ];
    for v in variants {
        let mut c = Client::connect(d.ports.plain).await;
        c.cmd("EHLO client.test", 250).await;
        c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
        c.cmd("RCPT TO:<b@x.example>", 250).await;
        c.cmd("DATA", 354).await;
        let mut payload = b"Subject: outer\r\n\r\nbody".to_vec();
        payload.extend_from_slice(v);
        payload.extend_from_slice(b"MAIL FROM:<evil@x.example>\r\nRCPT TO:<smuggled@x.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
        c.send_raw(&payload).await;
        let (code, text) = c.reply().await;
        assert_eq!(
            code,
            550,
            "variant {:?}: {code} {text}",
            String::from_utf8_lossy(v)
        );
        assert!(text.starts_with("5.6.11"), "{text}");
        assert!(
            c.lines.closed().await,
            "connection stays open after smuggling attempt"
        );
    }
    // A clean message afterwards goes through, and only it arrives.
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("a@hosp.example", &["clean@x.example"], MSG)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(
        got.iter()
            .all(|m| !m.rcpts.iter().any(|r| r.contains("smuggled")))
    );
}

#[tokio::test]
async fn starttls_discards_pipelined_commands() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.sub).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_raw(b"STARTTLS\r\nMAIL FROM:<injected@x.example>\r\n")
        .await;
    c.expect(220).await;
    let io = c.lines.into_inner();
    let mut c = Client::connect_tls_over(io).await;
    // If the injected MAIL had survived, EHLO would get its reply or 503.
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
}

#[tokio::test]
async fn size_limits_give_552_both_declared_and_mid_stream() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[limits]\nmax_message_size = 2048\n".into(),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let t = c.cmd("MAIL FROM:<a@hosp.example> SIZE=4096", 552).await;
    assert!(t.starts_with("5.3.4"));
    c.cmd("MAIL FROM:<a@hosp.example> SIZE=100", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    let big = "x".repeat(900) + "\r\n";
    for _ in 0..5 {
        c.send_raw(big.as_bytes()).await;
    }
    c.send_raw(b".\r\n").await;
    let t = c.expect(552).await;
    assert!(t.starts_with("5.3.4"));
    // The session goes on; BDAT over the limit also gets 552.
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    let chunk = "y".repeat(3000);
    c.send_raw(format!("BDAT {} LAST\r\n{chunk}", chunk.len()).as_bytes())
        .await;
    c.expect(552).await;
    c.cmd("NOOP", 250).await;
    assert_eq!(sink.count(), 0);
}

#[tokio::test]
async fn long_lines_and_too_many_recipients_get_precise_replies() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[limits]\nmax_recipients = 100\n".into(),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let t = c.cmd(&format!("NOOP {}", "a".repeat(600)), 500).await;
    assert!(t.starts_with("5.5.2"), "{t}");
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    for i in 0..100 {
        c.cmd(&format!("RCPT TO:<r{i}@x.example>"), 250).await;
    }
    let t = c.cmd("RCPT TO:<r100@x.example>", 452).await;
    assert!(t.starts_with("4.5.3"), "{t}");
    c.cmd("DATA", 354).await;
    c.send_raw(format!("Subject: x\r\n\r\n{}\r\n.\r\n", "z".repeat(1200)).as_bytes())
        .await;
    let t = c.expect(550).await;
    assert!(t.starts_with("5.6.0"), "{t}");
    c.cmd("RSET", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<ok@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(format!("Subject: x\r\n\r\n{}\r\n.\r\n", "z".repeat(998)).as_bytes())
        .await;
    c.expect(250).await;
    let got = sink.wait_exactly(1, &d).await;
    assert_eq!(got[0].rcpts, vec!["ok@x.example"]);
}

#[tokio::test]
async fn sequence_and_syntax_errors_then_disconnect_after_too_many() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 503).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 503).await;
    c.cmd("DATA", 503).await;
    c.cmd("MAIL FROM:<a@hosp.example> FOO=BAR", 555).await;
    c.cmd("MAIL FROM:a@hosp.example", 501).await;
    c.cmd("XYZZY", 500).await;
    c.cmd("VRFY someone", 252).await;
    c.cmd("HELP", 214).await;
    c.cmd("NOOP", 250).await;
    for _ in 0..4 {
        c.cmd("XYZZY", 500).await;
    }
    let (code, _) = c.reply().await;
    assert_eq!(code, 421);
    assert!(c.lines.closed().await);
}

#[tokio::test]
async fn per_ip_connection_cap_answers_421() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[limits]\nmax_connections_per_ip = 2\n".into(),
        listener_extra: String::new(),
    })
    .await;
    let _a = Client::connect(d.ports.plain).await;
    let _b = Client::connect(d.ports.plain).await;
    let mut c = Client::raw(d.ports.plain).await;
    let t = c.expect(421).await;
    assert!(t.starts_with("4.7.0"), "{t}");
}

#[tokio::test]
async fn bdat_chunks_are_delivered_and_bare_lf_in_bdat_is_refused() {
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    let p1 = "Subject: chunked\r\n\r\n";
    let p2 = ".starts with a dot\r\nend\r\n";
    c.send_raw(format!("BDAT {}\r\n{p1}", p1.len()).as_bytes())
        .await;
    c.expect(250).await;
    c.send_raw(format!("BDAT {} LAST\r\n{p2}", p2.len()).as_bytes())
        .await;
    c.expect(250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    let bad = "Subject: x\r\n\r\nbare\nlf\r\n";
    c.send_raw(format!("BDAT {} LAST\r\n{bad}", bad.len()).as_bytes())
        .await;
    let t = c.expect(550).await;
    assert!(t.starts_with("5.6.11"));
    let got = sink.wait_exactly(1, &d).await;
    assert!(
        got[0].text().contains("\r\n.starts with a dot\r\nend\r\n"),
        "{}",
        got[0].text()
    );
}

#[tokio::test]
async fn client_certificate_fingerprint_allows_relay() {
    let sink = Sink::start().await;
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["connector.test".into()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    use sha2::Digest;
    let fp = hex::encode(sha2::Sha256::digest(cert.der()));
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: String::new(),
        listener_extra: format!("client_cert_fingerprints = [\"sha256:{fp}\"]"),
    })
    .await;
    let pem = (cert.pem().into_bytes(), key.serialize_pem().into_bytes());
    let mut c = Client::connect(d.ports.sub).await.starttls(Some(pem)).await;
    c.cmd("EHLO connector.test", 250).await;
    c.send_message("a@hosp.example", &["b@x.example"], MSG)
        .await;
    // Without the certificate the same listener refuses to relay.
    let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
    c.cmd("EHLO other.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 530).await;
    sink.wait_exactly(1, &d).await;
}

/// Listeners configured on port 0 report the ports they bound; after a
/// restart the new report is the one that counts, and it is this daemon
/// (greeting with its hostname) that answers there.
#[tokio::test]
async fn ready_report_gives_the_bound_port_of_every_listener_again_after_restart() {
    let sink = Sink::start().await;
    let mut d = Daemon::start(sink.port).await;
    for round in 0..2 {
        let p = d.ports.clone();
        let mut all = vec![p.plain, p.sub, p.smtps, p.closed, p.metrics];
        assert!(all.iter().all(|&port| port != 0), "{:?}", p.report);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 5, "ports shared: {:?}", p.report);
        for port in [p.plain, p.sub, p.closed] {
            let mut c = Client::raw(port).await;
            let greeting = c.expect(220).await;
            assert!(greeting.starts_with("relay.test "), "{greeting}");
        }
        let mut c = Client::connect_tls(p.smtps).await;
        c.cmd("EHLO client.test", 250).await;
        assert_eq!(d.http_get("/healthz").await, (200, "ok\n".to_string()));
        if round == 0 {
            d.kill9();
            d.spawn().await;
        }
    }
    let out = std::fs::read_to_string(d.path().join("daemon.out")).expect("daemon.out");
    assert_eq!(out.matches("sealpost ready\n").count(), 2, "{out}");
}

/// Behind a TCP load balancer: a PROXY header from a listed balancer
/// names the real client, which relay rules and trace headers then see;
/// a malformed header closes the connection without a greeting.
#[tokio::test]
async fn proxy_protocol_from_a_listed_balancer_names_the_real_client() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[[listener]]\nname = \"balanced\"\naddress = \"127.0.0.1:0\"\ntls = \"none\"\n\
                auth = \"none\"\nallow_relay_from = [\"192.0.2.0/24\"]\n\
                proxy_protocol_from = [\"127.0.0.0/8\"]\n"
            .into(),
        listener_extra: String::new(),
    })
    .await;
    let port = d.ports.listener("balanced");
    // A client inside allow_relay_from, as the balancer reports it.
    let mut c = Client::raw(port).await;
    c.send_raw(b"PROXY TCP4 192.0.2.44 127.0.0.1 40000 25\r\n")
        .await;
    c.expect(220).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "a@hosp.example",
        &["r@x.example"],
        "Subject: p\r\n\r\nvia balancer\r\n",
    )
    .await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(
        got[0].text().contains("([192.0.2.44])"),
        "{}",
        got[0].text()
    );
    // Another client (outside allow_relay_from) may not relay, although the
    // balancer itself (127.0.0.1) is a loopback address.
    let mut c = Client::raw(port).await;
    c.send_raw(b"PROXY TCP4 203.0.113.9 127.0.0.1 40001 25\r\n")
        .await;
    c.expect(220).await;
    c.cmd("EHLO client.test", 250).await;
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<r@x.example>", 554).await;
    // No header: closed, never served as the balancer's own address.
    let mut c = Client::raw(port).await;
    c.send_raw(b"EHLO no-header.test\r\n").await;
    assert!(
        c.lines.closed().await,
        "a connection without a PROXY header was served"
    );
}
