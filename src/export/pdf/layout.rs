//! A small layout engine: measured text, word wrapping, tables that break
//! across pages, and pages kept as plain display lists.
//!
//! Layout and drawing are two passes. [`Flow`] places everything on pages
//! first — so the page count is known before anything is drawn and every
//! footer can say "Page X of Y" — and `render` then draws the
//! display lists. Nothing is ever clipped: a word wider than its column is
//! broken between letters, a table row is moved to the next page whole when
//! it fits there, and a row taller than a page is split between its lines,
//! with the table's header row repeated on every page it continues on.

use super::fonts::{Weight, face};

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.276;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 841.89;

/// Leading: line height as a multiple of the font size.
const LEADING: f32 = 1.28;
/// Widths are compared with this much slack, so rounding never breaks a line that fits.
const EPSILON: f32 = 0.01;

/// A colour of the few the transcripts use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Colour {
    /// Body text.
    Text,
    /// Second-language texts and hints.
    Muted,
    /// Table rules.
    Rule,
    /// Background of header cells.
    Shade,
}

impl Colour {
    /// The colour as 8-bit sRGB.
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Colour::Text => (0, 0, 0),
            Colour::Muted => (85, 85, 85),
            Colour::Rule => (120, 120, 120),
            Colour::Shade => (232, 236, 241),
        }
    }
}

/// How a run of text is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Regular or bold.
    pub weight: Weight,
    /// Size in points.
    pub size: f32,
    /// Colour.
    pub colour: Colour,
}

impl Style {
    /// Regular text of `size` points.
    pub const fn regular(size: f32) -> Style {
        Style {
            weight: Weight::Regular,
            size,
            colour: Colour::Text,
        }
    }

    /// Bold text of `size` points.
    pub const fn bold(size: f32) -> Style {
        Style {
            weight: Weight::Bold,
            size,
            colour: Colour::Text,
        }
    }

    /// The same style in another colour.
    pub const fn colour(self, colour: Colour) -> Style {
        Style { colour, ..self }
    }

    /// Height of one line.
    pub fn line_height(&self) -> f32 {
        self.size * LEADING
    }

    /// Width of `text`.
    pub fn width(&self, text: &str) -> f32 {
        face(self.weight).width(text, self.size)
    }

    /// Distance from the top of a line to its baseline.
    fn baseline(&self) -> f32 {
        let f = face(self.weight);
        // Centre the glyphs' ascent and descent within the leading.
        let ascent = f.ascent(self.size);
        let descent = f.descent(self.size);
        (self.line_height() - ascent - descent) / 2.0 + ascent
    }
}

/// Horizontal alignment within a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Centre,
    /// Flush right.
    Right,
}

/// One line of wrapped text and its width.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The text.
    pub text: String,
    /// Its width in points.
    pub width: f32,
}

/// Breaks `text` into lines no wider than `max` points. Line breaks in the
/// text are kept; runs of spaces count as one. A word wider than `max` is
/// broken after a hyphen or slash when it has one that fits, else between
/// letters, so no line is ever wider than `max` (unless `max` is narrower
/// than a single letter). An empty text gives no lines.
pub fn wrap(text: &str, style: Style, max: f32) -> Vec<Line> {
    let f = face(style.weight);
    let scale = style.size / f.units_per_em();
    let advance = |c: char| f32::from(f.glyph(c).map(|g| g.1).unwrap_or(0)) * scale;
    let space = advance(' ');
    let mut lines = Vec::new();
    for paragraph in text.trim_end().split('\n') {
        let mut line = String::new();
        let mut width = 0.0f32;
        let mut any = false;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            any = true;
            let w: f32 = word.chars().map(advance).sum();
            if !line.is_empty() && width + space + w <= max + EPSILON {
                line.push(' ');
                line.push_str(word);
                width += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(Line {
                    text: std::mem::take(&mut line),
                    width,
                });
                width = 0.0;
            }
            if w <= max + EPSILON {
                line.push_str(word);
                width = w;
                continue;
            }
            // A word wider than the column: break it.
            let chars: Vec<(char, f32)> = word.chars().map(|c| (c, advance(c))).collect();
            let mut start = 0;
            while start < chars.len() {
                let mut end = start;
                let mut piece = 0.0f32;
                while end < chars.len() && (end == start || piece + chars[end].1 <= max + EPSILON) {
                    piece += chars[end].1;
                    end += 1;
                }
                // Keep combining marks with their letter.
                while end < chars.len() && end > start + 1 && chars[end].1 == 0.0 {
                    end -= 1;
                    piece -= chars[end].1;
                }
                if end < chars.len()
                    && let Some(soft) = (start + 1..end)
                        .rev()
                        .find(|&i| matches!(chars[i - 1].0, '-' | '/' | '_' | '.'))
                    && soft > start + (end - start) / 2
                {
                    piece = chars[start..soft].iter().map(|c| c.1).sum();
                    end = soft;
                }
                let text: String = chars[start..end].iter().map(|c| c.0).collect();
                if end < chars.len() {
                    lines.push(Line { text, width: piece });
                } else {
                    line = text;
                    width = piece;
                }
                start = end;
            }
        }
        if !line.is_empty() {
            lines.push(Line { text: line, width });
        } else if !any && !lines.is_empty() {
            // A blank line between paragraphs.
            lines.push(Line {
                text: String::new(),
                width: 0.0,
            });
        }
    }
    lines
}

