//! The label words of every mapping in play: which field a label names
//! ("Name of the Unit:", "Vienības nosaukums / Name of the Unit"), which
//! phrases introduce statements ("He/she knows:"), what marks or leaves a
//! rating cell blank, and the grading schemes a grid may be rated on.

use std::collections::{HashMap, HashSet};

use crate::mapping::spec::Mapping;
use crate::model::GradingScheme;
use crate::model::fields::{Entity, Field};
use crate::schemes::SchemeRegistry;
use crate::text::{fold, word_key};

/// Fields a Word label may name: everything but the rows of organisation and
/// ratings sheets, which have no place in a document.
pub(super) fn document_field(f: Field) -> bool {
    !matches!(f.entity(), Entity::Organisation | Entity::Rating)
}

/// Characters that start a list item: such a line is a statement, never a label.
pub(super) const LIST_MARKS: &[char] = &[
    '•', '·', '▪', '◦', '○', '►', '▸', '‣', '⁃', '-', '–', '—', '*', '\u{f0b7}', '\u{f0a7}',
    '\u{f076}', '\u{f0d8}', '\u{f0fc}', '➢', '→',
];

pub(super) fn is_list_line(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if LIST_MARKS.contains(&c) => true,
        Some('o') => chars.next().is_some_and(|c| c == ' ' || c == '\t'),
        _ => false,
    }
}

/// A line without its list marker ("• Teamwork" → "Teamwork").
pub(super) fn without_list_mark(line: &str) -> &str {
    let t = line.trim();
    if is_list_line(t) {
        let mut chars = t.chars();
        chars.next();
        chars.as_str().trim()
    } else {
        t
    }
}

/// One way a label names a field.
#[derive(Clone, Debug)]
pub(super) struct LabelRule {
    pub(super) mapping: usize,
    pub(super) field: Field,
    pub(super) language: Option<String>,
}

/// A label found at the start of a line, and the value after it.
#[derive(Clone, Debug)]
pub(super) struct Hit<'w> {
    pub(super) rules: &'w [LabelRule],
    pub(super) label: String,
    pub(super) value: String,
}

/// The label words of every mapping in play.
pub(super) struct Words<'m> {
    pub(super) mappings: Vec<&'m Mapping>,
    pub(super) labels: HashMap<String, Vec<LabelRule>>,
    pub(super) intro: HashMap<String, [bool; 3]>,
    pub(super) marks: HashSet<String>,
    pub(super) blanks: HashSet<String>,
    pub(super) criteria: HashSet<String>,
}

impl<'m> Words<'m> {
    pub(super) fn new(mappings: &[&'m Mapping]) -> Self {
        let mut labels: HashMap<String, Vec<LabelRule>> = HashMap::new();
        let mut intro: HashMap<String, [bool; 3]> = HashMap::new();
        let mut marks = HashSet::new();
        let mut blanks = HashSet::new();
        let mut criteria = HashSet::new();
        for (mi, m) in mappings.iter().enumerate() {
            // A mapping's own document labels come before its column headers.
            for rule in m.labels.fields.iter().chain(m.columns.iter()) {
                if !document_field(rule.field) {
                    continue;
                }
                for alias in &rule.aliases {
                    let list = labels.entry(alias.folded.clone()).or_default();
                    if !list.iter().any(|r| r.mapping == mi) {
                        list.push(LabelRule {
                            mapping: mi,
                            field: rule.field,
                            language: rule.language.clone(),
                        });
                    }
                }
            }
            for (category, phrases) in m.labels.intro.iter().enumerate() {
                for p in phrases {
                    intro.entry(p.clone()).or_default()[category] = true;
                }
            }
            marks.extend(m.labels.marks.iter().cloned());
            blanks.extend(m.labels.blanks.iter().cloned());
            criteria.extend(m.labels.criteria.iter().cloned());
        }
        Self {
            mappings: mappings.to_vec(),
            labels,
            intro,
            marks,
            blanks,
            criteria,
        }
    }

    /// The label a line starts with: "Label: value", "Label<tab>value", or
    /// the whole line.
    pub(super) fn label(&self, line: &str) -> Option<Hit<'_>> {
        let t = line.trim();
        if t.is_empty() || is_list_line(t) {
            return None;
        }
        for sep in [':', '：', '\t'] {
            if let Some((k, v)) = t.split_once(sep)
                && let Some(rules) = self.key(k)
            {
                return Some(Hit {
                    rules,
                    label: k.trim().to_string(),
                    value: v.trim().to_string(),
                });
            }
        }
        self.key(t).map(|rules| Hit {
            rules,
            label: t.trim_end_matches([':', '.']).to_string(),
            value: String::new(),
        })
    }

