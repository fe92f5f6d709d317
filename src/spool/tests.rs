use super::*;

fn envelope(rcpt: &str) -> Envelope {
    Envelope {
        sender: "a@hosp.example".into(),
        recipients: vec![RecipientSpec {
            address: rcpt.into(),
            orcpt: None,
            notify: 0,
        }],
        ret: None,
        envid: None,
        smtputf8: false,
        body_8bit: false,
        requiretls: false,
        listener: "t".into(),
        auth_user: None,
        client_ip: "127.0.0.1".into(),
        client_helo: "t".into(),
        priority: 4,
        mt_priority: None,
        verdict: StoredVerdict::default(),
    }
}

#[tokio::test]
async fn lost_index_entries_come_back_from_the_segments_but_finished_messages_do_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let a = spool
        .accept(envelope("a@x.example"), b"Subject: a\r\n\r\na\r\n")
        .await
        .expect("a");
    let b = spool
        .accept(envelope("b@x.example"), b"Subject: b\r\n\r\nb\r\n")
        .await
        .expect("b");
    let c = spool
        .accept(envelope("c@x.example"), b"Subject: c\r\n\r\nc\r\n")
        .await
        .expect("c");
    spool.complete(c).expect("complete c");
    // As if a power loss had taken sled's latest inserts (a and b).
    let index = spool.tree("messages").expect("tree");
    index.remove(a.to_be_bytes()).expect("rm");
    index.remove(b.to_be_bytes()).expect("rm");
    drop(index);
    spool.close();
    drop(spool);
    let (spool, recovery) = reopen(dir.path(), &key);
    let ids: Vec<QueueId> = spool.list().expect("list").iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![a, b], "recovered {recovery:?}");
    let meta = spool.get(b).expect("get").expect("b");
    assert_eq!(
        spool.load_body(&meta).expect("body"),
        b"Subject: b\r\n\r\nb\r\n"
    );
}

fn encrypt_envelope(rcpt: &str) -> Envelope {
    let mut e = envelope(rcpt);
    e.verdict = StoredVerdict {
        protection: Protection::Encrypt,
        methods: vec![AllowedMethod::Portal],
        ..StoredVerdict::default()
    };
    e
}

#[tokio::test]
async fn a_record_whose_verdict_does_not_decode_is_quarantined_never_read_as_no_protection() {
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let id = spool
        .accept(
            encrypt_envelope("p@x.example"),
            b"Subject: s\r\n\r\nMRN 1\r\n",
        )
        .await
        .expect("accept");
    let index = spool.tree("messages").expect("tree");
    let v = index.get(id.to_be_bytes()).expect("get").expect("entry");
    let text = String::from_utf8(v.to_vec()).expect("utf8");
    assert!(text.contains("\"protection\":\"encrypt\""), "{text}");
    for bad in [
        text.replace("\"protection\":\"encrypt\"", "\"protection\":\"bogus\""),
        text.replace("\"protection\":\"encrypt\",", ""),
        text.replace("\"schema\":2", "\"schema\":3"),
    ] {
        index
            .insert(id.to_be_bytes(), bad.as_bytes())
            .expect("corrupt");
        assert!(
            matches!(spool.get(id), Err(SpoolError::Corrupt(_))),
            "{bad}"
        );
        assert!(spool.list().expect("list").is_empty());
    }
    drop(index);
    spool.close();
    drop(spool);
    let (spool, recovery) = reopen(dir.path(), &key);
    assert_eq!(recovery.quarantined, 1);
    assert!(spool.list().expect("list").is_empty());
    assert_eq!(spool.quarantined(), 1);
}

#[test]
fn schema_1_records_decode_into_typed_verdicts_and_replies() {
    let v1 = r#"{"id":7,"envelope":{"sender":"a@h.example","recipients":[{"address":"p@x.example","orcpt":null,"notify":0}],
        "ret":null,"envid":null,"smtputf8":false,"body_8bit":false,"requiretls":false,"listener":"l","auth_user":null,
        "client_ip":"127.0.0.1","client_helo":"h","priority":4,"mt_priority":null,
        "verdict":{"action":"accept","protection":"encrypt","priority":4,"rules":["phi"],"methods":["smime","portal"],
        "findings":[{"type":"mrn","confidence":"high","count":2,"where":"body"}],"subject_rewritten":false,
        "strip_subject_tags":false,"add_headers":[],"truncated":false}},
        "recipients":[{"address":"p@x.example","status":"Queued","attempts":1,"next_attempt":0,
        "last_reply":"451 4.4.2 connect failed: Connection refused (os error 111)","remote_host":null,"delay_notified":false}],
        "location":{"segment":1,"offset":0,"len":10},"created":1,"size":10,"held":false}"#;
    let m = MessageMeta::decode(v1.as_bytes()).expect("decodes");
    assert_eq!(m.schema, 1);
    assert_eq!(m.envelope.verdict.protection, Protection::Encrypt);
    assert_eq!(
        m.envelope.verdict.methods,
        [AllowedMethod::Smime, AllowedMethod::Portal]
    );
    assert_eq!(m.envelope.verdict.findings[0].count, 2);
    let d = m.recipients[0].last_reply.clone().expect("reply");
    assert!(!d.is_remote(), "an old line is never claimed as a remote's");
    assert_eq!(d.reply().status().to_string(), "4.4.2");
    let null = v1.replace(
        &v1[v1.find("\"verdict\":{").expect("v")..v1.find("}},").expect("end") + 1],
        "\"verdict\":null",
    );
    let m = MessageMeta::decode(null.as_bytes()).expect("a schema-1 null verdict");
    assert_eq!(m.envelope.verdict.protection, Protection::None);
    let v2_null = null.replacen("{\"id\":7", "{\"schema\":2,\"id\":7", 1);
    assert!(MessageMeta::decode(v2_null.as_bytes()).is_err());
}

