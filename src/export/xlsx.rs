//! The canonical import workbook: the layout `europass template xlsx` writes
//! for schools to fill in, with one sheet per record kind, the exact headers
//! of a shipped mapping, drop-down lists and an instructions sheet.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use std::sync::OnceLock;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use serde::Deserialize;

pub(super) mod rows;

use self::rows::{
    self as workbook_rows, Cell, ColumnKey, Row, Words, cut_for_excel, excel_can_date,
};
use super::ExportError;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::mapping::{Mapping, SheetRole};
use crate::model::Round;
use crate::model::fields::Kind;
use crate::model::{Field, OutcomeCategory};
use crate::outputs::{OutputKind, OutputPlan, ROUND_XLSX};
use crate::provenance::SourceMap;

const TEXT_TOML: &str = include_str!("../../assets/template-text.toml");

/// Most columns of values without a field; the rest share one column.
const MAX_UNMAPPED_COLUMNS: usize = 100;
/// The header of that shared column.
const OTHER_VALUES: &str = "Other unmapped values";

/// Moves a row's values under the headers in `rest` into the shared column.
fn fold_unmapped(row: &mut Row, rest: &BTreeSet<String>) {
    let mut lines = Vec::new();
    row.retain(|k, v| match (k, v) {
        (ColumnKey::Unmapped(h), Cell::Text(t)) if rest.contains(h) => {
            lines.push(format!("{h}: {t}"));
            false
        }
        _ => true,
    });
    if !lines.is_empty() {
        row.insert(
            ColumnKey::Unmapped(OTHER_VALUES.into()),
            Cell::Text(lines.join("\n")),
        );
    }
}

/// Rows prepared with drop-down lists and date formats below the header.
const PREPARED_ROWS: u32 = 1000;

/// The sheets of the canonical layout and their columns, in order. A column
/// is written only when the language's mapping has a header for it.
/// A column of the layout: a field, in a language for `@lang` columns.
type LayoutColumn = (Field, Option<&'static str>);
/// A layout column with its header in the template's language.
type HeaderedColumn = (ColumnKey, String);

const LAYOUT: &[(SheetRole, &[LayoutColumn])] = &[
    (
        SheetRole::Organisations,
        &[
            (Field::OrganisationName, None),
            (Field::OrganisationRole, None),
            (Field::OrganisationCountry, None),
            (Field::OrganisationAddress, None),
            (Field::OrganisationPhone, None),
            (Field::OrganisationEmail, None),
            (Field::OrganisationWebsite, None),
            (Field::OrganisationPic, None),
            (Field::OrganisationOid, None),
            (Field::OrganisationContactName, None),
            (Field::OrganisationContactPosition, None),
            (Field::OrganisationContactEmail, None),
            (Field::OrganisationContactPhone, None),
        ],
    ),
    (
        SheetRole::Learners,
        &[
            (Field::LearnerId, None),
            (Field::LearnerGivenNames, None),
            (Field::LearnerFamilyName, None),
            (Field::LearnerDateOfBirth, None),
            (Field::LearnerNationality, None),
            (Field::LearnerEmail, None),
            (Field::LearnerPhone, None),
            (Field::LearnerAddress, None),
            (Field::LearnerNationalId, None),
            (Field::LearnerGender, None),
            (Field::LearnerGuardianName, None),
            (Field::LearnerGuardianEmail, None),
            (Field::LearnerGuardianPhone, None),
            (Field::SendingName, None),
            (Field::HostName, None),
            (Field::MobilityProjectCode, None),
            (Field::MobilityId, None),
            (Field::MobilityStart, None),
            (Field::MobilityEnd, None),
            (Field::MobilityDurationWeeks, None),
            (Field::MobilityObjective, None),
            (Field::MobilityTasks, None),
            (Field::MobilityLanguage, None),
            (Field::MentorName, None),
            (Field::MentorPosition, None),
            (Field::MentorEmail, None),
            (Field::MentorPhone, None),
        ],
    ),
    (
        SheetRole::Units,
        &[
            (Field::UnitCode, None),
            (Field::UnitTitle, None),
            (Field::UnitTitle, Some("en")),
            (Field::QualificationCode, None),
            (Field::QualificationTitle, None),
            (Field::QualificationTitle, Some("en")),
            (Field::QualificationEqfLevel, None),
            (Field::QualificationNqfLevel, None),
            (Field::UnitAreaOfWork, None),
            (Field::UnitDescription, None),
            (Field::UnitEqfLevel, None),
            (Field::UnitNqfLevel, None),
            (Field::UnitEcvetPoints, None),
            (Field::UnitNationalPoints, None),
            (Field::UnitKnowledge, None),
            (Field::UnitKnowledge, Some("en")),
            (Field::UnitSkills, None),
            (Field::UnitSkills, Some("en")),
            (Field::UnitCompetence, None),
            (Field::UnitCompetence, Some("en")),
            // Only when a unit has outcomes of no category (see `data_sheets`).
            (Field::UnitOutcomes, None),
            (Field::UnitOutcomes, Some("en")),
        ],
    ),
    (
        SheetRole::Planned,
        &[
            (Field::LearnerId, None),
            (Field::UnitCode, None),
            (Field::PlannedEcvetPoints, None),
            (Field::PlannedActivities, None),
            (Field::PlannedActivities, Some("en")),
        ],
    ),
    (
        SheetRole::Results,
        &[
            (Field::LearnerId, None),
            (Field::UnitCode, None),
            (Field::ResultGrade, None),
            (Field::ResultGradingScheme, None),
            (Field::ResultPassed, None),
            (Field::ResultAchieved, None),
            (Field::ResultDate, None),
            (Field::ResultMethod, None),
            (Field::AssessorName, None),
            (Field::AssessorPosition, None),
            (Field::AssessorEmail, None),
            (Field::ResultEcvetPoints, None),
            (Field::ResultRemarks, None),
            (Field::ResultDeviations, None),
        ],
    ),
    (
        SheetRole::Ratings,
        &[
            (Field::LearnerId, None),
            (Field::UnitCode, None),
            (Field::RatingCriterion, None),
            (Field::RatingValue, None),
            (Field::RatingScheme, None),
        ],
    ),
];

#[derive(Deserialize)]
struct Texts {
    title: String,
    intro: Vec<String>,
    sheets_heading: String,
    columns_heading: String,
    column: String,
    meaning: String,
    sheet: String,
    yes: String,
    no: String,
    achievement: Vec<String>,
    roles: Vec<String>,
    sheet_help: BTreeMap<String, String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

fn texts() -> &'static BTreeMap<String, Texts> {
    static TEXTS: OnceLock<BTreeMap<String, Texts>> = OnceLock::new();
    TEXTS.get_or_init(|| toml::from_str(TEXT_TOML).expect("assets/template-text.toml is valid"))
}

/// The languages a template can be written in.
pub fn template_languages() -> Vec<&'static str> {
    texts().keys().map(String::as_str).collect()
}

