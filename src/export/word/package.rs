//! Word packages (the zip container of a .docx): opening a school's file,
//! finding its text parts, and writing new packages byte-for-byte the same
//! for the same input (fixed timestamps, fixed order).

use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Why a file cannot be used as a Word template.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// Not a zip container at all.
    #[error("this is not a Word document (.docx): {0}")]
    NotZip(String),
    /// A zip, but not a Word document.
    #[error("this is {0}, not a Word document (.docx)")]
    NotWord(&'static str),
    /// Password-protected.
    #[error("the document is password-protected; save a copy without a password")]
    Encrypted,
    /// A part cannot be read.
    #[error("the document is damaged: {0}")]
    Damaged(String),
    /// Carries macros (a VBA project, a macro-enabled content type).
    /// A part unpacks to more than the `part-mb` limit, or the package has
    /// more entries than the `zip-entries` limit: a decompression bomb, or a
    /// template far larger than any form.
    #[error("{0}")]
    TooLarge(String),
    #[error(
        "the template carries macros ({0}); europass never passes macros into the documents it writes: save it in Word as a Word Document (.docx) or Word Template (.dotx), not a macro-enabled one (.docm, .dotm)"
    )]
    Macros(String),
}

/// Refuses a package carrying macros: a `vbaProject.bin` (or any VBA part)
/// or a macro-enabled content type. Refused rather than stripped: a school's
/// macros may do what its template relies on, and a quiet copy without them
/// would not be the template it gave.
fn refuse_macros(
    names: &[String],
    overrides: &[(String, String)],
    types_xml: &[u8],
) -> Result<(), PackageError> {
    if let Some(name) = names.iter().find(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with("vbaproject.bin") || n.ends_with("vbadata.xml")
    }) {
        return Err(PackageError::Macros(format!("the part {name}")));
    }
    if let Some((part, ct)) = overrides.iter().find(|(_, ct)| {
        ct.to_ascii_lowercase().contains("macroenabled") || ct.contains("vbaProject")
    }) {
        return Err(PackageError::Macros(format!(
            "{} is of the macro-enabled type {ct}",
            part.trim_start_matches('/')
        )));
    }
    let types = String::from_utf8_lossy(types_xml).to_ascii_lowercase();
    if types.contains("macroenabled") || types.contains("vbaproject") {
        return Err(PackageError::Macros(
            "[Content_Types].xml declares macro content".into(),
        ));
    }
    Ok(())
}

/// What a text part of a document is, by its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// The main document (body).
    Body,
    /// A page header.
    Header,
    /// A page footer.
    Footer,
    /// Footnotes.
    Footnotes,
    /// Endnotes.
    Endnotes,
}

/// An opened Word package.
pub struct Package {
    bytes: Vec<u8>,
    names: Vec<String>,
    /// Largest part read whole, in bytes (the `part-mb` limit).
    part_bytes: u64,
    /// The text parts that may hold placeholders, in archive order.
    pub text_parts: Vec<(String, PartKind)>,
    /// True when the main part is a template (.dotx): written out as a document.
    pub is_dotx: bool,
}

/// The kind of text part a content type names, and whether it is the main
/// part of a template (.dotx); none for parts without text.
fn part_kind(ct: &str) -> Option<(PartKind, bool)> {
    Some(
        if ct.ends_with("wordprocessingml.document.main+xml")
            || ct.ends_with("document.macroEnabled.main+xml")
        {
            (PartKind::Body, false)
        } else if ct.ends_with("wordprocessingml.template.main+xml")
            || ct.ends_with("template.macroEnabledTemplate.main+xml")
        {
            (PartKind::Body, true)
        } else if ct.ends_with("wordprocessingml.header+xml") {
            (PartKind::Header, false)
        } else if ct.ends_with("wordprocessingml.footer+xml") {
            (PartKind::Footer, false)
        } else if ct.ends_with("wordprocessingml.footnotes+xml") {
            (PartKind::Footnotes, false)
        } else if ct.ends_with("wordprocessingml.endnotes+xml") {
            (PartKind::Endnotes, false)
        } else {
            return None;
        },
    )
}

/// What an Office package without a Word document part is, by its content types.
fn without_document(overrides: &[(String, String)]) -> PackageError {
    if overrides.iter().any(|(_, ct)| ct.contains("spreadsheetml")) {
        PackageError::NotWord("an Excel workbook")
    } else if overrides
        .iter()
        .any(|(_, ct)| ct.contains("presentationml"))
    {
        PackageError::NotWord("a PowerPoint presentation")
    } else {
        PackageError::NotWord("an Office file without a Word document part")
    }
}

