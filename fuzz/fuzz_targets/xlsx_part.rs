//! Structure-aware xlsx: a valid workbook from the fixtures with one XML part
//! (a worksheet, the shared strings, the workbook, its relationships, the
//! styles, the content types) replaced by the fuzz bytes, zipped again and
//! read as a whole file. Random bytes in a zip mostly break its CRCs and
//! never reach the XML; this gets them into calamine and the mapping stage.
//!
//! Input: a first line `FIXTURE PART` (e.g. `round.xlsx xl/worksheets/sheet2.xml`),
//! then the part's content. `fuzz/seed.sh` writes every part of every
//! fixture in that form.
#![no_main]

use std::sync::LazyLock;

use europass_fuzz::{Base, choose, import_whole, rezip, unzip_all};
use libfuzzer_sys::fuzz_target;

fn base(name: &'static str, bytes: &[u8]) -> Base {
    let parts = unzip_all(bytes);
    let mut targets: Vec<String> = parts
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| (n.ends_with(".xml") || n.ends_with(".rels")) && !n.starts_with("docProps/"))
        .filter(|n| !n.contains("/theme/"))
        .collect();
    if !targets.iter().any(|t| t == "xl/sharedStrings.xml") {
        targets.push("xl/sharedStrings.xml".into());
    }
    Base {
        name,
        parts,
        targets,
    }
}

static BASES: LazyLock<Vec<Base>> = LazyLock::new(|| {
    vec![
        base(
            "round.xlsx",
            include_bytes!("../../fixtures/demo/round.xlsx"),
        ),
        base(
            "messy.xlsx",
            include_bytes!("../../fixtures/variants/messy.xlsx"),
        ),
    ]
});

fuzz_target!(|data: &[u8]| {
    let (base, part, body) = choose(&BASES, data);
    let file = rezip(&base.parts, part, body);
    import_whole("fuzz.xlsx", &file, None);
});
