//! Grades against their schemes, points against their units.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Field;
use crate::model::{CreditSystem, Round};
use crate::provenance::{RecordRef, SourceMap};

/// A recorded pass/fail agrees with what the grade means on its scheme.
pub(super) fn passed_agrees_with_grade(
    round: &Round,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    for a in &round.assessments {
        let (Some(passed), Some(grade)) = (a.passed, &a.grade) else {
            continue;
        };
        let Some(scheme) = round.grading_scheme(&grade.scheme) else {
            continue;
        };
        if let Some(by_grade) = scheme.passes(&grade.value)
            && by_grade != passed
        {
            out.push(
                Diagnostic::warning(
                    Code::PassedContradictsGrade,
                    sources.locate(&RecordRef::Result(a.id.clone()), Some(Field::ResultPassed)),
                    format!(
                        "the result says {} but the grade {} is a {} on {}",
                        if passed { "passed" } else { "not passed" },
                        grade.value,
                        if by_grade { "pass" } else { "fail" },
                        scheme.id
                    ),
                )
                .with_hint("correct the grade, the pass/fail column, or the grading scheme"),
            );
        }
    }
}

/// No more ECVET points awarded than the unit carries.
pub(super) fn awarded_points_within_unit(
    round: &Round,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    for a in &round.assessments {
        let Some(unit) = round.unit(&a.unit) else {
            continue;
        };
        for awarded in &a.credit_points {
            let planned = unit
                .credit_points
                .iter()
                .find(|p| p.system == awarded.system && p.system == CreditSystem::Ecvet);
            if let Some(planned) = planned
                && awarded.value > planned.value
            {
                out.push(
                    Diagnostic::warning(
                        Code::PointsExceedUnit,
                        sources.locate(
                            &RecordRef::Result(a.id.clone()),
                            Some(Field::ResultEcvetPoints),
                        ),
                        format!(
                            "{} ECVET points awarded but unit {} carries {}",
                            awarded.value, unit.id, planned.value
                        ),
                    )
                    .with_hint("award at most the unit's points"),
                );
            }
        }
    }
}
