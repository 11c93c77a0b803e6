//! The rows of the canonical workbook: each record of a round as the cells a
//! school would have typed, keyed by field and language, so that reading the
//! workbook back through the shipped mapping gives the same round.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::mapping::SheetRole;
use crate::model::Field;
use crate::model::{
    Achievement, ContactPerson, ContactRole, CreditSystem, Gender, Learner, Mobility,
    MultilingualText, Organisation, OrganisationRole, OutcomeCategory, Qualification,
    RegistrationScheme, Round, RoundIndex, Unit,
};

/// The most text one Excel cell holds, in UTF-16 code units (Excel's own
/// limit; rust_xlsxwriter refuses a longer string).
pub(crate) const EXCEL_CELL_TEXT: usize = 32_767;

/// `text` cut to fit in `limit` UTF-16 code units, ending in a note of how
/// many characters were left out; `None` when it fits as it is.
pub(crate) fn cut_for_excel(text: &str, limit: usize) -> Option<String> {
    let units: usize = text.chars().map(char::len_utf16).sum();
    if units <= limit {
        return None;
    }
    // Room for the note: "… [1234567 more characters: an Excel cell holds at most 32,767]".
    let room = limit.saturating_sub(80);
    let (mut used, mut end, mut kept) = (0, 0, 0usize);
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
        kept += 1;
    }
    let left = text.chars().count() - kept;
    Some(format!(
        "{}… [{left} more characters: an Excel cell holds at most 32,767]",
        &text[..end]
    ))
}

/// `text` as one Excel cell can hold it (see [`cut_for_excel`]).
pub(crate) fn excel_text(text: &str) -> Cow<'_, str> {
    match cut_for_excel(text, EXCEL_CELL_TEXT) {
        Some(cut) => Cow::Owned(cut),
        None => Cow::Borrowed(text),
    }
}

/// Whether Excel can store the date as a date (1900-01-01 to 9999-12-31);
/// others are written as ISO text.
pub(crate) fn excel_can_date(date: NaiveDate) -> bool {
    (1900..=9999).contains(&date.year())
}

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

/// A column of the canonical workbook.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ColumnKey {
    /// A field, and the language of its text when it is not the workbook's own.
    Field(Field, Option<String>),
    /// Source values without a field, under their own header.
    Unmapped(String),
}

/// One row: the cells it fills.
pub(crate) type Row = BTreeMap<ColumnKey, Cell>;

/// Words written for values that are words in the workbook's language.
pub(crate) struct Words<'a> {
    /// The workbook's language.
    pub language: &'a str,
    /// "yes" and "no".
    pub yes: &'a str,
    pub no: &'a str,
    /// Full, partial, none.
    pub achievement: &'a [String],
    /// Sending, host, intermediary.
    pub roles: &'a [String],
}

struct RowBuilder<'w> {
    row: Row,
    words: &'w Words<'w>,
}

impl<'w> RowBuilder<'w> {
    fn new(words: &'w Words<'w>) -> Self {
        Self {
            row: Row::new(),
            words,
        }
    }

    fn text(&mut self, field: Field, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.row
                .insert(ColumnKey::Field(field, None), Cell::Text(v.to_string()));
        }
    }

    fn number(&mut self, field: Field, value: Option<f64>) {
        if let Some(v) = value {
            self.row
                .insert(ColumnKey::Field(field, None), Cell::Number(v));
        }
    }

    fn date(&mut self, field: Field, value: Option<NaiveDate>) {
        if let Some(v) = value {
            self.row
                .insert(ColumnKey::Field(field, None), Cell::Date(v));
        }
    }

    /// A text in every language it has: the workbook's language in the plain
    /// column, others in "Header [xx]" columns.
    fn multilingual(&mut self, field: Field, value: &MultilingualText) {
        for (lang, text) in value.iter() {
            let key = (lang != self.words.language).then(|| lang.to_string());
            self.row
                .insert(ColumnKey::Field(field, key), Cell::Text(text.to_string()));
        }
    }

    /// Source values without a field go back under their own header.
    fn unmapped(&mut self, values: &crate::model::Unmapped) {
        for (header, value) in values {
            self.row.insert(
                ColumnKey::Unmapped(header.clone()),
                Cell::Text(value.clone()),
            );
        }
    }

    fn finish(self) -> Row {
        self.row
    }
}

/// The rows of one sheet of the canonical layout.
pub(crate) fn rows(role: SheetRole, round: &Round, words: &Words) -> Vec<Row> {
    let round = &Records {
        round,
        index: RoundIndex::new(round),
    };
    match role {
        SheetRole::Organisations => organisation_rows(round, words),
        SheetRole::Learners => learner_rows(round, words),
        SheetRole::Units => unit_rows(round, words),
        SheetRole::Planned => planned_rows(round, words),
        SheetRole::Results => result_rows(round, words),
        SheetRole::Ratings => rating_rows(round, words),
        SheetRole::Flat => Vec::new(),
    }
}

