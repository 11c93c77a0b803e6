//! Import speed: generates flat rounds from code (one row per learner × unit,
//! Latvian headers, as schools keep them) and times reading, mapping,
//! joining and checking them, the work `europass validate` does: in this
//! process (the library), and as `europass validate FILE` in a fresh process
//! each run (what a user waits for).
//!
//! Run with `cargo bench --bench import` (or `scripts/bench`). Sizes can be
//! given as arguments: `cargo bench --bench import -- 1000 100000`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use europass::pipeline::{self, Options};

// The same allocator as the `europass` binary, so the numbers are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/measure.rs"]
mod measure;
const HEADERS: &[&str] = &[
    "Audzēkņa ID",
    "Vārds",
    "Uzvārds",
    "Dzimšanas datums",
    "Personas kods",
    "E-pasts",
    "Nosūtošā organizācija",
    "Uzņemošā organizācija",
    "Uzņemošā valsts",
    "Mentors",
    "Sākuma datums",
    "Beigu datums",
    "Kvalifikācija",
    "Vienības kods",
    "Vienības nosaukums",
    "EKI līmenis",
    "ECVET punkti",
    "Vērtējums",
    "Sasniegts",
    "Vērtēšanas datums",
    "Kritēriju skala",
    "Kritērijs: Komandas darbs",
    "Kritērijs: Iniciatīva",
    "Piezīmes",
];

const GIVEN: &[&str] = &[
    "Anna",
    "Jānis",
    "Līga",
    "Mārtiņš",
    "Elīza",
    "Kristaps",
    "Ērika",
    "Roberts",
    "Dārta",
    "Ņikita",
    "Agnese",
    "Edgars",
    "Katrīna",
    "Oskars",
];
const FAMILY: &[&str] = &[
    "Ozola",
    "Bērziņš",
    "Kalniņa",
    "Liepiņš",
    "Zariņa",
    "Ozoliņš",
    "Vītola",
    "Krūmiņš",
    "Šmite",
    "Ivanovs",
    "Žagare",
    "Čaks",
    "Ģēģere",
    "Ķēniņš",
];
const HOSTS: &[(&str, &str, &str)] = &[
    ("Oy Autokorjaamo Virtanen Ab", "FI", "Matti Virtanen"),
    ("Restaurointi Mäkinen Oy", "FI", "Liisa Mäkinen"),
    ("Autohaus Müller GmbH", "DE", "Jürgen Weiß"),
    ("Restaurierungswerkstatt Schröder", "DE", "Grete Schröder"),
];
const UNITS: &[(&str, &str)] = &[
    ("0101", "Transportlīdzekļu stabilitātes vadības sistēmas"),
    ("0102", "Internacionalizācija un projektu vadība"),
    ("0201", "Lodēšanas metodes restaurācijā"),
    ("0202", "Profesionālā terminoloģija svešvalodā"),
];

/// One data row of the generated flat sheet, as text cells.
fn row(i: usize) -> Vec<String> {
    let learner = i / 2;
    let (host, country, mentor) = HOSTS[learner % HOSTS.len()];
    let (code, title) = UNITS[(learner % 2) * 2 + i % 2];
    let finland = country == "FI";
    let day = 1 + learner % 28;
    let grade = 4 + (i * 7) % 7;
    vec![
        format!("B-{learner:06}"),
        GIVEN[learner % GIVEN.len()].to_string(),
        format!("{}{}", FAMILY[(learner / 14) % FAMILY.len()], learner / 196),
        format!("{day:02}.{:02}.2005", 1 + learner % 12),
        format!("{day:02}{:02}05-{:05}", 1 + learner % 12, learner % 100_000),
        format!("b{learner}@audzekni.example.lv"),
        "Vidzemes Profesionālā vidusskola".into(),
        host.into(),
        country.into(),
        mentor.into(),
        "03.03.2025".into(),
        "28.03.2025".into(),
        "Automehāniķis".into(),
        code.into(),
        title.into(),
        "4".into(),
        if i.is_multiple_of(2) { "3" } else { "1,5" }.into(),
        grade.to_string(),
        "pilnībā".into(),
        "28.03.2025".into(),
        if finland { "fi-1-3" } else { "" }.into(),
        if finland {
            ((i % 3) + 1).to_string()
        } else {
            String::new()
        },
        if finland {
            (((i + 1) % 3) + 1).to_string()
        } else {
            String::new()
        },
        if i.is_multiple_of(10) {
            "Ļoti labi strādā komandā.".into()
        } else {
            String::new()
        },
    ]
}

