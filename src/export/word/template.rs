//! Filling a school's own Word template.
//!
//! The template is read once and compiled: every XML part holding
//! placeholders (body, headers, footers, foot- and endnotes) becomes a short
//! program of raw byte runs, values and blocks; every other part is copied
//! from the school's file unchanged, still compressed. Filling a document is
//! then running the programs over its [`Record`], which is why a thousand
//! agreements take well under a second.
//!
//! Syntax: `{{name}}` prints a value; `{{#list}} … {{/list}}` repeats per item;
//! `{{#if name}} … {{else}} … {{/if}}` and `{{#unless name}} … {{/unless}}`
//! keep a part or not. Where a block starts and ends decides what repeats:
//! - both tags in one paragraph: the text between them;
//! - tags in different rows (or cells of one row) of a table: those whole rows;
//! - otherwise: the whole paragraphs (and tables) from the one holding the
//!   opening tag to the one holding the closing tag; a paragraph left empty by
//!   removing a tag is removed.
//!
//! Word splits typed text into runs at will (`{{learner.` `given` `_names}}`):
//! placeholders are found in the paragraph's text across runs, and the value
//! takes the place (and the formatting) of the run where the placeholder starts.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Cursor;

use chrono::NaiveDate;
use quick_xml::escape::partial_escape;
use zip::ZipArchive;

use super::Kind;
use super::fields::{self, Record, Scope, Value, ValueKind};
use super::labels::{FALLBACK, Labels};
use super::package::{Package, PackageError, PackageWriter, PartKind, dotx_content_types_as_docx};
use super::xml::{self, Element, Mark, Node, TextPiece};
use crate::diagnostics::Severity;

/// What a placeholder without a value prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// A visible marker; `{name}` in it is replaced by the placeholder name.
    Marker(String),
    /// Nothing: the built-in layouts leave a blank to fill in by hand.
    Blank,
}

impl Default for Missing {
    fn default() -> Self {
        Missing::Marker(DEFAULT_MARKER.to_string())
    }
}

/// The marker printed for a missing value unless another is given.
pub const DEFAULT_MARKER: &str = "[missing: {name}]";

/// How to fill a template.
#[derive(Clone, Debug, Default)]
pub struct FillOptions {
    /// Document languages, in order (`lv`, `en`); the first sets date and number formats.
    pub languages: Vec<String>,
    /// What a missing value prints.
    pub missing: Missing,
}

/// A problem found in a template, located in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateProblem {
    /// Error (the template cannot be used) or warning.
    pub severity: Severity,
    /// Where: "body, table 2, row 3, cell 1 (“{{#units}}{{unit.code}}”)".
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.place, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n    hint: {h}")?;
        }
        Ok(())
    }
}

/// One placeholder found in a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceholderUse {
    /// As written, `{{unit.title}}`.
    pub text: String,
    /// Where.
    pub place: String,
    /// The loops it is inside, outermost first.
    pub inside: Vec<String>,
}

/// Why a template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The file is not a usable Word document.
    #[error(transparent)]
    Package(#[from] PackageError),
    /// The placeholders have errors.
    #[error("the template has {} error(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<TemplateProblem>),
}

/// What `template check` reports.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The kind checked against.
    pub kind: Kind,
    /// Every placeholder, in document order.
    pub placeholders: Vec<PlaceholderUse>,
    /// Errors and warnings.
    pub problems: Vec<TemplateProblem>,
}

impl Analysis {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// A placeholder that had no value in a filled document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingValue {
    /// As written in the template.
    pub placeholder: String,
    /// The placeholder name.
    pub name: String,
    /// Where in the template.
    pub place: String,
}

/// A filled document.
#[derive(Clone, Debug)]
pub struct Filled {
    /// The .docx bytes.
    pub bytes: Vec<u8>,
    /// Placeholders that had no value (each once).
    pub missing: Vec<MissingValue>,
}

/// A compiled template.
pub struct Template {
    kind: Kind,
    package: Package,
    /// Per archive entry: the program of a rewritten part, or none (copied).
    programs: Vec<Option<Vec<Op>>>,
    /// Replacement content types for a .dotx.
    content_types: Option<Vec<u8>>,
    tags: Vec<Tag>,
    /// Warnings found while compiling.
    pub warnings: Vec<TemplateProblem>,
}

#[derive(Clone, Debug, PartialEq)]
enum TagKind {
    Value { name: String },
    Loop(String),
    If(String),
    Unless(String),
    Else,
    EndLoop(String),
    EndIf,
    EndUnless,
}

impl TagKind {
    fn parse(inner: &str) -> Result<TagKind, String> {
        let inner = inner.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
        let name = |s: &str| -> Result<String, String> {
            let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            {
                Ok(s.to_string())
            } else if s.is_empty() {
                Err("a placeholder needs a name".into())
            } else {
                Err(format!(
                    "`{s}` is not a placeholder name (letters, digits, `_` and `.` only)"
                ))
            }
        };
        if let Some(rest) = inner.strip_prefix('#') {
            let rest = rest.trim_start();
            if let Some(c) = rest.strip_prefix("if ").or(rest.strip_prefix("if\u{a0}")) {
                return Ok(TagKind::If(name(c)?));
            }
            if let Some(c) = rest
                .strip_prefix("unless ")
                .or(rest.strip_prefix("unless\u{a0}"))
            {
                return Ok(TagKind::Unless(name(c)?));
            }
            if rest == "if" || rest == "unless" {
                return Err(format!("`{{{{#{rest}}}}}` needs a name to test"));
            }
            return Ok(TagKind::Loop(name(rest)?));
        }
        if let Some(rest) = inner.strip_prefix('/') {
            return Ok(match rest.trim() {
                "if" => TagKind::EndIf,
                "unless" => TagKind::EndUnless,
                other => TagKind::EndLoop(name(other)?),
            });
        }
        if inner == "else" {
            return Ok(TagKind::Else);
        }
        Ok(TagKind::Value { name: name(inner)? })
    }

