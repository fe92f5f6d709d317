//! Start-up: open the sled index (rebuilding it from segments if sled will
//! not open), set aside entries that cannot be read, apply the delivery
//! log, count live messages per segment and remove segments nothing refers
//! to.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::delivered::{self, Entry};
use super::seal::Sealer;
use super::segment::{self, Scanned};
use super::{MessageMeta, RcptStatus, Recovery, Segments, SpoolError};

const CACHE_BYTES: u64 = 64 << 20;

fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE_BYTES)
        .flush_every_ms(Some(500))
}

pub fn open_index(
    dir: &Path,
    seg_dir: &Path,
    sealer: &Sealer,
) -> Result<(sled::Db, Recovery), SpoolError> {
    let path = dir.join("index");
    let mut recovery = Recovery::default();
    match sled_config(&path).open() {
        Ok(db) => {
            make_index_durable(dir, &path)?;
            Ok((db, recovery))
        }
        Err(sled::Error::Io(e))
            if e.kind() == std::io::ErrorKind::WouldBlock || is_lock_error(&e) =>
        {
            Err(SpoolError::Index(format!(
                "{}: in use by another process ({e})",
                path.display()
            )))
        }
        Err(e) => {
            let aside = dir.join(format!("index.broken-{}", super::now_ms()));
            tracing::error!(error = %e, moved_to = %aside.display(), "spool index unreadable; rebuilding from segments");
            std::fs::rename(&path, &aside)
                .map_err(|e| SpoolError::io("moving broken index aside", e))?;
            let db = sled_config(&path).open()?;
            make_index_durable(dir, &path)?;
            recovery.quarantined += rebuild(&db, dir, seg_dir, sealer)?;
            recovery.rebuilt_index = true;
            Ok((db, recovery))
        }
    }
}

/// sled creates its directory and files without syncing the directories
/// that hold them (nor its `conf` file): after a power loss right after
/// the first start they could be gone or empty. Make them durable here,
/// where sealpost controls it; sled's own flushes then cover its data.
fn make_index_durable(dir: &Path, index: &Path) -> Result<(), SpoolError> {
    let io = |e| SpoolError::io("syncing the index directory", e);
    let conf = index.join("conf");
    if conf.exists() {
        std::fs::File::open(&conf)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
    }
    crate::util::durable::sync_dir(index).map_err(io)?;
    crate::util::durable::sync_dir(dir).map_err(io)
}

/// Whether anything sealed with the spool key exists: a non-empty segment
/// or a quarantined record. Then the key must never be replaced.
pub fn holds_sealed_data(dir: &Path, seg_dir: &Path) -> Result<bool, SpoolError> {
    for seg in segment::list_segments(seg_dir)? {
        let len = std::fs::metadata(segment::segment_path(seg_dir, seg))
            .map(|m| m.len())
            .unwrap_or(0);
        if len > 0 {
            return Ok(true);
        }
    }
    let quarantined = std::fs::read_dir(dir.join("quarantine"))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    Ok(quarantined)
}

/// Apply the delivery log (see `delivered.rs`) to the index: each recipient
/// it names becomes final; a message it removes, or whose recipients are
/// now all final, leaves the queue (into `history`, as `complete` does) and
/// is not scheduled again. Returns how many messages it finished.
pub fn apply_delivery_log(
    index: &sled::Tree,
    history: &sled::Tree,
    entries: &[Entry],
) -> Result<usize, SpoolError> {
    let mut by_id: BTreeMap<u64, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        by_id.entry(e.id).or_default().push(e);
    }
    let mut finished = 0;
    for (id, marks) in by_id {
        let key = id.to_be_bytes();
        let Some(v) = index.get(key)? else {
            continue;
        };
        let Ok(mut meta) = MessageMeta::decode(&v) else {
            continue;
        };
        let removed = marks.iter().any(|e| e.rcpt == delivered::WHOLE_MESSAGE);
        let mut changed = false;
        for e in marks.iter().filter(|e| e.rcpt != delivered::WHOLE_MESSAGE) {
            if let Some(r) = meta.recipients.get_mut(e.rcpt as usize)
                && r.status == RcptStatus::Queued
            {
                r.status = e.status.status();
                r.attempts = r.attempts.max(1);
                changed = true;
            }
        }
        if removed || meta.is_finished() {
            let kept = super::History {
                completed: super::now_ms(),
                segment: meta.location.segment,
                recipients: meta.recipients.clone(),
            };
            let v = serde_json::to_vec(&kept).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            history.insert(key, v)?;
            index.remove(key)?;
            finished += 1;
        } else if changed {
            let v = serde_json::to_vec(&meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            index.insert(key, v)?;
        }
    }
    if finished > 0 {
        tracing::info!(
            messages = finished,
            "finished messages taken from the delivery log (sled had not kept their state)"
        );
    }
    Ok(finished)
}

