//! A job's state as it runs: the pipeline tells its [`Progress`] of each
//! stage and step, and the tracker keeps the latest state in a watch
//! channel, which the status endpoint reads and the event stream follows.
//! A watch channel keeps only the latest value, so a run of 4,000 files
//! costs a client no more than the changes it has time to read.

use serde::Serialize;
use tokio::sync::watch;
use utoipa::ToSchema;

use crate::pipeline::Progress;

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    /// Uploaded, waiting for a run to be free.
    Queued,
    /// Being converted.
    Running,
    /// Converted: the report and outputs are there (problems in the input
    /// are in the report; they do not fail a job).
    Done,
    /// The run itself failed (the outputs could not be written, or an
    /// internal error); `error` says why.
    Failed,
}

impl Status {
    /// True once the job will change no more.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Done | Status::Failed)
    }
}

/// How far a run has got.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub(crate) struct Stage {
    /// `reading`, an output format (`xml`, `pdf` …) or `report`; empty
    /// before the run starts.
    pub stage: String,
    /// Steps of this stage done (files read, files written).
    pub done: u64,
    /// Steps this stage is expected to take.
    pub total: u64,
    /// Which stage this is, from 1 (0 before the run).
    pub number: u32,
    /// How many stages the run has: reading, one per format, the report.
    pub stages: u32,
}

/// A job's status and progress at one moment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct Snapshot {
    /// Where the job is.
    pub status: Status,
    /// How far its run has got.
    pub progress: Stage,
}

impl Snapshot {
    /// A job just uploaded, whose run will have `stages` stages.
    pub fn queued(stages: u32) -> Snapshot {
        Snapshot {
            status: Status::Queued,
            progress: Stage {
                stages,
                ..Stage::default()
            },
        }
    }
}

/// The pipeline's [`Progress`], writing into a job's watch channel.
pub(crate) struct Tracker {
    state: watch::Sender<Snapshot>,
}

impl Tracker {
    pub fn new(state: watch::Sender<Snapshot>) -> Self {
        Tracker { state }
    }
}

impl Progress for Tracker {
    fn start(&self, stage: &str, steps: u64) {
        self.state.send_modify(|s| {
            s.progress.stage = stage.to_string();
            s.progress.done = 0;
            s.progress.total = steps;
            s.progress.number = (s.progress.number + 1).min(s.progress.stages);
        });
    }

    fn step(&self, _item: &str) {
        self.state.send_modify(|s| s.progress.done += 1);
    }

    fn finish(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_counted_and_steps_start_again_at_each() {
        let (tx, rx) = watch::channel(Snapshot::queued(3));
        let tracker = Tracker::new(tx);
        tracker.start("reading", 2);
        tracker.step("a.xlsx");
        tracker.step("b.xlsx");
        tracker.start("json", 1);
        let now = rx.borrow().progress.clone();
        assert_eq!((now.stage.as_str(), now.done, now.total), ("json", 0, 1));
        assert_eq!((now.number, now.stages), (2, 3));
    }
}
