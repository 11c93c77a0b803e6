//! Records that are present but incomplete for a mobility round.

use std::collections::HashSet;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Field;
use crate::model::Round;
use crate::provenance::{RecordRef, SourceMap};

/// Every learner goes somewhere.
pub(super) fn learners_have_mobilities(
    round: &Round,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    let with: HashSet<&str> = round
        .mobilities
        .iter()
        .map(|m| m.learner.as_str())
        .collect();
    for l in round
        .learners
        .iter()
        .filter(|l| !with.contains(l.id.as_str()))
    {
        out.push(
            Diagnostic::warning(
                Code::LearnerWithoutMobility,
                sources.locate(&RecordRef::Learner(l.id.clone()), None),
                format!(
                    "{} has no mobility (no host, dates or sending school)",
                    l.full_name()
                ),
            )
            .with_hint("add the host organisation and the mobility's dates"),
        );
    }
}

/// Names are names: one that holds path characters (`../../etc`,
/// `Anna/Marija`) or markup is more likely a mistake, or an attempt on the
/// files made from it, than a person's name. It is kept as typed (folders
/// are made safe from it anyway) and pointed out.
pub(super) fn learner_names_are_names(
    round: &Round,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    const ODD: &[char] = &['/', '\\', '<', '>', ':', '*', '?', '|', '"', '{', '}'];
    for l in &round.learners {
        for (field, part, name) in [
            (Field::LearnerGivenNames, "given name", &l.given_names),
            (Field::LearnerFamilyName, "family name", &l.family_name),
        ] {
            let mut odd: Vec<String> = name
                .chars()
                .filter(|c| ODD.contains(c))
                .map(|c| format!("`{c}`"))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if name.contains("..") || name.trim() == "." {
                odd.push("`..`".into());
            }
            odd.extend(hidden_characters(name));
            if odd.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::UnusualName,
                    sources.locate(&RecordRef::Learner(l.id.clone()), Some(field)),
                    format!(
                        "learner {}: the {part} \"{name}\" holds {}, which no name has; it is kept as typed, and the learner's files go to a folder named without them",
                        l.id,
                        match odd.split_last() {
                            Some((last, rest)) if !rest.is_empty() =>
                                format!("{} and {last}", rest.join(", ")),
                            _ => odd.join(""),
                        }
                    ),
                )
                .with_hint("check the name against the learner's documents and correct the cell"),
            );
        }
    }
}

/// What in a name cannot be seen: a name made only of invisible characters
/// (a zero-width space looks like an empty cell but is not one), and the
/// bidirectional controls that make a name read differently from what it
/// holds (`U+202E` shows "Anna" written backwards).
fn hidden_characters(name: &str) -> Vec<String> {
    let invisible = |c: char| {
        c.is_whitespace()
            || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
    };
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    let mut found = Vec::new();
    if !name.is_empty() && name.chars().all(|c| invisible(c) || bidi(c)) {
        found.push("only characters that cannot be seen".to_string());
    }
    let controls: std::collections::BTreeSet<String> = name
        .chars()
        .filter(|&c| bidi(c))
        .map(|c| format!("the bidirectional control U+{:04X}", c as u32))
        .collect();
    found.extend(controls);
    found
}

/// Every mobility has a host.
pub(super) fn mobilities_have_hosts(round: &Round, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    for m in round.mobilities.iter().filter(|m| m.host.is_none()) {
        out.push(
            Diagnostic::warning(
                Code::MobilityWithoutHost,
                sources.locate(&RecordRef::Mobility(m.id.clone()), Some(Field::HostName)),
                format!(
                    "the mobility of learner {} has no host organisation",
                    m.learner
                ),
            )
            .with_hint("fill in the host organisation"),
        );
    }
}

/// Units state what is to be learnt.
pub(super) fn units_have_outcomes(round: &Round, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    for u in round
        .units
        .iter()
        .filter(|u| u.learning_outcomes.is_empty() && !u.title.is_empty())
    {
        out.push(
            Diagnostic::info(
                Code::UnitWithoutOutcomes,
                sources.locate(&RecordRef::Unit(u.id.clone()), Some(Field::UnitKnowledge)),
                format!("unit {} lists no knowledge, skills or competence", u.id),
            )
            .with_hint(
                "add the unit's learning outcomes, or give its Word description as input too",
            ),
        );
    }
}