/// A round and its index: rows follow references by id.
struct Records<'r> {
    round: &'r Round,
    index: RoundIndex<'r>,
}

fn organisation_rows(records: &Records, words: &Words) -> Vec<Row> {
    let mut out = Vec::new();
    for org in &records.round.organisations {
        // People named on the organisations sheet: everyone but mentors and
        // assessors, who are named with the mobility and the result.
        let people: Vec<&ContactPerson> = records
            .index
            .people_of(&org.id)
            .iter()
            .copied()
            .filter(|c| {
                !c.roles
                    .iter()
                    .all(|r| matches!(r, ContactRole::Mentor | ContactRole::Assessor))
            })
            .collect();
        if people.is_empty() {
            out.push(organisation_row(org, None, words));
        }
        for person in people {
            out.push(organisation_row(org, Some(person), words));
        }
    }
    out
}

fn organisation_row(org: &Organisation, person: Option<&ContactPerson>, words: &Words) -> Row {
    let mut r = RowBuilder::new(words);
    r.multilingual(Field::OrganisationName, &org.name);
    let role = [
        OrganisationRole::Sending,
        OrganisationRole::Host,
        OrganisationRole::Intermediary,
    ]
    .iter()
    .position(|role| org.roles.contains(role))
    .and_then(|i| words.roles.get(i));
    r.text(Field::OrganisationRole, role.map(String::as_str));
    r.text(
        Field::OrganisationCountry,
        org.country.as_ref().map(|c| c.as_str()),
    );
    r.text(Field::OrganisationAddress, org.address.as_deref());
    r.text(Field::OrganisationPhone, org.phone.as_deref());
    r.text(Field::OrganisationEmail, org.email.as_deref());
    r.text(Field::OrganisationWebsite, org.website.as_deref());
    r.unmapped(&org.unmapped);
    for id in &org.registration_ids {
        let field = match id.scheme {
            RegistrationScheme::Pic => Field::OrganisationPic,
            RegistrationScheme::Oid => Field::OrganisationOid,
            RegistrationScheme::National => continue,
        };
        r.text(field, Some(&id.value));
    }
    if let Some(p) = person {
        r.text(Field::OrganisationContactName, Some(&p.name));
        r.multilingual(Field::OrganisationContactPosition, &p.position);
        r.text(Field::OrganisationContactEmail, p.email.as_deref());
        r.text(Field::OrganisationContactPhone, p.phone.as_deref());
    }
    r.finish()
}

/// The number a learner is known by in the workbook: the school's, else the
/// round's id, so that results and ratings can refer to the learner.
fn learner_number(l: &Learner) -> &str {
    l.school_id.as_deref().unwrap_or(&l.id)
}

fn learner_rows(records: &Records, words: &Words) -> Vec<Row> {
    let mut out = Vec::new();
    for l in &records.round.learners {
        let mobilities = records.index.mobilities_of(&l.id);
        if mobilities.is_empty() {
            out.push(learner_row(&records.index, l, None, words));
        }
        for m in mobilities {
            out.push(learner_row(&records.index, l, Some(m), words));
        }
    }
    out
}

fn learner_row(index: &RoundIndex, l: &Learner, m: Option<&Mobility>, words: &Words) -> Row {
    let mut r = RowBuilder::new(words);
    r.text(Field::LearnerId, Some(learner_number(l)));
    r.text(Field::LearnerGivenNames, Some(&l.given_names));
    r.text(Field::LearnerFamilyName, Some(&l.family_name));
    r.date(Field::LearnerDateOfBirth, l.date_of_birth);
    r.text(
        Field::LearnerNationality,
        l.nationality.as_ref().map(|c| c.as_str()),
    );
    r.text(Field::LearnerEmail, l.email.as_deref());
    r.text(Field::LearnerPhone, l.phone.as_deref());
    r.text(Field::LearnerAddress, l.address.as_deref());
    r.text(Field::LearnerNationalId, l.national_id.as_deref());
    let gender = l.gender.map(|g| match g {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::Other => "other",
    });
    r.text(Field::LearnerGender, gender);
    if let Some(g) = &l.guardian {
        r.text(Field::LearnerGuardianName, Some(&g.name));
        r.text(Field::LearnerGuardianEmail, g.email.as_deref());
        r.text(Field::LearnerGuardianPhone, g.phone.as_deref());
    }
    r.unmapped(&l.unmapped);
    let Some(m) = m else { return r.finish() };
    let org_name = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| index.organisation(id))
            .and_then(|o| o.name.best(&[words.language]).map(str::to_string))
    };
    r.text(Field::SendingName, org_name(&m.sending).as_deref());
    r.text(Field::HostName, org_name(&m.host).as_deref());
    r.text(Field::MobilityProjectCode, m.project_code.as_deref());
    r.text(Field::MobilityId, m.erasmus_id.as_deref());
    r.date(Field::MobilityStart, m.start);
    r.date(Field::MobilityEnd, m.end);
    r.number(Field::MobilityDurationWeeks, m.duration_weeks);
    r.multilingual(Field::MobilityObjective, &m.objective);
    r.multilingual(Field::MobilityTasks, &m.tasks);
    r.text(Field::MobilityLanguage, m.language.as_deref());
    if let Some(mentor) = m.mentor.as_deref().and_then(|id| index.contact(id)) {
        r.text(Field::MentorName, Some(&mentor.name));
        r.multilingual(Field::MentorPosition, &mentor.position);
        r.text(Field::MentorEmail, mentor.email.as_deref());
        r.text(Field::MentorPhone, mentor.phone.as_deref());
    }
    r.finish()
}

