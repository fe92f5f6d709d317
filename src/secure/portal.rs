//! Portal hand-off: a message that no recipient key can protect is sealed
//! into a `PortalStore` and the recipient gets a notice with a link.
//!
//! Sealing: the link token is 256 random bits. The store keeps only
//! SHA-256("id" ‖ token) as the lookup key and the message encrypted with
//! AES-256-GCM under SHA-256("key" ‖ token): the per-message key exists
//! only in the link, so the stored record alone reveals nothing. Records
//! carry the recipient, the queue id (for recall) and an expiry.

use std::time::{Duration, SystemTime};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SecureError;

/// Where sealed messages wait for their recipients (a cluster can put a
/// shared database behind this later).
pub trait PortalStore: Send + Sync {
    /// Seal `message` for `recipient`; returns the link token.
    fn put(
        &self,
        queue_id: u64,
        recipient: &str,
        message: &[u8],
        expiry: Duration,
    ) -> Result<String, SecureError>;
    /// Open a sealed message by its token: (recipient, message), or None if
    /// unknown, expired or recalled.
    fn open(&self, token: &str) -> Result<Option<(String, Vec<u8>)>, SecureError>;
    /// When the message behind `token` expires (unix ms), without opening
    /// it; None if unknown, expired or recalled.
    fn expires(&self, token: &str) -> Result<Option<u64>, SecureError>;
    /// Recall every copy of a queued message; returns how many.
    fn recall(&self, queue_id: u64) -> Result<usize, SecureError>;
    /// Remove expired records; returns how many.
    fn sweep(&self) -> Result<usize, SecureError>;
}

#[derive(Serialize, Deserialize)]
struct Record {
    queue_id: u64,
    recipient: String,
    created_ms: u64,
    expires_ms: u64,
    recalled: bool,
    /// nonce ‖ ciphertext ‖ tag, base64.
    sealed: String,
}

/// The embedded store: a sled tree of the spool's database.
pub struct SledPortal {
    tree: sled::Tree,
}

fn store_err(e: impl std::fmt::Display) -> SecureError {
    SecureError::Crypto {
        method: "portal",
        reason: format!("store: {e}"),
    }
}

use crate::util::now_ms;

fn derive(label: &[u8], token: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    h.update(token);
    h.finalize().into()
}

fn cipher(token: &[u8]) -> Result<LessSafeKey, SecureError> {
    let key =
        UnboundKey::new(&AES_256_GCM, &derive(b"sealpost-portal-key", token)).map_err(|_| {
            SecureError::Crypto {
                method: "portal",
                reason: "portal key".into(),
            }
        })?;
    Ok(LessSafeKey::new(key))
}

impl SledPortal {
    pub fn new(tree: sled::Tree) -> Self {
        SledPortal { tree }
    }

    fn lookup_key(token: &[u8]) -> [u8; 32] {
        derive(b"sealpost-portal-id", token)
    }
}

