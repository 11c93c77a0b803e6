//! Excel workbooks in Office Open XML: `.xlsx` and macro-enabled `.xlsm`.
//!
//! Cells are streamed into sparse storage rather than a dense range, so the
//! used cells, not the sheet's extent, decide the memory a file costs.

use std::io::Cursor;

use calamine::{Cell, DataRef, Reader, SheetType, Xlsx, XlsxFormulaMetadata};

use super::calamine_sheets::{collect_cells, to_merged, visibility};
use super::workbook::{Cells, Sheet};
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};
use crate::diagnostics::{Code, Diagnostic, Location};

/// Formula cells without a value reported one by one per sheet; the rest are counted.
const MAX_FORMULA_NOTES: usize = 20;

/// Reads `.xlsx` and `.xlsm` (macros are never run, only cells are read).
pub struct XlsxReader;

impl TableReader for XlsxReader {
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<Workbook, ImportError> {
        let format = InputFormat::Xlsx;
        let fail = |e: calamine::XlsxError| ImportError::corrupt(format, e);
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(fail)?;
        let metadata: Vec<_> = wb.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        let mut notes = Vec::new();
        let merged = any_merged_cells(bytes);
        for meta in metadata {
            if meta.typ != SheetType::WorkSheet {
                continue;
            }
            // Formulas whose value was never computed (files written by
            // scripts, or saved by programs that do not calculate).
            let mut uncomputed: Vec<((u32, u32), Option<String>)> = Vec::new();
            let cells = {
                let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(fail)?;
                let mut next = || {
                    let Some(record) = reader.next_cell_with_formula_metadata()? else {
                        return Ok(None);
                    };
                    if record.value == DataRef::Empty
                        && let Some(formula) = record.formula
                    {
                        uncomputed.push((
                            record.pos,
                            match formula {
                                XlsxFormulaMetadata::Normal { formula }
                                | XlsxFormulaMetadata::Shared { formula, .. } => Some(formula),
                                _ => None,
                            },
                        ));
                    }
                    Ok(Some(Cell::new(record.pos, record.value)))
                };
                collect_cells(&meta.name, &options.limits, &mut next, fail)?
            };
            report_uncomputed(file, &meta.name, &uncomputed, &mut notes);
            let merges = if merged {
                to_merged(wb.merge_cells_by_sheet_name(&meta.name).unwrap_or_default())
            } else {
                Vec::new()
            };
            let shown = visibility(meta.visible);
            sheets.push(Sheet::new(meta.name, shown, Cells::Sparse(cells), merges));
        }
        Ok(Workbook {
            file: file.to_string(),
            format,
            sheets,
            encoding: None,
            delimiter: None,
            notes,
        })
    }
}

/// Whether any worksheet part declares merged cells. calamine finds a
/// sheet's merges by parsing the whole sheet XML a second time; most sheets
/// have none, so that pass is skipped unless a worksheet holds the words
/// `mergeCell` (found by a byte search while unpacking, far cheaper than
/// parsing). When in doubt (a part that cannot be read), true.
fn any_merged_cells(bytes: &[u8]) -> bool {
    use std::io::Read;
    const WORD: &[u8] = b"mergeCell";
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    let finder = memchr::memmem::Finder::new(WORD);
    let mut chunk = vec![0u8; 1 << 16];
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            return true;
        };
        let sheet = part
            .name()
            .is_ok_and(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"));
        if !sheet {
            continue;
        }
        // Each chunk begins with the end of the one before, so a word
        // split between two reads is still found.
        let keep = WORD.len() - 1;
        let mut filled = 0;
        loop {
            let read = match part.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return true,
            };
            let end = filled + read;
            if finder.find(&chunk[..end]).is_some() {
                return true;
            }
            let tail = end.min(keep);
            chunk.copy_within(end - tail..end, 0);
            filled = tail;
        }
    }
    false
}

/// Reports formula cells that have no value: europass reads the values a
/// spreadsheet program computed and stored, never the formulas.
fn report_uncomputed(
    file: &str,
    sheet: &str,
    cells: &[((u32, u32), Option<String>)],
    notes: &mut Vec<Diagnostic>,
) {
    const HINT: &str = "open the file in Excel or LibreOffice and save it again, so that the values are calculated and stored; or type the values in";
    for ((row, col), formula) in cells.iter().take(MAX_FORMULA_NOTES) {
        let formula = formula
            .as_deref()
            .map(|f| format!(" (={f})"))
            .unwrap_or_default();
        notes.push(
            Diagnostic::error(
                Code::FormulaWithoutValue,
                Location::cell(file, sheet, row + 1, *col),
                format!("the cell holds a formula{formula} but no value computed by a spreadsheet program; it was read as empty"),
            )
            .with_hint(HINT),
        );
    }
    if cells.len() > MAX_FORMULA_NOTES {
        notes.push(
            Diagnostic::error(
                Code::FormulaWithoutValue,
                Location::sheet(file, sheet),
                format!(
                    "{} more cells hold a formula but no computed value; they were read as empty",
                    cells.len() - MAX_FORMULA_NOTES
                ),
            )
            .with_hint(HINT),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_are_looked_for_only_where_a_sheet_declares_them() {
        let merged = std::fs::read("fixtures/variants/messy.xlsx").unwrap();
        assert!(any_merged_cells(&merged));
        let flat = std::fs::read("fixtures/bad/formula-errors.xlsx").unwrap();
        assert!(!any_merged_cells(&flat));
        assert!(any_merged_cells(b"not a zip"), "when in doubt, look");
    }
}
