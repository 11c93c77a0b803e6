//! The units a mobility plans to cover, apart from the results: the
//! template's planned-units sheet, read back into the learning agreement,
//! and each unit's own activities printed under that unit only.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use calamine::Reader;
use europass::mapping::{Mapping, SheetRole};
use europass::model::Field;
use serde_json::Value;

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

const TASKS: &str = "Brake diagnostics on customer cars";
const BRAKE_ACTIVITIES: &str = "Measure brake discs with the workshop mentor";
const TERMS_ACTIVITIES: &str = "Keep a glossary of workshop terms";

/// One row typed in: each value with its field.
type Row = Vec<(Field, &'static str)>;

/// What the test types into each sheet of the template: one row per record,
/// each value under the column of its field.
fn filling() -> Vec<(SheetRole, Vec<Row>)> {
    use Field as F;
    vec![
        (
            SheetRole::Organisations,
            vec![
                vec![
                    (F::OrganisationName, "Rīgas Tehnikums"),
                    (F::OrganisationCountry, "LV"),
                ],
                vec![
                    (F::OrganisationName, "Muster GmbH"),
                    (F::OrganisationCountry, "DE"),
                ],
            ],
        ),
        (
            SheetRole::Learners,
            vec![vec![
                (F::LearnerId, "A-1"),
                (F::LearnerGivenNames, "Anna"),
                (F::LearnerFamilyName, "Ozola"),
                (F::SendingName, "Rīgas Tehnikums"),
                (F::HostName, "Muster GmbH"),
                (F::MobilityStart, "2025-03-03"),
                (F::MobilityEnd, "2025-03-28"),
                (F::MobilityTasks, TASKS),
            ]],
        ),
        (
            SheetRole::Units,
            vec![
                vec![(F::UnitCode, "U1"), (F::UnitTitle, "Brake systems")],
                vec![
                    (F::UnitCode, "U2"),
                    (F::UnitTitle, "Professional terminology"),
                ],
                vec![(F::UnitCode, "U3"), (F::UnitTitle, "Workshop safety")],
            ],
        ),
        (
            SheetRole::Planned,
            vec![
                vec![
                    (F::LearnerId, "A-1"),
                    (F::UnitCode, "U1"),
                    (F::PlannedEcvetPoints, "3"),
                    (F::PlannedActivities, BRAKE_ACTIVITIES),
                ],
                vec![
                    (F::LearnerId, "A-1"),
                    (F::UnitCode, "U2"),
                    (F::PlannedEcvetPoints, "2"),
                    (F::PlannedActivities, TERMS_ACTIVITIES),
                ],
                // Planned with points only: no activities of its own.
                vec![
                    (F::LearnerId, "A-1"),
                    (F::UnitCode, "U3"),
                    (F::PlannedEcvetPoints, "1"),
                ],
            ],
        ),
        (
            SheetRole::Results,
            vec![vec![
                (F::LearnerId, "A-1"),
                (F::UnitCode, "U1"),
                (F::ResultGrade, "8"),
                (F::ResultGradingScheme, "lv-1-10"),
            ]],
        ),
    ]
}

/// Writes `europass template xlsx --lang <lang>`, then a copy of it filled
/// in: every sheet and header as the template has them, rows below.
fn filled_template(dir: &Path, lang: &str) -> PathBuf {
    let template = dir.join(format!("template-{lang}.xlsx"));
    europass()
        .args(["template", "xlsx", "--lang", lang])
        .arg(&template)
        .assert()
        .success();
    let mapping = Mapping::shipped_by_id(lang).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&template).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let mut planned_sheet_seen = false;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let headers: Vec<String> = range
            .rows()
            .next()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let Some(role) = mapping.role_for_sheet_name(&name) else {
            continue;
        };
        planned_sheet_seen |= role == SheetRole::Planned;
        let rows = filling()
            .into_iter()
            .find(|(r, _)| *r == role)
            .map(|(_, rows)| rows)
            .unwrap_or_default();
        for (r, row) in rows.iter().enumerate() {
            for (field, value) in row {
                let header = mapping.canonical_header(*field, None).unwrap();
                let c = headers
                    .iter()
                    .position(|h| h == header)
                    .unwrap_or_else(|| panic!("{lang}: sheet {name} lacks the column {header}"));
                ws.write_string(r as u32 + 1, c as u16, *value).unwrap();
            }
        }
    }
    assert!(
        planned_sheet_seen,
        "{lang}: the template has no planned-units sheet"
    );
    let filled = dir.join(format!("filled-{lang}.xlsx"));
    out.save(&filled).unwrap();
    filled
}