    pub(super) fn key(&self, k: &str) -> Option<&[LabelRule]> {
        let k = k.trim();
        if k.is_empty() || k.chars().count() > 80 {
            return None;
        }
        if let Some(r) = self.labels.get(&fold(k)) {
            return Some(r);
        }
        if let Some(stripped) = without_brackets(k)
            && let Some(r) = self.labels.get(&fold(&stripped))
        {
            return Some(r);
        }
        // Bilingual templates: "Vienības nosaukums / Name of the Unit".
        if k.contains('/') {
            let pieces: Vec<Option<&Vec<LabelRule>>> = k
                .split('/')
                .map(fold)
                .filter(|p| !p.is_empty())
                .map(|p| self.labels.get(&p))
                .collect();
            let first = pieces.iter().flatten().next()?;
            let same = pieces
                .iter()
                .flatten()
                .all(|r| r[0].field == first[0].field);
            if pieces.len() >= 2 && same {
                return Some(first);
            }
        }
        None
    }

    /// The categories a line introduces ("He/she knows:"), if it is an intro phrase.
    pub(super) fn intro(&self, line: &str) -> Option<[bool; 3]> {
        let t = line.trim();
        if is_list_line(t) {
            return None;
        }
        if let Some(c) = self.intro.get(&fold(t)) {
            return Some(*c);
        }
        let (k, _) = t.split_once(':')?;
        self.intro.get(&fold(k)).copied()
    }

    /// A statement list without its intro lines ("He/she knows:" is a label,
    /// "He/she is able to: diagnose" keeps "diagnose").
    pub(super) fn strip_intro(&self, text: &str) -> String {
        let mut out = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if !is_list_line(t) {
                if self.intro.contains_key(&fold(t)) {
                    continue;
                }
                if let Some((k, rest)) = t.split_once(':')
                    && self.intro.contains_key(&fold(k))
                {
                    if !rest.trim().is_empty() {
                        out.push(rest.trim().to_string());
                    }
                    continue;
                }
            }
            out.push(line.to_string());
        }
        out.join("\n")
    }

    pub(super) fn is_mark(&self, text: &str, column_value: &str) -> bool {
        let t = text.trim();
        self.marks.contains(&word_key(t)) || (!t.is_empty() && fold(t) == fold(column_value))
    }

    pub(super) fn is_blank(&self, text: &str) -> bool {
        let t = text.trim();
        t.is_empty() || self.blanks.contains(&word_key(t))
    }

    /// Every grading scheme known to the mappings in play, with the registry that reads it.
    pub(super) fn schemes(&self) -> Vec<(&GradingScheme, &SchemeRegistry)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for m in &self.mappings {
            for s in m.schemes.all() {
                if seen.insert(s.id.clone()) {
                    out.push((s, &m.schemes));
                }
            }
        }
        out
    }
}

/// "Vārds (pilns)" → "Vārds".
pub(super) fn without_brackets(s: &str) -> Option<String> {
    let open = s.find('(')?;
    let close = s[open..].find(')')? + open;
    let out = format!("{}{}", &s[..open], &s[close + 1..]);
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}
