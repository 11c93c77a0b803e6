//! Mapping: from a school's sheets and Word tables to row records.
//!
//! A [`Mapping`] (a TOML file in `mappings/`) says which headers mean which
//! canonical field, in which language the texts are, how to read dates and
//! which grading scheme grades use. This module chooses the best mapping for
//! a workbook ([`choose_mapping`]), finds each sheet's header row and columns
//! (`headers`), reads and normalises every cell (`normalise`) into one
//! record per row, and recognises the unit descriptions and assessment grids
//! of Word documents (`word`). Joining the records of all sheets and files
//! into one round is the next stage's job (`assemble`).

pub(crate) mod fill;
mod grading;
pub(crate) mod headers;
mod minimum;
pub(crate) mod normalise;
pub(crate) mod records;
pub(crate) mod rows;
mod spec;
pub(crate) mod word;

use serde::Serialize;

pub use grading::ReadGrade;
pub use headers::{MatchKind, Matcher, SheetLayout, Target, detect_layout};
use minimum::Need;
pub use rows::RowCounts;
pub use spec::{Mapping, MappingError, MappingOrigin, SheetRole};

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::{Sheet, Visibility, Workbook};

/// How well one mapping fits a workbook.
#[derive(Clone, Debug, Serialize)]
pub struct MappingScore {
    /// The mapping's id.
    pub id: String,
    /// Columns matched (over all recognised sheets).
    pub matched_columns: usize,
    /// Non-empty header cells of the recognised sheets.
    pub header_columns: usize,
    /// Sheets with a recognised header row.
    pub recognised_sheets: usize,
    /// Sum of match scores: the ranking key.
    pub score: f32,
}

/// The mapping chosen for a workbook, and how the others scored.
#[derive(Clone, Debug)]
pub struct MappingChoice<'m> {
    /// The mapping used.
    pub mapping: &'m Mapping,
    /// True when the user named it (`--mapping`).
    pub given: bool,
    /// Every candidate's score, best first.
    pub ranking: Vec<MappingScore>,
}

/// Scores a mapping against every sheet of a workbook.
pub fn score_mapping(workbook: &Workbook, mapping: &Mapping) -> MappingScore {
    let matcher = Matcher::new(mapping);
    let mut score = MappingScore {
        id: mapping.id.clone(),
        matched_columns: 0,
        header_columns: 0,
        recognised_sheets: 0,
        score: 0.0,
    };
    for sheet in workbook
        .sheets
        .iter()
        .filter(|s| !mapping.ignores_sheet(&s.name))
    {
        if let Recognition::Read(layout) = recognition(sheet, &matcher) {
            score.recognised_sheets += 1;
            score.matched_columns += layout.matched().count();
            score.header_columns += layout
                .columns
                .iter()
                .filter(|c| !c.header.is_empty())
                .count();
            score.score += layout.score();
        }
    }
    score
}

