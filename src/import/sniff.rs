//! Recognising a file's format from its bytes, not its name.
//!
//! Schools rename files, save web pages as `.xls` and send `.xlsx` files
//! called `.docx`; some parsers loop forever on the wrong kind of input. So
//! every file is identified by content first, and the name only breaks ties.

use std::io::{Cursor, Read};

use super::{ImportError, InputFormat};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Identifies the format of a file's content.
pub fn sniff(bytes: &[u8]) -> Result<InputFormat, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return sniff_cfb(bytes);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(InputFormat::Pdf);
    }
    sniff_text(bytes)
}

fn sniff_zip(bytes: &[u8]) -> Result<InputFormat, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::Corrupt {
        detail: format!(
            "it starts like a zip-based office file but its table of contents cannot be read ({e}); it may be truncated"
        ),
    })?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        if has("xl/vbaProject.bin") {
            return Ok(InputFormat::Xlsm);
        }
        return Ok(InputFormat::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Ok(InputFormat::Xlsb);
    }
    if has("word/document.xml") {
        return Ok(InputFormat::Docx);
    }
    if let Some(i) = archive.index_for_name("mimetype") {
        let mut mime = String::new();
        if let Ok(entry) = archive.by_index(i) {
            let _ = entry.take(200).read_to_string(&mut mime);
        }
        let mime = mime.trim();
        if mime == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(InputFormat::Ods);
        }
        if mime == "application/vnd.oasis.opendocument.text" {
            return Ok(InputFormat::Odt);
        }
        return Err(ImportError::Unsupported {
            what: format!("an OpenDocument file of type `{mime}`"),
            hint: "save it as a spreadsheet (.ods or .xlsx) or a Word document (.docx)".into(),
        });
    }
    if has("content.xml") && has("META-INF/manifest.xml") {
        return Ok(InputFormat::Ods);
    }
    if names_word_main_part(&mut archive) {
        return Ok(InputFormat::Docx);
    }
    Err(ImportError::Unsupported {
        what: "a zip archive that is not an office document".into(),
        hint: "unpack it and give the spreadsheets or Word files inside".into(),
    })
}

/// Whether `[Content_Types].xml` declares a Word main part (some writers
/// name it other than `word/document.xml`).
fn names_word_main_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    let Ok(entry) = archive.by_name("[Content_Types].xml") else {
        return false;
    };
    let mut text = String::new();
    if entry.take(1 << 20).read_to_string(&mut text).is_err() {
        return false;
    }
    let text = text.to_ascii_lowercase();
    text.contains("wordprocessingml.document.main+xml")
        || text.contains("wordprocessingml.template.main+xml")
        || text.contains("ms-word.document.macroenabled.main+xml")
}

fn sniff_cfb(bytes: &[u8]) -> Result<InputFormat, ImportError> {
    let file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| ImportError::Corrupt {
        detail: format!("it starts like an Office 97–2003 file but cannot be parsed ({e})"),
    })?;
    let names: Vec<String> = file
        .read_root_storage()
        .map(|e| e.name().to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") || has("EncryptionInfo") {
        return Err(ImportError::Encrypted);
    }
    if has("Workbook") || has("Book") {
        return Ok(InputFormat::Xls);
    }
    if has("WordDocument") {
        return Ok(InputFormat::Doc);
    }
    Err(ImportError::Unsupported {
        what: "an Office 97–2003 file that is neither a workbook nor a document".into(),
        hint: "open it in its program and save it as .xlsx or .docx".into(),
    })
}

