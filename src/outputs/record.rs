//! What europass wrote into an output folder, as its manifest and journal
//! record it: read by the writer (to tell its own files from hand edits) and
//! by the input walk (never to read europass's outputs back as school data).
//!
//! The manifest (`.europass-manifest.json`) holds the hash of every file as
//! europass last wrote it, so that a file changed by hand is told from one
//! europass wrote. It is written when a run ends. A run killed before then
//! (`kill -9`, a power cut) has already replaced files whose new hashes the
//! manifest does not know; the next run would take them for hand edits and
//! keep them. So every file is first entered in the journal
//! (`.europass-journal`, a line per file, appended before the file is put
//! in place): a file whose content has any hash europass recorded for its
//! path, in the manifest or the journal, is europass's own.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{JOURNAL, MANIFEST};

/// A content hash: BLAKE3, fast enough to hash every output of a batch.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The manifest as stored: the last hash of each file.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    files: BTreeMap<String, String>,
}

/// Every hash europass wrote for each path of an output folder (paths with
/// `/` separators, below the folder), oldest first.
#[derive(Clone, Debug, Default)]
pub struct OutputRecord {
    files: BTreeMap<String, Vec<String>>,
    /// Whether the folder held a manifest or a journal at all.
    found: bool,
}

impl OutputRecord {
    /// Reads the manifest and the journal of `dir`; an empty record when
    /// it has neither (or they are unreadable).
    pub fn read(dir: &Path) -> OutputRecord {
        let mut record = OutputRecord::default();
        if let Some(stored) =
            read_small(&dir.join(MANIFEST)).and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
        {
            record.found = true;
            for (path, hash) in stored.files {
                record.files.insert(path, vec![hash]);
            }
        }
        if let Some(journal) = read_small(&dir.join(JOURNAL)) {
            record.found = true;
            for line in String::from_utf8_lossy(&journal).lines() {
                if let Some((hash, path)) = line.split_once(' ')
                    && hash.len() == 64
                {
                    record.add(path, hash.to_string());
                }
            }
        }
        record
    }

    /// Whether the folder held a manifest or a journal.
    pub fn found(&self) -> bool {
        self.found
    }

    /// Whether europass wrote `bytes` at `path` (some run did).
    pub fn describes(&self, path: &str, bytes: &[u8]) -> bool {
        self.has_hash(path, &hash(bytes))
    }

    /// Whether `hash` is one europass wrote at `path`.
    pub fn has_hash(&self, path: &str, hash: &str) -> bool {
        self.files
            .get(path)
            .is_some_and(|hashes| hashes.iter().any(|h| h == hash))
    }

    /// Whether europass ever wrote `path`.
    pub fn lists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every path europass wrote, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Records that `hash` was written at `path` (it becomes the latest).
    pub fn add(&mut self, path: &str, hash: String) {
        let hashes = self.files.entry(path.to_string()).or_default();
        hashes.retain(|h| *h != hash);
        hashes.push(hash);
    }

    /// Forgets `path` (a file removed).
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// The manifest's bytes: the latest hash of each path.
    pub fn manifest(&self) -> Vec<u8> {
        let stored = Stored {
            files: self
                .files
                .iter()
                .filter_map(|(p, h)| Some((p.clone(), h.last()?.clone())))
                .collect(),
        };
        serde_json::to_vec_pretty(&stored).expect("a manifest serialises")
    }
}

/// The manifest and journal are small; one far larger is not europass's.
const MAX_RECORD: u64 = 256 << 20;

/// A regular file's bytes (never through a link, never a pipe), if small.
fn read_small(path: &Path) -> Option<Vec<u8>> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_RECORD {
        return None;
    }
    fs::read(path).ok()
}
