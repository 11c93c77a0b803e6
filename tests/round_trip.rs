//! Round trips through the credential formats, measured field by field.
//!
//! The demo round (and every fixture round) is written as XML and JSON-LD
//! credentials and as PDF transcripts, read back, and compared with the
//! round it came from: every value of `round.json` is a leaf with a path
//! (`learners[A-001].date_of_birth`), records keyed by their id, and a leaf
//! that does not come back the same is a value lost. What a format cannot
//! hold is listed in `docs/credential-mapping.md` ("Not carried"); the test
//! pins that list against the differences actually found, both ways.

mod support;

use support::root;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use europass::export::{self, ExportContext, OutputFile};
use europass::model::Round;
use europass::pipeline::{self, Options};
use serde_json::Value;

fn load(paths: &[PathBuf]) -> Round {
    pipeline::load(paths, &Options::default()).round
}

/// The demo, its variants and the credential fixture, each as a round.
fn fixture_rounds() -> Vec<(String, Round)> {
    support::fixture_inputs()
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, load(&[p]))
        })
        .collect()
}

fn export(format: &str, round: &Round) -> Vec<OutputFile> {
    export::exporter(format)
        .unwrap()
        .export(round, &ExportContext::default())
        .unwrap()
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Vec<PathBuf> {
    export::write_outputs(dir, files, export::WriteOptions::default())
        .unwrap()
        .0
        .into_iter()
        .map(|w| dir.join(w.path))
        .collect()
}

/// `round` written in `format` and read back as `europass convert FILE… --to json` reads it.
fn through(round: &Round, format: &str) -> Round {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path(), &export(format, round));
    load(&files)
}

/// The key a list item is known by: its id (or the mobility of a learning
/// agreement), a credit point's system, a registration's scheme, a string's
/// own value; else its position.
fn item_key(item: &Value, i: usize) -> String {
    match item {
        Value::Object(o) => {
            for k in ["id", "mobility", "unit"] {
                if let Some(Value::String(s)) = o.get(k) {
                    return s.clone();
                }
            }
            if let Some(system) = o.get("system") {
                return system
                    .get("name")
                    .or(system.get("kind"))
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
            }
            if let Some(Value::String(s)) = o.get("scheme") {
                return s.clone();
            }
            i.to_string()
        }
        Value::String(s) => s.clone(),
        _ => i.to_string(),
    }
}

/// Every leaf of `v` by its path, and the path with record keys left out
/// (`learners[].date_of_birth`): the field.
fn flatten(v: &Value, path: &str, field: &str, out: &mut BTreeMap<String, (String, Value)>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let sep = if path.is_empty() { "" } else { "." };
                flatten(
                    x,
                    &format!("{path}{sep}{k}"),
                    &format!("{field}{sep}{k}"),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let key = item_key(x, i);
                let leaf = if x.is_string() {
                    Value::Bool(true)
                } else {
                    x.clone()
                };
                if x.is_string() {
                    out.insert(format!("{path}[{key}]"), (format!("{field}[{key}]"), leaf));
                } else {
                    flatten(x, &format!("{path}[{key}]"), &format!("{field}[]"), out);
                }
            }
        }
        leaf => {
            out.insert(path.to_string(), (field.to_string(), leaf.clone()));
        }
    }
}

/// A field's name without its language (`units[].title.lv` → `units[].title`).
fn without_language(field: &str) -> String {
    const TEXTS: [&str; 14] = [
        ".title.",
        ".name.",
        ".description.",
        ".text.",
        ".area_of_work.",
        ".objective.",
        ".tasks.",
        ".method.",
        ".remarks.",
        ".deviations.",
        ".criterion.",
        ".position.",
        ".details[].",
        ".label.",
    ];
    for t in TEXTS {
        if let Some(at) = field.find(t) {
            return field[..at + t.len() - 1].to_string();
        }
    }
    field.to_string()
}

/// What `back` lost of `original`: each lost or changed leaf with its field.
fn lost(original: &Round, back: &Round) -> Vec<(String, String)> {
    let mut a = BTreeMap::new();
    let mut b = BTreeMap::new();
    flatten(&serde_json::to_value(original).unwrap(), "", "", &mut a);
    flatten(&serde_json::to_value(back).unwrap(), "", "", &mut b);
    a.into_iter()
        .filter(|(path, (_, value))| b.get(path).map(|(_, v)| v) != Some(value))
        .map(|(path, (field, _))| (path, without_language(&field)))
        .collect()
}

const FORMATS: [&str; 3] = ["xml", "jsonld", "pdf"];

/// The fields `docs/credential-mapping.md` says each format does not carry:
/// the fields named in the "Not carried" table's first column
/// (`learners[].guardian`), marked per format (`XML`, `JSON-LD`, `PDF`
/// columns, "no" = not carried).
fn documented_losses() -> BTreeMap<&'static str, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("docs/credential-mapping.md")).unwrap();
    let section = doc
        .split("## Not carried")
        .nth(1)
        .expect("docs/credential-mapping.md has a \"Not carried\" section");
    let mut out: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for line in section.lines().take_while(|l| !l.starts_with("## ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `field` | xml | jsonld | pdf | why |
        if cells.len() < 6 || !cells[1].starts_with('`') {
            continue;
        }
        // Every `field` named in the first cell (words around them explain).
        let fields: Vec<String> = cells[1]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        for (i, format) in FORMATS.iter().enumerate() {
            if cells[2 + i] == "no" {
                out.entry(format)
                    .or_default()
                    .extend(fields.iter().cloned());
            }
        }
    }
    out
}

/// Whether `field` is `listed` or lies below it.
fn covers(listed: &str, field: &str) -> bool {
    field == listed
        || field.starts_with(&format!("{listed}."))
        || field.starts_with(&format!("{listed}["))
}

/// Per format, the values of the demo round lost by field, and those of
/// every fixture round.
type Losses = (BTreeMap<String, usize>, BTreeMap<String, usize>);

fn measure() -> BTreeMap<&'static str, Losses> {
    let mut out: BTreeMap<&str, Losses> = BTreeMap::new();
    for (name, round) in fixture_rounds() {
        for format in FORMATS {
            let back = through(&round, format);
            let entry = out.entry(format).or_default();
            for (_, field) in lost(&round, &back) {
                if name == "round.xlsx" {
                    *entry.0.entry(field.clone()).or_default() += 1;
                }
                *entry.1.entry(field).or_default() += 1;
            }
        }
    }
    out
}

#[test]
fn what_each_format_loses_of_the_fixture_rounds_is_what_the_mapping_documents() {
    let documented = documented_losses();
    let measured = measure();
    let mut problems = Vec::new();
    for format in FORMATS {
        let (demo, fields) = &measured[format];
        let total: usize = demo.values().sum();
        eprintln!("{format}: the demo round loses {total} values (every fixture round):");
        for (field, n) in fields {
            eprintln!("    {:4} ({n:4})  {field}", demo.get(field).unwrap_or(&0));
        }
        let listed = documented.get(format).cloned().unwrap_or_default();
        for field in fields.keys() {
            if !listed.iter().any(|l| covers(l, field)) {
                problems.push(format!(
                    "{format} loses {field}, which the mapping does not list"
                ));
            }
        }
        for l in &listed {
            if !fields.keys().any(|f| covers(l, f)) {
                problems.push(format!(
                    "{format}: the mapping lists {l} as not carried, but every fixture round keeps it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