fn xlsx_error(e: XlsxError) -> ExportError {
    ExportError::Serialise {
        format: "xlsx",
        detail: e.to_string(),
    }
}

/// A blank import workbook in `lang` (`en`, `lv`).
pub fn template_workbook(lang: &str) -> Result<Vec<u8>, ExportError> {
    canonical_workbook(&Round::default(), lang)
}

/// The round in the canonical workbook layout, in `lang`: what `--to xlsx`
/// writes and `europass template xlsx` writes empty. Reading it back through
/// the shipped mapping of that language gives the same round.
pub fn canonical_workbook(round: &Round, lang: &str) -> Result<Vec<u8>, ExportError> {
    canonical_workbook_cutting(round, lang, &mut Vec::new())
}

/// A text too long for an Excel cell, cut in the workbook.
struct CutText {
    sheet: String,
    row: u32,
    header: String,
    chars: usize,
}

/// [`canonical_workbook`], telling which texts had to be cut to fit a cell.
fn canonical_workbook_cutting(
    round: &Round,
    lang: &str,
    cuts: &mut Vec<CutText>,
) -> Result<Vec<u8>, ExportError> {
    let text = texts().get(lang).ok_or_else(|| ExportError::Serialise {
        format: "xlsx",
        detail: format!(
            "no template texts for language `{lang}` (known: {})",
            template_languages().join(", ")
        ),
    })?;
    let mapping = Mapping::shipped()
        .iter()
        .find(|m| m.language == lang)
        .ok_or_else(|| ExportError::Serialise {
            format: "xlsx",
            detail: format!("no shipped mapping for language `{lang}`"),
        })?;
    build(mapping, text, round, cuts).map_err(xlsx_error)
}

