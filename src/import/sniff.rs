//! Recognising a file's format from its bytes, not its name.
//!
//! Schools rename files, save web pages as `.xls` and send `.xlsx` files
//! called `.docx`; some parsers loop forever on the wrong kind of input. So
//! every file is identified by content first, and the name only breaks ties.

use std::io::{Cursor, Read};

use super::formats::{Signature, first_matching};
use super::{ImportError, InputFormat};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Identifies the format of a file's content: the container it is (a zip
/// package, an Office 97–2003 compound file, other bytes, text) is told
/// first, then the evidence inside it is weighed against the signatures of
/// [`FORMATS`](super::formats::FORMATS).
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
    if let Some(format) =
        first_matching(|s| matches!(s, Signature::Magic(m) if bytes.starts_with(m)))
    {
        return Ok(format);
    }
    sniff_text(bytes)
}

fn sniff_zip(bytes: &[u8]) -> Result<InputFormat, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::Corrupt {
        detail: format!(
            "it starts like a zip-based office file but its table of contents cannot be read ({e}); it may be truncated"
        ),
    })?;
    let has = |archive: &zip::ZipArchive<_>, name: &str| archive.index_for_name(name).is_some();
    let named = first_matching(|s| match s {
        Signature::ZipParts { all, none } => {
            all.iter().all(|p| has(&archive, p)) && !none.iter().any(|p| has(&archive, p))
        }
        _ => false,
    });
    if let Some(format) = named {
        return Ok(format);
    }
    if let Some(i) = archive.index_for_name("mimetype") {
        let mut mime = String::new();
        if let Ok(entry) = archive.by_index(i) {
            let _ = entry.take(200).read_to_string(&mut mime);
        }
        let mime = mime.trim();
        return first_matching(|s| matches!(s, Signature::ZipMimetype(m) if *m == mime))
            .ok_or_else(|| ImportError::Unsupported {
                what: format!("an OpenDocument file of type `{mime}`"),
                hint: "save it as a spreadsheet (.ods or .xlsx) or a Word document (.docx)".into(),
            });
    }
    let unlabelled = first_matching(|s| match s {
        Signature::ZipPartsWithoutMimetype(all) => all.iter().all(|p| has(&archive, p)),
        _ => false,
    });
    if let Some(format) = unlabelled {
        return Ok(format);
    }
    let declared = content_types(&mut archive);
    let typed = first_matching(|s| match s {
        Signature::ZipContentType(types) => types.iter().any(|t| declared.contains(t)),
        _ => false,
    });
    typed.ok_or_else(|| ImportError::Unsupported {
        what: "a zip archive that is not an office document".into(),
        hint: "unpack it and give the spreadsheets or Word files inside".into(),
    })
}

