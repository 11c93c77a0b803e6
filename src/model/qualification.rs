//! Qualifications and the levels that place them in a framework.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CountryCode, CreditPoints, MultilingualText, Unmapped};

/// A level of the European Qualifications Framework, 1 to 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct EqfLevel(u8);

// Written by hand: derived, the schema would say 0–255 (the u8 it is read from).
impl JsonSchema for EqfLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EqfLevel".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A level of the European Qualifications Framework, 1 to 8.",
            "type": "integer",
            "minimum": 1,
            "maximum": 8
        })
    }
}

impl EqfLevel {
    /// The level, if `level` is within 1–8.
    pub fn new(level: u8) -> Option<Self> {
        (1..=8).contains(&level).then_some(Self(level))
    }

    /// The level as a number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for EqfLevel {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Self::new(v).ok_or_else(|| format!("EQF level {v} is outside 1–8"))
    }
}

impl From<EqfLevel> for u8 {
    fn from(l: EqfLevel) -> u8 {
        l.0
    }
}

/// A level of a national qualifications framework (in Latvia LKI, 1–8).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct NqfLevel {
    /// The level as the framework writes it (usually a number).
    pub level: String,
    /// The framework, named by the ISO code of its country (`LV` for the
    /// Latvian LKI), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
}

/// A qualification that units belong to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Qualification {
    /// Stable id derived from code or title.
    pub id: String,
    /// National code of the qualification or programme, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Title in the national and the partnership language.
    pub title: MultilingualText,
    /// Country that awards it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// EQF level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<EqfLevel>,
    /// National framework level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nqf_level: Option<NqfLevel>,
    /// Total credit points of the whole qualification, one entry per system.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_points: Vec<CreditPoints>,
    /// Source values without a canonical field.
    #[serde(default, skip_serializing_if = "Unmapped::is_empty")]
    pub unmapped: Unmapped,
}
