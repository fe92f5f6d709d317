//! DATA and BDAT: the end of data, dot-stuffing, limits, smuggling, chunks.

use super::*;

/// Greeting, EHLO, a sender and one recipient, on the `relay` listener.
const OPEN: &str = "S: 220 mx.test ESMTP sealpost
                    C: EHLO client.test
                    S* 250
                    C: MAIL FROM:<doc@hospital.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<pat@clinic.test>
                    S: 250 2.1.5 Recipient OK";

#[tokio::test]
async fn data_unstuffs_dots_and_spools_the_message_with_its_envelope() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: From: Dr Doc <doc@hospital.test>
         C: Subject: results
         C:
         C: ..a line that began with a dot
         C: ...
         C: last line
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let queued = c.last().to_string();
    c.run(
        "C: QUIT
         S: 221 2.0.0 mx.test closing connection
         CLOSED",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert_eq!(
        queued,
        format!(
            "250 2.0.0 OK queued as {}",
            crate::spool::format_id(meta.id)
        )
    );
    let env = &meta.envelope;
    assert_eq!(env.sender, "doc@hospital.test");
    assert_eq!(env.recipients.len(), 1);
    assert_eq!(env.recipients[0].address, "pat@clinic.test");
    assert_eq!(env.listener, "relay");
    assert_eq!(env.client_ip, "10.0.0.5");
    assert_eq!(env.client_helo, "client.test");
    assert_eq!(env.auth_user, None);
    assert!(body.starts_with("Received: from client.test"), "{body}");
    assert!(body.contains("with ESMTP "), "{body}");
    assert!(
        body.ends_with("\r\n\r\n.a line that began with a dot\r\n..\r\nlast line\r\n"),
        "{body}"
    );
}

#[tokio::test]
async fn data_without_mail_or_recipients_is_refused() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: DATA
         S: 503 5.5.1 Need MAIL command first
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: DATA
         S: 554 5.5.1 No valid recipients
         C: RCPT TO:<pat@clinic.test>
         S: 554 5.7.1 Relay access denied
         C: DATA
         S: 554 5.5.1 No valid recipients",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn commands_pipelined_after_the_final_dot_are_answered_in_order() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: one
         C:
         C: first
         C: .
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<kin@clinic.test>
         C: DATA
         S~ 250 2.0.0 OK queued as
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: two
         C:
         C: second
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let mut to: Vec<String> = fx
        .spooled()
        .iter()
        .map(|m| m.envelope.recipients[0].address.clone())
        .collect();
    to.sort();
    assert_eq!(to, ["kin@clinic.test", "pat@clinic.test"]);
}

#[tokio::test]
async fn a_message_over_the_size_limit_gets_552_after_the_final_dot() {
    let fx = Fixture::with(|c| c.limits.max_message_size = 2_000);
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: big
         C:",
    )
    .await;
    for _ in 0..30 {
        c.c(&"x".repeat(98));
    }
    c.run(
        "C: .
         S: 552 5.3.4 Message size exceeds fixed maximum message size
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn a_line_over_1000_octets_gets_550_5_6_0_and_the_session_goes_on() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: long
         C:",
    )
    .await;
    c.c(&"y".repeat(999));
    c.run(
        "C: .
         S: 550 5.6.0 Message contains a line longer than 1000 octets (RFC 5322 §2.1.1)
         C: RCPT TO:<pat@clinic.test>
         S: 503 5.5.1 Need MAIL command first",
    )
    .await;
    assert!(fx.spooled().is_empty());
    // 998 octets and CRLF are allowed (RFC 5321 §4.5.3.1.6).
    c.run(
        "C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         C: DATA
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: long
         C:",
    )
    .await;
    c.c(&"y".repeat(998));
    c.run(
        "C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
}

#[tokio::test]
async fn a_bare_lf_in_data_gets_550_5_6_11_and_the_connection_closes() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    // A smuggling attempt: "\n.\r\n" ends the data for some servers, and
    // what follows would be a second, forged message.
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         R: Subject: one\\r\\n\\r\\nhi\\n.\\r\\nMAIL FROM:<ceo@hospital.test>\\r\\nRCPT TO:<evil@attacker.test>\\r\\nDATA\\r\\nSubject: forged\\r\\n\\r\\nx\\r\\n.\\r\\n
         S: 550 5.6.11 Bare CR or LF in message data; lines must end with CRLF
         CLOSED",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn a_bare_cr_in_data_gets_550_5_6_11_and_the_connection_closes() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         R: Subject: one\\r\\n\\r\\nhi\\r.\\r\\n.\\r\\n
         S: 550 5.6.11 Bare CR or LF in message data; lines must end with CRLF
         CLOSED",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn bdat_chunks_are_joined_and_last_hands_the_message_over() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "R: BDAT 12\\r\\nSubject: a\\r\\n
         S: 250 2.0.0 12 octets received, 12 in total
         R: BDAT 7\\r\\n\\r\\n.hi\\r\\n
         S: 250 2.0.0 7 octets received, 19 in total
         R: BDAT 0 LAST\\r\\n
         S~ 250 2.0.0 OK queued as
         C: NOOP
         S: 250 2.0.0 OK",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert_eq!(meta.envelope.recipients[0].address, "pat@clinic.test");
    // No dot-stuffing in BDAT: the leading dot stays.
    assert!(body.contains("\r\nSubject: a\r\n"), "{body}");
    assert!(body.ends_with("\r\n\r\n.hi\r\n"), "{body}");
}

