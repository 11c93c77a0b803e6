//! Mobilities and the agreements around them.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MultilingualText, Unmapped};

/// One learner's stay abroad: who, where, when, to do what.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mobility {
    /// Stable id: `<learner id>/<host id>/<start date>`.
    pub id: String,
    /// Erasmus+ mobility id, when the school has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erasmus_id: Option<String>,
    /// Erasmus+ project code (e.g. `2025-1-LV01-KA122-VET-000123456`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_code: Option<String>,
    /// The learner (a [`super::Learner::id`]).
    pub learner: String,
    /// Sending organisation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending: Option<String>,
    /// Host organisation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Intermediary organisation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediary: Option<String>,
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Duration in weeks as the school states it (checked against the dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_weeks: Option<f64>,
    /// Objective of the mobility.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub objective: MultilingualText,
    /// Tasks and activities carried out (not the competences acquired).
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub tasks: MultilingualText,
    /// The mentor at the host (a [`super::ContactPerson::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor: Option<String>,
    /// Working language of the placement (language tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The units the learner works on abroad ([`super::Unit::id`]s), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// The qualification the learner is working towards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<String>,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}

/// The ECVET Learning Agreement of one mobility.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LearningAgreement {
    /// The mobility it governs (a [`Mobility::id`]).
    pub mobility: String,
    /// The qualification the learner is working towards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<String>,
    /// The learner's progress so far in that qualification.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub learner_progress: MultilingualText,
    /// The units, or parts of units, targeted abroad.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<AgreementUnit>,
    /// Who assesses, how, when, where, and how it is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentPlan>,
    /// How validation and recognition are done, and by whom.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub validation_and_recognition: MultilingualText,
    /// Enclosures listed in the agreement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enclosures: Vec<MultilingualText>,
    /// The people who sign.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<Signatory>,
}

/// A unit targeted by a learning agreement, possibly only some of its outcomes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AgreementUnit {
    /// The unit (a [`super::Unit::id`]).
    pub unit: String,
    /// The targeted outcomes ([`super::LearningOutcome::id`]s); empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<String>,
    /// ECVET points to be acquired abroad.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_points: Option<super::CreditPoints>,
    /// Learning activities: where, which tasks, which courses.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub activities: MultilingualText,
}

/// How learning outcomes will be assessed and recorded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssessmentPlan {
    /// The assessor (a [`super::ContactPerson::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Method of assessment.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub method: MultilingualText,
    /// When and where.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub when_and_where: MultilingualText,
    /// How results are recorded.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub recording: MultilingualText,
}

/// Someone who signs a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Signatory {
    /// Full name.
    pub name: String,
    /// Role or position.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub role: MultilingualText,
    /// The organisation signed for (an [`super::Organisation::id`]); none for the learner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Place of signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Date of signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// A Memorandum of Understanding: the partnership between organisations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Memorandum {
    /// File code of the memorandum.
    pub id: String,
    /// Objectives agreed beyond the template's fixed text.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub objectives: MultilingualText,
    /// The organisations that sign ([`super::Organisation::id`]s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
    /// Other organisations covered (sector bodies, authorities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_organisations: Vec<String>,
    /// Qualifications covered ([`super::Qualification::id`]s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifications: Vec<String>,
    /// Units for the mobility phases ([`super::Unit::id`]s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Agreed procedures for assessment, documentation, validation and recognition.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub assessment_and_recognition: MultilingualText,
    /// Valid until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// Shortest planned mobility, in weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_weeks: Option<f64>,
    /// Longest planned mobility, in weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weeks: Option<f64>,
    /// Who evaluates and reviews the partnership.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub evaluation: MultilingualText,
    /// The people who sign.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<Signatory>,
}

impl Mobility {
    /// The stable id of a learner's mobility at a host starting on a date
    /// (see [`super::ids::mobility_id`]).
    pub fn derive_id(learner: &str, host: Option<&str>, start: Option<NaiveDate>) -> String {
        super::ids::mobility_id(learner, host, start)
    }
}
