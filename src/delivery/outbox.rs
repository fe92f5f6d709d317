//! File transport: a `[[route]]` with `outbox = "DIR"` delivers into a
//! Maildir instead of SMTP. Each recipient's copy is exactly the bytes an
//! SMTP transaction would have carried (encrypted, DKIM-signed), preceded
//! by the `Return-Path` and `Delivered-To` lines a final delivery adds.
//!
//! Durability (Maildir, as qmail defined it): the copy is written to
//! `tmp/` under a unique name, fsync'd, renamed into `new/`, and `new/`
//! itself fsync'd — only then is the recipient recorded as delivered, so a
//! crash leaves either no file in `new/` (the delivery is retried) or a
//! whole one. A stray file in `tmp/` is harmless to Maildir readers.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Write one copy for `recipient`; returns its path under `new/`.
pub fn deliver(
    dir: &Path,
    return_path: &str,
    recipient: &str,
    message: &[u8],
    hostname: &str,
) -> std::io::Result<PathBuf> {
    let (tmp, new) = (dir.join("tmp"), dir.join("new"));
    ensure_maildir(dir)?;
    let name = unique_name(hostname);
    let tmp_path = tmp.join(&name);
    let mut file = open_new(&tmp_path)?;
    let written =
        write_copy(&mut file, return_path, recipient, message).and_then(|_| file.sync_all());
    drop(file);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp_path);
        return Err(e);
    }
    // A hard link never replaces an existing file (rename would): two
    // writers that chose the same name cannot lose a copy.
    let final_path = new.join(&name);
    let linked = fs::hard_link(&tmp_path, &final_path);
    let _ = fs::remove_file(&tmp_path);
    linked?;
    sync_dir(&new)?;
    Ok(final_path)
}

/// Create the Maildir (at start-up, so an unwritable outbox is a start-up
/// error rather than days of retries).
pub fn prepare(dir: &Path) -> std::io::Result<()> {
    ensure_maildir(dir)?;
    let probe = dir
        .join("tmp")
        .join(format!(".probe.{}", std::process::id()));
    open_new(&probe)?;
    fs::remove_file(&probe)
}

fn write_copy(
    file: &mut File,
    return_path: &str,
    recipient: &str,
    message: &[u8],
) -> std::io::Result<()> {
    // Envelope addresses never hold CR or LF (the SMTP parser refuses
    // them), but this file must not gain a header from one either way.
    let clean = |s: &str| s.replace(['\r', '\n'], "");
    let trace = format!(
        "Return-Path: <{}>\r\nDelivered-To: {}\r\n",
        clean(return_path),
        clean(recipient)
    );
    let mut w = std::io::BufWriter::new(file);
    w.write_all(trace.as_bytes())?;
    w.write_all(message)?;
    w.flush()
}

/// `tmp/`, `new/` and `cur/`, created once and made durable with their parent.
fn ensure_maildir(dir: &Path) -> std::io::Result<()> {
    if dir.join("new").is_dir() && dir.join("tmp").is_dir() && dir.join("cur").is_dir() {
        return Ok(());
    }
    for sub in ["tmp", "new", "cur"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    sync_dir(dir)?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

fn open_new(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// "secs.MusecPpidQseq.host" (the Maildir convention); `/` and `:` in
/// the host name are escaped as the convention asks.
fn unique_name(hostname: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let host: String = hostname
        .chars()
        .map(|c| match c {
            '/' => "\\057".to_string(),
            ':' => "\\072".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!(
        "{}.M{}P{}Q{}.{host}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_lands_in_new_with_trace_lines_and_exact_bytes() {
        let dir = tempfile::tempdir().expect("tmp");
        let outbox = dir.path().join("outbox");
        let msg = b"Subject: x\r\n\r\nbody\r\n";
        let path =
            deliver(&outbox, "b+tok@bounce.example", "p@x.example", msg, "h:1/2").expect("deliver");
        assert_eq!(path.parent(), Some(outbox.join("new").as_path()));
        assert!(path.to_string_lossy().ends_with(".h\\0721\\0572"));
        let data = fs::read(&path).expect("read");
        let head = b"Return-Path: <b+tok@bounce.example>\r\nDelivered-To: p@x.example\r\n";
        assert_eq!(&data[..head.len()], head);
        assert_eq!(&data[head.len()..], msg);
        assert_eq!(fs::read_dir(outbox.join("tmp")).expect("tmp").count(), 0);
        assert!(outbox.join("cur").is_dir());
    }

    #[test]
    fn names_are_unique_and_cr_lf_in_addresses_add_no_header() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = deliver(dir.path(), "a\r\nX: y", "p@x", b"m", "h").expect("a");
        let b = deliver(dir.path(), "a", "p@x", b"m", "h").expect("b");
        assert_ne!(a, b);
        let data = String::from_utf8(fs::read(a).expect("read")).expect("utf8");
        assert!(data.starts_with("Return-Path: <aX: y>\r\n"));
    }

    #[test]
    fn an_unwritable_outbox_is_an_error_not_a_delivery() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("f");
        fs::write(&file, b"x").expect("write");
        assert!(deliver(&file, "a", "p@x", b"m", "h").is_err());
    }
}
