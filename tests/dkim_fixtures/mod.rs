//! Shared test fixtures: keys in a temp dir, a signer, and the message corpus
//! (8-bit UTF-8, 990-octet lines, leading dots, PGP/MIME, empty body, no
//! trailing CRLF, plain).
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use sealpost::dkim::{Algorithm, DkimConfig, DkimSigner, keygen, keys::LoadedKey};

/// Domains: `dual.example` (RSA + Ed25519), `rsa.example`, `ed.example`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub configs: Vec<DkimConfig>,
    pub signer: DkimSigner,
    /// (DNS name without trailing dot, TXT value)
    pub records: Vec<(String, String)>,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = [
        ("dual.example", "r2026", Algorithm::RsaSha256),
        ("dual.example", "e2026", Algorithm::Ed25519Sha256),
        ("rsa.example", "s1", Algorithm::RsaSha256),
        ("ed.example", "s1", Algorithm::Ed25519Sha256),
    ];
    let mut configs = Vec::new();
    let mut records = Vec::new();
    for (domain, selector, algorithm) in specs {
        let key = dir.path().join(format!("{domain}.{selector}.pem"));
        keygen(domain, selector, algorithm, &key).expect("keygen");
        let txt = LoadedKey::from_file(&key).expect("load").dns_txt_value();
        records.push((format!("{selector}._domainkey.{domain}"), txt));
        configs.push(config(domain, selector, &key, algorithm));
    }
    let signer = DkimSigner::load(&configs).expect("load signer");
    Fixture {
        dir,
        configs,
        signer,
        records,
    }
}

pub fn config(domain: &str, selector: &str, key: &Path, algorithm: Algorithm) -> DkimConfig {
    DkimConfig {
        domain: domain.into(),
        selector: selector.into(),
        key: key.to_path_buf(),
        algorithm,
        expire: Some(Duration::from_secs(7 * 86_400)),
        retire_after: None,
    }
}

fn headers(from_domain: &str, extra: &str) -> String {
    format!(
        "From: \"Dr. Ana Müller\" <ana@{from_domain}>\r\n\
         To: patient@recipient.example\r\n\
         Cc: records@recipient.example\r\n\
         Subject: Your results\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <abc.123@{from_domain}>\r\n\
         {extra}"
    )
}

/// (name, message bytes) for one From domain.
pub fn corpus(from_domain: &str) -> Vec<(&'static str, Vec<u8>)> {
    let text = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
                Content-Transfer-Encoding: 8bit\r\n";
    let mut out: Vec<(&'static str, String)> = Vec::new();
    out.push((
        "plain",
        headers(from_domain, "") + "\r\nHello,\r\nyour appointment is confirmed.\r\n",
    ));
    out.push((
        "utf8-8bit",
        headers(from_domain, text)
            + "\r\nGrüße aus Köln — Ärztin: Zoë. 診察の予約。 Привет 👋\r\n\r\n\r\n",
    ));
    let long = "a".repeat(495) + " \t " + &"é".repeat(246);
    out.push((
        "long-990",
        headers(from_domain, text) + "\r\n" + &long + "\r\n" + &"b".repeat(990) + "\r\n",
    ));
    out.push((
        "leading-dots",
        headers(from_domain, "")
            + "\r\n.\r\n..hidden\r\n.leading dot\r\nmiddle . dot\r\n.\r\nend\r\n",
    ));
    out.push(("pgp-mime", headers(from_domain, "") + &pgp_mime()));
    out.push(("empty-body", headers(from_domain, "") + "\r\n"));
    out.push((
        "no-trailing-crlf",
        headers(
            from_domain,
            "In-Reply-To: <x@y.example>\r\nReferences: <x@y.example>\r\n",
        ) + "\r\nlast line without CRLF",
    ));
    out.push((
        "whitespace",
        headers(from_domain, "Reply-To:   a@b.example  \r\n")
            + "\r\ntrailing spaces   \r\n\ttabs\t\there\r\n\r\n",
    ));
    out.into_iter().map(|(n, m)| (n, m.into_bytes())).collect()
}

fn pgp_mime() -> String {
    let armored = "-----BEGIN PGP MESSAGE-----\r\n\r\n\
                   hQEMA5m2aVf4VhEKAQf/Xk1O6cHnT0c2y7sFq+QmZbOa1UeB3c0x9s2n0E1yZ5lK\r\n\
                   =abcd\r\n-----END PGP MESSAGE-----\r\n";
    format!(
        "MIME-Version: 1.0\r\n\
         Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n\
         \tboundary=\"----sealpost-b1\"\r\n\
         \r\n\
         This is an OpenPGP/MIME encrypted message (RFC 3156).\r\n\
         ------sealpost-b1\r\n\
         Content-Type: application/pgp-encrypted\r\n\
         Content-Description: PGP/MIME version identification\r\n\
         \r\n\
         Version: 1\r\n\
         \r\n\
         ------sealpost-b1\r\n\
         Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\
         Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\
         \r\n\
         {armored}\
         \r\n\
         ------sealpost-b1--\r\n"
    )
}

/// Flips one body byte (the last letter of the body) so the body hash breaks.
pub fn tamper_body(message: &[u8]) -> Vec<u8> {
    let mut out = message.to_vec();
    let body_start = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(out.len(), |p| p + 4);
    match out[body_start..]
        .iter()
        .rposition(|b| b.is_ascii_alphanumeric())
    {
        Some(p) => out[body_start + p] ^= 0x01,
        // Empty body: add content.
        None => out.extend_from_slice(b"added\r\n"),
    }
    out
}
