//! Multilingual text: one statement in several languages.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A text in one or more languages, keyed by a lowercase language tag
/// (`lv`, `en`, `fi`, `de`, …). Serialises as a plain JSON object
/// `{"lv": "…", "en": "…"}`; the keys are sorted so output is stable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct MultilingualText(pub BTreeMap<String, String>);

impl MultilingualText {
    /// An empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text in a single language.
    pub fn single(language: &str, text: impl Into<String>) -> Self {
        let mut t = Self::new();
        t.set(language, text);
        t
    }

    /// Sets the text for `language` (the tag is lowercased).
    pub fn set(&mut self, language: &str, text: impl Into<String>) {
        self.0.insert(language.to_ascii_lowercase(), text.into());
    }

    /// The text in `language`, if present.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0.get(language).map(String::as_str)
    }

    /// True when no language has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The languages present, sorted.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The text in the first of `preferred` that is present, else in any language.
    pub fn best(&self, preferred: &[&str]) -> Option<&str> {
        preferred
            .iter()
            .find_map(|l| self.get(l))
            .or_else(|| self.0.values().next().map(String::as_str))
    }

    /// Adds every language of `other` that `self` lacks. Returns the languages
    /// where both have a text and the texts differ.
    pub fn merge_missing(&mut self, other: &MultilingualText) -> Vec<String> {
        let mut conflicts = Vec::new();
        for (lang, text) in &other.0 {
            match self.0.get(lang) {
                None => {
                    self.0.insert(lang.clone(), text.clone());
                }
                Some(mine) if mine != text => conflicts.push(lang.clone()),
                Some(_) => {}
            }
        }
        conflicts
    }
}

impl<const N: usize> From<[(&str, &str); N]> for MultilingualText {
    fn from(pairs: [(&str, &str); N]) -> Self {
        let mut t = Self::new();
        for (lang, text) in pairs {
            t.set(lang, text);
        }
        t
    }
}
