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
