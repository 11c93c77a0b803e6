//! The JSON-LD credentials against the EDC SHACL shapes (ELM 3, vendored
//! under `schemas/elm-v3-edc-jsonld/shacl`), checked by a real SHACL engine:
//! pySHACL, pinned, with the W3C credentials contexts read from disk
//! (`scripts/install-shacl-tools`, run by `scripts/test`). The official EBSI
//! EDC examples themselves break five constraints (no eIDAS identifier on
//! the issuer, twice; `issued`, which the VC 2.0 context does not define; a
//! JSON Schema beside the SHACL validator; an identifier with two notations);
//! a europass credential may break those and no other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use europass::export::{self, ExportContext};
use europass::pipeline::{self, Options};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools() -> PathBuf {
    root().join("target/shacl-tools")
}

/// Violations per file: constraint key → pySHACL's message.
type Report = BTreeMap<String, BTreeMap<String, String>>;

/// Runs pySHACL over `files`; panics when the tools are missing.
fn validate(files: &[PathBuf]) -> Report {
    let python = tools().join("venv/bin/python");
    let contexts = tools().join("credentials-context/contexts");
    assert!(
        python.exists() && contexts.join("v2.jsonld").exists(),
        "pySHACL and the W3C credentials contexts are needed for this test: \
         run scripts/test, which installs them into target/shacl-tools \
         (scripts/install-shacl-tools)"
    );
    let output = Command::new(python)
        .arg(root().join("tests/shacl/validate.py"))
        .arg(root().join("schemas"))
        .arg(contexts)
        .args(files)
        .output()
        .expect("pySHACL runs");
    assert!(
        output.status.success(),
        "pySHACL failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut report = Report::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let found = v["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_string(),
                    p[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        report.insert(v["file"].as_str().unwrap().to_string(), found);
    }
    assert_eq!(report.len(), files.len(), "a report for every file");
    report
}

/// The official EBSI EDC examples (VC 2.0, as europass writes).
fn official_examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(root().join("schemas/ebsi-edc-json-schema/examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    files.sort();
    files
}

/// The violations every official example has: the only ones allowed.
fn shared_by_the_official_examples(report: &Report) -> BTreeSet<String> {
    let mut sets = report
        .values()
        .map(|v| v.keys().cloned().collect::<BTreeSet<_>>());
    let first = sets.next().unwrap();
    sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect())
}

/// Every JSON-LD credential of the demo round and, with `variants`, of its
/// variants and the credential fixture, written into `dir`.
fn fixture_credentials(dir: &Path, variants: bool) -> Vec<PathBuf> {
    let mut inputs = vec![root().join("fixtures/demo/round.xlsx")];
    let folders: &[&str] = if variants {
        &["fixtures/variants", "fixtures/credentials"]
    } else {
        &[]
    };
    for d in folders {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(d))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_none_or(|e| e != "md"))
            .collect();
        files.sort();
        inputs.extend(files);
    }
    let mut written = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let loaded = pipeline::load(std::slice::from_ref(input), &Options::default());
        assert!(
            !loaded.round.learners.is_empty(),
            "{} gave no learners",
            input.display()
        );
        let files = export::exporter("jsonld")
            .unwrap()
            .export(&loaded.round, &ExportContext::default())
            .unwrap();
        let out = dir.join(i.to_string());
        let (paths, _) =
            export::write_outputs(&out, &files, export::WriteOptions::default()).unwrap();
        written.extend(paths.into_iter().map(|w| out.join(w.path)));
    }
    written
}

fn unexpected(report: &Report, allowed: &BTreeSet<String>) -> Vec<String> {
    report
        .iter()
        .flat_map(|(file, found)| {
            found
                .iter()
                .filter(|(k, _)| !allowed.contains(*k))
                .map(move |(k, m)| format!("{file}: {k}: {m}"))
        })
        .collect()
}

#[test]
fn every_jsonld_of_the_demo_and_variant_rounds_breaks_no_edc_shape_the_official_examples_keep() {
    let examples = validate(&official_examples());
    let allowed = shared_by_the_official_examples(&examples);
    let expected: BTreeSet<String> = [
        "[sh:class=elm:LegalIdentifier sh:path=elm:eidasLegalIdentifier] | elm:eidasLegalIdentifier | sh:MinCountConstraintComponent",
        "edc:EuropeanDigitalCredential-cred_credentialSchema | cred:credentialSchema | sh:ClassConstraintComponent",
        "edc:EuropeanDigitalCredential-cred_issued | cred:issued | sh:MinCountConstraintComponent",
        "edc:EuropeanDigitalCredential-cred_issuer | cred:issuer | sh:NodeConstraintComponent",
        "edc:Identifier-skos_notation | skos:notation | sh:MaxCountConstraintComponent",
    ]
    .map(String::from)
    .into();
    assert_eq!(allowed, expected, "the examples' shared violations");
    let dir = tempfile::tempdir().unwrap();
    let ours = fixture_credentials(dir.path(), true);
    assert!(
        ours.len() >= 14 * 5,
        "credentials of every round: {}",
        ours.len()
    );
    // The variants import to the demo round, so most files are the same
    // bytes: each distinct document is validated once.
    let mut seen = BTreeSet::new();
    let distinct: Vec<PathBuf> = ours
        .into_iter()
        .filter(|p| seen.insert(std::fs::read(p).unwrap()))
        .collect();
    let report = validate(&distinct);
    let bad = unexpected(&report, &allowed);
    assert!(
        bad.is_empty(),
        "europass-specific SHACL violations:\n{}",
        bad.join("\n")
    );
}

#[test]
fn an_organisation_with_two_registrations_is_a_violation_the_check_reports() {
    // The check can fail: the fault europass credentials once had (the host
    // written twice, each copy with an id-less registration) is caught.
    let dir = tempfile::tempdir().unwrap();
    let ours = fixture_credentials(dir.path(), false);
    let file = &ours[0];
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let issuer = doc["issuer"].as_object_mut().unwrap();
    let mut second = issuer["registration"].clone();
    second.as_object_mut().unwrap().remove("id");
    second["notation"] = "another".into();
    issuer["registration"] = serde_json::json!([issuer["registration"].clone(), second]);
    std::fs::write(file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let report = validate(std::slice::from_ref(file));
    let keys: Vec<&String> = report.values().flat_map(|v| v.keys()).collect();
    assert!(
        keys.iter()
            .any(|k| k.starts_with("edc:Organisation-rov_registration") && k.contains("MaxCount")),
        "two registrations are reported: {keys:#?}"
    );
}
