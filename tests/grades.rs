//! Grades and grading schemes in JSON-LD credentials, as the EDC examples
//! write them: a grade is a `Note` whose literal holds the value together
//! with its meaning, in the languages that meaning exists in
//! (`{"en": "9 – Latvian 10-point scale (pass from 4)"}`, `"Good (labi)"`);
//! a `GradingScheme` has a title, its scale in words as its description and
//! its id as an `Identifier`'s short notation — never JSON. Reading the
//! credential back gives the same grades and schemes, and a credential in
//! the shape earlier europass versions wrote (a bare value tagged with the
//! credential's language, the scheme as JSON in `Identifier.notation`)
//! still reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use europass::export::{self, ExportContext};
use europass::model::{
    CountryCode, Grade, GradeLabel, GradingScheme, MultilingualText, Round, Scale,
};
use europass::pipeline::{self, Options};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const DEFINITION: &str = "urn:europass-converter:grading-scheme-definition";

/// The demo round with two results moved to schemes of a school's own: an
/// ordered scale whose labels have names, and a national points scale.
fn round() -> Round {
    let mut round = pipeline::load(
        &[root().join("fixtures/demo/round.xlsx")],
        &Options::default(),
    )
    .round;
    let text = |pairs: &[(&str, &str)]| {
        let mut t = MultilingualText::new();
        for (l, s) in pairs {
            t.set(l, *s);
        }
        t
    };
    let label = |value: &str, lv: &str, en: &str| GradeLabel {
        value: value.into(),
        name: text(&[("lv", lv), ("en", en)]),
    };
    round.grading_schemes.push(GradingScheme {
        id: "kt-3-limeni".into(),
        name: text(&[
            ("lv", "Kurzemes Tehnikuma 3 līmeņu skala"),
            ("en", "Kurzemes Tehnikums 3-level scale"),
        ]),
        country: Some(CountryCode("LV".into())),
        scale: Scale::Ordered {
            labels: vec![
                label("nepietiekami", "Nepietiekami", "Insufficient"),
                label("pietiekami", "Pietiekami", "Sufficient"),
                label("labi", "Labi", "Good"),
            ],
            lowest_pass: "pietiekami".into(),
        },
    });
    round.grading_schemes.push(GradingScheme {
        id: "school-points".into(),
        name: text(&[("en", "School points 0–100")]),
        country: Some(CountryCode("LV".into())),
        scale: Scale::Numeric {
            min: 0,
            max: 100,
            lowest_pass: 50,
            higher_is_better: true,
        },
    });
    // Another issuer's scheme, known only by its words.
    round.grading_schemes.push(GradingScheme {
        id: "general-grading-scheme-in-finland".into(),
        name: text(&[("en", "General grading scheme in Finland")]),
        country: None,
        scale: Scale::Described {
            definition: text(&[
                (
                    "en",
                    "Five grades: 5 (outstanding) to 1 (fail); 2 is the lowest pass.",
                ),
                ("fi", "Viisi arvosanaa: 5 (erinomainen) – 1 (hylätty)."),
            ]),
        },
    });
    let mut graded = round.assessments.iter_mut().filter(|a| a.grade.is_some());
    for (value, scheme) in [
        ("labi", "kt-3-limeni"),
        ("75", "school-points"),
        ("Excellent (5)", "general-grading-scheme-in-finland"),
    ] {
        let result = graded.next().unwrap();
        result.grade = Some(Grade {
            value: value.into(),
            scheme: scheme.into(),
        });
        result.passed = (!value.contains(' ')).then_some(true);
    }
    round
}

/// The round's JSON-LD credentials, written into `dir`.
fn write_jsonld(round: &Round, dir: &Path) -> Vec<PathBuf> {
    let files = export::exporter("jsonld")
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

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every object of `v` (depth first) for which `pick` says yes.
fn objects<'a>(v: &'a Value, pick: &dyn Fn(&Value) -> bool, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => {
            if pick(v) {
                out.push(v);
            }
            o.values().for_each(|x| objects(x, pick, out));
        }
        Value::Array(a) => a.iter().for_each(|x| objects(x, pick, out)),
        _ => {}
    }
}

