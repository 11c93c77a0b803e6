//! Excel 97–2003 workbooks (`.xls`).

use std::io::{Cursor, Read};

use calamine::{Xls, XlsError};

use super::calamine_sheets::{read_sheets, to_merged};
use super::{ImportError, InputFormat, Limits, ReadOptions, Workbook};

/// Reads `.xls` (BIFF8).
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Workbook, ImportError> {
    let format = InputFormat::Xls;
    let fail = |e: XlsError| match e {
        XlsError::Password => ImportError::Encrypted,
        e => ImportError::corrupt(format, e),
    };
    // calamine parses every sheet at once, each into a dense range as
    // large as its extent: a few bytes naming cell XFD65536 would
    // allocate gigabytes before a single sheet is returned.
    check_workbook_stream(&workbook_stream(bytes)?, &options.limits)?;
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

/// The `Workbook` (or, before Excel 97, `Book`) stream of a compound file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
    let corrupt = |e: std::io::Error| ImportError::corrupt(InputFormat::Xls, e);
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let mut stream = file
        .open_stream("Workbook")
        .or_else(|_| file.open_stream("Book"))
        .map_err(corrupt)?;
    let mut data = Vec::new();
    stream.read_to_end(&mut data).map_err(corrupt)?;
    Ok(data)
}

/// BIFF records as calamine walks them: type, data, and the following
/// `Continue` records skipped with it. Stops at the first record that runs
/// past the end (calamine reports that one itself).
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let head = |s: &[u8]| {
            (s.len() >= 4).then(|| {
                let t = u16::from_le_bytes([s[0], s[1]]);
                (t, usize::from(u16::from_le_bytes([s[2], s[3]])))
            })
        };
        let (typ, len) = head(stream)?;
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        while let Some((0x003C, len)) = head(stream) {
            stream = stream.get(4 + len..)?;
        }
        Some((typ, data))
    })
}

fn u16_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        d.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// Checks what calamine would allocate for each sheet before it does: the
/// space its `Dimensions` record reserves and the extent its cells span
/// must be within the `cells` limit, and each sheet's `BoundSheet8` record
/// must be whole and point inside the stream (calamine indexes both
/// without checking, and panics).
fn check_workbook_stream(stream: &[u8], limits: &Limits) -> Result<(), ImportError> {
    let Some(sheets) = sheet_positions(stream)? else {
        return Ok(());
    };
    for (index, &pos) in sheets.iter().enumerate() {
        if let Some(span) = sheet_span(&stream[pos..], limits)
            && span > limits.cells
        {
            return Err(too_many_cells(index, span, limits));
        }
    }
    Ok(())
}

/// Where each sheet's records start, from the workbook globals; `None` for
/// an encrypted workbook (calamine refuses it itself).
fn sheet_positions(stream: &[u8]) -> Result<Option<Vec<usize>>, ImportError> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            // FilePass.
            0x002F if u16_at(data, 0) != Some(0) => return Ok(None),
            // BoundSheet8: where a sheet's records start.
            0x0085 => {
                let pos = u32_at(data, 0).filter(|_| data.len() >= 6);
                match pos.map(|p| p as usize) {
                    Some(pos) if pos <= stream.len() => sheets.push(pos),
                    _ => {
                        return Err(ImportError::corrupt(
                            InputFormat::Xls,
                            format!(
                                "sheet {} is declared with a broken record",
                                sheets.len() + 1
                            ),
                        ));
                    }
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    Ok(Some(sheets))
}

fn too_many_cells(index: usize, span: u64, limits: &Limits) -> ImportError {
    ImportError::LimitExceeded {
        limit: "cells",
        detail: format!(
            "sheet {} spans {span} cells, more than {}",
            index + 1,
            limits.cells
        ),
    }
}

/// The cells a sheet (its records from its start) spans, from the first to
/// the last row and column of the cells calamine keeps; or, at once, the
/// cells a `Dimensions` record reserves when they are beyond the limit.
fn sheet_span(sheet: &[u8], limits: &Limits) -> Option<u64> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut cell = |row: u32, first: u32, last: u32| {
        let (r0, r1, c0, c1) = bounds.unwrap_or((row, row, first, last));
        bounds = Some((r0.min(row), r1.max(row), c0.min(first), c1.max(last)));
    };
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = (u16_at(data, 0), u16_at(data, 2));
        match (typ, at) {
            (0x0809, _) if seen_bof => depth += 1,
            (0x0809, _) => seen_bof = true,
            (0x000A, _) => break,
            // Dimensions: calamine reserves rows × columns cells from it.
            (0x0200, _) => {
                if let Some(span) = dimensions_span(data)
                    && span > limits.cells
                {
                    return Some(span);
                }
            }
            // MulRk: one row, columns first..=last.
            (0x00BD, (Some(row), Some(first))) => {
                let last = u16_at(data, data.len().saturating_sub(2)).unwrap_or(first);
                cell(row, first, last.max(first));
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula.
            (0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006, (Some(r), Some(c))) => {
                cell(r, c, c)
            }
            _ => {}
        }
    }
    bounds.map(|(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1))
}

