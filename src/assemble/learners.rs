//! Learners: found by their strongest key (school number, national id, name
//! and birth date, name), merged field by field, and given their ids.

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::conflicts::{Conflicts, show, show_date};
use super::{Ids, RoundBuilder};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::records::LearnerPart;
use crate::model::{Field, Round, Unmapped, ids};
use crate::model::{Guardian, Learner};
use crate::provenance::{Origin, RecordRef, SourceMap};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum LearnerKey {
    School(String),
    National(String),
    NameBirth(String, NaiveDate),
    Name(String),
}

#[derive(Default)]
pub(super) struct LearnerEntry {
    /// The first row's part, shared with it: a flat sheet's learners are
    /// built without copying their fields.
    pub(super) part: Arc<LearnerPart>,
    pub(super) unmapped: Unmapped,
    pub(super) origin: Option<Origin>,
    /// True once a row gave more than a reference (a name).
    pub(super) defined: bool,
}

impl RoundBuilder {
    pub(super) fn upsert_learner(
        &mut self,
        part: &Arc<LearnerPart>,
        origin: Origin,
    ) -> Option<usize> {
        if let Some(i) = self.recent.learners.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_learner(part, origin)?;
        if self.diags.len() == before {
            self.recent.learners.remember(part, index);
        }
        Some(index)
    }

    pub(super) fn learner_keys(&mut self, part: &LearnerPart) -> Vec<LearnerKey> {
        let mut keys = Vec::new();
        if let Some(id) = &part.school_id {
            keys.push(LearnerKey::School(id.clone()));
        }
        if let Some(id) = &part.national_id {
            keys.push(LearnerKey::National(id.clone()));
        }
        if let (Some(g), Some(f)) = (&part.given_names, &part.family_name) {
            let name = [self.fold(f), self.fold(g)].join("|");
            if let Some(dob) = part.date_of_birth {
                keys.push(LearnerKey::NameBirth(name.clone(), dob));
            }
            keys.push(LearnerKey::Name(name));
        }
        keys
    }

    /// A learner id given to someone else already (both given and family
    /// names differ, not a typo in one) is two learners under one id: the
    /// rows are joined, so their results would be mixed up. An error, once per id.
    pub(super) fn check_shared_id(&mut self, part: &LearnerPart, index: usize, origin: Origin) {
        let first = &self.learners[index].part;
        let (Some(id), Some(g), Some(f), Some(g0), Some(f0)) = (
            part.school_id.as_deref(),
            part.given_names.as_deref(),
            part.family_name.as_deref(),
            first.given_names.as_deref(),
            first.family_name.as_deref(),
        ) else {
            return;
        };
        // Asked of every row of a known learner: compare before any copy.
        if first.school_id.as_deref() != Some(id) || g == g0 || f == f0 {
            return;
        }
        let (id, g, f, g0, f0) = (
            id.to_string(),
            g.to_string(),
            f.to_string(),
            g0.to_string(),
            f0.to_string(),
        );
        if self.fold(&g) == self.fold(&g0)
            || self.fold(&f) == self.fold(&f0)
            || !self.shared_ids.insert(id.clone())
        {
            return;
        }
        let at = self.learners[index]
            .origin
            .map(|o| format!(" on {} row {}", self.sheets[o.sheet as usize].sheet, o.row))
            .unwrap_or_default();
        let loc = self.locate(origin, Field::LearnerId);
        self.diags.push(
            Diagnostic::error(
                Code::DuplicateRecord,
                loc,
                format!(
                    "the learner id \"{id}\" is given to {g} {f} here and to {g0} {f0}{at}: two learners cannot share an id, and their rows were joined as one learner ({g0} {f0})"
                ),
            )
            .with_hint("give each learner their own id (the school's learner number), then convert again"),
        );
    }

