//! Discovery through the relay, against real protocol peers on 127.0.0.1:
//! a DNS server (MX, A, TXT, TLSA, AD bit), an HTTPS server (MTA-STS
//! policies, Web Key Directory) and SMTP sinks with and without STARTTLS.
//!
//! * MTA-STS `enforce`: mail goes only over TLS verified for the MX name;
//!   the policy is fetched once and cached; an MX that offers no STARTTLS,
//!   or is not in the policy, gets nothing (the mail waits, 4.7.x). A PHI
//!   message may use that verified TLS instead of the portal.
//! * DANE: a self-signed certificate no CA vouches for is accepted because
//!   a DNSSEC-secure TLSA record pins it; a wrong pin stops delivery.
//! * WKD: keys for recipients the keyring does not know are fetched
//!   (advanced method, and direct when `openpgpkey.` does not exist),
//!   cached both ways, and the mail is decrypted by `gpg`.

mod common;
mod discovery_support;
mod secure_support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use aws_lc_rs::digest;
use common::*;
use discovery_support::*;
use secure_support::{pgp_cert, run, secret_armor, tool, write};
use sequoia_openpgp::serialize::SerializeInto;

const PHI: &str = "From: frontdesk@hosp.example\r\nTo: x@y.example\r\nSubject: Results for Jane Roe\r\n\r\nPatient DOB: 03/14/1961\r\nMRN: 00482913\r\nA1c 9.1, continue metformin.\r\n";

/// A daemon delivering by MX through `dns` (no route), to `mx_port`.
async fn daemon(dns: &DnsServer, mx_port: u16, ca: &Path, extra: &str) -> Daemon {
    Daemon::start_with(Options {
        route_port: 0,
        extra: format!(
            "[delivery]\nretry_schedule = [\"1s\"]\nidle_connection_timeout = \"2s\"\n\
             mx_port = {mx_port}\ndns_servers = [\"{}\"]\nca_file = \"{}\"\n{extra}",
            dns.addr,
            ca.display()
        ),
        listener_extra: String::new(),
    })
    .await
}

fn secure_section(d: &Path, more: &str) -> String {
    format!(
        "[secure]\nopenpgp_keyring = \"{0}/pgp\"\nsmime_certs = \"{0}/smime\"\n{more}",
        d.display()
    )
}

async fn send(d: &Daemon, rcpts: &[&str], body: &str) {
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("frontdesk@hosp.example", rcpts, body).await;
}

/// Waits until one audit line holds every one of `parts`; returns it.
async fn audit_line(d: &Daemon, parts: &[&str]) -> String {
    let path = d.path().join("audit/audit.log");
    wait_for(&format!("an audit line with {parts:?}"), || {
        let log = std::fs::read_to_string(&path).ok()?;
        log.lines()
            .find(|l| parts.iter().all(|p| l.contains(p)))
            .map(str::to_string)
    })
    .await
}

/// Waits until the audit log holds a deferral with `status`.
async fn deferred_with(d: &Daemon, status: &str) {
    let status = format!("\"status\":\"{status}\"");
    audit_line(d, &["\"result\":\"deferred\"", &status]).await;
}

fn policy(mode: &str, mx: &str) -> Resource {
    (
        200,
        "text/plain",
        format!("version: STSv1\r\nmode: {mode}\r\nmx: {mx}\r\nmax_age: 86400\r\n").into_bytes(),
    )
}

