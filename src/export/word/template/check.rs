//! Checking a template's placeholders: every name is looked up through the
//! scopes of the loops around it, blocks are matched with their closing
//! tags, and what cannot work is reported in plain words, with the name
//! probably meant.

use super::super::Kind;
use super::super::fields::{self, Scope, ValueKind};
use super::{
    Block, BlockKind, Cond, FieldRef, PlaceholderUse, Severity, Tag, TagKind, TemplateProblem,
};

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

/// Matches blocks and resolves names; returns the problems and every
/// placeholder with the loops it is inside.
pub(super) fn resolve(
    tags: &mut [Tag],
    kind: Kind,
    first: usize,
    depth: usize,
) -> (Vec<TemplateProblem>, Vec<PlaceholderUse>) {
    let mut c = Checker {
        tags,
        first,
        r: Resolver {
            kind,
            scopes: vec![fields::scope(kind)],
            loops: Vec::new(),
        },
        stack: Vec::new(),
        problems: Vec::new(),
    };
    let mut uses = Vec::new();
    for i in 0..c.tags.len() {
        if c.tags[i].kind.opens_block() && c.stack.len() >= depth {
            // Checked before going deeper, and the rest of the part left:
            // its tags would each list thousands of loops they are inside.
            c.too_deep(i, depth);
            return (c.problems, uses);
        }
        uses.push(PlaceholderUse {
            text: c.tags[i].text.clone(),
            place: c.tags[i].place.clone(),
            inside: c.r.loops.clone(),
        });
        match c.tags[i].kind.clone() {
            TagKind::Value { name } => c.value(i, &name),
            TagKind::Loop(name) => c.open_loop(i, name),
            TagKind::If(name) => c.open_if(i, &name, false),
            TagKind::Unless(name) => c.open_if(i, &name, true),
            TagKind::Else => c.else_tag(i),
            TagKind::EndLoop(_) | TagKind::EndIf | TagKind::EndUnless => c.close(i),
        }
    }
    c.report_unclosed();
    (c.problems, uses)
}

/// The state of checking one part's tags in order.
struct Checker<'s, 't> {
    tags: &'t mut [Tag],
    /// The index of the part's first tag among the template's.
    first: usize,
    r: Resolver<'s>,
    /// Open blocks: (tag index, pushed a scope).
    stack: Vec<(usize, bool)>,
    problems: Vec<TemplateProblem>,
}

impl TagKind {
    fn opens_block(&self) -> bool {
        matches!(self, TagKind::Loop(_) | TagKind::If(_) | TagKind::Unless(_))
    }
}

impl Checker<'_, '_> {
    /// Block `i` would nest deeper than the `depth` limit.
    fn too_deep(&mut self, i: usize, depth: usize) {
        let text = self.tags[i].text.clone();
        self.error(
            i,
            format!(
                "`{text}` opens a block inside {depth} others: conditions and loops may nest only {depth} deep (the `depth` limit); the rest of this part is not checked"
            ),
            Some(format!(
                "close some blocks before opening more (`convert` uses the default limit; `template check --limit depth=N` checks with another, at most {})",
                super::MAX_DEPTH
            )),
        );
    }

    fn error(&mut self, i: usize, message: String, hint: Option<String>) {
        self.problems.push(TemplateProblem {
            severity: Severity::Error,
            place: self.tags[i].place.clone(),
            message,
            hint,
        });
    }

    /// `{{name}}`, or `{{name.lv}}` for one language of a multilingual value.
    fn value(&mut self, i: usize, name: &str) {
        if let Some((f, _)) = self.r.field(name) {
            self.tags[i].field = Some(f);
        } else if let Some((base, lang)) = name.rsplit_once('.')
            && lang.len() >= 2
            && lang.len() <= 3
            && lang.chars().all(|c| c.is_ascii_lowercase())
            && let Some((f, ValueKind::Multilingual)) = self.r.field(base)
        {
            self.tags[i].field = Some(f);
            self.tags[i].language = Some(lang.to_string());
        } else if self.r.list(name).is_some() {
            self.error(
                i,
                format!("`{name}` is a list: it cannot be printed as one value"),
                Some(format!(
                    "repeat its items with {{{{#{name}}}}} … {{{{/{name}}}}}"
                )),
            );
        } else {
            let (m, h) = self.r.unknown(name, false);
            self.error(i, m, h);
        }
    }

    /// `{{#list}}`: its items' fields are in scope until it closes.
    fn open_loop(&mut self, i: usize, name: String) {
        match self.r.list(&name) {
            Some((f, scope)) => {
                self.tags[i].block = Some(Block {
                    kind: BlockKind::Loop(f),
                    else_tag: None,
                    close: usize::MAX,
                    depth: self.stack.len(),
                });
                self.r.scopes.push(scope);
                self.r.loops.push(name);
                self.stack.push((i, true));
            }
            None => {
                let (m, h) = if self.r.field(&name).is_some() {
                    (
                        format!("`{name}` is a single value, not a list to repeat"),
                        Some(format!(
                            "to show a part only when it has a value, use {{{{#if {name}}}}} … {{{{/if}}}}"
                        )),
                    )
                } else {
                    self.r.unknown(&name, true)
                };
                self.error(i, m, h);
                // Keep matching the closing tag.
                self.tags[i].block = None;
                self.stack.push((i, false));
            }
        }
    }

