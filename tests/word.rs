//! Word documents: unit descriptions and assessment grids read into the
//! canonical model, alone and joined with the spreadsheets, through the
//! library and the `europass` binary.
//!
//! Fixtures are `fixtures/word/*.docx` (scripts/make-docx-fixtures.py: the
//! seed units and the seed's Finnish grid written by python-docx and by
//! LibreOffice); documents that no office suite writes (strict OOXML, a
//! renamed main part, damaged parts) are made here from raw XML.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use europass::model::{OutcomeCategory, Round, Unit};
use europass::pipeline::{self, Loaded, Options};
use europass::{Code, Severity};
use serde_json::Value;

fn load(files: &[&Path]) -> Loaded {
    let paths: Vec<PathBuf> = files.iter().map(|p| p.to_path_buf()).collect();
    pipeline::load(&paths, &Options::default())
}

fn fixture(name: &str) -> PathBuf {
    Path::new("fixtures/word").join(name)
}

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

fn unit<'r>(round: &'r Round, title: &str) -> &'r Unit {
    round
        .units
        .iter()
        .find(|u| u.title.iter().any(|(_, t)| t == title))
        .unwrap_or_else(|| {
            let titles: Vec<_> = round.units.iter().map(|u| &u.title).collect();
            panic!("no unit \"{title}\" among {titles:?}")
        })
}

fn statements(u: &Unit, category: OutcomeCategory, lang: &str) -> Vec<String> {
    u.learning_outcomes
        .iter()
        .filter(|o| o.category == category)
        .map(|o| o.text.get(lang).unwrap_or_default().to_string())
        .collect()
}

