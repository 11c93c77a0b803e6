//! The school profile (`europass.toml`) on a school's own flat workbook: the
//! sheet never names the sending school (every row is the school's), the
//! profile does, and every output carries it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

const SCHOOL: &str = "Rīgas Valsts tehnikums";

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// A coordinator's flat sheet: a title row naming the school, then one row
/// per learner and unit, with no column for the sending school.
fn flat_workbook(path: &Path) {
    let rows: &[&[&str]] = &[
        &["Erasmus+ mobilitāte 2025 — Rīgas Valsts tehnikums"],
        &[],
        &[
            "Audzēkņa ID",
            "Vārds",
            "Uzvārds",
            "Dzimšanas datums",
            "Uzņemošā organizācija",
            "Uzņemošā valsts",
            "Sākuma datums",
            "Beigu datums",
            "Vienības kods",
            "Vienības nosaukums",
            "EKI līmenis",
            "Vērtējums",
            "Vērtēšanas skala",
        ],
        &[
            "A-1",
            "Anna",
            "Ozola",
            "14.03.2005",
            "Muster GmbH",
            "DE",
            "03.03.2025",
            "28.03.2025",
            "U1",
            "Lodēšana",
            "4",
            "9",
            "LV 1-10",
        ],
        &[
            "A-2",
            "Jānis",
            "Bērziņš",
            "02.11.2004",
            "Muster GmbH",
            "DE",
            "03.03.2025",
            "28.03.2025",
            "U1",
            "Lodēšana",
            "4",
            "7",
            "LV 1-10",
        ],
        &[
            "A-3",
            "Līga",
            "Kalniņa",
            "21.07.2005",
            "Oy Esimerkki Ab",
            "FI",
            "07.04.2025",
            "30.04.2025",
            "U2",
            "Metināšana",
            "4",
            "8",
            "LV 1-10",
        ],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Mobilitātes").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(output)))
}

fn errors(report: &Value) -> Vec<&Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect()
}

fn files_named(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_named(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn xmllint(files: &[PathBuf]) {
    let output = support::xmllint_edci(files);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "xmllint rejects:\n{stderr}");
    let validated = stderr.lines().filter(|l| l.ends_with(" validates")).count();
    assert_eq!(validated, files.len(), "{stderr}");
}

struct FileRetriever;

const SCHEMA_BASE: &str = "file:///ebsi-edc-json-schema/";

impl jsonschema::Retrieve for FileRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri
            .as_str()
            .strip_prefix(SCHEMA_BASE)
            .ok_or_else(|| format!("no network access for {uri}"))?;
        let text = std::fs::read_to_string(schemas().join("ebsi-edc-json-schema").join(path))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn assert_valid_edc(files: &[PathBuf]) {
    let text = std::fs::read_to_string(schemas().join("ebsi-edc-json-schema/schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}schema.json"))
        .with_retriever(FileRetriever)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    for f in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .take(5)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{} is not a valid EDC: {errors:?}",
            f.display()
        );
    }
}

#[test]
fn without_a_profile_validate_names_the_header_to_add_and_the_profile_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mobilitates.xlsx");
    flat_workbook(&file);
    let out = europass()
        .current_dir(dir.path())
        .args(["validate", "--format", "json", "mobilitates.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    let missing: Vec<_> = errors(&report)
        .into_iter()
        .filter(|d| d["code"] == "missing-for-output")
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("sending organisation")
        })
        .collect();
    assert!(!missing.is_empty(), "{report:#}");
    for d in missing {
        assert_eq!(d["location"]["sheet"], "Mobilitātes", "{d}");
        let hint = d["hint"].as_str().unwrap();
        assert!(
            hint.contains("add a column \"Nosūtošā organizācija\""),
            "{hint}"
        );
        assert!(
            hint.contains("school.name") && hint.contains("europass.toml"),
            "{hint}"
        );
        assert!(!hint.contains("sending.name"), "{hint}");
    }
}

#[test]
fn with_init_the_flat_workbook_validates_clean_and_every_output_names_the_school() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mobilitates.xlsx");
    flat_workbook(&file);
    europass()
        .current_dir(dir.path())
        .args(["init", "--school", SCHOOL, "--country", "lv"])
        .assert()
        .success();
    let validate = europass()
        .current_dir(dir.path())
        .args(["validate", "--format", "json", "mobilitates.xlsx"])
        .output()
        .unwrap();
    let report = json_of(&validate.stdout);
    assert!(errors(&report).is_empty(), "{report:#}");
    assert_eq!(validate.status.code(), Some(0), "{report:#}");
    assert_eq!(report["profile"], "europass.toml");

    let out = dir.path().join("out");
    let convert = europass()
        .current_dir(dir.path())
        .args([
            "convert",
            "--to",
            "xml,jsonld,docx,pdf,json",
            "--format",
            "json",
            "--out",
        ])
        .arg(&out)
        .arg("mobilitates.xlsx")
        .output()
        .unwrap();
    let report = json_of(&convert.stdout);
    assert!(errors(&report).is_empty(), "{report:#}");

    let xml = files_named(&out, "xml");
    let jsonld = files_named(&out, "jsonld");
    assert_eq!((xml.len(), jsonld.len()), (3, 3), "{report:#}");
    xmllint(&xml);
    assert_valid_edc(&jsonld);
    for f in xml.iter().chain(&jsonld) {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains(SCHOOL), "{} lacks the issuer", f.display());
    }
    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    let school = round["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"].to_string().contains(SCHOOL))
        .expect("the school is an organisation of the round");
    assert_eq!(school["country"], "LV");
    for m in round["mobilities"].as_array().unwrap() {
        assert_eq!(m["sending"], school["id"], "{m}");
    }
    let docx = files_named(&out, "docx");
    let pdf = files_named(&out, "pdf");
    assert!(docx.len() >= 3 && pdf.len() >= 3, "{docx:?} {pdf:?}");
    for f in &docx {
        let text = docx_text(f);
        assert!(
            text.contains(SCHOOL),
            "{} lacks the sending school",
            f.display()
        );
    }
    for f in &pdf {
        let text = pdf_text(f);
        assert!(text.contains(SCHOOL), "{} lacks the school", f.display());
    }
}

