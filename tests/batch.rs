//! Converting a whole round at once: one broken row never stops the others,
//! runs are reproducible, writing is safe against interruption and against
//! overwriting what a person edited.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

#[path = "../benches/support/round.rs"]
mod generated;

fn europass() -> Command {
    Command::cargo_bin("europass").unwrap()
}

/// Every file below `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Starts `europass convert` in the background, to be killed mid-run.
fn spawn_convert(to: &str, out: &Path, input: &Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("europass"))
        .args(["convert", "--to", to, "--out"])
        .arg(out)
        .arg(input)
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn write_csv(path: &Path, rows: usize, broken_row: Option<usize>) {
    let mut s = String::from(
        "Learner ID;Given names;Family name;Date of birth;Unit code;Unit title;Grade;Grading scale\n",
    );
    for i in 0..rows {
        let dob = if Some(i) == broken_row {
            "31.02.2005".to_string()
        } else {
            format!("{:02}.03.2005", 1 + i % 28)
        };
        s.push_str(&format!(
            "L{i:05};Anna{i};Ozola{};{dob};U{};Unit {};{};lv-1-10\n",
            i / 3,
            i % 4,
            i % 4,
            4 + i % 7
        ));
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn one_broken_row_is_reported_located_and_every_other_learner_is_converted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.csv");
    write_csv(&input, 30, Some(7));
    let out = dir.path().join("out");
    let result = europass()
        .args(["convert", "--to", "json,xlsx", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1), "a record has an error");

    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    assert_eq!(
        round["learners"].as_array().unwrap().len(),
        30,
        "the broken learner is kept too, without the bad date"
    );
    let broken = round["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "L00007")
        .unwrap();
    assert_eq!(
        broken["unmapped"]["Date of birth"], "31.02.2005",
        "the value as typed is kept"
    );

    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "invalid-date")
        .unwrap();
    assert_eq!(
        d["location"]["row"], 9,
        "header is row 1, learner 7 is row 9"
    );
    assert_eq!(d["location"]["column"], "D");

    // The feedback workbook echoes the row with its status and the problem.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("feedback.xlsx")).unwrap()).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(strings.contains("europass status"));
    assert!(strings.contains("31.02.2005"), "the input row is echoed");
    assert!(
        strings.contains("D: &apos;31.02.2005&apos;: February has 28 days")
            || strings.contains("D: '31.02.2005': February has 28 days"),
        "{strings}"
    );
}

/// Every format at once.
const ALL_FORMATS: &str = "json,xlsx,xml,jsonld,docx,pdf";

/// Each file's BLAKE3 hash, by path below `dir`.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    tree(dir)
        .into_iter()
        .map(|(path, bytes)| (path, blake3::hash(&bytes).to_hex().to_string()))
        .collect()
}

#[test]
fn two_runs_on_the_same_input_give_identical_output_trees() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        europass()
            .args([
                "convert",
                "fixtures/demo",
                "fixtures/variants/messy.xlsx",
                "--bundle",
                "--lang",
                "lv,en",
                "--to",
                ALL_FORMATS,
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    }
    let (ha, hb) = (hashes(&a), hashes(&b));
    for ext in ["json", "xlsx", "xml", "jsonld", "docx", "pdf"] {
        assert!(
            ha.keys().any(|p| p.extension().is_some_and(|e| e == ext)),
            "the run wrote no .{ext} file"
        );
    }
    assert_eq!(ha, hb, "the two output trees differ");

    // A second run into the same folder rewrites nothing.
    let out = europass()
        .args([
            "convert",
            "fixtures/demo",
            "fixtures/variants/messy.xlsx",
            "--bundle",
            "--lang",
            "lv,en",
            "--to",
            ALL_FORMATS,
            "--format",
            "json",
            "--out",
        ])
        .arg(&a)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outputs = report["outputs"].as_array().unwrap();
    assert!(outputs.len() > 30, "{} outputs", outputs.len());
    for o in outputs {
        assert_eq!(o["status"], "unchanged", "{o}");
    }
    // Only the report changes (it says the files were left as they were),
    // and with it its hash in the manifest.
    let without_report = |dir: &Path| {
        let mut h = hashes(dir);
        h.remove(Path::new("report.json"));
        let manifest = h.remove(Path::new(".europass-manifest.json"));
        let mut files: Value =
            serde_json::from_slice(&std::fs::read(dir.join(".europass-manifest.json")).unwrap())
                .unwrap();
        files["files"]
            .as_object_mut()
            .unwrap()
            .remove("report.json");
        (h, files, manifest.is_some())
    };
    assert_eq!(
        without_report(&a),
        without_report(&b),
        "the re-run changed a file"
    );
}

