//! PDF documents: the personal transcripts (`--to pdf`).
//!
//! `fonts` holds the built-in faces and their measurements, [`layout`] a
//! small layout engine (wrapping, tables across pages, display lists),
//! `transcript` what a transcript shows and in which order, `labels` its
//! fixed texts per language. The writer finishes each document as PDF/A-3b
//! with the learner's Europass credential XML attached as an associated file,
//! its metadata taken from the data (never the clock), so the same round
//! gives the same bytes. `exporter` is the `--to pdf` exporter; reading the
//! credential back out of a PDF is `import::pdf`.

pub(crate) mod exporter;
pub(crate) mod fonts;
pub(crate) mod labels;
pub mod layout;
mod render;
pub(crate) mod transcript;

pub use render::{Attachment, Info, Part};

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The PDF writer refused the document (a PDF/A rule it would break, a limit).
    #[error("the PDF writer refused the document: {0}")]
    Writer(String),
}

/// Writes `parts` (one per learner in a bundle) as one PDF/A-3b document with
/// `attachments` as associated files.
pub fn write(
    parts: &[Part<'_>],
    info: &Info,
    attachments: &[Attachment],
) -> Result<Vec<u8>, PdfError> {
    render::pdf(parts, info, attachments)
}
