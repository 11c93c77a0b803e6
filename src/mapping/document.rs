//! Word documents in the mapping stage: what each table of a `.docx` is, and
//! the records it gives.
//!
//! The Word reader ([`crate::import::word`]) gives the tables and the runs of
//! paragraphs between them. Here each is recognised, with the label
//! words of the mapping files (their `[labels]` and their column headers, which
//! are labels too), as
//! - a **unit description**: label cells ("Name of the Unit:", "EQF-level: 4",
//!   values in the same cell, to the right or below) and a Knowledge / Skills /
//!   Competence block whose cells hold bullet lists; several units per table
//!   or per file;
//! - an **assessment grid**: a row of rating columns whose headers are exactly
//!   the values of one grading scheme (1 / 2 / 3 → `fi-1-3`), criteria rows
//!   below marked with a cross, tick or ticked box, and header fields
//!   (learner, unit, date, assessor, host, remarks) around it;
//! - **labels** only (a table or paragraphs of header fields above or below
//!   a grid or unit), whose values go to the unit or grid they belong to;
//! - or nothing europass knows, reported.
//!
//! Every unit or grid becomes a row record, joined by the assembly stage
//! like a spreadsheet row, so a unit described in Word and assessed in a
//! workbook is one unit. A grid only refers to its learner and
//! unit: one that no other input describes is reported.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::records::RowRecord;
use super::rows::{RowCounts, set_field};
use super::spec::{Mapping, SheetRole};
use super::{ReadGrade, SheetReport};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::word::{Document, Part};
use crate::import::{CellValue, Sheet, Visibility};
use crate::model::fields::{Entity, Field, Kind};
use crate::model::{CriterionRating, Grade, GradingScheme, MultilingualText};
use crate::provenance::SheetInfo;
use crate::schemes::SchemeRegistry;
use crate::text::{fold, word_key};

/// What a table (or a run of paragraphs) of a Word document was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recognised {
    /// One or more unit descriptions.
    UnitDescription,
    /// An assessment grid.
    AssessmentGrid,
    /// Labelled values that belong to a unit or grid elsewhere in the file.
    Labels,
    /// Paragraphs without labels.
    Text,
    /// Nothing europass knows.
    NotRecognised,
}

impl Recognised {
    /// The words `inspect` shows.
    pub fn describe(self) -> &'static str {
        match self {
            Recognised::UnitDescription => "unit description",
            Recognised::AssessmentGrid => "assessment grid",
            Recognised::Labels => "labels only",
            Recognised::Text => "text without labels",
            Recognised::NotRecognised => "not recognised",
        }
    }
}

/// One label that matched.
#[derive(Clone, Debug, Serialize)]
pub struct LabelReport {
    /// The cell (`B3`) holding the label.
    pub cell: String,
    /// The label as written.
    pub label: String,
    /// The field it names (`unit.title`, `unit.knowledge@lv`).
    pub field: String,
    /// The mapping that knows the label.
    pub mapping: String,
}

/// What was understood of an assessment grid.
#[derive(Clone, Debug, Serialize)]
pub struct GridReport {
    /// 1-based row of the rating column headers.
    pub header_row: u32,
    /// The rating column headers, left to right.
    pub columns: Vec<String>,
    /// The grading scheme the ratings were read on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Criteria rows.
    pub criteria: usize,
    /// Criteria with exactly one mark.
    pub rated: usize,
}

/// What was understood of one table or run of paragraphs.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentTableReport {
    /// What it was read as.
    pub recognised_as: Recognised,
    /// The mapping whose labels matched best.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<String>,
    /// The language its texts were read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Every label that matched.
    pub labels: Vec<LabelReport>,
    /// Titles (or codes) of the units read from it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// The grid, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<GridReport>,
    /// Where its labelled values went, when they belong to another table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached_to: Vec<String>,
}

/// A unit or grid of a Word document read into a row record, to be joined
/// like a sheet's row.
pub(crate) struct WordRecord<'m> {
    /// The mapping whose labels read it: its grading schemes grade it.
    pub mapping: &'m Mapping,
    /// The part it was read from, as a sheet of its own.
    pub sheet: SheetInfo,
    /// Its 1-based row in the part.
    pub row: u32,
    /// What it says.
    pub record: RowRecord,
}

