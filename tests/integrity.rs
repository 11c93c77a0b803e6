//! The input walk and the output folder under hostile file systems and
//! interruptions: links that loop or lead out, pipes and devices, an output
//! folder shared with the input or with another run, links planted in it,
//! manifests copied along, and runs killed at any moment.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

#[path = "../benches/support/round.rs"]
mod generated;

fn europass() -> Command {
    let mut cmd = Command::cargo_bin("europass").unwrap();
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// Runs `europass convert ARGS --format json` and returns the exit code and report.
fn convert(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (i32, Value) {
    let out = europass()
        .arg("convert")
        .args(args.iter().map(|a| a.as_ref()))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn diagnostics<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

fn learners(round_json: &Path) -> usize {
    let round: Value = serde_json::from_slice(&std::fs::read(round_json).unwrap()).unwrap();
    round["learners"].as_array().unwrap().len()
}

fn write_csv(path: &Path, rows: usize, grade: impl Fn(usize) -> usize) {
    let mut s = String::from(
        "Learner ID;Given names;Family name;Date of birth;Unit code;Unit title;Grade;Grading scale\n",
    );
    for i in 0..rows {
        s.push_str(&format!(
            "L{i:05};Anna{i};Ozola{i};{:02}.03.2005;U{};Unit {};{};lv-1-10\n",
            1 + i % 28,
            i % 4,
            i % 4,
            grade(i)
        ));
    }
    std::fs::write(path, s).unwrap();
}

/// Every file below `dir` (relative path → bytes), links not followed.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap_or_default();
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

/// A round of `learners` learners with mobilities (so every output is
/// written), saved as the school's workbook.
fn write_round(path: &Path, learners: usize) {
    let round = generated::round(learners);
    std::fs::write(
        path,
        europass::export::canonical_workbook(&round, "lv").unwrap(),
    )
    .unwrap();
}

#[test]
fn links_that_loop_are_walked_once_and_links_out_of_the_folder_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("a/b")).unwrap();
    write_csv(&input.join("a/b/round.csv"), 3, |_| 8);
    // Two links back up at each level make paths without end.
    for at in ["a", "a/b"] {
        symlink("..", input.join(at).join("up1")).unwrap();
        symlink("../..", input.join(at).join("up2")).unwrap();
    }
    let secret = dir.path().join("secret.csv");
    write_csv(&secret, 1, |_| 1);
    symlink(&secret, input.join("secret.csv")).unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    let (code, report) = convert(&[&input, &"--to", &"json", &"--out", &out]);
    assert!(started.elapsed() < Duration::from_secs(20), "the walk hung");
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(learners(&out.join("round.json")), 3, "read once");
    let skipped = diagnostics(&report, "file-skipped");
    assert!(
        skipped.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("leading out of the folder")),
        "{skipped:?}"
    );
    // Named on the command line, a link is followed.
    let (code, report) = convert(&[&input.join("secret.csv"), &"--to", &"json", &"--out", &out]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(learners(&out.join("round.json")), 1);
}

#[test]
fn a_pipe_a_device_and_a_socket_are_reported_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    write_csv(&input.join("round.csv"), 2, |_| 8);
    let fifo = input.join("grades.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let _socket = std::os::unix::net::UnixListener::bind(input.join("socket.csv")).unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    let (_, report) = convert(&[&input, &"--to", &"json", &"--out", &out]);
    assert!(started.elapsed() < Duration::from_secs(20), "a read hung");
    let not_files = diagnostics(&report, "not-a-file");
    assert_eq!(not_files.len(), 2, "{report}");
    assert_eq!(learners(&out.join("round.json")), 2);
    // Named on the command line: the pipe is not opened for a writer to
    // come, the device not read for ever.
    for given in [fifo.as_path(), Path::new("/dev/zero")] {
        let started = Instant::now();
        let (code, report) = convert(&[&given, &"--to", &"json", &"--out", &out]);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{given:?} hung"
        );
        assert_eq!(code, 2, "{report}");
        assert_eq!(diagnostics(&report, "not-a-file").len(), 1, "{report}");
    }
}

