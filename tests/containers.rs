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
