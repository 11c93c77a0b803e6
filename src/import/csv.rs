//! Comma-, semicolon- and tab-separated text, in whatever encoding Excel used.
//!
//! Excel on a Latvian Windows saves "CSV" as Windows-1257 with `;` between
//! fields (the comma is the decimal separator there); on a Western one as
//! Windows-1252; newer versions as UTF-8 with a byte-order mark. The encoding
//! and delimiter are detected unless given, and the choice is reported.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1257};

use super::workbook::{Cells, Sheet, Visibility};
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads CSV text.
pub struct CsvReader;

impl TableReader for CsvReader {
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<Workbook, ImportError> {
        let (text, encoding) = decode(bytes, options.encoding);
        let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&text));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        let mut cells: u64 = 0;
        for record in reader.records() {
            let record = record.map_err(|e| ImportError::corrupt(InputFormat::Csv, e))?;
            cells += record.len() as u64;
            if cells > options.limits.cells {
                return Err(super::calamine_sheets::too_many_cells(
                    "the file",
                    options.limits.cells,
                ));
            }
            rows.push(record);
        }
        let name = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("csv")
            .to_string();
        Ok(Workbook {
            file: file.to_string(),
            format: InputFormat::Csv,
            sheets: vec![Sheet::new(
                name,
                Visibility::Visible,
                Cells::Text(rows),
                Vec::new(),
            )],
            encoding: Some(encoding.name()),
            delimiter: Some(delimiter as char),
        })
    }
}

/// Decodes the bytes: with the given encoding, else by byte-order mark, else
/// UTF-8 when valid, else the more plausible of Windows-1257 and Windows-1252.
pub fn decode(bytes: &[u8], given: Option<&'static Encoding>) -> (String, &'static Encoding) {
    if let Some(enc) = given {
        let (text, _, _) = enc.decode(bytes);
        return (text.into_owned(), enc);
    }
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), UTF_8);
    }
    let enc = guess_legacy(bytes);
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc)
}

/// Chooses between Windows-1257 (Baltic) and Windows-1252 (Western) by which
/// reading gives letters the languages of our schools actually use. Only the
/// bytes that the two code pages decode differently carry information.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut baltic = 0.0f64;
    let mut western = 0.0f64;
    let mut b1 = [0u8; 4];
    for &b in bytes.iter().filter(|b| **b >= 0x80) {
        b1[0] = b;
        let (c1257, _, _) = WINDOWS_1257.decode(&b1[..1]);
        let (c1252, _, _) = WINDOWS_1252.decode(&b1[..1]);
        if c1257 == c1252 {
            continue;
        }
        baltic += letter_weight(c1257.chars().next().unwrap_or(' '), BALTIC_LETTERS);
        western += letter_weight(c1252.chars().next().unwrap_or(' '), WESTERN_LETTERS);
    }
    if baltic > western {
        WINDOWS_1257
    } else {
        WINDOWS_1252
    }
}

const BALTIC_LETTERS: &str = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽąęėįųĄĘĖĮŲ";
const WESTERN_LETTERS: &str = "àáâäåæçèéêëíñóôöøùúüßÀÁÂÄÅÆÇÈÉÊËÍÑÓÔÖØÙÚÜœŒ";

fn letter_weight(c: char, common: &str) -> f64 {
    if common.contains(c) {
        1.0
    } else if c.is_alphabetic() {
        0.2
    } else {
        0.0
    }
}

/// The encoding with this label (`utf-8`, `windows-1257`, `cp1252`, `latin1`, …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "cp1257" | "1257" | "baltic" => "windows-1257",
        "cp1252" | "1252" | "western" => "windows-1252",
        "utf16" | "utf-16" => "utf-16le",
        other => other,
    };
    Encoding::for_label(l.as_bytes()).or(match l {
        "utf-16le" => Some(UTF_16LE),
        "utf-16be" => Some(UTF_16BE),
        _ => None,
    })
}

/// Picks the delimiter that splits the first records into the same number
/// of fields most consistently, preferring more fields on a tie. Records are
/// split outside quotes, so line breaks inside quoted cells (bullet lists)
/// do not count as new records.
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
    let mut records: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    let mut non_blank = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if non_blank {
                    records.push(counts);
                    if records.len() >= 30 {
                        break;
                    }
                }
                counts = [0; 4];
                non_blank = false;
            }
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
                if !b.is_ascii_whitespace() {
                    non_blank = true;
                }
            }
            _ => {}
        }
    }
    if non_blank {
        records.push(counts);
    }
    let mut best = (b',', 0usize, 0usize);
    for (i, &d) in CANDIDATES.iter().enumerate() {
        // How many records share the most common count, and that count.
        let mut freq = std::collections::HashMap::new();
        for r in records.iter().filter(|r| r[i] > 0) {
            *freq.entry(r[i]).or_insert(0usize) += 1;
        }
        let (mode, agree) = freq
            .into_iter()
            .max_by_key(|(c, n)| (*n, *c))
            .unwrap_or((0, 0));
        if (agree, mode) > (best.1, best.2) {
            best = (d, agree, mode);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1257_latvian_is_detected() {
        let (bytes, _, _) =
            WINDOWS_1257.encode("Vārds;Uzvārds;Dzimšanas datums\nĒriks;Bērziņš;01.02.2006\n");
        let (text, enc) = decode(&bytes, None);
        assert_eq!(enc, WINDOWS_1257);
        assert!(text.contains("Bērziņš"));
    }

    #[test]
    fn windows_1252_german_is_detected() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("Vorname;Nachname\nJürgen;Müßig\nFrançois;Gérard\n");
        let (text, enc) = decode(&bytes, None);
        assert_eq!(enc, WINDOWS_1252);
        assert!(text.contains("Müßig"));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let (text, enc) = decode("\u{feff}Vārds;Uzvārds".as_bytes(), None);
        assert_eq!(enc, UTF_8);
        assert!(text.starts_with("Vārds"));
    }

    #[test]
    fn semicolon_wins_over_decimal_commas() {
        let text = "Vārds;Punkti;Vērtējums\nAnna;2,5;8\nJānis;3,5;7\nLiene;1;9\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn line_breaks_inside_quoted_cells_do_not_fool_the_sniffer() {
        let text = "Vārds;Zināšanas;Prasmes\nAnna;\"• Teorija, pamati\n• Shēmas, sensori\n• Apkope, serviss\";\"• Prot, dara\"\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn tab_separated_is_detected() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    }
}
