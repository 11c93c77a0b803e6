//! The published JSON Schema of `round.json` (`docs/round.schema.json`): it
//! must be exactly what `europass schema` prints, and the `round.json` that
//! `europass convert … --to json` writes must validate against it.

use std::path::{Path, PathBuf};

use europass::pipeline::{self, Options};
use serde_json::Value;

const SCHEMA_FILE: &str = "docs/round.schema.json";
const DEMO: &str = "fixtures/demo/round.xlsx";

fn in_crate(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The schema as `europass schema` prints it: pretty JSON and the newline
/// that `println!` adds.
fn generated_schema() -> String {
    let schema = schemars::schema_for!(europass::model::Round);
    let mut text = serde_json::to_string_pretty(&schema).expect("the schema serialises");
    text.push('\n');
    text
}

fn published_schema() -> String {
    let path = in_crate(SCHEMA_FILE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The bytes of `round.json` for the demo workbook, as `convert --to json` writes them.
fn demo_round_json() -> Vec<u8> {
    let loaded = pipeline::load(&[in_crate(DEMO)], &Options::default());
    assert!(
        !loaded.round.learners.is_empty(),
        "the demo workbook gave no learners, so there is nothing to validate"
    );
    let exporter = europass::export::exporter("json").expect("the json exporter exists");
    let files = exporter
        .export(&loaded.round, &europass::export::ExportContext::default())
        .expect("the demo round exports");
    files
        .into_iter()
        .find(|f| f.path == Path::new("round.json"))
        .expect("the json exporter writes round.json")
        .bytes
}

#[test]
fn the_published_schema_is_exactly_what_europass_schema_prints() {
    let generated = generated_schema();
    let published = published_schema();
    if generated != published {
        let line = generated
            .lines()
            .zip(published.lines())
            .position(|(g, p)| g != p)
            .map_or_else(
                || "the files differ in length".to_string(),
                |i| format!("first difference at line {}", i + 1),
            );
        panic!(
            "{SCHEMA_FILE} is out of date with the model ({line}).\n\
             Regenerate it with:\n    cargo run -q -- schema > {SCHEMA_FILE}\n\
             and update docs/canonical-json.md if a field was added, changed or removed."
        );
    }
}

#[test]
fn the_demo_round_json_validates_against_the_published_schema() {
    let schema: Value =
        serde_json::from_str(&published_schema()).expect("the published schema is JSON");
    // Check the `format` keywords too, so that dates must be real dates.
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the published schema is a valid JSON Schema");

    let bytes = demo_round_json();
    let document: Value = serde_json::from_slice(&bytes).expect("round.json is JSON");
    // round.json adds `format` and `version` at the top, which the schema of
    // `Round` does not list. The schema does not forbid other properties (no
    // `"additionalProperties": false` on the round), so the document is
    // validated exactly as written.
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "round.json of {DEMO} does not match {SCHEMA_FILE} ({} errors):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn round_json_starts_with_its_format_name_and_version() {
    let bytes = demo_round_json();
    let text = String::from_utf8(bytes).expect("round.json is UTF-8");
    let head = format!(
        "{{\n  \"format\": \"{}\",\n  \"version\": {},\n",
        europass::model::ROUND_FORMAT,
        europass::model::ROUND_FORMAT_VERSION
    );
    assert!(
        text.starts_with(&head),
        "round.json does not start with its format and version:\n{}",
        text.lines().take(4).collect::<Vec<_>>().join("\n")
    );
}