impl Package {
    /// Opens the bytes of a .docx (or .dotx, .docm) file, holding it to
    /// the `zip-entries` and `part-mb` limits.
    pub fn open(
        bytes: Vec<u8>,
        part_bytes: u64,
        zip_entries: usize,
    ) -> Result<Package, PackageError> {
        let mut archive = ZipArchive::new(Cursor::new(bytes.as_slice()))
            .map_err(|e| PackageError::NotZip(e.to_string()))?;
        if archive.len() > zip_entries {
            return Err(PackageError::TooLarge(format!(
                "it holds {} zip entries, more than the `zip-entries` limit of {}; a Word form has a few dozen (raise it with --limit zip-entries=N if this file is genuine)",
                archive.len(),
                zip_entries
            )));
        }
        let mut names = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let file = archive
                .by_index_raw(i)
                .map_err(|e| PackageError::Damaged(e.to_string()))?;
            if file.encrypted() {
                return Err(PackageError::Encrypted);
            }
            names.push(
                file.name()
                    .map_err(|e| PackageError::Damaged(e.to_string()))?
                    .into_owned(),
            );
        }
        let types = names
            .iter()
            .position(|n| n == "[Content_Types].xml")
            .ok_or_else(|| {
                if names.iter().any(|n| n.starts_with("xl/")) {
                    PackageError::NotWord("an Excel workbook")
                } else if names.iter().any(|n| n.starts_with("ppt/")) {
                    PackageError::NotWord("a PowerPoint presentation")
                } else if names.iter().any(|n| n == "content.xml") {
                    PackageError::NotWord("an OpenDocument file (save it as .docx)")
                } else {
                    PackageError::NotWord("a zip archive")
                }
            })?;
        let types_xml = read_entry(&mut archive, types, part_bytes)?;
        let overrides = content_type_overrides(&types_xml)?;
        refuse_macros(&names, &overrides, &types_xml)?;
        let mut text_parts = Vec::new();
        let mut is_dotx = false;
        let mut has_main = false;
        for name in &names {
            let Some(ct) = overrides
                .iter()
                .find(|(part, _)| part.trim_start_matches('/') == name)
                .map(|(_, ct)| ct.as_str())
            else {
                continue;
            };
            let Some((kind, template)) = part_kind(ct) else {
                continue;
            };
            has_main |= kind == PartKind::Body;
            is_dotx |= template;
            text_parts.push((name.clone(), kind));
        }
        if !has_main {
            return Err(without_document(&overrides));
        }
        Ok(Package {
            bytes,
            names,
            part_bytes,
            text_parts,
            is_dotx,
        })
    }

    /// The entry names, in archive order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The raw bytes of the package.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The uncompressed content of entry `name`.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, PackageError> {
        let index = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| PackageError::Damaged(format!("{name} is missing")))?;
        let mut archive = ZipArchive::new(Cursor::new(self.bytes.as_slice()))
            .map_err(|e| PackageError::Damaged(e.to_string()))?;
        read_entry(&mut archive, index, self.part_bytes)
    }
}

/// Entry `index` unpacked, never more than `max` bytes of it: the size a
/// zip declares is not trusted, neither for the buffer nor for the reading.
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    max: u64,
) -> Result<Vec<u8>, PackageError> {
    let file = archive
        .by_index(index)
        .map_err(|e| PackageError::Damaged(e.to_string()))?;
    let name = file.name().unwrap_or_default().into_owned();
    let mut out = Vec::with_capacity(file.size().min(max).min(1 << 20) as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| PackageError::Damaged(format!("{name}: {e}")))?;
    if out.len() as u64 > max {
        return Err(PackageError::TooLarge(format!(
            "its part {name} unpacks to more than {} MiB, the `part-mb` limit (raise it with --limit part-mb=N if this file is genuine)",
            max / (1024 * 1024)
        )));
    }
    Ok(out)
}

/// (part name, content type) of every `<Override>` in `[Content_Types].xml`.
fn content_type_overrides(xml: &[u8]) -> Result<Vec<(String, String)>, PackageError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e)) | Ok(Event::Start(e)) if e.local_name().as_ref() == "Override" => {
                let mut part = None;
                let mut ct = None;
                for a in e.attributes().flatten() {
                    let value = a.value.to_string();
                    match a.key.as_ref() {
                        "PartName" => part = Some(value),
                        "ContentType" => ct = Some(value),
                        _ => {}
                    }
                }
                if let (Some(p), Some(c)) = (part, ct) {
                    out.push((p, c));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(PackageError::Damaged(format!(
                    "[Content_Types].xml cannot be read: {e}"
                )));
            }
        }
    }
    Ok(out)
}

/// The content types of a .dotx rewritten so that the filled file opens as a document.
pub fn dotx_content_types_as_docx(xml: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(xml);
    s.replace(
        "wordprocessingml.template.main+xml",
        "wordprocessingml.document.main+xml",
    )
    .replace(
        "ms-word.template.macroEnabledTemplate.main+xml",
        "ms-word.document.macroEnabled.main+xml",
    )
    .into_bytes()
}

/// Writes a new package: every entry deflated with the same fixed timestamp,
/// so the same content always gives the same bytes.
pub struct PackageWriter {
    zip: ZipWriter<Cursor<Vec<u8>>>,
}

impl Default for PackageWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl PackageWriter {
    /// An empty package.
    pub fn new() -> Self {
        PackageWriter {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
        }
    }

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(6))
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644)
    }

    /// Adds an entry.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), PackageError> {
        self.zip
            .start_file(name, Self::options())
            .and_then(|_| self.zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| PackageError::Damaged(format!("cannot write {name}: {e}")))
    }

    /// Copies entry `index` of `archive` unchanged (still compressed).
    pub fn copy(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
    ) -> Result<(), PackageError> {
        let file = archive
            .by_index_raw(index)
            .map_err(|e| PackageError::Damaged(e.to_string()))?;
        self.zip
            .raw_copy_file(file)
            .map_err(|e| PackageError::Damaged(format!("cannot copy a part: {e}")))
    }

    /// The finished package.
    pub fn finish(self) -> Result<Vec<u8>, PackageError> {
        self.zip
            .finish()
            .map(|c| c.into_inner())
            .map_err(|e| PackageError::Damaged(e.to_string()))
    }
}
