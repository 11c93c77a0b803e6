//! The jobs: each upload becomes a job with a folder of its own under the
//! data folder, waits on a bounded queue for one of `--jobs` runs, and is
//! deleted — folder and all — when asked, when it has been kept long
//! enough, and at shutdown. Jobs live only in memory: a restarted server
//! knows none, and removes the folders an earlier one left.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};

use super::config::Config;
use super::progress::{Snapshot, Status, Tracker};
use super::run::{self, JobRequest, Outcome, RunError};
use crate::import::Limits;

/// Job folders are named `job-<id>`: only such folders are ever removed
/// from a data folder the user gave.
const PREFIX: &str = "job-";

/// A job's id: 128 random bits as 32 lowercase hex digits, so that ids
/// cannot be guessed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct JobId(String);

impl JobId {
    fn random() -> std::io::Result<JobId> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(JobId(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The id in `text`, if it is one.
    pub fn parse(text: &str) -> Option<JobId> {
        let ok = text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| JobId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One uploaded job.
pub(crate) struct Job {
    pub id: JobId,
    /// The job's folder: `inputs/` and `out/`.
    pub dir: PathBuf,
    pub request: JobRequest,
    state: watch::Sender<Snapshot>,
    outcome: OnceLock<Result<Outcome, RunError>>,
    finished: OnceLock<Instant>,
    deleted: AtomicBool,
}

impl Job {
    /// Status and progress now.
    pub fn snapshot(&self) -> Snapshot {
        self.state.borrow().clone()
    }

    /// Follows status and progress.
    pub fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.state.subscribe()
    }

    /// The run's outcome, once finished.
    pub fn outcome(&self) -> Option<&Result<Outcome, RunError>> {
        self.outcome.get()
    }

    /// The outputs folder.
    pub fn out_dir(&self) -> PathBuf {
        self.dir.join(run::OUTPUTS)
    }

    /// True once the job was deleted (its run may still be ending).
    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::SeqCst)
    }

    fn set_status(&self, status: Status) {
        self.state.send_modify(|s| s.status = status);
    }

    fn finish(&self, outcome: Result<Outcome, RunError>) {
        let status = if outcome.is_ok() {
            Status::Done
        } else {
            Status::Failed
        };
        let _ = self.outcome.set(outcome);
        let _ = self.finished.set(Instant::now());
        self.set_status(status);
    }
}

/// A place in the queue, taken before an upload is read and given back
/// when its job has run (or the upload failed).
pub(crate) struct Admission {
    open: Arc<AtomicUsize>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A job folder being filled by an upload: removed again unless the job
/// is started.
pub(crate) struct Draft {
    pub id: JobId,
    pub dir: PathBuf,
    started: bool,
}

impl Draft {
    /// Where the uploaded files go.
    pub fn inputs(&self) -> PathBuf {
        self.dir.join(run::INPUTS)
    }
}

impl Drop for Draft {
    fn drop(&mut self) {
        if !self.started {
            remove_folder(&self.dir);
        }
    }
}

/// Every job, the queue and the data folder.
pub(crate) struct Jobs {
    root_path: PathBuf,
    /// The data folder is a temporary one of ours, removed at shutdown.
    temporary: bool,
    map: Mutex<HashMap<JobId, Arc<Job>>>,
    runs: Arc<Semaphore>,
    capacity: usize,
    open: Arc<AtomicUsize>,
    keep: Duration,
    limits: Limits,
    /// The `--profile` file's text, given to jobs that bring none.
    pub default_profile: Option<String>,
}

impl Jobs {
    /// Opens the data folder, removing the job folders an earlier server
    /// left there.
    pub fn open(config: &Config, default_profile: Option<String>) -> std::io::Result<Jobs> {
        let (root_path, temporary) = match &config.data_dir {
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("europass-serve-")
                    .tempdir()?;
                (dir.keep(), true)
            }
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                remove_stale_jobs(dir)?;
                (dir.clone(), false)
            }
        };
        Ok(Jobs {
            root_path,
            temporary,
            map: Mutex::new(HashMap::new()),
            runs: Arc::new(Semaphore::new(config.runs)),
            capacity: config.runs + config.queue,
            open: Arc::new(AtomicUsize::new(0)),
            keep: config.keep(),
            limits: config.limits,
            default_profile,
        })
    }