    pub(super) fn merge_learner(
        &mut self,
        shared: &Arc<LearnerPart>,
        origin: Origin,
    ) -> Option<usize> {
        let part: &LearnerPart = shared;
        let keys = self.learner_keys(part);
        if keys.is_empty() {
            return None;
        }
        let found = self.find_learner(part, &keys);
        let index = found.unwrap_or_else(|| {
            self.learners.push(LearnerEntry::default());
            self.learners.len() - 1
        });
        self.index_learner(keys, index);
        let name = || {
            format!(
                "learner {} {}",
                part.given_names.as_deref().unwrap_or(""),
                part.family_name.as_deref().unwrap_or("")
            )
            .trim()
            .to_string()
        };
        let entry_origin = self.learners[index].origin;
        if found.is_some() {
            self.check_shared_id(part, index, origin);
        }
        let detail = !self.sheets[origin.sheet as usize].references
            && (part.date_of_birth.is_some()
                || part.given_names.is_some()
                || part.email.is_some()
                || part.national_id.is_some());
        let mut entry = std::mem::take(&mut self.learners[index]);
        if found.is_none() {
            // A new learner: the row's part as it is, nothing to merge.
            entry.part = Arc::clone(shared);
        } else {
            let mut c = self.conflicts(origin, entry_origin, &name);
            merge_learner_fields(
                &mut c,
                Arc::make_mut(&mut entry.part),
                part,
                &mut entry.unmapped,
            );
        }
        if entry.origin.is_none() || (!entry.defined && detail) {
            entry.origin = Some(origin);
        }
        entry.defined |= detail;
        self.learners[index] = entry;
        Some(index)
    }

    /// The learner the strongest of `keys` finds, when it is known and not
    /// ambiguous. A weaker key (a name, a name and birth date) never joins
    /// two learners whose ids differ: two learners may share a name, never
    /// an id.
    fn find_learner(&self, part: &LearnerPart, keys: &[LearnerKey]) -> Option<usize> {
        keys.iter().find_map(|k| {
            let i = self.learner_index.get(k).copied().flatten()?;
            let other = &self.learners[i].part;
            let differ = |a: &Option<String>, b: &Option<String>| {
                matches!((a, b), (Some(a), Some(b)) if a != b)
            };
            let school = differ(&part.school_id, &other.school_id);
            let national = differ(&part.national_id, &other.national_id);
            match k {
                LearnerKey::School(_) => Some(i),
                LearnerKey::National(_) if school => None,
                LearnerKey::NameBirth(..) | LearnerKey::Name(_) if school || national => None,
                _ => Some(i),
            }
        })
    }

    /// Makes `keys` find the learner at `index`; a name two learners share
    /// (perhaps with a birth date) no longer identifies either.
    fn index_learner(&mut self, keys: Vec<LearnerKey>, index: usize) {
        for k in keys {
            match self.learner_index.get(&k) {
                None => {
                    self.learner_index.insert(k, Some(index));
                }
                Some(Some(other))
                    if *other != index
                        && matches!(k, LearnerKey::Name(_) | LearnerKey::NameBirth(..)) =>
                {
                    self.learner_index.insert(k, None);
                }
                _ => {}
            }
        }
    }

