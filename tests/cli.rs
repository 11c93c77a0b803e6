//! The `europass` command line on real files: what a school coordinator or an
//! agency sees when they run inspect, validate, convert and template.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

/// Writes an .xlsx whose cells are all text (as typed by hand), one entry per sheet.
fn xlsx(path: &Path, sheets: &[(&str, &[&[&str]])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(output)))
}

fn diagnostics_with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn inspect_picks_the_latvian_mapping_despite_case_spacing_breaks_and_missing_diacritics() {
    let dir = temp();
    let file = dir.path().join("saraksts.xlsx");
    xlsx(
        &file,
        &[(
            "Lapa1",
            &[
                &[
                    "  VARDS ",
                    "uzvārds",
                    "Dzimsanas\ndatums",
                    "personas   KODS",
                    "Vienibas kods",
                    "VĒRTĒJUMS",
                    "Apģērba izmērs",
                    "Mīļākā krāsa",
                ],
                &[
                    "Anna",
                    "Ozola",
                    "14.03.2005",
                    "140305-12345",
                    "0101",
                    "9",
                    "M",
                    "zila",
                ],
            ],
        )],
    );
    let out = europass().arg("inspect").arg(&file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("mapping: lv "), "{text}");
    for (header, field) in [
        ("VARDS", "learner.given_names"),
        ("uzvārds", "learner.family_name"),
        ("Dzimsanas datums", "learner.date_of_birth"),
        ("personas   KODS", "learner.national_id"),
        ("Vienibas kods", "unit.code"),
        ("VĒRTĒJUMS", "result.grade"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(header))
            .unwrap_or_else(|| panic!("{header} missing:\n{text}"));
        assert!(
            line.contains(field),
            "{header} should map to {field}: {line}"
        );
    }
    for unmapped in ["Apģērba izmērs", "Mīļākā krāsa"] {
        assert!(
            text.lines()
                .any(|l| l.contains(unmapped) && l.contains("unmapped")),
            "{unmapped} should be named as unmapped:\n{text}"
        );
    }

    let out = europass()
        .args(["inspect", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let input = &report["inputs"][0];
    assert_eq!(input["mapping"]["id"], "lv");
    assert_eq!(
        input["mapping"]["ranking"][0]["id"], "lv",
        "the ranking explains the choice"
    );
    assert_eq!(diagnostics_with_code(&report, "unmapped-column").len(), 2);
}

#[test]
fn validate_reports_row_accounting_and_errors_at_the_right_cells() {
    let dir = temp();
    let file = dir.path().join("rezultati.xlsx");
    xlsx(
        &file,
        &[(
            "Rezultāti",
            &[
                &["Erasmus+ mobilitāte 2025"],
                &[""],
                &[
                    "Audzēkņa ID",
                    "Vārds",
                    "Uzvārds",
                    "Dzimšanas datums",
                    "Vienības kods",
                    "EKI līmenis",
                    "Vērtējums",
                ],
                &["A-1", "Anna", "Ozola", "14.03.2005", "0101", "4", "9"],
                &["A-2", "Jānis", "Bērziņš", "31.02.2005", "0101", "4", "7"],
                &["A-3", "Līga", "Kalniņa", "21.07.2005", "0102", "9", "8"],
                &["", "", "", "", "", "", ""],
                &["A-4", "Elīza", "Zariņa", "09.01.2005", "0102", "IV", "6"],
                &["Kopā", "", "", "", "", "", "30"],
            ],
        )],
    );
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "errors in records exit with 1");
    let report = json_of(&out.stdout);

    let rows = &report["rows"];
    assert_eq!(rows["read"], 6, "rows below the header: {rows}");
    assert_eq!(rows["records"], 4);
    assert_eq!(rows["reported"], 2, "the blank row and the totals row");
    assert_eq!(
        rows["read"].as_u64().unwrap(),
        rows["records"].as_u64().unwrap() + rows["reported"].as_u64().unwrap()
    );

    let date = diagnostics_with_code(&report, "invalid-date");
    assert_eq!(date.len(), 1, "{date:?}");
    assert_eq!(date[0]["severity"], "error");
    assert_eq!(date[0]["location"]["sheet"], "Rezultāti");
    assert_eq!(date[0]["location"]["row"], 5);
    assert_eq!(date[0]["location"]["column"], "D");
    assert!(date[0]["message"].as_str().unwrap().contains("31.02.2005"));
    assert!(date[0]["hint"].is_string());

    let eqf = diagnostics_with_code(&report, "eqf-level-out-of-range");
    assert_eq!(eqf.len(), 1, "{eqf:?}");
    assert_eq!(eqf[0]["location"]["row"], 6);
    assert_eq!(eqf[0]["location"]["column"], "F");

    assert_eq!(
        diagnostics_with_code(&report, "totals-row-skipped")[0]["location"]["row"],
        9
    );
    assert_eq!(
        diagnostics_with_code(&report, "blank-rows-skipped")[0]["location"]["row"],
        7
    );
}

#[test]
fn validate_in_human_form_names_the_cell_and_the_fix() {
    let dir = temp();
    let file = dir.path().join("eki.xlsx");
    xlsx(
        &file,
        &[(
            "Vienības",
            &[
                &["Vienības kods", "Vienības nosaukums", "EKI līmenis"],
                &["0101", "Lodēšana", "9"],
            ],
        )],
    );
    let out = europass().arg("validate").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("eki.xlsx › Vienības › C2"), "{text}");
    assert!(text.contains("EQF level 9 is outside 1–8"), "{text}");
    assert!(text.contains("hint:"), "{text}");
}

