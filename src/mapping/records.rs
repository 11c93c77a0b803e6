//! What one row says, before rows are joined into a round: partial records
//! with natural keys (names, codes) instead of resolved ids.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::normalise::OutcomeLine;
use crate::model::{
    Achievement, CountryCode, CriterionRating, EqfLevel, Gender, Grade, MultilingualText, NqfLevel,
    OrganisationRole,
};
use crate::provenance::Origin;

/// The learner part of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearnerPart {
    pub school_id: Option<String>,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub nationality: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub national_id: Option<String>,
    pub gender: Option<Gender>,
    pub guardian_name: Option<String>,
    pub guardian_email: Option<String>,
    pub guardian_phone: Option<String>,
}

/// The mobility part of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MobilityPart {
    pub erasmus_id: Option<String>,
    pub project_code: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub duration_weeks: Option<f64>,
    pub objective: MultilingualText,
    pub tasks: MultilingualText,
    pub language: Option<String>,
}

/// An organisation named in a row (sending, host, intermediary, or a row of
/// an organisations sheet).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrganisationPart {
    pub key: Option<String>,
    pub name: MultilingualText,
    pub role: Option<OrganisationRole>,
    pub country: Option<CountryCode>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub pic: Option<String>,
    pub oid: Option<String>,
    pub contact: ContactPart,
}

/// A person named in a row (mentor, assessor, contact).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactPart {
    pub name: Option<String>,
    pub position: MultilingualText,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The qualification part of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QualificationPart {
    pub code: Option<String>,
    pub title: MultilingualText,
    pub country: Option<CountryCode>,
    pub eqf_level: Option<EqfLevel>,
    pub nqf_level: Option<NqfLevel>,
    pub ecvet_points: Option<f64>,
}

/// Statements of one category, per language, in order.
pub type OutcomeLists = BTreeMap<String, Vec<OutcomeLine>>;

/// The unit part of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitPart {
    pub code: Option<String>,
    pub title: MultilingualText,
    pub area_of_work: MultilingualText,
    pub description: MultilingualText,
    pub eqf_level: Option<EqfLevel>,
    pub nqf_level: Option<NqfLevel>,
    pub ecvet_points: Option<f64>,
    pub national_points: Option<f64>,
    pub knowledge: OutcomeLists,
    pub skills: OutcomeLists,
    pub competence: OutcomeLists,
    /// Statements the sheet gives no category.
    pub outcomes: OutcomeLists,
}

/// The result part of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultPart {
    pub grade: Option<Grade>,
    pub passed: Option<bool>,
    pub achieved: Option<Achievement>,
    pub date: Option<NaiveDate>,
    pub method: MultilingualText,
    pub remarks: MultilingualText,
    pub deviations: MultilingualText,
    pub ecvet_points: Option<f64>,
    pub criteria: Vec<CriterionRating>,
}

/// What a row plans for its unit: the learning agreement's unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlannedPart {
    pub ecvet_points: Option<f64>,
    pub activities: MultilingualText,
}

/// Everything one row says.
///
/// The parts a flat sheet repeats row after row (the learner, the
/// organisations, the unit…) are shared: a row whose cells for a part are
/// the previous row's shares that row's part instead of reading it again,
/// and the join recognises it by pointer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowRecord {
    pub origin: Option<Origin>,
    pub learner: Arc<LearnerPart>,
    pub mobility: Arc<MobilityPart>,
    pub sending: Arc<OrganisationPart>,
    pub host: Arc<OrganisationPart>,
    pub intermediary: Arc<OrganisationPart>,
    pub mentor: Arc<ContactPart>,
    pub qualification: Arc<QualificationPart>,
    pub unit: Arc<UnitPart>,
    /// What the row plans for its unit (points, activities).
    pub planned: PlannedPart,
    pub result: ResultPart,
    pub assessor: ContactPart,
    /// A criterion rating of a ratings sheet.
    pub rating: Option<CriterionRating>,
    /// A row of an organisations sheet.
    pub organisation: Arc<OrganisationPart>,
    /// Values of unmapped columns and values that could not be normalised,
    /// by header, in column order.
    pub unmapped: Vec<(String, String)>,
}

macro_rules! is_default {
    ($($t:ty),*) => {$(
        impl $t {
            /// True when the row gave no value for this part.
            pub fn is_empty(&self) -> bool {
                *self == Self::default()
            }
        }
    )*};
}
is_default!(MobilityPart, OrganisationPart, PlannedPart, ResultPart);
