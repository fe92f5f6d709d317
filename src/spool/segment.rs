//! Append-only segment files holding sealed message records.
//!
//! Record layout (all integers big-endian):
//! `"SPM1"` ‖ u32 payload length ‖ u64 queue id ‖ sealed(u32 meta length ‖
//! meta JSON ‖ message bytes)`. The seal's tag authenticates the payload, so
//! a torn or flipped record is detected when read. A segment is deleted when
//! none of its messages is still queued.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::SpoolError;
use super::seal::Sealer;
use super::types::{MessageMeta, QueueId};

pub const MAGIC: &[u8; 4] = b"SPM1";
const HEADER: usize = 4 + 4 + 8;
/// Rotate to a new segment past this size so finished ones can be removed.
pub const ROTATE_BYTES: u64 = 64 << 20;
/// A record larger than this is corrupt (messages are capped far below).
const MAX_RECORD: usize = 1 << 31;

pub fn segment_path(dir: &Path, n: u64) -> PathBuf {
    dir.join(format!("{n:08}.seg"))
}

pub fn segment_number(path: &Path) -> Option<u64> {
    let name = path.file_name()?.to_str()?;
    name.strip_suffix(".seg")?.parse().ok()
}

/// Sorted numbers of the segment files present.
pub fn list_segments(dir: &Path) -> Result<Vec<u64>, SpoolError> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| SpoolError::io("listing segments", e))?;
    for entry in entries.flatten() {
        if let Some(n) = segment_number(&entry.path()) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Build one record (done by the accepting session, off the commit thread).
pub fn encode_record(
    sealer: &Sealer,
    meta: &MessageMeta,
    body: &[&[u8]],
) -> Result<Vec<u8>, SpoolError> {
    let meta_json = serde_json::to_vec(meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
    let meta_len = (meta_json.len() as u32).to_be_bytes();
    let body_len: usize = body.iter().map(|p| p.len()).sum();
    let mut rec = Vec::with_capacity(HEADER + 12 + 4 + meta_json.len() + body_len + 16);
    rec.extend_from_slice(MAGIC);
    rec.extend_from_slice(&[0; 4]); // payload length, known once sealed
    rec.extend_from_slice(&meta.id.to_be_bytes());
    sealer.seal_append(
        &meta.id.to_be_bytes(),
        &[&[&meta_len[..], &meta_json[..]][..], body].concat(),
        &mut rec,
    )?;
    let payload =
        u32::try_from(rec.len() - 8).map_err(|_| SpoolError::Corrupt("record too large".into()))?;
    rec[4..8].copy_from_slice(&payload.to_be_bytes());
    Ok(rec)
}

/// Open a record's bytes into (meta as first written, message bytes).
pub fn decode_record(sealer: &Sealer, rec: &[u8]) -> Result<(MessageMeta, Vec<u8>), SpoolError> {
    if rec.len() < HEADER || &rec[..4] != MAGIC {
        return Err(SpoolError::Corrupt("bad record header".into()));
    }
    let id = u64::from_be_bytes(
        rec[8..16]
            .try_into()
            .map_err(|_| SpoolError::Corrupt("id".into()))?,
    );
    let plain = sealer.open(&id.to_be_bytes(), &rec[HEADER..])?;
    if plain.len() < 4 {
        return Err(SpoolError::Corrupt("record too short".into()));
    }
    let meta_len = u32::from_be_bytes([plain[0], plain[1], plain[2], plain[3]]) as usize;
    if 4 + meta_len > plain.len() {
        return Err(SpoolError::Corrupt("record meta length".into()));
    }
    let meta = MessageMeta::decode(&plain[4..4 + meta_len]).map_err(SpoolError::Corrupt)?;
    if meta.id != id {
        return Err(SpoolError::Corrupt("record id mismatch".into()));
    }
    Ok((meta, plain[4 + meta_len..].to_vec()))
}

/// Read one record at a known location.
pub fn read_at(dir: &Path, segment: u64, offset: u64, len: u32) -> Result<Vec<u8>, SpoolError> {
    let f =
        File::open(segment_path(dir, segment)).map_err(|e| SpoolError::io("opening segment", e))?;
    let mut buf = vec![0u8; len as usize];
    f.read_exact_at(&mut buf, offset).map_err(|e| {
        // The record lies past the segment's end: a segment being removed
        // (its messages finished) or cut short. Retrying cannot help.
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            SpoolError::Corrupt(format!("segment {segment}: record past its end"))
        } else {
            SpoolError::io("reading segment", e)
        }
    })?;
    Ok(buf)
}

/// One record found while scanning a segment: (offset, bytes) or damage.
pub enum Scanned {
    Record {
        offset: u64,
        bytes: Vec<u8>,
    },
    /// Unreadable bytes at `offset`; scanning resumed at the next magic.
    Damaged {
        offset: u64,
    },
}

/// Scan a whole segment (used to rebuild the index). A torn record at the
/// end (a crash mid-append, never acknowledged) ends the scan quietly.
pub fn scan(dir: &Path, segment: u64) -> Result<Vec<Scanned>, SpoolError> {
    let data = std::fs::read(segment_path(dir, segment))
        .map_err(|e| SpoolError::io("reading segment", e))?;
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos + HEADER <= data.len() {
        if &data[pos..pos + 4] != MAGIC {
            out.push(Scanned::Damaged { offset: pos as u64 });
            match find_magic(&data, pos + 1) {
                Some(next) => pos = next,
                None => break,
            }
            continue;
        }
        let len = u32::from_be_bytes([data[pos + 4], data[pos + 5], data[pos + 6], data[pos + 7]])
            as usize;
        let end = pos + 8 + len;
        if len > MAX_RECORD || end > data.len() {
            break;
        }
        out.push(Scanned::Record {
            offset: pos as u64,
            bytes: data[pos..end].to_vec(),
        });
        pos = end;
    }
    Ok(out)
}

fn find_magic(data: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?
        .windows(4)
        .position(|w| w == MAGIC)
        .map(|p| p + from)
}

/// The segment currently appended to, owned by the commit thread.
pub struct Writer {
    pub number: u64,
    file: File,
    pub len: u64,
    /// A write or sync failed: nothing more is appended to this file; the
    /// commit thread rotates to a new segment before the next batch.
    pub broken: bool,
}

impl Writer {
    pub fn create(dir: &Path, number: u64) -> Result<Writer, SpoolError> {
        let path = segment_path(dir, number);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| SpoolError::io("creating segment", e))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        // The new directory entry must be durable too, not only the data.
        sync_dir(dir)?;
        Ok(Writer {
            number,
            file,
            len,
            broken: false,
        })
    }

    /// Append a batch and make it durable with one fdatasync.
    /// Returns each record's offset.
    pub fn append_durable(&mut self, records: &[&[u8]]) -> Result<Vec<u64>, SpoolError> {
        let mut offsets = Vec::with_capacity(records.len());
        let mut total = 0usize;
        for r in records {
            offsets.push(self.len + total as u64);
            total += r.len();
        }
        if self.broken {
            return Err(SpoolError::io(
                "writing segment",
                std::io::Error::other("segment unusable after an earlier write error"),
            ));
        }
        if let Err(e) =
            write_all_vectored(&mut self.file, records).and_then(|_| self.file.sync_data())
        {
            // Cut a torn tail so offsets stay right; after a failed sync the
            // file's state is unknown, so it takes no more appends.
            let _ = self.file.set_len(self.len);
            self.broken = true;
            return Err(SpoolError::io("writing segment", e));
        }
        self.len += total as u64;
        Ok(offsets)
    }
}

