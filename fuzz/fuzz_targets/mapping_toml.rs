//! A mapping file (`--mapping my-school.toml`) through `Mapping::parse`;
//! a mapping that parses is then used as the user's mapping to read the
//! demo workbook and a Word document, so what a mapping says reaches header
//! recognition, normalisation and the document reader's labels.
#![no_main]

use std::sync::LazyLock;

use europass::import::{self, Content, Document, ReadOptions, Workbook};
use europass::fuzzing::RoundBuilder;
use europass::mapping::{self, Mapping, MappingOrigin};
use libfuzzer_sys::fuzz_target;

fn workbook(name: &str, bytes: &[u8]) -> Workbook {
    match import::read_file(name, bytes, &ReadOptions::default()) {
        Ok((Content::Table(workbook), _)) => workbook,
        _ => panic!("the fixture {name} reads as a table"),
    }
}

static TABLE: LazyLock<Workbook> = LazyLock::new(|| {
    workbook(
        "round.xlsx",
        include_bytes!("../../fixtures/demo/round.xlsx"),
    )
});
static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let bytes = include_bytes!("../../fixtures/word/unit-latvian.docx");
    match import::read_file("unit.docx", bytes, &ReadOptions::default()) {
        Ok((Content::Document(document), _)) => document,
        _ => panic!("the fixture unit.docx reads as a document"),
    }
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mapping) = Mapping::parse(text, MappingOrigin::File("fuzz.toml".into())) else {
        return;
    };
    let mut builder = RoundBuilder::new();
    let mut diags = Vec::new();
    if let Some(choice) = mapping::choose_mapping(&TABLE, Some(&mapping)) {
        let prepared = mapping::prepare_workbook(&TABLE, choice.mapping);
        builder.add_workbook(prepared, &mut diags);
    }
    builder.add_document(&DOCUMENT, Some(&mapping), &mut diags);
    let (round, sources, _) = builder.finish();
    let _ = europass::fuzzing::check_round(&round, &sources);
});
