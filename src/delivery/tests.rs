//! Delivery orchestration without sockets: a real spool and schedule in a
//! temporary directory, and an in-memory `Transport` whose answers each
//! test scripts. Covers retries, failures and DSNs (remote `smtp;` versus
//! local `x-sealpost;`), expiry, suppression, method choice and the portal
//! fallback on a typed TLS failure (never on a remote's reply text).

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::error::DeliveryError;
use super::outcome::Outcome;
use super::transport::{Batch, Transport};
use super::{Delivery, Secure};
use crate::config::Config;
use crate::smtp::reply::Reply;
use crate::spool::schedule::Schedule;
use crate::spool::{
    Diagnostic, Envelope, MessageMeta, Protection, QueueId, RcptStatus, RecipientSpec, Spool,
    StoredVerdict,
};

type Answer = dyn Fn(&str, bool) -> Outcome + Send + Sync;

/// What the in-memory transport was asked to send.
#[derive(Debug, Clone)]
struct Sent {
    domain: String,
    rcpts: Vec<String>,
    body: Vec<u8>,
    require_tls: bool,
}

struct MemoryTransport {
    sent: Mutex<Vec<Sent>>,
    answer: Box<Answer>,
    verified_domains: Vec<String>,
}

impl Transport for MemoryTransport {
    async fn deliver(&self, b: Batch<'_>) -> Vec<(usize, Outcome)> {
        let rcpts: Vec<String> = b
            .rcpts
            .iter()
            .map(|&i| b.meta.recipients[i].address.clone())
            .collect();
        if let Ok(mut s) = self.sent.lock() {
            s.push(Sent {
                domain: b.domain.to_string(),
                rcpts: rcpts.clone(),
                body: b.body.to_vec(),
                require_tls: b.require_tls,
            });
        }
        b.rcpts
            .iter()
            .zip(&rcpts)
            .map(|(&i, r)| (i, (self.answer)(r, b.require_tls)))
            .collect()
    }

    async fn verified_tls(&self, domain: &str, _look_up: bool) -> bool {
        self.verified_domains.iter().any(|d| d == domain)
    }
}

fn delivered() -> Outcome {
    Outcome::Delivered {
        remote: "mx.test [127.0.0.1]".into(),
        dsn_relayed: false,
        tls: None,
    }
}

fn remote(code: u16, enhanced: &str, text: &str) -> Outcome {
    Outcome::not_delivered(
        DeliveryError::Remote(Reply::new(code, enhanced, text)),
        Some("mx.test [127.0.0.1]".into()),
    )
}

struct Rig {
    _dir: tempfile::TempDir,
    spool: Arc<Spool>,
    transport: Arc<MemoryTransport>,
    delivery: Delivery<MemoryTransport>,
}

const MESSAGE: &[u8] =
    b"From: Lab <lab@hosp.example>\r\nTo: p@x.example\r\nSubject: Results\r\n\r\nMRN 00482913\r\n";

