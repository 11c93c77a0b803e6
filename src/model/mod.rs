//! The canonical model: what every importer produces and every exporter consumes.
//!
//! Plain data with serde and no I/O. Every human-readable text is a
//! [`MultilingualText`]; a grade always names its [`GradingScheme`] and credit
//! points name their [`CreditSystem`], because a bare "3" means nothing until
//! you know the scale. Records refer to each other by id (strings), so the
//! whole [`Round`] serialises to one JSON document without cycles; those ids
//! are derived by the rules of [`ids`], whichever input a record came from.

mod assessment;
mod credits;
pub mod fields;
mod grading;
pub mod ids;
mod index;
mod learner;
mod mobility;
mod organisation;
mod qualification;
mod round;
mod text;
mod unit;

pub use assessment::{Achievement, AssessmentResult, CriterionRating};
pub use credits::{CreditPoints, CreditSystem};
pub use fields::{Entity, Field};
pub use grading::{Grade, GradeLabel, GradingScheme, Scale};
pub use index::RoundIndex;
pub use learner::{Gender, Guardian, Learner};
pub use mobility::{
    AgreementUnit, AssessmentPlan, LearningAgreement, Memorandum, Mobility, Signatory,
};
pub use organisation::{
    ContactPerson, ContactRole, CountryCode, Organisation, OrganisationRole, RegistrationId,
    RegistrationScheme,
};
pub use qualification::{EqfLevel, NqfLevel, Qualification};
pub use round::{ROUND_FORMAT, ROUND_FORMAT_VERSION, Round, RoundCounts};
pub use text::MultilingualText;
pub use unit::{LearningOutcome, OutcomeCategory, Unit};

/// Values from the source that have no canonical field, keyed by the source
/// header: unmapped columns, and values that could not be normalised (kept as
/// written so that nothing a school typed is lost).
pub type Unmapped = std::collections::BTreeMap<String, String>;
