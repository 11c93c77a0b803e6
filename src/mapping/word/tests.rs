//! Word recognition on documents built from typed parts in code: labels and
//! where their values are, statement blocks, grids and their marks,
//! placeholders, and several records in one table.

use super::{Recognised, WordRecord, recognise};
use crate::diagnostics::{Code, Diagnostic};
use crate::import::word::{Document, Paragraphs, Part, TextPlace, WordTable};
use crate::import::{InputFormat, MergedRange, Sheet};
use crate::mapping::SheetReport;
use crate::mapping::normalise::OutcomeLine;
use crate::mapping::records::OutcomeLists;

fn table(number: u32, rows: &[&[&str]]) -> Part {
    merged(number, rows, Vec::new())
}

fn merged(number: u32, rows: &[&[&str]], merges: Vec<MergedRange>) -> Part {
    Part::Table(WordTable {
        number: vec![number],
        cells: Sheet::from_text_rows(&format!("table {number}"), rows, merges),
    })
}

fn text(place: TextPlace, lines: &[&str]) -> Part {
    Part::Paragraphs(Paragraphs {
        place,
        lines: lines.iter().map(|l| l.to_string()).collect(),
    })
}

/// What recognition gives for a document of these parts.
struct Read {
    records: Vec<WordRecord<'static>>,
    reports: Vec<SheetReport>,
    diags: Vec<Diagnostic>,
}

fn read(parts: Vec<Part>) -> Read {
    let document = Document {
        file: "unit.docx".into(),
        format: InputFormat::Docx,
        parts,
        properties: Default::default(),
        notes: Vec::new(),
    };
    let mut diags = Vec::new();
    let (records, reports) = recognise(&document, None, &mut diags);
    Read {
        records,
        reports,
        diags,
    }
}

impl Read {
    fn codes(&self) -> Vec<Code> {
        self.diags.iter().map(|d| d.code).collect()
    }

    fn has(&self, code: Code) -> bool {
        self.codes().contains(&code)
    }

    fn recognised(&self, part: usize) -> Recognised {
        self.reports[part].document.as_ref().unwrap().recognised_as
    }
}

fn statements(lists: &OutcomeLists, lang: &str) -> Vec<String> {
    lists
        .get(lang)
        .map(|v| v.iter().map(|l| l.text.clone()).collect())
        .unwrap_or_default()
}

fn title(r: &WordRecord<'_>) -> String {
    r.record
        .unit
        .title
        .get("en")
        .unwrap_or_default()
        .to_string()
}

const KSC: [&str; 3] = ["Knowledge", "Skills", "Competence"];

#[test]
fn a_label_and_its_value_in_one_cell_name_the_field() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit: Vehicle diagnostics"],
            &["Knowledge:\n• Sensors"],
        ],
    )]);
    assert_eq!(read.records.len(), 1, "{:?}", read.diags);
    assert_eq!(title(&read.records[0]), "Vehicle diagnostics");
    assert_eq!(
        statements(&read.records[0].record.unit.knowledge, "en"),
        ["Sensors"]
    );
    assert_eq!(read.recognised(0), Recognised::UnitDescription);
}

#[test]
fn a_value_is_read_right_of_its_label() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &["Knowledge", "• Sensors\n• Actuators"],
        ],
    )]);
    assert_eq!(title(&read.records[0]), "Vehicle diagnostics");
    assert_eq!(
        statements(&read.records[0].record.unit.knowledge, "en"),
        ["Sensors", "Actuators"]
    );
}

#[test]
fn values_are_read_below_a_row_of_labels() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Knowledge", "Skills", "Competence"],
            &["Vehicle diagnostics", "• Sensors", "• Measure", "• Report"],
        ],
    )]);
    let unit = &read.records[0].record.unit;
    assert_eq!(title(&read.records[0]), "Vehicle diagnostics");
    assert_eq!(statements(&unit.knowledge, "en"), ["Sensors"]);
    assert_eq!(statements(&unit.skills, "en"), ["Measure"]);
    assert_eq!(statements(&unit.competence, "en"), ["Report"]);
}

#[test]
fn a_statement_list_goes_on_down_until_the_next_label() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit: Vehicle diagnostics"],
            &["Knowledge"],
            &["• Sensors"],
            &["• Actuators"],
            &["Skills"],
            &["• Measure"],
        ],
    )]);
    let unit = &read.records[0].record.unit;
    assert_eq!(statements(&unit.knowledge, "en"), ["Sensors", "Actuators"]);
    assert_eq!(statements(&unit.skills, "en"), ["Measure"]);
}

