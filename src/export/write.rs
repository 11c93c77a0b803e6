//! Putting output files on disk without ever leaving a half-written one,
//! rewriting what is unchanged, overwriting what a person edited, writing
//! outside the output folder, or sharing the folder with another run.
//!
//! Each file is written to a hidden temporary name beside its target and
//! renamed into place: a run killed at any moment leaves every target either
//! as it was or complete. The folder's record ([`OutputRecord`]: the
//! manifest, and the journal each file is entered in before it is put in
//! place) tells the files europass wrote from those a person changed; a
//! changed file is kept unless `--force`, except `report.json` and
//! `feedback.xlsx`, which always describe the run that wrote them. A run
//! holds the folder's lock ([`OutputLock`]) while it writes. No path is
//! written or read through a link inside the folder: a planted
//! `out/<learner> → elsewhere` would lead outside it. Files an earlier run
//! wrote that this one did not are reported, and removed with `--prune`
//! (only those europass wrote, unchanged since).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::OutputFile;
use super::lock::{LockHolder, OutputLock};
use super::manifest::Journal;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::outputs::{FEEDBACK, REPORT};
use crate::outputs::{OutputRecord, hash};

pub use crate::outputs::MANIFEST;

/// The suffix of temporary files; any left by a killed run are removed.
const TEMP_SUFFIX: &str = ".europass-tmp";

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path would leave the output folder.
    #[error("refusing to write {0}: the path leaves the output folder")]
    Escapes(String),
    /// The disk refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The reason.
        source: std::io::Error,
    },
    /// Another run is writing into the folder.
    #[error(
        "the output folder {dir} is in use by another europass run ({holder}); wait for it to finish, or give another --out"
    )]
    Locked {
        /// The output folder.
        dir: String,
        /// Who holds it.
        holder: LockHolder,
    },
}

/// What happened to one output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteStatus {
    /// Written (new or changed content).
    Written,
    /// Already there with the same content; not touched.
    Unchanged,
    /// Edited by hand since europass wrote it; kept (use `--force`).
    KeptEdited,
    /// `--dry-run`: would have been written.
    WouldWrite,
    /// Not written: its path goes through a link, or something that is not a
    /// file is in its place (see the run's diagnostics).
    Refused,
}

/// One output file and what happened to it.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    /// Path below the output folder, with `/` separators.
    pub path: String,
    /// What happened.
    pub status: WriteStatus,
}

/// How to write.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Overwrite files edited by hand.
    pub force: bool,
    /// Decide everything, write nothing.
    pub dry_run: bool,
    /// Remove the files an earlier run wrote that this run does not
    /// (a learner no longer in the round), when unchanged since.
    pub prune: bool,
}

fn relative(path: &Path) -> Result<String, WriteError> {
    if path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(WriteError::Escapes(path.display().to_string()));
    }
    Ok(path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}

/// Writes every file below `dir` (see the module documentation). Returns
/// what happened to each file, and a warning for each edited file kept.
pub fn write_outputs(
    dir: &Path,
    files: &[OutputFile],
    options: WriteOptions,
) -> Result<(Vec<Written>, Vec<Diagnostic>), WriteError> {
    let mut writer = OutputWriter::open(dir, options)?;
    writer.write(files)?;
    writer.finish()
}

/// Writes files below one folder as they come, batch after batch, entering
/// each in the journal as it goes, and saves the manifest when finished.
pub struct OutputWriter {
    dir: PathBuf,
    options: WriteOptions,
    record: OutputRecord,
    journal: Option<Mutex<Journal>>,
    written: Vec<Written>,
    /// What was found on the way: edited files kept, links refused.
    notes: Vec<Diagnostic>,
    /// Held while writing; `None` for a dry run.
    _lock: Option<OutputLock>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let shown = path.display().to_string();
    move |source| WriteError::Io {
        path: shown,
        source,
    }
}

/// What to do with one file of a batch.
enum Decision {
    Done(WriteStatus),
    /// Refused, and why.
    Refused(String),
    /// Written, replacing a file that europass had not written as it is.
    Replaced,
}

