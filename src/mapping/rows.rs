//! Reading the data rows of a recognised sheet into [`RowRecord`]s.
//!
//! Blank rows, totals rows and note rows are skipped with a diagnostic (a
//! note's text is quoted so it is not lost); every other row becomes a
//! record, with each cell normalised by its field's kind. A value that cannot
//! be normalised is reported at its cell and kept, as written, among the
//! record's unmapped values.

use std::sync::Arc;

use super::ReadGrade;
use super::fill::set_field;
use super::headers::{Column, HeaderMatch, SheetLayout, Target};
use super::normalise::Problem;
use super::records::RowRecord;
use super::spec::Mapping;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::{CellValue, Sheet};
use crate::model::fields::{Entity, Field};
use crate::model::{CriterionRating, MultilingualText};
use crate::provenance::Origin;
use crate::text::fold;

/// Row counts of one sheet: every row read is either a record or reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    /// Data rows below the header.
    pub read: usize,
    /// Rows that became records.
    pub records: usize,
    /// Rows skipped or unusable, each with a diagnostic.
    pub reported: usize,
}

/// The scheme of the row's grade and ratings, chosen once per sheet when no
/// column gives it.
struct SchemeChoice {
    grade: Option<String>,
    criteria: Option<String>,
}

/// What one range of rows gave.
pub(crate) struct RowChunk {
    /// Records, in row order (boxed: a record is large and moves twice).
    #[allow(clippy::vec_box)]
    pub records: Vec<Box<RowRecord>>,
    /// Diagnostics, in row order.
    pub diagnostics: Vec<Diagnostic>,
    /// Row accounting of the range.
    pub counts: RowCounts,
}

/// Reads the data rows of one recognised sheet. Ranges of rows are
/// independent, so a large sheet is read in parallel chunks.
pub(crate) struct SheetRows<'a> {
    reader: RowReader<'a>,
    /// One past the last row that is not blank: trailing blank rows are not data.
    end: u32,
}

impl<'a> SheetRows<'a> {
    /// Prepares reading; notes how grades without a scheme column are read.
    pub(crate) fn new(
        file: &'a str,
        sheet: &'a Sheet,
        layout: &'a SheetLayout,
        mapping: &'a Mapping,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let schemes = scheme_choice(file, sheet, layout, mapping, diags);
        let mut end = sheet.row_end();
        while end > layout.data_start && sheet.row_is_blank(end - 1) {
            end -= 1;
        }
        let groups = column_groups(layout);
        let part_columns = std::array::from_fn(|i| {
            (0..layout.columns.len())
                .filter(|&c| groups[c] == Some(i))
                .collect()
        });
        let reader = RowReader {
            file,
            sheet,
            layout,
            mapping,
            schemes,
            groups,
            part_columns,
        };
        reader.check_defaults(diags);
        Self { reader, end }
    }

    /// The data rows, 0-based.
    pub(crate) fn rows(&self) -> std::ops::Range<u32> {
        self.reader.layout.data_start..self.end
    }

    /// Reads a range of rows. `sheet_index` goes into each record's origin.
    pub(crate) fn read(&self, range: std::ops::Range<u32>, sheet_index: u32) -> RowChunk {
        let r = &self.reader;
        let mut out = RowChunk {
            records: Vec::with_capacity(range.len()),
            diagnostics: Vec::new(),
            counts: RowCounts::default(),
        };
        let diags = &mut out.diagnostics;
        let mut blank_run: Option<(u32, u32)> = None;
        // Every row starts from the same empty parts, shared until a cell
        // fills one in.
        let empty = RowRecord::default();
        // Most recent first.
        let mut recent: std::collections::VecDeque<Previous> =
            std::collections::VecDeque::with_capacity(LENDING_ROWS);
        // The cells of the row being read; the buffer of the row leaving
        // `recent` is used again.
        let mut values: Vec<CellValue<'a>> = Vec::new();
        for row in range {
            out.counts.read += 1;
            if r.sheet.row_is_blank(row) {
                blank_run = Some(blank_run.map_or((row, row), |(a, _)| (a, row)));
                out.counts.reported += 1;
                continue;
            }
            if let Some(run) = blank_run.take() {
                diags.push(blank_rows(r.file, &r.sheet.name, run));
            }
            if let Some(d) = r.skip_reason(row) {
                diags.push(d);
                out.counts.reported += 1;
                continue;
            }
            r.row_values(row, &mut values);
            let (mut record, clean, keys) = r.read_row(row, &values, diags, &empty, &recent);
            if !identifies_something(&record) {
                diags.push(not_usable(r.file, &r.sheet.name, row, &record));
                out.counts.reported += 1;
                continue;
            }
            record.origin = Some(Origin {
                sheet: sheet_index,
                row: row + 1,
            });
            let mut parts = empty.clone();
            for entity in SHARED {
                share(entity, &record, &mut parts);
            }
            let spare = match recent.len() {
                LENDING_ROWS => recent.pop_back().map(|p| p.values).unwrap_or_default(),
                _ => Vec::new(),
            };
            recent.push_front(Previous {
                parts,
                clean,
                keys,
                values: std::mem::replace(&mut values, spare),
            });
            out.records.push(record);
            out.counts.records += 1;
        }
        if let Some(run) = blank_run {
            diags.push(blank_rows(r.file, &r.sheet.name, run));
        }
        out
    }
}

