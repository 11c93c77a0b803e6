//! Finding the placeholders of a template's parts.
//!
//! Word splits typed text into runs at will (`{{learner.` `given` `_names}}`),
//! so each paragraph's text is joined across its runs, every `{{…}}` in it
//! is parsed into a [`Tag`], and the tag is put in the `w:t` where it
//! starts, its other pieces removed from the runs that follow.

use super::super::xml::Element;
use super::{Node, PartKind, Severity, Tag, TagKind, TemplateProblem, TextPiece};
use super::{element_at, element_at_mut};

impl TagKind {
    pub(super) fn parse(inner: &str) -> Result<TagKind, String> {
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

    pub(super) fn is_control(&self) -> bool {
        !matches!(self, TagKind::Value { .. })
    }
}

/// The plain-language name of a part: "body", "header 1".
pub(super) fn part_display(name: &str, kind: PartKind) -> String {
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
pub(super) struct PartScan {
    pub(super) tags: Vec<Tag>,
    pub(super) problems: Vec<TemplateProblem>,
}

/// Finds the placeholders of every paragraph of `nodes` and puts each in the
/// `w:t` where it starts, removing its other pieces from the following runs.
pub(super) fn scan(nodes: &mut [Node], part: &str, first_tag: usize) -> PartScan {
    let mut scan = PartScan {
        tags: Vec::new(),
        problems: Vec::new(),
    };
    for (ppath, place) in paragraphs(nodes, part) {
        let p = element_at_mut(nodes, &ppath);
        let runs = Runs::of(p);
        if !runs.joined.contains("{{") {
            continue;
        }
        let place = format!("{place} ({})", snippet(&runs.joined));
        let found = find_tags(&runs, &ppath, &place, first_tag, &mut scan);
        if !found.is_empty() {
            runs.cut(p, &found);
        }
    }
    scan
}

/// The text of a paragraph's `w:t` elements: each one's path and text, where
/// it starts in the joined text, and the joined text.
struct Runs {
    paths: Vec<Vec<usize>>,
    texts: Vec<String>,
    starts: Vec<usize>,
    joined: String,
}

impl Runs {
    fn of(p: &Element) -> Runs {
        let paths = text_nodes(p);
        let texts: Vec<String> = paths
            .iter()
            .map(|t| element_at(&p.children, t).raw_text())
            .collect();
        let mut starts = Vec::with_capacity(texts.len());
        let mut at = 0;
        for t in &texts {
            starts.push(at);
            at += t.len();
        }
        let joined = texts.concat();
        Runs {
            paths,
            texts,
            starts,
            joined,
        }
    }

    /// The `w:t` holding byte `at` of the joined text.
    fn owner(&self, at: usize) -> usize {
        (0..self.texts.len())
            .find(|&k| self.starts[k] <= at && at < self.starts[k] + self.texts[k].len())
            .unwrap_or(0)
    }

    /// Rewrites each `w:t` touched by a placeholder of `found` (start, end,
    /// tag index): the tag where it starts, its other pieces removed.
    fn cut(&self, p: &mut Element, found: &[(usize, usize, usize)]) {
        for (k, tpath) in self.paths.iter().enumerate() {
            let (s, e) = (self.starts[k], self.starts[k] + self.texts[k].len());
            let cuts: Vec<&(usize, usize, usize)> =
                found.iter().filter(|(o, c, _)| *o < e && *c > s).collect();
            if cuts.is_empty() {
                continue;
            }
            let text = &self.texts[k];
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
}

/// Parses every `{{…}}` of a paragraph's text into `scan`'s tags (or
/// problems); returns (start, end, tag index) of each tag found.
fn find_tags(
    runs: &Runs,
    ppath: &[usize],
    place: &str,
    first_tag: usize,
    scan: &mut PartScan,
) -> Vec<(usize, usize, usize)> {
    let joined = &runs.joined;
    let problem = |message: String, hint: Option<&str>| TemplateProblem {
        severity: Severity::Error,
        place: place.to_string(),
        message,
        hint: hint.map(str::to_string),
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(rel) = joined[from..].find("{{") {
        let open = from + rel;
        let Some(rel_close) = joined[open + 2..].find("}}") else {
            scan.problems.push(problem(
                format!(
                    "`{}` has no closing `}}}}` in the same paragraph",
                    joined[open..].chars().take(40).collect::<String>()
                ),
                Some("close every placeholder with }} on the same line"),
            ));
            break;
        };
        let close = open + 2 + rel_close + 2;
        let inner = &joined[open + 2..close - 2];
        if let Some(nested) = inner.find("{{") {
            scan.problems.push(problem(
                format!(
                    "`{}` opens a placeholder inside another one",
                    &joined[open..open + 2 + nested + 2]
                ),
                Some("every {{ needs its }} before the next {{"),
            ));
            from = open + 2 + nested;
            continue;
        }
        let text = joined[open..close].to_string();
        match TagKind::parse(inner) {
            Ok(kind) => {
                let mut owner = ppath.to_vec();
                owner.extend_from_slice(&runs.paths[runs.owner(open)]);
                let index = first_tag + scan.tags.len();
                scan.tags.push(Tag {
                    text,
                    kind,
                    place: place.to_string(),
                    paragraph: ppath.to_vec(),
                    owner,
                    field: None,
                    language: None,
                    block: None,
                    opener: None,
                    inline: false,
                });
                found.push((open, close, index));
            }
            Err(message) => scan
                .problems
                .push(problem(format!("`{text}`: {message}"), None)),
        }
        from = close;
    }
    found
}