impl OutputWriter {
    /// Prepares to write below `dir`: takes its lock, reads its record and
    /// removes the temporary files a killed run left.
    pub fn open(dir: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        let record = OutputRecord::read(dir);
        let mut notes = Vec::new();
        let (lock, journal) = if options.dry_run {
            (None, None)
        } else {
            let lock = OutputLock::acquire(dir)?;
            if let Some(before) = &lock.taken_over {
                notes.push(unfinished_run(dir, before));
            }
            remove_stale_temporaries(dir);
            let journal = Journal::open(dir).map_err(io_error(dir))?;
            (Some(lock), Some(Mutex::new(journal)))
        };
        Ok(OutputWriter {
            dir: dir.to_path_buf(),
            options,
            record,
            journal,
            written: Vec::new(),
            notes,
            _lock: lock,
        })
    }

    /// Writes a batch of files (several at once: the disk, not the CPU, is
    /// the limit) and records them in the batch's order.
    pub fn write(&mut self, files: &[OutputFile]) -> Result<(), WriteError> {
        let decided: Vec<Result<(String, String, Decision), WriteError>> =
            writers().install(|| {
                files
                    .par_iter()
                    .map(|f| {
                        let rel = relative(&f.path)?;
                        let new_hash = hash(&f.bytes);
                        let decision = self.decide(&rel, &f.bytes, &new_hash)?;
                        Ok((rel, new_hash, decision))
                    })
                    .collect()
            });
        for d in decided {
            let (rel, new_hash, decision) = d?;
            let target = self.dir.join(&rel);
            let status = match decision {
                Decision::Done(status) => status,
                Decision::Refused(why) => {
                    self.notes.push(refused(&target, &why));
                    WriteStatus::Refused
                }
                Decision::Replaced => {
                    self.notes.push(replaced(&target));
                    WriteStatus::Written
                }
            };
            if status == WriteStatus::KeptEdited {
                self.notes.push(kept(&target));
            } else if matches!(status, WriteStatus::Written | WriteStatus::Unchanged) {
                self.record.add(&rel, new_hash);
            }
            self.written.push(Written { path: rel, status });
        }
        Ok(())
    }

    /// What to do with one file, done (the file written when it is to be).
    fn decide(&self, rel: &str, bytes: &[u8], new_hash: &str) -> Result<Decision, WriteError> {
        let target = self.dir.join(rel);
        if let Some(why) = link_on_the_way(&self.dir, rel) {
            return Ok(Decision::Refused(why));
        }
        let existing = match fs::symlink_metadata(&target) {
            Ok(m) if m.is_file() => fs::read(&target).ok(),
            Ok(_) => {
                return Ok(Decision::Refused(
                    "something that is not a file is in its place".into(),
                ));
            }
            Err(_) => None,
        };
        // The report and the feedback always describe the run that wrote them.
        let always = rel == REPORT || rel == FEEDBACK;
        let ours = existing
            .as_ref()
            .is_none_or(|old| self.record.has_hash(rel, &hash(old)));
        let decision = match &existing {
            Some(old) if *old == bytes => Decision::Done(WriteStatus::Unchanged),
            Some(_) if !ours && !always && !self.options.force => {
                Decision::Done(WriteStatus::KeptEdited)
            }
            _ if self.options.dry_run => Decision::Done(WriteStatus::WouldWrite),
            _ => {
                if let Some(journal) = &self.journal {
                    let mut journal = journal.lock().unwrap_or_else(|e| e.into_inner());
                    journal.enter(rel, new_hash).map_err(io_error(&self.dir))?;
                }
                write_atomically(&target, bytes).map_err(io_error(&target))?;
                if ours || self.options.force {
                    Decision::Done(WriteStatus::Written)
                } else {
                    Decision::Replaced
                }
            }
        };
        Ok(decision)
    }

