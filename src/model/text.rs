//! Multilingual text: one statement in several languages.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A text in one or more languages, keyed by a lowercase language tag
/// (`lv`, `en`, `fi`, `de`, …). Serialises as a plain JSON object
/// `{"en": "…", "lv": "…"}` with the languages sorted, so output is stable.
///
/// Kept as a small sorted list rather than a map: almost every text has one
/// or two languages, and a round holds hundreds of thousands of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(with = "BTreeMap<String, String>")]
pub struct MultilingualText(Vec<(String, String)>);

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
        let text = text.into();
        let found = self
            .0
            .binary_search_by(|(l, _)| cmp_ignoring_case(l, language));
        match found {
            Ok(i) => self.0[i].1 = text,
            Err(i) => {
                // Most texts have one language: room for exactly one, not
                // the four a first push makes, saves 144 bytes a text.
                if self.0.is_empty() {
                    self.0.reserve_exact(1);
                }
                self.0.insert(i, (language.to_ascii_lowercase(), text))
            }
        }
    }

    /// The text in `language`, if present.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(l, _)| cmp_ignoring_case(l, language))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }

    /// True when no language has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many languages have a text.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The languages present, sorted.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(l, _)| l.as_str())
    }

    /// The texts, in language order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, t)| t.as_str())
    }

    /// (language, text) pairs, in language order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(l, t)| (l.as_str(), t.as_str()))
    }

    /// The text in the first of `preferred` that is present, else in any language.
    pub fn best(&self, preferred: &[&str]) -> Option<&str> {
        preferred
            .iter()
            .find_map(|l| self.get(l))
            .or_else(|| self.texts().next())
    }

    /// What a document written in `languages` shows of this text: its text
    /// in the first of them it has; else its text in another language
    /// (the first there is), with that language's tag so the document can
    /// say which language the reader is looking at. Blank texts count as
    /// missing.
    pub fn for_document(&self, languages: &[&str]) -> Option<(&str, Option<&str>)> {
        let present = |l: &&str| self.get(l).filter(|t| !t.trim().is_empty());
        if let Some(text) = languages.iter().find_map(present) {
            return Some((text, None));
        }
        self.iter()
            .find(|(_, t)| !t.trim().is_empty())
            .map(|(l, t)| (t, Some(l)))
    }

    /// [`for_document`](Self::for_document) as the document prints it: a
    /// text in none of the document's languages carries its language tag
    /// in brackets, "Ļoti precīza diagnostikā. (lv)" in an English
    /// transcript. Proper names are never marked: use `for_document`.
    pub fn shown(&self, languages: &[&str]) -> Option<String> {
        self.for_document(languages)
            .map(|(text, foreign)| match foreign {
                Some(l) => format!("{text} ({l})"),
                None => text.to_string(),
            })
    }

    /// Adds every language of `other` that `self` lacks. Returns the languages
    /// where both have a text and the texts differ.
    pub fn merge_missing(&mut self, other: &MultilingualText) -> Vec<String> {
        let mut conflicts = Vec::new();
        for (lang, text) in other.iter() {
            match self.get(lang) {
                None => self.set(lang, text),
                Some(mine) if mine != text => conflicts.push(lang.to_string()),
                Some(_) => {}
            }
        }
        conflicts
    }
}

/// Compares a stored (lowercase) tag with a tag as given, ignoring ASCII case.
fn cmp_ignoring_case(stored: &str, given: &str) -> std::cmp::Ordering {
    stored
        .bytes()
        .cmp(given.bytes().map(|b| b.to_ascii_lowercase()))
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

impl Serialize for MultilingualText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (lang, text) in &self.0 {
            map.serialize_entry(lang, text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for MultilingualText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = MultilingualText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of language tag → text")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut t = MultilingualText::new();
                while let Some((lang, text)) = access.next_entry::<String, String>()? {
                    t.set(&lang, text);
                }
                Ok(t)
            }
        }
        deserializer.deserialize_map(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_sorted_and_found_without_case() {
        let mut t = MultilingualText::new();
        t.set("LV", "Vārds");
        t.set("en", "Name");
        assert_eq!(t.languages().collect::<Vec<_>>(), ["en", "lv"]);
        assert_eq!(t.get("Lv"), Some("Vārds"));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"en":"Name","lv":"Vārds"}"#
        );
        let back: MultilingualText = serde_json::from_str(r#"{"lv":"Vārds","en":"Name"}"#).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn a_text_in_none_of_a_documents_languages_is_shown_marked() {
        let t = MultilingualText::from([("lv", "Novērošana"), ("de", " ")]);
        assert_eq!(t.shown(&["lv", "en"]).as_deref(), Some("Novērošana"));
        assert_eq!(t.shown(&["en"]).as_deref(), Some("Novērošana (lv)"));
        assert_eq!(t.for_document(&["de"]), Some(("Novērošana", Some("lv"))));
        assert_eq!(MultilingualText::single("lv", "  ").shown(&["en"]), None);
    }
}
