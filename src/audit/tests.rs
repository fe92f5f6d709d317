//! Tests of the whole audit log: writer → file → verifier.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::checkpoint::{NodeKey, PublicKey, pub_path};
use super::event::*;
use super::verify::VerifyErrorKind as K;
use super::*;

const CANARY: &str = "PHI-CANARY-7f3a9c";

fn config(dir: &Path) -> AuditConfig {
    let mut cfg = AuditConfig::new(dir.join("audit.log"), dir.join("audit.key"));
    cfg.checkpoint_every = 4;
    cfg.rotate_max_bytes = None;
    cfg.rotate_max_age = None;
    cfg.retention = None;
    cfg
}

fn event(i: u64) -> Event {
    let q = format!("Q{i:06}");
    match i % 5 {
        0 => Event::AuthSucceeded(Auth {
            user: format!("user{i}"),
            ip: "192.0.2.7".into(),
            listener: "submission".into(),
            tls: Some("TLSv1.3".into()),
        }),
        1 => Event::MessageAccepted(MessageAccepted {
            queue_id: q,
            sender: "a@example.org".into(),
            recipient_count: 2,
            size: 1234 + i,
            message_id_sha256: Some(hash_message_id("<id@example.org>")),
            rules: vec!["r1".into()],
            findings: vec![Finding {
                kind: "us_ssn".into(),
                count: 1,
            }],
        }),
        2 => Event::ProtectionChosen(ProtectionChosen {
            queue_id: q,
            recipient_domain: "example.net".into(),
            method: "tls_verified".into(),
            reason: "mta_sts_enforce".into(),
        }),
        3 => Event::DeliveryResult(DeliveryResult {
            queue_id: q,
            recipient: "b@example.net".into(),
            result: ResultClass::Delivered,
            remote_host: Some("mx.example.net".into()),
            tls: Some("TLSv1.3".into()),
            verified: true,
            status: Some("2.0.0".into()),
        }),
        _ => Event::AdminAction(AdminAction {
            action: "queue_flush".into(),
            target: Some(q),
            actor: "root".into(),
        }),
    }
}

/// Writes `n` events (plus checkpoints) with the blocking API and closes.
fn write_log(dir: &Path, n: u64) -> (PathBuf, PublicKey) {
    let cfg = config(dir);
    let log = AuditLog::open(cfg.clone()).unwrap();
    for i in 0..n {
        if i % 2 == 0 {
            log.append_durable_blocking(event(i)).unwrap();
        } else {
            log.append_blocking(event(i)).unwrap();
        }
    }
    log.close_blocking().unwrap();
    (
        cfg.path,
        PublicKey::from_file(&pub_path(&cfg.key_path)).unwrap(),
    )
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

fn broken_at(path: &Path, pk: &PublicKey) -> (u64, K) {
    let e = verify(path, Some(pk)).expect_err("tampering must be detected");
    (e.line, e.kind)
}

#[test]
fn intact_log_verifies_with_signed_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 10);
    let r = verify(&path, Some(&pk)).unwrap();
    // 10 events, a checkpoint after every 4, one at close: 4, 8, close.
    assert_eq!(r.entries, 13);
    assert_eq!(r.checkpoints, 3);
    assert_eq!(r.signatures_verified, 3);
    assert!(r.from_genesis);
    assert_eq!(r.after_last_checkpoint, 0);
    assert!(lines(&path)[0].contains(&format!("\"prev\":\"{}\"", chain::GENESIS_PREV)));
    let (code, msg) = verify_cli(&path, Some(&pub_path(&dir.path().join("audit.key"))));
    assert_eq!(code, 0, "{msg}");
    assert!(msg.contains("13 entries"), "{msg}");
}

#[test]
fn flipped_byte_in_middle_line_is_reported_at_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 10);
    let mut bytes = fs::read(&path).unwrap();
    let l = lines(&path);
    let start: usize = l[..7].iter().map(|s| s.len() + 1).sum(); // line 8
    let at = start + l[7].find("\"queue_id\":\"Q").unwrap() + 13;
    bytes[at] ^= 0x01;
    fs::write(&path, bytes).unwrap();
    let (line, kind) = broken_at(&path, &pk);
    assert_eq!(line, 8);
    assert!(matches!(kind, K::HashMismatch { .. }), "{kind}");
    let (code, msg) = verify_cli(&path, None);
    assert_eq!(code, 1);
    assert!(msg.contains("audit.log:8: hash mismatch"), "{msg}");
}

