//! Word documents (`.docx`, `.docm`, `.dotx`): every table as a sheet of
//! cells, so that unit descriptions and assessment grids reach the mapping
//! stage in the same shape as spreadsheets.
//!
//! The reader is a pass of our own over the document part (with `styles.xml`
//! and `numbering.xml` to tell list items), not docx-rs: docx-rs never returns
//! on some zip files that are not Word documents, has panicked on real
//! documents, keeps merge properties private and drops text in text boxes. One
//! streaming quick-xml pass always ends, holds at most the size-checked parts
//! in memory, and gives exact control over tracked changes, content controls
//! and checkboxes.
//!
//! What the sheets hold:
//! - one sheet per table: top-level tables are `table 1`, `table 2`, …; a
//!   table nested in a cell of table 3 is `table 3.1` (its own sheet, placed
//!   right after its parent);
//! - Word's grid columns as columns, `gridSpan` / `hMerge` as horizontal and
//!   `vMerge` as vertical [`MergedRange`]s (the text of a merged cell lives in
//!   its top-left cell, as in a spreadsheet);
//! - each cell's text as lines: one per paragraph, list items (numbering,
//!   list styles such as "List Bullet") prefixed `• ` at the first level and
//!   indented `  o ` at deeper levels, checkboxes as ☐ / ☒, tracked insertions
//!   kept and deletions dropped, content controls read (their placeholder text
//!   left out), Wingdings / Symbol ticks and boxes as their Unicode signs;
//! - the paragraphs outside tables, one line per row, in sheets named
//!   `text before table 3`, `text after table 5` (after the last table) or
//!   `text` (a document without tables), so label lines such as
//!   "EQF-level: 4" above or below a table are not lost.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::cells::{Cells, MergedRange, Sheet, Visibility};
use super::text_cells::TextCells;
use super::{ImportError, InputFormat, ReadOptions, Workbook};

/// Reads `.docx` (and macro-enabled or template variants).
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Workbook, ImportError> {
    read_docx_within(file, bytes, &options.limits)
}

/// A file named as a Word document must be one: reading a spreadsheet given
/// in its place would mix its rows in under the wrong name.
pub(crate) fn misnamed(found: InputFormat) -> ImportError {
    ImportError::WrongType {
        found: format!("{} named .docx", found.describe()),
        expected: "a Word document".into(),
        hint: format!(
            "give the Word document itself, or rename the file to .{} if it is the spreadsheet you meant",
            found.extension()
        ),
    }
}

/// What a sheet of a Word document's workbook stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentPart {
    /// A table (`table 3`, `table 3.1`).
    Table,
    /// Paragraphs outside tables (`text before table 3`).
    Text,
}

/// Tells a table sheet from a sheet of paragraphs by its name.
pub fn document_part(sheet_name: &str) -> DocumentPart {
    if sheet_name.starts_with("text") {
        DocumentPart::Text
    } else {
        DocumentPart::Table
    }
}

/// The largest document part read (uncompressed); real documents are far smaller.
const MAX_MAIN_PART: u64 = 128 << 20;
/// The largest styles, numbering, relationships or content-types part read.
const MAX_SIDE_PART: u64 = 16 << 20;
/// Tables nested deeper than this are read as lines of the enclosing cell
/// (up to the `depth` limit, past which the file is refused).
const MAX_TABLE_DEPTH: usize = 8;
/// XML elements may nest this many times as deep as the `depth` limit lets
/// tables nest (a table level is several elements: table, row, cell, paragraph…).
const ELEMENTS_PER_LEVEL: usize = 16;
/// Word allows 63 columns; a wider grid is damage, not data.
const MAX_COLUMNS: u32 = 1000;
/// Cells of one table's grid (rows × columns).
const MAX_TABLE_CELLS: u64 = 4_000_000;

const W_NS: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const W14_NS: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Content types of the main part of a Word document, template or macro-enabled file.
const WORD_MAIN_TYPES: &[&str] = &[
    "wordprocessingml.document.main+xml",
    "wordprocessingml.template.main+xml",
    "ms-word.document.macroenabled.main+xml",
    "ms-word.template.macroenabledtemplate.main+xml",
];

/// Reads a Word document's tables and paragraphs into a workbook, within the
/// default limits.
pub fn read_docx(file: &str, bytes: &[u8]) -> Result<Workbook, ImportError> {
    read_docx_within(file, bytes, &super::Limits::default())
}

/// Reads a Word document's tables and paragraphs into a workbook; tables
/// nested deeper than `limits.depth` refuse the file.
pub fn read_docx_within(
    file: &str,
    bytes: &[u8],
    limits: &super::Limits,
) -> Result<Workbook, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::corrupt(InputFormat::Docx, e))?;
    let types = read_part(&mut zip, "[Content_Types].xml", MAX_SIDE_PART)?;
    let main = main_part(types.as_deref(), &mut zip)?;
    let (styles_name, numbering_name) = related_parts(&mut zip, &main)?;
    let styles = match read_part(&mut zip, &styles_name, MAX_SIDE_PART)? {
        Some(xml) => Styles::parse(&utf8(xml, &styles_name)?)?,
        None => Styles::default(),
    };
    let numbering = match read_part(&mut zip, &numbering_name, MAX_SIDE_PART)? {
        Some(xml) => Numbering::parse(&utf8(xml, &numbering_name)?)?,
        None => Numbering::default(),
    };
    let xml = read_part(&mut zip, &main, MAX_MAIN_PART)?.ok_or_else(|| ImportError::Corrupt {
        detail: format!("a Word document without its main part {main}"),
    })?;
    let xml = utf8(xml, &main)?;
    let lists = Lists {
        styles: &styles,
        numbering: &numbering,
    };
    let sheets = Parser::new(lists, limits.depth).parse(&xml, &main)?;
    Ok(Workbook {
        file: file.to_string(),
        format: InputFormat::Docx,
        sheets,
        encoding: None,
        delimiter: None,
        notes: Vec::new(),
    })
}