    /// The data folder.
    pub fn root(&self) -> &Path {
        &self.root_path
    }

    /// How long finished jobs are kept.
    pub fn keep(&self) -> Duration {
        self.keep
    }

    /// A place in the queue, or `None` when it is full.
    pub fn admit(&self) -> Option<Admission> {
        self.open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .ok()
            .map(|_| Admission {
                open: self.open.clone(),
            })
    }

    /// A new, empty job folder for an upload.
    pub fn draft(&self) -> std::io::Result<Draft> {
        let id = JobId::random()?;
        let dir = self.root_path.join(format!("{PREFIX}{}", id.as_str()));
        private_dir(&dir)?;
        private_dir(&dir.join(run::INPUTS))?;
        Ok(Draft {
            id,
            dir,
            started: false,
        })
    }

    /// Queues the uploaded job in `draft` for a run.
    pub fn start(&self, mut draft: Draft, request: JobRequest, admission: Admission) -> Arc<Job> {
        draft.started = true;
        let stages = request.formats.len() as u32 + 2;
        let job = Arc::new(Job {
            id: draft.id.clone(),
            dir: draft.dir.clone(),
            request,
            state: watch::channel(Snapshot::queued(stages)).0,
            outcome: OnceLock::new(),
            finished: OnceLock::new(),
            deleted: AtomicBool::new(false),
        });
        self.lock().insert(job.id.clone(), job.clone());
        log(&job, "queued");
        tokio::spawn(drive(
            job.clone(),
            self.runs.clone(),
            self.limits,
            admission,
        ));
        job
    }

    /// The job with this id, unless deleted.
    pub fn get(&self, id: &JobId) -> Option<Arc<Job>> {
        self.lock().get(id).cloned()
    }

    /// Deletes a job and its folder; false when there is no such job. A
    /// running job's folder is removed now and again when its run ends.
    pub async fn delete(&self, id: &JobId) -> bool {
        let Some(job) = self.lock().remove(id) else {
            return false;
        };
        log(&job, "deleted");
        discard(job).await;
        true
    }

    /// Deletes the finished jobs kept longer than `--keep-minutes`.
    pub async fn reap(&self) {
        let now = Instant::now();
        let expired: Vec<Arc<Job>> = {
            let mut map = self.lock();
            let ids: Vec<JobId> = map
                .values()
                .filter(|j| {
                    j.finished
                        .get()
                        .is_some_and(|t| now.duration_since(*t) >= self.keep)
                })
                .map(|j| j.id.clone())
                .collect();
            ids.iter().filter_map(|id| map.remove(id)).collect()
        };
        for job in expired {
            discard(job).await;
        }
    }

    /// Deletes every job and, when temporary, the data folder itself.
    pub fn shutdown(&self) {
        let jobs: Vec<Arc<Job>> = self.lock().drain().map(|(_, j)| j).collect();
        for job in jobs {
            job.deleted.store(true, Ordering::SeqCst);
            job.state.send_modify(|_| {});
        }
        self.sweep();
    }

