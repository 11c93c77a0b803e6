//! A unit or grid made into a row record: each value normalised as a
//! sheet's cell would be, a grid's ratings and grade read on their scheme,
//! and a unit or grid that names too little to be joined reported.

use super::draft::{Draft, DraftKind, Found};
use super::words::Words;
use super::{doc_loc, plural};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::CellValue;
use crate::import::word::Document;
use crate::mapping::ReadGrade;
use crate::mapping::fill::set_field;
use crate::mapping::records::RowRecord;
use crate::model::fields::{Field, Kind};
use crate::model::{CriterionRating, Grade, MultilingualText};

/// The values of a draft set aside for a grid: its grades and the label
/// naming its scale, read once the grid's scheme is known.
#[derive(Default)]
struct Deferred<'d> {
    grades: Vec<&'d Found>,
    scheme_label: Option<&'d Found>,
}

impl<'m> Words<'m> {
    /// Turns a unit or grid into a record; `None` (reported) when it cannot
    /// be identified. Also returns the scheme a grid was read on.
    pub(super) fn to_record(
        &self,
        file: &str,
        document: &Document,
        draft: &Draft,
        diags: &mut Vec<Diagnostic>,
    ) -> (Option<RowRecord>, Option<String>) {
        let part = &document.parts[draft.sheet];
        let (mut rec, deferred) = self.draft_values(file, document, draft, diags);
        let row_loc = Location::row(file, &part.name(), draft.row + 1);
        if draft.kind == DraftKind::Unit {
            return (unit_record(rec, row_loc, diags), None);
        }
        if let Some(missing) = grid_lacks(&rec) {
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
        let scheme = self.grid_scheme(file, part, draft, deferred.scheme_label, diags);
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
        for g in deferred.grades {
            let loc = doc_loc(file, &document.parts[g.sheet], g.at);
            self.read_grade(draft, g, loc, scheme.as_deref(), &mut rec, diags);
        }
        (Some(rec), scheme)
    }

    /// A record of the draft's values, each normalised as a sheet's cell
    /// would be (a value that cannot be is reported and kept unmapped), and
    /// its unmapped values; grades and a scale label are set aside.
    fn draft_values<'d>(
        &self,
        file: &str,
        document: &Document,
        draft: &'d Draft,
        diags: &mut Vec<Diagnostic>,
    ) -> (RowRecord, Deferred<'d>) {
        let mapping = self.mappings[draft.mapping];
        let mut rec = RowRecord::default();
        let mut deferred = Deferred::default();
        for v in &draft.values {
            let text = match v.field {
                Field::ResultGrade => {
                    deferred.grades.push(v);
                    continue;
                }
                Field::ResultGradingScheme | Field::ResultCriteriaScheme => {
                    deferred.scheme_label = Some(v);
                    continue;
                }
                f if f.kind() == Kind::Outcomes => self.strip_intro(&v.text),
                _ => v.text.clone(),
            };
            let value = CellValue::Text(&text);
            if let Err(p) = set_field(mapping, &mut rec, v.field, &v.language, &value) {
                let loc = doc_loc(file, &document.parts[v.sheet], v.at);
                diags.push(unreadable(p, loc, v));
                rec.unmapped.push((v.label.clone(), v.text.clone()));
            }
        }
        rec.unmapped.extend(draft.unmapped.iter().cloned());
        (rec, deferred)
    }

    /// A grid's overall grade, read on the mapping's scheme, else the grid's,
    /// else the country's; a grade no scheme reads is reported and kept
    /// unmapped.
    fn read_grade(
        &self,
        draft: &Draft,
        g: &Found,
        loc: Location,
        grid_scheme: Option<&str>,
        rec: &mut RowRecord,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mapping = self.mappings[draft.mapping];
        let id = mapping
            .grading
            .scheme
            .clone()
            .or_else(|| grid_scheme.map(str::to_string))
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
            return;
        };
        match mapping.schemes.grade(&id, &CellValue::Text(g.text.trim())) {
            Ok(grade) => rec.result.grade = Some(grade),
            Err(p) => {
                diags.push(unreadable(p, loc, g));
                rec.unmapped.push((g.label.clone(), g.text.clone()));
            }
        }
    }
}

/// A unit description's record; one without a title or code cannot be told
/// from other units and is reported instead.
fn unit_record(
    rec: RowRecord,
    row_loc: Location,
    diags: &mut Vec<Diagnostic>,
) -> Option<RowRecord> {
    if rec.unit.code.is_some() || !rec.unit.title.is_empty() {
        return Some(rec);
    }
    let statements: usize = [&rec.unit.knowledge, &rec.unit.skills, &rec.unit.competence]
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
    None
}

/// What a grid's record lacks to be joined to a result: its learner, its
/// unit, or both.
fn grid_lacks(rec: &RowRecord) -> Option<&'static str> {
    let l = &rec.learner;
    let has_learner = l.given_names.as_deref().is_some_and(|s| !s.is_empty())
        || l.family_name.is_some()
        || l.school_id.is_some()
        || l.national_id.is_some();
    let has_unit = rec.unit.code.is_some() || !rec.unit.title.is_empty();
    match (has_learner, has_unit) {
        (true, true) => None,
        (false, false) => Some("no learner and no unit"),
        (false, true) => Some("no learner"),
        (true, false) => Some("no unit"),
    }
}

/// A value that could not be normalised, at its place, naming its label.
pub(super) fn unreadable(
    p: crate::mapping::normalise::Problem,
    location: Location,
    v: &Found,
) -> Diagnostic {
    Diagnostic {
        severity: p.severity,
        code: p.code,
        message: format!("{} (\"{}\")", p.message, v.label),
        location,
        hint: p.hint,
    }
}
