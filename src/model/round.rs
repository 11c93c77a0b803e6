//! A mobility round: everything one conversion works on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    AssessmentResult, ContactPerson, GradingScheme, Learner, LearningAgreement, Memorandum,
    Mobility, Organisation, Qualification, Unit,
};

/// The `format` member written at the top of `round.json`.
pub const ROUND_FORMAT: &str = "europass-round";
/// Its version: bumped when a field changes meaning or is removed (adding fields does not).
pub const ROUND_FORMAT_VERSION: u32 = 1;

/// All records of one mobility round (or of one agency's batch), each list
/// sorted by id so that the same input always serialises the same way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Round {
    /// Sending, host, intermediary and issuing organisations.
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// Mentors, assessors, coordinators and signatories.
    #[serde(default)]
    pub contacts: Vec<ContactPerson>,
    /// Qualifications the units belong to.
    #[serde(default)]
    pub qualifications: Vec<Qualification>,
    /// Units of learning outcomes.
    #[serde(default)]
    pub units: Vec<Unit>,
    /// Learners.
    #[serde(default)]
    pub learners: Vec<Learner>,
    /// Mobilities, one per learner per stay.
    #[serde(default)]
    pub mobilities: Vec<Mobility>,
    /// Learning agreements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_agreements: Vec<LearningAgreement>,
    /// Memoranda of understanding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memoranda: Vec<Memorandum>,
    /// Assessment results.
    #[serde(default)]
    pub assessments: Vec<AssessmentResult>,
    /// The grading schemes the grades in this round use.
    #[serde(default)]
    pub grading_schemes: Vec<GradingScheme>,
}

/// How many records of each kind a round holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoundCounts {
    /// Organisations.
    pub organisations: usize,
    /// Contact persons.
    pub contacts: usize,
    /// Qualifications.
    pub qualifications: usize,
    /// Units.
    pub units: usize,
    /// Learning outcomes over all units.
    pub learning_outcomes: usize,
    /// Learners.
    pub learners: usize,
    /// Mobilities.
    pub mobilities: usize,
    /// Assessment results.
    pub assessments: usize,
    /// Criteria ratings over all results.
    pub criteria_ratings: usize,
}

impl Round {
    /// Counts of every kind of record.
    pub fn counts(&self) -> RoundCounts {
        RoundCounts {
            organisations: self.organisations.len(),
            contacts: self.contacts.len(),
            qualifications: self.qualifications.len(),
            units: self.units.len(),
            learning_outcomes: self.units.iter().map(|u| u.learning_outcomes.len()).sum(),
            learners: self.learners.len(),
            mobilities: self.mobilities.len(),
            assessments: self.assessments.len(),
            criteria_ratings: self.assessments.iter().map(|a| a.criteria.len()).sum(),
        }
    }

    /// The learner with `id`.
    pub fn learner(&self, id: &str) -> Option<&Learner> {
        self.learners.iter().find(|l| l.id == id)
    }

    /// The unit with `id`.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The organisation with `id`.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// The grading scheme with `id`.
    pub fn grading_scheme(&self, id: &str) -> Option<&GradingScheme> {
        self.grading_schemes.iter().find(|s| s.id == id)
    }

    /// Sorts every list by id, the canonical order.
    pub fn sort(&mut self) {
        self.organisations.sort_by(|a, b| a.id.cmp(&b.id));
        self.contacts.sort_by(|a, b| a.id.cmp(&b.id));
        self.qualifications.sort_by(|a, b| a.id.cmp(&b.id));
        self.units.sort_by(|a, b| a.id.cmp(&b.id));
        self.learners.sort_by(|a, b| a.id.cmp(&b.id));
        self.mobilities.sort_by(|a, b| a.id.cmp(&b.id));
        self.learning_agreements
            .sort_by(|a, b| a.mobility.cmp(&b.mobility));
        self.memoranda.sort_by(|a, b| a.id.cmp(&b.id));
        self.assessments.sort_by(|a, b| a.id.cmp(&b.id));
        self.grading_schemes.sort_by(|a, b| a.id.cmp(&b.id));
    }
}
