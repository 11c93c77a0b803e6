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
    /// [`Scale::from_words`] reads back.
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

impl Scale {
    /// The numeric or ordered scale that [`GradingScheme::scale_in_words`]
    /// described as `text`; `None` for any other text (another issuer's
    /// words, or labels the words cannot carry unambiguously, such as one
    /// holding `", "`). Ordered labels come back without names.
    pub fn from_words(text: &str) -> Option<Scale> {
        let scale = Self::numeric_from_words(text).or_else(|| Self::ordered_from_words(text))?;
        // Only a text that the scale describes the same way again is read:
        // anything else is the issuer's own definition, kept as written.
        let again = GradingScheme {
            id: String::new(),
            name: MultilingualText::new(),
            country: None,
            scale: scale.clone(),
        };
        (again.scale_in_words() == text).then_some(scale)
    }

    fn numeric_from_words(text: &str) -> Option<Scale> {
        let rest = text.strip_prefix("Whole numbers from ")?;
        let (min, rest) = rest.split_once(" to ")?;
        let (max, rest) = rest.split_once(", ")?;
        let (best, rest) = rest.split_once(" best; ")?;
        let (lowest_pass, direction) = rest.split_once(" and ")?;
        let (min, max): (i32, i32) = (min.parse().ok()?, max.parse().ok()?);
        let lowest_pass: i32 = lowest_pass.parse().ok()?;
        (min <= lowest_pass && lowest_pass <= max).then_some(Scale::Numeric {
            min,
            max,
            lowest_pass,
            higher_is_better: direction == "above pass." && best == max.to_string(),
        })
    }

    fn ordered_from_words(text: &str) -> Option<Scale> {
        let rest = text.strip_prefix("Grades from worst to best: ")?;
        let rest = rest.strip_suffix(" and better pass.")?;
        let (values, lowest_pass) = rest.rsplit_once("; ")?;
        let labels: Vec<GradeLabel> = values
            .split(", ")
            .map(|v| GradeLabel {
                value: v.to_string(),
                name: MultilingualText::new(),
            })
            .collect();
        let lowest_pass = lowest_pass.to_string();
        labels
            .iter()
            .any(|l| l.value == lowest_pass)
            .then_some(Scale::Ordered {
                labels,
                lowest_pass,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(scale: Scale) -> GradingScheme {
        GradingScheme {
            id: "s".into(),
            name: MultilingualText::new(),
            country: None,
            scale,
        }
    }

    #[test]
    fn numeric_and_ordered_scales_are_read_back_from_their_words() {
        for scale in [
            Scale::Numeric {
                min: 1,
                max: 10,
                lowest_pass: 4,
                higher_is_better: true,
            },
            Scale::Numeric {
                min: 1,
                max: 6,
                lowest_pass: 4,
                higher_is_better: false,
            },
            Scale::Ordered {
                labels: ["nepietiekami", "pietiekami", "labi"]
                    .map(|v| GradeLabel {
                        value: v.into(),
                        name: MultilingualText::new(),
                    })
                    .into(),
                lowest_pass: "pietiekami".into(),
            },
        ] {
            let words = scheme(scale.clone()).scale_in_words();
            assert_eq!(Scale::from_words(&words), Some(scale), "{words}");
        }
    }

    #[test]
    fn words_a_scale_would_not_write_are_not_read_as_one() {
        // Another issuer's description, a pass grade not on the scale, a best
        // grade at neither end.
        assert_eq!(
            Scale::from_words("Whole numbers from 1 to 5, best 5."),
            None
        );
        assert_eq!(
            Scale::from_words("Grades from worst to best: a, b, c; d and better pass."),
            None
        );
        assert_eq!(
            Scale::from_words("Whole numbers from 1 to 10, 3 best; 4 and above pass."),
            None
        );
    }
}