fn unit_rows(records: &Records, words: &Words) -> Vec<Row> {
    records
        .round
        .units
        .iter()
        .map(|u| {
            let mut r = RowBuilder::new(words);
            r.text(Field::UnitCode, u.code.as_deref());
            r.multilingual(Field::UnitTitle, &u.title);
            if let Some(q) = u
                .qualification
                .as_deref()
                .and_then(|id| records.index.qualification(id))
            {
                qualification_cells(&mut r, q);
            }
            r.unmapped(&u.unmapped);
            r.multilingual(Field::UnitAreaOfWork, &u.area_of_work);
            r.multilingual(Field::UnitDescription, &u.description);
            r.number(Field::UnitEqfLevel, u.eqf_level.map(|l| f64::from(l.get())));
            r.text(
                Field::UnitNqfLevel,
                u.nqf_level.as_ref().map(|l| l.level.as_str()),
            );
            for p in &u.credit_points {
                match p.system {
                    CreditSystem::Ecvet => r.number(Field::UnitEcvetPoints, Some(p.value)),
                    CreditSystem::National(_) => r.number(Field::UnitNationalPoints, Some(p.value)),
                    CreditSystem::Ects => {}
                }
            }
            for (field, category) in [
                (Field::UnitKnowledge, OutcomeCategory::Knowledge),
                (Field::UnitSkills, OutcomeCategory::Skill),
                (Field::UnitCompetence, OutcomeCategory::Competence),
                (Field::UnitOutcomes, OutcomeCategory::Unspecified),
            ] {
                r.multilingual(field, &bullet_lists(u, category));
            }
            r.finish()
        })
        .collect()
}

fn qualification_cells(r: &mut RowBuilder, q: &Qualification) {
    r.text(Field::QualificationCode, q.code.as_deref());
    r.multilingual(Field::QualificationTitle, &q.title);
    r.number(
        Field::QualificationEqfLevel,
        q.eqf_level.map(|l| f64::from(l.get())),
    );
    r.text(
        Field::QualificationNqfLevel,
        q.nqf_level.as_ref().map(|l| l.level.as_str()),
    );
}

/// A unit's statements of one category as bullet lists, one per language.
fn bullet_lists(u: &Unit, category: OutcomeCategory) -> MultilingualText {
    let mut lists: BTreeMap<&str, String> = BTreeMap::new();
    for o in u
        .learning_outcomes
        .iter()
        .filter(|o| o.category == category)
    {
        for (lang, text) in o.text.iter() {
            let list = lists.entry(lang).or_default();
            if !list.is_empty() {
                list.push('\n');
            }
            list.push_str("• ");
            list.push_str(text);
            for d in &o.details {
                if let Some(detail) = d.get(lang) {
                    list.push_str("\n  o ");
                    list.push_str(detail);
                }
            }
        }
    }
    let mut out = MultilingualText::new();
    for (lang, list) in lists {
        out.set(lang, list);
    }
    out
}

/// The learner and unit a result or rating refers to, by number and code
/// (with names and title alongside, for people reading the sheet).
fn reference_cells(r: &mut RowBuilder, index: &RoundIndex, learner: &str, unit: &str) {
    if let Some(l) = index.learner(learner) {
        r.text(Field::LearnerId, Some(learner_number(l)));
        r.text(Field::LearnerGivenNames, Some(&l.given_names));
        r.text(Field::LearnerFamilyName, Some(&l.family_name));
    }
    if let Some(u) = index.unit(unit) {
        r.text(Field::UnitCode, u.code.as_deref());
        r.multilingual(Field::UnitTitle, &u.title);
    }
}

