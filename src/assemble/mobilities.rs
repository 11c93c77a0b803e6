//! Mobilities: a learner's stay at a host from a start date, joined from
//! every row that names it; a grid naming only the host finds the learner's
//! mobility there.

use std::sync::Arc;

use rayon::prelude::*;

use super::conflicts::{Conflicts, show, show_date};
use super::{Ids, RoundBuilder, Settled};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::records::{MobilityPart, PlannedPart};
use crate::model::{AgreementUnit, CreditPoints, LearningAgreement, Mobility};
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
    /// What rows plan for each unit: (unit, plan, first row).
    pub(super) planned: Vec<(usize, PlannedPart, Origin)>,
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
        let (records, mobility_origins): (Vec<MobilityRecords>, Vec<Option<Origin>>) = entries
            .into_par_iter()
            .zip(taken)
            .map(|(m, id)| {
                // Sorted, so the order never depends on the order of sheets or rows.
                let mut units: Vec<String> =
                    m.units.iter().map(|u| settled.units[*u].clone()).collect();
                units.sort();
                let agreement = agreement_of(&id, &units, &m.planned, settled);
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
                ((mobility, agreement), m.origin)
            })
            .unzip();
        let (mobilities, agreements): (Vec<Mobility>, Vec<Option<LearningAgreement>>) =
            records.into_iter().unzip();
        round
            .learning_agreements
            .extend(agreements.into_iter().flatten());
        origins.add_each(&mobilities, mobility_origins, |m| {
            RecordRef::Mobility(m.id.clone())
        });
        round.mobilities.extend(mobilities);
        claimed
    }
}

impl RoundBuilder {
    /// Records what a row plans for a unit of mobility `m`; a second row
    /// planning the same unit fills what the first left empty, and a
    /// different value is reported and kept with the mobility.
    pub(super) fn plan_unit(&mut self, m: usize, unit: usize, part: PlannedPart, origin: Origin) {
        let mut planned = std::mem::take(&mut self.mobilities[m].planned);
        let mut unmapped = std::mem::take(&mut self.mobilities[m].unmapped);
        match planned.iter_mut().find(|(u, _, _)| *u == unit) {
            None => planned.push((unit, part, origin)),
            Some((_, old, first)) => {
                let code = self.units[unit].part.code.clone().unwrap_or_default();
                let record = move || format!("planned unit {code}");
                let mut c = self.conflicts(origin, Some(*first), &record);
                c.merge(
                    &mut old.ecvet_points,
                    &part.ecvet_points,
                    Field::PlannedEcvetPoints,
                    &mut unmapped,
                    show,
                );
                c.merge_text(
                    &mut old.activities,
                    &part.activities,
                    Field::PlannedActivities,
                    &mut unmapped,
                );
            }
        }
        self.mobilities[m].planned = planned;
        self.mobilities[m].unmapped = unmapped;
    }

    /// A planned unit of a learner with several mobilities and a row that
    /// names none of them: its points and activities cannot be placed.
    pub(super) fn report_unplaced_plan(&mut self, origin: Origin) {
        self.diags.push(
            Diagnostic::warning(
                Code::MissingValue,
                self.locate(origin, Field::MobilityStart),
                "the learner has several mobilities and this planned unit does not say which one; its points and activities are not used",
            )
            .with_hint("add the mobility's start date (or host organisation) to the row"),
        );
    }
}

/// The learning agreement of a mobility whose rows plan its units (points,
/// activities): every unit of the mobility, each with what is planned for it.
fn agreement_of(
    mobility: &str,
    units: &[String],
    planned: &[(usize, PlannedPart, Origin)],
    settled: &Settled,
) -> Option<LearningAgreement> {
    if planned.is_empty() {
        return None;
    }
    let units = units
        .iter()
        .map(|id| {
            let plan = planned.iter().find(|(u, _, _)| settled.units[*u] == *id);
            AgreementUnit {
                unit: id.clone(),
                outcomes: Vec::new(),
                credit_points: plan
                    .and_then(|(_, p, _)| p.ecvet_points)
                    .map(CreditPoints::ecvet),
                activities: plan
                    .map(|(_, p, _)| p.activities.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Some(LearningAgreement {
        mobility: mobility.to_string(),
        units,
        ..LearningAgreement::default()
    })
}

/// A finished mobility and the learning agreement its planned units make.
type MobilityRecords = (Mobility, Option<LearningAgreement>);

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
