//! Taking an input file's bytes off the disk without being led astray by
//! what is at the path.
//!
//! A path may name something that is no file: a named pipe (reading it
//! waits for a writer that never comes), a device (`/dev/zero` never ends)
//! or a socket. A file may also be far larger than it looks to a school (a
//! sparse file of 3 GB holds a few bytes on disk). So the kind and size of
//! what is at the path are taken from its metadata before it is opened; it
//! is opened without blocking; its kind is checked again on the open file
//! (it may have been swapped since); and reading never takes more than the
//! `file-mb` limit, whatever the metadata said.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::Path;

use super::{ImportError, Limits};

/// What is at a path, when it is not a regular file: "a named pipe (FIFO)".
pub fn not_a_file(metadata: &Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// The bytes of the input file at `path` (links followed), within the
/// `file-mb` limit; see the module documentation.
pub fn read_input(path: &Path, limits: &Limits) -> Result<Vec<u8>, ImportError> {
    let before = std::fs::metadata(path)?;
    check(&before, limits)?;
    let mut file = open_without_blocking(path)?;
    // What was opened may not be what was looked at a moment before.
    let opened = file.metadata()?;
    check(&opened, limits)?;
    let max = limits.file_mb.saturating_mul(1024 * 1024);
    let capacity = usize::try_from(opened.len().min(max)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.by_ref()
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, limits));
    }
    Ok(bytes)
}

/// Refuses what is no regular file, and a file beyond the `file-mb` limit.
fn check(metadata: &Metadata, limits: &Limits) -> Result<(), ImportError> {
    if let Some(what) = not_a_file(metadata) {
        return Err(ImportError::NotAFile { what });
    }
    if metadata.len() > limits.file_mb.saturating_mul(1024 * 1024) {
        return Err(too_large(metadata.len(), limits));
    }
    Ok(())
}

fn too_large(size: u64, limits: &Limits) -> ImportError {
    ImportError::LimitExceeded {
        limit: "file-mb",
        detail: format!(
            "the file is {} MiB, more than {} MiB",
            size >> 20,
            limits.file_mb
        ),
    }
}

/// Opens for reading; a named pipe put there after the check does not make
/// the open wait for a writer.
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, b"a;b\n1;2\n").unwrap();
        assert_eq!(
            read_input(&path, &Limits::default()).unwrap(),
            b"a;b\n1;2\n"
        );
    }

    #[test]
    fn a_sparse_file_beyond_the_limit_is_refused_from_its_size_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.xlsx");
        let file = File::create(&path).unwrap();
        file.set_len(3 << 30).unwrap();
        let started = std::time::Instant::now();
        let err = read_input(&path, &Limits::default()).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "file-mb", detail } if detail.contains("3072 MiB")),
            "{err:?}"
        );
        assert!(started.elapsed().as_secs() < 1);
    }

    #[test]
    fn a_folder_or_a_device_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_input(dir.path(), &Limits::default()).unwrap_err();
        assert!(matches!(err, ImportError::NotAFile { what: "a folder" }));
        #[cfg(unix)]
        {
            let err = read_input(Path::new("/dev/zero"), &Limits::default()).unwrap_err();
            assert!(matches!(err, ImportError::NotAFile { what: "a device" }));
        }
    }
}
