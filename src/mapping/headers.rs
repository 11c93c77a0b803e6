//! Finding the header row of a sheet and matching its columns to fields.
//!
//! Real sheets have title rows above the header, group headers merged across
//! several columns ("Uzņemošā organizācija" over "Nosaukums | Valsts"),
//! headers merged down over two rows, line breaks and stray spaces. The
//! header row is the one among the first rows where most cells match the
//! mapping; each column's text is combined with its group header when that
//! matches better.

use std::collections::HashMap;

use super::spec::{Mapping, SheetRole};
use crate::import::{CellValue, Sheet};
use crate::model::{Entity, Field};
use crate::text::{exact_key, fold};

/// How many rows from the top are searched for the header.
const HEADER_SCAN_ROWS: u32 = 40;
/// Which fields may appear together on one sheet. The same header can mean a
/// host's country on a flat sheet and an organisation's country on an
/// organisations sheet; the scope decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Learners, mobilities, units, results and the organisations they name.
    General,
    /// An organisations sheet.
    Organisations,
    /// A criteria ratings sheet (one row per criterion).
    Ratings,
}

impl Scope {
    /// Every scope.
    pub const ALL: &'static [Scope] = &[Scope::General, Scope::Organisations, Scope::Ratings];

    /// Whether fields of `entity` belong on a sheet of this scope.
    pub fn allows(self, entity: Entity) -> bool {
        match self {
            Scope::General => !matches!(entity, Entity::Organisation | Entity::Rating),
            Scope::Organisations => entity == Entity::Organisation,
            Scope::Ratings => matches!(
                entity,
                Entity::Rating
                    | Entity::Learner
                    | Entity::Unit
                    | Entity::Mobility
                    | Entity::Assessor
            ),
        }
    }

    fn for_role(role: SheetRole) -> Scope {
        match role {
            SheetRole::Organisations => Scope::Organisations,
            SheetRole::Ratings => Scope::Ratings,
            _ => Scope::General,
        }
    }
}

/// What a column was matched to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A canonical field (in a given language for `@lang` rules).
    Field {
        /// The field.
        field: Field,
        /// The language of the column's text, when the rule says.
        language: Option<String>,
    },
    /// A criterion of an assessment grid, one column per criterion.
    Criterion {
        /// The criterion as the header names it.
        name: String,
    },
}

impl Target {
    fn entity(&self) -> Entity {
        match self {
            Target::Field { field, .. } => field.entity(),
            Target::Criterion { .. } => Entity::Result,
        }
    }
}

/// How a header matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Same words (case, spaces and punctuation aside).
    Exact,
    /// Same words once diacritics are removed.
    WithoutDiacritics,
    /// Same words once a bracketed part is removed ("Vārds (pilns)").
    WithoutBrackets,
    /// A criteria column, by its prefix.
    CriterionPrefix,
    /// Similar spelling only (a typo); reported.
    Similar,
}

/// One header's match.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderMatch {
    /// What it matched.
    pub target: Target,
    /// How.
    pub kind: MatchKind,
    /// 0–1, higher is better.
    pub score: f32,
    /// The mapping's header text that matched.
    pub alias: String,
}

/// Matches header texts against one mapping.
pub struct Matcher<'m> {
    mapping: &'m Mapping,
    exact: HashMap<String, Vec<(usize, usize)>>,
    folded: HashMap<String, Vec<(usize, usize)>>,
    /// Header texts repeat across candidate rows and scopes; match each once.
    memo: std::cell::RefCell<HashMap<(String, bool), Vec<HeaderMatch>>>,
}

impl<'m> Matcher<'m> {
    /// Indexes the mapping's aliases.
    pub fn new(mapping: &'m Mapping) -> Self {
        let mut exact: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut folded: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (ri, rule) in mapping.columns.iter().enumerate() {
            for (ai, alias) in rule.aliases.iter().enumerate() {
                exact.entry(alias.exact.clone()).or_default().push((ri, ai));
                folded
                    .entry(alias.folded.clone())
                    .or_default()
                    .push((ri, ai));
            }
        }
        Self {
            mapping,
            exact,
            folded,
            memo: Default::default(),
        }
    }

