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

mod draft;
mod grid;
mod join;
mod labels;
mod part;
mod record;
mod table;
#[cfg(test)]
mod tests;
mod words;

use std::collections::HashMap;

use draft::{DraftKind, Segment, best_of};
use join::join_segments;
use serde::Serialize;
use words::Words;

use super::SheetReport;
use super::records::RowRecord;
use super::rows::RowCounts;
use super::spec::{Mapping, SheetRole};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::Visibility;
use crate::import::word::{Document, Part};
use crate::provenance::SheetInfo;

/// What a table (or a run of paragraphs) of a Word document was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants' names are report.json's words (not_recognised)"
)]
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
    if let Some(kind) = crate::outputs::europass_word_kind(&document.properties.keywords) {
        diags.push(europass_document(document, kind));
        return (Vec::new(), Vec::new());
    }
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
    in_document_language(&words, &mut segments, diags);
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
                records.push(word_record(&words, document, &draft, record));
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
        .map(|s| {
            let rows = counts[s.sheet];
            sheet_report(document, s, rows)
        })
        .collect();
    (records, reports)
}

/// Moves each part's diagnostics to `diags`; a part without words of its
/// own (a grid of criteria and ratings) is in the language of the rest of
/// the document.
fn in_document_language(words: &Words<'_>, segments: &mut [Segment], diags: &mut Vec<Diagnostic>) {
    let mut totals = vec![0usize; words.mappings.len()];
    for s in segments.iter() {
        for (t, h) in totals.iter_mut().zip(&s.hits) {
            *t += h;
        }
    }
    let document_best = best_of(&totals);
    let language = &words.mappings[document_best].language;
    for s in segments.iter_mut() {
        diags.append(&mut s.diagnostics);
        if s.hits.iter().all(|h| *h == 0) {
            for d in &mut s.drafts {
                d.mapping = document_best;
                d.language = language.clone();
            }
            if s.report.recognised_as == Recognised::AssessmentGrid {
                s.report.language = Some(language.clone());
            }
        }
    }
}

/// A draft's record, with the part it came from as a sheet of its own.
fn word_record<'m>(
    words: &Words<'m>,
    document: &Document,
    draft: &draft::Draft,
    record: RowRecord,
) -> WordRecord<'m> {
    let mapping = words.mappings[draft.mapping];
    WordRecord {
        mapping,
        sheet: SheetInfo {
            file: document.file.clone(),
            sheet: document.parts[draft.sheet].name(),
            columns: HashMap::new(),
            language: draft.language.clone(),
            country: mapping.country.clone(),
            references: draft.kind == DraftKind::Grid,
            headers: HashMap::new(),
        },
        row: draft.row + 1,
        record,
    }
}

/// What was understood of one part, as the report of a sheet.
fn sheet_report(document: &Document, s: Segment, rows: RowCounts) -> SheetReport {
    SheetReport {
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
        rows,
        document: Some(s.report),
    }
}

/// A Learning Agreement or Memorandum europass wrote (its keywords say
/// so, from the built-in layout or a school's template), dropped into the
/// input with the next round's files: its values came from a round, so it
/// is skipped as a whole, never read as a school's broken unit file.
fn europass_document(document: &Document, kind: &str) -> Diagnostic {
    let p = &document.properties;
    let what = match kind {
        "learning-agreement" => "a Learning Agreement",
        "memorandum" => "a Memorandum of Understanding",
        _ => "a document",
    };
    let date = p
        .created
        .get(..10)
        .map(|d| format!(" dated {d}"))
        .unwrap_or_default();
    let title = match p.title.trim() {
        "" => String::new(),
        t => format!(" (\"{t}\")"),
    };
    Diagnostic::warning(
        Code::FileSkipped,
        Location::file(&document.file),
        format!(
            "skipped: this is {what} europass wrote{date}{title}; it is not read as school data"
        ),
    )
    .with_hint("its values come from the files it was made from: if you changed it in Word (a date, a signature, an activity), make the same change there; move it out of the input folder to silence this")
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

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The place of a value: a cell of a table, or a line of paragraphs.
pub(super) fn doc_loc(file: &str, part: &Part, (row, col): (u32, u32)) -> Location {
    let sheet = part.name();
    if part.is_text() {
        Location::row(file, &sheet, row + 1)
    } else {
        Location::cell(file, &sheet, row + 1, col)
    }
}
