//! Labelled values: each cell's lines read as labels and the values after
//! them (in the same cell, to the right, or below), statements introduced
//! by a phrase, and text under no label; a unit's title or code coming
//! again starts the next unit.

use super::LabelReport;
use super::draft::{
    Ctx, Draft, DraftKind, Found, Segment, current, is_placeholder, one_line, shorten,
};
use super::table::Table;
use super::words::{Hit, Words, is_list_line};
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
        let mut consumed = vec![false; table.cells.len()];
        let mut drafts: Vec<Draft> = Vec::new();
        for i in 0..table.cells.len() {
            if !mask[i] || consumed[i] || parsed[i].is_empty() {
                continue;
            }
            consumed[i] = true;
            let (r0, c0) = (table.cells[i].r0, table.cells[i].c0);
            if let Some(Item::Intro(categories)) = parsed[i].first() {
                // Statements introduced by "He/she knows:" without a Knowledge header.
                let draft = current(&mut drafts, ctx, r0);
                let filled: Vec<bool> = OUTCOME_FIELDS
                    .iter()
                    .map(|f| draft.values.iter().any(|v| v.field == *f))
                    .collect();
                let category = (0..3)
                    .find(|&k| categories[k] && !filled[k])
                    .or_else(|| (0..3).find(|&k| categories[k]))
                    .unwrap_or(0);
                let field = OUTCOME_FIELDS[category];
                let label = table.cells[i]
                    .text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                seg.report.labels.push(LabelReport {
                    cell: ctx.cell_name(r0, c0),
                    label: label.clone(),
                    field: field.path(),
                    mapping: self.mappings[ctx.best].id.clone(),
                });
                draft.values.push(Found {
                    field,
                    language: ctx.language.to_string(),
                    text: table.cells[i].text.clone(),
                    label,
                    at: (r0, c0),
                    sheet: ctx.sheet,
                });
                continue;
            }
            let count = parsed[i].len();
            for (k, item) in parsed[i].iter().enumerate() {
                match item {
                    Item::Label { hit, lines } => {
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
                        } else if k + 1 == count {
                            let cells =
                                self.neighbours(ctx, table, i, field, &parsed, &consumed, mask);
                            for &j in &cells {
                                consumed[j] = true;
                            }
                            let at = cells
                                .first()
                                .map_or((r0, c0), |&j| (table.cells[j].r0, table.cells[j].c0));
                            let text: Vec<&str> = cells
                                .iter()
                                .map(|&j| table.cells[j].text.trim())
                                .filter(|t| !t.is_empty())
                                .collect();
                            (text.join("\n"), at)
                        } else {
                            (String::new(), (r0, c0))
                        };
                        seg.report.labels.push(LabelReport {
                            cell: ctx.cell_name(r0, c0),
                            label: hit.label.clone(),
                            field: match &rule.language {
                                Some(l) => format!("{}@{l}", field.path()),
                                None => field.path(),
                            },
                            mapping: self.mappings[rule.mapping].id.clone(),
                        });
                        for line in leftover {
                            self.unlabelled(ctx, &mut drafts, r0, c0, &line, Some(&hit.label), seg);
                        }
                        if text.trim().is_empty() {
                            continue;
                        }
                        if is_placeholder(&text) {
                            seg.diagnostics.push(
                                Diagnostic::info(
                                    Code::PlaceholderText,
                                    ctx.loc(at.0, at.1),
                                    format!("\"{}\" ({}) is the template's placeholder, not a value; it was not imported", shorten(text.trim(), 60), hit.label),
                                )
                                .with_hint("replace the placeholder with the real text"),
                            );
                            continue;
                        }
                        let mut language = rule
                            .language
                            .clone()
                            .unwrap_or_else(|| ctx.language.to_string());
                        let draft = current(&mut drafts, ctx, r0);
                        let taken = |d: &Draft, lang: &str| {
                            d.values
                                .iter()
                                .any(|v| v.field == field && v.language == lang)
                        };
                        // A bilingual template names a text field once per
                        // language: the second label's own language.
                        let own = &self.mappings[rule.mapping].language;
                        if rule.language.is_none()
                            && rule.mapping != ctx.best
                            && taken(draft, &language)
                            && !taken(draft, own)
                            && field.kind().is_multilingual()
                        {
                            language = own.clone();
                        }
                        if matches!(field, Field::UnitTitle | Field::UnitCode)
                            && taken(draft, &language)
                        {
                            drafts.push(Draft::new(
                                DraftKind::Unit,
                                ctx.sheet,
                                r0,
                                ctx.best,
                                ctx.language,
                            ));
                        }
                        let draft = current(&mut drafts, ctx, r0);
                        draft.values.push(Found {
                            field,
                            language,
                            text,
                            label: hit.label.clone(),
                            at,
                            sheet: ctx.sheet,
                        });
                    }
                    Item::Text(lines) => {
                        for line in lines {
                            self.unlabelled(ctx, &mut drafts, r0, c0, line, None, seg);
                        }
                    }
                    Item::Intro(_) => {}
                }
            }
        }
        drafts
    }

    /// Text under no label: kept with the record as an unmapped value, and
    /// noted (paragraphs outside tables are prose and are left alone).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn unlabelled(
        &self,
        ctx: &Ctx,
        drafts: &mut Vec<Draft>,
        r: u32,
        c: u32,
        line: &str,
        after: Option<&str>,
        seg: &mut Segment,
    ) {
        if ctx.text_part || line.trim().is_empty() {
            return;
        }
        let place = format!("{} {}", ctx.sheet_name, ctx.cell_name(r, c));
        seg.diagnostics.push(Diagnostic::info(
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
        let draft = current(drafts, ctx, r);
        draft.unmapped.push((place, line.trim().to_string()));
    }

    /// The value cells of a label cell that holds no value itself: those to
    /// its right, or (when there are none, or they are labels too, as in a
    /// row of headers) those below. Statement lists go on down while the
    /// cells below stay within the label's columns.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn neighbours(
        &self,
        ctx: &Ctx,
        table: &Table,
        i: usize,
        field: Field,
        parsed: &[Vec<Item>],
        consumed: &[bool],
        mask: &[bool],
    ) -> Vec<usize> {
        let usable = |j: usize| mask[j] && !consumed[j] && j != i;
        let is_label = |j: usize| matches!(parsed[j].first(), Some(Item::Label { .. }));
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
            let below = self.below(ctx, table, i, field, &usable, &is_label);
            if !below.is_empty() {
                return below;
            }
        }
        if right_label { Vec::new() } else { right }
    }

    pub(super) fn below(
        &self,
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
}