fn write_csv(path: &Path, rows: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "{}", HEADERS.join(";")).unwrap();
    for i in 0..rows {
        writeln!(out, "{}", row(i).join(";")).unwrap();
    }
}

fn write_xlsx(path: &Path, rows: usize) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Mobilitāte").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        for (c, v) in row(i).iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            // Numbers as numbers, the way a spreadsheet holds them.
            match v.parse::<f64>() {
                Ok(n) if c != 13 => ws.write_number(1 + i as u32, c as u16, n).unwrap(),
                _ => ws.write_string(1 + i as u32, c as u16, v).unwrap(),
            };
        }
    }
    wb.save(path).unwrap();
}

fn time_load(path: &Path, runs: usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut records = 0;
    // One untimed run first: the first touches cold pages and file cache.
    drop(pipeline::load(&[path.to_path_buf()], &Options::default()));
    for _ in 0..runs {
        let start = Instant::now();
        let loaded = pipeline::load(&[path.to_path_buf()], &Options::default());
        times.push(start.elapsed());
        records = loaded.report.rows.records;
        assert_eq!(
            loaded.report.summary.errors, 0,
            "the generated round must be clean"
        );
    }
    times.sort();
    (times[times.len() / 2], records)
}

/// The median wall time of `europass validate FILE` run as a user runs it:
/// a fresh process each time, memory and thread pool included.
fn time_validate(path: &Path, runs: usize) -> Duration {
    let exe = env!("CARGO_BIN_EXE_europass");
    let mut times = Vec::new();
    for _ in 0..runs + 1 {
        let start = Instant::now();
        let status = std::process::Command::new(exe)
            .arg("validate")
            .arg(path)
            .args(["--format", "json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        times.push(start.elapsed());
        assert_eq!(status.code(), Some(0), "the generated round must validate");
    }
    // The first run only warms the file cache.
    times.remove(0);
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    // EUROPASS_BENCH_DIR keeps the generated files (to profile or inspect them).
    let temp = tempfile::tempdir().unwrap();
    let dir_path = std::env::var_os("EUROPASS_BENCH_DIR")
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&dir_path).unwrap();
    println!(
        "import benchmark ({} threads)",
        rayon::current_num_threads()
    );
    println!(
        "{:>8}  {:>5}  {:>10}  {:>12}  {:>10}  {:>14}  {:>12}",
        "rows", "format", "median", "rows/s", "peak RSS", "validate (CLI)", "rows/s"
    );
    for &n in &sizes {
        let runs = 5;
        for (format, write) in [("csv", write_csv as fn(&Path, usize)), ("xlsx", write_xlsx)] {
            let path: PathBuf = dir_path.join(format!("flat-{n}.{format}"));
            write(&path, n);
            let (median, records) = time_load(&path, runs);
            assert_eq!(records, n);
            let cli = time_validate(&path, runs);
            println!(
                "{n:>8}  {format:>5}  {:>8.3} s  {:>12.0}  {:>7.0} MB  {:>12.3} s  {:>12.0}",
                median.as_secs_f64(),
                n as f64 / median.as_secs_f64(),
                measure::peak_rss_mb(),
                cli.as_secs_f64(),
                n as f64 / cli.as_secs_f64(),
            );
        }
    }
}
