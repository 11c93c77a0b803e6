//! # europass
//!
//! Turns the spreadsheets and Word files vocational schools already keep into
//! Europass documents.
//!
//! The pipeline runs one way: [`import`] reads files into sheets of cells,
//! [`mapping`] recognises a school's headers and normalises values into
//! records, `assemble` joins them into the canonical [`model`], `check`
//! applies the rules, and [`export`] writes the outputs. Every problem on the way is a located [`Diagnostic`].
//!
//! ```
//! use europass::pipeline::{load, Options};
//!
//! // A Latvian school's workbook: the mapping is chosen from its headers.
//! let loaded = load(&["fixtures/demo/round.xlsx".into()], &Options::default());
//! assert_eq!(loaded.round.learners.len(), 14);
//! assert_eq!(loaded.report.summary.errors, 0);
//!
//! // Every row read became a record or is named in a diagnostic.
//! let rows = &loaded.report.rows;
//! assert_eq!(rows.read, rows.records + rows.reported);
//!
//! // A grade never travels without its scheme.
//! let grade = loaded.round.assessments[0].grade.as_ref().unwrap();
//! assert_eq!(grade.scheme, "lv-1-10");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod assemble;
mod check;
pub mod diagnostics;
pub mod export;
mod guard;
pub mod import;
mod inputs;
mod label_files;
pub mod mapping;
pub mod model;
pub mod outputs;
pub mod pipeline;
pub mod profile;
pub mod provenance;
pub mod report;
pub mod schemes;
pub mod serve;
mod text;
mod vocab;

pub use diagnostics::{Code, Diagnostic, Location, Severity};

/// What the fuzz targets (`fuzz/`) drive directly: the stages between
/// reading a file and checking the round, which the public API only runs
/// whole. Not part of the API; it may change in any release.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::assemble::RoundBuilder;
    pub use crate::check::check_round;
}
