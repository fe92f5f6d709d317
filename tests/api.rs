//! The REST API end to end: the real daemon with `[api]` on 127.0.0.1:0,
//! a recording SMTP sink, and HTTP requests as a client would send them.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use common::*;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn start(sink: &Sink, api_extra: &str) -> Daemon {
    Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[api]\nlisten = \"127.0.0.1:0\"\ntls = \"none\"\nwebhook_retry_base = \"200ms\"\nwebhook_retry_max = \"1s\"\n{api_extra}\n"
        ),
        listener_extra: String::new(),
    })
    .await
}

/// `apikey add NAME ARGS... --json`: (client_id, secret).
fn add_key(d: &Daemon, name: &str, args: &[&str]) -> (String, String) {
    let mut a = vec!["apikey", "add", name];
    a.extend_from_slice(args);
    a.push("--json");
    let (code, out, err) = d.cli(&a, None);
    assert_eq!(code, 0, "apikey add: {err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    (
        v["client_id"].as_str().expect("id").to_string(),
        v["client_secret"].as_str().expect("secret").to_string(),
    )
}

struct Client {
    port: u16,
    auth: String,
}

impl Client {
    fn key(d: &Daemon, id: &str, secret: &str) -> Client {
        Client {
            port: d.ports.api(),
            auth: format!("Bearer {id}.{secret}"),
        }
    }

    async fn req(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> HttpResponse {
        self.req_with(method, path, body, &[]).await
    }

    async fn req_with(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        extra: &[(&str, &str)],
    ) -> HttpResponse {
        let mut h: Vec<(&str, &str)> = vec![("authorization", self.auth.as_str())];
        h.extend_from_slice(extra);
        let bytes = match &body {
            Some(b) => {
                h.push(("content-type", "application/json"));
                serde_json::to_vec(b).expect("json")
            }
            None => Vec::new(),
        };
        http(self.port, false, method, path, &h, &bytes).await
    }

    async fn send(&self, body: serde_json::Value) -> HttpResponse {
        self.req("POST", "/v1/messages", Some(body)).await
    }
}

fn msg(to: &str) -> serde_json::Value {
    serde_json::json!({
        "from": "appointments@clinic.example",
        "to": [to],
        "subject": "Appointment",
        "text": "See you Monday.",
    })
}

fn assert_problem(r: &HttpResponse, status: u16, detail_part: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let v = r.json();
    assert_eq!(v["status"], status);
    let detail = v["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains(detail_part),
        "detail {detail:?} lacks {detail_part:?}"
    );
}

async fn token(port: u16, form: &str, basic: Option<(&str, &str)>) -> HttpResponse {
    let auth = basic.map(|(i, s)| format!("Basic {}", B64.encode(format!("{i}:{s}"))));
    let mut h = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(a) = &auth {
        h.push(("authorization", a.as_str()));
    }
    http(port, false, "POST", "/oauth/token", &h, form.as_bytes()).await
}

#[tokio::test]
async fn every_auth_method_submits_and_the_message_is_delivered_with_bcc_only_in_the_envelope() {
    let sink = Sink::start().await;
    let d = start(&sink, "").await;
    let (id, secret) = add_key(&d, "ehr", &["--scopes", "send,read"]);
    let port = d.ports.api();
    let c = Client::key(&d, &id, &secret);

    let mut first = msg("pat@example.net");
    first["bcc"] = serde_json::json!(["audit@clinic.example"]);
    let r = c.send(first).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let v = r.json();
    let qid = v["id"].as_str().expect("id").to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/messages/{qid}").as_str())
    );
    assert_eq!(v["recipients"].as_array().map(Vec::len), Some(2));