#[test]
fn an_empty_cell_right_of_a_label_is_its_empty_value() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &["Short description of the unit", ""],
            &["Knowledge", "• Sensors"],
        ],
    )]);
    let unit = &read.records[0].record.unit;
    assert!(unit.description.is_empty());
    assert_eq!(statements(&unit.knowledge, "en"), ["Sensors"]);
}

#[test]
fn a_label_merged_over_rows_takes_the_values_right_of_each_of_them() {
    let read = read(vec![merged(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &["Knowledge", "• Sensors"],
            &["", "• Actuators"],
        ],
        vec![MergedRange {
            first_row: 1,
            first_col: 0,
            last_row: 2,
            last_col: 0,
        }],
    )]);
    assert_eq!(
        statements(&read.records[0].record.unit.knowledge, "en"),
        ["Sensors", "Actuators"]
    );
}

#[test]
fn a_label_in_the_paragraphs_above_a_table_belongs_to_the_unit_below() {
    let read = read(vec![
        text(
            TextPlace::Before(1),
            &["Name of the Unit: Vehicle diagnostics"],
        ),
        table(1, &[&KSC, &["• Sensors", "• Measure", "• Report"]]),
    ]);
    assert_eq!(read.records.len(), 1, "{:?}", read.diags);
    assert_eq!(title(&read.records[0]), "Vehicle diagnostics");
    assert_eq!(read.recognised(0), Recognised::Labels);
    let attached = &read.reports[0].document.as_ref().unwrap().attached_to;
    assert_eq!(attached, &["table 1"]);
}

#[test]
fn bullets_split_into_statements_and_sub_bullets_into_their_details() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &[
                "Knowledge",
                "• Brakes:\n  o anti-lock\n  o stability\n• Sensors",
            ],
        ],
    )]);
    let lists = &read.records[0].record.unit.knowledge["en"];
    assert_eq!(
        lists,
        &[
            OutcomeLine {
                text: "Brakes:".into(),
                details: vec!["anti-lock".into(), "stability".into()],
            },
            OutcomeLine {
                text: "Sensors".into(),
                details: Vec::new(),
            },
        ]
    );
}

#[test]
fn an_intro_phrase_opens_a_statement_list_without_a_knowledge_header() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit: Vehicle diagnostics"],
            &["He/she knows:\n• Sensors\n• Actuators"],
            &["He/she is able to:\n• Measure"],
        ],
    )]);
    let unit = &read.records[0].record.unit;
    assert_eq!(statements(&unit.knowledge, "en"), ["Sensors", "Actuators"]);
    assert_eq!(statements(&unit.skills, "en"), ["Measure"]);
}

#[test]
fn a_units_title_coming_again_starts_the_next_unit_in_the_same_table() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &["Knowledge", "• Sensors"],
            &["Name of the Unit", "Brake systems"],
            &["Knowledge", "• Hydraulics"],
        ],
    )]);
    let titles: Vec<String> = read.records.iter().map(title).collect();
    assert_eq!(titles, ["Vehicle diagnostics", "Brake systems"]);
    assert_eq!(
        statements(&read.records[1].record.unit.knowledge, "en"),
        ["Hydraulics"]
    );
    let report = read.reports[0].document.as_ref().unwrap();
    assert_eq!(report.units, ["Vehicle diagnostics", "Brake systems"]);
}

#[test]
fn a_bilingual_label_names_one_field() {
    let read = read(vec![table(
        1,
        &[
            &[
                "Vienības nosaukums / Name of the Unit",
                "Vehicle diagnostics",
            ],
            &["Knowledge", "• Sensors"],
        ],
    )]);
    assert_eq!(read.records.len(), 1, "{:?}", read.diags);
    assert_eq!(
        read.records[0].record.unit.title.texts().next(),
        Some("Vehicle diagnostics")
    );
}

#[test]
fn a_templates_placeholder_is_reported_not_imported() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &[
                "Short description of the unit",
                "<brief overview of the unit>",
            ],
            &["Knowledge", "• Sensors"],
        ],
    )]);
    assert!(read.has(Code::PlaceholderText), "{:?}", read.codes());
    assert!(read.records[0].record.unit.description.is_empty());
}

#[test]
fn a_unit_without_a_title_or_code_is_reported_and_not_joined() {
    let read = read(vec![table(
        1,
        &[&KSC, &["• Sensors", "• Measure", "• Report"]],
    )]);
    assert!(read.records.is_empty());
    assert!(read.has(Code::MissingValue), "{:?}", read.codes());
    assert!(read.has(Code::NothingRecognised), "{:?}", read.codes());
}

/// A Finnish 1–3 grid for Anna Ozola in vehicle diagnostics, its labels in
/// the paragraphs above it.
fn grid(rows: &[&[&str]]) -> Read {
    let mut all: Vec<&[&str]> = vec![&["Criteria", "1", "2", "3"]];
    all.extend_from_slice(rows);
    read(vec![
        text(
            TextPlace::Before(1),
            &[
                "Name of the learner: Anna Ozola",
                "Name of the Unit: Vehicle diagnostics",
            ],
        ),
        table(1, &all),
    ])
}

