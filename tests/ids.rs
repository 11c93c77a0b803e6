//! Record ids are derived once, in the model (`model::ids`): the same
//! record read from a workbook and from the credential europass wrote of it
//! gets the same id, whether or not the credential still carries the record
//! ids europass writes for itself.

use std::path::{Path, PathBuf};

use europass::export::{self, ExportContext};
use europass::model::Round;
use europass::pipeline::{self, Options};

/// A Latvian school's flat sheet naming one unit without a code, by its
/// title in Latvian and in English.
fn bilingual_workbook(dir: &Path) -> PathBuf {
    let rows: [[&str; 11]; 2] = [
        [
            "Vārds",
            "Uzvārds",
            "Nosūtošā organizācija",
            "Nosūtošās organizācijas valsts",
            "Sākuma datums",
            "Beigu datums",
            "Uzņemošā organizācija",
            "Uzņemošā valsts",
            "Vienības nosaukums",
            "Vienība (angliski)",
            "Vērtējums",
        ],
        [
            "Anna",
            "Ozola",
            "Rīgas Tehniskā koledža",
            "LV",
            "2025-03-03",
            "2025-03-28",
            "Auto Serviss SIA",
            "FI",
            "Transportlīdzekļu diagnostika",
            "Vehicle diagnostics",
            "8",
        ],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    let path = dir.join("round.xlsx");
    book.save(&path).unwrap();
    path
}

fn load(paths: &[PathBuf]) -> Round {
    pipeline::load(paths, &Options::default()).round
}

/// The credentials of `format` europass writes of `round`, each passed
/// through `edit`, read back into one round.
fn read_back(round: &Round, format: &str, dir: &Path, edit: fn(&[u8]) -> Vec<u8>) -> Round {
    let files = export::exporter(format)
        .unwrap()
        .export(round, &ExportContext::default())
        .unwrap();
    assert!(!files.is_empty(), "no {format} credential was written");
    let paths: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = dir.join(format!("{i}.{format}"));
            std::fs::write(&path, edit(&f.bytes)).unwrap();
            path
        })
        .collect();
    load(&paths)
}

const RECORD_SCHEME: &str = "urn:europass-converter:record";

/// A credential without the record ids europass writes for itself (as
/// another tool's copy of it would be): every id is then derived from data.
fn without_record_ids_xml(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    let pattern = format!("<identifier schemeID=\"{RECORD_SCHEME}\"[^>]*>[^<]*</identifier>");
    let stripped = regex::Regex::new(&pattern).unwrap().replace_all(text, "");
    assert_ne!(stripped, text, "the credential carried record ids");
    stripped.into_owned().into_bytes()
}

fn without_record_ids_jsonld(bytes: &[u8]) -> Vec<u8> {
    fn is_record(v: &serde_json::Value) -> bool {
        v.get("schemeId").and_then(|s| s.as_str()) == Some(RECORD_SCHEME)
    }
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                match o.get_mut("identifier") {
                    Some(serde_json::Value::Array(ids)) => ids.retain(|i| !is_record(i)),
                    Some(id) if is_record(id) => {
                        o.remove("identifier");
                    }
                    _ => {}
                }
                o.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    strip(&mut doc);
    let stripped = serde_json::to_vec_pretty(&doc).unwrap();
    assert!(!String::from_utf8_lossy(&stripped).contains(RECORD_SCHEME));
    stripped
}

fn ids(round: &Round) -> Vec<String> {
    let mut ids: Vec<String> = round.units.iter().map(|u| u.id.clone()).collect();
    ids.extend(round.assessments.iter().map(|a| a.id.clone()));
    ids.extend(round.learners.iter().map(|l| l.id.clone()));
    ids.extend(round.mobilities.iter().map(|m| m.id.clone()));
    let mut orgs: Vec<String> = round.organisations.iter().map(|o| o.id.clone()).collect();
    orgs.sort();
    ids.extend(orgs);
    ids
}

#[test]
fn a_bilingual_unit_without_a_code_gets_the_same_id_from_a_workbook_and_its_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let round = load(&[bilingual_workbook(dir.path())]);
    assert_eq!(round.units.len(), 1);
    assert_eq!(round.units[0].code, None);
    assert_eq!(round.units[0].title.texts().count(), 2);
    assert_eq!(round.units[0].id, "transportlidzeklu-diagnostika");
    let as_written: fn(&[u8]) -> Vec<u8> = <[u8]>::to_vec;
    for (format, strip) in [
        ("xml", without_record_ids_xml as fn(&[u8]) -> Vec<u8>),
        ("jsonld", without_record_ids_jsonld),
    ] {
        let back = read_back(&round, format, dir.path(), as_written);
        assert_eq!(ids(&back), ids(&round), "{format} as written");
        let back = read_back(&round, format, dir.path(), strip);
        assert_eq!(ids(&back), ids(&round), "{format} without record ids");
    }
}
