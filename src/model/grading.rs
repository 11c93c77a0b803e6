//! Grading schemes and grades.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CountryCode, MultilingualText};

/// A grade: a value on a named grading scheme. The same "3" is the top of a
/// Finnish 1–3 grid and a fail on the Latvian 1–10 scale, so a grade is never
/// stored without its scheme.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Grade {
    /// The value as written on the scheme (a number like `7` or a label like `pass`).
    pub value: String,
    /// The id of the [`GradingScheme`] the value belongs to.
    pub scheme: String,
}

/// A grading scheme: a numeric range or an ordered list of labels, with the
/// lowest passing grade.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GradingScheme {
    /// Stable id, e.g. `lv-1-10`, `fi-1-3`, `pass-fail`.
    pub id: String,
    /// Human name.
    pub name: MultilingualText,
    /// Country the scheme belongs to, if national.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// The values the scheme allows.
    pub scale: Scale,
}

/// The values a [`GradingScheme`] allows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Scale {
    /// Whole numbers from `min` to `max`.
    Numeric {
        /// Lowest value.
        min: i32,
        /// Highest value.
        max: i32,
        /// The lowest value that passes (the "worst" passing grade).
        lowest_pass: i32,
        /// False for scales where 1 is best (German 1–6).
        higher_is_better: bool,
    },
    /// Named grades from worst to best.
    Ordered {
        /// The labels, worst first.
        labels: Vec<GradeLabel>,
        /// The value of the lowest passing label.
        lowest_pass: String,
    },
    /// A scheme known only by its issuer's description (a credential of
    /// another issuer names it without its values): grades on it are kept
    /// as written, and pass or fail cannot be told from them.
    Described {
        /// The issuer's definition of the scheme, per language (may be empty).
        #[serde(default, skip_serializing_if = "MultilingualText::is_empty")]
        definition: MultilingualText,
    },
}

/// One label of an ordered scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GradeLabel {
    /// The value stored in a [`Grade`].
    pub value: String,
    /// What the label says, per language.
    pub name: MultilingualText,
}

impl GradingScheme {
    /// Whether `value` passes on this scheme; `None` when the value is not on the scheme.
    pub fn passes(&self, value: &str) -> Option<bool> {
        match &self.scale {
            Scale::Numeric {
                min,
                max,
                lowest_pass,
                higher_is_better,
            } => {
                let v: i32 = value.trim().parse().ok()?;
                if v < *min || v > *max {
                    return None;
                }
                Some(if *higher_is_better {
                    v >= *lowest_pass
                } else {
                    v <= *lowest_pass
                })
            }
            Scale::Ordered {
                labels,
                lowest_pass,
            } => {
                let pos = labels.iter().position(|l| l.value == value)?;
                let pass = labels.iter().position(|l| &l.value == lowest_pass)?;
                Some(pos >= pass)
            }
            Scale::Described { .. } => None,
        }
    }

    /// Whether `value` is a value of this scheme.
    pub fn contains(&self, value: &str) -> bool {
        matches!(self.scale, Scale::Described { .. }) || self.passes(value).is_some()
    }

    /// The allowed values, worst first, for messages and drop-down lists.
    pub fn values(&self) -> Vec<String> {
        match &self.scale {
            Scale::Numeric {
                min,
                max,
                higher_is_better,
                ..
            } => {
                let mut v: Vec<String> = (*min..=*max).map(|n| n.to_string()).collect();
                if !higher_is_better {
                    v.reverse();
                }
                v
            }
            Scale::Ordered { labels, .. } => labels.iter().map(|l| l.value.clone()).collect(),
            Scale::Described { .. } => Vec::new(),
        }
    }

    /// The scale in plain English ("Whole numbers from 1 to 10, 10 best; 4
    /// and above pass."): a credential's description of the scheme, which
    /// europass reads back.
    pub fn scale_in_words(&self) -> String {
        match &self.scale {
            Scale::Numeric {
                min,
                max,
                lowest_pass,
                higher_is_better,
            } => {
                if *higher_is_better {
                    format!(
                        "Whole numbers from {min} to {max}, {max} best; {lowest_pass} and above pass."
                    )
                } else {
                    format!(
                        "Whole numbers from {min} to {max}, {min} best; {lowest_pass} and below pass."
                    )
                }
            }
            Scale::Ordered {
                labels,
                lowest_pass,
            } => {
                let values: Vec<&str> = labels.iter().map(|l| l.value.as_str()).collect();
                format!(
                    "Grades from worst to best: {}; {lowest_pass} and better pass.",
                    values.join(", ")
                )
            }
            Scale::Described { definition } => definition
                .best(&["en"])
                .map(str::to_string)
                .unwrap_or_else(|| "A scheme whose values its issuer did not define.".into()),
        }
    }
}
