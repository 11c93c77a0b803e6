//! Excel workbooks in Office Open XML: `.xlsx` and macro-enabled `.xlsm`.
//!
//! Cells are streamed into sparse storage rather than a dense range, so the
//! used cells, not the sheet's extent, decide the memory a file costs.

use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};

use super::calamine_sheets::to_merged;
use super::workbook::{Cells, Sheet, SparseCells, Visibility};
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

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
        for meta in metadata {
            if meta.typ != SheetType::WorkSheet {
                continue;
            }
            let mut cells = SparseCells::default();
            let mut count: u64 = 0;
            {
                let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(fail)?;
                while let Some(cell) = reader.next_cell().map_err(fail)? {
                    let (row, col) = cell.get_position();
                    let value: Data = cell.get_value().clone().into();
                    if value == Data::Empty {
                        continue;
                    }
                    count += 1;
                    if count > options.limits.cells {
                        return Err(too_many_cells(&meta.name, options.limits.cells));
                    }
                    cells.push(row, col, value);
                }
            }
            let merges = to_merged(wb.merge_cells_by_sheet_name(&meta.name).unwrap_or_default());
            let visibility = match meta.visible {
                SheetVisible::Visible => Visibility::Visible,
                SheetVisible::Hidden => Visibility::Hidden,
                SheetVisible::VeryHidden => Visibility::VeryHidden,
            };
            sheets.push(Sheet::new(
                meta.name,
                visibility,
                Cells::Sparse(cells),
                merges,
            ));
        }
        Ok(Workbook {
            file: file.to_string(),
            format,
            sheets,
            encoding: None,
            delimiter: None,
        })
    }
}

/// The error for a sheet holding more cells than the limit allows.
pub(crate) fn too_many_cells(sheet: &str, limit: u64) -> ImportError {
    ImportError::LimitExceeded {
        limit: "cells",
        detail: format!("sheet \"{sheet}\" holds more than {limit} filled cells"),
    }
}
