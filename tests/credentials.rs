//! Europass credentials: every XML produced from every fixture round is valid
//! against the official XSD (checked by xmllint), every JSON-LD against the
//! EBSI EDC JSON Schema; the same round gives the same bytes; and reading
//! the credentials back gives the round they were written from.

mod support;

use support::root;

use std::path::{Path, PathBuf};

use europass::export::{self, ExportContext, OutputFile};
use europass::model::Round;
use europass::pipeline::{self, Options};
use europass::provenance::SourceMap;
use europass::{Code, Diagnostic, Severity};

fn schemas() -> PathBuf {
    root().join("schemas")
}

/// Every fixture round: the demo, its variants and the credential fixtures.
fn fixture_rounds() -> Vec<(String, Round)> {
    support::fixture_inputs()
        .into_iter()
        .map(|p| {
            let loaded = pipeline::load(std::slice::from_ref(&p), &Options::default());
            assert!(
                !loaded.round.learners.is_empty(),
                "{} gave no learners",
                p.display()
            );
            (p.display().to_string(), loaded.round)
        })
        .collect()
}

fn export(format: &str, round: &Round) -> Vec<OutputFile> {
    export::exporter(format)
        .unwrap()
        .export(round, &ExportContext::default())
        .unwrap()
}

fn check(format: &str, round: &Round) -> Vec<Diagnostic> {
    export::exporter(format)
        .unwrap()
        .check(round, &SourceMap::default(), &ExportContext::default())
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Vec<PathBuf> {
    export::write_outputs(dir, files, export::WriteOptions::default())
        .unwrap()
        .0
        .into_iter()
        .map(|w| dir.join(w.path))
        .collect()
}

/// Runs xmllint with the schema folder's catalog over `files`; panics with
/// its output when a file is invalid, or when xmllint is missing.
fn xmllint(files: &[PathBuf]) {
    let output = support::xmllint_edci(files);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.ends_with(" validates") && !l.contains("Schemas parser warning"))
        .collect();
    assert!(
        output.status.success() && failed.is_empty(),
        "xmllint rejects credentials:\n{}",
        failed.join("\n")
    );
    let validated = stderr.lines().filter(|l| l.ends_with(" validates")).count();
    assert_eq!(validated, files.len(), "xmllint output:\n{stderr}");
}

struct FileRetriever;

const SCHEMA_BASE: &str = "file:///ebsi-edc-json-schema/";

impl jsonschema::Retrieve for FileRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri
            .as_str()
            .strip_prefix(SCHEMA_BASE)
            .ok_or_else(|| format!("no network access for {uri}"))?;
        let text = std::fs::read_to_string(schemas().join("ebsi-edc-json-schema").join(path))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn edc_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(schemas().join("ebsi-edc-json-schema/schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}schema.json"))
        .with_retriever(FileRetriever)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_edc(validator: &jsonschema::Validator, name: &str, bytes: &[u8]) {
    let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} is not a valid EDC:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_xml_from_every_fixture_round_validates_against_the_official_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (name, round)) in fixture_rounds().iter().enumerate() {
        let out = export("xml", round);
        assert!(!out.is_empty(), "{name} gave no XML credential");
        files.extend(write_all(&dir.path().join(i.to_string()), &out));
    }
    xmllint(&files);
}

#[test]
fn every_jsonld_from_every_fixture_round_validates_against_the_edc_json_schema() {
    let validator = edc_validator();
    for (name, round) in fixture_rounds() {
        let out = export("jsonld", &round);
        assert!(!out.is_empty(), "{name} gave no JSON-LD credential");
        for f in &out {
            assert_valid_edc(
                &validator,
                &format!("{name} → {}", f.path.display()),
                &f.bytes,
            );
        }
    }
}

