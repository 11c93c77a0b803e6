//! The personal transcript: what it shows and in which order (the field set
//! of `DOMAIN.md` §3), laid out on A4 pages.
//!
//! Its data are those of the learner's Europass credential — the same
//! [`Credential`] plan the XML is written from, so the printed and the
//! embedded record never disagree — plus the names of the Learning Agreement
//! and Memorandum documents `--to docx` writes for the same mobility.
//!
//! Whether a learning outcome was achieved: a result recorded for that
//! outcome alone wins; otherwise the unit's result says it for every outcome
//! the Learning Agreement targeted (`achieved`, or when only pass/fail was
//! recorded, passed → yes and failed → no). Outcomes the agreement did not
//! target are marked so, not ticked.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::fonts::printable;
use super::labels::Labels;
use super::layout::{
    Cell, Colour, Flow, Frame, Item, Mark, PAGE_HEIGHT, PAGE_WIDTH, Page, Para, Style, Table, wrap,
};
use crate::export::credential::{Credential, UnitEntry};
use crate::model::{
    Achievement, AssessmentResult, ContactPerson, ContactRole, CreditPoints, CreditSystem,
    GradingScheme, LearningAgreement, MultilingualText, Organisation, OutcomeCategory,
    RegistrationScheme, Round, Scale,
};

const MARGIN_X: f32 = 42.0;
const MARGIN_TOP: f32 = 40.0;
const MARGIN_BOTTOM: f32 = 28.0;

const TITLE: Style = Style::bold(15.0);
const TITLE_2: Style = Style::bold(11.5).colour(Colour::Muted);
const SUBTITLE: Style = Style::regular(8.6).colour(Colour::Muted);
const SECTION: Style = Style::bold(11.0);
const UNIT: Style = Style::bold(9.8);
const LABEL: Style = Style::bold(7.8);
const VALUE: Style = Style::regular(8.6);
const VALUE_BOLD: Style = Style::bold(8.6);
const VALUE_2: Style = Style::regular(8.6).colour(Colour::Muted);
const NOTE: Style = Style::regular(7.6).colour(Colour::Muted);
const HEADER: Style = Style::bold(7.6);
const CELL: Style = Style::regular(8.2);
const CELL_2: Style = Style::regular(8.2).colour(Colour::Muted);
const FOOTER: Style = Style::regular(7.0).colour(Colour::Muted);

/// How much of a unit is kept on the page of its heading: the heading and its facts.
const UNIT_KEEP: f32 = UNIT.size * 1.28 * 2.0 + 130.0;

/// Width of the label column of field tables.
const LABEL_WIDTH: f32 = 150.0;

/// The documents a transcript refers to, named as a reader knows them: by
/// who they are between and their date, never by a file path or record id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    /// The Learning Agreement.
    pub learning_agreement: Option<RelatedDocument>,
    /// The Memorandum of Understanding.
    pub memorandum: Option<RelatedDocument>,
    /// The memorandum's own file code, when the round records one.
    pub memorandum_code: Option<String>,
    /// The name of the credential attached to the PDF.
    pub credential: String,
}

/// A related document: "Jānis Bērziņš, 03.03.2025".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedDocument {
    /// Whom it is between (the learner; the two schools).
    pub parties: String,
    /// Its date: the latest signature, else the start of the mobility
    /// (the same date its Word file carries in its properties).
    pub date: Option<NaiveDate>,
}

/// Everything one transcript is made from.
pub struct TranscriptInput<'a, 'r> {
    /// The learner's credential plan (mobility, learner, organisations, units and results).
    pub credential: &'a Credential<'r>,
    /// The round, for contacts and the Learning Agreement record.
    pub round: &'r Round,
    /// Results recorded for single learning outcomes, by (learner, outcome id).
    pub outcome_results: &'a HashMap<(&'r str, &'r str), &'r AssessmentResult>,
    /// Related documents.
    pub references: References,
    /// Languages of the values, in order of preference (`--lang`).
    pub languages: &'a [String],
}

/// A transcript laid out: its pages, and the characters it had to replace.
pub struct Composed {
    /// The pages, footers included.
    pub pages: Vec<Page>,
    /// Characters no built-in font has, shown as `�`.
    pub replaced: Vec<char>,
    /// The document title (metadata, bookmarks).
    pub title: String,
}

