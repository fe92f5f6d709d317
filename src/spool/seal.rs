//! Encryption at rest: AES-256-GCM with a node key kept in a 0600 file.
//! Each record gets a fresh random 96-bit nonce; the queue id is bound as
//! associated data so a record cannot be swapped for another message's.

use std::io::Write;
use std::path::Path;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use super::SpoolError;

pub struct Sealer {
    key: LessSafeKey,
}

impl Sealer {
    /// Load the key, creating it (mode 0600, via a temporary file and
    /// rename, so a crash never leaves a half key) on first start.
    pub fn load_or_create(path: &Path) -> Result<Sealer, SpoolError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(path)?,
            Err(e) => return Err(SpoolError::io("reading spool key", e)),
        };
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SpoolError::Key(format!("{}: expected 32 bytes", path.display())))?;
        let unbound = UnboundKey::new(&AES_256_GCM, &key)
            .map_err(|_| SpoolError::Key("invalid AES-256 key".into()))?;
        Ok(Sealer {
            key: LessSafeKey::new(unbound),
        })
    }

    /// nonce ‖ ciphertext ‖ tag
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, SpoolError> {
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| SpoolError::Key("no randomness".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + plain.len() + 16);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let mut body = out.split_off(NONCE_LEN);
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut body,
            )
            .map_err(|_| SpoolError::Key("seal failed".into()))?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SpoolError> {
        if sealed.len() < NONCE_LEN + 16 {
            return Err(SpoolError::Corrupt("sealed record too short".into()));
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| SpoolError::Corrupt("bad nonce".into()))?;
        let mut buf = rest.to_vec();
        let plain_len = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| SpoolError::Corrupt("authentication tag mismatch".into()))?
            .len();
        buf.truncate(plain_len);
        Ok(buf)
    }
}

fn create_key(path: &Path) -> Result<Vec<u8>, SpoolError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut key = vec![0u8; 32];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| SpoolError::Key("no randomness".into()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SpoolError::io("creating key directory", e))?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| SpoolError::io("creating spool key", e))?;
    f.write_all(&key)
        .and_then(|_| f.sync_all())
        .map_err(|e| SpoolError::io("writing spool key", e))?;
    std::fs::rename(&tmp, path).map_err(|e| SpoolError::io("installing spool key", e))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_record_opens_only_with_the_same_aad_and_intact_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        let s = Sealer::load_or_create(&path).expect("key");
        let sealed = s.seal(b"id1", b"secret PHI").expect("seal");
        assert!(!sealed.windows(10).any(|w| w == b"secret PHI"));
        assert_eq!(s.open(b"id1", &sealed).expect("open"), b"secret PHI");
        assert!(s.open(b"id2", &sealed).is_err());
        let mut bad = sealed.clone();
        bad[20] ^= 1;
        assert!(s.open(b"id1", &bad).is_err());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = Sealer::load_or_create(&path).expect("reload");
        assert_eq!(again.open(b"id1", &sealed).expect("open"), b"secret PHI");
    }
}
