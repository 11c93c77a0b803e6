//! Credentials other issuers wrote (the European Commission's examples in
//! `fixtures/third-party/`, and the EBSI examples under `schemas/`): nothing
//! in them is dropped without a word.
//!
//! For each credential a counter that walks the source itself — XPath run
//! by xmllint over the XML, a plain walk over the JSON — counts the
//! achievements, graded results, learning outcomes and credit points it
//! holds. What europass reads of it (`europass convert FILE --to json`'s
//! round) plus what its `credential-content-skipped` warnings name must
//! come to the same numbers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use europass::diagnostics::Code;
use europass::model::Round;
use europass::pipeline::{self, Options};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a credential holds: achievements (one per assessment proving it),
/// graded results, outcomes, credits.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Counts {
    achievements: usize,
    results: usize,
    outcomes: usize,
    credits: usize,
}

/// XPath 1.0 over the credential (prefix `s` = the EDCI namespace).
fn xpath_count(file: &Path, expr: &str) -> usize {
    use std::io::Write;
    let mut child = Command::new("xmllint")
        .arg("--shell")
        .arg(file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("xmllint is installed (scripts/test installs it)");
    writeln!(
        child.stdin.take().unwrap(),
        "setns s=http://data.europa.eu/snb\nxpath count({expr})"
    )
    .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let n = out
        .split("Object is a number : ")
        .nth(1)
        .unwrap_or_else(|| panic!("xmllint did not count {expr} in {}: {out}", file.display()));
    n.split_whitespace().next().unwrap().parse().unwrap()
}

/// The counts of an XML credential (or of the credentials of a presentation).
fn count_xml(file: &Path) -> Counts {
    // Specifications some achievement is specified by.
    let specs =
        "//s:learningSpecificationReferences/*[@id = //s:credentialSubject//s:specifiedBy/@idref]";
    Counts {
        achievements: xpath_count(
            file,
            "//s:credentialSubject//*[(local-name()='learningAchievement' or local-name()='qualificationAward') and not(@idref)]",
        ),
        // Assessments with a grade (an achievement's and the parts of it),
        // each once: a nested achievement's assessment is often repeated
        // as a part of its parent's.
        results: xpath_count(
            file,
            "//s:credentialSubject//*[(local-name()='wasDerivedFrom' or (local-name()='hasPart' and ancestor::s:wasDerivedFrom)) and s:grade[normalize-space()]][not(@id) or not(@id = preceding::*/@id)]",
        ),
        outcomes: xpath_count(
            file,
            &format!("{specs}/s:learningOutcomes/s:learningOutcome"),
        ),
        credits: xpath_count(
            file,
            &format!(
                "{specs}/*[local-name()='hasECTSCreditPoints' or local-name()='hasCreditPoints']"
            ),
        ),
    }
}

/// JSON-LD nodes by id, each at its fullest description.
fn index<'a>(v: &'a Value, out: &mut BTreeMap<&'a str, &'a Value>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(id)) = o.get("id") {
                let fuller = out
                    .get(id.as_str())
                    .is_none_or(|old| old.as_object().map_or(0, |m| m.len()) < o.len());
                if fuller {
                    out.insert(id, v);
                }
            }
            o.values().for_each(|x| index(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| index(x, out)),
        _ => {}
    }
}

struct Json<'a> {
    nodes: BTreeMap<&'a str, &'a Value>,
}