    /// Removes every job folder on disk, and a temporary data folder,
    /// whatever jobs are known. Called again as the process ends: a run
    /// still converting at shutdown may have made folders anew meanwhile.
    pub fn sweep(&self) {
        let swept = if self.temporary {
            std::fs::remove_dir_all(&self.root_path)
        } else {
            remove_stale_jobs(&self.root_path)
        };
        if let Err(e) = swept
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("europass serve: cannot remove the job folders: {e}");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Arc<Job>>> {
        self.map.lock().expect("jobs lock")
    }
}

/// Marks a job deleted and removes its folder, off the async threads.
async fn discard(job: Arc<Job>) {
    job.deleted.store(true, Ordering::SeqCst);
    // Wakes whoever follows the job's events, so that they end.
    job.state.send_modify(|_| {});
    let dir = job.dir.clone();
    let _ = tokio::task::spawn_blocking(move || remove_folder(&dir)).await;
}

/// Waits for a run, runs the job on a blocking thread, records the outcome.
async fn drive(job: Arc<Job>, runs: Arc<Semaphore>, limits: Limits, admission: Admission) {
    let Ok(_run) = runs.acquire_owned().await else {
        return;
    };
    if job.is_deleted() {
        return;
    }
    job.set_status(Status::Running);
    log(&job, "running");
    let started = Instant::now();
    let running = job.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let tracker = Arc::new(Tracker::new(running.state.clone()));
        let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run::run(
                &running.dir,
                &running.request,
                limits,
                tracker,
                &running.deleted,
            )
        }));
        guarded.unwrap_or_else(|panic| Err(RunError::Internal(crate::import::panic_text(&panic))))
    })
    .await
    .unwrap_or_else(|e| Err(RunError::Internal(e.to_string())));
    let said = match &outcome {
        Ok(_) => format!("done in {:.1} s", started.elapsed().as_secs_f64()),
        Err(e) => format!(
            "{} after {:.1} s",
            e.code(),
            started.elapsed().as_secs_f64()
        ),
    };
    log(&job, &said);
    job.finish(outcome);
    if job.is_deleted() {
        let dir = job.dir.clone();
        let _ = tokio::task::spawn_blocking(move || remove_folder(&dir)).await;
    }
    drop(admission);
}

/// One line on standard error about a job: its id and what happened,
/// never a name or anything from its files.
fn log(job: &Job, what: &str) {
    eprintln!("europass serve: job {}: {what}", &job.id.as_str()[..8]);
}

/// Makes a folder only its owner can enter (the data is personal).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn remove_folder(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!("europass serve: cannot remove a job folder: {e}");
    }
}

/// Removes the `job-*` folders of an earlier server: it knew those jobs,
/// this one does not, and they hold personal data.
fn remove_stale_jobs(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        let is_job = name.to_str().is_some_and(|n| {
            n.strip_prefix(PREFIX)
                .is_some_and(|id| JobId::parse(id).is_some())
        });
        if is_job && entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex_and_nothing_else_parses() {
        let a = JobId::random().unwrap();
        let b = JobId::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(JobId::parse(a.as_str()), Some(a));
        for bad in [
            "",
            "../x",
            "ABCDEF0123456789ABCDEF0123456789",
            &"0".repeat(33),
        ] {
            assert!(JobId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_given_data_folder_loses_only_earlier_job_folders() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(format!("{PREFIX}{}", "a".repeat(32)));
        std::fs::create_dir_all(stale.join("inputs")).unwrap();
        std::fs::create_dir(dir.path().join("job-notes")).unwrap();
        std::fs::write(dir.path().join("keep.txt"), "x").unwrap();
        remove_stale_jobs(dir.path()).unwrap();
        assert!(!stale.exists());
        assert!(dir.path().join("job-notes").exists());
        assert!(dir.path().join("keep.txt").exists());
    }

    #[test]
    fn the_queue_admits_no_more_than_its_capacity() {
        let config = Config {
            runs: 1,
            queue: 1,
            ..Config::default()
        };
        let jobs = Jobs::open(&config, None).unwrap();
        let first = jobs.admit().unwrap();
        let _second = jobs.admit().unwrap();
        assert!(jobs.admit().is_none());
        drop(first);
        assert!(jobs.admit().is_some());
        jobs.shutdown();
    }
}
