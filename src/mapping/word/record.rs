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
use crate::mapping::records::RowRecord;
use crate::mapping::rows::set_field;
use crate::model::fields::{Field, Kind};
use crate::model::{CriterionRating, Grade, MultilingualText};

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