    fn is_control(&self) -> bool {
        !matches!(self, TagKind::Value { .. })
    }
}

/// A value reference: how many scopes up, and the field index there.
#[derive(Clone, Copy, Debug)]
struct FieldRef {
    up: usize,
    index: usize,
}

#[derive(Clone, Debug)]
enum Cond {
    Field(FieldRef),
    List(FieldRef),
}

#[derive(Clone, Debug)]
struct Tag {
    text: String,
    kind: TagKind,
    place: String,
    /// Path of the paragraph holding the tag.
    paragraph: Vec<usize>,
    /// Path of the `w:t` holding the tag's start.
    owner: Vec<usize>,
    /// Resolution of a value tag.
    field: Option<FieldRef>,
    /// Language picked with a `.lv` suffix.
    language: Option<String>,
    /// For a value tag: its name. For a block's opening tag: the block.
    block: Option<Block>,
    /// The block's opening tag, for else and closing tags.
    opener: Option<usize>,
    /// For opening tags of blocks in one paragraph.
    inline: bool,
}

#[derive(Clone, Debug)]
struct Block {
    kind: BlockKind,
    else_tag: Option<usize>,
    close: usize,
    depth: usize,
}

#[derive(Clone, Debug)]
enum BlockKind {
    Loop(FieldRef),
    If { cond: Cond, negate: bool },
}

/// A step of a compiled part.
#[derive(Clone, Debug)]
enum Op {
    Raw(Vec<u8>),
    Value(usize),
    Block {
        tag: usize,
        then: Vec<Op>,
        other: Vec<Op>,
    },
}

/// The plain-language name of a part: "body", "header 1".
fn part_display(name: &str, kind: PartKind) -> String {
    let stem = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .trim_end_matches(".xml");
    let number: String = stem.chars().filter(|c| c.is_ascii_digit()).collect();
    let base = match kind {
        PartKind::Body => return "body".into(),
        PartKind::Header => "header",
        PartKind::Footer => "footer",
        PartKind::Footnotes => return "footnotes".into(),
        PartKind::Endnotes => return "endnotes".into(),
    };
    if number.is_empty() {
        base.to_string()
    } else {
        format!("{base} {number}")
    }
}

fn element_at<'a>(nodes: &'a [Node], path: &[usize]) -> &'a Element {
    let Node::Element(e) = &nodes[path[0]] else {
        unreachable!("paths lead to elements")
    };
    if path.len() == 1 {
        e
    } else {
        element_at(&e.children, &path[1..])
    }
}

fn element_at_mut<'a>(nodes: &'a mut [Node], path: &[usize]) -> &'a mut Element {
    let Node::Element(e) = &mut nodes[path[0]] else {
        unreachable!("paths lead to elements")
    };
    if path.len() == 1 {
        e
    } else {
        element_at_mut(&mut e.children, &path[1..])
    }
}

/// Paragraph paths with their plain-language places, in document order.
fn paragraphs(nodes: &[Node], part: &str) -> Vec<(Vec<usize>, String)> {
    struct Walk<'p> {
        part: &'p str,
        paragraph: usize,
        tables: usize,
        stack: Vec<(usize, usize, usize)>,
        out: Vec<(Vec<usize>, String)>,
    }
    fn walk(w: &mut Walk, nodes: &[Node], path: &mut Vec<usize>) {
        for (i, n) in nodes.iter().enumerate() {
            let Node::Element(e) = n else { continue };
            path.push(i);
            match e.name.as_str() {
                "w:tbl" => {
                    w.tables += 1;
                    w.stack.push((w.tables, 0, 0));
                    walk(w, &e.children, path);
                    w.stack.pop();
                }
                "w:tr" => {
                    if let Some(t) = w.stack.last_mut() {
                        t.1 += 1;
                        t.2 = 0;
                    }
                    walk(w, &e.children, path);
                }
                "w:tc" => {
                    if let Some(t) = w.stack.last_mut() {
                        t.2 += 1;
                    }
                    walk(w, &e.children, path);
                }
                "w:p" => {
                    let place = match w.stack.last() {
                        Some((t, r, c)) => format!("{}, table {t}, row {r}, cell {c}", w.part),
                        None => {
                            w.paragraph += 1;
                            format!("{}, paragraph {}", w.part, w.paragraph)
                        }
                    };
                    w.out.push((path.clone(), place));
                    walk(w, &e.children, path);
                }
                _ => walk(w, &e.children, path),
            }
            path.pop();
        }
    }
    let mut w = Walk {
        part,
        paragraph: 0,
        tables: 0,
        stack: Vec::new(),
        out: Vec::new(),
    };
    walk(&mut w, nodes, &mut Vec::new());
    w.out
}

