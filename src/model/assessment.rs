//! Assessment results: what the host found the learner achieved.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CreditPoints, Grade, MultilingualText, Unmapped};

/// How much of a unit (or outcome) the learner achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Achievement {
    /// Achieved in full.
    Full,
    /// Partly achieved.
    Partial,
    /// Not achieved.
    None,
}

/// One row of a criteria grid: a criterion and the rating given on the grid's scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CriterionRating {
    /// The criterion, per language ("Teamwork").
    pub criterion: MultilingualText,
    /// The rating, on the grid's grading scheme.
    pub value: Grade,
}

/// The assessment of one learner in one unit (or one learning outcome of it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssessmentResult {
    /// Stable id: `<learner id>/<unit id>`.
    pub id: String,
    /// The learner assessed (a [`super::Learner::id`]).
    pub learner: String,
    /// The unit assessed (a [`super::Unit::id`]).
    pub unit: String,
    /// The mobility during which it was assessed (a [`super::Mobility::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobility: Option<String>,
    /// A single learning outcome, when only that was assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Ratings on a criteria grid, in grid order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionRating>,
    /// Overall grade, with its scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// Whether the unit was passed, as recorded or derived from the grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// Achieved in full, partly or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved: Option<Achievement>,
    /// Credit points awarded, one entry per system.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_points: Vec<CreditPoints>,
    /// Date of the assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// How the learner was assessed (observation, test, interview, …).
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub method: MultilingualText,
    /// The assessor (a [`super::ContactPerson::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Free-text remarks.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub remarks: MultilingualText,
    /// Deviations from the learning agreement.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub deviations: MultilingualText,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}
