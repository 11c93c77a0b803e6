//! Assessment grids: the row of rating columns headed by exactly the
//! values of one grading scheme, the criteria rows below it and their
//! marks, and the scheme the ratings are read on.

use std::collections::HashSet;

use super::draft::{Ctx, Draft, DraftKind, Found, Rated, Segment, shorten};
use super::table::Table;
use super::words::{Words, without_list_mark};
use super::{GridReport, doc_loc, plural};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::CellValue;
use crate::import::word::Part;
use crate::mapping::ReadGrade;
use crate::text::fold;

/// The first token of a rating column header: "1", "2 = good" → "2".
pub(super) fn scale_token(text: &str) -> &str {
    let t = text.trim();
    let end = t
        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '(' | ':' | '–' | '-' | ')'))
        .unwrap_or(t.len());
    t[..end].trim_end_matches(['.', ')'])
}

/// A grid's rating columns and the scheme they are headed by.
pub(super) struct GridLayout {
    pub(super) header_row: u32,
    /// (value on the scheme, first column, last column, header text).
    pub(super) columns: Vec<(String, u32, u32, String)>,
    pub(super) schemes: Vec<String>,
}

impl<'m> Words<'m> {
    /// Finds the row of rating column headers: cells that are exactly the
    /// values of one scheme.
    pub(super) fn grid_layout(&self, table: &Table) -> Option<GridLayout> {
        let schemes = self.schemes();
        for r in 0..table.rows.min(60) {
            let row = table.row(r);
            let mut found: Vec<(String, GridLayout)> = Vec::new();
            for (scheme, registry) in &schemes {
                let mut columns: Vec<(String, u32, u32, String)> = Vec::new();
                for &j in &row {
                    let cell = &table.cells[j];
                    let text = cell.text.trim();
                    if text.is_empty() || text.lines().count() > 2 {
                        continue;
                    }
                    let value = registry
                        .grade(&scheme.id, &CellValue::Text(scale_token(text)))
                        .or_else(|_| registry.grade(&scheme.id, &CellValue::Text(text)))
                        .ok()
                        .map(|g| g.value);
                    if let Some(v) = value {
                        columns.push((v, cell.c0, cell.c1, text.to_string()));
                    }
                }
                let values: HashSet<&str> = columns.iter().map(|c| c.0.as_str()).collect();
                let all = scheme.values();
                if columns.len() >= 2
                    && values.len() == columns.len()
                    && values.len() == all.len()
                    && columns[0].1 > 0
                {
                    found.push((
                        scheme.id.clone(),
                        GridLayout {
                            header_row: r,
                            columns,
                            schemes: Vec::new(),
                        },
                    ));
                }
            }
            if !found.is_empty() {
                let ids: Vec<String> = found.iter().map(|(id, _)| id.clone()).collect();
                let (_, mut layout) = found.remove(0);
                layout.schemes = ids;
                return Some(layout);
            }
        }
        None
    }

    /// Reads the criteria rows of a grid; marks the cells it used in `mask`
    /// so the label pass reads only the rest.
    pub(super) fn read_grid(
        &self,
        ctx: &Ctx,
        table: &Table,
        layout: &GridLayout,
        mask: &mut [bool],
        seg: &mut Segment,
    ) -> Draft {
        let mut draft = Draft::new(
            DraftKind::Grid,
            ctx.sheet,
            layout.header_row,
            ctx.best,
            ctx.language,
        );
        self.unmask_header(table, layout, mask);
        let (mut criteria, mut rated) = (0, 0);
        for r in layout.header_row + 1..table.rows {
            let Some(row) = self.criteria_row(table, layout, r, mask) else {
                continue;
            };
            if let Some(one_mark) = rate(ctx, table, layout, row, &mut draft, seg) {
                criteria += 1;
                rated += usize::from(one_mark);
            }
        }
        seg.report.grid = Some(GridReport {
            header_row: layout.header_row + 1,
            columns: layout.columns.iter().map(|c| c.3.clone()).collect(),
            scheme: None,
            criteria,
            rated,
        });
        // The scheme is settled with the labels (a "Scale:" label may choose
        // between several schemes that fit the columns).
        draft.schemes = layout.schemes.clone();
        draft.columns = layout.columns.iter().map(|c| c.3.clone()).collect();
        draft
    }