impl<'a> Json<'a> {
    fn node(&self, v: &'a Value) -> &'a Value {
        v.get("id")
            .and_then(Value::as_str)
            .and_then(|id| self.nodes.get(id).copied())
            .unwrap_or(v)
    }

    fn many(&self, v: Option<&'a Value>) -> Vec<&'a Value> {
        match v {
            Some(Value::Array(a)) => a.iter().map(|x| self.node(x)).collect(),
            Some(x @ Value::Object(_)) => vec![self.node(x)],
            Some(Value::String(id)) => self.nodes.get(id.as_str()).copied().into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

fn typed(v: &Value, t: &str) -> bool {
    match v.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|x| x == t),
        _ => false,
    }
}

/// A text of a language map: a string, or an array of them.
fn has_text(t: &Value) -> bool {
    match t {
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => a.iter().any(has_text),
        _ => false,
    }
}

fn key(v: &Value) -> String {
    v.get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:p}", v as *const Value))
}

/// The counts of a JSON-LD credential (bare, or in the EDC upload envelope).
fn count_json(file: &Path) -> Counts {
    let doc: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let credential = doc.get("credential").unwrap_or(&doc);
    let mut nodes = BTreeMap::new();
    index(credential, &mut nodes);
    let j = Json { nodes };
    let mut achievements = BTreeMap::new();
    let mut queue = Vec::new();
    for subject in j.many(credential.get("credentialSubject")) {
        queue.extend(j.many(subject.get("hasClaim")));
    }
    while let Some(a) = queue.pop() {
        if typed(a, "LearningAchievement") && achievements.insert(key(a), a).is_none() {
            queue.extend(j.many(a.get("hasPart")));
        }
    }
    let mut results = BTreeSet::new();
    let mut specs = BTreeMap::new();
    let mut credits = 0;
    let mut proofs = 0;
    for a in achievements.values() {
        let mut assessments = j.many(a.get("provenBy"));
        while let Some(s) = assessments.pop() {
            let grade = s
                .get("grade")
                .and_then(|g| g.get("noteLiteral"))
                .is_some_and(|n| n.as_object().is_some_and(|m| m.values().any(has_text)));
            if grade {
                results.insert(key(s));
            }
            assessments.extend(j.many(s.get("hasPart")));
        }
        if let Some(spec) = j.many(a.get("specifiedBy")).into_iter().next() {
            specs.insert(key(spec), spec);
        }
        credits += j.many(a.get("creditReceived")).len();
        // An achievement proven by several assessments (semesters, resits)
        // has a result for each; one proven by none, one result.
        proofs += j.many(a.get("provenBy")).len().max(1);
    }
    let outcomes = specs
        .values()
        .map(|s| j.many(s.get("learningOutcome")).len())
        .sum();
    credits += specs
        .values()
        .map(|s| j.many(s.get("creditPoint")).len())
        .sum::<usize>();
    Counts {
        achievements: proofs,
        results: results.len(),
        outcomes,
        credits,
    }
}

/// What europass read: the round, and the skipped-content warnings by what
/// they name.
fn count_read(file: &Path) -> (Counts, Vec<String>) {
    let loaded = pipeline::load(&[file.to_path_buf()], &Options::default());
    let round: &Round = &loaded.round;
    let skipped: Vec<String> = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::CredentialContentSkipped)
        .map(|d| d.message.clone())
        .collect();
    let named = |word: &str| skipped.iter().filter(|m| m.contains(word)).count();
    let used: BTreeSet<&str> = round.assessments.iter().map(|a| a.unit.as_str()).collect();
    let units = round.units.iter().filter(|u| used.contains(u.id.as_str()));
    let counts = Counts {
        achievements: round.assessments.len() + named("achievement"),
        results: round
            .assessments
            .iter()
            .map(|a| usize::from(a.grade.is_some()) + a.criteria.len())
            .sum::<usize>()
            + named("grade"),
        outcomes: units
            .clone()
            .map(|u| u.learning_outcomes.len())
            .sum::<usize>()
            + named("learning outcome"),
        credits: units.map(|u| u.credit_points.len()).sum::<usize>()
            + round
                .assessments
                .iter()
                .map(|a| a.credit_points.len())
                .sum::<usize>()
            + named("credit"),
    };
    (counts, skipped)
}

/// Every credential of other issuers the repository holds.
fn credentials() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "fixtures/third-party",
        "schemas/ebsi-edc-json-schema/examples",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension()
                .is_some_and(|x| x == "xml" || x == "json" || x == "jsonld")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_achievement_result_outcome_and_credit_of_a_third_party_credential_is_read_or_named() {
    let mut problems = Vec::new();
    let mut total = 0;
    for file in credentials() {
        let source = if file.extension().is_some_and(|x| x == "xml") {
            count_xml(&file)
        } else {
            count_json(&file)
        };
        let (read, skipped) = count_read(&file);
        let name = file.file_name().unwrap().to_string_lossy();
        eprintln!("{name}: source {source:?}\n    read+skipped {read:?}");
        if source != read {
            problems.push(format!(
                "{name}: the source holds {source:?}, the round and the skipped-content warnings {read:?} (skipped: {skipped:?})"
            ));
        }
        total += source.achievements;
    }
    // The counter itself counts: the examples hold some 70 achievements.
    assert!(total > 50, "the counter found only {total} achievements");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn read(name: &str) -> Round {
    pipeline::load(
        &[root().join("fixtures/third-party").join(name)],
        &Options::default(),
    )
    .round
}

fn title(r: &Round, unit: &str) -> String {
    r.units
        .iter()
        .find(|u| u.id == unit)
        .and_then(|u| u.title.best(&["en"]))
        .unwrap_or("")
        .to_string()
}

#[test]
fn the_graded_parts_of_a_joint_achievement_are_units_of_their_own_linked_to_it() {
    let r = read("IldikoMazar_CertificateOfExcellence.xml");
    let joint = r
        .units
        .iter()
        .find(|u| u.title.best(&["en"]) == Some("Joint achievement"))
        .expect("the joint achievement is a unit");
    let parts: Vec<_> = r
        .units
        .iter()
        .filter(|u| u.part_of.as_deref() == Some(joint.id.as_str()))
        .collect();
    let titles: BTreeSet<_> = parts.iter().filter_map(|u| u.title.best(&["en"])).collect();
    assert_eq!(
        titles,
        BTreeSet::from(["Creative Writing", "Online Communication Management"])
    );
    for p in &parts {
        let result = r.assessments.iter().find(|a| a.unit == p.id).unwrap();
        assert_eq!(result.grade.as_ref().unwrap().value, "88%", "{}", p.id);
        assert!(!p.credit_points.is_empty(), "{} keeps its credits", p.id);
    }
    let outcomes: usize = parts.iter().map(|u| u.learning_outcomes.len()).sum();
    assert_eq!(outcomes, 4, "the parts keep their four learning outcomes");
}

#[test]
fn the_twenty_courses_of_a_degree_are_twenty_graded_units_with_their_own_credits() {
    let r = read("AnaAndromeda_CivilEngineering.xml");
    assert_eq!(r.units.len(), 20);
    assert_eq!(r.assessments.len(), 20);
    let degree = r.units.iter().find(|u| u.part_of.is_none()).unwrap();
    let courses: Vec<_> = r
        .units
        .iter()
        .filter(|u| u.part_of.as_deref() == Some(degree.id.as_str()))
        .collect();
    assert_eq!(courses.len(), 19);
    assert!(courses.iter().all(|c| !c.credit_points.is_empty()));
    // The courses' grades are their own results, not criteria of the degree.
    let degree_result = r.assessments.iter().find(|a| a.unit == degree.id).unwrap();
    assert!(
        degree_result.criteria.is_empty(),
        "{:?}",
        degree_result.criteria
    );
    assert!(courses.iter().all(|c| {
        r.assessments
            .iter()
            .any(|a| a.unit == c.id && a.grade.is_some())
    }));
    assert_eq!(
        title(&r, &degree.id),
        "Master of Science in Civil Engineering"
    );
}

#[test]
fn achievements_with_the_same_title_but_different_specifications_stay_apart_and_semesters_are_kept()
{
    let file = root().join("schemas/ebsi-edc-json-schema/examples/Bengales_highSchoolDiploma.json");
    let r = pipeline::load(&[file], &Options::default()).round;
    // Five subjects of the diploma, each graded in four assessments.
    let subjects: Vec<_> = r.units.iter().filter(|u| u.part_of.is_some()).collect();
    assert_eq!(
        subjects.len(),
        5,
        "{:?}",
        r.units.iter().map(|u| &u.id).collect::<Vec<_>>()
    );
    let history = subjects
        .iter()
        .filter(|u| u.title.best(&["en"]) == Some("History"))
        .count();
    assert_eq!(history, 2, "two subjects titled History are two units");
    for s in subjects {
        let results = r.assessments.iter().filter(|a| a.unit == s.id).count();
        assert_eq!(results, 4, "{} keeps every assessment as a result", s.id);
    }
}

#[test]
fn a_credential_in_the_edc_upload_envelope_is_read() {
    let r = read("Sample-MC-Annex1-unsigned-uploadable.json");
    assert_eq!(r.learners.len(), 1);
    assert_eq!(r.assessments.len(), 1);
    let unit = &r.units[0];
    assert_eq!(
        unit.learning_outcomes.len(),
        2,
        "a qualification's outcomes are kept"
    );
}

#[test]
fn the_credential_of_an_xml_presentation_is_read_and_its_seal_noted_as_not_checked() {
    let loaded = pipeline::load(
        &[root().join("fixtures/third-party/EDC_DiplomaSupplement_AA.xml")],
        &Options::default(),
    );
    assert_eq!(loaded.round.learners.len(), 1);
    assert_eq!(loaded.round.assessments.len(), 3);
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::SignatureNotVerified),
        "the presentation's signature is reported as not checked"
    );
}

