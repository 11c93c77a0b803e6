//! Job folders on disk, and how they go. A job deleted while its run is
//! writing cannot simply have its folder removed: the run would make the
//! folders it writes into anew, personal data and all. So the folder is
//! moved aside and removed, and an empty file — a tombstone — takes its
//! place until the run has ended: every later write of the run fails on
//! it (a file stands where a folder should), which also ends the run.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::jobs::JobId;

/// Job folders are named `job-<id>`: only such names are ever removed
/// from a data folder the user gave.
pub(crate) const PREFIX: &str = "job-";
/// A folder being removed is first renamed `job-<id>.deleting`.
const ASIDE: &str = ".deleting";

/// Makes a folder only its owner can enter (the data is personal).
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Removes whatever is at `path`, folder or file; nothing there is fine.
pub(crate) fn remove(path: &Path) {
    let removed = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    if let Err(e) = removed
        && e.kind() != ErrorKind::NotFound
    {
        eprintln!("europass serve: cannot remove a job folder: {e}");
    }
}

/// Replaces a job's folder by a tombstone and removes the folder. A run
/// may make the folder anew between the move and the tombstone: then it
/// is moved aside again.
pub(crate) fn bury(dir: &Path) {
    let aside = aside(dir);
    for _ in 0..8 {
        if let Err(e) = fs::rename(dir, &aside)
            && e.kind() != ErrorKind::NotFound
        {
            eprintln!("europass serve: cannot move a job folder aside: {e}");
        }
        let tombstone = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir);
        if tombstone.is_ok() || dir.is_file() {
            break;
        }
    }
    remove(&aside);
}

fn aside(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(ASIDE);
    PathBuf::from(name)
}

/// Removes every job folder below `root` — and, with `tombstones`, every
/// tombstone: an earlier server's, or this one's once its runs have ended.
pub(crate) fn remove_jobs(root: &Path, tombstones: bool) -> std::io::Result<()> {
    for entry in fs::read_dir(root)?.flatten() {
        let is_job = entry.file_name().to_str().is_some_and(is_job_name);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_job && (is_dir || tombstones) {
            remove(&entry.path());
        }
    }
    Ok(())
}

/// `job-<id>`, or `job-<id>.deleting`.
fn is_job_name(name: &str) -> bool {
    let name = name.strip_suffix(ASIDE).unwrap_or(name);
    name.strip_prefix(PREFIX)
        .is_some_and(|id| JobId::parse(id).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_dir(root: &Path, c: char) -> PathBuf {
        root.join(format!("{PREFIX}{}", c.to_string().repeat(32)))
    }

    #[test]
    fn a_buried_folder_is_gone_and_a_file_keeps_its_place() {
        let root = tempfile::tempdir().unwrap();
        let dir = job_dir(root.path(), 'a');
        fs::create_dir_all(dir.join("out/ozola-anna")).unwrap();
        bury(&dir);
        assert!(dir.is_file());
        assert!(
            fs::create_dir_all(dir.join("out/ozola-anna")).is_err(),
            "a run can write again"
        );
        bury(&dir);
        assert!(dir.is_file());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
        remove(&dir);
        assert!(!dir.exists());
    }

    #[test]
    fn only_job_folders_are_removed_and_tombstones_when_asked() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(job_dir(root.path(), 'a').join("inputs")).unwrap();
        fs::write(job_dir(root.path(), 'b'), "").unwrap();
        fs::create_dir(aside(&job_dir(root.path(), 'c'))).unwrap();
        fs::create_dir(root.path().join("job-notes")).unwrap();
        fs::write(root.path().join("keep.txt"), "x").unwrap();
        remove_jobs(root.path(), false).unwrap();
        assert!(!job_dir(root.path(), 'a').exists());
        assert!(!aside(&job_dir(root.path(), 'c')).exists());
        assert!(job_dir(root.path(), 'b').is_file());
        remove_jobs(root.path(), true).unwrap();
        assert!(!job_dir(root.path(), 'b').exists());
        assert!(root.path().join("job-notes").exists());
        assert!(root.path().join("keep.txt").exists());
    }
}