#[test]
fn a_file_edited_by_hand_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    europass()
        .args(["convert", "fixtures/demo", "--to", "json", "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::write(out.join("round.json"), "my notes").unwrap();
    let result = europass()
        .args([
            "convert",
            "fixtures/variants/messy.xlsx",
            "--to",
            "json",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("round.json")).unwrap(),
        "my notes"
    );
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("--force"),
        "says how to overwrite"
    );
    europass()
        .args([
            "convert",
            "fixtures/demo",
            "--to",
            "json",
            "--force",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_ne!(
        std::fs::read_to_string(out.join("round.json")).unwrap(),
        "my notes"
    );
}

#[test]
fn a_dry_run_writes_nothing_and_says_what_it_would_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let result = europass()
        .args([
            "convert",
            "fixtures/demo",
            "--to",
            "json,xlsx",
            "--dry-run",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(result.status.success());
    assert!(!out.exists());
    assert!(String::from_utf8_lossy(&result.stderr).contains("would write"));
}

#[test]
fn an_earlier_output_folder_is_not_read_as_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("fixtures/demo/round.xlsx", dir.path().join("round.xlsx")).unwrap();
    let out = dir.path().join("out");
    europass()
        .args(["convert", "--to", "json,xlsx", "--out"])
        .arg(&out)
        .arg(dir.path())
        .assert()
        .success();
    let again = europass()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        report["inputs"].as_array().unwrap().len(),
        1,
        "only the school's workbook"
    );
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn killing_a_run_never_leaves_a_partial_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    write_csv(&input, 40_000, None);
    let out = dir.path().join("out");
    for delay_ms in [150u64, 400, 700, 1000, 1400] {
        let mut child = spawn_convert("json,xlsx", &out, &input);
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix: no chance to clean up
        let _ = child.wait();
        if !out.exists() {
            continue;
        }
        for (path, bytes) in tree(&out) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".europass-tmp") {
                continue; // a temporary, never a target; removed by the next run
            }
            if name.ends_with(".json") {
                serde_json::from_slice::<Value>(&bytes)
                    .unwrap_or_else(|e| panic!("{name} is partial after a kill: {e}"));
            } else if name.ends_with(".xlsx") {
                zip::ZipArchive::new(std::io::Cursor::new(bytes))
                    .unwrap_or_else(|e| panic!("{name} is partial: {e}"));
            }
        }
    }
    // A complete run afterwards leaves no temporaries behind.
    europass()
        .args(["convert", "--to", "json,xlsx", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    assert!(
        tree(&out)
            .keys()
            .all(|p| !p.to_string_lossy().ends_with(".europass-tmp"))
    );
}

/// A round of `learners` learners with mobilities, units and grades, saved
/// as the school's workbook.
fn write_generated_round(path: &Path, learners: usize) {
    let round = generated::round(learners);
    std::fs::write(
        path,
        europass::export::canonical_workbook(&round, "lv").unwrap(),
    )
    .unwrap();
}

/// True when a file of this kind is whole: the tool that reads it would take it.
fn is_complete(name: &str, bytes: &[u8]) -> bool {
    let text_end =
        || String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(64)..]).into_owned();
    match name.rsplit('.').next().unwrap_or("") {
        "json" | "jsonld" => serde_json::from_slice::<Value>(bytes).is_ok(),
        "xml" => text_end().trim_end().ends_with("</europassCredential>"),
        "pdf" => bytes.starts_with(b"%PDF-") && text_end().trim_end().ends_with("%%EOF"),
        "docx" | "xlsx" => zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok(),
        _ => true,
    }
}

#[test]
fn killing_a_run_while_it_writes_each_learners_files_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.xlsx");
    write_generated_round(&input, 400);
    let out = dir.path().join("out");
    // Counted while the run renames its temporaries into place, so an entry
    // may vanish between listing and looking at it: nothing is read here.
    fn files_in(dir: &Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => files_in(&e.path()),
                Ok(_) => 1,
                Err(_) => 0,
            })
            .sum()
    }
    let mut killed_mid_run = 0;
    // Killed once a few, then more, then most files are on disk: at the
    // start of a format, inside one, and between formats.
    for after in [1usize, 150, 700] {
        let mut child = spawn_convert("xml,jsonld,docx,pdf", &out, &input);
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none()
            && files_in(&out) < after
            && started.elapsed() < std::time::Duration::from_secs(120)
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix: no chance to clean up
        let _ = child.wait();
        for (path, bytes) in tree(&out) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".europass-tmp") {
                continue; // a temporary, never a target; removed by the next run
            }
            assert!(
                is_complete(&name, &bytes),
                "{} is partial after a kill",
                path.display()
            );
        }
        std::fs::remove_dir_all(&out).ok();
    }
    assert!(
        killed_mid_run >= 2,
        "the runs ended before they could be killed"
    );
}

#[test]
fn shell_completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = europass().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("europass"),
            "{shell}"
        );
    }
}

#[test]
fn learners_who_share_a_name_but_not_an_id_stay_apart_across_files() {
    // Three learners called Anna Ozola, with their own ids (and birth dates),
    // two in one file and one in another: a name alone used to join them, so
    // two of the three grades were lost as "conflicting values".
    let dir = tempfile::tempdir().unwrap();
    let header = "Learner ID;Given names;Family name;Date of birth;Unit code;Unit title;Grade;Grading scale\n";
    std::fs::write(
        dir.path().join("a.csv"),
        format!("{header}L1;Anna;Ozola;01.01.2006;U1;Unit 1;8;lv-1-10\nL2;Anna;Ozola;02.02.2007;U1;Unit 1;7;lv-1-10\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        format!("{header}L3;Anna;Ozola;01.01.2006;U1;Unit 1;6;lv-1-10\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let result = europass()
        .args(["convert", "--to", "json", "--format", "json", "--out"])
        .arg(&out)
        .arg(dir.path().join("a.csv"))
        .arg(dir.path().join("b.csv"))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&result.stdout).unwrap();
    let conflicts = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "conflicting-values")
        .count();
    assert_eq!(conflicts, 0, "{report}");
    let round: Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    let ids: Vec<&str> = round["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["L1", "L2", "L3"]);
    assert_eq!(round["assessments"].as_array().unwrap().len(), 3);
}
