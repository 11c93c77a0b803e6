//! Writers: one module per output format, each turning the canonical
//! [`Round`] into files.
//!
//! Every `--to` name maps to its exporter in [`EXPORTERS`], so a new format
//! is one module and one line. Exporters only build bytes; [`write_outputs`]
//! puts them on disk safely.

mod credential_jsonld;
mod credential_xml;
mod json;
pub mod paths;
mod workbook;
mod write;

pub use workbook::{template_languages, template_workbook};
pub use write::{WriteError, write_outputs};

use std::path::PathBuf;

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
}

/// Why an export failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
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
}

/// Every output format, by `--to` name.
pub static EXPORTERS: &[&dyn Exporter] = &[
    &json::CanonicalJson,
    &credential_xml::CredentialXml,
    &credential_jsonld::CredentialJsonLd,
];

/// The exporter with this `--to` name.
pub fn exporter(name: &str) -> Option<&'static dyn Exporter> {
    EXPORTERS.iter().copied().find(|e| e.name() == name)
}

/// The `--to` names, for messages.
pub fn names() -> Vec<&'static str> {
    EXPORTERS.iter().map(|e| e.name()).collect()
}
