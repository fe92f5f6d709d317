//! Per-recipient encryption cost for one 50 KB message, one case per run,
//! small enough to run under `valgrind --tool=callgrind` (instruction
//! counts are repeatable on a shared machine; wall time is not).
//!
//! Run: `cargo run --release --example pgp_bench -- CASE [calls]` with CASE
//! one of `v1` (SEIPDv1 recipient), `v2` (SEIPDv2/AEAD recipient), `signed`
//! (v1 recipient, signed then encrypted), `smime` (AES-256-CBC, RSA-2048),
//! `setup` (set-up only), `parts` (CPU time of each step separately).
//! `bench/pgp_callgrind.sh` runs each case under callgrind and prints
//! instructions per call.

use std::path::Path;
use std::time::Instant;

use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::X509;
use sealpost::secure::{Encryptor, OpenPgp, Smime};
use sequoia_openpgp::cert::CertBuilder;
use sequoia_openpgp::serialize::SerializeInto;
use sequoia_openpgp::types::Features;

const SIZE: usize = 50 * 1024;

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "v1".into());
    let calls: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let dir = std::env::temp_dir().join(format!("pgp_bench.{}", std::process::id()));
    let result = run(&dir, &case, calls);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = result {
        eprintln!("pgp_bench: {e}");
        std::process::exit(1);
    }
}

fn run(dir: &Path, case: &str, calls: u32) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let (pgp_dir, smime_dir) = (dir.join("openpgp"), dir.join("smime"));
    std::fs::create_dir_all(&pgp_dir).map_err(|x| e(&x))?;
    std::fs::create_dir_all(&smime_dir).map_err(|x| e(&x))?;
    let (v1, v2) = ("v1@partner.example", "v2@partner.example");
    let gen_cert = |addr: &str, v1_only: bool| -> Result<Vec<u8>, String> {
        let mut b = CertBuilder::general_purpose(Some(format!("Test <{addr}>")));
        if v1_only {
            b = b
                .set_features(Features::empty().set_seipdv1())
                .map_err(|x| e(&x))?;
        }
        let (cert, _) = b.generate().map_err(|x| e(&x))?;
        Ok(cert).and_then(|c| {
            if addr.starts_with("postmaster") {
                c.as_tsk().armored().to_vec()
            } else {
                c.armored().to_vec()
            }
            .map_err(|x| e(&x))
        })
    };
    let write = |p: &Path, b: &[u8]| std::fs::write(p, b).map_err(|x| e(&x));
    write(&pgp_dir.join("v1.asc"), &gen_cert(v1, true)?)?;
    write(&pgp_dir.join("v2.asc"), &gen_cert(v2, false)?)?;
    let org = dir.join("org.asc");
    write(&org, &gen_cert("postmaster@clinic.example", true)?)?;
    write(&smime_dir.join("v1.pem"), &smime_cert(v1)?)?;

    if case == "parts" {
        return parts(&pgp_dir, calls);
    }
    let (enc, rcpt): (Box<dyn Encryptor>, &str) = match case {
        "v1" | "setup" => (
            Box::new(OpenPgp::load(&pgp_dir, None).map_err(|x| e(&x))?),
            v1,
        ),
        "v2" => (
            Box::new(OpenPgp::load(&pgp_dir, None).map_err(|x| e(&x))?),
            v2,
        ),
        "signed" => (
            Box::new(OpenPgp::load(&pgp_dir, Some(&org)).map_err(|x| e(&x))?),
            v1,
        ),
        "smime" => (
            Box::new(Smime::load(&smime_dir, None).map_err(|x| e(&x))?),
            v1,
        ),
        other => {
            return Err(format!(
                "unknown case {other} (v1, v2, signed, smime, setup)"
            ));
        }
    };
    let msg = message(rcpt);
    // One warm-up call (also in `setup`, so subtracting `setup` leaves
    // exactly `calls` calls).
    let out = enc.encrypt(rcpt, &msg).map_err(|x| e(&x))?;
    if out.len() <= SIZE {
        return Err("output shorter than the message".into());
    }
    if case == "setup" {
        println!("setup done");
        return Ok(());
    }
    let (t, cpu) = (Instant::now(), cpu_ns());
    measured(enc.as_ref(), rcpt, &msg, calls)?;
    let per = t.elapsed() / calls;
    let cpu_per = cpu_ns()
        .zip(cpu)
        .map(|(b, a)| (b - a) as f64 / f64::from(calls) / 1e6);
    println!(
        "{case}: {calls} calls, {:.3} ms per call (wall), {} ms on CPU, output {} bytes",
        per.as_secs_f64() * 1000.0,
        cpu_per.map_or("?".into(), |c| format!("{c:.3}")),
        out.len()
    );
    Ok(())
}

/// The measured calls; callgrind counts only inside this function
/// (`--toggle-collect=*measured*`), so set-up and key generation, whose
/// cost varies, stay out of the figure.
#[inline(never)]
fn measured(enc: &dyn Encryptor, rcpt: &str, msg: &[u8], calls: u32) -> Result<(), String> {
    for _ in 0..calls {
        let out = enc.encrypt(rcpt, msg).map_err(|x| x.to_string())?;
        std::hint::black_box(out);
    }
    Ok(())
}