fn sniff_text(bytes: &[u8]) -> Result<InputFormat, ImportError> {
    let (bom, rest) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, len)) => (Some(enc), &bytes[len..]),
        None => (None, bytes),
    };
    // (A file of zero bytes was refused as empty already.)
    if rest.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        return Err(ImportError::NoContent {
            what: if rest.is_empty() {
                "only a byte-order mark (the marker a text file starts with), no text".into()
            } else if rest.iter().all(|b| *b == 0) {
                "only zero bytes: a copy or download that never finished".into()
            } else {
                "only blank lines and spaces".into()
            },
        });
    }
    if bom.is_some_and(|e| e != encoding_rs::UTF_8) || utf16_without_bom(bytes).is_some() {
        // UTF-16 text: Excel's "Unicode Text" export is tab-separated UTF-16.
        return Ok(InputFormat::Csv);
    }
    let head = &rest[..rest.len().min(8192)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let body = &head[start..];
    let lower: Vec<u8> = body.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    let starts = |p: &[u8]| lower.starts_with(p);
    let contains = |p: &[u8]| lower.windows(p.len()).any(|w| w == p);
    if starts(b"<!doctype html") || starts(b"<html") || starts(b"<table") || starts(b"<meta") {
        return Ok(InputFormat::Html);
    }
    if starts(b"mime-version:") && contains(b"text/html") {
        return Ok(InputFormat::Html);
    }
    if starts(b"<?xml") || starts(b"<") {
        if contains(b"urn:schemas-microsoft-com:office:spreadsheet") {
            return Err(ImportError::Unsupported {
                what: "an Excel 2003 XML spreadsheet".into(),
                hint: "open it in Excel or LibreOffice and save it as .xlsx".into(),
            });
        }
        if contains(b"<html") {
            return Ok(InputFormat::Html);
        }
        return Ok(InputFormat::Xml);
    }
    if starts(b"{") || starts(b"[") {
        return Ok(InputFormat::Json);
    }
    if body.contains(&0) {
        return Err(ImportError::Unsupported {
            what: "a binary file of unknown type".into(),
            hint: "give an .xlsx, .xls, .ods, .csv or .docx file".into(),
        });
    }
    Ok(InputFormat::Csv)
}

/// UTF-16 text without a byte-order mark, told by its zero bytes: text that
/// is mostly ASCII has a zero in every other byte, at odd offsets in
/// little-endian and at even ones in big-endian.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 10 >= pairs * 6 && even * 20 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 6 && odd * 20 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether a Word document carries macros (a `.docm` by content: a VBA
/// project part, or a macro-enabled main part).
pub fn word_has_macros(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    if archive
        .file_names()
        .any(|n| n.is_ok_and(|n| n.ends_with("vbaProject.bin")))
    {
        return true;
    }
    let Ok(entry) = archive.by_name("[Content_Types].xml") else {
        return false;
    };
    let mut text = String::new();
    let _ = entry.take(1 << 20).read_to_string(&mut text);
    text.to_ascii_lowercase().contains("macroenabled")
}

/// The format a file name's extension promises, if it is one the tool knows.
pub fn format_from_extension(name: &str) -> Option<InputFormat> {
    let ext = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "xlsx" => InputFormat::Xlsx,
        "xlsm" => InputFormat::Xlsm,
        "xlsb" => InputFormat::Xlsb,
        "xls" => InputFormat::Xls,
        "ods" => InputFormat::Ods,
        "csv" | "tsv" | "txt" => InputFormat::Csv,
        "docx" => InputFormat::Docx,
        "odt" => InputFormat::Odt,
        "doc" => InputFormat::Doc,
        "xml" => InputFormat::Xml,
        "json" | "jsonld" => InputFormat::Json,
        "pdf" => InputFormat::Pdf,
        "html" | "htm" => InputFormat::Html,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_saved_as_xls_is_recognised_as_html() {
        let page = b"<html><head><meta charset=utf-8></head><body><table><tr><td>1</td></tr></table></body></html>";
        assert_eq!(sniff(page).unwrap(), InputFormat::Html);
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(matches!(sniff(b""), Err(ImportError::Empty)));
    }

    #[test]
    fn truncated_zip_is_corrupt() {
        let mut fake = b"PK\x03\x04".to_vec();
        fake.extend_from_slice(&[0u8; 100]);
        assert!(matches!(sniff(&fake), Err(ImportError::Corrupt { .. })));
    }

    #[test]
    fn a_byte_order_mark_or_blank_lines_alone_are_nothing_to_read() {
        for bytes in [b"\xEF\xBB\xBF".as_slice(), b"\xFF\xFE", b"\r\n\r\n  \t\n"] {
            assert!(
                matches!(sniff(bytes), Err(ImportError::NoContent { .. })),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_text() {
        let text = "Vārds;Uzvārds\r\nAnna;Ozola\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16_without_bom(&le), Some(encoding_rs::UTF_16LE));
        assert_eq!(utf16_without_bom(&be), Some(encoding_rs::UTF_16BE));
        assert_eq!(sniff(&le).unwrap(), InputFormat::Csv);
        assert_eq!(utf16_without_bom(text.as_bytes()), None);
        // A binary file with zeros here and there is not text.
        assert!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").is_err());
    }

    #[test]
    fn semicolon_text_is_csv() {
        assert_eq!(
            sniff(b"Vards;Uzvards\nAnna;Ozola\n").unwrap(),
            InputFormat::Csv
        );
    }
}