fn two_recipients() -> Envelope {
    let mut e = envelope("a@x.example");
    e.recipients.push(RecipientSpec {
        address: "b@y.example".into(),
        orcpt: None,
        notify: 0,
    });
    e
}

#[tokio::test]
async fn results_sled_lost_are_taken_from_the_delivery_log_before_scheduling() {
    use delivered::Final;
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let body = b"Subject: s\r\n\r\nbody\r\n";
    let done = spool.accept(two_recipients(), body).await.expect("done");
    let half = spool.accept(two_recipients(), body).await.expect("half");
    let gone = spool.accept(two_recipients(), body).await.expect("gone");
    let lost = spool.accept(two_recipients(), body).await.expect("lost");
    let meta = |id| spool.get(id).expect("get").expect("queued");
    // Results reach the log only; sled keeps "queued", as if its update
    // had been lost in a crash.
    spool
        .record_results(&meta(done), &[(0, Final::Delivered), (1, Final::Failed)])
        .expect("log");
    spool
        .record_results(&meta(half), &[(1, Final::Delivered)])
        .expect("log");
    let p = spool.record_results(&meta(gone), &[]).expect("nothing");
    spool.wait_results_durable(p).await.expect("durable");
    let gone_meta = meta(gone);
    spool.remove(gone).expect("remove");
    // As if sled had lost the removal and the index entry of `lost` too.
    let index = spool.tree("messages").expect("tree");
    let history = spool.tree("history").expect("tree");
    index
        .insert(
            gone.to_be_bytes(),
            serde_json::to_vec(&gone_meta).expect("j"),
        )
        .expect("put");
    history.remove(gone.to_be_bytes()).expect("rm");
    index.remove(lost.to_be_bytes()).expect("rm");
    spool.close();
    drop((spool, index, history));

    let (spool, recovery) = reopen(dir.path(), &key);
    assert_eq!(recovery.finished_from_log, 2, "{recovery:?}");
    assert_eq!(recovery.reindexed, 1, "{recovery:?}");
    let ids: Vec<QueueId> = spool.list().expect("list").iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![half, lost], "finished and removed ones stay gone");
    let h = spool.get(half).expect("get").expect("half");
    assert_eq!(h.recipients[0].status, RcptStatus::Queued);
    assert_eq!(h.recipients[1].status, RcptStatus::Delivered);
    let kept = spool.history(done).expect("history").expect("done");
    let statuses: Vec<RcptStatus> = kept.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![RcptStatus::Delivered, RcptStatus::Failed]);
}

#[tokio::test]
async fn a_rebuilt_index_still_honours_the_delivery_log() {
    use delivered::Final;
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let body = b"Subject: s\r\n\r\nbody\r\n";
    let a = spool
        .accept(envelope("a@x.example"), body)
        .await
        .expect("a");
    let b = spool
        .accept(envelope("b@x.example"), body)
        .await
        .expect("b");
    let meta = spool.get(a).expect("get").expect("a");
    spool
        .record_results(&meta, &[(0, Final::Delivered)])
        .expect("log");
    spool.close();
    drop(spool);
    // sled's files gone bad: the index is rebuilt from the segments.
    std::fs::write(dir.path().join("index/db"), b"garbage").expect("damage");
    std::fs::write(dir.path().join("index/conf"), b"garbage garbage").expect("damage");
    let (spool, recovery) = reopen(dir.path(), &key);
    assert!(recovery.rebuilt_index, "{recovery:?}");
    let ids: Vec<QueueId> = spool.list().expect("list").iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![b], "{recovery:?}");
}

