//! Every text keeps the language it was written in: over the credentials
//! (XML and JSON-LD) of the demo round and its variants, no text is tagged
//! with a language it is not written in. The fixtures' languages are known
//! (scripts/make-demo-fixtures.py writes them): the tables below say, per
//! column of the demo workbook, which language its values are in.

use std::collections::BTreeMap;
use std::path::PathBuf;

use europass::export::{self, ExportContext};
use europass::model::Round;
use europass::pipeline::{self, Options};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo round and every variant of it.
fn demo_rounds() -> Vec<(String, Round)> {
    let mut inputs = vec![root().join("fixtures/demo/round.xlsx")];
    let mut variants: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/variants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    variants.sort();
    inputs.extend(variants);
    inputs
        .into_iter()
        .map(|p| {
            let loaded = pipeline::load(std::slice::from_ref(&p), &Options::default());
            assert!(!loaded.round.learners.is_empty(), "{}", p.display());
            (p.display().to_string(), loaded.round)
        })
        .collect()
}

/// Organisation names (the "Nosaukums" columns): proper names, each in its
/// own country's language whatever sheet it was typed into.
const ORGANISATION_NAMES: &[(&str, &str)] = &[
    ("Vidzemes Profesionālā vidusskola", "lv"),
    ("Oy Autokorjaamo Virtanen Ab", "fi"),
    ("Restaurointi Mäkinen Oy", "fi"),
    ("Autohaus Müller GmbH", "de"),
    ("Restaurierungswerkstatt Schröder", "de"),
];

/// Columns in the workbook's language (Latvian) and their `(angliski)`
/// columns (English): unit and qualification titles, area of work, the
/// mobility's objective and tasks, the assessment method, criteria and
/// remarks, the Latvian job titles.
const COLUMN_TEXTS: &[(&str, &str)] = &[
    ("Transportlīdzekļu stabilitātes vadības sistēmas", "lv"),
    ("Vehicle stability management systems", "en"),
    ("Internacionalizācija un projektu vadība", "lv"),
    ("Internationalization and Project Management", "en"),
    ("Lodēšanas metodes restaurācijā", "lv"),
    ("Soldering methods in restoration", "en"),
    ("Profesionālā terminoloģija svešvalodā", "lv"),
    ("Professional terminology in a foreign language", "en"),
    ("Automehāniķis", "lv"),
    ("Car mechanic", "en"),
    ("Restauratora palīgs", "lv"),
    ("Restorer's assistant", "en"),
    ("Globālā domāšana un tirdzniecības iespējas", "lv"),
    ("Global mind set and trade opportunity", "en"),
    ("Metāla priekšmetu restaurācija", "lv"),
    ("Saziņa darba vietā", "lv"),
    (
        "Apgūt ECVET mācīšanās rezultātu vienības praksē uzņēmumā ārzemēs",
        "lv",
    ),
    ("Novērošana darba vietā un praktisks uzdevums", "lv"),
    ("Komunikācijas prasmes", "lv"),
    ("Nozares zināšanas un izpratne", "lv"),
    ("Ļoti precīza diagnostikā.", "lv"),
    ("Izcils darbs ar misiņa svečturi.", "lv"),
    ("Darbnīcas vadītājs", "lv"),
    ("Restauratore", "lv"),
    ("Apmācību vadītāja", "lv"),
    ("Darbnīcas meistars", "lv"),
    ("Darbnīcas īpašnieks", "lv"),
    ("Projektu koordinatore", "lv"),
    ("Personāla vadītāja", "lv"),
];

