//! Cells that are only text (CSV files, Word tables), stored as one buffer.
//!
//! A CSV file of 100,000 rows holds millions of cells. Kept as a string per
//! cell, or a record per row, they cost as many allocations and several times
//! the file's size in memory; here every cell's text lives in one buffer and
//! only where each cell and row ends is stored.

/// Rows of text cells: the cells' texts one after the other, and offsets.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct TextCells {
    /// Every cell's text, in row and column order.
    text: String,
    /// Where each cell's text ends in `text`.
    cell_ends: Vec<u32>,
    /// The index in `cell_ends` of each row's first cell, then the number of
    /// cells: row `r` holds cells `row_starts[r]..row_starts[r + 1]`.
    row_starts: Vec<u32>,
}

/// More text than offsets of 32 bits can address (4 GiB), or more cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

impl From<TooLarge> for super::ImportError {
    fn from(_: TooLarge) -> Self {
        super::ImportError::LimitExceeded {
            limit: "file-mb",
            detail: "its cells hold more than 4 GiB of text, more than europass can address".into(),
        }
    }
}

impl TextCells {
    /// Empty rows, ready to be filled with [`TextCells::push_cell`] and
    /// [`TextCells::end_row`].
    pub(crate) fn with_capacity(text: usize, cells: usize, rows: usize) -> Self {
        let mut row_starts = Vec::with_capacity(rows + 1);
        row_starts.push(0);
        Self {
            text: String::with_capacity(text),
            cell_ends: Vec::with_capacity(cells),
            row_starts,
        }
    }

    /// Rows given as texts (a Word table, a test's sheet).
    pub(crate) fn from_rows<R, C>(rows: impl IntoIterator<Item = R>) -> Result<Self, TooLarge>
    where
        R: IntoIterator<Item = C>,
        C: AsRef<str>,
    {
        let mut cells = Self::with_capacity(0, 0, 0);
        for row in rows {
            for cell in row {
                cells.push_cell(cell.as_ref())?;
            }
            cells.end_row()?;
        }
        Ok(cells)
    }

    /// Adds a cell to the row being filled.
    pub(crate) fn push_cell(&mut self, text: &str) -> Result<(), TooLarge> {
        self.text.push_str(text);
        let end = u32::try_from(self.text.len()).map_err(|_| TooLarge)?;
        self.cell_ends.push(end);
        Ok(())
    }

    /// Ends the row being filled.
    pub(crate) fn end_row(&mut self) -> Result<(), TooLarge> {
        let cells = u32::try_from(self.cell_ends.len()).map_err(|_| TooLarge)?;
        self.row_starts.push(cells);
        Ok(())
    }

    /// Takes the text and cell ends of a parser that wrote its cells into
    /// one buffer: `ends` are offsets in `text`, and each row's cells are
    /// `row_starts[r]..row_starts[r + 1]` of them.
    pub(crate) fn from_parts(text: String, cell_ends: Vec<u32>, row_starts: Vec<u32>) -> Self {
        debug_assert!(row_starts.first() == Some(&0));
        debug_assert!(row_starts.last().copied() == Some(cell_ends.len() as u32));
        Self {
            text,
            cell_ends,
            row_starts,
        }
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.row_starts.len().saturating_sub(1)
    }

    /// The indexes of a row's cells (none past the last row).
    fn cells_of(&self, row: usize) -> std::ops::Range<usize> {
        match (self.row_starts.get(row), self.row_starts.get(row + 1)) {
            (Some(a), Some(b)) => *a as usize..*b as usize,
            _ => 0..0,
        }
    }

    /// Number of cells in a row (0 past the last row).
    pub(crate) fn row_len(&self, row: usize) -> usize {
        self.cells_of(row).len()
    }

    /// The cells of the longest row.
    pub(crate) fn width(&self) -> usize {
        self.row_starts
            .windows(2)
            .map(|w| (w[1] - w[0]) as usize)
            .max()
            .unwrap_or(0)
    }

    /// The text of one cell, `None` past the end of its row.
    pub(crate) fn get(&self, row: usize, col: usize) -> Option<&str> {
        let cells = self.cells_of(row);
        let cell = cells.start + col;
        cells.contains(&cell).then(|| self.cell(cell))
    }

    fn cell(&self, index: usize) -> &str {
        let start = if index == 0 {
            0
        } else {
            self.cell_ends[index - 1] as usize
        };
        &self.text[start..self.cell_ends[index] as usize]
    }

    /// The cells of one row, left to right.
    pub(crate) fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        self.cells_of(row).map(move |i| self.cell(i))
    }

    /// Rebuilds the rows with some of them replaced (a row re-read with
    /// another delimiter, a cell cut short). Rare, so it copies everything.
    pub(crate) fn replace_rows(
        &self,
        mut replacement: impl FnMut(usize) -> Option<Vec<String>>,
    ) -> Result<Self, TooLarge> {
        let mut out = Self::with_capacity(self.text.len(), self.cell_ends.len(), self.rows());
        for r in 0..self.rows() {
            match replacement(r) {
                Some(cells) => {
                    for c in &cells {
                        out.push_cell(c)?;
                    }
                }
                None => {
                    for c in self.row(r) {
                        out.push_cell(c)?;
                    }
                }
            }
            out.end_row()?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_found_by_row_and_column() {
        let cells = TextCells::from_rows([vec!["a", "bb"], vec![], vec!["", "ccc", "d"]]).unwrap();
        assert_eq!(cells.rows(), 3);
        assert_eq!(cells.width(), 3);
        assert_eq!(cells.get(0, 1), Some("bb"));
        assert_eq!(cells.get(0, 2), None);
        assert_eq!(cells.get(1, 0), None);
        assert_eq!(cells.get(2, 0), Some(""));
        assert_eq!(cells.get(2, 2), Some("d"));
        assert_eq!(cells.get(3, 0), None);
        assert_eq!(cells.row(2).collect::<Vec<_>>(), ["", "ccc", "d"]);
        assert_eq!(cells.row_len(1), 0);
    }

    #[test]
    fn replacing_a_row_keeps_the_others() {
        let cells = TextCells::from_rows([vec!["a;b"], vec!["c", "d"]]).unwrap();
        let fixed = cells
            .replace_rows(|r| (r == 0).then(|| vec!["a".to_string(), "b".to_string()]))
            .unwrap();
        assert_eq!(
            fixed,
            TextCells::from_rows([vec!["a", "b"], vec!["c", "d"]]).unwrap()
        );
    }
}