/// Lays out one learner's transcript.
pub fn compose(input: &TranscriptInput<'_, '_>, labels: &Labels) -> Composed {
    let c = input.credential;
    let mut languages: Vec<&str> = input.languages.iter().map(String::as_str).collect();
    if languages.is_empty() {
        languages.push(labels.primary());
    }
    let name = c.learner.full_name();
    let title = format!("{} — {name}", labels.each("title.document").join(" / "));
    let mut replaced = Vec::new();
    let (footer_text, more) = printable(&title);
    replaced.extend(more);
    let right_width =
        FOOTER.width(&labels.fill("footer.page", &[("page", "999"), ("pages", "999")]));
    let content = PAGE_WIDTH - 2.0 * MARGIN_X;
    let footer_lines = wrap(&footer_text, FOOTER, content - right_width - 12.0);
    let footer_height = footer_lines.len().max(1) as f32 * FOOTER.line_height();
    let frame = Frame {
        left: MARGIN_X,
        right: PAGE_WIDTH - MARGIN_X,
        top: MARGIN_TOP,
        bottom: PAGE_HEIGHT - MARGIN_BOTTOM - footer_height - 10.0,
    };
    let mut t = Composer {
        flow: Flow::new(frame),
        labels,
        languages,
        replaced,
        last_block: None,
    };
    t.title_block(input);
    t.learner(input);
    t.organisations(input);
    t.qualification(input);
    t.mobility(input);
    t.units(input);
    t.signatures(input);
    let Composer {
        flow, mut replaced, ..
    } = t;
    let mut pages = flow.finish();
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let right = labels.fill(
            "footer.page",
            &[
                ("page", &(i + 1).to_string()),
                ("pages", &total.to_string()),
            ],
        );
        let line_h = FOOTER.line_height();
        let top = PAGE_HEIGHT - MARGIN_BOTTOM - footer_height;
        page.items.push(Item::Rule {
            from: (frame.left, top - 4.0),
            to: (frame.right, top - 4.0),
            width: 0.4,
        });
        for (n, line) in footer_lines.iter().enumerate() {
            page.items.push(Item::Text {
                x: frame.left,
                baseline: top + n as f32 * line_h + FOOTER.size,
                style: FOOTER,
                text: line.text.clone(),
            });
        }
        page.items.push(Item::Text {
            x: frame.right - FOOTER.width(&right),
            baseline: top + FOOTER.size,
            style: FOOTER,
            text: right,
        });
    }
    replaced.sort_unstable();
    replaced.dedup();
    Composed {
        pages,
        replaced,
        title,
    }
}

struct Composer<'l> {
    flow: Flow,
    labels: &'l Labels,
    languages: Vec<&'l str>,
    replaced: Vec<char>,
    /// Where the last unit's result starts: it goes with the signature
    /// block to a new page when that block does not fit.
    last_block: Option<Mark>,
}

