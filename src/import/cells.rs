//! The one shape every tabular reader produces: sheets of cells with absolute
//! A1 coordinates and merge information.
//!
//! Mapping code only ever sees [`Sheet`] and [`CellValue`], never calamine's
//! or the CSV parser's types, so that an xlsx, an ods and a CSV with the same
//! content map to the same records.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};

use super::InputFormat;

/// A workbook read from one file.
#[derive(Debug)]
pub struct Workbook {
    /// The file as the user named it.
    pub file: String,
    /// The format detected from the content.
    pub format: InputFormat,
    /// Sheets in workbook order (chart and macro sheets left out).
    pub sheets: Vec<Sheet>,
    /// The text encoding a CSV file was read with.
    pub encoding: Option<&'static str>,
    /// The delimiter a CSV file was read with.
    pub delimiter: Option<char>,
    /// What the reader found that the user should know (a formula without a
    /// value, a quote never closed), located.
    pub notes: Vec<crate::diagnostics::Diagnostic>,
}

/// Whether a sheet is shown in the spreadsheet program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Shown.
    Visible,
    /// Hidden (can be unhidden from the menu).
    Hidden,
    /// Hidden so that only a macro can show it.
    VeryHidden,
}

/// A rectangle of merged cells, 0-based and inclusive. The value lives in the
/// top-left cell only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MergedRange {
    /// First row.
    pub first_row: u32,
    /// First column.
    pub first_col: u32,
    /// Last row.
    pub last_row: u32,
    /// Last column.
    pub last_col: u32,
}

impl MergedRange {
    /// Whether the range covers the cell.
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }

    /// True when the range spans more than one column.
    pub fn is_horizontal(&self) -> bool {
        self.last_col > self.first_col
    }
}

/// A cell value, borrowed from the sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellValue<'a> {
    /// Nothing in the cell.
    Empty,
    /// Text, untrimmed.
    Text(&'a str),
    /// A number (whole numbers included).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date or date-time the spreadsheet stores as one.
    DateTime(NaiveDateTime),
    /// A formula error such as `#REF!`.
    Error(&'static str),
}

/// True when the text is empty or only whitespace. Asked of every cell of
/// every row, several times: a text starting with a visible ASCII character
/// (nearly all of them) is answered from its first byte.
pub(crate) fn is_blank_text(t: &str) -> bool {
    match t.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !(b as char).is_whitespace() => false,
        Some(_) => t.trim().is_empty(),
    }
}

impl<'a> CellValue<'a> {
    /// [`Self::to_text`], borrowed from the sheet when the cell is a text.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        match self {
            CellValue::Text(t) => std::borrow::Cow::Borrowed(t),
            other => std::borrow::Cow::Owned(other.to_text()),
        }
    }

    /// True for empty cells and cells holding only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(t) => is_blank_text(t),
            _ => false,
        }
    }

    /// The value as text the way a user would read it in the cell.
    pub fn to_text(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(t) => t.to_string(),
            CellValue::Number(n) => format_number(*n),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::DateTime(dt) => {
                if dt.time() == chrono::NaiveTime::MIN {
                    dt.date().format("%Y-%m-%d").to_string()
                } else {
                    dt.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            }
            CellValue::Error(e) => (*e).to_string(),
        }
    }
}

/// A number as a spreadsheet shows it by default: whole numbers without a
/// decimal point, others with as many digits as needed.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Where the cells of a sheet live; one variant per underlying parser, hidden
/// behind [`Sheet::value`].
#[derive(Debug)]
pub(crate) enum Cells {
    /// A calamine range (xlsx, xlsm, xlsb, xls, ods). Its start is the first used
    /// cell, not A1.
    Calamine(calamine::Range<calamine::Data>),
    /// Text cells (CSV, Word tables), row 0 first.
    Text(super::text_cells::TextCells),
    /// Used cells only, row by row (xlsx, xlsb): a sheet whose one cell sits
    /// at XFD1048576 costs one cell, not seventeen billion.
    Sparse(SparseCells),
}

/// Cells stored row by row, each row sorted by column.
#[derive(Debug, Default)]
pub(crate) struct SparseCells {
    /// Rows from `first_row`, each the (column, value) pairs it holds.
    rows: Vec<Vec<(u32, calamine::Data)>>,
    first_row: u32,
    width: u32,
}