#[test]
fn deleted_line_is_reported_as_seq_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 10);
    let mut l = lines(&path);
    l.remove(5); // seq 5 gone
    write_lines(&path, &l);
    assert_eq!(
        broken_at(&path, &pk),
        (
            6,
            K::SeqGap {
                expected: 5,
                found: 6
            }
        )
    );
}

#[test]
fn deleted_line_with_renumbered_seq_is_caught_by_prev() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 3);
    let mut l = lines(&path);
    l.remove(1);
    // Attacker renumbers seq 2 → 1 and recomputes its hash; prev still breaks.
    let mut e = chain::decode(l[1].as_bytes()).unwrap();
    e.seq = 1;
    e.hash = Some(chain::content_hash(&e).unwrap());
    l[1] = serde_json::to_string(&e).unwrap();
    write_lines(&path, &l);
    let (line, kind) = broken_at(&path, &pk);
    assert_eq!(line, 2);
    assert!(matches!(kind, K::PrevMismatch { .. }), "{kind}");
}

#[test]
fn swapped_lines_are_reported_as_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 10);
    let mut l = lines(&path);
    l.swap(2, 3);
    write_lines(&path, &l);
    let expected = K::SeqOutOfOrder {
        expected: 2,
        found: 3,
        expected_at_line: Some(4),
    };
    assert_eq!(broken_at(&path, &pk), (3, expected));
}

fn checkpoint_line(l: &[String]) -> usize {
    l.iter()
        .position(|s| s.contains("\"event\":\"checkpoint\""))
        .unwrap()
}

#[test]
fn tampered_checkpoint_signature_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 10);
    let original = lines(&path);
    let idx = checkpoint_line(&original);

    // 1. Naive edit of the signature: the entry hash no longer matches.
    let mut l = original.clone();
    let at = l[idx].find("\"sig\":\"").unwrap() + 7;
    let flipped = if l[idx].as_bytes()[at] == b'A' {
        "B"
    } else {
        "A"
    };
    l[idx].replace_range(at..at + 1, flipped);
    write_lines(&path, &l);
    assert_eq!(broken_at(&path, &pk).0, idx as u64 + 1);

    // 2. Forged with another key and a recomputed hash: the signature fails.
    let other = NodeKey::load_or_create(&dir.path().join("other.key"), false).unwrap();
    let mut e = chain::decode(original[idx].as_bytes()).unwrap();
    let Event::Checkpoint(cp) = &mut e.event else {
        panic!("not a checkpoint")
    };
    cp.sig = other.checkpoint(e.seq, &e.ts, &e.prev).sig;
    e.hash = Some(chain::content_hash(&e).unwrap());
    let mut l = original.clone();
    l[idx] = serde_json::to_string(&e).unwrap();
    write_lines(&path, &l);
    let (line, kind) = broken_at(&path, &pk);
    assert_eq!(line, idx as u64 + 1);
    assert!(matches!(kind, K::BadCheckpointSignature(_)), "{kind}");

    // 3. Intact log, wrong verification key.
    write_lines(&path, &original);
    let wrong = PublicKey::parse(&hex::encode(other.public_key())).unwrap();
    let (line, kind) = broken_at(&path, &wrong);
    assert_eq!(line, idx as u64 + 1);
    assert!(matches!(kind, K::BadCheckpointSignature(_)), "{kind}");
}

#[test]
fn incomplete_last_line_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 3);
    let mut bytes = fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - 10);
    fs::write(&path, bytes).unwrap();
    assert_eq!(broken_at(&path, &pk), (4, K::IncompleteLine));
}

#[test]
fn rotation_keeps_the_chain_verifiable_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.checkpoint_every = 1000;
    cfg.rotate_max_bytes = Some(2_000);
    let log = AuditLog::open(cfg.clone()).unwrap();
    for i in 0..60 {
        log.append_blocking(event(i)).unwrap();
    }
    log.close_blocking().unwrap();
    let stats = log.stats();
    assert!(stats.rotations >= 3, "{stats:?}");
    let files = rotate::series(&cfg.path).unwrap();
    assert_eq!(files.len() as u64, stats.rotations + 1);
    for f in &files {
        let l = lines(f);
        assert!(
            l.last().unwrap().contains("\"event\":\"checkpoint\""),
            "{} must end with a checkpoint",
            f.display()
        );
    }
    let pk = log.public_key().clone();
    let r = verify_series(&files, Some(&pk)).unwrap();
    assert_eq!(r.entries, stats.entries);
    assert_eq!(r.files.len(), files.len());
    assert!(r.from_genesis);
    // The CLI picks up the series from the current file's name.
    let (code, msg) = verify_cli(&cfg.path, None);
    assert_eq!(code, 0, "{msg}");
    assert!(
        msg.contains(&format!("in {} file(s)", files.len())),
        "{msg}"
    );
    // A rotated file alone verifies from its anchor.
    assert!(!verify(&files[1], Some(&pk)).unwrap().from_genesis);
    // Removing a middle file is a gap at line 1 of the next one.
    fs::remove_file(&files[1]).unwrap();
    let e = verify_series(&[files[0].clone(), files[2].clone()], Some(&pk)).unwrap_err();
    assert_eq!((e.file.clone(), e.line), (files[2].clone(), 1));
    assert!(matches!(e.kind, K::SeqGap { .. }), "{e}");
}

