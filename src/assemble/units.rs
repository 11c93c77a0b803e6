//! Units of learning outcomes: found by code, or by title when no code says
//! otherwise, merged field by field, their statements paired into learning
//! outcomes across languages.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::conflicts::{Conflicts, show};
use super::{Ids, RoundBuilder, Settled};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::normalise::OutcomeLine;
use crate::mapping::records::{OutcomeLists, UnitPart};
use crate::model::{
    CreditPoints, CreditSystem, LearningOutcome, MultilingualText, OutcomeCategory, Unit,
};
use crate::model::{Field, Round, Unmapped, ids};
use crate::provenance::{Origin, RecordRef, SourceMap};

/// An index entry for a title several units share.
pub(super) const AMBIGUOUS: usize = usize::MAX;

#[derive(Default)]
pub(super) struct UnitEntry {
    pub(super) part: UnitPart,
    pub(super) qualification: Option<usize>,
    pub(super) unmapped: Unmapped,
    pub(super) origin: Option<Origin>,
    pub(super) defined: bool,
    /// The first row that describes the unit (its sheet has a title
    /// column) but leaves the title empty: what to point at when no row
    /// gives one.
    pub(super) untitled: Option<Origin>,
    pub(super) national_system: Option<String>,
}

impl RoundBuilder {
    pub(super) fn upsert_unit(
        &mut self,
        part: &Arc<UnitPart>,
        qualification: Option<usize>,
        origin: Origin,
    ) -> Option<usize> {
        if let Some(i) = self.recent.units.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_unit(part, qualification, origin)?;
        if self.diags.len() == before {
            self.recent.units.remember(part, index);
        }
        Some(index)
    }

    pub(super) fn merge_unit(
        &mut self,
        part: &UnitPart,
        qualification: Option<usize>,
        origin: Origin,
    ) -> Option<usize> {
        let code_key = part.code.as_ref().map(|code| format!("code:{code}"));
        let title_keys: Vec<String> = part
            .title
            .texts()
            .map(|t| format!("title:{}", self.fold(t)))
            .collect();
        if code_key.is_none() && title_keys.is_empty() {
            return None;
        }
        let found = self.find_unit(code_key.as_deref(), &title_keys);
        if found.is_none()
            && code_key.is_none()
            && title_keys
                .iter()
                .any(|k| self.unit_index.get(k) == Some(&AMBIGUOUS))
        {
            self.report_shared_title(part, origin);
        }
        let reference = self.sheets[origin.sheet as usize].references;
        if reference && found.is_some() {
            // A grid naming a known unit adds nothing to it (its title may
            // even be in another language than the grid's labels).
            return found;
        }
        let index = found.unwrap_or_else(|| {
            self.units.push(UnitEntry::default());
            self.units.len() - 1
        });
        self.index_unit(code_key, title_keys, index);
        let defined = !reference && !part.title.is_empty();
        let national_system = self.sheets[origin.sheet as usize].country.clone();
        let mut entry = std::mem::take(&mut self.units[index]);
        let record = || {
            format!(
                "unit {}",
                part.code
                    .as_deref()
                    .or(part.title.texts().next())
                    .unwrap_or("")
            )
        };
        let mut c = self.conflicts(origin, entry.origin, &record);
        merge_unit_fields(&mut c, &mut entry.part, part, &mut entry.unmapped);
        if entry.qualification.is_none() {
            entry.qualification = qualification;
        }
        if entry.national_system.is_none() && part.national_points.is_some() {
            entry.national_system = national_system;
        }
        if entry.origin.is_none() || (!entry.defined && defined) {
            entry.origin = Some(origin);
        }
        let describes = !reference
            && self.sheets[origin.sheet as usize]
                .columns
                .contains_key(&Field::UnitTitle);
        if describes && part.title.is_empty() && entry.untitled.is_none() {
            entry.untitled = Some(origin);
        }
        entry.defined |= defined;
        self.units[index] = entry;
        Some(index)
    }

    /// The unit a row names. A code identifies a unit; a title only when no
    /// code says otherwise: two units may share a title ("Practical
    /// training"). So a coded row finds a unit by its code, or else by title
    /// a unit that has no code yet (described in Word without one).
    fn find_unit(&self, code_key: Option<&str>, title_keys: &[String]) -> Option<usize> {
        let by_title = || {
            title_keys
                .iter()
                .find_map(|k| self.unit_index.get(k).copied())
                .filter(|i| *i != AMBIGUOUS)
                .filter(|i| code_key.is_none() || self.units[*i].part.code.is_none())
        };
        match code_key {
            Some(k) => self.unit_index.get(k).copied().or_else(by_title),
            None => by_title(),
        }
    }