fn typed<'a>(v: &'a Value, ty: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    objects(v, &|o| o["type"] == ty, &mut out);
    out
}

/// Every grade literal (as `language → text`) of a credential.
fn grade_literals(v: &Value) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    objects(v, &|o| o.get("grade").is_some(), &mut out);
    out.iter()
        .map(|o| {
            o["grade"]["noteLiteral"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(l, t)| (l.clone(), t.as_str().unwrap().to_string()))
                .collect()
        })
        .collect()
}

/// `(assessment id, grade)` of every graded result, and the schemes by id.
fn grades_and_schemes(round: &Round) -> (BTreeMap<String, Grade>, BTreeMap<String, GradingScheme>) {
    let grades = round
        .assessments
        .iter()
        .filter_map(|a| Some((a.id.clone(), a.grade.clone()?)))
        .collect();
    let schemes = round
        .grading_schemes
        .iter()
        .map(|s| (s.id.clone(), s.clone()))
        .collect();
    (grades, schemes)
}

#[test]
fn a_grade_is_a_note_with_its_value_and_meaning_and_a_scheme_has_its_id_and_scale_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_jsonld(&round(), dir.path());
    let credentials: Vec<Value> = files.iter().map(|f| read(f)).collect();
    let literals: Vec<_> = credentials.iter().flat_map(grade_literals).collect();
    let pairs = |p: &[(&str, &str)]| -> BTreeMap<String, String> {
        p.iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect()
    };
    // A value on a numeric scale, with the scale's name in each language it has.
    assert!(
        literals.contains(&pairs(&[
            ("lv", "9 – 10 ballu skala (sekmīgi no 4)"),
            ("en", "9 – Latvian 10-point scale (pass from 4)"),
        ])),
        "{literals:#?}"
    );
    // A label's name with its value, in the label's languages.
    assert!(literals.contains(&pairs(&[("lv", "Labi (labi)"), ("en", "Good (labi)")])));
    // A scale named in English only is not tagged Latvian.
    assert!(literals.contains(&pairs(&[("en", "75 – School points 0–100")])));
    // A grade on a scheme known only by its words is kept as it was read,
    // in the language of the scheme's name.
    assert!(literals.contains(&pairs(&[("en", "Excellent (5)")])));
    for literal in &literals {
        assert!(
            literal
                .values()
                .all(|t| t.contains(" – ") || t.ends_with(')')),
            "a grade without its meaning: {literal:?}"
        );
    }
    let mut words = BTreeMap::new();
    for scheme in credentials.iter().flat_map(|c| typed(c, "GradingScheme")) {
        for identifier in scheme["identifier"].as_array().into_iter().flatten() {
            let notation = identifier["notation"].as_str().unwrap();
            assert!(
                identifier["schemeId"] != DEFINITION && !notation.contains('{'),
                "JSON in a grading scheme's identifier: {identifier}"
            );
            words.insert(notation.to_string(), scheme["description"]["en"].clone());
        }
    }
    assert_eq!(
        words["lv-1-10"],
        "Whole numbers from 1 to 10, 10 best; 4 and above pass. Used in Latvia (LV)."
    );
    assert_eq!(
        words["kt-3-limeni"],
        "Grades from worst to best: nepietiekami, pietiekami, labi; pietiekami and better pass. Used in Latvia (LV)."
    );
}