fn codes(loaded: &Loaded, code: Code) -> Vec<&europass::Diagnostic> {
    loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

/// The ratings the fixture generator writes: a fixed pattern of 1–3.
fn ratings(n: usize, seed: usize) -> Vec<String> {
    (0..n)
        .map(|i| (1 + (i * 7 + seed) % 3).to_string())
        .collect()
}

/// A .docx from raw parts, as a writer nobody tested might make it.
fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in parts {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

fn body(ns: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>"#
    )
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn tc(content: &str) -> String {
    format!("<w:tc>{content}</w:tc>")
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The first seed unit as Word itself writes lists: one multi-level
/// numbering definition, sub-points at level 1.
fn word_like_seed_unit() -> Vec<u8> {
    let item = |level: u8, text: &str| {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    };
    let knowledge = [
        p("He/she knows:"),
        p("Wheel anti-lock brake systems:"),
        item(
            0,
            "Theory of operation – integrated system, additional system",
        ),
        item(
            0,
            "Study of circuits – electrical circuit, hydraulic circuit",
        ),
        item(0, "Strategy of the logic controller"),
        item(0, "Diagnostic, maintenance and servicing"),
        p("Stability and control systems:"),
        item(0, "Theory of operation"),
        item(0, "The electric circuits"),
        item(0, "The hydraulic circuits"),
        item(0, "Sensors"),
        item(0, "Diagnostic, maintenance and servicing"),
    ]
    .concat();
    let skills = [
        p("He/she is able to:"),
        item(0, "Identify the elements constituting the wheel anti-lock brake system and stability control"),
        item(0, "Establish a diagnostic procedure taking into account the possible interactions between the systems"),
        item(0, "Apply testing procedure"),
        item(0, "Choose the nature of action to be taken"),
        item(0, "Repair/replace the components of vehicle stability management systems"),
    ]
    .concat();
    let competence = [
        p("He/she is able to:"),
        item(0, "Diagnose and repair the vehicle stability management system independently and responsibly"),
        item(1, "Identify with precision the symptoms of the fault"),
        item(1, "Select the hypotheses of the fault depending on the symptoms"),
        item(1, "Test the system"),
        item(1, "Validate the malfunction and choose the appropriate action to be done"),
        item(1, "Respect the methods and schedule"),
        item(0, "Organise the work respecting health and safety rules"),
        item(0, "Reconcile the needs of customers and colleagues with those of the company in specific situations"),
        item(0, "Independently and responsibly recognise the limits of own competence"),
    ]
    .concat();
    let span = |n: u32, content: &str| {
        format!("<w:tc><w:tcPr><w:gridSpan w:val=\"{n}\"/></w:tcPr>{content}</w:tc>")
    };
    let table = format!(
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>{}{}{}{}{}</w:tbl>",
        tr(&[
            tc(&p("Name of the Unit:")),
            span(2, &p("Vehicle stability management systems"))
        ]),
        tr(&[
            tc(&p("Reference to the qualification:")),
            span(2, &p("Car mechanic"))
        ]),
        tr(&[tc(&p("EQF-level: 4")), span(2, &p("National level: 3"))]),
        tr(&[tc(&p("Knowledge")), tc(&p("Skills")), tc(&p("Competence"))]),
        tr(&[tc(&knowledge), tc(&skills), tc(&competence)]),
    );
    let numbering = format!(
        r#"<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/><w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    docx(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", &body(W_NS, &table)),
        ("word/numbering.xml", &numbering),
    ])
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn the_seed_vehicle_unit_imports_alike_from_every_writer() {
    let dir = tempfile::tempdir().unwrap();
    let word_like = write(dir.path(), "word-like.docx", &word_like_seed_unit());
    let mut units = Vec::new();
    for file in [
        fixture("seed-units.python-docx.docx"),
        fixture("seed-units.libreoffice.docx"),
        word_like,
    ] {
        let loaded = load(&[&file]);
        let round = &loaded.round;
        assert_eq!(
            loaded.report.summary.errors,
            0,
            "{}",
            loaded.report.to_human(false)
        );
        let u = unit(round, "Vehicle stability management systems");
        let q = round
            .qualifications
            .iter()
            .find(|q| Some(&q.id) == u.qualification.as_ref())
            .expect("the unit names its qualification");
        assert_eq!(
            q.title.get("en"),
            Some("Car mechanic"),
            "{}",
            file.display()
        );
        assert_eq!(u.nqf_level.as_ref().map(|l| l.level.as_str()), Some("3"));
        assert_eq!(u.eqf_level.map(|l| l.get()), Some(4));
        let knowledge = statements(u, OutcomeCategory::Knowledge, "en");
        assert_eq!(knowledge.len(), 9, "{}: {knowledge:#?}", file.display());
        assert_eq!(
            knowledge[0],
            "Wheel anti-lock brake systems: Theory of operation – integrated system, additional system"
        );
        assert_eq!(knowledge[7], "Stability and control systems: Sensors");
        let skills = statements(u, OutcomeCategory::Skill, "en");
        assert_eq!(skills.len(), 5, "{}: {skills:#?}", file.display());
        assert_eq!(skills[2], "Apply testing procedure");
        let competence = statements(u, OutcomeCategory::Competence, "en");
        assert_eq!(competence.len(), 4, "{}: {competence:#?}", file.display());
        let first = u
            .learning_outcomes
            .iter()
            .find(|o| o.category == OutcomeCategory::Competence)
            .unwrap();
        assert_eq!(
            first.details.len(),
            5,
            "{}: sub-points stay with their statement",
            file.display()
        );
        assert_eq!(first.details[2].get("en"), Some("Test the system"));
        units.push((
            u.learning_outcomes.clone(),
            u.qualification.clone(),
            u.nqf_level.clone(),
        ));
    }
    assert_eq!(units[0], units[1], "python-docx and LibreOffice agree");
    assert_eq!(units[0], units[2], "python-docx and a Word-like file agree");
}

#[test]
fn both_seed_units_import_alike_from_python_docx_and_libreoffice() {
    let a = load(&[&fixture("seed-units.python-docx.docx")]);
    let b = load(&[&fixture("seed-units.libreoffice.docx")]);
    assert_eq!(a.round.units.len(), 2);
    assert_eq!(a.round.units, b.round.units);
    assert_eq!(a.round.qualifications, b.round.qualifications);
    let u = unit(&a.round, "Internationalization and Project Management");
    // The seed's knowledge cell opens with "He/she is able to:": still knowledge.
    assert_eq!(statements(u, OutcomeCategory::Knowledge, "en").len(), 5);
    assert_eq!(statements(u, OutcomeCategory::Skill, "en").len(), 6);
    assert_eq!(statements(u, OutcomeCategory::Competence, "en").len(), 5);
    // The template's "<brief overview …>" placeholder is not a description.
    assert!(u.description.is_empty());
    assert!(!codes(&a, Code::PlaceholderText).is_empty());
}

#[test]
fn three_units_in_one_file_with_labels_and_values_in_one_cell_and_typed_bullets() {
    let loaded = load(&[&fixture("three-units.docx")]);
    let round = &loaded.round;
    let ids: Vec<&str> = round.units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["0102", "0201", "0202"]);
    let soldering = unit(round, "Soldering methods in restoration");
    assert_eq!(soldering.code.as_deref(), Some("0201"));
    assert_eq!(soldering.eqf_level.map(|l| l.get()), Some(4));
    assert_eq!(soldering.credit_points[0].value, 4.5);
    // "•", "-" and "–" typed by hand; "o" a sub-point.
    assert_eq!(
        statements(soldering, OutcomeCategory::Knowledge, "en").len(),
        3
    );
    assert_eq!(statements(soldering, OutcomeCategory::Skill, "en").len(), 3);
    let competence: Vec<_> = soldering
        .learning_outcomes
        .iter()
        .filter(|o| o.category == OutcomeCategory::Competence)
        .collect();
    assert_eq!(competence.len(), 2);
    assert_eq!(
        competence[0].details[0].get("en"),
        Some("with the owner of the object")
    );
    // Two units stacked in one table are two units.
    let terminology = unit(round, "Professional terminology in a foreign language");
    assert_eq!(terminology.code.as_deref(), Some("0202"));
    assert_eq!(terminology.learning_outcomes.len(), 5);
    assert_eq!(
        unit(round, "Internationalization and Project Management")
            .learning_outcomes
            .len(),
        16
    );
    assert_eq!(loaded.report.summary.errors, 0);
}

#[test]
fn latvian_labels_tracked_changes_and_content_controls_are_read() {
    let loaded = load(&[&fixture("unit-latvian.docx")]);
    let u = &loaded.round.units[0];
    assert_eq!(u.id, "0101");
    // A tracked deletion is dropped and the insertion kept.
    assert_eq!(
        u.title.get("lv"),
        Some("Transportlīdzekļu stabilitātes vadības sistēmas")
    );
    // A deleted "3" and an inserted "4".
    assert_eq!(u.eqf_level.map(|l| l.get()), Some(4));
    let nqf = u.nqf_level.as_ref().unwrap();
    assert_eq!(
        (nqf.level.as_str(), nqf.framework.as_deref()),
        ("3", Some("LV"))
    );
    // Typed into a content control.
    assert_eq!(
        loaded.round.qualifications[0].title.get("lv"),
        Some("Automehāniķis")
    );
    assert_eq!(statements(u, OutcomeCategory::Knowledge, "lv").len(), 9);
    assert_eq!(statements(u, OutcomeCategory::Skill, "lv").len(), 5);
    assert_eq!(statements(u, OutcomeCategory::Competence, "lv").len(), 4);
    assert_eq!(loaded.report.summary.errors, 0);
}

#[test]
fn a_unit_whose_ksc_cells_are_merged_differently_in_a_nested_table() {
    let loaded = load(&[&fixture("unit-merged-ksc.docx")]);
    assert_eq!(
        loaded.round.units.len(),
        1,
        "{}",
        loaded.report.to_human(true)
    );
    let u = &loaded.round.units[0];
    // Title and levels from the paragraphs above the layout table.
    assert_eq!(
        u.title.get("en"),
        Some("Professional terminology in a foreign language")
    );
    assert_eq!(u.nqf_level.as_ref().map(|l| l.level.as_str()), Some("3"));
    // Knowledge in one cell merged down two rows, skills split over two rows.
    assert_eq!(
        statements(u, OutcomeCategory::Knowledge, "en"),
        [
            "Names of the main vehicle assemblies and parts in English",
            "Terminology of safety signs and instructions"
        ]
    );
    assert_eq!(
        statements(u, OutcomeCategory::Skill, "en"),
        [
            "Communicate with colleagues and customers about the repair to be done",
            "Read technical documentation in a foreign language"
        ]
    );
    assert_eq!(statements(u, OutcomeCategory::Competence, "en").len(), 1);
}

#[test]
fn the_seed_grid_gives_every_rating_from_every_writer() {
    let criteria_1 = 15;
    let criteria_2 = 13;
    let mut expected = ratings(criteria_1, 1);
    expected.extend(ratings(criteria_2, 2));
    for file in [
        fixture("seed-grid.python-docx.docx"),
        fixture("seed-grid.libreoffice.docx"),
    ] {
        let loaded = load(&[&file]);
        let round = &loaded.round;
        assert_eq!(round.assessments.len(), 1, "{}", file.display());
        let a = &round.assessments[0];
        let learner = &round.learners[0];
        assert_eq!(
            (learner.given_names.as_str(), learner.family_name.as_str()),
            ("Anna", "Ozola")
        );
        let got: Vec<&str> = a.criteria.iter().map(|c| c.value.value.as_str()).collect();
        assert_eq!(got, expected, "{}", file.display());
        assert!(a.criteria.iter().all(|c| c.value.scheme == "fi-1-3"));
        assert_eq!(
            a.criteria[0].criterion.get("en"),
            Some("Communication skills")
        );
        assert_eq!(
            a.criteria[15].criterion.get("en"),
            Some("positive attitude towards safety")
        );
        assert_eq!(
            a.remarks.get("en"),
            Some("Very accurate in diagnostics."),
            "{}",
            file.display()
        );
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2025-03-28"));
        let assessor = round
            .contacts
            .iter()
            .find(|c| Some(&c.id) == a.assessor.as_ref());
        assert_eq!(assessor.map(|c| c.name.as_str()), Some("Matti Virtanen"));
        // Which scheme, and why, is said.
        let why = codes(&loaded, Code::GridScheme);
        assert!(
            why.iter().all(|d| d.severity == Severity::Info
                && d.message.contains("fi-1-3")
                && d.message.contains("1, 2, 3")),
            "{why:?}"
        );
        assert!(codes(&loaded, Code::RatingNotMarked).is_empty());
        assert!(codes(&loaded, Code::RatingMarkedTwice).is_empty());
    }
}

#[test]
fn a_grid_filled_with_ticks_and_checkboxes_is_read() {
    let loaded = load(&[&fixture("grid-ticks.docx")]);
    let a = &loaded.round.assessments[0];
    let got: Vec<&str> = a.criteria.iter().map(|c| c.value.value.as_str()).collect();
    assert_eq!(got, ratings(8, 0), "{}", loaded.report.to_human(true));
    assert_eq!(loaded.round.learners[0].family_name, "Bērziņš");
    let host = loaded
        .round
        .organisations
        .iter()
        .find(|o| o.name.get("en") == Some("Oy Autokorjaamo Virtanen Ab"));
    assert!(host.is_some(), "the host from the header table");
    assert!(codes(&loaded, Code::UnreadableMark).is_empty());
}

#[test]
fn rows_marked_twice_or_not_at_all_are_located_warnings_not_guesses() {
    let loaded = load(&[&fixture("grid-problems.docx")]);
    let a = &loaded.round.assessments[0];
    let got: Vec<(&str, &str)> = a
        .criteria
        .iter()
        .map(|c| (c.criterion.get("en").unwrap(), c.value.value.as_str()))
        .collect();
    assert_eq!(got, [("Communication skills", "2")]);
    let twice = codes(&loaded, Code::RatingMarkedTwice);
    assert_eq!(twice.len(), 1);
    assert_eq!(twice[0].severity, Severity::Warning);
    assert_eq!(
        twice[0].location.to_string(),
        "fixtures/word/grid-problems.docx › table 1 › B3"
    );
    assert!(twice[0].message.contains("Teamwork") && twice[0].message.contains("1 and 3"));
    let none = codes(&loaded, Code::RatingNotMarked);
    let places: Vec<String> = none.iter().map(|d| d.location.to_string()).collect();
    assert_eq!(
        places,
        [
            "fixtures/word/grid-problems.docx › table 1 › B4",
            "fixtures/word/grid-problems.docx › table 1 › B5"
        ]
    );
    let odd = codes(&loaded, Code::UnreadableMark);
    assert_eq!(odd.len(), 1);
    assert!(odd[0].message.contains("?? ask mentor"));
    // Nothing is lost: the unrated criteria are kept with the learner, where
    // every unmapped value of a row goes.
    let kept = &loaded.round.learners[0].unmapped;
    assert!(kept.values().any(|v| v == "Teamwork"), "{kept:?}");
    assert!(kept.values().any(|v| v == "Initiative"), "{kept:?}");
}

#[test]
fn convert_joins_word_units_and_grids_with_the_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = europass()
        .args(["convert"])
        .arg(fixture("seed-units.python-docx.docx"))
        .arg(fixture("seed-grid.python-docx.docx"))
        .arg(fixture("grid-ticks.docx"))
        .arg("fixtures/demo/round.xlsx")
        .args(["--to", "json", "--format", "json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let diags = report["diagnostics"].as_array().unwrap();
    for code in ["unknown-unit", "unknown-learner", "conflicting-values"] {
        assert!(
            !diags.iter().any(|d| d["code"] == code),
            "{code}: {:#?}",
            diags
                .iter()
                .filter(|d| d["code"] == code)
                .collect::<Vec<_>>()
        );
    }
    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    // The Word units joined the workbook's units by title: still four units.
    assert_eq!(round["units"].as_array().unwrap().len(), 4);
    let vehicle = round["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "0101")
        .unwrap();
    assert_eq!(
        vehicle["title"]["en"],
        "Vehicle stability management systems"
    );
    assert_eq!(
        vehicle["title"]["lv"],
        "Transportlīdzekļu stabilitātes vadības sistēmas"
    );
    // Anna Ozola's result has the workbook's grade and the Word grid's ratings.
    let result = round["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "A-001/0101")
        .unwrap();
    assert_eq!(result["grade"]["value"], "9");
    let criteria = result["criteria"].as_array().unwrap();
    assert!(
        criteria
            .iter()
            .any(|c| c["criterion"]["en"] == "Communication skills")
    );
    assert_eq!(criteria.len(), 28 + 5);
    // One mobility per learner: the grid's host is the learner's mobility there.
    let mobilities: Vec<&Value> = round["mobilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["learner"] == "A-001")
        .collect();
    assert_eq!(mobilities.len(), 1);
    assert_eq!(result["mobility"], mobilities[0]["id"]);
}

#[test]
fn a_grid_for_a_learner_or_unit_found_nowhere_else_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let grid = format!(
        "{}{}<w:tbl>{}{}</w:tbl>",
        p("Learner: Kārlis Nezināmais"),
        p("Unit: Underwater welding"),
        tr(&[tc(&p("Criteria")), tc(&p("1")), tc(&p("2")), tc(&p("3"))]),
        tr(&[tc(&p("Teamwork")), tc(&p("")), tc(&p("x")), tc(&p(""))]),
    );
    let file = write(
        dir.path(),
        "grid.docx",
        &docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &body(W_NS, &grid)),
        ]),
    );
    let loaded = load(&[&file, Path::new("fixtures/demo/round.xlsx")]);
    let learner = codes(&loaded, Code::UnknownLearner);
    let unit = codes(&loaded, Code::UnknownUnit);
    assert_eq!(learner.len(), 1, "{}", loaded.report.to_human(true));
    assert_eq!(unit.len(), 1);
    for d in [learner[0], unit[0]] {
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.location.file.as_deref(), Some(file.to_str().unwrap()));
        assert_eq!(d.location.sheet.as_deref(), Some("table 1"));
    }
    assert!(unit[0].message.contains("underwater-welding"));
}

#[test]
fn an_xlsx_renamed_to_docx_is_an_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("units.docx");
    std::fs::copy("fixtures/demo/round.xlsx", &renamed).unwrap();
    // The library's Word reader refuses it…
    let bytes = std::fs::read(&renamed).unwrap();
    let err = europass::import::word::read_docx("units.docx", &bytes).unwrap_err();
    assert_eq!(err.code(), Code::WrongFileType, "{err}");
    // …and so does the command, well within its time guard.
    let output = europass()
        .arg("validate")
        .arg(&renamed)
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("wrong-file-type"), "{err}");
    assert!(err.contains("Excel workbook (.xlsx) named .docx"), "{err}");
    assert!(err.contains("units.docx"), "names the file: {err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_password_protected_word_document_gets_a_clear_message() {
    // Office encrypts a document into a compound file with these two streams.
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("EncryptionInfo")
        .unwrap()
        .write_all(b"\x04\x00\x04\x00")
        .unwrap();
    cfb.create_stream("EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 64])
        .unwrap();
    let bytes = cfb.into_inner().into_inner();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "locked.docx", &bytes);
    let output = europass().arg("validate").arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("encrypted-file") && err.contains("password-protected"),
        "{err}"
    );
    assert!(
        err.contains("Encrypt with Password"),
        "says how to remove it: {err}"
    );
}