struct Lists {
    eqf: String,
    schemes: String,
    countries: String,
    yes_no: String,
    achievement: String,
    roles: String,
    languages: String,
    /// The organisations' names, for the sending and host columns.
    organisations: String,
}

/// The cell formats the data sheets use.
struct Formats {
    header: Format,
    wrap: Format,
    date: Format,
}

fn build(
    mapping: &Mapping,
    text: &Texts,
    round: &Round,
    cuts: &mut Vec<CutText>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time: the same round always gives the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("europass"),
    );
    let formats = Formats {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        date: Format::new().set_num_format(if mapping.language == "lv" {
            "dd.mm.yyyy"
        } else {
            "yyyy-mm-dd"
        }),
    };
    // Instructions first, so a school sees them when it opens the file.
    instructions_sheet(wb.add_worksheet(), mapping, text, &formats)?;
    data_sheets(&mut wb, mapping, text, round, &formats, cuts)?;
    lists_sheet(wb.add_worksheet(), mapping, text)?;
    wb.save_to_buffer()
}

/// The name of `role`'s sheet in `mapping`'s language.
fn sheet_name(mapping: &Mapping, role: SheetRole) -> String {
    mapping
        .sheet_name(role)
        .unwrap_or(role.as_str())
        .to_string()
}

/// The instructions: what each sheet is for and what each column means.
fn instructions_sheet(
    ws: &mut Worksheet,
    mapping: &Mapping,
    text: &Texts,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(16);
    let bold = Format::new().set_bold();
    let wrap = &formats.wrap;
    ws.set_name(if mapping.language == "lv" {
        "Norādījumi"
    } else {
        "Instructions"
    })?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 100)?;
    ws.write_string_with_format(0, 0, &text.title, &title)?;
    let mut row = 2;
    for p in &text.intro {
        ws.write_string_with_format(row, 0, p, wrap)?;
        ws.merge_range(row, 0, row, 1, p, wrap)?;
        ws.set_row_height(row, 32)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, &text.sheets_heading, &bold)?;
    row += 1;
    for (role, _) in LAYOUT {
        ws.write_string_with_format(row, 0, sheet_name(mapping, *role), &bold)?;
        let help = text
            .sheet_help
            .get(role.as_str())
            .map(String::as_str)
            .unwrap_or("");
        ws.write_string_with_format(row, 1, help, wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, &text.columns_heading, &bold)?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        format!("{} › {}", text.sheet, text.column),
        &formats.header,
    )?;
    ws.write_string_with_format(row, 1, &text.meaning, &formats.header)?;
    row += 1;
    for (role, columns) in LAYOUT {
        for (field, lang) in columns.iter() {
            let Some(h) = mapping.canonical_header(*field, *lang) else {
                continue;
            };
            let key = match lang {
                Some(l) => format!("{}@{l}", field.path()),
                None => field.path(),
            };
            let meaning = text
                .fields
                .get(&key)
                .map(String::as_str)
                .unwrap_or(field.doc());
            ws.write_string(row, 0, format!("{} › {h}", sheet_name(mapping, *role)))?;
            ws.write_string_with_format(row, 1, meaning, wrap)?;
            row += 1;
        }
    }
    ws.set_active(true);
    Ok(())
}

/// The data sheets: the layout's columns, and a "Header [xx]" column for
/// each further language the round's texts have.
fn data_sheets(
    wb: &mut Workbook,
    mapping: &Mapping,
    text: &Texts,
    round: &Round,
    formats: &Formats,
    cuts: &mut Vec<CutText>,
) -> Result<(), XlsxError> {
    let words = Words {
        language: &mapping.language,
        yes: &text.yes,
        no: &text.no,
        achievement: &text.achievement,
        roles: &text.roles,
    };
    let lists = Lists {
        eqf: "=Lists!$A$2:$A$9".into(),
        schemes: format!("=Lists!$B$2:$B${}", 1 + mapping.schemes.all().len()),
        countries: format!("=Lists!$C$2:$C${}", 1 + country_labels().len()),
        yes_no: "=Lists!$D$2:$D$3".into(),
        achievement: format!("=Lists!$E$2:$E${}", 1 + text.achievement.len()),
        roles: format!("=Lists!$F$2:$F${}", 1 + text.roles.len()),
        languages: "=Lists!$G$2:$G$13".into(),
        organisations: format!(
            "='{}'!$A$2:$A${}",
            sheet_name(mapping, SheetRole::Organisations),
            PREPARED_ROWS + 1
        ),
    };
    // Outcomes of no category (another issuer's) get their column only when
    // there are some: a school's blank template sorts its statements.
    let uncategorised = round.units.iter().any(|u| {
        u.learning_outcomes
            .iter()
            .any(|o| o.category == OutcomeCategory::Unspecified)
    });
    for (role, columns) in LAYOUT {
        let mut rows = workbook_rows::rows(*role, round, &words);
        let columns: Vec<LayoutColumn> = columns
            .iter()
            .copied()
            .filter(|(f, _)| uncategorised || *f != Field::UnitOutcomes)
            .collect();
        let cols = sheet_columns(mapping, &columns, &mut rows);
        // Each sheet is written as soon as its rows are made, one row at a
        // time (low-memory mode keeps one row in memory, not the sheet): a
        // round of 10,000 learners has over 100,000 rows.
        let ws = wb.add_worksheet_with_low_memory()?;
        let name = sheet_name(mapping, *role);
        ws.set_name(&name)?;
        write_header(ws, &cols, rows.len(), text, &lists, formats)?;
        for (r, row) in rows.iter().enumerate() {
            write_row(ws, 1 + r as u32, row, &cols, &name, formats, cuts)?;
        }
    }
    Ok(())
}

