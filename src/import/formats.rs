//! Every input format europass knows, in one table: its name, the file
//! extensions it goes by, how its bytes are recognised and what reads it.
//!
//! [`sniff`](super::sniff) walks the table to tell what a file is, and
//! [`read_file`](super::read_file) hands the file to the row's reader, the
//! way `export::EXPORTERS` is the one table of outputs. Adding an input
//! format is one reader module and one row here.

use super::{Document, ImportError, ReadOptions, RoundPart, Workbook};
use crate::diagnostics::Diagnostic;
use crate::model::Round;

/// The formats the tool knows, detected from the file's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Office Open XML workbook.
    Xlsx,
    /// Office Open XML workbook with macros.
    Xlsm,
    /// Excel binary workbook.
    Xlsb,
    /// Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Comma-, semicolon- or tab-separated text.
    Csv,
    /// Word document (Office Open XML).
    Docx,
    /// OpenDocument text.
    Odt,
    /// Legacy Word 97–2003 document.
    Doc,
    /// An XML document.
    Xml,
    /// A JSON document.
    Json,
    /// A PDF document.
    Pdf,
    /// An HTML page.
    Html,
}

/// One input format: a row of [`FORMATS`].
pub struct Format {
    /// The format.
    pub format: InputFormat,
    /// A name a user recognises, for messages.
    pub describe: &'static str,
    /// The extensions files of this format carry, the usual one first.
    pub extensions: &'static [&'static str],
    /// Formats whose extension such a file may carry without a warning (an
    /// `.xlsm` is often saved as `.xlsx`).
    pub also_named: &'static [InputFormat],
    /// How its bytes are told from every other format's.
    pub signatures: &'static [Signature],
    /// What reads it.
    pub reader: Reader,
    /// A file named with this format's extension that holds another format
    /// is refused with this error, not read (see [`InputFormat::Docx`]).
    pub misnamed: Option<fn(InputFormat) -> ImportError>,
}

/// Evidence in a file's bytes that it is of a format. [`sniff`](super::sniff)
/// weighs the kinds of evidence in the order listed here, and rows of the
/// same kind in table order: parts that name a zip package's content come
/// before what its `mimetype` part says, which comes before its declared
/// content types.
pub enum Signature {
    /// A zip package holding every one of `all` and none of `none`.
    ZipParts {
        /// Parts it must hold (`xl/workbook.xml`).
        all: &'static [&'static str],
        /// Parts it must not hold (an `.xlsx` holds no VBA project).
        none: &'static [&'static str],
    },
    /// A zip package whose OpenDocument `mimetype` part says this.
    ZipMimetype(&'static str),
    /// A zip package without a `mimetype` part holding all these parts (some
    /// tools leave the `mimetype` part out).
    ZipPartsWithoutMimetype(&'static [&'static str]),
    /// A zip package whose `[Content_Types].xml` declares one of these main
    /// parts (some writers name the main part otherwise than usual).
    ZipContentType(&'static [&'static str]),
    /// An Office 97–2003 compound file holding one of these streams.
    Compound(&'static [&'static str]),
    /// Bytes the file starts with.
    Magic(&'static [u8]),
    /// UTF-16 text, with a byte-order mark or without one.
    Utf16Text,
    /// Other text, whose start passes this test.
    Text(fn(&super::sniff::TextHead) -> bool),
}

impl Signature {
    fn is_zip(&self) -> bool {
        matches!(
            self,
            Signature::ZipParts { .. }
                | Signature::ZipMimetype(_)
                | Signature::ZipPartsWithoutMimetype(_)
                | Signature::ZipContentType(_)
        )
    }
}

/// Reads a file's bytes into sheets of cells; the file's name is for messages.
pub type ReadTable = fn(&str, &[u8], &ReadOptions) -> Result<Workbook, ImportError>;

/// Reads a file's bytes into a document's paragraphs and tables.
pub type ReadDocument = fn(&str, &[u8], &ReadOptions) -> Result<Document, ImportError>;

/// Reads a file's bytes into a round, with notes on the way.
pub type ReadRound = fn(&str, &[u8], &ReadOptions) -> Result<(Round, Vec<Diagnostic>), ImportError>;