/// `[Content_Types].xml` in lowercase (empty when the package has none):
/// the content types of its parts.
fn content_types(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> String {
    let Ok(entry) = archive.by_name("[Content_Types].xml") else {
        return String::new();
    };
    let mut text = String::new();
    if entry.take(1 << 20).read_to_string(&mut text).is_err() {
        return String::new();
    }
    text.to_ascii_lowercase()
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
    first_matching(|s| matches!(s, Signature::Compound(streams) if streams.iter().any(|n| has(n))))
        .ok_or_else(|| ImportError::Unsupported {
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
        if let Some(format) = first_matching(|s| matches!(s, Signature::Utf16Text)) {
            return Ok(format);
        }
    }
    let head = TextHead::new(rest);
    first_matching(|s| matches!(s, Signature::Text(test) if test(&head)))
        .ok_or_else(|| head.refusal())
}

/// The start of a text file, as the text formats' signatures look at it.
pub struct TextHead<'a> {
    /// Up to 8 KiB from the first character that is not a space.
    body: &'a [u8],
    /// Its first KiB in lowercase.
    lower: Vec<u8>,
}

impl<'a> TextHead<'a> {
    fn new(text: &'a [u8]) -> Self {
        let head = &text[..text.len().min(8192)];
        let start = head
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(head.len());
        let body = &head[start..];
        let lower = body.iter().take(1024).map(u8::to_ascii_lowercase).collect();
        Self { body, lower }
    }

    fn starts(&self, prefix: &[u8]) -> bool {
        self.lower.starts_with(prefix)
    }

    fn contains(&self, part: &[u8]) -> bool {
        self.lower.windows(part.len()).any(|w| w == part)
    }

    /// An Excel 2003 XML spreadsheet, which europass does not read.
    fn is_excel_2003_xml(&self) -> bool {
        self.starts(b"<") && self.contains(b"urn:schemas-microsoft-com:office:spreadsheet")
    }

    fn starts_with_html_tag(&self) -> bool {
        self.starts(b"<!doctype html")
            || self.starts(b"<html")
            || self.starts(b"<table")
            || self.starts(b"<meta")
    }

    /// The local name of the root element: the first tag that is not a
    /// declaration, comment or processing instruction (`europasscredential`
    /// of `<vp:europassCredential …>`), when the head shows it.
    fn root_name(&self) -> Option<&[u8]> {
        let mut rest = self.lower.as_slice();
        loop {
            let at = rest.iter().position(|&b| b == b'<')?;
            rest = &rest[at + 1..];
            match rest.first()? {
                b'?' | b'!' => continue,
                _ => {
                    let end = rest
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))?;
                    let name = &rest[..end];
                    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
                    return Some(local);
                }
            }
        }
    }

    /// An HTML page: an HTML start, a web archive (MHTML) of one, or markup
    /// whose root is an `<html>` element. The root decides, not an `<html>`
    /// further in: a credential carries its display template as HTML in
    /// CDATA.
    pub fn is_html(&self) -> bool {
        self.starts_with_html_tag()
            || (self.starts(b"mime-version:") && self.contains(b"text/html"))
            || (self.starts(b"<")
                && !self.is_excel_2003_xml()
                && match self.root_name() {
                    Some(root) => root == b"html",
                    None => self.contains(b"<html"),
                })
    }

    /// Markup that is not a page or an Excel 2003 spreadsheet.
    pub fn is_xml(&self) -> bool {
        self.starts(b"<") && !self.is_excel_2003_xml()
    }

    /// A JSON object or array.
    pub fn is_json(&self) -> bool {
        self.starts(b"{") || self.starts(b"[")
    }

    /// Text that is not markup and holds no zero byte: delimited values.
    pub fn is_delimited_text(&self) -> bool {
        !self.starts(b"<") && !self.body.contains(&0)
    }

    /// Why text that no format's signature took is refused.
    fn refusal(&self) -> ImportError {
        if self.is_excel_2003_xml() {
            return ImportError::Unsupported {
                what: "an Excel 2003 XML spreadsheet".into(),
                hint: "open it in Excel or LibreOffice and save it as .xlsx".into(),
            };
        }
        ImportError::Unsupported {
            what: "a binary file of unknown type".into(),
            hint: "give an .xlsx, .xls, .ods, .csv or .docx file".into(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_saved_as_xls_is_recognised_as_html() {
        let page = b"<html><head><meta charset=utf-8></head><body><table><tr><td>1</td></tr></table></body></html>";
        assert_eq!(sniff(page).unwrap(), InputFormat::Html);
    }

    #[test]
    fn a_credential_with_an_html_display_template_in_cdata_is_xml_not_a_web_page() {
        let credential = b"<?xml version=\"1.0\"?>\n<!-- issued -->\n<europassCredential xmlns=\"http://data.europa.eu/snb\"><displayParameter><![CDATA[<html><body>Diploma</body></html>]]></displayParameter></europassCredential>";
        assert_ne!(sniff(credential).unwrap(), InputFormat::Html);
        let page = b"<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><table></table></body></html>";
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
    fn markup_is_a_page_a_credential_or_an_excel_2003_spreadsheet() {
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><x/>").unwrap(),
            InputFormat::Xml
        );
        assert_eq!(
            sniff(b"<?xml?><html><body/></html>").unwrap(),
            InputFormat::Html
        );
        let excel = b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"/>";
        assert!(
            matches!(sniff(excel), Err(ImportError::Unsupported { what, .. }) if what.contains("Excel 2003"))
        );
        assert_eq!(sniff(b"  {\"format\": 1}").unwrap(), InputFormat::Json);
    }

    #[test]
    fn semicolon_text_is_csv() {
        assert_eq!(
            sniff(b"Vards;Uzvards\nAnna;Ozola\n").unwrap(),
            InputFormat::Csv
        );
    }
}
