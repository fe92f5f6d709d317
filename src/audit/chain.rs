//! Entry encoding and the hash chain.
//!
//! ## Canonical form
//! An entry is the struct [`Entry`], serialized by `serde_json` in compact
//! form (no whitespace, `serde_json`'s string escaping) with its fields in
//! this fixed order:
//!
//! `seq`, `ts`, `event` (type tag), the event's fields in declaration order
//! (see `event.rs`), `prev`, then `hash`.
//!
//! * **content** = the serialization with `hash` *absent*;
//! * `hash` = lowercase hex SHA-256 of the content bytes;
//! * **line** = the serialization with `hash` present (it is the last key),
//!   written followed by a single `\n`;
//! * `prev` = lowercase hex SHA-256 of the previous entry's exact line bytes
//!   (without the `\n`), or [`GENESIS_PREV`] (64 zeros) for entry `seq` 0.
//!   The chain continues across rotated files.
//!
//! A line is *valid* iff it parses as an [`Entry`], its `hash` matches the
//! recomputed content hash, and re-serializing the parsed entry reproduces
//! the line byte for byte (so added keys, reordered keys or whitespace are
//! detected even on the last line of a file).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::event::Event;

/// `prev` of the very first entry of a chain.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the audit log. Field order is the canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub ts: String,
    #[serde(flatten)]
    pub event: Event,
    pub prev: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hash of the canonical content of `entry` (its `hash` field is ignored).
pub fn content_hash(entry: &Entry) -> Result<String, serde_json::Error> {
    let content = Entry {
        hash: None,
        ..entry.clone()
    };
    Ok(sha256_hex(&serde_json::to_vec(&content)?))
}

/// Builds the line bytes (without `\n`) for a new entry.
pub fn encode(
    seq: u64,
    ts: String,
    event: Event,
    prev: String,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut entry = Entry {
        seq,
        ts,
        event,
        prev,
        hash: None,
    };
    entry.hash = Some(sha256_hex(&serde_json::to_vec(&entry)?));
    serde_json::to_vec(&entry)
}

/// Parses a line into an entry (no chain checks).
pub fn decode(line: &[u8]) -> Result<Entry, serde_json::Error> {
    serde_json::from_slice(line)
}

/// Whether `line` is an intact entry (decodes, its hash matches, it is in
/// canonical form) and, given the previous entry's (seq, line hash), chained
/// to it. Returns its seq, or why not.
pub fn check_line(line: &[u8], prev: Option<(u64, &str)>) -> Result<u64, String> {
    let entry = decode(line).map_err(|e| format!("bad JSON: {e}"))?;
    let recorded = entry.hash.clone().ok_or("no hash")?;
    let computed = content_hash(&entry).map_err(|e| e.to_string())?;
    if recorded != computed {
        return Err("hash mismatch".into());
    }
    if serde_json::to_vec(&entry).ok().as_deref() != Some(line) {
        return Err("not in canonical form".into());
    }
    if let Some((seq, hash)) = prev {
        if entry.seq != seq + 1 {
            return Err(format!("seq {} after {seq}", entry.seq));
        }
        if entry.prev != hash {
            return Err("prev does not match the line before".into());
        }
    }
    Ok(entry.seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::event::{ConfigReload, Event};

    #[test]
    fn line_is_content_plus_trailing_hash_key() {
        let ev = Event::ConfigReload(ConfigReload {
            ok: true,
            error: None,
        });
        let line = encode(
            0,
            "2026-01-01T00:00:00.000000Z".into(),
            ev,
            GENESIS_PREV.into(),
        )
        .unwrap();
        let text = String::from_utf8(line.clone()).unwrap();
        let prefix = format!(
            "{{\"seq\":0,\"ts\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"config_reload\",\"ok\":true,\"error\":null,\"prev\":\"{GENESIS_PREV}\""
        );
        assert!(text.starts_with(&prefix), "{text}");
        let content = format!("{prefix}}}");
        assert!(text.ends_with(&format!(
            ",\"hash\":\"{}\"}}",
            sha256_hex(content.as_bytes())
        )));
        let back = decode(&line).unwrap();
        assert_eq!(content_hash(&back).unwrap(), back.hash.clone().unwrap());
        assert_eq!(serde_json::to_vec(&back).unwrap(), line);
    }
}