    /// The mapping.
    pub fn mapping(&self) -> &'m Mapping {
        self.mapping
    }

    /// Every way `header` matches, best first (similar spellings included).
    pub fn candidates(&self, header: &str) -> Vec<HeaderMatch> {
        self.candidates_with(header, true)
    }

    /// Like [`Matcher::candidates`]; similar spellings only when `similar`,
    /// since comparing with every alias is slow and only the chosen header
    /// row needs it.
    pub fn candidates_with(&self, header: &str, similar: bool) -> Vec<HeaderMatch> {
        let key = (header.to_string(), similar);
        if let Some(hit) = self.memo.borrow().get(&key) {
            return hit.clone();
        }
        let out = self.compute_candidates(header, similar);
        self.memo.borrow_mut().insert(key, out.clone());
        out
    }

    fn compute_candidates(&self, header: &str, similar: bool) -> Vec<HeaderMatch> {
        let mut out = Vec::new();
        let e = exact_key(header);
        if e.is_empty() {
            return out;
        }
        let f = fold(header);
        self.push_hits(&mut out, self.exact.get(&e), MatchKind::Exact, 1.0);
        self.push_hits(
            &mut out,
            self.folded.get(&f),
            MatchKind::WithoutDiacritics,
            0.95,
        );
        self.push_language_suffixed(&mut out, header);
        if let Some(stripped) = without_brackets(header) {
            self.push_hits(
                &mut out,
                self.exact.get(&exact_key(&stripped)),
                MatchKind::WithoutBrackets,
                0.9,
            );
            self.push_hits(
                &mut out,
                self.folded.get(&fold(&stripped)),
                MatchKind::WithoutBrackets,
                0.88,
            );
        }
        self.push_criteria(&mut out, header, &f);
        if similar && out.is_empty() && (5..=80).contains(&f.chars().count()) {
            self.push_similar(&mut out, &f);
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// "Unit title [fi]": a text field in the language the brackets name.
    fn push_language_suffixed(&self, out: &mut Vec<HeaderMatch>, header: &str) {
        let Some((base, language)) = language_suffix(header) else {
            return;
        };
        if self.mapping.vocabulary.language_tag(&language).as_deref() != Some(language.as_str()) {
            return;
        }
        let hits = self
            .exact
            .get(&exact_key(base))
            .or_else(|| self.folded.get(&fold(base)));
        for &(ri, ai) in hits.into_iter().flatten() {
            let rule = &self.mapping.columns[ri];
            if rule.language.is_none() && rule.field.kind().is_multilingual() {
                out.push(HeaderMatch {
                    target: Target::Field {
                        field: rule.field,
                        language: Some(language.clone()),
                    },
                    kind: MatchKind::Exact,
                    score: 0.97,
                    alias: format!("{} [{language}]", rule.aliases[ai].text),
                });
            }
        }
    }

    /// "Kritērijs: Teamwork": a criterion column, named after its prefix.
    fn push_criteria(&self, out: &mut Vec<HeaderMatch>, header: &str, folded: &str) {
        for prefix in &self.mapping.criteria_prefixes {
            if let Some(rest) = folded.strip_prefix(prefix.as_str())
                && rest.starts_with(' ')
            {
                let name = criterion_name(header, prefix);
                if !name.is_empty() {
                    out.push(HeaderMatch {
                        target: Target::Criterion { name },
                        kind: MatchKind::CriterionPrefix,
                        score: 0.9,
                        alias: prefix.clone(),
                    });
                }
            }
        }
    }

    /// Headers spelt nearly like a known one (a typo), scored lower.
    fn push_similar(&self, out: &mut Vec<HeaderMatch>, folded: &str) {
        for rule in &self.mapping.columns {
            for alias in &rule.aliases {
                if alias.folded.chars().count() < 5 {
                    continue;
                }
                let sim = strsim::normalized_damerau_levenshtein(folded, &alias.folded) as f32;
                if sim >= 0.85 {
                    out.push(HeaderMatch {
                        target: Target::Field {
                            field: rule.field,
                            language: rule.language.clone(),
                        },
                        kind: MatchKind::Similar,
                        score: 0.7 * sim,
                        alias: alias.text.clone(),
                    });
                }
            }
        }
    }

    fn push_hits(
        &self,
        out: &mut Vec<HeaderMatch>,
        hits: Option<&Vec<(usize, usize)>>,
        kind: MatchKind,
        score: f32,
    ) {
        for &(ri, ai) in hits.into_iter().flatten() {
            let rule = &self.mapping.columns[ri];
            let target = Target::Field {
                field: rule.field,
                language: rule.language.clone(),
            };
            if out.iter().any(|m: &HeaderMatch| m.target == target) {
                continue;
            }
            out.push(HeaderMatch {
                target,
                kind,
                score,
                alias: rule.aliases[ai].text.clone(),
            });
        }
    }

    /// The nearest alias to an unmatched header, for "did you mean" hints.
    pub fn nearest(&self, header: &str) -> Option<(Field, &str)> {
        let f = fold(header);
        self.mapping
            .columns
            .iter()
            .flat_map(|r| r.aliases.iter().map(move |a| (r.field, a)))
            .map(|(field, a)| (strsim::jaro_winkler(&f, &a.folded), field, a.text.as_str()))
            .filter(|(s, _, _)| *s >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, field, text)| (field, text))
    }
}

