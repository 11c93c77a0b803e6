//! `feedback.xlsx`: every input row echoed back with its status and the
//! problems found, next to the offending cells — like the feedback files of
//! the Erasmus+ tools, so a school can fix its own workbook and run again.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Note, Workbook, Worksheet, XlsxError,
};

use super::ExportError;
use super::xlsx::rows::{EXCEL_CELL_TEXT, cut_for_excel, excel_can_date, excel_text};
use crate::diagnostics::{Code, Diagnostic, Severity, column_name};
use crate::import::{CellValue, Sheet, Workbook as InputWorkbook};
use crate::mapping::SheetReport;

/// One input file, read again, with what was understood of its sheets.
pub struct FeedbackInput<'a> {
    /// The file as the user named it.
    pub file: &'a str,
    /// Its sheets.
    pub workbook: &'a InputWorkbook,
    /// What was understood of each sheet (header rows).
    pub sheets: &'a [SheetReport],
}

/// Codes of rows that were skipped rather than read.
const SKIPPED: &[Code] = &[
    Code::BlankRowsSkipped,
    Code::TotalsRowSkipped,
    Code::NoteRowSkipped,
    Code::RowNotUsable,
];

/// Most rows echoed per sheet: beyond this the feedback file would be larger
/// than anyone opens; the report still lists every problem.
const MAX_ECHO_ROWS: u32 = 200_000;

struct Formats {
    header: Format,
    error: Format,
    warning: Format,
    wrap: Format,
    date: Format,
}

/// Builds the feedback workbook: a summary sheet of every problem not tied to
/// a row, then each input sheet with a status and a problems column.
pub fn feedback_workbook(
    inputs: &[FeedbackInput],
    diagnostics: &[Diagnostic],
) -> Result<Vec<u8>, ExportError> {
    build(inputs, diagnostics).map_err(|e| ExportError::Serialise {
        format: "feedback.xlsx",
        detail: e.to_string(),
    })
}

fn build(inputs: &[FeedbackInput], diagnostics: &[Diagnostic]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let f = Formats {
        header: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7)),
        error: Format::new().set_background_color(Color::RGB(0xF8CBAD)),
        warning: Format::new().set_background_color(Color::RGB(0xFFE699)),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };

    // Diagnostics by file and sheet; the rest go on the summary.
    let mut by_sheet: HashMap<(&str, &str), Vec<&Diagnostic>> = HashMap::new();
    let mut general = Vec::new();
    for d in diagnostics {
        match (&d.location.file, &d.location.sheet, d.location.row) {
            (Some(file), Some(sheet), Some(_)) => by_sheet
                .entry((file.as_str(), sheet.as_str()))
                .or_default()
                .push(d),
            _ => general.push(d),
        }
    }

    let summary = wb.add_worksheet();
    summary.set_name("Summary")?;
    summary_sheet(summary, inputs, &general, &f)?;

    let mut names = HashSet::new();
    names.insert("summary".to_string());
    for input in inputs {
        for (sheet, report) in input.workbook.sheets.iter().zip(input.sheets) {
            let diags = by_sheet
                .get(&(input.file, sheet.name.as_str()))
                .cloned()
                .unwrap_or_default();
            // An unread sheet's report names the header row that came
            // close; its rows were not read, so they get no status.
            let header_row = report.role.and(report.header_row);
            if header_row.is_none() && diags.is_empty() {
                continue;
            }
            let ws = wb.add_worksheet_with_low_memory()?;
            ws.set_name(unique_sheet_name(input.file, &sheet.name, &mut names))?;
            echo_sheet(ws, sheet, header_row, &diags, &f)?;
        }
    }
    wb.save_to_buffer()
}

