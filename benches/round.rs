//! The whole run: a mobility round of N learners generated from code, saved as
//! the school's workbook, then `convert --to` every format — import, each
//! export, writing the files — timed, with the peak memory of the process.
//!
//! Run with `cargo bench --bench round` (or `scripts/bench`); sizes can be
//! given: `cargo bench --bench round -- 100 1000 10000`. Each size runs in a
//! process of its own, given the workbook made beforehand, so that its peak
//! memory is the run's own.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use europass::export::{self, ExportContext, OutputFile, OutputSink, WriteOptions};
use europass::pipeline::{self, ConvertOptions, Options};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/round.rs"]
mod generated;
#[path = "support/measure.rs"]
mod measure;

/// A sink that only counts what it is given.
#[derive(Default)]
struct Counted {
    bytes: usize,
}

impl OutputSink for Counted {
    fn put(&mut self, files: Vec<OutputFile>) -> Result<(), export::WriteError> {
        self.bytes += files.iter().map(|f| f.bytes.len()).sum::<usize>();
        Ok(())
    }
}

/// One size, in a process of its own that only runs: prints one line of the table.
fn run(learners: usize, input: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut loaded = pipeline::load(&[input.to_path_buf()], &Options::default());
    let import = t.elapsed();
    assert_eq!(loaded.round.learners.len(), learners);

    // The run itself: every format, feedback and report, written to disk.
    let out = dir.path().join("out");
    let context = ExportContext::default();
    let options = ConvertOptions {
        formats: export::names().iter().map(|s| s.to_string()).collect(),
        context: context.clone(),
        out: out.clone(),
        write: WriteOptions::default(),
        strict: false,
    };
    let t = Instant::now();
    pipeline::convert(&mut loaded, &options, &Options::default()).unwrap();
    let convert = t.elapsed();
    // CPU time of import and run together: on a shared machine the wall
    // time says as much about the neighbours as about europass.
    let cpu = measure::cpu_time();
    // Read before the per-format timings below, which are not part of a run.
    let peak = measure::peak_rss_mb();

    // Each format on its own, its files counted and dropped, to see where the time goes.
    let mut per_format = Vec::new();
    for name in export::names() {
        let exporter = export::exporter(name).unwrap();
        let mut sink = Counted::default();
        let t = Instant::now();
        exporter
            .export_to(&loaded.round, &context, &mut sink, &mut Vec::new())
            .unwrap();
        per_format.push((name, t.elapsed(), sink.bytes));
    }
    let files = loaded.report.outputs.len();
    let formats: Vec<String> = per_format
        .iter()
        .map(|(n, t, bytes)| format!("{n} {:.2} ({} MB)", t.as_secs_f64(), bytes / 1_000_000))
        .collect();
    println!(
        "{learners:>7} {:>9.2} {:>10.2} {:>9.2} {:>9.2} {:>7} {:>9.0}   {}",
        import.as_secs_f64(),
        convert.as_secs_f64(),
        (import + convert).as_secs_f64(),
        cpu.as_secs_f64(),
        files,
        peak,
        formats.join(", ")
    );
}

fn main() {
    if let (Ok(n), Ok(input)) = (
        std::env::var("EUROPASS_BENCH_ROUND"),
        std::env::var("EUROPASS_BENCH_INPUT"),
    ) {
        run(n.parse().unwrap(), Path::new(&input));
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1_000, 10_000]
    } else {
        sizes
    };
    println!(
        "whole run: import + convert --to {} ({} threads); wall and CPU seconds, peak RSS in MB",
        export::names().join(","),
        rayon::current_num_threads()
    );
    println!(
        "{:>7} {:>9} {:>10} {:>9} {:>9} {:>7} {:>9}   each format alone, not written: s (output size)",
        "learners", "import", "convert", "total", "CPU", "files", "peak RSS"
    );
    let me = std::env::current_exe().unwrap();
    for n in sizes {
        // The school's workbook is made here, so that the run's process
        // holds only what a real run holds.
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("round.xlsx");
        let round = generated::round(n);
        std::fs::write(&input, export::canonical_workbook(&round, "lv").unwrap()).unwrap();
        drop(round);
        let status = Command::new(&me)
            .env("EUROPASS_BENCH_ROUND", n.to_string())
            .env("EUROPASS_BENCH_INPUT", &input)
            .status()
            .unwrap();
        assert!(status.success(), "the run for {n} learners failed");
    }
}