impl SparseCells {
    /// Adds a cell; cells arrive in row order (as sheets store them), and a
    /// cell out of order is still placed correctly.
    pub(crate) fn push(&mut self, row: u32, col: u32, value: calamine::Data) {
        if self.rows.is_empty() {
            self.first_row = row;
        }
        if row < self.first_row {
            let shift = (self.first_row - row) as usize;
            self.rows
                .splice(0..0, std::iter::repeat_with(Vec::new).take(shift));
            self.first_row = row;
        }
        let index = (row - self.first_row) as usize;
        if self.rows.len() <= index {
            self.rows.resize_with(index + 1, Vec::new);
        }
        let cells = &mut self.rows[index];
        match cells.last() {
            Some((c, _)) if *c >= col => {
                let at = cells.partition_point(|(c, _)| *c < col);
                if cells.get(at).is_some_and(|(c, _)| *c == col) {
                    cells[at].1 = value;
                } else {
                    cells.insert(at, (col, value));
                }
            }
            _ => cells.push((col, value)),
        }
        self.width = self.width.max(col + 1);
    }

    fn get(&self, row: u32, col: u32) -> Option<&calamine::Data> {
        let cells = self.rows.get(row.checked_sub(self.first_row)? as usize)?;
        // Rows are usually filled from column A on: try the direct place first.
        if let Some((c, v)) = cells.get(col as usize)
            && *c == col
        {
            return Some(v);
        }
        let at = cells.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        Some(&cells[at].1)
    }

    fn row_end(&self) -> u32 {
        if self.rows.is_empty() {
            0
        } else {
            self.first_row + self.rows.len() as u32
        }
    }

    fn texts_mut(&mut self) -> impl Iterator<Item = (u32, u32, &mut String)> {
        let first = self.first_row;
        self.rows
            .iter_mut()
            .enumerate()
            .flat_map(move |(i, cells)| {
                cells.iter_mut().filter_map(move |(c, v)| match v {
                    calamine::Data::String(s) => Some((first + i as u32, *c, s)),
                    _ => None,
                })
            })
    }
}

/// One sheet: cells with absolute 0-based coordinates, and merged ranges.
#[derive(Debug)]
pub struct Sheet {
    /// Sheet name (for CSV: the file name without extension).
    pub name: String,
    /// Shown or hidden.
    pub visibility: Visibility,
    pub(crate) cells: Cells,
    merges: Vec<MergedRange>,
    merge_index: OnceLock<HashMap<(u32, u32), usize>>,
    /// One past the last column; computed once because CSV rows vary in length.
    width: u32,
}

impl Sheet {
    pub(crate) fn new(
        name: String,
        visibility: Visibility,
        cells: Cells,
        merges: Vec<MergedRange>,
    ) -> Self {
        let width = match &cells {
            Cells::Calamine(r) => r.end().map(|(_, c)| c + 1).unwrap_or(0),
            Cells::Text(rows) => rows.width() as u32,
            Cells::Sparse(s) => s.width,
        };
        Self {
            name,
            visibility,
            cells,
            merges,
            merge_index: OnceLock::new(),
            width,
        }
    }

    /// A sheet built from rows of text, for tests and for readers of
    /// text-like formats.
    pub fn from_text_rows(name: &str, rows: &[&[&str]], merges: Vec<MergedRange>) -> Self {
        let cells = super::text_cells::TextCells::from_rows(rows.iter().map(|r| r.iter()))
            .expect("a test's rows fit in 4 GiB");
        Self::new(
            name.to_string(),
            Visibility::Visible,
            Cells::Text(cells),
            merges,
        )
    }

    /// One past the last row that may hold a value (0 for an empty sheet).
    pub fn row_end(&self) -> u32 {
        match &self.cells {
            Cells::Calamine(r) => r.end().map(|(r, _)| r + 1).unwrap_or(0),
            Cells::Text(rows) => rows.rows() as u32,
            Cells::Sparse(s) => s.row_end(),
        }
    }

    /// One past the last column that may hold a value.
    pub fn col_end(&self) -> u32 {
        self.width
    }