    /// The header row's rating cells, and its criterion column's header,
    /// are not labels.
    fn unmask_header(&self, table: &Table, layout: &GridLayout, mask: &mut [bool]) {
        for (_, c0, _, _) in &layout.columns {
            if let Some(j) = table.cell_at(layout.header_row, *c0) {
                mask[j] = false;
            }
        }
        for &j in &table.row(layout.header_row) {
            let cell = &table.cells[j];
            if cell.c1 < layout.first_col() && self.criteria.contains(&fold(&cell.text)) {
                mask[j] = false;
            }
        }
    }

    /// Row `r` read as a criteria row: its criterion and the rating
    /// columns it marks. `None` for what is not one (a row across the
    /// columns, a repeated header, a label below the criteria, a blank row);
    /// the cells of a criteria row or repeated header are taken out of `mask`.
    fn criteria_row<'l>(
        &self,
        table: &Table,
        layout: &'l GridLayout,
        r: u32,
        mask: &mut [bool],
    ) -> Option<GridRow<'l>> {
        let first_col = layout.first_col();
        let row = table.row(r);
        let starts_here: Vec<usize> = row
            .iter()
            .copied()
            .filter(|&j| table.cells[j].r0 == r)
            .collect();
        if starts_here.is_empty() || spans_the_columns(table, layout, &row) {
            return None;
        }
        let crit_cells: Vec<usize> = starts_here
            .iter()
            .copied()
            .filter(|&j| table.cells[j].c1 < first_col)
            .collect();
        let criterion: String = crit_cells
            .iter()
            .flat_map(|&j| table.cells[j].text.lines().map(without_list_mark))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let criterion = criterion.trim().to_string();
        // A repeated header row ("Workplace competency | 1 | 2 | 3").
        let repeated_header = layout.columns.iter().all(|(_, c0, _, header)| {
            table
                .cell_at(r, *c0)
                .is_some_and(|j| fold(&table.cells[j].text) == fold(header))
        });
        if repeated_header {
            for &j in &row {
                mask[j] = false;
            }
            return None;
        }
        let (marks, odd) = self.marks(table, layout, r);
        // "Remarks: …" below the criteria is a label; a bare "Language"
        // without a mark is an unrated criterion, reported below.
        let label_row = marks.is_empty()
            && crit_cells.first().is_some_and(|&j| {
                table.cells[j]
                    .text
                    .lines()
                    .next()
                    .is_some_and(|l| l.contains(':') && self.label(l).is_some())
            });
        if label_row || (criterion.is_empty() && marks.is_empty() && odd.is_empty()) {
            return None;
        }
        // This is a criteria row: its cells are not labels.
        let last_col = layout.last_col();
        for &j in &row {
            if table.cells[j].c1 <= last_col {
                mask[j] = false;
            }
        }
        Some(GridRow {
            r,
            criterion,
            marks,
            odd,
            starts_here,
        })
    }

    /// The values of the rating columns row `r` marks, and the text of those
    /// it holds something else in.
    fn marks<'l>(
        &self,
        table: &Table,
        layout: &'l GridLayout,
        r: u32,
    ) -> (Vec<&'l str>, Vec<(u32, String)>) {
        let mut marks: Vec<&str> = Vec::new();
        let mut odd: Vec<(u32, String)> = Vec::new();
        for (value, c0, _, header) in &layout.columns {
            let Some(j) = table.cell_at(r, *c0) else {
                continue;
            };
            let text = table.cells[j].text.trim();
            if self.is_mark(text, scale_token(header)) {
                marks.push(value);
            } else if !self.is_blank(text) {
                odd.push((*c0, text.to_string()));
            }
        }
        (marks, odd)
    }

    /// The scheme a grid's ratings are read on: the one whose values head its
    /// rating columns; a "Scale:" label or the mapping's criteria scheme
    /// chooses when several fit. Never a guess: the choice and its reason are
    /// reported, and no choice is an error.
    pub(super) fn grid_scheme(
        &self,
        file: &str,
        part: &Part,
        draft: &Draft,
        label: Option<&Found>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let columns = draft.columns.join(", ");
        let loc = Location::row(file, &part.name(), draft.row + 1);
        let chosen = label
            .and_then(|v| self.scheme_of_label(file, part, draft, v, diags))
            .or_else(|| self.scheme_of_columns(draft));
        match chosen {
            Some((id, why)) => {
                diags.push(Diagnostic::info(
                    Code::GridScheme,
                    loc,
                    format!(
                        "the ratings are read on {}: {why}",
                        self.scheme_name(&id, &draft.language)
                    ),
                ));
                Some(id)
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        Code::GridScheme,
                        loc,
                        format!(
                            "the rating columns {columns} fit several grading schemes ({}); the {} rating{} were not read",
                            draft.schemes.join(", "),
                            draft.criteria.len(),
                            plural(draft.criteria.len())
                        ),
                    )
                    .with_hint("name the scale with a label such as \"Scale: fi-1-3\" above the grid, or set [grading] criteria_scheme in a mapping file"),
                );
                None
            }
        }
    }

    /// The scheme a "Scale:" label names, and why, when it is one that fits
    /// the rating columns; a scheme that does not fit, or that europass does
    /// not know, is reported.
    fn scheme_of_label(
        &self,
        file: &str,
        part: &Part,
        draft: &Draft,
        v: &Found,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(String, String)> {
        let found = self
            .schemes()
            .iter()
            .find_map(|(_, r)| r.find(v.text.trim()))
            .map(|s| s.id.clone());
        match found {
            Some(id) if draft.schemes.contains(&id) => {
                let why = format!("the label \"{}: {}\" names it", v.label, v.text.trim());
                return Some((id, why));
            }
            Some(id) => diags.push(
                Diagnostic::warning(
                    Code::ConflictingValues,
                    doc_loc(file, part, v.at),
                    format!(
                        "the label \"{}\" names {} but the rating columns are headed {}, the values of {}; the columns decide",
                        v.label,
                        self.scheme_name(&id, &draft.language),
                        draft.columns.join(", "),
                        draft.schemes.join(" or ")
                    ),
                )
                .with_hint("correct the label or the rating columns"),
            ),
            None => diags.push(
                Diagnostic::warning(
                    Code::UnknownGradingScheme,
                    doc_loc(file, part, v.at),
                    format!("\"{}\" ({}) is not a known grading scheme", v.text.trim(), v.label),
                )
                .with_hint("name a scheme europass knows (see mappings/grading-schemes.toml) or define it in a mapping file"),
            ),
        }
        None
    }

    /// The scheme whose values head the rating columns, and why: the only
    /// one, or among several the mapping's criteria scheme.
    fn scheme_of_columns(&self, draft: &Draft) -> Option<(String, String)> {
        let mapping = self.mappings[draft.mapping];
        let columns = draft.columns.join(", ");
        match draft.schemes.as_slice() {
            [one] => Some((
                one.clone(),
                format!("its rating columns are headed {columns}, exactly the values of this scheme"),
            )),
            many => mapping
                .grading
                .criteria_scheme
                .as_ref()
                .filter(|c| many.contains(c))
                .map(|c| {
                    (
                        c.clone(),
                        format!("the columns {columns} fit {}, and mapping \"{}\" names this one as its criteria scheme", many.join(", "), mapping.id),
                    )
                }),
        }
    }

    /// A scheme's id and its name in `language` (else English), for messages.
    fn scheme_name(&self, id: &str, language: &str) -> String {
        self.schemes()
            .iter()
            .find(|(s, _)| s.id == id)
            .and_then(|(s, _)| s.name.best(&[language, "en"]).map(str::to_string))
            .map(|n| format!("{id} ({n})"))
            .unwrap_or_else(|| id.to_string())
    }
}

