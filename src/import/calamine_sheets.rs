//! The part of reading xlsx, xlsm, xlsb, xls and ods that is the same for all
//! of them: calamine's sheets turned into our [`Sheet`]s.

use calamine::{Cell, Data, DataRef, Dimensions, Range, Reader, SheetType, SheetVisible};

use super::cells::{Cells, MergedRange, Sheet, SparseCells, Visibility};
use super::{ImportError, Limits};

/// Reads every worksheet of a calamine workbook. `merges` gives the merged
/// ranges of a sheet by name (formats differ in how they expose them).
pub(crate) fn read_sheets<R, RS, E>(
    workbook: &mut R,
    mut merges: impl FnMut(&mut R, &str) -> Vec<MergedRange>,
) -> Result<Vec<Sheet>, E>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS, Error = E>,
{
    let metadata: Vec<_> = workbook.sheets_metadata().to_vec();
    let mut sheets = Vec::with_capacity(metadata.len());
    for meta in metadata {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let range: Range<Data> = workbook.worksheet_range(&meta.name)?;
        let sheet_merges = merges(workbook, &meta.name);
        sheets.push(Sheet::new(
            meta.name,
            visibility(meta.visible),
            Cells::Calamine(range),
            sheet_merges,
        ));
    }
    Ok(sheets)
}

/// calamine's merge dimensions as our merged ranges.
pub(crate) fn to_merged(dims: Vec<Dimensions>) -> Vec<MergedRange> {
    dims.into_iter()
        .map(|d| MergedRange {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .collect()
}

/// Our visibility for calamine's.
pub(crate) fn visibility(v: SheetVisible) -> Visibility {
    match v {
        SheetVisible::Visible => Visibility::Visible,
        SheetVisible::Hidden => Visibility::Hidden,
        SheetVisible::VeryHidden => Visibility::VeryHidden,
    }
}

/// Collects the filled cells a streaming reader (xlsx, xlsb) yields into
/// sparse storage, refusing a sheet with more filled cells than the limit.
pub(crate) fn collect_cells<'a, E>(
    sheet: &str,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, E>,
    fail: impl Fn(E) -> ImportError,
) -> Result<SparseCells, ImportError> {
    let mut cells = SparseCells::default();
    let mut count: u64 = 0;
    while let Some(cell) = next().map_err(&fail)? {
        let (row, col) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if value == Data::Empty {
            continue;
        }
        count += 1;
        if count > limits.cells {
            return Err(too_many_cells(sheet, limits.cells));
        }
        cells.push(row, col, value);
    }
    Ok(cells)
}

/// The error for a sheet holding more cells than the limit allows.
pub(crate) fn too_many_cells(sheet: &str, limit: u64) -> ImportError {
    ImportError::LimitExceeded {
        limit: "cells",
        detail: format!("sheet \"{sheet}\" holds more than {limit} filled cells"),
    }
}