/// The `w:t` elements of a paragraph (not of paragraphs nested in it), as
/// paths relative to the paragraph.
fn text_nodes(p: &Element) -> Vec<Vec<usize>> {
    fn walk(nodes: &[Node], path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        for (i, n) in nodes.iter().enumerate() {
            let Node::Element(e) = n else { continue };
            path.push(i);
            match e.name.as_str() {
                "w:t" => out.push(path.clone()),
                // Text boxes hold paragraphs of their own; deleted text is not shown.
                "w:p" | "w:txbxContent" | "w:del" | "w:delText" | "w:instrText" => {}
                _ => walk(&e.children, path, out),
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&p.children, &mut Vec::new(), &mut out);
    out
}

fn snippet(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 60 {
        format!("“{}…”", t.chars().take(60).collect::<String>())
    } else {
        format!("“{t}”")
    }
}

/// Results of finding the tags of one part.
struct PartScan {
    tags: Vec<Tag>,
    problems: Vec<TemplateProblem>,
}

/// Finds the placeholders of every paragraph of `nodes` and puts each in the
/// `w:t` where it starts, removing its other pieces from the following runs.
fn scan(nodes: &mut [Node], part: &str, first_tag: usize) -> PartScan {
    let mut tags = Vec::new();
    let mut problems = Vec::new();
    for (ppath, place) in paragraphs(nodes, part) {
        let p = element_at_mut(nodes, &ppath);
        let tpaths = text_nodes(p);
        let texts: Vec<String> = tpaths
            .iter()
            .map(|t| element_at(&p.children, t).raw_text())
            .collect();
        let joined: String = texts.concat();
        if !joined.contains("{{") {
            continue;
        }
        let shown = snippet(&joined);
        let place = format!("{place} ({shown})");
        let mut starts = Vec::with_capacity(texts.len());
        let mut at = 0;
        for t in &texts {
            starts.push(at);
            at += t.len();
        }
        // (start, end, tag index) of each placeholder in the joined text.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut from = 0;
        while let Some(rel) = joined[from..].find("{{") {
            let open = from + rel;
            let Some(rel_close) = joined[open + 2..].find("}}") else {
                problems.push(TemplateProblem {
                    severity: Severity::Error,
                    place: place.clone(),
                    message: format!(
                        "`{}` has no closing `}}}}` in the same paragraph",
                        joined[open..].chars().take(40).collect::<String>()
                    ),
                    hint: Some("close every placeholder with }} on the same line".into()),
                });
                break;
            };
            let close = open + 2 + rel_close + 2;
            let inner = &joined[open + 2..close - 2];
            if let Some(nested) = inner.find("{{") {
                problems.push(TemplateProblem {
                    severity: Severity::Error,
                    place: place.clone(),
                    message: format!(
                        "`{}` opens a placeholder inside another one",
                        &joined[open..open + 2 + nested + 2]
                    ),
                    hint: Some("every {{ needs its }} before the next {{".into()),
                });
                from = open + 2 + nested;
                continue;
            }
            let text = joined[open..close].to_string();
            match TagKind::parse(inner) {
                Ok(kind) => {
                    let owner_index = (0..texts.len())
                        .find(|&k| starts[k] <= open && open < starts[k] + texts[k].len())
                        .unwrap_or(0);
                    let mut owner = ppath.clone();
                    owner.extend_from_slice(&tpaths[owner_index]);
                    let index = first_tag + tags.len();
                    tags.push(Tag {
                        text,
                        kind,
                        place: place.clone(),
                        paragraph: ppath.clone(),
                        owner,
                        field: None,
                        language: None,
                        block: None,
                        opener: None,
                        inline: false,
                    });
                    found.push((open, close, index));
                }
                Err(message) => problems.push(TemplateProblem {
                    severity: Severity::Error,
                    place: place.clone(),
                    message: format!("`{text}`: {message}"),
                    hint: None,
                }),
            }
            from = close;
        }
        if found.is_empty() {
            continue;
        }
        // Rewrite each w:t touched by a placeholder.
        for (k, tpath) in tpaths.iter().enumerate() {
            let (s, e) = (starts[k], starts[k] + texts[k].len());
            let cuts: Vec<&(usize, usize, usize)> =
                found.iter().filter(|(o, c, _)| *o < e && *c > s).collect();
            if cuts.is_empty() {
                continue;
            }
            let text = &texts[k];
            let mut pieces = Vec::new();
            let mut pos = 0;
            for (o, c, index) in cuts {
                let local_start = o.saturating_sub(s);
                let local_end = (c - s).min(text.len());
                if local_start > pos {
                    pieces.push(TextPiece::Text(text[pos..local_start].to_string()));
                }
                if *o >= s {
                    pieces.push(TextPiece::Tag(*index));
                }
                pos = local_end.max(pos);
            }
            if pos < text.len() {
                pieces.push(TextPiece::Text(text[pos..].to_string()));
            }
            let t = element_at_mut(&mut p.children, tpath);
            t.children = vec![Node::Pieces(pieces)];
            t.preserve_space();
        }
    }
    PartScan { tags, problems }
}

/// Looks names up through the open loops' scopes.
struct Resolver<'s> {
    kind: Kind,
    scopes: Vec<&'s Scope>,
    loops: Vec<String>,
}

impl<'s> Resolver<'s> {
    fn field(&self, name: &str) -> Option<(FieldRef, ValueKind)> {
        self.scopes.iter().rev().enumerate().find_map(|(up, s)| {
            s.field(name)
                .map(|index| (FieldRef { up, index }, s.fields[index].1))
        })
    }

    fn list(&self, name: &str) -> Option<(FieldRef, &'s Scope)> {
        self.scopes.iter().rev().enumerate().find_map(|(up, s)| {
            s.list(name)
                .map(|index| (FieldRef { up, index }, &*s.lists[index].2))
        })
    }

    /// Why `name` cannot be used here, and what was probably meant.
    fn unknown(&self, name: &str, as_list: bool) -> (String, Option<String>) {
        let all = fields::all_names(self.kind);
        if let Some((_, loops)) = all.iter().find(|(n, _)| n == name) {
            let needed = loops
                .iter()
                .filter(|l| !self.loops.contains(l))
                .map(|l| format!("{{{{#{l}}}}} … {{{{/{l}}}}}"))
                .collect::<Vec<_>>()
                .join(" and ");
            return (
                format!("`{name}` can only be used inside {needed}"),
                Some(format!("move it inside {needed}")),
            );
        }
        let other = match self.kind {
            Kind::LearningAgreement => Kind::Memorandum,
            Kind::Memorandum => Kind::LearningAgreement,
        };
        if fields::all_names(other).iter().any(|(n, _)| n == name) {
            return (
                format!(
                    "`{name}` is a placeholder of the {}, not of the {}",
                    other.title(),
                    self.kind.title()
                ),
                Some(format!(
                    "use this template for {} documents, or remove the placeholder",
                    other.name()
                )),
            );
        }
        let what = if as_list { "list" } else { "placeholder" };
        let best = all
            .iter()
            .map(|(n, _)| (strsim::normalized_damerau_levenshtein(name, n), n))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((score, n)) if score >= 0.5 => (
                format!("unknown {what} `{name}`"),
                Some(format!("did you mean `{n}`? (see docs/placeholders.md)")),
            ),
            _ => (
                format!("unknown {what} `{name}`"),
                Some("see docs/placeholders.md for every name".into()),
            ),
        }
    }
}