/// A control character other than tab and line breaks.
fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// True when the text holds a [`is_stray_control`] character. Asked of
/// every cell of every row: the bytes are scanned first, since a control
/// character is an ASCII byte below 0x20, 0x7F, or (U+0080 to U+009F) a
/// sequence starting 0xC2, and almost no text has any of those.
fn has_stray_control(t: &str) -> bool {
    t.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) && t.chars().any(is_stray_control)
}

fn blank_rows(file: &str, sheet: &str, (a, b): (u32, u32)) -> Diagnostic {
    let mut loc = Location::row(file, sheet, a + 1);
    if b > a {
        loc.last_row = Some(b + 1);
    }
    let n = b - a + 1;
    Diagnostic::info(
        Code::BlankRowsSkipped,
        loc,
        format!("{n} blank row{} skipped", if n == 1 { "" } else { "s" }),
    )
}

fn not_usable(file: &str, sheet: &str, row: u32, record: &RowRecord) -> Diagnostic {
    let values: Vec<String> = record
        .unmapped
        .iter()
        .map(|(h, v)| format!("{h}: {v}"))
        .collect();
    Diagnostic::warning(
        Code::RowNotUsable,
        Location::row(file, sheet, row + 1),
        format!(
            "the row has no learner, unit or organisation to attach its values to{}",
            if values.is_empty() {
                String::new()
            } else {
                format!(" ({})", values.join("; "))
            }
        ),
    )
    .with_hint("fill in the learner's name or id, or the unit's code or title, or delete the row")
}

fn identifies_something(r: &RowRecord) -> bool {
    let l = &r.learner;
    l.school_id.is_some()
        || l.national_id.is_some()
        || l.given_names.is_some()
        || l.family_name.is_some()
        || r.unit.code.is_some()
        || !r.unit.title.is_empty()
        || !r.organisation.name.is_empty()
        || r.organisation.key.is_some()
        || !r.qualification.title.is_empty()
}

/// Decides once per sheet where grades without a scheme column get their
/// scheme, and says so.
fn scheme_choice(
    file: &str,
    sheet: &Sheet,
    layout: &SheetLayout,
    mapping: &Mapping,
    diags: &mut Vec<Diagnostic>,
) -> SchemeChoice {
    let has = |f: Field| layout.column_of(f).is_some();
    let mut grade = mapping
        .grading
        .scheme
        .as_deref()
        .and_then(|s| mapping.schemes.find(s))
        .map(|s| s.id.clone());
    if grade.is_none()
        && has(Field::ResultGrade)
        && !has(Field::ResultGradingScheme)
        && let Some(country) = &mapping.country
        && let Some(s) = mapping.schemes.default_for_country(country)
    {
        diags.push(
            Diagnostic::info(
                Code::GradingSchemeFromCountry,
                Location::sheet(file, &sheet.name),
                format!("grades are read on {} ({}), the usual scale in {country}", s.id, s.name.best(&["en"]).unwrap_or("")),
            )
            .with_hint("add a grading scheme column, or set [grading] scheme in the mapping file, if that is wrong"),
        );
        grade = Some(s.id.clone());
    }
    let criteria = mapping
        .grading
        .criteria_scheme
        .as_deref()
        .and_then(|s| mapping.schemes.find(s))
        .map(|s| s.id.clone());
    SchemeChoice { grade, criteria }
}

