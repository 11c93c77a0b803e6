//! What the two credential readers share: how a credential's nodes become
//! records with the same ids europass gives them when it reads spreadsheets
//! (so that a credential read back joins the rest of the round), and how
//! the records of one credential are collected into a [`Round`].
//!
//! A credential europass wrote carries its record ids as identifiers (scheme
//! [`vocab::SCHEME_RECORD`]); one written by another tool gets ids derived
//! from its data the way the mapping stage derives them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::{
    Achievement, AssessmentResult, ContactPerson, GradingScheme, Learner, Mobility,
    MultilingualText, Organisation, OutcomeCategory, Qualification, Round, Unit,
};
use crate::schemes::SchemeRegistry;
use crate::text::slug;
use crate::vocab;

/// A learner's id: the record id, else the school's number, else
/// `family-given[-birth date]`, else the national id.
pub(crate) fn learner_id(
    record: Option<&str>,
    school_id: Option<&str>,
    given: &str,
    family: &str,
    birth: Option<NaiveDate>,
    national: Option<&str>,
) -> String {
    if let Some(id) = record.or(school_id) {
        return id.to_string();
    }
    let mut s = format!("{}-{}", slug(family), slug(given));
    if let Some(d) = birth {
        s.push_str(&d.format("-%Y-%m-%d").to_string());
    }
    if s == "-" {
        s = national.unwrap_or("learner").to_string();
    }
    s
}

/// An organisation's id: the record id, else its name as a slug.
pub(crate) fn organisation_id(record: Option<&str>, name: &MultilingualText) -> String {
    record
        .map(str::to_string)
        .or_else(|| name.texts().next().map(slug))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "organisation".into())
}

/// A unit's or qualification's id: the record id, else its code, else its title as a slug.
pub(crate) fn spec_id(
    record: Option<&str>,
    code: Option<&str>,
    title: &MultilingualText,
) -> String {
    record
        .or(code)
        .map(str::to_string)
        .or_else(|| title.texts().next().map(slug))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unit".into())
}

/// A contact's id: the record id, else `organisation/name`.
pub(crate) fn contact_id(record: Option<&str>, organisation: Option<&str>, name: &str) -> String {
    match (record, organisation) {
        (Some(id), _) => id.to_string(),
        (None, Some(org)) => format!("{org}/{}", slug(name)),
        (None, None) => slug(name),
    }
}

/// Learning outcome ids as the mapping stage numbers them: `unit/k1`, `unit/s2`, …
pub(crate) fn number_outcomes(unit: &mut Unit, records: &[Option<String>]) {
    let mut counts = [0usize; 3];
    for (i, o) in unit.learning_outcomes.iter_mut().enumerate() {
        let (n, letter) = match o.category {
            OutcomeCategory::Knowledge => (0, 'k'),
            OutcomeCategory::Skill => (1, 's'),
            OutcomeCategory::Competence => (2, 'c'),
        };
        counts[n] += 1;
        o.id = records
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| format!("{}/{letter}{}", unit.id, counts[n]));
    }
}

/// The date of a `dateTime` or `date` as written (its own calendar day,
/// whatever the time zone).
pub(crate) fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

/// Which of europass's "achieved" phrases (in any language) a note holds.
pub(crate) fn achievement_from(note: &MultilingualText) -> Option<Achievement> {
    for (lang, text) in note.iter() {
        let labels = vocab::labels(lang).into_iter().chain(vocab::labels("en"));
        for l in labels {
            if let Some(i) = l
                .achieved
                .iter()
                .position(|a| a.eq_ignore_ascii_case(text.trim()))
            {
                return Some([Achievement::Full, Achievement::Partial, Achievement::None][i]);
            }
        }
    }
    None
}

/// A grading scheme named in a credential: its definition when europass
/// wrote it, else a shipped scheme of that id or name, else unknown.
pub(crate) fn grading_scheme(
    record: Option<&str>,
    definition: Option<&str>,
    title: &MultilingualText,
) -> (String, Option<GradingScheme>) {
    if let Some(s) = definition.and_then(|d| serde_json::from_str::<GradingScheme>(d).ok()) {
        return (s.id.clone(), Some(s));
    }
    let shipped = SchemeRegistry::shipped();
    let known = record
        .and_then(|r| shipped.find(r))
        .or_else(|| title.texts().find_map(|t| shipped.find(t)));
    match known {
        Some(s) => (s.id.clone(), Some(s.clone())),
        None => (
            record
                .map(str::to_string)
                .or_else(|| title.texts().next().map(slug))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "unspecified".into()),
            None,
        ),
    }
}

