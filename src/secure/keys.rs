//! Key directories, parsed once and cached by e-mail address.
//!
//! Flow: [`KeyCache::load`] lists `dir/*.<ext>` (sorted, non-recursive),
//! hands each file to the method's parser, and indexes every parsed item
//! under each (lower-cased) address it names. Lookups then clone an `Arc`
//! out of the index: no file I/O and no parsing at delivery time.
//! [`KeyCache::reload`] builds a fresh index and swaps it in atomically;
//! lookups running meanwhile keep the old snapshot.
//!
//! Invariants:
//! * A missing or unreadable directory is an error (misconfiguration must be
//!   visible); a single unreadable or unparseable file is skipped with a
//!   warning naming the file, so one bad key does not disable the rest.
//! * Only *parsing* is cached. Whether a key is still valid (expiry,
//!   revocation, usage) is decided by the caller at each use.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::{SecureError, normalize_address};

/// One parsed item and the addresses it is valid for.
pub struct Parsed<T> {
    pub addresses: Vec<String>,
    pub item: T,
}

/// The parser a method supplies: file path (for messages) and bytes in,
/// zero or more items out, or a reason why the file is unusable.
pub type ParseFn<T> = fn(&Path, &[u8]) -> Result<Vec<Parsed<T>>, String>;

type Index<T> = HashMap<String, Vec<Arc<T>>>;

/// A directory of key files, indexed by address.
pub struct KeyCache<T> {
    dir: PathBuf,
    ext: &'static str,
    parse: ParseFn<T>,
    index: RwLock<Arc<Index<T>>>,
}

impl<T> KeyCache<T> {
    /// Reads and parses every `*.ext` file of `dir`.
    pub fn load(dir: &Path, ext: &'static str, parse: ParseFn<T>) -> Result<Self, SecureError> {
        let index = build_index(dir, ext, parse)?;
        Ok(KeyCache {
            dir: dir.to_path_buf(),
            ext,
            parse,
            index: RwLock::new(Arc::new(index)),
        })
    }

    /// Re-reads the directory and swaps the new index in. On error the old
    /// index stays in place.
    pub fn reload(&self) -> Result<usize, SecureError> {
        let index = build_index(&self.dir, self.ext, self.parse)?;
        let n = index.len();
        let mut guard = self.index.write().unwrap_or_else(|e| e.into_inner());
        *guard = Arc::new(index);
        Ok(n)
    }

    /// Every cached item that names `address` (case-insensitive).
    pub fn lookup(&self, address: &str) -> Vec<Arc<T>> {
        let snapshot = {
            let guard = self.index.read().unwrap_or_else(|e| e.into_inner());
            Arc::clone(&guard)
        };
        snapshot
            .get(&normalize_address(address))
            .cloned()
            .unwrap_or_default()
    }

    /// Number of distinct addresses known.
    pub fn len(&self) -> usize {
        let guard = self.index.read().unwrap_or_else(|e| e.into_inner());
        guard.len()
    }

    /// True when no address is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Lists `dir/*.ext`, sorted so that load order (and so lookup order) is
/// deterministic.
fn list_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, SecureError> {
    let io_err = |source| SecureError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        let matches = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext));
        if matches && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn build_index<T>(dir: &Path, ext: &str, parse: ParseFn<T>) -> Result<Index<T>, SecureError> {
    let mut index: Index<T> = HashMap::new();
    let mut skipped = 0usize;
    for path in list_files(dir, ext)? {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "key file unreadable, skipped");
                skipped += 1;
                continue;
            }
        };
        let items = match parse(&path, &bytes) {
            Ok(items) => items,
            Err(reason) => {
                tracing::warn!(file = %path.display(), %reason, "key file unparseable, skipped");
                skipped += 1;
                continue;
            }
        };
        for Parsed { addresses, item } in items {
            let item = Arc::new(item);
            let mut seen: Vec<String> = Vec::new();
            for a in addresses {
                let a = normalize_address(&a);
                if a.contains('@') && !seen.contains(&a) {
                    index.entry(a.clone()).or_default().push(Arc::clone(&item));
                    seen.push(a);
                }
            }
        }
    }
    tracing::info!(dir = %dir.display(), addresses = index.len(), skipped, "key directory loaded");
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_lines(_: &Path, b: &[u8]) -> Result<Vec<Parsed<String>>, String> {
        let s = std::str::from_utf8(b).map_err(|e| e.to_string())?;
        if s.starts_with("bad") {
            return Err("bad file".into());
        }
        Ok(s.lines()
            .map(|l| Parsed {
                addresses: vec![l.to_string()],
                item: l.to_string(),
            })
            .collect())
    }

    #[test]
    fn lookup_is_case_insensitive_and_bad_files_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.asc"), "Alice@Example.org\n").expect("write");
        std::fs::write(dir.path().join("b.asc"), "bad\n").expect("write");
        std::fs::write(dir.path().join("c.txt"), "carol@example.org\n").expect("write");
        let cache = KeyCache::load(dir.path(), "asc", parse_lines).expect("load");
        assert_eq!(cache.lookup("<ALICE@example.org>").len(), 1);
        assert!(cache.lookup("carol@example.org").is_empty());
        assert_eq!(cache.len(), 1);

        std::fs::write(dir.path().join("d.asc"), "dave@example.org\n").expect("write");
        assert!(cache.lookup("dave@example.org").is_empty());
        assert_eq!(cache.reload().expect("reload"), 2);
        assert_eq!(cache.lookup("dave@example.org").len(), 1);
    }

    #[test]
    fn missing_directory_is_an_error() {
        let r = KeyCache::load(Path::new("/nonexistent/sealpost-keys"), "asc", parse_lines);
        assert!(matches!(r, Err(SecureError::Io { .. })));
    }
}