/// The number of cells calamine reserves for a `Dimensions` record, computed
/// as it does (wrapping like its release build does).
fn dimensions_span(r: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(r, 0)?, u16_at(r, 2)?, u16_at(r, 4)?, u16_at(r, 6)?),
        14 | 16 => (u32_at(r, 0)?, u32_at(r, 4)?, u16_at(r, 8)?, u16_at(r, 10)?),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    Some(rows.saturating_mul(cols))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_sheet_spanning_more_cells_than_the_limit_is_refused_by_name() {
        let bytes = std::fs::read("fixtures/variants/flat.xls").unwrap();
        let mut options = ReadOptions::default();
        assert!(super::read("flat.xls", &bytes, &options).is_ok());
        options.limits.cells = 100;
        let err = super::read("flat.xls", &bytes, &options).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "cells", detail } if detail.contains("more than 100")),
            "{err:?}"
        );
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&1.0f64.to_le_bytes());
        record(0x0203, &d)
    }

    /// A BIFF8 workbook of one sheet holding `cells`, after `sheet_head`
    /// records; `pos` overrides where its BoundSheet8 says the sheet starts.
    fn xls(sheet_head: &[Vec<u8>], cells: &[(u16, u16)], pos: Option<u32>) -> Vec<u8> {
        let bof = record(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let sheet_bof = record(0x0809, &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        let bound = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0, 1, 0, b'S']);
            record(0x0085, &d)
        };
        let globals_len = bof.len() + bound(0).len() + eof.len();
        let mut stream = [bof, bound(pos.unwrap_or(globals_len as u32)), eof.clone()].concat();
        stream.extend(sheet_bof);
        stream.extend(sheet_head.concat());
        for &(r, c) in cells {
            stream.extend(number(r, c));
        }
        stream.extend(eof);
        // Padded past 4096 bytes so the stream lives in regular sectors.
        stream.resize(stream.len().max(5000), 0);
        let mut file =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        file.create_stream("Workbook")
            .unwrap()
            .write_all(&stream)
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    fn read(bytes: &[u8], cells: u64) -> Result<Workbook, ImportError> {
        let mut options = ReadOptions::default();
        options.limits.cells = cells;
        super::read("t.xls", bytes, &options)
    }

    #[test]
    fn a_small_workbook_is_read() {
        let wb = read(&xls(&[], &[(0, 0), (9, 9)], None), 100).unwrap();
        assert_eq!(wb.sheets.len(), 1);
    }

    #[test]
    fn cells_far_apart_are_refused_before_calamine_spans_them() {
        let err = read(&xls(&[], &[(0, 0), (20, 20)], None), 100).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "cells", detail } if detail.contains("441")),
            "{err:?}"
        );
        // The fuzzer's case: two cells at opposite corners of the largest
        // BIFF8 sheet, 65536 × 65536 cells, with the default limits.
        let err = read(&xls(&[], &[(0, 0), (65535, 65535)], None), 20_000_000).unwrap_err();
        assert!(matches!(err, ImportError::LimitExceeded { .. }), "{err:?}");
    }

    #[test]
    fn a_dimensions_record_claiming_a_huge_sheet_is_refused() {
        // Rows 0..2^32-1, columns 0..255: calamine would reserve that many cells.
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend_from_slice(&u32::MAX.to_le_bytes());
        d.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
        let err = read(&xls(&[record(0x0200, &d)], &[(0, 0)], None), 20_000_000).unwrap_err();
        assert!(matches!(err, ImportError::LimitExceeded { .. }), "{err:?}");
    }

    #[test]
    fn a_sheet_said_to_start_past_the_stream_is_corrupt() {
        let err = read(&xls(&[], &[(0, 0)], Some(1 << 20)), 100).unwrap_err();
        assert!(matches!(err, ImportError::Corrupt { .. }), "{err:?}");
    }
}
