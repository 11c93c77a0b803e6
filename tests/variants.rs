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

/// The flat CSV with the cells of each data row indented by a different
/// number of spaces (0 to 9), which every field's reading trims: no row's
/// cells are then those of any of the rows just before it, so no row shares
/// a part read on another (a flat sheet's rows do, when their cells repeat).
/// Both must give the same round. The unmapped column is left as it is:
/// its values are kept as written.
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
    let indented = dir.path().join("flat-indented.csv");
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(b';')
        .from_path(&indented)
        .unwrap();
    let mut records = reader.records().map(Result::unwrap);
    let header = records.next().unwrap();
    let unmapped = header.iter().position(|h| h == "Mācību grupa").unwrap();
    writer.write_record(&header).unwrap();
    for (i, record) in records.enumerate() {
        let cells = record.iter().enumerate().map(|(c, cell)| {
            if cell.is_empty() || c == unmapped {
                cell.to_string()
            } else {
                format!("{}{cell}", " ".repeat(i % 10))
            }
        });
        writer.write_record(cells).unwrap();
    }
    writer.flush().unwrap();
    let indented = round_of(indented.to_str().unwrap());
    let flat = round_of("fixtures/variants/flat-windows-1257.csv");
    if let Some(d) = first_difference(&flat, &indented, "round") {
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
