//! VERP tokens (issue 5): the envelope sender of each outgoing copy is
//! `b+<token>@<bounce domain>`, so a bounce arriving there names the
//! queue id and recipient index it is about.
//!
//! Token layout (20 bytes, RFC 4648 base32 without padding, lower-case,
//! 32 characters): `queue_id` (8, big-endian) ‖ `rcpt_index` (4) ‖
//! HMAC-SHA256(key, "sealpost-verp-v1" ‖ those 12 bytes) truncated to
//! 8 bytes (64 bits). Decoding is case-insensitive because some MTAs
//! lower- or upper-case local parts; the alphabet `a-z2-7` is valid in an
//! RFC 5321 dot-atom. The tag is compared in constant time.
//!
//! The key is 32 random bytes in a file created 0600; it must be the same
//! on every node that sends or receives bounces for a queue.

use std::path::Path;

use aws_lc_rs::{constant_time, hmac, rand};

use super::BounceError;

/// Local-part prefix before the `+` separator.
pub const PREFIX: &str = "b";
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 8;
const PAYLOAD_LEN: usize = 12;
const RAW_LEN: usize = PAYLOAD_LEN + TAG_LEN;
/// Length of the encoded token: ceil(20 * 8 / 5).
pub const TOKEN_LEN: usize = 32;
const DOMAIN_SEPARATOR: &[u8] = b"sealpost-verp-v1";
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The HMAC key for VERP tokens.
pub struct VerpKey {
    key: hmac::Key,
}

impl std::fmt::Debug for VerpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerpKey(<redacted>)")
    }
}

impl VerpKey {
    /// A key from raw bytes (tests, or a key held elsewhere).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes),
        }
    }

    /// Reads the key file, or creates it with 32 random bytes (mode 0600)
    /// when it does not exist, crash-safely (`util::durable_create`). An
    /// empty file is one a crash cut before its first sync (releases
    /// before the durable write): no token was ever made with it, so it is
    /// moved aside and replaced. Any other wrong length is an error.
    pub fn load_or_create(path: &Path) -> Result<Self, BounceError> {
        crate::util::durable::remove_stale_temps(path);
        match std::fs::read(path) {
            Ok(bytes) if bytes.is_empty() => set_aside_empty(path)?,
            Ok(bytes) => return Self::check_len(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(key_error(path, e.to_string())),
        }
        let mut bytes = [0u8; KEY_LEN];
        rand::fill(&mut bytes).map_err(|_| key_error(path, "no randomness".into()))?;
        match crate::util::durable_create(path, &bytes, 0o600) {
            Ok(()) => {
                tracing::info!(path = %path.display(), "created VERP key");
                Ok(Self::from_bytes(&bytes))
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = std::fs::read(path)?;
                Self::check_len(path, &bytes)
            }
            Err(e) => Err(key_error(path, e.to_string())),
        }
    }

    fn check_len(path: &Path, bytes: &[u8]) -> Result<Self, BounceError> {
        if bytes.len() != KEY_LEN {
            return Err(key_error(
                path,
                format!("expected {KEY_LEN} bytes, found {}", bytes.len()),
            ));
        }
        Ok(Self::from_bytes(bytes))
    }

    /// The token alone (the part after `b+`).
    pub fn token(&self, queue_id: u64, rcpt_index: u32) -> String {
        let mut raw = [0u8; RAW_LEN];
        raw[..8].copy_from_slice(&queue_id.to_be_bytes());
        raw[8..PAYLOAD_LEN].copy_from_slice(&rcpt_index.to_be_bytes());
        let tag = self.tag(&raw[..PAYLOAD_LEN]);
        raw[PAYLOAD_LEN..].copy_from_slice(&tag.as_ref()[..TAG_LEN]);
        base32_encode(&raw)
    }

    /// The full envelope sender: `b+<token>@<bounce_domain>`.
    pub fn encode(&self, queue_id: u64, rcpt_index: u32, bounce_domain: &str) -> String {
        format!(
            "{PREFIX}+{}@{}",
            self.token(queue_id, rcpt_index),
            bounce_domain.to_ascii_lowercase()
        )
    }

    /// Decodes a local part (`b+<token>`, or the bare token; a trailing
    /// `@domain` is ignored) back to `(queue id, recipient index)`.
    /// Errors: [`BounceError::NotToken`] when it is not shaped like a token,
    /// [`BounceError::Forged`] when the HMAC does not match.
    pub fn decode(&self, local_part: &str) -> Result<(u64, u32), BounceError> {
        let local = local_part.split('@').next().unwrap_or_default().trim();
        let token = match local.split_once('+') {
            Some((prefix, token)) if prefix.eq_ignore_ascii_case(PREFIX) => token,
            Some(_) => return Err(BounceError::NotToken("unexpected prefix")),
            None => local,
        };
        if token.len() != TOKEN_LEN {
            return Err(BounceError::NotToken("wrong length"));
        }
        let raw = base32_decode(token).ok_or(BounceError::NotToken("bad character"))?;
        let (payload, tag) = raw.split_at(PAYLOAD_LEN);
        let expected = self.tag(payload);
        constant_time::verify_slices_are_equal(&expected.as_ref()[..TAG_LEN], tag)
            .map_err(|_| BounceError::Forged)?;
        let mut qid = [0u8; 8];
        qid.copy_from_slice(&payload[..8]);
        let mut idx = [0u8; 4];
        idx.copy_from_slice(&payload[8..]);
        Ok((u64::from_be_bytes(qid), u32::from_be_bytes(idx)))
    }

    fn tag(&self, payload: &[u8]) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(DOMAIN_SEPARATOR);
        ctx.update(payload);
        ctx.sign()
    }
}

