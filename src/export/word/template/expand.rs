//! Turning a checked part into a program: where each block starts and ends
//! decides what it repeats (text in one paragraph, table rows, whole
//! paragraphs), marks are set in the tree, and the marked tree becomes raw
//! byte runs, values and blocks.

use quick_xml::escape::partial_escape;

use super::super::xml::{Element, Mark, Node, TextPiece};
use super::{Block, Op, Severity, Tag, TagKind, TemplateProblem, element_at, element_at_mut};

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

/// The program of a checked part: blocks placed, then the marked tree
/// turned into steps; none when the blocks cannot be placed (reported).
pub(super) fn program(
    nodes: &mut [Node],
    tags: &mut [Tag],
    first: usize,
    display: &str,
    problems: &mut Vec<TemplateProblem>,
) -> Option<Vec<Op>> {
    let mut place_problems = Vec::new();
    place_blocks(nodes, tags, first, &mut place_problems);
    keep_cells_valid(nodes);
    if !place_problems.is_empty() {
        problems.extend(place_problems);
        return None;
    }
    let mut b = Builder {
        tags,
        first,
        frames: vec![Frame::new(None)],
        error: None,
    };
    b.nodes(nodes);
    match b.finish() {
        Ok(ops) => Some(ops),
        Err(message) => {
            problems.push(TemplateProblem {
                severity: Severity::Error,
                place: display.to_string(),
                message,
                hint: Some("make every block end inside the one that contains it".into()),
            });
            None
        }
    }
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
        if tags[i].paragraph == tags[close].paragraph {
            match inline_problem(nodes, tags, i, &block, first) {
                Some(problem) => problems.push(problem),
                None => tags[i].inline = true,
            }
            continue;
        }
        let span = Span::of(nodes, &tags[i], &tags[close]);
        let else_child = match block.else_tag {
            None => None,
            Some(e) => match span.else_child(&tags[e - first]) {
                Some(child) => Some(child),
                None => {
                    problems.push(misplaced_else(&tags[i], &tags[e - first], span.level));
                    continue;
                }
            },
        };
        drop_tag_paragraphs(nodes, tags, i, &block, &span, first);
        let id = i + first;
        element_at_mut(nodes, &span.open)
            .before
            .insert(0, Mark::Open(id));
        if let Some(e) = else_child {
            element_at_mut(nodes, &e).before.insert(0, Mark::Else(id));
        }
        element_at_mut(nodes, &span.close)
            .after
            .push(Mark::Close(id));
    }
}

/// Why the text between a block's tags in one paragraph cannot repeat: both
/// ends must sit at the same depth of runs, or repeating would break the XML.
fn inline_problem(
    nodes: &[Node],
    tags: &[Tag],
    i: usize,
    block: &Block,
    first: usize,
) -> Option<TemplateProblem> {
    let (o, c) = (&tags[i], &tags[block.close - first]);
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
        .all(|p| chain(nodes, &p[..lca], p) == first_chain)
    {
        return None;
    }
    Some(TemplateProblem {
        severity: Severity::Error,
        place: o.place.clone(),
        message: format!(
            "`{}` and `{}` are in the same paragraph but at different levels of formatting (one inside a hyperlink or field)",
            o.text, c.text
        ),
        hint: Some(
            "retype the block's tags as plain text, or put them in paragraphs of their own".into(),
        ),
    })
}

/// What a block spanning paragraphs repeats: from the element holding the
/// opening tag to the one holding the closing tag, both children of the
/// same parent — table rows, or paragraphs (and tables).
struct Span {
    open: Vec<usize>,
    close: Vec<usize>,
    level: Level,
}

impl Span {
    fn of(nodes: &[Node], o: &Tag, c: &Tag) -> Span {
        let lca_len = common_prefix(&o.paragraph, &c.paragraph);
        let lca_name = if lca_len == 0 {
            String::new()
        } else {
            element_at(nodes, &o.paragraph[..lca_len]).name.clone()
        };
        let (end, level) = match lca_name.as_str() {
            "w:tr" => (lca_len, Level::Rows),
            "w:tbl" => (lca_len + 1, Level::Rows),
            _ => (lca_len + 1, Level::Paragraphs),
        };
        Span {
            open: o.paragraph[..end].to_vec(),
            close: c.paragraph[..end].to_vec(),
            level,
        }
    }

    /// Where the `{{else}}` tag `e` splits the span: an element of its own
    /// between the opening and the closing one, or none.
    fn else_child(&self, e: &Tag) -> Option<Vec<usize>> {
        let depth = self.open.len();
        let ok = e.paragraph.len() >= depth && e.paragraph[..depth - 1] == self.open[..depth - 1];
        let child = e.paragraph[..depth.min(e.paragraph.len())].to_vec();
        let index = *child.last().unwrap_or(&0);
        let inside = index > *self.open.last().unwrap() && index <= *self.close.last().unwrap();
        (ok && inside).then_some(child)
    }
}

fn misplaced_else(o: &Tag, e: &Tag, level: Level) -> TemplateProblem {
    TemplateProblem {
        severity: Severity::Error,
        place: e.place.clone(),
        message: format!(
            "`{{{{else}}}}` of `{}` must be in a {} of its own between the opening and the closing tag",
            o.text,
            if level == Level::Rows {
                "row"
            } else {
                "paragraph"
            }
        ),
        hint: None,
    }
}

/// Removes the paragraphs that only held a block's tags (inside a table
/// cell, only when another paragraph stays).
fn drop_tag_paragraphs(
    nodes: &mut [Node],
    tags: &[Tag],
    i: usize,
    block: &Block,
    span: &Span,
    first: usize,
) {
    let mut tag_paragraphs = vec![&tags[i].paragraph, &tags[block.close - first].paragraph];
    if let Some(e) = block.else_tag {
        tag_paragraphs.push(&tags[e - first].paragraph);
    }
    for p in tag_paragraphs {
        let droppable = match span.level {
            Level::Paragraphs => p.len() == span.open.len(),
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
