//! Embeds every label file in `assets/agreements/`, `assets/transcript/` and
//! `assets/web/` (one per language), so that adding a language to the
//! agreements, the transcripts or the web page is adding a file, not code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    embed_labels("assets/agreements", "agreement_labels.rs");
    embed_labels("assets/transcript", "transcript_labels.rs");
    embed_labels("assets/web", "web_labels.rs");
}

/// Writes `OUT_DIR/<target>`: a slice of (language tag, file text) for every
/// `.toml` file in `dir`, sorted by tag.
fn embed_labels(dir: &str, target: &str) {
    let dir = Path::new(dir);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} exists: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            println!("cargo:rerun-if-changed={}", p.display());
            let lang = p
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_ascii_lowercase();
            let abs = std::fs::canonicalize(&p).expect("label file path");
            (lang, abs.display().to_string())
        })
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for (lang, path) in &files {
        writeln!(out, "    ({lang:?}, include_str!({path:?})),").unwrap();
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join(target);
    std::fs::write(target, out).expect("write the label list");
}