fn summary_sheet(
    ws: &mut Worksheet,
    inputs: &[FeedbackInput],
    general: &[&Diagnostic],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 26)?;
    ws.set_column_width(3, 70)?;
    ws.set_column_width(4, 50)?;
    ws.write_string_with_format(0, 0, "File › sheet", &f.header)?;
    ws.write_string_with_format(0, 1, "Rows read", &f.header)?;
    ws.write_string_with_format(0, 2, "Records", &f.header)?;
    ws.write_string_with_format(0, 3, "Rows reported (see their sheet)", &f.header)?;
    let mut row = 1;
    for input in inputs {
        for s in input.sheets {
            ws.write_string(row, 0, excel_text(&format!("{} › {}", input.file, s.name)))?;
            ws.write_number(row, 1, s.rows.read as f64)?;
            ws.write_number(row, 2, s.rows.records as f64)?;
            ws.write_number(row, 3, s.rows.reported as f64)?;
            row += 1;
        }
    }
    row += 1;
    for (c, h) in ["Where", "Severity", "Code", "Problem", "How to fix it"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    row += 1;
    for d in general.iter().filter(|d| d.severity != Severity::Info) {
        let format = if d.severity == Severity::Error {
            &f.error
        } else {
            &f.warning
        };
        ws.write_string_with_format(row, 0, excel_text(&d.location.to_string()), &f.wrap)?;
        ws.write_string_with_format(row, 1, d.severity.to_string(), format)?;
        ws.write_string(row, 2, d.code.as_str())?;
        ws.write_string_with_format(row, 3, excel_text(&d.message), &f.wrap)?;
        ws.write_string_with_format(row, 4, excel_text(d.hint.as_deref().unwrap_or("")), &f.wrap)?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Copies a sheet's cells and adds a status and a problems column.
fn echo_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    header_row: Option<u32>,
    diags: &[&Diagnostic],
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = sheet.col_end().min(16_000) as u16;
    let end = sheet.row_end().min(MAX_ECHO_ROWS);
    // Problems per row (0-based) and per cell.
    let mut rows: BTreeMap<u32, Vec<&Diagnostic>> = BTreeMap::new();
    let mut cells: HashMap<(u32, u16), Vec<&Diagnostic>> = HashMap::new();
    for d in diags {
        let first = d.location.row.unwrap_or(1).saturating_sub(1);
        let last = d
            .location
            .last_row
            .unwrap_or(first + 1)
            .saturating_sub(1)
            .max(first);
        // A run of blank rows is marked once, on its first row: a sheet
        // formatted down to row 1,048,576 would otherwise repeat it 200,000 times.
        let last = if d.code == Code::BlankRowsSkipped {
            first
        } else {
            last
        };
        for r in first..=last.min(end) {
            rows.entry(r).or_default().push(d);
        }
        if let Some(c) = d.location.column {
            cells.entry((first, c as u16)).or_default().push(d);
        }
    }
    let status_col = cols;
    let header = header_row.map(|h| h - 1);
    ws.set_column_width(status_col, 12)?;
    ws.set_column_width(status_col + 1, 80)?;
    if let Some(h) = header {
        ws.set_freeze_panes(h + 1, 0)?;
    }
    let data_start = header.map_or(0, |h| h + 1);
    // Row by row, each finished before the next: the sheet is written in
    // low-memory mode, which keeps one row in memory.
    let problem_rows: HashSet<u32> = cells.keys().map(|(r, _)| *r).collect();
    for r in 0..end {
        // Blank rows have no cell to copy (most rows of a sheet formatted to the bottom).
        let copy = !sheet.row_is_blank(r) || problem_rows.contains(&r);
        for c in (0..cols).filter(|_| copy) {
            let problems = cells.get(&(r, c));
            let format = problems.map(|ds| worst_format(ds, f));
            write_cell(ws, r, c, sheet.value(r, u32::from(c)), format, f)?;
            if let Some(ds) = problems {
                let text: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
                let text = text.join("\n");
                // A note holds a little less than a cell (Excel keeps its author in it).
                let text = cut_for_excel(&text, EXCEL_CELL_TEXT - 54).unwrap_or(text);
                ws.insert_note(r, c, &Note::new(text).set_author("europass"))?;
            }
        }
        if header == Some(r) {
            ws.write_string_with_format(r, status_col, "europass status", &f.header)?;
            ws.write_string_with_format(r, status_col + 1, "europass problems", &f.header)?;
        } else if r >= data_start {
            write_status(ws, r, status_col, rows.get(&r), sheet, f)?;
        }
    }
    Ok(())
}

/// A data row's status ("ok", "warning", "error", "skipped") and its
/// problems, each with the column it is in and how to fix it.
fn write_status(
    ws: &mut Worksheet,
    r: u32,
    status_col: u16,
    problems: Option<&Vec<&Diagnostic>>,
    sheet: &Sheet,
    f: &Formats,
) -> Result<(), XlsxError> {
    let ds = problems.map(Vec::as_slice).unwrap_or(&[]);
    let visible: Vec<&&Diagnostic> = ds
        .iter()
        .filter(|d| d.severity != Severity::Info || SKIPPED.contains(&d.code))
        .collect();
    let status = if ds.iter().any(|d| d.severity == Severity::Error) {
        "error"
    } else if ds.iter().any(|d| SKIPPED.contains(&d.code)) {
        "skipped"
    } else if ds.iter().any(|d| d.severity == Severity::Warning) {
        "warning"
    } else if sheet.row_is_blank(r) {
        return Ok(());
    } else {
        "ok"
    };
    let format = match status {
        "error" => Some(&f.error),
        "warning" | "skipped" => Some(&f.warning),
        _ => None,
    };
    match format {
        Some(fm) => ws.write_string_with_format(r, status_col, status, fm)?,
        None => ws.write_string(r, status_col, status)?,
    };
    if !visible.is_empty() {
        let text: Vec<String> = visible
            .iter()
            .map(|d| {
                let at = d
                    .location
                    .column
                    .map(|c| format!("{}: ", column_name(c)))
                    .unwrap_or_default();
                match &d.hint {
                    Some(h) => format!("{at}{} — {h}", d.message),
                    None => format!("{at}{}", d.message),
                }
            })
            .collect();
        ws.write_string_with_format(r, status_col + 1, excel_text(&text.join("\n")), &f.wrap)?;
    }
    Ok(())
}

fn worst_format<'f>(ds: &[&Diagnostic], f: &'f Formats) -> &'f Format {
    if ds.iter().any(|d| d.severity == Severity::Error) {
        &f.error
    } else {
        &f.warning
    }
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    value: CellValue<'_>,
    format: Option<&Format>,
    f: &Formats,
) -> Result<(), XlsxError> {
    match (value, format) {
        (CellValue::Empty, None) => {}
        (CellValue::Empty, Some(fm)) => {
            ws.write_blank(r, c, fm)?;
        }
        (CellValue::Text(t), None) => {
            ws.write_string(r, c, excel_text(t))?;
        }
        (CellValue::Text(t), Some(fm)) => {
            ws.write_string_with_format(r, c, excel_text(t), fm)?;
        }
        (CellValue::Number(n), None) => {
            ws.write_number(r, c, n)?;
        }
        (CellValue::Number(n), Some(fm)) => {
            ws.write_number_with_format(r, c, n, fm)?;
        }
        (CellValue::Bool(b), _) => {
            ws.write_boolean(r, c, b)?;
        }
        // Excel has no dates before 1900 or after 9999 (an .ods can hold them).
        (CellValue::DateTime(dt), fm) if !excel_can_date(dt.date()) => {
            ws.write_string_with_format(r, c, value.to_text(), fm.unwrap_or(&f.error))?;
        }
        (CellValue::DateTime(dt), fm) => {
            let d = ExcelDateTime::from_ymd(dt.year() as u16, dt.month() as u8, dt.day() as u8)?
                .and_hms(dt.hour() as u16, dt.minute() as u8, dt.second() as f64)?;
            ws.write_datetime_with_format(r, c, &d, fm.unwrap_or(&f.date))?;
        }
        (CellValue::Error(e), _) => {
            ws.write_string_with_format(r, c, e, &f.error)?;
        }
    }
    Ok(())
}

/// An Excel sheet name for a file's sheet: at most 31 characters, none of
/// `[]:*?/\`, unique in the workbook (compared without case, as Excel does).
fn unique_sheet_name(file: &str, sheet: &str, taken: &mut HashSet<String>) -> String {
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("input");
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect::<String>()
            .trim_matches('\'')
            .to_string()
    };
    let base: String = format!("{} - {}", clean(stem), clean(sheet))
        .chars()
        .take(28)
        .collect();
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}~{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut taken = HashSet::new();
        let a = unique_sheet_name(
            "dir/Rezultāti 2025 [final].xlsx",
            "Audzēkņi/2025",
            &mut taken,
        );
        assert!(
            a.chars().count() <= 31 && !a.contains(['[', ']', '/']),
            "{a}"
        );
        let b = unique_sheet_name(
            "dir/Rezultāti 2025 [final].xlsx",
            "Audzēkņi/2025",
            &mut taken,
        );
        assert_ne!(a.to_lowercase(), b.to_lowercase());
    }
}