#[test]
fn convert_writes_the_whole_demo_round_with_latvian_diacritics_intact() {
    let dir = temp();
    let out_dir = dir.path().join("out");
    let out = europass()
        .args(["convert", "fixtures/demo", "--to", "json", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(round["format"], "europass-round");
    assert_eq!(round["learners"].as_array().unwrap().len(), 14);
    assert_eq!(round["units"].as_array().unwrap().len(), 4);
    assert_eq!(round["assessments"].as_array().unwrap().len(), 27);
    let names: Vec<String> = round["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["given_names"].as_str().unwrap(),
                l["family_name"].as_str().unwrap()
            )
        })
        .collect();
    for n in [
        "Katrīna Ģēģere",
        "Oskars Ķēniņš",
        "Ņikita Ivanovs",
        "Agnese Žagare",
        "Edgars Čaks",
        "Dārta Šmite",
    ] {
        assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
    }
    let unit = round["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "0101")
        .unwrap();
    assert_eq!(unit["title"]["en"], "Vehicle stability management systems");
    assert_eq!(
        unit["title"]["lv"],
        "Transportlīdzekļu stabilitātes vadības sistēmas"
    );
    assert_eq!(
        unit["learning_outcomes"].as_array().unwrap().len(),
        9 + 5 + 4
    );
    let report: Value = read_json(&out_dir.join("report.json"));
    assert_eq!(report["rows"]["read"], 121);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn unmapped_columns_are_kept_with_the_learner_in_the_round() {
    let dir = temp();
    let file = dir.path().join("audzekni.xlsx");
    xlsx(
        &file,
        &[(
            "Audzēkņi",
            &[
                &["Audzēkņa ID", "Vārds", "Uzvārds", "Mācību grupa"],
                &["A-1", "Anna", "Ozola", "AM-3"],
            ],
        )],
    );
    let out_dir = dir.path().join("out");
    europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .assert()
        .success();
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(round["learners"][0]["unmapped"]["Mācību grupa"], "AM-3");
}

#[test]
fn broken_and_wrong_type_files_get_a_clear_error_and_exit_2_without_panicking() {
    let dir = temp();
    let html = dir.path().join("export.xlsx");
    std::fs::write(
        &html,
        "<html><body><table><tr><td>Vārds</td></tr></table></body></html>",
    )
    .unwrap();
    let empty = dir.path().join("empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    let truncated = dir.path().join("truncated.xlsx");
    let good = std::fs::read("fixtures/demo/round.xlsx").unwrap();
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let html_xls = dir.path().join("saved-as-web-page.xls");
    std::fs::write(&html_xls, "<!DOCTYPE html><html><table></table></html>").unwrap();

    for (file, expect) in [
        (&html, "HTML web page"),
        (&html_xls, "HTML web page"),
        (&empty, "empty"),
        (&truncated, "damaged"),
    ] {
        let out = europass().arg("validate").arg(file).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", file.display());
        assert!(
            err.contains(&file.display().to_string()),
            "names the file: {err}"
        );
        assert!(
            err.contains(expect),
            "{}: expected {expect:?} in {err}",
            file.display()
        );
        assert!(err.contains("hint:"), "says how to fix it: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn one_unreadable_file_does_not_stop_the_others() {
    let dir = temp();
    std::fs::write(dir.path().join("broken.xlsx"), b"PK\x03\x04not really").unwrap();
    std::fs::copy("fixtures/demo/round.xlsx", dir.path().join("round.xlsx")).unwrap();
    let out_dir = dir.path().join("out");
    let out = europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&out_dir)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(round["learners"].as_array().unwrap().len(), 14);
}

#[test]
fn office_lock_files_in_a_folder_are_skipped() {
    let dir = temp();
    std::fs::copy("fixtures/demo/round.xlsx", dir.path().join("round.xlsx")).unwrap();
    std::fs::write(dir.path().join("~$round.xlsx"), b"lock").unwrap();
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json_of(&out.stdout);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(diagnostics_with_code(&report, "file-skipped").len(), 1);
}

#[test]
fn ambiguous_slash_dates_are_errors_unless_the_mapping_gives_the_order() {
    let dir = temp();
    let csv = dir.path().join("learners.csv");
    std::fs::write(&csv, "Learner ID,Given names,Family name,Date of birth\nL1,Anna,Ozola,03/04/2005\nL2,John,Smith,25/12/2004\n").unwrap();
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    let ambiguous = diagnostics_with_code(&report, "ambiguous-date");
    assert_eq!(
        ambiguous.len(),
        1,
        "25/12/2004 is unambiguous; 03/04/2005 is not"
    );
    assert_eq!(ambiguous[0]["location"]["row"], 2);
    assert_eq!(ambiguous[0]["location"]["column"], "D");

    let mapping = dir.path().join("uk.toml");
    let en = std::fs::read_to_string("mappings/en.toml").unwrap();
    std::fs::write(
        &mapping,
        en.replacen("id = \"en\"", "id = \"uk\"\ndate_order = \"dmy\"", 1),
    )
    .unwrap();
    let out = europass()
        .args(["validate", "--format", "json", "--mapping"])
        .arg(&mapping)
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_grade_without_any_scheme_is_an_error_not_a_guess() {
    let dir = temp();
    let csv = dir.path().join("grades.csv");
    std::fs::write(&csv, "Learner ID;Given names;Family name;Unit code;Unit title;Grade\nL1;Anna;Ozola;U1;Welding;3\n").unwrap();
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    let d = diagnostics_with_code(&report, "grade-without-scheme");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["location"]["column"], "F");

    let with_scheme = dir.path().join("grades-fi.csv");
    std::fs::write(&with_scheme, "Learner ID;Given names;Family name;Unit code;Unit title;Grade;Grading scale\nL1;Anna;Ozola;U1;Welding;3;Finnish 1-3\n").unwrap();
    let out_dir = dir.path().join("out");
    europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&out_dir)
        .arg(&with_scheme)
        .assert()
        .success();
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(
        round["assessments"][0]["grade"],
        serde_json::json!({"value": "3", "scheme": "fi-1-3"})
    );
    assert_eq!(round["assessments"][0]["passed"], true);
}

#[test]
fn a_schools_own_mapping_file_is_used_with_its_defaults() {
    let dir = temp();
    let mapping = dir.path().join("skola.toml");
    std::fs::write(
        &mapping,
        r#"
id = "skola"
language = "lv"
country = "LV"
date_order = "dmy"
[grading]
scheme = "lv-1-10"
[defaults]
"sending.name" = "Vidzemes Profesionālā vidusskola"
[learner]
full_name = ["Audzēkņa vārds uzvārds"]
[host]
name = ["Prakses uzņēmums"]
[unit]
title = ["Modulis"]
[result]
grade = ["Atzīme (10 ballu)"]
"#,
    )
    .unwrap();
    let file = dir.path().join("prakse.xlsx");
    xlsx(
        &file,
        &[(
            "Lapa1",
            &[
                &[
                    "Audzēkņa vārds uzvārds",
                    "Prakses uzņēmums",
                    "Modulis",
                    "Atzīme (10 ballu)",
                ],
                &["Anna Ozola", "Autohaus Müller GmbH", "Lodēšana", "8"],
            ],
        )],
    );
    let out_dir = dir.path().join("out");
    let out = europass()
        .args(["convert", "--to", "json", "--mapping"])
        .arg(&mapping)
        .arg("--out")
        .arg(&out_dir)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(round["learners"][0]["family_name"], "Ozola");
    assert_eq!(round["assessments"][0]["grade"]["scheme"], "lv-1-10");
    let orgs: Vec<&str> = round["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"]["lv"].as_str().unwrap())
        .collect();
    assert!(
        orgs.contains(&"Vidzemes Profesionālā vidusskola"),
        "{orgs:?}"
    );
}

#[test]
fn an_invalid_mapping_file_is_a_usage_error_naming_the_nearest_field() {
    let dir = temp();
    let mapping = dir.path().join("bad.toml");
    std::fs::write(
        &mapping,
        "id = \"x\"\nlanguage = \"lv\"\n[learner]\nfamily = [\"Uzvārds\"]\n",
    )
    .unwrap();
    let out = europass()
        .args(["validate", "--mapping"])
        .arg(&mapping)
        .arg("fixtures/demo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("learner.family") && err.contains("family_name"),
        "{err}"
    );
}

#[test]
fn hidden_sheets_are_reported() {
    let dir = temp();
    let file = dir.path().join("hidden.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Audzēkņi").unwrap();
    // A name and one more fact: the least a learners sheet must have.
    ws.write_row(0, 0, ["Vārds", "Uzvārds", "E-pasts"]).unwrap();
    ws.write_row(1, 0, ["Anna", "Ozola", "anna@example.lv"])
        .unwrap();
    let hidden = wb.add_worksheet();
    hidden.set_name("Vecie dati").unwrap();
    hidden
        .write_row(0, 0, ["Vārds", "Uzvārds", "E-pasts"])
        .unwrap();
    hidden
        .write_row(1, 0, ["Jānis", "Bērziņš", "janis@example.lv"])
        .unwrap();
    hidden.set_hidden(true);
    wb.save(&file).unwrap();
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let hidden = diagnostics_with_code(&report, "hidden-sheet");
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0]["location"]["sheet"], "Vecie dati");
    assert_eq!(
        report["records"]["learners"], 2,
        "the hidden sheet is still read, not dropped"
    );
}

