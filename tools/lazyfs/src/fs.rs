//! The FUSE side: a pass-through file system over the backing directory
//! that tells the undo model (`model.rs`) about every change and every
//! sync. Inode numbers are the backing inode numbers (the backing root is
//! shown as inode 1); each known inode maps to its path below the root.
//!
//! Syncs: an fsync/fdatasync (or a directory fsync) marks the data (or the
//! names) durable in the model when it arrives, then syncs the backing
//! file outside the lock, so a sync costs what it costs on the disk below
//! and other requests go on meanwhile (several request threads).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fuser::{
    Errno, FileAttr, FileHandle, FileType, FopenFlags, Generation, INodeNo, LockOwner, OpenFlags,
    RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry,
    ReplyOpen, ReplyStatfs, ReplyWrite, Request, TimeOrNow, WriteFlags,
};

use crate::model::{Model, Report};

const TTL: Duration = Duration::from_secs(1);

struct Handle {
    file: File,
}

struct Inner {
    model: Model,
    /// FUSE inode → path below the root ("" for the root).
    paths: HashMap<u64, PathBuf>,
    handles: HashMap<u64, Handle>,
    next_fh: u64,
    root_backing: u64,
    /// After a power loss nothing may change any more.
    frozen: bool,
}

/// Cheap to clone: the mounted file system and the command loop share one
/// state.
#[derive(Clone)]
pub struct LazyFs {
    inner: Arc<Mutex<Inner>>,
}

fn errno(e: io::Error) -> Errno {
    Errno::from(e)
}

fn kind_of(m: &fs::Metadata) -> FileType {
    FileType::from_std(m.file_type()).unwrap_or(FileType::RegularFile)
}

fn time(secs: i64, nsecs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs as u64, nsecs.clamp(0, 999_999_999) as u32)
    } else {
        UNIX_EPOCH
    }
}

impl Inner {
    fn fuse_ino(&self, backing: u64) -> u64 {
        if backing == self.root_backing {
            1
        } else if backing == 1 {
            self.root_backing
        } else {
            backing
        }
    }

    fn path(&self, ino: u64) -> Result<PathBuf, Errno> {
        self.paths.get(&ino).cloned().ok_or(Errno::ENOENT)
    }

    fn child(&self, parent: u64, name: &OsStr) -> Result<PathBuf, Errno> {
        Ok(self.path(parent)?.join(name))
    }

    fn attr_of(&self, m: &fs::Metadata) -> FileAttr {
        FileAttr {
            ino: INodeNo(self.fuse_ino(m.ino())),
            size: m.size(),
            blocks: m.blocks(),
            atime: time(m.atime(), m.atime_nsec()),
            mtime: time(m.mtime(), m.mtime_nsec()),
            ctime: time(m.ctime(), m.ctime_nsec()),
            crtime: UNIX_EPOCH,
            kind: kind_of(m),
            perm: (m.mode() & 0o7777) as u16,
            nlink: m.nlink() as u32,
            uid: m.uid(),
            gid: m.gid(),
            rdev: m.rdev() as u32,
            blksize: m.blksize() as u32,
            flags: 0,
        }
    }

    /// Stat `rel`, remember it as the path of its inode, return its attributes.
    fn entry(&mut self, rel: PathBuf) -> Result<FileAttr, Errno> {
        let m = fs::symlink_metadata(self.model.real(&rel)).map_err(errno)?;
        let attr = self.attr_of(&m);
        self.paths.insert(attr.ino.0, rel);
        Ok(attr)
    }

    fn writable(&self) -> Result<(), Errno> {
        if self.frozen { Err(Errno::EIO) } else { Ok(()) }
    }

    fn add_handle(&mut self, file: File) -> u64 {
        self.next_fh += 1;
        self.handles.insert(self.next_fh, Handle { file });
        self.next_fh
    }

    /// A read-write handle on `ino`: a clone of an open one, or by path.
    fn rw_file(&self, ino: u64, fh: Option<u64>) -> io::Result<File> {
        if let Some(h) = fh.and_then(|fh| self.handles.get(&fh)) {
            return h.file.try_clone();
        }
        let rel = self
            .paths
            .get(&ino)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOENT))?;
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.model.real(rel))
    }

    /// Paths below a renamed `from` now live below `to`.
    fn moved(&mut self, from: &Path, to: &Path) {
        for p in self.paths.values_mut() {
            if let Ok(rest) = p.strip_prefix(from) {
                *p = if rest.as_os_str().is_empty() {
                    to.to_path_buf()
                } else {
                    to.join(rest)
                };
            }
        }
    }
}