    // X-API-Key, Basic, and OAuth tokens (client_secret_basic and _post).
    let key = format!("{id}.{secret}");
    let body = serde_json::to_vec(&msg("b@example.net")).expect("json");
    let r = http(
        port,
        false,
        "POST",
        "/v1/messages",
        &[("x-api-key", &key), ("content-type", "application/json")],
        &body,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let basic = format!("Basic {}", B64.encode(format!("{id}:{secret}")));
    let body = serde_json::to_vec(&msg("c@example.net")).expect("json");
    let r = http(
        port,
        false,
        "POST",
        "/v1/messages",
        &[
            ("authorization", &basic),
            ("content-type", "application/json"),
        ],
        &body,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let t = token(port, "grant_type=client_credentials", Some((&id, &secret))).await;
    assert_eq!(t.status, 200, "{}", t.text());
    let tv = t.json();
    assert_eq!(tv["token_type"], "Bearer");
    assert_eq!(tv["expires_in"], 900);
    assert_eq!(tv["scope"], "send read");
    let bearer = Client {
        port,
        auth: format!("Bearer {}", tv["access_token"].as_str().expect("token")),
    };
    assert_eq!(bearer.send(msg("d@example.net")).await.status, 202);
    let form =
        format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=send");
    let t = token(port, &form, None).await;
    assert_eq!(t.status, 200, "{}", t.text());
    assert_eq!(t.json()["scope"], "send");

    // Five transactions: the first message has recipients in two domains.
    let got = sink.wait_exactly(5, &d).await;
    let first = got
        .iter()
        .find(|m| m.rcpts.contains(&"pat@example.net".to_string()))
        .expect("first message");
    let bcc = got
        .iter()
        .find(|m| m.rcpts.contains(&"audit@clinic.example".to_string()))
        .expect("the Bcc recipient's copy");
    for m in [first, bcc] {
        assert!(
            !m.text().contains("audit@clinic.example"),
            "Bcc in a header"
        );
    }
    assert!(
        first.text().contains("with HTTPA"),
        "trace header names the API: {}",
        first.text()
    );

    let s = c.req("GET", &format!("/v1/messages/{qid}"), None).await;
    assert_eq!(s.status, 200, "{}", s.text());
    let sv = s.json();
    assert_eq!(sv["state"], "finished");
    for r in sv["recipients"].as_array().expect("recipients") {
        assert_eq!(r["status"], "delivered", "{sv}");
        assert_eq!(r["method"], "plain", "{sv}");
        assert_eq!(r["attempts"], 1);
    }
}

#[tokio::test]
async fn wrong_revoked_and_underscoped_credentials_are_refused() {
    let sink = Sink::start().await;
    let d = start(&sink, "").await;
    let port = d.ports.api();
    let (id, secret) = add_key(
        &d,
        "ehr",
        &["--scopes", "send,read", "--sender-domain", "clinic.example"],
    );
    let (rid, rsecret) = add_key(&d, "reporting", &["--scopes", "read"]);

    let wrong = Client::key(&d, &id, "not-the-secret");
    let r = wrong.send(msg("a@example.net")).await;
    assert_problem(&r, 401, "wrong secret");
    assert!(r.header("www-authenticate").is_some());
    let unknown = Client::key(&d, "spk_000000000000000000000000", &secret);
    assert_problem(
        &unknown.send(msg("a@example.net")).await,
        401,
        "wrong secret",
    );
    let forged = Client {
        port,
        auth: "Bearer aaaa.bbbb.cccc".into(),
    };
    assert_problem(
        &forged.send(msg("a@example.net")).await,
        401,
        "invalid or has expired",
    );
    let none = http(port, false, "GET", "/v1/suppressions", &[], b"").await;
    assert_problem(&none, 401, "API key");
    let t = token(port, "grant_type=client_credentials", Some((&id, "nope"))).await;
    assert_eq!(t.status, 401);
    assert_eq!(t.json()["error"], "invalid_client");
    let t = token(port, "grant_type=password", Some((&id, &secret))).await;
    assert_eq!(t.json()["error"], "unsupported_grant_type");
    let t = token(
        port,
        "grant_type=client_credentials&scope=admin",
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(t.json()["error"], "invalid_scope");

    // Scopes: a read-only key may not send; a token asked for "read" neither.
    let reader = Client::key(&d, &rid, &rsecret);
    assert_problem(
        &reader.send(msg("a@example.net")).await,
        403,
        "\"send\" scope",
    );
    assert_eq!(
        reader.req("GET", "/v1/suppressions", None).await.status,
        200
    );
    let t = token(
        port,
        "grant_type=client_credentials&scope=read",
        Some((&id, &secret)),
    )
    .await;
    let read_token = Client {
        port,
        auth: format!("Bearer {}", t.json()["access_token"].as_str().expect("t")),
    };
    assert_problem(
        &read_token.send(msg("a@example.net")).await,
        403,
        "\"send\" scope",
    );
    // Admin-only operations.
    let c = Client::key(&d, &id, &secret);
    assert_problem(
        &c.req("PUT", "/v1/suppressions/x@example.net", None).await,
        403,
        "\"admin\" scope",
    );

    // Sender domains: the envelope and the From header.
    let mut other = msg("a@example.net");
    other["from"] = "billing@elsewhere.example".into();
    assert_problem(&c.send(other).await, 403, "elsewhere.example");
    let raw = serde_json::json!({
        "from": "ok@clinic.example",
        "to": ["a@example.net"],
        "message": "From: ceo@elsewhere.example\r\nSubject: x\r\n\r\nbody\r\n",
    });
    assert_problem(
        &c.req("POST", "/v1/messages/raw", Some(raw)).await,
        403,
        "elsewhere.example",
    );

    // Revocation stops the key and its tokens at once.
    let t = token(port, "grant_type=client_credentials", Some((&id, &secret))).await;
    let tok = Client {
        port,
        auth: format!("Bearer {}", t.json()["access_token"].as_str().expect("t")),
    };
    assert_eq!(tok.send(msg("a@example.net")).await.status, 202);
    let (code, _, err) = d.cli(&["apikey", "revoke", "ehr"], None);
    assert_eq!(code, 0, "{err}");
    assert_problem(&c.send(msg("a@example.net")).await, 401, "revoked");
    assert_problem(&tok.send(msg("a@example.net")).await, 401, "revoked");
    let (code, out, _) = d.cli(&["apikey", "list"], None);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).expect("list json");
    let ehr = list
        .as_array()
        .expect("array")
        .iter()
        .find(|k| k["name"] == "ehr")
        .expect("ehr");
    assert!(ehr["revoked"].is_string(), "{ehr}");
    assert!(!out.contains(&secret), "list never shows secrets");
    sink.wait_exactly(1, &d).await;
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let sink = Sink::start().await;
    let d = start(&sink, "").await;
    let (id, secret) = add_key(&d, "slow", &["--scopes", "read", "--rate", "2/s"]);
    let c = Client::key(&d, &id, &secret);
    let mut codes = Vec::new();
    for _ in 0..4 {
        let r = c.req("GET", "/v1/suppressions", None).await;
        if r.status == 429 {
            let after: u64 = r
                .header("retry-after")
                .and_then(|v| v.parse().ok())
                .expect("Retry-After");
            assert!((1..=2).contains(&after), "{after}");
            assert_eq!(r.header("content-type"), Some("application/problem+json"));
        }
        codes.push(r.status);
    }
    assert_eq!(
        &codes[..2],
        [200, 200],
        "a burst of one second's worth: {codes:?}"
    );
    assert!(codes[2..].contains(&429), "{codes:?}");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_sends_once() {
    let sink = Sink::start().await;
    let d = start(&sink, "").await;
    let (id, secret) = add_key(&d, "ehr", &["--scopes", "send,read"]);
    let c = Client::key(&d, &id, &secret);
    let key = [("idempotency-key", "order-4711")];
    let a = c
        .req_with("POST", "/v1/messages", Some(msg("pat@example.net")), &key)
        .await;
    assert_eq!(a.status, 202, "{}", a.text());
    let b = c
        .req_with("POST", "/v1/messages", Some(msg("pat@example.net")), &key)
        .await;
    assert_eq!(b.status, 202);
    assert_eq!(a.json()["id"], b.json()["id"], "the first answer again");
    assert_eq!(b.header("idempotent-replayed"), Some("true"));
    let other = c
        .req_with(
            "POST",
            "/v1/messages",
            Some(msg("someone@example.net")),
            &key,
        )
        .await;
    assert_problem(&other, 422, "different request");
    // A refused request's answer is kept too (same key, same bad body).
    let bad = serde_json::json!({"from": "x@clinic.example", "to": ["y@example.net"], "text": "t", "priority": 10});
    let k2 = [("idempotency-key", "bad-1")];
    assert_eq!(
        c.req_with("POST", "/v1/messages", Some(bad.clone()), &k2)
            .await
            .status,
        422
    );
    let again = c.req_with("POST", "/v1/messages", Some(bad), &k2).await;
    assert_eq!(again.status, 422);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    sink.wait_exactly(1, &d).await;
}

#[tokio::test]
async fn bad_input_gets_precise_problem_details_and_never_a_5xx() {
    let sink = Sink::start().await;
    let d = start(&sink, "max_request = \"4KiB\"").await;
    let (id, secret) = add_key(&d, "ehr", &["--scopes", "send,read,admin"]);
    let port = d.ports.api();
    let auth = format!("Bearer {id}.{secret}");
    let post = |body: Vec<u8>, ctype: &'static str| {
        let auth = auth.clone();
        async move {
            http(
                port,
                false,
                "POST",
                "/v1/messages",
                &[("authorization", &auth), ("content-type", ctype)],
                &body,
            )
            .await
        }
    };
    let json = "application/json";
    assert_problem(&post(b"{\"from\": ".to_vec(), json).await, 400, "EOF");
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x","colour":"red"}"#
                .to_vec(),
            json,
        )
        .await,
        400,
        "unknown field `colour`",
    );
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":"b@example.net","text":"x"}"#.to_vec(),
            json,
        )
        .await,
        400,
        "to:",
    );
    assert_problem(&post(vec![b' '; 5000], json).await, 413, "4096 bytes");
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["not-an-address"],"text":"x"}"#.to_vec(),
            json,
        )
        .await,
        422,
        "to[0]",
    );
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x","priority":10}"#
                .to_vec(),
            json,
        )
        .await,
        422,
        "priority: expected 0 to 9",
    );
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x","priority":-1}"#
                .to_vec(),
            json,
        )
        .await,
        422,
        "priority",
    );
    assert_problem(&post(br#"{"from":"a@clinic.example","to":["b@example.net"],"attachments":[{"content":"%%%","content_type":"text/plain"}]}"#.to_vec(), json).await, 422, "attachments[0].content: not valid base64");
    assert_problem(&post(br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x","headers":{"Message-ID":"<x@y>"}}"#.to_vec(), json).await, 422, "Message-ID");
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x"}"#.to_vec(),
            "text/plain",
        )
        .await,
        415,
        "application/json",
    );
    assert_problem(
        &post(
            br#"{"from":"a@clinic.example","to":["b@example.net"],"text":"x","require":"maximum"}"#
                .to_vec(),
            json,
        )
        .await,
        400,
        "require",
    );
    let c = Client {
        port,
        auth: auth.clone(),
    };
    assert_problem(
        &c.req("GET", "/v1/messages/nothex", None).await,
        400,
        "not a queue id",
    );
    assert_problem(
        &c.req("GET", "/v1/messages/0000000000000001", None).await,
        404,
        "0000000000000001",
    );
    assert_problem(
        &c.req("DELETE", "/v1/messages/0000000000000001", None).await,
        405,
        "DELETE",
    );
    assert_problem(&c.req("GET", "/v2/anything", None).await, 404, "openapi");
    assert_problem(
        &c.req("PUT", "/v1/suppressions/not%20an%20address", None)
            .await,
        422,
        "address",
    );
    // A note that is `null` is no string (schemathesis found it accepted).
    assert_problem(
        &c.req(
            "PUT",
            "/v1/suppressions/gone@example.net",
            Some(serde_json::json!({"note": null})),
        )
        .await,
        400,
        "note",
    );
    assert_problem(
        &c.req(
            "POST",
            "/v1/webhooks",
            Some(serde_json::json!({"url": "http://hooks.example.org/x"})),
        )
        .await,
        422,
        "loopback",
    );
    assert_problem(
        &c.req(
            "POST",
            "/v1/webhooks",
            Some(serde_json::json!({"url": "https://h.example/x", "events": ["opened"]})),
        )
        .await,
        422,
        "events[0]",
    );

    // Health needs no credentials; the document is the repository's.
    let h = http(port, false, "GET", "/v1/health", &[], b"").await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");
    let doc = http(port, false, "GET", "/v1/openapi.yaml", &[], b"").await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.text(), sealpost::api::OPENAPI);

    // Suppressions round trip, and a suppressed recipient is reported.
    let p = c
        .req(
            "PUT",
            "/v1/suppressions/Gone@Example.net",
            Some(serde_json::json!({"note": "asked"})),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.text());
    let l = c.req("GET", "/v1/suppressions", None).await.json();
    assert_eq!(l["suppressions"][0]["address"], "Gone@example.net");
    let r = c.send(msg("gone@example.net")).await;
    assert_eq!(r.status, 202);
    let qid = r.json()["id"].as_str().expect("id").to_string();
    let status = wait_for_status(&c, &qid, "suppressed").await;
    assert_eq!(status["recipients"][0]["reply"]["origin"], "local");
    assert_eq!(
        c.req("DELETE", "/v1/suppressions/gone@example.net", None)
            .await
            .status,
        204
    );
    assert_problem(
        &c.req("DELETE", "/v1/suppressions/gone@example.net", None)
            .await,
        404,
        "not on the suppression list",
    );
    // Only the failure notice to the sender leaves.
    let got = sink.wait_exactly(1, &d).await;
    assert_eq!(got[0].from, "");
}

