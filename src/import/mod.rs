//! Readers: one module per input format, each turning a file's bytes into the
//! shape the next stage understands.
//!
//! Tabular formats (xlsx, xlsm, xlsb, xls, ods, csv) all produce a
//! [`Workbook`] of [`Sheet`]s behind the [`TableReader`] trait; the
//! [`mapping`](crate::mapping) stage turns those into model records. A file is
//! identified by its content ([`sniff`]), never by its name alone.

mod calamine_sheets;
mod cells;
mod credential;
mod credential_jsonld;
mod credential_xml;
mod csv;
pub mod docx;
mod error;
mod json;
mod limits;
mod ods;
mod pdf;
mod sniff;
mod text_cells;
mod xls;
mod xlsb;
mod xlsx;
mod xml_tree;

use crate::guard::guard;

pub use self::csv::{decode as decode_text, encoding_for_label};
pub use cells::{CellValue, InputFormat, MergedRange, Sheet, Visibility, Workbook, format_number};
pub use error::ImportError;
pub use limits::{LIMIT_NAMES, Limits};
pub use sniff::{format_from_extension, sniff};

use crate::diagnostics::{Code, Diagnostic, Location};

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

/// A reader of one tabular format.
pub trait TableReader: Sync {
    /// Reads a whole file. `file` is the name used in messages.
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<Workbook, ImportError>;
}

/// What a file holds, once read.
pub enum Content {
    /// Sheets of cells, to be read through a mapping.
    Table(Workbook),
    /// Records already in the canonical model (a round read back).
    Round(Box<crate::model::Round>),
}

/// A reader of a format that already holds canonical records.
pub trait RoundReader: Sync {
    /// Reads a whole file into a round. `file` is the name used in messages.
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<(crate::model::Round, Vec<Diagnostic>), ImportError>;
}

/// Each format read straight into the model, and its reader.
static ROUND_READERS: &[(InputFormat, &dyn RoundReader)] = &[
    (InputFormat::Json, &json::JsonReader),
    (InputFormat::Xml, &credential_xml::CredentialXmlReader),
    (InputFormat::Pdf, &pdf::PdfReader),
];

/// Reads any file europass understands: a table for the mapping stage, or
/// records already in the model.
pub fn read_file(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Content, Vec<Diagnostic>), ImportError> {
    let limits = &options.limits;
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
    let format = sniff(bytes)?;
    if matches!(
        format,
        InputFormat::Xlsx
            | InputFormat::Xlsm
            | InputFormat::Xlsb
            | InputFormat::Ods
            | InputFormat::Docx
            | InputFormat::Odt
    ) {
        check_zip(bytes, limits)?;
    }
    if let Some((_, reader)) = ROUND_READERS.iter().find(|(f, _)| *f == format) {
        let (round, notes) = guard(|| reader.read(file, bytes, options))
            .map_err(|detail| ImportError::Internal { detail })??;
        return Ok((Content::Round(Box::new(round)), notes));
    }
    let (workbook, notes) = read_workbook(file, bytes, options)?;
    Ok((Content::Table(workbook), notes))
}

/// Each tabular format and its reader: adding a format is one module and one line.
static TABLE_READERS: &[(InputFormat, &dyn TableReader)] = &[
    (InputFormat::Xlsx, &xlsx::XlsxReader),
    (InputFormat::Xlsm, &xlsx::XlsxReader),
    (InputFormat::Xlsb, &xlsb::XlsbReader),
    (InputFormat::Xls, &xls::XlsReader),
    (InputFormat::Ods, &ods::OdsReader),
    (InputFormat::Csv, &csv::CsvReader),
    (InputFormat::Docx, &docx::DocxReader),
];

/// The reader for a tabular format.
pub fn table_reader(format: InputFormat) -> Option<&'static dyn TableReader> {
    TABLE_READERS
        .iter()
        .find(|(f, _)| *f == format)
        .map(|(_, r)| *r)
}

