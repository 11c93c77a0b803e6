//! Word documents (`.docx`, `.docm`, `.dotx`): their paragraphs and tables,
//! in document order, as typed parts for the recognition of unit
//! descriptions and assessment grids (`mapping::word`).
//!
//! The reader is a pass of our own over the document part (with `styles.xml`
//! and `numbering.xml` to tell list items), not docx-rs: docx-rs never returns
//! on some zip files that are not Word documents, has panicked on real
//! documents, keeps merge properties private and drops text in text boxes. One
//! streaming quick-xml pass always ends, holds at most the size-checked parts
//! in memory, and gives exact control over tracked changes, content controls
//! and checkboxes.
//!
//! What a [`Document`] holds:
//! - every table as a [`WordTable`]: top-level tables are numbered 1, 2, …;
//!   a table nested in a cell of table 3 is 3.1 (placed right after its
//!   parent). Its cells sit on Word's grid columns, `gridSpan` / `hMerge`
//!   as horizontal and `vMerge` as vertical [`MergedRange`]s (the text of a
//!   merged cell lives in its top-left cell, as in a spreadsheet);
//! - each cell's text as lines: one per paragraph, list items (numbering,
//!   list styles such as "List Bullet") prefixed `• ` at the first level and
//!   indented `  o ` at deeper levels, checkboxes as ☐ / ☒, tracked insertions
//!   kept and deletions dropped, content controls read (their placeholder text
//!   left out), Wingdings / Symbol ticks and boxes as their Unicode signs;
//! - the paragraphs outside tables as [`Paragraphs`], one run before each
//!   table and one after the last ([`TextPlace`]), so label lines such as
//!   "EQF-level: 4" above or below a table are not lost.
//!
//! A part's [`Part::name`] ("table 3", "text before table 3") is where
//! messages point; it is never read back to tell what the part is.

mod grid;
mod lists;
mod package;
mod parse;
mod properties;
mod symbols;
#[cfg(test)]
mod tests;
mod xml;

use std::io::Cursor;

#[cfg(doc)]
use super::cells::MergedRange;
pub use properties::DocumentProperties;

use super::cells::{Cells, Sheet, Visibility};
use super::text_cells::TextCells;
use super::{ImportError, InputFormat, Limits, ReadOptions, Workbook};
use crate::diagnostics::{Code, Diagnostic, Location};

/// A Word document read: its parts in document order.
#[derive(Debug)]
pub struct Document {
    /// The file as the user named it.
    pub file: String,
    /// The format detected from the content.
    pub format: InputFormat,
    /// Paragraph runs and tables, in document order.
    pub parts: Vec<Part>,
    /// What the document says about itself (File → Info): tells a
    /// document europass wrote from a school's.
    pub properties: DocumentProperties,
    /// What the reader found that the user should know, located.
    pub notes: Vec<Diagnostic>,
}

/// One part of a document: a run of paragraphs or a table.
#[derive(Debug)]
pub enum Part {
    /// Paragraphs outside tables.
    Paragraphs(Paragraphs),
    /// A table.
    Table(WordTable),
}

/// Consecutive paragraphs outside tables, one line each (a paragraph with
/// line breaks gives several); blank lines are left out.
#[derive(Debug)]
pub struct Paragraphs {
    /// Where the run is, relative to the tables.
    pub place: TextPlace,
    /// Its lines, in order.
    pub lines: Vec<String>,
}

/// Where a run of paragraphs is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextPlace {
    /// Before the top-level table of this number.
    Before(u32),
    /// After the last top-level table, of this number.
    After(u32),
    /// In a document without tables.
    Whole,
}

/// A table, its cells on Word's grid.
#[derive(Debug)]
pub struct WordTable {
    /// Its number: `[3]` for the third top-level table, `[3, 1]` for the
    /// first table nested in a cell of it.
    pub number: Vec<u32>,
    /// Its cells, with merged ranges, in the shape every reader gives.
    pub cells: Sheet,
}

impl Part {
    /// The name messages use: "table 3", "table 3.1", "text before table 3",
    /// "text after table 5", "text".
    pub fn name(&self) -> String {
        match self {
            Part::Table(t) => table_name(&t.number),
            Part::Paragraphs(p) => match p.place {
                TextPlace::Before(n) => format!("text before table {n}"),
                TextPlace::After(n) => format!("text after table {n}"),
                TextPlace::Whole => "text".into(),
            },
        }
    }

    /// Whether the part is paragraphs (prose), not a table.
    pub fn is_text(&self) -> bool {
        matches!(self, Part::Paragraphs(_))
    }
}

/// "table 3", "table 3.1".
fn table_name(number: &[u32]) -> String {
    let parts: Vec<String> = number.iter().map(u32::to_string).collect();
    format!("table {}", parts.join("."))
}