#[test]
fn a_word_file_from_an_untested_writer_imports_or_fails_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let unit_table = format!(
        "<w:tbl>{}{}{}</w:tbl>",
        tr(&[tc(&p("Name of the Unit:")), tc(&p("Engine diagnostics"))]),
        tr(&[tc(&p("Knowledge")), tc(&p("Skills"))]),
        tr(&[tc(&p("• Sensors")), tc(&p("• Read fault codes"))]),
    );
    // Strict OOXML, and a main part not called word/document.xml.
    let strict = write(
        dir.path(),
        "strict.docx",
        &docx(&[
            (
                "[Content_Types].xml",
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/main.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
            ),
            (
                "word/main.xml",
                &body(
                    "http://purl.oclc.org/ooxml/wordprocessingml/main",
                    &unit_table,
                ),
            ),
        ]),
    );
    let loaded = load(&[&strict]);
    let u = unit(&loaded.round, "Engine diagnostics");
    assert_eq!(statements(u, OutcomeCategory::Knowledge, "en"), ["Sensors"]);
    assert_eq!(
        statements(u, OutcomeCategory::Skill, "en"),
        ["Read fault codes"]
    );

    // A letter with no unit and no grid: an error, never silently empty.
    let letter = write(
        dir.path(),
        "letter.docx",
        &docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            (
                "word/document.xml",
                &body(
                    W_NS,
                    &[p("Dear partners,"), p("see you in March.")].concat(),
                ),
            ),
        ]),
    );
    let loaded = load(&[&letter]);
    let nothing = codes(&loaded, Code::NothingRecognised);
    assert_eq!(nothing.len(), 1);
    assert_eq!(nothing[0].severity, Severity::Error);
    assert!(nothing[0].message.contains("2 paragraphs outside tables"));

    // A damaged document part: where it breaks.
    let broken = write(
        dir.path(),
        "broken.docx",
        &docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &body(W_NS, "<w:p><w:r><w:t>cut</w:r>")),
        ]),
    );
    let loaded = load(&[&broken]);
    let corrupt = codes(&loaded, Code::CorruptFile);
    assert_eq!(corrupt.len(), 1, "{}", loaded.report.to_human(true));
    assert!(
        corrupt[0].message.contains("word/document.xml") && corrupt[0].message.contains("byte")
    );
}

