//! The recipients' portal end to end over real sockets: a PHI message for
//! a recipient without a key becomes a notice at the sink; the link, the
//! one-time code (read at the sink), the message, the download and the
//! secure reply (delivered to the sender over verified TLS, threaded) work;
//! and the bad paths answer with the right page and status: unknown links,
//! CSRF, wrong codes and lockout, per-IP limits, oversized replies, expiry,
//! recall, sign-out. Every response is checked for the security headers.
//! The browser test (integration/portal/) drives the same path in Chromium.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SENDER: &str = "frontdesk@hosp.example";
const PATIENT: &str = "pat@patient.example";

/// A PHI message with a PDF attachment and HTML that tries to run script.
fn phi_message(subject: &str) -> String {
    format!(
        "From: Front Desk <{SENDER}>\r\nTo: {PATIENT}\r\nSubject: {subject}\r\nMessage-ID: <orig-1@hosp.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPatient DOB: 03/14/1961, MRN: 00482913. Your HbA1c is 6.1.\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Patient DOB: 03/14/1961, MRN: 00482913.</p><p>Your <b>HbA1c</b> is 6.1.</p><script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"><img src=\"https://tracker.example/t.gif\">\r\n--b2--\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"results.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\r\n--b1--\r\n"
    )
}

const PDF: &[u8] =
    b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n1 0 obj\n<</Type/Catalog>>\nendobj\n";

// ------------------------------------------------------------ http client

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The security headers every portal response carries.
    fn check_headers(&self) {
        let csp = self.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("default-src 'none'"), "CSP: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "CSP: {csp}");
        assert!(!csp.contains("script-src"), "no script allowed: {csp}");
        assert!(
            self.header("strict-transport-security")
                .is_some_and(|v| v.contains("max-age=")),
            "HSTS"
        );
        assert_eq!(self.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(self.header("x-content-type-options"), Some("nosniff"));
    }
}

/// A browser stand-in: keeps cookies, speaks HTTP/1.1 to the portal.
#[derive(Clone)]
struct Browser {
    port: u16,
    jar: HashMap<String, String>,
    forwarded_for: Option<String>,
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap_or("").to_string()
}

impl Browser {
    fn new(port: u16) -> Browser {
        Browser {
            port,
            jar: HashMap::new(),
            forwarded_for: None,
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        ctype: Option<&str>,
        body: &[u8],
    ) -> Resp {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect portal");
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if !cookies.is_empty() {
            head.push_str(&format!("Cookie: {}\r\n", cookies.join("; ")));
        }
        if let Some(f) = &self.forwarded_for {
            head.push_str(&format!("X-Forwarded-For: {f}\r\n"));
        }
        if let Some(t) = ctype {
            head.push_str(&format!(
                "Content-Type: {t}\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).await.expect("write");
        // A server may answer (413) before reading everything.
        let _ = s.write_all(body).await;
        let mut raw = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut raw)).await;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.get(9..12))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        if chunked {
            body = dechunk(&body);
        }
        let r = Resp {
            status,
            headers,
            body,
        };
        for c in r.all("set-cookie") {
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            if let Some((k, v)) = kv.split_once('=') {
                if v.is_empty() {
                    self.jar.remove(k);
                } else {
                    self.jar.insert(k.to_string(), v.to_string());
                }
            }
        }
        r.check_headers();
        r
    }

    async fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, None, b"").await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await
    }

    async fn post_multipart(&mut self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Resp {
        let b = "----sealpostboundary7MA4YWxk";
        let mut body = Vec::new();
        for (name, file, data) in parts {
            body.extend_from_slice(format!("--{b}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
        self.request(
            "POST",
            path,
            Some(&format!("multipart/form-data; boundary={b}")),
            &body,
        )
        .await
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(p) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..p]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[p + 2..(p + 2 + n).min(b.len())]);
        b = &b[(p + 4 + n).min(b.len())..];
    }
    out
}

// ------------------------------------------------------------ set-up

struct Rig {
    sink: Sink,
    d: Daemon,
    _tmp: tempfile::TempDir,
}

/// A daemon whose portal speaks plain HTTP on loopback (`tls = "none"`)
/// and a STARTTLS sink that the sender's domain reaches with verified TLS.
async fn rig(portal_extra: &str, secure_extra: &str) -> Rig {
    let tmp = tempfile::tempdir().expect("tmp");
    let (sink, ca) = Sink::start_tls(tmp.path()).await;
    let k = tmp.path().display();
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[delivery]\nretry_schedule = [\"1s\"]\nca_file = \"{}\"\n\n[secure]\nopenpgp_keyring = \"{k}/pgp\"\nsmime_certs = \"{k}/smime\"\ntls_domains = [\"hosp.example\"]\n{secure_extra}\n\n[portal]\nlisten = \"127.0.0.1:0\"\ntls = \"none\"\norganisation = \"Example Clinic\"\n{portal_extra}\n",
            ca.display()
        ),
        listener_extra: String::new(),
    })
    .await;
    Rig { sink, d, _tmp: tmp }
}