fn docx_text(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

fn pdf_text(path: &Path) -> String {
    let out = Process::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed for this test; scripts/test installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_row_naming_its_school_wins_over_the_profile_with_a_note_at_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saraksts.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [&[&str]; 3] = [
        &[
            "Audzēkņa ID",
            "Vārds",
            "Uzvārds",
            "Nosūtošā organizācija",
            "Uzņemošā organizācija",
            "Sākuma datums",
        ],
        &[
            "A-1",
            "Anna",
            "Ozola",
            "Liepājas tehnikums",
            "Muster GmbH",
            "03.03.2025",
        ],
        &["A-2", "Jānis", "Bērziņš", "", "Muster GmbH", "03.03.2025"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&file).unwrap();
    let profile = dir.path().join("skola.toml");
    std::fs::write(
        &profile,
        format!(
            "[school]\nname = \"{SCHOOL}\"\ncountry = \"LV\"\n[project]\ncode = \"2025-1-LV01-KA122-VET-000000001\"\n\
             [memorandum]\nvalid_until = 2027-08-31\nevaluation = \"Reviewed every June.\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = europass()
        .args(["convert", "--to", "json", "--format", "json", "--profile"])
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&run.stdout);
    let notes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "profile-overridden")
        .collect();
    assert_eq!(notes.len(), 1, "{report:#}");
    assert_eq!(notes[0]["location"]["row"], 2);
    assert_eq!(notes[0]["location"]["column"], "D");
    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    let sending: Vec<&str> = round["mobilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sending"].as_str().unwrap())
        .collect();
    assert_eq!(sending.len(), 2);
    assert_ne!(
        sending[0], sending[1],
        "the row's school and the profile's: {round:#}"
    );
    assert!(sending.contains(&"liepajas-tehnikums"), "{sending:?}");
    for m in round["mobilities"].as_array().unwrap() {
        assert_eq!(m["project_code"], "2025-1-LV01-KA122-VET-000000001");
    }
    // The profile's school sends A-2 to Muster GmbH: their memorandum has
    // the profile's validity and section 6; the row's school's has none.
    let memoranda = round["memoranda"].as_array().expect("memoranda");
    assert_eq!(memoranda.len(), 1, "{round:#}");
    assert_eq!(memoranda[0]["valid_until"], "2027-08-31");
    assert!(
        memoranda[0]["evaluation"]
            .to_string()
            .contains("Reviewed every June.")
    );
    assert!(
        !memoranda[0]["organisations"]
            .to_string()
            .contains("liepajas")
    );
}

#[test]
fn the_nearest_profile_wins_and_inspect_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("2025").join("pavasaris");
    std::fs::create_dir_all(&inner).unwrap();
    flat_workbook(&inner.join("mobilitates.xlsx"));
    std::fs::write(
        dir.path().join("europass.toml"),
        "[school]\nname = \"Outer\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("2025/europass.toml"),
        "[school]\nname = \"Inner\"\n",
    )
    .unwrap();
    let inspect = europass()
        .current_dir(dir.path())
        .args(["inspect", "2025/pavasaris"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        text.contains("school profile: 2025/europass.toml"),
        "{text}"
    );
    let given = europass()
        .current_dir(dir.path())
        .args(["inspect", "--profile", "europass.toml", "2025/pavasaris"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&given.stdout);
    assert!(text.contains("school profile: europass.toml"), "{text}");
}

#[test]
fn a_malformed_profile_is_one_error_with_file_line_and_nearest_key() {
    let dir = tempfile::tempdir().unwrap();
    flat_workbook(&dir.path().join("m.xlsx"));
    std::fs::write(
        dir.path().join("europass.toml"),
        "[school]\nname = \"X\"\ncountyr = \"LV\"\n",
    )
    .unwrap();
    let out = europass()
        .current_dir(dir.path())
        .args(["validate", "m.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("europass.toml, line 3"), "{err}");
    assert!(
        err.contains("`school.countyr`") && err.contains("`school.country`"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn init_writes_a_commented_profile_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    europass()
        .args(["init", "--school", SCHOOL, "--country", "LV"])
        .arg(dir.path())
        .assert()
        .success();
    let path = dir.path().join("europass.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "name",
        "country",
        "address",
        "website",
        "pic",
        "oid",
        "national_id",
        "[coordinator]",
        "position",
        "email",
        "phone",
        "[signatory]",
        "[project]",
        "[grading]",
        "languages",
        "valid_until",
        "assessment_and_recognition",
        "evaluation",
        "[school.names]",
    ] {
        assert!(text.contains(key), "{key} missing from\n{text}");
    }
    assert!(text.contains(&format!("name = \"{SCHOOL}\"")), "{text}");
    std::fs::write(&path, "# mine\n").unwrap();
    let again = europass()
        .args(["init", "--school", "Other"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}