/// Chooses the mapping for a workbook: the user's when given, else the
/// shipped mapping whose headers match best. `None` when nothing matches.
pub fn choose_mapping<'m>(
    workbook: &Workbook,
    user: Option<&'m Mapping>,
) -> Option<MappingChoice<'m>>
where
    'static: 'm,
{
    if let Some(m) = user {
        return Some(MappingChoice {
            mapping: m,
            given: true,
            ranking: vec![score_mapping(workbook, m)],
        });
    }
    let mut ranking: Vec<(MappingScore, &'static Mapping)> = Mapping::shipped()
        .iter()
        .map(|m| (score_mapping(workbook, m), m))
        .collect();
    ranking.sort_by(|a, b| {
        (b.0.matched_columns, b.0.score)
            .partial_cmp(&(a.0.matched_columns, a.0.score))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let (best, mapping) = ranking.first()?;
    if best.matched_columns < 2 {
        return None;
    }
    Some(MappingChoice {
        mapping,
        given: false,
        ranking: ranking.iter().map(|(s, _)| s.clone()).collect(),
    })
}

/// A workbook no mapping recognises: each sheet's report with its likely
/// header row, and, for each sheet whose headers a shipped mapping matched
/// but too few to make a record, a `no-matching-mapping` diagnostic naming
/// the headers that matched and the ones missing.
pub fn unrecognised_sheets(workbook: &Workbook) -> (Vec<SheetReport>, Vec<Diagnostic>) {
    let mut reports = Vec::new();
    let mut diags = Vec::new();
    for sheet in &workbook.sheets {
        let unread = SheetReport {
            name: sheet.name.clone(),
            visibility: sheet.visibility,
            role: None,
            role_from_name: false,
            header_row: None,
            columns: Vec::new(),
            rows: RowCounts::default(),
            document: None,
        };
        let closest = Mapping::shipped()
            .iter()
            .filter(|m| !m.ignores_sheet(&sheet.name))
            .filter_map(|m| match recognition(sheet, &Matcher::new(m)) {
                Recognition::TooFew(layout, needs) => Some((m, layout, needs)),
                _ => None,
            })
            // The first of the mappings matching most headers, as they are ranked.
            .rev()
            .max_by_key(|(_, layout, _)| layout.matched().count());
        match closest {
            Some((mapping, layout, needs)) => {
                let file = workbook.file.as_str();
                diags.push(too_few_columns(file, &sheet.name, &layout, &needs, mapping));
                reports.push(with_header_row(unread, &layout));
            }
            None => reports.push(with_first_row(unread, sheet)),
        }
    }
    (reports, diags)
}

/// What was understood of one column.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnReport {
    /// Column letter.
    pub column: String,
    /// Header as shown.
    pub header: String,
    /// Canonical field (`learner.given_names`), `criterion:<name>`, or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Language of the column's texts, for text fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// How the header matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchKind>,
    /// The mapping's header that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// When another column took the same field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// What was understood of one sheet.
#[derive(Clone, Debug, Serialize)]
pub struct SheetReport {
    /// Sheet name.
    pub name: String,
    /// Shown or hidden.
    pub visibility: Visibility,
    /// The role, when the sheet was recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<SheetRole>,
    /// True when the sheet's name gave the role.
    pub role_from_name: bool,
    /// 1-based header row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    /// Columns.
    pub columns: Vec<ColumnReport>,
    /// Row accounting. For a Word table: one row per unit or grid read
    /// from it (or one reported, when it was not recognised).
    pub rows: RowCounts,
    /// For a table of a Word document: what it was recognised as and which
    /// labels matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<word::DocumentTableReport>,
}

/// A workbook whose sheets are recognised and ready to be read: header rows
/// and columns found, not a data row read yet.
pub struct PreparedWorkbook<'w> {
    pub(crate) workbook: &'w Workbook,
    pub(crate) mapping: &'w Mapping,
    /// The recognised sheets (their index in the workbook) and their layouts.
    pub(crate) sheets: Vec<(usize, SheetLayout)>,
    /// What was understood of each sheet (row counts filled in when read).
    pub reports: Vec<SheetReport>,
    /// Problems found with sheets and headers.
    pub diagnostics: Vec<Diagnostic>,
}

/// Recognises every sheet of a workbook with a mapping.
pub fn prepare_workbook<'w>(workbook: &'w Workbook, mapping: &'w Mapping) -> PreparedWorkbook<'w> {
    let matcher = Matcher::new(mapping);
    let file = workbook.file.as_str();
    let mut diags = Vec::new();
    let mut reports = Vec::new();
    let mut sheets = Vec::new();
    for (index, sheet) in workbook.sheets.iter().enumerate() {
        let unread = SheetReport {
            name: sheet.name.clone(),
            visibility: sheet.visibility,
            role: None,
            role_from_name: false,
            header_row: None,
            columns: Vec::new(),
            rows: RowCounts::default(),
            document: None,
        };
        let layout = match recognise_sheet(file, sheet, &matcher, &mut diags) {
            Recognition::Read(layout) => layout,
            Recognition::TooFew(layout, _) => {
                reports.push(with_header_row(unread, &layout));
                continue;
            }
            Recognition::NoHeader => {
                reports.push(with_first_row(unread, sheet));
                continue;
            }
            Recognition::Ignored => {
                reports.push(unread);
                continue;
            }
        };
        report_columns(file, &sheet.name, &layout, &matcher, &mut diags);
        reports.push(SheetReport {
            role: Some(layout.role),
            role_from_name: layout.role_from_name,
            header_row: Some(layout.header_row + 1),
            columns: layout.columns.iter().map(column_report).collect(),
            ..unread
        });
        sheets.push((index, layout));
    }
    PreparedWorkbook {
        workbook,
        mapping,
        sheets,
        reports,
        diagnostics: diags,
    }
}

/// What a mapping makes of one sheet.
pub(crate) enum Recognition {
    /// A header row whose columns can make records of the sheet's role.
    Read(SheetLayout),
    /// A header row matching some headers, too few to make a record of its
    /// role (a model's documentation, a statistic): what it lacks.
    TooFew(SheetLayout, Vec<Need>),
    /// No header row the mapping recognises.
    NoHeader,
    /// A sheet the mapping names an instructions or lists sheet.
    Ignored,
}

/// Recognises a sheet's header row, and judges whether its columns are
/// enough to make records (the minimum set of its role).
pub(crate) fn recognition(sheet: &Sheet, matcher: &Matcher) -> Recognition {
    match detect_layout(sheet, matcher) {
        None => Recognition::NoHeader,
        Some(layout) => {
            let needs = minimum::missing(&layout);
            match needs.is_empty() {
                true => Recognition::Read(layout),
                false => Recognition::TooFew(layout, needs),
            }
        }
    }
}

/// A sheet's layout, when it is one to read: not one the mapping ignores,
/// and with a header row whose columns can make records. A hidden sheet is
/// reported, and so is a visible one with cells but no header row, with
/// too few columns to make a record, or none at all.
fn recognise_sheet(
    file: &str,
    sheet: &Sheet,
    matcher: &Matcher,
    diags: &mut Vec<Diagnostic>,
) -> Recognition {
    let mapping = matcher.mapping();
    let location = || Location::sheet(file, &sheet.name);
    if mapping.ignores_sheet(&sheet.name) {
        diags.push(Diagnostic::info(
            Code::SheetNotRecognised,
            location(),
            format!(
                "not read: mapping \"{}\" names this an instructions or lists sheet",
                mapping.id
            ),
        ));
        return Recognition::Ignored;
    }
    let recognition = recognition(sheet, matcher);
    let read = matches!(recognition, Recognition::Read(_));
    let hidden = sheet.visibility != Visibility::Visible;
    if hidden {
        diags.push(
            Diagnostic::warning(
                Code::HiddenSheet,
                location(),
                if read {
                    "the sheet is hidden; it was read like the others".to_string()
                } else {
                    "the sheet is hidden and holds no table europass recognises; it was not read"
                        .to_string()
                },
            )
            .with_hint("unhide it to check what it holds, or delete it if it is not needed"),
        );
    }
    match &recognition {
        Recognition::TooFew(layout, needs) if !hidden => {
            diags.push(too_few_columns(file, &sheet.name, layout, needs, mapping));
        }
        Recognition::NoHeader if !hidden => diags.push(no_header_row(file, sheet, mapping)),
        _ => {}
    }
    recognition
}

fn no_header_row(file: &str, sheet: &Sheet, mapping: &Mapping) -> Diagnostic {
    let location = Location::sheet(file, &sheet.name);
    let cells = count_values(sheet);
    if cells == 0 {
        return Diagnostic::info(Code::EmptySheet, location, "the sheet is empty");
    }
    Diagnostic::warning(
        Code::SheetNotRecognised,
        location,
        format!(
            "no header row matching mapping \"{}\" was found; the sheet's {cells} filled cells were not read",
            mapping.id
        ),
    )
    .with_hint("if the sheet holds data, give its columns headers the mapping knows (see `europass inspect`), or pass your own --mapping")
}

/// A sheet whose matched headers cannot make a record of its role: which
/// matched, what is missing and how to add it.
pub(crate) fn too_few_columns(
    file: &str,
    sheet: &str,
    layout: &SheetLayout,
    needs: &[Need],
    mapping: &Mapping,
) -> Diagnostic {
    let matched: Vec<String> = layout
        .matched()
        .map(|c| {
            let target = c.matched.as_ref().map(|m| target_name(&m.target));
            format!("\"{}\" ({})", c.full_header(), target.unwrap_or_default())
        })
        .collect();
    let missing: Vec<&str> = needs.iter().map(|n| n.what).collect();
    let hints: Vec<String> = needs.iter().map(|n| n.hint(mapping)).collect();
    let mut location = Location::sheet(file, sheet);
    location.row = Some(layout.header_row + 1);
    Diagnostic::warning(
        Code::NoMatchingMapping,
        location,
        format!(
            "not read as mobility data: the headers of row {} that match mapping \"{}\" — {} — are not enough to make {} record; missing {}",
            layout.header_row + 1,
            mapping.id,
            matched.join(", "),
            role_record(layout.role),
            missing.join("; and ")
        ),
    )
    .with_hint(format!(
        "if the sheet holds mobility data, add {}; or write a mapping file for its headers (see mappings/README.md) and pass it with --mapping. If it holds something else (documentation, statistics), nothing needs doing",
        hints.join("; and ")
    ))
}

/// "a learner", "an organisation": the record a sheet of the role makes.
fn role_record(role: SheetRole) -> &'static str {
    match role {
        SheetRole::Flat | SheetRole::Learners => "a learner",
        SheetRole::Units => "a unit",
        SheetRole::Planned => "a planned unit",
        SheetRole::Results => "a result",
        SheetRole::Ratings => "a criterion rating",
        SheetRole::Organisations => "an organisation",
    }
}

/// An unread sheet's report with the header row that was close: its
/// texts and what each matched, so a mapping can be written for it.
fn with_header_row(unread: SheetReport, layout: &SheetLayout) -> SheetReport {
    SheetReport {
        header_row: Some(layout.header_row + 1),
        columns: layout.columns.iter().map(column_report).collect(),
        ..unread
    }
}

/// An unread sheet's report with its first row of two or more filled
/// cells (among the rows a header is looked for in): likely its header.
fn with_first_row(unread: SheetReport, sheet: &Sheet) -> SheetReport {
    let first = sheet.row_start();
    let last = sheet.row_end().min(first + 40);
    let Some(row) = (first..last).find(|r| sheet.filled_in_row(*r).count() >= 2) else {
        return unread;
    };
    let columns = sheet
        .filled_in_row(row)
        .take(256)
        .map(|(c, v)| ColumnReport {
            column: crate::diagnostics::column_name(c),
            header: v.to_text(),
            field: None,
            language: None,
            matched_by: None,
            alias: None,
            duplicate_of: None,
        })
        .collect();
    SheetReport {
        header_row: Some(row + 1),
        columns,
        ..unread
    }
}

fn count_values(sheet: &Sheet) -> usize {
    let mut n = 0;
    for r in sheet.row_start()..sheet.row_end() {
        for c in 0..sheet.col_end() {
            if !sheet.value(r, c).is_blank() {
                n += 1;
            }
        }
    }
    n
}

fn column_report(c: &headers::Column) -> ColumnReport {
    let (field, language) = match &c.matched {
        Some(m) => match &m.target {
            Target::Field { field, language } => (Some(field.path()), language.clone()),
            Target::Criterion { name } => (Some(format!("criterion:{name}")), None),
        },
        None => (None, None),
    };
    ColumnReport {
        column: crate::diagnostics::column_name(c.index),
        header: c.full_header(),
        field,
        language,
        matched_by: c.matched.as_ref().map(|m| m.kind),
        alias: c.matched.as_ref().map(|m| m.alias.clone()),
        duplicate_of: c.duplicate_of.map(crate::diagnostics::column_name),
    }
}

/// Diagnostics about columns: unmapped, duplicate, matched only by similarity.
fn report_columns(
    file: &str,
    sheet: &str,
    layout: &SheetLayout,
    matcher: &Matcher,
    diags: &mut Vec<Diagnostic>,
) {
    for c in &layout.columns {
        let loc = {
            let mut l = Location::column(file, sheet, c.index);
            l.row = Some(layout.header_row + 1);
            l
        };
        let header = c.full_header();
        match (&c.matched, c.duplicate_of) {
            (Some(m), Some(owner)) => diags.push(
                Diagnostic::warning(
                    Code::DuplicateColumn,
                    loc,
                    format!(
                        "column \"{header}\" also matches {} (taken by column {}); its values are kept as unmapped values",
                        target_name(&m.target),
                        crate::diagnostics::column_name(owner)
                    ),
                )
                .with_hint("rename or delete one of the two columns"),
            ),
            (Some(m), None) if m.kind == MatchKind::Similar => diags.push(
                Diagnostic::warning(
                    Code::FuzzyHeaderMatch,
                    loc,
                    format!("column \"{header}\" was read as {} because it looks like \"{}\"", target_name(&m.target), m.alias),
                )
                .with_hint(format!("correct the header to \"{}\" if that is right", m.alias)),
            ),
            (None, _) if matcher.mapping().keeps_column(&header) => diags.push(
                Diagnostic::info(
                    Code::UnmappedColumn,
                    loc,
                    format!("column \"{header}\" is kept with each record as it is (round.json: \"unmapped\"): the mapping lists it in kept_columns, as no canonical field holds it"),
                ),
            ),
            (None, _) => {
                let mut d = Diagnostic::warning(
                    Code::UnmappedColumn,
                    loc,
                    format!("column \"{header}\" matches no field; its values are kept with each record as unmapped values"),
                );
                d = match matcher.nearest(&header) {
                    Some((field, alias)) => d.with_hint(format!("did you mean {field} (\"{alias}\")? Otherwise add the header to a mapping file")),
                    None => d.with_hint("add the header to a mapping file (see mappings/README.md) if it should map to a field"),
                };
                diags.push(d);
            }
            _ => {}
        }
    }
}

fn target_name(t: &Target) -> String {
    match t {
        Target::Field {
            field,
            language: Some(l),
        } => format!("{field}@{l}"),
        Target::Field {
            field,
            language: None,
        } => field.path(),
        Target::Criterion { name } => format!("the criterion \"{name}\""),
    }
}
