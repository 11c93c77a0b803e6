//! OpenDocument spreadsheets (`.ods`, LibreOffice's own format).
//!
//! calamine reads the cells but not merged ranges, which ods stores as
//! `table:number-columns-spanned` / `number-rows-spanned` on the top-left cell;
//! merged header cells are common, so the spans are read from `content.xml` here.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Ods, OdsError};
use quick_xml::events::{BytesStart, Event};

use super::calamine_sheets::read_sheets;
use super::cells::MergedRange;
use super::{ImportError, InputFormat, ReadOptions, Workbook};

/// Reads `.ods`.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Workbook, ImportError> {
    let format = InputFormat::Ods;
    let fail = |e: OdsError| match e {
        OdsError::Password => ImportError::Encrypted,
        e => ImportError::corrupt(format, e),
    };
    // Scanned first: calamine stores a sheet densely, so its extent
    // (not its filled cells) must be within the limit before it reads it.
    // A content.xml the scan cannot follow to its end is not read at all:
    // what lies past the point it stopped was never checked.
    let scan = scan_content(bytes)
        .ok_or_else(|| ImportError::corrupt(format, "its content.xml cannot be read to its end"))?;
    for (sheet, (rows, cols)) in &scan.extents {
        if u64::from(*rows) * u64::from(*cols) > options.limits.cells {
            return Err(ImportError::LimitExceeded {
                limit: "cells",
                detail: format!(
                    "sheet \"{sheet}\" spans {rows} rows × {cols} columns, more than {} cells",
                    options.limits.cells
                ),
            });
        }
    }
    let mut wb: Ods<_> = calamine::Reader::new(Cursor::new(bytes)).map_err(fail)?;
    let mut spans = scan.merges;
    let sheets = read_sheets(&mut wb, |_: &mut Ods<_>, name| {
        spans.remove(name).unwrap_or_default()
    })
    .map_err(fail)?;
    Ok(Workbook {
        file: file.to_string(),
        format,
        sheets,
        encoding: None,
        delimiter: None,
        notes: Vec::new(),
    })
}

/// The most repetitions of one spanning cell or row that are expanded; a real
/// sheet never needs more, a hostile one could ask for millions.
const MAX_SPAN_REPEAT: u32 = 1000;

/// What `content.xml` says of each sheet before calamine reads it.
#[derive(Default)]
struct ContentScan {
    /// Merged ranges per sheet name.
    merges: HashMap<String, Vec<MergedRange>>,
    /// Rows and columns up to the last filled cell, per sheet name.
    extents: HashMap<String, (u32, u32)>,
}

/// Merged ranges and extents per sheet, from `content.xml`.
fn scan_content(bytes: &[u8]) -> Option<ContentScan> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut xml = Vec::new();
    archive
        .by_name("content.xml")
        .ok()?
        .read_to_end(&mut xml)
        .ok()?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut scan = Scan {
        row_repeat: 1,
        ..Scan::default()
    };
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) => scan.start(e, false),
            Event::Empty(e) => scan.start(e, true),
            Event::End(e) => scan.end(e.local_name().as_ref()),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(scan.found)
}

/// Where a pass over `content.xml` is.
#[derive(Default)]
struct Scan {
    found: ContentScan,
    /// The sheet (top-level table) being read.
    sheet: Option<String>,
    table_depth: u32,
    row: u32,
    col: u32,
    row_repeat: u32,
    /// The last column with content in the current row, if any.
    row_filled_to: Option<u32>,
}

impl Scan {
    fn start(&mut self, e: &BytesStart, empty: bool) {
        match e.local_name().as_ref() {
            "table" => {
                if !empty {
                    self.table_depth += 1;
                }
                if self.table_depth == 1 {
                    self.sheet = attr(e, "table:name");
                    self.row = 0;
                }
            }
            "table-row" if self.table_depth == 1 => {
                self.col = 0;
                self.row_filled_to = None;
                self.row_repeat = attr_u32(e, "table:number-rows-repeated").unwrap_or(1);
                if empty {
                    self.row = self.row.saturating_add(self.row_repeat);
                }
            }
            name @ ("table-cell" | "covered-table-cell") if self.table_depth == 1 => {
                self.cell(e, empty, name == "table-cell")
            }
            _ => {}
        }
    }

    /// A cell (or a cell covered by a merge), repeated across columns.
    fn cell(&mut self, e: &BytesStart, empty: bool, own: bool) {
        let repeat = attr_u32(e, "table:number-columns-repeated").unwrap_or(1);
        let filled = !empty
            || e.try_get_attribute("office:value-type")
                .ok()
                .flatten()
                .is_some();
        if filled && own {
            self.row_filled_to = Some(self.col.saturating_add(repeat));
        }
        if own {
            let cols = attr_u32(e, "table:number-columns-spanned").unwrap_or(1);
            let rows = attr_u32(e, "table:number-rows-spanned").unwrap_or(1);
            if (cols > 1 || rows > 1)
                && let Some(name) = &self.sheet
            {
                let list = self.found.merges.entry(name.clone()).or_default();
                for r in 0..self.row_repeat.min(MAX_SPAN_REPEAT) {
                    for k in 0..repeat.min(MAX_SPAN_REPEAT) {
                        let first_row = self.row + r;
                        let first_col = self.col + k;
                        list.push(MergedRange {
                            first_row,
                            first_col,
                            last_row: first_row + rows - 1,
                            last_col: first_col + cols - 1,
                        });
                    }
                }
            }
        }
        self.col = self.col.saturating_add(repeat);
    }

    fn end(&mut self, name: &str) {
        match name {
            "table" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    self.sheet = None;
                }
            }
            "table-row" if self.table_depth == 1 => {
                self.row = self.row.saturating_add(self.row_repeat);
                if let (Some(cols), Some(name)) = (self.row_filled_to, &self.sheet) {
                    let extent = self.found.extents.entry(name.clone()).or_default();
                    *extent = (extent.0.max(self.row), extent.1.max(cols));
                }
            }
            _ => {}
        }
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// A repeat or span count. A number beyond `u32` is taken as `u32::MAX`, not
/// as absent: read as 1 it would slip past the `cells` check, while
/// calamine expands it (`4294968296` rows took 2 GB).
fn attr_u32(e: &BytesStart, name: &str) -> Option<u32> {
    let value = attr(e, name)?;
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits
        .parse::<u64>()
        .map_or(u32::MAX, |n| u32::try_from(n).unwrap_or(u32::MAX));
    (n >= 1).then_some(n)
}
