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
    let (spool, recovery) = Spool::open(dir.path(), &key).expect("reopen");
    let ids: Vec<QueueId> = spool.list().expect("list").iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![a, b], "recovered {recovery:?}");
    let meta = spool.get(b).expect("get").expect("b");
    assert_eq!(
        spool.load_body(&meta).expect("body"),
        b"Subject: b\r\n\r\nb\r\n"
    );
}
