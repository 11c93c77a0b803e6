//! Labelled values: each cell's lines read as labels and the values after
//! them (in the same cell, to the right, or below), statements introduced
//! by a phrase, and text under no label; a unit's title or code coming
//! again starts the next unit.

use super::LabelReport;
use super::draft::{
    Ctx, Draft, DraftKind, Found, Segment, current, is_placeholder, one_line, shorten,
};
use super::table::Table;
use super::words::{Hit, LabelRule, Words, is_list_line};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::fields::{Field, Kind};

/// What a line of a cell is.
#[derive(Debug)]
pub(super) enum Item<'w> {
    /// A label and the lines after it in the same cell.
    Label { hit: Hit<'w>, lines: Vec<String> },
    /// An intro phrase ("He/she knows:"): the cell is a statement list.
    Intro([bool; 3]),
    /// Lines without a label.
    Text(Vec<String>),
}

pub(super) fn parse_cell<'w>(words: &'w Words<'_>, text: &str) -> Vec<Item<'w>> {
    let mut items: Vec<Item> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if items.is_empty()
            && let Some(c) = words.intro(line)
        {
            items.push(Item::Intro(c));
            continue;
        }
        if matches!(items.first(), Some(Item::Intro(_))) {
            continue;
        }
        if let Some(hit) = words.label(line) {
            let lines = if hit.value.is_empty() {
                Vec::new()
            } else {
                vec![hit.value.clone()]
            };
            items.push(Item::Label { hit, lines });
            continue;
        }
        match items.last_mut() {
            Some(Item::Label { lines, .. } | Item::Text(lines)) => lines.push(line.to_string()),
            _ => items.push(Item::Text(vec![line.to_string()])),
        }
    }
    items
}

pub(super) const OUTCOME_FIELDS: [Field; 3] = [
    Field::UnitKnowledge,
    Field::UnitSkills,
    Field::UnitCompetence,
];

/// A part's cells as the label pass goes through them, and what it has
/// gathered so far.
struct Pass<'p, 'w> {
    ctx: &'p Ctx<'p>,
    table: &'p Table,
    /// Cells the label pass reads (a grid's criteria rows are not).
    mask: &'p [bool],
    /// Each cell's lines as labels, intro phrases and text.
    parsed: Vec<Vec<Item<'w>>>,
    /// Cells whose text was taken, as a label or as a label's value.
    consumed: Vec<bool>,
    drafts: Vec<Draft>,
    seg: &'p mut Segment,
}

impl Pass<'_, '_> {
    /// The draft values go to: the last one, or a new one starting at `row`.
    fn draft(&mut self, row: u32) -> &mut Draft {
        current(&mut self.drafts, self.ctx, row)
    }
}