impl Composer<'_> {
    /// `text` made drawable, remembering what had to be replaced.
    fn clean(&mut self, text: &str) -> String {
        let (out, missing) = printable(text);
        for c in missing {
            if !self.replaced.contains(&c) {
                self.replaced.push(c);
            }
        }
        out
    }

    fn para(&mut self, text: &str, style: Style) -> Para {
        Para::new(self.clean(text), style)
    }

    /// A multilingual value: its text in each document language it has (the
    /// first in `style`, the others muted), else its text in its own
    /// language, marked with the language ("… (lv)").
    fn texts(&mut self, t: &MultilingualText, style: Style, second: Style) -> Vec<Para> {
        self.texts_marking(t, style, second, true)
    }

    /// A proper name (an organisation's), as [`texts`](Self::texts) prints
    /// a value but never marked with its language.
    fn names(&mut self, t: &MultilingualText, style: Style, second: Style) -> Vec<Para> {
        self.texts_marking(t, style, second, false)
    }

    fn texts_marking(
        &mut self,
        t: &MultilingualText,
        style: Style,
        second: Style,
        mark: bool,
    ) -> Vec<Para> {
        let mut out: Vec<Para> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for l in self.languages.clone() {
            if let Some(text) = t.get(l).filter(|s| !s.trim().is_empty())
                && !seen.contains(&text)
            {
                seen.push(text);
                let s = if out.is_empty() { style } else { second };
                out.push(self.para(text, s));
            }
        }
        let fallback = if mark {
            t.shown(&self.languages)
        } else {
            self.name(t)
        };
        if out.is_empty()
            && let Some(text) = fallback
        {
            out.push(self.para(&text, style));
        }
        out
    }

    /// The value's text in the first document language it has, else in its
    /// own language, marked.
    fn best(&self, t: &MultilingualText) -> Option<String> {
        t.shown(&self.languages)
    }

    /// A proper name (an organisation's) in the first document language it
    /// has, else as it is: a name is never marked.
    fn name(&self, t: &MultilingualText) -> Option<String> {
        t.for_document(&self.languages).map(|(n, _)| n.to_string())
    }

    fn section(&mut self, key: &str) {
        self.section_keeping(key, 60.0);
    }

    /// A section heading kept on one page with the next `follow` points.
    fn section_keeping(&mut self, key: &str, follow: f32) {
        let label = self.labels.get(key);
        let text = self.clean(&label);
        // A heading is never the last thing on a page.
        self.flow.space(9.0);
        self.flow.keep(SECTION.line_height() * 2.0 + follow);
        self.flow.paragraph(&text, SECTION, 0.0);
        self.flow.space(3.0);
    }

    /// A two-column table of labelled values; rows without a value are left out.
    fn fields(&mut self, rows: Vec<(String, Vec<Para>)>) {
        let width = self.flow.frame().width();
        let mut table = Table {
            widths: vec![LABEL_WIDTH, width - LABEL_WIDTH],
            header: Vec::new(),
            rows: Vec::new(),
            borders: true,
        };
        for (label, paras) in rows {
            if paras.is_empty() {
                continue;
            }
            let label = self.clean(&label);
            table
                .rows
                .push(vec![Cell::text(label, LABEL).shaded(), Cell::paras(paras)]);
        }
        if !table.rows.is_empty() {
            self.flow.table(&table);
        }
    }

    fn value(&mut self, text: Option<String>) -> Vec<Para> {
        match text {
            Some(t) if !t.trim().is_empty() => vec![self.para(&t, VALUE)],
            _ => Vec::new(),
        }
    }

    fn date(&self, d: Option<NaiveDate>) -> Option<String> {
        d.map(|d| self.labels.date(d))
    }

    fn title_block(&mut self, input: &TranscriptInput) {
        let c = input.credential;
        let titles = self.labels.each("title.document");
        for (i, t) in titles.iter().enumerate() {
            let text = self.clean(t);
            self.flow
                .paragraph(&text, if i == 0 { TITLE } else { TITLE_2 }, 0.0);
        }
        self.flow.space(2.0);
        for t in self.labels.each("title.subtitle") {
            let text = self.clean(t);
            self.flow.paragraph(&text, SUBTITLE, 0.0);
        }
        self.flow.space(4.0);
        let issuer = self.name(&c.issuer.name).unwrap_or_default();
        let issued = self.labels.fill_by("title.issued", |lang| {
            vec![
                ("issuer", issuer.clone()),
                ("date", super::labels::date_in(lang, c.issued)),
            ]
        });
        let text = self.clean(&issued);
        self.flow.paragraph(&text, VALUE, 0.0);
        self.flow.space(5.0);
        self.flow.rule(0.8);
        self.flow.space(2.0);
    }

    fn learner(&mut self, input: &TranscriptInput) {
        let l = input.credential.learner;
        self.section("section.learner");
        let rows = vec![
            (
                self.labels.get("field.family_name"),
                vec![self.para(&l.family_name, VALUE_BOLD)],
            ),
            (
                self.labels.get("field.given_names"),
                vec![self.para(&l.given_names, VALUE_BOLD)],
            ),
            (
                self.labels.get("field.date_of_birth"),
                self.value(self.date(l.date_of_birth)),
            ),
            (
                self.labels.get("field.learner_number"),
                self.value(l.school_id.clone()),
            ),
        ];
        self.fields(rows);
    }

    /// An organisation: its name, then address, country and register ids.
    fn organisation(&mut self, o: &Organisation) -> Vec<Para> {
        let mut paras = self.names(&o.name, VALUE_BOLD, VALUE_2);
        if paras.is_empty() {
            paras.push(self.para(&o.id, VALUE_BOLD));
        }
        let mut details: Vec<String> = Vec::new();
        details.extend(o.address.iter().cloned());
        if let Some(country) = &o.country {
            let name = crate::vocab::country(country.as_str())
                .map(|c| c.name.clone())
                .unwrap_or_else(|| country.to_string());
            details.push(name);
        }
        for id in &o.registration_ids {
            let scheme = match &id.scheme {
                RegistrationScheme::Pic => "PIC",
                RegistrationScheme::Oid => "OID",
                RegistrationScheme::National => "Reg. No.",
            };
            details.push(format!("{scheme} {}", id.value));
        }
        details.extend(o.website.iter().cloned());
        if !details.is_empty() {
            paras.push(self.para(&details.join(" · "), NOTE));
        }
        paras
    }

    fn person(&mut self, p: &ContactPerson, round: &Round) -> Vec<Para> {
        let mut parts = vec![p.name.clone()];
        parts.extend(self.best(&p.position));
        if let Some(org) = p
            .organisation
            .as_deref()
            .and_then(|id| round.organisation(id))
            && let Some(name) = self.name(&org.name)
        {
            parts.push(name);
        }
        let mut paras = vec![self.para(&parts.join(", "), VALUE)];
        let contact: Vec<String> = p.email.iter().chain(p.phone.iter()).cloned().collect();
        if !contact.is_empty() {
            paras.push(self.para(&contact.join(" · "), NOTE));
        }
        paras
    }

    fn organisations(&mut self, input: &TranscriptInput) {
        let c = input.credential;
        self.section("section.organisations");
        let mut rows = vec![
            (
                self.labels.get("field.sending"),
                self.organisation(c.issuer),
            ),
            (self.labels.get("field.host"), self.organisation(c.host)),
        ];
        if let Some(o) = c
            .mobility
            .intermediary
            .as_deref()
            .and_then(|id| input.round.organisation(id))
        {
            rows.push((self.labels.get("field.intermediary"), self.organisation(o)));
        }
        if let Some(m) = c.mentor {
            rows.push((self.labels.get("field.mentor"), self.person(m, input.round)));
        }
        self.fields(rows);
    }

    fn qualification(&mut self, input: &TranscriptInput) {
        let Some(q) = input.credential.qualification else {
            return;
        };
        self.section("section.qualification");
        let nqf = q.nqf_level.as_ref().map(|n| match &n.framework {
            Some(f) => format!("{} ({f})", n.level),
            None => n.level.clone(),
        });
        let mut title = self.texts(&q.title, VALUE_BOLD, VALUE_2);
        if let Some(code) = &q.code {
            title.push(self.para(code, NOTE));
        }
        let rows = vec![
            (self.labels.get("field.title"), title),
            (
                self.labels.get("field.eqf"),
                self.value(q.eqf_level.map(|l| l.get().to_string())),
            ),
            (self.labels.get("field.nqf"), self.value(nqf)),
            (
                self.labels.get("field.ecvet_total"),
                self.value(ecvet(&q.credit_points).map(|v| self.labels.number(v))),
            ),
        ];
        self.fields(rows);
    }

    fn mobility(&mut self, input: &TranscriptInput) {
        let m = input.credential.mobility;
        self.section("section.mobility");
        let period = match (m.start, m.end) {
            (Some(s), Some(e)) => {
                Some(format!("{} – {}", self.labels.date(s), self.labels.date(e)))
            }
            _ => None,
        };
        let weeks = m.duration_weeks.or_else(|| {
            let days = (m.end? - m.start?).num_days() + 1;
            (days > 0).then(|| (days as f64 / 7.0 * 10.0).round() / 10.0)
        });
        let duration = weeks.map(|w| {
            self.labels
                .fill_primary("field.weeks", &[("n", &self.labels.number(w))])
        });
        let rows = vec![
            (self.labels.get("field.period"), self.value(period)),
            (self.labels.get("field.duration"), self.value(duration)),
            (
                self.labels.get("field.project"),
                self.value(m.project_code.clone()),
            ),
            (
                self.labels.get("field.mobility_id"),
                self.value(m.erasmus_id.clone()),
            ),
        ];
        self.fields(rows);

        self.section("section.references");
        let r = &input.references;
        let named = |d: &RelatedDocument| match self.date(d.date) {
            Some(date) => format!("{}, {date}", d.parties),
            None => d.parties.clone(),
        };
        let agreement = r.learning_agreement.as_ref().map(named);
        let memorandum = r.memorandum.as_ref().map(|d| match &r.memorandum_code {
            Some(code) => format!(
                "{} ({})",
                named(d),
                self.labels
                    .fill_primary("field.mou_code", &[("code", code)])
            ),
            None => named(d),
        });
        let credential = self
            .labels
            .fill_primary("field.credential_note", &[("file", &r.credential)]);
        let rows = vec![
            (
                self.labels.get("field.learning_agreement"),
                self.value(agreement),
            ),
            (self.labels.get("field.memorandum"), self.value(memorandum)),
            (
                self.labels.get("field.credential"),
                self.value(Some(credential)),
            ),
        ];
        self.fields(rows);
    }

    fn units(&mut self, input: &TranscriptInput) {
        let c = input.credential;
        self.section_keeping("section.units", UNIT_KEEP + 13.0);
        if c.units.is_empty() {
            let text = self.labels.get("field.none_yet");
            let text = self.clean(&text);
            self.flow.paragraph(&text, VALUE, 0.0);
            return;
        }
        let agreement = input
            .round
            .learning_agreements
            .iter()
            .find(|a| a.mobility == c.mobility.id);
        for (i, entry) in c.units.iter().enumerate() {
            self.unit(input, agreement, i + 1, entry);
        }
    }

    /// "Unit n: CODE Title", kept with the unit's facts and first outcomes.
    fn unit_heading(&mut self, n: usize, unit: &crate::model::Unit) {
        let mut heading = self.labels.fill("unit.heading", &[("n", &n.to_string())]);
        if let Some(code) = &unit.code {
            heading.push_str(": ");
            heading.push_str(code);
        }
        if let Some(title) = self.best(&unit.title) {
            heading.push_str(if unit.code.is_some() { " " } else { ": " });
            heading.push_str(&title);
        }
        let heading = self.clean(&heading);
        self.flow.space(10.0);
        // Keep the heading with the unit's facts and the first outcomes.
        self.flow.keep(UNIT_KEEP);
        self.flow.paragraph(&heading, UNIT, 0.0);
        self.flow.space(3.0);
    }

    fn unit(
        &mut self,
        input: &TranscriptInput,
        agreement: Option<&LearningAgreement>,
        n: usize,
        entry: &UnitEntry,
    ) {
        let c = input.credential;
        let unit = entry.unit;
        let result = entry.result;
        let planned = agreement
            .and_then(|a| a.units.iter().find(|u| u.unit == unit.id))
            .and_then(|u| u.credit_points.as_ref())
            .filter(|p| p.system == CreditSystem::Ecvet)
            .map(|p| p.value)
            .or_else(|| ecvet(&unit.credit_points));
        let awarded = result.and_then(|r| ecvet(&r.credit_points));
        let targeted: Option<&Vec<String>> = agreement
            .and_then(|a| a.units.iter().find(|u| u.unit == unit.id))
            .map(|u| &u.outcomes)
            .filter(|o| !o.is_empty());

        self.unit_heading(n, unit);

        let levels = match (unit.eqf_level, &unit.nqf_level) {
            (None, None) => None,
            (e, n) => Some(format!(
                "{} / {}",
                e.map(|l| l.get().to_string()).unwrap_or_else(|| "–".into()),
                n.as_ref()
                    .map(|n| n.level.clone())
                    .unwrap_or_else(|| "–".into())
            )),
        };
        let rows = vec![
            (self.labels.get("unit.code"), self.value(unit.code.clone())),
            (
                self.labels.get("unit.title"),
                self.texts(&unit.title, VALUE_BOLD, VALUE_2),
            ),
            (self.labels.get("unit.levels"), self.value(levels)),
            (
                self.labels.get("unit.ecvet_planned"),
                self.value(planned.map(|v| self.labels.number(v))),
            ),
            (
                self.labels.get("unit.ecvet_awarded"),
                self.value(awarded.map(|v| self.labels.number(v))),
            ),
        ];
        self.fields(rows);

        if !unit.learning_outcomes.is_empty() {
            self.flow.space(5.0);
            self.outcomes(input, entry, targeted);
        }
        if let Some(r) = result {
            if !r.criteria.is_empty() {
                self.flow.space(5.0);
                self.criteria(c, r);
            }
            self.flow.space(5.0);
            self.last_block = Some(self.flow.mark());
            self.result(input, entry, r);
        } else {
            self.flow.space(4.0);
            self.last_block = Some(self.flow.mark());
            let text = self.labels.get("unit.not_assessed");
            let text = self.clean(&text);
            self.flow.paragraph(&text, VALUE, 0.0);
        }
    }

    fn outcomes(
        &mut self,
        input: &TranscriptInput,
        entry: &UnitEntry,
        targeted: Option<&Vec<String>>,
    ) {
        let width = self.flow.frame().width();
        let (no, category, achieved) = (30.0, 74.0, 98.0);
        let header: Vec<Cell> = [
            "unit.number",
            "unit.outcome",
            "unit.category",
            "unit.achieved",
        ]
        .iter()
        .map(|k| {
            let text = self.labels.get(k);
            Cell::text(self.clean(&text), HEADER).shaded()
        })
        .collect();
        let learner = input.credential.learner.id.as_str();
        let mut rows = Vec::new();
        for (i, o) in entry.unit.learning_outcomes.iter().enumerate() {
            let mut text = self.texts(&o.text, CELL, CELL_2);
            for d in &o.details {
                if let Some(t) = self.best(d) {
                    text.push(self.para(&format!("– {t}"), CELL));
                }
            }
            let category_key = match o.category {
                OutcomeCategory::Knowledge => "category.knowledge",
                OutcomeCategory::Skill => "category.skill",
                OutcomeCategory::Competence => "category.competence",
                OutcomeCategory::Unspecified => "category.unspecified",
            };
            let category_text = self.labels.get(category_key);
            let state = if targeted.is_some_and(|t| !t.contains(&o.id)) {
                State::NotTargeted
            } else {
                let own = input
                    .outcome_results
                    .get(&(learner, o.id.as_str()))
                    .copied()
                    .and_then(achievement);
                match own.or_else(|| entry.result.and_then(achievement)) {
                    Some(a) => State::Assessed(a),
                    None => State::NotRecorded,
                }
            };
            let achieved_cell = self.achieved_cell(state);
            rows.push(vec![
                Cell::text((i + 1).to_string(), CELL),
                Cell::paras(text),
                Cell::text(self.clean(&category_text), CELL),
                achieved_cell,
            ]);
        }
        let table = Table {
            widths: vec![no, width - no - category - achieved, category, achieved],
            header,
            rows,
            borders: true,
        };
        self.flow.table(&table);
    }

    fn achieved_cell(&mut self, state: State) -> Cell {
        match state {
            State::Assessed(a) => {
                let options = [
                    (Achievement::Full, "achieved.yes"),
                    (Achievement::Partial, "achieved.partly"),
                    (Achievement::None, "achieved.no"),
                ];
                let paras = options
                    .iter()
                    .map(|(value, key)| {
                        let mark = if *value == a { '☒' } else { '☐' };
                        let text = format!("{mark} {}", self.labels.get(key));
                        let style = if *value == a { Style::bold(8.2) } else { CELL };
                        self.para(&text, style)
                    })
                    .collect();
                Cell::paras(paras)
            }
            State::NotTargeted => {
                let text = self.labels.get("unit.not_targeted");
                Cell::text(self.clean(&text), CELL_2)
            }
            State::NotRecorded => {
                let text = self.labels.get("unit.not_recorded");
                Cell::text(self.clean(&text), CELL_2)
            }
        }
    }

    fn criteria(&mut self, c: &Credential, r: &AssessmentResult) {
        let width = self.flow.frame().width();
        let (rating, scale) = (80.0, 170.0);
        let header: Vec<Cell> = ["unit.criterion", "unit.rating", "unit.scale"]
            .iter()
            .map(|k| {
                let text = self.labels.get(k);
                Cell::text(self.clean(&text), HEADER).shaded()
            })
            .collect();
        let mut rows = Vec::new();
        for rating_row in &r.criteria {
            let criterion = self.texts(&rating_row.criterion, CELL, CELL_2);
            let scheme = c.scheme(&rating_row.value.scheme);
            let value = self.grade_value(&rating_row.value.value, scheme);
            let scale_paras = self.scheme(scheme, &rating_row.value.scheme, CELL);
            rows.push(vec![
                Cell::paras(criterion),
                Cell::text(self.clean(&value), Style::bold(8.2)),
                Cell::paras(scale_paras),
            ]);
        }
        let table = Table {
            widths: vec![width - rating - scale, rating, scale],
            header,
            rows,
            borders: true,
        };
        self.flow.table(&table);
    }

    /// A value on a scheme: the label's name on an ordered scale, else the value.
    fn grade_value(&self, value: &str, scheme: Option<&GradingScheme>) -> String {
        if let Some(GradingScheme {
            scale: Scale::Ordered { labels, .. },
            ..
        }) = scheme
            && let Some(label) = labels.iter().find(|l| l.value == value)
            && let Some(name) = label.name.best(&self.languages)
            && name != value
        {
            return format!("{value} ({name})");
        }
        value.to_string()
    }

    /// A grading scheme: its name and, muted, its range and pass mark.
    fn scheme(&mut self, scheme: Option<&GradingScheme>, id: &str, style: Style) -> Vec<Para> {
        let Some(s) = scheme else {
            return vec![self.para(id, style)];
        };
        let mut paras = Vec::new();
        if let Some(name) = self.best(&s.name) {
            paras.push(self.para(&name, style));
        } else {
            paras.push(self.para(&s.id, style));
        }
        let range = match &s.scale {
            Scale::Numeric {
                min,
                max,
                lowest_pass,
                higher_is_better,
            } => {
                let key = if *higher_is_better {
                    "scale.numeric"
                } else {
                    "scale.numeric_reversed"
                };
                self.labels.fill_primary(
                    key,
                    &[
                        ("min", &min.to_string()),
                        ("max", &max.to_string()),
                        ("pass", &lowest_pass.to_string()),
                    ],
                )
            }
            Scale::Ordered {
                labels,
                lowest_pass,
            } => {
                let values: Vec<&str> = labels.iter().map(|l| l.value.as_str()).collect();
                self.labels.fill_primary(
                    "scale.ordered",
                    &[("values", &values.join(", ")), ("pass", lowest_pass)],
                )
            }
            // The issuer's own definition, as it gave it.
            Scale::Described { definition } => self.best(definition).unwrap_or_default(),
        };
        paras.push(self.para(&range, NOTE));
        paras
    }

    fn result(&mut self, input: &TranscriptInput, entry: &UnitEntry, r: &AssessmentResult) {
        let c = input.credential;
        let grade = match &r.grade {
            Some(g) => {
                let scheme = c.scheme(&g.scheme);
                let mut paras = vec![self.para(&self.grade_value(&g.value, scheme), VALUE_BOLD)];
                paras.extend(self.scheme(scheme, &g.scheme, NOTE));
                paras
            }
            None => Vec::new(),
        };
        let passed = r
            .passed
            .map(|p| self.labels.get(if p { "answer.yes" } else { "answer.no" }));
        let assessor = match entry.assessor {
            Some(a) => self.person(a, input.round),
            None => match &r.assessor {
                Some(id) => vec![self.para(id, VALUE)],
                None => Vec::new(),
            },
        };
        let rows = vec![
            (self.labels.get("unit.grade"), grade),
            (self.labels.get("unit.passed"), self.value(passed)),
            (self.labels.get("unit.date"), self.value(self.date(r.date))),
            (
                self.labels.get("unit.method"),
                self.texts(&r.method, VALUE, VALUE_2),
            ),
            (self.labels.get("unit.assessor"), assessor),
            (
                self.labels.get("unit.remarks"),
                self.texts(&r.remarks, VALUE, VALUE_2),
            ),
            (
                self.labels.get("unit.deviations"),
                self.texts(&r.deviations, VALUE, VALUE_2),
            ),
        ];
        self.fields(rows);
    }

    fn signatures(&mut self, input: &TranscriptInput) {
        let c = input.credential;
        let host_signer = c
            .units
            .iter()
            .find_map(|u| u.assessor)
            .or(c.mentor)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let mut school: Vec<&ContactPerson> = input
            .round
            .contacts
            .iter()
            .filter(|p| {
                p.organisation.as_deref() == Some(c.issuer.id.as_str())
                    && (p.roles.contains(&ContactRole::Signatory)
                        || p.roles.contains(&ContactRole::Coordinator))
            })
            .collect();
        school.sort_by_key(|p| (!p.roles.contains(&ContactRole::Signatory), p.id.clone()));
        let school_signer = school.first().map(|p| p.name.clone()).unwrap_or_default();

        let width = self.flow.frame().width();
        let half = width / 2.0;
        let role = |s: &mut Self, key: &str| {
            let text = s.labels.get(key);
            Cell::text(s.clean(&text), HEADER).shaded()
        };
        let org =
            |s: &mut Self, o: &Organisation| Cell::paras(s.names(&o.name, VALUE_BOLD, VALUE_2));
        let line = |s: &mut Self, key: &str, value: &str, h: f32| {
            let label = s.labels.get(key);
            let mut paras = vec![s.para(&label, NOTE)];
            if !value.is_empty() {
                paras.push(s.para(value, VALUE));
            }
            Cell::paras(paras).min_height(h)
        };
        let rows = vec![
            vec![
                role(self, "signature.host"),
                role(self, "signature.sending"),
            ],
            vec![org(self, c.host), org(self, c.issuer)],
            vec![
                line(self, "signature.name", &host_signer, 20.0),
                line(self, "signature.name", &school_signer, 20.0),
            ],
            vec![
                line(self, "signature.signature", "", 36.0),
                line(self, "signature.signature", "", 36.0),
            ],
            vec![
                line(self, "signature.place_date", "", 24.0),
                line(self, "signature.place_date", "", 24.0),
            ],
            vec![
                line(self, "signature.stamp", "", 36.0),
                line(self, "signature.stamp", "", 36.0),
            ],
        ];
        let table = Table {
            widths: vec![half, width - half],
            header: Vec::new(),
            rows,
            borders: true,
        };
        self.flow.space(9.0);
        // The signature blocks stay together with their heading: they take
        // the heading's space, the heading and the table. When that does not
        // fit, the last unit's result (else the last row) comes along, so
        // the block never stands alone on the last page.
        let heading = 9.0 + SECTION.line_height() + 3.0;
        let marks = [self.last_block, self.flow.last_row()];
        self.flow.keep_with(&marks, heading + table.height());
        self.section("section.signatures");
        self.flow.table(&table);
    }
}

/// Whether an outcome was achieved, as the transcript can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Assessed(Achievement),
    NotTargeted,
    NotRecorded,
}

/// A result's achievement: as recorded, else from pass/fail.
fn achievement(r: &AssessmentResult) -> Option<Achievement> {
    r.achieved.or(match r.passed {
        Some(true) => Some(Achievement::Full),
        Some(false) => Some(Achievement::None),
        None => None,
    })
}

fn ecvet(points: &[CreditPoints]) -> Option<f64> {
    points
        .iter()
        .find(|p| p.system == CreditSystem::Ecvet)
        .map(|p| p.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_fail_stands_for_achievement_only_when_achievement_is_not_recorded() {
        let mut r = AssessmentResult {
            passed: Some(true),
            ..AssessmentResult::default()
        };
        assert_eq!(achievement(&r), Some(Achievement::Full));
        r.achieved = Some(Achievement::Partial);
        assert_eq!(achievement(&r), Some(Achievement::Partial));
        r.achieved = None;
        r.passed = Some(false);
        assert_eq!(achievement(&r), Some(Achievement::None));
        r.passed = None;
        assert_eq!(achievement(&r), None);
    }
}
