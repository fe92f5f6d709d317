//! mail-auth's own verifier checks every signature we produce, for RSA,
//! Ed25519 and dual signing, over the whole corpus; tampering must fail.

mod dkim_fixtures;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};
use sealpost::dkim::{Algorithm, DkimConfig, DkimError, DkimSigner, keygen};

/// The DNS answers of the test: a TXT "cache" that is always hit.
#[derive(Default)]
struct TestDns(Mutex<HashMap<Box<str>, Txt>>);

impl ResolverCache<Box<str>, Txt> for TestDns {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().ok()?.get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().ok()?.remove(name)
    }

    fn insert(&self, key: Box<str>, value: Txt, _: std::time::Instant) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key, value);
        }
    }
}

fn dns(records: &[(String, String)]) -> TestDns {
    let dns = TestDns::default();
    for (name, value) in records {
        let key = DomainKey::parse(value.as_bytes()).expect("our record parses");
        dns.insert(
            format!("{name}.").into_boxed_str(),
            Txt::from(key),
            std::time::Instant::now(),
        );
    }
    dns
}

/// Verifies and returns (result, algorithm, signature) per DKIM-Signature.
async fn verify(
    auth: &MessageAuthenticator,
    dns: &TestDns,
    message: &[u8],
) -> Vec<(DkimResult, mail_auth::dkim::Signature)> {
    let parsed = AuthenticatedMessage::parse(message).expect("parses");
    let out = auth
        .verify_dkim(Parameters::new(&parsed).with_txt_cache(dns))
        .await;
    out.iter()
        .map(|o| {
            (
                o.result().clone(),
                o.signature().cloned().expect("signature parsed"),
            )
        })
        .collect()
}

fn authenticator() -> MessageAuthenticator {
    // Never queried: every answer comes from TestDns.
    MessageAuthenticator::new_cloudflare().expect("resolver")
}