/// Every fixture, cut short or with its document part damaged at many
/// places: each run ends, never panics, and gives records or an error.
#[test]
fn damaged_word_files_never_panic_and_are_never_silently_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir("fixtures/word").unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        let mut parts: Vec<(String, String)> = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            if f.read_to_string(&mut text).is_ok() {
                parts.push((f.name().unwrap().to_string(), text));
            }
        }
        let doc = parts
            .iter()
            .position(|(n, _)| n == "word/document.xml")
            .unwrap();
        let len = parts[doc].1.len();
        let mut variants: Vec<Vec<u8>> = (1..8)
            .map(|k| bytes[..bytes.len() * k / 8].to_vec())
            .collect();
        for k in 1..12 {
            let mut damaged = parts.clone();
            let mut cut = len * k / 12;
            while !damaged[doc].1.is_char_boundary(cut) {
                cut += 1;
            }
            damaged[doc].1.truncate(cut);
            let refs: Vec<(&str, &str)> = damaged
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            variants.push(docx(&refs));
        }
        for (i, v) in variants.iter().enumerate() {
            let file = write(dir.path(), &format!("v{n}-{i}.docx"), v);
            let loaded = load(&[&file]);
            let r = &loaded.report;
            assert!(
                codes(&loaded, Code::InternalError).is_empty(),
                "{}: {}",
                path.display(),
                r.to_human(true)
            );
            assert!(
                r.rows.records > 0 || r.summary.errors > 0,
                "{} variant {i}: silently empty\n{}",
                path.display(),
                r.to_human(true)
            );
        }
        n += 1;
    }
    assert!(n >= 9);
}