#[tokio::test]
async fn bdat_may_be_pipelined_with_mail_and_rcpt() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         C: RCPT TO:<pat@clinic.test>
         R: BDAT 18 LAST\\r\\nSubject: a\\r\\n\\r\\nhi\\r\\n
         C: QUIT
         S: 250 2.1.0 Sender OK
         S: 250 2.1.5 Recipient OK
         S~ 250 2.0.0 OK queued as
         S: 221 2.0.0 mx.test closing connection
         CLOSED",
    )
    .await;
    assert_eq!(fx.spooled().len(), 1);
}

#[tokio::test]
async fn bdat_out_of_sequence_is_refused_and_its_chunk_never_read_as_commands() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         R: BDAT 6\\r\\nQUIT\\r\\n
         S: 503 5.5.1 Need MAIL command first
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         R: BDAT 6 LAST\\r\\nQUIT\\r\\n
         S: 554 5.5.1 No valid recipients
         C: BDAT many
         S: 501 5.5.4 Syntax: BDAT chunk-size [LAST]
         C: NOOP
         S: 250 2.0.0 OK",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn data_after_bdat_is_out_of_sequence() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "R: BDAT 12\\r\\nSubject: a\\r\\n
         S: 250 2.0.0 12 octets received, 12 in total
         C: DATA
         S: 503 5.5.1 DATA not allowed after BDAT
         R: BDAT 6 LAST\\r\\n\\r\\nhi\\r\\n
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (_, body) = fx.only_message();
    assert!(body.contains("\r\nSubject: a\r\n"), "{body}");
    assert!(body.ends_with("\r\n\r\nhi\r\n"), "{body}");
}

#[tokio::test]
async fn rset_during_bdat_drops_the_chunks() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "R: BDAT 12\\r\\nSubject: a\\r\\n
         S: 250 2.0.0 12 octets received, 12 in total
         C: RSET
         S: 250 2.0.0 OK
         R: BDAT 6 LAST\\r\\n\\r\\nhi\\r\\n
         S: 503 5.5.1 Need MAIL command first",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn bdat_over_the_size_limit_gets_552_and_nothing_is_spooled() {
    let fx = Fixture::with(|c| c.limits.max_message_size = 100);
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.raw(format!("BDAT 80\r\nSubject: a\r\n\r\n{}\r\n", "z".repeat(64)).as_bytes());
    c.run("S: 250 2.0.0 80 octets received, 80 in total").await;
    c.raw(format!("BDAT 80 LAST\r\n{}\r\n", "z".repeat(78)).as_bytes());
    c.run(
        "S: 552 5.3.4 Message size exceeds fixed maximum message size
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn bdat_with_a_bare_lf_or_a_long_line_is_refused_and_the_session_goes_on() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "R: BDAT 17 LAST\\r\\nSubject: a\\r\\n\\r\\nhi\\n
         S: 550 5.6.11 Bare CR or LF in message data; lines must end with CRLF
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK",
    )
    .await;
    c.raw(
        format!(
            "BDAT 1016 LAST\r\nSubject: a\r\n\r\n{}\r\n",
            "y".repeat(1000)
        )
        .as_bytes(),
    );
    c.run(
        "S: 550 5.6.0 Message contains a line longer than 1000 octets (RFC 5322 §2.1.1)
         C: NOOP
         S: 250 2.0.0 OK",
    )
    .await;
    assert!(fx.spooled().is_empty());
}

#[tokio::test]
async fn recipients_cannot_be_added_once_chunks_have_arrived() {
    let fx = Fixture::new();
    let mut c = fx.connect("relay", INSIDE);
    c.run(OPEN).await;
    c.run(
        "R: BDAT 12\\r\\nSubject: a\\r\\n
         S: 250 2.0.0 12 octets received, 12 in total
         C: RCPT TO:<late@clinic.test>
         S: 503 5.5.1 RCPT not allowed after BDAT
         C: MAIL FROM:<doc@hospital.test>
         S: 503 5.5.1 Nested MAIL command
         R: BDAT 6 LAST\\r\\n\\r\\nhi\\r\\n
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (meta, _) = fx.only_message();
    let to: Vec<&str> = meta
        .envelope
        .recipients
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(to, ["pat@clinic.test"]);
}
