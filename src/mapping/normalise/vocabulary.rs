//! Word lists for yes/no, achievement, gender, organisation roles, languages
//! and countries, from `mappings/vocabulary.toml` and `mappings/countries.toml`.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::text::{WordList, fold};

const VOCABULARY_TOML: &str = include_str!("../../../mappings/vocabulary.toml");
const COUNTRIES_TOML: &str = include_str!("../../../mappings/countries.toml");

/// A word list from a `value = [words]` table; each value also stands for itself.
fn word_list(table: &BTreeMap<String, Vec<String>>) -> WordList {
    let mut list = WordList::default();
    for (canonical, words) in table {
        list.add(canonical, canonical);
        for w in words {
            list.add(canonical, w);
        }
    }
    list
}

/// All word lists, the shipped ones extended by a mapping's `[values]`.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// `true` / `false`.
    pub yes_no: WordList,
    /// `full` / `partial` / `none`.
    pub achievement: WordList,
    /// `female` / `male` / `other`.
    pub gender: WordList,
    /// `sending` / `host` / `intermediary` / `issuer`.
    pub organisation_role: WordList,
    /// Language names → language tags.
    pub language: WordList,
    /// Country names and codes → ISO alpha-2.
    pub country: WordList,
    /// Folded intro phrases of bullet lists ("he she knows").
    pub intro: HashSet<String>,
    /// Folded first words of totals rows.
    pub totals: Vec<String>,
    /// Folded first words of note rows.
    pub notes: Vec<String>,
    codes: HashSet<String>,
    alpha3: FxHashMap<String, String>,
}

#[derive(Deserialize)]
struct VocabularyFile {
    yes_no: BTreeMap<String, Vec<String>>,
    achievement: BTreeMap<String, Vec<String>>,
    gender: BTreeMap<String, Vec<String>>,
    organisation_role: BTreeMap<String, Vec<String>>,
    language: BTreeMap<String, Vec<String>>,
    country_extra: BTreeMap<String, Vec<String>>,
    intro: Intro,
    rows: Rows,
}

#[derive(Deserialize)]
struct Intro {
    phrases: Vec<String>,
}

#[derive(Deserialize)]
struct Rows {
    totals: Vec<String>,
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct CountriesFile {
    countries: BTreeMap<String, Vec<String>>,
}

impl Vocabulary {
    /// The word lists shipped with europass.
    pub fn shipped() -> &'static Vocabulary {
        static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let v: VocabularyFile =
                toml::from_str(VOCABULARY_TOML).expect("mappings/vocabulary.toml is valid");
            let c: CountriesFile =
                toml::from_str(COUNTRIES_TOML).expect("mappings/countries.toml is valid");
            // The first word of each country is its ISO alpha-3 code: kept apart,
            // so that an abbreviation like "Som." is not read as SOM (Somalia).
            let mut country = WordList::default();
            let mut alpha3 = FxHashMap::default();
            for (code, names) in &c.countries {
                let mut names = names.iter();
                if let Some(a3) = names.next() {
                    alpha3.insert(a3.to_ascii_uppercase(), code.clone());
                }
                for n in names {
                    country.add(code, n);
                }
            }
            for (code, words) in &v.country_extra {
                for w in words {
                    country.add(code, w);
                }
            }
            Vocabulary {
                yes_no: word_list(&v.yes_no),
                achievement: word_list(&v.achievement),
                gender: word_list(&v.gender),
                organisation_role: word_list(&v.organisation_role),
                language: word_list(&v.language),
                country,
                intro: v.intro.phrases.iter().map(|p| fold(p)).collect(),
                totals: v.rows.totals.iter().map(|p| fold(p)).collect(),
                notes: v.rows.notes.iter().map(|p| fold(p)).collect(),
                codes: c.countries.keys().cloned().collect(),
                alpha3,
            }
        })
    }

    /// This vocabulary plus a mapping's `[values.<list>]` words. Returns the
    /// names of lists that do not exist, for the mapping's error message.
    pub fn extended(
        &self,
        extra: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    ) -> (Vocabulary, Vec<String>) {
        let mut v = self.clone();
        let mut unknown = Vec::new();
        for (list, table) in extra {
            let target = match list.as_str() {
                "yes_no" => &mut v.yes_no,
                "achievement" => &mut v.achievement,
                "gender" => &mut v.gender,
                "organisation_role" => &mut v.organisation_role,
                "language" => &mut v.language,
                "country" => &mut v.country,
                _ => {
                    unknown.push(list.clone());
                    continue;
                }
            };
            for (canonical, words) in table {
                for w in words {
                    target.add(canonical, w);
                }
            }
        }
        (v, unknown)
    }

    /// The ISO alpha-2 code of a country written as a code or a name.
    pub fn country_code(&self, text: &str) -> Option<String> {
        let t = text.trim();
        if let Some(code) = labelled_code(t) {
            return self.country_code(code);
        }
        if t.len() == 2 && t.is_ascii() {
            let up = t.to_ascii_uppercase();
            // "EL" is how the EU writes Greece; "UK" the United Kingdom.
            let up = match up.as_str() {
                "EL" => "GR".to_string(),
                "UK" => "GB".to_string(),
                _ => up,
            };
            if self.codes.contains(&up) {
                return Some(up);
            }
        }
        if t.len() == 3
            && t.bytes().all(|b| b.is_ascii_alphabetic())
            && let Some(code) = self.alpha3.get(&t.to_ascii_uppercase())
        {
            return Some(code.clone());
        }
        self.country.lookup(t).map(str::to_string)
    }

    /// True when the line is an intro phrase like "He/she knows:".
    pub fn is_intro(&self, line: &str) -> bool {
        self.intro.contains(&fold(line))
    }

    /// The language tag of a language written as a name or code.
    pub fn language_tag(&self, text: &str) -> Option<String> {
        self.language.lookup(text).map(str::to_string)
    }
}