/// "Unit title [fi]" or "Unit title (FI)" → ("Unit title", "fi").
fn language_suffix(header: &str) -> Option<(&str, String)> {
    let h = header.trim_end();
    let close = h.chars().last()?;
    let open = match close {
        ']' => '[',
        ')' => '(',
        _ => return None,
    };
    let start = h.rfind(open)?;
    let tag = &h[start + 1..h.len() - 1];
    let ok = (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_alphabetic());
    ok.then(|| (h[..start].trim_end(), tag.to_ascii_lowercase()))
}

fn without_brackets(header: &str) -> Option<String> {
    if !header.contains(['(', '[']) {
        return None;
    }
    let mut out = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let trimmed = out.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// The criterion part of "Kritērijs: Komunikācijas prasmes", as written.
fn criterion_name(header: &str, folded_prefix: &str) -> String {
    // Skip as many words of the original as the prefix has.
    let words = folded_prefix.split(' ').count();
    let mut rest = header.trim();
    for _ in 0..words {
        rest = rest
            .trim_start()
            .trim_start_matches(|c: char| !c.is_whitespace() && !c.is_alphanumeric());
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    rest.trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim()
        .replace('\n', " ")
}

/// One column of a recognised sheet.
#[derive(Clone, Debug)]
pub struct Column {
    /// 0-based column.
    pub index: u32,
    /// The column's own header text (empty when the cell is empty).
    pub header: String,
    /// The group header merged over this and neighbouring columns, if any.
    pub group: Option<String>,
    /// What it maps to; `None` for unmapped columns (their values are kept as unmapped).
    pub matched: Option<HeaderMatch>,
    /// When another column took the same field, that column.
    pub duplicate_of: Option<u32>,
}

impl Column {
    /// The column's own header, or "Column K" when the header cell is empty:
    /// the key its unmapped values are kept under.
    pub fn display_header(&self) -> String {
        if self.header.is_empty() {
            format!("Column {}", crate::diagnostics::column_name(self.index))
        } else {
            self.header.clone()
        }
    }

    /// The header with its group, as a user sees it: "Mobilitāte / Sākums".
    pub fn full_header(&self) -> String {
        match &self.group {
            Some(g) => format!("{g} / {}", self.display_header()),
            None => self.display_header(),
        }
    }
}

/// Where a sheet's table is and what its columns mean.
#[derive(Clone, Debug)]
pub struct SheetLayout {
    /// First header row, 0-based.
    pub header_row: u32,
    /// First data row, 0-based.
    pub data_start: u32,
    /// What the sheet holds.
    pub role: SheetRole,
    /// True when the sheet's name (not its columns) gave the role.
    pub role_from_name: bool,
    /// Which fields the sheet may hold.
    pub scope: Scope,
    /// Every column up to the last one with a header or a value.
    pub columns: Vec<Column>,
}

impl SheetLayout {
    /// Columns matched to a target.
    pub fn matched(&self) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(|c| c.matched.is_some() && c.duplicate_of.is_none())
    }

    /// The column holding `field` (in any language).
    pub fn column_of(&self, field: Field) -> Option<u32> {
        self.matched().find_map(|c| match &c.matched {
            Some(HeaderMatch {
                target: Target::Field { field: f, .. },
                ..
            }) if *f == field => Some(c.index),
            _ => None,
        })
    }

    /// Sum of match scores: how well the mapping fits this sheet.
    pub fn score(&self) -> f32 {
        self.matched()
            .filter_map(|c| c.matched.as_ref())
            .map(|m| m.score)
            .sum()
    }
}

/// The header texts of one column of a candidate header row.
#[derive(Clone, Debug)]
struct HeaderText {
    /// The column's own text (several header rows joined).
    own: String,
    /// A group header merged over the column in the row above.
    group: Option<String>,
}

impl HeaderText {
    fn is_empty(&self) -> bool {
        self.own.is_empty() && self.group.is_none()
    }
}

/// Header texts of one candidate header row, and the last row of the header
/// block (headers merged down make a block of several rows).
fn header_texts(sheet: &Sheet, row: u32, cols: u32) -> (Vec<HeaderText>, u32) {
    let block_end = sheet
        .merges()
        .iter()
        .filter(|m| m.first_row == row && m.last_row > row)
        .map(|m| m.last_row)
        .max()
        .unwrap_or(row)
        .min(row + 3);
    let mut out = Vec::with_capacity(cols as usize);
    for c in 0..cols {
        let mut group = None;
        if row > 0
            && let Some(m) = sheet.merge_at(row - 1, c)
            && m.is_horizontal()
            && m.last_row == row - 1
        {
            let g = text_of(sheet.value(m.first_row, m.first_col));
            if !g.is_empty() {
                group = Some(g);
            }
        }
        let mut parts: Vec<String> = Vec::new();
        for r in row..=block_end {
            let t = text_of(sheet.shown_value(r, c));
            if !t.is_empty() && !parts.contains(&t) && group.as_ref() != Some(&t) {
                parts.push(t);
            }
        }
        let own = parts.join(" ");
        // A merged header with nothing under it is the column's own header.
        if own.is_empty() {
            out.push(HeaderText {
                own: group.take().unwrap_or_default(),
                group: None,
            });
        } else {
            out.push(HeaderText { own, group });
        }
    }
    (out, block_end)
}

fn text_of(v: CellValue<'_>) -> String {
    match v {
        CellValue::Text(t) => t.trim().to_string(),
        CellValue::Empty => String::new(),
        other => other.to_text(),
    }
}

/// Best match of a column's header within a scope: its own text, its
/// group and own text together ("Uzņemošā organizācija Adrese"), and a
/// generic organisation header ("Valsts") under a group naming an
/// organisation ("Nosūtošā organizācija"), which means that organisation's field.
fn best_in_scope(
    matcher: &Matcher,
    text: &HeaderText,
    scope: Scope,
    similar: bool,
) -> Option<HeaderMatch> {
    let mut best: Option<HeaderMatch> = None;
    let mut consider = |m: HeaderMatch, penalty: f32| {
        if !scope.allows(m.target.entity()) {
            return;
        }
        let score = m.score - penalty;
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(HeaderMatch { score, ..m });
        }
    };
    if text.own.is_empty() {
        return None;
    }
    for m in matcher.candidates_with(&text.own, similar) {
        consider(m, 0.002);
    }
    if let Some(group) = &text.group {
        for m in matcher.candidates_with(&format!("{group} {}", text.own), false) {
            consider(m, 0.0);
        }
        let group_entity = matcher
            .candidates_with(group, false)
            .into_iter()
            .map(|m| m.target.entity())
            .find(|e| matches!(e, Entity::Sending | Entity::Host | Entity::Intermediary));
        if let Some(entity) = group_entity {
            for m in matcher.candidates_with(&text.own, false) {
                if let Target::Field { field, language } = &m.target
                    && field.entity() == Entity::Organisation
                    && let Some(f) = Field::find(entity, field.name())
                {
                    let target = Target::Field {
                        field: f,
                        language: language.clone(),
                    };
                    consider(HeaderMatch { target, ..m }, 0.001);
                }
            }
        }
    }
    best
}

