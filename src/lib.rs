//! # europass
//!
//! Turns the spreadsheets and Word files vocational schools already keep into
//! Europass documents.
//!
//! The pipeline runs one way: [`import`] reads files into sheets of cells,
//! [`mapping`] recognises a school's headers and normalises values into the
//! canonical [`model`], [`check`] applies the rules, and [`export`] writes
//! the outputs. Every problem on the way is a located [`Diagnostic`].
#![deny(missing_docs)]

pub mod check;
pub mod credential;
pub mod diagnostics;
pub mod export;
pub mod import;
pub mod mapping;
pub mod model;
pub mod pipeline;
pub mod report;

pub use diagnostics::{Code, Diagnostic, Location, Severity};
