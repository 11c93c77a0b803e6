//! A coordinator drops the previous run's Learning Agreements and Memoranda
//! into the next round's input folder. europass knows its own documents by
//! the tag it writes into their properties, built-in or from a school's
//! template, and skips them with a note — never reads them as a school's
//! broken unit file (an `ambiguous-date` on its own date format, a missing
//! value, conflicting values, "nothing recognised").

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use europass::diagnostics::{Code, Severity};
use europass::pipeline::{self, Loaded, Options};

const DEMO: &str = "fixtures/demo";

fn europass() -> assert_cmd::Command {
    cargo_bin_cmd!("europass")
}

/// The demo round's Word documents, written to `out` (with `extra` args).
fn demo_documents(out: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    europass()
        .args(["convert", DEMO, "--to", "docx", "-q", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let la = fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("learning-agreement.docx"))
        .find(|p| p.exists())
        .expect("a learning agreement");
    let mou = fs::read_dir(out.join("memoranda"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .next()
        .expect("a memorandum");
    (la, mou)
}

/// The demo round's input with the documents beside it, as a coordinator
/// copies them (without the output folder's record of what europass wrote).
fn input_with(dir: &Path, documents: &[&Path]) -> PathBuf {
    let input = dir.join("input");
    fs::create_dir_all(&input).unwrap();
    for f in ["round.xlsx", "europass.toml"] {
        fs::copy(Path::new(DEMO).join(f), input.join(f)).unwrap();
    }
    for (i, d) in documents.iter().enumerate() {
        fs::copy(d, input.join(format!("previous-{i}.docx"))).unwrap();
    }
    input
}

fn load(path: &Path) -> Loaded {
    pipeline::load(&[path.to_path_buf()], &Options::default())
}

/// Every diagnostic about the file, but the notes.
fn problems(loaded: &Loaded, file: &str) -> Vec<String> {
    loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .filter(|d| {
            d.location
                .file
                .as_deref()
                .is_some_and(|f| f.ends_with(file))
        })
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn the_demo_rounds_own_agreements_in_the_input_are_skipped_with_a_note() {
    let work = tempfile::tempdir().unwrap();
    let (la, mou) = demo_documents(&work.path().join("out"), &[]);
    let input = input_with(work.path(), &[&la, &mou]);
    let alone = load(Path::new(DEMO));
    let loaded = load(&input);
    for file in ["previous-0.docx", "previous-1.docx"] {
        let p = problems(&loaded, file);
        assert_eq!(p.len(), 1, "{file}: {p:#?}");
        assert!(p[0].contains("file-skipped"), "{}", p[0]);
        assert!(p[0].contains("europass wrote"), "{}", p[0]);
    }
    let p = problems(&loaded, "previous-0.docx");
    assert!(
        p[0].contains("a Learning Agreement europass wrote dated 2025-"),
        "{}",
        p[0]
    );
    assert!(p[0].contains("\"Learning Agreement – "), "{}", p[0]);
    let p = problems(&loaded, "previous-1.docx");
    assert!(
        p[0].contains("a Memorandum of Understanding europass wrote"),
        "{}",
        p[0]
    );
    // Nothing of them is mixed into the round: no conflict, no error.
    let codes: Vec<Code> = loaded.report.diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&Code::ConflictingValues), "{codes:?}");
    assert!(!codes.contains(&Code::NothingRecognised), "{codes:?}");
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:#?}",
        loaded.report.diagnostics
    );
    assert_eq!(
        serde_json::to_value(&loaded.round).unwrap(),
        serde_json::to_value(&alone.round).unwrap()
    );
}

#[test]
fn an_agreement_written_from_a_schools_template_is_known_as_europass_own() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("our-agreement.docx");
    europass()
        .args(["template", "docx", "--kind", "learning-agreement"])
        .arg(&template)
        .assert()
        .success();
    let kind_and_file = format!("learning-agreement={}", template.display());
    let (la, _) = demo_documents(
        &work.path().join("out"),
        &["--template", kind_and_file.as_str()],
    );
    let loaded = load(&la);
    let p = problems(&loaded, "learning-agreement.docx");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].contains("a Learning Agreement europass wrote"),
        "{}",
        p[0]
    );
}

#[test]
fn a_schools_own_word_file_is_read_as_before() {
    // A unit description a school wrote has no europass tag: read as units.
    let loaded = load(Path::new("fixtures/word/three-units.docx"));
    assert!(!loaded.round.units.is_empty());
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .all(|d| d.code != Code::FileSkipped)
    );
}