/// The columns of one sheet: the layout's, a column per further language of
/// a multilingual one, and the unmapped values' (past a limit folded into
/// one column of "header: value" lines, in `rows` too).
fn sheet_columns(
    mapping: &Mapping,
    columns: &[(Field, Option<&str>)],
    rows: &mut [Row],
) -> Vec<HeaderedColumn> {
    let mut cols: Vec<HeaderedColumn> = Vec::new();
    for (field, lang) in columns.iter() {
        let Some(h) = mapping.canonical_header(*field, *lang) else {
            continue;
        };
        cols.push((
            ColumnKey::Field(*field, lang.map(str::to_string)),
            h.to_string(),
        ));
        if lang.is_some() || !field.kind().is_multilingual() {
            continue;
        }
        let extra: BTreeSet<&str> = rows
            .iter()
            .flat_map(|r| r.keys())
            .filter_map(|k| match k {
                ColumnKey::Field(f, Some(l)) if f == field => Some(l.as_str()),
                _ => None,
            })
            .filter(|l| !columns.contains(&(*field, Some(*l))))
            .collect();
        for l in extra {
            cols.push((
                ColumnKey::Field(*field, Some(l.to_string())),
                format!("{h} [{l}]"),
            ));
        }
    }
    let mut unmapped: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| r.keys())
        .filter_map(|k| match k {
            ColumnKey::Unmapped(h) => Some(h.clone()),
            ColumnKey::Field(..) => None,
        })
        .collect();
    if unmapped.len() > MAX_UNMAPPED_COLUMNS {
        // Past this, one column holds the rest as "header: value" lines:
        // a sheet has at most 16,384 columns, and nobody reads thousands.
        let rest: BTreeSet<String> = unmapped
            .iter()
            .skip(MAX_UNMAPPED_COLUMNS - 1)
            .cloned()
            .collect();
        for row in rows.iter_mut() {
            fold_unmapped(row, &rest);
        }
        unmapped.retain(|h| !rest.contains(h));
        unmapped.insert(OTHER_VALUES.to_string());
    }
    for h in unmapped {
        cols.push((ColumnKey::Unmapped(h.clone()), h));
    }
    cols
}

/// One data row (`r`, 0-based) of sheet `sheet`; a text longer than a cell
/// holds is cut and noted in `cuts`.
fn write_row(
    ws: &mut Worksheet,
    r: u32,
    row: &Row,
    cols: &[HeaderedColumn],
    sheet: &str,
    formats: &Formats,
    cuts: &mut Vec<CutText>,
) -> Result<(), XlsxError> {
    for (c, (key, _)) in cols.iter().enumerate() {
        let c = c as u16;
        match row.get(key) {
            None => {}
            Some(Cell::Text(t)) => match cut_for_excel(t, workbook_rows::EXCEL_CELL_TEXT) {
                None => {
                    ws.write_string(r, c, t)?;
                }
                Some(cut) => {
                    cuts.push(CutText {
                        sheet: sheet.to_string(),
                        row: r + 1,
                        header: cols[c as usize].1.clone(),
                        chars: t.chars().count(),
                    });
                    ws.write_string(r, c, cut)?;
                }
            },
            Some(Cell::Number(n)) => {
                ws.write_number(r, c, *n)?;
            }
            // Excel has no dates before 1900 or after 9999.
            Some(Cell::Date(d)) if !excel_can_date(*d) => {
                ws.write_string(r, c, d.format("%Y-%m-%d").to_string())?;
            }
            Some(Cell::Date(d)) => {
                let excel =
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(r, c, &excel, &formats.date)?;
            }
        }
    }
    Ok(())
}

