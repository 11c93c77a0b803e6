//! The zip package of a Word document: which part is the document, where
//! its styles and numbering are, and reading a part within size limits.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::super::ImportError;
use super::xml::attr;

/// The archive of a Word document, read from memory.
pub(super) type Archive<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// The largest document part read (uncompressed); real documents are far smaller.
const MAX_MAIN_PART: u64 = 128 << 20;
/// The largest styles, numbering, relationships or content-types part read.
const MAX_SIDE_PART: u64 = 16 << 20;

/// Content types of the main part of a Word document, template or macro-enabled file.
const WORD_MAIN_TYPES: &[&str] = &[
    "wordprocessingml.document.main+xml",
    "wordprocessingml.template.main+xml",
    "ms-word.document.macroenabled.main+xml",
    "ms-word.template.macroenabledtemplate.main+xml",
];

/// The names of the parts the reader reads.
pub(super) struct Parts {
    /// The main document part.
    pub main: String,
    styles: String,
    numbering: String,
}

impl Parts {
    /// Finds the main part (from `[Content_Types].xml`) and its styles and
    /// numbering parts (from its relationships).
    pub fn find(zip: &mut Archive) -> Result<Self, ImportError> {
        let types = read_part(zip, "[Content_Types].xml", MAX_SIDE_PART)?;
        let main = main_part(types.as_deref(), zip)?;
        let (styles, numbering) = related_parts(zip, &main)?;
        Ok(Self {
            main,
            styles,
            numbering,
        })
    }

    /// The styles part as text, when the document has one.
    pub fn styles(&self, zip: &mut Archive) -> Result<Option<String>, ImportError> {
        read_part(zip, &self.styles, MAX_SIDE_PART)?
            .map(|xml| utf8(xml, &self.styles))
            .transpose()
    }

    /// The numbering part as text, when the document has one.
    pub fn numbering(&self, zip: &mut Archive) -> Result<Option<String>, ImportError> {
        read_part(zip, &self.numbering, MAX_SIDE_PART)?
            .map(|xml| utf8(xml, &self.numbering))
            .transpose()
    }

    /// The main part as text.
    pub fn main(&self, zip: &mut Archive) -> Result<String, ImportError> {
        let main = &self.main;
        let xml = read_part(zip, main, MAX_MAIN_PART)?.ok_or_else(|| ImportError::Corrupt {
            detail: format!("a Word document without its main part {main}"),
        })?;
        utf8(xml, main)
    }
}

/// The bytes of a part, or `None` when the archive has no such part. A part
/// larger than `limit` (as stored or once unpacked) is refused.
fn read_part(zip: &mut Archive, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ImportError> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let entry = zip.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.to_lowercase().contains("password") => {
            ImportError::Encrypted
        }
        e => ImportError::Corrupt {
            detail: format!("a Word document whose part {name} cannot be unpacked ({e})"),
        },
    })?;
    if entry.size() > limit {
        return Err(too_large(name, entry.size()));
    }
    let mut out = Vec::with_capacity(entry.size() as usize);
    entry
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::Corrupt {
            detail: format!("a Word document whose part {name} cannot be unpacked ({e})"),
        })?;
    if out.len() as u64 > limit {
        return Err(too_large(name, out.len() as u64));
    }
    Ok(Some(out))
}

fn too_large(name: &str, size: u64) -> ImportError {
    ImportError::Unsupported {
        what: format!(
            "a Word document whose part {name} unpacks to more than {} MB ({} MB)",
            MAX_MAIN_PART >> 20,
            size >> 20
        ),
        hint: "split the document, or remove embedded objects and save it again".into(),
    }
}

/// XML parts are UTF-8 in practice; the standard also allows UTF-16.
fn utf8(bytes: Vec<u8>, part: &str) -> Result<String, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(&bytes);
        let text = if bytes.starts_with(&[0xFE, 0xFF]) {
            encoding_rs::UTF_16BE.decode(&bytes).0
        } else {
            text
        };
        if bad {
            return Err(ImportError::Corrupt {
                detail: format!("a Word document whose part {part} is not valid UTF-16"),
            });
        }
        // The declaration still says UTF-16; the parser reads the text as it now is.
        return Ok(text.replacen("encoding=\"UTF-16\"", "", 1));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| ImportError::Corrupt {
        detail: format!(
            "a Word document whose part {part} is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// The main document part named by `[Content_Types].xml`, or the usual
/// `word/document.xml`. Anything else is not a Word document.
fn main_part(types: Option<&[u8]>, zip: &mut Archive) -> Result<String, ImportError> {
    let mut other_office = None;
    if let Some(types) = types {
        let text = String::from_utf8_lossy(types);
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Override" => {
                    let kind = attr(&e, "ContentType").unwrap_or_default().to_lowercase();
                    let part = attr(&e, "PartName").unwrap_or_default();
                    if WORD_MAIN_TYPES.iter().any(|t| kind.ends_with(t)) {
                        let part = part.trim_start_matches('/').to_string();
                        if zip.index_for_name(&part).is_some() {
                            return Ok(part);
                        }
                    } else if kind.contains("spreadsheetml.sheet.main")
                        || kind.contains("ms-excel.sheet")
                    {
                        other_office = Some("an Excel workbook");
                    } else if kind.contains("presentationml.presentation.main") {
                        other_office = Some("a PowerPoint presentation");
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    if other_office.is_none() && zip.index_for_name("word/document.xml").is_some() {
        return Ok("word/document.xml".into());
    }
    Err(ImportError::WrongType {
        found: other_office
            .map(str::to_string)
            .unwrap_or_else(|| "a zip archive without a Word document inside".into()),
        expected: "a Word document".into(),
        hint: "give the .docx file itself; a spreadsheet must keep its .xlsx name".into(),
    })
}

/// The styles and numbering parts of the main part, from its relationships.
fn related_parts(zip: &mut Archive, main: &str) -> Result<(String, String), ImportError> {
    let (dir, name) = main.rsplit_once('/').unwrap_or(("", main));
    let rels_name = if dir.is_empty() {
        format!("_rels/{name}.rels")
    } else {
        format!("{dir}/_rels/{name}.rels")
    };
    let mut styles = join_part(dir, "styles.xml");
    let mut numbering = join_part(dir, "numbering.xml");
    if let Some(rels) = read_part(zip, &rels_name, MAX_SIDE_PART)? {
        let text = String::from_utf8_lossy(&rels);
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    let kind = attr(&e, "Type").unwrap_or_default();
                    let Some(target) = attr(&e, "Target") else {
                        continue;
                    };
                    if attr(&e, "TargetMode").is_some_and(|m| m == "External") {
                        continue;
                    }
                    if kind.ends_with("/styles") {
                        styles = join_part(dir, &target);
                    } else if kind.ends_with("/numbering") {
                        numbering = join_part(dir, &target);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    Ok((styles, numbering))
}

/// A relationship target resolved against the folder of its source part.
pub(super) fn join_part(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    } else if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for piece in target.split('/') {
        match piece {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}