#[test]
fn a_file_over_file_mb_is_refused_from_its_size_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("huge.csv");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let started = Instant::now();
    let (code, report) = convert(&[&sparse, &"--to", &"json", &"--out", &dir.path().join("out")]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the file was read"
    );
    assert_eq!(code, 2);
    let limit = diagnostics(&report, "limit-exceeded");
    assert!(
        limit[0]["message"].as_str().unwrap().contains("file-mb"),
        "{limit:?}"
    );
}

#[test]
fn a_second_run_into_a_locked_output_folder_fails_at_once_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.csv");
    write_csv(&input, 2, |_| 8);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // The lock a running europass holds, taken here by the test.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(".europass-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(
        out.join(".europass-lock"),
        r#"{"pid": 4242, "host": "office-pc", "started": "2026-12-06 01:00:00 UTC"}"#,
    )
    .unwrap();
    let started = Instant::now();
    let result = europass()
        .args(["convert", "--to", "json", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(result.status.code(), Some(2));
    let said = String::from_utf8_lossy(&result.stderr);
    assert!(
        said.contains("in use by another europass run")
            && said.contains("process 4242 on office-pc"),
        "{said}"
    );
    assert!(!out.join("round.json").exists(), "nothing written");
    drop(lock);
    let (code, _) = convert(&[&input, &"--to", &"json", &"--out", &out]);
    assert_eq!(code, 0, "free again once the first run ends");
    assert!(!out.join(".europass-lock").exists());
}

#[test]
fn an_output_folder_inside_or_equal_to_the_input_is_never_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let school = dir.path().join("school");
    std::fs::create_dir_all(&school).unwrap();
    write_csv(&school.join("round.csv"), 14, |_| 8);
    for run in 0..3 {
        // The output folder is the input folder itself.
        let (code, report) = convert(&[&school, &"--to", &"json,xlsx,xml", &"--out", &school]);
        assert_eq!(code, 0, "run {run}: {report}");
        assert_eq!(learners(&school.join("round.json")), 14, "run {run}");
        assert_eq!(report["inputs"].as_array().unwrap().len(), 1, "run {run}");
        // And inside it.
        let inner = school.join("out");
        let (code, report) = convert(&[&school, &"--to", &"json,xlsx", &"--out", &inner]);
        assert_eq!(code, 0, "run {run}: {report}");
        assert_eq!(learners(&inner.join("round.json")), 14, "run {run}");
    }
}

#[test]
fn a_link_planted_in_the_output_folder_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.xlsx");
    write_round(&input, 2);
    let out = dir.path().join("out");
    let (code, _) = convert(&[&input, &"--to", &"xml", &"--out", &out]);
    assert_eq!(code, 0);
    let learner = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .unwrap()
        .path();
    std::fs::remove_dir_all(&learner).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, &learner).unwrap();
    let (code, report) = convert(&[&input, &"--to", &"xml", &"--out", &out]);
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "written outside"
    );
    assert_eq!(code, 1, "{report}");
    let refused = diagnostics(&report, "output-failed");
    assert!(
        refused[0]["message"]
            .as_str()
            .unwrap()
            .contains("is a link"),
        "{refused:?}"
    );
}

