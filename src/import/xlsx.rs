//! Excel workbooks in Office Open XML: `.xlsx` and macro-enabled `.xlsm`.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use super::calamine_sheets::{read_sheets, to_merged};
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads `.xlsx` and `.xlsm` (macros are never run, only cells are read).
pub struct XlsxReader;

impl TableReader for XlsxReader {
    fn read(&self, file: &str, bytes: &[u8], _: &ReadOptions) -> Result<Workbook, ImportError> {
        let format = InputFormat::Xlsx;
        let mut wb: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::corrupt(format, e))?;
        let sheets = read_sheets(&mut wb, |wb: &mut Xlsx<_>, name| {
            to_merged(wb.merge_cells_by_sheet_name(name).unwrap_or_default())
        })
        .map_err(|e| ImportError::corrupt(format, e))?;
        Ok(Workbook {
            file: file.to_string(),
            format,
            sheets,
            encoding: None,
            delimiter: None,
        })
    }
}
