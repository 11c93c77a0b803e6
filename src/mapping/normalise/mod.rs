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
pub use vocabulary::Vocabulary;

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
    if is_clean(s, true) {
        return s.to_string();
    }
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
    if is_clean(s, false) {
        return s.to_string();
    }
    clean_text(s).replace('\n', " ")
}

/// True when cleaning would not change `s` (the usual case, checked cheaply).
fn is_clean(s: &str, newlines: bool) -> bool {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(|b| b.is_ascii_whitespace())
        || bytes.last().is_some_and(|b| b.is_ascii_whitespace())
    {
        return false;
    }
    let mut prev_space = false;
    for &b in bytes {
        match b {
            b' ' if prev_space => return false,
            b' ' => prev_space = true,
            b'\n' if newlines && !prev_space => prev_space = true,
            b'\t' | b'\r' | b'\n' => return false,
            0xC2 => return false, // may start a no-break space
            _ => prev_space = false,
        }
    }
    true
}
