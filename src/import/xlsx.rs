//! Excel workbooks in Office Open XML: `.xlsx` and macro-enabled `.xlsm`.
//!
//! Cells are streamed into sparse storage rather than a dense range, so the
//! used cells, not the sheet's extent, decide the memory a file costs.

use std::io::Cursor;

use calamine::{Reader, SheetType, Xlsx};

use super::calamine_sheets::{collect_cells, to_merged, visibility};
use super::workbook::{Cells, Sheet};
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
            let cells = {
                let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(fail)?;
                collect_cells(&meta.name, &options.limits, || reader.next_cell(), fail)?
            };
            let merges = to_merged(wb.merge_cells_by_sheet_name(&meta.name).unwrap_or_default());
            let shown = visibility(meta.visible);
            sheets.push(Sheet::new(meta.name, shown, Cells::Sparse(cells), merges));
        }
        Ok(Workbook {
            file: file.to_string(),
            format,
            sheets,
            encoding: None,
            delimiter: None,
            notes: Vec::new(),
        })
    }
}