#[test]
fn a_manifest_copied_along_with_a_schools_folder_does_not_hide_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = dir.path().join("first.csv");
    write_csv(&first, 2, |_| 8);
    assert_eq!(convert(&[&first, &"--to", &"json", &"--out", &out]).0, 0);
    // The school's folder, with an earlier output folder's manifest in it.
    let agency = dir.path().join("agency");
    let school = agency.join("school");
    std::fs::create_dir_all(&school).unwrap();
    std::fs::copy(
        out.join(".europass-manifest.json"),
        school.join(".europass-manifest.json"),
    )
    .unwrap();
    write_csv(&school.join("round.csv"), 5, |_| 7);
    let out2 = dir.path().join("out2");
    let (code, report) = convert(&[&agency, &"--to", &"json", &"--out", &out2]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        learners(&out2.join("round.json")),
        5,
        "the school's data read"
    );
    let warned = diagnostics(&report, "file-skipped");
    assert!(
        warned.iter().any(|d| d["severity"] == "warning"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("not outputs europass wrote")),
        "{report}"
    );
}

#[test]
fn report_and_feedback_always_describe_this_run_even_without_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = dir.path().join("round.csv");
    write_csv(&input, 2, |_| 8);
    assert_eq!(convert(&[&input, &"--to", &"json", &"--out", &out]).0, 0);
    std::fs::remove_file(out.join(".europass-manifest.json")).unwrap();
    write_csv(&input, 3, |_| 8);
    let (code, report) = convert(&[&input, &"--to", &"json", &"--out", &out]);
    assert_eq!(code, 0, "{report}");
    let written: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(written["diagnostics"], report["diagnostics"]);
    assert_eq!(written["outputs"], report["outputs"]);
    let status = |name: &str| {
        report["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == name)
            .map(|o| o["status"].clone())
    };
    assert_eq!(status("feedback.xlsx"), Some("written".into()));
    // round.json was europass's, but without the manifest it cannot tell: kept.
    assert_eq!(status("round.json"), Some("kept_edited".into()));
}

#[test]
fn outputs_of_learners_no_longer_in_the_round_are_reported_and_pruned_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = dir.path().join("round.xlsx");
    write_round(&input, 3);
    assert_eq!(convert(&[&input, &"--to", &"xml", &"--out", &out]).0, 0);
    let before: Vec<PathBuf> = tree(&out)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert_eq!(before.len(), 3);
    write_round(&input, 2);
    let (code, report) = convert(&[&input, &"--to", &"xml", &"--out", &out]);
    assert_eq!(code, 0, "{report}");
    let stale = diagnostics(&report, "stale-output");
    assert_eq!(stale.len(), 1, "{report}");
    assert!(stale[0]["hint"].as_str().unwrap().contains("--prune"));
    assert_eq!(
        tree(&out)
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .count(),
        3
    );
    let (code, report) = convert(&[&input, &"--to", &"xml", &"--out", &out, &"--prune"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        tree(&out)
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .count(),
        2
    );
    // A later run has nothing stale to say.
    let (_, report) = convert(&[&input, &"--to", &"xml", &"--out", &out]);
    assert!(diagnostics(&report, "stale-output").is_empty(), "{report}");
}

/// The output tree without report.json (it tells what each run did) and
/// with report.json's line taken out of the manifest.
fn comparable(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = tree(out);
    files.remove(Path::new("report.json"));
    let manifest = Path::new(".europass-manifest.json");
    if let Some(bytes) = files.get_mut(manifest) {
        let mut value: Value = serde_json::from_slice(bytes).unwrap();
        value["files"]
            .as_object_mut()
            .unwrap()
            .remove("report.json");
        *bytes = serde_json::to_vec(&value).unwrap();
    }
    files
}

/// Every output format at once.
const ALL_FORMATS: &str = "json,xlsx,xml,jsonld,docx,pdf";

