//! Hostile and broken input (issue 8): every file in `fixtures/bad/` gets
//! its expected diagnostic, within 5 s, without a panic and without a file
//! written outside the output folder; a whole folder of them is converted in
//! one run, the good learners in it included.
//!
//! The files are made by `scripts/make-bad-fixtures.py`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

/// What one run of `europass convert` on a copy of a fixture gave.
struct Run {
    /// The report (`--format json` on stdout).
    report: Value,
    exit: Option<i32>,
    stderr: String,
    /// The temporary folder: `in/` the input, `work/` the working folder, `out/` the outputs.
    dir: tempfile::TempDir,
}

impl Run {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn codes(&self) -> Vec<&str> {
        diagnostics(&self.report)
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect()
    }

    fn with_code(&self, code: &str) -> Vec<&Value> {
        diagnostics(&self.report)
            .iter()
            .filter(|d| d["code"] == code)
            .collect()
    }

    fn round(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.out().join("round.json")).unwrap()).unwrap()
    }
}

fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().unwrap()
}

/// Copies `fixtures/bad/FILE` into a fresh folder and converts it from an
/// empty working folder into `out/`.
fn convert(file: &str, to: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::create_dir(dir.path().join("work")).unwrap();
    let input = dir.path().join("in").join(file);
    std::fs::copy(Path::new("fixtures/bad").join(file), &input).unwrap();
    let output = europass()
        .current_dir(dir.path().join("work"))
        .args(["convert", "--format", "json", "--to", to, "--out"])
        .arg(dir.path().join("out"))
        .args(extra)
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: no JSON report on stdout ({e}); stderr: {stderr}; stdout: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    Run {
        report,
        exit: output.status.code(),
        stderr,
        dir,
    }
}

#[test]
fn texts_and_dates_excel_cannot_hold_do_not_stop_the_feedback_or_the_workbook() {
    // A 1 MB cell (cut to the 100,000-character limit, which is still more
    // than the 32,767 an Excel cell holds) and dates in years 0 and 9999 in
    // an .ods used to fail the whole run at feedback.xlsx.
    let run = convert("one-megabyte-cell.xlsx", "json,xlsx", &[]);
    assert_eq!(run.exit, Some(0), "{}", run.stderr);
    assert!(run.out().join("feedback.xlsx").is_file());
    let cut = run.with_code("text-cut");
    assert_eq!(cut.len(), 1, "{:?}", run.codes());
    assert_eq!(cut[0]["location"]["file"], "round.xlsx");
    assert!(
        cut[0]["message"]
            .as_str()
            .unwrap()
            .contains("round.xlsx has it cut, the other outputs whole")
    );
    let knowledge = &run.round()["units"][0]["learning_outcomes"][0]["text"]["en"];
    assert_eq!(
        knowledge.as_str().unwrap().chars().count(),
        100_000,
        "round.json keeps the text as read"
    );

    let run = convert("dates-year-0-and-9999.ods", "json,xlsx", &[]);
    assert_eq!(run.exit, Some(1), "{}", run.stderr);
    assert!(run.out().join("feedback.xlsx").is_file());
    assert!(run.out().join("round.xlsx").is_file());
    assert_eq!(run.with_code("date-out-of-range").len(), 2);
}

#[test]
fn formulas_without_computed_values_are_reported_at_their_cells() {
    // Written by a script: formulas, and no value a spreadsheet computed.
    // They used to be read as empty cells without a word.
    let run = convert("formulas-without-cached-values.xlsx", "json", &[]);
    assert_eq!(run.exit, Some(1), "{}", run.stderr);
    let found: Vec<(String, String)> = run
        .with_code("formula-without-value")
        .iter()
        .map(|d| {
            assert_eq!(d["severity"], "error");
            assert!(d["hint"].as_str().unwrap().contains("save it again"));
            (
                format!(
                    "{}{}",
                    d["location"]["column"].as_str().unwrap(),
                    d["location"]["row"]
                ),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, "O2");
    assert!(found[0].1.contains("(=2+1)"), "{}", found[0].1);
    assert_eq!(found[1].0, "Q2");
    assert_eq!(found[2].0, "C3");
}

#[test]
fn a_header_row_with_nothing_below_it_is_said() {
    let run = convert("headers-only.csv", "json", &[]);
    assert_eq!(run.exit, Some(0), "{}", run.stderr);
    let empty = run.with_code("empty-sheet");
    assert_eq!(empty.len(), 1, "{:?}", run.codes());
    assert_eq!(empty[0]["severity"], "warning");
    assert!(
        empty[0]["message"]
            .as_str()
            .unwrap()
            .contains("header row (row 1) but no data rows")
    );
}

#[test]
fn one_learner_id_given_to_two_people_is_an_error_once() {
    // Learners DUP-1 Anna Ozola and DUP-1 Jānis Bērziņš: joined as one
    // learner, which used to be told only as differing values.
    let run = convert("duplicate-learner-keys.xlsx", "json", &[]);
    assert_eq!(run.exit, Some(1), "{}", run.stderr);
    let shared = run.with_code("duplicate-record");
    assert_eq!(shared.len(), 1, "{:?}", run.codes());
    assert_eq!(shared[0]["location"]["sheet"], "Learners");
    assert_eq!(shared[0]["location"]["row"], 3);
    assert_eq!(shared[0]["location"]["column"], "A");
    let message = shared[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "\"DUP-1\" is given to Jānis Bērziņš here and to Anna Ozola on Learners row 2"
        ),
        "{message}"
    );
}
