//! Readers: one module per input format, each turning a file's bytes into the
//! shape the next stage understands.
//!
//! Every format is a row of [`formats::FORMATS`]: its extensions, how its
//! bytes are recognised and its reader. Tabular formats (xlsx, xlsm, xlsb,
//! xls, ods, csv) all produce a [`Workbook`] of [`Sheet`]s, Word documents a
//! [`Document`] of typed parts, credentials and `round.json` records of the
//! model itself ([`Content`]); the mapping stage reads the sheets and parts
//! into records. A file is identified by its content ([`sniff`]), never by
//! its name alone.

mod calamine_sheets;
mod cells;
mod credential;
mod csv;
mod disk;
mod error;
pub mod formats;
mod json;
mod limits;
mod ods;
mod sniff;
mod text_cells;
pub mod word;
mod xls;
mod xlsb;
mod xlsx;

use crate::guard::guard;

pub use self::csv::{decode as decode_text, encoding_for_label};
pub use cells::{CellValue, MergedRange, Sheet, Visibility, Workbook, format_number};
pub use disk::{not_a_file, read_input};
pub use error::ImportError;
pub use formats::{FORMATS, InputFormat, format_from_extension};
pub use limits::{LIMIT_NAMES, Limits};
pub use sniff::sniff;
pub use word::Document;

use crate::diagnostics::{Code, Diagnostic, Location};
use formats::{ReadDocument, ReadTable, Reader};

/// Options a user can give for reading.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Text encoding of CSV files; detected when `None`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter; detected when `None`.
    pub delimiter: Option<u8>,
    /// Limits on what one file may make europass do.
    pub limits: Limits,
}

/// What a file holds, once read.
pub enum Content {
    /// Sheets of cells, to be read through a mapping.
    Table(Workbook),
    /// Records already in the canonical model (a round read back).
    Round(Box<crate::model::Round>),
    /// Paragraphs and tables of a Word document, to be recognised by their labels.
    Document(Document),
    /// Several rounds of one file (the credentials attached to a transcript
    /// bundle), in order, each with where it came from.
    Rounds(Vec<RoundPart>),
}

/// One of the rounds a file holds, read whole.
#[derive(Debug)]
pub struct RoundPart {
    /// Where it came from: the file and the part of it
    /// (`transcripts.pdf › ozola-anna_europass-mobility.xml`).
    pub source: String,
    /// Its records.
    pub round: crate::model::Round,
    /// What its reader noted.
    pub notes: Vec<Diagnostic>,
}

/// Reads any file europass understands: identifies it by content, checks it
/// against the limits and hands it to its format's reader (see
/// [`formats::FORMATS`]). A panic in a parser becomes an error for this file.
pub fn read_file(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Content, Vec<Diagnostic>), ImportError> {
    check_size(bytes, &options.limits)?;
    let format = sniff(bytes)?;
    let row = format.row();
    if row.is_zip() {
        check_zip(bytes, &options.limits)?;
    }
    match row.reader {
        Reader::Round(read) => {
            let (round, notes) = guard(|| read(file, bytes, options))
                .map_err(|detail| ImportError::Internal { detail })??;
            Ok((Content::Round(Box::new(round)), notes))
        }
        Reader::Table(read) => {
            let (workbook, notes) = read_workbook(file, bytes, format, read, options)?;
            Ok((Content::Table(workbook), notes))
        }
        Reader::Rounds(read) => {
            let parts = guard(|| read(file, bytes, options))
                .map_err(|detail| ImportError::Internal { detail })??;
            Ok((Content::Rounds(parts), Vec::new()))
        }
        Reader::Document(read) => {
            let (document, notes) = read_document(file, bytes, format, read, options)?;
            Ok((Content::Document(document), notes))
        }
        Reader::Refused(why) => Err(why(format_from_extension(file))),
    }
}

/// Refuses a file larger than the `file-mb` limit.
fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    if bytes.len() as u64 > limits.file_mb * 1024 * 1024 {
        return Err(ImportError::LimitExceeded {
            limit: "file-mb",
            detail: format!(
                "the file is {} MiB, more than {} MiB",
                bytes.len() >> 20,
                limits.file_mb
            ),
        });
    }
    Ok(())
}

