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

use zip::ZipArchive;

use super::Kind;
use super::fields::Record;
use super::package::{Package, PackageError, PackageWriter, PartKind, dotx_content_types_as_docx};
use super::xml::{self, Element, Node, TextPiece};
use crate::diagnostics::Severity;

mod check;
mod expand;
mod fill;
mod parse;
#[cfg(test)]
mod tests;

pub use fill::format_value;

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

/// The bounds a template is held to, from the limits of `--limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateLimits {
    /// Deepest nesting of conditions and loops (the `depth` limit): the
    /// engine walks blocks by recursion, so a template nesting 10,000 of them
    /// would overflow the stack.
    pub depth: usize,
    /// Largest filled part (the document's body, a header …), in bytes (the
    /// `part-mb` limit): loops nested in loops repeat their content for every
    /// combination of items, 2 items in 22 nested loops four million times.
    pub part_bytes: u64,
    /// Most entries in the template's zip (the `zip-entries` limit).
    pub zip_entries: usize,
}

impl TemplateLimits {
    /// The template's share of the limits a run is given.
    pub fn from_limits(limits: &crate::import::Limits) -> Self {
        TemplateLimits {
            depth: limits.depth.min(MAX_DEPTH),
            part_bytes: limits.part_mb.saturating_mul(1024 * 1024),
            zip_entries: limits.zip_entries,
        }
    }
}

impl Default for TemplateLimits {
    fn default() -> Self {
        TemplateLimits::from_limits(&crate::import::Limits::default())
    }
}

/// Nesting never goes deeper than this whatever `depth` says: each level is
/// a frame of recursion on a thread's stack when the template is filled.
pub const MAX_DEPTH: usize = 1000;

/// Most problems reported for one template; the rest are counted in a last
/// line, so a template repeating one mistake a million times is still
/// answered with a short report.
pub const MAX_PROBLEMS: usize = 100;

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
    /// Filling it would make a part larger than the `part-mb` limit.
    #[error(
        "filling the template makes its {part} larger than the `part-mb` limit ({limit_mb} MiB): loops nested inside loops repeat their content for every combination of items; nest fewer loops (`convert` fills within the default limits; `template check --limit part-mb=N` checks with another)"
    )]
    TooLarge {
        /// The part, in plain words ("body", "header 1").
        part: String,
        /// The limit, in MiB.
        limit_mb: u64,
    },
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
    limits: TemplateLimits,
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

/// The result of reading a template's parts.
struct Compiled {
    programs: Vec<Option<Vec<Op>>>,
    tags: Vec<Tag>,
    uses: Vec<PlaceholderUse>,
    problems: Vec<TemplateProblem>,
}

fn compile_package(
    package: &Package,
    kind: Kind,
    limits: &TemplateLimits,
) -> Result<Compiled, PackageError> {
    let mut compiled = Compiled {
        programs: vec![None; package.names().len()],
        tags: Vec::new(),
        uses: Vec::new(),
        problems: Vec::new(),
    };
    // Parts in document order for messages: body first, then headers, footers, notes.
    let mut parts = package.text_parts.clone();
    parts.sort_by_key(|(name, kind)| (*kind as u8, name.clone()));
    for (name, part_kind) in parts {
        let bytes = package.read(&name)?;
        if !bytes.contains(&b'{') {
            continue;
        }
        let display = parse::part_display(&name, part_kind);
        let index = package.names().iter().position(|n| *n == name).unwrap();
        compiled.programs[index] =
            compile_part(&bytes, &name, &display, kind, limits, &mut compiled);
    }
    cap_problems(&mut compiled.problems);
    Ok(compiled)
}

/// Keeps the first [`MAX_PROBLEMS`] problems and says how many were left
/// out (an error when any of them is one).
fn cap_problems(problems: &mut Vec<TemplateProblem>) {
    if problems.len() <= MAX_PROBLEMS {
        return;
    }
    let rest = problems.split_off(MAX_PROBLEMS);
    let errors = rest
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    problems.push(TemplateProblem {
        severity: if errors > 0 {
            Severity::Error
        } else {
            Severity::Warning
        },
        place: "the rest of the template".into(),
        message: format!(
            "{} more problem(s) left out ({errors} error(s)); only the first {MAX_PROBLEMS} are listed",
            rest.len()
        ),
        hint: Some("fix the problems listed and check the template again".into()),
    });
}

