//! Putting output files on disk without ever leaving a half-written one,
//! rewriting what is unchanged, or overwriting what a person edited.
//!
//! Each file is written to a hidden temporary name beside its target,
//! flushed, and renamed into place: a run killed at any moment leaves every
//! target either as it was or complete. A manifest in the output folder
//! remembers the hash of every file europass wrote, so a file whose content
//! no longer matches was changed by hand and is kept unless `--force`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::OutputFile;
use crate::diagnostics::{Code, Diagnostic, Location};

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
}

#[derive(Default, Serialize, Deserialize)]
struct Manifest {
    /// BLAKE3 hash of each file as europass last wrote it.
    files: BTreeMap<String, String>,
}

/// A content hash: BLAKE3, fast enough to hash every output of a batch.
fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
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

/// Writes files below one folder as they come, batch after batch, and
/// remembers what it wrote in the folder's manifest when finished.
pub struct OutputWriter {
    dir: PathBuf,
    options: WriteOptions,
    manifest: Manifest,
    written: Vec<Written>,
    kept: Vec<Diagnostic>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let shown = path.display().to_string();
    move |source| WriteError::Io {
        path: shown,
        source,
    }
}

impl OutputWriter {
    /// Prepares to write below `dir`: reads its manifest and removes the
    /// temporary files a killed run left.
    pub fn open(dir: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        let manifest: Manifest = fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        if !options.dry_run {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
            remove_stale_temporaries(dir);
        }
        Ok(OutputWriter {
            dir: dir.to_path_buf(),
            options,
            manifest,
            written: Vec::new(),
            kept: Vec::new(),
        })
    }

    /// Writes a batch of files (several at once: the disk, not the CPU, is
    /// the limit) and records them in the batch's order.
    pub fn write(&mut self, files: &[OutputFile]) -> Result<(), WriteError> {
        let (dir, options, manifest) = (&self.dir, self.options, &self.manifest);
        let decided: Vec<Result<(String, String, WriteStatus), WriteError>> =
            writers().install(|| {
                files
                    .par_iter()
                    .map(|f| {
                        let rel = relative(&f.path)?;
                        let target = dir.join(&f.path);
                        let new_hash = hash(&f.bytes);
                        let existing = fs::read(&target).ok();
                        let status = match &existing {
                            Some(old) if *old == f.bytes => WriteStatus::Unchanged,
                            Some(old)
                                if !options.force
                                    && manifest.files.get(&rel) != Some(&hash(old)) =>
                            {
                                WriteStatus::KeptEdited
                            }
                            _ if options.dry_run => WriteStatus::WouldWrite,
                            _ => {
                                write_atomically(&target, &f.bytes).map_err(io_error(&target))?;
                                WriteStatus::Written
                            }
                        };
                        Ok((rel, new_hash, status))
                    })
                    .collect()
            });
        for d in decided {
            let (rel, new_hash, status) = d?;
            if status == WriteStatus::KeptEdited {
                let target = self.dir.join(&rel);
                self.kept.push(
                    Diagnostic::warning(
                        Code::OutputKept,
                        Location::file(target.display().to_string()),
                        "the file was changed since europass wrote it (or europass did not write it); it was kept as it is",
                    )
                    .with_hint("move your edits elsewhere, or run again with --force to overwrite it"),
                );
            } else {
                self.manifest.files.insert(rel.clone(), new_hash);
            }
            self.written.push(Written { path: rel, status });
        }
        Ok(())
    }

    /// Saves the manifest. Returns what happened to each file, and a warning
    /// for each edited file kept.
    pub fn finish(self) -> Result<(Vec<Written>, Vec<Diagnostic>), WriteError> {
        if !self.options.dry_run {
            let path = self.dir.join(MANIFEST);
            let bytes = serde_json::to_vec_pretty(&self.manifest).expect("a manifest serialises");
            write_atomically(&path, &bytes).map_err(io_error(&path))?;
        }
        Ok((self.written, self.kept))
    }
}

impl super::OutputSink for OutputWriter {
    fn put(&mut self, files: Vec<OutputFile>) -> Result<(), WriteError> {
        self.write(&files)
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
/// of files would make a batch many times slower.)
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp: PathBuf = parent.join(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
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
/// definition), in the folder and the folders below it.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            remove_stale_temporaries(&path);
        } else if name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// True when `dir` is an output folder europass wrote (it holds a manifest).
pub fn is_output_folder(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
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
        let manifest: Manifest =
            serde_json::from_slice(&std::fs::read(dir.path().join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(
            manifest.files.keys().collect::<Vec<_>>(),
            ["a/x.json", "b/y.json"]
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
}