fn convert(input: &Path, out: &Path, to: &str) -> Value {
    let output = europass()
        .args(["convert", "--format", "json", "--to", to, "--out"])
        .arg(out)
        .arg(input)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_templates_planned_units_sheet_is_read_back_into_the_learning_agreement() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "lv"] {
        let filled = filled_template(dir.path(), lang);
        let out = dir.path().join(format!("out-{lang}"));
        let report = convert(&filled, &out, "json");
        let round: Value =
            serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
        let mobility = &round["mobilities"][0];
        assert_eq!(
            mobility["units"].as_array().unwrap().len(),
            3,
            "{lang}: every planned unit belongs to the mobility: {round:#}"
        );
        let agreement = &round["learning_agreements"][0];
        assert_eq!(agreement["mobility"], mobility["id"], "{lang}");
        let units = agreement["units"].as_array().unwrap();
        let planned: Vec<(f64, Option<&str>)> = units
            .iter()
            .map(|u| {
                (
                    u["credit_points"]["value"].as_f64().unwrap(),
                    u["activities"][lang].as_str(),
                )
            })
            .collect();
        assert_eq!(
            planned,
            [
                (3.0, Some(BRAKE_ACTIVITIES)),
                (2.0, Some(TERMS_ACTIVITIES)),
                (1.0, None)
            ],
            "{lang}: {agreement:#}"
        );
        // U2 and U3 are planned, not yet assessed: nothing says they lack a grade.
        let complaints: Vec<&Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] != "info" && d["severity"] != "note")
            .collect();
        assert!(complaints.is_empty(), "{lang}: {complaints:#?}");
        assert_eq!(round["assessments"].as_array().unwrap().len(), 1, "{lang}");
    }
}

#[test]
fn a_learning_agreement_prints_each_units_activities_under_it_and_the_tasks_once() {
    let dir = tempfile::tempdir().unwrap();
    let filled = filled_template(dir.path(), "en");
    let out = dir.path().join("out");
    convert(&filled, &out, "docx");
    let agreement = find(&out, "learning-agreement").expect("a learning agreement is written");
    let text = pdf_text(&agreement, dir.path());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("the agreement lacks \"{needle}\":\n{text}"))
    };
    assert_eq!(
        text.matches(TASKS).count(),
        1,
        "tasks printed once:\n{text}"
    );
    assert_eq!(text.matches(BRAKE_ACTIVITIES).count(), 1, "{text}");
    assert_eq!(text.matches(TERMS_ACTIVITIES).count(), 1, "{text}");
    let brakes = at("Brake systems");
    let terms = at("Professional terminology");
    assert!(
        at(TASKS) < brakes,
        "the tasks come before the units:\n{text}"
    );
    assert!(
        brakes < at(BRAKE_ACTIVITIES) && at(BRAKE_ACTIVITIES) < terms,
        "unit 1's activities sit under unit 1:\n{text}"
    );
    assert!(
        terms < at(TERMS_ACTIVITIES),
        "unit 2's activities sit under unit 2:\n{text}"
    );
}

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = find(&path, stem) {
                return Some(found);
            }
        } else if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(stem))
            && path.extension().is_some_and(|e| e == "docx")
        {
            return Some(path);
        }
    }
    None
}

/// The text of a DOCX as LibreOffice lays it out.
fn pdf_text(docx: &Path, work: &Path) -> String {
    let pdf_dir = work.join("pdf");
    let status = Process::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            work.join("lo-profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .arg(docx)
        .output()
        .expect("LibreOffice (soffice) must be installed: scripts/test installs it");
    assert!(status.status.success(), "soffice failed: {status:?}");
    let pdf = pdf_dir.join(docx.with_extension("pdf").file_name().unwrap());
    let out = Process::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: scripts/test installs it");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}