#[test]
fn the_official_edc_samples_pass_the_validator_so_it_checks_what_it_should() {
    let validator = edc_validator();
    let sample =
        schemas().join("ebsi-edc-json-schema/examples/Transcript of records - generic.json");
    let bytes = std::fs::read(&sample).unwrap();
    assert_valid_edc(&validator, "the EBSI sample", &bytes);
    let mut broken: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    broken.as_object_mut().unwrap().remove("credentialSubject");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_same_round_gives_byte_identical_credentials() {
    let (_, round) = fixture_rounds().remove(0);
    for format in ["xml", "jsonld"] {
        let a = export(format, &round);
        let mut shuffled = round.clone();
        shuffled.learners.reverse();
        shuffled.units.reverse();
        shuffled.sort();
        let b = export(format, &shuffled);
        assert_eq!(a, b, "{format} output differs between runs");
    }
}

#[test]
fn file_names_are_per_learner_folder_and_numbered_from_the_second_mobility() {
    let (_, mut round) = fixture_rounds().remove(0);
    let first = round.mobilities[0].clone();
    let mut second = first.clone();
    second.id = format!("{}-later", first.id);
    second.start = first.end.map(|d| d + chrono::Days::new(30));
    second.end = first.end.map(|d| d + chrono::Days::new(60));
    round.mobilities.push(second);
    round.sort();
    let paths: Vec<String> = export("xml", &round)
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let folder = europass::outputs::learner_folders(&round)[&first.learner].clone();
    assert!(
        paths.contains(&format!("{folder}/europass-mobility.xml")),
        "{paths:?}"
    );
    assert!(
        paths.contains(&format!("{folder}/europass-mobility-2.xml")),
        "{paths:?}"
    );
}

#[test]
fn a_learner_without_an_assessment_gets_a_valid_activity_only_credential_and_a_warning() {
    let (_, mut round) = fixture_rounds().remove(0);
    let learner = round.learners[0].id.clone();
    round.assessments.retain(|a| a.learner != learner);
    for format in ["xml", "jsonld"] {
        let warnings: Vec<Diagnostic> = check(format, &round)
            .into_iter()
            .filter(|d| d.code == Code::NoAssessmentYet)
            .collect();
        assert_eq!(warnings.len(), 1, "{format}: {warnings:?}");
        assert_eq!(warnings[0].severity, Severity::Warning);
    }
    let folder = europass::outputs::learner_folders(&round)[&learner].clone();
    let xml = export("xml", &round);
    let doc = xml
        .iter()
        .find(|f| f.path.starts_with(&folder))
        .expect("the learner still gets a credential");
    let text = String::from_utf8(doc.bytes.clone()).unwrap();
    assert!(text.contains("<activity ") && !text.contains("<learningAchievement "));
    let dir = tempfile::tempdir().unwrap();
    xmllint(&write_all(dir.path(), std::slice::from_ref(doc)));
    let validator = edc_validator();
    let jsonld = export("jsonld", &round);
    let doc = jsonld.iter().find(|f| f.path.starts_with(&folder)).unwrap();
    assert_valid_edc(&validator, "activity-only credential", &doc.bytes);
}

#[test]
fn a_record_missing_what_the_schema_needs_is_skipped_and_reported_never_written_invalid() {
    let (_, mut round) = fixture_rounds().remove(0);
    let learner = round.learners[0].id.clone();
    round.learners[0].family_name.clear();
    let host = round
        .mobilities
        .iter()
        .find(|m| m.learner != learner)
        .unwrap()
        .host
        .clone();
    // The JSON-LD needs the host's country; the XML does not.
    for o in round
        .organisations
        .iter_mut()
        .filter(|o| Some(&o.id) == host.as_ref())
    {
        o.country = None;
    }
    let folder = europass::outputs::learner_folders(&round)[&learner].clone();
    for format in ["xml", "jsonld"] {
        let out = export(format, &round);
        assert!(
            !out.iter().any(|f| f.path.starts_with(&folder)),
            "{format}: a credential without the family name was written"
        );
        let skipped: Vec<Diagnostic> = check(format, &round)
            .into_iter()
            .filter(|d| d.code == Code::CredentialSkipped)
            .collect();
        assert!(skipped.iter().all(|d| d.severity == Severity::Error));
        assert!(
            skipped.iter().any(|d| d.message.contains("family names")),
            "{format}: {skipped:?}"
        );
        let country_skips = skipped
            .iter()
            .filter(|d| d.message.contains("country of"))
            .count();
        if format == "jsonld" {
            assert!(country_skips > 0, "{skipped:?}");
        } else {
            assert_eq!(country_skips, 0, "{skipped:?}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    xmllint(&write_all(dir.path(), &export("xml", &round)));
}

/// What a credential format carries of `original`, with each field it
/// cannot carry taken out, and why.
fn carried(original: &Round, format: &str) -> Round {
    use europass::model::{ContactRole, CreditSystem};
    let xml = format == "xml";
    let mut r = original.clone();
    // A credential describes one learner's mobility: agreements, memoranda
    // and people who neither mentor nor assess are not part of it.
    r.learning_agreements.clear();
    r.memoranda.clear();
    // Values the school typed without a canonical field stay in the round;
    // a credential is issued to third parties and carries only what it defines.
    for l in &mut r.learners {
        l.unmapped.clear();
        // The guardian signs the learning agreement; a credential names the learner only.
        l.guardian = None;
        // The XML's contact point needs an e-mail address before a phone or an address.
        if xml && l.email.is_none() {
            l.phone = None;
            l.address = None;
        }
    }
    for o in &mut r.organisations {
        o.unmapped.clear();
    }
    for q in &mut r.qualifications {
        q.unmapped.clear();
        // A qualification's country has no element in either format.
        q.country = None;
    }
    for u in &mut r.units {
        u.unmapped.clear();
        // The XML credit point schemes are ECTS and ECVET only.
        if xml {
            u.credit_points
                .retain(|p| !matches!(p.system, CreditSystem::National(_)));
        }
    }
    for q in &mut r.qualifications {
        if xml {
            q.credit_points
                .retain(|p| !matches!(p.system, CreditSystem::National(_)));
        }
    }
    for m in &mut r.mobilities {
        m.unmapped.clear();
        // The period's start and end are carried; the school's own count of weeks is not.
        m.duration_weeks = None;
        // The intermediary neither issues nor directs the learning.
        m.intermediary = None;
        // The XML schema's agents are organisations: the mentor is only a note for readers.
        if xml {
            m.mentor = None;
        }
    }
    for a in &mut r.assessments {
        a.unmapped.clear();
        // Assessment of a single learning outcome has no place of its own.
        a.outcome = None;
        if xml {
            // The assessor is a person, which the XML cannot name (a note for readers only);
            // the XML achievement has no element for credits received.
            a.assessor = None;
            a.credit_points.clear();
        }
        // Pass or fail is read back from the grade on its scheme.
        a.passed = a
            .grade
            .as_ref()
            .and_then(|g| original.grading_scheme(&g.scheme))
            .and_then(|s| a.grade.as_ref().and_then(|g| s.passes(&g.value)));
    }
    // People: only mentors and assessors appear, without their job titles
    // (the ELM Person has no such field); in XML not at all.
    let named: Vec<String> = r
        .mobilities
        .iter()
        .filter_map(|m| m.mentor.clone())
        .chain(r.assessments.iter().filter_map(|a| a.assessor.clone()))
        .collect();
    r.contacts.retain(|c| !xml && named.contains(&c.id));
    for c in &mut r.contacts {
        c.position = Default::default();
        c.roles
            .retain(|role| matches!(role, ContactRole::Mentor | ContactRole::Assessor));
    }
    // Grading schemes, qualifications and organisations appear where something uses them.
    let used_schemes: Vec<String> = r
        .assessments
        .iter()
        .flat_map(|a| a.grade.iter().chain(a.criteria.iter().map(|c| &c.value)))
        .map(|g| g.scheme.clone())
        .collect();
    r.grading_schemes.retain(|s| used_schemes.contains(&s.id));
    let used_quals: Vec<String> = r
        .mobilities
        .iter()
        .filter_map(|m| m.qualification.clone())
        .chain(r.units.iter().filter_map(|u| u.qualification.clone()))
        .collect();
    r.qualifications.retain(|q| used_quals.contains(&q.id));
    r.sort();
    r
}

/// Writes every credential of `round` in `format` and reads them back
/// through the same path `europass convert FILE… --to json` takes.
fn round_trip(round: &Round, format: &str) -> (Round, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path(), &export(format, round));
    let loaded = pipeline::load(&files, &Options::default());
    let problems = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .cloned()
        .collect();
    (loaded.round, problems)
}

fn assert_same(expected: &Round, got: &Round, what: &str) {
    let e = serde_json::to_value(expected).unwrap();
    let g = serde_json::to_value(got).unwrap();
    if e != g {
        for key in e.as_object().unwrap().keys() {
            assert_eq!(
                serde_json::to_string_pretty(&e[key]).unwrap(),
                serde_json::to_string_pretty(&g[key]).unwrap(),
                "{what}: {key} differ"
            );
        }
    }
}

#[test]
fn the_demo_round_survives_xml_and_jsonld_round_trips() {
    for (name, round) in fixture_rounds() {
        for format in ["xml", "jsonld"] {
            let (back, problems) = round_trip(&round, format);
            assert!(problems.is_empty(), "{name} → {format}: {problems:#?}");
            assert_same(
                &carried(&round, format),
                &back,
                &format!("{name} → {format} → model"),
            );
        }
    }
}

#[test]
fn latvian_finnish_and_german_texts_survive_both_formats() {
    let rounds = fixture_rounds();
    let demo = &rounds[0].1;
    let fi_de = &rounds
        .iter()
        .find(|(n, _)| n.ends_with("round-fi-de.json"))
        .expect("the Finnish and German fixture")
        .1;
    for format in ["xml", "jsonld"] {
        let files = export(format, demo);
        let text = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert!(
            text.contains("Transportlīdzekļu stabilitātes vadības sistēmas"),
            "{format}"
        );
        let files = export(format, fi_de);
        let all: String = files
            .iter()
            .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
            .collect();
        for t in [
            "Leipomotuotteiden valmistus",
            "Herstellung von Backwaren",
            "Hält Hygienevorschriften selbstständig ein",
            "Käytännön näyttö",
            "Väinö",
            "Äijälä",
            "Jörg Weiß",
        ] {
            assert!(all.contains(t), "{format} lacks {t}");
        }
        let (back, _) = round_trip(fi_de, format);
        let unit = back.unit("L-104").unwrap();
        assert_eq!(unit.title.get("fi"), Some("Leipomotuotteiden valmistus"));
        assert_eq!(unit.title.get("de"), Some("Herstellung von Backwaren"));
        assert_eq!(
            unit.learning_outcomes[2].text.get("de"),
            Some("Hält Hygienevorschriften selbstständig ein")
        );
    }
}

#[test]
fn every_language_of_the_input_is_listed_and_carried() {
    let fi_de = fixture_rounds()
        .into_iter()
        .find(|(n, _)| n.ends_with("round-fi-de.json"))
        .unwrap()
        .1;
    let xml = String::from_utf8(export("xml", &fi_de)[0].bytes.clone()).unwrap();
    for lang in ["fi", "de", "en"] {
        assert!(
            xml.contains(&format!("<language>{lang}</language>")),
            "{lang}"
        );
        assert!(xml.contains(&format!("lang=\"{lang}\"")), "{lang}");
    }
}

fn read(name: &str, bytes: &[u8]) -> Result<Round, europass::import::ImportError> {
    match europass::import::read_file(name, bytes, &Default::default())? {
        (europass::import::Content::Round(r), _) => Ok(*r),
        (europass::import::Content::Table(_), _) => panic!("{name} was read as a table"),
        (europass::import::Content::Document(_), _) => panic!("{name} was read as a document"),
        (europass::import::Content::Rounds(_), _) => panic!("{name} was read as several rounds"),
    }
}

#[test]
fn an_xml_document_in_another_namespace_or_not_a_credential_is_refused_clearly() {
    let (_, round) = fixture_rounds().remove(0);
    let xml = String::from_utf8(export("xml", &round)[0].bytes.clone()).unwrap();
    let wrong_ns = xml.replace(
        "xmlns=\"http://data.europa.eu/snb\"",
        "xmlns=\"http://example.org/not-europass\"",
    );
    let e = read("wrong.xml", wrong_ns.as_bytes()).unwrap_err();
    assert_eq!(e.code(), Code::WrongFileType);
    assert!(
        e.to_string()
            .contains("wrong namespace (http://example.org/not-europass)"),
        "{e}"
    );
    let e = read("cv.xml", b"<?xml version=\"1.0\"?><SkillsPassport xmlns=\"http://europass.cedefop.europa.eu/Europass\"/>").unwrap_err();
    assert_eq!(e.code(), Code::WrongFileType);
    assert!(e.to_string().contains("<SkillsPassport>"), "{e}");
    assert!(e.hint().contains("Europass credential"));
}

#[test]
fn xml_with_a_doctype_or_external_entities_is_refused_without_resolving_anything() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "SECRET").unwrap();
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE europassCredential [<!ENTITY x SYSTEM \"file://{}\">]><europassCredential xmlns=\"http://data.europa.eu/snb\">&x;</europassCredential>",
        secret.path().display()
    );
    let e = read("xxe.xml", xxe.as_bytes()).unwrap_err();
    assert_eq!(e.code(), Code::UnsupportedFormat);
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    assert!(!format!("{e} {}", e.hint()).contains("SECRET"));
    let undefined =
        "<europassCredential xmlns=\"http://data.europa.eu/snb\">&x;</europassCredential>";
    let e = read("entity.xml", undefined.as_bytes()).unwrap_err();
    assert_eq!(e.code(), Code::CorruptFile);
    assert!(e.to_string().contains("&x;"), "{e}");
}

#[test]
fn json_that_is_not_a_european_digital_credential_is_refused_clearly() {
    let e = read("vc.jsonld", br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","UniversityDegreeCredential"]}"#).unwrap_err();
    assert_eq!(e.code(), Code::WrongFileType);
    assert!(
        e.to_string().contains("not a European Digital Credential"),
        "{e}"
    );
    let e = read(
        "other.jsonld",
        br#"{"@context":"https://schema.org","type":"Person"}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a verifiable credential"), "{e}");
}

#[test]
fn credentials_issued_by_other_tools_in_the_same_schemas_are_read() {
    let s = schemas();
    let xml =
        std::fs::read(s.join("edci-credential-xml-v1.2/examples/EDC_SampleACT_AA.xml")).unwrap();
    let round = read("sample.xml", &xml).unwrap();
    assert_eq!(round.learners[0].family_name, "Andromeda");
    assert_eq!(
        round.learners[0].nationality.as_ref().unwrap().as_str(),
        "IT"
    );
    assert_eq!(round.mobilities[0].start.unwrap().to_string(), "2021-12-21");
    let jsonld =
        std::fs::read(s.join("elm-v3-edc-jsonld/examples/Sample-MC-Annex1-unsigned.jsonld"))
            .unwrap();
    let round = read("sample.jsonld", &jsonld).unwrap();
    assert_eq!(round.units.len(), 1);
    assert_eq!(round.assessments[0].grade.as_ref().unwrap().value, "Pass");
    // Signed as the EDC issuer signs (a JWS around the credential): read, signature not checked.
    let signed =
        std::fs::read(s.join("elm-v3-edc-jsonld/examples/Sample-MC-Annex1-signed.jsonld")).unwrap();
    let (content, notes) =
        europass::import::read_file("signed.jsonld", &signed, &Default::default()).unwrap();
    let europass::import::Content::Round(round) = content else {
        panic!()
    };
    assert_eq!(round.learners[0].family_name, "Andromeda");
    assert!(notes.iter().any(|d| d.code == Code::SignatureNotVerified));
}

#[test]
fn convert_reads_xml_and_jsonld_credentials_back_into_round_json() {
    let (_, round) = fixture_rounds().remove(0);
    let dir = tempfile::tempdir().unwrap();
    let mut files = write_all(&dir.path().join("x"), &export("xml", &round)[..1]);
    files.extend(write_all(
        &dir.path().join("j"),
        &export("jsonld", &round)[1..2],
    ));
    let out = dir.path().join("out");
    assert_cmd::Command::cargo_bin("europass")
        .unwrap()
        .arg("convert")
        .args(&files)
        .arg("--out")
        .arg(&out)
        .args(["--to", "json"])
        .assert()
        .success();
    let back: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    assert_eq!(back["learners"].as_array().unwrap().len(), 2);
    assert_eq!(back["format"], "europass-round");
}

#[test]
fn a_folder_of_credentials_written_by_convert_converts_back_report_and_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("credentials");
    assert_cmd::Command::cargo_bin("europass")
        .unwrap()
        .arg("convert")
        .arg(root().join("fixtures/demo/round.xlsx"))
        .arg("--out")
        .arg(&out)
        .args(["--to", "xml", "-q"])
        .assert()
        .success();
    assert!(out.join("report.json").exists());
    let back = dir.path().join("back");
    assert_cmd::Command::cargo_bin("europass")
        .unwrap()
        .arg("convert")
        .arg(&out)
        .arg("--out")
        .arg(&back)
        .args(["--to", "json", "--format", "json"])
        .assert()
        .success();
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(back.join("round.json")).unwrap()).unwrap();
    assert_eq!(round["learners"].as_array().unwrap().len(), 14);
}

#[test]
fn texts_in_a_language_a_format_cannot_carry_are_left_out_with_a_warning_and_the_file_stays_valid()
{
    let (_, mut round) = fixture_rounds().remove(0);
    let learner = round.learners[0].id.clone();
    let m = round
        .mobilities
        .iter_mut()
        .find(|m| m.learner == learner)
        .unwrap();
    // Only in Russian: the XSD has no Russian; the JSON Schema has.
    m.tasks = europass::model::MultilingualText::single("ru", "Диагностика тормозных систем");
    m.objective = europass::model::MultilingualText::single("xx", "no such language");
    for format in ["xml", "jsonld"] {
        let warnings: Vec<Diagnostic> = check(format, &round)
            .into_iter()
            .filter(|d| d.code == Code::LanguageNotWritten)
            .collect();
        assert_eq!(warnings.len(), 1, "{format}: {warnings:?}");
        let expected = if format == "xml" { "ru, xx" } else { "xx" };
        assert!(
            warnings[0].message.contains(expected),
            "{format}: {warnings:?}"
        );
    }
    let folder = europass::outputs::learner_folders(&round)[&learner].clone();
    let xml = export("xml", &round);
    let doc = xml.iter().find(|f| f.path.starts_with(&folder)).unwrap();
    assert!(!String::from_utf8_lossy(&doc.bytes).contains("Диагностика"));
    let dir = tempfile::tempdir().unwrap();
    xmllint(&write_all(dir.path(), std::slice::from_ref(doc)));
    let jsonld = export("jsonld", &round);
    let doc = jsonld.iter().find(|f| f.path.starts_with(&folder)).unwrap();
    assert!(String::from_utf8_lossy(&doc.bytes).contains("Диагностика"));
    assert_valid_edc(
        &edc_validator(),
        "credential with Russian tasks",
        &doc.bytes,
    );
}

/// The language tags of every language map in `v` that holds the round's
/// own texts: not concepts (the EU vocabularies' English names), grading
/// schemes (the converter's names for them), the display, nor the fixed
/// words europass writes in every language of the credential (the
/// activity's title, an achievement's "achieved in full").
fn text_languages(
    v: &serde_json::Value,
    parent: &str,
    out: &mut std::collections::BTreeSet<String>,
) {
    match v {
        serde_json::Value::Object(o) => {
            let kind = o.get("type").and_then(|t| t.as_str()).unwrap_or(parent);
            if matches!(kind, "Concept" | "GradingScheme") {
                return;
            }
            for (k, x) in o {
                let fixed = matches!(
                    (kind, k.as_str()),
                    (
                        "LearningActivity" | "LearningActivitySpecification",
                        "title"
                    ) | ("LearningAchievement", "additionalNote")
                        | (_, "displayParameter")
                );
                let is_map = x.as_object().is_some_and(|m| {
                    !m.is_empty()
                        && m.keys().all(|k| k.len() == 2)
                        && m.values().all(|s| s.is_string())
                });
                if fixed {
                    continue;
                } else if is_map {
                    out.extend(x.as_object().unwrap().keys().cloned());
                } else {
                    text_languages(x, kind, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| text_languages(x, parent, out)),
        _ => {}
    }
}

#[test]
fn available_languages_are_exactly_those_the_credentials_texts_are_in() {
    for (name, round) in fixture_rounds() {
        for file in export("jsonld", &round) {
            let doc: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
            let listed: std::collections::BTreeSet<String> = doc["displayParameter"]["language"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let uri = l["id"].as_str().unwrap();
                    let code = uri.rsplit('/').next().unwrap();
                    let tag = [("LAV", "lv"), ("ENG", "en"), ("FIN", "fi"), ("DEU", "de")]
                        .iter()
                        .find(|(c, _)| *c == code)
                        .unwrap_or_else(|| panic!("a language the fixtures lack: {uri}"))
                        .1;
                    tag.to_string()
                })
                .collect();
            let mut used = std::collections::BTreeSet::new();
            text_languages(&doc, "", &mut used);
            assert_eq!(listed, used, "{name}: {}", file.path.display());
        }
    }
}

#[test]
fn a_mentors_job_title_appears_only_in_the_note_of_its_own_language() {
    let (_, round) = fixture_rounds().remove(0);
    for file in export("xml", &round) {
        let xml = String::from_utf8(file.bytes.clone()).unwrap();
        for line in xml.lines().filter(|l| l.contains("Darbnīcas vadītājs")) {
            assert!(
                line.contains("lang=\"lv\""),
                "{}: a Latvian job title in another language's note: {line}",
                file.path.display()
            );
        }
        assert!(xml.contains("Darbnīcas vadītājs") || !xml.contains("Virtanen"));
    }
}