#[test]
fn after_kill_9_at_any_moment_a_rerun_gives_exactly_a_clean_runs_outputs() {
    let kills: usize = std::env::var("EUROPASS_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original.xlsx");
    let changed = dir.path().join("changed.xlsx");
    // 20 learners keep the 20 kills within a minute in CI (a debug build, 2
    // cores); EUROPASS_KILL_LEARNERS=200 runs the full-size round.
    let learners: usize = std::env::var("EUROPASS_KILL_LEARNERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut round = generated::round(learners);
    std::fs::write(
        &original,
        europass::export::canonical_workbook(&round, "lv").unwrap(),
    )
    .unwrap();
    // Changed data: every grade different (9 → 5), so that every file the
    // killed run wrote differs from a clean run's.
    for result in &mut round.assessments {
        if let Some(grade) = &mut result.grade {
            grade.value = "5".into();
        }
    }
    std::fs::write(
        &changed,
        europass::export::canonical_workbook(&round, "lv").unwrap(),
    )
    .unwrap();
    let run = |input: &Path, out: &Path| {
        europass()
            .timeout(Duration::from_secs(300))
            .args(["convert", "--to", ALL_FORMATS, "--out"])
            .arg(out)
            .arg(input)
            .assert()
            .code(0);
    };
    let clean = dir.path().join("clean");
    let started = Instant::now();
    run(&original, &clean);
    let clean_run = started.elapsed();
    let expected = comparable(&clean);
    assert!(expected.len() > 3 * learners, "{} files", expected.len());

    // A fixed seed: the moments differ from kill to kill, not from run to run.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let out = dir.path().join("out");
    // Runs into a folder already written may be quicker than the first, and
    // a busy machine makes any one run's time a poor guess: the moments are
    // drawn from within the shortest run seen so far.
    let timed = |input: &Path, out: &Path| {
        let started = Instant::now();
        run(input, out);
        started.elapsed()
    };
    let mut shortest = clean_run.min(timed(&original, &out));
    let mut killed_mid_run = 0;
    for kill in 0..kills {
        // A moment within the run with the changed data.
        let within = (shortest.as_millis() * 4 / 5).max(1) as u64;
        let at = Duration::from_millis(next() % within);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_europass"))
            .args(["convert", "--to", ALL_FORMATS, "--out"])
            .arg(&out)
            .arg(&changed)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        shortest = shortest.min(timed(&original, &out));
        let got = comparable(&out);
        let differ: Vec<&PathBuf> = expected
            .keys()
            .chain(got.keys())
            .filter(|p| expected.get(*p) != got.get(*p))
            .collect();
        assert!(
            differ.is_empty(),
            "kill {kill} at {at:?}: {} files differ from a clean run's, e.g. {:?}",
            differ.len(),
            &differ[..differ.len().min(5)]
        );
    }
    assert!(
        killed_mid_run * 2 >= kills,
        "only {killed_mid_run} of {kills} runs were still running when killed"
    );
}

#[test]
fn a_folder_with_nothing_to_read_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photo.jpg"), "not a spreadsheet").unwrap();
    let (code, report) = convert(&[
        &dir.path(),
        &"--to",
        &"json",
        &"--out",
        &dir.path().join("out"),
    ]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(diagnostics(&report, "no-input-files").len(), 1);
}

#[test]
fn jobs_beyond_a_few_per_core_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.csv");
    write_csv(&input, 3, |_| 8);
    let started = Instant::now();
    let out = europass()
        .args(["--jobs", "10000", "convert", "--to", "json", "--out"])
        .arg(dir.path().join("out"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jobs 10000 is more than 4 per core"));
}

#[test]
fn names_that_cannot_be_seen_or_read_backwards_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.csv");
    std::fs::write(
        &input,
        "Learner ID;Given names;Family name;Date of birth\n\
         L1;\u{200B};Ozola;01.03.2005\n\
         L2;Anna\u{202E}alozO;Berzina;01.03.2005\n\
         L3;Anna;Ozola;01.03.2005\n",
    )
    .unwrap();
    let (_, report) = convert(&[&input, &"--to", &"json", &"--out", &dir.path().join("out")]);
    let unusual = diagnostics(&report, "unusual-name");
    let said: Vec<&str> = unusual
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].contains("learner L1") && said[0].contains("cannot be seen"),
        "{said:?}"
    );
    assert!(
        said[1].contains("learner L2") && said[1].contains("U+202E"),
        "{said:?}"
    );
}