    /// First row that may hold a value.
    pub fn row_start(&self) -> u32 {
        match &self.cells {
            Cells::Calamine(r) => r.start().map(|(r, _)| r).unwrap_or(0),
            Cells::Text(_) => 0,
            Cells::Sparse(s) => s.first_row,
        }
    }

    /// The value of the cell at a 0-based row and column, as stored (a cell
    /// covered by a merge but not its top-left reads as empty).
    pub fn value(&self, row: u32, col: u32) -> CellValue<'_> {
        match &self.cells {
            Cells::Calamine(range) => match range.get_value((row, col)) {
                None => CellValue::Empty,
                Some(data) => from_calamine(data),
            },
            Cells::Text(rows) => rows
                .get(row as usize, col as usize)
                .map_or(CellValue::Empty, CellValue::Text),
            Cells::Sparse(s) => s.get(row, col).map_or(CellValue::Empty, from_calamine),
        }
    }

    /// The merged ranges of the sheet.
    pub fn merges(&self) -> &[MergedRange] {
        &self.merges
    }

    /// The merged range covering the cell, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&MergedRange> {
        if self.merges.is_empty() {
            return None;
        }
        let index = self.merge_index.get_or_init(|| {
            let mut map = HashMap::new();
            for (i, m) in self.merges.iter().enumerate() {
                // Large merges (a whole banner row) are rare; cap the index so a
                // hostile file cannot make it huge. Uncapped cells fall back to a scan.
                let cells = u64::from(m.last_row - m.first_row + 1)
                    * u64::from(m.last_col - m.first_col + 1);
                if cells <= 4096 {
                    for r in m.first_row..=m.last_row {
                        for c in m.first_col..=m.last_col {
                            map.insert((r, c), i);
                        }
                    }
                }
            }
            map
        });
        match index.get(&(row, col)) {
            Some(&i) => Some(&self.merges[i]),
            None => self.merges.iter().find(|m| m.contains(row, col)),
        }
    }

    /// The value shown in the cell: for a cell inside a merged range, the
    /// value of the range's top-left cell.
    pub fn shown_value(&self, row: u32, col: u32) -> CellValue<'_> {
        let v = self.value(row, col);
        if !v.is_blank() {
            return v;
        }
        match self.merge_at(row, col) {
            Some(m) if (m.first_row, m.first_col) != (row, col) => {
                self.value(m.first_row, m.first_col)
            }
            _ => v,
        }
    }

    /// Cuts every text longer than `max` characters, returning where each
    /// was and how long it was, so the cut can be reported.
    pub(crate) fn cut_long_texts(&mut self, max: usize) -> Vec<(u32, u32, usize)> {
        let mut cut = Vec::new();
        let mut shorten = |row: u32, col: u32, s: &mut String| {
            if s.len() > max {
                let chars = s.chars().count();
                if chars > max {
                    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
                    s.truncate(end);
                    cut.push((row, col, chars));
                }
            }
        };
        match &mut self.cells {
            Cells::Sparse(s) => {
                for (r, c, text) in s.texts_mut() {
                    shorten(r, c, text);
                }
            }
            Cells::Calamine(range) => {
                let start = range.start().unwrap_or((0, 0));
                let long: Vec<(u32, u32, String)> = range
                    .used_cells()
                    .filter_map(|(r, c, d)| match d {
                        calamine::Data::String(s) if s.len() > max => {
                            Some((start.0 + r as u32, start.1 + c as u32, s.clone()))
                        }
                        _ => None,
                    })
                    .collect();
                for (r, c, mut s) in long {
                    shorten(r, c, &mut s);
                    range.set_value((r, c), calamine::Data::String(s));
                }
            }
            Cells::Text(rows) => {
                let long = |r: usize| rows.row(r).any(|f| f.len() > max);
                if (0..rows.rows()).any(long) {
                    let cut_rows = rows.replace_rows(|r| {
                        long(r).then(|| {
                            rows.row(r)
                                .enumerate()
                                .map(|(c, f)| {
                                    let mut s = f.to_string();
                                    shorten(r as u32, c as u32, &mut s);
                                    s
                                })
                                .collect()
                        })
                    });
                    // Cutting only shortens the text, so it still fits.
                    if let Ok(cut_rows) = cut_rows {
                        *rows = cut_rows;
                    }
                }
            }
        }
        cut
    }

    /// True when no cell of the row holds a non-blank value.
    pub fn row_is_blank(&self, row: u32) -> bool {
        // Asked of every row, a million of them in a sheet formatted to the
        // bottom: answered without boxing an iterator.
        match &self.cells {
            Cells::Sparse(s) => row
                .checked_sub(s.first_row)
                .and_then(|i| s.rows.get(i as usize))
                .is_none_or(|cells| cells.iter().all(|(_, v)| from_calamine(v).is_blank())),
            Cells::Text(rows) => rows.row(row as usize).all(is_blank_text),
            Cells::Calamine(_) => self.filled_in_row(row).next().is_none(),
        }
    }

    /// The non-blank cells of a row, left to right. Sparse sheets visit only
    /// the cells they hold, so a row of a 16,384-column sheet costs its cells.
    pub fn filled_in_row(&self, row: u32) -> Box<dyn Iterator<Item = (u32, CellValue<'_>)> + '_> {
        match &self.cells {
            Cells::Sparse(s) => {
                let cells = row
                    .checked_sub(s.first_row)
                    .and_then(|i| s.rows.get(i as usize))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                Box::new(
                    cells
                        .iter()
                        .map(|(c, v)| (*c, from_calamine(v)))
                        .filter(|(_, v)| !v.is_blank()),
                )
            }
            Cells::Text(rows) => Box::new(
                rows.row(row as usize)
                    .enumerate()
                    .map(|(c, t)| (c as u32, CellValue::Text(t)))
                    .filter(|(_, v)| !v.is_blank()),
            ),
            Cells::Calamine(_) => Box::new(
                (0..self.col_end())
                    .map(move |c| (c, self.value(row, c)))
                    .filter(|(_, v)| !v.is_blank()),
            ),
        }
    }
}

