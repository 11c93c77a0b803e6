//! Dates that disagree with each other.

use chrono::Datelike;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Field;
use crate::model::Round;
use crate::provenance::{RecordRef, SourceMap};

/// A mobility ends after it starts, and its stated weeks match its dates.
pub(super) fn mobility_dates(round: &Round, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    for m in &round.mobilities {
        let record = RecordRef::Mobility(m.id.clone());
        if let (Some(start), Some(end)) = (m.start, m.end) {
            if end < start {
                out.push(
                    Diagnostic::error(
                        Code::EndBeforeStart,
                        sources.locate(&record, Some(Field::MobilityEnd)),
                        format!(
                            "the mobility ends on {} before it starts on {}",
                            end.format("%d.%m.%Y"),
                            start.format("%d.%m.%Y")
                        ),
                    )
                    .with_hint("swap the dates or correct the year"),
                );
                continue;
            }
            if let Some(weeks) = m.duration_weeks {
                let days = (end - start).num_days() + 1;
                let actual = days as f64 / 7.0;
                // A week either way: schools count "4 weeks" for 26 to 30 days.
                if (actual - weeks).abs() > 1.0 {
                    out.push(
                        Diagnostic::warning(
                            Code::DurationMismatch,
                            sources.locate(&record, Some(Field::MobilityDurationWeeks)),
                            format!(
                                "the duration says {weeks} weeks but the dates span {days} days ({actual:.1} weeks)"
                            ),
                        )
                        .with_hint("correct the duration or the dates"),
                    );
                }
            }
        }
    }
}

/// Dates of birth that make a learner younger than 13 or older than 80 at the start.
pub(super) fn birth_dates(round: &Round, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    let mut first_start = std::collections::HashMap::new();
    for m in &round.mobilities {
        if let Some(s) = m.start {
            first_start
                .entry(m.learner.as_str())
                .and_modify(|d: &mut chrono::NaiveDate| *d = (*d).min(s))
                .or_insert(s);
        }
    }
    for l in &round.learners {
        let Some(dob) = l.date_of_birth else { continue };
        let Some(&start) = first_start.get(l.id.as_str()) else {
            continue;
        };
        let age = start.year()
            - dob.year()
            - i32::from((start.month(), start.day()) < (dob.month(), dob.day()));
        if !(13..=80).contains(&age) {
            out.push(
                Diagnostic::warning(
                    Code::ImplausibleBirthDate,
                    sources.locate(
                        &RecordRef::Learner(l.id.clone()),
                        Some(Field::LearnerDateOfBirth),
                    ),
                    format!(
                        "{} would be {age} when the mobility starts (born {})",
                        l.full_name(),
                        dob.format("%d.%m.%Y")
                    ),
                )
                .with_hint("check the year of birth"),
            );
        }
    }
}