#[test]
fn a_grid_is_told_by_columns_headed_with_a_schemes_values_and_read_by_its_marks() {
    let read = grid(&[&["Teamwork", "", "x", ""], &["Safety", "", "", "✓"]]);
    assert_eq!(read.records.len(), 1, "{:?}", read.diags);
    let record = &read.records[0].record;
    let rated: Vec<(String, String, String)> = record
        .result
        .criteria
        .iter()
        .map(|c| {
            (
                c.criterion.texts().next().unwrap_or("").to_string(),
                c.value.value.clone(),
                c.value.scheme.clone(),
            )
        })
        .collect();
    assert_eq!(
        rated,
        [
            ("Teamwork".into(), "2".into(), "fi-1-3".into()),
            ("Safety".into(), "3".into(), "fi-1-3".into())
        ]
    );
    assert_eq!(record.learner.given_names.as_deref(), Some("Anna"));
    assert_eq!(read.recognised(1), Recognised::AssessmentGrid);
    let report = read.reports[1].document.as_ref().unwrap();
    let g = report.grid.as_ref().unwrap();
    assert_eq!((g.criteria, g.rated), (2, 2));
    assert_eq!(g.scheme.as_deref(), Some("fi-1-3"));
    // A grid names its learner and unit; it defines neither.
    assert!(read.records[0].sheet.references);
}

#[test]
fn a_criterion_marked_twice_or_not_at_all_gets_no_rating_and_is_reported() {
    let read = grid(&[
        &["Teamwork", "x", "x", ""],
        &["Safety", "", "", ""],
        &["Punctuality", "", "x", ""],
    ]);
    assert!(read.has(Code::RatingMarkedTwice), "{:?}", read.codes());
    assert!(read.has(Code::RatingNotMarked), "{:?}", read.codes());
    let record = &read.records[0].record;
    assert_eq!(record.result.criteria.len(), 1);
    assert!(
        record
            .unmapped
            .iter()
            .any(|(k, v)| k == "criterion without rating" && v == "Safety"),
        "{:?}",
        record.unmapped
    );
}

#[test]
fn text_in_a_rating_column_that_is_not_a_mark_is_reported() {
    let read = grid(&[&["Teamwork", "", "x", "maybe"]]);
    assert!(read.has(Code::UnreadableMark), "{:?}", read.codes());
    assert_eq!(read.records[0].record.result.criteria.len(), 1);
}

#[test]
fn a_grid_naming_no_learner_is_reported_and_not_joined() {
    let read = read(vec![table(
        1,
        &[&["Criteria", "1", "2", "3"], &["Teamwork", "", "x", ""]],
    )]);
    assert!(read.records.is_empty());
    assert!(
        read.diags
            .iter()
            .any(|d| d.code == Code::MissingValue && d.message.contains("no learner")),
        "{:?}",
        read.diags
    );
}

#[test]
fn a_table_that_is_neither_a_unit_nor_a_grid_is_reported() {
    let read = read(vec![table(
        1,
        &[&["Lunch menu", "Soup"], &["Monday", "Fish"]],
    )]);
    assert!(read.has(Code::TableNotRecognised), "{:?}", read.codes());
    assert!(read.has(Code::NothingRecognised), "{:?}", read.codes());
    assert_eq!(read.recognised(0), Recognised::NotRecognised);
    assert_eq!(read.reports[0].rows.reported, 1);
}

#[test]
fn paragraphs_without_labels_are_prose_and_left_alone() {
    let read = read(vec![
        text(TextPlace::Before(1), &["This document describes our unit."]),
        table(
            1,
            &[
                &["Name of the Unit", "Vehicle diagnostics"],
                &["Knowledge", "• Sensors"],
            ],
        ),
    ]);
    assert_eq!(read.recognised(0), Recognised::Text);
    assert!(!read.has(Code::UnlabelledText), "{:?}", read.codes());
    assert_eq!(read.records.len(), 1);
}

#[test]
fn text_under_no_label_in_a_table_is_kept_as_an_unmapped_value() {
    let read = read(vec![table(
        1,
        &[
            &["Name of the Unit", "Vehicle diagnostics"],
            &["Knowledge", "• Sensors"],
            &["Signed by the school"],
        ],
    )]);
    assert!(read.has(Code::UnlabelledText), "{:?}", read.codes());
    let unmapped = &read.records[0].record.unmapped;
    assert!(
        unmapped.iter().any(|(_, v)| v == "Signed by the school"),
        "{unmapped:?}"
    );
}