#[tokio::test]
async fn mta_sts_enforce_means_verified_tls_or_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = TestCa::new(tmp.path());
    let sink = Sink::start_tls_with(ca.server_config(&["mx.sts.test"])).await;
    let mut res = HashMap::new();
    res.insert(
        "mta-sts.sts.test /.well-known/mta-sts.txt".to_string(),
        policy("enforce", "*.sts.test"),
    );
    let https = HttpsServer::start(ca.server_config(&["mta-sts.sts.test"]), res).await;
    let dns = DnsServer::start(
        vec![
            mx("sts.test", 10, "mx.sts.test"),
            a("mx.sts.test"),
            txt("_mta-sts.sts.test", "v=STSv1; id=2026112301"),
            a("mta-sts.sts.test"),
        ],
        false,
    )
    .await;
    let d = daemon(
        &dns,
        sink.port,
        &ca.pem,
        &secure_section(tmp.path(), &format!("https_port = {}\n", https.port)),
    )
    .await;
    send(
        &d,
        &["ann@sts.test"],
        "Subject: hello\r\n\r\nno PHI here\r\n",
    )
    .await;
    // The PHI message: the domain's enforce policy makes verified TLS a
    // method that satisfies "encrypt", ahead of the portal.
    send(&d, &["bea@sts.test"], PHI).await;
    let got = sink.wait_exactly(2, &d).await;
    assert!(got.iter().all(|m| m.over_tls), "sent without TLS");
    let phi = got
        .iter()
        .find(|m| m.rcpts == ["bea@sts.test"])
        .expect("bea");
    assert!(
        phi.text().contains("MRN: 00482913"),
        "the PHI message went to the portal instead of over verified TLS"
    );
    assert_eq!(https.hits("mta-sts.txt"), 1, "policy not cached");
    let log = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    assert!(
        log.contains("\"verified\":true"),
        "delivery not audited as verified"
    );
    assert!(log.contains("\"method\":\"tls\""), "{log}");
}

#[tokio::test]
async fn mta_sts_enforce_never_falls_back_to_plaintext() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = TestCa::new(tmp.path());
    // Plaintext-only MX, and a policy whose pattern excludes a second MX.
    let sink = Sink::start().await;
    let mut res = HashMap::new();
    res.insert(
        "mta-sts.nostarttls.test /.well-known/mta-sts.txt".to_string(),
        policy("enforce", "mx.nostarttls.test"),
    );
    res.insert(
        "mta-sts.othermx.test /.well-known/mta-sts.txt".to_string(),
        policy("enforce", "mx.elsewhere.test"),
    );
    let https = HttpsServer::start(
        ca.server_config(&["mta-sts.nostarttls.test", "mta-sts.othermx.test"]),
        res,
    )
    .await;
    let dns = DnsServer::start(
        vec![
            mx("nostarttls.test", 10, "mx.nostarttls.test"),
            a("mx.nostarttls.test"),
            txt("_mta-sts.nostarttls.test", "v=STSv1; id=1"),
            a("mta-sts.nostarttls.test"),
            mx("othermx.test", 10, "mx.othermx.test"),
            a("mx.othermx.test"),
            txt("_mta-sts.othermx.test", "v=STSv1; id=1"),
            a("mta-sts.othermx.test"),
        ],
        false,
    )
    .await;
    let d = daemon(
        &dns,
        sink.port,
        &ca.pem,
        &secure_section(tmp.path(), &format!("https_port = {}\n", https.port)),
    )
    .await;
    send(&d, &["ann@nostarttls.test"], "Subject: a\r\n\r\nhello\r\n").await;
    deferred_with(&d, "4.7.5").await;
    send(&d, &["ann@othermx.test"], "Subject: b\r\n\r\nhello\r\n").await;
    deferred_with(&d, "4.7.5").await;
    assert_eq!(
        sink.count(),
        0,
        "mail left without the TLS the policy demands"
    );
}