/// Poll the status resource until the first recipient has `want`.
async fn wait_for_status(c: &Client, qid: &str, want: &str) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let v = c
            .req("GET", &format!("/v1/messages/{qid}"), None)
            .await
            .json();
        if v["recipients"][0]["status"] == want {
            return v;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "status never became {want}: {v}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn require_encrypt_goes_to_the_portal_and_recall_withdraws_it() {
    let sink = Sink::start().await;
    let d = start(&sink, "").await;
    let (id, secret) = add_key(&d, "ehr", &["--scopes", "send,read"]);
    let c = Client::key(&d, &id, &secret);
    let mut m = msg("pat@example.net");
    m["require"] = "encrypt".into();
    m["priority"] = 9.into();
    m["tags"] = serde_json::json!(["lab-result"]);
    let r = c.send(m).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json()["priority"], 9);
    let qid = r.json()["id"].as_str().expect("id").to_string();
    let v = wait_for_status(&c, &qid, "delivered").await;
    assert_eq!(v["recipients"][0]["method"], "portal", "{v}");
    assert_eq!(v["tags"][0], "lab-result");
    // Only the notice leaves, never the message.
    let got = sink.wait_exactly(1, &d).await;
    assert!(
        !got[0].text().contains("See you Monday"),
        "{}",
        got[0].text()
    );
    let rc = c
        .req("POST", &format!("/v1/messages/{qid}/recall"), None)
        .await;
    assert_eq!(rc.status, 200, "{}", rc.text());
    assert_eq!(rc.json()["recalled"], 1);
    let v = c
        .req("GET", &format!("/v1/messages/{qid}"), None)
        .await
        .json();
    assert_eq!(v["recipients"][0]["status"], "recalled", "{v}");
    // Another client does not see it.
    let (oid, osecret) = add_key(&d, "other", &["--scopes", "send,read"]);
    let o = Client::key(&d, &oid, &osecret);
    assert_eq!(
        o.req("GET", &format!("/v1/messages/{qid}"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        o.req("POST", &format!("/v1/messages/{qid}/recall"), None)
            .await
            .status,
        404
    );
}

// ---------------------------------------------------------------- webhooks

#[derive(Debug, Clone)]
struct Hook {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A webhook receiver on 127.0.0.1:0 answering `status` (0: close the
/// connection without an answer, as if down).
#[derive(Clone)]
struct Receiver {
    port: u16,
    status: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<Hook>>>,
}

impl Receiver {
    async fn start(status: u16) -> Receiver {
        let l = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind");
        let r = Receiver {
            port: l.local_addr().expect("addr").port(),
            status: Arc::new(AtomicU16::new(status)),
            got: Arc::default(),
        };
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    if me.status.load(Ordering::SeqCst) == 0 {
                        return;
                    }
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let me = me.clone();
                            async move {
                                use http_body_util::BodyExt;
                                let h = |n: &str| {
                                    req.headers()
                                        .get(n)
                                        .and_then(|v| v.to_str().ok())
                                        .unwrap_or("")
                                        .to_string()
                                };
                                let hook = Hook {
                                    id: h("webhook-id"),
                                    timestamp: h("webhook-timestamp"),
                                    signature: h("webhook-signature"),
                                    body: String::new(),
                                };
                                let body = req
                                    .into_body()
                                    .collect()
                                    .await
                                    .map(|b| b.to_bytes().to_vec())
                                    .unwrap_or_default();
                                let status = me.status.load(Ordering::SeqCst);
                                me.got.lock().expect("lock").push(Hook {
                                    body: String::from_utf8_lossy(&body).into_owned(),
                                    ..hook
                                });
                                Ok::<_, std::convert::Infallible>(
                                    hyper::Response::builder()
                                        .status(status)
                                        .body(http_body_util::Full::new(hyper::body::Bytes::new()))
                                        .expect("resp"),
                                )
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(s), svc)
                        .await;
                });
            }
        });
        r
    }

    fn all(&self) -> Vec<Hook> {
        self.got.lock().expect("lock").clone()
    }
}

