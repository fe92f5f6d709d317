//! Greeting, EHLO/HELO, MAIL, RCPT and the small verbs, good and bad.

use super::*;

#[tokio::test]
async fn greeting_then_ehlo_lists_the_extensions_offered_before_tls() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S: 250-mx.test Hello [10.0.0.5]
         S: 250-PIPELINING
         S: 250-SIZE 36700160
         S: 250-8BITMIME
         S: 250-ENHANCEDSTATUSCODES
         S: 250-STARTTLS
         S: 250-SMTPUTF8
         S: 250-CHUNKING
         S: 250-DSN
         S: 250-MT-PRIORITY MIXER
         S: 250 HELP
         C: QUIT
         S: 221 2.0.0 mx.test closing connection
         CLOSED",
    )
    .await;
}

#[tokio::test]
async fn ehlo_without_tls_listener_offers_neither_starttls_nor_auth() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S: 250-mx.test Hello [10.0.0.5]
         S: 250-PIPELINING
         S: 250-SIZE 36700160
         S: 250-8BITMIME
         S: 250-ENHANCEDSTATUSCODES
         S: 250-SMTPUTF8
         S: 250-CHUNKING
         S: 250-DSN
         S: 250-MT-PRIORITY MIXER
         S: 250 HELP
         C: STARTTLS
         S: 502 5.5.1 STARTTLS not available
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 502 5.5.1 AUTH not available",
    )
    .await;
}

#[tokio::test]
async fn helo_gets_one_line_and_allows_a_plain_smtp_transaction() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: HELO client.test
         S: 250 mx.test Hello [10.0.0.5]
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: hello
         C:
         C: body
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert_eq!(meta.envelope.client_helo, "client.test");
    assert!(body.contains("with SMTP "), "{body}");
}

#[tokio::test]
async fn ehlo_and_helo_need_a_domain() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO
         S: 501 5.5.4 Syntax: EHLO domain
         C: HELO
         S: 501 5.5.4 Syntax: HELO domain
         C: MAIL FROM:<doc@hospital.test>
         S: 503 5.5.1 Send EHLO or HELO first",
    )
    .await;
}

#[tokio::test]
async fn mail_before_ehlo_and_nested_mail_are_out_of_sequence() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: MAIL FROM:<doc@hospital.test>
         S: 503 5.5.1 Send EHLO or HELO first
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: MAIL FROM:<doc@hospital.test>
         S: 503 5.5.1 Nested MAIL command",
    )
    .await;
}

#[tokio::test]
async fn mail_syntax_errors_get_501() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL doc@hospital.test
         S: 501 5.5.4 Syntax: MAIL FROM:<reverse-path> [parameters]
         C: MAIL FROM:doc@hospital.test
         S: 501 5.5.4 Syntax: MAIL FROM:<reverse-path> [parameters]
         C: MAIL FROM:<doc@@hospital.test>
         S: 501 5.1.7 Bad sender address syntax
         C: MAIL FROM:<doc>
         S: 501 5.1.7 Bad sender address syntax
         C: MAIL FROM:<doc@hospital.test> SIZE=abc
         S: 501 5.5.4 Invalid SIZE parameter
         C: MAIL FROM:<doc@hospital.test> FROBNICATE=1
         S: 555 5.5.4 Unsupported parameter FROBNICATE=1
         C: MAIL FROM:<doc@hospital.test> BODY=BINARYMIME
         S: 555 5.5.4 BODY=BINARYMIME is not supported
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK",
    )
    .await;
}

#[tokio::test]
async fn mail_with_a_declared_size_over_the_limit_gets_552() {
    let fx = Fixture::with(|c| c.limits.max_message_size = 10_000);
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test> SIZE=10001
         S: 552 5.3.4 Message size exceeds fixed maximum message size
         C: MAIL FROM:<doc@hospital.test> SIZE=10000
         S: 250 2.1.0 Sender OK",
    )
    .await;
}

