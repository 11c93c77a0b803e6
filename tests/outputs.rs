//! Every output of a run gets a path of its own, decided before any is
//! written: learner folders never take the name of the output folder's own
//! files and folders, and files whose names are cut to the same length are
//! numbered instead of overwriting each other — in every run.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

/// A host name of exactly 70 characters.
fn long_host_name() -> String {
    let name: String = "Jyväskylän Autokorjaamo Virtanen ja Pojat Osakeyhtiö, Palokan toimipiste ja varaosamyymälä"
        .chars()
        .take(70)
        .collect();
    assert_eq!(name.chars().count(), 70);
    name
}

fn mobility(id: &str, learner: &str, host: &str, start: &str, end: &str) -> Value {
    json!({
        "id": id, "learner": learner, "sending": "school", "host": host,
        "start": start, "end": end, "units": ["U-1"]
    })
}

/// A round whose output names collided when each exporter named its own: a learner
/// whose folder would be `memoranda`, and three mobilities of one learner at
/// a host whose name is cut to the same 60 characters in each agreement's
/// file name.
fn colliding_round() -> Value {
    let host = "host-with-a-long-name".to_string();
    json!({
        "format": "europass-round",
        "version": 1,
        "organisations": [
            {"id": "school", "name": {"lv": "Rīgas Tehnikums"}, "roles": ["sending"], "country": "LV"},
            {"id": host, "name": {"fi": long_host_name()}, "roles": ["host"], "country": "FI"}
        ],
        "units": [{"id": "U-1", "title": {"en": "Brakes"}}],
        "learners": [
            // A given name that is only a dash: the folder would be `memoranda`.
            {"id": "L-1", "given_names": "-", "family_name": "Memoranda"},
            {"id": "L-2", "given_names": "Anna", "family_name": "Ozola"},
            {"id": "L-3", "given_names": "Json", "family_name": "Report"}
        ],
        "mobilities": [
            mobility("M-1", "L-1", &host, "2025-03-03", "2025-03-28"),
            mobility("M-2", "L-2", &host, "2025-03-03", "2025-03-28"),
            mobility("M-3", "L-2", &host, "2025-05-05", "2025-05-30"),
            mobility("M-4", "L-2", &host, "2025-09-01", "2025-09-26"),
            mobility("M-5", "L-3", &host, "2025-03-03", "2025-03-28")
        ]
    })
}

/// Converts the colliding round into every format (and the bundle) in a
/// fresh folder; returns the output folder's holder and the report.
fn convert() -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.json");
    std::fs::write(&input, colliding_round().to_string()).unwrap();
    let out = dir.path().join("out");
    let run = Command::cargo_bin("europass")
        .unwrap()
        .args(["convert", input.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--to", "xml,jsonld,docx,pdf,json,xlsx", "--bundle", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = std::fs::read_to_string(out.join("report.json")).expect("report.json is written");
    (dir, serde_json::from_str(&report).unwrap())
}

fn strings(report: &Value, list: &str, member: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|o| o[member].as_str().unwrap().to_string())
        .collect()
}

/// The paths of the planned outputs of `kind` for `learner`.
fn planned(report: &Value, kind: &str, learner: &str) -> Vec<String> {
    report["planned_outputs"]
        .as_array()
        .expect("the report lists the planned outputs")
        .iter()
        .filter(|o| o["kind"] == kind && o["learner"] == learner)
        .map(|o| o["path"].as_str().unwrap().to_string())
        .collect()
}

/// Files below `dir`, relative to it, with `/` separators.
fn files_below(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn every_output_of_a_round_with_colliding_names_gets_its_own_path_in_every_run() {
    let mut first: Option<Vec<String>> = None;
    for run in 0..20 {
        let (dir, report) = convert();
        let written = strings(&report, "outputs", "path");
        let distinct: BTreeSet<&String> = written.iter().collect();
        assert_eq!(distinct.len(), written.len(), "run {run}: {written:#?}");
        let on_disk = files_below(&dir.path().join("out"));
        for path in &written {
            assert!(on_disk.contains(path), "run {run}: {path} is not on disk");
        }
        // Everything planned is written (report.json last, not listed).
        for output in report["planned_outputs"].as_array().unwrap() {
            let path = output["path"].as_str().unwrap();
            assert!(
                path == "report.json" || written.iter().any(|w| w == path),
                "run {run}: {path} was planned but not written"
            );
        }
        match &first {
            None => first = Some(written),
            Some(names) => assert_eq!(&written, names, "run {run} named its outputs differently"),
        }
    }
}

#[test]
fn a_learner_named_memoranda_keeps_their_files_out_of_the_memoranda_folder() {
    let (dir, report) = convert();
    let out = dir.path().join("out");
    let agreement = planned(&report, "learning-agreement", "L-1");
    assert_eq!(agreement.len(), 1);
    assert!(!agreement[0].starts_with("memoranda/"), "{agreement:?}");
    assert!(out.join(&agreement[0]).is_file());
    let in_memoranda: Vec<String> = files_below(&out.join("memoranda")).into_iter().collect();
    assert_eq!(
        in_memoranda.len(),
        1,
        "only the memorandum of the one partnership: {in_memoranda:?}"
    );
    for kind in ["credential-xml", "credential-jsonld", "transcript"] {
        let paths = planned(&report, kind, "L-1");
        assert!(out.join(&paths[0]).is_file(), "{paths:?}");
        assert!(!paths[0].starts_with("memoranda/"), "{paths:?}");
    }
}

#[test]
fn three_agreements_at_a_host_with_a_70_character_name_are_three_files() {
    let (dir, report) = convert();
    let agreements = planned(&report, "learning-agreement", "L-2");
    let distinct: BTreeSet<&String> = agreements.iter().collect();
    assert_eq!(distinct.len(), 3, "{agreements:#?}");
    let folder = dir.path().join("out/ozola-anna");
    let docx: Vec<String> = files_below(&folder)
        .into_iter()
        .filter(|f| f.ends_with(".docx"))
        .collect();
    assert_eq!(docx.len(), 3, "{docx:?}");
}