#[test]
fn reopening_resumes_the_chain_and_cuts_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 5);
    let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
    std::io::Write::write_all(&mut f, b"{\"seq\":99,\"ts\":\"20").unwrap();
    drop(f);
    let log = AuditLog::open(config(dir.path())).unwrap();
    let seq = log.append_durable_blocking(event(7)).unwrap();
    log.close_blocking().unwrap();
    // 5 events + checkpoints at 4 and at close = seqs 0..=6; the repair
    // is recorded at 7.
    assert_eq!(seq, 8);
    let r = verify(&path, Some(&pk)).unwrap();
    assert_eq!(r.last_seq, Some(9));
    let repair = &lines(&path)[7];
    assert!(repair.contains("\"action\":\"audit_repair\""), "{repair}");
    assert!(repair.contains("cut 18 bytes"), "{repair}");
    assert!(repair.contains("incomplete last line"), "{repair}");
    let kept: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("audit.log.torn-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        fs::read(kept[0].path()).unwrap(),
        b"{\"seq\":99,\"ts\":\"20"
    );
}

#[test]
fn a_power_loss_tail_of_zeros_and_unchained_lines_is_cut_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pk) = write_log(dir.path(), 6);
    let good = lines(&path);
    // What a power loss can leave: a zeroed page, then a line that was
    // written later (its predecessor lost), then a torn line.
    let mut bytes = fs::read(&path).unwrap();
    let intact = bytes.len();
    bytes.extend_from_slice(&[0u8; 300]);
    bytes.push(b'\n');
    bytes.extend_from_slice(good[2].as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&good[3].as_bytes()[..40]);
    fs::write(&path, &bytes).unwrap();
    let log = AuditLog::open(config(dir.path())).unwrap();
    log.append_durable_blocking(event(1)).unwrap();
    log.close_blocking().unwrap();
    let r = verify(&path, Some(&pk)).expect("verifies after the repair");
    assert_eq!(r.first_seq, Some(0));
    let l = lines(&path);
    assert_eq!(&l[..good.len()], &good[..], "intact entries kept");
    assert!(l[good.len()].contains("audit_repair"), "{}", l[good.len()]);
    assert!(
        l[good.len()].contains(&format!(
            "cut {} bytes at offset {intact}",
            bytes.len() - intact
        )),
        "{}",
        l[good.len()]
    );
}

#[test]
fn damage_far_from_the_end_is_reported_not_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write_log(dir.path(), 4);
    let mut bytes = fs::read(&path).unwrap();
    let second_line = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    bytes[second_line + 10] = b'#';
    let filler = event(3);
    let mut tail = Vec::new();
    let mut prev = chain::sha256_hex(b"not the real head");
    let mut seq = 1000;
    while (tail.len() as u64) < writer::REPAIR_WINDOW + 4096 {
        let line = chain::encode(
            seq,
            "2026-01-01T00:00:00.000000Z".into(),
            filler.clone(),
            prev,
        )
        .unwrap();
        prev = chain::sha256_hex(&line);
        tail.extend_from_slice(&line);
        tail.push(b'\n');
        seq += 1;
    }
    tail.extend_from_slice(b"torn");
    bytes.extend_from_slice(&tail);
    let len = bytes.len() as u64;
    fs::write(&path, &bytes).unwrap();
    // The last 4 MiB chain fine, so only the torn line is cut...
    let log = AuditLog::open(config(dir.path())).unwrap();
    log.close_blocking().unwrap();
    assert!(fs::metadata(&path).unwrap().len() < len + 2048);
    // ...but a break right where the window starts is not a torn tail.
    let mut bytes = fs::read(&path).unwrap();
    let n = bytes.len();
    let window_start = n - writer::REPAIR_WINDOW as usize;
    let first_nl = bytes[window_start..]
        .iter()
        .position(|b| *b == b'\n')
        .unwrap();
    bytes[window_start + first_nl + 5] = b'#';
    fs::write(&path, &bytes).unwrap();
    let e = AuditLog::open(config(dir.path())).unwrap_err();
    assert!(e.to_string().contains("not a torn tail"), "{e}");
    assert_eq!(fs::read(&path).unwrap().len(), n, "nothing cut");
}

