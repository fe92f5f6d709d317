//! What a power loss takes: the undo model behind the file system.
//!
//! Every operation goes straight through to the backing directory (so
//! reads need no merging), and this model keeps what is needed to take
//! back whatever is not yet durable:
//!
//! * **File data.** The first time a file is changed after its last sync,
//!   its length then is its durable length; before a write or a truncation
//!   overwrites bytes below that length, the original 4 KiB pages are
//!   saved. `fsync`/`fdatasync` of the file makes its data durable (the
//!   saved pages are dropped). A power loss writes the saved pages back
//!   and cuts the file to its durable length.
//! * **Names** (create, mkdir, link, symlink, unlink, rmdir, rename).
//!   POSIX makes a new, removed or renamed name durable only when the
//!   directory holding it is fsync'd — an fsync of the file does not
//!   cover its name. Each such operation is recorded with the directories
//!   it touches; an fsync of one of them makes it durable. Removed files
//!   and replaced rename targets are moved to a stash instead of being
//!   deleted, so a power loss can bring them back. A power loss undoes the
//!   operations not yet durable, newest first.
//! * `syncfs`/`sync` (the `sync` command) makes everything durable.
//!
//! This is stricter than ext4 in its default mode (where an fsync of any
//! file also commits earlier namespace changes), which is the point: it
//! shows every directory fsync a program forgot. [`Names::Journal`] models
//! that ext4 behaviour instead (any file sync makes every earlier name
//! change durable), for comparing with what LazyFS itself drops.
//!
//! Limitation: names are kept as paths; an operation below a directory
//! renamed later is undone at its old path, best effort.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub const PAGE: u64 = 4096;

/// A file changed since its last sync.
struct DirtyFile {
    /// Read-write handle on the backing inode (valid across renames and
    /// unlinks into the stash).
    file: File,
    durable_len: u64,
    /// Original content of pages below `durable_len` since overwritten.
    saved: BTreeMap<u64, Vec<u8>>,
}

/// A namespace change not yet durable.
#[derive(Debug)]
enum NsOp {
    Created {
        dir: u64,
        path: PathBuf,
    },
    Removed {
        dir: u64,
        path: PathBuf,
        stash: PathBuf,
    },
    Renamed {
        dirs: [u64; 2],
        from: PathBuf,
        to: PathBuf,
        replaced: Option<PathBuf>,
    },
}

impl NsOp {
    fn touches(&self, dir: u64) -> bool {
        match self {
            NsOp::Created { dir: d, .. } | NsOp::Removed { dir: d, .. } => *d == dir,
            NsOp::Renamed { dirs, .. } => dirs.contains(&dir),
        }
    }

    /// The stash entry to delete once the operation is durable.
    fn stash(&self) -> Option<&Path> {
        match self {
            NsOp::Removed { stash, .. } => Some(stash),
            NsOp::Renamed { replaced, .. } => replaced.as_deref(),
            NsOp::Created { .. } => None,
        }
    }
}

/// What a power loss took back.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files whose unsynced data was dropped.
    pub files: usize,
    /// Bytes cut from their ends (appended and not synced).
    pub bytes_cut: u64,
    /// Pages written back over unsynced overwrites.
    pub pages_restored: usize,
    /// Namespace operations undone.
    pub names_undone: usize,
    /// Undo steps that failed (best effort; see the module header).
    pub errors: usize,
}

/// Counters since mount.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    pub file_syncs: u64,
    pub dir_syncs: u64,
    pub writes: u64,
}

/// When name changes become durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Only an fsync of their directory (POSIX; the default).
    Posix,
    /// Also any file's fsync/fdatasync (a journalling file system
    /// committing its whole journal, as ext4 does).
    Journal,
}

pub struct Model {
    names: Names,
    root: PathBuf,
    stash_dir: PathBuf,
    next_stash: u64,
    dirty: HashMap<u64, DirtyFile>,
    ops: Vec<NsOp>,
    pub counters: Counters,
}