/// Something drawn on a page. Coordinates are points from the top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A line of text starting at `x`, sitting on `baseline`.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        baseline: f32,
        /// Style.
        style: Style,
        /// The text (one line, already measured to fit).
        text: String,
    },
    /// A straight line.
    Rule {
        /// Start.
        from: (f32, f32),
        /// End.
        to: (f32, f32),
        /// Stroke width.
        width: f32,
    },
    /// A shaded rectangle.
    Shade {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
}

/// One page's display list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// What is drawn, in drawing order.
    pub items: Vec<Item>,
}

/// The area of a page that flowing content may use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Left edge.
    pub left: f32,
    /// Right edge.
    pub right: f32,
    /// Top edge.
    pub top: f32,
    /// Bottom edge (above the footer).
    pub bottom: f32,
}

impl Frame {
    /// Width of the frame.
    pub fn width(&self) -> f32 {
        self.right - self.left
    }
}

/// A paragraph inside a table cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    /// The text; `\n` starts a new line.
    pub text: String,
    /// Style.
    pub style: Style,
    /// Alignment.
    pub align: Align,
}

impl Para {
    /// A left-aligned paragraph.
    pub fn new(text: impl Into<String>, style: Style) -> Para {
        Para {
            text: text.into(),
            style,
            align: Align::Left,
        }
    }

    /// The same paragraph aligned differently.
    pub fn align(self, align: Align) -> Para {
        Para { align, ..self }
    }
}

/// A table cell: paragraphs stacked, optionally on a shaded background.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// The paragraphs.
    pub paras: Vec<Para>,
    /// Shade the background.
    pub shade: bool,
    /// Height the cell's content takes at least (room to sign in).
    pub min_height: f32,
}

impl Cell {
    /// A cell of one paragraph.
    pub fn text(text: impl Into<String>, style: Style) -> Cell {
        Cell::paras(vec![Para::new(text, style)])
    }

    /// A cell of several paragraphs.
    pub fn paras(paras: Vec<Para>) -> Cell {
        Cell {
            paras,
            shade: false,
            min_height: 0.0,
        }
    }

    /// The same cell, shaded.
    pub fn shaded(self) -> Cell {
        Cell {
            shade: true,
            ..self
        }
    }

    /// The same cell, at least `h` points high inside.
    pub fn min_height(self, h: f32) -> Cell {
        Cell {
            min_height: h,
            ..self
        }
    }
}

/// A table: column widths, an optional header row repeated on every page
/// the table runs over, and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Column widths in points.
    pub widths: Vec<f32>,
    /// Header cells (empty: no header row).
    pub header: Vec<Cell>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<Cell>>,
    /// Draw cell borders.
    pub borders: bool,
}

/// Horizontal padding inside a cell.
const PAD_X: f32 = 3.5;
/// Vertical padding inside a cell.
const PAD_Y: f32 = 2.5;

/// A line laid out in a cell.
#[derive(Clone, Debug)]
struct CellLine {
    line: Line,
    style: Style,
    align: Align,
}

impl CellLine {
    fn height(&self) -> f32 {
        self.style.line_height()
    }
}

/// A cell's lines, wrapped to its column.
#[derive(Clone, Debug, Default)]
struct LaidCell {
    lines: Vec<CellLine>,
    shade: bool,
    min_height: f32,
}