#[test]
fn a_school_adds_its_language_in_a_mapping_file_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("et.toml");
    std::fs::write(
        &mapping,
        r#"id = "et"
language = "et"
country = "EE"

[labels.unit]
title = ["Mooduli nimetus"]
knowledge = ["Teadmised"]
skills = ["Oskused"]
competence = ["Pädevused"]
nqf_level = ["EKR tase"]

[labels.intro]
knowledge = ["Õppija teab"]
"#,
    )
    .unwrap();
    let table = format!(
        "<w:tbl>{}{}{}{}</w:tbl>",
        tr(&[
            tc(&p("Mooduli nimetus:")),
            tc(&p("Keevitustööd")),
            tc(&p(""))
        ]),
        tr(&[tc(&p("EKR tase: 4")), tc(&p("")), tc(&p(""))]),
        tr(&[tc(&p("Teadmised")), tc(&p("Oskused")), tc(&p("Pädevused"))]),
        tr(&[
            tc(&[
                p("Õppija teab:"),
                p("• keevitusviise"),
                p("• ohutusnõudeid")
            ]
            .concat()),
            tc(&p("• keevitada")),
            tc(&p("• töötada iseseisvalt")),
        ]),
    );
    let file = write(
        dir.path(),
        "moodul.docx",
        &docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &body(W_NS, &table)),
        ]),
    );
    let out = dir.path().join("out");
    let output = europass()
        .arg("convert")
        .arg(&file)
        .arg("--mapping")
        .arg(&mapping)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    let u = &round["units"][0];
    assert_eq!(u["title"]["et"], "Keevitustööd");
    assert_eq!(u["nqf_level"]["level"], "4");
    assert_eq!(u["nqf_level"]["framework"], "EE");
    let texts: Vec<&str> = u["learning_outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"]["et"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "keevitusviise",
            "ohutusnõudeid",
            "keevitada",
            "töötada iseseisvalt"
        ]
    );
}