    /// A row naming a unit only by a title several coded units share.
    fn report_shared_title(&mut self, part: &UnitPart, origin: Origin) {
        let loc = self.locate(origin, Field::UnitTitle);
        self.diags.push(
            Diagnostic::warning(
                Code::ConflictingValues,
                loc,
                format!(
                    "the unit \"{}\" is named by a title that several units with different codes share",
                    part.title.texts().next().unwrap_or("")
                ),
            )
            .with_hint("give the unit's code so the row joins the right unit"),
        );
    }

    /// Makes the code and titles find the unit at `index`; a title two units
    /// share no longer names either.
    fn index_unit(&mut self, code_key: Option<String>, title_keys: Vec<String>, index: usize) {
        if let Some(k) = code_key {
            self.unit_index.entry(k).or_insert(index);
        }
        for k in title_keys {
            let entry = self.unit_index.entry(k).or_insert(index);
            if *entry != index {
                *entry = AMBIGUOUS;
            }
        }
    }

    /// A unit no row or file describes: a row that had a place for its title
    /// and left it empty is pointed at; otherwise it was only referred to.
    fn report_undefined_unit(
        &mut self,
        id: &str,
        origin: Option<Origin>,
        untitled: Option<Origin>,
    ) {
        if let Some(untitled) = untitled {
            let info = &self.sheets[untitled.sheet as usize];
            let header = info.headers.get(&Field::UnitTitle).cloned();
            let loc = self.locate(untitled, Field::UnitTitle);
            let column = header.map_or_else(String::new, |h| format!(" in the column \"{h}\""));
            self.diags.push(
                Diagnostic::error(
                    Code::MissingValue,
                    loc,
                    format!("the unit \"{id}\" has a code but no title, and no other row or file gives one"),
                )
                .with_hint(format!("type the unit's title{column}")),
            );
            return;
        }
        let loc = self.locate_or_record(origin, Field::UnitCode, || format!("unit {id}"));
        self.diags.push(
            Diagnostic::error(
                Code::UnknownUnit,
                loc,
                format!("the unit \"{id}\" is referred to but no sheet or file describes it"),
            )
            .with_hint("add the unit (code and title) to the units sheet, or give the unit's description file as input too"),
        );
    }

    /// Units: reported when only referred to, their learning outcomes paired
    /// across languages, named by code or title.
    pub(super) fn finish_units(
        &mut self,
        round: &mut Round,
        origins: &mut SourceMap,
        settled: &Settled,
    ) -> Ids {
        let mut claimed = Ids::default();
        for entry in std::mem::take(&mut self.units) {
            let lang = self.language_of(entry.origin);
            let p = entry.part;
            let base = ids::unit_id(p.code.as_deref(), &p.title, lang);
            let id = claimed.claim(base);
            if !entry.defined {
                self.report_undefined_unit(&id, entry.origin, entry.untitled);
            }
            let mut credit_points: Vec<CreditPoints> = p
                .ecvet_points
                .map(CreditPoints::ecvet)
                .into_iter()
                .collect();
            if let Some(value) = p.national_points {
                let name = entry.national_system.unwrap_or_else(|| "national".into());
                credit_points.push(CreditPoints {
                    value,
                    system: CreditSystem::National(name),
                });
            }
            let mut outcomes = Vec::new();
            for (category, lists) in [
                (OutcomeCategory::Knowledge, &p.knowledge),
                (OutcomeCategory::Skill, &p.skills),
                (OutcomeCategory::Competence, &p.competence),
                (OutcomeCategory::Unspecified, &p.outcomes),
            ] {
                if let Some(m) = build_outcomes(&id, category, lists, &mut outcomes) {
                    let loc = self
                        .locate_or_record(entry.origin, Field::UnitTitle, || format!("unit {id}"));
                    self.diags.push(
                        Diagnostic::warning(
                            Code::ConflictingValues,
                            loc,
                            format!("unit {id}: {m}; statements were paired by position"),
                        )
                        .with_hint("give the same number of statements in every language"),
                    );
                }
            }
            if let Some(o) = entry.origin {
                origins.add(RecordRef::Unit(id.clone()), o);
            }
            round.units.push(Unit {
                id,
                code: p.code,
                title: p.title,
                qualification: entry.qualification.map(|q| settled.quals[q].clone()),
                part_of: None,
                area_of_work: p.area_of_work,
                description: p.description,
                eqf_level: p.eqf_level,
                nqf_level: p.nqf_level,
                credit_points,
                learning_outcomes: outcomes,
                unmapped: entry.unmapped,
            });
        }
        claimed
    }
}

