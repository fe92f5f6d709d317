//! STARTTLS (RFC 3207), implicit TLS (RFC 8314), client certificates and
//! AUTH PLAIN/LOGIN (RFC 4954, 4616) with their failure throttle.

use super::*;

/// Greeting, EHLO, STARTTLS, handshake and EHLO again on `submission`.
const TLS_OPEN: &str = "S: 220 mx.test ESMTP sealpost
                        C: EHLO client.test
                        S* 250
                        C: STARTTLS
                        S: 220 2.0.0 Ready to start TLS
                        TLS
                        C: EHLO client.test
                        S* 250";

#[tokio::test]
async fn after_starttls_ehlo_offers_auth_and_requiretls_but_not_starttls() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS
         TLS
         C: EHLO client.test
         S: 250-mx.test Hello [192.0.2.10]
         S: 250-PIPELINING
         S: 250-SIZE 36700160
         S: 250-8BITMIME
         S: 250-ENHANCEDSTATUSCODES
         S: 250-AUTH PLAIN LOGIN
         S: 250-SMTPUTF8
         S: 250-CHUNKING
         S: 250-DSN
         S: 250-MT-PRIORITY MIXER
         S: 250-REQUIRETLS
         S: 250 HELP
         C: STARTTLS
         S: 503 5.5.1 TLS already active",
    )
    .await;
}

#[tokio::test]
async fn starttls_discards_pipelined_commands_and_resets_the_session() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", INSIDE);
    // CVE-2011-0411: commands pipelined behind STARTTLS arrive in plaintext
    // but would be answered inside the TLS session as if sent there.
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: STARTTLS
         C: RSET
         C: MAIL FROM:<injected@attacker.test>
         S: 220 2.0.0 Ready to start TLS
         TLS
         C: RCPT TO:<pat@clinic.test>
         S: 503 5.5.1 Need MAIL command first
         C: MAIL FROM:<doc@hospital.test>
         S: 503 5.5.1 Send EHLO or HELO first
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: over tls
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert_eq!(meta.envelope.sender, "doc@hospital.test");
    assert!(body.contains("with ESMTPS "), "{body}");
    assert!(body.contains("(using TLSv1.3 with cipher "), "{body}");
}

#[tokio::test]
async fn a_failed_handshake_closes_the_connection() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS
         C: this is not a TLS client hello
         CLOSED",
    )
    .await;
}

#[tokio::test]
async fn auth_is_refused_before_tls() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 538 5.7.11 Encryption required for requested authentication mechanism
         C: AUTH LOGIN
         S: 538 5.7.11 Encryption required for requested authentication mechanism",
    )
    .await;
}

#[tokio::test]
async fn auth_plain_lets_the_user_relay_as_its_own_domains() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(TLS_OPEN).await;
    c.run(
        "C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 530 5.7.0 Authentication required
         C: RSET
         S: 250 2.0.0 OK
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 235 2.7.0 Authentication successful
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 503 5.5.1 Already authenticated
         C: MAIL FROM:<ceo@elsewhere.test>
         S: 553 5.7.1 Sender address not allowed for this user
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: authenticated
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (meta, body) = fx.only_message();
    assert_eq!(meta.envelope.auth_user.as_deref(), Some(USER));
    assert_eq!(meta.envelope.client_ip, OUTSIDE);
    assert!(body.contains("with ESMTPSA "), "{body}");
}

#[tokio::test]
async fn auth_plain_and_login_with_and_without_initial_responses() {
    let fx = Fixture::new();
    for (mechanism, steps) in [
        (
            "AUTH PLAIN",
            "S: 334 \n C: AGVocgBzM2NyZXQh\n S: 235 2.7.0 Authentication successful",
        ),
        ("AUTH PLAIN =", "S: 501 5.5.2 Malformed PLAIN credentials"),
        (
            "AUTH LOGIN",
            "S: 334 VXNlcm5hbWU6
             C: ZWhy
             S: 334 UGFzc3dvcmQ6
             C: czNjcmV0IQ==
             S: 235 2.7.0 Authentication successful",
        ),
        (
            "AUTH LOGIN ZWhy",
            "S: 334 UGFzc3dvcmQ6
             C: czNjcmV0IQ==
             S: 235 2.7.0 Authentication successful",
        ),
        (
            "auth login ZWhy",
            "S: 334 UGFzc3dvcmQ6
             C: d3Jvbmc=
             S: 535 5.7.8 Authentication credentials invalid",
        ),
    ] {
        let mut c = fx.connect("submission", OUTSIDE);
        c.run(TLS_OPEN).await;
        c.c(mechanism);
        c.run(steps).await;
    }
}

#[tokio::test]
async fn bad_credentials_and_malformed_exchanges_get_precise_replies() {
    let fx = Fixture::new();
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(TLS_OPEN).await;
    c.run(
        "C: AUTH PLAIN AGVocgB3cm9uZw==
         S: 535 5.7.8 Authentication credentials invalid
         C: AUTH PLAIN b3RoZXIAZWhyAHMzY3JldCE=
         S: 535 5.7.8 Authentication credentials invalid
         C: AUTH PLAIN not*base64
         S: 501 5.5.2 Invalid base64 in authentication exchange
         C: AUTH PLAIN AGVocg==
         S: 501 5.5.2 Malformed PLAIN credentials
         C: AUTH LOGIN
         S: 334 VXNlcm5hbWU6
         C: *
         S: 501 5.0.0 Authentication cancelled
         C: AUTH CRAM-MD5
         S: 504 5.5.4 Unrecognized authentication mechanism
         C: AUTH
         S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 530 5.7.0 Authentication required
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 503 5.5.1 AUTH not allowed during a mail transaction",
    )
    .await;
}

