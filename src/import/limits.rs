//! Limits on what one input may make europass do. Agencies receive files
//! from hundreds of schools; a few are broken in ways that would otherwise
//! exhaust memory (a zip bomb, a 5 KB workbook whose one cell sits at
//! XFD1048576). Every limit has a sane default, can be raised, and is
//! reported by name when hit.

use serde::Serialize;

/// The limits for reading one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Largest input file, in MiB.
    pub file_mb: u64,
    /// Largest total unpacked size of the parts of a zip-based file (xlsx, ods, docx), in MiB.
    pub unpacked_mb: u64,
    /// Largest single part unpacked whole into memory, in MiB: a PDF's
    /// attachment, and the parts of a zip-based file read whole (an xlsx's
    /// shared strings, a docx's document), as opposed to the sheets read as
    /// they unpack.
    pub part_mb: u64,
    /// Most entries in a zip-based file.
    pub zip_entries: usize,
    /// Most cells of one sheet: its filled cells (xlsx, xlsb, csv), or the
    /// rows × columns it spans (ods, xls).
    pub cells: u64,
    /// Most characters kept of one cell's text (the rest is reported and dropped).
    pub cell_chars: usize,
    /// Deepest nesting of tables in a Word document (its XML elements may
    /// nest 16 times as deep), of elements in XML, of arrays and objects in JSON.
    pub depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_mb: 512,
            unpacked_mb: 2048,
            part_mb: 128,
            zip_entries: 20_000,
            cells: 20_000_000,
            cell_chars: 100_000,
            depth: 64,
        }
    }
}

/// The names of the limits, as given with `--limit NAME=VALUE`, with a line each.
pub const LIMIT_NAMES: &[(&str, &str)] = &[
    ("file-mb", "largest input file, MiB"),
    (
        "unpacked-mb",
        "largest total unpacked size of a zip-based file, MiB",
    ),
    (
        "part-mb",
        "largest part unpacked whole: a PDF attachment, an xlsx's shared strings, MiB",
    ),
    ("zip-entries", "most entries in a zip-based file"),
    ("cells", "most cells one sheet may span"),
    ("cell-chars", "most characters kept of one cell"),
    (
        "depth",
        "deepest nesting of Word tables (their XML: 16 ×), XML elements, or JSON arrays and objects",
    ),
];

impl Limits {
    /// Sets one limit from `NAME=VALUE`.
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}`: write NAME=VALUE, e.g. unpacked-mb=4096"))?;
        let value: u64 = value
            .trim()
            .parse()
            .map_err(|_| format!("`{assignment}`: the value must be a whole number"))?;
        match name.trim() {
            "file-mb" => self.file_mb = value,
            "unpacked-mb" => self.unpacked_mb = value,
            "part-mb" => self.part_mb = value,
            "zip-entries" => self.zip_entries = value as usize,
            "cells" => self.cells = value,
            "cell-chars" => self.cell_chars = value as usize,
            "depth" => self.depth = value as usize,
            other => {
                let names: Vec<&str> = LIMIT_NAMES.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "unknown limit `{other}`; the limits are {}",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }
}