/// Reads a tabular file: reports a name that lies about the content, reads
/// it, and cuts texts beyond the `cell-chars` limit.
fn read_workbook(
    file: &str,
    bytes: &[u8],
    format: InputFormat,
    read: ReadTable,
    options: &ReadOptions,
) -> Result<(Workbook, Vec<Diagnostic>), ImportError> {
    let mut notes = name_notes(file, format)?;
    let mut workbook = guard(|| read(file, bytes, options))
        .map_err(|detail| ImportError::Internal { detail })??;
    if workbook.sheets.is_empty() {
        return Err(ImportError::NoContent {
            what: format!("{} without a single worksheet", format.describe()),
        });
    }
    notes.append(&mut workbook.notes);
    for sheet in &mut workbook.sheets {
        notes.extend(cut_long_texts(file, sheet, options.limits.cell_chars));
    }
    if let Some(encoding) = workbook.encoding {
        notes.push(encoding_note(file, encoding, options));
    }
    Ok((workbook, notes))
}

/// Reads a Word document: reports a name that lies about the content, reads
/// it, and cuts texts beyond the `cell-chars` limit.
fn read_document(
    file: &str,
    bytes: &[u8],
    format: InputFormat,
    read: ReadDocument,
    options: &ReadOptions,
) -> Result<(Document, Vec<Diagnostic>), ImportError> {
    let mut notes = name_notes(file, format)?;
    let mut document = guard(|| read(file, bytes, options))
        .map_err(|detail| ImportError::Internal { detail })??;
    notes.append(&mut document.notes);
    let max = options.limits.cell_chars;
    for (part, row, col, chars) in document.cut_long_texts(max) {
        notes.push(cut_note(
            Location::cell(file, &part, row + 1, col),
            chars,
            max,
        ));
    }
    Ok((document, notes))
}

/// What the file's name says against its content: an error when a name
/// binds the content to its format (see [`formats::Format::misnamed`]), a
/// warning when the name only misleads.
fn name_notes(file: &str, format: InputFormat) -> Result<Vec<Diagnostic>, ImportError> {
    let Some(claimed) = format_from_extension(file) else {
        return Ok(Vec::new());
    };
    if claimed == format || format.row().also_named.contains(&claimed) {
        return Ok(Vec::new());
    }
    if let Some(misnamed) = claimed.row().misnamed {
        return Err(misnamed(format));
    }
    Ok(vec![
        Diagnostic::warning(
            Code::ExtensionMismatch,
            Location::file(file),
            format!(
                "the file is named .{} but is really {}; it was read as such",
                claimed.extension(),
                format.describe()
            ),
        )
        .with_hint(format!("rename it to .{}", format.extension())),
    ])
}

/// Cuts a sheet's texts longer than `max` characters, reporting each cut.
fn cut_long_texts(file: &str, sheet: &mut Sheet, max: usize) -> Vec<Diagnostic> {
    let cut = sheet.cut_long_texts(max);
    cut.into_iter()
        .map(|(row, col, chars)| {
            cut_note(Location::cell(file, &sheet.name, row + 1, col), chars, max)
        })
        .collect()
}

/// A text cut at the `cell-chars` limit.
fn cut_note(location: Location, chars: usize, max: usize) -> Diagnostic {
    Diagnostic::warning(
        Code::LimitExceeded,
        location,
        format!("the cell holds {chars} characters; only the first {max} were read"),
    )
    .with_hint(format!(
        "shorten the text, or raise the limit with --limit cell-chars={chars}"
    ))
}

/// Which encoding a text file was read with, and how it was chosen.
fn encoding_note(file: &str, encoding: &str, options: &ReadOptions) -> Diagnostic {
    Diagnostic::info(
        Code::EncodingDetected,
        Location::file(file),
        format!(
            "read as {encoding}{}",
            if options.encoding.is_some() { " (as given)" } else { " (detected)" }
        ),
    ).with_hint("if letters look wrong, give the encoding with --encoding windows-1257, windows-1252, windows-1251, utf-16le or utf-8")
}