/// One row per unit a learning agreement plans: points and activities.
fn planned_rows(records: &Records, words: &Words) -> Vec<Row> {
    let index = &records.index;
    let mut rows = Vec::new();
    for a in &records.round.learning_agreements {
        let Some(m) = index.mobility(&a.mobility) else {
            continue;
        };
        for u in &a.units {
            let mut r = RowBuilder::new(words);
            reference_cells(&mut r, index, &m.learner, &u.unit);
            let ecvet = u
                .credit_points
                .as_ref()
                .filter(|p| p.system == CreditSystem::Ecvet);
            r.number(Field::PlannedEcvetPoints, ecvet.map(|p| p.value));
            r.multilingual(Field::PlannedActivities, &u.activities);
            rows.push(r.finish());
        }
    }
    rows
}

fn result_rows(records: &Records, words: &Words) -> Vec<Row> {
    let index = &records.index;
    let mut rows: Vec<Row> = records
        .round
        .assessments
        .iter()
        .filter(|a| {
            a.grade.is_some()
                || a.passed.is_some()
                || a.achieved.is_some()
                || a.date.is_some()
                || a.criteria.is_empty()
        })
        .map(|a| {
            let mut r = RowBuilder::new(words);
            reference_cells(&mut r, index, &a.learner, &a.unit);
            if let Some(g) = &a.grade {
                r.text(Field::ResultGrade, Some(&g.value));
                r.text(Field::ResultGradingScheme, Some(&g.scheme));
            }
            r.text(
                Field::ResultPassed,
                a.passed.map(|p| if p { words.yes } else { words.no }),
            );
            let achieved = a.achieved.map(|x| match x {
                Achievement::Full => 0,
                Achievement::Partial => 1,
                Achievement::None => 2,
            });
            r.text(
                Field::ResultAchieved,
                achieved
                    .and_then(|i| words.achievement.get(i))
                    .map(String::as_str),
            );
            r.date(Field::ResultDate, a.date);
            r.multilingual(Field::ResultMethod, &a.method);
            if let Some(assessor) = a.assessor.as_deref().and_then(|id| index.contact(id)) {
                r.text(Field::AssessorName, Some(&assessor.name));
                r.multilingual(Field::AssessorPosition, &assessor.position);
                r.text(Field::AssessorEmail, assessor.email.as_deref());
            }
            let ecvet = a
                .credit_points
                .iter()
                .find(|p| p.system == CreditSystem::Ecvet);
            r.number(Field::ResultEcvetPoints, ecvet.map(|p| p.value));
            r.multilingual(Field::ResultRemarks, &a.remarks);
            r.multilingual(Field::ResultDeviations, &a.deviations);
            r.unmapped(&a.unmapped);
            r.finish()
        })
        .collect();
    // Units a mobility targets without a result yet: a row naming learner and unit.
    for m in &records.round.mobilities {
        for unit in &m.units {
            if index.result(&m.learner, unit).is_none() {
                let mut r = RowBuilder::new(words);
                reference_cells(&mut r, index, &m.learner, unit);
                rows.push(r.finish());
            }
        }
    }
    rows
}

fn rating_rows(records: &Records, words: &Words) -> Vec<Row> {
    let mut out = Vec::new();
    for a in &records.round.assessments {
        for c in &a.criteria {
            let mut r = RowBuilder::new(words);
            reference_cells(&mut r, &records.index, &a.learner, &a.unit);
            r.multilingual(Field::RatingCriterion, &c.criterion);
            r.text(Field::RatingValue, Some(&c.value.value));
            r.text(Field::RatingScheme, Some(&c.value.scheme));
            out.push(r.finish());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_past_excels_limit_are_cut_with_a_note_and_others_kept() {
        assert_eq!(cut_for_excel("short", EXCEL_CELL_TEXT), None);
        let exact = "a".repeat(EXCEL_CELL_TEXT);
        assert_eq!(cut_for_excel(&exact, EXCEL_CELL_TEXT), None);
        // Letters beyond the basic plane take two UTF-16 units in Excel's count.
        let long = "𝄞".repeat(20_000);
        let cut = cut_for_excel(&long, EXCEL_CELL_TEXT).unwrap();
        assert!(cut.encode_utf16().count() <= EXCEL_CELL_TEXT);
        assert!(cut.ends_with("more characters: an Excel cell holds at most 32,767]"));
        let kept = cut.chars().filter(|c| *c == '𝄞').count();
        assert!(
            cut.contains(&format!("[{} more", 20_000 - kept)),
            "{}",
            &cut[cut.len() - 80..]
        );
    }

    #[test]
    fn only_dates_excel_can_hold_are_dates() {
        let d = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert!(excel_can_date(d(1900)));
        assert!(excel_can_date(d(9999)));
        assert!(!excel_can_date(d(1899)));
        assert!(!excel_can_date(d(0)));
    }
}
