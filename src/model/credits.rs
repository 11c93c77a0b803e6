//! Credit points, always with the system they are counted in.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A number of credit points in a named system. ECVET counts 60 points for a
/// year of full-time VET; ECTS counts 60 for a year of higher education; a
/// national system may count differently, so points never travel without it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreditPoints {
    /// The number of points (decimal commas are normalised on import).
    pub value: f64,
    /// The credit system the points belong to.
    pub system: CreditSystem,
}

impl CreditPoints {
    /// ECVET points.
    pub fn ecvet(value: f64) -> Self {
        Self {
            value,
            system: CreditSystem::Ecvet,
        }
    }
}

/// The credit system of a [`CreditPoints`] value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum CreditSystem {
    /// European Credit system for Vocational Education and Training.
    Ecvet,
    /// European Credit Transfer and Accumulation System.
    Ects,
    /// A national credit system, by name (e.g. "LV-KP" for Latvian credit points).
    National(String),
}