    /// Reports the files an earlier run wrote that this run did not, among
    /// those `in_scope` (of a kind this run writes); with `--prune` removes
    /// those unchanged since. Call after every file is written.
    pub fn settle_stale(&mut self, in_scope: impl Fn(&str) -> bool) {
        let now: BTreeSet<&str> = self.written.iter().map(|w| w.path.as_str()).collect();
        let left: Vec<String> = self
            .record
            .paths()
            // report.json is written last, after this: never stale.
            .filter(|p| !now.contains(p) && *p != REPORT && in_scope(p))
            .map(str::to_string)
            .collect();
        for rel in left {
            let target = self.dir.join(&rel);
            let current = match fs::symlink_metadata(&target) {
                Ok(m) if m.is_file() && link_on_the_way(&self.dir, &rel).is_none() => {
                    fs::read(&target).ok()
                }
                _ => None,
            };
            let Some(bytes) = current else {
                // Gone (removed by hand, or not a file any more): forget it.
                self.record.remove(&rel);
                continue;
            };
            let ours = self.record.describes(&rel, &bytes);
            if self.options.prune && ours && !self.options.dry_run {
                if fs::remove_file(&target).is_ok() {
                    self.record.remove(&rel);
                    remove_empty_folders(&self.dir, &target);
                    self.notes.push(pruned(&target));
                }
            } else {
                self.notes.push(stale(&target, ours, self.options.prune));
            }
        }
    }

    /// Saves the manifest and ends the journal. Returns what happened to
    /// each file, and what was found on the way.
    pub fn finish(self) -> Result<(Vec<Written>, Vec<Diagnostic>), WriteError> {
        if !self.options.dry_run {
            let path = self.dir.join(MANIFEST);
            write_atomically(&path, &self.record.manifest()).map_err(io_error(&path))?;
            if let Some(journal) = self.journal {
                let journal = journal.into_inner().unwrap_or_else(|e| e.into_inner());
                journal.close(&self.dir).map_err(io_error(&self.dir))?;
            }
        }
        Ok((self.written, self.notes))
    }
}

impl super::OutputSink for OutputWriter {
    fn put(&mut self, files: Vec<OutputFile>) -> Result<(), WriteError> {
        self.write(&files)
    }
}

/// Why `rel` below `dir` cannot be written without following a link, if so:
/// a folder on its way, or the file itself, is a link.
fn link_on_the_way(dir: &Path, rel: &str) -> Option<String> {
    let mut at = dir.to_path_buf();
    for part in rel.split('/') {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at)
                    .map(|t| format!(" (to {})", t.display()))
                    .unwrap_or_default();
                return Some(format!(
                    "{} is a link{to}; europass never writes through a link in its output folder",
                    at.display()
                ));
            }
            Ok(_) => {}
            // Nothing there yet: nothing below it either.
            Err(_) => return None,
        }
    }
    None
}

fn unfinished_run(dir: &Path, before: &LockHolder) -> Diagnostic {
    Diagnostic::info(
        Code::OutputKept,
        Location::file(dir.display().to_string()),
        format!(
            "an earlier run into this folder ({before}) did not finish; the files it wrote were told from hand edits by its journal"
        ),
    )
}

fn kept(target: &Path) -> Diagnostic {
    Diagnostic::warning(
        Code::OutputKept,
        Location::file(target.display().to_string()),
        "the file was changed since europass wrote it (or europass did not write it); it was kept as it is",
    )
    .with_hint("move your edits elsewhere, or run again with --force to overwrite it")
}

fn replaced(target: &Path) -> Diagnostic {
    Diagnostic::warning(
        Code::OutputKept,
        Location::file(target.display().to_string()),
        "the file was changed since europass wrote it (or europass did not write it); it was replaced all the same, since it always describes the run that writes it",
    )
    .with_hint("keep notes about a run in a file of another name")
}

fn refused(target: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::OutputFailed,
        Location::file(target.display().to_string()),
        format!("the file was not written: {why}"),
    )
    .with_hint(
        "remove the link (or whatever is in the file's place) from the output folder and run again",
    )
}