struct RowReader<'a> {
    file: &'a str,
    sheet: &'a Sheet,
    layout: &'a SheetLayout,
    mapping: &'a Mapping,
    schemes: SchemeChoice,
    /// For each column of the layout, the index in [`SHARED`] of the part
    /// it fills.
    groups: Vec<Option<usize>>,
    /// The columns (positions in the layout) of each part in [`SHARED`],
    /// for comparing rows.
    part_columns: [Vec<usize>; SHARED.len()],
}

/// The parts of a row that a flat sheet repeats row after row, and that a
/// row shares with a recent row when its cells for them are the same.
const SHARED: [Entity; 9] = [
    Entity::Learner,
    Entity::Mobility,
    Entity::Sending,
    Entity::Host,
    Entity::Intermediary,
    Entity::Mentor,
    Entity::Qualification,
    Entity::Unit,
    Entity::Organisation,
];

/// The index in [`SHARED`] of the part a field fills (an organisation's
/// role is read on every row).
fn shared_part(field: Field) -> Option<usize> {
    if field == Field::OrganisationRole {
        return None;
    }
    SHARED.iter().position(|e| *e == field.entity())
}

/// Gives `to` the part of `from`: the same text, not a copy.
fn share(entity: Entity, from: &RowRecord, to: &mut RowRecord) {
    match entity {
        Entity::Learner => to.learner = Arc::clone(&from.learner),
        Entity::Mobility => to.mobility = Arc::clone(&from.mobility),
        Entity::Sending => to.sending = Arc::clone(&from.sending),
        Entity::Host => to.host = Arc::clone(&from.host),
        Entity::Intermediary => to.intermediary = Arc::clone(&from.intermediary),
        Entity::Mentor => to.mentor = Arc::clone(&from.mentor),
        Entity::Qualification => to.qualification = Arc::clone(&from.qualification),
        Entity::Unit => to.unit = Arc::clone(&from.unit),
        Entity::Organisation => to.organisation = Arc::clone(&from.organisation),
        Entity::Planned | Entity::Result | Entity::Assessor | Entity::Rating => {}
    }
}

/// A flag for each part that may be shared, by its index in [`SHARED`].
type PartFlags = [bool; SHARED.len()];

/// The shared part of each column of the layout (none for result, grade,
/// rating and assessor columns, and for columns without a field).
fn column_groups(layout: &SheetLayout) -> Vec<Option<usize>> {
    layout
        .columns
        .iter()
        .map(|c| match active_match(c) {
            Some(HeaderMatch {
                target: Target::Field { field, .. },
                ..
            }) => shared_part(*field),
            _ => None,
        })
        .collect()
}

/// How many recent rows of a chunk lend their parts: enough for a learner's
/// units, or the hosts of a class, to come round again.
const LENDING_ROWS: usize = 8;

/// A row read into a record lately, for later rows to share its parts.
struct Previous<'s> {
    /// Its parts (the rest of it is left empty).
    parts: RowRecord,
    /// The parts read without any problem: only those may be shared, so a
    /// problem in a repeated cell is reported on every row that has it.
    clean: PartFlags,
    /// A hash of each part's cells: only a row whose hash matches has its
    /// cells compared, so a part seen on no recent row costs one pass.
    keys: PartKeys,
    /// Its cells, by position in the layout.
    values: Vec<CellValue<'s>>,
}

/// A hash of each shared part's cells on a row, by its index in [`SHARED`].
type PartKeys = [u64; SHARED.len()];

/// A hash of the cells a part is read from. Equal cells hash equally; the
/// cells are still compared, so a collision only costs that comparison.
fn cells_key(values: &[CellValue<'_>], columns: &[usize]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for &c in columns {
        match values[c] {
            CellValue::Empty => 0u8.hash(&mut h),
            CellValue::Text(t) => (1u8, t).hash(&mut h),
            CellValue::Number(n) => (2u8, n.to_bits()).hash(&mut h),
            CellValue::Bool(b) => (3u8, b).hash(&mut h),
            CellValue::DateTime(d) => (4u8, d).hash(&mut h),
            CellValue::Error(e) => (5u8, e).hash(&mut h),
        }
    }
    h.finish()
}