#[tokio::test]
async fn rcpt_before_mail_is_out_of_sequence_and_bad_addresses_get_501() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: RCPT TO:<pat@clinic.test>
         S: 503 5.5.1 Need MAIL command first
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT pat@clinic.test
         S: 501 5.5.4 Syntax: RCPT TO:<forward-path> [parameters]
         C: RCPT TO:<pat>
         S: 501 5.1.3 Bad recipient address syntax
         C: RCPT TO:<pat@clinic.test> ORCPT=utf-8;pat@clinic.test
         S: 501 5.5.4 Invalid ORCPT parameter
         C: RCPT TO:<>
         S: 501 5.1.3 Recipient address must be user@domain
         C: RCPT TO:<pat@clinic.test> NOTIFY=SOMETIMES
         S: 501 5.5.4 Invalid NOTIFY parameter
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK",
    )
    .await;
}

#[tokio::test]
async fn rcpt_rejects_relay_without_auth() {
    let fx = Fixture::new();
    // A listener without AUTH refuses outsiders outright ...
    let mut c = fx.connect("relay", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 554 5.7.1 Relay access denied
         C: DATA
         S: 554 5.5.1 No valid recipients",
    )
    .await;
    // ... one with AUTH tells them to authenticate.
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 530 5.7.0 Authentication required",
    )
    .await;
    assert!(fx.spooled().is_empty());
    let rejected = |l: &str| {
        fx.svc
            .metrics
            .messages_rejected
            .with_label_values(&[l, "relay_denied"])
            .get()
    };
    assert_eq!((rejected("relay"), rejected("submission")), (1, 1));
}

#[tokio::test]
async fn too_many_recipients_get_452_and_the_others_are_kept() {
    let fx = Fixture::with(|c| c.limits.max_recipients = 2);
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<a@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: RCPT TO:<b@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: RCPT TO:<c@clinic.test>
         S: 452 4.5.3 Too many recipients
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: three
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, _) = fx.only_message();
    let to: Vec<&str> = meta
        .envelope
        .recipients
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(to, ["a@clinic.test", "b@clinic.test"]);
}

#[tokio::test]
async fn dsn_parameters_are_kept_in_the_envelope() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test> RET=HDRS ENVID=QQ314159
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;pat@old.test
         S: 250 2.1.5 Recipient OK
         C: RCPT TO:<kin@clinic.test> NOTIFY=NEVER
         S: 250 2.1.5 Recipient OK
         C: RCPT TO:<gp@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: dsn
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, _) = fx.only_message();
    let env = &meta.envelope;
    assert_eq!(env.sender, "doc@hospital.test");
    assert_eq!(env.ret.as_deref(), Some("HDRS"));
    assert_eq!(env.envid.as_deref(), Some("QQ314159"));
    use crate::spool::notify;
    let r = &env.recipients;
    assert_eq!(r[0].notify, notify::SUCCESS | notify::FAILURE);
    // Stored decoded; the client and the DSN add the "rfc822;" type back.
    assert_eq!(r[0].orcpt.as_deref(), Some("pat@old.test"));
    assert_eq!(r[1].notify, notify::NEVER);
    assert_eq!((r[2].notify, r[2].orcpt.as_deref()), (0, None));
}

#[tokio::test]
async fn mt_priority_from_a_trusted_client_sets_the_priority() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test> MT-PRIORITY=high
         S: 501 5.5.4 Invalid MT-PRIORITY parameter
         C: MAIL FROM:<doc@hospital.test> MT-PRIORITY=9
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: urgent
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, _) = fx.only_message();
    assert_eq!(meta.envelope.mt_priority, Some(9));
    assert_eq!(meta.envelope.priority, 9);
}

#[tokio::test]
async fn requiretls_needs_a_tls_session() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test> REQUIRETLS
         S: 530 5.7.10 REQUIRETLS needs a TLS session",
    )
    .await;
}