/// Write every record with as few `writev` calls as the kernel allows:
/// the records go from the callers' buffers to the file without being
/// joined into one copy first.
fn write_all_vectored(file: &mut File, records: &[&[u8]]) -> std::io::Result<()> {
    use std::io::IoSlice;
    // The kernel takes at most IOV_MAX (1024) slices per call.
    for group in records.chunks(1024) {
        let mut slices: Vec<IoSlice<'_>> = group
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| IoSlice::new(r))
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match file.write_vectored(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

pub fn sync_dir(dir: &Path) -> Result<(), SpoolError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| SpoolError::io("syncing spool directory", e))
}

/// A finished segment is cut down by this much at a time before it goes.
const REMOVE_STEP: u64 = 4 << 20;

/// Remove a finished segment; a missing file is fine. ext4 frees a file's
/// blocks inside one journal handle, and every fdatasync on the disk (the
/// spool's, the audit log's, the delivery log's) waits for it: unlinking a
/// whole 64 MB segment held them ~25 ms, and with them the 250 of every
/// message in flight. Cut from the end a step at a time, each step is a
/// short handle that the syncs can pass between. A crash part way leaves
/// a shorter segment of finished records, which start-up removes.
pub fn remove(dir: &Path, number: u64) {
    let path = segment_path(dir, number);
    if let Ok(file) = OpenOptions::new().write(true).open(&path)
        && let Ok(len) = file.metadata().map(|m| m.len())
    {
        for cut in cut_points(len) {
            if file.set_len(cut).is_err() {
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// The lengths a segment of `len` bytes is cut to, one step at a time,
/// before it is unlinked: 9 MB → 5 MB → 1 MB.
pub fn cut_points(len: u64) -> impl Iterator<Item = u64> {
    std::iter::successors(len.checked_sub(REMOVE_STEP), |l| l.checked_sub(REMOVE_STEP))
        .filter(|l| *l > 0)
}

pub fn id_of(rec: &[u8]) -> Option<QueueId> {
    rec.get(8..16)?.try_into().ok().map(u64::from_be_bytes)
}
