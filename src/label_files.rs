//! Label files: a document's fixed texts (headings, field labels, standard
//! sentences) per language, TOML files in `assets/` that the build embeds,
//! looked up as `section.key` and falling back to English key by key.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The language every other falls back to.
pub const FALLBACK: &str = "en";

/// The label files of one kind of document.
pub struct LabelFiles {
    /// Where the files are in the source tree, for messages.
    folder: &'static str,
    /// (language tag, TOML text), sorted by tag.
    files: &'static [(&'static str, &'static str)],
    /// Flattened `section.key → text` maps, by language, parsed when first used.
    tables: OnceLock<BTreeMap<&'static str, HashMap<String, String>>>,
}

impl LabelFiles {
    /// The files embedded from `folder`.
    pub const fn new(folder: &'static str, files: &'static [(&'static str, &'static str)]) -> Self {
        LabelFiles {
            folder,
            files,
            tables: OnceLock::new(),
        }
    }

    fn tables(&self) -> &BTreeMap<&'static str, HashMap<String, String>> {
        self.tables.get_or_init(|| {
            self.files
                .iter()
                .map(|(lang, text)| {
                    // The files are part of the binary; a test parses every one.
                    let value: toml::Table = toml::from_str(text).unwrap_or_else(|e| {
                        panic!("{}/{lang}.toml is not valid TOML: {e}", self.folder)
                    });
                    let mut flat = HashMap::new();
                    flatten("", &toml::Value::Table(value), &mut flat);
                    (*lang, flat)
                })
                .collect()
        })
    }

    /// The languages that have a file.
    pub fn languages(&self) -> Vec<&'static str> {
        self.files.iter().map(|(l, _)| *l).collect()
    }

    /// The tag of the file for `language`, whatever its case.
    pub fn language(&self, language: &str) -> Option<&'static str> {
        let lower = language.to_ascii_lowercase();
        self.files
            .iter()
            .find(|(l, _)| *l == lower)
            .map(|(l, _)| *l)
    }

    /// Every key of one language's file, sorted (for completeness tests).
    pub fn keys(&self, language: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .tables()
            .get(language)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    /// The text of `key` in `language`, else in English.
    pub fn lookup(&'static self, language: &str, key: &str) -> Option<&'static str> {
        let tables = self.tables();
        tables
            .get(language)
            .and_then(|t| t.get(key))
            .or_else(|| tables.get(FALLBACK).and_then(|t| t.get(key)))
            .map(String::as_str)
    }
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut HashMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}