#[test]
fn csv_encoding_can_be_given_when_detection_is_not_wanted() {
    let dir = temp();
    let csv = dir.path().join("win.csv");
    let (bytes, _, _) =
        encoding_rs::WINDOWS_1257.encode("Vārds;Uzvārds;E-pasts\nĒriks;Bērziņš;eriks@example.lv\n");
    std::fs::write(&csv, &bytes).unwrap();
    let out_dir = dir.path().join("out");
    europass()
        .args([
            "convert",
            "--to",
            "json",
            "--encoding",
            "windows-1257",
            "--out",
        ])
        .arg(&out_dir)
        .arg(&csv)
        .assert()
        .success();
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(round["learners"][0]["family_name"], "Bērziņš");
    europass()
        .args(["validate", "--encoding", "klingon"])
        .arg(&csv)
        .assert()
        .code(2);
}

#[test]
fn an_unknown_output_format_is_a_usage_error() {
    europass()
        .args(["convert", "fixtures/demo", "--out", "x", "--to", "docz"])
        .assert()
        .code(2);
}

/// The names of the zip entries and the text of one of them.
fn zip_text(path: &Path, entry: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(entry).unwrap(), &mut s).unwrap();
    s
}

#[test]
fn the_template_workbook_has_exact_headers_drop_down_lists_and_instructions() {
    let dir = temp();
    for lang in ["en", "lv"] {
        let file: PathBuf = dir.path().join(format!("template-{lang}.xlsx"));
        europass()
            .args(["template", "xlsx", "--lang", lang])
            .arg(&file)
            .assert()
            .success();
        // Every column of every sheet maps to a field: the headers are exact.
        let out = europass()
            .args(["inspect", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        let report = json_of(&out.stdout);
        assert_eq!(report["inputs"][0]["mapping"]["id"], lang);
        assert!(
            diagnostics_with_code(&report, "unmapped-column").is_empty(),
            "{lang}: {report}"
        );
        let sheets = report["inputs"][0]["sheets"].as_array().unwrap();
        let roles: Vec<&str> = sheets.iter().filter_map(|s| s["role"].as_str()).collect();
        assert_eq!(
            roles,
            [
                "organisations",
                "learners",
                "units",
                "planned",
                "results",
                "ratings"
            ],
            "{lang}"
        );
        // Drop-down lists: EQF 1–8, grading schemes, countries.
        let units = zip_text(&file, "xl/worksheets/sheet4.xml");
        assert!(
            units.contains("<dataValidation"),
            "{lang}: no validations on the units sheet"
        );
        assert!(units.contains("Lists!$A$2:$A$9"), "{lang}: EQF list");
        let results = zip_text(&file, "xl/worksheets/sheet6.xml");
        assert!(
            results.contains("Lists!$B$2"),
            "{lang}: grading scheme list"
        );
        let orgs = zip_text(&file, "xl/worksheets/sheet2.xml");
        assert!(orgs.contains("Lists!$C$2:$C$250"), "{lang}: country list");
        let strings = zip_text(&file, "xl/sharedStrings.xml");
        assert!(strings.contains("LV — Latvia"), "{lang}: countries by name");
        let workbook = zip_text(&file, "xl/workbook.xml");
        assert!(workbook.contains(if lang == "lv" {
            "Norādījumi"
        } else {
            "Instructions"
        }));
    }
}

#[test]
fn a_round_json_read_back_gives_the_same_round() {
    let dir = temp();
    let first = dir.path().join("first");
    europass()
        .args(["convert", "fixtures/demo", "--to", "json", "--out"])
        .arg(&first)
        .assert()
        .success();
    let second = dir.path().join("second");
    europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&second)
        .arg(first.join("round.json"))
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(first.join("round.json")).unwrap(),
        std::fs::read_to_string(second.join("round.json")).unwrap()
    );
    let not_ours = dir.path().join("other.json");
    std::fs::write(&not_ours, r#"{"name": "something else"}"#).unwrap();
    let out = europass().arg("validate").arg(&not_ours).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without a \"format\" member"));
}