impl LaidCell {
    fn height(&self) -> f32 {
        let lines: f32 = self.lines.iter().map(CellLine::height).sum();
        lines.max(self.min_height)
    }
}

fn lay_cell(cell: &Cell, width: f32) -> LaidCell {
    let inner = (width - 2.0 * PAD_X).max(1.0);
    let mut lines = Vec::new();
    for p in &cell.paras {
        for line in wrap(&p.text, p.style, inner) {
            lines.push(CellLine {
                line,
                style: p.style,
                align: p.align,
            });
        }
    }
    LaidCell {
        lines,
        shade: cell.shade,
        min_height: cell.min_height,
    }
}

fn row_height(cells: &[LaidCell]) -> f32 {
    cells.iter().map(LaidCell::height).fold(0.0, f32::max) + 2.0 * PAD_Y
}

/// Splits a row so that its first part is at most `room` high: each cell
/// keeps the lines that fit, and the rest continue in the second part.
/// `None` when not even one line of every non-empty cell fits.
fn split_row(cells: &[LaidCell], room: f32) -> Option<(Vec<LaidCell>, Vec<LaidCell>)> {
    let inner = room - 2.0 * PAD_Y;
    let mut head = Vec::with_capacity(cells.len());
    let mut tail = Vec::with_capacity(cells.len());
    for c in cells {
        let mut used = 0.0;
        let mut n = 0;
        while n < c.lines.len() && used + c.lines[n].height() <= inner + EPSILON {
            used += c.lines[n].height();
            n += 1;
        }
        if n == 0 && !c.lines.is_empty() {
            return None;
        }
        head.push(LaidCell {
            lines: c.lines[..n].to_vec(),
            shade: c.shade,
            min_height: 0.0,
        });
        tail.push(LaidCell {
            lines: c.lines[n..].to_vec(),
            shade: c.shade,
            min_height: 0.0,
        });
    }
    Some((head, tail))
}

impl Table {
    /// The table's height if it were laid out on one endless page.
    pub fn height(&self) -> f32 {
        let lay = |row: &[Cell]| -> f32 {
            let cells: Vec<LaidCell> = row
                .iter()
                .zip(&self.widths)
                .map(|(c, w)| lay_cell(c, *w))
                .collect();
            row_height(&cells)
        };
        let header = if self.header.is_empty() {
            0.0
        } else {
            lay(&self.header)
        };
        header + self.rows.iter().map(|r| lay(r)).sum::<f32>()
    }
}

/// Places content on pages, top to bottom, breaking pages as needed.
pub struct Flow {
    frame: Frame,
    pages: Vec<Page>,
    y: f32,
    /// Where the last table row drawn starts.
    last_row: Option<Mark>,
}

/// A place in the flow: what is laid out after it can still move to a new
/// page with a block that follows ([`Flow::keep_with`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    page: usize,
    y: f32,
    items: usize,
}

impl Item {
    /// The item moved `dy` points down the page.
    fn shifted(self, dy: f32) -> Item {
        match self {
            Item::Text {
                x,
                baseline,
                style,
                text,
            } => Item::Text {
                x,
                baseline: baseline + dy,
                style,
                text,
            },
            Item::Rule { from, to, width } => Item::Rule {
                from: (from.0, from.1 + dy),
                to: (to.0, to.1 + dy),
                width,
            },
            Item::Shade { x, y, w, h } => Item::Shade { x, y: y + dy, w, h },
        }
    }
}

impl Flow {
    /// An empty document with one empty page.
    pub fn new(frame: Frame) -> Flow {
        Flow {
            frame,
            pages: vec![Page::default()],
            y: frame.top,
            last_row: None,
        }
    }

    /// The current place, to keep what follows it with a later block.
    pub fn mark(&self) -> Mark {
        Mark {
            page: self.pages.len() - 1,
            y: self.y,
            items: self.pages.last().map_or(0, |p| p.items.len()),
        }
    }

    /// Where the last table row drawn starts.
    pub fn last_row(&self) -> Option<Mark> {
        self.last_row
    }

    /// The content frame.
    pub fn frame(&self) -> Frame {
        self.frame
    }

    /// Height left on the current page.
    pub fn room(&self) -> f32 {
        self.frame.bottom - self.y
    }

    /// Whether nothing has been placed on the current page yet.
    pub fn at_top(&self) -> bool {
        self.y <= self.frame.top + EPSILON
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    /// Starts a new page.
    pub fn break_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.frame.top;
    }

