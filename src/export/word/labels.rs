//! The fixed texts of the agreements (headings, field labels, the ECVET
//! templates' standard sentences) per language, read from the data files in
//! `assets/agreements/` that the build embeds.

use crate::label_files::LabelFiles;

/// Every embedded label file.
static FILES: LabelFiles = LabelFiles::new(
    "assets/agreements",
    include!(concat!(env!("OUT_DIR"), "/agreement_labels.rs")),
);

/// The language every other falls back to.
pub const FALLBACK: &str = crate::label_files::FALLBACK;

/// The languages that have a label file.
pub fn languages() -> Vec<&'static str> {
    FILES.languages()
}

/// Every key of one language's file, sorted (for completeness tests and docs).
#[cfg(test)]
pub fn keys(language: &str) -> Vec<String> {
    FILES.keys(language)
}

/// The texts of one document language, falling back to English key by key.
#[derive(Clone, Copy, Debug)]
pub struct Labels {
    language: &'static str,
}

impl Labels {
    /// The labels of `language`, or `None` when no file gives that language.
    pub fn new(language: &str) -> Option<Self> {
        FILES.language(language).map(|language| Labels { language })
    }

    /// The language tag.
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// The text of `key` (`la.s1`, `field.email`), from this language or else English.
    pub fn get(&self, key: &str) -> &'static str {
        FILES.lookup(self.language, key).unwrap_or_else(|| {
            debug_assert!(false, "label `{key}` is in no label file");
            ""
        })
    }

    /// The text of `key` if this language or English has it.
    pub fn get_opt(&self, key: &str) -> Option<&'static str> {
        FILES.lookup(self.language, key)
    }

    /// `key` with `{name}` replaced by `value`.
    pub fn fill(&self, key: &str, name: &str, value: &str) -> String {
        self.get(key).replace(&format!("{{{name}}}"), value)
    }

    /// The name of a language in this language (`lv` → "Latvian"), or the tag.
    pub fn language_name(&self, tag: &str) -> String {
        let key = format!("language_names.{}", tag.to_ascii_lowercase());
        FILES
            .lookup(self.language, &key)
            .map_or_else(|| tag.to_string(), str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_has_every_english_key() {
        let english = keys(FALLBACK);
        assert!(english.len() > 100, "English labels are loaded");
        for lang in languages() {
            let theirs = keys(lang);
            let missing: Vec<_> = english.iter().filter(|k| !theirs.contains(k)).collect();
            assert!(missing.is_empty(), "{lang}.toml lacks {missing:?}");
            let extra: Vec<_> = theirs.iter().filter(|k| !english.contains(k)).collect();
            assert!(
                extra.is_empty(),
                "{lang}.toml has keys English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn latvian_labels_use_the_ecvet_terms() {
        let lv = Labels::new("LV").unwrap();
        assert_eq!(lv.get("mou.title"), "Saprašanās memorands");
        assert_eq!(lv.get("la.title"), "Mācību līgums");
        assert_eq!(lv.get("category.knowledge"), "Zināšanas");
        assert_eq!(lv.language_name("en"), "angļu");
        assert_eq!(lv.fill("footer.page", "page", "1"), "Lappuse 1 no {pages}");
    }
}