/// Every (language, text) pair of an XML credential: each element with a
/// `lang` attribute and its text.
fn xml_texts(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in xml.split('<').skip(1) {
        let Some((tag, text)) = piece.split_once('>') else {
            continue;
        };
        let Some(at) = tag.find(" lang=\"") else {
            continue;
        };
        let lang: String = tag[at + 7..].chars().take_while(|c| *c != '"').collect();
        out.push((lang, unescape(text)));
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every (language, text) pair of a JSON-LD credential: the entries of its
/// language maps.
fn jsonld_texts(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(o) => {
            let is_map = !o.is_empty()
                && o.keys().all(|k| k.len() == 2)
                && o.values().all(|s| s.is_string() || s.is_array());
            if is_map {
                for (lang, text) in o {
                    match text {
                        serde_json::Value::String(s) => out.push((lang.clone(), s.clone())),
                        serde_json::Value::Array(a) => out.extend(
                            a.iter()
                                .filter_map(|s| s.as_str())
                                .map(|s| (lang.clone(), s.to_string())),
                        ),
                        _ => {}
                    }
                }
            } else {
                o.values().for_each(|x| jsonld_texts(x, out));
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| jsonld_texts(x, out)),
        _ => {}
    }
}

/// Texts of the credentials whose language the tables know, tagged with
/// another one: `(file, text, tagged, written in)`.
fn mistagged(files: &[(String, Vec<(String, String)>)]) -> (Vec<String>, usize) {
    let known: BTreeMap<&str, &str> = ORGANISATION_NAMES
        .iter()
        .chain(COLUMN_TEXTS)
        .copied()
        .collect();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (file, texts) in files {
        for (tagged, text) in texts {
            if let Some(written) = known.get(text.trim()) {
                checked += 1;
                if tagged != written {
                    wrong.push(format!(
                        "{file}: \"{text}\" tagged {tagged}, written in {written}"
                    ));
                }
            }
        }
    }
    (wrong, checked)
}

#[test]
fn no_credential_text_is_tagged_with_a_language_it_is_not_written_in() {
    let mut files = Vec::new();
    for (name, round) in demo_rounds() {
        let ctx = ExportContext::default();
        for file in export::exporter("xml")
            .unwrap()
            .export(&round, &ctx)
            .unwrap()
        {
            let xml = String::from_utf8(file.bytes).unwrap();
            files.push((format!("{name} {}", file.path.display()), xml_texts(&xml)));
        }
        for file in export::exporter("jsonld")
            .unwrap()
            .export(&round, &ctx)
            .unwrap()
        {
            let doc: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
            let mut texts = Vec::new();
            jsonld_texts(&doc, &mut texts);
            files.push((format!("{name} {}", file.path.display()), texts));
        }
    }
    let (wrong, checked) = mistagged(&files);
    // Every credential names its school and host and its units: the tables
    // are not vacuous.
    assert!(checked > files.len() * 4, "only {checked} texts known");
    assert!(
        wrong.is_empty(),
        "{} of {checked} known texts mis-tagged:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
}

#[test]
fn a_foreign_name_typed_into_a_latvian_sheet_is_in_its_countrys_language() {
    // The demo workbook names every organisation in a Latvian sheet.
    let loaded = pipeline::load(
        &[root().join("fixtures/demo/round.xlsx")],
        &Options::default(),
    );
    let names: BTreeMap<&str, Vec<(&str, &str)>> = loaded
        .round
        .organisations
        .iter()
        .map(|o| (o.id.as_str(), o.name.iter().collect()))
        .collect();
    assert_eq!(
        names["oy-autokorjaamo-virtanen-ab"],
        [("fi", "Oy Autokorjaamo Virtanen Ab")]
    );
    assert_eq!(
        names["restaurierungswerkstatt-schroder"],
        [("de", "Restaurierungswerkstatt Schröder")]
    );
    assert_eq!(
        names["vidzemes-profesionala-vidusskola"],
        [("lv", "Vidzemes Profesionālā vidusskola")]
    );
}

fn english() -> ExportContext {
    ExportContext {
        languages: vec!["en".into()],
        ..ExportContext::default()
    }
}

/// The visible text of a DOCX: its runs' texts, whitespace collapsed.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some((_, rest)) = piece.split_once('>') else {
            continue;
        };
        let run = rest.split("</w:t>").next().unwrap_or("");
        text.push_str(&unescape(run));
        text.push(' ');
    }
    squeeze(&text)
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF as pdftotext reads it, whitespace collapsed.
fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed for this test (Debian: poppler-utils): {e}")
        });
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    squeeze(&String::from_utf8(out.stdout).unwrap())
}

/// What an English document must show of the demo's first learner (Anna
/// Ozola, at Oy Autokorjaamo Virtanen Ab): Latvian values marked as Latvian,
/// English ones and proper names as they are.
fn assert_marked(what: &str, text: &str, latvian: &[&str]) {
    for value in latvian {
        assert!(
            text.contains(&format!("{value} (lv)")),
            "{what}: the Latvian \"{value}\" is not marked as Latvian:\n{text}"
        );
    }
    assert!(
        text.contains("Vehicle stability management systems"),
        "{what}"
    );
    assert!(
        !text.contains("(en)"),
        "{what}: an English text marked:\n{text}"
    );
    assert!(text.contains("Oy Autokorjaamo Virtanen Ab"), "{what}");
    assert!(
        !text.contains("Virtanen Ab (fi)") && !text.contains("vidusskola (lv)"),
        "{what}: an organisation's name is marked:\n{text}"
    );
}

#[test]
fn an_english_transcript_marks_latvian_values_as_latvian() {
    let (_, round) = demo_rounds().remove(0);
    let files = export::exporter("pdf")
        .unwrap()
        .export(&round, &english())
        .unwrap();
    let file = files
        .iter()
        .find(|f| f.path.starts_with("ozola-anna"))
        .expect("Anna Ozola's transcript");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("transcript.pdf");
    std::fs::write(&pdf, &file.bytes).unwrap();
    let text = pdf_text(&pdf);
    assert_marked(
        "transcript",
        &text,
        &[
            "Novērošana darba vietā un praktisks uzdevums",
            "Komunikācijas prasmes",
            "Ļoti precīza diagnostikā.",
        ],
    );
}

#[test]
fn an_english_learning_agreement_marks_latvian_values_as_latvian() {
    let (_, round) = demo_rounds().remove(0);
    let files = export::exporter("docx")
        .unwrap()
        .export(&round, &english())
        .unwrap();
    let agreement = files
        .iter()
        .find(|f| {
            f.path.starts_with("ozola-anna") && f.path.to_string_lossy().contains("agreement")
        })
        .unwrap_or_else(|| {
            panic!(
                "Anna Ozola's learning agreement among {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        });
    let text = docx_text(&agreement.bytes);
    assert_marked(
        "learning agreement",
        &text,
        &[
            "Bremžu sistēmu diagnostika un remonts; stabilitātes sistēmu sensoru pārbaude",
            "Novērošana darba vietā un praktisks uzdevums",
        ],
    );
}
