//! One folder holding an input of each hostile class of issue 17, made by
//! scripts/make-hostile-fixtures.py, converted in one run: every file gets
//! its answer, quickly and in little memory, with no panic, nothing read
//! outside the folder and nothing written outside the output.

#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Every path below `dir`, links not followed.
fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            out.insert(e.path());
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    out
}

#[test]
fn a_folder_of_every_hostile_class_converts_in_one_run_quickly_and_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let made = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-hostile-fixtures.py"))
        .arg(&input)
        .status()
        .unwrap();
    assert!(made.success());
    let before = listing(dir.path());
    let out = dir.path().join("out");
    let started = Instant::now();
    let run = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_europass"))
        .args(["convert", "--to", "json", "--format", "json", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&run.stderr);
    let report: Value =
        serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("no report ({e}): {stderr}"));
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Each file has its answer, by code.
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let code_of = |name: &str| -> Vec<String> {
        diagnostics
            .iter()
            .filter(|d| d["location"]["file"].as_str().unwrap_or("").ends_with(name))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let expected = [
        ("link-out.csv", "file-skipped"),
        ("up1", "file-skipped"),
        ("up2", "file-skipped"),
        ("pipe.csv", "not-a-file"),
        ("socket.csv", "not-a-file"),
        ("sparse-3gb.xlsx", "limit-exceeded"),
        ("shared-strings-bomb.xlsx", "limit-exceeded"),
        ("attachment-bomb.pdf", "limit-exceeded"),
        ("rows-repeated-bomb.ods", "limit-exceeded"),
        ("crc-flipped.xlsx", "corrupt-file"),
        ("duplicate-part.xlsx", "corrupt-file"),
        ("case-only-parts.xlsx", "corrupt-file"),
        ("doctype.docx", "unsupported-format"),
        ("undefined-entity.docx", "corrupt-file"),
        ("column-1009.csv", "grade-without-scheme"),
        ("small-items.csv", "unusual-name"),
        ("small-items.csv", "invalid-date"),
    ];
    for (name, code) in expected {
        assert!(
            code_of(name).iter().any(|c| c == code),
            "{name}: expected {code}, got {:?}",
            code_of(name)
        );
    }
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "internal-error"),
        "{report}"
    );

    // Every file within 5 s: the whole run within 5 s a file.
    let files = 15;
    assert!(
        took < Duration::from_secs(5 * files),
        "{took:?} for {files} files"
    );
    let peak_kb: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {stderr}"));
    assert!(peak_kb < 1 << 20, "peak memory {peak_kb} kB");

    // Nothing new outside the output folder.
    let after: BTreeSet<PathBuf> = listing(dir.path())
        .into_iter()
        .filter(|p| !p.starts_with(&out))
        .collect();
    let mut before_without_out = before;
    before_without_out.retain(|p| !p.starts_with(&out));
    assert_eq!(after, before_without_out);
    eprintln!(
        "{files} hostile files: {took:?}, peak {} MiB",
        peak_kb / 1024
    );
}