/// The code of a country written as the template's drop-down writes it,
/// code first: "LV — Latvija", "DE - Germany".
fn labelled_code(t: &str) -> Option<&str> {
    let (code, rest) = t.split_at_checked(2)?;
    let name = rest.trim_start().strip_prefix(['—', '–', '-'])?;
    (code.bytes().all(|b| b.is_ascii_alphabetic()) && !name.trim().is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_written_code_first_with_its_name_is_its_code() {
        assert_eq!(labelled_code("LV — Latvija"), Some("LV"));
        assert_eq!(labelled_code("de - Germany"), Some("de"));
        assert_eq!(labelled_code("FI–Suomi"), Some("FI"));
        assert_eq!(labelled_code("Latvija"), None);
        assert_eq!(labelled_code("LV"), None);
        assert_eq!(labelled_code("LV —"), None);
    }

    #[test]
    fn a_word_is_found_as_written_and_in_any_spelling_that_folds_alike() {
        let mut list = WordList::default();
        list.add("full", "pilnībā");
        list.add("partial", "daļēji");
        for word in ["pilnībā", "Pilnībā", "PILNIBA", " pilniba "] {
            assert_eq!(list.lookup(word), Some("full"), "{word}");
        }
        assert_eq!(list.lookup("daļēji"), Some("partial"));
        assert_eq!(list.lookup("pilns"), None);
        // A later word for the same folded key wins, written either way.
        list.add("none", "PILNIBA");
        assert_eq!(list.lookup("pilnībā"), Some("none"));
        assert_eq!(list.lookup("Pilniba"), Some("none"));
    }

    #[test]
    fn countries_are_found_by_code_and_by_name_in_many_languages() {
        let v = Vocabulary::shipped();
        for name in ["FI", "fi", "FIN", "Finland", "Somija", "Suomi", "Finnland"] {
            assert_eq!(v.country_code(name).as_deref(), Some("FI"), "{name}");
        }
        for name in ["Vācija", "Vacija", "Deutschland", "Saksa", "DE"] {
            assert_eq!(v.country_code(name).as_deref(), Some("DE"), "{name}");
        }
        assert_eq!(v.country_code("EL").as_deref(), Some("GR"));
        assert_eq!(
            v.country_code("Som."),
            None,
            "an abbreviation is not an alpha-3 code"
        );
        assert_eq!(v.country_code("fin").as_deref(), Some("FI"));
        assert_eq!(v.country_code("Atlantis"), None);
    }

    #[test]
    fn yes_and_no_are_understood_in_every_shipped_language() {
        let v = Vocabulary::shipped();
        for w in ["Jā", "ja", "kyllä", "Yes", "✓", "x"] {
            assert_eq!(v.yes_no.lookup(w), Some("true"), "{w}");
        }
        for w in ["Nē", "ei", "nein", "No"] {
            assert_eq!(v.yes_no.lookup(w), Some("false"), "{w}");
        }
    }
}