/// Recognises every table and run of paragraphs of a Word document and
/// reads its units and grids into records. `user` is the mapping given with
/// `--mapping`, whose labels are tried first; the shipped mappings' labels
/// are always known too, so an English template filled in by a Latvian
/// school is read. Returns the records and what was understood of each part.
pub(crate) fn recognise<'m>(
    document: &Document,
    user: Option<&'m Mapping>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<WordRecord<'m>>, Vec<SheetReport>) {
    let mut mappings: Vec<&'m Mapping> = Vec::new();
    if let Some(m) = user {
        mappings.push(m);
    }
    mappings.extend(
        Mapping::shipped()
            .iter()
            .filter(|m| user.is_none_or(|u| u.id != m.id)),
    );
    let words = Words::new(&mappings);
    let file = document.file.as_str();
    let mut segments: Vec<Segment> = document
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| words.read_part(file, i, part))
        .collect();
    // A table without words of its own (a grid of criteria and ratings)
    // is in the language of the rest of the document.
    let mut totals = vec![0usize; mappings.len()];
    for s in &segments {
        for (t, h) in totals.iter_mut().zip(&s.hits) {
            *t += h;
        }
    }
    let document_best = best_of(&totals);
    for s in &mut segments {
        diags.append(&mut s.diagnostics);
        if s.hits.iter().all(|h| *h == 0) {
            for d in &mut s.drafts {
                d.mapping = document_best;
                d.language = mappings[document_best].language.clone();
            }
            if s.report.recognised_as == Recognised::AssessmentGrid {
                s.report.language = Some(mappings[document_best].language.clone());
            }
        }
    }
    let drafts = join_segments(file, document, &mut segments, diags);

    let mut counts: Vec<RowCounts> = vec![RowCounts::default(); segments.len()];
    for s in &segments {
        if s.report.recognised_as == Recognised::NotRecognised {
            counts[s.sheet].read += 1;
            counts[s.sheet].reported += 1;
        }
    }
    let mut records = Vec::new();
    for draft in drafts {
        let sheet = draft.sheet;
        counts[sheet].read += 1;
        let (record, scheme) = words.to_record(file, document, &draft, diags);
        if let Some(g) = segments[sheet].report.grid.as_mut()
            && scheme.is_some()
        {
            g.scheme = scheme;
        }
        match record {
            Some(record) => {
                let mapping = words.mappings[draft.mapping];
                records.push(WordRecord {
                    mapping,
                    sheet: SheetInfo {
                        file: file.to_string(),
                        sheet: document.parts[sheet].name(),
                        columns: HashMap::new(),
                        language: draft.language.clone(),
                        country: mapping.country.clone(),
                        references: draft.kind == DraftKind::Grid,
                    },
                    row: draft.row + 1,
                    record,
                });
                counts[sheet].records += 1;
            }
            None => counts[sheet].reported += 1,
        }
    }
    if records.is_empty() {
        diags.push(nothing_recognised(file, document, &segments));
    }
    let reports = segments
        .into_iter()
        .map(|s| SheetReport {
            name: document.parts[s.sheet].name(),
            visibility: Visibility::Visible,
            role: match s.report.recognised_as {
                Recognised::UnitDescription => Some(SheetRole::Units),
                Recognised::AssessmentGrid => Some(SheetRole::Ratings),
                _ => None,
            },
            role_from_name: false,
            header_row: s.report.grid.as_ref().map(|g| g.header_row),
            columns: Vec::new(),
            rows: counts[s.sheet],
            document: Some(s.report),
        })
        .collect();
    (records, reports)
}

fn nothing_recognised(file: &str, document: &Document, segments: &[Segment]) -> Diagnostic {
    let tables = document.parts.iter().filter(|p| !p.is_text()).count();
    let paragraphs: u32 = document
        .parts
        .iter()
        .map(|p| match p {
            Part::Paragraphs(p) => p.lines.len() as u32,
            Part::Table(_) => 0,
        })
        .sum();
    let labels: usize = segments.iter().map(|s| s.report.labels.len()).sum();
    Diagnostic::error(
        Code::NothingRecognised,
        Location::file(file),
        format!(
            "no unit description and no assessment grid was found in this Word document ({tables} table{}, {paragraphs} paragraph{} outside tables, {labels} label{} recognised): nothing was imported from it",
            plural(tables),
            plural(paragraphs as usize),
            plural(labels)
        ),
    )
    .with_hint("run `europass inspect` on the file to see each table and the labels found; a unit needs a title label (\"Name of the Unit\") and Knowledge / Skills / Competence, a grid rating columns headed by a scale (1 2 3); add your template's words under [labels] in a mapping file (see mappings/README.md) and pass it with --mapping")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Fields a Word label may name: everything but the rows of organisation and
/// ratings sheets, which have no place in a document.
fn document_field(f: Field) -> bool {
    !matches!(f.entity(), Entity::Organisation | Entity::Rating)
}

/// Characters that start a list item: such a line is a statement, never a label.
const LIST_MARKS: &[char] = &[
    '•', '·', '▪', '◦', '○', '►', '▸', '‣', '⁃', '-', '–', '—', '*', '\u{f0b7}', '\u{f0a7}',
    '\u{f076}', '\u{f0d8}', '\u{f0fc}', '➢', '→',
];

fn is_list_line(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if LIST_MARKS.contains(&c) => true,
        Some('o') => chars.next().is_some_and(|c| c == ' ' || c == '\t'),
        _ => false,
    }
}

/// A line without its list marker ("• Teamwork" → "Teamwork").
fn without_list_mark(line: &str) -> &str {
    let t = line.trim();
    if is_list_line(t) {
        let mut chars = t.chars();
        chars.next();
        chars.as_str().trim()
    } else {
        t
    }
}

/// One way a label names a field.
#[derive(Clone, Debug)]
struct LabelRule {
    mapping: usize,
    field: Field,
    language: Option<String>,
}

/// A label found at the start of a line, and the value after it.
#[derive(Clone, Debug)]
struct Hit<'w> {
    rules: &'w [LabelRule],
    label: String,
    value: String,
}