#[test]
fn retention_deletes_old_rotated_files_never_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.retention = Some(Duration::from_secs(3600));
    let old = rotate::rotated_name(&cfg.path, 0);
    let f = fs::File::create(&old).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    drop(f);
    let fresh = rotate::rotated_name(&cfg.path, 1);
    fs::write(&fresh, b"").unwrap();
    let log = AuditLog::open(cfg.clone()).unwrap();
    log.close_blocking().unwrap();
    assert!(!old.exists());
    assert!(fresh.exists() && cfg.path.exists());
    let text = fs::read_to_string(&cfg.path).unwrap();
    assert!(
        text.contains(
            "\"action\":\"retention_delete\",\"target\":\"audit.log.00000000000000000000\""
        )
    );
}

#[test]
fn appends_after_close_fail_and_checkpoints_cannot_be_injected() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(config(dir.path())).unwrap();
    let forged = Event::Checkpoint(Checkpoint {
        head: "00".into(),
        key_id: "x".into(),
        sig: "x".into(),
    });
    assert!(matches!(
        log.append_blocking(forged),
        Err(AuditError::Reserved)
    ));
    log.close_blocking().unwrap();
    assert!(matches!(
        log.append_blocking(event(0)),
        Err(AuditError::Closed)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_durable_appends_get_unique_consecutive_seqs_and_group_commit() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.checkpoint_every = 1_000_000;
    let log = Arc::new(AuditLog::open(cfg.clone()).unwrap());
    let (tasks, per_task) = (32u64, 50u64);
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let log = log.clone();
            tokio::spawn(async move {
                let mut seqs = Vec::new();
                for i in 0..per_task {
                    seqs.push(log.append_durable(event(t * 1000 + i)).await.unwrap());
                }
                seqs
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for h in handles {
        seqs.extend(h.await.unwrap());
    }
    let elapsed = started.elapsed();
    seqs.sort_unstable();
    assert_eq!(seqs, (0..tasks * per_task).collect::<Vec<_>>());
    let stats = log.stats();
    log.close().await.unwrap();
    eprintln!(
        "{} durable appends from {tasks} tasks in {elapsed:?}: {:.0}/s, {} fdatasyncs",
        tasks * per_task,
        (tasks * per_task) as f64 / elapsed.as_secs_f64(),
        stats.syncs
    );
    assert!(
        stats.syncs < tasks * per_task / 2,
        "group commit expected: {stats:?}"
    );
    let r = verify(&cfg.path, Some(log.public_key())).unwrap();
    assert_eq!(r.entries, tasks * per_task + 1); // + closing checkpoint
}

#[tokio::test]
async fn buffered_appends_become_durable_on_interval() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.flush_interval = Duration::from_millis(20);
    let log = AuditLog::open(cfg.clone()).unwrap();
    log.append(event(0)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(log.stats().syncs >= 1);
    assert_eq!(lines(&cfg.path).len(), 1);
    log.close().await.unwrap();
}

#[tokio::test]
async fn gathered_appends_are_on_disk_when_answered_and_share_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.gather = Duration::from_millis(50);
    let log = Arc::new(AuditLog::open(cfg.clone()).unwrap());
    let before = log.stats().syncs;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            log.append_durable_gathered(event(i)).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let stats = log.stats();
    // Answered means synced: nothing is left dirty behind the answers.
    assert!(stats.syncs > before, "{stats:?}");
    assert!(
        stats.syncs - before < 40,
        "gathered appends share syncs: {stats:?}"
    );
    log.close().await.unwrap();
    verify(&cfg.path, Some(log.public_key())).unwrap();
}

#[tokio::test]
async fn several_gathered_appends_sent_together_share_one_gather() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.gather = Duration::from_millis(20);
    let log = AuditLog::open(cfg.clone()).unwrap();
    let before = log.stats().syncs;
    let events: Vec<(Event, bool)> = (0..50).map(|i| (event(i), i % 2 == 0)).collect();
    let results = log.append_all_gathered(events).await;
    assert_eq!(results.len(), 50);
    let seqs: Vec<u64> = results.into_iter().map(|r| r.unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    let syncs = log.stats().syncs - before;
    assert!(
        (1..50).contains(&syncs),
        "{syncs} syncs for 25 durable appends"
    );
    log.close().await.unwrap();
    verify(&cfg.path, Some(log.public_key())).unwrap();
}

type Gathered = tokio::task::JoinHandle<Result<u64, AuditError>>;

/// A log whose gather and flush wait far longer than any test's guard,
/// with one gathered append already written and waiting for its sync.
async fn log_with_a_waiting_gathered_append(cfg: &mut AuditConfig) -> (Arc<AuditLog>, Gathered) {
    cfg.gather = Duration::from_secs(3600);
    cfg.flush_interval = Duration::from_secs(3600);
    let log = Arc::new(AuditLog::open(cfg.clone()).unwrap());
    let gathered = {
        let log = log.clone();
        tokio::spawn(async move { log.append_durable_gathered(event(3)).await })
    };
    // Let the gathered append reach the writer first.
    while log.stats().entries == 0 {
        tokio::task::yield_now().await;
    }
    (log, gathered)
}

#[tokio::test]
async fn an_immediate_append_carries_the_gathered_ones_with_its_sync() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    let (log, gathered) = log_with_a_waiting_gathered_append(&mut cfg).await;
    // Only the immediate append's sync can answer the gathered one in time.
    log.append_durable(event(1)).await.unwrap();
    let seq = tokio::time::timeout(Duration::from_secs(60), gathered)
        .await
        .expect("the immediate sync answers the gathered append")
        .unwrap()
        .unwrap();
    assert_eq!(seq, 0);
    log.close().await.unwrap();
}

#[tokio::test]
async fn close_answers_gathered_appends() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    let (log, gathered) = log_with_a_waiting_gathered_append(&mut cfg).await;
    log.close().await.unwrap();
    let r = tokio::time::timeout(Duration::from_secs(60), gathered)
        .await
        .expect("close answers the gathered append")
        .unwrap();
    assert_eq!(r.unwrap(), 0);
    assert_eq!(
        verify(&cfg.path, Some(log.public_key())).unwrap().entries,
        2
    );
}

