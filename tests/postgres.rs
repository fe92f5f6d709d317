//! Two sealpost nodes sharing one PostgreSQL (`[store] backend =
//! "postgres"`): a private cluster made with `initdb` and `pg_ctl` on a
//! free loopback port in a temp dir (as `nobody` when the test runs as
//! root), removed at the end. What one node writes, the other reads: API
//! keys and OAuth tokens, idempotency keys, suppressions from bounces,
//! portal messages and sign-ins, webhook endpoints; webhook events from
//! both nodes arrive once each. PostgreSQL stopped in the middle: SMTP
//! goes on, the API answers 503 with Retry-After, the portal says
//! "temporarily unavailable", suppression checks use the node's copy;
//! started again, everything recovers and nothing is lost.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ------------------------------------------------------------ the cluster

/// A private PostgreSQL cluster; stopped and removed on drop.
struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Run the server tools as this user (root may not run PostgreSQL).
    user: Option<&'static str>,
    password_file: PathBuf,
}

/// The directory of `initdb`/`pg_ctl`: PATH first, else Debian's
/// versioned directories (newest).
fn pg_bin() -> PathBuf {
    if let Ok(out) = Command::new("sh")
        .args(["-c", "command -v pg_ctl"])
        .output()
    {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if let Some(dir) = Path::new(&p).parent()
            && !p.is_empty()
            && dir.join("initdb").exists()
        {
            return dir.to_path_buf();
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    dirs.retain(|d| d.join("pg_ctl").exists());
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
        .expect("PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Pg {
    fn start() -> Pg {
        let dir = tempfile::tempdir().expect("tmp");
        let user = is_root().then_some("nobody");
        let bin = pg_bin();
        let password_file = dir.path().join("db-password");
        std::fs::write(&password_file, "s3cret-for-tests\n").expect("pw");
        // TLS on, with a certificate for "localhost" (tests connect both
        // ways: plain by default, verified TLS where they ask).
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        std::fs::write(dir.path().join("server.crt"), cert.pem()).expect("crt");
        std::fs::write(dir.path().join("server.key"), key.serialize_pem()).expect("key");
        chmod(&dir.path().join("server.key"), 0o600);
        if user.is_some() {
            // The server runs as nobody: it must reach and own its files.
            chmod(dir.path(), 0o755);
            chown_nobody(dir.path());
        }
        let mut pg = Pg {
            dir,
            bin,
            port: 0,
            user,
            password_file,
        };
        pg.run_ok(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-U",
                "sealpost",
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pg.password_file.display()),
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        // A free port: the server cannot bind port 0, so try a few.
        for _ in 0..5 {
            pg.port = free_port();
            if pg.pg_ctl_start() {
                return pg;
            }
        }
        panic!("PostgreSQL did not start: {}", pg.log());
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pg.log")).unwrap_or_default()
    }

    fn command(&self, tool: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(tool);
        let mut c = match self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        c.args(args).current_dir(self.dir.path());
        c
    }

    fn run_ok(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool, args).output().expect("run tool");
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `pg_ctl start -w`: returns once the server accepts connections.
    fn pg_ctl_start(&self) -> bool {
        let d = self.dir.path().display();
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off \
             -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key",
            self.port
        );
        let log = self.dir.path().join("pg.log").display().to_string();
        self.command(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
    }

    fn stop(&self) {
        self.run_ok("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn restart(&self) {
        assert!(self.pg_ctl_start(), "restart: {}", self.log());
    }

    fn url(&self) -> String {
        format!("postgres://sealpost@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = self
            .command(
                "pg_ctl",
                &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
            )
            .output();
    }
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn chown_nobody(p: &Path) {
    let ok = Command::new("chown")
        .args(["-R", "nobody"])
        .arg(p)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "chown nobody {}", p.display());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

// ------------------------------------------------------------ the nodes

const SENDER: &str = "billing@customer.example";

fn node_config(pg: &Pg, node: &str, keys: &Path) -> String {
    let k = keys.display();
    format!(
        r#"[store]
backend = "postgres"
url = "{url}"
password_file = "{pw}"
pool_size = 4
node_name = "{node}"
connect_timeout = "2s"

[api]
listen = "127.0.0.1:0"
tls = "none"
key_file = "{k}/api.key"
webhook_retry_base = "200ms"
webhook_retry_max = "1s"

[portal]
listen = "127.0.0.1:0"
tls = "none"
key_file = "{k}/portal.key"
organisation = "Example Clinic"

[[bounce_domain]]
sending_domain = "customer.example"
domain = "bounces.customer.example"

[[listener]]
name = "bounces"
mode = "bounce"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
"#,
        url = pg.url(),
        pw = pg.password_file.display(),
    )
}

async fn node(pg: &Pg, sink: &Sink, name: &str, keys: &Path) -> Daemon {
    Daemon::start_with(Options {
        route_port: sink.port,
        extra: node_config(pg, name, keys),
        listener_extra: String::new(),
    })
    .await
}

fn add_key(d: &Daemon, name: &str, scopes: &str) -> (String, String) {
    let (code, out, err) = d.cli(&["apikey", "add", name, "--scopes", scopes, "--json"], None);
    assert_eq!(code, 0, "apikey add: {err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    (
        v["client_id"].as_str().expect("id").to_string(),
        v["client_secret"].as_str().expect("secret").to_string(),
    )
}

async fn api(
    d: &Daemon,
    auth: &str,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
    extra: &[(&str, &str)],
) -> HttpResponse {
    let mut h: Vec<(&str, &str)> = vec![("authorization", auth)];
    h.extend_from_slice(extra);
    let bytes = match &body {
        Some(b) => {
            h.push(("content-type", "application/json"));
            serde_json::to_vec(b).expect("json")
        }
        None => Vec::new(),
    };
    http(d.ports.api(), false, method, path, &h, &bytes).await
}

fn msg(to: &str) -> serde_json::Value {
    serde_json::json!({
        "from": "appointments@clinic.example",
        "to": [to],
        "subject": "Appointment",
        "text": "See you Monday.",
    })
}

async fn token(d: &Daemon, id: &str, secret: &str) -> String {
    let form = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
    let r = http(
        d.ports.api(),
        false,
        "POST",
        "/oauth/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

fn suppressed(d: &Daemon) -> String {
    let (code, out, err) = d.cli(&["suppress", "list"], None);
    assert_eq!(code, 0, "{err}");
    out
}

fn dsn_for(rcpt: &str, token_addr: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.x.example\r\nTo: {token_addr}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.x.example\r\n\r\n\
         Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {SENDER}\r\nSubject: Statement\r\n\r\n--B--\r\n"
    )
}

/// Send one message; returns its queue id (from "250 ... queued as ID").
async fn send_smtp(port: u16, from: &str, to: &str, body: &str) -> String {
    let mut c = Client::connect(port).await;
    c.cmd("EHLO client.test", 250).await;
    let reply = c.send_message(from, &[to], body).await;
    reply
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string()
}

async fn send_bounce(port: u16, to: &str, body: &str) {
    let mut c = Client::connect(port).await;
    c.cmd("EHLO mx.x.example", 250).await;
    c.cmd("MAIL FROM:<>", 250).await;
    c.cmd(&format!("RCPT TO:<{to}>"), 250).await;
    c.cmd("DATA", 354).await;
    c.send_raw(&sealpost::smtp::data::dot_stuff(body.as_bytes()))
        .await;
    c.expect(250).await;
}

/// Messages at the sink to `rcpt` whose text contains `needle`.
async fn wait_mail(sink: &Sink, rcpt: &str, needle: &str, n: usize) -> Vec<SinkMessage> {
    wait_for(&format!("{n} mail(s) to {rcpt} with {needle:?}"), || {
        let got: Vec<SinkMessage> = sink
            .all()
            .into_iter()
            .filter(|m| m.rcpts.iter().any(|r| r == rcpt) && m.text().contains(needle))
            .collect();
        (got.len() >= n).then_some(got)
    })
    .await
}

/// Poll an async condition under the harness deadline.
async fn until<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------------------ portal

/// A browser stand-in for the portal: cookies, forms, HTTP/1.1.
struct Browser {
    port: u16,
    jar: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap_or("").to_string()
}

impl Browser {
    async fn request(&mut self, method: &str, path: &str, form: Option<&str>) -> Page {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect portal");
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if !self.jar.is_empty() {
            let c: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        if let Some(f) = form {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                f.len()
            ));
        }
        head.push_str("\r\n");
        head.push_str(form.unwrap_or(""));
        s.write_all(head.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        let _ = tokio::time::timeout(DEADLINE, s.read_to_end(&mut raw)).await;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
        let mut location = None;
        for line in head.split("\r\n").skip(1) {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            if k.eq_ignore_ascii_case("location") {
                location = Some(v.to_string());
            }
            if k.eq_ignore_ascii_case("set-cookie") {
                let kv = v.split(';').next().unwrap_or("");
                if let Some((k, v)) = kv.split_once('=') {
                    if v.is_empty() {
                        self.jar.remove(k);
                    } else {
                        self.jar.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        Page {
            status,
            location,
            body: body.to_string(),
        }
    }
}

// ------------------------------------------------------------ webhooks

/// A webhook receiver on 127.0.0.1:0 answering 200; keeps (id, body).
#[derive(Clone, Default)]
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let l = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind");
        let r = Receiver {
            port: l.local_addr().expect("addr").port(),
            got: Arc::default(),
        };
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let me = me.clone();
                            async move {
                                use http_body_util::BodyExt;
                                let id = req
                                    .headers()
                                    .get("webhook-id")
                                    .and_then(|v| v.to_str().ok())
                                    .unwrap_or("")
                                    .to_string();
                                let body = req
                                    .into_body()
                                    .collect()
                                    .await
                                    .map(|b| b.to_bytes().to_vec())
                                    .unwrap_or_default();
                                me.got
                                    .lock()
                                    .expect("lock")
                                    .push((id, String::from_utf8_lossy(&body).into_owned()));
                                Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                    http_body_util::Full::new(hyper::body::Bytes::new()),
                                ))
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

    /// (type, queue id, node) of each distinct webhook-id; panics on a
    /// repeat whose body differs.
    fn events(&self) -> Vec<(String, String, String)> {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for (id, body) in self.got.lock().expect("lock").iter() {
            if let Some(prev) = seen.insert(id.clone(), body.clone()) {
                assert_eq!(&prev, body, "a repeat with the same id has the same body");
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(body).expect("json");
            out.push((
                v["type"].as_str().unwrap_or("").to_string(),
                v["data"]["queue_id"].as_str().unwrap_or("").to_string(),
                v["data"]["node"].as_str().unwrap_or("").to_string(),
            ));
        }
        out
    }

    fn deliveries(&self) -> usize {
        self.got.lock().expect("lock").len()
    }
}

// ------------------------------------------------------------ the test

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_keys_tokens_idempotency_suppressions_portal_and_webhooks_through_a_postgres_restart()
 {
    let pg = Pg::start();
    let sink = Sink::start().await;
    let keys = tempfile::tempdir().expect("keys");

    // Node A migrates the schema at start; `store check` agrees.
    let a = node(&pg, &sink, "relay-a", keys.path()).await;
    let (code, out, err) = a.cli(&["store", "check"], None);
    assert_eq!(code, 0, "store check: {out}{err}");
    assert!(
        out.contains("OK") && out.contains("schema version 1"),
        "{out}"
    );
    assert!(
        !out.contains("s3cret"),
        "the password is never shown: {out}"
    );
    let audit = std::fs::read_to_string(a.path().join("audit/audit.log")).unwrap_or_default();
    assert!(
        audit.contains("node_started") && audit.contains("node=relay-a"),
        "{audit}"
    );
    assert!(!audit.contains("s3cret"), "no password in the audit log");
    let (code, out, _) = a.cli(&["store", "migrate"], None);
    assert_eq!(code, 0);
    assert!(out.contains("up to date"), "{out}");

    // An admin key and an endpoint for every message's events, made on A
    // before B starts (B reads them at start; later changes within 5 s).
    let (id, secret) = add_key(&a, "ehr", "send,read,admin");
    let key = format!("Bearer {id}.{secret}");
    let rx = Receiver::start().await;
    let w = api(
        &a,
        &key,
        "POST",
        "/v1/webhooks",
        Some(serde_json::json!({
            "url": format!("http://127.0.0.1:{}/hook", rx.port),
            "events": ["accepted"],
            "all_messages": true,
        })),
        &[],
    )
    .await;
    assert_eq!(w.status, 201, "{}", w.text());

    let b = node(&pg, &sink, "relay-b", keys.path()).await;

    // The API key added on A works on B, and so does A's OAuth token.
    let r = api(
        &b,
        &key,
        "POST",
        "/v1/messages",
        Some(msg("one@example.net")),
        &[],
    )
    .await;
    assert_eq!(r.status, 202, "key from A on B: {}", r.text());
    let qid_b = r.json()["id"].as_str().expect("id").to_string();
    let bearer = format!("Bearer {}", token(&a, &id, &secret).await);
    let r = api(
        &b,
        &bearer,
        "POST",
        "/v1/messages",
        Some(msg("two@example.net")),
        &[],
    )
    .await;
    assert_eq!(r.status, 202, "token from A on B: {}", r.text());
    let qid_b2 = r.json()["id"].as_str().expect("id").to_string();

    // An idempotency key used on A answers the same message on B.
    let idem = [("idempotency-key", "order-4711")];
    let first = api(
        &a,
        &key,
        "POST",
        "/v1/messages",
        Some(msg("three@example.net")),
        &idem,
    )
    .await;
    assert_eq!(first.status, 202, "{}", first.text());
    let qid_a = first.json()["id"].as_str().expect("id").to_string();
    let again = api(
        &b,
        &key,
        "POST",
        "/v1/messages",
        Some(msg("three@example.net")),
        &idem,
    )
    .await;
    assert_eq!(again.status, 202, "{}", again.text());
    assert_eq!(again.json()["id"], first.json()["id"], "the same message");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    wait_mail(&sink, "three@example.net", "See you Monday", 1).await;

    // Webhooks: "accepted" events raised on both nodes arrive once each,
    // naming the node that raised them.
    let want: HashSet<(String, String, String)> = [
        (qid_b.clone(), "relay-b"),
        (qid_b2.clone(), "relay-b"),
        (qid_a.clone(), "relay-a"),
    ]
    .into_iter()
    .map(|(q, n)| ("accepted".to_string(), q, n.to_string()))
    .collect();
    wait_for("three accepted events", || {
        let got: HashSet<_> = rx.events().into_iter().collect();
        got.is_superset(&want).then_some(())
    })
    .await;

    // A bounce processed by A suppresses the address on B.
    let stmt = format!("From: {SENDER}\r\nSubject: Statement\r\n\r\nHello");
    send_smtp(a.ports.plain, SENDER, "gone@x.example", &stmt).await;
    let verp = wait_mail(&sink, "gone@x.example", "Hello", 1).await[0]
        .from
        .clone();
    send_bounce(
        a.ports.listener("bounces"),
        &verp,
        &dsn_for("gone@x.example", &verp),
    )
    .await;
    let list = wait_for("gone@x.example suppressed, seen from B", || {
        let l = suppressed(&b);
        l.contains("gone@x.example").then_some(l)
    })
    .await;
    assert!(list.contains("hard-bounce"), "{list}");
    send_smtp(b.ports.plain, SENDER, "gone@x.example", &stmt).await;
    let dsns = wait_mail(&sink, SENDER, "suppression list", 1).await;
    assert_eq!(dsns.len(), 1);

    // A portal message sealed on A opens through B (code mailed by B).
    let mut m = msg("pat@example.net");
    m["require"] = "encrypt".into();
    let r = api(&a, &key, "POST", "/v1/messages", Some(m), &[]).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let notice = wait_mail(&sink, "pat@example.net", "/m/", 1).await[0].text();
    let at = notice.find("/m/").expect("link") + 3;
    let link = format!("/m/{}", &notice[at..at + 43]);
    let mut br = Browser {
        port: b.ports.portal(),
        jar: HashMap::new(),
    };
    let landing = br.request("GET", &link, None).await;
    assert_eq!(landing.status, 200, "{}", landing.body);
    let sent = br
        .request(
            "POST",
            &format!("{link}/code"),
            Some(&format!("csrf={}", csrf_of(&landing.body))),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let code_mail = wait_mail(&sink, "pat@example.net", "Your code: ", 1).await[0].text();
    let at = code_mail.find("Your code: ").expect("code") + 11;
    let code = code_mail[at..at + 6].to_string();
    let form = br
        .request("GET", &format!("{link}/code?sent=1"), None)
        .await;
    let ok = br
        .request(
            "POST",
            &format!("{link}/verify"),
            Some(&format!("csrf={}&code={code}", csrf_of(&form.body))),
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(
        ok.location.as_deref(),
        Some(format!("{link}/view").as_str())
    );
    let view = br.request("GET", &format!("{link}/view"), None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert!(view.body.contains("See you Monday."), "{}", view.body);
    // The session made on B is good on A as well.
    let mut on_a = Browser {
        port: a.ports.portal(),
        jar: br.jar.clone(),
    };
    let view_a = on_a.request("GET", &format!("{link}/view"), None).await;
    assert_eq!(view_a.status, 200, "{}", view_a.body);

    // PostgreSQL goes away.
    pg.stop();
    let during = format!("From: {SENDER}\r\nSubject: During\r\n\r\nWhile the database was down");
    let qid_during = send_smtp(a.ports.plain, SENDER, "during@example.net", &during).await;
    let r = api(
        &b,
        &key,
        "POST",
        "/v1/messages",
        Some(msg("x@example.net")),
        &[],
    )
    .await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.header("retry-after").is_some(), "Retry-After");
    let down = br.request("GET", &format!("{link}/view"), None).await;
    assert_eq!(down.status, 503);
    assert!(
        down.body.contains("Temporarily unavailable"),
        "{}",
        down.body
    );
    // B still refuses the suppressed address, from its own copy.
    send_smtp(b.ports.plain, SENDER, "gone@x.example", &stmt).await;
    wait_mail(&sink, SENDER, "suppression list", 2).await;
    wait_mail(&sink, "during@example.net", "database was down", 1).await;
    let (_, metrics) = b.http_get("/metrics").await;
    let stale = metrics
        .lines()
        .find(|l| l.starts_with("sealpost_store_suppression_stale_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    assert!(stale >= 1.0, "stale suppression checks counted: {metrics}");
    assert!(metrics.contains("sealpost_store_up 0"), "store down");

    // Back again: everything recovers by itself, nothing was lost.
    pg.restart();
    until("the API on B answers again", || {
        let key = key.clone();
        let b = &b;
        async move {
            let r = api(b, &key, "GET", "/v1/suppressions", None, &[]).await;
            (r.status == 200).then_some(())
        }
    })
    .await;
    let view = br.request("GET", &format!("{link}/view"), None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    // The event raised on A during the outage arrives (from A's local
    // queue, moved to the shared outbox).
    let outage = ("accepted".to_string(), qid_during, "relay-a".to_string());
    wait_for("the accepted event from the outage", || {
        rx.events().contains(&outage).then_some(())
    })
    .await;
    // Once each: every event one webhook-id, and (every attempt got a
    // 200) no id sent twice.
    let events = rx.events();
    let distinct: HashSet<_> = events.iter().map(|(t, q, _)| (t, q)).collect();
    assert_eq!(
        distinct.len(),
        events.len(),
        "an event sent twice: {events:?}"
    );
    assert_eq!(rx.deliveries(), events.len(), "an id sent twice");
}

#[tokio::test]
async fn a_node_with_another_key_file_is_refused_bad_credentials_are_named_and_a_node_starts_without_the_database()
 {
    let pg = Pg::start();
    let sink = Sink::start().await;
    let keys = tempfile::tempdir().expect("keys");
    let _a = node(&pg, &sink, "relay-a", keys.path()).await;
    // Another node with its own (different) key files.
    let other = tempfile::tempdir().expect("other keys");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("sealpost.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nspool_dir = \"{d}/spool\"\nusers_file = \"{d}/users.toml\"\n\n[[listener]]\nname = \"plain\"\naddress = \"127.0.0.1:0\"\ntls = \"none\"\nauth = \"none\"\n\n[metrics]\naddress = \"off\"\n\n{}",
            node_config(&pg, "relay-c", other.path()),
            d = dir.path().display()
        ),
    )
    .expect("config");
    let out = Command::new(bin())
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started with another key: {err}");
    assert!(
        err.contains("api.key_file") && err.contains("not the key the other nodes use"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");

    // A wrong password: `store check` fails and names the URL, not the password.
    std::fs::write(pg.password_file.with_extension("wrong"), "nope\n").expect("pw");
    let text = std::fs::read_to_string(&config)
        .expect("read")
        .replace("db-password", "db-password.wrong");
    std::fs::write(&config, text).expect("write");
    let (code, out, err) = cli_with(&["store", "check"], &config, None);
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("store.url") && err.contains("password"),
        "{err}"
    );

    // A node started while the database is down starts (SMTP goes on) and
    // is served once the database is back.
    pg.stop();
    let d = node(&pg, &sink, "relay-d", keys.path()).await;
    assert!(
        d.log().contains("shared store unreachable at start"),
        "{}",
        d.log()
    );
    let body = format!("From: {SENDER}\r\nSubject: x\r\n\r\nHello");
    send_smtp(d.ports.plain, SENDER, "early@example.net", &body).await;
    wait_mail(&sink, "early@example.net", "Hello", 1).await;
    let (code, _, _) = d.cli(&["apikey", "list"], None);
    assert_ne!(code, 0, "no API keys while the database is down");
    pg.restart();
    wait_for("API keys through D", || {
        (d.cli(&["apikey", "list"], None).0 == 0).then_some(())
    })
    .await;
}

/// The stores themselves, two "nodes" (two pools) on one database.
fn two_dbs(
    pg: &Pg,
) -> (
    Arc<sealpost::store::postgres::Db>,
    Arc<sealpost::store::postgres::Db>,
) {
    let cfg = sealpost::config::PostgresConfig {
        url: pg.url(),
        password_file: Some(pg.password_file.clone()),
        pool_size: 4,
        connect_timeout: Duration::from_secs(2),
        ca_file: None,
    };
    let a = sealpost::store::postgres::Db::new(&cfg, "a", None).expect("db a");
    let b = sealpost::store::postgres::Db::new(&cfg, "b", None).expect("db b");
    a.migrate().expect("migrate");
    assert!(b.migrate().expect("again").is_empty(), "applied once");
    (a, b)
}

#[test]
fn outbox_leases_counters_and_portal_updates_are_shared_without_double_work() {
    use sealpost::secure::portal::PortalStore;
    use sealpost::store::postgres::{PgPortal, PgRateLimiter, PgWebhooks};
    use sealpost::store::{OutboxItem, RateLimiter, WebhookStore};
    let pg = Pg::start();
    let (da, db) = two_dbs(&pg);
    let tls = da
        .run(|pool| async move {
            let c = pool.get().await?;
            let row = c
                .query_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    &[],
                )
                .await?;
            Ok(row.get::<_, bool>(0))
        })
        .expect("query");
    assert!(tls, "the connection is TLS");
    let tmp = tempfile::tempdir().expect("tmp");
    let sled = sled::open(tmp.path()).expect("sled");
    let lease = Duration::from_secs(60);
    let wa = PgWebhooks::new(da.clone(), sled.open_tree("pa").expect("t"), lease);
    let wb = PgWebhooks::new(db.clone(), sled.open_tree("pb").expect("t"), lease);
    let items: Vec<OutboxItem> = (0..10)
        .map(|i| OutboxItem {
            seq: wa.next_seq().expect("seq"),
            next_ms: 1000 + i,
            endpoint_id: "ep_1".into(),
            webhook_id: format!("msg_{i}"),
            payload: "{}".into(),
            created_ms: 1,
            attempts: 0,
        })
        .collect();
    wa.enqueue(items).expect("enqueue");
    // Both nodes ask at once: every item goes to exactly one of them.
    let (ga, gb) = std::thread::scope(|s| {
        let ha = s.spawn(|| wa.due(5000, 6).expect("due a"));
        let hb = s.spawn(|| wb.due(5000, 6).expect("due b"));
        (ha.join().expect("a"), hb.join().expect("b"))
    });
    let mut ids: Vec<String> = ga.iter().chain(&gb).map(|i| i.webhook_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ga.len() + gb.len(), "an item handed out twice");
    let rest = wa.due(5000, 100).expect("rest");
    assert_eq!(ga.len() + gb.len() + rest.len(), 10);
    assert!(
        wb.due(5000, 100).expect("none left").is_empty(),
        "all leased"
    );
    // A retry clears the lease: due again at its new time, on any node.
    let first = &ga.first().or(gb.first()).expect("one").clone();
    let later = OutboxItem {
        next_ms: 6000,
        attempts: 1,
        ..first.clone()
    };
    wa.reschedule(first, &later).expect("reschedule");
    assert_eq!(wb.due(6000, 10).expect("due").len(), 1);
    assert_eq!(wb.drop_endpoint_items("ep_1").expect("drop"), 10);
    assert_eq!(wa.pending().expect("pending"), 0);

    // Rate counters: one second's burst for both nodes together.
    let (ra, rb) = (
        PgRateLimiter::new(da.clone()),
        PgRateLimiter::new(db.clone()),
    );
    let allowed = (0..6)
        .filter(|i| {
            let l: &dyn RateLimiter = if i % 2 == 0 { &ra } else { &rb };
            l.check("client-1", 3.0).is_ok()
        })
        .count();
    assert_eq!(allowed, 3, "3/s shared, not per node");
    let wait = rb.check("client-1", 3.0).expect_err("limited");
    assert!(wait <= Duration::from_secs(1), "{wait:?}");

    // Portal code failures counted on two nodes at once lose nothing.
    let (pa, pb) = (PgPortal::new(da.clone()), PgPortal::new(db.clone()));
    let record: sealpost::secure::portal::CopyRecord = serde_json::from_value(serde_json::json!({
        "queue_id": u64::MAX - 5, "recipient": "Pat@Example.net", "created_ms": 1, "expires_ms": 2,
    }))
    .expect("record");
    let id = [7u8; 32];
    pa.insert(&id, &record, b"sealed").expect("insert");
    std::thread::scope(|s| {
        for store in [&pa, &pb] {
            s.spawn(move || {
                for _ in 0..20 {
                    store
                        .update(&id, &mut |r| {
                            r.login.failures += 1;
                            true
                        })
                        .expect("update");
                }
            });
        }
    });
    let r = pb.get(&id).expect("get").expect("some");
    assert_eq!(r.login.failures, 40);
    assert_eq!(pb.body(&id).expect("body").as_deref(), Some(&b"sealed"[..]));
    assert_eq!(pb.by_queue_id(u64::MAX - 5).expect("by qid").len(), 1);
    assert_eq!(pb.list(Some("pat@example.net")).expect("list").len(), 1);
}
