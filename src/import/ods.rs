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
    let scan = scan_content(bytes).unwrap_or_default();
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
    let mut out: HashMap<String, Vec<MergedRange>> = HashMap::new();
    let mut extents: HashMap<String, (u32, u32)> = HashMap::new();
    let mut sheet: Option<String> = None;
    let mut table_depth = 0u32;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    // The last column with content in the current row, if any.
    let mut row_filled_to: Option<u32> = None;
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "table" => {
                        if !empty {
                            table_depth += 1;
                        }
                        if table_depth == 1 {
                            sheet = attr(e, "table:name");
                            row = 0;
                        }
                    }
                    "table-row" if table_depth == 1 => {
                        col = 0;
                        row_filled_to = None;
                        row_repeat = attr_u32(e, "table:number-rows-repeated").unwrap_or(1);
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    name @ ("table-cell" | "covered-table-cell") if table_depth == 1 => {
                        let repeat = attr_u32(e, "table:number-columns-repeated").unwrap_or(1);
                        let filled = !empty
                            || e.try_get_attribute("office:value-type")
                                .ok()
                                .flatten()
                                .is_some();
                        if filled && name == "table-cell" {
                            row_filled_to = Some(col.saturating_add(repeat));
                        }
                        if name == "table-cell" {
                            let cols = attr_u32(e, "table:number-columns-spanned").unwrap_or(1);
                            let rows = attr_u32(e, "table:number-rows-spanned").unwrap_or(1);
                            if (cols > 1 || rows > 1)
                                && let Some(name) = &sheet
                            {
                                let list = out.entry(name.clone()).or_default();
                                for r in 0..row_repeat.min(MAX_SPAN_REPEAT) {
                                    for k in 0..repeat.min(MAX_SPAN_REPEAT) {
                                        let first_row = row + r;
                                        let first_col = col + k;
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
                        col = col.saturating_add(repeat);
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "table" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 {
                        sheet = None;
                    }
                }
                "table-row" if table_depth == 1 => {
                    row = row.saturating_add(row_repeat);
                    if let (Some(cols), Some(name)) = (row_filled_to, &sheet) {
                        let extent = extents.entry(name.clone()).or_default();
                        *extent = (extent.0.max(row), extent.1.max(cols));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(ContentScan {
        merges: out,
        extents,
    })
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

fn attr_u32(e: &BytesStart, name: &str) -> Option<u32> {
    attr(e, name)?.parse().ok().filter(|n| *n >= 1)
}
