//! Why a file could not be read at all.

use crate::diagnostics::{Code, Diagnostic, Location};

use super::InputFormat;

/// A file-level failure: the file is unreadable as a whole. Problems inside a
/// readable file are [`Diagnostic`]s instead, so that one bad cell never stops
/// the other rows.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The operating system refused to read the file.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// What is at the path is no regular file: a named pipe, a device, a socket.
    #[error("this is {what}, not a file; it was not read")]
    NotAFile {
        /// What it is: "a named pipe (FIFO)".
        what: &'static str,
    },
    /// Zero bytes.
    #[error("the file is empty (0 bytes)")]
    Empty,
    /// Bytes, but nothing in them: a byte-order mark, blank lines, a workbook without sheets.
    #[error("the file holds nothing to read: {what}")]
    NoContent {
        /// What it does hold.
        what: String,
    },
    /// The content is of a kind the tool cannot read here.
    #[error("this is {found}, which cannot be read as {expected}")]
    WrongType {
        /// What the file really is.
        found: String,
        /// What the tool needed.
        expected: String,
        /// How to get a readable file.
        hint: String,
    },
    /// A format the tool does not read.
    #[error("{what} is not a format europass reads")]
    Unsupported {
        /// What the file is.
        what: String,
        /// How to get a readable file.
        hint: String,
    },
    /// The file is damaged.
    #[error("the file is damaged: {detail}")]
    Corrupt {
        /// What was found wrong.
        detail: String,
    },
    /// Well-formed, but the content breaks the format's rules (a round.json
    /// value of the wrong type).
    #[error("the file is damaged: {detail}")]
    Invalid {
        /// What was found wrong, and where.
        detail: String,
        /// How to put it right.
        hint: String,
    },
    /// Password protection.
    #[error("the file is password-protected")]
    Encrypted,
    /// The file is beyond one of the limits (see [`super::Limits`]).
    #[error("the file is beyond the {limit} limit: {detail}")]
    LimitExceeded {
        /// The limit's name, as given with `--limit NAME=VALUE`.
        limit: &'static str,
        /// What was found.
        detail: String,
    },
    /// The parser panicked; caught so that the other files go on.
    #[error("internal error while reading the file: {detail}")]
    Internal {
        /// The panic message.
        detail: String,
    },
}

impl ImportError {
    /// The stable diagnostic code for this failure.
    pub fn code(&self) -> Code {
        match self {
            ImportError::Io(_) => Code::IoError,
            ImportError::NotAFile { .. } => Code::NotAFile,
            ImportError::Empty | ImportError::NoContent { .. } => Code::EmptyFile,
            ImportError::WrongType { .. } => Code::WrongFileType,
            ImportError::Unsupported { .. } => Code::UnsupportedFormat,
            ImportError::Corrupt { .. } | ImportError::Invalid { .. } => Code::CorruptFile,
            ImportError::Encrypted => Code::EncryptedFile,
            ImportError::LimitExceeded { .. } => Code::LimitExceeded,
            ImportError::Internal { .. } => Code::InternalError,
        }
    }

    /// How the user can get a file the tool reads.
    pub fn hint(&self) -> String {
        match self {
            ImportError::Io(_) => "check that the file exists and that you may read it".into(),
            ImportError::NotAFile { .. } => {
                "give the file itself: europass reads regular files only, never pipes, devices or sockets".into()
            }
            ImportError::Empty | ImportError::NoContent { .. } => {
                "the file has no content; export or save it again from the program that made it"
                    .into()
            }
            ImportError::WrongType { hint, .. }
            | ImportError::Unsupported { hint, .. }
            | ImportError::Invalid { hint, .. } => {
                hint.clone()
            }
            ImportError::Corrupt { .. } => {
                "open the file in its program and save it again; if it was downloaded or copied, fetch a fresh copy".into()
            }
            ImportError::Encrypted => {
                "remove the password (in Excel or Word: File › Info › Protect › Encrypt with Password, clear it) and save again".into()
            }
            ImportError::LimitExceeded { limit, .. } => format!(
                "if the file is genuine, raise the limit with --limit {limit}=VALUE; otherwise ask the sender for a proper copy"
            ),
            ImportError::Internal { .. } => {
                "this is a bug in europass: please report it with the file (or a copy with personal data removed)".into()
            }
        }
    }

    /// The failure as an error diagnostic for `file`.
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        Diagnostic::error(self.code(), Location::file(file), self.to_string())
            .with_hint(self.hint())
    }

    pub(crate) fn corrupt(format: InputFormat, detail: impl std::fmt::Display) -> Self {
        ImportError::Corrupt {
            detail: format!("{} that cannot be parsed ({detail})", format.describe()),
        }
    }
}