/// CPU time of each step of one recipient copy, measured separately
/// (same 50 KB message; SEIPDv2 recipient for the PKESK).
fn parts(pgp_dir: &Path, calls: u32) -> Result<(), String> {
    use sealpost::secure::{armor, mime, pgp_ecdh, seipd1};
    use sequoia_openpgp::crypto::SessionKey;
    use sequoia_openpgp::parse::Parse;
    use sequoia_openpgp::policy::StandardPolicy;
    use sequoia_openpgp::serialize::stream::{Encryptor as PgpEncryptor, LiteralWriter, Message};
    use sequoia_openpgp::types::{AEADAlgorithm, SymmetricAlgorithm};
    use std::io::Write;

    let e = |e: &dyn std::fmt::Display| e.to_string();
    let cert = sequoia_openpgp::Cert::from_file(pgp_dir.join("v2.asc")).map_err(|x| e(&x))?;
    let policy = StandardPolicy::new();
    let key = cert
        .keys()
        .with_policy(&policy, None)
        .for_transport_encryption()
        .next()
        .ok_or("no key")?
        .key()
        .clone()
        .role_into_unspecified();
    let msg = message("v2@partner.example");
    let inner = mime::protect(&msg, "...").map_err(|x| e(&x))?.inner;
    let literal = |m: Message| -> Result<(), String> {
        let mut w = LiteralWriter::new(m).build().map_err(|x| e(&x))?;
        w.write_all(&inner).map_err(|x| e(&x))?;
        w.finalize().map_err(|x| e(&x))
    };
    let mut binary = Vec::new();
    let time = |label: &str, f: &mut dyn FnMut() -> Result<(), String>| -> Result<(), String> {
        f()?;
        let a = cpu_ns().unwrap_or(0);
        for _ in 0..calls {
            f()?;
        }
        let b = cpu_ns().unwrap_or(0);
        println!(
            "{label:<44} {:>8.1} µs CPU",
            (b - a) as f64 / f64::from(calls) / 1e3
        );
        Ok(())
    };
    time("mime::protect (header protection)", &mut || {
        mime::protect(&msg, "...").map(drop).map_err(|x| e(&x))
    })?;
    time("PKESK v6, Cv25519 (pgp_ecdh)", &mut || {
        let sk = SessionKey::new(32).map_err(|x| e(&x))?;
        pgp_ecdh::pkesk6(&sk, &key).map(drop).map_err(|x| e(&x))
    })?;
    time("SEIPDv2 AES-256-OCB + literal (sequoia)", &mut || {
        binary.clear();
        let sk = SessionKey::new(32).map_err(|x| e(&x))?;
        let m = PgpEncryptor::with_session_key(
            Message::new(&mut binary),
            SymmetricAlgorithm::AES256,
            sk,
        )
        .map_err(|x| e(&x))?
        .aead_algo(AEADAlgorithm::default())
        .build()
        .map_err(|x| e(&x))?;
        literal(m)
    })?;
    let mut packets = Vec::new();
    time("literal data packet alone (sequoia)", &mut || {
        packets.clear();
        literal(Message::new(&mut packets))
    })?;
    time("SEIPDv1 AES-256-CFB + SHA-1 MDC (seipd1)", &mut || {
        let mut out = Vec::new();
        seipd1::encrypt(&[7u8; 32], &packets, &mut out).map_err(|x| e(&x))
    })?;
    time("armor, no CRC (v2)", &mut || {
        let mut out = Vec::new();
        armor::armor_message(&packets, false, &mut out);
        Ok(())
    })?;
    time("armor + CRC-24 (v1)", &mut || {
        let mut out = Vec::new();
        armor::armor_message(&packets, true, &mut out);
        Ok(())
    })?;
    Ok(())
}

/// Time this thread has spent on a CPU (Linux schedstat, ns): unlike wall
/// time, it does not grow while other processes hold the cores.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn message(to: &str) -> Vec<u8> {
    let mut m = format!(
        "From: Dr. Alice <alice@clinic.example>\r\nTo: <{to}>\r\n\
         Subject: Lab results for MRN 12345678\r\n\
         Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <b-1@clinic.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    );
    let mut i = 0;
    while m.len() < SIZE {
        m.push_str(&format!(
            "line {i:05} of the lab report, padded for size tests.\r\n"
        ));
        i += 1;
    }
    m.into_bytes()
}

/// A self-signed RSA-2048 S/MIME recipient certificate.
fn smime_cert(addr: &str) -> Result<Vec<u8>, String> {
    let e = |x: openssl::error::ErrorStack| x.to_string();
    let key = PKey::from_rsa(Rsa::generate(2048).map_err(e)?).map_err(e)?;
    let mut name = openssl::x509::X509NameBuilder::new().map_err(e)?;
    name.append_entry_by_text("CN", addr).map_err(e)?;
    let name = name.build();
    let mut b = X509::builder().map_err(e)?;
    b.set_version(2).map_err(e)?;
    b.set_subject_name(&name).map_err(e)?;
    b.set_issuer_name(&name).map_err(e)?;
    b.set_pubkey(&key).map_err(e)?;
    let not_before = Asn1Time::days_from_now(0).map_err(e)?;
    b.set_not_before(&not_before).map_err(e)?;
    let not_after = Asn1Time::days_from_now(30).map_err(e)?;
    b.set_not_after(&not_after).map_err(e)?;
    let ctx = b.x509v3_context(None, None);
    let san = openssl::x509::extension::SubjectAlternativeName::new()
        .email(addr)
        .build(&ctx)
        .map_err(e)?;
    b.append_extension(san).map_err(e)?;
    b.append_extension(
        openssl::x509::extension::KeyUsage::new()
            .key_encipherment()
            .build()
            .map_err(e)?,
    )
    .map_err(e)?;
    b.append_extension(
        openssl::x509::extension::ExtendedKeyUsage::new()
            .email_protection()
            .build()
            .map_err(e)?,
    )
    .map_err(e)?;
    b.sign(&key, MessageDigest::sha256()).map_err(e)?;
    b.build().to_pem().map_err(e)
}
