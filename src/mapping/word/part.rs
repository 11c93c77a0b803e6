//! Recognising one part of a document: which mapping's labels it uses, and
//! whether it is an assessment grid, unit descriptions, loose labels, prose
//! or nothing europass knows.

use std::collections::HashSet;

use super::draft::{Ctx, Draft, DraftKind, Segment, best_of, shorten};
use super::table::Table;
use super::words::Words;
use super::{DocumentTableReport, Recognised, plural};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::word::Part;
use crate::text::fold;

impl<'m> Words<'m> {
    /// Recognises one part of a document (the `index`th) and reads the
    /// units, grid or labelled values it holds.
    pub(super) fn read_part(&self, file: &str, index: usize, part: &Part) -> Segment {
        let table = Table::of(part);
        let sheet_name = part.name();
        let (best, hits) = self.best_mapping(&table);
        let counts = hits[best];
        let language = self.mappings[best].language.clone();
        let mut seg = Segment {
            sheet: index,
            hits,
            drafts: Vec::new(),
            report: DocumentTableReport {
                recognised_as: Recognised::NotRecognised,
                mapping: (counts > 0).then(|| self.mappings[best].id.clone()),
                language: (counts > 0).then(|| language.clone()),
                labels: Vec::new(),
                units: Vec::new(),
                grid: None,
                attached_to: Vec::new(),
            },
            diagnostics: Vec::new(),
        };
        let ctx = Ctx {
            file,
            sheet_name: &sheet_name,
            sheet: index,
            best,
            language: &language,
            text_part: part.is_text(),
        };
        let mut mask = vec![true; table.cells.len()];
        let mut grid_draft = None;
        if !part.is_text()
            && let Some(layout) = self.grid_layout(&table)
        {
            grid_draft = Some(self.read_grid(&ctx, &table, &layout, &mut mask, &mut seg));
        }
        let drafts = self.read_labels(&ctx, &table, &mask, &mut seg);
        match grid_draft {
            Some(mut grid) => {
                // Everything labelled around the grid belongs to it.
                for d in drafts {
                    grid.values.extend(d.values);
                    grid.unmapped.extend(d.unmapped);
                }
                seg.report.recognised_as = Recognised::AssessmentGrid;
                seg.drafts.push(grid);
            }
            None => sort_drafts(&ctx, part, &table, drafts, &mut seg),
        }
        if !seg.report.labels.is_empty() || seg.report.recognised_as == Recognised::AssessmentGrid {
            let note = self.recognised_note(&ctx, &seg.report);
            seg.diagnostics.push(note);
        }
        seg
    }

    /// Says what a part was read as, and with which labels.
    fn recognised_note(&self, ctx: &Ctx, report: &DocumentTableReport) -> Diagnostic {
        let what = report.recognised_as.describe();
        let labels: Vec<String> = report
            .labels
            .iter()
            .map(|l| format!("\"{}\" → {}", l.label, l.field))
            .collect();
        Diagnostic::info(
            Code::TableRecognised,
            Location::sheet(ctx.file, ctx.sheet_name),
            format!(
                "read as {what} with the labels of mapping \"{}\" (texts in {}){}",
                self.mappings[ctx.best].id,
                ctx.language,
                if labels.is_empty() {
                    String::new()
                } else {
                    format!(": {}", labels.join(", "))
                }
            ),
        )
    }

    /// The mapping whose labels match most cells of the table (the user's
    /// mapping, then the shipped order, on a tie), and how many matched.
    pub(super) fn best_mapping(&self, table: &Table) -> (usize, Vec<usize>) {
        let mut counts = vec![0usize; self.mappings.len()];
        for cell in &table.cells {
            for line in cell.text.lines() {
                if let Some(hit) = self.label(line) {
                    let mut seen = HashSet::new();
                    for r in hit.rules {
                        if seen.insert(r.mapping) {
                            counts[r.mapping] += 1;
                        }
                    }
                    continue;
                }
                // Intro phrases and criterion headers are words of a language too.
                let key = fold(line.trim().trim_end_matches(':'));
                if key.is_empty() {
                    continue;
                }
                for (i, m) in self.mappings.iter().enumerate() {
                    if m.labels.criteria.contains(&key)
                        || m.labels.intro.iter().any(|list| list.contains(&key))
                    {
                        counts[i] += 1;
                    }
                }
            }
        }
        (best_of(&counts), counts)
    }
}

/// What the drafts of a part that is not a grid make it: unit descriptions
/// (values before the first unit's title belong to it), labelled values for
/// a record elsewhere, prose, or a table europass does not know (reported).
fn sort_drafts(ctx: &Ctx, part: &Part, table: &Table, drafts: Vec<Draft>, seg: &mut Segment) {
    let units: Vec<Draft> = drafts.iter().filter(|d| d.is_unit()).cloned().collect();
    if !units.is_empty() {
        seg.report.recognised_as = Recognised::UnitDescription;
        let mut units = units;
        for d in drafts.into_iter().filter(|d| !d.is_unit()) {
            units[0].values.extend(d.values);
            units[0].unmapped.extend(d.unmapped);
        }
        seg.report.units = units.iter().map(Draft::title).collect();
        seg.drafts = units;
    } else if drafts.iter().any(|d| !d.values.is_empty()) {
        seg.report.recognised_as = Recognised::Labels;
        let mut fields = Draft::new(DraftKind::Fields, ctx.sheet, 0, ctx.best, ctx.language);
        for d in drafts {
            fields.values.extend(d.values);
            fields.unmapped.extend(d.unmapped);
        }
        fields.row = fields.values.first().map_or(0, |v| v.at.0);
        seg.drafts.push(fields);
    } else if part.is_text() || table.cells.iter().all(|c| c.text.trim().is_empty()) {
        seg.report.recognised_as = Recognised::Text;
    } else {
        seg.diagnostics.push(not_recognised(ctx, table));
    }
}

/// A table that is neither a unit description nor a grid.
fn not_recognised(ctx: &Ctx, table: &Table) -> Diagnostic {
    let first = table
        .cells
        .iter()
        .find(|c| !c.text.trim().is_empty())
        .map(|c| c.text.lines().next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    Diagnostic::warning(
        Code::TableNotRecognised,
        Location::sheet(ctx.file, ctx.sheet_name),
        format!(
            "the table ({} row{} × {} column{}, starting \"{}\") is neither a unit description nor an assessment grid; it was not read",
            table.rows,
            plural(table.rows as usize),
            table.cols,
            plural(table.cols as usize),
            shorten(&first, 60)
        ),
    )
    .with_hint("if it holds a unit or a grid, see `europass inspect` for the labels europass knows, and add your template's words under [labels] in a mapping file")
}
