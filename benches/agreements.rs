//! Agreement speed: generates a round of N learners (default 1,000) from
//! code and times filling a Learning Agreement per mobility from a Word
//! template (the starter template, filled as a school's own: missing values
//! marked), the work `convert --to docx --template FILE` does after import.
//!
//! Run with `cargo bench --bench agreements` (or `scripts/bench`); sizes can
//! be given: `cargo bench --bench agreements -- 1000 5000`.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use europass::export::word::data::learning_agreements;
use europass::export::word::{FillOptions, Kind, Missing, Template, fields, layout};

#[path = "support/round.rs"]
mod generated;
use generated::round;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    let languages = vec!["lv".to_string(), "en".to_string()];
    let template_bytes = layout::starter(Kind::LearningAgreement, &languages).unwrap();
    let options = FillOptions {
        languages: languages.clone(),
        missing: Missing::default(),
    };
    println!(
        "agreements: fill Learning Agreements from a template ({} threads), median of 5 after a warm-up",
        rayon::current_num_threads()
    );
    println!(
        "{:>8} {:>12} {:>12} {:>10} {:>12}",
        "docs", "compile", "fill", "docs/s", "MB written"
    );
    for n in sizes {
        let round = round(n);
        let mut times: Vec<(Duration, Duration, usize)> = Vec::new();
        for run in 0..6 {
            let t0 = Instant::now();
            let template =
                Template::compile(template_bytes.clone(), Kind::LearningAgreement).unwrap();
            let compiled = t0.elapsed();
            let t1 = Instant::now();
            let docs = learning_agreements(&round, &languages);
            let bytes: usize = docs
                .par_iter()
                .map(|d| {
                    let record = fields::learning_agreement_record(d);
                    template.fill(&record, &options).unwrap().bytes.len()
                })
                .sum();
            let filled = t1.elapsed();
            assert_eq!(docs.len(), n);
            if run > 0 {
                times.push((compiled, filled, bytes));
            }
        }
        times.sort_by_key(|t| t.1);
        let (compiled, filled, bytes) = times[times.len() / 2];
        println!(
            "{:>8} {:>10.3} s {:>10.3} s {:>10.0} {:>12.1}",
            n,
            compiled.as_secs_f64(),
            filled.as_secs_f64(),
            n as f64 / filled.as_secs_f64(),
            bytes as f64 / 1e6
        );
    }
}
