//! The journal a run keeps while it writes into an output folder.
//!
//! The manifest (`.europass-manifest.json`) is written when a run ends. A run
//! killed before then (`kill -9`, a power cut) has already replaced files
//! whose new hashes the manifest does not know; the next run would take them
//! for hand edits and keep them. So every file is first entered in the
//! journal (`.europass-journal`, a line per file, appended before the file
//! is put in place); [`OutputRecord`] reads both.

use std::fs;
use std::io::Write;
use std::path::Path;

pub use crate::outputs::JOURNAL;
#[cfg(test)]
use crate::outputs::{MANIFEST, OutputRecord, hash};

/// The journal of one run: a line per file, appended before the file is
/// put in place.
pub(crate) struct Journal {
    file: fs::File,
}

impl Journal {
    /// Opens (or creates) the journal of `dir` for appending; never through a link.
    pub(crate) fn open(dir: &Path) -> std::io::Result<Journal> {
        let path = dir.join(JOURNAL);
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            fs::remove_file(&path)?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        Ok(Journal { file })
    }

    /// Enters `path` written with content `hash`.
    pub(crate) fn enter(&mut self, path: &str, hash: &str) -> std::io::Result<()> {
        // One write per line: a run killed mid-way leaves whole lines.
        self.file.write_all(format!("{hash} {path}\n").as_bytes())
    }

    /// Removes the journal once the manifest holds everything in it.
    pub(crate) fn close(self, dir: &Path) -> std::io::Result<()> {
        drop(self.file);
        match fs::remove_file(dir.join(JOURNAL)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_journal_left_by_a_killed_run_counts_with_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let mut record = OutputRecord::default();
        record.add("a/x.xml", hash(b"grade 8"));
        fs::write(dir.path().join(MANIFEST), record.manifest()).unwrap();
        let mut journal = Journal::open(dir.path()).unwrap();
        journal.enter("a/x.xml", &hash(b"grade 5")).unwrap();
        journal.enter("b/y.xml", &hash(b"new")).unwrap();
        drop(journal);
        let read = OutputRecord::read(dir.path());
        assert!(read.found());
        assert!(read.describes("a/x.xml", b"grade 8"));
        assert!(read.describes("a/x.xml", b"grade 5"));
        assert!(read.describes("b/y.xml", b"new"));
        assert!(!read.describes("b/y.xml", b"edited"));
        assert!(!read.describes("c/z.xml", b"new"));
        // The manifest keeps the latest hash of each.
        let stored: Value = serde_json::from_slice(&read.manifest()).unwrap();
        assert_eq!(stored["files"]["a/x.xml"], hash(b"grade 5").as_str());
    }

    #[test]
    fn a_folder_without_manifest_or_journal_has_an_empty_record() {
        let dir = tempfile::tempdir().unwrap();
        let record = OutputRecord::read(dir.path());
        assert!(!record.found());
        assert_eq!(record.paths().count(), 0);
    }
}
