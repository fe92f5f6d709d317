//! VERP token decoding: a bounce's recipient local part is attacker text.
use sealpost::bounce::VerpKey;

fn main() {
    let key = VerpKey::from_bytes(&[7u8; 32]);
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            if let Ok((q, i)) = key.decode(text) {
                // Only our own tokens authenticate.
                assert_eq!(key.decode(&key.token(q, i)).ok(), Some((q, i)));
            }
        }
    });
}
