//! Word import speed: generates documents from code and times the work
//! `europass validate` does on them — one catalogue of many unit tables, an
//! agency's folder of one-grid-per-learner files with the units they refer
//! to, and the refusal of an `.xlsx` renamed to `.docx`.
//!
//! Run with `cargo bench --bench word` (sizes: `cargo bench --bench word --
//! UNITS GRIDS`, default 300 units and 1000 grid files).

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use europass::pipeline::{self, Options};

// The same allocator as the `europass` binary, so the numbers are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn docx(body: &str) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
    )
    .unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn row(cells: &[String]) -> String {
    let cells: String = cells.iter().map(|c| format!("<w:tc>{c}</w:tc>")).collect();
    format!("<w:tr>{cells}</w:tr>")
}

/// A unit table in the seed's template: labels left, K/S/C with bullets.
fn unit_table(i: usize) -> String {
    let list = |what: &str, n: usize| -> String {
        (0..n)
            .map(|k| p(&format!("• {what} statement {k} of unit {i}")))
            .collect()
    };
    format!(
        "<w:tbl>{}{}{}{}{}</w:tbl>{}",
        row(&[
            p("Name of the Unit:"),
            p(&format!("Unit number {i}")),
            String::new()
        ]),
        row(&[p("Unit code:"), p(&format!("U{i:05}")), String::new()]),
        row(&[
            p("EQF-level: 4"),
            p("National level: 3"),
            p("ECVET points: 3")
        ]),
        row(&[p("Knowledge"), p("Skills"), p("Competence")]),
        row(&[
            [p("He/she knows:"), list("Knowledge", 9)].concat(),
            [p("He/she is able to:"), list("Skill", 5)].concat(),
            [p("He/she is able to:"), list("Competence", 4)].concat(),
        ]),
        p(""),
    )
}

/// One learner's grid: header paragraphs, 28 criteria rated 1–3.
fn grid(i: usize, units: usize) -> String {
    let mut rows = vec![row(&[p("Criteria"), p("1"), p("2"), p("3")])];
    for k in 0..28 {
        let mark = 1 + (i + k) % 3;
        let cells: Vec<String> = (1..=3)
            .map(|c| p(if c == mark { "X" } else { "" }))
            .collect();
        rows.push(row(&[
            p(&format!("Criterion {k}")),
            cells[0].clone(),
            cells[1].clone(),
            cells[2].clone(),
        ]));
    }
    format!(
        "{}{}{}{}<w:tbl>{}</w:tbl>",
        p(&format!("Learner: Learner{i} Family{i}")),
        p(&format!("Unit code: U{:05}", i % units)),
        p("Assessor: Matti Virtanen"),
        p("Date: 28.03.2025"),
        rows.concat()
    )
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    drop(f());
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let units = sizes.first().copied().unwrap_or(300);
    let grids = sizes.get(1).copied().unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();

    let catalogue = dir.path().join("units.docx");
    let body: String = (0..units).map(unit_table).collect();
    std::fs::write(&catalogue, docx(&body)).unwrap();
    let size = std::fs::metadata(&catalogue).unwrap().len();
    let (t, loaded) = time(5, || {
        pipeline::load(std::slice::from_ref(&catalogue), &Options::default())
    });
    assert_eq!(loaded.round.units.len(), units);
    assert_eq!(loaded.report.summary.errors, 0);
    println!(
        "catalogue: {units} unit tables ({} KB): {:.1} ms, {} learning outcomes",
        size / 1024,
        t.as_secs_f64() * 1000.0,
        loaded
            .round
            .units
            .iter()
            .map(|u| u.learning_outcomes.len())
            .sum::<usize>()
    );

    let folder = dir.path().join("grids");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..grids {
        std::fs::write(
            folder.join(format!("grid-{i:05}.docx")),
            docx(&grid(i, units)),
        )
        .unwrap();
    }
    let inputs: Vec<PathBuf> = vec![catalogue.clone(), folder.clone()];
    let (t, loaded) = time(3, || pipeline::load(&inputs, &Options::default()));
    assert_eq!(loaded.round.assessments.len(), grids);
    println!(
        "agency folder: {grids} grid files + the catalogue: {:.0} ms ({:.2} ms per file), {} ratings",
        t.as_secs_f64() * 1000.0,
        t.as_secs_f64() * 1000.0 / grids as f64,
        loaded
            .round
            .assessments
            .iter()
            .map(|a| a.criteria.len())
            .sum::<usize>()
    );

    let renamed = dir.path().join("renamed.docx");
    std::fs::copy(Path::new("fixtures/demo/round.xlsx"), &renamed).unwrap();
    let (t, loaded) = time(20, || {
        pipeline::load(std::slice::from_ref(&renamed), &Options::default())
    });
    assert_eq!(loaded.report.summary.unreadable_files, 1);
    println!(
        "an .xlsx renamed to .docx refused in {:.2} ms",
        t.as_secs_f64() * 1000.0
    );
}
