//! SMTP smuggling end to end (issue 12): every published end-of-data
//! variant (bare CR, bare LF, NUL before or after the dot; 79 sequences)
//! sent to the real daemon on real sockets, on a plain relay listener and
//! on an authenticated STARTTLS submission listener, in DATA and in BDAT.
//! Each is refused with a precise reply; and the bytes that reach the next
//! hop (a raw recording sink) never hold a NUL, a bare CR or a bare LF.

mod common;

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use sealpost::smtp::data::{forbidden_octet, smuggling_sequences};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A next hop that records the raw DATA bytes exactly as they arrive
/// (dot-stuffed, up to and including the final `.CRLF`).
#[derive(Clone)]
struct RawSink {
    port: u16,
    data: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RawSink {
    async fn start() -> RawSink {
        let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = l.local_addr().expect("addr").port();
        let sink = RawSink {
            port,
            data: Arc::default(),
        };
        let me = sink.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let me = me.clone();
                tokio::spawn(async move { me.session(s).await });
            }
        });
        sink
    }

    async fn session(&self, mut s: tokio::net::TcpStream) {
        let _ = s.write_all(b"220 raw.test ESMTP\r\n").await;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let Some(pos) = buf.iter().position(|&b| b == b'\n') else {
                match s.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
                continue;
            };
            let line: Vec<u8> = buf.drain(..=pos).collect();
            let upper = String::from_utf8_lossy(&line).to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-raw.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if upper.starts_with("DATA") {
                let _ = s.write_all(b"354 go\r\n").await;
                // Raw bytes up to the first CRLF.CRLF, nothing interpreted.
                let mut data = std::mem::take(&mut buf);
                while !data.ends_with(b"\r\n.\r\n") && data != b".\r\n" {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&chunk[..n]),
                    }
                }
                self.data.lock().expect("lock").push(data);
                b"250 2.0.0 stored\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = s.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 2.0.0 ok\r\n"
            };
            if s.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    fn all(&self) -> Vec<Vec<u8>> {
        self.data.lock().expect("lock").clone()
    }
}

fn attack(seq: &[u8]) -> Vec<u8> {
    let mut payload = b"From: a@hosp.example\r\nSubject: outer\r\n\r\nbody".to_vec();
    payload.extend_from_slice(seq);
    payload.extend_from_slice(
        b"MAIL FROM:<evil@x.example>\r\nRCPT TO:<smuggled@x.example>\r\nDATA\r\n\
Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n",
    );
    payload
}

/// DATA with the attack, on an open session; the reply must be a refusal
/// naming the bad octet, and the server must hang up.
async fn data_attack(c: &mut Client, seq: &[u8]) {
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(&attack(seq)).await;
    let (code, text) = c.reply().await;
    assert_eq!(code, 550, "{seq:?}: {code} {text}");
    let want = if seq.contains(&0) && text.starts_with("5.6.0") {
        "NUL"
    } else {
        "Bare CR or LF"
    };
    assert!(
        text.starts_with("5.6.11") || text.starts_with("5.6.0"),
        "{seq:?}: {text}"
    );
    assert!(text.contains(want), "{seq:?}: {text}");
    assert!(c.lines.closed().await, "{seq:?}: connection left open");
}

