//! Qualifications: found by code or by a title in any language.

use std::sync::Arc;

use super::{Ids, RoundBuilder};
use crate::mapping::records::QualificationPart;
use crate::model::{CreditPoints, Qualification, Round, Unmapped, ids};
use crate::provenance::Origin;

#[derive(Default)]
pub(super) struct QualEntry {
    pub(super) part: QualificationPart,
    pub(super) unmapped: Unmapped,
    /// Where it was first named: its id takes the title in that sheet's language.
    pub(super) origin: Option<Origin>,
}

impl RoundBuilder {
    pub(super) fn upsert_qualification(
        &mut self,
        part: &Arc<QualificationPart>,
        origin: Origin,
    ) -> Option<usize> {
        if let Some(i) = self.recent.qualifications.find_shared(part) {
            return Some(i);
        }
        let index = self.merge_qualification(part)?;
        self.quals[index].origin.get_or_insert(origin);
        self.recent.qualifications.remember(part, index);
        Some(index)
    }

    pub(super) fn merge_qualification(&mut self, part: &QualificationPart) -> Option<usize> {
        let key = part
            .code
            .clone()
            .or_else(|| part.title.texts().next().map(|t| self.fold(t)))?;
        let index = *self.qual_index.entry(key).or_insert_with(|| {
            self.quals.push(QualEntry::default());
            self.quals.len() - 1
        });
        let q = &mut self.quals[index].part;
        q.title.merge_missing(&part.title);
        if q.code.is_none() {
            q.code.clone_from(&part.code);
        }
        if q.country.is_none() {
            q.country.clone_from(&part.country);
        }
        q.eqf_level = q.eqf_level.or(part.eqf_level);
        if q.nqf_level.is_none() {
            q.nqf_level.clone_from(&part.nqf_level);
        }
        q.ecvet_points = q.ecvet_points.or(part.ecvet_points);
        // Titles in other languages find the same qualification.
        for t in part.title.texts() {
            let key = self.fold(t);
            self.qual_index.entry(key).or_insert(index);
        }
        Some(index)
    }

    /// Qualifications, named by code or title.
    pub(super) fn finish_qualifications(&mut self, round: &mut Round) -> Ids {
        let mut claimed = Ids::default();
        for q in std::mem::take(&mut self.quals) {
            let lang = self.language_of(q.origin);
            let p = q.part;
            let base = ids::qualification_id(p.code.as_deref(), &p.title, lang);
            round.qualifications.push(Qualification {
                id: claimed.claim(base),
                code: p.code,
                title: p.title,
                country: p.country,
                eqf_level: p.eqf_level,
                nqf_level: p.nqf_level,
                credit_points: p
                    .ecvet_points
                    .map(CreditPoints::ecvet)
                    .into_iter()
                    .collect(),
                unmapped: q.unmapped,
            });
        }
        claimed
    }
}