/// The records of one credential, collected by id (a unit or organisation
/// named several times in a credential is one record).
#[derive(Default)]
pub(crate) struct Records {
    pub organisations: BTreeMap<String, Organisation>,
    pub contacts: BTreeMap<String, ContactPerson>,
    pub qualifications: BTreeMap<String, Qualification>,
    pub units: BTreeMap<String, Unit>,
    pub learners: Vec<Learner>,
    pub mobilities: Vec<Mobility>,
    pub assessments: Vec<AssessmentResult>,
    pub schemes: BTreeMap<String, GradingScheme>,
    /// Grading schemes named but not defined (for one warning each).
    pub unknown_schemes: BTreeMap<String, ()>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Records {
    /// Adds an organisation; a second description of the same one adds its roles.
    pub fn organisation(&mut self, org: Organisation) -> String {
        let id = org.id.clone();
        match self.organisations.get_mut(&id) {
            Some(o) => o.roles.extend(org.roles),
            None => {
                self.organisations.insert(id.clone(), org);
            }
        }
        id
    }

    /// Adds a contact; a second mention adds its roles.
    pub fn contact(&mut self, c: ContactPerson) -> String {
        let id = c.id.clone();
        match self.contacts.get_mut(&id) {
            Some(o) => o.roles.extend(c.roles),
            None => {
                self.contacts.insert(id.clone(), c);
            }
        }
        id
    }

    /// Adds a unit, keeping the fuller description of one named twice.
    pub fn unit(&mut self, u: Unit) -> String {
        let id = u.id.clone();
        let keep_old = self
            .units
            .get(&id)
            .is_some_and(|old| richness(old) >= richness(&u));
        if !keep_old {
            self.units.insert(id.clone(), u);
        }
        id
    }

    /// Adds a qualification.
    pub fn qualification(&mut self, q: Qualification) -> String {
        let id = q.id.clone();
        self.qualifications.entry(id.clone()).or_insert(q);
        id
    }

    /// Notes a grading scheme for a grade.
    pub fn scheme(&mut self, id: &str, scheme: Option<GradingScheme>) {
        match scheme {
            Some(s) => {
                self.schemes.entry(id.to_string()).or_insert(s);
            }
            None => {
                self.unknown_schemes.insert(id.to_string(), ());
            }
        }
    }

    /// The round: records sorted by id, pass/fail derived from each grade on
    /// its scheme, unknown schemes reported.
    pub fn finish(mut self, file: &str) -> (Round, Vec<Diagnostic>) {
        for id in self.unknown_schemes.keys() {
            if self.schemes.contains_key(id) {
                continue;
            }
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::UnknownGradingScheme,
                    Location::file(file),
                    format!("the credential grades on a scheme europass does not know (\"{id}\"); its grades are kept as written, but pass or fail cannot be told"),
                )
                .with_hint("add the scheme to a mapping file's grading schemes (see mappings/README.md) to have grades checked"),
            );
        }
        for a in &mut self.assessments {
            if let Some(g) = &a.grade {
                a.passed = self.schemes.get(&g.scheme).and_then(|s| s.passes(&g.value));
            }
        }
        let mut round = Round {
            organisations: self.organisations.into_values().collect(),
            contacts: self.contacts.into_values().collect(),
            qualifications: self.qualifications.into_values().collect(),
            units: self.units.into_values().collect(),
            learners: self.learners,
            mobilities: self.mobilities,
            learning_agreements: Vec::new(),
            memoranda: Vec::new(),
            assessments: self.assessments,
            grading_schemes: self.schemes.into_values().collect(),
        };
        round.sort();
        (round, self.diagnostics)
    }
}

/// How much a unit description says (to keep the fuller of two).
fn richness(u: &Unit) -> usize {
    u.learning_outcomes.len() * 4
        + u.credit_points.len() * 2
        + usize::from(u.eqf_level.is_some())
        + usize::from(u.code.is_some())
        + usize::from(!u.description.is_empty())
        + usize::from(!u.area_of_work.is_empty())
        + usize::from(u.qualification.is_some())
}

/// The first text of a language map in the preferred language.
pub(crate) fn first_text(t: &MultilingualText, primary: &str) -> String {
    t.best(&[primary]).unwrap_or("").trim().to_string()
}