/// Reads a tabular file: identifies it by content, reports a name that lies
/// about the content, and turns a panic in a parser into an error for this file.
fn read_workbook(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Workbook, Vec<Diagnostic>), ImportError> {
    let format = sniff(bytes)?;
    let mut notes = Vec::new();
    let claimed = format_from_extension(file);
    let Some(reader) = table_reader(format) else {
        return Err(not_a_table(format, claimed));
    };
    // A file named as a Word document must be one: reading a spreadsheet
    // given in its place would mix its rows in under the wrong name.
    if claimed == Some(InputFormat::Docx) && format != InputFormat::Docx {
        return Err(ImportError::WrongType {
            found: format!("{} named .docx", format.describe()),
            expected: "a Word document".into(),
            hint: format!(
                "give the Word document itself, or rename the file to .{} if it is the spreadsheet you meant",
                format.extension()
            ),
        });
    }
    if let Some(claimed) = claimed
        && claimed != format
        && !(claimed == InputFormat::Xlsx && format == InputFormat::Xlsm)
    {
        notes.push(
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
        );
    }
    if claimed == Some(InputFormat::Docx)
        && format == InputFormat::Docx
        && sniff::word_has_macros(bytes)
    {
        notes.push(
            Diagnostic::warning(
                Code::ExtensionMismatch,
                Location::file(file),
                "the file is named .docx but is a macro-enabled Word document (.docm); its tables were read, its macros never run",
            )
            .with_hint("rename it to .docm (Word refuses to open it as .docx), and open it only if you trust the sender"),
        );
    }
    let mut workbook = guard(|| reader.read(file, bytes, options))
        .map_err(|detail| ImportError::Internal { detail })??;
    if workbook.sheets.is_empty() && format != InputFormat::Docx {
        return Err(ImportError::NoContent {
            what: format!("{} without a single worksheet", format.describe()),
        });
    }
    notes.append(&mut workbook.notes);
    let max = options.limits.cell_chars;
    for sheet in &mut workbook.sheets {
        for (row, col, chars) in sheet.cut_long_texts(max) {
            notes.push(
                Diagnostic::warning(
                    Code::LimitExceeded,
                    Location::cell(file, &sheet.name, row + 1, col),
                    format!("the cell holds {chars} characters; only the first {max} were read"),
                )
                .with_hint(format!(
                    "shorten the text, or raise the limit with --limit cell-chars={chars}"
                )),
            );
        }
    }
    if let Some(encoding) = workbook.encoding {
        notes.push(Diagnostic::info(
            Code::EncodingDetected,
            Location::file(file),
            format!(
                "read as {encoding}{}",
                if options.encoding.is_some() { " (as given)" } else { " (detected)" }
            ),
        ).with_hint("if letters look wrong, give the encoding with --encoding windows-1257, windows-1252, windows-1251, utf-16le or utf-8"));
    }
    Ok((workbook, notes))
}

fn not_a_table(format: InputFormat, claimed: Option<InputFormat>) -> ImportError {
    let expected =
        "a spreadsheet (.xlsx, .xls, .ods or .csv) or a Word document (.docx)".to_string();
    match format {
        InputFormat::Html => ImportError::WrongType {
            found: if claimed.is_some_and(InputFormat::is_tabular) {
                "an HTML web page saved with a spreadsheet's name".into()
            } else {
                "an HTML web page".into()
            },
            expected,
            hint: "open it in Excel or LibreOffice and use Save As › Excel Workbook (.xlsx)".into(),
        },
        InputFormat::Doc => ImportError::Unsupported {
            what: "a Word 97–2003 document (.doc)".into(),
            hint: "open it in Word or LibreOffice and save it as .docx".into(),
        },
        InputFormat::Odt => ImportError::Unsupported {
            what: "an OpenDocument text document (.odt)".into(),
            hint: "open it in LibreOffice and save it as Word (.docx)".into(),
        },
        other => ImportError::WrongType {
            found: other.describe().into(),
            expected,
            hint: "give the spreadsheet itself".into(),
        },
    }
}

/// Refuses a zip-based file whose parts would unpack beyond the limits (a
/// zip bomb), from the sizes its table of contents declares, before any
/// parser unpacks it.
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
    let max = limits.unpacked_mb * 1024 * 1024;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| ImportError::Corrupt {
            detail: format!("part {i} cannot be read ({e})"),
        })?;
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
    Ok(())
}
