//! Credential export speed: builds a round of N learners from code (one
//! mobility each, two units of 12 learning outcomes in Latvian and English,
//! graded with a five-criterion grid) and times writing every learner's
//! Europass Mobility as XML and as JSON-LD, in memory and to disk.
//!
//! Run with `cargo bench --bench export` (or `scripts/bench`). The number of
//! learners can be given: `cargo bench --bench export -- 1000 5000`.

use std::time::Duration;

use europass::export::{self, ExportContext};

#[path = "support/round.rs"]
mod generated;
use generated::round;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/measure.rs"]
mod measure;
fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    println!(
        "credential export, {} threads (best of 5 runs)",
        rayon::current_num_threads()
    );
    for n in sizes {
        let round = round(n);
        let ctx = ExportContext::default();
        let (plan, _, _) = measure::best_of(5, || {
            export::exporter("xml").unwrap().check(
                &round,
                &europass::provenance::SourceMap::default(),
                &ctx,
            )
        });
        println!(
            "{n:>6} learners  planning (what goes in each credential): {:.1} ms",
            plan.as_secs_f64() * 1e3
        );
        let mut total = Duration::ZERO;
        for format in ["xml", "jsonld"] {
            let exporter = export::exporter(format).unwrap();
            let (t, _, files) = measure::best_of(5, || exporter.export(&round, &ctx).unwrap());
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            total += t;
            println!(
                "{n:>6} learners  {format:<6} {:>4} files  {:>7.1} MB  in memory {:>7.1} ms  ({:.0} credentials/s)",
                files.len(),
                bytes as f64 / 1e6,
                t.as_secs_f64() * 1e3,
                files.len() as f64 / t.as_secs_f64()
            );
            let dir = tempfile::tempdir().unwrap();
            let (w, _, _) = measure::best_of(1, || {
                export::write_outputs(dir.path(), &files, export::WriteOptions::default()).unwrap()
            });
            println!(
                "{n:>6} learners  {format:<6}            written to disk in {:>7.1} ms",
                w.as_secs_f64() * 1e3
            );
        }
        println!(
            "{n:>6} learners  both formats in memory: {:.1} ms",
            total.as_secs_f64() * 1e3
        );
    }
}