impl PortalStore for SledPortal {
    fn put(
        &self,
        queue_id: u64,
        recipient: &str,
        message: &[u8],
        expiry: Duration,
    ) -> Result<String, SecureError> {
        let mut token = [0u8; 32];
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut token).map_err(|_| SecureError::Crypto {
            method: "portal",
            reason: "no randomness".into(),
        })?;
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| SecureError::Crypto {
            method: "portal",
            reason: "no randomness".into(),
        })?;
        let mut buf = message.to_vec();
        cipher(&token)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(recipient.as_bytes()),
                &mut buf,
            )
            .map_err(|_| SecureError::Crypto {
                method: "portal",
                reason: "portal seal".into(),
            })?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&buf);
        let now = now_ms();
        let record = Record {
            queue_id,
            recipient: recipient.to_string(),
            created_ms: now,
            expires_ms: now + expiry.as_millis() as u64,
            recalled: false,
            sealed: base64::engine::general_purpose::STANDARD.encode(sealed),
        };
        let v = serde_json::to_vec(&record).map_err(store_err)?;
        self.tree
            .insert(Self::lookup_key(&token), v)
            .map_err(store_err)?;
        self.tree.flush().map_err(store_err)?;
        Ok(B64URL.encode(token))
    }

    fn open(&self, token: &str) -> Result<Option<(String, Vec<u8>)>, SecureError> {
        let Ok(raw) = B64URL.decode(token.trim()) else {
            return Ok(None);
        };
        let Some(v) = self.tree.get(Self::lookup_key(&raw)).map_err(store_err)? else {
            return Ok(None);
        };
        let r: Record = serde_json::from_slice(&v).map_err(store_err)?;
        if r.recalled || r.expires_ms <= now_ms() {
            return Ok(None);
        }
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(&r.sealed)
            .map_err(store_err)?;
        if sealed.len() < NONCE_LEN + 16 {
            return Err(SecureError::Crypto {
                method: "portal",
                reason: "portal record too short".into(),
            });
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SecureError::Crypto {
            method: "portal",
            reason: "nonce".into(),
        })?;
        let mut buf = rest.to_vec();
        let n = cipher(&raw)?
            .open_in_place(nonce, Aad::from(r.recipient.as_bytes()), &mut buf)
            .map_err(|_| SecureError::Crypto {
                method: "portal",
                reason: "portal record does not open".into(),
            })?
            .len();
        buf.truncate(n);
        Ok(Some((r.recipient, buf)))
    }

    fn expires(&self, token: &str) -> Result<Option<u64>, SecureError> {
        let Ok(raw) = B64URL.decode(token.trim()) else {
            return Ok(None);
        };
        let Some(v) = self.tree.get(Self::lookup_key(&raw)).map_err(store_err)? else {
            return Ok(None);
        };
        let r: Record = serde_json::from_slice(&v).map_err(store_err)?;
        Ok((!r.recalled && r.expires_ms > now_ms()).then_some(r.expires_ms))
    }

    fn recall(&self, queue_id: u64) -> Result<usize, SecureError> {
        let mut n = 0;
        for item in self.tree.iter() {
            let (k, v) = item.map_err(store_err)?;
            let Ok(mut r) = serde_json::from_slice::<Record>(&v) else {
                continue;
            };
            if r.queue_id == queue_id && !r.recalled {
                r.recalled = true;
                r.sealed.clear();
                self.tree
                    .insert(k, serde_json::to_vec(&r).map_err(store_err)?)
                    .map_err(store_err)?;
                n += 1;
            }
        }
        self.tree.flush().map_err(store_err)?;
        Ok(n)
    }

    fn sweep(&self) -> Result<usize, SecureError> {
        let now = now_ms();
        let mut n = 0;
        for item in self.tree.iter() {
            let (k, v) = item.map_err(store_err)?;
            let expired = serde_json::from_slice::<Record>(&v)
                .map(|r| r.expires_ms <= now)
                .unwrap_or(true);
            if expired {
                self.tree.remove(k).map_err(store_err)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// Who a notice comes from: the original's From (display name, address).
pub struct NoticeFrom<'a> {
    pub name: Option<&'a str>,
    pub address: &'a str,
}

/// The notice a portal recipient gets: text and HTML, with the link and
/// the expiry — no PHI, not even the original Subject. Built with
/// mail-builder, which encodes names (RFC 2047) and folds headers.
pub fn notice(
    from: &NoticeFrom<'_>,
    to: &str,
    link: &str,
    expires: SystemTime,
    hostname: &str,
) -> Vec<u8> {
    use mail_builder::MessageBuilder;
    use mail_builder::headers::address::Address;
    use mail_builder::headers::raw::Raw;
    let until = crate::util::rfc5322_date(expires);
    let text = format!(
        "You have received a secure message.\r\n\r\nRead it here:\r\n{link}\r\n\r\nThe link is personal and works until {until}.\r\n"
    );
    let html_link = html_escape(link);
    let html = format!(
        "<!doctype html><html><body><p>You have received a secure message.</p>\
         <p><a href=\"{html_link}\">Read the secure message</a></p>\
         <p>The link is personal and works until {until}.</p></body></html>"
    );
    let sender = Address::new_address(from.name, from.address);
    MessageBuilder::new()
        .from(sender)
        .to(to)
        .subject("You have received a secure message")
        .date(now_ms() as i64 / 1000)
        .message_id(format!("{}.notice@{hostname}", now_ms()))
        .header("Auto-Submitted", Raw::new("auto-generated"))
        .text_body(text)
        .html_body(html)
        .write_to_vec()
        .unwrap_or_default()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, SledPortal) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = sled::Config::new().path(dir.path()).open().expect("db");
        let tree = db.open_tree("portal").expect("tree");
        (dir, SledPortal::new(tree))
    }

    #[test]
    fn sealed_message_opens_only_with_its_token_and_not_after_recall() {
        let (_d, s) = store();
        let token = s
            .put(7, "p@x.example", b"PHI body", Duration::from_secs(60))
            .expect("put");
        assert!(B64URL.decode(&token).expect("b64").len() * 8 >= 128);
        let (rcpt, msg) = s.open(&token).expect("open").expect("found");
        assert_eq!(
            (rcpt.as_str(), msg.as_slice()),
            ("p@x.example", &b"PHI body"[..])
        );
        let raw: Vec<u8> = s
            .tree
            .iter()
            .flatten()
            .flat_map(|(_, v)| v.to_vec())
            .collect();
        assert!(
            !raw.windows(8).any(|w| w == b"PHI body"),
            "plaintext at rest"
        );
        assert!(s.open("AAAA").expect("open").is_none());
        assert_eq!(s.recall(7).expect("recall"), 1);
        assert!(s.open(&token).expect("open").is_none());
    }

    #[test]
    fn expired_records_do_not_open_and_are_swept() {
        let (_d, s) = store();
        let token = s
            .put(1, "p@x.example", b"x", Duration::from_millis(0))
            .expect("put");
        assert!(s.open(&token).expect("open").is_none());
        assert_eq!(s.sweep().expect("sweep"), 1);
    }

    #[test]
    fn notice_has_the_link_and_no_subject_of_the_original() {
        let from = NoticeFrom {
            name: Some("Clinic Zoë"),
            address: "c@h.example",
        };
        let n = String::from_utf8(notice(
            &from,
            "p@x.example",
            "https://portal/m/T",
            SystemTime::now(),
            "relay",
        ))
        .expect("utf8");
        assert!(n.contains("https://portal/m/T") && n.contains("multipart/alternative"));
        assert!(n.contains("Subject: You have received a secure message"));
        // The non-ASCII display name is RFC 2047 encoded, never raw.
        assert!(n.contains("From: \"=?utf-8?") || n.contains("From: =?utf-8?"));
        assert!(n.contains("<c@h.example>"));
    }
}