#[tokio::test]
async fn every_smuggling_sequence_is_refused_inbound_and_nothing_reaches_the_next_hop() {
    let sink = RawSink::start().await;
    let d = Daemon::start(sink.port).await;
    let seqs = smuggling_sequences();
    assert!(seqs.len() >= 16);
    for seq in &seqs {
        let mut c = Client::connect(d.ports.plain).await;
        c.cmd("EHLO client.test", 250).await;
        data_attack(&mut c, seq).await;
    }
    // As the outside scanner did: authenticated STARTTLS submission.
    d.add_user("ehr", "correct horse", &["hosp.example"]).await;
    let creds = B64.encode(b"\0ehr\0correct horse");
    for seq in seqs.iter().filter(|s| s.contains(&0)).take(8) {
        let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
        c.cmd("EHLO client.test", 250).await;
        c.cmd(&format!("AUTH PLAIN {creds}"), 235).await;
        data_attack(&mut c, seq).await;
    }
    // BDAT frames by length: the message is refused, the session goes on.
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    for (seq, want) in [
        (&b"\r\n\0.\r\n"[..], "5.6.0"),
        (&b"\r\n.\0\r\n"[..], "5.6.0"),
        (&b"\n.\n"[..], "5.6.11"),
        (&b"\r.\r\n"[..], "5.6.11"),
    ] {
        c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
        c.cmd("RCPT TO:<b@x.example>", 250).await;
        let body = attack(seq);
        c.send_raw(format!("BDAT {} LAST\r\n", body.len()).as_bytes())
            .await;
        c.send_raw(&body).await;
        let t = c.expect(550).await;
        assert!(t.starts_with(want), "{seq:?}: {t}");
    }
    // A clean message still goes through, and is the only one delivered.
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "a@hosp.example",
        &["b@x.example"],
        "Subject: clean\r\n\r\nclean-marker",
    )
    .await;
    let got = wait_for("the clean message at the next hop", || {
        let all = sink.all();
        (!all.is_empty()).then_some(all)
    })
    .await;
    assert_eq!(got.len(), 1);
    let text = String::from_utf8_lossy(&got[0]);
    assert!(text.contains("clean-marker"));
    assert!(
        !text.contains("smuggled") && !text.contains("evil"),
        "{text}"
    );
    let (_, metrics) = d.http_get("/metrics").await;
    for reason in ["nul", "bare_newline"] {
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("sealpost_smtp_messages_rejected_total")
                    && l.contains(&format!("reason=\"{reason}\""))),
            "no {reason} rejections counted"
        );
    }
}

/// Messages that stress the codec (dot lines, 8-bit text, lines of 998
/// octets, a body without a final CRLF via BDAT) reach the next hop as
/// clean CRLF lines, correctly dot-stuffed, without NUL.
#[tokio::test]
async fn bytes_at_the_next_hop_are_clean_crlf_lines() {
    let sink = RawSink::start().await;
    let d = Daemon::start(sink.port).await;
    let long = "x".repeat(998);
    let bodies = [
        "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n. \r\nend".to_string(),
        "Subject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPatiënt ✓ naïve\r\n"
            .to_string(),
        format!("Subject: long\r\n\r\n{long}\r\n{long}"),
    ];
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    for b in &bodies {
        c.send_message("a@hosp.example", &["b@x.example"], b).await;
    }
    c.cmd("MAIL FROM:<a@hosp.example>", 250).await;
    c.cmd("RCPT TO:<b@x.example>", 250).await;
    let chunked = b"Subject: bdat\r\n\r\nno final line end";
    c.send_raw(format!("BDAT {} LAST\r\n", chunked.len()).as_bytes())
        .await;
    c.send_raw(chunked).await;
    c.expect(250).await;
    let got = wait_for("4 messages at the next hop", || {
        let all = sink.all();
        (all.len() >= 4).then_some(all)
    })
    .await;
    for raw in &got {
        assert!(
            raw.ends_with(b"\r\n.\r\n"),
            "{}",
            String::from_utf8_lossy(raw)
        );
        let body = &raw[..raw.len() - 3];
        assert_eq!(
            forbidden_octet(body),
            None,
            "{}",
            String::from_utf8_lossy(raw)
        );
        // Dot-stuffing: no line of the wire form is a lone "." before the end.
        assert!(!body.windows(5).any(|w| w == b"\r\n.\r\n"));
    }
    let all: Vec<String> = got
        .iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect();
    assert!(
        all.iter()
            .any(|t| t.contains("\r\n..\r\n...\r\n..leading\r\n.. \r\n")),
        "{all:?}"
    );
    assert!(all.iter().any(|t| t.contains("Patiënt ✓ naïve")));
    assert!(all.iter().any(|t| t.contains("no final line end\r\n.\r\n")));
}
