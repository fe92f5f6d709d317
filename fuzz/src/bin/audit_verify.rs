//! `sealpost audit verify` on a hostile file: the hash chain, checkpoints
//! and rotated predecessors are read from untrusted bytes.
fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.log");
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&path, data).is_ok() {
            let _ = sealpost::audit::verify::verify(&path, None);
        }
    });
}