fn merge_outcomes(
    c: &mut Conflicts<'_>,
    slot: &mut OutcomeLists,
    new: &OutcomeLists,
    field: Field,
    unmapped: &mut Unmapped,
) {
    for (lang, lines) in new {
        match slot.get(lang) {
            None => {
                slot.insert(lang.clone(), lines.clone());
            }
            Some(old) if old == lines => {}
            Some(old) => {
                let join = |v: &[OutcomeLine]| {
                    v.iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                c.report(field, &join(old), &join(lines), unmapped);
            }
        }
    }
}

/// Pairs each language's statements by position into learning outcomes.
/// Returns a description of a count mismatch, if any.
fn build_outcomes(
    unit: &str,
    category: OutcomeCategory,
    lists: &OutcomeLists,
    out: &mut Vec<LearningOutcome>,
) -> Option<String> {
    let n = lists.values().map(Vec::len).max().unwrap_or(0);
    for i in 0..n {
        let mut text = MultilingualText::new();
        let mut details: Vec<MultilingualText> = Vec::new();
        for (lang, lines) in lists {
            if let Some(line) = lines.get(i) {
                text.set(lang, line.text.clone());
                for (j, d) in line.details.iter().enumerate() {
                    if details.len() <= j {
                        details.push(MultilingualText::new());
                    }
                    details[j].set(lang, d.clone());
                }
            }
        }
        out.push(LearningOutcome {
            id: ids::outcome_id(unit, category, i + 1),
            text,
            category,
            esco_uri: None,
            details,
        });
    }
    let counts: BTreeSet<usize> = lists.values().map(Vec::len).collect();
    (counts.len() > 1).then(|| {
        let what = match category {
            OutcomeCategory::Knowledge => "knowledge",
            OutcomeCategory::Skill => "skills",
            OutcomeCategory::Competence => "competence",
            OutcomeCategory::Unspecified => "learning outcome",
        };
        let per: Vec<String> = lists
            .iter()
            .map(|(l, v)| format!("{l} {}", v.len()))
            .collect();
        format!(
            "{what} statements differ in number between languages ({})",
            per.join(", ")
        )
    })
}

/// Fills the unit's empty fields from `part`; a different value is a
/// conflict, reported.
fn merge_unit_fields(c: &mut Conflicts<'_>, p: &mut UnitPart, part: &UnitPart, u: &mut Unmapped) {
    c.merge(&mut p.code, &part.code, Field::UnitCode, u, show);
    c.merge_text(&mut p.title, &part.title, Field::UnitTitle, u);
    c.merge_text(
        &mut p.area_of_work,
        &part.area_of_work,
        Field::UnitAreaOfWork,
        u,
    );
    c.merge_text(
        &mut p.description,
        &part.description,
        Field::UnitDescription,
        u,
    );
    c.merge(
        &mut p.eqf_level,
        &part.eqf_level,
        Field::UnitEqfLevel,
        u,
        |l| l.get().to_string(),
    );
    // A level read without its framework (a mapping without a
    // country) agrees with the same level named with one.
    match (&mut p.nqf_level, &part.nqf_level) {
        (Some(old), Some(new)) if old.level == new.level => {
            if old.framework.is_none() {
                old.framework.clone_from(&new.framework);
            }
        }
        _ => c.merge(
            &mut p.nqf_level,
            &part.nqf_level,
            Field::UnitNqfLevel,
            u,
            |l| l.level.clone(),
        ),
    }
    c.merge(
        &mut p.ecvet_points,
        &part.ecvet_points,
        Field::UnitEcvetPoints,
        u,
        show,
    );
    c.merge(
        &mut p.national_points,
        &part.national_points,
        Field::UnitNationalPoints,
        u,
        show,
    );
    merge_outcomes(
        c,
        &mut p.knowledge,
        &part.knowledge,
        Field::UnitKnowledge,
        u,
    );
    merge_outcomes(c, &mut p.skills, &part.skills, Field::UnitSkills, u);
    merge_outcomes(
        c,
        &mut p.competence,
        &part.competence,
        Field::UnitCompetence,
        u,
    );
    merge_outcomes(c, &mut p.outcomes, &part.outcomes, Field::UnitOutcomes, u);
}
