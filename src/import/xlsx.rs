//! Excel workbooks in Office Open XML: `.xlsx` and macro-enabled `.xlsm`.
//!
//! Cells are streamed into sparse storage rather than a dense range, so the
//! used cells, not the sheet's extent, decide the memory a file costs.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Cell, DataRef, Reader, SheetType, Xlsx, XlsxFormulaMetadata};
use quick_xml::events::Event;

use super::calamine_sheets::{collect_cells, visibility};
use super::cells::{Cells, MergedRange, Sheet};
use super::{ImportError, InputFormat, ReadOptions, Workbook};
use crate::diagnostics::{Code, Diagnostic, Location};

/// Formula cells without a value reported one by one per sheet; the rest are counted.
const MAX_FORMULA_NOTES: usize = 20;

/// Reads `.xlsx` and `.xlsm` (macros are never run, only cells are read).
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Workbook, ImportError> {
    let format = InputFormat::Xlsx;
    let fail = |e: calamine::XlsxError| ImportError::corrupt(format, e);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(fail)?;
    let metadata: Vec<_> = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::with_capacity(metadata.len());
    let mut notes = Vec::new();
    let mut merges = read_merges(bytes);
    let parts = sheet_parts(bytes);
    for meta in metadata {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        // Formulas whose value was never computed (files written by
        // scripts, or saved by programs that do not calculate).
        let mut uncomputed: Vec<((u32, u32), Option<String>)> = Vec::new();
        let cells = {
            let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(fail)?;
            let mut next = || {
                let Some(record) = reader.next_cell_with_formula_metadata()? else {
                    return Ok(None);
                };
                if record.value == DataRef::Empty
                    && let Some(formula) = record.formula
                {
                    uncomputed.push((
                        record.pos,
                        match formula {
                            XlsxFormulaMetadata::Normal { formula }
                            | XlsxFormulaMetadata::Shared { formula, .. } => Some(formula),
                            _ => None,
                        },
                    ));
                }
                Ok(Some(Cell::new(record.pos, record.value)))
            };
            collect_cells(&meta.name, &options.limits, &mut next, fail)?
        };
        report_uncomputed(file, &meta.name, &uncomputed, &mut notes);
        let part = parts.get(&meta.name);
        let sheet_merges = part
            .and_then(|p| merges.by_part.remove(p))
            .unwrap_or_default();
        for reference in part
            .and_then(|p| merges.ignored.remove(p))
            .unwrap_or_default()
        {
            notes.push(
                Diagnostic::warning(
                    Code::CorruptFile,
                    Location::sheet(file, &meta.name),
                    format!(
                        "the sheet declares the merged range \"{reference}\", which is not a range of cells within a sheet; it was ignored"
                    ),
                )
                .with_hint("the file is damaged or was written by a faulty program: open it in Excel or LibreOffice and save it again"),
            );
        }
        let shown = visibility(meta.visible);
        sheets.push(Sheet::new(
            meta.name,
            shown,
            Cells::Sparse(cells),
            sheet_merges,
        ));
    }
    Ok(Workbook {
        file: file.to_string(),
        format,
        sheets,
        encoding: None,
        delimiter: None,
        notes,
    })
}

/// The most merged ranges kept of one sheet (Excel's own files stay far below).
const MAX_MERGES: usize = 100_000;
/// The most bytes read after a worksheet's `mergeCells` element begins.
const MAX_MERGE_XML: usize = 16 << 20;

/// The merged ranges of each worksheet part, and the ranges that could not
/// be used (a reference past the sheet's last row or column, or not a range).
#[derive(Debug, Default)]
struct Merges {
    by_part: HashMap<String, Vec<MergedRange>>,
    ignored: HashMap<String, Vec<String>>,
}

/// Reads the merged ranges of every worksheet part. calamine's own reading
/// parses the whole sheet XML a second time (a third of reading a large
/// sheet) and panics on a reversed range (`C5:A1`); here the unpacked bytes
/// are searched for `mergeCells` (memchr, while unpacking) and only what
/// follows it is parsed. A reversed range is put right; a range that is no
/// range is set aside.
fn read_merges(bytes: &[u8]) -> Merges {
    let mut merges = Merges::default();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return merges;
    };
    let finder = memchr::memmem::Finder::new(b"mergeCells");
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        if let Some(xml) = after(part, &finder) {
            let (ranges, bad) = parse_merges(&xml);
            if !ranges.is_empty() {
                merges.by_part.insert(name.clone(), ranges);
            }
            if !bad.is_empty() {
                merges.ignored.insert(name, bad);
            }
        }
    }
    merges
}

/// The bytes of a part from the first match of `finder` on (at most
/// [`MAX_MERGE_XML`] of them), or `None` when it does not occur.
fn after(mut part: impl std::io::Read, finder: &memchr::memmem::Finder) -> Option<Vec<u8>> {
    let keep = finder.needle().len() - 1;
    let mut chunk = vec![0u8; 1 << 16];
    let mut filled = 0;
    loop {
        let read = part.read(&mut chunk[filled..]).ok()?;
        if read == 0 {
            return None;
        }
        let end = filled + read;
        if let Some(at) = finder.find(&chunk[..end]) {
            let mut tail = b"<".to_vec();
            tail.extend_from_slice(&chunk[at..end]);
            let mut rest = part.take((MAX_MERGE_XML - tail.len()) as u64);
            let _ = rest.read_to_end(&mut tail);
            return Some(tail);
        }
        // Each chunk begins with the end of the one before, so a word
        // split between two reads is still found.
        let tail = end.min(keep);
        chunk.copy_within(end - tail..end, 0);
        filled = tail;
    }
}

