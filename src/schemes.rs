//! The grading schemes europass knows, by id, name or country.
//!
//! The shipped schemes live in `mappings/grading-schemes.toml`; a mapping
//! file may add its own. Every stage asks the same registry: the mapping
//! stage reads grades on a scheme, the credential readers name the schemes a
//! credential uses, the exporters describe them. A grade is read against
//! exactly one scheme, never against "whichever scale fits".

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{CountryCode, GradeLabel, GradingScheme, MultilingualText, Scale};
use crate::text::{WordList, fold};

const SCHEMES_TOML: &str = include_str!("../mappings/grading-schemes.toml");

/// The known grading schemes, with the ways to name them and their values.
#[derive(Clone, Debug, Default)]
pub struct SchemeRegistry {
    schemes: Vec<GradingScheme>,
    aliases: HashMap<String, usize>,
    words: Vec<WordList>,
    country_default: HashMap<String, usize>,
}

/// One `[[scheme]]` of a grading-schemes file (also accepted in mapping files).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSpec {
    id: String,
    name: BTreeMap<String, String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    default_for: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    numeric: Option<NumericSpec>,
    #[serde(default)]
    ordered: Option<OrderedSpec>,
    #[serde(default)]
    words: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumericSpec {
    min: i32,
    max: i32,
    lowest_pass: i32,
    #[serde(default = "yes")]
    higher_is_better: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderedSpec {
    labels: Vec<String>,
    lowest_pass: String,
}

#[derive(Deserialize)]
struct SchemesFile {
    scheme: Vec<SchemeSpec>,
}

impl SchemeRegistry {
    /// The schemes shipped with europass.
    pub fn shipped() -> &'static SchemeRegistry {
        static SHIPPED: OnceLock<SchemeRegistry> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let file: SchemesFile =
                toml::from_str(SCHEMES_TOML).expect("mappings/grading-schemes.toml is valid");
            let mut r = SchemeRegistry::default();
            for spec in file.scheme {
                r.add(spec).expect("shipped grading schemes are valid");
            }
            r
        })
    }

    /// Adds (or replaces) a scheme.
    pub fn add(&mut self, spec: SchemeSpec) -> Result<(), String> {
        let scale = match (spec.numeric, spec.ordered) {
            (Some(n), None) => {
                if n.min > n.max || !(n.min..=n.max).contains(&n.lowest_pass) {
                    return Err(format!(
                        "scheme {}: min, max and lowest_pass do not fit together",
                        spec.id
                    ));
                }
                Scale::Numeric {
                    min: n.min,
                    max: n.max,
                    lowest_pass: n.lowest_pass,
                    higher_is_better: n.higher_is_better,
                }
            }
            (None, Some(o)) => {
                if !o.labels.contains(&o.lowest_pass) {
                    return Err(format!(
                        "scheme {}: lowest_pass {} is not one of the labels",
                        spec.id, o.lowest_pass
                    ));
                }
                Scale::Ordered {
                    labels: o
                        .labels
                        .iter()
                        .map(|l| GradeLabel {
                            value: l.clone(),
                            name: MultilingualText::new(),
                        })
                        .collect(),
                    lowest_pass: o.lowest_pass,
                }
            }
            _ => {
                return Err(format!(
                    "scheme {}: give exactly one of numeric or ordered",
                    spec.id
                ));
            }
        };
        let mut name = MultilingualText::new();
        for (lang, text) in &spec.name {
            name.set(lang, text.clone());
        }
        let scheme = GradingScheme {
            id: spec.id.clone(),
            name,
            country: spec.country.map(|c| CountryCode(c.to_ascii_uppercase())),
            scale,
        };
        let mut words = WordList::default();
        for (value, ws) in &spec.words {
            if !scheme.contains(value) {
                return Err(format!(
                    "scheme {}: word list for '{value}', which is not a value of the scheme",
                    spec.id
                ));
            }
            for w in ws {
                words.add(value, w);
            }
        }
        let index = match self.schemes.iter().position(|s| s.id == scheme.id) {
            Some(i) => {
                self.schemes[i] = scheme;
                self.words[i] = words;
                i
            }
            None => {
                self.schemes.push(scheme);
                self.words.push(words);
                self.schemes.len() - 1
            }
        };
        self.aliases.insert(fold(&spec.id), index);
        for n in spec.name.values() {
            self.aliases.insert(fold(n), index);
        }
        for a in &spec.aliases {
            self.aliases.insert(fold(a), index);
        }
        for c in &spec.default_for {
            self.country_default.insert(c.to_ascii_uppercase(), index);
        }
        Ok(())
    }

    /// The scheme with this id or one of its names.
    pub fn find(&self, name: &str) -> Option<&GradingScheme> {
        self.aliases.get(&fold(name)).map(|&i| &self.schemes[i])
    }

    /// The scheme schools of `country` use when nothing else says.
    pub fn default_for_country(&self, country: &str) -> Option<&GradingScheme> {
        self.country_default
            .get(&country.to_ascii_uppercase())
            .map(|&i| &self.schemes[i])
    }

    /// The scheme with exactly this id.
    pub fn by_id(&self, id: &str) -> Option<&GradingScheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    /// The value a word stands for on the scheme `id` ("izcili" → 10).
    pub fn word(&self, id: &str, word: &str) -> Option<&str> {
        let i = self.schemes.iter().position(|s| s.id == id)?;
        self.words[i].lookup(word)
    }

    /// All schemes.
    pub fn all(&self) -> &[GradingScheme] {
        &self.schemes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_three_is_top_of_one_scale_and_a_fail_on_another() {
        let r = SchemeRegistry::shipped();
        let fi = r.find("fi-1-3").unwrap();
        let lv = r.find("lv-1-10").unwrap();
        assert_eq!(fi.passes("3"), Some(true));
        assert_eq!(lv.passes("3"), Some(false));
        assert_eq!(lv.passes("4"), Some(true));
    }

    #[test]
    fn german_grades_pass_from_one_to_four() {
        let de = SchemeRegistry::shipped().find("de-1-6").unwrap();
        assert_eq!(de.passes("1"), Some(true));
        assert_eq!(de.passes("4"), Some(true));
        assert_eq!(de.passes("5"), Some(false));
    }

    #[test]
    fn schemes_are_found_by_any_of_their_names() {
        let r = SchemeRegistry::shipped();
        assert_eq!(r.find("10 ballu skala").unwrap().id, "lv-1-10");
        assert_eq!(r.find("Finnish 1–3").unwrap().id, "fi-1-3");
        assert_eq!(r.default_for_country("lv").unwrap().id, "lv-1-10");
    }
}