/// The label words of every mapping in play.
struct Words<'m> {
    mappings: Vec<&'m Mapping>,
    labels: HashMap<String, Vec<LabelRule>>,
    intro: HashMap<String, [bool; 3]>,
    marks: HashSet<String>,
    blanks: HashSet<String>,
    criteria: HashSet<String>,
}

impl<'m> Words<'m> {
    fn new(mappings: &[&'m Mapping]) -> Self {
        let mut labels: HashMap<String, Vec<LabelRule>> = HashMap::new();
        let mut intro: HashMap<String, [bool; 3]> = HashMap::new();
        let mut marks = HashSet::new();
        let mut blanks = HashSet::new();
        let mut criteria = HashSet::new();
        for (mi, m) in mappings.iter().enumerate() {
            // A mapping's own document labels come before its column headers.
            for rule in m.labels.fields.iter().chain(m.columns.iter()) {
                if !document_field(rule.field) {
                    continue;
                }
                for alias in &rule.aliases {
                    let list = labels.entry(alias.folded.clone()).or_default();
                    if !list.iter().any(|r| r.mapping == mi) {
                        list.push(LabelRule {
                            mapping: mi,
                            field: rule.field,
                            language: rule.language.clone(),
                        });
                    }
                }
            }
            for (category, phrases) in m.labels.intro.iter().enumerate() {
                for p in phrases {
                    intro.entry(p.clone()).or_default()[category] = true;
                }
            }
            marks.extend(m.labels.marks.iter().cloned());
            blanks.extend(m.labels.blanks.iter().cloned());
            criteria.extend(m.labels.criteria.iter().cloned());
        }
        Self {
            mappings: mappings.to_vec(),
            labels,
            intro,
            marks,
            blanks,
            criteria,
        }
    }

    /// The label a line starts with: "Label: value", "Label<tab>value", or
    /// the whole line.
    fn label(&self, line: &str) -> Option<Hit<'_>> {
        let t = line.trim();
        if t.is_empty() || is_list_line(t) {
            return None;
        }
        for sep in [':', '：', '\t'] {
            if let Some((k, v)) = t.split_once(sep)
                && let Some(rules) = self.key(k)
            {
                return Some(Hit {
                    rules,
                    label: k.trim().to_string(),
                    value: v.trim().to_string(),
                });
            }
        }
        self.key(t).map(|rules| Hit {
            rules,
            label: t.trim_end_matches([':', '.']).to_string(),
            value: String::new(),
        })
    }

    fn key(&self, k: &str) -> Option<&[LabelRule]> {
        let k = k.trim();
        if k.is_empty() || k.chars().count() > 80 {
            return None;
        }
        if let Some(r) = self.labels.get(&fold(k)) {
            return Some(r);
        }
        if let Some(stripped) = without_brackets(k)
            && let Some(r) = self.labels.get(&fold(&stripped))
        {
            return Some(r);
        }
        // Bilingual templates: "Vienības nosaukums / Name of the Unit".
        if k.contains('/') {
            let pieces: Vec<Option<&Vec<LabelRule>>> = k
                .split('/')
                .map(fold)
                .filter(|p| !p.is_empty())
                .map(|p| self.labels.get(&p))
                .collect();
            let first = pieces.iter().flatten().next()?;
            let same = pieces
                .iter()
                .flatten()
                .all(|r| r[0].field == first[0].field);
            if pieces.len() >= 2 && same {
                return Some(first);
            }
        }
        None
    }

    /// The categories a line introduces ("He/she knows:"), if it is an intro phrase.
    fn intro(&self, line: &str) -> Option<[bool; 3]> {
        let t = line.trim();
        if is_list_line(t) {
            return None;
        }
        if let Some(c) = self.intro.get(&fold(t)) {
            return Some(*c);
        }
        let (k, _) = t.split_once(':')?;
        self.intro.get(&fold(k)).copied()
    }

    /// A statement list without its intro lines ("He/she knows:" is a label,
    /// "He/she is able to: diagnose" keeps "diagnose").
    fn strip_intro(&self, text: &str) -> String {
        let mut out = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if !is_list_line(t) {
                if self.intro.contains_key(&fold(t)) {
                    continue;
                }
                if let Some((k, rest)) = t.split_once(':')
                    && self.intro.contains_key(&fold(k))
                {
                    if !rest.trim().is_empty() {
                        out.push(rest.trim().to_string());
                    }
                    continue;
                }
            }
            out.push(line.to_string());
        }
        out.join("\n")
    }

    fn is_mark(&self, text: &str, column_value: &str) -> bool {
        let t = text.trim();
        self.marks.contains(&word_key(t)) || (!t.is_empty() && fold(t) == fold(column_value))
    }

    fn is_blank(&self, text: &str) -> bool {
        let t = text.trim();
        t.is_empty() || self.blanks.contains(&word_key(t))
    }

    /// Every grading scheme known to the mappings in play, with the registry that reads it.
    fn schemes(&self) -> Vec<(&GradingScheme, &SchemeRegistry)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for m in &self.mappings {
            for s in m.schemes.all() {
                if seen.insert(s.id.clone()) {
                    out.push((s, &m.schemes));
                }
            }
        }
        out
    }
}

