//! dkimpy (an independent DKIM implementation) verifies 100% of the corpus
//! signed with RSA, Ed25519 and both; a tampered copy of each fails.
//! Skips only when python3 + dkimpy + PyNaCl are unavailable and `CI` is
//! unset; under CI their absence is a failure.

mod dkim_fixtures;

use std::path::Path;
use std::process::Command;

fn dkimpy_available() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import dkim, nacl"])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "dkimpy/PyNaCl missing (pip install dkimpy pynacl): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[test]
fn dkimpy_verifies_the_whole_corpus_and_rejects_tampered_copies() {
    if let Err(why) = dkimpy_available() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set, so dkimpy verification is required: {why}");
        }
        eprintln!("SKIPPED dkimpy_verifies_the_whole_corpus: {why}");
        return;
    }
    let fx = dkim_fixtures::fixture();
    let out = tempfile::tempdir().expect("tempdir");
    let records: String = fx
        .records
        .iter()
        .map(|(name, value)| format!("{name}\t{value}\n"))
        .collect();
    std::fs::write(out.path().join("records.txt"), records).expect("write records");
    let mut signed_count = 0;
    for domain in ["rsa.example", "ed.example", "dual.example"] {
        for (name, message) in dkim_fixtures::corpus(domain) {
            let signed = fx.signer.sign_into(&message).expect("signs");
            let base = format!("{domain}.{name}");
            std::fs::write(out.path().join(format!("{base}.eml")), &signed).expect("write");
            std::fs::write(
                out.path().join(format!("{base}.tampered.eml")),
                dkim_fixtures::tamper_body(&signed),
            )
            .expect("write");
            signed_count += 1;
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("integration/dkim_check.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(out.path())
        .output()
        .expect("run dkim_check.py");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&run.stderr));
    let expected = format!(
        "RESULT pass={signed_count} fail={signed_count} expected_failures={signed_count} unexpected=0"
    );
    assert!(run.status.success(), "dkim_check.py failed:\n{stdout}");
    assert!(stdout.contains(&expected), "want {expected:?}:\n{stdout}");
}
