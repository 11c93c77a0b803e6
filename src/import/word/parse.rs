//! The pass over a Word document's main part: one streaming walk that
//! gathers paragraphs into lines and tables into grids, in document order.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};

use super::super::ImportError;
use super::grid::{CellB, MAX_COLUMNS, MAX_TABLE_CELLS, RowB, build_table};
use super::lists::{Line, Lists, NumRef, render};
use super::symbols::Font;
use super::xml::{Ns, attr, doctype, indent, ns_of, on, undefined_entity, val_u32, xml_error};
use super::{Paragraphs, Part, TextPlace, table_name};

/// Tables nested deeper than this are read as lines of the enclosing cell
/// (up to the `depth` limit, past which the file is refused).
const MAX_TABLE_DEPTH: usize = 8;
/// XML elements may nest this many times as deep as the `depth` limit lets
/// tables nest (a table level is several elements: table, row, cell, paragraph…).
const ELEMENTS_PER_LEVEL: usize = 16;

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

/// Where finished paragraphs go.
struct Container {
    lines: Vec<Line>,
}

/// A table being read.
struct TableB {
    /// Its number ([`WordTable::number`]).
    number: Vec<u32>,
    /// Its place in [`Parser::slots`], taken when it starts.
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

pub(super) struct Parser<'a> {
    lists: Lists<'a>,
    /// Parts in document order; a table's slot is taken when it starts.
    slots: Vec<Option<Part>>,
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
    pub fn new(lists: Lists<'a>, max_tables: usize) -> Self {
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

    pub fn parse(mut self, xml: &str, part: &str) -> Result<Vec<Part>, ImportError> {
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
                Event::GeneralRef(r) => {
                    let name = r.xml10_content();
                    let text = if let Ok(Some(c)) = r.resolve_char_ref() {
                        c.to_string()
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                        s.to_string()
                    } else {
                        return Err(undefined_entity(part, pos, &name));
                    };
                    if self.in_text && self.skip == 0 {
                        self.push_text(&text);
                    }
                }
                Event::DocType(_) => return Err(doctype(part)),
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
        Ok(self.slots.into_iter().flatten().collect())
    }

    /// Refuses tables that would take more memory than any real document.
    fn check_size(&self, part: &str) -> Result<(), ImportError> {
        if let Some(t) = self.tables.last()
            && t.rows.len() as u64 > MAX_TABLE_CELLS
        {
            return Err(ImportError::Unsupported {
                what: format!(
                    "a Word document whose {} in {part} has more than {MAX_TABLE_CELLS} rows",
                    table_name(&t.number)
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

    /// Skips an element's content (nothing to skip in an empty one).
    fn skip_element(&mut self, empty: bool) {
        if !empty {
            self.skip = 1;
        }
    }

    /// A WordprocessingML element starts: a property of the element whose
    /// properties are open, or the document's content.
    fn start_w(&mut self, name: &str, e: &BytesStart, empty: bool) {
        if name.ends_with("Change") {
            // The properties before a tracked formatting change.
            return self.skip_element(empty);
        }
        if self.in_sdt_pr {
            return self.sdt_property(name, e, empty);
        }
        if self.in_trpr {
            return self.row_property(name, e);
        }
        if self.in_tcpr {
            return self.cell_property(name, e);
        }
        if self.in_ppr {
            return self.paragraph_property(name, e, empty);
        }
        if self.in_rpr {
            return self.run_property(name, e);
        }
        if self.field.is_some() {
            self.form_field_property(name, e);
        }
        if !self.table_element(name, empty) {
            self.content_element(name, e, empty);
        }
    }

    fn sdt_property(&mut self, name: &str, e: &BytesStart, empty: bool) {
        match name {
            "showingPlcHdr" => {
                if let Some(s) = self.sdts.last_mut() {
                    s.placeholder = on(e);
                }
            }
            "rPr" => self.skip_element(empty),
            _ => {}
        }
    }

    fn row_property(&mut self, name: &str, e: &BytesStart) {
        let Some(r) = self.current_row() else { return };
        match name {
            "gridBefore" => r.before = val_u32(e).unwrap_or(0).min(MAX_COLUMNS),
            "del" => r.deleted = true,
            _ => {}
        }
    }

    fn cell_property(&mut self, name: &str, e: &BytesStart) {
        let Some(c) = self.current_cell() else { return };
        match name {
            "gridSpan" => c.span = val_u32(e).unwrap_or(1).clamp(1, MAX_COLUMNS),
            "vMerge" => c.vmerge = Some(attr(e, "val").is_some_and(|v| v == "restart")),
            "hMerge" => c.hmerge = Some(attr(e, "val").is_some_and(|v| v == "restart")),
            "cellDel" => c.deleted = true,
            _ => {}
        }
    }

    fn paragraph_property(&mut self, name: &str, e: &BytesStart, empty: bool) {
        if name == "rPr" {
            return self.skip_element(empty);
        }
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        match name {
            "pStyle" => p.style = attr(e, "val"),
            "numId" => p.num.num_id = val_u32(e),
            "ilvl" => p.num.level = val_u32(e).map(|l| l.min(8) as u8),
            "ind" => p.indent = indent(e),
            _ => {}
        }
    }

    fn run_property(&mut self, name: &str, e: &BytesStart) {
        let Some(run) = &mut self.run else { return };
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

    fn form_field_property(&mut self, name: &str, e: &BytesStart) {
        let Some(field) = &mut self.field else { return };
        match name {
            "checkBox" => field.checkbox = true,
            "default" => field.default = on(e),
            "checked" => field.checked = Some(on(e)),
            "listEntry" => field.entries.push(attr(e, "val").unwrap_or_default()),
            "result" => field.result = val_u32(e).map(|v| v as usize),
            _ => {}
        }
    }

    /// A table, row or cell starts (or their properties); false when `name`
    /// is none of those, or belongs to a table read as lines.
    fn table_element(&mut self, name: &str, empty: bool) -> bool {
        match name {
            "tbl" => self.start_table(),
            "tr" if self.flattened == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(RowB::default());
                }
            }
            "trPr" if self.flattened == 0 => self.in_trpr = !empty,
            "tc" if self.flattened == 0 && !self.tables.is_empty() => self.start_cell(empty),
            "tcPr" if self.flattened == 0 => self.in_tcpr = !empty,
            _ => return false,
        }
        true
    }

    fn start_cell(&mut self, empty: bool) {
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

    /// Paragraphs, runs, their text, symbols, content controls and text boxes.
    fn content_element(&mut self, name: &str, e: &BytesStart, empty: bool) {
        match name {
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
                    self.skip_element(empty);
                } else {
                    self.in_text = !empty;
                }
            }
            "tab" | "ptab" if self.run.is_some() => self.push_raw("\t"),
            "br" | "cr" if self.run.is_some() => self.push_raw("\n"),
            "noBreakHyphen" if self.run.is_some() => self.push_raw("-"),
            "sym" => self.symbol(e),
            // Tracked deletions and field instructions are not shown text.
            "del" | "moveFrom" | "delText" | "instrText" | "delInstrText" => {
                self.skip_element(empty)
            }
            "sdt" => self.sdts.push(Sdt::default()),
            "sdtPr" => self.in_sdt_pr = !empty,
            "sdtEndPr" => self.skip_element(empty),
            "sdtContent" => self.start_sdt_content(empty),
            "ffData" => self.field = Some(FormField::default()),
            "txbxContent" => self.containers.push(Container { lines: Vec::new() }),
            _ => {}
        }
    }

    /// A `w:sym`: a character of a symbol font.
    fn symbol(&mut self, e: &BytesStart) {
        let font = Font::named(&attr(e, "font").unwrap_or_default());
        if let Some(c) = attr(e, "char")
            .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
            .and_then(char::from_u32)
        {
            let c = font.sign(c);
            self.push_raw(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// A content control's content: a checkbox's sign instead of its
    /// text, nothing for a placeholder, else the content itself.
    fn start_sdt_content(&mut self, empty: bool) {
        let (placeholder, checkbox) = self
            .sdts
            .last()
            .map_or((false, None), |s| (s.placeholder, s.checkbox));
        if let Some(checked) = checkbox {
            self.push_raw(if checked { "☒" } else { "☐" });
            self.skip_element(empty);
        } else if placeholder {
            self.skip_element(empty);
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
        let number = match self.tables.last_mut() {
            Some(parent) => {
                parent.children += 1;
                let mut number = parent.number.clone();
                number.push(parent.children);
                number
            }
            None => {
                self.top_tables += 1;
                vec![self.top_tables]
            }
        };
        self.slots.push(None);
        self.tables.push(TableB {
            number,
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
            match build_table(t.number, t.rows) {
                Ok(table) => self.slots[t.slot] = Some(Part::Table(table)),
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

    /// Turns the paragraphs read since the last table into a part of their
    /// own, placed before the table that follows (or after the last one, at
    /// the end).
    fn flush_body_text(&mut self, at_end: bool) {
        if self.containers.len() != 1 {
            return;
        }
        let lines = render(std::mem::take(&mut self.containers[0].lines));
        let lines: Vec<String> = lines
            .iter()
            .flat_map(|l| l.split('\n'))
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        if lines.is_empty() {
            return;
        }
        let top = self.top_tables;
        let place = match (at_end, top) {
            (false, _) => TextPlace::Before(top + 1),
            (true, 0) => TextPlace::Whole,
            (true, _) => TextPlace::After(top),
        };
        self.slots
            .push(Some(Part::Paragraphs(Paragraphs { place, lines })));
    }
}
