//! Assessment results: one per learner and unit, joined from every row and
//! grid that rates it; pass or fail derived from the grade on its scheme.

use rayon::prelude::*;

use super::conflicts::{show, show_date};
use super::{RoundBuilder, Settled};
use crate::mapping::records::{ContactPart, ResultPart};
use crate::model::{AssessmentResult, CreditPoints};
use crate::model::{Field, Round, Unmapped, ids};
use crate::provenance::{Origin, RecordRef, SourceMap};

#[derive(Default)]
pub(super) struct ResultEntry {
    pub(super) learner: usize,
    pub(super) unit: usize,
    pub(super) mobility: Option<usize>,
    pub(super) part: ResultPart,
    /// The assessor as the row names them; their organisation is the
    /// mobility's host, known only once every row is in. Boxed: most
    /// results have none, and a round holds one entry per result.
    pub(super) assessor: Option<Box<ContactPart>>,
    pub(super) unmapped: Unmapped,
    pub(super) origin: Option<Origin>,
}

impl RoundBuilder {
    pub(super) fn upsert_result(
        &mut self,
        learner: usize,
        unit: usize,
        mobility: Option<usize>,
        part: ResultPart,
        assessor: ContactPart,
        origin: Origin,
    ) -> usize {
        let assessor = assessor.name.is_some().then(|| Box::new(assessor));
        let index = match self.result_index.entry((learner, unit)) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                // Most results appear once: take the row's values as they are.
                e.insert(self.results.len());
                self.results.push(ResultEntry {
                    learner,
                    unit,
                    mobility,
                    part,
                    assessor,
                    unmapped: Unmapped::new(),
                    origin: Some(origin),
                });
                return self.results.len() - 1;
            }
        };
        let mut entry = std::mem::take(&mut self.results[index]);
        {
            let first = entry.origin;
            let record = || "result".to_string();
            let mut c = self.conflicts(origin, first, &record);
            let p = &mut entry.part;
            let u = &mut entry.unmapped;
            c.merge(&mut p.grade, &part.grade, Field::ResultGrade, u, |g| {
                format!("{} ({})", g.value, g.scheme)
            });
            c.merge(&mut p.passed, &part.passed, Field::ResultPassed, u, show);
            c.merge(
                &mut p.achieved,
                &part.achieved,
                Field::ResultAchieved,
                u,
                |a| format!("{a:?}").to_lowercase(),
            );
            c.merge(&mut p.date, &part.date, Field::ResultDate, u, show_date);
            c.merge_text(&mut p.method, &part.method, Field::ResultMethod, u);
            c.merge_text(&mut p.remarks, &part.remarks, Field::ResultRemarks, u);
            c.merge_text(
                &mut p.deviations,
                &part.deviations,
                Field::ResultDeviations,
                u,
            );
            c.merge(
                &mut p.ecvet_points,
                &part.ecvet_points,
                Field::ResultEcvetPoints,
                u,
                show,
            );
        }
        for rating in &part.criteria {
            if !entry
                .part
                .criteria
                .iter()
                .any(|r| r.criterion == rating.criterion)
            {
                entry.part.criteria.push(rating.clone());
            }
        }
        entry.mobility = entry.mobility.or(mobility);
        if entry.assessor.is_none() {
            entry.assessor = assessor;
        }
        self.results[index] = entry;
        index
    }

    /// Results: the most numerous records, converted in parallel (every id
    /// they refer to is settled by now), then added in builder order.
    pub(super) fn finish_results(
        &mut self,
        round: &mut Round,
        origins: &mut SourceMap,
        settled: &Settled,
        assessors: Vec<Option<usize>>,
    ) {
        let (assessments, result_origins): (Vec<AssessmentResult>, Vec<Option<Origin>>) =
            std::mem::take(&mut self.results)
                .into_par_iter()
                .zip(assessors)
                .map(|(r, assessor)| {
                    let learner = &settled.learners[r.learner];
                    let unit = &settled.units[r.unit];
                    let p = r.part;
                    let passed = p.passed.or_else(|| {
                        let g = p.grade.as_ref()?;
                        self.schemes.get(&g.scheme)?.passes(&g.value)
                    });
                    let result = AssessmentResult {
                        id: ids::result_id(learner, unit),
                        learner: learner.clone(),
                        unit: unit.clone(),
                        mobility: r.mobility.map(|m| settled.mobilities[m].clone()),
                        outcome: None,
                        criteria: p.criteria,
                        grade: p.grade,
                        passed,
                        achieved: p.achieved,
                        credit_points: p
                            .ecvet_points
                            .map(CreditPoints::ecvet)
                            .into_iter()
                            .collect(),
                        date: p.date,
                        method: p.method,
                        assessor: assessor.map(|c| settled.contacts[c].clone()),
                        remarks: p.remarks,
                        deviations: p.deviations,
                        unmapped: r.unmapped,
                    };
                    (result, r.origin)
                })
                .unzip();
        origins.add_each(&assessments, result_origins, |r| {
            RecordRef::Result(r.id.clone())
        });
        round.assessments = assessments;
    }

    /// The grading schemes the round's grades use (a handful, named on every grade).
    pub(super) fn finish_schemes(&self, round: &mut Round) {
        let mut used: Vec<&str> = Vec::new();
        for g in round
            .assessments
            .iter()
            .flat_map(|a| a.grade.iter().chain(a.criteria.iter().map(|c| &c.value)))
        {
            if !used.contains(&g.scheme.as_str()) {
                used.push(&g.scheme);
            }
        }
        round.grading_schemes = self
            .schemes
            .values()
            .filter(|s| used.contains(&s.id.as_str()))
            .cloned()
            .collect();
    }
}
