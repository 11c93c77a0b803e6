//! What recognition gathers before records are made: values found under
//! labels (with where they were), ratings read from grids, and the drafts of
//! units, grids and loose labelled values they belong to.

use super::DocumentTableReport;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::fields::{Entity, Field, Kind};

/// A value found for a field.
#[derive(Clone, Debug)]
pub(super) struct Found {
    pub(super) field: Field,
    pub(super) language: String,
    pub(super) text: String,
    /// The label as written, for messages.
    pub(super) label: String,
    /// Where the value is (row, column), 0-based.
    pub(super) at: (u32, u32),
    /// The sheet it was found on.
    pub(super) sheet: usize,
}

/// A rating read from a grid row.
#[derive(Clone, Debug)]
pub(super) struct Rated {
    pub(super) criterion: String,
    pub(super) value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DraftKind {
    Unit,
    Grid,
    Fields,
}

/// A unit, grid or set of loose values, before it becomes a record.
#[derive(Clone, Debug)]
pub(super) struct Draft {
    pub(super) kind: DraftKind,
    pub(super) sheet: usize,
    pub(super) row: u32,
    pub(super) mapping: usize,
    pub(super) language: String,
    pub(super) values: Vec<Found>,
    pub(super) criteria: Vec<Rated>,
    /// For a grid: the schemes whose values head its rating columns.
    pub(super) schemes: Vec<String>,
    /// For a grid: the rating column headers.
    pub(super) columns: Vec<String>,
    pub(super) unmapped: Vec<(String, String)>,
}

impl Draft {
    pub(super) fn new(
        kind: DraftKind,
        sheet: usize,
        row: u32,
        mapping: usize,
        language: &str,
    ) -> Self {
        Self {
            kind,
            sheet,
            row,
            mapping,
            language: language.to_string(),
            values: Vec::new(),
            criteria: Vec::new(),
            schemes: Vec::new(),
            columns: Vec::new(),
            unmapped: Vec::new(),
        }
    }

    pub(super) fn has(&self, f: impl Fn(Field) -> bool) -> bool {
        self.values.iter().any(|v| f(v.field))
    }

    /// Whether the draft has a value for `field` in `language`.
    pub(super) fn has_value(&self, field: Field, language: &str) -> bool {
        self.values
            .iter()
            .any(|v| v.field == field && v.language == language)
    }

    pub(super) fn names_unit(&self) -> bool {
        self.has(|f| matches!(f, Field::UnitTitle | Field::UnitCode))
    }

    pub(super) fn has_outcomes(&self) -> bool {
        self.has(|f| f.kind() == Kind::Outcomes)
    }

    /// Whether the values describe a unit: more than naming it (a grid's
    /// "Unit:" label only names the unit it assesses).
    pub(super) fn is_unit(&self) -> bool {
        self.has(|f| f.entity() == Entity::Unit && !matches!(f, Field::UnitTitle | Field::UnitCode))
    }

    pub(super) fn title(&self) -> String {
        self.values
            .iter()
            .find(|v| v.field == Field::UnitTitle)
            .or_else(|| self.values.iter().find(|v| v.field == Field::UnitCode))
            .map(|v| v.text.lines().next().unwrap_or("").to_string())
            .unwrap_or_else(|| UNTITLED.into())
    }
}

/// How a unit without a title is named in reports.
pub(super) const UNTITLED: &str = "(untitled)";

/// What one sheet gave.
pub(super) struct Segment {
    pub(super) sheet: usize,
    /// Labels matched per mapping.
    pub(super) hits: Vec<usize>,
    pub(super) drafts: Vec<Draft>,
    pub(super) report: DocumentTableReport,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Fields whose value is one line; lines after the first in the label's cell
/// are not part of it.
pub(super) fn one_line(field: Field) -> bool {
    !matches!(field.kind(), Kind::Text | Kind::Outcomes)
}

/// The index of the largest count; the first on a tie (the user's mapping,
/// then the shipped order).
pub(super) fn best_of(counts: &[usize]) -> usize {
    counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(0, |(i, _)| i)
}

/// A template's unfilled placeholder: "<brief overview of the steps>", "[…]", "…".
pub(super) fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('<') && t.ends_with('>'))
        || (t.starts_with('[') && t.ends_with(']'))
        || t.chars().all(|c| matches!(c, '.' | '…' | '_' | ' '))
}

/// Where a sheet is, for values and messages.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) sheet_name: &'a str,
    pub(super) sheet: usize,
    pub(super) best: usize,
    pub(super) language: &'a str,
    pub(super) text_part: bool,
}

impl Ctx<'_> {
    pub(super) fn loc(&self, row: u32, col: u32) -> Location {
        if self.text_part {
            Location::row(self.file, self.sheet_name, row + 1)
        } else {
            Location::cell(self.file, self.sheet_name, row + 1, col)
        }
    }

    pub(super) fn cell_name(&self, row: u32, col: u32) -> String {
        if self.text_part {
            format!("line {}", row + 1)
        } else {
            format!("{}{}", crate::diagnostics::column_name(col), row + 1)
        }
    }
}

pub(super) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The draft values go to: the last one, or a new one starting at `row`.
pub(super) fn current<'d>(drafts: &'d mut Vec<Draft>, ctx: &Ctx, row: u32) -> &'d mut Draft {
    if drafts.is_empty() {
        drafts.push(Draft::new(
            DraftKind::Unit,
            ctx.sheet,
            row,
            ctx.best,
            ctx.language,
        ));
    }
    drafts.last_mut().expect("just made sure")
}
