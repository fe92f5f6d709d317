//! Crash-safe file creation: every file sealpost creates goes through here.
//!
//! A file is written under a temporary name in its own directory, fsync'd,
//! renamed (or hard-linked, for files that must never be replaced) to its
//! name, and then the directory is fsync'd. After a crash or a power loss at
//! any point the name holds either nothing (or its previous content) or the
//! whole new content — never an empty or half-written file. That matters
//! most for keys: an empty spool key after a power loss right after the
//! first start would stop the node from starting (or, worse, tempt it to
//! make a new key that cannot open what the old one sealed).
//!
//! Directories created here are made durable too: each new directory's
//! parent is fsync'd, so a power loss cannot take back a directory whose
//! files were already made durable.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The directory holding `path` ("." for a bare file name).
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// fsync a directory, so entries created, renamed or removed in it are
/// durable (POSIX: fsync of the file alone does not cover its name).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `create_dir_all`, with every directory it creates made durable in its
/// parent. Directories that exist are left alone.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let parent = parent_of(dir);
    if dir.parent().is_some_and(|p| !p.as_os_str().is_empty()) {
        create_dir_all(&parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => sync_dir(&parent),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// A temporary name beside `path`, unique within this process and its
/// lifetime (`.<name>.tmp-<pid>-<n>`); the dot keeps it out of globs.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    parent_of(path).join(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Write `bytes` to a fresh temporary file beside `path` (mode `mode`) and
/// fsync it; returns its name. The caller renames or links it into place.
fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> io::Result<PathBuf> {
    create_dir_all(&parent_of(path))?;
    let tmp = temp_path(path);
    let result = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Replace (or create) `path` with `bytes`, atomically and durably: after a
/// crash it holds the old content or all of `bytes`. `mode` applies to a
/// new file (e.g. 0o600 for keys; the umask still narrows it).
pub fn durable_write(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let tmp = write_temp(path, bytes, mode)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&parent_of(path))
}

/// Create `path` with `bytes` only if it does not exist (a key that must
/// never be replaced), atomically and durably. Fails with `AlreadyExists`
/// when another process (or an earlier start) created it first; the
/// caller then reads that one. The hard link is the atomic "create if
/// absent": a rename would silently replace a key created meanwhile.
pub fn durable_create(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let tmp = write_temp(path, bytes, mode)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked?;
    sync_dir(&parent_of(path))
}

/// Create `path` as a new, empty file (failing if it exists) and make its
/// name durable: for append-only files such as spool segments, whose
/// appends are then made durable by fdatasync.
pub fn create_empty_durable(path: &Path, mode: u32) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    f.sync_all()?;
    sync_dir(&parent_of(path))?;
    Ok(f)
}

/// Remove leftovers of writes a crash interrupted (`.<name>.tmp-*` beside
/// `path`). Best effort: a failure only leaves a stray file behind.
pub fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(parent_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn durable_write_replaces_whole_files_with_the_mode_asked_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/key");
        durable_write(&path, b"first", 0o600).expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"first");
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        durable_write(&path, b"second", 0o600).expect("rewrite");
        assert_eq!(fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("key")], "no temp left");
    }

    #[test]
    fn durable_create_never_replaces_an_existing_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("verp.key");
        durable_create(&path, b"one", 0o600).expect("create");
        let e = durable_create(&path, b"two", 0o600).expect_err("exists");
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).expect("read"), b"one");
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn stale_temporaries_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.toml");
        fs::write(dir.path().join(".users.toml.tmp-1-0"), b"half").expect("w");
        fs::write(dir.path().join("other"), b"x").expect("w");
        remove_stale_temps(&path);
        assert!(!dir.path().join(".users.toml.tmp-1-0").exists());
        assert!(dir.path().join("other").exists());
    }
}