    /// Learners: ids claimed one after the other in builder order (a taken
    /// id gets a suffix), a learner without a name or known only by
    /// reference reported, the records then built in parallel.
    pub(super) fn finish_learners(&mut self, round: &mut Round, origins: &mut SourceMap) -> Ids {
        let entries = std::mem::take(&mut self.learners);
        let bases: Vec<String> = entries
            .par_iter()
            .map(|e| learner_id_base(&e.part))
            .collect();
        let mut claimed = Ids::default();
        for (entry, base) in entries.iter().zip(bases) {
            let id = claimed.claim(base);
            let p = &entry.part;
            if !entry.defined || p.family_name.is_none() && p.given_names.is_none() {
                let loc = self
                    .locate_or_record(entry.origin, Field::LearnerId, || format!("learner {id}"));
                let (code, msg) = if entry.defined {
                    (
                        Code::MissingLearnerName,
                        format!("learner {id} has no name"),
                    )
                } else {
                    (
                        Code::UnknownLearner,
                        format!("the learner \"{id}\" is referred to but no sheet describes them"),
                    )
                };
                self.diags.push(
                    Diagnostic::error(code, loc, msg)
                        .with_hint("add the learner's given and family names (on the learners sheet when there is one)"),
                );
            }
        }
        let (learners, learner_origins): (Vec<Learner>, Vec<Option<Origin>>) = entries
            .into_par_iter()
            .enumerate()
            .map(|(i, entry)| {
                let p = Arc::unwrap_or_clone(entry.part);
                let guardian = p.guardian_name.map(|name| Guardian {
                    name,
                    email: p.guardian_email,
                    phone: p.guardian_phone,
                });
                let learner = Learner {
                    id: claimed[i].clone(),
                    given_names: p.given_names.unwrap_or_default(),
                    family_name: p.family_name.unwrap_or_default(),
                    date_of_birth: p.date_of_birth,
                    nationality: p.nationality,
                    email: p.email,
                    phone: p.phone,
                    address: p.address,
                    address_country: None,
                    national_id: p.national_id,
                    school_id: p.school_id,
                    gender: p.gender,
                    guardian,
                    unmapped: entry.unmapped,
                };
                (learner, entry.origin)
            })
            .unzip();
        origins.add_each(&learners, learner_origins, |l| {
            RecordRef::Learner(l.id.clone())
        });
        round.learners.extend(learners);
        claimed
    }
}

/// The id a learner is given before suffixes part equal ones.
fn learner_id_base(p: &LearnerPart) -> String {
    ids::learner_id(
        p.school_id.as_deref(),
        p.given_names.as_deref().unwrap_or(""),
        p.family_name.as_deref().unwrap_or(""),
        p.date_of_birth,
        p.national_id.as_deref(),
    )
}

/// Fills the learner's empty fields from `part`; a different value is a
/// conflict, reported.
fn merge_learner_fields(
    c: &mut Conflicts<'_>,
    p: &mut LearnerPart,
    part: &LearnerPart,
    u: &mut Unmapped,
) {
    c.merge(&mut p.school_id, &part.school_id, Field::LearnerId, u, show);
    c.merge(
        &mut p.given_names,
        &part.given_names,
        Field::LearnerGivenNames,
        u,
        show,
    );
    c.merge(
        &mut p.family_name,
        &part.family_name,
        Field::LearnerFamilyName,
        u,
        show,
    );
    c.merge(
        &mut p.date_of_birth,
        &part.date_of_birth,
        Field::LearnerDateOfBirth,
        u,
        show_date,
    );
    c.merge(
        &mut p.nationality,
        &part.nationality,
        Field::LearnerNationality,
        u,
        show,
    );
    c.merge(&mut p.email, &part.email, Field::LearnerEmail, u, show);
    c.merge(&mut p.phone, &part.phone, Field::LearnerPhone, u, show);
    c.merge(
        &mut p.address,
        &part.address,
        Field::LearnerAddress,
        u,
        show,
    );
    c.merge(
        &mut p.national_id,
        &part.national_id,
        Field::LearnerNationalId,
        u,
        show,
    );
    c.merge(&mut p.gender, &part.gender, Field::LearnerGender, u, |g| {
        format!("{g:?}").to_lowercase()
    });
    c.merge(
        &mut p.guardian_name,
        &part.guardian_name,
        Field::LearnerGuardianName,
        u,
        show,
    );
    c.merge(
        &mut p.guardian_email,
        &part.guardian_email,
        Field::LearnerGuardianEmail,
        u,
        show,
    );
    c.merge(
        &mut p.guardian_phone,
        &part.guardian_phone,
        Field::LearnerGuardianPhone,
        u,
        show,
    );
}
