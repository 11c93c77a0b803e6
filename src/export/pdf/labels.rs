//! The fixed texts of the transcript per language, read from the data files
//! in `assets/transcript/` that the build embeds. A transcript in several
//! languages (`--lang lv,en`) shows each label in each of them.

use chrono::NaiveDate;

use crate::label_files::{FALLBACK, LabelFiles};

/// Every embedded label file.
static FILES: LabelFiles = LabelFiles::new(
    "assets/transcript",
    include!(concat!(env!("OUT_DIR"), "/transcript_labels.rs")),
);

/// The languages that have a label file.
pub fn languages() -> Vec<&'static str> {
    FILES.languages()
}

/// Every key of one language's file, sorted (for completeness tests).
#[cfg(test)]
pub fn keys(language: &str) -> Vec<String> {
    FILES.keys(language)
}

/// The text of `key` in `language`, else in English.
fn lookup(language: &str, key: &str) -> &'static str {
    FILES.lookup(language, key).unwrap_or_else(|| {
        debug_assert!(false, "transcript label `{key}` is in no label file");
        ""
    })
}

/// A date as `language` writes it.
pub fn date_in(language: &str, date: NaiveDate) -> String {
    date.format(lookup(language, "format.date")).to_string()
}

/// The label languages of one transcript, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    languages: Vec<&'static str>,
}

impl Labels {
    /// The labels for the document languages `wanted` (`--lang`), keeping
    /// those with a label file; English when none has one. Also returns the
    /// wanted languages that have no label file.
    pub fn new(wanted: &[String]) -> (Labels, Vec<String>) {
        let mut languages = Vec::new();
        let mut missing = Vec::new();
        for w in wanted {
            match FILES.language(w) {
                Some(l) if !languages.contains(&l) => languages.push(l),
                Some(_) => {}
                None => missing.push(w.clone()),
            }
        }
        if languages.is_empty() {
            languages.push(FALLBACK);
        }
        (Labels { languages }, missing)
    }

    /// The label languages, the main one first.
    pub fn languages(&self) -> &[&'static str] {
        &self.languages
    }

    /// The main language.
    pub fn primary(&self) -> &'static str {
        self.languages[0]
    }

    /// `key` in each label language.
    pub fn each(&self, key: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::with_capacity(self.languages.len());
        for l in &self.languages {
            let t = lookup(l, key);
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// `key` in every label language, joined with " / " ("Vārds / Name").
    pub fn get(&self, key: &str) -> String {
        self.each(key).join(" / ")
    }

    /// `key` with each `{name}` replaced by its value, in every label language.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut out: Vec<String> = Vec::new();
        for l in &self.languages {
            let mut t = lookup(l, key).to_string();
            for (name, value) in values {
                t = t.replace(&format!("{{{name}}}"), value);
            }
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out.join(" / ")
    }

    /// `key` in every label language, each filled with the values
    /// `values` gives for that language (dates written its way).
    pub fn fill_by(
        &self,
        key: &str,
        values: impl Fn(&'static str) -> Vec<(&'static str, String)>,
    ) -> String {
        let mut out: Vec<String> = Vec::new();
        for l in &self.languages {
            let mut t = lookup(l, key).to_string();
            for (name, value) in values(l) {
                t = t.replace(&format!("{{{name}}}"), &value);
            }
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out.join(" / ")
    }

    /// `key` filled in the main language only.
    pub fn fill_primary(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut t = lookup(self.primary(), key).to_string();
        for (name, value) in values {
            t = t.replace(&format!("{{{name}}}"), value);
        }
        t
    }

    /// A date as the main language writes it.
    pub fn date(&self, date: NaiveDate) -> String {
        date_in(self.primary(), date)
    }

    /// A number as the main language writes it (`1,5` in Latvian).
    pub fn number(&self, value: f64) -> String {
        let text = if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{}", value as i64)
        } else {
            let s = format!("{value:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        text.replace('.', lookup(self.primary(), "format.decimal_separator"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_has_exactly_the_english_keys() {
        let english = keys(FALLBACK);
        assert!(english.len() > 60, "English labels are loaded");
        for lang in languages() {
            assert_eq!(keys(lang), english, "{lang}.toml keys differ from en.toml");
        }
    }

    #[test]
    fn latvian_labels_use_the_terms_of_latvian_vet() {
        let (lv, missing) = Labels::new(&["lv".into()]);
        assert!(missing.is_empty());
        assert_eq!(lv.get("title.document"), "Personīgais sekmju izraksts");
        assert_eq!(lv.get("category.competence"), "Kompetence");
        assert_eq!(lv.get("achieved.partly"), "daļēji");
        assert_eq!(lv.get("unit.assessor"), "Vērtētājs");
        assert_eq!(lv.get("signature.place_date"), "Vieta, datums");
        assert_eq!(lv.number(1.5), "1,5");
        assert_eq!(
            lv.date(NaiveDate::from_ymd_opt(2025, 3, 8).unwrap()),
            "08.03.2025."
        );
    }

    #[test]
    fn bilingual_labels_join_both_languages_and_unknown_languages_are_named() {
        let (labels, missing) = Labels::new(&["lv".into(), "xx".into(), "en".into()]);
        assert_eq!(labels.languages(), ["lv", "en"]);
        assert_eq!(missing, ["xx"]);
        assert_eq!(labels.get("unit.grade"), "Vērtējums / Grade");
        assert_eq!(
            labels.fill("footer.page", &[("page", "2"), ("pages", "5")]),
            "Lappuse 2 no 5 / Page 2 of 5"
        );
        let (fallback, _) = Labels::new(&[]);
        assert_eq!(fallback.languages(), ["en"]);
        assert_eq!(
            fallback.date(NaiveDate::from_ymd_opt(2025, 3, 8).unwrap()),
            "8 March 2025"
        );
    }
}
