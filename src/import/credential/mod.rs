//! Europass credentials read back into the model: XML ([`xml`]), JSON-LD
//! ([`jsonld`]) and the credentials attached to a PDF transcript ([`pdf`]).
//!
//! The two syntaxes say the same things in different shapes. Each reader
//! only finds what its syntax says, as nodes ([`LearnerNode`],
//! [`UnitNode`], …); the one [`Records`] builder here turns nodes into
//! model records — with the same ids europass gives them when it reads
//! spreadsheets, so a credential read back joins the rest of the round — and
//! collects the records of one credential into a [`Round`].
//!
//! A credential europass wrote carries its record ids as identifiers (scheme
//! [`vocab::SCHEME_RECORD`]); one written by another tool gets ids derived
//! from its data the way the mapping stage derives them.

pub(crate) mod jsonld;
pub(crate) mod pdf;
pub(crate) mod xml;
mod xml_tree;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::ids;
use crate::model::{
    Achievement, AssessmentResult, ContactPerson, ContactRole, CountryCode, CreditPoints,
    CriterionRating, EqfLevel, Gender, Grade, GradingScheme, Learner, LearningOutcome, Mobility,
    MultilingualText, NqfLevel, Organisation, OrganisationRole, OutcomeCategory, Qualification,
    RegistrationId, Round, Scale, Unit,
};
use crate::schemes::SchemeRegistry;
use crate::text::slug;
use crate::vocab;

/// An organisation as a credential describes it.
#[derive(Default)]
pub(crate) struct OrganisationNode {
    /// The europass record id it carries, if any.
    pub record: Option<String>,
    pub name: MultilingualText,
    /// The role it plays where it is named.
    pub role: Option<OrganisationRole>,
    pub country: Option<CountryCode>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub registration_ids: Vec<RegistrationId>,
}

/// A person named in a credential (a mentor, an assessor).
pub(crate) struct ContactNode {
    pub record: Option<String>,
    pub name: String,
    /// The id of the organisation they belong to.
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: ContactRole,
}

/// The credential's subject.
#[derive(Default)]
pub(crate) struct LearnerNode {
    pub record: Option<String>,
    pub school_id: Option<String>,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub nationality: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The address's own country.
    pub address_country: Option<CountryCode>,
    pub national_id: Option<String>,
    pub gender: Option<Gender>,
}

/// A learning activity: the mobility.
#[derive(Default)]
pub(crate) struct MobilityNode {
    pub record: Option<String>,
    pub erasmus_id: Option<String>,
    pub project_code: Option<String>,
    /// The ids of the records it names.
    pub host: Option<String>,
    pub mentor: Option<String>,
    pub units: Vec<String>,
    pub qualification: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub objective: MultilingualText,
    pub tasks: MultilingualText,
    pub language: Option<String>,
}

/// A qualification.
#[derive(Default)]
pub(crate) struct QualificationNode {
    pub record: Option<String>,
    pub code: Option<String>,
    pub title: MultilingualText,
    pub eqf_level: Option<EqfLevel>,
    pub nqf_level: Option<NqfLevel>,
    pub credit_points: Vec<CreditPoints>,
}

/// A learning outcome of a unit.
pub(crate) struct OutcomeNode {
    pub record: Option<String>,
    pub text: MultilingualText,
    pub category: OutcomeCategory,
    pub esco_uri: Option<String>,
    pub details: Vec<MultilingualText>,
}

/// A unit's (or a qualification awarded as a whole's) specification.
#[derive(Default)]
pub(crate) struct UnitNode {
    pub record: Option<String>,
    pub code: Option<String>,
    pub title: MultilingualText,
    /// The id of the qualification it is part of.
    pub qualification: Option<String>,
    pub area_of_work: MultilingualText,
    pub description: MultilingualText,
    pub eqf_level: Option<EqfLevel>,
    pub nqf_level: Option<NqfLevel>,
    pub credit_points: Vec<CreditPoints>,
    pub outcomes: Vec<OutcomeNode>,
    /// The specification's own id in the credential (or, for an achievement
    /// without one, the achievement's): two achievements are one unit only
    /// when they name the same specification, whatever their titles.
    pub spec: Option<String>,
    /// The id of the unit this one is a part of.
    pub part_of: Option<String>,
}

