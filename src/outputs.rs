//! Safe, stable names for output files and folders.
//!
//! Learner folders are named after people, and names can hold anything a
//! school typed: diacritics, slashes, `..`, a learner called "Con". Every
//! name here is plain ASCII, safe on Windows, macOS and Linux, unique within
//! the round and the same on every run for the same input.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Learner, Round};
use crate::text::slug;

/// Longest folder or file name stem written.
const MAX_LEN: usize = 60;

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file-system-safe form of any text: ASCII letters and digits joined by
/// `-`, diacritics transliterated, never empty, never a reserved name.
pub fn safe_name(text: &str) -> String {
    let mut s: String = slug(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    // Letters with no ASCII form (Cyrillic, Greek) leave nothing: keep a hint of the text.
    if s.is_empty() {
        s = "x".into();
    }
    if s.len() > MAX_LEN {
        s.truncate(MAX_LEN);
        while s.ends_with('-') {
            s.pop();
        }
    }
    if RESERVED.contains(&s.as_str()) {
        s.push_str("-1");
    }
    s
}

/// The folder of each learner (by learner id): `family-given`, with the
/// learner id added when two learners would share a folder. Learners are
/// taken in id order, so the names never depend on input order.
pub fn learner_folders(round: &Round) -> BTreeMap<String, String> {
    let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut learners: Vec<&Learner> = round.learners.iter().collect();
    learners.sort_by(|a, b| a.id.cmp(&b.id));
    for learner in learners {
        let base = safe_name(&format!("{} {}", learner.family_name, learner.given_names));
        by_name.entry(base).or_default().push(&learner.id);
    }
    let mut out = BTreeMap::new();
    let mut taken = HashSet::new();
    for (base, ids) in &by_name {
        let shared = ids.len() > 1;
        for id in ids {
            let first = if shared {
                safe_name(&format!("{base} {id}"))
            } else {
                base.clone()
            };
            let mut name = first.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{first}-{n}");
                n += 1;
            }
            out.insert(id.to_string(), name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Learner;

    fn learner(id: &str, given: &str, family: &str) -> Learner {
        Learner {
            id: id.into(),
            given_names: given.into(),
            family_name: family.into(),
            ..Learner::default()
        }
    }

    #[test]
    fn names_with_path_tricks_become_plain_folder_names() {
        assert_eq!(safe_name("Ķēniņš Oskars"), "kenins-oskars");
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name("a\\b/c\0d"), "a-b-c-d");
        assert_eq!(safe_name("CON"), "con-1");
        assert_eq!(safe_name("   "), "x");
        assert!(safe_name(&"ā".repeat(500)).len() <= MAX_LEN);
    }

    #[test]
    fn learners_sharing_a_name_get_their_id_added_in_a_stable_way() {
        let mut round = Round {
            learners: vec![
                learner("A-2", "Anna", "Ozola"),
                learner("A-1", "Anna", "Ozola"),
                learner("A-3", "Jānis", "Bērziņš"),
            ],
            ..Round::default()
        };
        let folders = learner_folders(&round);
        assert_eq!(folders["A-1"], "ozola-anna-a-1");
        assert_eq!(folders["A-2"], "ozola-anna-a-2");
        assert_eq!(folders["A-3"], "berzins-janis");
        round.learners.reverse();
        assert_eq!(
            learner_folders(&round),
            folders,
            "input order does not change the names"
        );
    }
}