/// "Vārds (pilns)" → "Vārds".
fn without_brackets(s: &str) -> Option<String> {
    let open = s.find('(')?;
    let close = s[open..].find(')')? + open;
    let out = format!("{}{}", &s[..open], &s[close + 1..]);
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// A cell of a table (merged cells once, at their top-left).
#[derive(Clone, Debug)]
struct Cell {
    r0: u32,
    c0: u32,
    r1: u32,
    c1: u32,
    text: String,
}

/// A table as cells with ranges, and which cell covers each position.
struct Table {
    cells: Vec<Cell>,
    at: Vec<Vec<usize>>,
    rows: u32,
    cols: u32,
}

impl Table {
    /// A part's cells: a table's, or one per line of paragraphs.
    fn of(part: &Part) -> Self {
        match part {
            Part::Table(t) => Self::new(&t.cells),
            Part::Paragraphs(p) => Self::lines(&p.lines),
        }
    }

    /// Lines of paragraphs, one cell each in a column.
    fn lines(lines: &[String]) -> Self {
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

    fn new(sheet: &Sheet) -> Self {
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

    fn cell_at(&self, r: u32, c: u32) -> Option<usize> {
        self.at
            .get(r as usize)?
            .get(c as usize)
            .copied()
            .filter(|i| *i != usize::MAX)
    }

    /// The cells just right of cell `i`, over its rows.
    fn right_of(&self, i: usize) -> Vec<usize> {
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
    fn under(&self, i: usize, r: u32) -> Vec<usize> {
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
    fn row(&self, r: u32) -> Vec<usize> {
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

/// What a line of a cell is.
#[derive(Debug)]
enum Item<'w> {
    /// A label and the lines after it in the same cell.
    Label { hit: Hit<'w>, lines: Vec<String> },
    /// An intro phrase ("He/she knows:"): the cell is a statement list.
    Intro([bool; 3]),
    /// Lines without a label.
    Text(Vec<String>),
}

fn parse_cell<'w>(words: &'w Words<'_>, text: &str) -> Vec<Item<'w>> {
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

/// A value found for a field.
#[derive(Clone, Debug)]
struct Found {
    field: Field,
    language: String,
    text: String,
    /// The label as written, for messages.
    label: String,
    /// Where the value is (row, column), 0-based.
    at: (u32, u32),
    /// The sheet it was found on.
    sheet: usize,
}

/// A rating read from a grid row.
#[derive(Clone, Debug)]
struct Rated {
    criterion: String,
    value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DraftKind {
    Unit,
    Grid,
    Fields,
}

/// A unit, grid or set of loose values, before it becomes a record.
#[derive(Clone, Debug)]
struct Draft {
    kind: DraftKind,
    sheet: usize,
    row: u32,
    mapping: usize,
    language: String,
    values: Vec<Found>,
    criteria: Vec<Rated>,
    /// For a grid: the schemes whose values head its rating columns.
    schemes: Vec<String>,
    /// For a grid: the rating column headers.
    columns: Vec<String>,
    unmapped: Vec<(String, String)>,
}

impl Draft {
    fn new(kind: DraftKind, sheet: usize, row: u32, mapping: usize, language: &str) -> Self {
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

    fn has(&self, f: impl Fn(Field) -> bool) -> bool {
        self.values.iter().any(|v| f(v.field))
    }

    fn names_unit(&self) -> bool {
        self.has(|f| matches!(f, Field::UnitTitle | Field::UnitCode))
    }

    fn has_outcomes(&self) -> bool {
        self.has(|f| f.kind() == Kind::Outcomes)
    }

    /// Whether the values describe a unit: more than naming it (a grid's
    /// "Unit:" label only names the unit it assesses).
    fn is_unit(&self) -> bool {
        self.has(|f| f.entity() == Entity::Unit && !matches!(f, Field::UnitTitle | Field::UnitCode))
    }

    fn title(&self) -> String {
        self.values
            .iter()
            .find(|v| v.field == Field::UnitTitle)
            .or_else(|| self.values.iter().find(|v| v.field == Field::UnitCode))
            .map(|v| v.text.lines().next().unwrap_or("").to_string())
            .unwrap_or_else(|| UNTITLED.into())
    }
}

/// How a unit without a title is named in reports.
const UNTITLED: &str = "(untitled)";

/// What one sheet gave.
struct Segment {
    sheet: usize,
    /// Labels matched per mapping.
    hits: Vec<usize>,
    drafts: Vec<Draft>,
    report: DocumentTableReport,
    diagnostics: Vec<Diagnostic>,
}

/// Fields whose value is one line; lines after the first in the label's cell
/// are not part of it.
fn one_line(field: Field) -> bool {
    !matches!(field.kind(), Kind::Text | Kind::Outcomes)
}

/// The index of the largest count; the first on a tie (the user's mapping,
/// then the shipped order).
fn best_of(counts: &[usize]) -> usize {
    counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(0, |(i, _)| i)
}

/// A template's unfilled placeholder: "<brief overview of the steps>", "[…]", "…".
fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('<') && t.ends_with('>'))
        || (t.starts_with('[') && t.ends_with(']'))
        || t.chars().all(|c| matches!(c, '.' | '…' | '_' | ' '))
}

/// The first token of a rating column header: "1", "2 = good" → "2".
fn scale_token(text: &str) -> &str {
    let t = text.trim();
    let end = t
        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '(' | ':' | '–' | '-' | ')'))
        .unwrap_or(t.len());
    t[..end].trim_end_matches(['.', ')'])
}

/// A grid's rating columns and the scheme they are headed by.
struct GridLayout {
    header_row: u32,
    /// (value on the scheme, first column, last column, header text).
    columns: Vec<(String, u32, u32, String)>,
    schemes: Vec<String>,
}

impl<'m> Words<'m> {
    fn read_part(&self, file: &str, index: usize, part: &Part) -> Segment {
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
            None => {
                let units: Vec<Draft> = drafts.iter().filter(|d| d.is_unit()).cloned().collect();
                if !units.is_empty() {
                    seg.report.recognised_as = Recognised::UnitDescription;
                    // Values before the first unit's title belong to it.
                    let mut units = units;
                    for d in drafts.into_iter().filter(|d| !d.is_unit()) {
                        units[0].values.extend(d.values);
                        units[0].unmapped.extend(d.unmapped);
                    }
                    seg.report.units = units.iter().map(Draft::title).collect();
                    seg.drafts = units;
                } else if drafts.iter().any(|d| !d.values.is_empty()) {
                    seg.report.recognised_as = Recognised::Labels;
                    let mut fields = Draft::new(DraftKind::Fields, index, 0, best, &language);
                    for d in drafts {
                        fields.values.extend(d.values);
                        fields.unmapped.extend(d.unmapped);
                    }
                    fields.row = fields.values.first().map_or(0, |v| v.at.0);
                    seg.drafts.push(fields);
                } else if part.is_text() || table.cells.iter().all(|c| c.text.trim().is_empty()) {
                    seg.report.recognised_as = Recognised::Text;
                } else {
                    let first = table
                        .cells
                        .iter()
                        .find(|c| !c.text.trim().is_empty())
                        .map(|c| c.text.lines().next().unwrap_or("").trim().to_string())
                        .unwrap_or_default();
                    seg.diagnostics.push(
                        Diagnostic::warning(
                            Code::TableNotRecognised,
                            Location::sheet(file, &sheet_name),
                            format!(
                                "the table ({} row{} × {} column{}, starting \"{}\") is neither a unit description nor an assessment grid; it was not read",
                                table.rows,
                                plural(table.rows as usize),
                                table.cols,
                                plural(table.cols as usize),
                                shorten(&first, 60)
                            ),
                        )
                        .with_hint("if it holds a unit or a grid, see `europass inspect` for the labels europass knows, and add your template's words under [labels] in a mapping file"),
                    );
                }
            }
        }
        if !seg.report.labels.is_empty() || seg.report.recognised_as == Recognised::AssessmentGrid {
            let what = seg.report.recognised_as.describe();
            let labels: Vec<String> = seg
                .report
                .labels
                .iter()
                .map(|l| format!("\"{}\" → {}", l.label, l.field))
                .collect();
            seg.diagnostics.push(Diagnostic::info(
                Code::TableRecognised,
                Location::sheet(file, &sheet_name),
                format!(
                    "read as {what} with the labels of mapping \"{}\" (texts in {language}){}",
                    self.mappings[best].id,
                    if labels.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", labels.join(", "))
                    }
                ),
            ));
        }
        seg
    }

    /// The mapping whose labels match most cells of the table (the user's
    /// mapping, then the shipped order, on a tie), and how many matched.
    fn best_mapping(&self, table: &Table) -> (usize, Vec<usize>) {
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

    /// Finds the row of rating column headers: cells that are exactly the
    /// values of one scheme.
    fn grid_layout(&self, table: &Table) -> Option<GridLayout> {
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
}

/// Where a sheet is, for values and messages.
struct Ctx<'a> {
    file: &'a str,
    sheet_name: &'a str,
    sheet: usize,
    best: usize,
    language: &'a str,
    text_part: bool,
}

impl Ctx<'_> {
    fn loc(&self, row: u32, col: u32) -> Location {
        if self.text_part {
            Location::row(self.file, self.sheet_name, row + 1)
        } else {
            Location::cell(self.file, self.sheet_name, row + 1, col)
        }
    }

    fn cell_name(&self, row: u32, col: u32) -> String {
        if self.text_part {
            format!("line {}", row + 1)
        } else {
            format!("{}{}", crate::diagnostics::column_name(col), row + 1)
        }
    }
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

impl<'m> Words<'m> {
    /// Reads the criteria rows of a grid; marks the cells it used in `mask`
    /// so the label pass reads only the rest.
    fn read_grid(
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
        let first_col = layout.columns.iter().map(|c| c.1).min().unwrap_or(0);
        let last_col = layout.columns.iter().map(|c| c.2).max().unwrap_or(0);
        // The header row's rating cells are not labels.
        for (_, c0, _, _) in &layout.columns {
            if let Some(j) = table.cell_at(layout.header_row, *c0) {
                mask[j] = false;
            }
        }
        for &j in &table.row(layout.header_row) {
            let cell = &table.cells[j];
            if cell.c1 < first_col && self.criteria.contains(&fold(&cell.text)) {
                mask[j] = false;
            }
        }
        let mut criteria = 0;
        let mut rated = 0;
        for r in layout.header_row + 1..table.rows {
            let row = table.row(r);
            let starts_here: Vec<usize> = row
                .iter()
                .copied()
                .filter(|&j| table.cells[j].r0 == r)
                .collect();
            if starts_here.is_empty() {
                continue;
            }
            // A cell across the criterion and rating columns (a section
            // heading, remarks, signatures) is not a criteria row.
            let spanning = row.iter().any(|&j| {
                let c = &table.cells[j];
                (c.c0 < first_col && c.c1 >= first_col)
                    || layout
                        .columns
                        .iter()
                        .filter(|(_, c0, c1, _)| c.c0 <= *c1 && c.c1 >= *c0)
                        .count()
                        > 1
            });
            if spanning {
                continue;
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
                continue;
            }
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
                continue;
            }
            // This is a criteria row: its cells are not labels.
            for &j in &row {
                let c = &table.cells[j];
                if c.c1 <= last_col {
                    mask[j] = false;
                }
            }
            for (c0, text) in &odd {
                seg.diagnostics.push(
                    Diagnostic::warning(
                        Code::UnreadableMark,
                        ctx.loc(r, *c0),
                        format!("\"{}\" in a rating column is not a mark; it was not read as one", shorten(text, 40)),
                    )
                    .with_hint("mark the chosen rating with X or ✓ (or tick the box) and leave the other rating cells empty"),
                );
            }
            if criterion.is_empty() {
                seg.diagnostics.push(
                    Diagnostic::warning(
                        Code::RatingNotMarked,
                        ctx.loc(r, first_col),
                        "a rating is marked on a row without a criterion; it was not read",
                    )
                    .with_hint("write the criterion in the first column, or remove the mark"),
                );
                continue;
            }
            criteria += 1;
            // Comments right of the rating columns stay with the record.
            for &j in &starts_here {
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
            match marks.as_slice() {
                [one] => {
                    rated += 1;
                    draft.criteria.push(Rated {
                        criterion,
                        value: (*one).to_string(),
                    });
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
                    let shown: Vec<&str> = many.to_vec();
                    seg.diagnostics.push(
                        Diagnostic::warning(
                            Code::RatingMarkedTwice,
                            ctx.loc(r, first_col),
                            format!(
                                "the criterion \"{}\" is marked in {} rating columns ({}); no rating was taken",
                                shorten(&criterion, 80),
                                many.len(),
                                shown.join(" and ")
                            ),
                        )
                        .with_hint("leave exactly one rating marked"),
                    );
                    draft.unmapped.push((
                        format!("criterion marked {}", shown.join(" and ")),
                        criterion,
                    ));
                }
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
}

const OUTCOME_FIELDS: [Field; 3] = [
    Field::UnitKnowledge,
    Field::UnitSkills,
    Field::UnitCompetence,
];

impl<'m> Words<'m> {
    /// Reads the labelled values of the cells in `mask` (a value in the
    /// label's own cell, else to its right, else below it), and splits them
    /// into drafts where a unit's title or code comes again. Text under no
    /// label is kept as an unmapped value.
    fn read_labels(
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
    fn unlabelled(
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
    fn neighbours(
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

    fn below(
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

/// The draft values go to: the last one, or a new one starting at `row`.
fn current<'d>(drafts: &'d mut Vec<Draft>, ctx: &Ctx, row: u32) -> &'d mut Draft {
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

/// Joins what the sheets gave: a unit whose statements follow in the next
/// table is one unit, and labelled values outside units and grids go to the
/// record they belong to (header fields above a document's first record and
/// signatures below its last to every grid, values between two records to
/// the next one).
fn join_segments(
    file: &str,
    document: &Document,
    segments: &mut [Segment],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    for s in segments.iter_mut() {
        for mut d in std::mem::take(&mut s.drafts) {
            if d.kind == DraftKind::Unit {
                d.kind = if d.is_unit() || d.has_outcomes() {
                    DraftKind::Unit
                } else {
                    DraftKind::Fields
                };
            }
            if d.kind == DraftKind::Unit
                && !d.names_unit()
                && let Some(prev) = out.iter_mut().rev().find(|p| p.kind != DraftKind::Fields)
                && prev.kind == DraftKind::Unit
                && !prev.has_outcomes()
                && prev.sheet != d.sheet
            {
                s.report.attached_to.push(document.parts[prev.sheet].name());
                if let Some(i) = s.report.units.iter().position(|t| *t == UNTITLED) {
                    s.report.units.remove(i);
                }
                prev.values.append(&mut d.values);
                prev.unmapped.append(&mut d.unmapped);
                continue;
            }
            out.push(d);
        }
    }
    let records: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind != DraftKind::Fields)
        .collect();
    let grids: Vec<usize> = records
        .iter()
        .copied()
        .filter(|&i| out[i].kind == DraftKind::Grid)
        .collect();
    // First each set of values goes to its nearest record (the next one; the
    // last one for values after every record); then values above the first
    // record or below the last fill what the other grids still lack.
    let mut broadcast: Vec<usize> = Vec::new();
    let fields: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind == DraftKind::Fields)
        .collect();
    for p in fields {
        let next = records.iter().copied().find(|&i| i > p);
        let target = next.or_else(|| records.last().copied());
        let Some(target) = target else {
            let f = &out[p];
            let labels: Vec<String> = f
                .values
                .iter()
                .map(|v| {
                    format!(
                        "{}: {}",
                        v.label,
                        shorten(v.text.lines().next().unwrap_or(""), 40)
                    )
                })
                .collect();
            diags.push(
                Diagnostic::warning(
                    Code::LabelsNotAttached,
                    Location::sheet(file, &document.parts[f.sheet].name()),
                    format!(
                        "labelled values with no unit description or assessment grid to belong to: {}",
                        labels.join("; ")
                    ),
                )
                .with_hint("a unit needs Knowledge / Skills / Competence statements, a grid rating columns (1 2 3) with criteria; see `europass inspect`"),
            );
            continue;
        };
        donate(file, document, segments, &mut out, p, target, true, diags);
        if records.first().is_some_and(|&first| p < first) || next.is_none() {
            broadcast.push(p);
        }
    }
    for p in broadcast {
        for &g in &grids {
            donate(file, document, segments, &mut out, p, g, false, diags);
        }
    }
    out.retain(|d| d.kind != DraftKind::Fields);
    out
}

/// Gives the labelled values of `out[from]` to the record `out[to]`: the
/// fields it lacks; a different value it already has is reported when
/// `report` (the nearest record), and left alone otherwise.
#[allow(clippy::too_many_arguments)]
fn donate(
    file: &str,
    document: &Document,
    segments: &mut [Segment],
    out: &mut [Draft],
    from: usize,
    to: usize,
    report: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let f = out[from].clone();
    let mut gave = false;
    for v in &f.values {
        let existing = out[to]
            .values
            .iter()
            .find(|x| x.field == v.field && x.language == v.language)
            .cloned();
        match existing {
            None => {
                out[to].values.push(v.clone());
                gave = true;
            }
            Some(x) if fold(&x.text) == fold(&v.text) || !report => {}
            Some(x) => {
                let other = document.parts[x.sheet].name();
                diags.push(
                    Diagnostic::warning(
                        Code::ConflictingValues,
                        doc_loc(file, &document.parts[v.sheet], v.at),
                        format!(
                            "\"{}\" is \"{}\" here but \"{}\" in {other}; the value in {other} is kept",
                            v.label,
                            shorten(&v.text, 60),
                            shorten(&x.text, 60),
                        ),
                    )
                    .with_hint("make the two agree"),
                );
            }
        }
    }
    if report {
        out[to].unmapped.extend(f.unmapped.iter().cloned());
    }
    if gave || report {
        let name = document.parts[out[to].sheet].name();
        let attached = &mut segments[f.sheet].report.attached_to;
        if !attached.contains(&name) {
            attached.push(name);
        }
    }
}

/// A value that could not be normalised, at its place, naming its label.
fn unreadable(p: super::normalise::Problem, location: Location, v: &Found) -> Diagnostic {
    Diagnostic {
        severity: p.severity,
        code: p.code,
        message: format!("{} (\"{}\")", p.message, v.label),
        location,
        hint: p.hint,
    }
}

/// The place of a value: a cell of a table, or a line of paragraphs.
fn doc_loc(file: &str, part: &Part, (row, col): (u32, u32)) -> Location {
    let sheet = part.name();
    if part.is_text() {
        Location::row(file, &sheet, row + 1)
    } else {
        Location::cell(file, &sheet, row + 1, col)
    }
}

impl<'m> Words<'m> {
    /// Turns a unit or grid into a record; `None` (reported) when it cannot
    /// be identified. Also returns the scheme a grid was read on.
    fn to_record(
        &self,
        file: &str,
        document: &Document,
        draft: &Draft,
        diags: &mut Vec<Diagnostic>,
    ) -> (Option<RowRecord>, Option<String>) {
        let mapping = self.mappings[draft.mapping];
        let part = &document.parts[draft.sheet];
        let sheet = part.name();
        let mut rec = RowRecord::default();
        let mut grades: Vec<&Found> = Vec::new();
        let mut scheme_label: Option<&Found> = None;
        for v in &draft.values {
            let loc = doc_loc(file, &document.parts[v.sheet], v.at);
            let text = match v.field {
                Field::ResultGrade => {
                    grades.push(v);
                    continue;
                }
                Field::ResultGradingScheme | Field::ResultCriteriaScheme => {
                    scheme_label = Some(v);
                    continue;
                }
                f if f.kind() == Kind::Outcomes => self.strip_intro(&v.text),
                _ => v.text.clone(),
            };
            if let Err(p) = set_field(
                mapping,
                &mut rec,
                v.field,
                &v.language,
                &CellValue::Text(&text),
            ) {
                diags.push(unreadable(p, loc, v));
                rec.unmapped.push((v.label.clone(), v.text.clone()));
            }
        }
        rec.unmapped.extend(draft.unmapped.iter().cloned());
        let row_loc = Location::row(file, &sheet, draft.row + 1);
        let has_unit = rec.unit.code.is_some() || !rec.unit.title.is_empty();
        if draft.kind == DraftKind::Unit {
            if !has_unit {
                let statements: usize =
                    [&rec.unit.knowledge, &rec.unit.skills, &rec.unit.competence]
                        .iter()
                        .flat_map(|m| m.values())
                        .map(Vec::len)
                        .sum();
                diags.push(
                    Diagnostic::error(
                        Code::MissingValue,
                        row_loc,
                        format!("a unit description without a title or code: it cannot be told from other units, so its {statements} statement{} were not imported", plural(statements)),
                    )
                    .with_hint("add the unit's title with a label such as \"Name of the Unit:\" (in the table or the line above it)"),
                );
                return (None, None);
            }
            return (Some(rec), None);
        }
        // A grid.
        let l = &rec.learner;
        let has_learner = l.given_names.as_deref().is_some_and(|s| !s.is_empty())
            || l.family_name.is_some()
            || l.school_id.is_some()
            || l.national_id.is_some();
        if !has_learner || !has_unit {
            let missing = match (has_learner, has_unit) {
                (false, false) => "no learner and no unit",
                (false, true) => "no learner",
                _ => "no unit",
            };
            diags.push(
                Diagnostic::error(
                    Code::MissingValue,
                    row_loc,
                    format!(
                        "the assessment grid names {missing}, so its {} rating{} cannot be attached to a result and were not imported",
                        draft.criteria.len(),
                        plural(draft.criteria.len())
                    ),
                )
                .with_hint("add labels such as \"Learner: Anna Ozola\" and \"Unit: Vehicle stability management systems\" to the grid or the lines above it"),
            );
            return (None, None);
        }
        let scheme = self.grid_scheme(file, part, draft, scheme_label, diags);
        match &scheme {
            Some(id) => {
                for c in &draft.criteria {
                    rec.result.criteria.push(CriterionRating {
                        criterion: MultilingualText::single(&draft.language, c.criterion.clone()),
                        value: Grade {
                            value: c.value.clone(),
                            scheme: id.clone(),
                        },
                    });
                }
            }
            None => {
                for c in &draft.criteria {
                    rec.unmapped.push((c.criterion.clone(), c.value.clone()));
                }
            }
        }
        for g in grades {
            let loc = doc_loc(file, &document.parts[g.sheet], g.at);
            let id = mapping
                .grading
                .scheme
                .clone()
                .or_else(|| scheme.clone())
                .or_else(|| {
                    let c = mapping.country.as_deref()?;
                    Some(mapping.schemes.default_for_country(c)?.id.clone())
                });
            let Some(id) = id.filter(|id| mapping.schemes.find(id).is_some()) else {
                diags.push(
                    Diagnostic::error(
                        Code::GradeWithoutScheme,
                        loc,
                        format!("the grade \"{}\" has no grading scheme, so it cannot be read", g.text.trim()),
                    )
                    .with_hint("name the scale with a label such as \"Scale: lv-1-10\", or set [grading] scheme in a mapping file"),
                );
                rec.unmapped.push((g.label.clone(), g.text.clone()));
                continue;
            };
            match mapping.schemes.grade(&id, &CellValue::Text(g.text.trim())) {
                Ok(grade) => rec.result.grade = Some(grade),
                Err(p) => {
                    diags.push(unreadable(p, loc, g));
                    rec.unmapped.push((g.label.clone(), g.text.clone()));
                }
            }
        }
        (Some(rec), scheme)
    }

    /// The scheme a grid's ratings are read on: the one whose values head its
    /// rating columns; a "Scale:" label or the mapping's criteria scheme
    /// chooses when several fit. Never a guess: the choice and its reason are
    /// reported, and no choice is an error.
    fn grid_scheme(
        &self,
        file: &str,
        part: &Part,
        draft: &Draft,
        label: Option<&Found>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let mapping = self.mappings[draft.mapping];
        let schemes = self.schemes();
        let named = |id: &str| -> String {
            schemes
                .iter()
                .find(|(s, _)| s.id == id)
                .and_then(|(s, _)| s.name.best(&[&draft.language, "en"]).map(str::to_string))
                .map(|n| format!("{id} ({n})"))
                .unwrap_or_else(|| id.to_string())
        };
        let columns = draft.columns.join(", ");
        let loc = Location::row(file, &part.name(), draft.row + 1);
        let mut chosen: Option<(String, String)> = None;
        if let Some(v) = label {
            let found = schemes
                .iter()
                .find_map(|(_, r)| r.find(v.text.trim()))
                .map(|s| s.id.clone());
            match found {
                Some(id) if draft.schemes.contains(&id) => {
                    chosen = Some((id, format!("the label \"{}: {}\" names it", v.label, v.text.trim())));
                }
                Some(id) => diags.push(
                    Diagnostic::warning(
                        Code::ConflictingValues,
                        doc_loc(file, part, v.at),
                        format!(
                            "the label \"{}\" names {} but the rating columns are headed {columns}, the values of {}; the columns decide",
                            v.label,
                            named(&id),
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
        }
        if chosen.is_none() {
            chosen = match draft.schemes.as_slice() {
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
            };
        }
        match chosen {
            Some((id, why)) => {
                diags.push(Diagnostic::info(
                    Code::GridScheme,
                    loc,
                    format!("the ratings are read on {}: {why}", named(&id)),
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
}