/// What a row's cells leave for after every cell is read: its grades, and
/// the scales its scheme columns name.
#[derive(Default)]
struct Pending<'c> {
    grades: Vec<PendingGrade<'c>>,
    // None: no scale on the row; Some(None): a scale that is not known
    // (reported), so the row's grades are not read on any other scale.
    grade_scheme: Option<Option<String>>,
    criteria_scheme: Option<Option<String>>,
    rating_scheme: Option<Option<String>>,
}

/// A grade or rating cell waiting for its scheme.
struct PendingGrade<'c> {
    column: &'c Column,
    value: CellValue<'c>,
    criterion: Option<String>,
}

impl<'a> RowReader<'a> {
    fn loc(&self, row: u32, col: u32) -> Location {
        Location::cell(self.file, &self.sheet.name, row + 1, col)
    }

    /// The cells of the row as shown (a merged cell's value in each of its
    /// cells), by position in the layout: looked up once, read by every
    /// step after.
    fn row_values(&self, row: u32, out: &mut Vec<CellValue<'a>>) {
        out.clear();
        out.extend(
            self.layout
                .columns
                .iter()
                .map(|c| self.sheet.shown_value(row, c.index)),
        );
    }

    /// Totals rows and note rows.
    fn skip_reason(&self, row: u32) -> Option<Diagnostic> {
        let mut non_blank = self.sheet.filled_in_row(row);
        let (first_col, first) = non_blank.next()?;
        // Whether it is the row's only cell; asked of every row, so the
        // look stops at a second cell rather than counting them all.
        let alone = non_blank.next().is_none();
        // Only a text can be "Kopā" or "Piezīme: …".
        let CellValue::Text(text) = first else {
            return None;
        };
        let folded = fold(text);
        let vocab = &self.mapping.vocabulary;
        let starts_with = |words: &[String]| {
            words.iter().any(|w| {
                folded
                    .strip_prefix(w.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            })
        };
        if starts_with(&vocab.totals) {
            return Some(Diagnostic::info(
                Code::TotalsRowSkipped,
                Location::row(self.file, &self.sheet.name, row + 1),
                format!("totals row \"{}\" skipped", text.trim()),
            ));
        }
        let in_known_column = self
            .layout
            .columns
            .iter()
            .any(|c| c.index == first_col && c.matched.is_some());
        let spans = self
            .sheet
            .merge_at(row, first_col)
            .is_some_and(|m| m.is_horizontal());
        if alone && (starts_with(&vocab.notes) || !in_known_column || spans) {
            return Some(
                Diagnostic::info(
                    Code::NoteRowSkipped,
                    Location::cell(self.file, &self.sheet.name, row + 1, first_col),
                    format!("note row skipped: \"{}\"", text.trim()),
                )
                .with_hint("notes between data rows are not imported; move them to a remarks column to keep them with a record"),
            );
        }
        None
    }

    /// Reads one row. A part whose cells are those of a recent row, read
    /// there without a problem, is shared with it rather than read again.
    /// Returns the record and which of its parts were read cleanly.
    fn read_row(
        &self,
        row: u32,
        values: &[CellValue<'a>],
        diags: &mut Vec<Diagnostic>,
        empty: &RowRecord,
        recent: &std::collections::VecDeque<Previous<'a>>,
    ) -> (Box<RowRecord>, PartFlags, PartKeys) {
        let mut rec = Box::new(empty.clone());
        let mut cells = Pending::default();
        let cleaned = self.without_control_characters(row, values, diags);
        let mut shared: PartFlags = [false; SHARED.len()];
        let mut keys: PartKeys = [0; SHARED.len()];
        // A row with control characters is reported whole: nothing shared.
        let mut clean: PartFlags = [cleaned.is_empty(); SHARED.len()];
        if cleaned.is_empty() {
            for (i, (entity, columns)) in SHARED.iter().zip(&self.part_columns).enumerate() {
                if columns.is_empty() {
                    continue;
                }
                keys[i] = cells_key(values, columns);
                let lender = recent.iter().find(|p| {
                    p.clean[i]
                        && p.keys[i] == keys[i]
                        && columns.iter().all(|&c| values[c] == p.values[c])
                });
                if let Some(lender) = lender {
                    share(*entity, &lender.parts, &mut rec);
                    shared[i] = true;
                }
            }
        }
        for (index, column) in self.layout.columns.iter().enumerate() {
            let group = self.groups[index];
            if group.is_some_and(|g| shared[g]) {
                continue;
            }
            let reported = (diags.len(), rec.unmapped.len());
            let value = values[index];
            self.read_cell(
                row, index, column, value, &cleaned, &mut rec, &mut cells, diags,
            );
            if let Some(g) = group
                && reported != (diags.len(), rec.unmapped.len())
            {
                clean[g] = false;
            }
        }
        self.apply_defaults(&mut rec, row, &shared);
        self.resolve_grades(
            &mut rec,
            row,
            cells.grades,
            cells.grade_scheme,
            cells.criteria_scheme.or(cells.rating_scheme),
            diags,
        );
        (rec, clean, keys)
    }

    /// Reads one cell of a row into the record.
    #[allow(clippy::too_many_arguments)]
    fn read_cell<'c>(
        &'c self,
        row: u32,
        index: usize,
        column: &'c Column,
        value: CellValue<'c>,
        cleaned: &'c [Option<String>],
        rec: &mut RowRecord,
        cells: &mut Pending<'c>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if value.is_blank() {
            return;
        }
        let value = match cleaned.get(index) {
            Some(Some(text)) => CellValue::Text(text),
            _ => value,
        };
        if value.is_blank() {
            return;
        }
        if let CellValue::Error(e) = value {
            let header = column.display_header();
            diags.push(
                Diagnostic::error(
                    Code::FormulaError,
                    self.loc(row, column.index),
                    format!("the cell shows the formula error {e} ({header})"),
                )
                .with_hint("fix the formula or type the value in"),
            );
            rec.unmapped.push((header, e.to_string()));
            return;
        }
        let Some(HeaderMatch { target, .. }) = active_match(column) else {
            rec.unmapped
                .push((column.display_header(), value.to_text()));
            return;
        };
        let field = match target {
            Target::Criterion { name } => {
                let criterion = Some(name.clone());
                return cells.grades.push(PendingGrade {
                    column,
                    value,
                    criterion,
                });
            }
            Target::Field { field, .. } => *field,
        };
        let slot = match field {
            Field::ResultGrade | Field::RatingValue => {
                // A ratings sheet's criterion comes from its own column.
                let criterion = (field == Field::RatingValue).then(String::new);
                return cells.grades.push(PendingGrade {
                    column,
                    value,
                    criterion,
                });
            }
            Field::ResultGradingScheme => &mut cells.grade_scheme,
            Field::ResultCriteriaScheme => &mut cells.criteria_scheme,
            Field::RatingScheme => &mut cells.rating_scheme,
            _ => {
                let Target::Field { language, .. } = target else {
                    unreachable!("a field's target")
                };
                let lang = language.as_deref().unwrap_or(&self.mapping.language);
                if let Err(p) = self.set(rec, field, lang, &value) {
                    diags.push(self.problem(p, row, column.index, &column.display_header()));
                    rec.unmapped
                        .push((column.display_header(), value.to_text()));
                }
                return;
            }
        };
        *slot = Some(self.read_scheme(row, column, &value, rec, diags));
    }