fn key_error(path: &Path, why: String) -> BounceError {
    BounceError::Key {
        path: path.display().to_string(),
        why,
    }
}

/// Move an empty key file aside (kept for the operator) before a new key
/// takes its name.
fn set_aside_empty(path: &Path) -> Result<(), BounceError> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".empty-{}", crate::util::now_ms()));
    std::fs::rename(path, &aside).map_err(|e| key_error(path, e.to_string()))?;
    tracing::warn!(path = %path.display(), "VERP key file was empty (cut by a crash before its first use); creating a new key");
    Ok(())
}

/// RFC 4648 §6 base32, lower-case, no padding.
fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in data {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Case-insensitive inverse of [`base32_encode`] for exactly [`RAW_LEN`]
/// bytes; `None` on any character outside the alphabet.
fn base32_decode(text: &str) -> Option<[u8; RAW_LEN]> {
    let mut out = [0u8; RAW_LEN];
    let mut len = 0usize;
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for c in text.bytes() {
        let value = match c.to_ascii_lowercase() {
            c @ b'a'..=b'z' => c - b'a',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(len)? = ((buffer >> bits) & 0xff) as u8;
            len += 1;
        }
    }
    (len == RAW_LEN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VerpKey {
        VerpKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn round_trip_restores_queue_id_and_index() {
        let k = key();
        for (qid, idx) in [
            (0u64, 0u32),
            (1, 2),
            (u64::MAX, u32::MAX),
            (0x0193_AB00_1234_5678, 41),
        ] {
            let addr = k.encode(qid, idx, "Bounces.Customer.Example");
            let (local, domain) = addr.split_once('@').expect("address has @");
            assert_eq!(domain, "bounces.customer.example");
            assert!(local.len() < 40, "{local}");
            assert!(
                local
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'+')
            );
            assert_eq!(k.decode(local).expect("decodes"), (qid, idx));
        }
    }

    #[test]
    fn every_changed_character_is_forged() {
        let k = key();
        let token = k.token(0x0193_AB00_1234_5678, 3);
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let tampered = String::from_utf8(bytes).expect("ascii");
            let local = format!("b+{tampered}");
            assert!(
                matches!(k.decode(&local), Err(BounceError::Forged)),
                "position {i} accepted"
            );
        }
    }

    #[test]
    fn case_changed_token_still_decodes() {
        let k = key();
        let addr = k.encode(99, 1, "bounces.example");
        assert_eq!(
            k.decode(&addr.to_ascii_lowercase()).expect("lower"),
            (99, 1)
        );
        assert_eq!(
            k.decode(&addr.to_ascii_uppercase()).expect("upper"),
            (99, 1)
        );
    }

    #[test]
    fn token_from_another_key_is_forged() {
        let other = VerpKey::from_bytes(&[8u8; 32]);
        let addr = other.encode(5, 0, "bounces.example");
        assert!(matches!(key().decode(&addr), Err(BounceError::Forged)));
    }

    #[test]
    fn non_tokens_are_rejected_without_panic() {
        let k = key();
        for local in [
            "",
            "b+",
            "postmaster",
            "b+short",
            "x+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "b+éééééééééééééééé",
            "b+0000000000000000000000000000000!",
        ] {
            assert!(
                matches!(k.decode(local), Err(BounceError::NotToken(_))),
                "{local}"
            );
        }
    }

    #[test]
    fn key_file_is_created_private_and_reloaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("verp.key");
        let k1 = VerpKey::load_or_create(&path).expect("create");
        let k2 = VerpKey::load_or_create(&path).expect("load");
        assert_eq!(
            k2.decode(&k1.encode(1, 2, "b.example")).expect("same key"),
            (1, 2)
        );
        assert_eq!(std::fs::read(&path).expect("read").len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").expect("write");
        assert!(matches!(
            VerpKey::load_or_create(&path),
            Err(BounceError::Key { .. })
        ));
        // Empty: cut by a crash before its first use; replaced, kept aside.
        std::fs::write(&path, b"").expect("write");
        VerpKey::load_or_create(&path).expect("replaced");
        assert_eq!(std::fs::read(&path).expect("read").len(), 32);
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2);
    }
}