impl LazyFs {
    pub fn new(model: Model, root: &Path) -> io::Result<LazyFs> {
        let root_backing = fs::metadata(root)?.ino();
        let mut paths = HashMap::new();
        paths.insert(1, PathBuf::new());
        Ok(LazyFs {
            inner: Arc::new(Mutex::new(Inner {
                model,
                paths,
                handles: HashMap::new(),
                next_fh: 0,
                root_backing,
                frozen: false,
            })),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The power loss: undo everything not durable; nothing changes after.
    pub fn crash(&self) -> Report {
        let mut g = self.lock();
        g.frozen = true;
        g.handles.clear();
        g.model.crash()
    }

    /// syncfs: everything durable.
    pub fn sync_all(&self) {
        self.lock().model.sync_all();
    }

    /// (files with unsynced data, unsynced name changes, counters)
    pub fn status(&self) -> String {
        let g = self.lock();
        let (files, names) = g.model.pending();
        let c = g.model.counters;
        format!(
            "pending: {files} files with unsynced data, {names} unsynced name changes; \
             {} writes, {} file syncs, {} directory syncs",
            c.writes, c.file_syncs, c.dir_syncs
        )
    }

    fn reply_entry(&self, reply: ReplyEntry, r: Result<FileAttr, Errno>) {
        match r {
            Ok(attr) => reply.entry(&TTL, &attr, Generation(0)),
            Err(e) => reply.error(e),
        }
    }
}

fn empty(reply: ReplyEmpty, r: Result<(), Errno>) {
    match r {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(e),
    }
}

impl fuser::Filesystem for LazyFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let mut g = self.lock();
        let r = g.child(parent.0, name).and_then(|rel| g.entry(rel));
        self.reply_entry(reply, r);
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        let g = self.lock();
        let by_handle = fh
            .and_then(|fh| g.handles.get(&fh.0))
            .map(|h| h.file.metadata());
        let m = match by_handle {
            Some(m) => m.map_err(errno),
            None => g.path(ino.0).and_then(|rel| {
                let m = fs::symlink_metadata(g.model.real(&rel)).map_err(errno)?;
                // The path may hold another file since this one was unlinked.
                if g.fuse_ino(m.ino()) == ino.0 {
                    Ok(m)
                } else {
                    Err(Errno::ENOENT)
                }
            }),
        };
        match m {
            Ok(m) => reply.attr(&TTL, &g.attr_of(&m)),
            Err(e) => reply.error(e),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let mut g = self.lock();
        let r = (|| -> Result<FileAttr, Errno> {
            g.writable()?;
            let fh = fh.map(|f| f.0);
            if let Some(len) = size {
                let file = g.rw_file(ino.0, fh).map_err(errno)?;
                let clone = file.try_clone().map_err(errno)?;
                g.model
                    .before_truncate(ino.0, || Ok(clone), len)
                    .map_err(errno)?;
                file.set_len(len).map_err(errno)?;
            }
            let rel = g.path(ino.0)?;
            let real = g.model.real(&rel);
            if let Some(mode) = mode {
                fs::set_permissions(&real, fs::Permissions::from_mode(mode & 0o7777))
                    .map_err(errno)?;
            }
            if uid.is_some() || gid.is_some() {
                std::os::unix::fs::lchown(&real, uid, gid).map_err(errno)?;
            }
            if atime.is_some() || mtime.is_some() {
                let t = |x: TimeOrNow| match x {
                    TimeOrNow::SpecificTime(t) => t,
                    TimeOrNow::Now => SystemTime::now(),
                };
                let mut times = fs::FileTimes::new();
                if let Some(a) = atime {
                    times = times.set_accessed(t(a));
                }
                if let Some(m) = mtime {
                    times = times.set_modified(t(m));
                }
                File::open(&real)
                    .and_then(|f| f.set_times(times))
                    .map_err(errno)?;
            }
            let m = match fh.and_then(|fh| g.handles.get(&fh)) {
                Some(h) => h.file.metadata(),
                None => fs::symlink_metadata(&real),
            }
            .map_err(errno)?;
            Ok(g.attr_of(&m))
        })();
        match r {
            Ok(attr) => reply.attr(&TTL, &attr),
            Err(e) => reply.error(e),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let g = self.lock();
        match g
            .path(ino.0)
            .and_then(|rel| fs::read_link(g.model.real(&rel)).map_err(errno))
        {
            Ok(target) => reply.data(target.as_os_str().as_encoded_bytes()),
            Err(e) => reply.error(e),
        }
    }

    fn mknod(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        rdev: u32,
        reply: ReplyEntry,
    ) {
        use nix::sys::stat::{Mode, SFlag};
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, name)?;
            let kind = SFlag::from_bits_truncate(mode & libc::S_IFMT);
            let perm = Mode::from_bits_truncate(mode & !umask & 0o7777);
            nix::sys::stat::mknod(&g.model.real(&rel), kind, perm, u64::from(rdev))
                .map_err(|e| Errno::from_i32(e as i32))?;
            g.model.created(parent.0, &rel);
            g.entry(rel)
        })();
        self.reply_entry(reply, r);
    }