fn is_lock_error(e: &std::io::Error) -> bool {
    e.to_string().contains("lock")
}

/// Re-create every index entry from the records in the segments. Messages
/// finished before the crash come back too: delivery is at-least-once.
fn rebuild(
    db: &sled::Db,
    dir: &Path,
    seg_dir: &Path,
    sealer: &Sealer,
) -> Result<usize, SpoolError> {
    let index = db.open_tree("messages")?;
    let qdir = dir.join("quarantine");
    let mut bad = 0;
    for seg in segment::list_segments(seg_dir)? {
        for item in segment::scan(seg_dir, seg)? {
            match item {
                Scanned::Record { offset, bytes } => match segment::decode_record(sealer, &bytes) {
                    Ok((mut meta, _)) => {
                        meta.location = super::Location {
                            segment: seg,
                            offset,
                            len: bytes.len() as u32,
                        };
                        let v = serde_json::to_vec(&meta)
                            .map_err(|e| SpoolError::Corrupt(e.to_string()))?;
                        index.insert(meta.id.to_be_bytes(), v)?;
                    }
                    Err(e) => {
                        bad += 1;
                        keep_damaged(&qdir, seg, offset, &bytes, &e.to_string());
                    }
                },
                Scanned::Damaged { offset } => {
                    bad += 1;
                    keep_damaged(&qdir, seg, offset, &[], "no record header");
                }
            }
        }
    }
    db.flush()?;
    Ok(bad)
}

fn keep_damaged(qdir: &Path, seg: u64, offset: u64, bytes: &[u8], reason: &str) {
    tracing::error!(
        segment = seg,
        offset,
        reason,
        "damaged spool record quarantined"
    );
    let _ = crate::util::durable_write(&qdir.join(format!("{seg:08}-{offset}.rec")), bytes, 0o600);
}

/// Index every segment record that no tree knows. The segment was
/// fdatasync'd before the 250 but sled's flush is not proven to reach the
/// disk (DESIGN.md), so after a power loss an acknowledged message may be
/// in a segment and nowhere else. Finished messages are in `history`
/// (written before their index entry is removed), quarantined ones in
/// `quarantine`; anything else is a lost index entry. Only unknown
/// records are decrypted. Returns how many were re-indexed.
pub fn reindex_orphans(
    index: &sled::Tree,
    quarantine: &sled::Tree,
    history: &sled::Tree,
    seg_dir: &Path,
    sealer: &Sealer,
) -> Result<usize, SpoolError> {
    let mut found = 0;
    for seg in segment::list_segments(seg_dir)? {
        for item in segment::scan(seg_dir, seg)? {
            let Scanned::Record { offset, bytes } = item else {
                continue;
            };
            let Some(id) = segment::id_of(&bytes) else {
                continue;
            };
            let key = id.to_be_bytes();
            if index.contains_key(key)?
                || history.contains_key(key)?
                || quarantine.contains_key(key)?
            {
                continue;
            }
            let mut meta = match segment::decode_record(sealer, &bytes) {
                Ok((meta, _)) => meta,
                Err(e) => {
                    // An acknowledged message that cannot be read now (a
                    // wrong key, damage): quarantined, so its segment is
                    // kept for an operator instead of being removed as
                    // unused.
                    tracing::error!(queue_id = %super::format_id(id), error = %e, "spooled record without index entry does not decode; quarantined");
                    let placed = serde_json::json!({
                        "id": id,
                        "location": super::Location { segment: seg, offset, len: bytes.len() as u32 },
                        "unreadable": e.to_string(),
                    });
                    quarantine.insert(key, serde_json::to_vec(&placed).unwrap_or_default())?;
                    continue;
                }
            };
            meta.location = super::Location {
                segment: seg,
                offset,
                len: bytes.len() as u32,
            };
            let v = serde_json::to_vec(&meta).map_err(|e| SpoolError::Corrupt(e.to_string()))?;
            index.insert(key, v)?;
            found += 1;
        }
    }
    if found > 0 {
        tracing::warn!(
            messages = found,
            "index entries missing for spooled messages; re-indexed from segments"
        );
    }
    Ok(found)
}

