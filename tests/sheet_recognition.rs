//! A sheet is read as mobility data only when its matched headers can make
//! a record of its role: a sheet documenting a data model or counting
//! mobilities per country matches two headers of a mapping, and is reported
//! with the headers that matched and those missing — never read as 21
//! learners or 1,223 organisations.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use europass::diagnostics::Code;
use europass::pipeline::{self, Loaded, Options};
use rust_xlsxwriter::Workbook;

/// A workbook of one sheet per `(name, rows)`, the first row its header.
fn workbook(dir: &Path, file: &str, sheets: &[(&str, Vec<Vec<String>>)]) -> PathBuf {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, value).unwrap();
            }
        }
    }
    let path = dir.join(file);
    book.save(&path).unwrap();
    path
}

fn rows(header: &[&str], body: impl Iterator<Item = Vec<String>>) -> Vec<Vec<String>> {
    std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(body)
        .collect()
}

/// A model's documentation: one row per field, 21 of them.
fn model_documentation() -> Vec<Vec<String>> {
    rows(
        &["Name", "Description", "Type", "Example"],
        (1..=21).map(|i| {
            vec![
                format!("field_{i}"),
                format!("What field {i} holds"),
                "string".into(),
                format!("example {i}"),
            ]
        }),
    )
}

/// The same in German, whose "Name" is a family name and "Beschreibung" a
/// unit's description.
fn german_model_documentation() -> Vec<Vec<String>> {
    rows(
        &["Name", "Beschreibung", "Typ"],
        (1..=21).map(|i| vec![format!("feld_{i}"), format!("Feld {i}"), "Text".into()]),
    )
}

/// Mobilities per country and organisation.
fn statistics() -> Vec<Vec<String>> {
    rows(
        &["Country", "Organisation", "Learners", "Mobilities"],
        (1..=300).map(|i| {
            vec![
                ["LV", "FI", "DE"][i % 3].into(),
                format!("Organisation {i}"),
                (i % 17).to_string(),
                (i % 5).to_string(),
            ]
        }),
    )
}

fn load(path: &Path) -> Loaded {
    pipeline::load(&[path.to_path_buf()], &Options::default())
}

/// The `no-matching-mapping` diagnostics located on `sheet`.
fn sheet_diagnostics(loaded: &Loaded, sheet: &str) -> Vec<String> {
    loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::NoMatchingMapping)
        .filter(|d| d.location.sheet.as_deref() == Some(sheet))
        .map(|d| format!("{d} | {}", d.hint.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn a_model_documentation_workbook_makes_no_learners_and_no_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        "model.xlsx",
        &[
            ("Fields", model_documentation()),
            ("Felder", german_model_documentation()),
        ],
    );
    let loaded = load(&path);
    assert!(
        loaded.round.learners.is_empty(),
        "{:?}",
        loaded.round.learners
    );
    assert!(loaded.round.organisations.is_empty());
    assert!(loaded.round.units.is_empty());
    let fields = sheet_diagnostics(&loaded, "Fields");
    assert_eq!(fields.len(), 1, "{:#?}", loaded.report.diagnostics);
    let d = &fields[0];
    assert!(d.contains("model.xlsx"), "{d}");
    assert!(d.contains("\"Name\" (organisation.name)"), "{d}");
    assert!(d.contains("\"Type\" (organisation.role)"), "{d}");
    assert!(
        d.contains("missing how to reach or identify the organisation"),
        "{d}"
    );
    assert!(d.contains("add a column headed \"Address\""), "{d}");
    assert!(d.contains("or write a mapping"), "{d}");
    let german = sheet_diagnostics(&loaded, "Felder");
    assert_eq!(german.len(), 1, "{:#?}", loaded.report.diagnostics);
    assert!(
        german[0].contains("\"Name\" (learner.family_name)"),
        "{}",
        german[0]
    );
    assert!(german[0].contains("missing the learner"), "{}", german[0]);
}

#[test]
fn a_statistics_sheet_of_organisations_and_countries_makes_no_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path(), "statistics.xlsx", &[("2025", statistics())]);
    let loaded = load(&path);
    assert!(loaded.round.organisations.is_empty());
    assert!(loaded.round.learners.is_empty());
    let d = sheet_diagnostics(&loaded, "2025");
    assert_eq!(d.len(), 1, "{:#?}", loaded.report.diagnostics);
    assert!(
        d[0].contains("\"Country\" (organisation.country)"),
        "{}",
        d[0]
    );
    assert!(
        d[0].contains("\"Organisation\" (organisation.name)"),
        "{}",
        d[0]
    );
}

#[test]
fn inspect_shows_the_header_row_of_each_unrecognised_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        "mixed.xlsx",
        &[("Fields", model_documentation()), ("2025", statistics())],
    );
    let out = cargo_bin_cmd!("europass")
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sheet \"Fields\": not recognised; its header row (1):"),
        "{text}"
    );
    for header in ["Description", "Example", "Learners", "Mobilities"] {
        assert!(
            text.lines()
                .any(|l| l.contains(header) && l.contains("(matches no field)")),
            "{header}: {text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.contains("Country") && l.contains("organisation.country")),
        "{text}"
    );
    assert!(text.contains("[no-matching-mapping]"), "{text}");
}

#[test]
fn a_minimal_learner_sheet_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let learners = rows(
        &["Given name", "Family name", "Date of birth"],
        [vec!["Anna".into(), "Ozola".into(), "2006-02-01".into()]].into_iter(),
    );
    let path = workbook(
        dir.path(),
        "learners.xlsx",
        &[("Sheet1", learners), ("Fields", model_documentation())],
    );
    let loaded = load(&path);
    assert_eq!(
        loaded.round.learners.len(),
        1,
        "{:#?}",
        loaded.report.diagnostics
    );
    assert!(sheet_diagnostics(&loaded, "Sheet1").is_empty());
    // The documentation beside it is reported, not read.
    assert_eq!(sheet_diagnostics(&loaded, "Fields").len(), 1);
    assert!(loaded.round.organisations.is_empty());
}

#[test]
fn an_organisations_sheet_with_an_address_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let partners = rows(
        &["Organisation", "Country", "Address"],
        [vec!["Oy Auto".into(), "FI".into(), "Helsinki".into()]].into_iter(),
    );
    let learners = rows(
        &[
            "Given name",
            "Family name",
            "Host organisation",
            "Start date",
        ],
        [vec![
            "Anna".into(),
            "Ozola".into(),
            "Oy Auto".into(),
            "2025-03-03".into(),
        ]]
        .into_iter(),
    );
    let path = workbook(
        dir.path(),
        "partners.xlsx",
        &[("Partners", partners), ("Learners", learners)],
    );
    let loaded = load(&path);
    assert!(sheet_diagnostics(&loaded, "Partners").is_empty());
    assert!(
        loaded
            .round
            .organisations
            .iter()
            .any(|o| format!("{:?}", o.name).contains("Oy Auto")),
        "{:#?}",
        loaded.round.organisations
    );
}