/// Refuses a zip-based file whose parts would unpack beyond the limits (a
/// zip bomb), from the sizes its table of contents declares, before any
/// parser unpacks it; one whose parts' names are ambiguous; and one whose
/// parts do not unpack to what their checksums say. Parsers read a part by
/// name and do not all check its CRC, so two parts named alike would let a
/// crafted file choose which one is read, and a flipped byte would change a
/// grade without a word.
fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| ImportError::Corrupt {
            detail: format!("its table of contents cannot be read ({e})"),
        })?;
    if archive.len() > limits.zip_entries {
        return Err(ImportError::LimitExceeded {
            limit: "zip-entries",
            detail: format!(
                "it holds {} parts, more than {}",
                archive.len(),
                limits.zip_entries
            ),
        });
    }
    check_zip_names(&archive)?;
    let max = limits.unpacked_mb * 1024 * 1024;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| ImportError::Corrupt {
            detail: format!("part {i} cannot be read ({e})"),
        })?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if read_whole(&name) && entry.size() > limits.part_mb.saturating_mul(1024 * 1024) {
            return Err(ImportError::LimitExceeded {
                limit: "part-mb",
                detail: format!(
                    "its part {name} would unpack to {} MiB, more than {} MiB; it is read whole into memory",
                    entry.size() >> 20,
                    limits.part_mb
                ),
            });
        }
        total = total.saturating_add(entry.size());
        if total > max {
            return Err(ImportError::LimitExceeded {
                limit: "unpacked-mb",
                detail: format!(
                    "its parts would unpack to more than {} MiB (a zip bomb, or a very large workbook)",
                    limits.unpacked_mb
                ),
            });
        }
    }
    for i in 0..archive.len() {
        check_zip_part(&mut archive, i)?;
    }
    Ok(())
}

/// Whether a part of a zip-based file is read whole into memory by its
/// reader (shared strings, styles, a Word document), rather than as it
/// unpacks (a worksheet; the cells of an ods, bounded by `cells` first).
/// Pictures and other parts no reader opens are not read at all.
fn read_whole(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let markup = [".xml", ".rels", ".bin"].iter().any(|e| lower.ends_with(e));
    markup && !lower.starts_with("xl/worksheets/") && lower != "content.xml"
}

/// Refuses two parts of one name, or of names that differ only in case
/// (`xl/sharedStrings.xml` and `xl/SharedStrings.xml`): which one a reader
/// takes is not defined.
fn check_zip_names<R: std::io::Read + std::io::Seek>(
    archive: &zip::ZipArchive<R>,
) -> Result<(), ImportError> {
    let ambiguous = |detail: String| {
        ImportError::Invalid {
        detail,
        hint: "the file was made or changed by a tool that does not write Office files properly, or on purpose; save it again from its program, or ask the sender for a proper copy".into(),
    }
    };
    if archive.has_duplicate_names() {
        return Err(ambiguous(
            "two of its parts have the same name, so which one is meant is ambiguous".into(),
        ));
    }
    let mut seen = std::collections::HashMap::new();
    for name in archive.file_names() {
        let name = name.map_err(|e| ImportError::Corrupt {
            detail: format!("a part's name cannot be read ({e})"),
        })?;
        if let Some(other) = seen.insert(name.to_lowercase(), name.to_string()) {
            return Err(ambiguous(format!(
                "two of its parts, {other} and {name}, have names that differ only in case, so which one is meant is ambiguous"
            )));
        }
    }
    Ok(())
}

/// Unpacks part `i` to nothing, checking its CRC and its declared size.
fn check_zip_part<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
) -> Result<(), ImportError> {
    let mut entry = archive.by_index(i).map_err(|e| ImportError::Corrupt {
        detail: format!("part {i} cannot be read ({e})"),
    })?;
    let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
    let declared = entry.size();
    let unpacked = std::io::copy(
        &mut std::io::Read::take(&mut entry, declared.saturating_add(1)),
        &mut std::io::sink(),
    )
    .map_err(|e| ImportError::Corrupt {
        detail: format!(
            "its part {name} is damaged ({e}): its content does not match its checksum"
        ),
    })?;
    if unpacked != declared {
        return Err(ImportError::Corrupt {
            detail: format!(
                "its part {name} unpacks to {unpacked} bytes where its table of contents says {declared}"
            ),
        });
    }
    Ok(())
}