/// The bytes of a part, or `None` when the archive has no such part. A part
/// larger than `limit` (as stored or once unpacked) is refused.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, ImportError> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let entry = zip.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.to_lowercase().contains("password") => {
            ImportError::Encrypted
        }
        e => ImportError::Corrupt {
            detail: format!("a Word document whose part {name} cannot be unpacked ({e})"),
        },
    })?;
    if entry.size() > limit {
        return Err(too_large(name, entry.size()));
    }
    let mut out = Vec::with_capacity(entry.size() as usize);
    entry
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::Corrupt {
            detail: format!("a Word document whose part {name} cannot be unpacked ({e})"),
        })?;
    if out.len() as u64 > limit {
        return Err(too_large(name, out.len() as u64));
    }
    Ok(Some(out))
}

fn too_large(name: &str, size: u64) -> ImportError {
    ImportError::Unsupported {
        what: format!(
            "a Word document whose part {name} unpacks to more than {} MB ({} MB)",
            MAX_MAIN_PART >> 20,
            size >> 20
        ),
        hint: "split the document, or remove embedded objects and save it again".into(),
    }
}

/// XML parts are UTF-8 in practice; the standard also allows UTF-16.
fn utf8(bytes: Vec<u8>, part: &str) -> Result<String, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(&bytes);
        let text = if bytes.starts_with(&[0xFE, 0xFF]) {
            encoding_rs::UTF_16BE.decode(&bytes).0
        } else {
            text
        };
        if bad {
            return Err(ImportError::Corrupt {
                detail: format!("a Word document whose part {part} is not valid UTF-16"),
            });
        }
        // The declaration still says UTF-16; the parser reads the text as it now is.
        return Ok(text.replacen("encoding=\"UTF-16\"", "", 1));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| ImportError::Corrupt {
        detail: format!(
            "a Word document whose part {part} is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// The main document part named by `[Content_Types].xml`, or the usual
/// `word/document.xml`. Anything else is not a Word document.
fn main_part(
    types: Option<&[u8]>,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
) -> Result<String, ImportError> {
    let mut other_office = None;
    if let Some(types) = types {
        let text = String::from_utf8_lossy(types);
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Override" => {
                    let kind = attr(&e, "ContentType").unwrap_or_default().to_lowercase();
                    let part = attr(&e, "PartName").unwrap_or_default();
                    if WORD_MAIN_TYPES.iter().any(|t| kind.ends_with(t)) {
                        let part = part.trim_start_matches('/').to_string();
                        if zip.index_for_name(&part).is_some() {
                            return Ok(part);
                        }
                    } else if kind.contains("spreadsheetml.sheet.main")
                        || kind.contains("ms-excel.sheet")
                    {
                        other_office = Some("an Excel workbook");
                    } else if kind.contains("presentationml.presentation.main") {
                        other_office = Some("a PowerPoint presentation");
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    if other_office.is_none() && zip.index_for_name("word/document.xml").is_some() {
        return Ok("word/document.xml".into());
    }
    Err(ImportError::WrongType {
        found: other_office
            .map(str::to_string)
            .unwrap_or_else(|| "a zip archive without a Word document inside".into()),
        expected: "a Word document".into(),
        hint: "give the .docx file itself; a spreadsheet must keep its .xlsx name".into(),
    })
}

/// The styles and numbering parts of the main part, from its relationships.
fn related_parts(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    main: &str,
) -> Result<(String, String), ImportError> {
    let (dir, name) = main.rsplit_once('/').unwrap_or(("", main));
    let rels_name = if dir.is_empty() {
        format!("_rels/{name}.rels")
    } else {
        format!("{dir}/_rels/{name}.rels")
    };
    let mut styles = join_part(dir, "styles.xml");
    let mut numbering = join_part(dir, "numbering.xml");
    if let Some(rels) = read_part(zip, &rels_name, MAX_SIDE_PART)? {
        let text = String::from_utf8_lossy(&rels);
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    let kind = attr(&e, "Type").unwrap_or_default();
                    let Some(target) = attr(&e, "Target") else {
                        continue;
                    };
                    if attr(&e, "TargetMode").is_some_and(|m| m == "External") {
                        continue;
                    }
                    if kind.ends_with("/styles") {
                        styles = join_part(dir, &target);
                    } else if kind.ends_with("/numbering") {
                        numbering = join_part(dir, &target);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    Ok((styles, numbering))
}

/// A relationship target resolved against the folder of its source part.
fn join_part(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    } else if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for piece in target.split('/') {
        match piece {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// An attribute's value by its local name (Word's attributes are all `w:`).
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// An on/off property: present without a value means on.
fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// The left indentation of a `w:ind`, in twips.
fn indent(e: &BytesStart) -> Option<i32> {
    attr(e, "left")
        .or_else(|| attr(e, "start"))?
        .trim()
        .parse()
        .ok()
}

fn val_u32(e: &BytesStart) -> Option<u32> {
    attr(e, "val")?.trim().parse().ok()
}

/// The namespace of an element, as far as this reader cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    W,
    W14,
    Mc,
    Other,
}

fn ns_of(r: &ResolveResult) -> Ns {
    match r {
        ResolveResult::Bound(ns) => {
            let uri: &str = ns.as_ref();
            if W_NS.contains(&uri) {
                Ns::W
            } else if uri == W14_NS {
                Ns::W14
            } else if uri == MC_NS {
                Ns::Mc
            } else {
                Ns::Other
            }
        }
        _ => Ns::Other,
    }
}

/// A paragraph's numbering reference: `w:numPr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NumRef {
    num_id: Option<u32>,
    level: Option<u8>,
}

/// Paragraph and numbering styles: what is needed to tell list items.
#[derive(Debug, Default)]
struct Styles {
    styles: HashMap<String, StyleInfo>,
}

#[derive(Debug, Default)]
struct StyleInfo {
    based_on: Option<String>,
    num: NumRef,
    indent: Option<i32>,
}

impl Styles {
    fn parse(xml: &str) -> Result<Self, ImportError> {
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
struct Numbering {
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
    fn parse(xml: &str) -> Result<Self, ImportError> {
        let mut out = Numbering::default();
        let mut abstract_id: Option<u32> = None;
        let mut level: Option<u8> = None;
        let mut num_id: Option<u32> = None;
        let mut skip = 0usize;
        walk(xml, "numbering.xml", |ev| match ev {
            Walk::Start(name, e, empty) => {
                if skip > 0 {
                    if !empty {
                        skip += 1;
                    }
                    return;
                }
                match name {
                    "abstractNum" => {
                        abstract_id = attr(e, "abstractNumId").and_then(|v| v.parse().ok());
                        if let Some(id) = abstract_id {
                            out.abstracts.entry(id).or_default();
                        }
                    }
                    "num" => num_id = attr(e, "numId").and_then(|v| v.parse().ok()),
                    // Overrides restart counters or restyle levels; neither
                    // changes whether a paragraph is a list item.
                    "lvlOverride" | "rPr" if !empty => {
                        skip = 1;
                    }
                    "abstractNumId" => {
                        if let (Some(n), Some(a)) = (num_id, val_u32(e)) {
                            out.nums.insert(n, a);
                        }
                    }
                    "lvl" if abstract_id.is_some() => {
                        level = attr(e, "ilvl").and_then(|v| v.parse().ok());
                    }
                    "numFmt" | "lvlText" | "pStyle" => {
                        let (Some(a), Some(l)) = (abstract_id, level) else {
                            return;
                        };
                        let entry = out
                            .abstracts
                            .entry(a)
                            .or_default()
                            .levels
                            .entry(l)
                            .or_default();
                        let v = attr(e, "val").unwrap_or_default();
                        match name {
                            "numFmt" => entry.format = v,
                            "lvlText" => entry.text = v,
                            _ => entry.style = Some(v),
                        }
                    }
                    "ind" => {
                        if let (Some(a), Some(l)) = (abstract_id, level) {
                            out.abstracts
                                .entry(a)
                                .or_default()
                                .levels
                                .entry(l)
                                .or_default()
                                .indent = indent(e);
                        }
                    }
                    "numStyleLink" => {
                        if let Some(a) = abstract_id {
                            out.abstracts.entry(a).or_default().style_link = attr(e, "val");
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
                match name {
                    "abstractNum" => abstract_id = None,
                    "lvl" => level = None,
                    "num" => num_id = None,
                    _ => {}
                }
            }
        })?;
        Ok(out)
    }
}

/// Styles and numbering together: decides whether a paragraph is a list item.
struct Lists<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
}

impl Lists<'_> {
    /// The list level and left indentation of a paragraph with direct
    /// numbering `direct`, paragraph style `style` and direct indentation
    /// `indent`, or `None` when Word shows no list marker.
    fn level(
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

/// Events of a side part, with local names only.
enum Walk<'a, 'e> {
    Start(&'a str, &'a BytesStart<'e>, bool),
    End(&'a str),
}

fn walk(xml: &str, part: &str, mut f: impl FnMut(Walk)) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let pos = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => f(Walk::Start(e.local_name().as_ref(), &e, false)),
            Ok(Event::Empty(e)) => {
                let name = e.local_name();
                f(Walk::Start(name.as_ref(), &e, true));
                f(Walk::End(name.as_ref()));
            }
            Ok(Event::End(e)) => f(Walk::End(e.local_name().as_ref())),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(xml_error(part, pos, e)),
        }
    }
}

fn xml_error(part: &str, pos: u64, e: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt {
        detail: format!(
            "a Word document whose part {part} is not well-formed XML near byte {pos} ({e})"
        ),
    }
}

/// The symbol fonts whose characters Word draws as other signs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Font {
    #[default]
    Plain,
    Symbol,
    Wingdings,
    Wingdings2,
}

impl Font {
    fn named(name: &str) -> Font {
        let n = name.trim().to_ascii_lowercase();
        if n.starts_with("wingdings 2") || n == "wingdings2" {
            Font::Wingdings2
        } else if n.starts_with("wingdings") {
            Font::Wingdings
        } else if n == "symbol" {
            Font::Symbol
        } else {
            Font::Plain
        }
    }

    /// The sign a character of this font shows. Ticks, crosses and boxes
    /// become their Unicode signs so marks in grids can be read; other
    /// symbols become the private-use character Word itself uses (which the
    /// bullet splitter knows).
    fn sign(self, c: char) -> char {
        let code = c as u32;
        let low = match code {
            0xF000..=0xF0FF => code - 0xF000,
            0..=0xFF => code,
            _ => return c,
        };
        let pua = || char::from_u32(0xF000 + low).unwrap_or(c);
        match self {
            Font::Plain => c,
            Font::Symbol => match low {
                0xB7 => '•',
                _ => c,
            },
            Font::Wingdings => match low {
                0xFE => '☑',
                0xFD | 0x78 => '☒',
                0xFC => '✓',
                0xFB => '✗',
                0xA8 | 0x6F | 0x71 => '☐',
                0x6E => '■',
                0x6C => '●',
                0x9F => '•',
                _ => pua(),
            },
            Font::Wingdings2 => match low {
                0x50 => '✓',
                0x4F => '✗',
                0x52 => '☑',
                0x51 | 0x53 | 0x54 => '☒',
                0xA3 => '☐',
                _ => pua(),
            },
        }
    }
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num: NumRef,
    /// Left indentation given on the paragraph itself, in twips.
    indent: Option<i32>,
    /// Lines of text boxes anchored in the paragraph, shown after it.
    extra: Vec<Line>,
}

/// A finished paragraph: its text, and for a list item its level and indentation.
struct Line {
    text: String,
    list: Option<(u8, Option<i32>)>,
}

impl Line {
    fn plain(text: String) -> Self {
        Self { text, list: None }
    }
}

/// Where finished paragraphs go.
struct Container {
    lines: Vec<Line>,
}

/// The lines of a cell (or text box, or run of paragraphs) as text. List
/// items are bullets at the depth they are shown at: Word's "List Bullet 2"
/// is a list of its own at level 0, only indented further, so depth comes
/// from indentation where it is known and from the list level otherwise.
fn render(lines: Vec<Line>) -> Vec<String> {
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

#[derive(Default)]
struct CellB {
    lines: Vec<String>,
    span: u32,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    vmerge: Option<bool>,
    hmerge: Option<bool>,
    deleted: bool,
}

#[derive(Default)]
struct RowB {
    before: u32,
    cells: Vec<CellB>,
    deleted: bool,
}

struct TableB {
    name: String,
    slot: usize,
    rows: Vec<RowB>,
    children: u32,
    /// Whether a cell of this table is open (its lines are the top container).
    open_cell: bool,
}

/// A content control.
#[derive(Default)]
struct Sdt {
    checkbox: Option<bool>,
    placeholder: bool,
}

/// A legacy form field (`w:ffData`).
#[derive(Default)]
struct FormField {
    checkbox: bool,
    default: bool,
    checked: Option<bool>,
    entries: Vec<String>,
    result: Option<usize>,
}

struct Run {
    font: Font,
    hidden: bool,
}

/// A finished sheet waiting for its place in document order.
struct SheetOut {
    name: String,
    rows: Vec<Vec<String>>,
    merges: Vec<MergedRange>,
}

struct Parser<'a> {
    lists: Lists<'a>,
    /// Sheets in document order; a table's slot is taken when it starts.
    slots: Vec<Option<SheetOut>>,
    top_tables: u32,
    tables: Vec<TableB>,
    /// Tables too deep to keep apart, read as lines of the enclosing cell.
    flattened: usize,
    containers: Vec<Container>,
    paras: Vec<Para>,
    run: Option<Run>,
    in_text: bool,
    in_ppr: bool,
    in_rpr: bool,
    in_trpr: bool,
    in_tcpr: bool,
    in_sdt_pr: bool,
    sdts: Vec<Sdt>,
    field: Option<FormField>,
    /// For each open `mc:AlternateContent`: whether one branch was taken.
    alternates: Vec<bool>,
    skip: usize,
    depth: usize,
    /// How deep tables may nest (the `depth` limit).
    max_tables: usize,
    /// Tables open around the current position, kept apart or flattened.
    open_tables: usize,
    /// A table that could not be kept; the file fails with it.
    failed: Option<ImportError>,
}

impl<'a> Parser<'a> {
    fn new(lists: Lists<'a>, max_tables: usize) -> Self {
        Self {
            lists,
            slots: Vec::new(),
            top_tables: 0,
            tables: Vec::new(),
            flattened: 0,
            containers: vec![Container { lines: Vec::new() }],
            paras: Vec::new(),
            run: None,
            in_text: false,
            in_ppr: false,
            in_rpr: false,
            in_trpr: false,
            in_tcpr: false,
            in_sdt_pr: false,
            sdts: Vec::new(),
            field: None,
            alternates: Vec::new(),
            skip: 0,
            depth: 0,
            max_tables,
            open_tables: 0,
            failed: None,
        }
    }

    fn parse(mut self, xml: &str, part: &str) -> Result<Vec<Sheet>, ImportError> {
        let mut reader = NsReader::from_str(xml);
        loop {
            let pos = reader.buffer_position();
            let (ns, event) = reader
                .read_resolved_event()
                .map_err(|e| xml_error(part, pos, e))?;
            let ns = ns_of(&ns);
            match event {
                Event::Start(e) => {
                    self.depth += 1;
                    let max_elements = self.max_tables.saturating_mul(ELEMENTS_PER_LEVEL);
                    if self.depth > max_elements {
                        return Err(ImportError::LimitExceeded {
                            limit: "depth",
                            detail: format!(
                                "its part {part} nests XML elements more than {max_elements} deep (near byte {pos}); with --limit depth=N elements may nest {ELEMENTS_PER_LEVEL}×N deep"
                            ),
                        });
                    }
                    self.start(ns, e.local_name().as_ref(), &e, false);
                }
                Event::Empty(e) if self.skip == 0 => {
                    let name = e.local_name();
                    self.start(ns, name.as_ref(), &e, true);
                    self.end(ns, name.as_ref());
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.end(ns, e.local_name().as_ref());
                }
                Event::Text(t) if self.in_text && self.skip == 0 => {
                    self.push_text(&t.xml10_content());
                }
                Event::GeneralRef(r) if self.in_text && self.skip == 0 => {
                    let name = r.xml10_content();
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        self.push_text(c.encode_utf8(&mut [0; 4]));
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                        self.push_text(s);
                    }
                }
                Event::Eof if self.depth > 0 => {
                    return Err(ImportError::Corrupt {
                        detail: format!(
                            "a Word document whose part {part} ends before its elements are closed (at byte {pos}); it may be truncated"
                        ),
                    });
                }
                Event::Eof => break,
                _ => {}
            }
            self.check_size(part)?;
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
        }
        self.flush_body_text(true);
        self.slots
            .into_iter()
            .flatten()
            .map(|s| {
                let cells = TextCells::from_rows(s.rows)?;
                Ok(Sheet::new(
                    s.name,
                    Visibility::Visible,
                    Cells::Text(cells),
                    s.merges,
                ))
            })
            .collect()
    }

    /// Refuses tables that would take more memory than any real document.
    fn check_size(&self, part: &str) -> Result<(), ImportError> {
        if let Some(t) = self.tables.last()
            && t.rows.len() as u64 > MAX_TABLE_CELLS
        {
            return Err(ImportError::Unsupported {
                what: format!(
                    "a Word document whose {} in {part} has more than {MAX_TABLE_CELLS} rows",
                    t.name
                ),
                hint: "split the table or the document".into(),
            });
        }
        Ok(())
    }

    fn start(&mut self, ns: Ns, name: &str, e: &BytesStart, empty: bool) {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        let skip = |p: &mut Self| {
            if !empty {
                p.skip = 1;
            }
        };
        match ns {
            Ns::Mc => match name {
                "AlternateContent" => self.alternates.push(false),
                "Choice" | "Fallback" => match self.alternates.last_mut() {
                    Some(taken) if *taken => skip(self),
                    Some(taken) => *taken = true,
                    None => {}
                },
                _ => {}
            },
            Ns::W14 if self.in_sdt_pr => match name {
                "checkbox" => {
                    if let Some(s) = self.sdts.last_mut() {
                        s.checkbox.get_or_insert(false);
                    }
                }
                "checked" => {
                    if let Some(s) = self.sdts.last_mut() {
                        s.checkbox = Some(attr(e, "val").is_some_and(|v| v == "1" || v == "true"));
                    }
                }
                _ => {}
            },
            Ns::W => self.start_w(name, e, empty),
            _ => {}
        }
    }

    fn start_w(&mut self, name: &str, e: &BytesStart, empty: bool) {
        let skip = |p: &mut Self| {
            if !empty {
                p.skip = 1;
            }
        };
        if name.ends_with("Change") {
            // The properties before a tracked formatting change.
            return skip(self);
        }
        if self.in_sdt_pr {
            match name {
                "showingPlcHdr" => {
                    if let Some(s) = self.sdts.last_mut() {
                        s.placeholder = on(e);
                    }
                }
                "rPr" => skip(self),
                _ => {}
            }
            return;
        }
        if self.in_trpr {
            match name {
                "gridBefore" => {
                    if let Some(r) = self.current_row() {
                        r.before = val_u32(e).unwrap_or(0).min(MAX_COLUMNS);
                    }
                }
                "del" => {
                    if let Some(r) = self.current_row() {
                        r.deleted = true;
                    }
                }
                _ => {}
            }
            return;
        }
        if self.in_tcpr {
            let cell = self.current_cell();
            match (name, cell) {
                ("gridSpan", Some(c)) => c.span = val_u32(e).unwrap_or(1).clamp(1, MAX_COLUMNS),
                ("vMerge", Some(c)) => {
                    c.vmerge = Some(attr(e, "val").is_some_and(|v| v == "restart"))
                }
                ("hMerge", Some(c)) => {
                    c.hmerge = Some(attr(e, "val").is_some_and(|v| v == "restart"))
                }
                ("cellDel", Some(c)) => c.deleted = true,
                _ => {}
            }
            return;
        }
        if self.in_ppr {
            match name {
                "pStyle" => {
                    if let Some(p) = self.paras.last_mut() {
                        p.style = attr(e, "val");
                    }
                }
                "numId" => {
                    if let Some(p) = self.paras.last_mut() {
                        p.num.num_id = val_u32(e);
                    }
                }
                "ilvl" => {
                    if let Some(p) = self.paras.last_mut() {
                        p.num.level = val_u32(e).map(|l| l.min(8) as u8);
                    }
                }
                "ind" => {
                    if let Some(p) = self.paras.last_mut() {
                        p.indent = indent(e);
                    }
                }
                "rPr" => skip(self),
                _ => {}
            }
            return;
        }
        if self.in_rpr {
            if let Some(run) = &mut self.run {
                match name {
                    "rFonts" => {
                        let font = attr(e, "ascii")
                            .or_else(|| attr(e, "hAnsi"))
                            .or_else(|| attr(e, "cs"));
                        if let Some(f) = font {
                            run.font = Font::named(&f);
                        }
                    }
                    "vanish" => run.hidden = on(e),
                    _ => {}
                }
            }
            return;
        }
        if let Some(field) = &mut self.field {
            match name {
                "checkBox" => field.checkbox = true,
                "default" => field.default = on(e),
                "checked" => field.checked = Some(on(e)),
                "listEntry" => field.entries.push(attr(e, "val").unwrap_or_default()),
                "result" => field.result = val_u32(e).map(|v| v as usize),
                _ => {}
            }
        }
        match name {
            "tbl" => self.start_table(),
            "tr" if self.flattened == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(RowB::default());
                }
            }
            "trPr" if self.flattened == 0 => self.in_trpr = !empty,
            "tc" if self.flattened == 0 && !self.tables.is_empty() => {
                let t = self.tables.last_mut().expect("checked");
                if t.rows.is_empty() {
                    t.rows.push(RowB::default());
                }
                t.rows.last_mut().expect("a row").cells.push(CellB {
                    span: 1,
                    ..CellB::default()
                });
                if !empty {
                    t.open_cell = true;
                    self.containers.push(Container { lines: Vec::new() });
                }
            }
            "tcPr" if self.flattened == 0 => self.in_tcpr = !empty,
            "p" => self.paras.push(Para::default()),
            "pPr" => self.in_ppr = !empty,
            "r" => {
                self.run = Some(Run {
                    font: Font::Plain,
                    hidden: false,
                })
            }
            "rPr" if self.run.is_some() => self.in_rpr = !empty,
            "t" => {
                if self.run.as_ref().is_some_and(|r| r.hidden) {
                    skip(self);
                } else {
                    self.in_text = !empty;
                }
            }
            "tab" | "ptab" if self.run.is_some() => self.push_raw("\t"),
            "br" | "cr" if self.run.is_some() => self.push_raw("\n"),
            "noBreakHyphen" if self.run.is_some() => self.push_raw("-"),
            "sym" => {
                let font = Font::named(&attr(e, "font").unwrap_or_default());
                if let Some(c) = attr(e, "char")
                    .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
                    .and_then(char::from_u32)
                {
                    let c = font.sign(c);
                    self.push_raw(c.encode_utf8(&mut [0; 4]));
                }
            }
            // Tracked deletions and field instructions are not shown text.
            "del" | "moveFrom" | "delText" | "instrText" | "delInstrText" => skip(self),
            "sdt" => self.sdts.push(Sdt::default()),
            "sdtPr" => self.in_sdt_pr = !empty,
            "sdtEndPr" => skip(self),
            "sdtContent" => {
                let (placeholder, checkbox) = self
                    .sdts
                    .last()
                    .map_or((false, None), |s| (s.placeholder, s.checkbox));
                if let Some(checked) = checkbox {
                    self.push_raw(if checked { "☒" } else { "☐" });
                    skip(self);
                } else if placeholder {
                    skip(self);
                }
            }
            "ffData" => self.field = Some(FormField::default()),
            "txbxContent" => self.containers.push(Container { lines: Vec::new() }),
            _ => {}
        }
    }

    fn end(&mut self, ns: Ns, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match (ns, name) {
            (Ns::Mc, "AlternateContent") => {
                self.alternates.pop();
            }
            (Ns::W, _) => self.end_w(name),
            _ => {}
        }
    }

    fn end_w(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "r" => {
                self.run = None;
                self.in_rpr = false;
            }
            "rPr" => self.in_rpr = false,
            "pPr" => self.in_ppr = false,
            "trPr" => self.in_trpr = false,
            "tcPr" => self.in_tcpr = false,
            "sdtPr" => self.in_sdt_pr = false,
            "sdt" => {
                self.sdts.pop();
            }
            "p" => self.end_paragraph(),
            "ffData" => {
                if let Some(f) = self.field.take() {
                    if f.checkbox {
                        let checked = f.checked.unwrap_or(f.default);
                        self.push_raw(if checked { "☒" } else { "☐" });
                    } else if !f.entries.is_empty() {
                        let chosen = f.entries.get(f.result.unwrap_or(0)).cloned();
                        if let Some(s) = chosen {
                            self.push_raw(&s);
                        }
                    }
                }
            }
            "txbxContent" if self.containers.len() > 1 => {
                let lines = self.containers.pop().map(|c| c.lines).unwrap_or_default();
                let lines = render(lines).into_iter().map(Line::plain);
                match self.paras.last_mut() {
                    Some(p) => p.extra.extend(lines),
                    None => self.container().lines.extend(lines),
                }
            }
            "tc" if self.flattened == 0 => {
                if let Some(t) = self.tables.last_mut()
                    && t.open_cell
                {
                    t.open_cell = false;
                    self.end_cell();
                }
            }
            "tbl" => self.end_table(),
            "body" => self.flush_body_text(true),
            _ => {}
        }
    }

    fn start_table(&mut self) {
        self.open_tables += 1;
        if self.open_tables > self.max_tables && self.failed.is_none() {
            self.failed = Some(ImportError::LimitExceeded {
                limit: "depth",
                detail: format!(
                    "a Word document with tables nested more than {} deep (each inside a cell of the one before)",
                    self.max_tables
                ),
            });
        }
        if self.flattened > 0 || self.tables.len() >= MAX_TABLE_DEPTH {
            self.flattened += 1;
            return;
        }
        if self.tables.is_empty() && self.containers.len() == 1 {
            self.flush_body_text(false);
        }
        let name = match self.tables.last_mut() {
            Some(parent) => {
                parent.children += 1;
                format!("{}.{}", parent.name, parent.children)
            }
            None => {
                self.top_tables += 1;
                format!("table {}", self.top_tables)
            }
        };
        self.slots.push(None);
        self.tables.push(TableB {
            name,
            slot: self.slots.len() - 1,
            rows: Vec::new(),
            children: 0,
            open_cell: false,
        });
    }

    fn end_table(&mut self) {
        self.open_tables = self.open_tables.saturating_sub(1);
        if self.flattened > 0 {
            self.flattened -= 1;
            return;
        }
        if let Some(t) = self.tables.pop() {
            let slot = t.slot;
            match build_table(t) {
                Ok(sheet) => self.slots[slot] = Some(sheet),
                Err(e) => self.failed = Some(e),
            }
        }
    }

    /// Moves the open cell's lines into the last cell of the innermost table.
    fn end_cell(&mut self) {
        if self.containers.len() <= 1 {
            return;
        }
        let lines = render(self.containers.pop().map(|c| c.lines).unwrap_or_default());
        if let Some(cell) = self
            .tables
            .last_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
        {
            cell.lines = lines;
        }
    }

    fn current_row(&mut self) -> Option<&mut RowB> {
        if self.flattened > 0 {
            return None;
        }
        self.tables.last_mut()?.rows.last_mut()
    }

    fn current_cell(&mut self) -> Option<&mut CellB> {
        self.current_row()?.cells.last_mut()
    }

    fn container(&mut self) -> &mut Container {
        self.containers
            .last_mut()
            .expect("the body container is never popped")
    }

    fn push_text(&mut self, s: &str) {
        let font = self.run.as_ref().map_or(Font::Plain, |r| r.font);
        if font == Font::Plain {
            self.push_raw(s);
        } else {
            let mapped: String = s.chars().map(|c| font.sign(c)).collect();
            self.push_raw(&mapped);
        }
    }

    fn push_raw(&mut self, s: &str) {
        match self.paras.last_mut() {
            Some(p) => p.text.push_str(s),
            // A checkbox control around paragraphs, or text outside any paragraph.
            None => self.container().lines.push(Line::plain(s.to_string())),
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let list = self.lists.level(p.num, p.style.as_deref(), p.indent);
        let text = p.text.trim_end();
        let mut out = Vec::new();
        if !text.trim().is_empty() {
            out.push(Line {
                text: text.to_string(),
                list,
            });
        }
        out.extend(p.extra);
        self.container().lines.extend(out);
    }

    /// Turns the paragraphs read since the last table into a sheet of their
    /// own, named after the table that follows (or the last one, at the end).
    fn flush_body_text(&mut self, at_end: bool) {
        if self.containers.len() != 1 {
            return;
        }
        let lines = render(std::mem::take(&mut self.containers[0].lines));
        let rows: Vec<Vec<String>> = lines
            .iter()
            .flat_map(|l| l.split('\n'))
            .filter(|l| !l.trim().is_empty())
            .map(|l| vec![l.to_string()])
            .collect();
        if rows.is_empty() {
            return;
        }
        let top = self.top_tables;
        let name = match (at_end, top) {
            (false, _) => format!("text before table {}", top + 1),
            (true, 0) => "text".to_string(),
            (true, _) => format!("text after table {top}"),
        };
        self.slots.push(Some(SheetOut {
            name,
            rows,
            merges: Vec::new(),
        }));
    }
}

/// Places a table's cells on Word's column grid, with merged ranges.
fn build_table(t: TableB) -> Result<SheetOut, ImportError> {
    let mut ranges: Vec<MergedRange> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    // Vertical merges open at a column, continued by the next row.
    let mut open: HashMap<u32, usize> = HashMap::new();
    let mut row = 0u32;
    for r in t.rows {
        if r.deleted {
            continue;
        }
        let mut col = r.before;
        let mut still_open = HashMap::new();
        let mut previous: Option<usize> = None;
        for cell in r.cells {
            if cell.deleted {
                continue;
            }
            if col >= MAX_COLUMNS {
                break;
            }
            let span = cell.span.min(MAX_COLUMNS - col);
            let text = cell.lines.join("\n");
            if cell.hmerge == Some(false)
                && let Some(i) = previous
            {
                ranges[i].last_col = col + span - 1;
                append(&mut texts[i], &text);
                col += span;
                continue;
            }
            if cell.vmerge == Some(false)
                && let Some(&i) = open.get(&col)
                && ranges[i].last_row + 1 == row
            {
                ranges[i].last_row = row;
                append(&mut texts[i], &text);
                still_open.insert(col, i);
                previous = Some(i);
                col += span;
                continue;
            }
            ranges.push(MergedRange {
                first_row: row,
                first_col: col,
                last_row: row,
                last_col: col + span - 1,
            });
            texts.push(text);
            let i = ranges.len() - 1;
            if cell.vmerge.is_some() {
                still_open.insert(col, i);
            }
            previous = Some(i);
            col += span;
        }
        open = still_open;
        row += 1;
    }
    let width = ranges.iter().map(|m| m.last_col + 1).max().unwrap_or(0);
    if u64::from(width) * u64::from(row) > MAX_TABLE_CELLS {
        return Err(ImportError::Unsupported {
            what: format!(
                "a Word document whose {} has {row} rows × {width} columns",
                t.name
            ),
            hint: "split the table or the document".into(),
        });
    }
    let mut rows = vec![vec![String::new(); width as usize]; row as usize];
    for (m, text) in ranges.iter().zip(texts) {
        rows[m.first_row as usize][m.first_col as usize] = text;
    }
    let merges = ranges
        .into_iter()
        .filter(|m| m.last_row > m.first_row || m.last_col > m.first_col)
        .collect();
    Ok(SheetOut {
        name: t.name,
        rows,
        merges,
    })
}

/// Adds the text of a merged-away cell to the cell that shows it.
fn append(target: &mut String, more: &str) {
    if more.trim().is_empty() {
        return;
    }
    if !target.is_empty() {
        target.push('\n');
    }
    target.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// A minimal .docx around a document body, with optional numbering and styles.
    pub(crate) fn docx(body: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, text: &str| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        );
        put(
            "word/document.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:w14="{W14_NS}" xmlns:mc="{MC_NS}"><w:body>{body}</w:body></w:document>"#
            ),
        );
        if let Some(n) = numbering {
            put(
                "word/numbering.xml",
                &format!(r#"<w:numbering xmlns:w="{W}">{n}</w:numbering>"#),
            );
        }
        if let Some(s) = styles {
            put(
                "word/styles.xml",
                &format!(r#"<w:styles xmlns:w="{W}">{s}</w:styles>"#),
            );
        }
        zip.finish().unwrap();
        buf.into_inner()
    }

    fn cell(xml: &str) -> String {
        format!("<w:tc>{xml}</w:tc>")
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn text(sheet: &Sheet, row: u32, col: u32) -> String {
        sheet.value(row, col).to_text()
    }

    const BULLETS: &str = r#"<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pStyle w:val="ListBullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:pStyle w:val="ListBullet2"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>"#;

    #[test]
    fn numbered_and_styled_list_items_become_bullets_and_sub_bullets() {
        let styles = r#"<w:style w:type="paragraph" w:styleId="ListBullet"><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet2"><w:basedOn w:val="ListBullet"/></w:style>"#;
        let body = format!(
            "<w:tbl><w:tr>{}</w:tr></w:tbl>",
            cell(&format!(
                "{}<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>Theory</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>Detail</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet\"/></w:pPr><w:r><w:t>Styled</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet2\"/></w:pPr><w:r><w:t>Styled sub</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr><w:r><w:t>Not a list</w:t></w:r></w:p>",
                p("He/she knows:")
            ))
        );
        let wb = read_docx("u.docx", &docx(&body, Some(BULLETS), Some(styles))).unwrap();
        assert_eq!(wb.sheets.len(), 1);
        assert_eq!(wb.sheets[0].name, "table 1");
        assert_eq!(
            text(&wb.sheets[0], 0, 0),
            "He/she knows:\n• Theory\n  o Detail\n• Styled\n  o Styled sub\nNot a list"
        );
    }

    #[test]
    fn grid_spans_and_vertical_merges_become_merged_ranges() {
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell(&format!(
                "<w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>{}",
                p("Learning outcomes")
            )),
            cell(&p("Remarks")),
            cell(&format!(
                "<w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>{}",
                p("Knowledge")
            )),
            cell(&p("a")),
            cell(&p("x")),
            cell("<w:tcPr><w:vMerge/></w:tcPr><w:p/>"),
            cell(&p("b")),
            cell(&p("y")),
        );
        let wb = read_docx("u.docx", &docx(&body, None, None)).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(text(s, 0, 0), "Learning outcomes");
        assert_eq!(text(s, 0, 2), "Remarks");
        assert_eq!(text(s, 1, 0), "Knowledge");
        assert_eq!(text(s, 2, 1), "b");
        assert!(s.merges().contains(&MergedRange {
            first_row: 0,
            first_col: 0,
            last_row: 0,
            last_col: 1
        }));
        assert!(s.merges().contains(&MergedRange {
            first_row: 1,
            first_col: 0,
            last_row: 2,
            last_col: 0
        }));
        assert_eq!(s.shown_value(2, 0).to_text(), "Knowledge");
    }

    #[test]
    fn tracked_insertions_are_kept_and_deletions_dropped() {
        let body = "<w:p><w:r><w:t xml:space=\"preserve\">EQF-level: </w:t></w:r><w:del w:id=\"1\"><w:r><w:delText>3</w:delText></w:r></w:del><w:ins w:id=\"2\"><w:r><w:t>4</w:t></w:r></w:ins></w:p><w:tbl><w:tr><w:trPr><w:del w:id=\"3\"/></w:trPr>".to_string()
            + &cell(&p("deleted row"))
            + "</w:tr><w:tr>"
            + &cell(&p("kept row"))
            + "</w:tr></w:tbl>";
        let wb = read_docx("u.docx", &docx(&body, None, None)).unwrap();
        assert_eq!(wb.sheets[0].name, "text before table 1");
        assert_eq!(text(&wb.sheets[0], 0, 0), "EQF-level: 4");
        assert_eq!(text(&wb.sheets[1], 0, 0), "kept row");
        assert_eq!(wb.sheets[1].row_end(), 1);
    }

    #[test]
    fn checkboxes_and_content_controls_are_read_and_placeholders_left_out() {
        let sdt_box = |checked: &str| {
            format!(
                "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{checked}\"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>?</w:t></w:r></w:sdtContent></w:sdt>"
            )
        };
        let legacy = "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:default w:val=\"0\"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
        let body = format!(
            "<w:tbl><w:tr>{}{}{}{}{}</w:tr></w:tbl>",
            cell(&format!("<w:p>{}</w:p>", sdt_box("1"))),
            cell(&format!("<w:p>{}</w:p>", sdt_box("0"))),
            cell(&format!("<w:p>{legacy}</w:p>")),
            cell(
                "<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt></w:p>"
            ),
            cell(
                "<w:p><w:sdt><w:sdtPr><w:alias w:val=\"Learner\"/></w:sdtPr><w:sdtContent><w:r><w:t>Anna Ozola</w:t></w:r></w:sdtContent></w:sdt></w:p>"
            ),
        );
        let wb = read_docx("g.docx", &docx(&body, None, None)).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(text(s, 0, 0), "☒");
        assert_eq!(text(s, 0, 1), "☐");
        assert_eq!(text(s, 0, 2), "☒");
        assert_eq!(text(s, 0, 3), "");
        assert_eq!(text(s, 0, 4), "Anna Ozola");
    }

    #[test]
    fn wingdings_ticks_and_symbol_bullets_become_their_signs() {
        let body = format!(
            "<w:tbl><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("<w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/></w:r></w:p>"),
            cell(
                "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr><w:t>x</w:t></w:r></w:p>"
            ),
            cell(
                "<w:p><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:tab/><w:t>Sensors</w:t></w:r></w:p>"
            ),
        );
        let wb = read_docx("g.docx", &docx(&body, None, None)).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(text(s, 0, 0), "✓");
        assert_eq!(text(s, 0, 1), "☒");
        assert_eq!(text(s, 0, 2), "•\tSensors");
    }

    #[test]
    fn nested_tables_are_sheets_of_their_own_after_their_parent() {
        let inner = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", cell(&p("inner")));
        let body = format!(
            "{}<w:tbl><w:tr>{}</w:tr></w:tbl>{}<w:tbl><w:tr>{}</w:tr></w:tbl>{}",
            p("Title"),
            cell(&format!("{}{inner}<w:p/>", p("outer"))),
            p("between"),
            cell(&p("second")),
            p("Signature"),
        );
        let wb = read_docx("n.docx", &docx(&body, None, None)).unwrap();
        let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "text before table 1",
                "table 1",
                "table 1.1",
                "text before table 2",
                "table 2",
                "text after table 2"
            ]
        );
        assert_eq!(text(&wb.sheets[1], 0, 0), "outer");
        assert_eq!(text(&wb.sheets[2], 0, 0), "inner");
    }

    #[test]
    fn tables_nested_past_the_depth_limit_refuse_the_file_and_below_it_are_read() {
        let nested = |n: usize| {
            let mut body = p("deepest");
            for _ in 0..n {
                body = format!(
                    "<w:tbl><w:tr>{}</w:tr></w:tbl>",
                    cell(&format!("{body}<w:p/>"))
                );
            }
            docx(&body, None, None)
        };
        let limits = |depth| super::super::Limits {
            depth,
            ..Default::default()
        };
        // Deeper than 8 tables are flattened into their cell, still read.
        let wb = read_docx_within("n.docx", &nested(20), &limits(20)).unwrap();
        assert_eq!(wb.sheets.len(), 8);
        assert!(text(&wb.sheets[7], 0, 0).contains("deepest"));
        let err = read_docx_within("n.docx", &nested(21), &limits(20)).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "depth", detail } if detail.contains("nested more than 20")),
            "{err:?}"
        );
        // Elements nested past 16 × the limit, whatever they are.
        let deep = format!("{}{}", "<w:sdt>".repeat(400), "</w:sdt>".repeat(400));
        let err = read_docx_within("n.docx", &docx(&deep, None, None), &limits(20)).unwrap_err();
        assert!(
            matches!(&err, ImportError::LimitExceeded { limit: "depth", detail } if detail.contains("320 deep")),
            "{err:?}"
        );
    }

    #[test]
    fn text_boxes_and_alternate_content_are_read_once() {
        let body = "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>";
        let wb = read_docx("t.docx", &docx(body, None, None)).unwrap();
        assert_eq!(wb.sheets[0].name, "text");
        assert_eq!(text(&wb.sheets[0], 0, 0), "Anchor");
        assert_eq!(text(&wb.sheets[0], 1, 0), "Boxed");
        assert_eq!(wb.sheets[0].row_end(), 2);
    }

    #[test]
    fn a_spreadsheet_is_refused_at_once() {
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#).unwrap();
        zip.start_file("xl/workbook.xml", opts).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        zip.finish().unwrap();
        let err = read_docx("x.docx", &buf.into_inner()).unwrap_err();
        assert!(
            matches!(&err, ImportError::WrongType { found, .. } if found.contains("Excel")),
            "{err:?}"
        );
    }

    #[test]
    fn broken_xml_is_corrupt_with_its_place() {
        let err = read_docx(
            "b.docx",
            &docx("<w:p><w:r><w:t>oops</w:r></w:p>", None, None),
        )
        .unwrap_err();
        assert!(
            matches!(&err, ImportError::Corrupt { detail } if detail.contains("word/document.xml") && detail.contains("byte")),
            "{err:?}"
        );
    }

    #[test]
    fn part_targets_resolve_against_their_folder() {
        assert_eq!(join_part("word", "styles.xml"), "word/styles.xml");
        assert_eq!(join_part("word", "../custom/n.xml"), "custom/n.xml");
        assert_eq!(join_part("word", "/word/s.xml"), "word/s.xml");
    }
}
