//! List items: which paragraphs Word shows with a list marker (direct
//! numbering, list styles, numbering definitions linked through styles),
//! and how a cell's list items are written as bullets at their depth.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::super::ImportError;
use super::xml::{Walk, attr, indent, val_u32, walk};

/// A paragraph's numbering reference: `w:numPr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct NumRef {
    pub num_id: Option<u32>,
    pub level: Option<u8>,
}

/// Paragraph and numbering styles: what is needed to tell list items.
#[derive(Debug, Default)]
pub(super) struct Styles {
    styles: HashMap<String, StyleInfo>,
}

#[derive(Debug, Default)]
struct StyleInfo {
    based_on: Option<String>,
    num: NumRef,
    indent: Option<i32>,
}

impl Styles {
    pub fn parse(xml: &str) -> Result<Self, ImportError> {
        let mut out = Styles::default();
        let mut current: Option<(String, StyleInfo)> = None;
        let mut skip = 0usize;
        walk(xml, "styles.xml", |ev| match ev {
            Walk::Start(name, e, empty) => {
                if skip > 0 {
                    if !empty {
                        skip += 1;
                    }
                    return;
                }
                match name {
                    "style" => {
                        let id = attr(e, "styleId").unwrap_or_default();
                        current = Some((id, StyleInfo::default()));
                    }
                    n if (n.ends_with("Change") || n == "rPr") && !empty => {
                        skip = 1;
                    }
                    "basedOn" => {
                        if let Some((_, info)) = &mut current {
                            info.based_on = attr(e, "val");
                        }
                    }
                    "numId" => {
                        if let Some((_, info)) = &mut current {
                            info.num.num_id = val_u32(e);
                        }
                    }
                    "ilvl" => {
                        if let Some((_, info)) = &mut current {
                            info.num.level = val_u32(e).map(|l| l.min(8) as u8);
                        }
                    }
                    "ind" => {
                        if let Some((_, info)) = &mut current {
                            info.indent = indent(e);
                        }
                    }
                    _ => {}
                }
            }
            Walk::End(name) => {
                if skip > 0 {
                    skip -= 1;
                    return;
                }
                if name == "style"
                    && let Some((id, info)) = current.take()
                {
                    out.styles.insert(id, info);
                }
            }
        })?;
        Ok(out)
    }
}

/// `numbering.xml`: which numbering instances exist and what their levels show.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    nums: HashMap<u32, u32>,
    abstracts: HashMap<u32, AbstractNum>,
}

#[derive(Debug, Default)]
struct AbstractNum {
    levels: HashMap<u8, Level>,
    /// A list style this definition takes its levels from.
    style_link: Option<String>,
}

#[derive(Debug, Default)]
struct Level {
    format: String,
    text: String,
    style: Option<String>,
    indent: Option<i32>,
}

impl Numbering {
    pub fn parse(xml: &str) -> Result<Self, ImportError> {
        let mut state = NumberingPass::default();
        walk(xml, "numbering.xml", |ev| match ev {
            Walk::Start(name, e, empty) => state.start(name, e, empty),
            Walk::End(name) => state.end(name),
        })?;
        Ok(state.out)
    }
}

/// Where a pass over `numbering.xml` is.
#[derive(Default)]
struct NumberingPass {
    out: Numbering,
    abstract_id: Option<u32>,
    level: Option<u8>,
    num_id: Option<u32>,
    skip: usize,
}

impl NumberingPass {
    fn start(&mut self, name: &str, e: &BytesStart, empty: bool) {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            "abstractNum" => {
                self.abstract_id = attr(e, "abstractNumId").and_then(|v| v.parse().ok());
                if let Some(id) = self.abstract_id {
                    self.out.abstracts.entry(id).or_default();
                }
            }
            "num" => self.num_id = attr(e, "numId").and_then(|v| v.parse().ok()),
            // Overrides restart counters or restyle levels; neither
            // changes whether a paragraph is a list item.
            "lvlOverride" | "rPr" if !empty => {
                self.skip = 1;
            }
            "abstractNumId" => {
                if let (Some(n), Some(a)) = (self.num_id, val_u32(e)) {
                    self.out.nums.insert(n, a);
                }
            }
            "lvl" if self.abstract_id.is_some() => {
                self.level = attr(e, "ilvl").and_then(|v| v.parse().ok());
            }
            "numFmt" | "lvlText" | "pStyle" => {
                let v = attr(e, "val").unwrap_or_default();
                let Some(entry) = self.current_level() else {
                    return;
                };
                match name {
                    "numFmt" => entry.format = v,
                    "lvlText" => entry.text = v,
                    _ => entry.style = Some(v),
                }
            }
            "ind" => {
                if let Some(entry) = self.current_level() {
                    entry.indent = indent(e);
                }
            }
            "numStyleLink" => {
                if let Some(a) = self.abstract_id {
                    self.out.abstracts.entry(a).or_default().style_link = attr(e, "val");
                }
            }
            _ => {}
        }
    }

    /// The level being defined, when inside one.
    fn current_level(&mut self) -> Option<&mut Level> {
        let (a, l) = (self.abstract_id?, self.level?);
        Some(
            self.out
                .abstracts
                .entry(a)
                .or_default()
                .levels
                .entry(l)
                .or_default(),
        )
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "abstractNum" => self.abstract_id = None,
            "lvl" => self.level = None,
            "num" => self.num_id = None,
            _ => {}
        }
    }
}