/// Standard Webhooks verification, written out here independently of
/// the server's signer.
fn verify(secret: &str, h: &Hook) -> bool {
    let key = B64
        .decode(secret.trim_start_matches("whsec_"))
        .expect("secret");
    let signed = format!("{}.{}.{}", h.id, h.timestamp, h.body);
    let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
    let want = B64.encode(aws_lc_rs::hmac::sign(&k, signed.as_bytes()).as_ref());
    h.signature
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(want.as_str()))
}

#[tokio::test]
async fn webhooks_are_signed_retried_while_the_receiver_is_down_and_survive_kill_9() {
    let sink = Sink::start().await;
    let mut d = start(&sink, "").await;
    let (id, secret) = add_key(&d, "ehr", &["--scopes", "send,read,admin"]);
    let c = Client::key(&d, &id, &secret);
    let rx = Receiver::start(0).await;
    let gone = Receiver::start(410).await;
    let url = format!("http://127.0.0.1:{}/hook", rx.port);
    let w = c
        .req(
            "POST",
            "/v1/webhooks",
            Some(serde_json::json!({"url": url, "events": ["accepted", "delivered"]})),
        )
        .await;
    assert_eq!(w.status, 201, "{}", w.text());
    let whsec = w.json()["secret"].as_str().expect("secret").to_string();
    assert!(whsec.starts_with("whsec_"));
    let gurl = format!("http://127.0.0.1:{}/hook", gone.port);
    let g = c
        .req(
            "POST",
            "/v1/webhooks",
            Some(serde_json::json!({"url": gurl})),
        )
        .await;
    let gid = g.json()["id"].as_str().expect("id").to_string();

    let mut ids = Vec::new();
    for i in 0..3 {
        let r = c.send(msg(&format!("p{i}@example.net"))).await;
        assert_eq!(r.status, 202);
        ids.push(r.json()["id"].as_str().expect("id").to_string());
    }
    sink.wait_exactly(3, &d).await;
    // The 410 endpoint is disabled after its first answer.
    wait_for("410 disables", || (!gone.all().is_empty()).then_some(())).await;
    let start = std::time::Instant::now();
    loop {
        let v = c
            .req("GET", &format!("/v1/webhooks/{gid}"), None)
            .await
            .json();
        if v["disabled"].is_string() {
            break;
        }
        assert!(start.elapsed() < DEADLINE, "never disabled: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let gone_attempts = gone.all().len();
    // The receiver is down: attempts fail and are retried. Once a retry
    // pass has run after the deliveries (it flushes the outbox), kill -9.
    let before = d.log().matches("webhook not delivered").count();
    wait_for("retries", || {
        (d.log().matches("webhook not delivered").count() >= before + 6).then_some(())
    })
    .await;
    d.kill9();
    rx.status.store(200, Ordering::SeqCst);
    d.spawn().await;

    // Every event arrives (3 accepted, 3 delivered); repeats only with the
    // same webhook-id and body.
    wait_for("6 distinct webhooks", || {
        let ids: std::collections::HashSet<String> = rx
            .all()
            .iter()
            .filter(|h| !h.body.is_empty())
            .map(|h| h.id.clone())
            .collect();
        (ids.len() >= 6).then_some(())
    })
    .await;
    d.wait_settled().await;
    let all: Vec<Hook> = rx
        .all()
        .into_iter()
        .filter(|h| !h.body.is_empty())
        .collect();
    let mut by_id: HashMap<String, String> = HashMap::new();
    let mut events: Vec<(String, String)> = Vec::new();
    for h in &all {
        assert!(verify(&whsec, h), "bad signature on {h:?}");
        if let Some(prev) = by_id.insert(h.id.clone(), h.body.clone()) {
            assert_eq!(prev, h.body, "a repeat with the same id has the same body");
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&h.body).expect("json");
        assert!(
            !h.body.contains("Appointment") && !h.body.contains("Monday"),
            "no message content"
        );
        events.push((
            v["type"].as_str().expect("type").to_string(),
            v["data"]["queue_id"].as_str().expect("qid").to_string(),
        ));
    }
    events.sort();
    let mut want: Vec<(String, String)> = ids
        .iter()
        .flat_map(|q| {
            [
                ("accepted".to_string(), q.clone()),
                ("delivered".to_string(), q.clone()),
            ]
        })
        .collect();
    want.sort();
    assert_eq!(events, want);
    assert_eq!(gone.all().len(), gone_attempts, "no attempt after 410");
}

#[tokio::test]
async fn apikeys_are_managed_on_the_store_while_the_daemon_is_stopped_and_tls_serves_the_api() {
    let sink = Sink::start().await;
    let mut d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: "[api]\nlisten = \"127.0.0.1:0\"\n".into(),
        listener_extra: String::new(),
    })
    .await;
    assert_eq!(d.terminate().await, Some(0));
    let (id, secret) = add_key(
        &d,
        "offline",
        &["--scopes", "send", "--default-priority", "7"],
    );
    let (code, out, _) = d.cli(&["apikey", "list"], None);
    assert_eq!(code, 0);
    assert!(out.contains("offline"));
    let (code, _, err) = d.cli(&["apikey", "add", "bad", "--scopes", "root"], None);
    assert_ne!(code, 0);
    assert!(err.contains("unknown scope \"root\""), "{err}");
    d.spawn().await;
    let port = d.ports.api();
    assert!(
        d.ports.report.text.contains("api         https://"),
        "{}",
        d.ports.report.text
    );
    let auth = format!("Bearer {id}.{secret}");
    let body = serde_json::to_vec(&msg("pat@example.net")).expect("json");
    let r = http(
        port,
        true,
        "POST",
        "/v1/messages",
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        &body,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json()["priority"], 7, "the key's default priority");
    let got = sink.wait_exactly(1, &d).await;
    assert!(got[0].text().contains("with HTTPSA"), "{}", got[0].text());
}

#[tokio::test]
async fn behind_a_balancer_the_api_reads_the_proxy_header_and_closes_connections_without_one() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sink = Sink::start().await;
    let d = start(&sink, "proxy_protocol_from = [\"127.0.0.1\"]").await;
    let get = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", d.ports.api()))
        .await
        .expect("connect");
    s.write_all(b"PROXY TCP4 203.0.113.7 127.0.0.1 40000 8025\r\n")
        .await
        .expect("write");
    s.write_all(get).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // The balancer's address without a header: closed, nothing served.
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", d.ports.api()))
        .await
        .expect("connect");
    s.write_all(get).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, s.read_to_end(&mut out)).await;
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
    assert!(d.log().contains("PROXY header refused"), "{}", d.log());
}
