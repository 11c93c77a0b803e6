//! Credentials of other issuers read and written again by europass: what
//! they hold that a school's files seldom do — achievements nested in one
//! another, learning outcomes without a type — survives europass's own
//! credentials, workbook and Learning Agreement.

mod support;

use support::root;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use europass::export::{self, ExportContext};
use europass::model::{CountryCode, OutcomeCategory, Round};
use europass::pipeline::{self, Options};

fn read(name: &str) -> Round {
    pipeline::load(
        &[root().join("fixtures/third-party").join(name)],
        &Options::default(),
    )
    .round
}

/// `round` written in `format` into `dir`: the files written.
fn write(round: &Round, format: &str, dir: &Path) -> Vec<PathBuf> {
    let files = export::exporter(format)
        .unwrap()
        .export(round, &ExportContext::default())
        .unwrap();
    export::write_outputs(dir, &files, export::WriteOptions::default())
        .unwrap()
        .0
        .into_iter()
        .map(|w| dir.join(w.path))
        .collect()
}

/// `round` written in `format` and read back.
fn through(round: &Round, format: &str) -> Round {
    let dir = tempfile::tempdir().unwrap();
    let files = write(round, format, dir.path());
    pipeline::load(&files, &Options::default()).round
}

/// Runs xmllint with the vendored EDCI schema over `files`; panics with its
/// output when one is invalid, or when xmllint is missing.
fn xmllint(files: &[PathBuf]) {
    let output = support::xmllint_edci(files);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "xmllint rejects:\n{stderr}");
}

/// Each unit's id → the unit it is a part of.
fn nesting(r: &Round) -> BTreeMap<String, Option<String>> {
    r.units
        .iter()
        .map(|u| (u.id.clone(), u.part_of.clone()))
        .collect()
}

/// Each outcome's id → its category.
fn categories(r: &Round) -> BTreeMap<String, OutcomeCategory> {
    r.units
        .iter()
        .flat_map(|u| &u.learning_outcomes)
        .map(|o| (o.id.clone(), o.category))
        .collect()
}

#[test]
fn nested_achievements_of_another_issuer_stay_nested_through_europass_xml_and_json_ld() {
    for name in [
        "IldikoMazar_CertificateOfExcellence.xml",
        "AnaAndromeda_CivilEngineering.xml",
    ] {
        let mut round = read(name);
        // The country the JSON-LD needs of every organisation, which Mazar's
        // issuer does not give, as an agency would fill it in.
        for o in round
            .organisations
            .iter_mut()
            .filter(|o| o.country.is_none())
        {
            o.country = Some(CountryCode("MT".into()));
        }
        let nested = nesting(&round);
        let parts = nested.values().filter(|p| p.is_some()).count();
        assert!(
            parts >= 2,
            "{name}: only {parts} units are parts of another"
        );
        for format in ["xml", "jsonld", "pdf"] {
            assert_eq!(
                nesting(&through(&round, format)),
                nested,
                "{name} through {format}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let xml = write(&round, "xml", dir.path());
        let nested_in_xml = xml.iter().any(|file| {
            std::fs::read_to_string(file)
                .unwrap()
                .split("<hasPart>")
                .skip(1)
                .any(|rest| rest.trim_start().starts_with("<learningAchievement"))
        });
        assert!(nested_in_xml, "{name}: no achievement is nested in the XML");
        xmllint(&xml);
    }
}

#[test]
fn an_untyped_outcome_of_another_issuer_stays_unspecified_through_every_format() {
    let round = read("Sample-MC-Annex1-unsigned-uploadable.json");
    let original = categories(&round);
    let untyped = original
        .values()
        .filter(|c| **c == OutcomeCategory::Unspecified)
        .count();
    assert_eq!(untyped, 2, "{original:?}");
    for format in ["xml", "jsonld", "pdf", "xlsx", "json"] {
        assert_eq!(
            categories(&through(&round, format)),
            original,
            "through {format}"
        );
    }
    // Written without a type, not under a guessed one.
    let dir = tempfile::tempdir().unwrap();
    for file in write(&round, "xml", dir.path()) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("learningOutcomeType"), "{text}");
    }
    for file in write(&round, "jsonld", dir.path()) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("skill-type"), "{text}");
    }
}

/// The paragraphs of a .docx's body, as text.
fn paragraphs(docx: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                // `<w:t>` and `<w:t xml:space=…>`, not `<w:tbl>`, `<w:tc>`.
                .filter(|t| t.starts_with(['>', ' ']))
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
                .map(|t| t.split("</w:t>").next().unwrap_or(""))
                .collect::<String>()
        })
        .collect()
}

#[test]
fn a_learning_agreement_lists_untyped_outcomes_as_learning_outcomes_not_as_knowledge() {
    let mut round = read("Sample-MC-Annex1-unsigned-uploadable.json");
    // The mobility plans the unit, as an agency planning with another
    // issuer's course description would.
    let unit = round.units[0].id.clone();
    round.mobilities[0].units = vec![unit];
    let statements: Vec<String> = round.units[0]
        .learning_outcomes
        .iter()
        .map(|o| o.text.best(&["en"]).unwrap().to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let agreement = write(&round, "docx", dir.path())
        .into_iter()
        .find(|p| p.to_string_lossy().contains("learning-agreement"))
        .expect("a learning agreement is written");
    let text = paragraphs(&agreement);
    let at = |s: &str| text.iter().position(|p| p.trim() == s);
    let heading = at("Learning outcomes").expect("a \"Learning outcomes\" heading");
    let knowledge = at("Knowledge").expect("the Knowledge heading");
    let skills = at("Skills").expect("the Skills heading");
    for s in &statements {
        let place = text
            .iter()
            .position(|p| p.contains(s.as_str()))
            .unwrap_or_else(|| panic!("{s} is not in the agreement"));
        assert!(
            place > heading,
            "{s} comes before the Learning outcomes heading"
        );
        assert!(
            !(knowledge..skills).contains(&place),
            "{s} is listed as knowledge"
        );
    }
}
