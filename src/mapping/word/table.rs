//! A part of a Word document as cells with ranges: a table's cells on
//! Word's grid (merged cells once, at their top-left), or one cell per line
//! of paragraphs; and which cells are right of or below a cell.

use crate::import::Sheet;
use crate::import::word::Part;

/// A cell of a table (merged cells once, at their top-left).
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub(super) r0: u32,
    pub(super) c0: u32,
    pub(super) r1: u32,
    pub(super) c1: u32,
    pub(super) text: String,
}

/// A table as cells with ranges, and which cell covers each position.
pub(super) struct Table {
    pub(super) cells: Vec<Cell>,
    pub(super) at: Vec<Vec<usize>>,
    pub(super) rows: u32,
    pub(super) cols: u32,
}

impl Table {
    /// A part's cells: a table's, or one per line of paragraphs.
    pub(super) fn of(part: &Part) -> Self {
        match part {
            Part::Table(t) => Self::new(&t.cells),
            Part::Paragraphs(p) => Self::lines(&p.lines),
        }
    }

    /// Lines of paragraphs, one cell each in a column.
    pub(super) fn lines(lines: &[String]) -> Self {
        let cells: Vec<Cell> = lines
            .iter()
            .enumerate()
            .map(|(r, text)| Cell {
                r0: r as u32,
                c0: 0,
                r1: r as u32,
                c1: 0,
                text: text.clone(),
            })
            .collect();
        let at = (0..cells.len()).map(|i| vec![i]).collect();
        Self {
            rows: cells.len() as u32,
            cols: u32::from(!cells.is_empty()),
            cells,
            at,
        }
    }

    pub(super) fn new(sheet: &Sheet) -> Self {
        let rows = sheet.row_end();
        let cols = sheet.col_end().min(1000);
        let mut cells: Vec<Cell> = Vec::new();
        let mut at = vec![vec![usize::MAX; cols as usize]; rows as usize];
        for r in 0..rows {
            for c in 0..cols {
                if at[r as usize][c as usize] != usize::MAX {
                    continue;
                }
                let (r1, c1) = match sheet.merge_at(r, c) {
                    Some(m) if (m.first_row, m.first_col) == (r, c) => {
                        (m.last_row.min(rows - 1), m.last_col.min(cols - 1))
                    }
                    _ => (r, c),
                };
                let index = cells.len();
                cells.push(Cell {
                    r0: r,
                    c0: c,
                    r1,
                    c1,
                    text: sheet.value(r, c).to_text(),
                });
                for rr in r..=r1 {
                    for cc in c..=c1 {
                        if at[rr as usize][cc as usize] == usize::MAX {
                            at[rr as usize][cc as usize] = index;
                        }
                    }
                }
            }
        }
        Self {
            cells,
            at,
            rows,
            cols,
        }
    }

    pub(super) fn cell_at(&self, r: u32, c: u32) -> Option<usize> {
        self.at
            .get(r as usize)?
            .get(c as usize)
            .copied()
            .filter(|i| *i != usize::MAX)
    }

    /// The cells just right of cell `i`, over its rows.
    pub(super) fn right_of(&self, i: usize) -> Vec<usize> {
        let c = &self.cells[i];
        let mut out = Vec::new();
        if c.c1 + 1 >= self.cols {
            return out;
        }
        for r in c.r0..=c.r1 {
            if let Some(j) = self.cell_at(r, c.c1 + 1)
                && !out.contains(&j)
            {
                out.push(j);
            }
        }
        out
    }

    /// The cells starting in row `r` under the columns of cell `i`.
    pub(super) fn under(&self, i: usize, r: u32) -> Vec<usize> {
        let c = &self.cells[i];
        let mut out = Vec::new();
        for col in c.c0..=c.c1 {
            if let Some(j) = self.cell_at(r, col)
                && self.cells[j].r0 == r
                && !out.contains(&j)
            {
                out.push(j);
            }
        }
        out
    }

    /// The distinct cells covering row `r`, left to right.
    pub(super) fn row(&self, r: u32) -> Vec<usize> {
        let mut out = Vec::new();
        for c in 0..self.cols {
            if let Some(j) = self.cell_at(r, c)
                && !out.contains(&j)
            {
                out.push(j);
            }
        }
        out
    }
}
