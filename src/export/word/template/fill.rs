//! Filling a compiled template: running its programs over one document's
//! record, values formatted in the document languages.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use quick_xml::escape::partial_escape;

use super::super::fields::{Record, Value};
use super::super::labels::{FALLBACK, Labels};
use super::{BlockKind, Cond, FillOptions, Missing, Op, Tag, TagKind};

/// The labels of the document languages (unknown ones fall back to English).
pub(super) fn doc_labels(languages: &[String]) -> Vec<Labels> {
    let mut out: Vec<Labels> = languages.iter().filter_map(|l| Labels::new(l)).collect();
    if out.is_empty() {
        out.push(Labels::new(FALLBACK).expect("English labels"));
    }
    out
}

/// The bytes of one part: `program` run over `record`; the tags of values
/// it lacks go to `missing`. None when the part would grow past `limit`
/// bytes: the output is counted as it is produced, and each pass through a
/// block counts as a byte, so loops that print nothing still end.
pub(super) fn render(
    program: &[Op],
    tags: &[Tag],
    labels: &[Labels],
    options: &FillOptions,
    missing: &mut BTreeSet<usize>,
    record: &Record,
    limit: u64,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut r = Render {
        tags,
        labels,
        options,
        missing,
        scopes: vec![record],
        steps: 0,
        limit,
    };
    r.ops(program, &mut out)?;
    Some(out)
}

struct Render<'a> {
    tags: &'a [Tag],
    labels: &'a [Labels],
    options: &'a FillOptions,
    missing: &'a mut BTreeSet<usize>,
    scopes: Vec<&'a Record>,
    /// Passes through blocks so far.
    steps: u64,
    limit: u64,
}

impl<'a> Render<'a> {
    fn record(&self, up: usize) -> &'a Record {
        self.scopes[self.scopes.len() - 1 - up]
    }

    /// Counts one pass through a block; none once the part is too large.
    fn within(&mut self, out: &[u8]) -> Option<()> {
        self.steps += 1;
        ((out.len() as u64).saturating_add(self.steps) <= self.limit).then_some(())
    }

    fn ops(&mut self, ops: &'a [Op], out: &mut Vec<u8>) -> Option<()> {
        for op in ops {
            match op {
                Op::Raw(b) => out.extend_from_slice(b),
                Op::Value(id) => {
                    let tag = &self.tags[*id];
                    let f = tag.field.expect("resolved when compiled");
                    let value = &self.record(f.up).fields[f.index];
                    let text = format_value(
                        value,
                        tag.language.as_deref(),
                        self.labels,
                        &self.options.languages,
                    );
                    match text {
                        Some(t) => write_text(&t, out),
                        None => {
                            if let Missing::Marker(m) = &self.options.missing {
                                let name = match &tag.kind {
                                    TagKind::Value { name } => name.as_str(),
                                    _ => "",
                                };
                                write_text(&m.replace("{name}", name), out);
                                self.missing.insert(*id);
                            }
                        }
                    }
                }
                Op::Block { tag, then, other } => {
                    let block = self.tags[*tag].block.as_ref().expect("block tag");
                    match &block.kind {
                        BlockKind::Loop(f) => {
                            let items = &self.record(f.up).lists[f.index];
                            for item in items {
                                self.within(out)?;
                                self.scopes.push(item);
                                self.ops(then, out)?;
                                self.scopes.pop();
                            }
                        }
                        BlockKind::If { cond, negate } => {
                            let truthy = match cond {
                                Cond::Field(f) => self.record(f.up).fields[f.index].is_truthy(),
                                Cond::List(f) => !self.record(f.up).lists[f.index].is_empty(),
                            };
                            self.within(out)?;
                            if truthy != *negate {
                                self.ops(then, out)?;
                            } else {
                                self.ops(other, out)?;
                            }
                        }
                    }
                }
            }
        }
        Some(())
    }
}

/// Writes text inside a `w:t`: escaped, line breaks and tabs as Word's own
/// elements, characters XML cannot hold dropped.
fn write_text(text: &str, out: &mut Vec<u8>) {
    let mut first = true;
    for line in text.split('\n') {
        if !first {
            out.extend_from_slice(b"</w:t><w:br/><w:t xml:space=\"preserve\">");
        }
        first = false;
        let mut first_tab = true;
        for part in line.trim_end_matches('\r').split('\t') {
            if !first_tab {
                out.extend_from_slice(b"</w:t><w:tab/><w:t xml:space=\"preserve\">");
            }
            first_tab = false;
            let clean: String = part
                .chars()
                .filter(|c| {
                    matches!(*c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
                })
                .collect();
            out.extend_from_slice(partial_escape(clean.as_str()).as_bytes());
        }
    }
}

fn format_number(n: f64, labels: &Labels) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
        s.replace('.', labels.get("format.decimal_separator"))
    }
}

fn format_date(d: NaiveDate, labels: &Labels) -> String {
    let format = labels.get("format.date");
    let mut out = String::new();
    use std::fmt::Write as _;
    if write!(out, "{}", d.format(format)).is_err() {
        return d.format("%Y-%m-%d").to_string();
    }
    out
}

/// The labels to print a fixed text in: the one language asked for, else the document's.
fn in_labels(language: Option<&str>, labels: &[Labels]) -> Vec<Labels> {
    match language.and_then(Labels::new) {
        Some(l) => vec![l],
        None => labels.to_vec(),
    }
}

/// The text of a value in the document languages; `None` when missing.
pub fn format_value(
    value: &Value,
    language: Option<&str>,
    labels: &[Labels],
    languages: &[String],
) -> Option<String> {
    let first = &labels[0];
    let joined = |texts: Vec<String>| -> Option<String> {
        let mut seen: Vec<String> = Vec::new();
        for t in texts {
            if !t.trim().is_empty() && !seen.contains(&t) {
                seen.push(t);
            }
        }
        (!seen.is_empty()).then(|| seen.join(" / "))
    };
    match value {
        Value::Missing => None,
        Value::Text(s) => Some(s.clone()),
        Value::Multi(t) | Value::Name(t) => match language {
            Some(l) => t
                .get(l)
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty()),
            None => {
                let wanted: Vec<String> = languages
                    .iter()
                    .filter_map(|l| t.get(l))
                    .map(str::to_string)
                    .collect();
                let languages: Vec<&str> = languages.iter().map(String::as_str).collect();
                if !wanted.is_empty() {
                    joined(wanted)
                } else if matches!(value, Value::Name(_)) {
                    t.for_document(&languages).map(|(name, _)| name.to_string())
                } else {
                    t.shown(&languages)
                }
            }
        },
        Value::Date(d) => Some(format_date(*d, first)),
        Value::Number(n) => Some(format_number(*n, first)),
        Value::Flag(b) => Some(if *b { "☒" } else { "☐" }.to_string()),
        Value::Label(key) => joined(
            in_labels(language, labels)
                .iter()
                .map(|l| l.get(key).to_string())
                .collect(),
        ),
        Value::Language(tag) => joined(
            in_labels(language, labels)
                .iter()
                .map(|l| l.language_name(tag))
                .collect(),
        ),
        Value::Country(code) => joined(
            in_labels(language, labels)
                .iter()
                .map(|l| {
                    let key = format!("country_names.{code}");
                    let name = l.get_opt(&key).unwrap_or(code.as_str());
                    name.to_string()
                })
                .collect(),
        ),
    }
}