#[tokio::test]
async fn dane_pins_a_certificate_no_ca_vouches_for() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = TestCa::new(tmp.path()); // trusted, but it issued neither MX cert
    let (good, good_spki) = self_signed("mx.dane.test");
    let (bad, _) = self_signed("mx.wrongpin.test");
    let (unsigned, unsigned_spki) = self_signed("mx.unsigned.test");
    let good_sink = Sink::start_tls_with(good).await;
    let pin = digest::digest(&digest::SHA256, &good_spki)
        .as_ref()
        .to_vec();
    let records = |domain: &str| {
        vec![
            mx(domain, 10, &format!("mx.{domain}")),
            a(&format!("mx.{domain}")),
            tlsa(&format!("_25._tcp.mx.{domain}"), 3, 1, 1, pin.clone()),
        ]
    };
    let dns = DnsServer::start(records("dane.test"), true).await;
    let d = daemon(
        &dns,
        good_sink.port,
        &ca.pem,
        &secure_section(tmp.path(), "dane = true\nmta_sts = false\n"),
    )
    .await;
    send(&d, &["ann@dane.test"], "Subject: a\r\n\r\nhello\r\n").await;
    let got = good_sink.wait_exactly(1, &d).await;
    assert!(got[0].over_tls);
    let log = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    assert!(
        log.contains("\"verified\":true"),
        "DANE delivery not verified"
    );
    assert!(dns.asked("_25._tcp.mx.dane.test") >= 1);
    let (_, metrics) = d.http_get("/metrics").await;
    assert!(
        metrics.contains("sealpost_delivery_protection_total{method=\"tls_dane\"} 1"),
        "{metrics}"
    );

    // Same pin, but the MX shows another certificate: nothing is sent.
    let bad_sink = Sink::start_tls_with(bad).await;
    let dns = DnsServer::start(records("wrongpin.test"), true).await;
    let d = daemon(
        &dns,
        bad_sink.port,
        &ca.pem,
        &secure_section(tmp.path(), "dane = true\nmta_sts = false\n"),
    )
    .await;
    send(&d, &["ann@wrongpin.test"], "Subject: a\r\n\r\nhello\r\n").await;
    deferred_with(&d, "4.7.5").await;
    assert_eq!(
        bad_sink.count(),
        0,
        "sent to a certificate the TLSA record does not pin"
    );

    // Without the resolver's AD bit the TLSA record means nothing (RFC
    // 7672 §2.2): opportunistic, unverified TLS as for any domain.
    let unsigned_sink = Sink::start_tls_with(unsigned).await;
    let pin = digest::digest(&digest::SHA256, &unsigned_spki)
        .as_ref()
        .to_vec();
    let dns = DnsServer::start(
        vec![
            mx("unsigned.test", 10, "mx.unsigned.test"),
            a("mx.unsigned.test"),
            tlsa("_25._tcp.mx.unsigned.test", 3, 1, 1, pin),
        ],
        false,
    )
    .await;
    let d = daemon(
        &dns,
        unsigned_sink.port,
        &ca.pem,
        &secure_section(tmp.path(), "dane = true\nmta_sts = false\n"),
    )
    .await;
    send(&d, &["ann@unsigned.test"], "Subject: a\r\n\r\nhello\r\n").await;
    unsigned_sink.wait_exactly(1, &d).await;
    let line = audit_line(&d, &["\"result\":\"delivered\""]).await;
    assert!(
        line.contains("\"verified\":false"),
        "insecure TLSA was trusted: {line}"
    );
}

/// A self-signed certificate for `name`: its server config and SPKI DER.
fn self_signed(name: &str) -> (std::sync::Arc<rustls::ServerConfig>, Vec<u8>) {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    let spki = key.public_key_der();
    let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], der)
        .expect("config");
    (std::sync::Arc::new(config), spki)
}