impl Model {
    /// `root`: the backing directory shown by the mount; `stash_dir`: on
    /// the same file system, outside `root` (removed names wait there).
    /// Anything left in the stash by an earlier run is durable removals.
    pub fn new(root: &Path, stash_dir: &Path, names: Names) -> io::Result<Model> {
        fs::create_dir_all(root)?;
        if stash_dir.exists() {
            fs::remove_dir_all(stash_dir)?;
        }
        fs::create_dir_all(stash_dir)?;
        Ok(Model {
            names,
            root: root.to_path_buf(),
            stash_dir: stash_dir.to_path_buf(),
            next_stash: 0,
            dirty: HashMap::new(),
            ops: Vec::new(),
            counters: Counters::default(),
        })
    }

    /// Backing path of a path relative to the root.
    pub fn real(&self, rel: &Path) -> PathBuf {
        if rel.as_os_str().is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// The undo state of `ino`, started with a read-write handle from
    /// `open` on its first change since its last sync.
    fn dirty_file(
        &mut self,
        ino: u64,
        open: impl FnOnce() -> io::Result<File>,
    ) -> io::Result<&mut DirtyFile> {
        use std::collections::hash_map::Entry;
        Ok(match self.dirty.entry(ino) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let file = open()?;
                let durable_len = file.metadata()?.len();
                v.insert(DirtyFile {
                    file,
                    durable_len,
                    saved: BTreeMap::new(),
                })
            }
        })
    }

    /// Save what a write of `len` bytes at `off` is about to overwrite.
    /// `open` gives a read-write handle on the file (used once per sync).
    pub fn before_write(
        &mut self,
        ino: u64,
        open: impl FnOnce() -> io::Result<File>,
        off: u64,
        len: u64,
    ) -> io::Result<()> {
        self.counters.writes += 1;
        if len == 0 {
            return Ok(());
        }
        let d = self.dirty_file(ino, open)?;
        save_pages(d, off, off + len)
    }

    /// Save what setting the length to `new_len` is about to drop (a
    /// longer file is cut back at a power loss like any append).
    pub fn before_truncate(
        &mut self,
        ino: u64,
        open: impl FnOnce() -> io::Result<File>,
        new_len: u64,
    ) -> io::Result<()> {
        let d = self.dirty_file(ino, open)?;
        let end = d.durable_len;
        if new_len < end {
            save_pages(d, new_len, end)?;
        }
        Ok(())
    }

    /// fsync/fdatasync of a file: its data is durable.
    pub fn synced_file(&mut self, ino: u64) {
        self.counters.file_syncs += 1;
        self.dirty.remove(&ino);
        if self.names == Names::Journal {
            self.commit_names();
        }
    }

    fn commit_names(&mut self) {
        for op in std::mem::take(&mut self.ops) {
            if let Some(stash) = op.stash() {
                remove_any(stash);
            }
        }
    }

    /// A new name `rel` in directory `dir` (already created in the backing).
    pub fn created(&mut self, dir: u64, rel: &Path) {
        self.ops.push(NsOp::Created {
            dir,
            path: rel.to_path_buf(),
        });
    }

    fn new_stash(&mut self) -> PathBuf {
        self.next_stash += 1;
        self.stash_dir.join(self.next_stash.to_string())
    }

    /// unlink/rmdir: the name goes; the file waits in the stash.
    pub fn remove(&mut self, dir: u64, rel: &Path) -> io::Result<()> {
        let stash = self.new_stash();
        fs::rename(self.real(rel), &stash)?;
        self.ops.push(NsOp::Removed {
            dir,
            path: rel.to_path_buf(),
            stash,
        });
        Ok(())
    }

    /// rename(2): a replaced target waits in the stash.
    pub fn rename(
        &mut self,
        dirs: [u64; 2],
        from: &Path,
        to: &Path,
        noreplace: bool,
    ) -> io::Result<()> {
        let real_from = self.real(from);
        let real_to = self.real(to);
        fs::symlink_metadata(&real_from)?;
        let replaced = match fs::symlink_metadata(&real_to) {
            Ok(_) if noreplace => return Err(io::Error::from_raw_os_error(libc::EEXIST)),
            Ok(m) if m.is_dir() && fs::read_dir(&real_to)?.next().is_some() => {
                return Err(io::Error::from_raw_os_error(libc::ENOTEMPTY));
            }
            Ok(_) => {
                let stash = self.new_stash();
                fs::rename(&real_to, &stash)?;
                Some(stash)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Err(e) = fs::rename(&real_from, &real_to) {
            if let Some(stash) = &replaced {
                let _ = fs::rename(stash, &real_to);
            }
            return Err(e);
        }
        self.ops.push(NsOp::Renamed {
            dirs,
            from: from.to_path_buf(),
            to: to.to_path_buf(),
            replaced,
        });
        Ok(())
    }

    /// fsync of directory `dir`: the name changes in it are durable.
    pub fn synced_dir(&mut self, dir: u64) {
        self.counters.dir_syncs += 1;
        let ops = std::mem::take(&mut self.ops);
        for op in ops {
            if op.touches(dir) {
                if let Some(stash) = op.stash() {
                    remove_any(stash);
                }
            } else {
                self.ops.push(op);
            }
        }
    }

    /// syncfs: everything is durable.
    pub fn sync_all(&mut self) {
        self.dirty.clear();
        self.commit_names();
    }

    /// Bytes and names not yet durable (for the status command).
    pub fn pending(&self) -> (usize, usize) {
        (self.dirty.len(), self.ops.len())
    }

    /// The power loss: take back everything not durable.
    pub fn crash(&mut self) -> Report {
        let mut r = Report::default();
        for (_, d) in self.dirty.drain() {
            r.files += 1;
            for (page, bytes) in &d.saved {
                if d.file.write_all_at(bytes, page * PAGE).is_err() {
                    r.errors += 1;
                }
                r.pages_restored += 1;
            }
            let len = d.file.metadata().map(|m| m.len()).unwrap_or(0);
            r.bytes_cut += len.saturating_sub(d.durable_len);
            if d.file.set_len(d.durable_len).is_err() {
                r.errors += 1;
            }
        }
        while let Some(op) = self.ops.pop() {
            r.names_undone += 1;
            let ok = match &op {
                NsOp::Created { path, .. } => remove_any(&self.real(path)),
                NsOp::Removed { path, stash, .. } => fs::rename(stash, self.real(path)).is_ok(),
                NsOp::Renamed {
                    from, to, replaced, ..
                } => {
                    let back = fs::rename(self.real(to), self.real(from)).is_ok();
                    let restored = replaced
                        .as_ref()
                        .is_none_or(|s| fs::rename(s, self.real(to)).is_ok());
                    back && restored
                }
            };
            if !ok {
                r.errors += 1;
            }
        }
        r
    }
}

/// Save the pages of `[from, to)` that lie below the durable length.
fn save_pages(d: &mut DirtyFile, from: u64, to: u64) -> io::Result<()> {
    let end = to.min(d.durable_len);
    if from >= end {
        return Ok(());
    }
    for page in from / PAGE..end.div_ceil(PAGE) {
        if d.saved.contains_key(&page) {
            continue;
        }
        let start = page * PAGE;
        let len = PAGE.min(d.durable_len - start) as usize;
        let mut buf = vec![0u8; len];
        d.file.read_exact_at(&mut buf, start)?;
        d.saved.insert(page, buf);
    }
    Ok(())
}

fn remove_any(path: &Path) -> bool {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).is_ok(),
        Ok(_) => fs::remove_file(path).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
    use std::os::unix::fs::MetadataExt;

    struct T {
        _dir: tempfile::TempDir,
        root: PathBuf,
        m: Model,
    }

    fn setup() -> T {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("data");
        let m = Model::new(&root, &dir.path().join("stash"), Names::Posix).expect("model");
        T { _dir: dir, root, m }
    }

    fn ino(p: &Path) -> u64 {
        fs::metadata(p).expect("meta").ino()
    }

    /// A write through the model, as the file system does it.
    fn write(t: &mut T, rel: &str, off: u64, data: &[u8]) {
        let real = t.root.join(rel);
        if !real.exists() {
            File::create(&real).expect("create");
            t.m.created(ino(&t.root), Path::new(rel));
        }
        let i = ino(&real);
        let open = || OpenOptions::new().read(true).write(true).open(&real);
        t.m.before_write(i, open, off, data.len() as u64)
            .expect("before");
        let f = OpenOptions::new().write(true).open(&real).expect("open");
        f.write_all_at(data, off).expect("write");
    }

    #[test]
    fn unsynced_appends_and_overwrites_are_undone_synced_ones_kept() {
        let mut t = setup();
        let dir = ino(&t.root);
        write(&mut t, "log", 0, &[b'a'; 5000]);
        t.m.synced_file(ino(&t.root.join("log")));
        t.m.synced_dir(dir);
        write(&mut t, "log", 5000, b"appended");
        write(&mut t, "log", 4090, b"OVERWRITE");
        let r = t.m.crash();
        assert_eq!(
            fs::read(t.root.join("log")).expect("read"),
            vec![b'a'; 5000]
        );
        assert_eq!(r.files, 1);
        assert_eq!(r.bytes_cut, 8);
        assert_eq!(r.pages_restored, 2);
        assert_eq!(r.errors, 0);
    }

    #[test]
    fn a_new_name_lasts_only_with_its_directory_synced() {
        let mut t = setup();
        let dir = ino(&t.root);
        write(&mut t, "kept", 0, b"k");
        t.m.synced_file(ino(&t.root.join("kept")));
        t.m.synced_dir(dir);
        write(&mut t, "lost", 0, b"data");
        t.m.synced_file(ino(&t.root.join("lost")));
        let r = t.m.crash();
        assert!(t.root.join("kept").exists());
        assert!(
            !t.root.join("lost").exists(),
            "file fsync does not cover its name"
        );
        assert_eq!(r.names_undone, 1);
    }

    #[test]
    fn renames_and_removals_come_undone_without_a_directory_sync() {
        let mut t = setup();
        let dir = ino(&t.root);
        write(&mut t, "key", 0, b"old key");
        write(&mut t, "gone", 0, b"segment");
        t.m.sync_all();
        // temp file, fsync, rename over the key, no directory fsync
        write(&mut t, "key.tmp", 0, b"new key");
        t.m.synced_file(ino(&t.root.join("key.tmp")));
        t.m.rename([dir, dir], Path::new("key.tmp"), Path::new("key"), false)
            .expect("rename");
        t.m.remove(dir, Path::new("gone")).expect("unlink");
        assert_eq!(fs::read(t.root.join("key")).expect("read"), b"new key");
        t.m.crash();
        assert_eq!(fs::read(t.root.join("key")).expect("read"), b"old key");
        assert_eq!(fs::read(t.root.join("gone")).expect("read"), b"segment");
        assert!(!t.root.join("key.tmp").exists());
        // The same with the directory synced: all of it stays.
        write(&mut t, "key.tmp", 0, b"new key");
        t.m.synced_file(ino(&t.root.join("key.tmp")));
        t.m.rename([dir, dir], Path::new("key.tmp"), Path::new("key"), false)
            .expect("rename");
        t.m.remove(dir, Path::new("gone")).expect("unlink");
        t.m.synced_dir(dir);
        t.m.crash();
        assert_eq!(fs::read(t.root.join("key")).expect("read"), b"new key");
        assert!(!t.root.join("gone").exists());
    }

    #[test]
    fn in_journal_mode_a_file_sync_makes_earlier_names_durable() {
        let mut t = setup();
        t.m.names = Names::Journal;
        write(&mut t, "new", 0, b"data");
        t.m.synced_file(ino(&t.root.join("new")));
        write(&mut t, "later", 0, b"x");
        t.m.crash();
        assert_eq!(fs::read(t.root.join("new")).expect("kept"), b"data");
        assert!(!t.root.join("later").exists());
    }

    #[test]
    fn a_truncation_not_synced_is_undone() {
        let mut t = setup();
        write(&mut t, "f", 0, &[7u8; 9000]);
        t.m.sync_all();
        let real = t.root.join("f");
        let open = || OpenOptions::new().read(true).write(true).open(&real);
        t.m.before_truncate(ino(&real), open, 100).expect("before");
        OpenOptions::new()
            .write(true)
            .open(&real)
            .expect("open")
            .set_len(100)
            .expect("truncate");
        t.m.crash();
        assert_eq!(fs::read(&real).expect("read"), vec![7u8; 9000]);
    }
}