#[test]
fn message_accepted_cannot_carry_a_body_and_findings_carry_no_values() {
    // Exhaustive destructuring: adding any field (say `body`) to
    // MessageAccepted or Finding breaks this test at compile time.
    let m = match event(1) {
        Event::MessageAccepted(m) => m,
        _ => unreachable!(),
    };
    let MessageAccepted {
        queue_id: _,
        sender: _,
        recipient_count: _,
        size: _,
        message_id_sha256: _,
        rules: _,
        findings,
    } = m.clone();
    let Finding { kind: _, count: _ } = findings[0].clone();
    let v = serde_json::to_value(&findings[0]).unwrap();
    assert_eq!(v, serde_json::json!({"type": "us_ssn", "count": 1}));

    // The canary reaches the log only through the fields that exist: the
    // Message-ID is hashed, so the canary itself is never written.
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let log = AuditLog::open(cfg.clone()).unwrap();
    let accepted = MessageAccepted {
        message_id_sha256: Some(hash_message_id(&format!("<{CANARY}@example.org>"))),
        ..m
    };
    log.append_durable_blocking(Event::MessageAccepted(accepted))
        .unwrap();
    log.close_blocking().unwrap();
    let text = fs::read_to_string(&cfg.path).unwrap();
    assert!(!text.contains(CANARY));

    // A body smuggled into a line by hand is not part of the typed entry:
    // the line is no longer canonical and verification fails there.
    let mut l = lines(&cfg.path);
    l[0] = l[0].replacen(
        ",\"prev\":",
        &format!(",\"body\":\"{CANARY}\",\"prev\":"),
        1,
    );
    write_lines(&cfg.path, &l);
    let e = verify(&cfg.path, None).unwrap_err();
    assert_eq!((e.line, e.kind), (1, K::NonCanonical));
}

#[test]
fn portal_events_carry_no_subject_body_or_file_name() {
    // Exhaustive: a field such as `subject` or `file_name` added to the
    // portal's read receipts breaks this test at compile time.
    let e = crate::audit::event::Portal {
        action: "download".into(),
        queue_id: "00000000000000AB".into(),
        recipient: "p@x.example".into(),
        by: Some("192.0.2.1".into()),
        detail: Some("part 3".into()),
    };
    let crate::audit::event::Portal {
        action: _,
        queue_id: _,
        recipient: _,
        by: _,
        detail: _,
    } = e.clone();
    let v = serde_json::to_value(Event::Portal(e)).unwrap();
    assert_eq!(v["event"], "portal");
    assert_eq!(v["action"], "download");
}