impl Rig {
    async fn send(&self, subject: &str) {
        let mut c = Client::connect(self.d.ports.plain).await;
        c.cmd("EHLO client.test", 250).await;
        c.send_message(SENDER, &[PATIENT], &phi_message(subject))
            .await;
    }

    /// Messages at the sink to `rcpt` whose text contains `needle`.
    async fn wait_mail(&self, rcpt: &str, needle: &str, n: usize) -> Vec<SinkMessage> {
        wait_for(&format!("{n} mail(s) to {rcpt} with {needle:?}"), || {
            let got: Vec<SinkMessage> = self
                .sink
                .all()
                .into_iter()
                .filter(|m| m.rcpts.iter().any(|r| r == rcpt) && m.text().contains(needle))
                .collect();
            (got.len() >= n).then_some(got)
        })
        .await
    }

    /// The token of the latest notice to the patient.
    async fn token(&self, n: usize) -> String {
        let notices = self.wait_mail(PATIENT, "/m/", n).await;
        let text = notices[n - 1].text();
        let at = text.find("/m/").expect("link") + 3;
        text[at..at + 43].to_string()
    }

    async fn code(&self, n: usize) -> String {
        let mails = self.wait_mail(PATIENT, "Your code: ", n).await;
        let text = mails[n - 1].text();
        let at = text.find("Your code: ").expect("code") + 11;
        text[at..at + 6].to_string()
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.d.path().join("audit/audit.log")).unwrap_or_default()
    }

    fn browser(&self) -> Browser {
        Browser::new(self.d.ports.portal())
    }
}