    /// `{{#if name}}` or `{{#unless name}}`: a value, or a list's emptiness.
    fn open_if(&mut self, i: usize, name: &str, negate: bool) {
        let cond = if let Some((f, _)) = self.r.field(name) {
            Some(Cond::Field(f))
        } else if let Some((f, _)) = self.r.list(name) {
            Some(Cond::List(f))
        } else {
            let (m, h) = self.r.unknown(name, false);
            self.error(i, m, h);
            None
        };
        if let Some(cond) = cond {
            self.tags[i].block = Some(Block {
                kind: BlockKind::If { cond, negate },
                else_tag: None,
                close: usize::MAX,
                depth: self.stack.len(),
            });
        }
        self.stack.push((i, false));
    }

    /// `{{else}}`: only in the innermost open `#if` or `#unless`, once.
    fn else_tag(&mut self, i: usize) {
        let Some(&(open, _)) = self.stack.last() else {
            self.error(i, "`{{else}}` outside any `{{#if …}}`".into(), None);
            return;
        };
        if !matches!(self.tags[open].kind, TagKind::If(_) | TagKind::Unless(_)) {
            let (text, place) = (self.tags[open].text.clone(), self.tags[open].place.clone());
            self.error(
                i,
                format!(
                    "`{{{{else}}}}` inside the loop `{text}` (at {place}); only `{{{{#if}}}}` and `{{{{#unless}}}}` have an else"
                ),
                None,
            );
            return;
        }
        self.tags[i].opener = Some(open + self.first);
        let Some(else_tag) = self.tags[open].block.as_ref().map(|b| b.else_tag) else {
            return;
        };
        if else_tag.is_some() {
            let place = self.tags[open].place.clone();
            self.error(
                i,
                format!("a second `{{{{else}}}}` for the block opened at {place}"),
                None,
            );
        } else if let Some(b) = self.tags[open].block.as_mut() {
            b.else_tag = Some(i + self.first);
        }
    }

    /// Whether closing tag `close` closes the block `open` opened.
    fn closes(&self, close: usize, open: usize) -> bool {
        match (&self.tags[close].kind, &self.tags[open].kind) {
            (TagKind::EndLoop(a), TagKind::Loop(b)) => a == b,
            (TagKind::EndIf, TagKind::If(_)) => true,
            (TagKind::EndUnless, TagKind::Unless(_)) => true,
            _ => false,
        }
    }

    /// A closing tag: closes its block, and reports the blocks opened
    /// inside it that were never closed.
    fn close(&mut self, i: usize) {
        let Some(at) = self
            .stack
            .iter()
            .rposition(|(open, _)| self.closes(i, *open))
        else {
            let text = self.tags[i].text.clone();
            self.error(
                i,
                format!("`{text}` closes nothing: no matching opening tag before it"),
                Some("check the spelling against the opening tag, or remove it".into()),
            );
            return;
        };
        while self.stack.len() > at + 1 {
            let open = self.pop();
            let (text, place) = (self.tags[open].text.clone(), self.tags[open].place.clone());
            let closing = self.tags[i].text.clone();
            self.error(
                i,
                format!("`{closing}` comes before `{text}` (opened at {place}) is closed"),
                Some(format!(
                    "close `{text}` before `{closing}`: blocks must nest"
                )),
            );
        }
        let open = self.pop();
        self.tags[i].opener = Some(open + self.first);
        if let Some(b) = self.tags[open].block.as_mut() {
            b.close = i + self.first;
        }
    }

    /// Closes the innermost open block (and its loop's scope); its opening tag.
    fn pop(&mut self) -> usize {
        let (open, pushed) = self.stack.pop().expect("an open block");
        if pushed {
            self.r.scopes.pop();
            self.r.loops.pop();
        }
        open
    }

    /// An error for each block never closed.
    fn report_unclosed(&mut self) {
        for (open, _) in std::mem::take(&mut self.stack) {
            let t = &self.tags[open];
            let end = match &t.kind {
                TagKind::Loop(n) => format!("{{{{/{n}}}}}"),
                TagKind::If(_) => "{{/if}}".into(),
                _ => "{{/unless}}".into(),
            };
            self.problems.push(TemplateProblem {
                severity: Severity::Error,
                place: t.place.clone(),
                message: format!("`{}` is never closed", t.text),
                hint: Some(format!(
                    "add `{end}` where the repeated or optional part ends"
                )),
            });
        }
    }
}
