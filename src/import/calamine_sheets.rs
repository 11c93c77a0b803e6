//! The part of reading xlsx, xlsm, xlsb, xls and ods that is the same for all
//! of them: calamine's sheets turned into our [`Sheet`]s.

use calamine::{Data, Dimensions, Range, Reader, SheetType, SheetVisible};

use super::workbook::{Cells, MergedRange, Sheet, Visibility};

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
        let visibility = match meta.visible {
            SheetVisible::Visible => Visibility::Visible,
            SheetVisible::Hidden => Visibility::Hidden,
            SheetVisible::VeryHidden => Visibility::VeryHidden,
        };
        let sheet_merges = merges(workbook, &meta.name);
        sheets.push(Sheet::new(
            meta.name,
            visibility,
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