/// Landing → code by mail → signed in; returns the browser.
async fn sign_in(rig: &Rig, token: &str, nth_code: usize) -> Browser {
    let mut b = rig.browser();
    let landing = b.get(&format!("/m/{token}")).await;
    assert_eq!(landing.status, 200, "{}", landing.text());
    let sent = b
        .post(
            &format!("/m/{token}/code"),
            &[("csrf", &csrf_of(&landing.text()))],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let code = rig.code(nth_code).await;
    let form = b.get(&format!("/m/{token}/code?sent=1")).await;
    let ok = b
        .post(
            &format!("/m/{token}/verify"),
            &[
                ("csrf", &csrf_of(&form.text())),
                ("code", &code),
                ("remember", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert_eq!(
        ok.header("location"),
        Some(format!("/m/{token}/view").as_str())
    );
    b
}

// ------------------------------------------------------------ tests

#[tokio::test]
async fn a_patient_signs_in_with_an_emailed_code_reads_downloads_and_replies_securely() {
    let rig = rig("", "").await;
    rig.send("Your lab results").await;
    let token = rig.token(1).await;
    let notice = rig.wait_mail(PATIENT, "/m/", 1).await[0].text();
    for phi in ["00482913", "03/14/1961", "Your lab results", "HbA1c"] {
        assert!(!notice.contains(phi), "{phi} in the notice");
    }
    let mut b = rig.browser();
    // The link names the organisation and nothing of the message.
    let landing = b.get(&format!("/m/{token}")).await;
    let html = landing.text();
    assert!(html.contains("Example Clinic") && html.contains("Email me a code"));
    assert!(!html.contains("lab results") && !html.contains("HbA1c"));
    let csrf_cookie = landing.all("set-cookie").join("\n");
    for flag in [
        "__Host-sp_csrf=",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(csrf_cookie.contains(flag), "{flag} missing: {csrf_cookie}");
    }
    // Without the CSRF token, nothing is sent.
    let refused = b
        .post(&format!("/m/{token}/code"), &[("csrf", "forged")])
        .await;
    assert_eq!(refused.status, 403);
    let sent = b
        .post(&format!("/m/{token}/code"), &[("csrf", &csrf_of(&html))])
        .await;
    assert_eq!(sent.status, 303);
    let code_mail = rig.wait_mail(PATIENT, "Your code: ", 1).await.remove(0);
    assert_eq!(code_mail.from, format!("portal@relay.test"));
    assert!(!code_mail.text().contains("00482913"));
    let code = rig.code(1).await;
    // Not signed in yet: the message page sends us back to the landing page.
    let early = b.get(&format!("/m/{token}/view")).await;
    assert_eq!(early.status, 303);
    let form = b.get(&format!("/m/{token}/code?sent=1")).await;
    assert!(form.text().contains("p•••@patient.example") || form.text().contains("p&#8226;"));
    let ok = b
        .post(
            &format!("/m/{token}/verify"),
            &[
                ("csrf", &csrf_of(&form.text())),
                ("code", &code),
                ("remember", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    let set = ok.all("set-cookie").join("\n");
    for flag in [
        "__Host-sp_session=",
        "__Host-sp_device=",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(set.contains(flag), "{flag} missing: {set}");
    }
    // The code was single use.
    let again = b
        .post(
            &format!("/m/{token}/verify"),
            &[("csrf", &csrf_of(&form.text())), ("code", &code)],
        )
        .await;
    assert_eq!(again.status, 400);
    let page = b.get(&format!("/m/{token}/view")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = page.text();
    assert!(
        html.contains("Your lab results"),
        "the real Subject: {html}"
    );
    assert!(html.contains("<b>HbA1c</b>") && html.contains("Front Desk"));
    for bad in ["<script", "onerror", "tracker.example", "pwned"] {
        assert!(!html.contains(bad), "{bad} in the page");
    }
    // The attachment, byte for byte, as a download.
    let at = html.find("/a/").expect("attachment link");
    let part: String = html[at + 3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let dl = b.get(&format!("/m/{token}/a/{part}")).await;
    assert_eq!(dl.status, 200);
    assert_eq!(dl.body, PDF);
    assert_eq!(dl.header("content-type"), Some("application/pdf"));
    assert!(
        dl.header("content-disposition")
            .is_some_and(|v| v.starts_with("attachment;") && v.contains("results.pdf"))
    );
    assert_eq!(b.get(&format!("/m/{token}/a/0")).await.status, 404);
    // The secure reply: through the accept stage, to the sender, threaded,
    // over verified TLS.
    let csrf = csrf_of(&html);
    let sent = b
        .post_multipart(
            &format!("/m/{token}/reply"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("text", None, b"Thank you, see you Tuesday."),
                ("attachment", Some("notes.txt"), b"my notes"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let reply = rig
        .wait_mail(SENDER, "Thank you, see you Tuesday.", 1)
        .await
        .remove(0);
    assert!(reply.over_tls, "the reply left without TLS");
    let text = reply.text();
    assert!(
        text.contains("In-Reply-To: <orig-1@hosp.example>"),
        "{text}"
    );
    assert!(text.contains("References: <orig-1@hosp.example>"), "{text}");
    assert!(text.contains("Subject: Re: Your lab results"), "{text}");
    assert!(
        text.contains(&format!("Reply-To: <{PATIENT}>"))
            || text.contains(&format!("Reply-To: {PATIENT}")),
        "{text}"
    );
    assert!(
        text.contains("filename=\"notes.txt\"") && text.contains("\r\nmy notes\r\n"),
        "{text}"
    );
    // A second browser with only the device cookie skips the code.
    let mut returning = Browser::new(b.port);
    returning
        .jar
        .insert("__Host-sp_device".into(), b.jar["__Host-sp_device"].clone());
    let skip = returning.get(&format!("/m/{token}")).await;
    assert_eq!(skip.status, 303, "{}", skip.text());
    assert_eq!(returning.get(&format!("/m/{token}/view")).await.status, 200);
    // Sign-out ends the session and forgets the browser.
    let out = b.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 200);
    assert_eq!(b.get(&format!("/m/{token}/view")).await.status, 303);
    assert!(!b.jar.contains_key("__Host-sp_device"));
    let audit = rig.audit();
    for action in [
        "code_sent",
        "signed_in",
        "opened",
        "download",
        "reply",
        "signed_out",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{action}\"")),
            "no {action} in the audit log"
        );
    }
    assert_eq!(
        audit.matches("\"action\":\"opened\"").count(),
        1,
        "first open only"
    );
    assert!(!audit.contains("00482913") && !audit.contains("lab results"));
    let (_, metrics) = rig.d.http_get("/metrics").await;
    assert!(
        metrics.contains("sealpost_portal_events_total{event=\"opened\"} 1"),
        "{metrics}"
    );
    // Recall: the link says so, and the ciphertext is gone.
    let qid = wait_for("the portal list", || {
        let (code, out, _) = rig.d.cli(&["portal", "list"], None);
        (code == 0 && out.contains(PATIENT)).then_some(out)
    })
    .await;
    let v: serde_json::Value = serde_json::from_str(&qid).expect("json");
    let id = v[0]["id"].as_str().expect("id").to_string();
    assert_eq!(v[0]["downloads"], 1);
    assert_eq!(v[0]["replies"], 1);
    let (code, _, err) = rig.d.cli(&["portal", "recall", &id], None);
    assert_eq!(code, 0, "{err}");
    let gone = returning.get(&format!("/m/{token}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.text().contains("recalled"));
    assert!(rig.audit().contains("\"action\":\"recall\""));
}

#[tokio::test]
async fn wrong_codes_lock_the_message_and_bad_links_and_forms_get_clear_pages() {
    let rig = rig("max_code_attempts = 5\nlockout = \"15m\"\n", "").await;
    let mut b = rig.browser();
    // Unknown and malformed links: 404 pages, never a 500.
    for path in [
        "/m/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/m/short",
        "/m/%00%ff",
        "/nothing",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text().contains("<h1>"), "{path}: a page");
    }
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    let css = b.get("/static/portal.css").await;
    assert_eq!(css.status, 200);
    rig.send("Appointment").await;
    let token = rig.token(1).await;
    let landing = b.get(&format!("/m/{token}")).await;
    let csrf = csrf_of(&landing.text());
    // A garbled form body (no CSRF token in it) and a token without its
    // cookie are both refused with a 403 page.
    let bad = b
        .request(
            "POST",
            &format!("/m/{token}/verify"),
            Some("application/x-www-form-urlencoded"),
            b"%%%=\xff&&=",
        )
        .await;
    assert_eq!(bad.status, 403);
    assert!(bad.text().contains("This form has expired"));
    let huge = vec![b'a'; 100_000];
    let r = b
        .request(
            "POST",
            &format!("/m/{token}/verify"),
            Some("application/x-www-form-urlencoded"),
            &huge,
        )
        .await;
    assert_eq!(r.status, 413);
    let mut stranger = rig.browser();
    let r = stranger
        .post(
            &format!("/m/{token}/verify"),
            &[("csrf", &csrf), ("code", "123456")],
        )
        .await;
    assert_eq!(r.status, 403, "CSRF token without its cookie");
    assert_eq!(
        b.post(&format!("/m/{token}/code"), &[("csrf", &csrf)])
            .await
            .status,
        303
    );
    let code = rig.code(1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..5).rev() {
        let r = b
            .post(
                &format!("/m/{token}/verify"),
                &[("csrf", &csrf), ("code", wrong)],
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(
            r.text().contains(&format!("try {left} more")),
            "{}",
            r.text()
        );
    }
    let locked = b
        .post(
            &format!("/m/{token}/verify"),
            &[("csrf", &csrf), ("code", wrong)],
        )
        .await;
    assert_eq!(locked.status, 429);
    assert!(locked.text().contains("locked"));
    // Even the right code does not open a locked message.
    let r = b
        .post(
            &format!("/m/{token}/verify"),
            &[("csrf", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(b.get(&format!("/m/{token}")).await.status, 429);
    let audit = rig.audit();
    assert_eq!(audit.matches("\"action\":\"code_failed\"").count(), 5);
    assert!(audit.contains("\"action\":\"locked\""));
}

#[tokio::test]
async fn posts_are_limited_per_ip_and_code_requests_per_message() {
    let rig = rig(
        "posts_per_minute = 4\ncode_requests_per_hour = 2\ntrusted_proxies = [\"127.0.0.1\"]\n",
        "",
    )
    .await;
    rig.send("Hello").await;
    let token = rig.token(1).await;
    let mut b = rig.browser();
    b.forwarded_for = Some("198.51.100.7".into());
    let csrf = csrf_of(&b.get(&format!("/m/{token}")).await.text());
    let path = format!("/m/{token}/code");
    assert_eq!(b.post(&path, &[("csrf", &csrf)]).await.status, 303);
    assert_eq!(b.post(&path, &[("csrf", &csrf)]).await.status, 303);
    let capped = b.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(capped.status, 429, "third code within the hour");
    assert!(capped.header("retry-after").is_some());
    b.post(&path, &[("csrf", &csrf)]).await;
    let limited = b.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(limited.status, 429);
    assert!(limited.text().contains("Too many requests"));
    // Another client (as told by the trusted proxy) is not limited.
    let mut other = b.clone();
    other.forwarded_for = Some("198.51.100.8".into());
    let r = other.post(&path, &[("csrf", &csrf)]).await;
    assert!(!r.text().contains("Too many requests"), "{}", r.text());
    rig.sink.wait_exactly(3, &rig.d).await;
}

#[tokio::test]
async fn an_oversized_reply_is_refused_with_413_and_nothing_is_sent() {
    let rig = rig("max_reply_size = 2048\n", "").await;
    rig.send("Results").await;
    let token = rig.token(1).await;
    let mut b = sign_in(&rig, &token, 1).await;
    let page = b.get(&format!("/m/{token}/view")).await;
    let csrf = csrf_of(&page.text());
    let big = vec![b'x'; 200_000];
    let r = b
        .post_multipart(
            &format!("/m/{token}/reply"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("text", None, b"hi"),
                ("attachment", Some("big.txt"), &big),
            ],
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("too large"));
    let small = vec![b'y'; 3000];
    let r = b
        .post_multipart(
            &format!("/m/{token}/reply"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("text", None, b"hi"),
                ("attachment", Some("b.txt"), &small),
            ],
        )
        .await;
    assert_eq!(
        r.status, 413,
        "over max_reply_size but under the body slack"
    );
    let r = b
        .post_multipart(
            &format!("/m/{token}/reply"),
            &[("csrf", None, b"forged"), ("text", None, b"hi")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = b
        .request(
            "POST",
            &format!("/m/{token}/reply"),
            Some("text/plain"),
            b"hello",
        )
        .await;
    assert_eq!(r.status, 400);
    // Notice and code only: no reply reached the sender.
    rig.sink.wait_exactly(2, &rig.d).await;
}

#[tokio::test]
async fn expired_links_show_their_page_and_resend_issues_a_new_link() {
    let rig = rig("", "portal_expiry = \"1s\"\n").await;
    rig.send("Short-lived").await;
    let token = rig.token(1).await;
    let mut b = rig.browser();
    let start = std::time::Instant::now();
    let gone = loop {
        let r = b.get(&format!("/m/{token}")).await;
        if r.status == 410 || start.elapsed() > DEADLINE {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(gone.status, 410);
    assert!(gone.text().contains("expired"));
    assert!(rig.audit().contains("\"action\":\"expired\""));
    let (_, out, _) = rig.d.cli(&["portal", "list", "--recipient", PATIENT], None);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v[0]["state"], "expired");
    let id = v[0]["id"].as_str().expect("id").to_string();
    // An expired copy cannot be re-sent or extended: its key is gone.
    let (code, _, err) = rig.d.cli(&["portal", "resend", &id, PATIENT], None);
    assert_ne!(code, 0);
    assert!(err.contains("no active portal copy"), "{err}");
    let (code, _, _) = rig.d.cli(&["portal", "extend", &id, "--by", "30d"], None);
    assert_ne!(code, 0);
}

#[tokio::test]
async fn resend_gives_the_recipient_a_fresh_link_and_retires_the_old_one() {
    let rig = rig("notify_sender_on_read = true\n", "").await;
    rig.send("Follow-up").await;
    let old = rig.token(1).await;
    let (_, out, _) = rig.d.cli(&["portal", "list"], None);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let id = v[0]["id"].as_str().expect("id").to_string();
    let (code, _, err) = rig
        .d
        .cli(&["portal", "resend", &id, "someone@else.example"], None);
    assert_ne!(code, 0, "a link goes only to the original recipient");
    assert!(err.contains("no active portal copy"), "{err}");
    let (code, out, err) = rig.d.cli(&["portal", "extend", &id, "--by", "30d"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"extended\": 1"), "{out}");
    let (code, _, err) = rig.d.cli(&["portal", "resend", &id, PATIENT], None);
    assert_eq!(code, 0, "{err}");
    let new = rig.token(2).await;
    assert_ne!(old, new);
    let mut b = rig.browser();
    assert_eq!(b.get(&format!("/m/{old}")).await.status, 404);
    assert_eq!(b.get(&format!("/m/{new}")).await.status, 200);
    let mut b = sign_in(&rig, &new, 1).await;
    assert_eq!(b.get(&format!("/m/{new}/view")).await.status, 200);
    assert_eq!(b.get(&format!("/m/{new}/view")).await.status, 200);
    // notify_sender_on_read: one short notice for the first open, no PHI.
    let read = rig.wait_mail(SENDER, "was opened", 1).await;
    let text = read[0].text();
    assert!(text.contains(PATIENT) && text.contains(&id), "{text}");
    for phi in ["Follow-up", "00482913", "HbA1c"] {
        assert!(!text.contains(phi), "{phi} in the read notice");
    }
    rig.d.wait_settled().await;
    let notes = rig
        .sink
        .all()
        .into_iter()
        .filter(|m| m.text().contains("was opened"))
        .count();
    assert_eq!(notes, 1, "a notice for the first open only");
    let audit = rig.audit();
    assert!(audit.contains("\"action\":\"resent\"") && audit.contains("\"action\":\"extended\""));
    // The key file is 0600 and not inside the store's database.
    use std::os::unix::fs::PermissionsExt;
    let key = rig.d.path().join("spool/portal.key");
    let mode = std::fs::metadata(&key)
        .expect("portal.key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn an_idle_session_ends_and_without_device_trust_the_code_is_asked_again() {
    let rig = rig("session_idle = \"2s\"\ndevice_trust = \"off\"\n", "").await;
    rig.send("Idle").await;
    let token = rig.token(1).await;
    let mut b = sign_in(&rig, &token, 1).await;
    assert!(
        !b.jar.contains_key("__Host-sp_device"),
        "device_trust off: no device cookie"
    );
    assert_eq!(b.get(&format!("/m/{token}/view")).await.status, 200);
    let start = std::time::Instant::now();
    loop {
        let r = b.get(&format!("/m/{token}/view")).await;
        if r.status == 303 {
            assert_eq!(r.header("location"), Some(format!("/m/{token}").as_str()));
            break;
        }
        assert!(start.elapsed() < DEADLINE, "the session never went idle");
        // Slower than the idle time: the session must lapse.
        tokio::time::sleep(Duration::from_millis(2500)).await;
    }
    let landing = b.get(&format!("/m/{token}")).await;
    assert_eq!(landing.status, 200, "back to the code, not signed in again");
    assert!(landing.text().contains("Email me a code"));
}
