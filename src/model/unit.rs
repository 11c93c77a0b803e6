//! Units of learning outcomes: the parts of a qualification a learner works on abroad.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CreditPoints, EqfLevel, MultilingualText, NqfLevel, Unmapped};

/// A unit of learning outcomes: "a component of a qualification, a set of
/// knowledge, skills and competence that can be assessed and recognised".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    /// Stable id: the code when there is one, otherwise derived from the title.
    pub id: String,
    /// The school's code for the unit, exactly as written (leading zeros kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Title, per language.
    pub title: MultilingualText,
    /// The qualification the unit belongs to (a [`super::Qualification::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<String>,
    /// The unit this one is a part of (a [`Unit::id`]): a graded course of
    /// a degree, a part of a joint achievement, as another issuer's
    /// credential nests them. Each part keeps its own code, credits,
    /// outcomes and result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// Area of work tasks.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub area_of_work: MultilingualText,
    /// Description of the unit.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub description: MultilingualText,
    /// EQF level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<EqfLevel>,
    /// National framework level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nqf_level: Option<NqfLevel>,
    /// Credit points of the unit, one entry per system (ECVET, national, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_points: Vec<CreditPoints>,
    /// The learning outcomes, in the order the school wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_outcomes: Vec<LearningOutcome>,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}

/// Whether a learning outcome is knowledge, a skill or competence — or
/// not said: another issuer's outcome without a type is not guessed into one.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCategory {
    /// "He/she knows …"
    Knowledge,
    /// "He/she is able to …"
    Skill,
    /// Responsibility and autonomy.
    Competence,
    /// The source gives no category (an outcome without a type in another
    /// issuer's credential): exports list it as a learning outcome, never
    /// under a category it was not given.
    #[default]
    Unspecified,
}

/// One statement of what a learner knows, can do, or takes responsibility for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LearningOutcome {
    /// Stable id within the unit: `<unit id>/<k|s|c><n>`.
    pub id: String,
    /// The statement, per language.
    pub text: MultilingualText,
    /// Knowledge, skill, competence, or unspecified.
    #[serde(default)]
    pub category: OutcomeCategory,
    /// ESCO skill or competence URI, when the school linked one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esco_uri: Option<String>,
    /// Sub-points that belong to this statement (second-level bullets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<MultilingualText>,
}