#[test]
fn inspect_shows_each_table_what_it_was_read_as_and_the_labels_that_matched() {
    let output = europass()
        .arg("inspect")
        .arg(fixture("seed-units.python-docx.docx"))
        .arg(fixture("seed-grid.libreoffice.docx"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("table 1: unit description — labels of mapping \"en\""),
        "{text}"
    );
    assert!(
        text.contains("1 unit: \"Vehicle stability management systems\""),
        "{text}"
    );
    assert!(text.contains("\"Name of the Unit\""), "{text}");
    assert!(text.contains("→ unit.title"), "{text}");
    assert!(
        text.contains("\"Reference to the qualification\""),
        "{text}"
    );
    assert!(text.contains("→ qualification.title"), "{text}");
    assert!(text.contains("table 2: assessment grid"), "{text}");
    assert!(
        text.contains("rating columns 1 2 3 in row 1, scheme fi-1-3; 13 criteria, 13 rated"),
        "{text}"
    );
    assert!(text.contains("text before table 1: labels only"), "{text}");
    assert!(text.contains("its values go to table 1, table 2"), "{text}");

    let output = europass()
        .args(["inspect", "--format", "json"])
        .arg(fixture("three-units.docx"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let sheets = report["inputs"][0]["sheets"].as_array().unwrap();
    let table = sheets.iter().find(|s| s["name"] == "table 2").unwrap();
    assert_eq!(table["document"]["recognised_as"], "unit_description");
    assert_eq!(table["document"]["units"].as_array().unwrap().len(), 2);
    let labels = table["document"]["labels"].as_array().unwrap();
    assert!(
        labels
            .iter()
            .any(|l| l["label"] == "Unit code" && l["field"] == "unit.code" && l["cell"] == "A2")
    );
}

#[test]
fn two_grids_in_one_document_each_take_their_own_learner_and_share_the_header() {
    let grid = |marks: [usize; 2]| {
        let row = |name: &str, mark: usize| {
            let cells: Vec<String> = (1..=3)
                .map(|c| tc(&p(if c == mark { "X" } else { "" })))
                .collect();
            tr(&[vec![tc(&p(name))], cells].concat())
        };
        format!(
            "<w:tbl>{}{}{}</w:tbl>",
            tr(&[tc(&p("Criteria")), tc(&p("1")), tc(&p("2")), tc(&p("3"))]),
            row("Teamwork", marks[0]),
            row("Initiative", marks[1]),
        )
    };
    let document = [
        p("Unit: Vehicle stability management systems"),
        p("Assessor: Matti Virtanen"),
        p("Learner: Anna Ozola"),
        grid([3, 2]),
        p("Learner: Jānis Bērziņš"),
        grid([1, 1]),
        p("Date: 28.03.2025"),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "two-grids.docx",
        &docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &body(W_NS, &document)),
        ]),
    );
    let loaded = load(&[&file, &fixture("seed-units.python-docx.docx")]);
    assert!(
        codes(&loaded, Code::ConflictingValues).is_empty(),
        "{}",
        loaded.report.to_human(true)
    );
    let round = &loaded.round;
    assert_eq!(round.assessments.len(), 2);
    for (family, expected) in [("Ozola", ["3", "2"]), ("Bērziņš", ["1", "1"])] {
        let learner = round
            .learners
            .iter()
            .find(|l| l.family_name == family)
            .unwrap();
        let a = round
            .assessments
            .iter()
            .find(|a| a.learner == learner.id)
            .unwrap();
        let got: Vec<&str> = a.criteria.iter().map(|c| c.value.value.as_str()).collect();
        assert_eq!(got, expected, "{family}");
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2025-03-28"));
        assert!(a.assessor.is_some(), "the shared header's assessor");
        assert!(a.unit.starts_with("vehicle-stability"), "{}", a.unit);
    }
}

#[test]
fn an_opendocument_text_or_old_word_file_is_told_to_be_saved_as_docx() {
    let dir = tempfile::tempdir().unwrap();
    let odt = write(
        dir.path(),
        "units.odt",
        &docx(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
        ]),
    );
    let output = europass().arg("validate").arg(&odt).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("OpenDocument text") && err.contains("save it as Word (.docx)"),
        "{err}"
    );
}