/// Finds the header row and matches the columns of a sheet, or `None` when
/// no row matches at least two headers.
pub fn detect_layout(sheet: &Sheet, matcher: &Matcher) -> Option<SheetLayout> {
    let mapping = matcher.mapping();
    let forced = mapping.role_for_sheet_name(&sheet.name);
    let scopes: Vec<Scope> = match forced {
        Some(role) => vec![Scope::for_role(role)],
        None => Scope::ALL.to_vec(),
    };
    let HeaderRow {
        row: header_row,
        scope,
        mut matches,
        texts,
        block_end,
        ..
    } = best_header_row(sheet, matcher, &scopes)?;
    // Typos in the chosen header row: similar spellings, reported as such.
    for (m, t) in matches.iter_mut().zip(&texts) {
        if m.is_none() {
            *m = best_in_scope(matcher, t, scope, true);
        }
    }
    let mut columns = columns_of(texts, matches);
    drop_columns_without_data(sheet, block_end, &mut columns);
    let role = forced.unwrap_or_else(|| infer_role(scope, &columns));
    Some(SheetLayout {
        header_row,
        data_start: block_end + 1,
        role,
        role_from_name: forced.is_some(),
        scope,
        columns,
    })
}

/// A row read as a header row in one scope.
struct HeaderRow {
    /// Distinct targets matched exactly or nearly (not by similarity).
    strong: usize,
    score: f32,
    row: u32,
    scope: Scope,
    /// Each column's match.
    matches: Vec<Option<HeaderMatch>>,
    texts: Vec<HeaderText>,
    /// The last row of the header block (group headers over column headers).
    block_end: u32,
}

