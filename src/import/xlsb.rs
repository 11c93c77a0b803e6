//! Excel binary workbooks (`.xlsb`).

use std::io::Cursor;

use calamine::Xlsb;

use super::calamine_sheets::read_sheets;
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads `.xlsb`. calamine does not expose merged ranges for this format, so
/// merged header cells are matched by their top-left value only.
pub struct XlsbReader;

impl TableReader for XlsbReader {
    fn read(&self, file: &str, bytes: &[u8], _: &ReadOptions) -> Result<Workbook, ImportError> {
        let format = InputFormat::Xlsb;
        let mut wb: Xlsb<_> = calamine::Reader::new(Cursor::new(bytes))
            .map_err(|e| ImportError::corrupt(format, e))?;
        let sheets = read_sheets(&mut wb, |_: &mut Xlsb<_>, _| Vec::new())
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