    /// Vertical space (dropped at the top of a page).
    pub fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y = (self.y + h).min(self.frame.bottom);
        }
    }

    /// Starts a new page unless `h` points fit on this one (or this page is
    /// still empty): keeps a heading with what follows it, or a block together.
    pub fn keep(&mut self, h: f32) {
        if h > self.room() + EPSILON && !self.at_top() {
            self.break_page();
        }
    }

    /// Keeps the next `h` points on this page, or else moves them to a new
    /// page together with what was laid out since the first of `marks` that
    /// can go along: a block (a signature block) never stands alone on a
    /// page when the content before it could come with it. A mark can go
    /// along when it is on this page, below its top (something stays
    /// behind), and what follows it fits on one page with the block.
    pub fn keep_with(&mut self, marks: &[Option<Mark>], h: f32) {
        if h <= self.room() + EPSILON || self.at_top() {
            return;
        }
        let page = self.pages.len() - 1;
        let body = self.frame.bottom - self.frame.top;
        let movable = marks.iter().flatten().find(|m| {
            m.page == page && m.y > self.frame.top + EPSILON && (self.y - m.y) + h <= body + EPSILON
        });
        let Some(mark) = movable.copied() else {
            self.break_page();
            return;
        };
        let moved: Vec<Item> = self.page().items.drain(mark.items..).collect();
        let dy = self.frame.top - mark.y;
        let y = self.y + dy;
        self.break_page();
        let page = self.page();
        page.items.extend(moved.into_iter().map(|i| i.shifted(dy)));
        self.y = y;
        self.last_row = None;
    }

    /// A paragraph, wrapped to the frame (less `indent`), breaking pages between lines.
    pub fn paragraph(&mut self, text: &str, style: Style, indent: f32) {
        let x = self.frame.left + indent;
        for line in wrap(text, style, self.frame.width() - indent) {
            self.keep(style.line_height());
            let baseline = self.y + style.baseline();
            self.y += style.line_height();
            if !line.text.is_empty() {
                self.page().items.push(Item::Text {
                    x,
                    baseline,
                    style,
                    text: line.text,
                });
            }
        }
    }

    /// A horizontal rule across the frame.
    pub fn rule(&mut self, width: f32) {
        let (l, r, y) = (self.frame.left, self.frame.right, self.y);
        self.page().items.push(Item::Rule {
            from: (l, y),
            to: (r, y),
            width,
        });
    }

    /// A table. Rows move to the next page whole when they fit there; a row
    /// taller than a page is split between lines. The header row is drawn
    /// on every page the table appears on, always with at least part of a row under it.
    pub fn table(&mut self, table: &Table) {
        let lay = |row: &[Cell]| -> Vec<LaidCell> {
            row.iter()
                .zip(&table.widths)
                .map(|(c, w)| lay_cell(c, *w))
                .collect()
        };
        let header = (!table.header.is_empty()).then(|| lay(&table.header));
        let header_h = header.as_deref().map(row_height).unwrap_or(0.0);
        let body = self.frame.bottom - self.frame.top;
        let mut header_drawn = false;
        for row in &table.rows {
            let mut cells = lay(row);
            loop {
                let h = row_height(&cells);
                let over = if header_drawn { 0.0 } else { header_h };
                if h + over <= self.room() + EPSILON {
                    if !header_drawn && let Some(hd) = &header {
                        self.draw_row(table, hd);
                        header_drawn = true;
                    }
                    self.draw_row(table, &cells);
                    break;
                }
                let fits_on_a_new_page = h + header_h <= body + EPSILON;
                if fits_on_a_new_page && !self.at_top() {
                    self.break_page();
                    header_drawn = false;
                    continue;
                }
                // Taller than a page (or the page is empty): split between lines.
                match split_row(&cells, self.room() - over) {
                    Some((head, tail)) if head.iter().any(|c| !c.lines.is_empty()) => {
                        if !header_drawn && let Some(hd) = &header {
                            self.draw_row(table, hd);
                        }
                        self.draw_row(table, &head);
                        self.break_page();
                        header_drawn = false;
                        cells = tail;
                    }
                    _ if !self.at_top() => {
                        self.break_page();
                        header_drawn = false;
                    }
                    _ => {
                        // Not one line fits on an empty page: the frame is
                        // smaller than a line, which the transcript never makes.
                        self.draw_row(table, &cells);
                        break;
                    }
                }
            }
        }
    }

    fn draw_row(&mut self, table: &Table, cells: &[LaidCell]) {
        self.last_row = Some(self.mark());
        let h = row_height(cells);
        let top = self.y;
        let mut x = self.frame.left;
        let mut items = Vec::new();
        for (cell, w) in cells.iter().zip(&table.widths) {
            if cell.shade {
                items.push(Item::Shade {
                    x,
                    y: top,
                    w: *w,
                    h,
                });
            }
            let mut y = top + PAD_Y;
            for l in &cell.lines {
                let inner = w - 2.0 * PAD_X;
                let dx = match l.align {
                    Align::Left => 0.0,
                    Align::Centre => ((inner - l.line.width) / 2.0).max(0.0),
                    Align::Right => (inner - l.line.width).max(0.0),
                };
                if !l.line.text.is_empty() {
                    items.push(Item::Text {
                        x: x + PAD_X + dx,
                        baseline: y + l.style.baseline(),
                        style: l.style,
                        text: l.line.text.clone(),
                    });
                }
                y += l.height();
            }
            x += w;
        }
        if table.borders {
            let right = self.frame.left + table.widths.iter().sum::<f32>();
            let rule = |from, to| Item::Rule {
                from,
                to,
                width: 0.5,
            };
            items.push(rule((self.frame.left, top), (right, top)));
            items.push(rule((self.frame.left, top + h), (right, top + h)));
            let mut x = self.frame.left;
            items.push(rule((x, top), (x, top + h)));
            for w in &table.widths {
                x += w;
                items.push(rule((x, top), (x, top + h)));
            }
        }
        self.page().items.extend(items);
        self.y = top + h;
    }

    /// The pages laid out.
    pub fn finish(self) -> Vec<Page> {
        self.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::regular(9.0);

    #[test]
    fn wrapped_lines_never_exceed_the_width_and_keep_every_word() {
        let text =
            "Riteņu pretbloķēšanas bremžu sistēmas: darbības teorija, diagnostika un remonts.";
        for max in [40.0, 80.0, 150.0, 400.0] {
            let lines = wrap(text, BODY, max);
            for l in &lines {
                assert!(l.width <= max + EPSILON, "{l:?} wider than {max}");
                assert!((BODY.width(&l.text) - l.width).abs() < 0.01);
            }
            let joined: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
            assert_eq!(
                joined.join(" ").replace(' ', ""),
                text.replace(' ', ""),
                "nothing lost at {max}"
            );
        }
    }

    #[test]
    fn an_overlong_word_is_broken_between_letters_and_after_a_slash_when_it_can() {
        let word = "Transportlīdzekļustabilitātesvadībassistēmudiagnostika";
        let lines = wrap(word, BODY, 60.0);
        assert!(lines.len() > 2);
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<String>(),
            word
        );
        assert!(lines.iter().all(|l| l.width <= 60.0 + EPSILON));
        let url = "https://example.lv/very/long/path/to/some/unit/description.pdf";
        let lines = wrap(url, BODY, 120.0);
        assert!(lines[0].text.ends_with('/'), "{lines:?}");
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<String>(),
            url
        );
    }

    #[test]
    fn explicit_line_breaks_and_blank_lines_are_kept_and_empty_text_gives_no_lines() {
        let lines = wrap("one\n\ntwo", BODY, 200.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["one", "", "two"]);
        assert!(wrap("", BODY, 200.0).is_empty());
        assert!(wrap("   ", BODY, 200.0).is_empty());
    }

    fn frame() -> Frame {
        Frame {
            left: 40.0,
            right: 340.0,
            top: 40.0,
            bottom: 240.0,
        }
    }

    fn texts_on(page: &Page) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page_and_keeps_every_row() {
        let table = Table {
            widths: vec![100.0, 200.0],
            header: vec![Cell::text("Head", BODY), Cell::text("Text", BODY)],
            rows: (0..40)
                .map(|i| vec![Cell::text(format!("r{i}"), BODY), Cell::text("x", BODY)])
                .collect(),
            borders: true,
        };
        let mut flow = Flow::new(frame());
        flow.table(&table);
        let pages = flow.finish();
        assert!(pages.len() > 2);
        let mut seen = Vec::new();
        for p in &pages {
            let texts = texts_on(p);
            assert_eq!(&texts[..2], ["Head", "Text"], "header first on every page");
            seen.extend(
                texts
                    .iter()
                    .filter(|t| t.starts_with('r'))
                    .map(|t| t.to_string()),
            );
            assert_in_frame(p);
        }
        let expected: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
        assert_eq!(seen, expected);
    }

    fn assert_in_frame(p: &Page) {
        let f = frame();
        for item in &p.items {
            if let Item::Text {
                x,
                baseline,
                style,
                text,
            } = item
            {
                assert!(*x >= f.left && x + style.width(text) <= f.right + EPSILON);
                assert!(
                    *baseline <= f.bottom && *baseline >= f.top,
                    "{text} at {baseline}"
                );
            }
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_between_lines_and_nothing_is_lost() {
        let long: String = (0..120).map(|i| format!("word{i} ")).collect();
        let table = Table {
            widths: vec![100.0, 200.0],
            header: vec![Cell::text("Head", BODY), Cell::text("Text", BODY)],
            rows: vec![vec![
                Cell::text("first", BODY),
                Cell::text(long.clone(), BODY),
            ]],
            borders: true,
        };
        let mut flow = Flow::new(frame());
        flow.paragraph("Above the table.", BODY, 0.0);
        flow.table(&table);
        let pages = flow.finish();
        assert!(pages.len() >= 2);
        let mut words = Vec::new();
        for p in &pages {
            assert_in_frame(p);
            let texts = texts_on(p);
            assert!(texts.contains(&"Head"));
            for t in texts {
                words.extend(
                    t.split(' ')
                        .filter(|w| w.starts_with("word"))
                        .map(str::to_string),
                );
            }
        }
        let expected: Vec<String> = long
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn a_row_that_fits_on_a_page_moves_whole_to_the_next_one() {
        let table = Table {
            widths: vec![300.0],
            header: Vec::new(),
            rows: vec![vec![Cell::text("a\nb\nc\nd", BODY)]],
            borders: false,
        };
        let mut flow = Flow::new(frame());
        for _ in 0..15 {
            flow.paragraph("filler", BODY, 0.0);
        }
        flow.table(&table);
        let pages = flow.finish();
        assert_eq!(pages.len(), 2);
        assert_eq!(texts_on(&pages[1]), ["a", "b", "c", "d"]);
    }

    /// A page 100 points high, 9-point lines.
    fn small_flow() -> Flow {
        Flow::new(Frame {
            left: 0.0,
            right: 200.0,
            top: 10.0,
            bottom: 110.0,
        })
    }

    fn texts(page: &Page) -> Vec<(String, f32)> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, baseline, .. } => Some((text.clone(), *baseline)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_block_that_does_not_fit_takes_what_follows_its_mark_to_the_new_page() {
        let mut flow = small_flow();
        for n in 0..6 {
            flow.paragraph(&format!("line {n}"), BODY, 0.0);
        }
        let mark = flow.mark();
        flow.paragraph("last line", BODY, 0.0);
        let first_baseline = texts(&flow.pages[0])[0].1;
        // 40 points do not fit below the last line: it goes along.
        flow.keep_with(&[Some(mark)], 40.0);
        flow.paragraph("block", BODY, 0.0);
        let pages = flow.finish();
        assert_eq!(pages.len(), 2);
        let second = texts(&pages[1]);
        assert_eq!(second[0].0, "last line");
        assert!((second[0].1 - first_baseline).abs() < EPSILON, "{second:?}");
        assert_eq!(second[1].0, "block");
        assert!(texts(&pages[0]).iter().all(|(t, _)| t != "last line"));
    }

    #[test]
    fn a_block_that_fits_stays_and_one_whose_mark_cannot_go_along_breaks_alone() {
        let mut flow = small_flow();
        let mark = flow.mark();
        flow.paragraph("first", BODY, 0.0);
        flow.keep_with(&[Some(mark)], 40.0);
        assert_eq!(flow.pages.len(), 1, "it fits");
        for n in 0..6 {
            flow.paragraph(&format!("line {n}"), BODY, 0.0);
        }
        // The mark is at the page's top: moving would leave an empty page.
        flow.keep_with(&[Some(mark), None], 40.0);
        let pages = flow.finish();
        assert_eq!(pages.len(), 2);
        assert!(pages[1].items.is_empty(), "the block starts the new page");
        assert_eq!(texts(&pages[0]).len(), 7);
    }
}
