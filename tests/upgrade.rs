//! A spool written by the release before typed records (schema 1: the
//! verdict as the policy's JSON, replies as strings) keeps delivering after
//! the upgrade, with its protection intact. The fixture in
//! `tests/fixtures/spool-schema1/` was written by that release: two queued
//! messages, a PHI one whose verdict says `encrypt` and a plain one, both
//! deferred once (their last reply stored as a line).

mod common;

use common::*;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

#[tokio::test]
async fn a_schema_1_spool_keeps_delivering_with_its_protection_intact() {
    let sink = Sink::start().await;
    let mut d = Daemon::start(sink.port).await;
    assert_eq!(d.terminate().await, Some(0));
    let spool = d.path().join("spool");
    for part in ["index", "segments", "spool.key"] {
        let p = spool.join(part);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).expect("rm");
        } else {
            let _ = std::fs::remove_file(&p);
        }
    }
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spool-schema1");
    copy_dir(&fixture.join("index"), &spool.join("index"));
    copy_dir(&fixture.join("segments"), &spool.join("segments"));
    std::fs::copy(fixture.join("spool.key"), spool.join("spool.key")).expect("key");
    // Read by the CLI while the daemon is stopped: both records decode.
    let queue = d.queue();
    assert_eq!(queue.len(), 2, "{queue:?}");
    for m in &queue {
        let id = m["id"].as_str().expect("id");
        let (code, out, err) = d.cli(&["queue", "show", id], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("\"last_reply_from\": \"local\""), "{out}");
        // Their retries were an hour away when the fixture was written.
        assert_eq!(d.cli(&["queue", "retry", id], None).0, 0);
    }
    d.spawn().await;
    let got = sink.wait_exactly(2, &d).await;
    let notice = got
        .iter()
        .find(|m| m.rcpts == ["p@patient.example"])
        .expect("the PHI recipient got something");
    let text = notice.text();
    assert!(
        text.contains("Subject: You have received a secure message"),
        "{text}"
    );
    for phi in ["00482913", "03/14/1961", "E11.9"] {
        assert!(
            !text.contains(phi),
            "{phi} left in plaintext after the upgrade"
        );
    }
    let plain = got
        .iter()
        .find(|m| m.rcpts == ["r@x.example"])
        .expect("the plain message");
    assert!(plain.text().contains("We are open on Saturdays."));
    assert!(d.queue().is_empty());
}
