//! Rotated file naming and retention.
//!
//! The current file is always the configured path (e.g. `audit.log`). On
//! rotation it is renamed to `<path>.<first_seq>` where `first_seq` is the
//! sequence number of its first entry, zero-padded to 20 digits, so names
//! sort in chain order and never collide (timestamps could). The last line
//! of a rotated file is a checkpoint; the new file's first entry has
//! `prev` = hash of that checkpoint line, so the chain is unbroken.
//!
//! Retention deletes rotated files whose modification time (= time of their
//! last entry) is older than the retention period. The current file is
//! never a candidate: only names matching `<path>.<20 digits>` are.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Path of the rotated file whose first entry has sequence `first_seq`.
pub fn rotated_name(current: &Path, first_seq: u64) -> PathBuf {
    let mut s = current.as_os_str().to_owned();
    s.push(format!(".{first_seq:020}"));
    PathBuf::from(s)
}

/// Rotated siblings of `current`, oldest first, as `(first_seq, path)`.
pub fn list_rotated(current: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let dir = parent_dir(current);
    let Some(base) = current.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    // A log not written yet: its directory may not exist either.
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for dent in entries {
        let dent = dent?;
        let name = dent.file_name();
        let Some(suffix) = name
            .to_str()
            .and_then(|n| n.strip_prefix(base))
            .and_then(|s| s.strip_prefix('.'))
        else {
            continue;
        };
        if suffix.len() == 20
            && suffix.bytes().all(|b| b.is_ascii_digit())
            && let Ok(seq) = suffix.parse::<u64>()
        {
            out.push((seq, dir.join(&name)));
        }
    }
    out.sort();
    Ok(out)
}

/// The whole series for `current`: rotated files oldest first, then
/// `current` itself if it exists.
pub fn series(current: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = list_rotated(current)?.into_iter().map(|(_, p)| p).collect();
    if current.exists() {
        files.push(current.to_path_buf());
    }
    Ok(files)
}

pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// fsync the directory holding `path` so renames/creations are durable.
pub(crate) fn sync_dir(path: &Path) -> io::Result<()> {
    fs::File::open(parent_dir(path))?.sync_all()
}

/// Deletes rotated files last modified more than `retention` before `now`.
/// Returns the deleted paths.
pub fn sweep(current: &Path, retention: Duration, now: SystemTime) -> io::Result<Vec<PathBuf>> {
    let mut deleted = Vec::new();
    for (_, path) in list_rotated(current)? {
        let mtime = fs::metadata(&path)?.modified()?;
        let age = now.duration_since(mtime).unwrap_or(Duration::ZERO);
        if age > retention {
            fs::remove_file(&path)?;
            tracing::info!(path = %path.display(), "audit retention: deleted rotated file");
            deleted.push(path);
        }
    }
    if !deleted.is_empty() {
        sync_dir(current)?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_only_numbered_siblings_in_seq_order_and_sweeps_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let cur = dir.path().join("audit.log");
        fs::write(&cur, b"").unwrap();
        for seq in [2000u64, 10, 999] {
            fs::write(rotated_name(&cur, seq), b"").unwrap();
        }
        fs::write(dir.path().join("audit.log.bak"), b"").unwrap();
        fs::write(dir.path().join("audit.log.123"), b"").unwrap();
        let seqs: Vec<u64> = list_rotated(&cur)
            .unwrap()
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        assert_eq!(seqs, vec![10, 999, 2000]);
        assert_eq!(series(&cur).unwrap().last(), Some(&cur));

        let future = SystemTime::now() + Duration::from_secs(3600);
        let gone = sweep(&cur, Duration::from_secs(60), future).unwrap();
        assert_eq!(gone.len(), 3);
        assert!(cur.exists(), "current file must never be deleted");
        assert!(
            sweep(&cur, Duration::from_secs(60), SystemTime::now())
                .unwrap()
                .is_empty()
        );
    }
}
