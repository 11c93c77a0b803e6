//! Excel binary workbooks (`.xlsb`).

use std::io::Cursor;

use calamine::{Reader, SheetType, Xlsb};

use super::calamine_sheets::{collect_cells, visibility};
use super::cells::{Cells, Sheet};
use super::{ImportError, InputFormat, ReadOptions, Workbook};

/// Reads `.xlsb`. calamine does not expose merged ranges for this format, so
/// merged header cells are matched by their top-left value only.
pub(crate) fn read(
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
        let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(fail)?;
        let cells = collect_cells(&meta.name, &options.limits, || reader.next_cell(), fail)?;
        let shown = visibility(meta.visible);
        sheets.push(Sheet::new(
            meta.name,
            shown,
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
        notes: Vec::new(),
    })
}