/// `round` written in `format` and read back.
fn through(round: &Round, format: &str) -> Round {
    use europass::export::{self, ExportContext};
    let files = export::exporter(format)
        .unwrap()
        .export(round, &ExportContext::default())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written = export::write_outputs(dir.path(), &files, export::WriteOptions::default())
        .unwrap()
        .0
        .into_iter()
        .map(|w| dir.path().join(w.path))
        .collect::<Vec<_>>();
    pipeline::load(&written, &Options::default()).round
}

#[test]
fn every_grade_of_another_issuer_has_its_scheme_named_and_it_survives_a_round_trip() {
    let r = read("AnaAndromeda_CivilEngineering.xml");
    let schemes: BTreeMap<&str, &europass::model::GradingScheme> = r
        .grading_schemes
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    for a in &r.assessments {
        let g = a.grade.as_ref().unwrap();
        assert!(
            schemes.contains_key(g.scheme.as_str()),
            "{} grades on {}, which the round lacks",
            a.id,
            g.scheme
        );
    }
    let croatia = schemes["general-grading-scheme-in-croatia"];
    assert_eq!(
        croatia.name.best(&["en"]),
        Some("General grading scheme in Croatia")
    );
    assert!(
        matches!(&croatia.scale, europass::model::Scale::Described { definition } if !definition.is_empty())
    );
    // The JSON-LD writer needs each organisation's country, which this
    // credential leaves out for its issuer; it is not what is tested here.
    let mut r = r.clone();
    for o in &mut r.organisations {
        o.country
            .get_or_insert(europass::model::CountryCode("HR".into()));
    }
    for format in ["xml", "jsonld"] {
        let back = through(&r, format);
        let ids = |r: &Round| {
            r.grading_schemes
                .iter()
                .map(|s| s.id.clone())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(ids(&back), ids(&r), "{format}");
        let grades = |r: &Round| {
            r.assessments
                .iter()
                .filter_map(|a| a.grade.clone())
                .map(|g| (g.value, g.scheme))
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(grades(&back), grades(&r), "{format}");
        assert_eq!(back.grading_schemes, r.grading_schemes, "{format}");
    }
}

#[test]
fn a_date_of_birth_given_as_a_utc_evening_midnight_is_the_next_calendar_day_with_a_note() {
    // The EDC issuer writes a Brussels midnight as 1999-10-01T22:00:00Z.
    let loaded = pipeline::load(
        &[root().join("fixtures/third-party/Sample-MC-Annex1-unsigned-uploadable.json")],
        &Options::default(),
    );
    let born = loaded.round.learners[0].date_of_birth.unwrap();
    assert_eq!(born.to_string(), "1999-10-02");
    let note = loaded
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DateFromMidnightUtc)
        .expect("a note says the date was moved");
    assert!(
        note.message.contains("1999-10-01T22:00:00Z"),
        "{}",
        note.message
    );
}

#[test]
fn the_older_section_name_organisation_references_names_the_same_organisations() {
    let original = read("edci_credential_complex.xml");
    let text =
        std::fs::read_to_string(root().join("fixtures/third-party/edci_credential_complex.xml"))
            .unwrap()
            .replace("agentReferences", "organisationReferences");
    let dir = tempfile::tempdir().unwrap();
    let older = dir.path().join("older.xml");
    std::fs::write(&older, text).unwrap();
    let back = pipeline::load(&[older], &Options::default()).round;
    assert!(!original.organisations.is_empty());
    assert_eq!(back.organisations, original.organisations);
}

#[test]
fn a_credential_whose_display_template_is_html_in_cdata_is_read_as_a_credential() {
    let text = std::fs::read_to_string(root().join("fixtures/third-party/edci_credential_complex.xml"))
        .unwrap()
        .replacen(
            "<type ",
            "<!-- display --><description><text content-type=\"text/html\" lang=\"en\"><![CDATA[<html><body><h1>Certificate</h1></body></html>]]></text></description><type ",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("with-template.xml");
    std::fs::write(&file, text).unwrap();
    let loaded = pipeline::load(&[file], &Options::default());
    assert_eq!(
        loaded.round.learners.len(),
        1,
        "{:?}",
        loaded.report.diagnostics
    );
}

/// `value` written as a file of `dir` and read.
fn load_json(dir: &Path, name: &str, value: &Value) -> pipeline::Loaded {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    pipeline::load(&[path], &Options::default())
}

fn sample_credential() -> Value {
    let text =
        std::fs::read_to_string(root().join("fixtures/third-party/credential-sample-v3.1.jsonld"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What a round holds, to compare two readings of one credential.
fn shape(r: &Round) -> (usize, usize, usize, usize, usize) {
    (
        r.learners.len(),
        r.units.len(),
        r.assessments.len(),
        r.units.iter().map(|u| u.learning_outcomes.len()).sum(),
        r.organisations.len(),
    )
}

#[test]
fn each_credential_of_a_json_ld_presentation_is_read_and_its_holder_linked() {
    let dir = tempfile::tempdir().unwrap();
    let credential = sample_credential();
    let alone = load_json(dir.path(), "alone.jsonld", &credential).round;
    let learner = credential["credentialSubject"]["id"].clone();
    let presentation = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"],
        "holder": learner,
        "verifiableCredential": [credential],
    });
    let loaded = load_json(dir.path(), "presentation.jsonld", &presentation);
    assert_eq!(
        shape(&loaded.round),
        shape(&alone),
        "the credential inside is read in full"
    );
    assert!(!alone.assessments.is_empty());
    let holder = loaded
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::PresentationHolder)
        .expect("the holder is named");
    assert!(
        holder.message.contains(learner.as_str().unwrap()),
        "{}",
        holder.message
    );
    assert_eq!(holder.severity, europass::diagnostics::Severity::Info);

    // Held by someone else: said so.
    let mut other = presentation.clone();
    other["holder"] = "did:example:someone-else".into();
    let loaded = load_json(dir.path(), "other.jsonld", &other);
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::PresentationHolder
                && d.severity == europass::diagnostics::Severity::Warning
                && d.message.contains("someone-else"))
    );
}

