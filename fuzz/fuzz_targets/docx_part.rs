//! Structure-aware docx: a valid Word document from the fixtures with one
//! part the reader reads (the document, styles, numbering, the document's
//! relationships, the content types) replaced by the fuzz bytes, zipped
//! again, read by the docx reader and joined as `convert` joins a Word
//! document (units and grids recognised by their labels).
//!
//! Input: a first line `FIXTURE PART` (e.g. `three-units.docx word/document.xml`),
//! then the part's content. `fuzz/seed.sh` writes every such part of every
//! fixture in that form.
#![no_main]

use std::sync::LazyLock;

use europass_fuzz::{Base, choose, import_whole, rezip, unzip_all};
use libfuzzer_sys::fuzz_target;

/// The parts the docx reader reads; the others (images, themes, settings)
/// are left out of the rebuilt file so each run is spent on the reader.
const READ: &[&str] = &[
    "[Content_Types].xml",
    "word/_rels/document.xml.rels",
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
];

fn base(name: &'static str, bytes: &[u8]) -> Base {
    let parts: Vec<(String, Vec<u8>)> = unzip_all(bytes)
        .into_iter()
        .filter(|(n, _)| READ.contains(&n.as_str()) || n == "_rels/.rels")
        .collect();
    Base {
        name,
        parts,
        targets: READ.iter().map(|s| s.to_string()).collect(),
    }
}

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        vec![$(base($name, include_bytes!(concat!("../../fixtures/word/", $name)))),*]
    };
}

static BASES: LazyLock<Vec<Base>> = LazyLock::new(|| {
    fixtures![
        "grid-problems.docx",
        "grid-ticks.docx",
        "seed-grid.libreoffice.docx",
        "seed-grid.python-docx.docx",
        "seed-units.libreoffice.docx",
        "seed-units.python-docx.docx",
        "three-units.docx",
        "unit-latvian.docx",
        "unit-merged-ksc.docx",
    ]
});

fuzz_target!(|data: &[u8]| {
    let (base, part, body) = choose(&BASES, data);
    let file = rezip(&base.parts, part, body);
    import_whole("fuzz.docx", &file, None);
});