impl Document {
    /// The document as sheets, one per part, named by [`Part::name`]: how the
    /// feedback workbook echoes it.
    pub fn into_workbook(self) -> Workbook {
        let sheets = self
            .parts
            .into_iter()
            .map(|part| {
                let name = part.name();
                match part {
                    Part::Table(t) => t.cells,
                    Part::Paragraphs(p) => {
                        let rows = p.lines.iter().map(std::slice::from_ref);
                        let cells = TextCells::from_rows(rows).expect(
                            "a document's paragraphs fit in 4 GiB: its part is at most 128 MiB",
                        );
                        Sheet::new(name, Visibility::Visible, Cells::Text(cells), Vec::new())
                    }
                }
            })
            .collect();
        Workbook {
            file: self.file,
            format: self.format,
            sheets,
            encoding: None,
            delimiter: None,
            notes: self.notes,
        }
    }

    /// Cuts every text longer than `max` characters, returning where each
    /// was (part name, row, column) and how long it was.
    pub(crate) fn cut_long_texts(&mut self, max: usize) -> Vec<(String, u32, u32, usize)> {
        let mut cut = Vec::new();
        for part in &mut self.parts {
            let name = part.name();
            match part {
                Part::Table(t) => cut.extend(
                    t.cells
                        .cut_long_texts(max)
                        .into_iter()
                        .map(|(r, c, n)| (name.clone(), r, c, n)),
                ),
                Part::Paragraphs(p) => {
                    for (row, line) in p.lines.iter_mut().enumerate() {
                        if let Some(chars) = cut_text(line, max) {
                            cut.push((name.clone(), row as u32, 0, chars));
                        }
                    }
                }
            }
        }
        cut
    }
}

/// Cuts a text longer than `max` characters; returns its length when cut.
fn cut_text(s: &mut String, max: usize) -> Option<usize> {
    if s.len() <= max {
        return None;
    }
    let chars = s.chars().count();
    if chars <= max {
        return None;
    }
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    s.truncate(end);
    Some(chars)
}

/// Reads `.docx` (and macro-enabled or template variants) for `read_file`:
/// a `.docm` named `.docx` is noted first.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, ImportError> {
    let mut notes = Vec::new();
    if super::format_from_extension(file) == Some(InputFormat::Docx) && has_macros(bytes) {
        notes.push(
            Diagnostic::warning(
                Code::ExtensionMismatch,
                Location::file(file),
                "the file is named .docx but is a macro-enabled Word document (.docm); its tables were read, its macros never run",
            )
            .with_hint("rename it to .docm (Word refuses to open it as .docx), and open it only if you trust the sender"),
        );
    }
    let mut document = read_docx_within(file, bytes, &options.limits)?;
    notes.append(&mut document.notes);
    document.notes = notes;
    Ok(document)
}

/// A file named as a Word document must be one: reading a spreadsheet given
/// in its place would mix its rows in under the wrong name.
pub(crate) fn misnamed(found: InputFormat) -> ImportError {
    ImportError::WrongType {
        found: format!("{} named .docx", found.describe()),
        expected: "a Word document".into(),
        hint: format!(
            "give the Word document itself, or rename the file to .{} if it is the spreadsheet you meant",
            found.extension()
        ),
    }
}

/// Whether a Word document carries macros (a `.docm` by content: a VBA
/// project part, or a macro-enabled main part).
fn has_macros(bytes: &[u8]) -> bool {
    use std::io::Read;
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

/// Reads a Word document's tables and paragraphs, within the default limits.
pub fn read_docx(file: &str, bytes: &[u8]) -> Result<Document, ImportError> {
    read_docx_within(file, bytes, &Limits::default())
}

/// Reads a Word document's tables and paragraphs; tables nested deeper than
/// `limits.depth` refuse the file.
pub fn read_docx_within(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::corrupt(InputFormat::Docx, e))?;
    let parts = package::Parts::find(&mut zip)?;
    let properties = DocumentProperties::read(&mut zip);
    let styles = match parts.styles(&mut zip)? {
        Some(xml) => lists::Styles::parse(&xml)?,
        None => lists::Styles::default(),
    };
    let numbering = match parts.numbering(&mut zip)? {
        Some(xml) => lists::Numbering::parse(&xml)?,
        None => lists::Numbering::default(),
    };
    let xml = parts.main(&mut zip)?;
    let lists = lists::Lists {
        styles: &styles,
        numbering: &numbering,
    };
    let parts = parse::Parser::new(lists, limits.depth).parse(&xml, &parts.main)?;
    Ok(Document {
        file: file.to_string(),
        format: InputFormat::Docx,
        parts,
        properties,
        notes: Vec::new(),
    })
}
