//! Organisations (sending school, host company, intermediary) and their people.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MultilingualText, Unmapped};

/// An ISO 3166-1 alpha-2 country code in upper case (`LV`, `FI`, `DE`).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct CountryCode(#[schemars(regex(pattern = r"^[A-Z]{2}$"))] pub String);

impl CountryCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl CountryCode {
    /// The official languages of the country (ISO 639-1, the most widely
    /// used first), for the countries of Erasmus+ and their neighbours;
    /// empty when europass does not know them.
    pub fn official_languages(&self) -> &'static [&'static str] {
        OFFICIAL_LANGUAGES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or(&[], |(_, l)| l)
    }
}

/// Country → official languages: what an organisation's proper name is
/// written in (see `assemble::organisations`).
const OFFICIAL_LANGUAGES: &[(&str, &[&str])] = &[
    ("AL", &["sq"]),
    ("AT", &["de"]),
    ("BA", &["bs", "hr", "sr"]),
    ("BE", &["nl", "fr", "de"]),
    ("BG", &["bg"]),
    ("CH", &["de", "fr", "it", "rm"]),
    ("CY", &["el", "tr"]),
    ("CZ", &["cs"]),
    ("DE", &["de"]),
    ("DK", &["da"]),
    ("EE", &["et"]),
    ("ES", &["es"]),
    ("FI", &["fi", "sv"]),
    ("FR", &["fr"]),
    ("GB", &["en"]),
    ("GR", &["el"]),
    ("HR", &["hr"]),
    ("HU", &["hu"]),
    ("IE", &["en", "ga"]),
    ("IS", &["is"]),
    ("IT", &["it"]),
    ("LI", &["de"]),
    ("LT", &["lt"]),
    ("LU", &["lb", "fr", "de"]),
    ("LV", &["lv"]),
    ("ME", &["sr"]),
    ("MK", &["mk"]),
    ("MT", &["mt", "en"]),
    ("NL", &["nl"]),
    ("NO", &["nb", "nn", "no"]),
    ("PL", &["pl"]),
    ("PT", &["pt"]),
    ("RO", &["ro"]),
    ("RS", &["sr"]),
    ("SE", &["sv"]),
    ("SI", &["sl"]),
    ("SK", &["sk"]),
    ("TR", &["tr"]),
    ("UA", &["uk"]),
    ("US", &["en"]),
];

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an organisation does in the round.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationRole {
    /// The home VET school that sends learners.
    Sending,
    /// The organisation (school or company) that receives a learner.
    Host,
    /// An organisation that arranges placements between the two.
    Intermediary,
    /// The organisation that issues the credential (usually the sending school).
    Issuer,
}

/// An organisation taking part in the round.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Organisation {
    /// Stable id derived from the name (in the language of the sheet that first
    /// named it), else from the key a workbook gave it.
    pub id: String,
    /// Name, per language.
    pub name: MultilingualText,
    /// Roles the organisation plays in this round.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub roles: BTreeSet<OrganisationRole>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<super::CountryCode>,
    /// Postal address as one text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Registration identifiers: Erasmus+ PIC or OID, national registration number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registration_ids: Vec<RegistrationId>,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}

/// An identifier of an organisation in some register.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct RegistrationId {
    /// Which register.
    pub scheme: RegistrationScheme,
    /// The identifier, exactly as written (leading zeros kept).
    pub value: String,
}

/// The register a [`RegistrationId`] belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationScheme {
    /// Erasmus+ Participant Identification Code (9 digits).
    Pic,
    /// Erasmus+ Organisation ID (`E` + 8 digits).
    Oid,
    /// A national business or education register number.
    National,
}

/// What a contact person does.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Supervises the learner at the host.
    Mentor,
    /// Assesses the learning outcomes.
    Assessor,
    /// Organises the mobility (usually at the sending school).
    Coordinator,
    /// Signs agreements on behalf of the organisation.
    Signatory,
    /// General contact person of the organisation.
    Contact,
}

/// A person acting for an organisation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContactPerson {
    /// Stable id derived from organisation and name.
    pub id: String,
    /// Full name as written.
    pub name: String,
    /// Position or job title.
    #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
    pub position: MultilingualText,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The organisation the person acts for (an [`Organisation::id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Roles in this round.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub roles: BTreeSet<ContactRole>,
}
