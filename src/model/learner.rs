//! Learners: the people who go abroad.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CountryCode, Unmapped};

/// A learner taking part in a mobility.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Learner {
    /// Stable id: the school's learner number when given, else derived from
    /// family name, given names and date of birth (`ozola-anna-2005-03-14`),
    /// else the national id.
    pub id: String,
    /// Given name(s), as written.
    pub given_names: String,
    /// Family name(s), as written.
    pub family_name: String,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Nationality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<CountryCode>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Postal address as one text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The country of the postal address, when known apart from the text
    /// (a credential names it; exports write the issuer's country without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<CountryCode>,
    /// National personal identifier (e.g. Latvian personas kods), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    /// The school's own learner number, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_id: Option<String>,
    /// Gender, only when the school records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Parent or guardian, for minors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<Guardian>,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}

impl Learner {
    /// "Given Family", for messages and documents.
    pub fn full_name(&self) -> String {
        match (self.given_names.is_empty(), self.family_name.is_empty()) {
            (false, false) => format!("{} {}", self.given_names, self.family_name),
            (true, _) => self.family_name.clone(),
            (_, true) => self.given_names.clone(),
        }
    }
}

/// Gender as recorded by the school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Other or not specified.
    Other,
}

/// A parent or guardian who signs for a minor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Guardian {
    /// Full name.
    pub name: String,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}
