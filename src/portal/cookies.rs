//! The portal's cookies, all `__Host-` (Secure, Path=/, no Domain),
//! HttpOnly and SameSite=Strict:
//! * `__Host-sp_csrf`: a random value; every form carries
//!   HMAC(node key, value) and a POST without the pair is refused.
//! * `__Host-sp_session`: a random session id (the store keeps its hash);
//!   ends with sign-out, after `session_idle` without a request, or after
//!   `SESSION_MAX` in any case.
//! * `__Host-sp_device`: signed "this browser passed a code for this
//!   address until T" (the address only as a keyed hash), so a returning
//!   recipient is not asked for a code on every message.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;

use crate::secure::portal::NodeKey;

pub const CSRF: &str = "__Host-sp_csrf";
pub const SESSION: &str = "__Host-sp_session";
pub const DEVICE: &str = "__Host-sp_device";

/// The value of cookie `name` in the request, if well-formed.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

/// A `Set-Cookie` value; `max_age` None is a browser-session cookie.
pub fn set(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    let v = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict{age}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear(name: &str) -> HeaderValue {
    set(name, "", Some(0))
}

/// 256 random bits, base64url.
pub fn random_value() -> String {
    B64URL.encode(rand::random::<[u8; 32]>())
}

/// The form token that goes with a CSRF cookie value.
pub fn csrf_token(key: &NodeKey, cookie: &str) -> String {
    B64URL.encode(key.sign("csrf", cookie.as_bytes()))
}

pub fn csrf_ok(key: &NodeKey, cookie: Option<&str>, form: Option<&str>) -> bool {
    let (Some(c), Some(f)) = (cookie, form) else {
        return false;
    };
    match B64URL.decode(f) {
        Ok(tag) => key.verify("csrf", c.as_bytes(), &tag),
        Err(_) => false,
    }
}

fn address_tag(key: &NodeKey, address: &str) -> [u8; 16] {
    let full = key.sign(
        "device-address",
        address.trim().to_ascii_lowercase().as_bytes(),
    );
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// A device cookie value for `address`, valid until `until_ms`.
pub fn device_value(key: &NodeKey, address: &str, until_ms: u64) -> String {
    let mut payload = address_tag(key, address).to_vec();
    payload.extend_from_slice(&until_ms.to_be_bytes());
    let sig = key.sign("device", &payload);
    format!("{}.{}", B64URL.encode(&payload), B64URL.encode(sig))
}

/// Does the device cookie vouch for `address` now?
pub fn device_ok(key: &NodeKey, value: Option<&str>, address: &str, now_ms: u64) -> bool {
    let Some((p, s)) = value.and_then(|v| v.split_once('.')) else {
        return false;
    };
    let (Ok(payload), Ok(sig)) = (B64URL.decode(p), B64URL.decode(s)) else {
        return false;
    };
    if payload.len() != 24 || !key.verify("device", &payload, &sig) {
        return false;
    }
    let until = u64::from_be_bytes(payload[16..24].try_into().unwrap_or([0; 8]));
    let want = address_tag(key, address);
    until > now_ms && subtle::ConstantTimeEq::ct_eq(&payload[..16], &want[..]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_prefixed_secure_httponly_strict() {
        let v = set(SESSION, "abc", None);
        let s = v.to_str().expect("ascii");
        assert!(s.starts_with("__Host-sp_session=abc; Path=/; Secure; HttpOnly; SameSite=Strict"));
        assert!(!s.contains("Domain"));
    }

    #[test]
    fn csrf_and_device_tokens_verify_only_for_their_values() {
        let k = NodeKey::from_secret(&[7; 32]);
        let c = random_value();
        let t = csrf_token(&k, &c);
        assert!(csrf_ok(&k, Some(&c), Some(&t)));
        assert!(!csrf_ok(&k, Some("other"), Some(&t)));
        assert!(!csrf_ok(&k, Some(&c), None));
        let d = device_value(&k, "P@x.example", 2_000);
        assert!(device_ok(&k, Some(&d), "p@x.example", 1_000));
        assert!(!device_ok(&k, Some(&d), "q@x.example", 1_000));
        assert!(!device_ok(&k, Some(&d), "p@x.example", 3_000));
        let forged = format!("{}x", d);
        assert!(!device_ok(&k, Some(&forged), "p@x.example", 1_000));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-sp_csrf=zz"),
        );
        assert_eq!(get(&h, CSRF), Some("zz"));
        assert_eq!(get(&h, SESSION), None);
    }
}
