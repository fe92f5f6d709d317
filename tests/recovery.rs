//! Start-up recovery: a broken sled index is rebuilt from the segments,
//! a damaged record is quarantined (never a panic), and idle clients time
//! out with 421.

mod common;

use common::*;

async fn queue_three(d: &Daemon) {
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    for i in 0..3 {
        let body = format!("Subject: n{i}\r\nX-Seq: {i}\r\n\r\nbody {i}");
        c.send_message("a@hosp.example", &[&format!("r{i}@x.example")], &body)
            .await;
    }
}

#[tokio::test]
async fn unreadable_sled_index_is_rebuilt_from_the_segments() {
    // Down during the first run, so the messages stay queued.
    let sink = Sink::start_down().await;
    let mut d = Daemon::start(sink.port).await;
    queue_three(&d).await;
    d.kill9();
    let index = d.path().join("spool/index");
    for e in std::fs::read_dir(&index).expect("index dir").flatten() {
        if e.path().is_file() {
            std::fs::write(e.path(), b"\xffgarbage, not a sled file\xff").expect("corrupt");
        }
    }
    sink.bring_up();
    d.spawn().await;
    let got = sink.wait_exactly(3, &d).await;
    for i in 0..3 {
        assert!(
            got.iter()
                .any(|m| m.text().contains(&format!("X-Seq: {i}\r\n")))
        );
    }
    assert!(d.log().contains("rebuilt_index=true"), "{}", d.log());
}

#[tokio::test]
async fn damaged_record_is_quarantined_and_the_rest_is_delivered() {
    // Down during the first run, so the messages stay queued.
    let sink = Sink::start_down().await;
    let mut d = Daemon::start(sink.port).await;
    queue_three(&d).await;
    d.kill9();
    let seg_dir = d.path().join("spool/segments");
    let seg = std::fs::read_dir(&seg_dir)
        .expect("segments")
        .flatten()
        .map(|e| e.path())
        .find(|p| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false))
        .expect("a non-empty segment");
    let mut bytes = std::fs::read(&seg).expect("read segment");
    // Flip a byte inside the first record's sealed payload.
    bytes[40] ^= 0x55;
    std::fs::write(&seg, bytes).expect("write segment");
    sink.bring_up();
    d.spawn().await;
    sink.wait_exactly(2, &d).await;
    wait_for("the quarantine to be logged", || {
        d.log().contains("quarantined").then_some(())
    })
    .await;
    assert!(!d.log().contains("panicked"), "{}", d.log());
}

#[tokio::test]
async fn idle_client_gets_421_after_the_command_timeout() {
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[limits]\ncommand_timeout = \"1s\"\n".into(),
        listener_extra: String::new(),
    })
    .await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    let t = c.expect(421).await;
    assert!(t.starts_with("4.4.2"), "{t}");
    assert!(c.lines.closed().await);
}
