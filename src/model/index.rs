//! Looking a round's records up by id. Records refer to each other by id; an
//! exporter that followed each reference by scanning a list would take time
//! growing with the square of the round, so it builds one index instead.

use std::collections::HashMap;

use super::{
    AssessmentResult, ContactPerson, GradingScheme, Learner, Mobility, Organisation, Qualification,
    Round, Unit,
};

/// The records of a [`Round`] by id, and each learner's results.
pub struct RoundIndex<'r> {
    organisations: HashMap<&'r str, &'r Organisation>,
    contacts: HashMap<&'r str, &'r ContactPerson>,
    qualifications: HashMap<&'r str, &'r Qualification>,
    units: HashMap<&'r str, &'r Unit>,
    learners: HashMap<&'r str, &'r Learner>,
    mobilities: HashMap<&'r str, &'r Mobility>,
    grading_schemes: HashMap<&'r str, &'r GradingScheme>,
    results: HashMap<&'r str, Vec<&'r AssessmentResult>>,
    mobilities_of: HashMap<&'r str, Vec<&'r Mobility>>,
    people_of: HashMap<&'r str, Vec<&'r ContactPerson>>,
}

/// Records grouped by the id `key` gives, each group in the round's order.
fn grouped<'r, T>(
    records: &'r [T],
    key: impl Fn(&'r T) -> Option<&'r str>,
) -> HashMap<&'r str, Vec<&'r T>> {
    let mut map: HashMap<&str, Vec<&T>> = HashMap::new();
    for r in records {
        if let Some(k) = key(r) {
            map.entry(k).or_default().push(r);
        }
    }
    map
}

fn by_id<'r, T>(records: &'r [T], id: impl Fn(&'r T) -> &'r str) -> HashMap<&'r str, &'r T> {
    let mut map = HashMap::with_capacity(records.len());
    for r in records {
        // The first of two records sharing an id wins, as a scan would find it.
        map.entry(id(r)).or_insert(r);
    }
    map
}

impl<'r> RoundIndex<'r> {
    /// Indexes `round`.
    pub fn new(round: &'r Round) -> Self {
        RoundIndex {
            organisations: by_id(&round.organisations, |o| &o.id),
            contacts: by_id(&round.contacts, |c| &c.id),
            qualifications: by_id(&round.qualifications, |q| &q.id),
            units: by_id(&round.units, |u| &u.id),
            learners: by_id(&round.learners, |l| &l.id),
            mobilities: by_id(&round.mobilities, |m| &m.id),
            grading_schemes: by_id(&round.grading_schemes, |s| &s.id),
            results: grouped(&round.assessments, |r| Some(&r.learner)),
            mobilities_of: grouped(&round.mobilities, |m| Some(&m.learner)),
            people_of: grouped(&round.contacts, |c| c.organisation.as_deref()),
        }
    }

    /// The organisation with `id`.
    pub fn organisation(&self, id: &str) -> Option<&'r Organisation> {
        self.organisations.get(id).copied()
    }

    /// The contact person with `id`.
    pub fn contact(&self, id: &str) -> Option<&'r ContactPerson> {
        self.contacts.get(id).copied()
    }

    /// The qualification with `id`.
    pub fn qualification(&self, id: &str) -> Option<&'r Qualification> {
        self.qualifications.get(id).copied()
    }

    /// The unit with `id`.
    pub fn unit(&self, id: &str) -> Option<&'r Unit> {
        self.units.get(id).copied()
    }

    /// The learner with `id`.
    pub fn learner(&self, id: &str) -> Option<&'r Learner> {
        self.learners.get(id).copied()
    }

    /// The mobility with `id`.
    pub fn mobility(&self, id: &str) -> Option<&'r Mobility> {
        self.mobilities.get(id).copied()
    }

    /// The grading scheme with `id`.
    pub fn grading_scheme(&self, id: &str) -> Option<&'r GradingScheme> {
        self.grading_schemes.get(id).copied()
    }

    /// The results of the learner with `id`, in the round's order.
    pub fn results_of(&self, learner: &str) -> &[&'r AssessmentResult] {
        self.results.get(learner).map_or(&[], Vec::as_slice)
    }

    /// The mobilities of the learner with `id`, in the round's order.
    pub fn mobilities_of(&self, learner: &str) -> &[&'r Mobility] {
        self.mobilities_of.get(learner).map_or(&[], Vec::as_slice)
    }

    /// The contact people of the organisation with `id`, in the round's order.
    pub fn people_of(&self, organisation: &str) -> &[&'r ContactPerson] {
        self.people_of.get(organisation).map_or(&[], Vec::as_slice)
    }

    /// The result of `learner` in `unit`, if any.
    pub fn result(&self, learner: &str, unit: &str) -> Option<&'r AssessmentResult> {
        self.results_of(learner)
            .iter()
            .copied()
            .find(|r| r.unit == unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_records_and_a_learners_results_by_id() {
        let round = Round {
            learners: vec![
                Learner {
                    id: "L1".into(),
                    ..Learner::default()
                },
                Learner {
                    id: "L2".into(),
                    ..Learner::default()
                },
            ],
            assessments: vec![
                AssessmentResult {
                    id: "a".into(),
                    learner: "L2".into(),
                    unit: "U1".into(),
                    ..AssessmentResult::default()
                },
                AssessmentResult {
                    id: "b".into(),
                    learner: "L2".into(),
                    unit: "U2".into(),
                    ..AssessmentResult::default()
                },
            ],
            ..Round::default()
        };
        let index = RoundIndex::new(&round);
        assert_eq!(index.learner("L2").map(|l| l.id.as_str()), Some("L2"));
        assert!(index.learner("L3").is_none());
        assert_eq!(index.results_of("L2").len(), 2);
        assert!(index.results_of("L1").is_empty());
        assert_eq!(index.result("L2", "U2").map(|r| r.id.as_str()), Some("b"));
        assert!(index.result("L2", "U3").is_none());
    }
}
