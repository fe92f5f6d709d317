//! SIGHUP: a valid new config file swaps the routes without dropping
//! connections; an invalid one keeps the running configuration and says
//! why (log, metric, audit).

mod common;

use common::*;

async fn hup_and_wait(d: &Daemon, needle: &str) {
    let before = d.log().matches(needle).count();
    d.signal("-HUP");
    wait_for(needle, || {
        (d.log().matches(needle).count() > before).then_some(())
    })
    .await;
}

#[tokio::test]
async fn sighup_swaps_routes_and_an_invalid_config_keeps_the_old_one() {
    let a = Sink::start().await;
    let b = Sink::start().await;
    let d = Daemon::start(a.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message(
        "x@hosp.example",
        &["one@x.example"],
        "Subject: 1\r\n\r\none",
    )
    .await;
    a.wait_exactly(1, &d).await;

    let text = std::fs::read_to_string(&d.config).expect("config");
    let moved = text.replace(
        &format!("127.0.0.1:{}", a.port),
        &format!("127.0.0.1:{}", b.port),
    );
    std::fs::write(&d.config, &moved).expect("write");
    hup_and_wait(&d, "reload: config re-read").await;
    // The same session goes on after the reload.
    c.send_message(
        "x@hosp.example",
        &["two@x.example"],
        "Subject: 2\r\n\r\ntwo",
    )
    .await;
    b.wait_exactly(1, &d).await;

    std::fs::write(
        &d.config,
        moved.replace("tls = \"starttls\"", "tls = \"yes\""),
    )
    .expect("write");
    hup_and_wait(&d, "reload: config invalid").await;
    assert!(
        d.log().contains("listener[1].tls"),
        "the reason names the key: {}",
        d.log()
    );
    c.send_message(
        "x@hosp.example",
        &["three@x.example"],
        "Subject: 3\r\n\r\nthree",
    )
    .await;
    // The file again says what the daemon runs, so the CLI (queue list in
    // wait_exactly) can read it; no HUP.
    std::fs::write(&d.config, &moved).expect("write");
    b.wait_exactly(2, &d).await;
    assert_eq!(a.count(), 1);
    let (_, metrics) = d.http_get("/metrics").await;
    assert!(
        metrics.contains("sealpost_config_reloads_total{part=\"config\",result=\"error\"} 1"),
        "{metrics}"
    );
    let audit = std::fs::read_to_string(d.path().join("audit/audit.log")).expect("audit");
    assert!(
        audit.contains("\"event\":\"config_reload\",\"ok\":false"),
        "{audit}"
    );
}

/// `[secure]` settings (here the portal URL) take effect on SIGHUP.
#[tokio::test]
async fn sighup_rereads_secure_settings() {
    const PHI: &str =
        "Subject: Results\r\n\r\nPatient DOB: 03/14/1961\r\nMRN: 00482913\r\nA1c 9.1.\r\n";
    let sink = Sink::start().await;
    let d = Daemon::start(sink.port).await;
    let mut c = Client::connect(d.ports.plain).await;
    c.cmd("EHLO client.test", 250).await;
    c.send_message("x@hosp.example", &["one@x.example"], PHI)
        .await;
    let got = sink.wait_exactly(1, &d).await;
    assert!(
        got[0].text().contains("https://127.0.0.1:8443/m/"),
        "{}",
        got[0].text()
    );

    let text = std::fs::read_to_string(&d.config).expect("config");
    let changed = text.replacen(
        "public_url = \"https://127.0.0.1:8443\"",
        "public_url = \"https://after-reload.example\"",
        1,
    );
    assert_ne!(text, changed);
    std::fs::write(&d.config, &changed).expect("write");
    hup_and_wait(&d, "reload: config re-read").await;
    c.send_message("x@hosp.example", &["two@x.example"], PHI)
        .await;
    let got = sink.wait_exactly(2, &d).await;
    let two = got
        .iter()
        .find(|m| m.rcpts == ["two@x.example"])
        .expect("two");
    assert!(
        two.text().contains("https://after-reload.example/m/"),
        "{}",
        two.text()
    );
}