impl UnitNode {
    /// The unit's id: the record id it carries, else the one its data gives
    /// (its title named in the credential's primary `language`).
    pub fn id(&self, language: &str) -> String {
        self.record
            .clone()
            .unwrap_or_else(|| ids::unit_id(self.code.as_deref(), &self.title, language))
    }
}

/// An achievement and the assessment it was derived from: a result.
#[derive(Default)]
pub(crate) struct ResultNode {
    pub record: Option<String>,
    pub criteria: Vec<CriterionRating>,
    pub grade: Option<Grade>,
    pub achieved: Option<Achievement>,
    pub credit_points: Vec<CreditPoints>,
    pub date: Option<NaiveDate>,
    pub method: MultilingualText,
    /// The id of the assessor's contact.
    pub assessor: Option<String>,
    pub remarks: MultilingualText,
    pub deviations: MultilingualText,
}

/// The date of a `dateTime` or `date` as written (its own calendar day,
/// whatever the time zone).
pub(crate) fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

/// The calendar date a date-only field means, and whether it was moved: a
/// midnight in the issuer's time zone written in UTC (`1999-10-01T22:00:00Z`,
/// as the EDC issuer writes a Brussels midnight) is the next day, 2 October.
/// Any other date-time is its own calendar day.
pub(crate) fn calendar_date(text: &str) -> Option<(NaiveDate, bool)> {
    let day = date(text)?;
    let t = text.trim();
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(t) else {
        return Some((day, false));
    };
    use chrono::Timelike;
    let utc_evening_midnight = at.offset().local_minus_utc() == 0
        && matches!(at.hour(), 22 | 23)
        && at.minute() == 0
        && at.second() == 0;
    match utc_evening_midnight {
        true => Some((day.succ_opt()?, true)),
        false => Some((day, false)),
    }
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

/// A grading scheme named in a credential: its definition when an earlier
/// europass wrote it as JSON, else its scale read from the words europass
/// describes it with (a shipped scheme of that id when the scale is the
/// same, for its names in every language), else a shipped scheme of that id
/// or name, else a scheme known by its issuer's title and `description`
/// only ([`Scale::Described`]) — so every grade's scheme is in the round,
/// under an id that survives a round trip.
pub(crate) fn grading_scheme(
    record: Option<&str>,
    definition: Option<&str>,
    title: &MultilingualText,
    description: &MultilingualText,
) -> (String, Option<GradingScheme>) {
    if let Some(s) = definition.and_then(|d| serde_json::from_str::<GradingScheme>(d).ok()) {
        return (s.id.clone(), Some(s));
    }
    let in_words = description.get("en").and_then(scale_in_words);
    let shipped = SchemeRegistry::shipped();
    let known = record
        .and_then(|r| shipped.find(r))
        .or_else(|| title.texts().find_map(|t| shipped.find(t)))
        .filter(|s| in_words.as_ref().is_none_or(|(scale, _)| *scale == s.scale));
    if let Some(s) = known {
        return (s.id.clone(), Some(s.clone()));
    }
    let id = record
        .map(str::to_string)
        .or_else(|| title.texts().next().map(slug))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unspecified".into());
    let (scale, country) = in_words.unwrap_or_else(|| {
        let definition = description.clone();
        (Scale::Described { definition }, None)
    });
    let scheme = GradingScheme {
        id: id.clone(),
        name: title.clone(),
        country,
        scale,
    };
    (id, Some(scheme))
}

/// The scale and country of a scheme as europass's JSON-LD describes it in
/// English: the scale in words, then " Used in Latvia (LV)." when national.
fn scale_in_words(text: &str) -> Option<(Scale, Option<CountryCode>)> {
    let (words, country) = match text.rsplit_once(" Used in ") {
        Some((words, used)) => {
            let code = used.strip_suffix(").")?.rsplit_once(" (")?.1;
            let known = vocab::country(code).is_some_and(|c| c.alpha2 == code);
            (words, Some(CountryCode(code.to_string())).filter(|_| known))
        }
        None => (text, None),
    };
    Some((Scale::from_words(words)?, country))
}

/// The grade a note's literal holds: on a scheme with values, the value its
/// text names — the whole text (as earlier europass versions and many
/// issuers write it), the value before " – " (`9 – Latvian 10-point scale`)
/// or in the closing brackets (`Teicami (9)`); otherwise, and on a scheme
/// known only by its issuer's words, the text as written, label and all.
pub(crate) fn grade_value(
    literal: &MultilingualText,
    primary: &str,
    scheme: Option<&GradingScheme>,
) -> String {
    let texts = literal
        .get(primary)
        .into_iter()
        .chain(literal.texts())
        .map(str::trim);
    for text in texts {
        let candidates = [
            Some(text),
            text.split_once(" – ").map(|(v, _)| v),
            text.strip_suffix(')')
                .and_then(|t| t.rsplit_once(" ("))
                .map(|(_, v)| v),
        ];
        if let Some(v) = candidates
            .into_iter()
            .flatten()
            .find(|v| scheme.is_some_and(|s| s.passes(v).is_some()))
        {
            return v.trim().to_string();
        }
    }
    first_text(literal, primary)
}

/// The records of one credential, collected by id (a unit or organisation
/// named several times in a credential is one record).
pub(crate) struct Records {
    /// The credential's primary language: names and titles in it give ids.
    language: String,
    organisations: BTreeMap<String, Organisation>,
    contacts: BTreeMap<String, ContactPerson>,
    qualifications: BTreeMap<String, Qualification>,
    units: BTreeMap<String, Unit>,
    /// The unit each specification of the credential became.
    spec_units: BTreeMap<String, String>,
    learners: Vec<Learner>,
    mobilities: Vec<Mobility>,
    assessments: Vec<AssessmentResult>,
    schemes: BTreeMap<String, GradingScheme>,
    /// Grading schemes named but not defined (for one warning each).
    unknown_schemes: BTreeMap<String, ()>,
    /// What the reader skipped, and why.
    pub diagnostics: Vec<Diagnostic>,
    /// Date-only fields given as a UTC midnight, read as the next day:
    /// (field, as written, date read).
    moved_dates: Vec<(String, String, NaiveDate)>,
}

impl Records {
    /// No records yet, of a credential whose primary language is `language`.
    pub fn new(language: &str) -> Self {
        Self {
            language: language.to_string(),
            organisations: BTreeMap::new(),
            contacts: BTreeMap::new(),
            qualifications: BTreeMap::new(),
            units: BTreeMap::new(),
            spec_units: BTreeMap::new(),
            learners: Vec::new(),
            mobilities: Vec::new(),
            assessments: Vec::new(),
            schemes: BTreeMap::new(),
            unknown_schemes: BTreeMap::new(),
            diagnostics: Vec::new(),
            moved_dates: Vec::new(),
        }
    }

    /// The calendar date of a date-only field (`what`, in words), noting a
    /// UTC midnight read as the next day.
    pub fn date(&mut self, what: &str, text: &str) -> Option<NaiveDate> {
        let (day, moved) = calendar_date(text)?;
        if moved {
            self.moved_dates
                .push((what.to_string(), text.trim().to_string(), day));
        }
        Some(day)
    }

    /// Adds an organisation; a second description of the same one adds its
    /// roles. Returns its id.
    pub fn organisation(&mut self, n: OrganisationNode) -> String {
        let id = n
            .record
            .unwrap_or_else(|| ids::organisation_id(&n.name, None, &self.language));
        let org = Organisation {
            id,
            roles: n.role.into_iter().collect(),
            country: n.country,
            address: n.address,
            phone: n.phone,
            email: n.email,
            website: n.website,
            registration_ids: n.registration_ids,
            name: n.name,
            unmapped: Default::default(),
        };
        let id = org.id.clone();
        match self.organisations.get_mut(&id) {
            Some(o) => o.roles.extend(org.roles),
            None => {
                self.organisations.insert(id.clone(), org);
            }
        }
        id
    }

    /// Adds a contact; a second mention adds its roles. Returns its id.
    pub fn contact(&mut self, n: ContactNode) -> String {
        let id = n
            .record
            .unwrap_or_else(|| ids::contact_id(n.organisation.as_deref(), &n.name));
        let c = ContactPerson {
            id,
            name: n.name,
            position: MultilingualText::new(),
            email: n.email,
            phone: n.phone,
            organisation: n.organisation,
            roles: [n.role].into_iter().collect(),
        };
        let id = c.id.clone();
        match self.contacts.get_mut(&id) {
            Some(o) => o.roles.extend(c.roles),
            None => {
                self.contacts.insert(id.clone(), c);
            }
        }
        id
    }

    /// Adds the credential's learner. Returns their id.
    pub fn learner(&mut self, n: LearnerNode) -> String {
        let id = n.record.unwrap_or_else(|| {
            ids::learner_id(
                n.school_id.as_deref(),
                &n.given_names,
                &n.family_name,
                n.date_of_birth,
                n.national_id.as_deref(),
            )
        });
        let learner = Learner {
            id,
            given_names: n.given_names,
            family_name: n.family_name,
            date_of_birth: n.date_of_birth,
            nationality: n.nationality,
            email: n.email,
            phone: n.phone,
            address: n.address,
            address_country: n.address_country,
            national_id: n.national_id,
            school_id: n.school_id,
            gender: n.gender,
            guardian: None,
            unmapped: Default::default(),
        };
        let id = learner.id.clone();
        self.learners.push(learner);
        id
    }

    /// Adds a mobility of `learner`, sent by `sending`. Returns its id.
    pub fn mobility(&mut self, n: MobilityNode, learner: &str, sending: Option<&str>) -> String {
        let mobility = Mobility {
            id: n
                .record
                .unwrap_or_else(|| ids::mobility_id(learner, n.host.as_deref(), n.start)),
            erasmus_id: n.erasmus_id,
            project_code: n.project_code,
            learner: learner.to_string(),
            sending: sending.map(str::to_string),
            host: n.host,
            intermediary: None,
            start: n.start,
            end: n.end,
            duration_weeks: None,
            objective: n.objective,
            tasks: n.tasks,
            mentor: n.mentor,
            language: n.language,
            units: n.units,
            qualification: n.qualification,
            unmapped: Default::default(),
        };
        let id = mobility.id.clone();
        self.mobilities.push(mobility);
        id
    }

    /// Adds a unit, keeping the fuller description of one named twice.
    /// Returns its id.
    pub fn unit(&mut self, n: UnitNode) -> String {
        let id = self.unit_id(&n);
        let mut records = Vec::with_capacity(n.outcomes.len());
        let outcomes = n
            .outcomes
            .into_iter()
            .map(|o| {
                records.push(o.record);
                LearningOutcome {
                    id: String::new(),
                    text: o.text,
                    category: o.category,
                    esco_uri: o.esco_uri,
                    details: o.details,
                }
            })
            .collect();
        let mut u = Unit {
            id,
            code: n.code,
            title: n.title,
            qualification: n.qualification,
            part_of: n.part_of,
            area_of_work: n.area_of_work,
            description: n.description,
            eqf_level: n.eqf_level,
            nqf_level: n.nqf_level,
            credit_points: n.credit_points,
            learning_outcomes: outcomes,
            unmapped: Default::default(),
        };
        number_outcomes(&mut u, &records);
        let id = u.id.clone();
        match self.units.get_mut(&id) {
            // The specification read before as a unit of the activity, now
            // met as a part of an achievement: the nesting is kept.
            Some(old) if richness(old) >= richness(&u) => {
                if old.part_of.is_none() {
                    old.part_of = u.part_of;
                }
            }
            _ => {
                self.units.insert(id.clone(), u);
            }
        }
        id
    }

    /// The id of the unit `n` describes: the one its specification already
    /// became, else the id its data gives — with a number added when that id
    /// is another specification's (two courses of the same title are two
    /// units). Record ids europass wrote are taken as they are.
    fn unit_id(&mut self, n: &UnitNode) -> String {
        let id = n.id(&self.language);
        let Some(spec) = n.spec.clone().filter(|_| n.record.is_none()) else {
            return id;
        };
        if let Some(known) = self.spec_units.get(&spec) {
            return known.clone();
        }
        let taken = |candidate: &String| self.spec_units.values().any(|u| u == candidate);
        let mut unique = id.clone();
        let mut k = 1;
        while taken(&unique) {
            k += 1;
            unique = format!("{id}-{k}");
        }
        self.spec_units.insert(spec, unique.clone());
        unique
    }

    /// Adds a qualification. Returns its id.
    pub fn qualification(&mut self, n: QualificationNode) -> String {
        let id = n
            .record
            .unwrap_or_else(|| ids::qualification_id(n.code.as_deref(), &n.title, &self.language));
        let q = Qualification {
            id,
            code: n.code,
            title: n.title,
            country: None,
            eqf_level: n.eqf_level,
            nqf_level: n.nqf_level,
            credit_points: n.credit_points,
            unmapped: Default::default(),
        };
        let id = q.id.clone();
        self.qualifications.entry(id.clone()).or_insert(q);
        id
    }

    /// Adds the result of `learner` in `unit`, during `mobility`. A second
    /// result of the same unit (a semester, a resit) is kept as a result of
    /// its own, numbered; a result europass wrote that is already there (by
    /// its record id) is not added again, and its id is returned as the
    /// error. Returns the result's id.
    pub fn result(
        &mut self,
        n: ResultNode,
        learner: &str,
        unit: String,
        mobility: Option<&str>,
    ) -> Result<String, String> {
        let id = match n.record {
            Some(record) => {
                if self.assessments.iter().any(|r| r.id == record) {
                    return Err(record);
                }
                record
            }
            None => {
                let id = ids::result_id(learner, &unit);
                // `learner/unit/2`: a unit id has no slash, so this can
                // be no other unit's result.
                let mut unique = id.clone();
                let mut k = 1;
                while self.assessments.iter().any(|r| r.id == unique) {
                    k += 1;
                    unique = format!("{id}/{k}");
                }
                unique
            }
        };
        let result = AssessmentResult {
            id,
            learner: learner.to_string(),
            unit,
            mobility: mobility.map(str::to_string),
            outcome: None,
            criteria: n.criteria,
            grade: n.grade,
            passed: None,
            achieved: n.achieved,
            credit_points: n.credit_points,
            date: n.date,
            method: n.method,
            assessor: n.assessor,
            remarks: n.remarks,
            deviations: n.deviations,
            unmapped: Default::default(),
        };
        let id = result.id.clone();
        self.assessments.push(result);
        Ok(id)
    }

    /// Notes a grading scheme for a grade; one known only by its
    /// description is warned about once.
    pub fn scheme(&mut self, id: &str, scheme: Option<GradingScheme>) {
        match scheme {
            Some(s) => {
                if matches!(s.scale, Scale::Described { .. }) {
                    self.unknown_schemes.insert(id.to_string(), ());
                }
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
        for (what, given, day) in &self.moved_dates {
            self.diagnostics.push(
                Diagnostic::info(
                    Code::DateFromMidnightUtc,
                    Location::file(file),
                    format!("the {what} is given as {given}, midnight in the issuer's time zone written in UTC; it was read as {day}"),
                )
                .with_hint("if the date is wrong, ask the issuer for the credential with the date alone (YYYY-MM-DD)"),
            );
        }
        for id in self.unknown_schemes.keys() {
            if self
                .schemes
                .get(id)
                .is_some_and(|s| !matches!(s.scale, Scale::Described { .. }))
            {
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

/// Learning outcome ids: the record ids they carry, else numbered per
/// category as every reader numbers them (`unit/k1`, `unit/s2`, …).
fn number_outcomes(unit: &mut Unit, records: &[Option<String>]) {
    let mut counts = [0usize; 4];
    for (i, o) in unit.learning_outcomes.iter_mut().enumerate() {
        let n = match o.category {
            OutcomeCategory::Knowledge => 0,
            OutcomeCategory::Skill => 1,
            OutcomeCategory::Competence => 2,
            OutcomeCategory::Unspecified => 3,
        };
        counts[n] += 1;
        o.id = records
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| ids::outcome_id(&unit.id, o.category, counts[n]));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(pairs: &[(&str, &str)]) -> MultilingualText {
        let mut t = MultilingualText::new();
        for (l, s) in pairs {
            t.set(l, *s);
        }
        t
    }

    #[test]
    fn a_grade_is_read_from_its_value_with_meaning_bare_or_as_written() {
        let lv = SchemeRegistry::shipped().find("lv-1-10").unwrap();
        let value = |pairs: &[(&str, &str)], s: Option<&GradingScheme>| {
            grade_value(&literal(pairs), "lv", s)
        };
        assert_eq!(
            value(&[("en", "9 – Latvian 10-point scale")], Some(lv)),
            "9"
        );
        assert_eq!(value(&[("lv", "Teicami (9)")], Some(lv)), "9");
        // As earlier europass versions wrote it.
        assert_eq!(value(&[("lv", "9")], Some(lv)), "9");
        // Not a value of the scheme, or a scheme known only by its words:
        // the text as written, label and all.
        assert_eq!(
            value(&[("en", "Excellent (11)")], Some(lv)),
            "Excellent (11)"
        );
        let (_, described) = grading_scheme(
            Some("general-fi"),
            None,
            &literal(&[("en", "General grading scheme in Finland")]),
            &literal(&[("en", "Five grades; 2 is the lowest pass.")]),
        );
        let described = described.unwrap();
        assert!(matches!(described.scale, Scale::Described { .. }));
        assert_eq!(
            value(&[("en", "Excellent (5)")], Some(&described)),
            "Excellent (5)"
        );
    }

    #[test]
    fn a_scheme_described_in_europass_words_is_its_scale_and_country() {
        let words =
            "Whole numbers from 0 to 100, 100 best; 50 and above pass. Used in Latvia (LV).";
        let (id, scheme) = grading_scheme(
            Some("school-points"),
            None,
            &literal(&[("en", "School points")]),
            &literal(&[("en", words)]),
        );
        let scheme = scheme.unwrap();
        assert_eq!(id, "school-points");
        assert_eq!(scheme.country, Some(CountryCode("LV".into())));
        assert_eq!(scheme.passes("50"), Some(true));
        // A shipped id with its own scale comes back with every name.
        let (_, lv) = grading_scheme(
            Some("lv-1-10"),
            None,
            &literal(&[("en", "Latvian 10-point scale (pass from 4)")]),
            &literal(&[(
                "en",
                "Whole numbers from 1 to 10, 10 best; 4 and above pass. Used in Latvia (LV).",
            )]),
        );
        assert_eq!(lv.as_ref(), SchemeRegistry::shipped().find("lv-1-10"));
    }
}
