//! Merging rounds read whole (a `round.json`, later credentials) into the
//! round built from tables: a record whose id is already there is kept once,
//! and a different record under the same id is reported, not overwritten.

use std::collections::HashMap;

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::Round;

/// Adds every record of `other` (read from `file`) to `round`.
pub(crate) fn merge_round(
    round: &mut Round,
    other: Round,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Round {
        organisations,
        contacts,
        qualifications,
        units,
        learners,
        mobilities,
        learning_agreements,
        memoranda,
        assessments,
        grading_schemes,
    } = other;
    merge_list(
        &mut round.organisations,
        organisations,
        |r| r.id.clone(),
        "organisation",
        file,
        diags,
    );
    merge_list(
        &mut round.contacts,
        contacts,
        |r| r.id.clone(),
        "contact",
        file,
        diags,
    );
    merge_list(
        &mut round.qualifications,
        qualifications,
        |r| r.id.clone(),
        "qualification",
        file,
        diags,
    );
    merge_list(
        &mut round.units,
        units,
        |r| r.id.clone(),
        "unit",
        file,
        diags,
    );
    merge_list(
        &mut round.learners,
        learners,
        |r| r.id.clone(),
        "learner",
        file,
        diags,
    );
    merge_list(
        &mut round.mobilities,
        mobilities,
        |r| r.id.clone(),
        "mobility",
        file,
        diags,
    );
    merge_list(
        &mut round.learning_agreements,
        learning_agreements,
        |r| r.mobility.clone(),
        "learning agreement",
        file,
        diags,
    );
    merge_list(
        &mut round.memoranda,
        memoranda,
        |r| r.id.clone(),
        "memorandum",
        file,
        diags,
    );
    merge_list(
        &mut round.assessments,
        assessments,
        |r| r.id.clone(),
        "result",
        file,
        diags,
    );
    merge_list(
        &mut round.grading_schemes,
        grading_schemes,
        |r| r.id.clone(),
        "grading scheme",
        file,
        diags,
    );
}

fn merge_list<T: PartialEq + Serialize>(
    into: &mut Vec<T>,
    more: Vec<T>,
    id: impl Fn(&T) -> String,
    what: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut index: HashMap<String, usize> =
        into.iter().enumerate().map(|(i, r)| (id(r), i)).collect();
    for record in more {
        let key = id(&record);
        match index.get(&key) {
            None => {
                index.insert(key, into.len());
                into.push(record);
            }
            Some(&i) if into[i] == record => {}
            Some(_) => {
                let mut location = Location::file(file);
                location.record = Some(format!("{what} {key}"));
                diags.push(
                    Diagnostic::warning(
                        Code::ConflictingValues,
                        location,
                        format!("{what} {key} is described differently by an earlier input; the earlier one is kept"),
                    )
                    .with_hint("give each record once, or make the inputs agree"),
                );
            }
        }
    }
}