#[tokio::test]
async fn repeated_auth_failures_from_one_address_are_throttled() {
    let fx = Fixture::with(|c| c.limits.auth_failures_per_ip = 2);
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(TLS_OPEN).await;
    c.run(
        "C: AUTH PLAIN AGVocgB3cm9uZw==
         S: 535 5.7.8 Authentication credentials invalid
         C: AUTH PLAIN AGVocgB3cm9uZw==
         S: 535 5.7.8 Authentication credentials invalid
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 454 4.7.0 Too many authentication failures, try again later",
    )
    .await;
    // The next connection from the same address is throttled too ...
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(TLS_OPEN).await;
    c.run(
        "C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 454 4.7.0 Too many authentication failures, try again later",
    )
    .await;
    // ... another address is not.
    let mut c = fx.connect("submission", "198.51.100.7");
    c.run(TLS_OPEN).await;
    c.run(
        "C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 235 2.7.0 Authentication successful",
    )
    .await;
}

#[tokio::test]
async fn a_listener_requiring_auth_refuses_mail_before_it() {
    let fx = Fixture::new();
    let mut c = fx.connect("required", INSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 530 5.7.0 Authentication required
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS
         TLS
         C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 530 5.7.0 Authentication required
         C: AUTH PLAIN AGVocgBzM2NyZXQh
         S: 235 2.7.0 Authentication successful
         C: MAIL FROM:<doc@hospital.test> REQUIRETLS
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK
         C: DATA
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: tls only
         C:
         C: hi
         C: .
         S~ 250 2.0.0 OK queued as",
    )
    .await;
    let (meta, _) = fx.only_message();
    assert!(meta.envelope.requiretls);
    assert_eq!(meta.envelope.listener, "required");
}

#[tokio::test]
async fn implicit_tls_handshakes_before_the_greeting() {
    let fx = Fixture::new();
    let mut c = fx.connect("smtps", OUTSIDE);
    c.run(
        "TLS
         S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S: 250-mx.test Hello [192.0.2.10]
         S: 250-PIPELINING
         S: 250-SIZE 36700160
         S: 250-8BITMIME
         S: 250-ENHANCEDSTATUSCODES
         S: 250-AUTH PLAIN LOGIN
         S: 250-SMTPUTF8
         S: 250-CHUNKING
         S: 250-DSN
         S: 250-MT-PRIORITY MIXER
         S: 250-REQUIRETLS
         S: 250 HELP
         C: STARTTLS
         S: 503 5.5.1 TLS already active
         C: AUTH LOGIN ZWhy
         S: 334 UGFzc3dvcmQ6
         C: czNjcmV0IQ==
         S: 235 2.7.0 Authentication successful
         C: EHLO client.test
         S: 250-mx.test Hello [192.0.2.10]
         S: 250-PIPELINING
         S: 250-SIZE 36700160
         S: 250-8BITMIME
         S: 250-ENHANCEDSTATUSCODES
         S: 250-SMTPUTF8
         S: 250-CHUNKING
         S: 250-DSN
         S: 250-MT-PRIORITY MIXER
         S: 250-REQUIRETLS
         S: 250 HELP",
    )
    .await;
}

#[tokio::test]
async fn a_client_certificate_on_the_allow_list_may_relay_without_auth() {
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["connector.test".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    let der = cert.der().clone();
    let fp = super::super::tls::fingerprint(&der);
    let fx = Fixture::with(|c| {
        let l = c
            .listeners
            .iter_mut()
            .find(|l| l.name == "submission")
            .expect("listener");
        l.client_cert_fingerprints.push(fp);
    });
    let pkcs8 = PrivateKeyDer::try_from(key.serialize_der()).expect("key der");
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS",
    )
    .await;
    c.tls(Some((der, pkcs8))).await;
    c.run(
        "C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 250 2.1.5 Recipient OK",
    )
    .await;
    // Another certificate is only a TLS client.
    let other = rcgen::KeyPair::generate().expect("key");
    let other_cert = rcgen::CertificateParams::new(vec!["stranger.test".to_string()])
        .expect("params")
        .self_signed(&other)
        .expect("certificate");
    let other_key = PrivateKeyDer::try_from(other.serialize_der()).expect("key der");
    let mut c = fx.connect("submission", OUTSIDE);
    c.run(
        "S: 220 mx.test ESMTP sealpost
         C: EHLO client.test
         S* 250
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS",
    )
    .await;
    c.tls(Some((other_cert.der().clone(), other_key))).await;
    c.run(
        "C: EHLO client.test
         S* 250
         C: MAIL FROM:<doc@hospital.test>
         S: 250 2.1.0 Sender OK
         C: RCPT TO:<pat@clinic.test>
         S: 530 5.7.0 Authentication required",
    )
    .await;
}

#[tokio::test]
async fn an_implicit_tls_listener_says_nothing_in_plaintext() {
    let fx = Fixture::new();
    let mut c = fx.connect("smtps", OUTSIDE);
    c.run(
        "C: EHLO client.test
         CLOSED",
    )
    .await;
}
