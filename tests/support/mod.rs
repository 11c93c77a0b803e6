//! Helpers shared by the integration tests: where the repository is, the
//! fixture inputs, and the vendored XML schema run through xmllint.

// Each test file uses some of them.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The input files of every fixture round, in a stable order: the demo,
/// then its variants and the credential fixtures (their notes and the
/// expected outputs beside them left out).
pub fn fixture_inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = vec![root().join("fixtures/demo/round.xlsx")];
    for dir in ["fixtures/variants", "fixtures/credentials"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                !p.extension()
                    .is_some_and(|e| e == "xml" || e == "jsonld" || e == "md")
            })
            .collect();
        files.sort();
        inputs.extend(files);
    }
    inputs
}

/// xmllint's run of the vendored EDCI credential schema (offline, through
/// its catalog) over `files`; each caller judges the output. Panics when
/// xmllint is missing: a missing tool fails a test, never skips it.
pub fn xmllint_edci(files: &[PathBuf]) -> Output {
    let dir = root().join("schemas/edci-credential-xml-v1.2");
    Command::new("xmllint")
        .env("XML_CATALOG_FILES", dir.join("catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(dir.join("genericschema_1.2.xsd"))
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint is needed for this test (Debian: libxml2-utils; scripts/test installs it): {e}")
        })
}