fn stale(target: &Path, ours: bool, prune: bool) -> Diagnostic {
    let message = if ours {
        "an earlier run wrote this file and this run did not: its learner or partnership is no longer in the round (or no longer gets one)"
    } else {
        "an earlier run wrote this file, this run did not, and it was changed since: it was kept"
    };
    Diagnostic::warning(
        Code::StaleOutput,
        Location::file(target.display().to_string()),
        message,
    )
    .with_hint(if ours && !prune {
        "if it is no longer wanted, run again with --prune to remove the files europass wrote that this run did not"
    } else {
        "remove it by hand if it is no longer wanted"
    })
}

fn pruned(target: &Path) -> Diagnostic {
    Diagnostic::info(
        Code::StaleOutput,
        Location::file(target.display().to_string()),
        "removed (--prune): an earlier run wrote it, this run did not",
    )
}

/// Removes the folders of `removed` that it left empty, up to `dir`.
fn remove_empty_folders(dir: &Path, removed: &Path) {
    let mut folder = removed.parent();
    while let Some(f) = folder {
        if f == dir || !f.starts_with(dir) || fs::remove_dir(f).is_err() {
            break;
        }
        folder = f.parent();
    }
}

/// A pool for writing files: more threads than cores, since writing waits
/// on the disk.
fn writers() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(8)
            .build()
            .expect("a pool of 8 threads starts")
    })
}

/// Writes `bytes` to a temporary name beside `target` and renames it into
/// place. A rename within one folder is atomic, so a process killed at any
/// moment leaves the target as it was or complete. (Not flushed to the disk
/// first: outputs can always be made again, and flushing each of thousands
/// of files would make a batch many times slower.) The temporary is created
/// new, so that nothing planted under its name is written through.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp: PathBuf = parent.join(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
    if fs::symlink_metadata(&tmp).is_ok() {
        fs::remove_file(&tmp)?;
    }
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        drop(file);
        fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes temporary files a killed run left behind (they are incomplete by
/// definition), in the folder and the folders below it; links are not followed.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            remove_stale_temporaries(&path);
        } else if name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// True when `dir` holds a record of europass's outputs (a manifest or journal).
