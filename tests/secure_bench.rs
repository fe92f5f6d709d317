//! Per-recipient encryption cost for a 50 KB message, in-process, printed
//! beside `gpg` and `openssl cms` doing the same work in the same run.
//!
//! Run: `cargo test --release --test secure_bench -- --ignored --nocapture`

mod secure_support;

use std::process::Command;
use std::time::{Duration, Instant};

use sealpost::secure::{Encryptor, OpenPgp, Smime, SmimeCipher};
use secure_support::*;

const SIZE: usize = 50 * 1024;
const ROUNDS: u32 = 500;
const CLI_ROUNDS: u32 = 10;

fn per_call(label: &str, rounds: u32, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let (t, cpu) = (Instant::now(), cpu_ns());
    for _ in 0..rounds {
        f();
    }
    let d = t.elapsed() / rounds;
    // Child processes (the CLI rows) are not on this thread's clock.
    let cpu = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) if !label.starts_with("CLI") => {
            format!("{:>9.3} ms CPU", (b - a) as f64 / f64::from(rounds) / 1e6)
        }
        _ => String::new(),
    };
    println!("{label:<44} {:>9.3} ms {cpu}", d.as_secs_f64() * 1000.0);
    d
}

/// Time this thread has spent on a CPU (Linux schedstat, ns). On a
/// shared machine wall time also counts the time other processes held the
/// cores; this does not.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (ideally --release)"]
fn encryption_cost_per_recipient_for_a_50_kb_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (pgp_dir, smime_dir) = (d.join("openpgp"), d.join("smime"));
    std::fs::create_dir(&pgp_dir).expect("mkdir");
    std::fs::create_dir(&smime_dir).expect("mkdir");
    let rcpt = "bench@partner.example";
    let msg = message(rcpt, SIZE);
    let msg_path = write(d, "msg.eml", &msg);

    let cert = pgp_cert(rcpt);
    write(&pgp_dir, "bench.asc", &public_armor(&cert));
    let aead_rcpt = "aead@partner.example";
    write(
        &pgp_dir,
        "aead.asc",
        &public_armor(&pgp_cert_default(aead_rcpt)),
    );
    let org = pgp_cert("postmaster@clinic.example");
    let org_path = write(d, "org.asc", &secret_armor(&org));
    let pgp = OpenPgp::load(&pgp_dir, None).expect("load");
    let pgp_signed = OpenPgp::load(&pgp_dir, Some(&org_path)).expect("load");

    let pki = Pki::new();
    let (c, _) = pki.issue(rcpt, Profile::Recipient);
    let cert_path = write(&smime_dir, "bench.pem", &cert_pem(&c));
    let (oc, ok) = pki.issue("postmaster@clinic.example", Profile::Signer);
    let (ocp, okp) = (
        write(d, "org.pem", &cert_pem(&oc)),
        write(d, "org.key", &key_pem(&ok)),
    );
    let smime = Smime::load(&smime_dir, None).expect("load");
    let smime_gcm = Smime::load(&smime_dir, None)
        .expect("load")
        .with_cipher(SmimeCipher::Aes256Gcm);
    let smime_signed = Smime::load(&smime_dir, Some((&ocp, &okp))).expect("load");

    println!(
        "message: {} bytes; in-process mean of {ROUNDS} calls (wall, and CPU time of this thread)",
        msg.len()
    );
    let run_enc = |e: &dyn Encryptor| {
        let out = e.encrypt(rcpt, &msg).expect("encrypt");
        assert!(out.len() > SIZE);
    };
    per_call("pgp  (Cv25519, SEIPDv1, armored)", ROUNDS, || run_enc(&pgp));
    per_call("pgp  (Cv25519, SEIPDv2 AEAD, armored)", ROUNDS, || {
        let out = pgp.encrypt(aead_rcpt, &msg).expect("encrypt");
        assert!(out.len() > SIZE);
    });
    per_call("pgp  signed (Ed25519) + encrypted", ROUNDS, || {
        run_enc(&pgp_signed)
    });
    per_call("smime AES-256-CBC (RSA-2048)", ROUNDS, || run_enc(&smime));
    per_call("smime AES-256-GCM (RSA-2048)", ROUNDS, || {
        run_enc(&smime_gcm)
    });
    per_call("smime signed (RSA-2048) + CBC", ROUNDS, || {
        run_enc(&smime_signed)
    });
    per_call("can_encrypt pgp (cached lookup + policy)", ROUNDS, || {
        assert!(pgp.can_encrypt(rcpt));
    });
    per_call("can_encrypt smime", ROUNDS, || {
        assert!(smime.can_encrypt(rcpt))
    });

    if tool("gpg", &["--version"]) {
        let home = d.join("gnupg");
        std::fs::create_dir(&home).expect("mkdir");
        let pubkey = write(d, "bench-pub.asc", &public_armor(&cert));
        run(Command::new("gpg")
            .arg("--batch")
            .arg("--homedir")
            .arg(&home)
            .arg("--import")
            .arg(&pubkey));
        per_call(
            "CLI: gpg --encrypt --armor (process incl.)",
            CLI_ROUNDS,
            || {
                run(Command::new("gpg")
                    .args(["--batch", "--trust-model", "always", "--homedir"])
                    .arg(&home)
                    .args(["--armor", "--encrypt", "-r", rcpt, "-o", "-"])
                    .arg(&msg_path));
            },
        );
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&home)
            .args(["--kill", "all"])
            .output();
    }
    if tool("openssl", &["version"]) {
        per_call(
            "CLI: openssl cms -encrypt -aes256 (process)",
            CLI_ROUNDS,
            || {
                run(Command::new("openssl")
                    .args(["cms", "-encrypt", "-aes256", "-binary", "-in"])
                    .arg(&msg_path)
                    .arg(&cert_path));
            },
        );
    }
}
