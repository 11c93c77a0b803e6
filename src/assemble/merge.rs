//! Merging rounds read whole (a `round.json`, later credentials) into the
//! round built from tables: a record whose id is already there is kept once,
//! and a different record under the same id is reported, not overwritten.

use std::collections::HashMap;

use serde::Serialize;

use super::RoundBuilder;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::RoundPart;
use crate::model::Round;

impl RoundBuilder {
    /// Adds a round read whole from `file` (a `round.json`, a credential).
    /// Its records join the round as they are; ids already present are kept once.
    pub fn add_round(&mut self, file: &str, round: Round) {
        self.whole_rounds.push((file.to_string(), round));
    }

    /// Adds the rounds of one file (the credentials attached to a transcript
    /// bundle): they are merged into one round first, each part's notes
    /// followed by what merging it found, then added as the file's round.
    /// Returns those diagnostics.
    pub fn add_rounds(&mut self, file: &str, parts: Vec<RoundPart>) -> Vec<Diagnostic> {
        let mut round = Round::default();
        let mut diags = Vec::new();
        for part in parts {
            diags.extend(part.notes);
            merge_round(&mut round, part.round, &part.source, &mut diags);
        }
        round.sort();
        self.add_round(file, round);
        diags
    }
}

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
    let mut merging = Merging { file, diags };
    merging.list_with(
        &mut round.organisations,
        organisations,
        |r| r.id.clone(),
        "organisation",
        union_roles(|o: &mut crate::model::Organisation| &mut o.roles),
    );
    merging.list_with(
        &mut round.contacts,
        contacts,
        |r| r.id.clone(),
        "contact",
        union_roles(|c: &mut crate::model::ContactPerson| &mut c.roles),
    );
    let r = round;
    merging.list(
        &mut r.qualifications,
        qualifications,
        |r| r.id.clone(),
        "qualification",
    );
    merging.list(&mut r.units, units, |r| r.id.clone(), "unit");
    merging.list(&mut r.learners, learners, |r| r.id.clone(), "learner");
    merging.list(&mut r.mobilities, mobilities, |r| r.id.clone(), "mobility");
    merging.list(
        &mut r.learning_agreements,
        learning_agreements,
        |r| r.mobility.clone(),
        "learning agreement",
    );
    merging.list(&mut r.memoranda, memoranda, |r| r.id.clone(), "memorandum");
    merging.list(&mut r.assessments, assessments, |r| r.id.clone(), "result");
    merging.list(
        &mut r.grading_schemes,
        grading_schemes,
        |r| r.id.clone(),
        "grading scheme",
    );
}

/// The file whose records are merged in, and where conflicts are reported.
struct Merging<'a> {
    file: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Merging<'_> {
    fn list<T: PartialEq + Serialize>(
        &mut self,
        into: &mut Vec<T>,
        more: Vec<T>,
        id: impl Fn(&T) -> String,
        what: &str,
    ) {
        merge_list(into, more, id, what, self.file, self.diags);
    }

    fn list_with<T: PartialEq + Serialize>(
        &mut self,
        into: &mut Vec<T>,
        more: Vec<T>,
        id: impl Fn(&T) -> String,
        what: &str,
        combine: impl Fn(&mut T, &T) -> bool,
    ) {
        merge_list_with(into, more, id, what, self.file, self.diags, combine);
    }
}

fn merge_list<T: PartialEq + Serialize>(
    into: &mut Vec<T>,
    more: Vec<T>,
    id: impl Fn(&T) -> String,
    what: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    merge_list_with(into, more, id, what, file, diags, |_, _| false);
}

/// Records that differ only in the roles they play are one record playing
/// every role: a school is the sender in its own credentials and the host in
/// a partner's; a person mentors one learner and also assesses another.
fn union_roles<R: Ord + Clone, T: Clone + PartialEq>(
    roles: impl Fn(&mut T) -> &mut std::collections::BTreeSet<R>,
) -> impl Fn(&mut T, &T) -> bool {
    move |old: &mut T, new: &T| {
        let mut a = old.clone();
        let mut b = new.clone();
        let extra = roles(&mut b).clone();
        roles(&mut a).clear();
        roles(&mut b).clear();
        if a != b {
            return false;
        }
        roles(old).extend(extra);
        true
    }
}

fn merge_list_with<T: PartialEq + Serialize>(
    into: &mut Vec<T>,
    more: Vec<T>,
    id: impl Fn(&T) -> String,
    what: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
    combine: impl Fn(&mut T, &T) -> bool,
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
            Some(&i) if combine(&mut into[i], &record) => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContactPerson, ContactRole, Organisation, OrganisationRole};

    #[test]
    fn records_differing_only_in_roles_merge_into_one_playing_both() {
        let org = |role| Organisation {
            id: "school".into(),
            roles: [role].into_iter().collect(),
            ..Organisation::default()
        };
        let person = |role| ContactPerson {
            id: "host/anna".into(),
            name: "Anna".into(),
            roles: [role].into_iter().collect(),
            ..ContactPerson::default()
        };
        let mut round = Round {
            organisations: vec![org(OrganisationRole::Sending)],
            contacts: vec![person(ContactRole::Mentor)],
            ..Round::default()
        };
        let other = Round {
            organisations: vec![org(OrganisationRole::Host)],
            contacts: vec![person(ContactRole::Assessor)],
            ..Round::default()
        };
        let mut diags = Vec::new();
        merge_round(&mut round, other, "b.jsonld", &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(round.organisations[0].roles.len(), 2);
        assert_eq!(round.contacts[0].roles.len(), 2);

        let mut renamed = person(ContactRole::Mentor);
        renamed.name = "Anna Bērziņa".into();
        let other = Round {
            contacts: vec![renamed],
            ..Round::default()
        };
        merge_round(&mut round, other, "c.jsonld", &mut diags);
        assert_eq!(diags.len(), 1, "a different name is still a conflict");
    }
}
