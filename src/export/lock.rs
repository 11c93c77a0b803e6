//! One run at a time in an output folder.
//!
//! Two runs writing into one folder mix their outputs, and the later one
//! takes the other's files for hand edits. A run holds an exclusive lock on
//! `.europass-lock` in the folder (`flock`, which the system lets go of
//! when the process ends in any way, `kill -9` included), and writes into it
//! who holds it: a second run fails at once, naming the first. A lock file
//! left by a run that ended without removing it holds no lock any more and
//! is simply taken over.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use serde::{Deserialize, Serialize};

use super::WriteError;

/// The lock file's name in the output folder.
pub const LOCK: &str = ".europass-lock";

/// Who holds (or held) an output folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// The process id.
    pub pid: u32,
    /// The computer's name.
    pub host: String,
    /// When the run started, in UTC (RFC 3339).
    pub started: String,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "process {} on {}, started {}",
            self.pid, self.host, self.started
        )
    }
}

/// The lock on an output folder, held until dropped. Within one process
/// the lock on a folder is shared: taking it again (the command line
/// takes it before reading the inputs, the conversion when it writes)
/// gives the same lock.
#[derive(Clone)]
pub struct OutputLock {
    /// Kept only to hold the lock while any clone lives.
    _held: Arc<Held>,
    /// A lock file found without its run: that run did not finish.
    pub taken_over: Option<LockHolder>,
}

struct Held {
    path: PathBuf,
    file: File,
}

/// The folders this process holds locks on.
static HELD: Mutex<Vec<(PathBuf, Weak<Held>)>> = Mutex::new(Vec::new());

impl OutputLock {
    /// Locks `dir` (created if missing) for this run, or tells who holds it.
    pub fn acquire(dir: &Path) -> Result<OutputLock, WriteError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let canonical = dir.canonicalize().map_err(io_error(dir))?;
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(mine) = held
            .iter()
            .find(|(d, _)| *d == canonical)
            .and_then(|(_, w)| w.upgrade())
        {
            return Ok(OutputLock {
                _held: mine,
                taken_over: None,
            });
        }
        let (lock, taken_over) = take(&canonical)?;
        let lock = Arc::new(lock);
        held.push((canonical, Arc::downgrade(&lock)));
        Ok(OutputLock {
            _held: lock,
            taken_over,
        })
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Takes the lock file of `dir`: the lock, and who held the file last when
/// its run is gone.
fn take(dir: &Path) -> Result<(Held, Option<LockHolder>), WriteError> {
    let path = dir.join(LOCK);
    // The file may be removed by the run that held it between our opening
    // and our locking it: the lock is then on a file no other run sees, so
    // look again.
    for _ in 0..16 {
        let mut file = open_lock_file(&path).map_err(io_error(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(WriteError::Locked {
                    dir: dir.display().to_string(),
                    holder: read_holder(&mut file).unwrap_or_default(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error(&path)(e)),
        }
        if !same_file(&file, &path) {
            continue;
        }
        let before = read_holder(&mut file).filter(|h| h.pid != 0);
        write_holder(&mut file).map_err(io_error(&path))?;
        return Ok((Held { path, file }, before));
    }
    Err(io_error(&path)(std::io::Error::other(
        "the lock file keeps changing under us",
    )))
}

/// Opens the lock file for reading and writing, created if missing, never
/// through a link planted in its place.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    if fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        fs::remove_file(path)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Whether `file` is still the file at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

fn read_holder(file: &mut File) -> Option<LockHolder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(4096).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_holder(file: &mut File) -> std::io::Result<()> {
    let me = LockHolder {
        pid: std::process::id(),
        host: host_name(),
        started: now_utc(),
    };
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(&serde_json::to_vec(&me).expect("a holder serialises"))
}

/// This computer's name, as far as it can be found without asking the network.
fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "this computer".into())
}

fn now_utc() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

impl Drop for Held {
    fn drop(&mut self) {
        // Removed while still locked, so no run takes a file about to go.
        if same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_locked_by_this_process_is_shared_and_released_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path()).unwrap();
        let again = OutputLock::acquire(dir.path()).unwrap();
        assert!(dir.path().join(LOCK).is_file());
        drop(first);
        assert!(dir.path().join(LOCK).is_file(), "still held by `again`");
        drop(again);
        assert!(!dir.path().join(LOCK).exists());
    }

    #[test]
    fn a_lock_file_left_by_a_run_that_ended_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let left = LockHolder {
            pid: 999_999,
            host: "elsewhere".into(),
            started: "2026-01-01 00:00:00 UTC".into(),
        };
        fs::write(dir.path().join(LOCK), serde_json::to_vec(&left).unwrap()).unwrap();
        let lock = OutputLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.taken_over, Some(left));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_as_the_lock_file_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep").unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&victim, out.join(LOCK)).unwrap();
        let lock = OutputLock::acquire(&out).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        drop(lock);
    }
}