/// Reads a file's bytes into the rounds it holds, each with where it came from.
pub type ReadRounds = fn(&str, &[u8], &ReadOptions) -> Result<Vec<RoundPart>, ImportError>;

/// What a format's reader gives.
#[derive(Clone, Copy)]
pub enum Reader {
    /// Sheets of cells, read through a mapping.
    Table(ReadTable),
    /// Paragraphs and tables, recognised by their labels.
    Document(ReadDocument),
    /// Records already in the canonical model, and notes on the way.
    Round(ReadRound),
    /// Several rounds, each read whole (the credentials a PDF carries).
    Rounds(ReadRounds),
    /// Nothing: a format europass recognises but does not read. The error
    /// says why and what to give instead; it is told which format the
    /// file's name claimed.
    Refused(fn(Option<InputFormat>) -> ImportError),
}

/// The VBA project that makes a workbook macro-enabled.
const VBA_PROJECT: &str = "xl/vbaProject.bin";

/// Every format, in the order [`sniff`](super::sniff) tries rows with the
/// same kind of [`Signature`].
pub static FORMATS: &[Format] = &[
    Format {
        format: InputFormat::Xlsx,
        describe: "an Excel workbook (.xlsx)",
        extensions: &["xlsx"],
        also_named: &[],
        signatures: &[Signature::ZipParts {
            all: &["xl/workbook.xml"],
            none: &[VBA_PROJECT],
        }],
        reader: Reader::Table(super::xlsx::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Xlsm,
        describe: "a macro-enabled Excel workbook (.xlsm)",
        extensions: &["xlsm"],
        also_named: &[InputFormat::Xlsx],
        signatures: &[Signature::ZipParts {
            all: &["xl/workbook.xml", VBA_PROJECT],
            none: &[],
        }],
        reader: Reader::Table(super::xlsx::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Xlsb,
        describe: "an Excel binary workbook (.xlsb)",
        extensions: &["xlsb"],
        also_named: &[],
        signatures: &[Signature::ZipParts {
            all: &["xl/workbook.bin"],
            none: &[],
        }],
        reader: Reader::Table(super::xlsb::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Xls,
        describe: "an Excel 97–2003 workbook (.xls)",
        extensions: &["xls"],
        also_named: &[],
        signatures: &[Signature::Compound(&["Workbook", "Book"])],
        reader: Reader::Table(super::xls::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Ods,
        describe: "an OpenDocument spreadsheet (.ods)",
        extensions: &["ods"],
        also_named: &[],
        signatures: &[
            Signature::ZipMimetype("application/vnd.oasis.opendocument.spreadsheet"),
            Signature::ZipPartsWithoutMimetype(&["content.xml", "META-INF/manifest.xml"]),
        ],
        reader: Reader::Table(super::ods::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Docx,
        describe: "a Word document (.docx)",
        extensions: &["docx"],
        also_named: &[],
        signatures: &[
            Signature::ZipParts {
                all: &["word/document.xml"],
                none: &[],
            },
            Signature::ZipContentType(&[
                "wordprocessingml.document.main+xml",
                "wordprocessingml.template.main+xml",
                "ms-word.document.macroenabled.main+xml",
            ]),
        ],
        reader: Reader::Document(super::word::read),
        misnamed: Some(super::word::misnamed),
    },
    Format {
        format: InputFormat::Odt,
        describe: "an OpenDocument text document (.odt)",
        extensions: &["odt"],
        also_named: &[],
        signatures: &[Signature::ZipMimetype(
            "application/vnd.oasis.opendocument.text",
        )],
        reader: Reader::Refused(|_| ImportError::Unsupported {
            what: "an OpenDocument text document (.odt)".into(),
            hint: "open it in LibreOffice and save it as Word (.docx)".into(),
        }),
        misnamed: None,
    },
    Format {
        format: InputFormat::Doc,
        describe: "a Word 97–2003 document (.doc)",
        extensions: &["doc"],
        also_named: &[],
        signatures: &[Signature::Compound(&["WordDocument"])],
        reader: Reader::Refused(|_| ImportError::Unsupported {
            what: "a Word 97–2003 document (.doc)".into(),
            hint: "open it in Word or LibreOffice and save it as .docx".into(),
        }),
        misnamed: None,
    },
    Format {
        format: InputFormat::Pdf,
        describe: "a PDF document",
        extensions: &["pdf"],
        also_named: &[],
        signatures: &[Signature::Magic(b"%PDF-")],
        reader: Reader::Rounds(super::credential::pdf::read),
        misnamed: None,
    },
    // Text formats: tried in this order, plain delimited text last.
    Format {
        format: InputFormat::Html,
        describe: "an HTML web page",
        extensions: &["html", "htm"],
        also_named: &[],
        signatures: &[Signature::Text(|h| h.is_html())],
        reader: Reader::Refused(refuse_html),
        misnamed: None,
    },
    Format {
        format: InputFormat::Xml,
        describe: "an XML document",
        extensions: &["xml"],
        also_named: &[],
        signatures: &[Signature::Text(|h| h.is_xml())],
        reader: Reader::Round(super::credential::xml::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Json,
        describe: "a JSON document",
        extensions: &["json", "jsonld"],
        also_named: &[],
        signatures: &[Signature::Text(|h| h.is_json())],
        reader: Reader::Round(super::json::read),
        misnamed: None,
    },
    Format {
        format: InputFormat::Csv,
        describe: "a CSV text file",
        extensions: &["csv", "tsv", "txt"],
        also_named: &[],
        signatures: &[
            Signature::Utf16Text,
            Signature::Text(|h| h.is_delimited_text()),
        ],
        reader: Reader::Table(super::csv::read),
        misnamed: None,
    },
];

/// An HTML page is what a web application's "Export to Excel" often gives.
fn refuse_html(claimed: Option<InputFormat>) -> ImportError {
    ImportError::WrongType {
        found: if claimed.is_some_and(InputFormat::is_tabular) {
            "an HTML web page saved with a spreadsheet's name".into()
        } else {
            "an HTML web page".into()
        },
        expected: "a spreadsheet (.xlsx, .xls, .ods or .csv) or a Word document (.docx)".into(),
        hint: "open it in Excel or LibreOffice and use Save As › Excel Workbook (.xlsx)".into(),
    }
}

impl Format {
    /// Whether the format is a zip package (checked against zip bombs before
    /// any parser unpacks it).
    pub fn is_zip(&self) -> bool {
        self.signatures.iter().any(Signature::is_zip)
    }
}

impl InputFormat {
    /// The format's row of [`FORMATS`].
    pub fn row(self) -> &'static Format {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .expect("every format has its row")
    }

    /// The usual file extension, for messages.
    pub fn extension(self) -> &'static str {
        self.row().extensions[0]
    }

    /// A name a user recognises.
    pub fn describe(self) -> &'static str {
        self.row().describe
    }

    /// True for the formats read as sheets of cells.
    pub fn is_tabular(self) -> bool {
        matches!(self.row().reader, Reader::Table(_))
    }
}

/// The format a file name's extension promises, if it is one the tool knows.
pub fn format_from_extension(name: &str) -> Option<InputFormat> {
    let ext = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|f| f.extensions.contains(&ext.as_str()))
        .map(|f| f.format)
}

/// The first format, in table order, with a signature that passes `test`.
pub(crate) fn first_matching(test: impl Fn(&Signature) -> bool) -> Option<InputFormat> {
    FORMATS
        .iter()
        .find(|f| f.signatures.iter().any(&test))
        .map(|f| f.format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_one_row_and_extensions_name_one_format() {
        use InputFormat::*;
        let all = [
            Xlsx, Xlsm, Xlsb, Xls, Ods, Csv, Docx, Odt, Doc, Xml, Json, Pdf, Html,
        ];
        assert_eq!(FORMATS.len(), all.len());
        for format in all {
            assert_eq!(format.row().format, format);
        }
        for f in FORMATS {
            assert_eq!(f.format.row().describe, f.describe);
            assert!(!f.extensions.is_empty(), "{:?}", f.format);
            for ext in f.extensions {
                let named = format_from_extension(&format!("x.{ext}"));
                assert_eq!(named, Some(f.format), "{ext}");
            }
        }
    }
}
