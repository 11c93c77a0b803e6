//! What an output format needs from the round.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Field;
use crate::model::Round;
use crate::provenance::{RecordRef, SourceMap};

/// A value an output format cannot do without. Each exporter lists its own;
/// the check reports every record that lacks one, located.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Every learner has given and family names.
    LearnerNames,
    /// Every mobility has start and end dates.
    MobilityDates,
    /// Every mobility has a sending organisation.
    SendingOrganisation,
    /// Every mobility has a host organisation.
    HostOrganisation,
    /// Every unit has a title.
    UnitTitles,
}

/// What the user can do about a missing value: the column to fill or add,
/// in the words of the sheet's mapping, and for the school what the profile
/// gives once for every row.
fn fill_in(sources: &SourceMap, record: &RecordRef, field: Field) -> String {
    let column = match sources.header(record, field) {
        Some(header) if sources.has_column(record, field) => {
            format!("fill in the column \"{header}\"")
        }
        Some(header) => format!("add a column \"{header}\""),
        None => format!("fill in {field}"),
    };
    match field {
        Field::SendingName => format!(
            "{column} with the sending school's name, or name the school once as school.name in europass.toml (`europass init --school NAME --country CC` writes one)"
        ),
        _ => column,
    }
}

impl Requirement {
    pub(super) fn check(
        self,
        round: &Round,
        sources: &SourceMap,
        format: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut missing = |record: RecordRef, field: Field, what: String| {
            let hint = fill_in(sources, &record, field);
            out.push(
                Diagnostic::error(
                    Code::MissingForOutput,
                    sources.locate(&record, Some(field)),
                    format!("{what}, which {format} output needs"),
                )
                .with_hint(hint),
            );
        };
        match self {
            Requirement::LearnerNames => {
                for l in &round.learners {
                    if l.given_names.is_empty() || l.family_name.is_empty() {
                        missing(
                            RecordRef::Learner(l.id.clone()),
                            Field::LearnerFamilyName,
                            format!("learner {} has no full name", l.id),
                        );
                    }
                }
            }
            Requirement::MobilityDates => {
                for m in &round.mobilities {
                    if m.start.is_none() || m.end.is_none() {
                        let field = if m.start.is_none() {
                            Field::MobilityStart
                        } else {
                            Field::MobilityEnd
                        };
                        missing(
                            RecordRef::Mobility(m.id.clone()),
                            field,
                            format!("the mobility of {} has no start or end date", m.learner),
                        );
                    }
                }
            }
            Requirement::SendingOrganisation => {
                for m in round.mobilities.iter().filter(|m| m.sending.is_none()) {
                    missing(
                        RecordRef::Mobility(m.id.clone()),
                        Field::SendingName,
                        format!("the mobility of {} has no sending organisation", m.learner),
                    );
                }
            }
            Requirement::HostOrganisation => {
                for m in round.mobilities.iter().filter(|m| m.host.is_none()) {
                    missing(
                        RecordRef::Mobility(m.id.clone()),
                        Field::HostName,
                        format!("the mobility of {} has no host organisation", m.learner),
                    );
                }
            }
            Requirement::UnitTitles => {
                for u in round.units.iter().filter(|u| u.title.is_empty()) {
                    missing(
                        RecordRef::Unit(u.id.clone()),
                        Field::UnitTitle,
                        format!("unit {} has no title", u.id),
                    );
                }
            }
        }
    }
}
