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
use super::folders::{self, PREFIX};
use super::progress::{Snapshot, Status, Tracker};
use super::run::{self, JobRequest, Outcome, RunError};
use crate::import::Limits;

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
    /// True while the run converts; taken with `deleted` read, so that a
    /// run and a deletion agree on who removes the folder.
    running: Mutex<bool>,
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

    /// Marks the job deleted and removes its folder; while its run may
    /// still write, a tombstone stays, which the run's end removes.
    fn bury(&self) {
        self.deleted.store(true, Ordering::SeqCst);
        // Wakes whoever follows the job's events, so that they end.
        self.state.send_modify(|_| {});
        folders::bury(&self.dir);
        if !*self.running.lock().expect("run lock") {
            folders::remove(&self.dir);
        }
    }

    /// Marks the run started, unless the job was deleted (then its
    /// tombstone goes, and there is no run).
    fn begin_run(&self) -> bool {
        let mut running = self.running.lock().expect("run lock");
        if self.is_deleted() {
            folders::remove(&self.dir);
            return false;
        }
        *running = true;
        true
    }

    /// Marks the run ended; a job deleted meanwhile loses its tombstone.
    fn end_run(&self) {
        let mut running = self.running.lock().expect("run lock");
        *running = false;
        if self.is_deleted() {
            folders::remove(&self.dir);
        }
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
            folders::remove(&self.dir);
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
    /// `--jobs`: the runs' permits.
    run_count: usize,
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
                folders::remove_jobs(dir, true)?;
                (dir.clone(), false)
            }
        };
        Ok(Jobs {
            root_path,
            temporary,
            map: Mutex::new(HashMap::new()),
            runs: Arc::new(Semaphore::new(config.runs)),
            run_count: config.runs,
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
        folders::private_dir(&dir)?;
        folders::private_dir(&dir.join(run::INPUTS))?;
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
            running: Mutex::new(false),
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

    /// Deletes every job, then waits up to `grace` for the runs still
    /// converting to end (their writes fail on the tombstones, so they end
    /// soon); true when they all did.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        let jobs: Vec<Arc<Job>> = self.lock().drain().map(|(_, j)| j).collect();
        for job in jobs {
            job.bury();
        }
        let all = u32::try_from(self.run_count).unwrap_or(u32::MAX);
        tokio::time::timeout(grace, self.runs.acquire_many(all))
            .await
            .is_ok()
    }

    /// Removes every job folder on disk, whatever jobs are known, and a
    /// temporary data folder — once `runs_ended`: a run still converting
    /// would make its folders anew without its tombstone.
    pub fn sweep(&self, runs_ended: bool) {
        let swept = match (self.temporary, runs_ended) {
            (true, true) => std::fs::remove_dir_all(&self.root_path),
            _ => folders::remove_jobs(&self.root_path, runs_ended),
        };
        if let Err(e) = swept
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("europass serve: cannot remove the job folders: {e}");
        }
        if !runs_ended {
            eprintln!(
                "europass serve: a run did not end in time; its empty placeholder file stays in {}",
                self.root_path.display()
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Arc<Job>>> {
        self.map.lock().expect("jobs lock")
    }
}

/// Deletes a job, off the async threads.
async fn discard(job: Arc<Job>) {
    let _ = tokio::task::spawn_blocking(move || job.bury()).await;
}

/// Waits for a run, runs the job on a blocking thread, records the outcome.
async fn drive(job: Arc<Job>, runs: Arc<Semaphore>, limits: Limits, admission: Admission) {
    let Ok(_run) = runs.acquire_owned().await else {
        return;
    };
    let starting = job.clone();
    if !tokio::task::spawn_blocking(move || starting.begin_run())
        .await
        .unwrap_or(false)
    {
        return;
    }
    job.set_status(Status::Running);
    log(&job, "running");
    let started = Instant::now();
    let running = job.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let tracker = Arc::new(Tracker::new(running.state.clone()));
        let guarded = crate::guard::guard(|| {
            run::run(
                &running.dir,
                &running.request,
                limits,
                tracker,
                &running.deleted,
            )
        });
        guarded.unwrap_or_else(|panic| Err(RunError::Internal(panic)))
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
    let ending = job.clone();
    let _ = tokio::task::spawn_blocking(move || ending.end_run()).await;
    drop(admission);
}

/// One line on standard error about a job: its id and what happened,
/// never a name or anything from its files.
fn log(job: &Job, what: &str) {
    eprintln!("europass serve: job {}: {what}", &job.id.as_str()[..8]);
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
        jobs.sweep(true);
        assert!(!jobs.root().exists());
    }
}
