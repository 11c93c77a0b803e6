//! Rules over the canonical model: things no single cell shows wrong but the
//! round as a whole does (an end before a start, a "passed" that the grade
//! contradicts), and what each output format needs.
//!
//! Rules only read the [`Round`]; the [`SourceMap`] points each finding at
//! the cell to fix.

mod dates;
mod grades;
mod records;
mod requirements;

pub use requirements::Requirement;

use crate::diagnostics::Diagnostic;
use crate::model::Round;
use crate::provenance::SourceMap;

/// A rule over the whole round.
type Rule = fn(&Round, &SourceMap, &mut Vec<Diagnostic>);

/// Every rule, in the order its findings are listed.
const RULES: &[Rule] = &[
    dates::mobility_dates,
    dates::birth_dates,
    grades::passed_agrees_with_grade,
    grades::awarded_points_within_unit,
    records::learner_names_are_names,
    records::learners_have_mobilities,
    records::mobilities_have_hosts,
    records::units_have_outcomes,
];

/// Applies every rule to the round.
pub fn check_round(round: &Round, sources: &SourceMap) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // The rules only read: they run side by side, their findings listed in
    // rule order.
    RULES
        .par_iter()
        .map(|rule| {
            let mut found = Vec::new();
            rule(round, sources, &mut found);
            found
        })
        .collect::<Vec<_>>()
        .concat()
}

/// Checks what an output format needs (see [`Requirement`]).
pub fn check_requirements(
    round: &Round,
    sources: &SourceMap,
    format: &str,
    needs: &[Requirement],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for need in needs {
        need.check(round, sources, format, &mut out);
    }
    out
}
