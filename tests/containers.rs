//! Containers that lie: zip parts whose names are ambiguous or whose bytes do
//! not match their checksums, and parts that inflate far beyond their size.

use std::io::{Cursor, Read, Write};

use europass::import::{ImportError, ReadOptions, read_file};

/// A small workbook: one sheet whose text cells go to the shared strings.
fn workbook(name: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, v) in ["Learner ID", "Given names", "Family name", "Grade"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["L1", name, "Ozola", "8"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The parts of a zip, in order: name and bytes.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            (part.name().unwrap().to_string(), data)
        })
        .collect()
}

/// A zip of `parts`, stored without compression so that its bytes can be
/// changed in place.
fn stored(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

fn read(bytes: &[u8]) -> Result<(), ImportError> {
    read_file("round.xlsx", bytes, &ReadOptions::default()).map(|_| ())
}

#[test]
fn an_untouched_stored_workbook_is_read() {
    read(&stored(&parts(&workbook("Zanda")))).unwrap();
}

#[test]
fn a_flipped_byte_in_a_workbook_part_is_refused_by_its_checksum() {
    let mut bytes = stored(&parts(&workbook("Zanda")));
    // The name in the shared strings becomes another, as a flipped bit would.
    assert_eq!(replace_all(&mut bytes, b">Zanda<", b">Zando<"), 1);
    let err = read(&bytes).unwrap_err();
    assert_eq!(err.code().as_str(), "corrupt-file", "{err}");
    assert!(err.to_string().contains("checksum"), "{err}");
}

#[test]
fn two_parts_of_one_name_are_refused_as_ambiguous() {
    let mut list = parts(&workbook("Zanda"));
    let strings = list
        .iter()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap()
        .1
        .clone();
    let crafted = String::from_utf8(strings)
        .unwrap()
        .replace(">Zanda<", ">Jānis<");
    list.push(("xl/sharedStringX.xml".into(), crafted.into_bytes()));
    let mut bytes = stored(&list);
    // The writer refuses a duplicate name; the file is renamed after.
    assert_eq!(
        replace_all(&mut bytes, b"xl/sharedStringX.xml", b"xl/sharedStrings.xml"),
        2
    );
    let err = read(&bytes).unwrap_err();
    assert_eq!(err.code().as_str(), "corrupt-file", "{err}");
    assert!(err.to_string().contains("ambiguous"), "{err}");
}

#[test]
fn two_parts_whose_names_differ_only_in_case_are_refused_as_ambiguous() {
    let mut list = parts(&workbook("Zanda"));
    let sheet = list
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1
        .clone();
    list.push(("xl/worksheets/Sheet1.xml".into(), sheet));
    let err = read(&stored(&list)).unwrap_err();
    assert!(err.to_string().contains("differ only in case"), "{err}");
    assert!(
        err.to_string().contains("xl/worksheets/Sheet1.xml"),
        "{err}"
    );
}

/// An .ods whose one sheet has `rows` (the XML of its rows).
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    stored(&[
        (
            "mimetype".into(),
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("content.xml".into(), content.into_bytes()),
        ("META-INF/manifest.xml".into(), manifest.as_bytes().to_vec()),
    ])
}

fn limit_of(result: Result<(), ImportError>) -> &'static str {
    match result {
        Err(ImportError::LimitExceeded { limit, .. }) => limit,
        other => panic!("not refused by a limit: {other:?}"),
    }
}

#[test]
fn repeat_counts_beyond_32_bits_are_held_to_the_cells_limit() {
    let cell =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
    // 2^32 + 1000 rows, each 32 columns wide: read as one row by the check,
    // expanded by calamine (2 GB).
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="4294968296">{cell}<table:table-cell table:number-columns-repeated="30"/>{cell}</table:table-row>"#
    );
    let started = std::time::Instant::now();
    let result = read_file("x.ods", &ods(&rows), &ReadOptions::default()).map(|_| ());
    assert_eq!(limit_of(result), "cells");
    assert!(started.elapsed().as_secs() < 2);
    // An ordinary sheet with LibreOffice's trailing repeat of empty rows is read.
    let rows = format!(
        r#"<table:table-row>{cell}{cell}</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
    );
    read_file("x.ods", &ods(&rows), &ReadOptions::default()).unwrap();
}

#[test]
fn shared_strings_beyond_part_mb_are_refused_before_they_are_unpacked() {
    let mut list = parts(&workbook("Zanda"));
    let strings = &mut list
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap()
        .1;
    // One string no cell uses, 2 MiB long, with the limit at 1 MiB.
    let text = String::from_utf8(strings.clone()).unwrap();
    let long = format!("<si><t>{}</t></si></sst>", "x".repeat(2 << 20));
    *strings = text.replace("</sst>", &long).into_bytes();
    let bytes = stored(&list);
    let mut options = ReadOptions::default();
    options.limits.part_mb = 1;
    let result = read_file("round.xlsx", &bytes, &options).map(|_| ());
    assert_eq!(limit_of(result), "part-mb");
    options.limits.part_mb = 3;
    read_file("round.xlsx", &bytes, &options).unwrap();
}

/// A PDF with one attachment, `europass-mobility.xml`, whose stream is
/// `inflated` bytes deflated `layers` times.
fn pdf_with_attachment(inflated: usize, layers: usize) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut content = vec![b' '; inflated];
    let mut filters = Vec::new();
    for _ in 0..layers {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&content).unwrap();
        content = z.finish().unwrap();
        filters.push(Object::Name(b"FlateDecode".to_vec()));
    }
    let mut doc = Document::with_version("1.7");
    let stream = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Filter" => filters },
        content,
    ));
    let spec = doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal("europass-mobility.xml"),
        "EF" => dictionary! { "F" => stream },
    });
    let names = dictionary! {
        "EmbeddedFiles" => dictionary! {
            "Names" => vec![Object::string_literal("europass-mobility.xml"), spec.into()],
        },
    };
    let pages = doc.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![], "Count" => 0 });
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages, "Names" => names });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_pdf_attachment_inflating_beyond_part_mb_is_refused_by_name() {
    // 64 MiB of spaces, deflated twice: a few kilobytes.
    let pdf = pdf_with_attachment(64 << 20, 2);
    assert!(pdf.len() < 16 << 10, "{} bytes", pdf.len());
    let mut options = ReadOptions::default();
    options.limits.part_mb = 16;
    let started = std::time::Instant::now();
    let result = read_file("transcript.pdf", &pdf, &options).map(|_| ());
    assert_eq!(limit_of(result), "part-mb");
    assert!(started.elapsed().as_secs() < 5);
}
