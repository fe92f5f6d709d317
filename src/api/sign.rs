//! Standard Webhooks signatures (standardwebhooks.com, "Symmetric"):
//! `webhook-signature: v1,<base64(HMAC-SHA256(key, id "." timestamp "." body))>`,
//! where the key is the base64 part of the endpoint's `whsec_` secret.
//! During a secret rotation both secrets sign, space-separated.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

pub const SECRET_PREFIX: &str = "whsec_";

/// A new secret: 32 random bytes as standard base64.
pub fn new_secret_key() -> String {
    let mut key = [0u8; 32];
    let _ = aws_lc_rs::rand::fill(&mut key);
    B64.encode(key)
}

/// The secret as shown to the endpoint's owner.
pub fn shown(key_b64: &str) -> String {
    format!("{SECRET_PREFIX}{key_b64}")
}

/// One `v1,<sig>` for `key_b64` (None if the stored key does not decode).
pub fn signature(key_b64: &str, id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
    let key = B64.decode(key_b64).ok()?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(id.as_bytes());
    ctx.update(b".");
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    Some(format!("v1,{}", B64.encode(ctx.sign().as_ref())))
}

/// The header value: one signature per key, space-separated.
pub fn header(keys: &[&str], id: &str, timestamp: u64, body: &[u8]) -> String {
    keys.iter()
        .filter_map(|k| signature(k, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference implementations.
    #[test]
    fn matches_the_specification_example() {
        let key = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(key, id, 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn rotation_signs_with_both_keys() {
        let (a, b) = (new_secret_key(), new_secret_key());
        let h = header(&[&a, &b], "msg_1", 5, b"{}");
        let parts: Vec<&str> = h.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert!(shown(&a).starts_with("whsec_"));
    }
}
