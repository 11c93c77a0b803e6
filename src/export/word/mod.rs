//! Learning Agreements and Memoranda of Understanding as Word files.
//!
//! [`data`] derives what each document says from the round (one plain
//! struct per document); [`fields`] names those values for placeholders;
//! [`template`] fills a Word template's placeholders; [`layout`] builds the
//! built-in layouts, which are themselves templates filled by the same code,
//! so the built-in documents and a school's own template print the same values.
//! `exporter` is the `--to docx` exporter that puts them together.

pub mod data;
pub(crate) mod exporter;
pub mod fields;
pub(crate) mod labels;
pub mod layout;
pub(crate) mod package;
pub mod properties;
pub mod template;
mod xml;

use std::fmt;

pub use template::{FillOptions, Missing, Template, TemplateError, TemplateProblem};

/// The two kinds of agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The ECVET Learning Agreement, one per mobility.
    LearningAgreement,
    /// The ECVET Memorandum of Understanding, one per partnership.
    Memorandum,
}

impl Kind {
    /// The command-line name (`learning-agreement`, `memorandum`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::LearningAgreement => "learning-agreement",
            Kind::Memorandum => "memorandum",
        }
    }

    /// The kind with this command-line name.
    pub fn from_name(name: &str) -> Option<Kind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "learning-agreement" | "la" => Some(Kind::LearningAgreement),
            "memorandum" | "mou" => Some(Kind::Memorandum),
            _ => None,
        }
    }

    /// The English title.
    pub fn title(self) -> &'static str {
        match self {
            Kind::LearningAgreement => "Learning Agreement",
            Kind::Memorandum => "Memorandum of Understanding",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A school's template given on the command line: `FILE`, or `KIND=FILE`
/// to say which document it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFile {
    /// The kind it fills; `None`: judged from its placeholders.
    pub kind: Option<Kind>,
    /// The file.
    pub path: std::path::PathBuf,
}

impl TemplateFile {
    /// Parses `FILE` or `learning-agreement=FILE` / `memorandum=FILE`.
    pub fn parse(text: &str) -> Result<TemplateFile, String> {
        if let Some((kind, path)) = text.split_once('=')
            && let Some(kind) = Kind::from_name(kind)
        {
            return Ok(TemplateFile {
                kind: Some(kind),
                path: path.into(),
            });
        }
        Ok(TemplateFile {
            kind: None,
            path: text.into(),
        })
    }
}
