//! Putting output files on disk without ever leaving a half-written one.

use std::fs;
use std::io::Write;
use std::path::{Component, Path};

use super::OutputFile;

/// Why an output could not be written.
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

/// How many files are written at once: each is flushed to disk before it is
/// renamed, and waiting for the disk, not the CPU, bounds a run of thousands
/// of small files (one credential per learner).
const WRITERS: usize = 8;

/// Writes every file below `dir`: each to a temporary name first, flushed,
/// then renamed into place, so an interrupted run leaves no partial file.
/// Files whose content is unchanged are not rewritten. Returns the paths
/// written, in the order given; on failure, the first failing file's error.
pub fn write_outputs(dir: &Path, files: &[OutputFile]) -> Result<Vec<String>, WriteError> {
    for f in files {
        if f.path.is_absolute()
            || f.path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(WriteError::Escapes(f.path.display().to_string()));
        }
    }
    if files.len() < 2 {
        return files
            .iter()
            .enumerate()
            .map(|(i, f)| write_one(dir, f, i))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<String, WriteError>>> = Vec::new();
    results.resize_with(files.len(), || None);
    let slots = std::sync::Mutex::new(results);
    std::thread::scope(|s| {
        for _ in 0..WRITERS.min(files.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let r = write_one(dir, f, i);
                    let failed = r.is_err();
                    slots
                        .lock()
                        .expect("no writer panics while holding the lock")[i] = Some(r);
                    if failed {
                        // Stop handing out files; those already written stay.
                        next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    slots
        .into_inner()
        .expect("writers finished")
        .into_iter()
        .flatten()
        .collect()
}

fn write_one(dir: &Path, f: &OutputFile, n: usize) -> Result<String, WriteError> {
    let target = dir.join(&f.path);
    let shown = target.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    if fs::read(&target).ok().as_deref() == Some(f.bytes.as_slice()) {
        return Ok(shown.clone());
    }
    let parent = target.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(io)?;
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    // Unique per file of this run, so that no two writers share a temporary file.
    let tmp = parent.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&f.bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(shown)
}