#[test]
fn grades_and_schemes_read_back_from_jsonld_as_they_were_written() {
    let round = round();
    let dir = tempfile::tempdir().unwrap();
    let files = write_jsonld(&round, dir.path());
    let back = pipeline::load(&files, &Options::default()).round;
    let (grades, mut schemes) = grades_and_schemes(&round);
    let (grades_back, schemes_back) = grades_and_schemes(&back);
    assert_eq!(grades_back, grades);
    // The names of a school's own labels live in the grades that use them
    // only: the scheme comes back with its values, pass grade and country.
    if let Some(Scale::Ordered { labels, .. }) =
        schemes.get_mut("kt-3-limeni").map(|s| &mut s.scale)
    {
        labels
            .iter_mut()
            .for_each(|l| l.name = MultilingualText::new());
    }
    schemes.retain(|id, _| grades.values().any(|g| g.scheme == *id) || id == "fi-1-3");
    assert_eq!(schemes_back, schemes);
    let passed = |r: &Round| -> BTreeMap<String, Option<bool>> {
        r.assessments
            .iter()
            .map(|a| (a.id.clone(), a.passed))
            .collect()
    };
    assert_eq!(passed(&back), passed(&round));
}

/// The credential as europass before this shape wrote it: the grade a bare
/// value tagged with the credential's main language (Latvian, for the
/// demo), the scheme's definition as JSON in a second identifier and its
/// description without a country.
fn in_old_shape(credential: &mut Value, round: &Round) {
    old_shape_walk(credential, round, "lv");
}

fn old_shape_walk(v: &mut Value, round: &Round, primary: &str) {
    match v {
        Value::Object(o) => {
            if let Some(literal) = o.get_mut("grade").map(|g| &mut g["noteLiteral"]) {
                let text = literal.as_object().unwrap().values().next().unwrap();
                let text = text.as_str().unwrap();
                let as_read = round
                    .assessments
                    .iter()
                    .any(|a| a.grade.as_ref().is_some_and(|g| g.value == text));
                let value = match text.split_once(" – ") {
                    _ if as_read => text.to_string(),
                    Some((value, _)) => value.to_string(),
                    None => text
                        .rsplit_once(" (")
                        .unwrap()
                        .1
                        .trim_end_matches(')')
                        .into(),
                };
                *literal = serde_json::json!({ primary: value });
            }
            if o.get("type").is_some_and(|t| t == "GradingScheme")
                && let Some(Value::Array(ids)) = o.get_mut("identifier")
            {
                let id = ids[0]["notation"].as_str().unwrap().to_string();
                let scheme = round.grading_schemes.iter().find(|s| s.id == id).unwrap();
                ids.push(serde_json::json!({
                    "type": "Identifier",
                    "notation": serde_json::to_string(scheme).unwrap(),
                    "schemeName": "europass grading scheme definition",
                    "schemeId": DEFINITION,
                }));
                let words = o["description"]["en"].as_str().unwrap();
                let words = words.split(" Used in ").next().unwrap().to_string();
                o.insert("description".into(), serde_json::json!({ "en": words }));
            }
            o.values_mut()
                .for_each(|x| old_shape_walk(x, round, primary));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| old_shape_walk(x, round, primary)),
        _ => {}
    }
}

#[test]
fn a_credential_in_the_shape_earlier_versions_wrote_reads_back_to_the_same_grades_and_schemes() {
    let round = round();
    let dir = tempfile::tempdir().unwrap();
    let files = write_jsonld(&round, dir.path());
    for file in &files {
        let mut credential = read(file);
        in_old_shape(&mut credential, &round);
        let literals = grade_literals(&credential);
        assert!(
            literals
                .iter()
                .all(|l| l.len() == 1 && l.contains_key("lv"))
        );
        std::fs::write(file, serde_json::to_string(&credential).unwrap()).unwrap();
    }
    let back = pipeline::load(&files, &Options::default()).round;
    let (grades, mut schemes) = grades_and_schemes(&round);
    let (grades_back, schemes_back) = grades_and_schemes(&back);
    assert_eq!(grades_back, grades);
    // The old shape carried every scheme whole, label names included.
    schemes.retain(|id, _| schemes_back.contains_key(id));
    assert_eq!(schemes_back, schemes);
    assert!(schemes_back.contains_key("kt-3-limeni"));
}
