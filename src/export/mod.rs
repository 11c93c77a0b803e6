//! Writers: one module per output format, each turning the canonical
//! [`Round`] into files.
//!
//! Every `--to` name maps to its exporter in [`EXPORTERS`], so a new format
//! is one module and one line. Exporters only build bytes; [`write_outputs`]
//! puts them on disk safely.

mod credential_jsonld;
mod credential_xml;
mod docx;
mod feedback;
mod json;
pub mod paths;
mod pdf;
mod workbook;
mod workbook_rows;
mod write;

pub use feedback::{FeedbackInput, feedback_workbook};
pub use workbook::{CanonicalWorkbook, canonical_workbook, template_languages, template_workbook};
pub use write::{
    MANIFEST, WriteError, WriteOptions, WriteStatus, Written, is_output_folder, write_outputs,
};

use std::path::PathBuf;

pub use crate::agreements::TemplateFile;
use crate::check::Requirement;
use crate::diagnostics::Diagnostic;
use crate::mapping::SourceMap;
use crate::model::Round;

/// One file an exporter produced, relative to the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder, with `/` separators.
    pub path: PathBuf,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What an exporter is given besides the round.
#[derive(Clone, Debug, Default)]
pub struct ExportContext {
    /// Languages to write, in order of preference (`--lang lv,en`).
    pub languages: Vec<String>,
    /// Schools' own Word templates for the agreements (`--template [KIND=]FILE`).
    pub templates: Vec<TemplateFile>,
    /// What a template placeholder without a value prints (`--missing-marker`);
    /// `{name}` is replaced by the placeholder's name. `None`: `[missing: {name}]`.
    pub missing_marker: Option<String>,
    /// Also write one document holding every learner's document, for
    /// printing (`--bundle`; the transcripts' `transcripts.pdf`).
    pub bundle: bool,
}

/// Why an export failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A template given by the user cannot be used.
    #[error("cannot use the template {file}: {detail}")]
    Template {
        /// The template file.
        file: String,
        /// What is wrong with it.
        detail: String,
    },
    /// Serialisation failed.
    #[error("cannot write {format}: {detail}")]
    Serialise {
        /// The output format.
        format: &'static str,
        /// What went wrong.
        detail: String,
    },
}

/// An output format.
pub trait Exporter: Sync {
    /// The `--to` name.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn description(&self) -> &'static str;
    /// What the format needs from the round (checked before writing).
    fn requirements(&self) -> &'static [Requirement] {
        &[]
    }
    /// What the format finds beyond [`Exporter::requirements`], located with
    /// `sources`: records it will leave out, warnings about what it writes.
    fn check(
        &self,
        _round: &Round,
        _sources: &SourceMap,
        _context: &ExportContext,
    ) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Builds the files.
    fn export(
        &self,
        round: &Round,
        context: &ExportContext,
    ) -> Result<Vec<OutputFile>, ExportError>;
    /// Builds the files and reports what the user should know about them
    /// (values a template asked for that the round lacks, …).
    fn export_reporting(
        &self,
        round: &Round,
        context: &ExportContext,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Vec<OutputFile>, ExportError> {
        let _ = diagnostics;
        self.export(round, context)
    }
}

/// Every output format, by `--to` name.
pub static EXPORTERS: &[&dyn Exporter] = &[
    &json::CanonicalJson,
    &workbook::CanonicalWorkbook,
    &docx::Agreements,
    &credential_xml::CredentialXml,
    &credential_jsonld::CredentialJsonLd,
    &pdf::Transcripts,
];

/// The exporter with this `--to` name.
pub fn exporter(name: &str) -> Option<&'static dyn Exporter> {
    EXPORTERS.iter().copied().find(|e| e.name() == name)
}

/// The `--to` names, for messages.
pub fn names() -> Vec<&'static str> {
    EXPORTERS.iter().map(|e| e.name()).collect()
}