/// A JSON-LD tree flattened: every node with an id moved into `@graph`,
/// where it stood only a reference to it.
fn flatten(v: &Value, graph: &mut Vec<Value>) -> Value {
    match v {
        Value::Object(o) => {
            let inner: serde_json::Map<String, Value> = o
                .iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        if k == "@context" {
                            x.clone()
                        } else {
                            flatten(x, graph)
                        },
                    )
                })
                .collect();
            match o.get("id") {
                Some(id) if o.len() > 1 => {
                    graph.push(Value::Object(inner));
                    serde_json::json!({ "id": id })
                }
                _ => Value::Object(inner),
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| flatten(x, graph)).collect()),
        x => x.clone(),
    }
}

#[test]
fn a_flattened_graph_credential_reads_as_the_same_credential_as_a_tree() {
    let dir = tempfile::tempdir().unwrap();
    let mut credential = sample_credential();
    let alone = load_json(dir.path(), "alone.jsonld", &credential).round;
    let context = credential
        .as_object_mut()
        .unwrap()
        .remove("@context")
        .unwrap();
    let mut graph = Vec::new();
    flatten(&credential, &mut graph);
    assert!(graph.len() > 10, "the sample has many nodes with ids");
    // The credential node is not first, as in a real flattened document.
    graph.reverse();
    let flat = serde_json::json!({ "@context": context, "@graph": graph });
    let loaded = load_json(dir.path(), "flat.jsonld", &flat);
    assert!(
        !loaded
            .report
            .diagnostics
            .iter()
            .any(|d| d.severity == europass::diagnostics::Severity::Error),
        "{:?}",
        loaded.report.diagnostics
    );
    assert_eq!(shape(&loaded.round), shape(&alone));
    assert_eq!(
        loaded.round.learners[0].family_name,
        alone.learners[0].family_name
    );
}

#[test]
fn a_learners_address_keeps_its_own_country_through_xml_and_json_ld() {
    // Ana Andromeda lives in Roma, Italy; the issuing organisation is elsewhere.
    let r = read("EDC_SampleDegree_AA.xml");
    let learner = &r.learners[0];
    assert!(learner.address.as_deref().unwrap().contains("Roma"));
    assert_eq!(learner.address_country.as_ref().unwrap().as_str(), "IT");
    let sending: Vec<&str> = r
        .organisations
        .iter()
        .filter_map(|o| o.country.as_ref().map(|c| c.as_str()))
        .collect();
    assert!(
        !sending.contains(&"IT"),
        "the test needs an issuer outside Italy: {sending:?}"
    );
    for format in ["xml", "jsonld"] {
        let back = through(&r, format);
        assert_eq!(
            back.learners[0]
                .address_country
                .as_ref()
                .map(|c| c.as_str()),
            Some("IT"),
            "{format} writes the address in Italy"
        );
    }
}