/// Compiles one part into its program; none when it holds no placeholder
/// or has errors (added to `compiled`, with its tags and their uses).
fn compile_part(
    bytes: &[u8],
    name: &str,
    display: &str,
    kind: Kind,
    limits: &TemplateLimits,
    compiled: &mut Compiled,
) -> Option<Vec<Op>> {
    let mut nodes = match xml::parse(bytes) {
        Ok(n) => n,
        Err(e) => {
            compiled.problems.push(TemplateProblem {
                severity: Severity::Error,
                place: format!("{display} ({name}, byte {})", e.offset),
                message: format!("the XML is broken: {}", e.message),
                hint: Some("open and save the document in Word to repair it".into()),
            });
            return None;
        }
    };
    let first = compiled.tags.len();
    let parse::PartScan { mut tags, problems } = parse::scan(&mut nodes, display, first);
    compiled.problems.extend(problems);
    if tags.is_empty() {
        return None;
    }
    let (problems, uses) = check::resolve(&mut tags, kind, first, limits.depth);
    compiled.uses.extend(uses);
    let checked = problems.is_empty();
    compiled.problems.extend(problems);
    let program = if checked {
        expand::program(
            &mut nodes,
            &mut tags,
            first,
            display,
            &mut compiled.problems,
        )
    } else {
        None
    };
    compiled.tags.extend(tags);
    program
}

impl Template {
    /// Lists and checks every placeholder of a template against `kind`.
    pub fn analyse(bytes: Vec<u8>, kind: Kind) -> Result<Analysis, PackageError> {
        Template::analyse_with(bytes, kind, &TemplateLimits::default())
    }

    /// [`Template::analyse`] within the given limits.
    pub fn analyse_with(
        bytes: Vec<u8>,
        kind: Kind,
        limits: &TemplateLimits,
    ) -> Result<Analysis, PackageError> {
        let package = Package::open(bytes, limits.part_bytes, limits.zip_entries)?;
        let compiled = compile_package(&package, kind, limits)?;
        Ok(Analysis {
            kind,
            placeholders: compiled.uses,
            problems: compiled.problems,
        })
    }

    /// Which kind of document a template is for, judged by its placeholder
    /// names: the kind that knows more of them; a tie is a Learning Agreement.
    pub fn infer_kind(bytes: Vec<u8>) -> Result<Kind, PackageError> {
        Template::infer_kind_with(bytes, &TemplateLimits::default())
    }

    /// [`Template::infer_kind`] within the given limits.
    pub fn infer_kind_with(bytes: Vec<u8>, limits: &TemplateLimits) -> Result<Kind, PackageError> {
        let package = Package::open(bytes, limits.part_bytes, limits.zip_entries)?;
        let score = |kind: Kind| -> Result<usize, PackageError> {
            let c = compile_package(&package, kind, limits)?;
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
        Template::compile_with(bytes, kind, &TemplateLimits::default())
    }

    /// [`Template::compile`] within the given limits, kept for filling.
    pub fn compile_with(
        bytes: Vec<u8>,
        kind: Kind,
        limits: &TemplateLimits,
    ) -> Result<Template, TemplateError> {
        let package = Package::open(bytes, limits.part_bytes, limits.zip_entries)?;
        let compiled = compile_package(&package, kind, limits)?;
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
            limits: *limits,
            warnings,
        })
    }

    /// The kind of document the template fills.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Fills the template with one document's values.
    pub fn fill(&self, record: &Record, options: &FillOptions) -> Result<Filled, TemplateError> {
        let labels = fill::doc_labels(&options.languages);
        let mut archive = ZipArchive::new(Cursor::new(self.package.bytes()))
            .map_err(|e| PackageError::Damaged(e.to_string()))?;
        let mut writer = PackageWriter::new();
        let mut missing: BTreeSet<usize> = BTreeSet::new();
        for (i, name) in self.package.names().iter().enumerate() {
            if let Some(program) = &self.programs[i] {
                let out = fill::render(
                    program,
                    &self.tags,
                    &labels,
                    options,
                    &mut missing,
                    record,
                    self.limits.part_bytes,
                )
                .ok_or_else(|| TemplateError::TooLarge {
                    part: name.clone(),
                    limit_mb: self.limits.part_bytes / (1024 * 1024),
                })?;
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