impl GridLayout {
    /// The first rating column.
    fn first_col(&self) -> u32 {
        self.columns.iter().map(|c| c.1).min().unwrap_or(0)
    }

    /// The last rating column.
    fn last_col(&self) -> u32 {
        self.columns.iter().map(|c| c.2).max().unwrap_or(0)
    }
}

/// A criteria row of a grid.
struct GridRow<'l> {
    r: u32,
    criterion: String,
    /// The values of the rating columns it marks.
    marks: Vec<&'l str>,
    /// Text in a rating column that is not a mark, and its column.
    odd: Vec<(u32, String)>,
    /// The cells that start in the row.
    starts_here: Vec<usize>,
}

/// Whether a cell of the row lies across the criterion and rating columns,
/// or across two rating columns (a section heading, remarks, signatures).
fn spans_the_columns(table: &Table, layout: &GridLayout, row: &[usize]) -> bool {
    let first_col = layout.first_col();
    row.iter().any(|&j| {
        let c = &table.cells[j];
        (c.c0 < first_col && c.c1 >= first_col)
            || layout
                .columns
                .iter()
                .filter(|(_, c0, c1, _)| c.c0 <= *c1 && c.c1 >= *c0)
                .count()
                > 1
    })
}

/// Reads a criteria row's rating into the grid's draft, reporting marks
/// that cannot be read. `None` for a row without a criterion; else whether
/// exactly one rating was marked. Comments right of the rating columns
/// stay with the record.
fn rate(
    ctx: &Ctx,
    table: &Table,
    layout: &GridLayout,
    row: GridRow<'_>,
    draft: &mut Draft,
    seg: &mut Segment,
) -> Option<bool> {
    let (r, first_col) = (row.r, layout.first_col());
    for (c0, text) in &row.odd {
        seg.diagnostics.push(
            Diagnostic::warning(
                Code::UnreadableMark,
                ctx.loc(r, *c0),
                format!("\"{}\" in a rating column is not a mark; it was not read as one", shorten(text, 40)),
            )
            .with_hint("mark the chosen rating with X or ✓ (or tick the box) and leave the other rating cells empty"),
        );
    }
    let criterion = row.criterion;
    if criterion.is_empty() {
        seg.diagnostics.push(
            Diagnostic::warning(
                Code::RatingNotMarked,
                ctx.loc(r, first_col),
                "a rating is marked on a row without a criterion; it was not read",
            )
            .with_hint("write the criterion in the first column, or remove the mark"),
        );
        return None;
    }
    keep_comments(table, layout, &row.starts_here, &criterion, draft);
    match row.marks.as_slice() {
        [one] => {
            draft.criteria.push(Rated {
                criterion,
                value: (*one).to_string(),
            });
            return Some(true);
        }
        [] => {
            seg.diagnostics.push(
                Diagnostic::warning(
                    Code::RatingNotMarked,
                    ctx.loc(r, first_col),
                    format!("the criterion \"{}\" has no mark in the rating columns; it has no rating", shorten(&criterion, 80)),
                )
                .with_hint("mark one rating with X or ✓, or delete the row if the criterion was not assessed"),
            );
            draft
                .unmapped
                .push(("criterion without rating".into(), criterion));
        }
        many => {
            let shown = many.join(" and ");
            seg.diagnostics.push(
                Diagnostic::warning(
                    Code::RatingMarkedTwice,
                    ctx.loc(r, first_col),
                    format!(
                        "the criterion \"{}\" is marked in {} rating columns ({shown}); no rating was taken",
                        shorten(&criterion, 80),
                        many.len(),
                    ),
                )
                .with_hint("leave exactly one rating marked"),
            );
            draft
                .unmapped
                .push((format!("criterion marked {shown}"), criterion));
        }
    }
    Some(false)
}

/// Comments right of the rating columns, kept with the record under their
/// column's header and the criterion.
fn keep_comments(
    table: &Table,
    layout: &GridLayout,
    starts_here: &[usize],
    criterion: &str,
    draft: &mut Draft,
) {
    let last_col = layout.last_col();
    for &j in starts_here {
        let c = &table.cells[j];
        if c.c0 > last_col && !c.text.trim().is_empty() {
            let header = table
                .cell_at(layout.header_row, c.c0)
                .map(|h| table.cells[h].text.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "comment".into());
            draft
                .unmapped
                .push((format!("{header} ({criterion})"), c.text.trim().to_string()));
        }
    }
}