/// Matches blocks and resolves names; returns the problems.
fn resolve(
    tags: &mut [Tag],
    kind: Kind,
    first: usize,
) -> (Vec<TemplateProblem>, Vec<PlaceholderUse>) {
    let mut problems = Vec::new();
    let mut uses = Vec::new();
    let mut r = Resolver {
        kind,
        scopes: vec![fields::scope(kind)],
        loops: Vec::new(),
    };
    // Open blocks: (tag index, pushed a scope).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let error =
        |problems: &mut Vec<TemplateProblem>, tag: &Tag, message: String, hint: Option<String>| {
            problems.push(TemplateProblem {
                severity: Severity::Error,
                place: tag.place.clone(),
                message,
                hint,
            });
        };
    for i in 0..tags.len() {
        uses.push(PlaceholderUse {
            text: tags[i].text.clone(),
            place: tags[i].place.clone(),
            inside: r.loops.clone(),
        });
        let kind_of = tags[i].kind.clone();
        match kind_of {
            TagKind::Value { name } => {
                if let Some((f, _)) = r.field(&name) {
                    tags[i].field = Some(f);
                } else if let Some((base, lang)) = name.rsplit_once('.')
                    && lang.len() >= 2
                    && lang.len() <= 3
                    && lang.chars().all(|c| c.is_ascii_lowercase())
                    && let Some((f, ValueKind::Multilingual)) = r.field(base)
                {
                    tags[i].field = Some(f);
                    tags[i].language = Some(lang.to_string());
                } else if r.list(&name).is_some() {
                    error(
                        &mut problems,
                        &tags[i],
                        format!("`{name}` is a list: it cannot be printed as one value"),
                        Some(format!(
                            "repeat its items with {{{{#{name}}}}} … {{{{/{name}}}}}"
                        )),
                    );
                } else {
                    let (m, h) = r.unknown(&name, false);
                    error(&mut problems, &tags[i], m, h);
                }
            }
            TagKind::Loop(name) => match r.list(&name) {
                Some((f, scope)) => {
                    tags[i].block = Some(Block {
                        kind: BlockKind::Loop(f),
                        else_tag: None,
                        close: usize::MAX,
                        depth: stack.len(),
                    });
                    r.scopes.push(scope);
                    r.loops.push(name);
                    stack.push((i, true));
                }
                None => {
                    let (m, h) = if r.field(&name).is_some() {
                        (
                            format!("`{name}` is a single value, not a list to repeat"),
                            Some(format!(
                                "to show a part only when it has a value, use {{{{#if {name}}}}} … {{{{/if}}}}"
                            )),
                        )
                    } else {
                        r.unknown(&name, true)
                    };
                    error(&mut problems, &tags[i], m, h);
                    // Keep matching the closing tag.
                    tags[i].block = None;
                    stack.push((i, false));
                }
            },
            TagKind::If(name) | TagKind::Unless(name) => {
                let negate = matches!(tags[i].kind, TagKind::Unless(_));
                let cond = if let Some((f, _)) = r.field(&name) {
                    Some(Cond::Field(f))
                } else if let Some((f, _)) = r.list(&name) {
                    Some(Cond::List(f))
                } else {
                    let (m, h) = r.unknown(&name, false);
                    error(&mut problems, &tags[i], m, h);
                    None
                };
                if let Some(cond) = cond {
                    tags[i].block = Some(Block {
                        kind: BlockKind::If { cond, negate },
                        else_tag: None,
                        close: usize::MAX,
                        depth: stack.len(),
                    });
                }
                stack.push((i, false));
            }
            TagKind::Else => match stack.last() {
                Some(&(open, _))
                    if matches!(tags[open].kind, TagKind::If(_) | TagKind::Unless(_)) =>
                {
                    tags[i].opener = Some(open + first);
                    if let Some(b) = tags[open].block.as_mut() {
                        if b.else_tag.is_some() {
                            let place = tags[open].place.clone();
                            error(
                                &mut problems,
                                &tags[i],
                                format!("a second `{{{{else}}}}` for the block opened at {place}"),
                                None,
                            );
                        } else {
                            b.else_tag = Some(i + first);
                        }
                    }
                }
                Some(&(open, _)) => {
                    let (text, place) = (tags[open].text.clone(), tags[open].place.clone());
                    error(
                        &mut problems,
                        &tags[i],
                        format!(
                            "`{{{{else}}}}` inside the loop `{text}` (at {place}); only `{{{{#if}}}}` and `{{{{#unless}}}}` have an else"
                        ),
                        None,
                    );
                }
                None => error(
                    &mut problems,
                    &tags[i],
                    "`{{else}}` outside any `{{#if …}}`".into(),
                    None,
                ),
            },
            TagKind::EndLoop(_) | TagKind::EndIf | TagKind::EndUnless => {
                let closes = |open: &TagKind| match (&tags[i].kind, open) {
                    (TagKind::EndLoop(a), TagKind::Loop(b)) => a == b,
                    (TagKind::EndIf, TagKind::If(_)) => true,
                    (TagKind::EndUnless, TagKind::Unless(_)) => true,
                    _ => false,
                };
                match stack.last().copied() {
                    Some((open, pushed)) if closes(&tags[open].kind) => {
                        stack.pop();
                        if pushed {
                            r.scopes.pop();
                            r.loops.pop();
                        }
                        tags[i].opener = Some(open + first);
                        if let Some(b) = tags[open].block.as_mut() {
                            b.close = i + first;
                        }
                    }
                    _ => {
                        let deeper = stack
                            .iter()
                            .rposition(|(open, _)| closes(&tags[*open].kind));
                        match deeper {
                            Some(at) => {
                                // Blocks opened after the one this closes were never closed.
                                while stack.len() > at + 1 {
                                    let (open, pushed) = stack.pop().unwrap();
                                    if pushed {
                                        r.scopes.pop();
                                        r.loops.pop();
                                    }
                                    let (text, place) =
                                        (tags[open].text.clone(), tags[open].place.clone());
                                    let closing = tags[i].text.clone();
                                    error(
                                        &mut problems,
                                        &tags[i],
                                        format!(
                                            "`{closing}` comes before `{text}` (opened at {place}) is closed"
                                        ),
                                        Some(format!(
                                            "close `{text}` before `{closing}`: blocks must nest"
                                        )),
                                    );
                                }
                                let (open, pushed) = stack.pop().unwrap();
                                if pushed {
                                    r.scopes.pop();
                                    r.loops.pop();
                                }
                                tags[i].opener = Some(open + first);
                                if let Some(b) = tags[open].block.as_mut() {
                                    b.close = i + first;
                                }
                            }
                            None => {
                                let text = tags[i].text.clone();
                                error(
                                    &mut problems,
                                    &tags[i],
                                    format!(
                                        "`{text}` closes nothing: no matching opening tag before it"
                                    ),
                                    Some(
                                        "check the spelling against the opening tag, or remove it"
                                            .into(),
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    for (open, _) in stack {
        let t = &tags[open];
        let end = match &t.kind {
            TagKind::Loop(n) => format!("{{{{/{n}}}}}"),
            TagKind::If(_) => "{{/if}}".into(),
            _ => "{{/unless}}".into(),
        };
        problems.push(TemplateProblem {
            severity: Severity::Error,
            place: t.place.clone(),
            message: format!("`{}` is never closed", t.text),
            hint: Some(format!(
                "add `{end}` where the repeated or optional part ends"
            )),
        });
    }
    (problems, uses)
}

/// Elements that make a paragraph worth keeping even without text.
const CONTENT: &[&str] = &[
    "w:drawing",
    "w:pict",
    "w:object",
    "w:sym",
    "w:fldChar",
    "w:fldSimple",
    "w:footnoteReference",
    "w:endnoteReference",
    "w:tab",
    "w:ptab",
    "w:br",
    "w:sectPr",
    "mc:AlternateContent",
    "w:txbxContent",
];

/// A paragraph that shows nothing once its block tags are removed.
fn is_blank(p: &Element, tags: &[Tag], first: usize) -> bool {
    fn walk(nodes: &[Node], tags: &[Tag], first: usize) -> bool {
        nodes.iter().all(|n| match n {
            Node::Raw(_) => true,
            Node::Pieces(pieces) => pieces.iter().all(|piece| match piece {
                TextPiece::Text(t) => t.trim().is_empty(),
                TextPiece::Tag(i) => tags[*i - first].kind.is_control(),
            }),
            Node::Element(e) => {
                if CONTENT.contains(&e.name.as_str()) {
                    return false;
                }
                if e.name == "w:t" {
                    return e.children.iter().all(|c| match c {
                        Node::Raw(_) => e.raw_text().trim().is_empty(),
                        Node::Pieces(_) => walk(std::slice::from_ref(c), tags, first),
                        Node::Element(_) => true,
                    });
                }
                walk(&e.children, tags, first)
            }
        })
    }
    walk(&p.children, tags, first)
}

/// The element names on the way from `from` (exclusive) to `to` (inclusive).
fn chain(nodes: &[Node], prefix: &[usize], to: &[usize]) -> Vec<String> {
    (prefix.len() + 1..=to.len())
        .map(|n| element_at(nodes, &to[..n]).name.clone())
        .collect()
}

fn common_prefix(a: &[usize], b: &[usize]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Decides what each block repeats and marks it in the tree.
fn place_blocks(
    nodes: &mut [Node],
    tags: &mut [Tag],
    first: usize,
    problems: &mut Vec<TemplateProblem>,
) {
    let mut order: Vec<usize> = (0..tags.len())
        .filter(|i| tags[*i].block.is_some())
        .collect();
    // Innermost first: outer marks must wrap inner ones.
    order.sort_by_key(|i| std::cmp::Reverse(tags[*i].block.as_ref().unwrap().depth));
    for i in order {
        let block = tags[i].block.clone().unwrap();
        let close = block.close - first;
        let (o, c) = (&tags[i], &tags[close]);
        if o.paragraph == c.paragraph {
            // Text between the tags repeats: both ends must sit at the same
            // depth of runs, or repeating would break the XML.
            let mut ends = vec![&o.owner, &c.owner];
            if let Some(e) = block.else_tag {
                ends.push(&tags[e - first].owner);
            }
            let lca = ends
                .iter()
                .map(|p| common_prefix(p, &o.owner))
                .min()
                .unwrap_or(0)
                .min(common_prefix(&o.owner, &c.owner));
            let first_chain = chain(nodes, &o.owner[..lca], &o.owner);
            if ends
                .iter()
                .any(|p| chain(nodes, &p[..lca], p) != first_chain)
            {
                problems.push(TemplateProblem {
                    severity: Severity::Error,
                    place: o.place.clone(),
                    message: format!(
                        "`{}` and `{}` are in the same paragraph but at different levels of formatting (one inside a hyperlink or field)",
                        o.text, c.text
                    ),
                    hint: Some("retype the block's tags as plain text, or put them in paragraphs of their own".into()),
                });
                continue;
            }
            tags[i].inline = true;
            continue;
        }
        let lca_len = common_prefix(&o.paragraph, &c.paragraph);
        let lca_name = if lca_len == 0 {
            String::new()
        } else {
            element_at(nodes, &o.paragraph[..lca_len]).name.clone()
        };
        let (open_child, close_child, level) = match lca_name.as_str() {
            "w:tr" => (
                o.paragraph[..lca_len].to_vec(),
                c.paragraph[..lca_len].to_vec(),
                Level::Rows,
            ),
            "w:tbl" => (
                o.paragraph[..=lca_len].to_vec(),
                c.paragraph[..=lca_len].to_vec(),
                Level::Rows,
            ),
            _ => (
                o.paragraph[..=lca_len].to_vec(),
                c.paragraph[..=lca_len].to_vec(),
                Level::Paragraphs,
            ),
        };
        let else_child = match block.else_tag {
            None => None,
            Some(e) => {
                let e = &tags[e - first];
                let ok = e.paragraph.len() >= open_child.len()
                    && e.paragraph[..open_child.len() - 1] == open_child[..open_child.len() - 1];
                let child = e.paragraph[..open_child.len().min(e.paragraph.len())].to_vec();
                let index = *child.last().unwrap_or(&0);
                if !ok
                    || index <= *open_child.last().unwrap()
                    || index > *close_child.last().unwrap()
                {
                    problems.push(TemplateProblem {
                        severity: Severity::Error,
                        place: e.place.clone(),
                        message: format!(
                            "`{{{{else}}}}` of `{}` must be in a {} of its own between the opening and the closing tag",
                            o.text,
                            if level == Level::Rows { "row" } else { "paragraph" }
                        ),
                        hint: None,
                    });
                    continue;
                }
                Some(child)
            }
        };
        // Remove paragraphs that only held a block tag.
        let mut tag_paragraphs = vec![o.paragraph.clone(), c.paragraph.clone()];
        if let Some(e) = block.else_tag {
            tag_paragraphs.push(tags[e - first].paragraph.clone());
        }
        for p in &tag_paragraphs {
            let droppable = match level {
                Level::Paragraphs => p.len() == open_child.len(),
                Level::Rows => {
                    // Inside a cell: keep at least one paragraph.
                    let cell = &p[..p.len() - 1];
                    let cell_el = element_at(nodes, cell);
                    cell_el.name == "w:tc"
                        && cell_el
                            .elements()
                            .filter(|e| (e.name == "w:p" || e.name == "w:tbl") && !e.dropped)
                            .count()
                            > 1
                }
            };
            if droppable && is_blank(element_at(nodes, p), tags, first) {
                element_at_mut(nodes, p).dropped = true;
            }
        }
        let id = i + first;
        element_at_mut(nodes, &open_child)
            .before
            .insert(0, Mark::Open(id));
        if let Some(e) = else_child {
            element_at_mut(nodes, &e).before.insert(0, Mark::Else(id));
        }
        element_at_mut(nodes, &close_child)
            .after
            .push(Mark::Close(id));
    }
}

/// Gives every table cell that could come out empty (all its paragraphs
/// inside blocks or removed) a last empty paragraph: Word refuses a cell
/// without one.
fn keep_cells_valid(nodes: &mut [Node]) {
    for n in nodes.iter_mut() {
        let Node::Element(e) = n else { continue };
        keep_cells_valid(&mut e.children);
        if e.name != "w:tc" {
            continue;
        }
        let mut depth = 0usize;
        let mut always = false;
        for c in e.elements() {
            for m in &c.before {
                match m {
                    Mark::Open(_) => depth += 1,
                    Mark::Close(_) => depth = depth.saturating_sub(1),
                    Mark::Else(_) => {}
                }
            }
            if depth == 0 && !c.dropped && (c.name == "w:p" || c.name == "w:tbl") {
                always = true;
            }
            for m in &c.after {
                if let Mark::Close(_) = m {
                    depth = depth.saturating_sub(1)
                }
            }
        }
        if !always {
            e.children.push(Node::Raw(b"<w:p/>".to_vec()));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Rows,
    Paragraphs,
}

/// Turns the marked tree into a program.
struct Builder<'t> {
    tags: &'t [Tag],
    first: usize,
    frames: Vec<Frame>,
    error: Option<String>,
}

struct Frame {
    tag: Option<usize>,
    then: Vec<Op>,
    other: Vec<Op>,
    in_else: bool,
    raw: Vec<u8>,
}

impl Frame {
    fn new(tag: Option<usize>) -> Self {
        Frame {
            tag,
            then: Vec::new(),
            other: Vec::new(),
            in_else: false,
            raw: Vec::new(),
        }
    }

    fn flush(&mut self) {
        if !self.raw.is_empty() {
            let raw = std::mem::take(&mut self.raw);
            self.ops().push(Op::Raw(raw));
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.in_else {
            &mut self.other
        } else {
            &mut self.then
        }
    }
}

impl Builder<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.frames.last_mut().unwrap().raw.extend_from_slice(bytes);
    }

    fn mark(&mut self, mark: Mark) {
        match mark {
            Mark::Open(id) => {
                self.frames.last_mut().unwrap().flush();
                self.frames.push(Frame::new(Some(id)));
            }
            Mark::Else(id) => {
                let top = self.frames.last_mut().unwrap();
                if top.tag != Some(id) {
                    self.error.get_or_insert_with(|| "blocks overlap".into());
                    return;
                }
                top.flush();
                top.in_else = true;
            }
            Mark::Close(id) => {
                if self.frames.len() < 2 || self.frames.last().unwrap().tag != Some(id) {
                    self.error.get_or_insert_with(|| {
                        format!(
                            "`{}` overlaps another block: blocks must nest",
                            self.tags[id - self.first].text
                        )
                    });
                    return;
                }
                let mut frame = self.frames.pop().unwrap();
                frame.flush();
                let parent = self.frames.last_mut().unwrap();
                parent.flush();
                parent.ops().push(Op::Block {
                    tag: id,
                    then: frame.then,
                    other: frame.other,
                });
            }
        }
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            match n {
                Node::Raw(b) => self.raw(b),
                Node::Pieces(pieces) => {
                    for piece in pieces {
                        match piece {
                            TextPiece::Text(t) => self.raw(partial_escape(t.as_str()).as_bytes()),
                            TextPiece::Tag(id) => {
                                let tag = &self.tags[id - self.first];
                                match &tag.kind {
                                    TagKind::Value { .. } => {
                                        let top = self.frames.last_mut().unwrap();
                                        top.flush();
                                        top.ops().push(Op::Value(*id));
                                    }
                                    _ => {
                                        // Inline blocks use their tags as marks.
                                        let opener = tag.opener.unwrap_or(*id);
                                        if self.tags[opener - self.first].inline {
                                            match &tag.kind {
                                                TagKind::Else => self.mark(Mark::Else(opener)),
                                                TagKind::EndLoop(_)
                                                | TagKind::EndIf
                                                | TagKind::EndUnless => {
                                                    self.mark(Mark::Close(opener))
                                                }
                                                _ => self.mark(Mark::Open(*id)),
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                Node::Element(e) => {
                    for m in &e.before {
                        self.mark(*m);
                    }
                    if !e.dropped {
                        self.raw(&e.start);
                        self.nodes(&e.children);
                        self.raw(&e.end);
                    }
                    for m in &e.after {
                        self.mark(*m);
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Result<Vec<Op>, String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.frames.len() != 1 {
            return Err("a block is not closed".into());
        }
        let mut top = self.frames.pop().unwrap();
        top.flush();
        Ok(top.then)
    }
}

/// The result of reading a template's parts.
struct Compiled {
    programs: Vec<Option<Vec<Op>>>,
    tags: Vec<Tag>,
    uses: Vec<PlaceholderUse>,
    problems: Vec<TemplateProblem>,
}

fn compile_package(package: &Package, kind: Kind) -> Result<Compiled, PackageError> {
    let mut programs: Vec<Option<Vec<Op>>> = vec![None; package.names().len()];
    let mut all_tags: Vec<Tag> = Vec::new();
    let mut uses = Vec::new();
    let mut problems = Vec::new();
    // Parts in document order for messages: body first, then headers, footers, notes.
    let mut parts = package.text_parts.clone();
    parts.sort_by_key(|(name, kind)| (*kind as u8, name.clone()));
    for (name, part_kind) in parts {
        let bytes = package.read(&name)?;
        if !bytes.contains(&b'{') {
            continue;
        }
        let display = part_display(&name, part_kind);
        let mut nodes = match xml::parse(&bytes) {
            Ok(n) => n,
            Err(e) => {
                problems.push(TemplateProblem {
                    severity: Severity::Error,
                    place: format!("{display} ({name}, byte {})", e.offset),
                    message: format!("the XML is broken: {}", e.message),
                    hint: Some("open and save the document in Word to repair it".into()),
                });
                continue;
            }
        };
        let first = all_tags.len();
        let PartScan {
            mut tags,
            problems: scan_problems,
        } = scan(&mut nodes, &display, first);
        problems.extend(scan_problems);
        if tags.is_empty() {
            continue;
        }
        let (resolve_problems, part_uses) = resolve(&mut tags, kind, first);
        uses.extend(part_uses);
        let had_errors = !resolve_problems.is_empty();
        problems.extend(resolve_problems);
        if !had_errors {
            let mut place_problems = Vec::new();
            place_blocks(&mut nodes, &mut tags, first, &mut place_problems);
            keep_cells_valid(&mut nodes);
            let ok = place_problems.is_empty();
            problems.extend(place_problems);
            if ok {
                let mut b = Builder {
                    tags: &tags,
                    first,
                    frames: vec![Frame::new(None)],
                    error: None,
                };
                b.nodes(&nodes);
                match b.finish() {
                    Ok(ops) => {
                        let index = package.names().iter().position(|n| *n == name).unwrap();
                        programs[index] = Some(ops);
                    }
                    Err(message) => problems.push(TemplateProblem {
                        severity: Severity::Error,
                        place: display.clone(),
                        message,
                        hint: Some("make every block end inside the one that contains it".into()),
                    }),
                }
            }
        }
        all_tags.extend(tags);
    }
    Ok(Compiled {
        programs,
        tags: all_tags,
        uses,
        problems,
    })
}

impl Template {
    /// Lists and checks every placeholder of a template against `kind`.
    pub fn analyse(bytes: Vec<u8>, kind: Kind) -> Result<Analysis, PackageError> {
        let package = Package::open(bytes)?;
        let compiled = compile_package(&package, kind)?;
        Ok(Analysis {
            kind,
            placeholders: compiled.uses,
            problems: compiled.problems,
        })
    }

    /// Which kind of document a template is for, judged by its placeholder
    /// names: the kind that knows more of them; a tie is a Learning Agreement.
    pub fn infer_kind(bytes: Vec<u8>) -> Result<Kind, PackageError> {
        let package = Package::open(bytes)?;
        let score = |kind: Kind| -> Result<usize, PackageError> {
            let c = compile_package(&package, kind)?;
            Ok(c.problems.len())
        };
        let la = score(Kind::LearningAgreement)?;
        let mou = score(Kind::Memorandum)?;
        Ok(if mou < la {
            Kind::Memorandum
        } else {
            Kind::LearningAgreement
        })
    }

    /// Reads and compiles a template; any error in its placeholders fails it.
    pub fn compile(bytes: Vec<u8>, kind: Kind) -> Result<Template, TemplateError> {
        let package = Package::open(bytes)?;
        let compiled = compile_package(&package, kind)?;
        let (errors, warnings): (Vec<_>, Vec<_>) = compiled
            .problems
            .into_iter()
            .partition(|p| p.severity == Severity::Error);
        if !errors.is_empty() {
            return Err(TemplateError::Invalid(errors));
        }
        let content_types = if package.is_dotx {
            Some(dotx_content_types_as_docx(
                &package.read("[Content_Types].xml")?,
            ))
        } else {
            None
        };
        Ok(Template {
            kind,
            package,
            programs: compiled.programs,
            content_types,
            tags: compiled.tags,
            warnings,
        })
    }

    /// The kind of document the template fills.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Fills the template with one document's values.
    pub fn fill(&self, record: &Record, options: &FillOptions) -> Result<Filled, PackageError> {
        let labels = doc_labels(&options.languages);
        let mut archive = ZipArchive::new(Cursor::new(self.package.bytes()))
            .map_err(|e| PackageError::Damaged(e.to_string()))?;
        let mut writer = PackageWriter::new();
        let mut missing: BTreeSet<usize> = BTreeSet::new();
        for (i, name) in self.package.names().iter().enumerate() {
            if let Some(program) = &self.programs[i] {
                let mut out = Vec::with_capacity(64 * 1024);
                let mut r = Render {
                    tags: &self.tags,
                    labels: &labels,
                    options,
                    missing: &mut missing,
                    scopes: vec![record],
                };
                r.ops(program, &mut out);
                writer.add(name, &out)?;
            } else if name == "[Content_Types].xml"
                && let Some(ct) = &self.content_types
            {
                writer.add(name, ct)?;
            } else {
                writer.copy(&mut archive, i)?;
            }
        }
        Ok(Filled {
            bytes: writer.finish()?,
            missing: missing
                .into_iter()
                .map(|i| {
                    let t = &self.tags[i];
                    MissingValue {
                        placeholder: t.text.clone(),
                        name: match &t.kind {
                            TagKind::Value { name } => name.clone(),
                            _ => String::new(),
                        },
                        place: t.place.clone(),
                    }
                })
                .collect(),
        })
    }
}

/// The labels of the document languages (unknown ones fall back to English).
fn doc_labels(languages: &[String]) -> Vec<Labels> {
    let mut out: Vec<Labels> = languages.iter().filter_map(|l| Labels::new(l)).collect();
    if out.is_empty() {
        out.push(Labels::new(FALLBACK).expect("English labels"));
    }
    out
}

struct Render<'a> {
    tags: &'a [Tag],
    labels: &'a [Labels],
    options: &'a FillOptions,
    missing: &'a mut BTreeSet<usize>,
    scopes: Vec<&'a Record>,
}

impl<'a> Render<'a> {
    fn record(&self, up: usize) -> &'a Record {
        self.scopes[self.scopes.len() - 1 - up]
    }

    fn ops(&mut self, ops: &'a [Op], out: &mut Vec<u8>) {
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
                                self.scopes.push(item);
                                self.ops(then, out);
                                self.scopes.pop();
                            }
                        }
                        BlockKind::If { cond, negate } => {
                            let truthy = match cond {
                                Cond::Field(f) => self.record(f.up).fields[f.index].is_truthy(),
                                Cond::List(f) => !self.record(f.up).lists[f.index].is_empty(),
                            };
                            if truthy != *negate {
                                self.ops(then, out);
                            } else {
                                self.ops(other, out);
                            }
                        }
                    }
                }
            }
        }
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
        Value::Multi(t) => match language {
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
                if wanted.is_empty() {
                    t.texts().next().map(str::to_string)
                } else {
                    joined(wanted)
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
