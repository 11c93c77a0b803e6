//! Transcript speed: builds a round of N learners from code (one mobility
//! each; two units of 12 learning outcomes in Latvian and English, graded on
//! the Latvian scale with a five-criterion Finnish grid) and times writing
//! every learner's personal transcript — laid out, fonts subset, PDF/A-3b
//! with the credential XML attached — in memory, with `--bundle`, and to disk.
//!
//! Run with `cargo bench --bench pdf` (or `scripts/bench`). The number of
//! learners can be given: `cargo bench --bench pdf -- 1000 5000`.

use europass::export::{self, ExportContext};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/round.rs"]
mod generated;
#[path = "support/measure.rs"]
mod measure;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    println!(
        "PDF transcripts (PDF/A-3b, subset fonts, credential attached), {} threads, best of 3 runs; load average before: {}",
        rayon::current_num_threads(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let exporter = export::exporter("pdf").unwrap();
    for n in sizes {
        let round = generated::round(n);
        for (what, context) in [
            (
                "lv,en",
                ExportContext {
                    languages: vec!["lv".into(), "en".into()],
                    ..ExportContext::default()
                },
            ),
            (
                "lv,en --bundle",
                ExportContext {
                    languages: vec!["lv".into(), "en".into()],
                    bundle: true,
                    ..ExportContext::default()
                },
            ),
        ] {
            let (t, cpu, files) =
                measure::best_of(3, || exporter.export(&round, &context).unwrap());
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            let pages: usize = files
                .iter()
                .filter(|f| f.path.ends_with("transcript.pdf"))
                .map(|f| count_pages(&f.bytes))
                .sum();
            println!(
                "{n:>6} learners  {what:<15} {:>5} files  {pages:>5} pages  {:>6.1} MB  in memory {:>7.1} ms wall ({:.0} transcripts/s), {:>7.1} ms CPU",
                files.len(),
                bytes as f64 / 1e6,
                t.as_secs_f64() * 1e3,
                n as f64 / t.as_secs_f64(),
                cpu.as_secs_f64() * 1e3,
            );
            if !context.bundle {
                let dir = tempfile::tempdir().unwrap();
                let (w, _, _) = measure::best_of(1, || {
                    export::write_outputs(dir.path(), &files, export::WriteOptions::default())
                        .unwrap()
                });
                println!(
                    "{n:>6} learners  {what:<15}              written to disk in {:>7.1} ms",
                    w.as_secs_f64() * 1e3
                );
            }
        }
    }
}

/// Pages of a PDF.
fn count_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .map(|d| d.get_pages().len())
        .unwrap_or(0)
}