/// The `mergeCell` ranges of XML starting at `<mergeCells`; references that
/// are no range within a sheet are returned apart.
fn parse_merges(xml: &[u8]) -> (Vec<MergedRange>, Vec<String>) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    // Its prefix (x:mergeCells) was left behind: do not match end tags.
    reader.config_mut().check_end_names = false;
    let (mut ranges, mut bad) = (Vec::new(), Vec::new());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "mergeCell" => {
                let Some(reference) = e
                    .try_get_attribute("ref")
                    .ok()
                    .flatten()
                    .map(|a| a.value.to_string())
                else {
                    continue;
                };
                match merged_range(&reference) {
                    Some(r) if ranges.len() < MAX_MERGES => ranges.push(r),
                    Some(_) => {}
                    None => bad.push(reference),
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "mergeCells" => break,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    (ranges, bad)
}

/// A range reference (`A1:C5`, or `C5:A1` the wrong way round) as a merged
/// range, if both corners are cells of a sheet (up to XFD1048576).
fn merged_range(reference: &str) -> Option<MergedRange> {
    let (a, b) = reference.split_once(':')?;
    let (r1, c1) = cell_position(a)?;
    let (r2, c2) = cell_position(b)?;
    Some(MergedRange {
        first_row: r1.min(r2),
        first_col: c1.min(c2),
        last_row: r1.max(r2),
        last_col: c1.max(c2),
    })
}

/// The 0-based row and column of an A1 reference (`$` allowed), within the
/// 1,048,576 rows and 16,384 columns of a sheet.
fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let reference = reference.trim().replace('$', "");
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let col = crate::diagnostics::column_index(letters)?;
    let row: u32 = digits.parse().ok()?;
    ((1..=1_048_576).contains(&row) && col < 16_384).then_some((row - 1, col))
}

/// Each worksheet's part in the package, by sheet name, from
/// `xl/workbook.xml` and its relationships.
fn sheet_parts(bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let mut read = |name: &str| {
        let mut text = Vec::new();
        zip.by_name(name)
            .ok()?
            .take(MAX_MERGE_XML as u64)
            .read_to_end(&mut text)
            .ok()?;
        Some(text)
    };
    let (Some(workbook), Some(rels)) =
        (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
    else {
        return out;
    };
    let attrs = |xml: &[u8], element: &str| -> Vec<HashMap<String, String>> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut found = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element => {
                    found.push(
                        e.attributes()
                            .flatten()
                            .map(|a| (a.key.as_ref().to_string(), a.value.to_string()))
                            .collect(),
                    );
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
        found
    };
    let targets: HashMap<String, String> = attrs(&rels, "Relationship")
        .into_iter()
        .filter_map(|a| Some((a.get("Id")?.clone(), a.get("Target")?.clone())))
        .collect();
    for sheet in attrs(&workbook, "sheet") {
        let name = sheet.get("name");
        // The relationship id: `r:id`, whatever the prefix.
        let id = sheet
            .iter()
            .find(|(k, _)| k.ends_with(":id"))
            .map(|(_, v)| v);
        if let (Some(name), Some(target)) = (name, id.and_then(|id| targets.get(id))) {
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            out.insert(name.clone(), part);
        }
    }
    out
}

/// Reports formula cells that have no value: europass reads the values a
/// spreadsheet program computed and stored, never the formulas.
fn report_uncomputed(
    file: &str,
    sheet: &str,
    cells: &[((u32, u32), Option<String>)],
    notes: &mut Vec<Diagnostic>,
) {
    const HINT: &str = "open the file in Excel or LibreOffice and save it again, so that the values are calculated and stored; or type the values in";
    for ((row, col), formula) in cells.iter().take(MAX_FORMULA_NOTES) {
        let formula = formula
            .as_deref()
            .map(|f| format!(" (={f})"))
            .unwrap_or_default();
        notes.push(
            Diagnostic::error(
                Code::FormulaWithoutValue,
                Location::cell(file, sheet, row + 1, *col),
                format!("the cell holds a formula{formula} but no value computed by a spreadsheet program; it was read as empty"),
            )
            .with_hint(HINT),
        );
    }
    if cells.len() > MAX_FORMULA_NOTES {
        notes.push(
            Diagnostic::error(
                Code::FormulaWithoutValue,
                Location::sheet(file, sheet),
                format!(
                    "{} more cells hold a formula but no computed value; they were read as empty",
                    cells.len() - MAX_FORMULA_NOTES
                ),
            )
            .with_hint(HINT),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_ranges_are_read_put_right_or_set_aside_and_found_by_sheet() {
        let merged = std::fs::read("fixtures/variants/messy.xlsx").unwrap();
        let merges = read_merges(&merged);
        assert!(!merges.by_part.is_empty());
        let parts = sheet_parts(&merged);
        assert!(
            parts.values().all(|p| p.starts_with("xl/worksheets/")),
            "{parts:?}"
        );
        let flat = std::fs::read("fixtures/bad/formula-errors.xlsx").unwrap();
        assert!(read_merges(&flat).by_part.is_empty());
        let (ranges, bad) = parse_merges(
            br#"<x:mergeCells count="4"><x:mergeCell ref="C5:A1"/><x:mergeCell ref="$B$2:$D$2"/><x:mergeCell ref="A1048577:B1"/><x:mergeCell ref="junk"/></x:mergeCells><x:pageMargins/>"#,
        );
        assert_eq!(
            ranges,
            [
                MergedRange {
                    first_row: 0,
                    first_col: 0,
                    last_row: 4,
                    last_col: 2
                },
                MergedRange {
                    first_row: 1,
                    first_col: 1,
                    last_row: 1,
                    last_col: 3
                },
            ]
        );
        assert_eq!(bad, ["A1048577:B1", "junk"]);
    }
}