    /// A cell naming a grading scheme: the scheme's id, or `None` (reported,
    /// and the value kept unmapped) for a scheme the mapping does not know.
    fn read_scheme(
        &self,
        row: u32,
        column: &Column,
        value: &CellValue<'_>,
        rec: &mut RowRecord,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if let Some(s) = self.mapping.schemes.find(value.to_text().trim()) {
            return Some(s.id.clone());
        }
        let ids: Vec<&str> = self
            .mapping
            .schemes
            .all()
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        diags.push(
            Diagnostic::error(
                Code::UnknownGradingScheme,
                self.loc(row, column.index),
                format!(
                    "\"{}\" is not a known grading scheme",
                    value.to_text().trim()
                ),
            )
            .with_hint(format!(
                "use one of {}, or define it in the mapping file",
                ids.join(", ")
            )),
        );
        rec.unmapped
            .push((column.display_header(), value.to_text()));
        None
    }

    /// The row's texts that hold control characters (a NUL, an escape: in no
    /// real text, and they break the XML and file names made from it), per
    /// column, with those left out; each is reported.
    fn without_control_characters(
        &self,
        row: u32,
        values: &[CellValue<'_>],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Option<String>> {
        // Asked of every row, and almost never true: look before building anything.
        let any = values
            .iter()
            .any(|v| matches!(v, CellValue::Text(t) if has_stray_control(t)));
        if !any {
            return Vec::new();
        }
        self.layout
            .columns
            .iter()
            .zip(values)
            .map(|(column, value)| {
                let CellValue::Text(t) = *value else {
                    return None;
                };
                if !has_stray_control(t) {
                    return None;
                }
                let found: std::collections::BTreeSet<String> = t
                    .chars()
                    .filter(|c| is_stray_control(*c))
                    .map(|c| format!("U+{:04X}", u32::from(c)))
                    .collect();
                let cleaned: String = t.chars().filter(|c| !is_stray_control(*c)).collect();
                diags.push(
                    Diagnostic::warning(
                        Code::ControlCharacter,
                        self.loc(row, column.index),
                        format!(
                            "the cell holds invisible control characters ({}) that no text has; they were left out, giving \"{}\" ({})",
                            found.into_iter().collect::<Vec<_>>().join(", "),
                            cleaned.trim(),
                            column.display_header()
                        ),
                    )
                    .with_hint("retype the cell (it was probably pasted from another program) and save the file again"),
                );
                Some(cleaned)
            })
            .collect()
    }

    /// Values the mapping gives for fields that no column (or an empty cell)
    /// gives. A default that cannot be read is reported once per sheet, by
    /// [`RowReader::check_defaults`].
    fn apply_defaults(&self, rec: &mut RowRecord, row: u32, shared: &PartFlags) {
        for (field, text) in &self.mapping.defaults {
            // A shared part has its defaults from the row it was read on.
            if shared_part(*field).is_some_and(|i| shared[i]) {
                continue;
            }
            if let Some(col) = self.layout.column_of(*field)
                && !self.sheet.shown_value(row, col).is_blank()
            {
                continue;
            }
            let _ = self.set(rec, *field, &self.mapping.language, &CellValue::Text(text));
        }
    }

    /// Reads every default of the mapping once, reporting the ones that are not valid.
    fn check_defaults(&self, diags: &mut Vec<Diagnostic>) {
        let mut scratch = RowRecord::default();
        for (field, text) in &self.mapping.defaults {
            if let Err(p) = self.set(
                &mut scratch,
                *field,
                &self.mapping.language,
                &CellValue::Text(text),
            ) {
                diags.push(Diagnostic {
                    severity: p.severity,
                    code: Code::InvalidMapping,
                    message: format!("the default for {field} in the mapping file: {}", p.message),
                    location: Location::sheet(self.file, &self.sheet.name),
                    hint: p.hint,
                });
            }
        }
    }

    fn problem(&self, p: Problem, row: u32, col: u32, header: &str) -> Diagnostic {
        Diagnostic {
            severity: p.severity,
            code: p.code,
            message: format!("{} ({header})", p.message),
            location: self.loc(row, col),
            hint: p.hint,
        }
    }

    /// Reads the row's grades and ratings on their schemes: the scheme a
    /// column of the row names, else the mapping's.
    fn resolve_grades(
        &self,
        rec: &mut RowRecord,
        row: u32,
        pending: Vec<PendingGrade>,
        row_grade_scheme: Option<Option<String>>,
        row_criteria_scheme: Option<Option<String>>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for p in pending {
            let is_rating = p.criterion.is_some();
            let (row_scheme, default) = if is_rating {
                (&row_criteria_scheme, &self.schemes.criteria)
            } else {
                (&row_grade_scheme, &self.schemes.grade)
            };
            let scheme = match row_scheme {
                Some(Some(s)) => Some(s.clone()),
                // The unknown scale is reported already; the value is kept as written.
                Some(None) => {
                    rec.unmapped
                        .push((p.column.display_header(), p.value.to_text()));
                    continue;
                }
                None => default.clone(),
            };
            match scheme {
                Some(scheme) => self.read_grade(rec, row, p, &scheme, diags),
                None => {
                    diags.push(self.without_scheme(row, &p));
                    rec.unmapped
                        .push((p.column.display_header(), p.value.to_text()));
                }
            }
        }
        self.report_unrated_criterion(rec, row, diags);
    }

    /// A grade or rating without a scheme to read it on.
    fn without_scheme(&self, row: u32, p: &PendingGrade) -> Diagnostic {
        let is_rating = p.criterion.is_some();
        Diagnostic::error(
            Code::GradeWithoutScheme,
            self.loc(row, p.column.index),
            format!(
                "the {} \"{}\" has no grading scheme, so it cannot be read ({})",
                if is_rating { "rating" } else { "grade" },
                p.value.to_text().trim(),
                p.column.display_header()
            ),
        )
        .with_hint(if is_rating {
            "add a column naming the criteria scale (e.g. \"fi-1-3\"), or set [grading] criteria_scheme in the mapping file"
        } else {
            "add a column naming the scale (e.g. \"lv-1-10\"), or set [grading] scheme in the mapping file"
        })
    }

    /// Reads a grade or rating on `scheme` into the record: the result's
    /// grade, a ratings sheet's rating, or a criterion column's rating.
    fn read_grade(
        &self,
        rec: &mut RowRecord,
        row: u32,
        p: PendingGrade,
        scheme: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        match self.mapping.schemes.grade(scheme, &p.value) {
            Ok(grade) => match p.criterion {
                None => rec.result.grade = Some(grade),
                Some(name) if name.is_empty() => {
                    // A ratings sheet: the criterion comes from its own column.
                    let criterion = rec.rating.take().map(|r| r.criterion).unwrap_or_default();
                    rec.rating = Some(CriterionRating {
                        criterion,
                        value: grade,
                    });
                }
                Some(name) => rec.result.criteria.push(CriterionRating {
                    criterion: MultilingualText::single(&self.mapping.language, name),
                    value: grade,
                }),
            },
            Err(problem) => {
                diags.push(self.problem(problem, row, p.column.index, &p.column.display_header()));
                rec.unmapped
                    .push((p.column.display_header(), p.value.to_text()));
            }
        }
    }

    /// A ratings sheet's criterion without a rating is reported, and its
    /// text kept.
    fn report_unrated_criterion(&self, rec: &mut RowRecord, row: u32, diags: &mut Vec<Diagnostic>) {
        if !rec
            .rating
            .as_ref()
            .is_some_and(|r| r.value.value.is_empty())
        {
            return;
        }
        let Some(r) = rec.rating.take() else { return };
        let name = r
            .criterion
            .best(&[&self.mapping.language])
            .unwrap_or("")
            .to_string();
        let col = self
            .layout
            .column_of(Field::RatingValue)
            .or(self.layout.column_of(Field::RatingCriterion));
        let mut loc = Location::row(self.file, &self.sheet.name, row + 1);
        loc.column = col;
        diags.push(
            Diagnostic::warning(
                Code::MissingValue,
                loc,
                format!("the criterion \"{name}\" has no rating"),
            )
            .with_hint("fill in the rating, or delete the row if the criterion was not assessed"),
        );
        rec.unmapped.push(("criterion without rating".into(), name));
    }

    /// Normalises one value into the record.
    fn set(
        &self,
        rec: &mut RowRecord,
        field: Field,
        lang: &str,
        v: &CellValue<'_>,
    ) -> Result<(), Problem> {
        set_field(self.mapping, rec, field, lang, v)
    }
}

/// The column's match, unless it lost its field to a better column.
fn active_match(column: &Column) -> Option<&HeaderMatch> {
    if column.duplicate_of.is_some() {
        return None;
    }
    column.matched.as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_their_bytes_and_only_them() {
        for text in ["a\u{0}b", "\u{1B}[0m", "x\u{7F}", "\u{85}", "ā\u{9F}"] {
            assert!(
                has_stray_control(text),
                "{text:?} holds a control character"
            );
        }
        // Tabs and line breaks are text; 0xC2 also starts §, ° and the no-break space.
        for text in ["a\tb\r\n", "§ 2", "20 °C", "1\u{A0}000", "Ļoti labi", ""] {
            assert!(!has_stray_control(text), "{text:?} holds none");
        }
    }
}