/// The row among the first rows of the sheet, and the scope, whose headers
/// match best: the most distinct targets, then the highest score; at least
/// two, one of which names a record.
fn best_header_row(sheet: &Sheet, matcher: &Matcher, scopes: &[Scope]) -> Option<HeaderRow> {
    // Every column: a sheet's width is already bounded by the cells limit,
    // and a column past any cap would lose its values without a word.
    let cols = sheet.col_end();
    let first = sheet.row_start();
    let last = sheet.row_end().min(first + HEADER_SCAN_ROWS);
    let mut best: Option<HeaderRow> = None;
    for row in first..last {
        let (texts, block_end) = header_texts(sheet, row, cols);
        if texts.iter().filter(|t| !t.is_empty()).count() < 2 {
            continue;
        }
        for &scope in scopes {
            let matches: Vec<Option<HeaderMatch>> = texts
                .iter()
                .map(|t| best_in_scope(matcher, t, scope, false))
                .collect();
            // Distinct fields, so one field matched twice is no evidence of a header.
            let strong_targets: std::collections::HashSet<&Target> = matches
                .iter()
                .flatten()
                .filter(|m| m.kind != MatchKind::Similar)
                .map(|m| &m.target)
                .collect();
            let strong = strong_targets.len();
            // A table without a column naming a record cannot give records.
            if !strong_targets.iter().any(|t| identifies_a_record(t)) {
                continue;
            }
            let score: f32 = matches.iter().flatten().map(|m| m.score).sum();
            let better = match &best {
                None => true,
                Some(b) => (strong, score) > (b.strong, b.score),
            };
            if strong >= 2 && better {
                best = Some(HeaderRow {
                    strong,
                    score,
                    row,
                    scope,
                    matches,
                    texts: texts.clone(),
                    block_end,
                });
            }
        }
    }
    best
}

/// The columns of a header row: one column per target, the best-scoring
/// one keeps it and the others name it as the column they duplicate.
fn columns_of(texts: Vec<HeaderText>, matches: Vec<Option<HeaderMatch>>) -> Vec<Column> {
    let mut owner: HashMap<Target, (u32, f32)> = HashMap::new();
    for (c, m) in matches.iter().enumerate() {
        if let Some(m) = m {
            let entry = owner.entry(m.target.clone()).or_insert((c as u32, m.score));
            if m.score > entry.1 {
                *entry = (c as u32, m.score);
            }
        }
    }
    texts
        .into_iter()
        .zip(matches)
        .enumerate()
        .map(|(c, (text, m))| {
            let duplicate_of = m
                .as_ref()
                .and_then(|m| owner.get(&m.target))
                .map(|(o, _)| *o)
                .filter(|o| *o != c as u32);
            Column {
                index: c as u32,
                header: text.own,
                group: text.group,
                matched: m,
                duplicate_of,
            }
        })
        .collect()
}

