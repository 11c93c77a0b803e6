//! Rounds loaded at once in one process (as `europass serve` runs jobs, and
//! as tests run) never wait on each other for ever.
//!
//! This test has a binary of its own: the shipped mappings are made once per
//! process, and the race is in that first making — a rayon worker blocked on
//! it while the thread making it waited for rayon work queued under that
//! worker.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use europass::pipeline::{self, Options};

#[test]
fn rounds_loaded_at_once_in_one_process_all_finish() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/round.xlsx");
    let (done, finished) = mpsc::channel();
    let loads = 8;
    for _ in 0..loads {
        let (demo, done) = (demo.clone(), done.clone());
        std::thread::spawn(move || {
            let loaded = pipeline::load(&[demo], &Options::default());
            done.send(loaded.round.learners.len()).unwrap();
        });
    }
    for n in 0..loads {
        let learners = finished
            .recv_timeout(Duration::from_secs(180))
            .unwrap_or_else(|_| panic!("load {n} of {loads} has not finished in 3 minutes"));
        assert!(learners > 0);
    }
}
