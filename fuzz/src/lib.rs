//! What the fuzz targets share: one file taken through the whole import the
//! way `europass convert` takes it (reader, mapping choice, header
//! recognition, row normalisation, joining, checks), and rebuilding a zip
//! fixture with one part replaced.

use std::io::{Cursor, Read, Write};

use europass::import::{self, Content, ReadOptions};
use europass::fuzzing::RoundBuilder;
use europass::mapping::{self, Mapping};

/// Reads `bytes` as a file called `file` and takes whatever it holds through
/// the mapping stage and the checks, as `pipeline::load` does for one file
/// (minus the disk and the thread pool over files). Errors are expected
/// answers to broken input; only a panic, a hang or a memory blow-up is a
/// finding.
pub fn import_whole(file: &str, bytes: &[u8], user: Option<&Mapping>) {
    let options = ReadOptions::default();
    let Ok((content, _notes)) = import::read_file(file, bytes, &options) else {
        return;
    };
    let mut builder = RoundBuilder::new();
    let mut diags = Vec::new();
    match content {
        Content::Round(round) => builder.add_round(file, *round),
        Content::Rounds(parts) => diags.extend(builder.add_rounds(file, parts)),
        Content::Document(document) => {
            builder.add_document(&document, user, &mut diags);
        }
        Content::Table(workbook) => {
            if let Some(choice) = mapping::choose_mapping(&workbook, user) {
                let prepared = mapping::prepare_workbook(&workbook, choice.mapping);
                builder.add_workbook(prepared, &mut diags);
            }
        }
    }
    let (round, sources, _joined) = builder.finish();
    let _ = europass::fuzzing::check_round(&round, &sources);
}

/// The parts of a zip file, in their order, unpacked.
pub fn unzip_all(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a fixture is a zip file");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("a fixture's part unpacks");
            let mut data = Vec::new();
            entry
                .read_to_end(&mut data)
                .expect("a fixture's part unpacks");
            (
                entry.name().expect("a fixture part has a name").to_string(),
                data,
            )
        })
        .collect()
}

/// A zip file of `parts`, with `name` holding `data` instead (added at the
/// end when the parts have no such name). Parts are stored, not deflated,
/// so each run spends its time in the reader, not in the compressor.
pub fn rezip(parts: &[(String, Vec<u8>)], name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut replaced = false;
    for (part, bytes) in parts {
        out.start_file(part.as_str(), opts).expect("zip in memory");
        if part == name {
            out.write_all(data).expect("zip in memory");
            replaced = true;
        } else {
            out.write_all(bytes).expect("zip in memory");
        }
    }
    if !replaced {
        out.start_file(name, opts).expect("zip in memory");
        out.write_all(data).expect("zip in memory");
    }
    out.finish().expect("zip in memory").into_inner()
}

/// A fixture and the parts the fuzzer may replace in it.
pub struct Base {
    /// The fixture's file name, as written in the first line of an input.
    pub name: &'static str,
    /// Its parts.
    pub parts: Vec<(String, Vec<u8>)>,
    /// Parts that may be replaced: those the reader reads, including ones
    /// the fixture lacks (added when chosen).
    pub targets: Vec<String>,
}

/// Splits a structure-aware input: its first line is `FIXTURE PART` (as
/// the seed script writes it), the rest the part's new content. A first
/// line that names no known fixture or part still picks one, from a hash of
/// the line, so every input is used.
pub fn choose<'b>(bases: &'b [Base], data: &'b [u8]) -> (&'b Base, &'b str, &'b [u8]) {
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let head = String::from_utf8_lossy(head);
    let (fixture, part) = head.split_once(' ').unwrap_or((&head, ""));
    let hash = head
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let base = bases
        .iter()
        .find(|b| b.name == fixture)
        .unwrap_or(&bases[hash as usize % bases.len()]);
    let target = base
        .targets
        .iter()
        .find(|t| t.as_str() == part)
        .unwrap_or(&base.targets[(hash >> 8) as usize % base.targets.len()]);
    (base, target.as_str(), body)
}
