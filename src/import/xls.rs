//! Excel 97–2003 workbooks (`.xls`).

use std::io::Cursor;

use calamine::{Xls, XlsError};

use super::calamine_sheets::{read_sheets, to_merged};
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads `.xls` (BIFF8).
pub struct XlsReader;

impl TableReader for XlsReader {
    fn read(&self, file: &str, bytes: &[u8], _: &ReadOptions) -> Result<Workbook, ImportError> {
        let format = InputFormat::Xls;
        let fail = |e: XlsError| match e {
            XlsError::Password => ImportError::Encrypted,
            e => ImportError::corrupt(format, e),
        };
        let mut wb: Xls<_> = calamine::Reader::new(Cursor::new(bytes)).map_err(fail)?;
        let sheets = read_sheets(&mut wb, |wb: &mut Xls<_>, name| {
            to_merged(wb.merge_cells_by_sheet_name(name).unwrap_or_default())
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
}
