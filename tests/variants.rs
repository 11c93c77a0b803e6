//! The demo round exists as a multi-sheet workbook and as flat, CSV, xls and
//! messy variants; every one must import to exactly the same canonical round.

use std::path::PathBuf;

use europass::pipeline::{self, Options};
use serde_json::Value;

fn round_of(path: &str) -> Value {
    let loaded = pipeline::load(&[PathBuf::from(path)], &Options::default());
    let errors: Vec<String> = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == europass::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{path} has errors:\n{}",
        errors.join("\n")
    );
    serde_json::to_value(&loaded.round).unwrap()
}

/// The first place two JSON values differ, as a path.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(va, vb, &format!("{path}.{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let (va, vb) = (
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(va, vb, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            None
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} ≠ {b}")),
    }
}

fn assert_same_round(variant: &str) {
    let demo = round_of("fixtures/demo/round.xlsx");
    let other = round_of(variant);
    if let Some(d) = first_difference(&demo, &other, "round") {
        panic!("{variant} differs from the demo round at {d}");
    }
}

#[test]
fn flat_ods_imports_to_the_demo_round() {
    assert_same_round("fixtures/variants/flat.ods");
}

#[test]
fn flat_xls_imports_to_the_demo_round() {
    assert_same_round("fixtures/variants/flat.xls");
}

#[test]
fn windows_1257_csv_imports_to_the_demo_round() {
    assert_same_round("fixtures/variants/flat-windows-1257.csv");
}

#[test]
fn messy_workbook_imports_to_the_demo_round() {
    assert_same_round("fixtures/variants/messy.xlsx");
}

#[test]
fn messy_ods_with_spanned_cells_imports_to_the_demo_round() {
    assert_same_round("fixtures/variants/messy.ods");
}

/// The flat CSV with a blank row after every data row: no row follows the
/// row before it, so no row shares a part read on the row above (a flat
/// sheet's rows do, when their cells repeat). Both must give the same round.
#[test]
fn rows_sharing_repeated_parts_give_the_round_of_rows_read_alone() {
    let bytes = std::fs::read("fixtures/variants/flat-windows-1257.csv").unwrap();
    let (text, _, _) = encoding_rs::WINDOWS_1257.decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("flat-spaced.csv");
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(b';')
        .from_path(&spaced)
        .unwrap();
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
        writer.write_record([""]).unwrap();
    }
    writer.flush().unwrap();
    let spaced = round_of(spaced.to_str().unwrap());
    let flat = round_of("fixtures/variants/flat-windows-1257.csv");
    if let Some(d) = first_difference(&flat, &spaced, "round") {
        panic!("rows read alone differ from rows sharing parts at {d}");
    }
}

/// A repeated cell that cannot be read is reported on every row that has it,
/// not only on the first: a row shares only parts read without a problem.
#[test]
fn a_repeated_cell_with_a_problem_is_reported_on_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repeated.csv");
    std::fs::write(
        &path,
        "Audzēkņa ID;Vārds;Uzvārds;Dzimšanas datums;Vienības kods;Vienības nosaukums\n\
         B-1;Anna;Ozola;31.02.2005;0101;Stabilitātes sistēmas\n\
         B-1;Anna;Ozola;31.02.2005;0102;Projektu vadība\n\
         B-1;Anna;Ozola;31.02.2005;0103;Lodēšana\n",
    )
    .unwrap();
    let loaded = pipeline::load(&[path], &Options::default());
    let rows: Vec<(Option<u32>, Option<u32>)> = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == europass::Code::InvalidDate)
        .map(|d| (d.location.row, d.location.column))
        .collect();
    assert_eq!(
        rows,
        [(Some(2), Some(3)), (Some(3), Some(3)), (Some(4), Some(3))]
    );
    assert_eq!(loaded.round.learners.len(), 1);
    assert_eq!(loaded.round.assessments.len(), 0);
    assert_eq!(loaded.round.units.len(), 3);
}