#[test]
fn the_round_as_a_canonical_workbook_reads_back_to_the_same_round() {
    let dir = temp();
    let first = dir.path().join("first");
    europass()
        .args([
            "convert",
            "fixtures/variants/messy.xlsx",
            "--to",
            "json,xlsx",
            "--out",
        ])
        .arg(&first)
        .assert()
        .success();
    let again = dir.path().join("again");
    europass()
        .args([
            "convert",
            "fixtures/variants/messy.xlsx",
            "--to",
            "xlsx",
            "--out",
        ])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(first.join("round.xlsx")).unwrap(),
        std::fs::read(again.join("round.xlsx")).unwrap(),
        "the same round gives the same workbook, byte for byte"
    );
    let back = dir.path().join("back");
    let out = europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&back)
        .arg(first.join("round.xlsx"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(first.join("round.json")).unwrap(),
        std::fs::read_to_string(back.join("round.json")).unwrap(),
        "reading round.xlsx back gives round.json again"
    );
}

#[test]
fn texts_in_further_languages_get_their_own_bracketed_columns() {
    let dir = temp();
    let file = dir.path().join("units.xlsx");
    xlsx(
        &file,
        &[(
            "Units",
            &[
                &[
                    "Unit code",
                    "Unit title",
                    "Unit title [fi]",
                    "Unit title [de]",
                ],
                &["U1", "Welding", "Hitsaus", "Schweißen"],
            ],
        )],
    );
    let out_dir = dir.path().join("out");
    europass()
        .args(["convert", "--to", "json,xlsx", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .assert()
        .success();
    let round: Value = read_json(&out_dir.join("round.json"));
    assert_eq!(
        round["units"][0]["title"],
        serde_json::json!({"de": "Schweißen", "en": "Welding", "fi": "Hitsaus"})
    );
    let units_sheet = zip_text(&out_dir.join("round.xlsx"), "xl/sharedStrings.xml");
    assert!(units_sheet.contains("Unit title [fi]") && units_sheet.contains("Unit title [de]"));
}

#[test]
fn units_sharing_a_title_stay_apart_by_code_and_a_title_only_reference_is_flagged() {
    let dir = temp();
    let file = dir.path().join("round.xlsx");
    xlsx(
        &file,
        &[
            (
                "Units",
                &[
                    &["Unit code", "Unit title", "EQF level"],
                    &["U1", "Practical training", "4"],
                    &["U2", "Practical training", "4"],
                ],
            ),
            (
                "Results",
                &[
                    &[
                        "Learner ID",
                        "Given name",
                        "Family name",
                        "Unit",
                        "Grade",
                        "Grading scheme",
                    ],
                    &["A-1", "Anna", "Ozola", "Practical training", "8", "LV 1-10"],
                ],
            ),
        ],
    );
    let out_dir = dir.path().join("out");
    let assert = europass()
        .args(["convert", "--to", "json", "--format", "json", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .assert();
    let report = json_of(&assert.get_output().stdout);
    let round: Value = read_json(&out_dir.join("round.json"));
    let codes: Vec<&str> = round["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert_eq!(codes, ["U1", "U2"], "{round:#}");
    let ambiguous: Vec<_> = diagnostics_with_code(&report, "conflicting-values")
        .into_iter()
        .filter(|d| d["message"].as_str().unwrap().contains("several units"))
        .collect();
    assert_eq!(ambiguous.len(), 1, "{report:#}");
    assert!(
        ambiguous[0]["location"].to_string().contains("Results"),
        "{report:#}"
    );
}

#[test]
fn hundreds_of_unmapped_columns_share_one_column_in_the_workbook_and_lose_nothing() {
    let dir = temp();
    let file = dir.path().join("learners.csv");
    let extra: Vec<String> = (0..150).map(|i| format!("Extra {i:03}")).collect();
    let mut text = format!("Learner ID,Given name,Family name,{}\n", extra.join(","));
    let values: Vec<String> = (0..150).map(|i| format!("v{i}")).collect();
    text.push_str(&format!("A-1,Anna,Ozola,{}\n", values.join(",")));
    std::fs::write(&file, text).unwrap();
    let out_dir = dir.path().join("out");
    europass()
        .args(["convert", "--to", "xlsx", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .assert()
        .success();
    let strings = zip_text(&out_dir.join("round.xlsx"), "xl/sharedStrings.xml");
    assert!(
        strings.contains("Extra 098"),
        "the first columns keep their own header"
    );
    assert!(
        !strings.contains("<t>Extra 149</t>"),
        "the rest have no column of their own"
    );
    assert!(strings.contains("Other unmapped values"));
    assert!(strings.contains("Extra 149: v149"), "no value is lost");
}

#[test]
fn a_day_april_does_not_have_is_explained_at_its_cell() {
    let dir = temp();
    let file = dir.path().join("datumi.xlsx");
    xlsx(
        &file,
        &[(
            "Mobilitātes",
            &[
                &["Audzēkņa ID", "Vārds", "Uzvārds", "Dzimšanas datums"],
                &["A-1", "Anna", "Ozola", "31.04.2005"],
            ],
        )],
    );
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let date = diagnostics_with_code(&report, "invalid-date");
    assert_eq!(date.len(), 1, "{report:#}");
    assert_eq!(date[0]["location"]["column"], "D");
    let message = date[0]["message"].as_str().unwrap();
    assert!(message.contains("April has 30 days"), "{message}");
    assert!(
        !date[0]["hint"].to_string().contains("dd.mm.yyyy"),
        "{date:?}"
    );
}

#[test]
fn a_unit_with_a_code_and_an_empty_title_is_reported_at_the_title_cell() {
    let dir = temp();
    let file = dir.path().join("round.xlsx");
    xlsx(
        &file,
        &[
            (
                "Units",
                &[
                    &["Unit code", "Unit title", "EQF level"],
                    &["U1", "Welding", "4"],
                    &["U2", "", "4"],
                ],
            ),
            (
                "Results",
                &[
                    &[
                        "Learner ID",
                        "Given name",
                        "Family name",
                        "Unit code",
                        "Grade",
                        "Grading scheme",
                    ],
                    &["A-1", "Anna", "Ozola", "U2", "8", "LV 1-10"],
                ],
            ),
        ],
    );
    let out = europass()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    assert!(
        diagnostics_with_code(&report, "unknown-unit").is_empty(),
        "{report:#}"
    );
    let missing: Vec<_> = diagnostics_with_code(&report, "missing-value")
        .into_iter()
        .filter(|d| d["message"].as_str().unwrap().contains("U2"))
        .collect();
    assert_eq!(missing.len(), 1, "{report:#}");
    assert_eq!(missing[0]["location"]["sheet"], "Units");
    assert_eq!(missing[0]["location"]["row"], 3);
    assert_eq!(missing[0]["location"]["column"], "B");
    assert!(
        missing[0]["hint"].as_str().unwrap().contains("Unit title"),
        "{missing:?}"
    );
}

#[test]
fn the_notes_line_offers_minus_v_only_when_it_was_not_given() {
    let quiet = europass()
        .args(["validate", "fixtures/demo"])
        .output()
        .unwrap();
    let verbose = europass()
        .args(["validate", "-v", "fixtures/demo"])
        .output()
        .unwrap();
    let quiet = String::from_utf8_lossy(&quiet.stderr).into_owned();
    let verbose = String::from_utf8_lossy(&verbose.stderr).into_owned();
    assert!(quiet.contains("(-v to show)"), "{quiet}");
    assert!(verbose.contains(" note"), "{verbose}");
    assert!(!verbose.contains("-v to show"), "{verbose}");
}

#[test]
fn convert_ends_by_saying_what_it_wrote_where_and_what_the_exit_code_means() {
    let dir = temp();
    let out_dir = dir.path().join("out");
    let out = europass()
        .args(["convert", "--to", "xml,json", "--out"])
        .arg(&out_dir)
        .arg("fixtures/demo")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    let shown = out_dir.display().to_string();
    let xml = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .join("europass-mobility.xml")
                .is_file()
        })
        .count();
    assert!(xml > 1);
    assert!(
        text.contains(&format!("{shown}/<learner>/europass-mobility.xml × {xml}")),
        "{text}"
    );
    assert!(text.contains(&format!("{shown}/round.json")), "{text}");
    assert!(
        text.contains(&format!("{shown}/report.json"))
            && text.contains(&format!("{shown}/feedback.xlsx")),
        "{text}"
    );
    assert!(text.contains("exit code 0: no errors"), "{text}");
    let again = europass()
        .args(["convert", "--to", "xml,json", "--out"])
        .arg(&out_dir)
        .arg("fixtures/demo")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stderr);
    assert!(
        text.contains(&format!("europass-mobility.xml × {xml} (unchanged)")),
        "{text}"
    );
}

#[test]
fn colour_is_for_terminals_and_no_color_turns_it_off() {
    let dir = temp();
    let file = dir.path().join("eki.xlsx");
    xlsx(
        &file,
        &[(
            "Vienības",
            &[
                &["Vienības kods", "Vienības nosaukums", "EKI līmenis"],
                &["0101", "Lodēšana", "9"],
            ],
        )],
    );
    let run = |env: &[(&str, &str)]| {
        let mut cmd = europass();
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.arg("validate").arg(&file).output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains("\u{1b}[1;31merror\u{1b}[0m ["),
        "{forced:?}"
    );
    let no_color = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "{no_color:?}");
    assert!(no_color.contains("error ["), "{no_color}");
    let piped = run(&[]);
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
}

#[test]
fn the_readmes_first_command_converts_the_demo_with_its_profile_and_no_warning() {
    let dir = temp();
    let out = europass()
        .args([
            "convert",
            "fixtures/demo",
            "--to",
            "xml,jsonld,docx,pdf,json,xlsx",
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["profile"], "fixtures/demo/europass.toml");
    let loud: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info")
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    let group = diagnostics_with_code(&report, "unmapped-column");
    assert_eq!(group.len(), 1, "the kept column is still said: {report:#}");
    assert!(
        group[0]["message"]
            .as_str()
            .unwrap()
            .contains("Mācību grupa")
    );
    let round = read_json(&dir.path().join("out/round.json"));
    let school = round["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "vidzemes-profesionala-vidusskola")
        .unwrap();
    assert_eq!(school["name"]["en"], "Vidzeme Vocational Secondary School");
    assert!(school["registration_ids"].to_string().contains("E10099999"));
    assert!(
        round["contacts"]
            .to_string()
            .contains("vidzemes-profesionala-vidusskola/maris-ozols"),
        "the profile's signatory"
    );
}

#[test]
fn a_country_chosen_from_the_templates_list_is_read_as_its_code() {
    let dir = temp();
    let file = dir.path().join("round.xlsx");
    xlsx(
        &file,
        &[(
            "Mobility",
            &[
                &[
                    "Learner ID",
                    "Given name",
                    "Family name",
                    "Host organisation",
                    "Host country",
                ],
                &["A-1", "Anna", "Ozola", "Muster GmbH", "DE — Germany"],
                &["A-2", "Jānis", "Bērziņš", "Oy Esimerkki Ab", "FI — Suomi"],
            ],
        )],
    );
    let out_dir = dir.path().join("out");
    let out = europass()
        .args(["convert", "--to", "json", "--format", "json", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    assert!(
        diagnostics_with_code(&report, "invalid-country").is_empty(),
        "{report:#}"
    );
    let round = read_json(&out_dir.join("round.json"));
    let mut countries: Vec<&str> = round["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["country"].as_str())
        .collect();
    countries.sort();
    assert_eq!(countries, ["DE", "FI"], "{round:#}");
}