impl<'m> Words<'m> {
    /// Reads the labelled values of the cells in `mask` (a value in the
    /// label's own cell, else to its right, else below it), and splits them
    /// into drafts where a unit's title or code comes again. Text under no
    /// label is kept as an unmapped value.
    pub(super) fn read_labels(
        &self,
        ctx: &Ctx,
        table: &Table,
        mask: &[bool],
        seg: &mut Segment,
    ) -> Vec<Draft> {
        let parsed: Vec<Vec<Item>> = table
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if mask[i] {
                    parse_cell(self, &c.text)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut pass = Pass {
            ctx,
            table,
            mask,
            parsed,
            consumed: vec![false; table.cells.len()],
            drafts: Vec::new(),
            seg,
        };
        for (i, &read) in mask.iter().enumerate() {
            if !read || pass.consumed[i] || pass.parsed[i].is_empty() {
                continue;
            }
            pass.consumed[i] = true;
            self.read_cell(&mut pass, i);
        }
        pass.drafts
    }

    /// Reads the items of cell `i`: statements after an intro phrase, or
    /// labels with their values and text under no label.
    fn read_cell(&self, pass: &mut Pass<'_, '_>, i: usize) {
        // The cell's own items are read once (it is consumed): taken out, so
        // the pass can look at the other cells while reading them.
        let items = std::mem::take(&mut pass.parsed[i]);
        let (r0, c0) = (pass.table.cells[i].r0, pass.table.cells[i].c0);
        if let Some(Item::Intro(categories)) = items.first() {
            return self.read_intro(pass, i, *categories);
        }
        let count = items.len();
        for (k, item) in items.iter().enumerate() {
            match item {
                Item::Label { hit, lines } => self.read_label(pass, i, hit, lines, k + 1 == count),
                Item::Text(lines) => {
                    for line in lines {
                        self.unlabelled(pass, r0, c0, line, None);
                    }
                }
                Item::Intro(_) => {}
            }
        }
    }

    /// Statements introduced by "He/she knows:" without a Knowledge header:
    /// the first of the phrase's categories the draft has no statements of.
    fn read_intro(&self, pass: &mut Pass<'_, '_>, i: usize, categories: [bool; 3]) {
        let cell = &pass.table.cells[i];
        let (r0, c0, text) = (cell.r0, cell.c0, cell.text.clone());
        let (ctx, best) = (pass.ctx, pass.ctx.best);
        let draft = pass.draft(r0);
        let filled: Vec<bool> = OUTCOME_FIELDS
            .iter()
            .map(|f| draft.values.iter().any(|v| v.field == *f))
            .collect();
        let category = (0..3)
            .find(|&k| categories[k] && !filled[k])
            .or_else(|| (0..3).find(|&k| categories[k]))
            .unwrap_or(0);
        let field = OUTCOME_FIELDS[category];
        let label = text.lines().next().unwrap_or("").trim().to_string();
        draft.values.push(Found {
            field,
            language: ctx.language.to_string(),
            text,
            label: label.clone(),
            at: (r0, c0),
            sheet: ctx.sheet,
        });
        pass.seg.report.labels.push(LabelReport {
            cell: ctx.cell_name(r0, c0),
            label,
            field: field.path(),
            mapping: self.mappings[best].id.clone(),
        });
    }

    /// A label of cell `i` and its value: the lines after it in the cell,
    /// else (for the cell's last label) the cells right of it or below.
    fn read_label(
        &self,
        pass: &mut Pass<'_, '_>,
        i: usize,
        hit: &Hit<'_>,
        lines: &[String],
        last: bool,
    ) {
        let ctx = pass.ctx;
        let (r0, c0) = (pass.table.cells[i].r0, pass.table.cells[i].c0);
        let rule = hit
            .rules
            .iter()
            .find(|r| r.mapping == ctx.best)
            .unwrap_or(&hit.rules[0]);
        let field = rule.field;
        let mut leftover: Vec<String> = Vec::new();
        let (text, at) = if !lines.is_empty() {
            if one_line(field) {
                leftover.extend(lines[1..].iter().cloned());
                (lines[0].clone(), (r0, c0))
            } else {
                (lines.join("\n"), (r0, c0))
            }
        } else if last {
            self.value_around(pass, i, field)
        } else {
            (String::new(), (r0, c0))
        };
        pass.seg.report.labels.push(LabelReport {
            cell: ctx.cell_name(r0, c0),
            label: hit.label.clone(),
            field: match &rule.language {
                Some(l) => format!("{}@{l}", field.path()),
                None => field.path(),
            },
            mapping: self.mappings[rule.mapping].id.clone(),
        });
        for line in leftover {
            self.unlabelled(pass, r0, c0, &line, Some(&hit.label));
        }
        if text.trim().is_empty() {
            return;
        }
        if is_placeholder(&text) {
            pass.seg.diagnostics.push(
                Diagnostic::info(
                    Code::PlaceholderText,
                    ctx.loc(at.0, at.1),
                    format!("\"{}\" ({}) is the template's placeholder, not a value; it was not imported", shorten(text.trim(), 60), hit.label),
                )
                .with_hint("replace the placeholder with the real text"),
            );
            return;
        }
        let found = Found {
            field,
            language: self.value_language(pass, rule, r0),
            text,
            label: hit.label.clone(),
            at,
            sheet: ctx.sheet,
        };
        self.add_found(pass, found, r0);
    }

    /// The text of the cells around label cell `i` that hold its value, and
    /// where it starts; those cells are consumed.
    fn value_around(
        &self,
        pass: &mut Pass<'_, '_>,
        i: usize,
        field: Field,
    ) -> (String, (u32, u32)) {
        let table = pass.table;
        let cells = self.neighbours(pass, i, field);
        for &j in &cells {
            pass.consumed[j] = true;
        }
        let label = &table.cells[i];
        let at = cells.first().map_or((label.r0, label.c0), |&j| {
            (table.cells[j].r0, table.cells[j].c0)
        });
        let text: Vec<&str> = cells
            .iter()
            .map(|&j| table.cells[j].text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        (text.join("\n"), at)
    }

    /// The language of a label's value: the label's own, else the part's.
    /// A bilingual template names a text field once per language: the second
    /// label, of another mapping, gives that mapping's language.
    fn value_language(&self, pass: &mut Pass<'_, '_>, rule: &LabelRule, row: u32) -> String {
        let ctx = pass.ctx;
        let language = rule
            .language
            .clone()
            .unwrap_or_else(|| ctx.language.to_string());
        let draft = pass.draft(row);
        let own = &self.mappings[rule.mapping].language;
        if rule.language.is_none()
            && rule.mapping != ctx.best
            && draft.has_value(rule.field, &language)
            && !draft.has_value(rule.field, own)
            && rule.field.kind().is_multilingual()
        {
            return own.clone();
        }
        language
    }

    /// Adds a value to the current draft; a unit's title or code it already
    /// has (in that language) starts the next unit.
    fn add_found(&self, pass: &mut Pass<'_, '_>, found: Found, row: u32) {
        let ctx = pass.ctx;
        if matches!(found.field, Field::UnitTitle | Field::UnitCode)
            && pass.draft(row).has_value(found.field, &found.language)
        {
            pass.drafts.push(Draft::new(
                DraftKind::Unit,
                ctx.sheet,
                row,
                ctx.best,
                ctx.language,
            ));
        }
        pass.draft(row).values.push(found);
    }

    /// Text under no label: kept with the record as an unmapped value, and
    /// noted (paragraphs outside tables are prose and are left alone).
    fn unlabelled(&self, pass: &mut Pass<'_, '_>, r: u32, c: u32, line: &str, after: Option<&str>) {
        let ctx = pass.ctx;
        if ctx.text_part || line.trim().is_empty() {
            return;
        }
        let place = format!("{} {}", ctx.sheet_name, ctx.cell_name(r, c));
        pass.seg.diagnostics.push(Diagnostic::info(
            Code::UnlabelledText,
            ctx.loc(r, c),
            format!(
                "\"{}\"{} is under no label europass knows; it is kept as an unmapped value",
                shorten(line.trim(), 60),
                after
                    .map(|l| format!(" (after the one-line value of \"{l}\")"))
                    .unwrap_or_default()
            ),
        ));
        let draft = pass.draft(r);
        draft.unmapped.push((place, line.trim().to_string()));
    }

    /// The value cells of a label cell that holds no value itself: those to
    /// its right, or (when there are none, or they are labels too, as in a
    /// row of headers) those below. Statement lists go on down while the
    /// cells below stay within the label's columns.
    fn neighbours(&self, pass: &Pass<'_, '_>, i: usize, field: Field) -> Vec<usize> {
        let table = pass.table;
        let usable = |j: usize| pass.mask[j] && !pass.consumed[j] && j != i;
        let is_label = |j: usize| matches!(pass.parsed[j].first(), Some(Item::Label { .. }));
        let right: Vec<usize> = table
            .right_of(i)
            .into_iter()
            .filter(|&j| usable(j))
            .collect();
        let right_label = right.iter().any(|&j| is_label(j));
        let right_text = right
            .iter()
            .any(|&j| !table.cells[j].text.trim().is_empty());
        if !right.is_empty() && !right_label && right_text {
            return right;
        }
        if right.is_empty() || right_label {
            let below = below(pass.ctx, table, i, field, &usable, &is_label);
            if !below.is_empty() {
                return below;
            }
        }
        if right_label { Vec::new() } else { right }
    }
}

/// The cells below label cell `i` that hold its value (see [`Words::neighbours`]).
fn below(
    ctx: &Ctx,
    table: &Table,
    i: usize,
    field: Field,
    usable: &dyn Fn(usize) -> bool,
    is_label: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let label = &table.cells[i];
    let many = field.kind() == Kind::Outcomes;
    let mut out: Vec<usize> = Vec::new();
    let mut r = label.r1 + 1;
    while r < table.rows {
        let under = table.under(i, r);
        if under.is_empty() {
            // Covered by a taller cell already taken, or by one from elsewhere.
            let covered_by_ours = (label.c0..=label.c1)
                .all(|c| table.cell_at(r, c).is_some_and(|j| out.contains(&j)));
            if !covered_by_ours || out.is_empty() {
                break;
            }
            r += 1;
            continue;
        }
        if under.iter().any(|&j| !usable(j) || is_label(j)) {
            break;
        }
        let first = out.is_empty();
        if !first
            && under
                .iter()
                .any(|&j| table.cells[j].c0 < label.c0 || table.cells[j].c1 > label.c1)
        {
            break;
        }
        if ctx.text_part && !first {
            // Paragraphs: a list goes on while its lines are items or sub-headings.
            let line = table.cells[under[0]].text.trim();
            if !is_list_line(line) && !line.ends_with(':') {
                break;
            }
        }
        out.extend(under.iter().copied());
        if !many {
            break;
        }
        r = under.iter().map(|&j| table.cells[j].r1).max().unwrap_or(r) + 1;
    }
    out
}
