//! Bounce processing end to end: the recipient's MX accepts, then bounces
//! to our VERP address → the recipient is marked bounced and suppressed,
//! and the next message to it fails at once (DSN to the sender, no
//! delivery attempt). A forged bounce (bad HMAC) changes nothing; the
//! bounce listener is never a relay.

mod common;

use common::*;

fn dsn_for(rcpt: &str, token_addr: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.x.example\r\nTo: {token_addr}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.x.example\r\n\r\n\
         Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: billing@customer.example\r\nSubject: Statement\r\n\r\n--B--\r\n"
    )
}

async fn send_bounce(port: u16, to: &str, body: &str) {
    let mut c = Client::connect(port).await;
    c.cmd("EHLO mx.x.example", 250).await;
    c.cmd("MAIL FROM:<>", 250).await;
    c.cmd(&format!("RCPT TO:<{to}>"), 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(&sealpost::smtp::data::dot_stuff(body.as_bytes()))
        .await;
    c.expect(250).await;
}

fn suppressed(d: &Daemon) -> String {
    let (code, out, err) = d.cli(&["suppress", "list"], None);
    assert_eq!(code, 0, "{err}");
    out
}

#[tokio::test]
async fn a_bounce_to_the_verp_address_suppresses_and_a_forged_one_does_nothing() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[[bounce_domain]]\nsending_domain = \"customer.example\"\ndomain = \"bounces.customer.example\"\n\n\
             [[listener]]\nname = \"bounces\"\nmode = \"bounce\"\naddress = \"127.0.0.1:0\"\ntls = \"none\"\nauth = \"none\"\n"
            .into(),
        listener_extra: String::new(),
    })
    .await;
    let bounce_port = d.ports.listener("bounces");
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let msg = "From: billing@customer.example\r\nSubject: Statement\r\n\r\nHello";
    c.send_message("billing@customer.example", &["gone@x.example"], msg)
        .await;
    c.send_message("billing@customer.example", &["fine@x.example"], msg)
        .await;
    let got = sink.wait_exactly(2, &d).await;
    let verp_gone = got
        .iter()
        .find(|m| m.rcpts == ["gone@x.example"])
        .expect("gone")
        .from
        .clone();
    let verp_fine = got
        .iter()
        .find(|m| m.rcpts == ["fine@x.example"])
        .expect("fine")
        .from
        .clone();

    // A forged bounce: the token of `fine` with one character changed.
    let mut forged: Vec<char> = verp_fine.chars().collect();
    forged[4] = if forged[4] == 'a' { 'b' } else { 'a' };
    let forged: String = forged.into_iter().collect();
    send_bounce(bounce_port, &forged, &dsn_for("fine@x.example", &forged)).await;
    assert!(
        !suppressed(&d).contains("fine@x.example"),
        "forged bounce suppressed an address"
    );

    // The bounce listener is not a relay.
    let mut r = Client::connect(bounce_port).await;
    r.cmd("EHLO x", 250).await;
    r.cmd("MAIL FROM:<>", 250).await;
    let t = r.cmd("RCPT TO:<victim@elsewhere.example>", 550).await;
    assert!(t.starts_with("5.7.1"), "{t}");

    // The genuine bounce.
    send_bounce(
        bounce_port,
        &verp_gone,
        &dsn_for("gone@x.example", &verp_gone),
    )
    .await;
    let list = wait_for("gone@x.example on the suppression list", || {
        let l = suppressed(&d);
        l.contains("gone@x.example").then_some(l)
    })
    .await;
    assert!(list.contains("hard-bounce"), "{list}");
    assert!(!list.contains("fine@x.example"));

    // The next message to it fails without a delivery attempt.
    c.send_message("billing@customer.example", &["gone@x.example"], msg)
        .await;
    let got = sink.wait_exactly(3, &d).await;
    let dsn = got
        .iter()
        .find(|m| m.from.is_empty())
        .expect("a DSN to the sender");
    assert_eq!(dsn.rcpts, ["billing@customer.example"]);
    assert!(dsn.text().contains("suppression list"), "{}", dsn.text());
    assert_eq!(
        got.iter().filter(|m| m.rcpts == ["gone@x.example"]).count(),
        1,
        "delivered again after the bounce"
    );

    // An administrator can take it off the list.
    assert_eq!(d.cli(&["suppress", "remove", "gone@x.example"], None).0, 0);
    assert!(!suppressed(&d).contains("gone@x.example"));
    let log = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    assert!(
        log.contains("\"event\":\"bounce\"") && log.contains("\"event\":\"suppression\""),
        "{log}"
    );
}
