//! Value normalisers: one cell's content into one canonical value.
//!
//! Each normaliser takes a [`CellValue`](crate::import::CellValue) (typed
//! cells from spreadsheets, text from CSV) and returns the value or a
//! [`Problem`] saying what is wrong and how to fix it; the caller adds the
//! location.

mod dates;
mod levels;
mod numbers;
mod outcomes;
mod vocabulary;

pub use dates::{DateOrder, date};
pub use levels::{eqf_level, nqf_level};
pub use numbers::{credit_value, number, weeks};
pub use outcomes::{OutcomeLine, outcome_lines};
pub use vocabulary::{Vocabulary, WordList};

use crate::diagnostics::{Code, Severity};

/// Why a value could not be normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// What is wrong, quoting the value.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Problem {
    /// An error with a hint.
    pub fn error(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A warning with a hint.
    pub fn warning(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// Trims and collapses runs of spaces and tabs, keeping line breaks (trimmed per line).
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
        }
        let mut space = false;
        for c in line.chars() {
            if c.is_whitespace() || c == '\u{a0}' {
                space = true;
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// Like [`clean_text`] but on one line (names, codes).
pub fn clean_line(s: &str) -> String {
    clean_text(s).replace('\n', " ")
}
