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

/// Writes every file below `dir`: each to a temporary name first, flushed,
/// then renamed into place, so an interrupted run leaves no partial file.
/// Files whose content is unchanged are not rewritten. Returns the paths written.
pub fn write_outputs(dir: &Path, files: &[OutputFile]) -> Result<Vec<String>, WriteError> {
    let mut written = Vec::new();
    for f in files {
        if f.path.is_absolute()
            || f.path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(WriteError::Escapes(f.path.display().to_string()));
        }
        let target = dir.join(&f.path);
        let shown = target.display().to_string();
        let io = |source| WriteError::Io {
            path: shown.clone(),
            source,
        };
        if fs::read(&target).ok().as_deref() == Some(f.bytes.as_slice()) {
            written.push(shown.clone());
            continue;
        }
        let parent = target.parent().unwrap_or(dir);
        fs::create_dir_all(parent).map_err(io)?;
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
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
        written.push(shown);
    }
    Ok(written)
}