/// Columns with neither a header nor data below are not columns of the
/// table (one pass over the filled cells finds the columns with data).
fn drop_columns_without_data(sheet: &Sheet, block_end: u32, columns: &mut Vec<Column>) {
    if !columns
        .iter()
        .any(|c| c.header.is_empty() && c.group.is_none())
    {
        return;
    }
    let mut with_data = std::collections::HashSet::new();
    for r in block_end + 1..sheet.row_end() {
        with_data.extend(sheet.filled_in_row(r).map(|(c, _)| c));
    }
    columns.retain(|c| !c.header.is_empty() || c.group.is_some() || with_data.contains(&c.index));
}

/// Fields that name a record: a sheet needs one of them to be a table of records.
fn identifies_a_record(target: &Target) -> bool {
    matches!(
        target,
        Target::Field {
            field: Field::LearnerId
                | Field::LearnerGivenNames
                | Field::LearnerFamilyName
                | Field::LearnerFullName
                | Field::LearnerNationalId
                | Field::UnitCode
                | Field::UnitTitle
                | Field::OrganisationName
                | Field::OrganisationKey
                | Field::QualificationTitle,
            ..
        }
    )
}

fn infer_role(scope: Scope, columns: &[Column]) -> SheetRole {
    match scope {
        Scope::Organisations => return SheetRole::Organisations,
        Scope::Ratings => return SheetRole::Ratings,
        Scope::General => {}
    }
    let fields: Vec<&Target> = columns
        .iter()
        .filter(|c| c.duplicate_of.is_none())
        .filter_map(|c| c.matched.as_ref().map(|m| &m.target))
        .collect();
    let has = |e: Entity| fields.iter().any(|t| t.entity() == e);
    let has_name = fields.iter().any(|t| {
        matches!(
            t,
            Target::Field {
                field: Field::LearnerGivenNames | Field::LearnerFamilyName | Field::LearnerFullName,
                ..
            }
        )
    });
    let has_unit = has(Entity::Unit);
    let has_learner = has(Entity::Learner);
    match (has_learner, has_unit) {
        (true, true) if has_name => SheetRole::Flat,
        (true, true) => SheetRole::Results,
        (false, true) => SheetRole::Units,
        (true, false) => SheetRole::Learners,
        (false, false) => SheetRole::Flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::MergedRange;

    fn lv() -> &'static Mapping {
        Mapping::shipped_by_id("lv").unwrap()
    }

    fn fields(layout: &SheetLayout) -> Vec<String> {
        layout
            .matched()
            .map(|c| match &c.matched.as_ref().unwrap().target {
                Target::Field { field, .. } => field.path(),
                Target::Criterion { name } => format!("criterion:{name}"),
            })
            .collect()
    }

    #[test]
    fn a_header_past_the_thousandth_column_is_read() {
        let mut header = vec![String::new(); 1100];
        let mut row = vec![String::new(); 1100];
        for (c, (h, v)) in [
            (0, ("Vārds", "Anna")),
            (1, ("Uzvārds", "Ozola")),
            (1008, ("Vērtējums", "8")),
        ] {
            header[c] = h.to_string();
            row[c] = v.to_string();
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let row: Vec<&str> = row.iter().map(String::as_str).collect();
        let sheet = Sheet::from_text_rows("x", &[&header, &row], vec![]);
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert!(
            fields(&layout).contains(&"result.grade".to_string()),
            "{:?}",
            fields(&layout)
        );
        assert_eq!(
            layout.column_of(Field::from_path("result.grade").unwrap()),
            Some(1008)
        );
    }

    #[test]
    fn a_sheet_of_sixteen_thousand_header_like_columns_is_scanned_quickly() {
        let wide: Vec<String> = (0..16_384).map(|c| format!("Vārds {c}")).collect();
        let wide: Vec<&str> = wide.iter().map(String::as_str).collect();
        let rows: Vec<&[&str]> = (0..40).map(|_| wide.as_slice()).collect();
        let sheet = Sheet::from_text_rows("x", &rows, vec![]);
        let started = std::time::Instant::now();
        let _ = detect_layout(&sheet, &Matcher::new(lv()));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn header_is_found_below_title_rows() {
        let sheet = Sheet::from_text_rows(
            "Saraksts",
            &[
                &["Rīgas tehnikums — mobilitāte 2025", "", ""],
                &["", "", ""],
                &["Vārds", "Uzvārds", "Dzimšanas datums"],
                &["Anna", "Ozola", "01.02.2006"],
            ],
            vec![],
        );
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert_eq!(layout.header_row, 2);
        assert_eq!(layout.data_start, 3);
        assert_eq!(
            fields(&layout),
            [
                "learner.given_names",
                "learner.family_name",
                "learner.date_of_birth"
            ]
        );
    }

    #[test]
    fn headers_match_without_case_spacing_breaks_or_diacritics() {
        let sheet = Sheet::from_text_rows(
            "x",
            &[
                &["VARDS", " uzvards ", "Dzimsanas\ndatums", "EKI  limenis"],
                &["Anna", "Ozola", "1.2.2006", "4"],
            ],
            vec![],
        );
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert_eq!(
            fields(&layout),
            [
                "learner.given_names",
                "learner.family_name",
                "learner.date_of_birth",
                "unit.eqf_level"
            ]
        );
    }

    #[test]
    fn a_merged_group_header_disambiguates_the_columns_under_it() {
        let sheet = Sheet::from_text_rows(
            "x",
            &[
                &["Audzēknis", "", "Mobilitāte", ""],
                &["Vārds", "Uzvārds", "Sākums", "Beigas"],
                &["Anna", "Ozola", "01.02.2025", "28.02.2025"],
            ],
            vec![
                MergedRange {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 1,
                },
                MergedRange {
                    first_row: 0,
                    first_col: 2,
                    last_row: 0,
                    last_col: 3,
                },
            ],
        );
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert_eq!(layout.header_row, 1);
        assert_eq!(
            fields(&layout),
            [
                "learner.given_names",
                "learner.family_name",
                "mobility.start",
                "mobility.end"
            ]
        );
        assert_eq!(layout.columns[2].full_header(), "Mobilitāte / Sākums");
    }

    #[test]
    fn an_organisations_sheet_reads_country_as_the_organisations_own() {
        let sheet = Sheet::from_text_rows(
            "Partneri",
            &[
                &["Kods", "Nosaukums", "Valsts", "Adrese"],
                &["FI-1", "Oy Auto", "Somija", "Helsinki"],
            ],
            vec![],
        );
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert_eq!(layout.role, SheetRole::Organisations);
        assert_eq!(
            fields(&layout),
            [
                "organisation.key",
                "organisation.name",
                "organisation.country",
                "organisation.address"
            ]
        );
    }

    #[test]
    fn criteria_columns_are_recognised_by_prefix() {
        let sheet = Sheet::from_text_rows(
            "x",
            &[
                &["Vārds", "Uzvārds", "Kritērijs: Komandas darbs"],
                &["Anna", "Ozola", "3"],
            ],
            vec![],
        );
        let layout = detect_layout(&sheet, &Matcher::new(lv())).unwrap();
        assert_eq!(fields(&layout)[2], "criterion:Komandas darbs");
    }

    #[test]
    fn a_language_in_brackets_gives_the_columns_language() {
        let m = Matcher::new(lv());
        let c = m.candidates("Vienības nosaukums [fi]");
        assert_eq!(
            c[0].target,
            Target::Field {
                field: Field::UnitTitle,
                language: Some("fi".into())
            }
        );
        // Not a language: the brackets are ignored as before.
        let c = m.candidates("Vārds (pilns)");
        assert_eq!(
            c[0].target,
            Target::Field {
                field: Field::LearnerGivenNames,
                language: None
            }
        );
    }

    #[test]
    fn a_typo_in_a_header_is_a_similar_match() {
        let m = Matcher::new(lv());
        let c = m.candidates("Dzimšnas datums");
        assert_eq!(c[0].kind, MatchKind::Similar);
    }
}