impl Rig {
    fn new(
        extra_toml: &str,
        verified: &[&str],
        answer: impl Fn(&str, bool) -> Outcome + Send + Sync + 'static,
    ) -> Rig {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path().display();
        let text = format!(
            "[server]\nhostname = \"relay.test\"\nspool_dir = \"{d}/spool\"\n\
             [[listener]]\nname = \"l\"\naddress = \"127.0.0.1:0\"\n\
             [delivery]\nretry_schedule = [\"10m\"]\nmax_lifetime = \"1h\"\n\
             [portal]\npublic_url = \"https://portal.test\"\n\
             [secure]\nopenpgp_keyring = \"{d}/pgp\"\nsmime_certs = \"{d}/smime\"\n{extra_toml}"
        );
        let config = Arc::new(Config::from_toml(&text, Path::new("t.toml")).expect("config"));
        let (spool, _) =
            Spool::open(&dir.path().join("spool"), &dir.path().join("k")).expect("spool");
        let schedule = Arc::new(Schedule::new());
        let metrics = Arc::new(crate::metrics::Metrics::new().expect("metrics"));
        let transport = Arc::new(MemoryTransport {
            sent: Mutex::new(Vec::new()),
            answer: Box::new(answer),
            verified_domains: verified.iter().map(|s| s.to_string()).collect(),
        });
        for sub in ["pgp", "smime"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        let secure = Secure {
            pgp: crate::secure::openpgp::OpenPgp::load(&dir.path().join("pgp"), None).expect("pgp"),
            smime: crate::secure::smime::Smime::load(&dir.path().join("smime"), None)
                .expect("smime"),
            portal: Arc::new(crate::secure::portal::Vault::new(
                Arc::new(
                    crate::secure::portal::SledPortal::open(|n| {
                        spool.tree(n).map_err(|e| e.to_string())
                    })
                    .expect("portal store"),
                ),
                Arc::new(crate::secure::portal::NodeKey::from_secret(&[1; 32])),
                true,
            )),
            discovery: None,
        };
        let suppression: Arc<dyn crate::bounce::SuppressionStore> = Arc::new(
            crate::bounce::SledSuppression::from_tree(spool.tree("suppression").expect("tree")),
        );
        let delivery = Delivery::new(config, spool.clone(), schedule, transport.clone(), metrics)
            .with_suppression(suppression)
            .with_secure(secure);
        Rig {
            _dir: dir,
            spool,
            transport,
            delivery,
        }
    }

    async fn submit(&self, protection: Protection, rcpts: &[&str]) -> QueueId {
        let envelope = Envelope {
            sender: "lab@hosp.example".into(),
            recipients: rcpts
                .iter()
                .map(|r| RecipientSpec {
                    address: r.to_string(),
                    orcpt: None,
                    notify: 0,
                })
                .collect(),
            ret: None,
            envid: None,
            smtputf8: false,
            body_8bit: false,
            requiretls: false,
            listener: "l".into(),
            auth_user: None,
            client_ip: "127.0.0.1".into(),
            client_helo: "c".into(),
            priority: 4,
            mt_priority: None,
            verdict: StoredVerdict {
                protection,
                ..StoredVerdict::default()
            },
        };
        self.spool.accept(envelope, MESSAGE).await.expect("accept")
    }

    fn sent(&self) -> Vec<Sent> {
        self.transport.sent.lock().expect("lock").clone()
    }

    fn meta(&self, id: QueueId) -> Option<MessageMeta> {
        self.spool.get(id).expect("get")
    }

    /// Messages sealpost created itself (DSNs from <>, portal notices).
    fn generated(&self, listener: &str) -> Vec<(MessageMeta, String)> {
        self.spool
            .list()
            .expect("list")
            .into_iter()
            .filter(|m| m.envelope.listener == listener)
            .map(|m| {
                let body = self.spool.load_body(&m).expect("body");
                (m, String::from_utf8_lossy(&body).into_owned())
            })
            .collect()
    }
}

#[tokio::test]
async fn delivered_recipients_finish_the_message() {
    let rig = Rig::new("", &[], |_, _| delivered());
    let id = rig
        .submit(Protection::None, &["a@x.example", "b@x.example"])
        .await;
    rig.delivery.deliver(id).await;
    let sent = rig.sent();
    assert_eq!(sent.len(), 1, "one transaction for one domain");
    assert_eq!(sent[0].rcpts, ["a@x.example", "b@x.example"]);
    assert_eq!(sent[0].domain, "x.example");
    assert!(!sent[0].require_tls);
    assert!(
        rig.meta(id).is_none(),
        "a finished message leaves the queue"
    );
    assert_eq!(
        rig.spool.history(id).expect("history").expect("kept")[0].status,
        RcptStatus::Delivered
    );
}

#[tokio::test]
async fn final_results_reach_the_delivery_log_and_deferrals_do_not() {
    use crate::spool::delivered::{self, Final};
    let rig = Rig::new("", &[], |rcpt, _| match rcpt {
        "a@x.example" => delivered(),
        "b@y.example" => remote(550, "5.1.1", "no such user"),
        _ => remote(451, "4.2.0", "busy"),
    });
    let id = rig
        .submit(
            Protection::None,
            &["a@x.example", "b@y.example", "c@z.example"],
        )
        .await;
    rig.delivery.deliver(id).await;
    let log = std::fs::read(rig._dir.path().join("spool").join(delivered::FILE_NAME))
        .expect("delivery log");
    let (entries, _) = delivered::parse(&log);
    let marks: Vec<(u64, u32, Final)> = entries.iter().map(|e| (e.id, e.rcpt, e.status)).collect();
    // The delivered one at once; the failed one after its DSN was queued;
    // the deferred one not at all (it is still queued).
    assert_eq!(
        marks,
        vec![(id, 0, Final::Delivered), (id, 1, Final::Failed)]
    );
    assert_eq!(rig.generated("dsn").len(), 1, "the DSN was queued first");
    let m = rig.meta(id).expect("still queued for c");
    assert_eq!(m.recipients[2].status, RcptStatus::Queued);
}

#[tokio::test]
async fn a_4xx_defers_with_the_remote_reply_until_the_next_retry() {
    let rig = Rig::new("", &[], |_, _| remote(451, "4.2.0", "mailbox busy"));
    let id = rig.submit(Protection::None, &["a@x.example"]).await;
    let before = crate::util::now_ms();
    rig.delivery.deliver(id).await;
    let m = rig.meta(id).expect("still queued");
    let r = &m.recipients[0];
    assert_eq!((r.status, r.attempts), (RcptStatus::Queued, 1));
    assert_eq!(
        r.last_reply,
        Some(Diagnostic::Remote(Reply::new(451, "4.2.0", "mailbox busy")))
    );
    // "10m" ± 20 % jitter.
    assert!(
        r.next_attempt >= before + 480_000,
        "{}",
        r.next_attempt - before
    );
    assert!(rig.generated("dsn").is_empty());
    // Not due yet: a second pass sends nothing.
    rig.delivery.deliver(id).await;
    assert_eq!(rig.sent().len(), 1);
}

#[tokio::test]
async fn a_5xx_fails_the_recipient_and_the_dsn_quotes_the_remote_as_smtp() {
    let rig = Rig::new("", &[], |r, _| {
        if r.starts_with("gone") {
            remote(550, "5.1.1", "no such user")
        } else {
            delivered()
        }
    });
    let id = rig
        .submit(Protection::None, &["gone@x.example", "ok@x.example"])
        .await;
    rig.delivery.deliver(id).await;
    assert!(rig.meta(id).is_none());
    let dsns = rig.generated("dsn");
    assert_eq!(dsns.len(), 1);
    let (m, text) = &dsns[0];
    assert_eq!(m.envelope.sender, "");
    assert_eq!(m.recipients[0].address, "lab@hosp.example");
    assert!(
        text.contains("Final-Recipient: rfc822; gone@x.example"),
        "{text}"
    );
    assert!(text.contains("Status: 5.1.1"), "{text}");
    assert!(
        text.contains("Diagnostic-Code: smtp; 550 5.1.1 no such user"),
        "{text}"
    );
    assert!(
        !text.contains("Final-Recipient: rfc822; ok@x.example"),
        "{text}"
    );
    assert!(!text.contains("MRN 00482913"), "the DSN returned the body");
}

#[tokio::test]
async fn a_permanent_local_failure_fails_at_once_with_an_x_sealpost_diagnostic() {
    let rig = Rig::new("", &[], |_, _| {
        Outcome::not_delivered(DeliveryError::TooBig { size: 9, max: 1 }, None)
    });
    let id = rig.submit(Protection::None, &["a@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.meta(id).is_none(), "not retried");
    let (_, text) = rig.generated("dsn").pop().expect("a DSN");
    assert!(text.contains("Status: 5.3.4"), "{text}");
    assert!(
        text.contains(
            "Diagnostic-Code: x-sealpost; 5.3.4 Message too big for the recipient's mail server"
        ),
        "{text}"
    );
    assert!(!text.contains("smtp;"), "{text}");
}

#[tokio::test]
async fn a_transient_failure_past_the_lifetime_fails_with_4_4_7() {
    let rig = Rig::new("", &[], |_, _| {
        Outcome::not_delivered(DeliveryError::Unreachable("connect: refused".into()), None)
    });
    let id = rig.submit(Protection::None, &["a@x.example"]).await;
    rig.spool
        .modify(id, |m| m.created = m.created.saturating_sub(2 * 3_600_000))
        .expect("age it");
    rig.delivery.deliver(id).await;
    assert!(rig.meta(id).is_none());
    let (_, text) = rig.generated("dsn").pop().expect("a DSN");
    assert!(text.contains("Status: 4.4.7"), "{text}");
    assert!(text.contains("queue lifetime ran out"), "{text}");
    assert!(
        text.contains("x-sealpost; 4.4.1 No mail exchanger could be reached"),
        "{text}"
    );
    assert!(!text.contains("refused"), "library text in a DSN: {text}");
}

#[tokio::test]
async fn a_suppressed_recipient_fails_without_an_attempt() {
    let rig = Rig::new("", &[], |_, _| delivered());
    rig.delivery
        .suppression
        .as_ref()
        .expect("store")
        .add(
            "gone@x.example",
            crate::bounce::SuppressReason::HardBounce,
            "test",
        )
        .expect("add");
    let id = rig.submit(Protection::None, &["gone@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.sent().is_empty());
    let (_, text) = rig.generated("dsn").pop().expect("a DSN");
    assert!(text.contains("suppression list"), "{text}");
}

#[tokio::test]
async fn encrypt_without_any_recipient_key_goes_to_the_portal_with_a_notice() {
    let rig = Rig::new("", &[], |_, _| delivered());
    let id = rig.submit(Protection::Encrypt, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.sent().is_empty(), "nothing of the original left");
    assert!(rig.meta(id).is_none());
    let notices = rig.generated("portal");
    assert_eq!(notices.len(), 1);
    let (notice, text) = &notices[0];
    assert_eq!(notice.recipients[0].address, "p@x.example");
    assert!(text.contains("/m/"), "{text}");
    assert!(
        !text.contains("00482913") && !text.contains("Results"),
        "{text}"
    );
    // The notice itself is an ordinary message: it goes by the transport.
    rig.delivery.deliver(notice.id).await;
    assert_eq!(rig.sent().len(), 1);
    assert!(String::from_utf8_lossy(&rig.sent()[0].body).contains("/m/"));
}

#[tokio::test]
async fn encrypt_with_no_allowed_method_waits_and_never_sends() {
    let rig = Rig::new("order = [\"smime\"]\n", &[], |_, _| delivered());
    let id = rig.submit(Protection::Encrypt, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.sent().is_empty());
    let r = &rig.meta(id).expect("queued").recipients[0];
    assert_eq!(r.status, RcptStatus::Queued);
    assert_eq!(
        r.last_reply
            .as_ref()
            .map(|d| d.reply().status().to_string()),
        Some("4.7.0".into())
    );
}

#[tokio::test]
async fn a_tls_verdict_asks_the_transport_for_verified_tls() {
    let rig = Rig::new("", &["x.example"], |_, _| delivered());
    let id = rig.submit(Protection::Tls, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    let sent = rig.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].require_tls);
    assert!(rig.meta(id).is_none());
}

#[tokio::test]
async fn a_typed_tls_failure_falls_back_to_the_portal() {
    let rig = Rig::new("", &["x.example"], |_, _| {
        Outcome::not_delivered(DeliveryError::TlsUnavailable("no STARTTLS".into()), None)
    });
    let id = rig.submit(Protection::Tls, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.meta(id).is_none());
    assert_eq!(rig.generated("portal").len(), 1, "a portal notice");
}

#[tokio::test]
async fn a_remote_4xx_saying_tls_required_is_not_a_tls_failure() {
    let rig = Rig::new("", &["x.example"], |_, _| {
        remote(451, "4.7.5", "TLS required, please try again later")
    });
    let id = rig.submit(Protection::Tls, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(
        rig.generated("portal").is_empty(),
        "the remote's text chose the portal"
    );
    let r = &rig.meta(id).expect("queued").recipients[0];
    assert_eq!(r.status, RcptStatus::Queued);
    assert!(r.last_reply.as_ref().is_some_and(Diagnostic::is_remote));
}

#[tokio::test]
async fn with_tls_fallback_defer_a_tls_failure_waits() {
    let rig = Rig::new("tls_fallback = \"defer\"\n", &["x.example"], |_, _| {
        Outcome::not_delivered(
            DeliveryError::TlsUnavailable("bad certificate".into()),
            None,
        )
    });
    let id = rig.submit(Protection::Tls, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert!(rig.generated("portal").is_empty());
    assert_eq!(
        rig.meta(id).expect("queued").recipients[0].status,
        RcptStatus::Queued
    );
}

#[tokio::test]
async fn recipients_of_different_domains_get_their_own_batches_and_results() {
    let rig = Rig::new("", &[], |r, _| {
        if r.ends_with("@slow.example") {
            remote(421, "4.4.2", "busy")
        } else {
            delivered()
        }
    });
    let id = rig
        .submit(
            Protection::None,
            &["a@fast.example", "b@slow.example", "c@fast.example"],
        )
        .await;
    rig.delivery.deliver(id).await;
    let mut domains: Vec<String> = rig.sent().iter().map(|s| s.domain.clone()).collect();
    domains.sort();
    assert_eq!(domains, ["fast.example", "slow.example"]);
    let m = rig.meta(id).expect("one recipient left");
    let states: Vec<RcptStatus> = m.recipients.iter().map(|r| r.status).collect();
    assert_eq!(
        states,
        [
            RcptStatus::Delivered,
            RcptStatus::Queued,
            RcptStatus::Delivered
        ]
    );
}

/// Records what delivery reports through the event hook.
#[derive(Default)]
struct Recorder(Mutex<Vec<crate::events::Event>>);

impl crate::events::EventSink for Recorder {
    fn emit(&self, event: crate::events::Event) {
        self.0.lock().expect("lock").push(event);
    }
}

impl Recorder {
    fn of(&self, rcpt: &str) -> Vec<(crate::events::EventKind, Option<String>, Option<u16>)> {
        self.0
            .lock()
            .expect("lock")
            .iter()
            .filter(|e| e.recipient.as_deref() == Some(rcpt))
            .map(|e| (e.kind, e.method.clone(), e.code))
            .collect()
    }
}

#[tokio::test]
async fn each_result_is_one_event_with_its_method_or_reply_code() {
    use crate::events::EventKind as K;
    let mut rig = Rig::new("", &[], |r, _| {
        if r.starts_with("gone") {
            remote(550, "5.1.1", "no such user")
        } else if r.starts_with("busy") {
            remote(451, "4.2.0", "later")
        } else {
            delivered()
        }
    });
    let events = Arc::new(Recorder::default());
    rig.delivery.events = events.clone();
    rig.delivery
        .suppression
        .as_ref()
        .expect("list")
        .add(
            "blocked@x.example",
            crate::bounce::SuppressReason::Manual,
            "test",
        )
        .expect("add");
    let id = rig
        .submit(
            Protection::None,
            &[
                "ok@x.example",
                "gone@x.example",
                "busy@x.example",
                "blocked@x.example",
            ],
        )
        .await;
    rig.delivery.deliver(id).await;
    assert_eq!(
        events.of("ok@x.example"),
        [(K::Delivered, Some("plain".into()), None)]
    );
    assert_eq!(events.of("gone@x.example"), [(K::Bounced, None, Some(550))]);
    assert_eq!(
        events.of("busy@x.example"),
        [(K::Deferred, None, Some(451))]
    );
    assert_eq!(events.of("blocked@x.example")[0].0, K::Suppressed);
    let m = rig.meta(id).expect("busy is still queued");
    let via = m.recipients[0].via.as_ref().expect("delivered via");
    assert_eq!(via.method, "plain");
    // The DSN about gone@ and blocked@ reports nothing of its own.
    let dsn = rig.generated("dsn").pop().expect("dsn").0;
    rig.delivery.deliver(dsn.id).await;
    assert_eq!(events.of("lab@hosp.example"), []);
}

#[tokio::test]
async fn a_portal_delivery_is_reported_with_the_portal_method() {
    let mut rig = Rig::new("", &[], |_, _| delivered());
    let events = Arc::new(Recorder::default());
    rig.delivery.events = events.clone();
    let id = rig.submit(Protection::Encrypt, &["p@x.example"]).await;
    rig.delivery.deliver(id).await;
    assert_eq!(
        events.of("p@x.example"),
        [(
            crate::events::EventKind::Delivered,
            Some("portal".into()),
            None
        )]
    );
    let h = rig.spool.history(id).expect("history").expect("kept");
    assert_eq!(h[0].via.as_ref().map(|v| v.method.as_str()), Some("portal"));
}