/// Drop history entries older than `keep_ms`.
pub fn prune_history(history: &sled::Tree, seg_dir: &Path, keep_ms: u64) -> Result<(), SpoolError> {
    let cutoff = super::now_ms().saturating_sub(keep_ms);
    for item in history.iter() {
        let (k, v) = item?;
        let h = serde_json::from_slice::<serde_json::Value>(&v).ok();
        let field = |name: &str| {
            h.as_ref()
                .and_then(|h| h.get(name))
                .and_then(|c| c.as_u64())
        };
        let old = field("completed").is_none_or(|t| t < cutoff);
        // Its record must not look like a lost one while the segment lives.
        let segment_gone =
            field("segment").is_none_or(|s| !segment::segment_path(seg_dir, s).exists());
        if old && segment_gone {
            history.remove(k)?;
        }
    }
    Ok(())
}

/// Move index entries that do not parse into the quarantine tree.
pub fn quarantine_unreadable(
    index: &sled::Tree,
    quarantine: &sled::Tree,
) -> Result<usize, SpoolError> {
    let mut bad = Vec::new();
    for item in index.iter() {
        let (k, v) = item?;
        if MessageMeta::decode(&v).is_err() {
            bad.push((k, v));
        }
    }
    for (k, v) in &bad {
        tracing::error!(key = %hex::encode(k), "unreadable spool index entry quarantined");
        quarantine.insert(k, v.clone())?;
        index.remove(k)?;
    }
    Ok(bad.len())
}

/// Live message count per segment, a fresh current segment number, and the
/// largest queue id seen (ids must keep increasing across restarts). The
/// new segment's number is above `floor` too: the delivery log may still
/// name a removed segment, whose number must not come back.
pub fn live_segments(
    index: &sled::Tree,
    quarantine: &sled::Tree,
    history: &sled::Tree,
    seg_dir: &Path,
    floor: u64,
) -> Result<(Segments, u64), SpoolError> {
    let mut live: HashMap<u64, usize> = HashMap::new();
    let mut max_id = 0;
    // Quarantined entries keep their bodies: their segments stay. Only id
    // and location are read, so an entry quarantined for an undecodable
    // verdict still keeps its segment.
    #[derive(serde::Deserialize)]
    struct Placed {
        id: u64,
        location: crate::spool::Location,
    }
    for item in index.iter().chain(quarantine.iter()) {
        let (_, v) = item?;
        if let Ok(m) = serde_json::from_slice::<Placed>(&v) {
            *live.entry(m.location.segment).or_insert(0) += 1;
            max_id = max_id.max(m.id);
        }
    }
    // Finished messages keep their ids for late bounces: a new message must
    // not take one, even after the clock stepped back.
    if let Some((k, _)) = history.last()?
        && let Ok(b) = <[u8; 8]>::try_from(k.as_ref())
    {
        max_id = max_id.max(u64::from_be_bytes(b));
    }
    let present = segment::list_segments(seg_dir)?;
    for seg in &present {
        if !live.contains_key(seg) {
            segment::remove(seg_dir, *seg);
        }
    }
    let current = present.iter().copied().max().unwrap_or(0).max(floor) + 1;
    Ok((
        Segments {
            current,
            live,
            removing: Vec::new(),
        },
        max_id,
    ))
}
