//! Word's table grid: cells placed on the grid columns, with the spans and
//! merges Word writes (`gridBefore`, `gridSpan`, `hMerge`, `vMerge`) turned
//! into merged ranges whose text lives in the top-left cell.

use std::collections::HashMap;

use super::super::ImportError;
use super::super::cells::{Cells, MergedRange, Sheet, Visibility};
use super::super::text_cells::TextCells;
use super::{WordTable, table_name};

/// Word allows 63 columns; a wider grid is damage, not data.
pub(super) const MAX_COLUMNS: u32 = 1000;
/// Cells of one table's grid (rows × columns).
pub(super) const MAX_TABLE_CELLS: u64 = 4_000_000;

/// A cell as the document part gives it.
#[derive(Default)]
pub(super) struct CellB {
    pub lines: Vec<String>,
    pub span: u32,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    pub vmerge: Option<bool>,
    pub hmerge: Option<bool>,
    pub deleted: bool,
}

/// A row as the document part gives it.
#[derive(Default)]
pub(super) struct RowB {
    /// Grid columns left empty before the first cell.
    pub before: u32,
    pub cells: Vec<CellB>,
    pub deleted: bool,
}

/// Every cell of a table as a range of the grid, and its text.
#[derive(Default)]
struct Placed {
    ranges: Vec<MergedRange>,
    texts: Vec<String>,
    rows: u32,
}

/// Places a table's cells on Word's column grid, with merged ranges.
pub(super) fn build_table(number: Vec<u32>, rows: Vec<RowB>) -> Result<WordTable, ImportError> {
    let placed = place(rows);
    let row = placed.rows;
    let width = placed
        .ranges
        .iter()
        .map(|m| m.last_col + 1)
        .max()
        .unwrap_or(0);
    if u64::from(width) * u64::from(row) > MAX_TABLE_CELLS {
        return Err(ImportError::Unsupported {
            what: format!(
                "a Word document whose {} has {row} rows × {width} columns",
                table_name(&number)
            ),
            hint: "split the table or the document".into(),
        });
    }
    let mut grid = vec![vec![String::new(); width as usize]; row as usize];
    for (m, text) in placed.ranges.iter().zip(placed.texts) {
        grid[m.first_row as usize][m.first_col as usize] = text;
    }
    let merges = placed
        .ranges
        .into_iter()
        .filter(|m| m.last_row > m.first_row || m.last_col > m.first_col)
        .collect();
    let cells = TextCells::from_rows(grid)?;
    Ok(WordTable {
        cells: Sheet::new(
            table_name(&number),
            Visibility::Visible,
            Cells::Text(cells),
            merges,
        ),
        number,
    })
}

/// Each cell's range on the grid, in row order: a cell continuing a
/// horizontal or vertical merge widens the range it continues.
fn place(rows: Vec<RowB>) -> Placed {
    let mut placed = Placed::default();
    // Vertical merges open at a column, continued by the next row.
    let mut open: HashMap<u32, usize> = HashMap::new();
    for r in rows {
        if r.deleted {
            continue;
        }
        open = placed.place_row(r, &open);
        placed.rows += 1;
    }
    placed
}

impl Placed {
    /// Places one row's cells; returns the vertical merges still open after it.
    fn place_row(&mut self, r: RowB, open: &HashMap<u32, usize>) -> HashMap<u32, usize> {
        let row = self.rows;
        let mut col = r.before;
        let mut still_open = HashMap::new();
        let mut previous: Option<usize> = None;
        for cell in r.cells {
            if cell.deleted {
                continue;
            }
            if col >= MAX_COLUMNS {
                break;
            }
            let span = cell.span.min(MAX_COLUMNS - col);
            let text = cell.lines.join("\n");
            if cell.hmerge == Some(false)
                && let Some(i) = previous
            {
                self.ranges[i].last_col = col + span - 1;
                append(&mut self.texts[i], &text);
                col += span;
                continue;
            }
            if cell.vmerge == Some(false)
                && let Some(&i) = open.get(&col)
                && self.ranges[i].last_row + 1 == row
            {
                self.ranges[i].last_row = row;
                append(&mut self.texts[i], &text);
                still_open.insert(col, i);
                previous = Some(i);
                col += span;
                continue;
            }
            self.ranges.push(MergedRange {
                first_row: row,
                first_col: col,
                last_row: row,
                last_col: col + span - 1,
            });
            self.texts.push(text);
            let i = self.ranges.len() - 1;
            if cell.vmerge.is_some() {
                still_open.insert(col, i);
            }
            previous = Some(i);
            col += span;
        }
        still_open
    }
}

/// Adds the text of a merged-away cell to the cell that shows it.
fn append(target: &mut String, more: &str) {
    if more.trim().is_empty() {
        return;
    }
    if !target.is_empty() {
        target.push('\n');
    }
    target.push_str(more);
}