fn from_calamine(data: &calamine::Data) -> CellValue<'_> {
    use calamine::Data;
    match data {
        Data::Empty => CellValue::Empty,
        Data::String(s) => CellValue::Text(s),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                CellValue::Number(dt.as_f64())
            } else {
                match dt.as_datetime() {
                    Some(d) => CellValue::DateTime(d),
                    None => CellValue::Number(dt.as_f64()),
                }
            }
        }
        Data::DateTimeIso(s) => match parse_iso(s) {
            Some(d) => CellValue::DateTime(d),
            None => CellValue::Text(s),
        },
        Data::DurationIso(s) => CellValue::Text(s),
        Data::Error(e) => CellValue::Error(error_text(e)),
    }
}

fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

fn error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => "#DIV/0!",
        E::NA => "#N/A",
        E::Name => "#NAME?",
        E::Null => "#NULL!",
        E::Num => "#NUM!",
        E::Ref => "#REF!",
        E::Value => "#VALUE!",
        E::GettingData => "#DATA!",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_texts_are_whitespace_of_any_kind() {
        for blank in ["", " ", "\t\r\n", "\u{0B}", "\u{A0}", "\u{3000} \u{2003}"] {
            assert!(is_blank_text(blank), "{blank:?} is blank");
            assert_eq!(is_blank_text(blank), blank.trim().is_empty());
        }
        for text in ["a", " a", "\u{A0}b", "ā", "\u{0B}7", "-"] {
            assert!(!is_blank_text(text), "{text:?} is not blank");
        }
    }

    #[test]
    fn merged_cells_show_the_top_left_value() {
        let sheet = Sheet::from_text_rows(
            "s",
            &[&["Learner", "", "Unit"], &["Given", "Family", "Code"]],
            vec![MergedRange {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 1,
            }],
        );
        assert_eq!(sheet.shown_value(0, 1), CellValue::Text("Learner"));
        assert_eq!(sheet.value(0, 1), CellValue::Text(""));
        assert_eq!(sheet.shown_value(0, 2), CellValue::Text("Unit"));
    }

    #[test]
    fn whole_numbers_print_without_decimals() {
        assert_eq!(format_number(4.0), "4");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(-3.0), "-3");
    }
}