#[tokio::test]
async fn segment_numbers_named_by_the_delivery_log_are_not_reused() {
    use delivered::Final;
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let a = spool
        .accept(envelope("a@x.example"), b"x")
        .await
        .expect("a");
    let meta = spool.get(a).expect("get").expect("a");
    let seg = meta.location.segment;
    spool
        .record_results(&meta, &[(0, Final::Delivered)])
        .expect("log");
    spool.close();
    drop(spool);
    // Every segment gone (finished while down), the log still names `seg`.
    for n in segment::list_segments(&dir.path().join("segments")).expect("list") {
        std::fs::remove_file(segment::segment_path(&dir.path().join("segments"), n)).expect("rm");
    }
    let (spool, _) = reopen(dir.path(), &key);
    let b = spool
        .accept(envelope("b@x.example"), b"y")
        .await
        .expect("b");
    let new_seg = spool.get(b).expect("get").expect("b").location.segment;
    assert!(new_seg > seg, "segment {new_seg} must be above {seg}");
}

/// Open a spool that was just dropped: a blocking-pool task of the last
/// operation may still hold the database (and its lock) for a moment.
fn reopen(dir: &std::path::Path, key: &std::path::Path) -> (std::sync::Arc<Spool>, Recovery) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Spool::open(dir, key) {
            Ok(opened) => return opened,
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("reopen: {e}"),
        }
    }
}

#[tokio::test]
async fn an_orphan_record_that_does_not_decode_is_quarantined_and_its_segment_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let other = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let a = spool
        .accept(envelope("a@x.example"), b"Subject: a\r\n\r\na\r\n")
        .await
        .expect("a");
    let seg = spool.get(a).expect("get").expect("a").location.segment;
    spool
        .tree("messages")
        .expect("tree")
        .remove(a.to_be_bytes())
        .expect("rm");
    spool.close();
    drop(spool);
    // Another spool's key: the record no longer decodes.
    let (o, _) = Spool::open(other.path(), &other.path().join("k")).expect("other");
    o.close();
    drop(o);
    std::fs::copy(other.path().join("k"), &key).expect("swap key");
    let (spool, _) = reopen(dir.path(), &key);
    assert!(spool.list().expect("list").is_empty());
    let q = spool.tree("quarantine").expect("tree");
    assert!(q.contains_key(a.to_be_bytes()).expect("q"), "quarantined");
    assert!(
        segment::segment_path(&dir.path().join("segments"), seg).exists(),
        "segment kept"
    );
    assert!(spool.next_id() > a);
}

#[tokio::test]
async fn a_cached_body_is_taken_once_then_read_from_its_segment() {
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("k");
    let (spool, _) = Spool::open(dir.path(), &key).expect("open");
    let body = b"Subject: s\r\n\r\nMRN 1\r\n";
    let id = spool
        .accept(encrypt_envelope("p@x.example"), body)
        .await
        .expect("accept");
    let meta = spool.get(id).expect("get").expect("entry");
    // First pass: the in-memory copy; later passes: the sealed record.
    assert_eq!(spool.load_body(&meta).expect("cached"), body);
    assert_eq!(spool.load_body(&meta).expect("from disk"), body);
    // The protection check holds for both: an index that lost its
    // protection is refused whichever copy is read.
    let id2 = spool
        .accept(encrypt_envelope("q@x.example"), body)
        .await
        .expect("accept");
    let mut weakened = spool.get(id2).expect("get").expect("entry");
    weakened.envelope.verdict.protection = Protection::None;
    assert!(matches!(
        spool.load_body(&weakened),
        Err(SpoolError::Corrupt(_))
    ));
    spool.drop_cached(id2);
    assert!(matches!(
        spool.load_body(&weakened),
        Err(SpoolError::Corrupt(_))
    ));
}

#[test]
fn a_finished_segment_is_cut_in_steps_then_removed_and_a_missing_one_is_no_error() {
    const MB: u64 = 1 << 20;
    assert_eq!(
        segment::cut_points(9 * MB).collect::<Vec<_>>(),
        [5 * MB, MB]
    );
    assert_eq!(segment::cut_points(8 * MB).collect::<Vec<_>>(), [4 * MB]);
    assert_eq!(segment::cut_points(3 * MB).count(), 0);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = segment::segment_path(dir.path(), 7);
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(9 * MB).expect("grow");
    std::fs::write(segment::segment_path(dir.path(), 8), b"keep").expect("neighbour");
    segment::remove(dir.path(), 7);
    assert!(!path.exists(), "segment left behind");
    assert!(
        segment::segment_path(dir.path(), 8).exists(),
        "neighbour removed"
    );
    segment::remove(dir.path(), 7);
}

#[test]
fn a_record_past_a_cut_segments_end_is_damage_not_a_retry() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(segment::segment_path(dir.path(), 3), vec![0u8; 100]).expect("write");
    match segment::read_at(dir.path(), 3, 50, 200) {
        Err(SpoolError::Corrupt(_)) => {}
        other => panic!("expected Corrupt, got {:?}", other.map(|b| b.len())),
    }
}
