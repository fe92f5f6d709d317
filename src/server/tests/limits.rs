//! Pipelining (RFC 2920), line limits, the error budget, timeouts and
//! shutdown.

use std::time::Duration;

use super::*;

#[tokio::test]
async fn pipelined_commands_get_their_replies_in_order_in_one_flush() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         C: RCPT TO:<not an address>
         C: RCPT TO:<kin@clinic.test>
         C: DATA
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 501 5.1.3 Bad recipient address syntax
         S: 250 2.1.5 Recipient OK
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: pipelined
         C:
         C: hi
         C: .
         C: QUIT
         S~ 250 2.0.0 OK queued as
         S: 221 2.0.0 mx.test closing connection
         CLOSED",
    )
    .await;
    let flushes = c.flushes();
    let batch = flushes
        .iter()
        .find(|f| f.starts_with("250 2.1.0 Sender OK"))
        .expect("the MAIL reply");
    assert_eq!(
        batch,
        "250 2.1.0 Sender OK\r\n\
         250 2.1.5 Recipient OK\r\n\
         501 5.1.3 Bad recipient address syntax\r\n\
         250 2.1.5 Recipient OK\r\n\
         354 End data with <CR><LF>.<CR><LF>\r\n",
        "all of {flushes:?}"
    );
    let last = flushes.last().expect("a last flush");
    assert!(
        last.starts_with("250 2.0.0 OK queued as ")
            && last.ends_with("\r\n221 2.0.0 mx.test closing connection\r\n"),
        "{flushes:?}"
    );
    let (meta, _) = fx.only_message();
    assert_eq!(meta.envelope.recipients.len(), 2);
}

#[tokio::test]
async fn a_command_line_over_512_octets_gets_500_5_5_2() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run("S: 220 mx.test ESMTP sealpost").await;
    c.c(&format!("NOOP {}", "x".repeat(506)));
    c.run("S: 500 5.5.2 Line too long").await;
    // One reply for a line far past the read buffer, too.
    c.c(&format!("NOOP {}", "x".repeat(5000)));
    c.run("S: 500 5.5.2 Line too long").await;
    c.c(&format!("MAIL FROM:<{}@hospital.test>", "x".repeat(1100)));
    c.run(
        "S: 500 5.5.2 Line too long
         C: NOOP
         S: 250 2.0.0 OK",
    )
    .await;
    // 510 octets and CRLF is still a command.
    c.c(&format!("NOOP {}", "x".repeat(505)));
    c.run("S: 250 2.0.0 OK").await;
}

#[tokio::test]
async fn too_many_errors_end_the_session_with_421() {
    let fx = Fixture::with(|c| c.limits.max_errors = 3);
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: FROB
         C: MAIL FROM:<doc@hospital.test>
         C: NOOP
         C: BDAT
         C: NOOP
         S: 500 5.5.1 Command unrecognized
         S: 503 5.5.1 Send EHLO or HELO first
         S: 250 2.0.0 OK
         S: 501 5.5.4 Syntax: BDAT chunk-size [LAST]
         S: 421 4.7.0 Too many errors, closing connection
         CLOSED",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_client_gets_421_4_4_2_after_the_command_timeout() {
    let fx = Fixture::with(|c| c.limits.command_timeout = Duration::from_secs(10));
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         R: NOO
         S: 421 4.4.2 Timeout exceeded, closing connection
         CLOSED",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_stalled_message_gets_421_4_4_2_after_the_data_timeout() {
    let fx = Fixture::with(|c| {
        c.limits.command_timeout = Duration::from_secs(5);
        c.limits.data_timeout = Duration::from_secs(10);
    });
    let mut c = fx.connect("relay", INSIDE);
    let started = tokio::time::Instant::now();
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         C: DATA
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: stalled
         C:
         C: half a mess
         S: 421 4.4.2 Timeout exceeded, closing connection
         CLOSED",
    )
    .await;
    // The data timeout, not the command timeout, applies inside DATA.
    assert!(started.elapsed() >= Duration::from_secs(10));
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn shutdown_between_commands_gets_421_4_3_2() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250",
    )
    .await;
    fx.svc.accept.begin_shutdown();
    c.shutdown.send_replace(true);
    c.run(
        "S: 421 4.3.2 Service shutting down, try again later
         CLOSED",
    )
    .await;
}

#[tokio::test]
async fn shutdown_during_a_transaction_answers_its_end_once_and_closes() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         C: DATA
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 354 End data with <CR><LF>.<CR><LF>",
    )
    .await;
    fx.svc.accept.begin_shutdown();
    c.shutdown.send_replace(true);
    // The data is still read to its end (the stream stays in sync), the
    // accept stage refuses it, and 421 closes the connection (RFC 5321 §3.8).
    c.run(
        "C: Subject: late
         C:
         C: hi
         C: .
         S: 421 4.3.2 Service shutting down, try again later
         CLOSED",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_stalled_bdat_chunk_gets_421_4_4_2_after_the_data_timeout() {
    let fx = Fixture::with(|c| c.limits.data_timeout = Duration::from_secs(10));
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         R: BDAT 100 LAST\\r\\nSubject: short of 100
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 421 4.4.2 Timeout exceeded, closing connection
         CLOSED",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_stalled_auth_exchange_gets_421_and_closes() {
    let fx = Fixture::with(|c| c.limits.command_timeout = Duration::from_secs(10));
    let mut c = fx.connect("smtps", OUTSIDE);
    c.run(
        "TLS
         S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: AUTH LOGIN
         S: 334 VXNlcm5hbWU6
         S: 421 4.4.2 Timeout or connection lost during AUTH
         CLOSED",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_starts_the_handshake_is_dropped() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", INSIDE);
    let started = tokio::time::Instant::now();
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS
         CLOSED",
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(30));
}