fn gpg_decrypt(dir: &Path, cert: &sequoia_openpgp::Cert, data: &[u8]) -> String {
    let home = tempfile::tempdir_in(dir).expect("gnupghome");
    let h = home.path();
    let gpg = || {
        let mut c = Command::new("gpg");
        c.arg("--batch").arg("--homedir").arg(h);
        c
    };
    run(gpg()
        .arg("--import")
        .arg(write(h, "k.asc", &secret_armor(cert))));
    let out = run(gpg().arg("--decrypt").arg(write(h, "m.eml", data)));
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(h)
        .args(["--kill", "gpg-agent"])
        .output();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn wkd_keys_are_discovered_cached_and_used() {
    if std::env::var_os("CI").is_none() && !tool("gpg", &["--version"]) {
        eprintln!("gpg missing; skipped outside CI");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = TestCa::new(tmp.path());
    let carol = pgp_cert("carol@wkd.test");
    let dan = pgp_cert("dan@direct.test");
    let local = sealpost::secure::wkd::local_hash;
    let mut res = HashMap::new();
    let bin =
        |c: &sequoia_openpgp::Cert| (200, "application/octet-stream", c.to_vec().expect("ser"));
    res.insert(
        format!(
            "openpgpkey.wkd.test /.well-known/openpgpkey/wkd.test/hu/{}?l=carol",
            local("carol")
        ),
        bin(&carol),
    );
    res.insert(
        format!(
            "direct.test /.well-known/openpgpkey/hu/{}?l=dan",
            local("dan")
        ),
        bin(&dan),
    );
    let https = HttpsServer::start(
        ca.server_config(&["openpgpkey.wkd.test", "direct.test"]),
        res,
    )
    .await;
    let dns = DnsServer::start(vec![a("openpgpkey.wkd.test"), a("direct.test")], false).await;
    let sink = Sink::start().await;
    let d = Daemon::start_with(Options {
        route_port: sink.port,
        extra: format!(
            "[delivery]\nretry_schedule = [\"1s\"]\ndns_servers = [\"{}\"]\nca_file = \"{}\"\n{}",
            dns.addr,
            ca.pem.display(),
            secure_section(
                tmp.path(),
                &format!("wkd = true\nhttps_port = {}\n", https.port)
            )
        ),
        listener_extra: String::new(),
    })
    .await;
    let rcpts = ["carol@wkd.test", "dan@direct.test", "erin@wkd.test"];
    send(&d, &rcpts, PHI).await;
    let got = sink.wait_exactly(3, &d).await;
    let to = |r: &str| got.iter().find(|m| m.rcpts == [r]).expect("message");
    for m in &got {
        assert!(
            !m.text().contains("00482913"),
            "PHI in clear to {:?}",
            m.rcpts
        );
    }
    for (who, cert) in [("carol@wkd.test", &carol), ("dan@direct.test", &dan)] {
        let m = to(who);
        assert!(
            m.text().contains("multipart/encrypted"),
            "{who}: {}",
            m.text()
        );
        let clear = gpg_decrypt(tmp.path(), cert, &m.data);
        assert!(clear.contains("MRN: 00482913"), "{who}: {clear}");
    }
    assert!(to("erin@wkd.test").text().contains("/m/"), "no key: portal");

    // Again: every answer (found and not found) comes from the cache.
    let before = https.requests.lock().expect("lock").len();
    send(&d, &rcpts, PHI).await;
    sink.wait_exactly(6, &d).await;
    assert_eq!(
        https.requests.lock().expect("lock").len(),
        before,
        "WKD not cached"
    );
    assert_eq!(https.hits(&local("erin")), 1);
    // The direct method was used only because openpgpkey.direct.test
    // does not exist.
    assert!(dns.asked("openpgpkey.direct.test") >= 1);
}

/// RFC 8689: a REQUIRETLS message goes only over verified TLS to a next hop
/// that offers REQUIRETLS, and carries the parameter on; otherwise it fails
/// with 5.7.30 and nothing is sent.
#[tokio::test]
async fn requiretls_is_honoured_end_to_end() {
    use base64::Engine;
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = TestCa::new(tmp.path());
    // DNSSEC-secure MX: the next hop's name is authenticated.
    let dns = DnsServer::start(
        vec![mx("rtls.test", 10, "mx.rtls.test"), a("mx.rtls.test")],
        true,
    )
    .await;
    let insecure = DnsServer::start(
        vec![mx("rtls.test", 10, "mx.rtls.test"), a("mx.rtls.test")],
        false,
    )
    .await;
    let cert = ca.server_config(&["mx.rtls.test"]);
    let with = Sink::start_tls_ext(cert.clone(), &["PIPELINING", "STARTTLS", "REQUIRETLS"]).await;
    let without = Sink::start_tls_ext(cert, &["PIPELINING", "STARTTLS"]).await;
    for (sink, dns, offered) in [
        (&with, &dns, true),
        (&without, &dns, false),
        (&with, &insecure, false),
    ] {
        let d = daemon(
            dns,
            sink.port,
            &ca.pem,
            &secure_section(tmp.path(), "mta_sts = false\n"),
        )
        .await;
        d.add_user("ehr", "correct horse", &["hosp.example"]).await;
        let mut c = Client::connect(d.ports.sub).await.starttls(None).await;
        c.cmd("EHLO client.test", 250).await;
        let creds = base64::engine::general_purpose::STANDARD.encode(b"\0ehr\0correct horse");
        c.cmd(&format!("AUTH PLAIN {creds}"), 235).await;
        c.cmd("MAIL FROM:<doctor@hosp.example> REQUIRETLS", 250)
            .await;
        c.cmd("RCPT TO:<ann@rtls.test>", 250).await;
        c.cmd("DATA", 354).await;
        c.send_raw(b"Subject: t\r\n\r\nhello\r\n.\r\n").await;
        c.expect(250).await;
        if offered {
            let got = with.wait_exactly(1, &d).await;
            assert!(
                got[0].over_tls && got[0].mail_line.contains("REQUIRETLS"),
                "{}",
                got[0].mail_line
            );
        } else {
            audit_line(&d, &["\"result\":\"failed\"", "5.7.30"]).await;
            assert_eq!(sink.count(), usize::from(std::ptr::eq(sink, &with)));
        }
    }
}