    fn mkdir(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        reply: ReplyEntry,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, name)?;
            let real = g.model.real(&rel);
            fs::create_dir(&real).map_err(errno)?;
            fs::set_permissions(&real, fs::Permissions::from_mode(mode & !umask & 0o7777))
                .map_err(errno)?;
            g.model.created(parent.0, &rel);
            g.entry(rel)
        })();
        self.reply_entry(reply, r);
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, name)?;
            let m = fs::symlink_metadata(g.model.real(&rel)).map_err(errno)?;
            if m.is_dir() {
                return Err(Errno::EISDIR);
            }
            g.model.remove(parent.0, &rel).map_err(errno)
        })();
        empty(reply, r);
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, name)?;
            let real = g.model.real(&rel);
            if !fs::symlink_metadata(&real).map_err(errno)?.is_dir() {
                return Err(Errno::ENOTDIR);
            }
            if fs::read_dir(&real).map_err(errno)?.next().is_some() {
                return Err(Errno::from_i32(libc::ENOTEMPTY));
            }
            g.model.remove(parent.0, &rel).map_err(errno)
        })();
        empty(reply, r);
    }

    fn symlink(
        &self,
        _req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, link_name)?;
            std::os::unix::fs::symlink(target, g.model.real(&rel)).map_err(errno)?;
            g.model.created(parent.0, &rel);
            g.entry(rel)
        })();
        self.reply_entry(reply, r);
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            if flags.contains(RenameFlags::RENAME_EXCHANGE) {
                return Err(Errno::EINVAL);
            }
            let from = g.child(parent.0, name)?;
            let to = g.child(newparent.0, newname)?;
            let noreplace = flags.contains(RenameFlags::RENAME_NOREPLACE);
            g.model
                .rename([parent.0, newparent.0], &from, &to, noreplace)
                .map_err(errno)?;
            g.moved(&from, &to);
            Ok(())
        })();
        empty(reply, r);
    }

    fn link(
        &self,
        _req: &Request,
        ino: INodeNo,
        newparent: INodeNo,
        newname: &OsStr,
        reply: ReplyEntry,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let old = g.path(ino.0)?;
            let rel = g.child(newparent.0, newname)?;
            fs::hard_link(g.model.real(&old), g.model.real(&rel)).map_err(errno)?;
            g.model.created(newparent.0, &rel);
            g.entry(rel)
        })();
        self.reply_entry(reply, r);
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        let mut g = self.lock();
        let r = (|| {
            let rel = g.path(ino.0)?;
            let acc = flags.0 & libc::O_ACCMODE;
            let write = acc == libc::O_WRONLY || acc == libc::O_RDWR;
            if write || flags.0 & libc::O_TRUNC != 0 {
                g.writable()?;
            }
            let file = OpenOptions::new()
                .read(true)
                .write(write)
                .open(g.model.real(&rel))
                .map_err(errno)?;
            if write && flags.0 & libc::O_TRUNC != 0 {
                let clone = file.try_clone().map_err(errno)?;
                g.model
                    .before_truncate(ino.0, || Ok(clone), 0)
                    .map_err(errno)?;
                file.set_len(0).map_err(errno)?;
            }
            Ok(g.add_handle(file))
        })();
        match r {
            Ok(fh) => reply.opened(FileHandle(fh), FopenFlags::empty()),
            Err(e) => reply.error(e),
        }
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let file = match self.lock().handles.get(&fh.0).map(|h| h.file.try_clone()) {
            Some(Ok(f)) => f,
            Some(Err(e)) => return reply.error(errno(e)),
            None => return reply.error(Errno::EBADF),
        };
        let mut buf = vec![0u8; size as usize];
        let mut got = 0;
        while got < buf.len() {
            match file.read_at(&mut buf[got..], offset + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return reply.error(errno(e)),
            }
        }
        reply.data(&buf[..got]);
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let file = match g.handles.get(&fh.0) {
                Some(h) => h.file.try_clone().map_err(errno)?,
                None => return Err(Errno::EBADF),
            };
            let clone = file.try_clone().map_err(errno)?;
            g.model
                .before_write(ino.0, || Ok(clone), offset, data.len() as u64)
                .map_err(errno)?;
            file.write_all_at(data, offset).map_err(errno)?;
            Ok(data.len() as u32)
        })();
        match r {
            Ok(n) => reply.written(n),
            Err(e) => reply.error(e),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.lock().handles.remove(&fh.0);
        reply.ok();
    }

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        datasync: bool,
        reply: ReplyEmpty,
    ) {
        let file = {
            let mut g = self.lock();
            if g.frozen {
                return reply.error(Errno::EIO);
            }
            g.model.synced_file(ino.0);
            g.handles.get(&fh.0).map(|h| h.file.try_clone())
        };
        let r = match file {
            Some(Ok(f)) if datasync => f.sync_data(),
            Some(Ok(f)) => f.sync_all(),
            Some(Err(e)) => Err(e),
            None => Ok(()),
        };
        empty(reply, r.map_err(errno));
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        match self.lock().path(ino.0) {
            Ok(_) => reply.opened(FileHandle(0), FopenFlags::empty()),
            Err(e) => reply.error(e),
        }
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let g = self.lock();
        let r = (|| {
            let rel = g.path(ino.0)?;
            let real = g.model.real(&rel);
            let mut entries: Vec<(u64, FileType, std::ffi::OsString)> = vec![
                (ino.0, FileType::Directory, ".".into()),
                (ino.0, FileType::Directory, "..".into()),
            ];
            let mut names: Vec<_> = fs::read_dir(&real)
                .map_err(errno)?
                .flatten()
                .filter_map(|e| {
                    let m = e.metadata().ok()?;
                    Some((g.fuse_ino(m.ino()), kind_of(&m), e.file_name()))
                })
                .collect();
            names.sort_by(|a, b| a.2.cmp(&b.2));
            entries.extend(names);
            Ok(entries)
        })();
        match r {
            Ok(entries) => {
                for (i, (ino, kind, name)) in entries.iter().enumerate().skip(offset as usize) {
                    if reply.add(INodeNo(*ino), i as u64 + 1, *kind, name) {
                        break;
                    }
                }
                reply.ok();
            }
            Err(e) => reply.error(e),
        }
    }

    fn fsyncdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        let real = {
            let mut g = self.lock();
            if g.frozen {
                return reply.error(Errno::EIO);
            }
            g.model.synced_dir(ino.0);
            g.path(ino.0).map(|rel| g.model.real(&rel))
        };
        let r = real.and_then(|p| File::open(p).and_then(|d| d.sync_all()).map_err(errno));
        empty(reply, r);
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        let root = self.lock().model.real(Path::new(""));
        match nix::sys::statvfs::statvfs(&root) {
            Ok(s) => reply.statfs(
                s.blocks(),
                s.blocks_free(),
                s.blocks_available(),
                s.files(),
                s.files_free(),
                s.block_size() as u32,
                s.name_max() as u32,
                s.fragment_size() as u32,
            ),
            Err(e) => reply.error(Errno::from_i32(e as i32)),
        }
    }

    fn create(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            let rel = g.child(parent.0, name)?;
            let real = g.model.real(&rel);
            let acc = flags & libc::O_ACCMODE;
            let write = acc == libc::O_WRONLY || acc == libc::O_RDWR;
            let existed = fs::symlink_metadata(&real).is_ok();
            if existed && flags & libc::O_EXCL != 0 {
                return Err(Errno::EEXIST);
            }
            let file = OpenOptions::new()
                .read(true)
                .write(write || !existed)
                .create(!existed)
                .mode(mode & !umask & 0o7777)
                .open(&real)
                .map_err(errno)?;
            if !existed {
                g.model.created(parent.0, &rel);
            } else if write && flags & libc::O_TRUNC != 0 {
                let ino = g.fuse_ino(file.metadata().map_err(errno)?.ino());
                let clone = file.try_clone().map_err(errno)?;
                g.model
                    .before_truncate(ino, || Ok(clone), 0)
                    .map_err(errno)?;
                file.set_len(0).map_err(errno)?;
            }
            let attr = g.entry(rel)?;
            let fh = g.add_handle(file);
            Ok((attr, fh))
        })();
        match r {
            Ok((attr, fh)) => reply.created(
                &TTL,
                &attr,
                Generation(0),
                FileHandle(fh),
                FopenFlags::empty(),
            ),
            Err(e) => reply.error(e),
        }
    }

    fn fallocate(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        length: u64,
        mode: i32,
        reply: ReplyEmpty,
    ) {
        let mut g = self.lock();
        let r = (|| {
            g.writable()?;
            if mode != 0 {
                return Err(Errno::from_i32(libc::EOPNOTSUPP));
            }
            let file = g.rw_file(ino.0, Some(fh.0)).map_err(errno)?;
            let len = file.metadata().map_err(errno)?.len();
            let end = offset.saturating_add(length);
            if end > len {
                let clone = file.try_clone().map_err(errno)?;
                g.model
                    .before_truncate(ino.0, || Ok(clone), end)
                    .map_err(errno)?;
                file.set_len(end).map_err(errno)?;
            }
            Ok(())
        })();
        empty(reply, r);
    }
}