/// The lists behind the drop-downs, hidden.
fn lists_sheet(ws: &mut Worksheet, mapping: &Mapping, text: &Texts) -> Result<(), XlsxError> {
    ws.set_name("Lists")?;
    write_list(ws, 0, "EQF", (1..=8).map(|n| n.to_string()))?;
    write_list(
        ws,
        1,
        "scheme",
        mapping.schemes.all().iter().map(|s| s.id.clone()),
    )?;
    write_list(ws, 2, "country", country_labels().iter().cloned())?;
    write_list(ws, 3, "yes/no", [text.yes.clone(), text.no.clone()])?;
    write_list(ws, 4, "achievement", text.achievement.iter().cloned())?;
    write_list(ws, 5, "role", text.roles.iter().cloned())?;
    write_list(
        ws,
        6,
        "language",
        [
            "lv", "en", "fi", "de", "lt", "et", "sv", "pl", "fr", "es", "it", "ru",
        ]
        .map(String::from),
    )?;
    ws.set_hidden(true);
    Ok(())
}

/// A data sheet's header row, column widths and formats, and the drop-down
/// lists of its first `rows` rows (at least [`PREPARED_ROWS`]).
fn write_header(
    ws: &mut Worksheet,
    cols: &[HeaderedColumn],
    rows: usize,
    text: &Texts,
    lists: &Lists,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, (key, h)) in cols.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, h, &formats.header)?;
        let ColumnKey::Field(field, _) = key else {
            continue;
        };
        ws.set_column_width(c, width(field.kind(), h))?;
        let validation = match field.kind() {
            Kind::EqfLevel => Some(list(&lists.eqf, "EQF 1–8")),
            Kind::NqfLevel => Some(list(&lists.eqf, "1–8")),
            Kind::Scheme => Some(list(&lists.schemes, "lv-1-10, fi-1-3, …")),
            // The list shows "LV — Latvia"; a code or a name typed by
            // hand is read as well, so Excel only warns.
            Kind::Country => Some(
                list(
                    &lists.countries,
                    "LV — Latvia, …, or type a code (LV) or a name",
                )
                .set_error_style(DataValidationErrorStyle::Warning),
            ),
            Kind::YesNo => Some(list(&lists.yes_no, &format!("{} / {}", text.yes, text.no))),
            Kind::Achievement => Some(list(&lists.achievement, &text.achievement.join(" / "))),
            Kind::OrganisationRole => Some(list(&lists.roles, &text.roles.join(" / "))),
            Kind::Language => Some(list(&lists.languages, "lv, en, fi, de, …")),
            Kind::Date => Some(dates()?),
            Kind::Points | Kind::Weeks => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                    .set_error_style(DataValidationErrorStyle::Warning),
            ),
            _ if matches!(field, Field::SendingName | Field::HostName) => Some(
                DataValidation::new()
                    .allow_list_formula(Formula::new(&lists.organisations))
                    .set_error_style(DataValidationErrorStyle::Warning),
            ),
            _ => None,
        };
        if let Some(v) = validation {
            ws.add_data_validation(1, c, PREPARED_ROWS.max(rows as u32), c, &v)?;
        }
        if field.kind() == Kind::Date {
            ws.set_column_format(c, &formats.date)?;
        } else if matches!(field.kind(), Kind::Text | Kind::Outcomes) {
            ws.set_column_format(c, &formats.wrap)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn list(source: &str, shown: &str) -> DataValidation {
    DataValidation::new()
        .allow_list_formula(Formula::new(source))
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("europass")
        .map(|v| v.set_error_message(format!("Choose from the list: {shown}")))
        .and_then(|v| v)
        .unwrap_or_else(|_| DataValidation::new().allow_list_formula(Formula::new(source)))
}

fn dates() -> Result<DataValidation, XlsxError> {
    let from = ExcelDateTime::from_ymd(1900, 1, 1)?;
    let to = ExcelDateTime::from_ymd(2100, 12, 31)?;
    Ok(DataValidation::new()
        .allow_date(DataValidationRule::Between(from, to))
        .set_error_style(DataValidationErrorStyle::Warning))
}

fn write_list(
    ws: &mut Worksheet,
    col: u16,
    name: &str,
    values: impl IntoIterator<Item = String>,
) -> Result<(), XlsxError> {
    ws.write_string(0, col, name)?;
    for (i, v) in values.into_iter().enumerate() {
        ws.write_string(1 + i as u32, col, v)?;
    }
    Ok(())
}

fn width(kind: Kind, header: &str) -> f64 {
    let base: f64 = match kind {
        Kind::Outcomes => 50.0,
        Kind::Text => 30.0,
        Kind::Date => 12.0,
        _ => 16.0,
    };
    base.max(header.chars().count() as f64 * 0.9 + 2.0)
        .min(60.0)
}

/// Every country as the drop-down offers it, code first so that the code is
/// what is read: "LV — Latvia" (its English name, the first after the
/// alpha-3 code in countries.toml).
fn country_labels() -> &'static Vec<String> {
    static LABELS: OnceLock<Vec<String>> = OnceLock::new();
    LABELS.get_or_init(|| {
        #[derive(Deserialize)]
        struct Countries {
            countries: BTreeMap<String, Vec<String>>,
        }
        let c: Countries = toml::from_str(include_str!("../../mappings/countries.toml"))
            .expect("countries.toml is valid");
        c.countries
            .into_iter()
            .map(|(code, names)| match names.get(1) {
                Some(name) => format!("{code} — {name}"),
                None => code,
            })
            .collect()
    })
}

