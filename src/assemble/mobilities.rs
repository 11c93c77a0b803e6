//! Mobilities: a learner's stay at a host from a start date, joined from
//! every row that names it; a grid naming only the host finds the learner's
//! mobility there.

use std::sync::Arc;

use rayon::prelude::*;

use super::conflicts::{Conflicts, show, show_date};
use super::{Ids, RoundBuilder, Settled};
use crate::mapping::records::MobilityPart;
use crate::model::Mobility;
use crate::model::{Field, Round, Unmapped, ids};
use crate::provenance::{Origin, RecordRef, SourceMap};

#[derive(Default)]
pub(super) struct MobilityEntry {
    pub(super) learner: usize,
    pub(super) host: Option<usize>,
    pub(super) sending: Option<usize>,
    pub(super) intermediary: Option<usize>,
    /// The first row's part, shared with it (see [`LearnerEntry::part`]).
    pub(super) part: Arc<MobilityPart>,
    pub(super) mentor: Option<usize>,
    pub(super) qualification: Option<usize>,
    pub(super) units: Vec<usize>,
    pub(super) unmapped: Unmapped,
    pub(super) origin: Option<Origin>,
    /// Created by a referring sheet (a grid naming the host): the first
    /// mobility of the learner at that host found elsewhere takes it over.
    pub(super) provisional: bool,
}

/// The records a row ties a mobility to, by their index in the builder.
#[derive(Clone, Copy)]
pub(super) struct MobilityLinks {
    pub(super) host: Option<usize>,
    pub(super) sending: Option<usize>,
    pub(super) intermediary: Option<usize>,
    pub(super) mentor: Option<usize>,
    pub(super) qualification: Option<usize>,
}

impl RoundBuilder {
    /// The mobility of `learner` a row describes, found or added, its part
    /// merged and its links filled in. Returns its index.
    pub(super) fn upsert_mobility(
        &mut self,
        learner: usize,
        links: MobilityLinks,
        shared: &Arc<MobilityPart>,
        origin: Origin,
    ) -> usize {
        let index = self.find_mobility(learner, links.host, shared, origin);
        // The same part as a row already merged (rows of one learner share
        // it) has nothing to add.
        if !Arc::ptr_eq(&self.mobilities[index].part, shared) {
            let mut entry = std::mem::take(&mut self.mobilities[index]);
            let record = || "mobility".to_string();
            let mut c = self.conflicts(origin, entry.origin, &record);
            let p = Arc::make_mut(&mut entry.part);
            merge_mobility_fields(&mut c, p, shared, &mut entry.unmapped);
            self.mobilities[index] = entry;
        }
        let entry = &mut self.mobilities[index];
        entry.sending = entry.sending.or(links.sending);
        entry.intermediary = entry.intermediary.or(links.intermediary);
        entry.mentor = entry.mentor.or(links.mentor);
        entry.qualification = entry.qualification.or(links.qualification);
        index
    }

    /// The learner's mobility at `host` from the part's start date; a new
    /// one (the row's part as it is) when there is none yet.
    fn find_mobility(
        &mut self,
        learner: usize,
        host: Option<usize>,
        shared: &Arc<MobilityPart>,
        origin: Origin,
    ) -> usize {
        let key = (learner, host, shared.start);
        let reference = self.sheets[origin.sheet as usize].references;
        if let Some(&i) = self.mobility_index.get(&key) {
            return i;
        }
        match self.mobility_at_host.get(&(learner, host)).copied() {
            // A grid names the host, not the mobility: the learner's
            // mobility there, whatever its dates.
            Some(i) if reference => i,
            // A mobility first seen in a grid takes the dates of the
            // sheet that has them.
            Some(i) if self.mobilities[i].provisional => {
                self.mobilities[i].provisional = false;
                self.mobilities[i].origin = Some(origin);
                self.mobility_index.insert(key, i);
                i
            }
            _ => {
                self.mobilities.push(MobilityEntry {
                    learner,
                    host,
                    part: Arc::clone(shared),
                    origin: Some(origin),
                    provisional: reference,
                    ..MobilityEntry::default()
                });
                let i = self.mobilities.len() - 1;
                self.mobility_index.insert(key, i);
                self.mobility_at_host.entry((learner, host)).or_insert(i);
                i
            }
        }
    }

    /// Mobilities: ids claimed one after the other in builder order (a taken
    /// id gets a suffix), the records then built in parallel.
    pub(super) fn finish_mobilities(
        &mut self,
        round: &mut Round,
        origins: &mut SourceMap,
        settled: &Settled,
    ) -> Ids {
        let entries = std::mem::take(&mut self.mobilities);
        let mut claimed = Ids::default();
        let taken: Vec<String> = entries
            .par_iter()
            .map(|m| {
                ids::mobility_id(
                    &settled.learners[m.learner],
                    m.host.map(|h| settled.orgs[h].as_str()),
                    m.part.start,
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|base| claimed.claim(base))
            .collect();
        let (mobilities, mobility_origins): (Vec<Mobility>, Vec<Option<Origin>>) = entries
            .into_par_iter()
            .zip(taken)
            .map(|(m, id)| {
                // Sorted, so the order never depends on the order of sheets or rows.
                let mut units: Vec<String> =
                    m.units.iter().map(|u| settled.units[*u].clone()).collect();
                units.sort();
                let part = Arc::unwrap_or_clone(m.part);
                let mobility = Mobility {
                    id,
                    erasmus_id: part.erasmus_id,
                    project_code: part.project_code,
                    learner: settled.learners[m.learner].clone(),
                    sending: m.sending.map(|o| settled.orgs[o].clone()),
                    host: m.host.map(|o| settled.orgs[o].clone()),
                    intermediary: m.intermediary.map(|o| settled.orgs[o].clone()),
                    start: part.start,
                    end: part.end,
                    duration_weeks: part.duration_weeks,
                    objective: part.objective,
                    tasks: part.tasks,
                    mentor: m.mentor.map(|c| settled.contacts[c].clone()),
                    language: part.language,
                    units,
                    qualification: m.qualification.map(|q| settled.quals[q].clone()),
                    unmapped: m.unmapped,
                };
                (mobility, m.origin)
            })
            .unzip();
        origins.add_each(&mobilities, mobility_origins, |m| {
            RecordRef::Mobility(m.id.clone())
        });
        round.mobilities.extend(mobilities);
        claimed
    }
}

/// Fills the mobility's empty fields from `part`; a different value is a
/// conflict, reported.
fn merge_mobility_fields(
    c: &mut Conflicts<'_>,
    p: &mut MobilityPart,
    part: &MobilityPart,
    u: &mut Unmapped,
) {
    c.merge(
        &mut p.erasmus_id,
        &part.erasmus_id,
        Field::MobilityId,
        u,
        show,
    );
    c.merge(
        &mut p.project_code,
        &part.project_code,
        Field::MobilityProjectCode,
        u,
        show,
    );
    c.merge(
        &mut p.start,
        &part.start,
        Field::MobilityStart,
        u,
        show_date,
    );
    c.merge(&mut p.end, &part.end, Field::MobilityEnd, u, show_date);
    c.merge(
        &mut p.duration_weeks,
        &part.duration_weeks,
        Field::MobilityDurationWeeks,
        u,
        show,
    );
    c.merge_text(
        &mut p.objective,
        &part.objective,
        Field::MobilityObjective,
        u,
    );
    c.merge_text(&mut p.tasks, &part.tasks, Field::MobilityTasks, u);
    c.merge(
        &mut p.language,
        &part.language,
        Field::MobilityLanguage,
        u,
        show,
    );
}
