//! `GET /api/jobs/{id}/events`: a job's progress as server-sent events, so
//! that the page's progress bar moves without asking again and again. Each
//! event (at most ten a second) is a `progress` event whose data is the job's status and progress;
//! the stream ends after the event that says the job is done or failed,
//! or when the job is deleted.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::watch;

use super::jobs::Job;
use super::progress::Snapshot;

/// The shortest time between two events: a run of 4,000 files makes
/// 4,000 steps, and a progress bar needs no more than ten a second. The
/// state sent is always the latest (a watch channel keeps only that).
const PACE: Duration = Duration::from_millis(100);

/// Where a stream of one job's events is.
struct Following {
    job: Arc<Job>,
    changes: watch::Receiver<Snapshot>,
    first: bool,
    ended: bool,
}

/// The event stream of `job`.
pub(crate) fn stream(job: Arc<Job>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let following = Following {
        changes: job.subscribe(),
        job,
        first: true,
        ended: false,
    };
    let events = futures_util::stream::unfold(following, next);
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// The next event: at once the first time, then at each change.
async fn next(mut f: Following) -> Option<(Result<Event, Infallible>, Following)> {
    if f.ended {
        return None;
    }
    if !f.first {
        tokio::time::sleep(PACE).await;
        if f.changes.changed().await.is_err() {
            return None;
        }
    }
    f.first = false;
    if f.job.is_deleted() {
        return None;
    }
    let snapshot = f.changes.borrow_and_update().clone();
    f.ended = snapshot.status.is_finished();
    let data = serde_json::to_string(&snapshot).unwrap_or_default();
    Some((Ok(Event::default().event("progress").data(data)), f))
}