/// Styles and numbering together: decides whether a paragraph is a list item.
pub(super) struct Lists<'a> {
    pub styles: &'a Styles,
    pub numbering: &'a Numbering,
}

impl Lists<'_> {
    /// The list level and left indentation of a paragraph with direct
    /// numbering `direct`, paragraph style `style` and direct indentation
    /// `indent`, or `None` when Word shows no list marker.
    pub fn level(
        &self,
        direct: NumRef,
        style: Option<&str>,
        indent: Option<i32>,
    ) -> Option<(u8, Option<i32>)> {
        // The style chain gives what the paragraph does not say itself.
        let mut from_style = NumRef::default();
        let mut style_indent = None;
        let mut linked_style = None;
        let mut s = style;
        for _ in 0..16 {
            let Some(id) = s else { break };
            let Some(info) = self.styles.styles.get(id) else {
                break;
            };
            style_indent = style_indent.or(info.indent);
            if from_style.num_id.is_none() && info.num.num_id.is_some() {
                from_style.num_id = info.num.num_id;
                linked_style = Some(id);
            }
            if from_style.level.is_none() {
                from_style.level = info.num.level;
            }
            s = info.based_on.as_deref();
        }
        let num_id = direct.num_id.or(from_style.num_id)?;
        if num_id == 0 {
            return None;
        }
        let abstract_num = self.abstract_of(num_id)?;
        let level = direct.level.or(from_style.level).or_else(|| {
            // A level tied to the paragraph's style ("List Bullet 2" → level 1),
            // or to the style the numbering came from.
            [style, linked_style].into_iter().flatten().find_map(|s| {
                abstract_num
                    .levels
                    .iter()
                    .find(|(_, l)| l.style.as_deref() == Some(s))
                    .map(|(i, _)| *i)
            })
        });
        let level = level.unwrap_or(0).min(8);
        let definition = abstract_num.levels.get(&level);
        if let Some(l) = definition
            && l.format == "none"
            && l.text.trim().is_empty()
        {
            return None;
        }
        // Direct formatting, then the numbering's own, then the style's.
        let indent = indent
            .or(definition.and_then(|l| l.indent))
            .or(style_indent);
        Some((level, indent))
    }

    fn abstract_of(&self, num_id: u32) -> Option<&AbstractNum> {
        let mut id = *self.numbering.nums.get(&num_id)?;
        for _ in 0..4 {
            let a = self.numbering.abstracts.get(&id)?;
            let Some(link) = &a.style_link else {
                return Some(a);
            };
            // A list style: its numbering instance holds the real levels.
            let linked = self.styles.styles.get(link)?.num.num_id?;
            id = *self.numbering.nums.get(&linked)?;
        }
        None
    }
}

/// A finished paragraph: its text, and for a list item its level and indentation.
pub(super) struct Line {
    pub text: String,
    pub list: Option<(u8, Option<i32>)>,
}

impl Line {
    pub fn plain(text: String) -> Self {
        Self { text, list: None }
    }
}

/// The lines of a cell (or text box, or run of paragraphs) as text. List
/// items are bullets at the depth they are shown at: Word's "List Bullet 2"
/// is a list of its own at level 0, only indented further, so depth comes
/// from indentation where it is known and from the list level otherwise.
pub(super) fn render(lines: Vec<Line>) -> Vec<String> {
    let key = |level: u8, indent: Option<i32>| indent.unwrap_or((i32::from(level) + 1) * 720);
    let mut keys: Vec<i32> = lines
        .iter()
        .filter_map(|l| l.list.map(|(level, indent)| key(level, indent)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    lines
        .into_iter()
        .map(|l| match l.list {
            None => l.text,
            Some((level, indent)) => {
                let rank = keys
                    .iter()
                    .position(|k| *k == key(level, indent))
                    .unwrap_or(0);
                // A deeper list level is never shown as a first-level item.
                let depth = rank.max(usize::from(level > 0 && keys.len() > 1));
                let text = l.text.trim_start();
                if depth == 0 {
                    format!("• {text}")
                } else {
                    format!("{}o {text}", "  ".repeat(depth))
                }
            }
        })
        .collect()
}