#[tokio::test]
async fn rset_noop_vrfy_help_and_unknown_commands() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: NOOP
         S: 250 2.0.0 OK
         C: RSET
         S: 250 2.0.0 OK
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RSET
         S: 250 2.0.0 OK
         C: RCPT TO:<pat@clinic.test>
         S: 503 5.5.1 Need MAIL command first
         C: VRFY pat
         S: 252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery
         C: HELP
         S: 214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT
         C: EXPN staff
         S: 502 5.5.1 Command not implemented
         C: FROB
         S: 500 5.5.1 Command unrecognized
         C: MAILFROM:<a@b.test>
         S: 500 5.5.1 Command unrecognized
         C: noop
         S: 250 2.0.0 OK
         C: QUIT
         S: 221 2.0.0 mx.test closing connection
         CLOSED",
    )
    .await;
}

#[tokio::test]
async fn a_new_ehlo_ends_the_transaction() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: EHLO client.test
         S* 250
         C: RCPT TO:<pat@clinic.test>
         S: 503 5.5.1 Need MAIL command first",
    )
    .await;
}

#[tokio::test]
async fn the_bounce_listener_takes_reports_for_bounce_domains_only() {
    let fx = Fixture::new();
    let mut c = fx.connect("bounce", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO mta.remote.test
         S* 250
         C: MAIL FROM:<>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 550 5.7.1 Relay access denied
         C: RCPT TO:<b+notatoken@bounces.hospital.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: Undeliverable
         C:
         C: not a report
         C: .
         S: 250 2.0.0 Report received",
    )
    .await;
    assert!(fx.spooled().is_empty(), "a bounce is never relayed");
}

#[tokio::test]
async fn smtputf8_addresses_need_the_smtputf8_parameter() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<jörg@klinik.test>
         S: 553 5.6.7 Non-ASCII address requires SMTPUTF8
         C: RSET
         S: 250 2.0.0 OK
         C: MAIL FROM:<dóc@hospital.test>
         S: 553 5.6.7 Non-ASCII address requires SMTPUTF8
         C: MAIL FROM:<dóc@hospital.test> SMTPUTF8 BODY=8BITMIME
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<jörg@klinik.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: grüße
         C:
         C: hallo
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert!(meta.envelope.smtputf8 && meta.envelope.body_8bit);
    assert_eq!(meta.envelope.sender, "dóc@hospital.test");
    assert_eq!(meta.envelope.recipients[0].address, "jörg@klinik.test");
    assert!(body.contains("with UTF8ESMTP "), "{body}");
}

#[tokio::test]
async fn the_null_sender_is_accepted_from_a_relay_client() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: From: Mail Delivery System <mailer-daemon@hospital.test>
         C: Subject: Delivery Status Notification
         C:
         C: report
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (meta, _) = fx.only_message();
    assert_eq!(meta.envelope.sender, "");
}

#[tokio::test]
async fn mt_priority_out_of_range_is_a_syntax_error_not_clamped() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test> MT-PRIORITY=12
         S: 501 5.5.4 MT-PRIORITY must be from -9 to 9
         C: MAIL FROM:<doc@hospital.test> MT-PRIORITY=-10
         S: 501 5.5.4 MT-PRIORITY must be from -9 to 9
         C: MAIL FROM:<doc@hospital.test> MT-PRIORITY=-9
         S: 250 2.1.0 Sender OK",
    )
    .await;
}

#[tokio::test]
async fn the_same_recipient_twice_gets_one_copy() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: RCPT TO:<pat@CLINIC.test>
         S: 250 2.1.5 Recipient OK (duplicate ignored)
         C: RCPT TO:<Pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: once
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as ",
    )
    .await;
    let (meta, _) = fx.only_message();
    assert_eq!(
        meta.envelope.recipients.len(),
        2,
        "Pat and pat are two mailboxes"
    );
}

#[tokio::test]
async fn auth_before_ehlo_is_out_of_sequence() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 503 5.5.1 Send EHLO first",
    )
    .await;
}
