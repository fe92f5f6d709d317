//! In-memory dialog tests: a scripted fake server on `tokio::io::duplex`.
//! Each script reads like the protocol: `S(..)` is what the server sends,
//! `C(..)` one line the client must send next, `Body(..)` the raw DATA
//! content up to and including the final ".\r\n". The server returns every
//! line it received, so tests can also assert what was *not* sent.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

use super::*;

pub(super) enum Step {
    S(&'static str),
    C(&'static str),
    Body(&'static [u8]),
    /// Keep the connection open and never answer again.
    Hang,
}
use Step::{Body, C, Hang, S};

pub(super) fn settings(tls: TlsPolicy) -> ClientSettings {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let config = verifying_config(&[]).expect("webpki roots load");
    let mut s = ClientSettings::new("client.example", tls, config);
    s.command_timeout = Duration::from_secs(30);
    s.data_timeout = Duration::from_secs(60);
    s
}

/// Run `script` as the server; returns the client lines it received.
/// Panics (failing the test) on the first line that differs.
async fn serve(stream: DuplexStream, script: Vec<Step>) -> Vec<String> {
    let mut r = BufReader::new(stream);
    let mut seen = Vec::new();
    for step in script {
        match step {
            S(text) => r
                .get_mut()
                .write_all(text.as_bytes())
                .await
                .expect("server write"),
            C(want) => {
                let mut line = String::new();
                r.read_line(&mut line).await.expect("server read");
                assert_eq!(
                    line.trim_end_matches("\r\n"),
                    want,
                    "client line; so far: {seen:?}"
                );
                assert!(
                    line.ends_with("\r\n"),
                    "client line must end in CRLF: {line:?}"
                );
                seen.push(line);
            }
            Body(want) => {
                let mut got = Vec::new();
                while !got.ends_with(b"\r\n.\r\n") && got != b".\r\n" {
                    let n = r
                        .read_until(b'\n', &mut got)
                        .await
                        .expect("server read body");
                    assert!(n > 0, "eof in body");
                }
                assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want));
            }
            Hang => std::future::pending::<()>().await,
        }
    }
    // Anything the client sends after the script is recorded too.
    let mut rest = String::new();
    let _ = tokio::time::timeout(Duration::from_millis(50), r.read_to_string(&mut rest)).await;
    seen.extend(rest.split_inclusive("\r\n").map(str::to_string));
    seen
}

const GREET: Step = S("220 mx.test ESMTP\r\n");
const EHLO: Step = C("EHLO client.example");
const EHLO_PIPE: Step = S("250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n");
const EHLO_PLAIN: Step = S("250-mx.test\r\n250 SIZE 1000\r\n");

fn rcpts(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn envelope<'a>(from: &'a str, to: &'a [String]) -> Envelope<'a> {
    Envelope {
        mail_from: from,
        recipients: to,
        size: 0,
        smtputf8: false,
        body_8bit: false,
        dsn: None,
        mt_priority: None,
        requiretls: false,
    }
}

/// Start the server, handshake the client with `mode`.
async fn start(
    script: Vec<Step>,
    policy: TlsPolicy,
    mode: TlsMode,
) -> (
    Result<Client<DuplexStream>, ClientError>,
    tokio::task::JoinHandle<Vec<String>>,
) {
    let (c, s) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(serve(s, script));
    let client = Client::handshake(c, "mx.test", &settings(policy), mode).await;
    (client, server)
}

async fn plain(script: Vec<Step>) -> (Client<DuplexStream>, tokio::task::JoinHandle<Vec<String>>) {
    let (client, server) = start(script, TlsPolicy::None, TlsMode::Plain).await;
    (client.expect("handshake"), server)
}

fn reply(code: u16, enhanced: Option<(u8, u16, u16)>, text: &str) -> ServerReply {
    ServerReply {
        code,
        enhanced: enhanced.map(|(c, s, d)| crate::smtp::reply::Enhanced::new(c, s, d)),
        lines: text.split('\n').map(str::to_string).collect(),
    }
}

#[tokio::test]
async fn pipelined_transaction_sends_mail_rcpts_and_data_before_reading_replies() {
    // The server reads MAIL, both RCPTs and DATA before it answers anything:
    // a client waiting for the MAIL reply would time out here.
    tokio::time::pause();
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=7"),
        C("RCPT TO:<b@y.test>"),
        C("RCPT TO:<c@y.test>"),
        C("DATA"),
        S("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n354 go\r\n"),
        Body(b"Hi\r\n..\r\n.\r\n"),
        S("250 2.0.0 queued\r\n"),
        C("QUIT"),
        S("221 bye\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    assert!(client.extensions().pipelining);
    assert_eq!(client.max_size(), Some(1000));
    let to = rcpts(&["b@y.test", "c@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"Hi\r\n.\r\n")
        .await
        .expect("send");
    assert_eq!(out, vec![RcptOutcome::Accepted, RcptOutcome::Accepted]);
    client.quit().await;
    server.await.expect("server");
}

#[tokio::test]
async fn lines_starting_with_a_dot_are_stuffed_on_the_wire() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PLAIN,
        C("MAIL FROM:<> SIZE=30"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("250 ok\r\n"),
        C("DATA"),
        S("354 go\r\n"),
        Body(b"..\r\n...x\r\na.b\r\n..\r\n..end\r\n.\r\n"),
        S("250 queued\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let mut env = envelope("", &to);
    env.size = 30;
    let out = client
        .send(&env, b".\r\n..x\r\na.b\r\n.\r\n.end")
        .await
        .expect("send");
    assert_eq!(out, vec![RcptOutcome::Accepted]);
    server.await.expect("server");
}

#[tokio::test]
async fn mixed_recipient_outcomes_are_reported_in_order() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        C("RCPT TO:<ok@y.test>"),
        C("RCPT TO:<later@y.test>"),
        C("RCPT TO:<never@y.test>"),
        C("DATA"),
        S(
            "250 ok\r\n250 ok\r\n450 4.2.1 mailbox busy\r\n550-5.1.1 no such user\r\n550 5.1.1 really\r\n354 go\r\n",
        ),
        Body(b"body\r\n.\r\n"),
        S("250 queued\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["ok@y.test", "later@y.test", "never@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    assert_eq!(
        out,
        vec![
            RcptOutcome::Accepted,
            RcptOutcome::Transient(reply(450, Some((4, 2, 1)), "mailbox busy")),
            RcptOutcome::Permanent(reply(550, Some((5, 1, 1)), "no such user\nreally")),
        ]
    );
    server.await.expect("server");
}

#[tokio::test]
async fn rejected_mail_applies_to_every_recipient_and_sends_no_rcpt() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PLAIN,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        S("553 5.7.1 sender refused\r\n"),
        C("QUIT"),
        S("221 bye\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test", "c@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    let r = reply(553, Some((5, 7, 1)), "sender refused");
    assert_eq!(
        out,
        vec![RcptOutcome::Permanent(r.clone()), RcptOutcome::Permanent(r)]
    );
    client.quit().await;
    let seen = server.await.expect("server");
    assert!(!seen.iter().any(|l| l.starts_with("RCPT")), "{seen:?}");
}

#[tokio::test]
async fn data_rejected_with_4xx_defers_only_the_accepted_recipients() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PLAIN,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("250 ok\r\n"),
        C("RCPT TO:<c@y.test>"),
        S("550 5.1.1 unknown\r\n"),
        C("DATA"),
        S("451 4.3.0 try later\r\n"),
        C("RSET"),
        S("250 ok\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test", "c@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    assert_eq!(
        out,
        vec![
            RcptOutcome::Transient(reply(451, Some((4, 3, 0)), "try later")),
            RcptOutcome::Permanent(reply(550, Some((5, 1, 1)), "unknown")),
        ]
    );
    assert!(client.is_usable());
    server.await.expect("server");
}

#[tokio::test]
async fn final_reply_5xx_after_data_fails_accepted_recipients_permanently() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        C("RCPT TO:<b@y.test>"),
        C("DATA"),
        S("250 ok\r\n250 ok\r\n354 go\r\n"),
        Body(b"body\r\n.\r\n"),
        S("554 5.6.0 content rejected\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    assert_eq!(
        out,
        vec![RcptOutcome::Permanent(reply(
            554,
            Some((5, 6, 0)),
            "content rejected"
        ))]
    );
    server.await.expect("server");
}

#[tokio::test]
async fn final_reply_4xx_after_data_defers_accepted_recipients() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PLAIN,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("250 ok\r\n"),
        C("DATA"),
        S("354 go\r\n"),
        Body(b"body\r\n.\r\n"),
        S("452 4.3.1 out of space\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    assert_eq!(
        out,
        vec![RcptOutcome::Transient(reply(
            452,
            Some((4, 3, 1)),
            "out of space"
        ))]
    );
    server.await.expect("server");
}

#[tokio::test]
async fn no_accepted_recipient_sends_rset_instead_of_data() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PLAIN,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("550 5.1.1 unknown\r\n"),
        C("RSET"),
        S("250 ok\r\n"),
        C("QUIT"),
        S("221 bye\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let out = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect("send");
    assert_eq!(
        out,
        vec![RcptOutcome::Permanent(reply(
            550,
            Some((5, 1, 1)),
            "unknown"
        ))]
    );
    client.quit().await;
    let seen = server.await.expect("server");
    assert!(!seen.iter().any(|l| l.starts_with("DATA")), "{seen:?}");
}

#[tokio::test]
async fn multi_line_replies_are_joined_and_ehlo_keywords_parsed() {
    let script = vec![
        S("220-mx.test first\r\n220-second line\r\n220 ready\r\n"),
        EHLO,
        S(
            "250-mx.test hello\r\n250-DSN\r\n250-MT-PRIORITY\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
        ),
    ];
    let (client, server) = plain(script).await;
    let ext = client.extensions();
    assert!(
        ext.dsn && ext.mt_priority && ext.enhanced_status_codes && ext.smtputf8 && ext.chunking
    );
    assert!(!ext.pipelining && !ext.starttls);
    assert_eq!(client.max_size(), None);
    assert!(client.tls_info().is_none());
    server.await.expect("server");
}

#[tokio::test]
async fn dsn_and_mt_priority_are_passed_only_when_offered() {
    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250-DSN\r\n250-MT-PRIORITY\r\n250 SMTPUTF8\r\n"),
        C("MAIL FROM:<a@x.test> SMTPUTF8 RET=HDRS ENVID=q+2B1 MT-PRIORITY=-3"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@y.test"),
        S("250 ok\r\n"),
        C("RCPT TO:<ü@y.test>"),
        S("250 ok\r\n"),
        C("DATA"),
        S("354 go\r\n"),
        Body(b"x\r\n.\r\n"),
        S("250 ok\r\n"),
        C("MAIL FROM:<a@x.test>"),
        S("250 ok\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test", "ü@y.test"]);
    let per = [RcptDsn {
        notify: Some(Notify {
            success: false,
            failure: true,
            delay: true,
        }),
        orcpt: Some("b@y.test"),
    }];
    let mut env = envelope("a@x.test", &to);
    env.dsn = Some(DsnParams {
        ret: Some(DsnRet::Headers),
        envid: Some("q+1"),
        recipients: &per,
    });
    env.mt_priority = Some(-3);
    let out = client.send(&env, b"x\r\n").await.expect("send");
    assert_eq!(out, vec![RcptOutcome::Accepted, RcptOutcome::Accepted]);
    // Second transaction on another connection's view: nothing offered => nothing sent.
    drop(out);
    server.abort();

    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250 8BITMIME\r\n"),
        C("MAIL FROM:<a@x.test>"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("250 ok\r\n"),
        C("DATA"),
        S("354 go\r\n"),
        Body(b"x\r\n.\r\n"),
        S("250 ok\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let mut env = envelope("a@x.test", &to);
    env.dsn = Some(DsnParams {
        ret: Some(DsnRet::Full),
        envid: Some("id"),
        recipients: &per,
    });
    env.mt_priority = Some(5);
    client.send(&env, b"x\r\n").await.expect("send");
    server.await.expect("server");
}

#[tokio::test]
async fn requiretls_is_sent_when_offered_and_refused_before_mail_otherwise() {
    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250 REQUIRETLS\r\n"),
        C("MAIL FROM:<a@x.test> REQUIRETLS"),
        S("250 ok\r\n"),
        C("RCPT TO:<b@y.test>"),
        S("250 ok\r\n"),
        C("DATA"),
        S("354 go\r\n"),
        Body(b"x\r\n.\r\n"),
        S("250 ok\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let mut env = envelope("a@x.test", &to);
    env.requiretls = true;
    client.send(&env, b"x\r\n").await.expect("send");
    server.await.expect("server");

    // Not offered: no MAIL is sent at all.
    let script = vec![GREET, EHLO, S("250-mx.test\r\n250 8BITMIME\r\n")];
    let (mut client, server) = plain(script).await;
    let err = client.send(&env, b"x\r\n").await.expect_err("refused");
    assert!(matches!(err, ClientError::RequireTlsUnsupported), "{err}");
    assert!(!err.is_transient());
    server.abort();
}

#[tokio::test]
async fn over_long_reply_line_is_a_protocol_error() {
    let long: &'static str = Box::leak(format!("220 {}\r\n", "x".repeat(5000)).into_boxed_str());
    let (client, _server) = start(vec![S(long)], TlsPolicy::None, TlsMode::Plain).await;
    let err = client.expect_err("must fail");
    assert!(
        matches!(err, ClientError::Protocol(ref m) if m.contains("longer than")),
        "{err}"
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn reply_with_too_many_lines_is_a_protocol_error() {
    let many: &'static str = Box::leak(("250-x\r\n".repeat(150) + "250 end\r\n").into_boxed_str());
    let (client, _server) =
        start(vec![GREET, EHLO, S(many)], TlsPolicy::None, TlsMode::Plain).await;
    let err = client.expect_err("must fail");
    assert!(
        matches!(err, ClientError::Protocol(ref m) if m.contains("lines")),
        "{err}"
    );
}

#[tokio::test]
async fn silent_server_times_out_at_greeting() {
    tokio::time::pause();
    let (c, _s) = tokio::io::duplex(1024);
    let err = Client::handshake(c, "mx.test", &settings(TlsPolicy::None), TlsMode::Plain)
        .await
        .expect_err("timeout");
    assert!(matches!(err, ClientError::Timeout("greeting")), "{err}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn missing_final_reply_times_out_and_makes_client_unusable() {
    tokio::time::pause();
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=6"),
        C("RCPT TO:<b@y.test>"),
        C("DATA"),
        S("250 ok\r\n250 ok\r\n354 go\r\n"),
        Body(b"body\r\n.\r\n"),
        // ...and the server never answers the final dot.
        Hang,
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let err = client
        .send(&envelope("a@x.test", &to), b"body\r\n")
        .await
        .expect_err("timeout");
    assert!(matches!(err, ClientError::Timeout("end of data")), "{err}");
    assert!(!client.is_usable());
    assert!(matches!(
        client.send(&envelope("a@x.test", &to), b"x\r\n").await,
        Err(ClientError::Unusable)
    ));
    server.abort();
}

#[tokio::test]
async fn message_over_size_limit_fails_permanently_without_sending() {
    let script = vec![GREET, EHLO, EHLO_PIPE, C("QUIT"), S("221 bye\r\n")];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let body = vec![b'a'; 1001];
    let err = client
        .send(&envelope("a@x.test", &to), &body)
        .await
        .expect_err("too big");
    assert!(
        matches!(
            err,
            ClientError::SizeExceeded {
                size: 1001,
                max: 1000
            }
        ),
        "{err}"
    );
    assert!(!err.is_transient());
    assert!(client.is_usable());
    client.quit().await;
    let seen = server.await.expect("server");
    assert!(!seen.iter().any(|l| l.starts_with("MAIL")), "{seen:?}");
}

#[tokio::test]
async fn utf8_address_without_smtputf8_is_refused_before_mail() {
    let script = vec![GREET, EHLO, EHLO_PLAIN, C("QUIT"), S("221 bye\r\n")];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["ü@y.test"]);
    let err = client
        .send(&envelope("a@x.test", &to), b"x\r\n")
        .await
        .expect_err("unsupported");
    assert!(matches!(err, ClientError::Unsupported("SMTPUTF8")), "{err}");
    assert!(!err.is_transient());
    let to = rcpts(&["b@y.test\r\nDATA"]);
    let err = client
        .send(&envelope("a@x.test", &to), b"x\r\n")
        .await
        .expect_err("injection");
    assert!(matches!(err, ClientError::InvalidEnvelope(_)), "{err}");
    client.quit().await;
    server.await.expect("server");
}

#[tokio::test]
async fn greeting_554_is_a_permanent_rejection_followed_by_quit() {
    let script = vec![S("554 5.7.1 go away\r\n"), C("QUIT"), S("221 bye\r\n")];
    let (client, server) = start(script, TlsPolicy::None, TlsMode::Plain).await;
    let err = client.expect_err("rejected");
    assert!(
        matches!(err, ClientError::Rejected(ref r) if r.code == 554),
        "{err}"
    );
    assert!(!err.is_transient());
    server.await.expect("server");
}

#[tokio::test]
async fn ehlo_not_recognised_falls_back_to_helo() {
    let script = vec![
        GREET,
        EHLO,
        S("502 5.5.1 command not implemented\r\n"),
        C("HELO client.example"),
        S("250 mx.test\r\n"),
    ];
    let (client, server) = plain(script).await;
    assert!(!client.extensions().esmtp);
    server.await.expect("server");
}

#[tokio::test]
async fn required_tls_without_starttls_fails_closed_before_mail() {
    let script = vec![GREET, EHLO, EHLO_PIPE, C("QUIT"), S("221 bye\r\n")];
    let cfg = settings(TlsPolicy::Required).tls_config;
    let (client, server) = start(
        script,
        TlsPolicy::Required,
        TlsMode::Required { config: cfg },
    )
    .await;
    let err = client.expect_err("must fail closed");
    assert!(matches!(err, ClientError::TlsRequired(_)), "{err}");
    assert!(err.is_transient());
    let seen = server.await.expect("server");
    assert!(!seen.iter().any(|l| l.starts_with("MAIL")), "{seen:?}");
}

#[tokio::test]
async fn required_tls_with_refused_starttls_fails_closed() {
    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250 STARTTLS\r\n"),
        C("STARTTLS"),
        S("454 4.7.0 TLS not available\r\n"),
        C("QUIT"),
        S("221 bye\r\n"),
    ];
    let cfg = settings(TlsPolicy::Required).tls_config;
    let (client, server) = start(
        script,
        TlsPolicy::Required,
        TlsMode::Required { config: cfg },
    )
    .await;
    assert!(matches!(
        client.expect_err("fail"),
        ClientError::TlsRequired(_)
    ));
    server.await.expect("server");
}

#[tokio::test]
async fn opportunistic_tls_with_refused_starttls_continues_in_plaintext() {
    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250 STARTTLS\r\n"),
        C("STARTTLS"),
        S("454 4.7.0 TLS not available\r\n"),
    ];
    let config = settings(TlsPolicy::Opportunistic).tls_config;
    let mode = TlsMode::Opportunistic {
        config,
        verified: true,
    };
    let (client, server) = start(script, TlsPolicy::Opportunistic, mode).await;
    assert!(client.expect("plaintext").tls_info().is_none());
    server.await.expect("server");
}

#[tokio::test]
async fn data_pipelined_after_starttls_reply_is_refused() {
    // RFC 3207 §4.2 / CVE-2011-0411: bytes after "220" must not survive into TLS.
    let script = vec![
        GREET,
        EHLO,
        S("250-mx.test\r\n250 STARTTLS\r\n"),
        C("STARTTLS"),
        S("220 go ahead\r\n250 injected\r\n"),
    ];
    let cfg: Arc<rustls::ClientConfig> = settings(TlsPolicy::Required).tls_config;
    let (client, _server) = start(
        script,
        TlsPolicy::Required,
        TlsMode::Required { config: cfg },
    )
    .await;
    let err = client.expect_err("injection");
    assert!(
        matches!(err, ClientError::Protocol(ref m) if m.contains("STARTTLS")),
        "{err}"
    );
}

#[tokio::test]
async fn reply_421_defers_and_makes_the_client_unusable() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=7 BODY=8BITMIME"),
        C("RCPT TO:<b@y.test>"),
        C("DATA"),
        S("421 4.3.2 shutting down\r\n421 4.3.2 shutting down\r\n421 4.3.2 shutting down\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let mut env = envelope("a@x.test", &to);
    env.body_8bit = true;
    let out = client.send(&env, b"b\xc3\xb6dy\r\n").await.expect("send");
    assert_eq!(
        out,
        vec![RcptOutcome::Transient(reply(
            421,
            Some((4, 3, 2)),
            "shutting down"
        ))]
    );
    assert!(!client.is_usable());
    server.await.expect("server");
}

#[tokio::test]
async fn eight_bit_body_without_8bitmime_is_refused_before_mail() {
    let script = vec![GREET, EHLO, EHLO_PLAIN];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    let mut env = envelope("a@x.test", &to);
    env.body_8bit = true;
    let err = client
        .send(&env, b"b\xc3\xb6dy\r\n")
        .await
        .expect_err("unsupported");
    assert!(matches!(err, ClientError::Unsupported("8BITMIME")), "{err}");
    drop(client);
    let seen = server.await.expect("server");
    assert!(!seen.iter().any(|l| l.starts_with("MAIL")), "{seen:?}");
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[tokio::test]
async fn many_recipients_are_pipelined_in_groups_of_one_hundred() {
    tokio::time::pause();
    let to: Vec<String> = (0..150).map(|i| format!("r{i}@y.test")).collect();
    let mut script = vec![GREET, EHLO, EHLO_PIPE, C("MAIL FROM:<a@x.test> SIZE=3")];
    script.extend(to[..100].iter().map(|r| C(leak(format!("RCPT TO:<{r}>")))));
    script.push(S(leak("250 ok\r\n".repeat(101))));
    script.extend(to[100..].iter().map(|r| C(leak(format!("RCPT TO:<{r}>")))));
    script.push(C("DATA"));
    script.push(S(leak("250 ok\r\n".repeat(50) + "354 go\r\n")));
    script.extend([Body(b"x\r\n.\r\n"), S("250 queued\r\n")]);
    let (mut client, server) = plain(script).await;
    let out = client
        .send(&envelope("a@x.test", &to), b"x\r\n")
        .await
        .expect("send");
    assert_eq!(out, vec![RcptOutcome::Accepted; 150]);
    server.await.expect("server");
}

/// Whatever the entry point, a body with NUL, a bare CR or a bare LF never
/// reaches a next hop: every published smuggling sequence is refused before
/// MAIL, permanently (the stored message will not change), and the
/// connection stays usable for the next message.
#[tokio::test]
async fn smuggling_sequences_in_a_body_are_refused_before_mail() {
    let script = vec![
        GREET,
        EHLO,
        EHLO_PIPE,
        C("MAIL FROM:<a@x.test> SIZE=10"),
        C("RCPT TO:<b@y.test>"),
        C("DATA"),
        S("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n"),
        Body(b"clean\r\n..\r\n.\r\n"),
        S("250 2.0.0 queued\r\n"),
    ];
    let (mut client, server) = plain(script).await;
    let to = rcpts(&["b@y.test"]);
    for seq in crate::smtp::data::smuggling_sequences() {
        let mut body = b"Subject: x\r\n\r\nhello".to_vec();
        body.extend_from_slice(&seq);
        body.extend_from_slice(b"MAIL FROM:<evil@x.test>\r\n");
        let err = client
            .send(&envelope("a@x.test", &to), &body)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, ClientError::UnsafeBody { .. }),
            "{seq:?}: {err}"
        );
        assert!(!err.is_transient());
    }
    let out = client
        .send(&envelope("a@x.test", &to), b"clean\r\n.\r\n")
        .await
        .expect("clean body still goes");
    assert_eq!(out, vec![RcptOutcome::Accepted]);
    drop(client);
    let seen = server.await.expect("server");
    assert_eq!(
        seen.iter().filter(|l| l.starts_with("MAIL")).count(),
        1,
        "{seen:?}"
    );
    assert!(!seen.iter().any(|l| l.contains("evil")), "{seen:?}");
}