/// Writes `round.xlsx`: the round in the canonical workbook layout, so an
/// agency can normalise every school's submission into one shape.
pub struct CanonicalWorkbook;

impl super::Exporter for CanonicalWorkbook {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn description(&self) -> &'static str {
        "the round in the canonical workbook layout (round.xlsx)"
    }

    fn outputs(&self, _: &super::ExportContext) -> Vec<OutputKind> {
        vec![OutputKind::Workbook]
    }

    fn prepare<'r>(
        &self,
        round: &'r Round,
        _: &SourceMap,
        context: &'r super::ExportContext,
        _: &'r OutputPlan,
    ) -> Result<super::Prepared<'r>, ExportError> {
        Ok(super::Prepared::new(
            Vec::new(),
            move |sink, diagnostics| write_workbook(round, context, sink, diagnostics),
        ))
    }
}

/// Writes `round.xlsx` in the language of `context` (or of the round), and
/// a warning for each text cut to fit a cell.
fn write_workbook(
    round: &Round,
    context: &super::ExportContext,
    sink: &mut dyn super::OutputSink,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), ExportError> {
    // The first requested language the template knows, else the
    // language most of the round's texts are in, else English.
    let known = template_languages();
    let main = main_language(round);
    let lang = context
        .languages
        .iter()
        .map(String::as_str)
        .chain(main.as_deref())
        .find(|l| known.contains(l))
        .unwrap_or("en");
    let mut cuts = Vec::new();
    let bytes = canonical_workbook_cutting(round, lang, &mut cuts)?;
    for cut in cuts {
        let mut location = Location::file(ROUND_XLSX);
        location.sheet = Some(cut.sheet);
        location.row = Some(cut.row);
        diagnostics.push(
            Diagnostic::warning(
                Code::TextCut,
                location,
                format!(
                    "the text of \"{}\" has {} characters, more than an Excel cell holds (32,767): round.xlsx has it cut, the other outputs whole",
                    cut.header, cut.chars
                ),
            )
            .with_hint("shorten the text at its source if round.xlsx is to be read back; round.json keeps it whole"),
        );
    }
    sink.put(vec![super::OutputFile {
        path: ROUND_XLSX.into(),
        bytes,
    }])?;
    Ok(())
}

/// The language most titles and names of the round are written in.
fn main_language(round: &Round) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let texts = round
        .units
        .iter()
        .map(|u| &u.title)
        .chain(round.organisations.iter().map(|o| &o.name))
        .chain(round.mobilities.iter().map(|m| &m.objective))
        .chain(round.qualifications.iter().map(|q| &q.title));
    for t in texts {
        for l in t.languages() {
            *counts.entry(l).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(l, n)| (*n, std::cmp::Reverse(*l)))
        .map(|(l, _)| l.to_string())
}
