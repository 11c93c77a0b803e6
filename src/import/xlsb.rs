//! Excel binary workbooks (`.xlsb`).

use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsb};

use super::workbook::{Cells, Sheet, SparseCells, Visibility};
use super::xlsx::too_many_cells;
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads `.xlsb`. calamine does not expose merged ranges for this format, so
/// merged header cells are matched by their top-left value only.
pub struct XlsbReader;

impl TableReader for XlsbReader {
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<Workbook, ImportError> {
        let format = InputFormat::Xlsb;
        let fail = |e: calamine::XlsbError| ImportError::corrupt(format, e);
        let mut wb: Xlsb<_> = Reader::new(Cursor::new(bytes)).map_err(fail)?;
        let metadata: Vec<_> = wb.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        for meta in metadata {
            if meta.typ != SheetType::WorkSheet {
                continue;
            }
            let mut cells = SparseCells::default();
            let mut count: u64 = 0;
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
            let visibility = match meta.visible {
                SheetVisible::Visible => Visibility::Visible,
                SheetVisible::Hidden => Visibility::Hidden,
                SheetVisible::VeryHidden => Visibility::VeryHidden,
            };
            sheets.push(Sheet::new(
                meta.name,
                visibility,
                Cells::Sparse(cells),
                Vec::new(),
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