#[tokio::test]
async fn mail_auth_verifies_every_corpus_message_for_rsa_ed25519_and_dual() {
    let fx = dkim_fixtures::fixture();
    let dns = dns(&fx.records);
    let auth = authenticator();
    for (domain, expected) in [
        (
            "rsa.example",
            vec![mail_auth::common::crypto::Algorithm::RsaSha256],
        ),
        (
            "ed.example",
            vec![mail_auth::common::crypto::Algorithm::Ed25519Sha256],
        ),
        (
            "dual.example",
            vec![
                mail_auth::common::crypto::Algorithm::RsaSha256,
                mail_auth::common::crypto::Algorithm::Ed25519Sha256,
            ],
        ),
    ] {
        for (name, message) in dkim_fixtures::corpus(domain) {
            let signed = fx.signer.sign_into(&message).expect("signs");
            assert!(
                signed.ends_with(&message),
                "{name}: message bytes unchanged"
            );
            let results = verify(&auth, &dns, &signed).await;
            let algs: Vec<_> = results.iter().map(|(_, s)| s.a).collect();
            assert_eq!(algs, expected, "{domain}/{name}");
            for (result, sig) in &results {
                assert_eq!(*result, DkimResult::Pass, "{domain}/{name} {:?}", sig.a);
                assert_eq!(sig.d, domain);
                assert_eq!(sig.l, 0, "never l=");
                assert!(sig.t > 0, "t= set");
                assert_eq!(sig.x, sig.t + 7 * 86_400, "x= from config");
            }
            let tampered = dkim_fixtures::tamper_body(&signed);
            for (result, _) in verify(&auth, &dns, &tampered).await {
                // mail-auth reports a body-hash mismatch as neutral, a bad
                // header signature as fail; neither is a pass.
                assert!(
                    matches!(
                        result,
                        DkimResult::Fail(_)
                            | DkimResult::Neutral(mail_auth::Error::Dkim(
                                mail_auth::dkim::DkimError::FailedBodyHashMatch
                            ))
                    ),
                    "{domain}/{name}: tampered body must fail, got {result:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn oversigned_headers_cannot_be_added_and_h_lists_them_once_more() {
    let fx = dkim_fixtures::fixture();
    let dns = dns(&fx.records);
    let auth = authenticator();
    let (_, message) = dkim_fixtures::corpus("rsa.example").remove(0);
    let signed = fx.signer.sign_into(&message).expect("signs");
    let results = verify(&auth, &dns, &signed).await;
    let h: Vec<String> = results[0]
        .1
        .h
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    for name in ["from", "to", "subject", "date", "message-id"] {
        assert_eq!(
            h.iter().filter(|n| *n == name).count(),
            2,
            "{name} in {h:?}"
        );
    }
    assert_eq!(h.iter().filter(|n| *n == "cc").count(), 1, "{h:?}");
    assert!(
        !h.contains(&"reply-to".to_string()),
        "absent Reply-To not signed: {h:?}"
    );
    // Add a second Subject after the signature: must break it.
    let text = String::from_utf8(signed).expect("utf8");
    let added = text.replacen(
        "Subject: Your results\r\n",
        "Subject: Your results\r\nSubject: Pay now\r\n",
        1,
    );
    let results = verify(&auth, &dns, added.as_bytes()).await;
    assert!(
        matches!(results[0].0, DkimResult::Fail(_)),
        "{:?}",
        results[0].0
    );
}

#[tokio::test]
async fn subdomain_from_signs_with_parent_key_and_unknown_domain_is_unsigned() {
    let fx = dkim_fixtures::fixture();
    let dns = dns(&fx.records);
    let auth = authenticator();
    let (_, message) = dkim_fixtures::corpus("mail.ed.example").remove(0);
    let signed = fx.signer.sign_into(&message).expect("signs");
    let results = verify(&auth, &dns, &signed).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].0, DkimResult::Pass);
    assert_eq!(results[0].1.d, "ed.example");
    let (_, other) = dkim_fixtures::corpus("elsewhere.example").remove(0);
    assert!(fx.signer.sign(&other).expect("ok").is_empty());
    let err = fx
        .signer
        .sign(b"Subject: x\r\n\r\nbody\r\n")
        .expect_err("no From");
    assert!(matches!(err, DkimError::NoFromDomain));
}

#[test]
fn envelope_is_ignored_only_header_from_counts() {
    let fx = dkim_fixtures::fixture();
    let msg = b"Return-Path: <b@rsa.example>\r\nFrom: x@ed.example\r\nSubject: s\r\n\r\nhi\r\n";
    let sigs = String::from_utf8(fx.signer.sign(msg).expect("signs")).expect("utf8");
    assert!(sigs.contains("d=ed.example"), "{sigs}");
    assert!(!sigs.contains("d=rsa.example"), "{sigs}");
    assert!(sigs.ends_with("\r\n") && sigs.starts_with("DKIM-Signature: "));
    assert!(sigs.contains("c=relaxed/relaxed"));
}

#[test]
fn load_reports_every_bad_entry_with_its_key_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.pem");
    keygen("a.example", "s1", Algorithm::Ed25519Sha256, &good).expect("keygen");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a key\n").expect("write");
    let missing = dir.path().join("missing.pem");
    let mk = |domain: &str, sel: &str, key: &std::path::Path, alg| DkimConfig {
        retire_after: None,
        ..dkim_fixtures::config(domain, sel, key, alg)
    };
    let entries = vec![
        mk("a.example", "s1", &garbage, Algorithm::RsaSha256),
        mk("a.example", "s1", &good, Algorithm::RsaSha256),
        mk("a.example", "s2", &missing, Algorithm::RsaSha256),
        mk("a.example", "s3", &good, Algorithm::Ed25519Sha256),
        mk("a.example", "s4", &good, Algorithm::Ed25519Sha256),
        mk("bad domain", "s1", &good, Algorithm::Ed25519Sha256),
        DkimConfig {
            expire: Some(Duration::ZERO),
            ..mk("b.example", "s1", &good, Algorithm::Ed25519Sha256)
        },
    ];
    let errors: Vec<String> = DkimSigner::load(&entries)
        .expect_err("bad config")
        .iter()
        .map(ToString::to_string)
        .collect();
    let g = garbage.display();
    let k = good.display();
    assert_eq!(errors.len(), 6, "{errors:#?}");
    assert!(
        errors[0].starts_with(&format!(
            "dkim[0].key: {g}: not a PKCS#8 RSA or Ed25519 key"
        )),
        "{}",
        errors[0]
    );
    assert_eq!(
        errors[1],
        format!("dkim[1].key: {k}: is a ed25519 key but dkim[1].algorithm is rsa-sha256")
    );
    assert!(
        errors[2].starts_with("dkim[2].key: ") && errors[2].contains("No such file"),
        "{}",
        errors[2]
    );
    assert_eq!(
        errors[3],
        "dkim[4].selector: a second active ed25519-sha256 key for a.example (dkim[3] is active); set retire_after on the old one"
    );
    assert!(
        errors[4].starts_with("dkim[5].domain: invalid domain \"bad domain\""),
        "{}",
        errors[4]
    );
    assert_eq!(errors[5], "dkim[6].expire: must be at least one second");
}

#[tokio::test]
async fn retired_selector_does_not_sign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.pem");
    let new = dir.path().join("new.pem");
    keygen("a.example", "s2025", Algorithm::Ed25519Sha256, &old).expect("keygen");
    keygen("a.example", "s2026", Algorithm::Ed25519Sha256, &new).expect("keygen");
    let entries = vec![
        DkimConfig {
            retire_after: Some(std::time::SystemTime::now() + Duration::from_secs(86_400)),
            ..dkim_fixtures::config("a.example", "s2025", &old, Algorithm::Ed25519Sha256)
        },
        dkim_fixtures::config("a.example", "s2026", &new, Algorithm::Ed25519Sha256),
    ];
    let signer = DkimSigner::load(&entries).expect("load");
    let sigs = String::from_utf8(
        signer
            .sign(b"From: x@a.example\r\n\r\nhi\r\n")
            .expect("signs"),
    )
    .expect("utf8");
    assert_eq!(sigs.matches("DKIM-Signature:").count(), 1);
    assert!(sigs.contains("s=s2026"), "{sigs}");
    let _ = Arc::new(signer);
}