pub fn is_output_folder(dir: &Path) -> bool {
    OutputRecord::read(dir).found()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_edited_ones_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let opts = WriteOptions::default();
        let (w, _) = write_outputs(
            dir.path(),
            &[file("a/x.json", "1"), file("y.json", "2")],
            opts,
        )
        .unwrap();
        assert!(w.iter().all(|w| w.status == WriteStatus::Written));

        let (w, _) = write_outputs(
            dir.path(),
            &[file("a/x.json", "1"), file("y.json", "3")],
            opts,
        )
        .unwrap();
        assert_eq!(w[0].status, WriteStatus::Unchanged);
        assert_eq!(
            w[1].status,
            WriteStatus::Written,
            "ours, so a new version replaces it"
        );

        std::fs::write(dir.path().join("a/x.json"), "edited by hand").unwrap();
        let (w, d) = write_outputs(dir.path(), &[file("a/x.json", "4")], opts).unwrap();
        assert_eq!(w[0].status, WriteStatus::KeptEdited);
        assert_eq!(d[0].code, Code::OutputKept);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/x.json")).unwrap(),
            "edited by hand"
        );

        let force = WriteOptions {
            force: true,
            ..opts
        };
        let (w, _) = write_outputs(dir.path(), &[file("a/x.json", "4")], force).unwrap();
        assert_eq!(w[0].status, WriteStatus::Written);
    }

    #[test]
    fn files_written_batch_by_batch_are_all_in_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::open(dir.path(), WriteOptions::default()).unwrap();
        writer.write(&[file("a/x.json", "1")]).unwrap();
        writer.write(&[file("b/y.json", "2")]).unwrap();
        let (written, _) = writer.finish().unwrap();
        assert_eq!(written.len(), 2);
        let record = OutputRecord::read(dir.path());
        assert_eq!(record.paths().collect::<Vec<_>>(), ["a/x.json", "b/y.json"]);
        assert!(
            !dir.path().join(super::super::manifest::JOURNAL).exists(),
            "the journal ends with the run"
        );
    }

    #[test]
    fn a_dry_run_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let opts = WriteOptions {
            dry_run: true,
            ..Default::default()
        };
        let (w, _) = write_outputs(&out, &[file("x.json", "1")], opts).unwrap();
        assert_eq!(w[0].status, WriteStatus::WouldWrite);
        assert!(!out.exists());
    }

    #[test]
    fn paths_leaving_the_output_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_outputs(
            dir.path(),
            &[file("../x.json", "1")],
            WriteOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Escapes(_)));
    }

    #[test]
    fn temporaries_of_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/.x.json.123.europass-tmp"), "half").unwrap();
        write_outputs(dir.path(), &[file("y.json", "1")], WriteOptions::default()).unwrap();
        assert!(!dir.path().join("a/.x.json.123.europass-tmp").exists());
    }

    #[test]
    fn a_file_a_killed_run_wrote_is_known_by_the_journal_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        write_outputs(
            dir.path(),
            &[file("a/x.xml", "grade 8")],
            WriteOptions::default(),
        )
        .unwrap();
        // A run with changed data writes, and is killed before its manifest.
        let mut killed = OutputWriter::open(dir.path(), WriteOptions::default()).unwrap();
        killed.write(&[file("a/x.xml", "grade 5")]).unwrap();
        std::mem::forget(killed);
        let (w, notes) = write_outputs(
            dir.path(),
            &[file("a/x.xml", "grade 8")],
            WriteOptions::default(),
        )
        .unwrap();
        assert_eq!(w[0].status, WriteStatus::Written, "{notes:?}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/x.xml")).unwrap(),
            "grade 8"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_output_folder_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("ozola-anna")).unwrap();
        let (w, notes) = write_outputs(
            &out,
            &[file("ozola-anna/x.xml", "1"), file("y.json", "2")],
            WriteOptions::default(),
        )
        .unwrap();
        assert_eq!(w[0].status, WriteStatus::Refused);
        assert_eq!(w[1].status, WriteStatus::Written);
        assert!(notes[0].message.contains("is a link"), "{notes:?}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn the_report_and_the_feedback_always_describe_this_run() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(REPORT), "an earlier run's").unwrap();
        let (w, notes) = write_outputs(
            dir.path(),
            &[file(REPORT, "this run's")],
            WriteOptions::default(),
        )
        .unwrap();
        assert_eq!(w[0].status, WriteStatus::Written);
        assert_eq!(notes.len(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(REPORT)).unwrap(),
            "this run's"
        );
    }

    #[test]
    fn stale_files_are_reported_and_pruned_only_when_europass_wrote_them_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let opts = WriteOptions::default();
        write_outputs(
            dir.path(),
            &[
                file("gone/x.xml", "1"),
                file("edited/y.xml", "2"),
                file("z.xml", "3"),
            ],
            opts,
        )
        .unwrap();
        std::fs::write(dir.path().join("edited/y.xml"), "by hand").unwrap();
        std::fs::write(dir.path().join("mine.txt"), "not europass's").unwrap();
        let run = |prune: bool| {
            let options = WriteOptions { prune, ..opts };
            let mut writer = OutputWriter::open(dir.path(), options).unwrap();
            writer.write(&[file("z.xml", "3")]).unwrap();
            writer.settle_stale(|_| true);
            writer.finish().unwrap().1
        };
        let notes = run(false);
        let stale: Vec<&Diagnostic> = notes
            .iter()
            .filter(|d| d.code == Code::StaleOutput)
            .collect();
        assert_eq!(stale.len(), 2, "{notes:?}");
        assert!(dir.path().join("gone/x.xml").exists());
        run(true);
        assert!(!dir.path().join("gone").exists(), "pruned, folder and all");
        assert!(
            dir.path().join("edited/y.xml").exists(),
            "changed by hand: kept"
        );
        assert!(
            dir.path().join("mine.txt").exists(),
            "never europass's: untouched"
        );
    }
}
