//! Excel 97–2003 workbooks (`.xls`).

use std::io::Cursor;

use calamine::{Xls, XlsError};

use super::calamine_sheets::{read_sheets, to_merged};
use super::workbook::Cells;
use super::{ImportError, InputFormat, ReadOptions, TableReader, Workbook};

/// Reads `.xls` (BIFF8).
pub struct XlsReader;

impl TableReader for XlsReader {
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<Workbook, ImportError> {
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
        // calamine holds each sheet densely, at most 65,536 × 256 cells; the
        // cells limit still bounds what the later stages are given.
        for sheet in &sheets {
            if let Cells::Calamine(range) = &sheet.cells {
                let (rows, cols) = range.get_size();
                if rows as u64 * cols as u64 > options.limits.cells {
                    return Err(ImportError::LimitExceeded {
                        limit: "cells",
                        detail: format!(
                            "sheet \"{}\" spans {rows} rows × {cols} columns, more than {} cells",
                            sheet.name, options.limits.cells
                        ),
                    });
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_spanning_more_cells_than_the_limit_is_refused_by_name() {
        let bytes = std::fs::read("fixtures/variants/flat.xls").unwrap();
        let mut options = ReadOptions::default();
        assert!(XlsReader.read("flat.xls", &bytes, &options).is_ok());
        options.limits.cells = 100;
        let err = XlsReader.read("flat.xls", &bytes, &options).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "cells", detail } if detail.contains("more than 100 cells")),
            "{err:?}"
        );
    }
}
