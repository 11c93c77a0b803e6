//! From a round to the data of each document: one plain struct per Learning
//! Agreement and per Memorandum of Understanding.
//!
//! This is the only place that decides what a document says. The built-in
//! layouts and a school's own template both print these structs (through the
//! placeholder tables in [`super::fields`]), so they always agree.
//!
//! Rounds rarely hold `learning_agreements` or `memoranda` records: the
//! documents are derived from the mobilities (learner, organisations and
//! their people, dates, qualification, targeted units and their outcomes,
//! assessment results). A record the round does hold overrides what is derived.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use crate::model::{
    AssessmentResult, ContactPerson, ContactRole, CreditSystem, LearningAgreement, Memorandum,
    Mobility, MultilingualText, OutcomeCategory, RegistrationScheme, Round, RoundIndex, Signatory,
};
use crate::outputs::OutputPlan;

/// An organisation as a document shows it, with the person who acts for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrganisationData {
    /// Id in the round.
    pub id: String,
    /// Name.
    pub name: MultilingualText,
    /// ISO country code.
    pub country: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Erasmus+ PIC.
    pub pic: Option<String>,
    /// Erasmus+ OID.
    pub oid: Option<String>,
    /// The contact person for this document.
    pub contact: Option<PersonData>,
}

/// A person acting for an organisation (contact, mentor, assessor).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonData {
    /// Full name.
    pub name: String,
    /// Role or position.
    pub position: MultilingualText,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// The organisation's name.
    pub organisation: MultilingualText,
}

/// The learner as a Learning Agreement shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearnerData {
    /// Id in the round.
    pub id: String,
    /// Given names.
    pub given_names: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Nationality (country code).
    pub nationality: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// The school's learner number.
    pub school_id: Option<String>,
    /// Under 18 on the first day of the mobility (or, without a date of
    /// birth, a guardian is recorded).
    pub is_minor: bool,
    /// Parent or guardian.
    pub guardian: Option<PersonData>,
}

impl LearnerData {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        [self.given_names.as_str(), self.family_name.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A qualification as a document shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QualificationData {
    /// Id in the round.
    pub id: String,
    /// National code.
    pub code: Option<String>,
    /// Title, in every language the round gives.
    pub title: MultilingualText,
    /// Awarding country.
    pub country: Option<String>,
    /// EQF level.
    pub eqf_level: Option<u8>,
    /// National framework level.
    pub nqf_level: Option<String>,
    /// ECVET points of the whole qualification.
    pub ecvet_points: Option<f64>,
    /// The units of this qualification covered (memoranda only).
    pub units: Vec<UnitData>,
    /// The order to list the title's languages in: the document languages first.
    pub title_languages: Vec<String>,
}

/// A learning outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutcomeData {
    /// The statement.
    pub text: MultilingualText,
    /// Knowledge, skill or competence.
    pub category: OutcomeCategory,
    /// The sub-points listed under the statement (criteria, items), in order.
    pub details: Vec<MultilingualText>,
}

/// A unit targeted by a mobility.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitData {
    /// 1-based position in the document.
    pub number: usize,
    /// The school's code.
    pub code: Option<String>,
    /// Title.
    pub title: MultilingualText,
    /// Area of work tasks.
    pub area_of_work: MultilingualText,
    /// Description.
    pub description: MultilingualText,
    /// EQF level.
    pub eqf_level: Option<u8>,
    /// National framework level.
    pub nqf_level: Option<String>,
    /// ECVET points to be acquired.
    pub ecvet_points: Option<f64>,
    /// Only some of the unit's outcomes are targeted.
    pub partial: bool,
    /// The targeted outcomes, in the unit's order.
    pub outcomes: Vec<OutcomeData>,
    /// Learning activities abroad.
    pub activities: MultilingualText,
    /// Assessment method recorded for this unit.
    pub assessment_method: MultilingualText,
    /// Assessment date recorded for this unit.
    pub assessment_date: Option<NaiveDate>,
    /// The assessor of this unit.
    pub assessor: Option<PersonData>,
}

/// Who signs, in which capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureRole {
    /// For the sending organisation.
    Sending,
    /// For the host organisation.
    Host,
    /// For an intermediary organisation.
    Intermediary,
    /// The learner.
    Learner,
    /// The learner's parent or guardian.
    Guardian,
    /// As given in a record of the round (its own role text).
    Other,
}

impl SignatureRole {
    /// The label key of the role.
    pub fn label_key(self) -> &'static str {
        match self {
            SignatureRole::Sending => "role.sending",
            SignatureRole::Host => "role.host",
            SignatureRole::Intermediary => "role.intermediary",
            SignatureRole::Learner => "role.learner",
            SignatureRole::Guardian => "role.guardian",
            SignatureRole::Other => "field.signature",
        }
    }
}

/// A period of mobility a memorandum plans: its dates and how many
/// learners go then.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodData {
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Learners going in this period.
    pub learners: usize,
}

/// A signature block.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureData {
    /// In which capacity.
    pub role: SignatureRole,
    /// Name of the person (blank to be filled in by hand when unknown).
    pub name: String,
    /// Role or position.
    pub position: MultilingualText,
    /// Organisation signed for.
    pub organisation: MultilingualText,
    /// Its country.
    pub country: Option<String>,
    /// Place of signing.
    pub place: Option<String>,
    /// Date of signing.
    pub date: Option<NaiveDate>,
}

/// Everything a Learning Agreement says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearningAgreementData {
    /// The output file, below the output folder (`<learner>/learning-agreement.docx`).
    pub file: String,
    /// The mobility's id in the round.
    pub mobility_id: String,
    /// Erasmus+ mobility id.
    pub erasmus_id: Option<String>,
    /// Erasmus+ project code.
    pub project_code: Option<String>,
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Duration in weeks (as stated, else from the dates).
    pub weeks: Option<f64>,
    /// Objective.
    pub objective: MultilingualText,
    /// Tasks and activities.
    pub tasks: MultilingualText,
    /// Working language (tag).
    pub working_language: Option<String>,
    /// The learner.
    pub learner: LearnerData,
    /// Sending organisation and its contact person.
    pub sending: Option<OrganisationData>,
    /// Host organisation and its contact person.
    pub host: Option<OrganisationData>,
    /// The mentor at the host.
    pub mentor: Option<PersonData>,
    /// Intermediary organisation.
    pub intermediary: Option<OrganisationData>,
    /// The qualification worked towards.
    pub qualification: Option<QualificationData>,
    /// The learner's progress so far.
    pub learner_progress: MultilingualText,
    /// Enclosures.
    pub enclosures: Vec<MultilingualText>,
    /// The targeted units.
    pub units: Vec<UnitData>,
    /// The assessor.
    pub assessor: Option<PersonData>,
    /// Method of assessment.
    pub assessment_method: MultilingualText,
    /// When and where.
    pub assessment_when_and_where: MultilingualText,
    /// How results are recorded.
    pub assessment_recording: MultilingualText,
    /// Who validates and recognises.
    pub validation_responsible: Option<PersonData>,
    /// How validation and recognition are done.
    pub validation_and_recognition: MultilingualText,
    /// Signature blocks.
    pub signatories: Vec<SignatureData>,
}

/// Everything a Memorandum of Understanding says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemorandumData {
    /// The output file (`memoranda/<sending>-<host>.docx`).
    pub file: String,
    /// File code (from a memorandum record).
    pub code: Option<String>,
    /// Erasmus+ project codes of the mobilities covered.
    pub project_codes: Vec<String>,
    /// Objectives agreed beyond the fixed text.
    pub other_objectives: MultilingualText,
    /// The sending organisation.
    pub sending: Option<OrganisationData>,
    /// The host organisation.
    pub host: Option<OrganisationData>,
    /// Every signing organisation (sending first).
    pub organisations: Vec<OrganisationData>,
    /// Other organisations covered.
    pub other_organisations: Vec<OrganisationData>,
    /// Qualifications covered, each with its units.
    pub qualifications: Vec<QualificationData>,
    /// Agreed assessment, documentation, validation and recognition procedures.
    pub assessment_and_recognition: MultilingualText,
    /// Valid until.
    pub valid_until: Option<NaiveDate>,
    /// First day of the first mobility covered.
    pub first_start: Option<NaiveDate>,
    /// Last day of the last mobility covered.
    pub last_end: Option<NaiveDate>,
    /// Shortest mobility, weeks.
    pub min_weeks: Option<f64>,
    /// Longest mobility, weeks.
    pub max_weeks: Option<f64>,
    /// Number of mobilities covered.
    pub mobility_count: usize,
    /// The planned periods of mobility, each with its number of learners,
    /// in date order.
    pub periods: Vec<PeriodData>,
    /// Who evaluates and reviews the partnership.
    pub evaluation: MultilingualText,
    /// Signature blocks.
    pub signatories: Vec<SignatureData>,
}

/// Lookups over a round, built once per export.
struct Index<'a> {
    languages: Vec<String>,
    ids: RoundIndex<'a>,
    agreements: BTreeMap<&'a str, &'a LearningAgreement>,
}

impl<'a> Index<'a> {
    fn new(round: &'a Round, languages: &[String]) -> Self {
        Index {
            languages: languages.iter().map(|l| l.to_ascii_lowercase()).collect(),
            ids: RoundIndex::new(round),
            agreements: round
                .learning_agreements
                .iter()
                .map(|a| (a.mobility.as_str(), a))
                .collect(),
        }
    }

    fn organisation_name(&self, id: Option<&str>) -> MultilingualText {
        id.and_then(|id| self.ids.organisation(id))
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn person(&self, contact: &ContactPerson) -> PersonData {
        PersonData {
            name: contact.name.clone(),
            position: contact.position.clone(),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            organisation: self.organisation_name(contact.organisation.as_deref()),
        }
    }

    /// The first person of `organisation` holding the first of `roles` anyone holds.
    fn contact_of(&self, organisation: &str, roles: &[ContactRole]) -> Option<&'a ContactPerson> {
        let people = self.ids.people_of(organisation);
        roles
            .iter()
            .find_map(|role| people.iter().find(|c| c.roles.contains(role)).copied())
            .or_else(|| people.first().copied())
    }

    fn organisation(
        &self,
        id: Option<&str>,
        contact_roles: &[ContactRole],
    ) -> Option<OrganisationData> {
        let id = id?;
        let Some(org) = self.ids.organisation(id) else {
            // A reference the import could not resolve: keep the id as the name.
            return Some(OrganisationData {
                id: id.to_string(),
                name: MultilingualText::single("und", id),
                ..OrganisationData::default()
            });
        };
        let reg = |scheme: RegistrationScheme| {
            org.registration_ids
                .iter()
                .find(|r| r.scheme == scheme)
                .map(|r| r.value.clone())
        };
        Some(OrganisationData {
            id: org.id.clone(),
            name: org.name.clone(),
            country: org.country.as_ref().map(|c| c.0.clone()),
            address: org.address.clone(),
            phone: org.phone.clone(),
            email: org.email.clone(),
            website: org.website.clone(),
            pic: reg(RegistrationScheme::Pic),
            oid: reg(RegistrationScheme::Oid),
            contact: self.contact_of(id, contact_roles).map(|c| self.person(c)),
        })
    }

    fn qualification(&self, id: &str) -> QualificationData {
        let mut q = self.qualification_unordered(id);
        let mut order: Vec<String> = self
            .languages
            .iter()
            .filter(|l| q.title.get(l).is_some())
            .cloned()
            .collect();
        for l in q.title.languages() {
            if !order.iter().any(|o| o == l) && l != "und" {
                order.push(l.to_string());
            }
        }
        q.title_languages = order;
        q
    }

    fn qualification_unordered(&self, id: &str) -> QualificationData {
        match self.ids.qualification(id) {
            Some(q) => QualificationData {
                id: q.id.clone(),
                code: q.code.clone(),
                title: q.title.clone(),
                country: q.country.as_ref().map(|c| c.0.clone()),
                eqf_level: q.eqf_level.map(|l| l.get()),
                nqf_level: q.nqf_level.as_ref().map(|n| n.level.clone()),
                ecvet_points: ecvet(&q.credit_points),
                units: Vec::new(),
                title_languages: Vec::new(),
            },
            None => QualificationData {
                id: id.to_string(),
                title: MultilingualText::single("und", id),
                ..QualificationData::default()
            },
        }
    }

    /// The qualification a mobility works towards: the agreement's, the
    /// mobility's, or the one all its units belong to.
    fn qualification_of(&self, mobility: &Mobility) -> Option<String> {
        if let Some(q) = self
            .agreements
            .get(mobility.id.as_str())
            .and_then(|a| a.qualification.clone())
        {
            return Some(q);
        }
        if let Some(q) = &mobility.qualification {
            return Some(q.clone());
        }
        let of_units: BTreeSet<&str> = mobility
            .units
            .iter()
            .filter_map(|u| self.ids.unit(u.as_str()))
            .filter_map(|u| u.qualification.as_deref())
            .collect();
        (of_units.len() == 1).then(|| of_units.into_iter().next().unwrap().to_string())
    }
}

fn ecvet(points: &[crate::model::CreditPoints]) -> Option<f64> {
    points
        .iter()
        .find(|p| p.system == CreditSystem::Ecvet)
        .map(|p| p.value)
}

fn weeks_between(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<f64> {
    let days = (end? - start?).num_days() + 1;
    (days > 0).then(|| (days as f64 / 7.0 * 10.0).round() / 10.0)
}

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn signature(role: SignatureRole, org: Option<&OrganisationData>) -> SignatureData {
    let contact = org.and_then(|o| o.contact.as_ref());
    SignatureData {
        role,
        name: contact.map(|c| c.name.clone()).unwrap_or_default(),
        position: contact.map(|c| c.position.clone()).unwrap_or_default(),
        organisation: org.map(|o| o.name.clone()).unwrap_or_default(),
        country: org.and_then(|o| o.country.clone()),
        place: None,
        date: None,
    }
}

fn signatures_from_records(index: &Index, records: &[Signatory]) -> Vec<SignatureData> {
    records
        .iter()
        .map(|s| {
            let org = s
                .organisation
                .as_deref()
                .and_then(|id| index.ids.organisation(id));
            SignatureData {
                role: if s.organisation.is_none() {
                    SignatureRole::Learner
                } else {
                    SignatureRole::Other
                },
                name: s.name.clone(),
                position: s.role.clone(),
                organisation: org.map(|o| o.name.clone()).unwrap_or_default(),
                country: org.and_then(|o| o.country.as_ref().map(|c| c.0.clone())),
                place: s.place.clone(),
                date: s.date,
            }
        })
        .collect()
}

/// The Learning Agreement of every mobility of the round, in mobility order;
/// `languages` are the document languages (they order multilingual lists).
/// Each is named as the round's [`OutputPlan`] says: a learner with one
/// mobility gets `<folder>/learning-agreement.docx`; one with several gets
/// one file per mobility, named after host and start date.
pub fn learning_agreements(round: &Round, languages: &[String]) -> Vec<LearningAgreementData> {
    let plan = OutputPlan::new(round, &[]);
    let all = LearningAgreements::new(round, languages, &plan);
    (0..all.len()).map(|i| all.of(i)).collect()
}

/// The Learning Agreements of a round, each built when asked for: a round of
/// thousands of mobilities never holds them all at once.
pub struct LearningAgreements<'r> {
    index: Index<'r>,
    mobilities: &'r [Mobility],
    plan: &'r OutputPlan,
}

impl<'r> LearningAgreements<'r> {
    /// Prepares the agreements of `round` in `languages`, each to the path `plan` gives it.
    pub fn new(round: &'r Round, languages: &[String], plan: &'r OutputPlan) -> Self {
        LearningAgreements {
            index: Index::new(round, languages),
            mobilities: &round.mobilities,
            plan,
        }
    }

    /// How many agreements: one per mobility.
    pub fn len(&self) -> usize {
        self.mobilities.len()
    }

    /// Whether the round has no mobility.
    pub fn is_empty(&self) -> bool {
        self.mobilities.is_empty()
    }

    /// The mobility of agreement `i`.
    pub fn mobility(&self, i: usize) -> &'r Mobility {
        &self.mobilities[i]
    }

    /// The agreement of the round's `i`th mobility.
    pub fn of(&self, i: usize) -> LearningAgreementData {
        let file = self.plan.mobility(i).learning_agreement.clone();
        learning_agreement(&self.index, &self.mobilities[i], file)
    }
}

fn learning_agreement(index: &Index, m: &Mobility, file: String) -> LearningAgreementData {
    let record = index.agreements.get(m.id.as_str()).copied();
    let parties = Parties::of(index, m);
    let learner = learner_data(index, m);
    let units = targeted_units(index, m, record);
    let plan = assessment_plan(index, m, record, &units);
    let signatories = match record {
        Some(a) if !a.signatories.is_empty() => signatures_from_records(index, &a.signatories),
        _ => agreement_signatures(&parties, &learner),
    };
    let Parties {
        sending,
        host,
        intermediary,
        mentor,
    } = parties;
    LearningAgreementData {
        file,
        mobility_id: m.id.clone(),
        erasmus_id: m.erasmus_id.clone(),
        project_code: m.project_code.clone(),
        start: m.start,
        end: m.end,
        weeks: m.duration_weeks.or_else(|| weeks_between(m.start, m.end)),
        objective: m.objective.clone(),
        tasks: m.tasks.clone(),
        working_language: m.language.clone(),
        validation_responsible: sending.as_ref().and_then(|s| s.contact.clone()),
        learner,
        sending,
        host,
        mentor,
        intermediary,
        qualification: index.qualification_of(m).map(|q| index.qualification(&q)),
        learner_progress: record
            .map(|a| a.learner_progress.clone())
            .unwrap_or_default(),
        enclosures: record.map(|a| a.enclosures.clone()).unwrap_or_default(),
        units,
        assessor: plan.assessor,
        assessment_method: plan.method,
        assessment_when_and_where: plan.when_and_where,
        assessment_recording: plan.recording,
        validation_and_recognition: record
            .map(|a| a.validation_and_recognition.clone())
            .unwrap_or_default(),
        signatories,
    }
}

/// The organisations of a mobility, each with the person who acts for it,
/// and the mentor at the host.
struct Parties {
    sending: Option<OrganisationData>,
    host: Option<OrganisationData>,
    intermediary: Option<OrganisationData>,
    mentor: Option<PersonData>,
}

impl Parties {
    fn of(index: &Index, m: &Mobility) -> Parties {
        use ContactRole::{Contact, Coordinator, Signatory};
        let mentor = m
            .mentor
            .as_deref()
            .and_then(|id| index.ids.contact(id))
            .or_else(|| {
                m.host
                    .as_deref()
                    .and_then(|h| index.contact_of(h, &[ContactRole::Mentor]))
                    .filter(|c| c.roles.contains(&ContactRole::Mentor))
            });
        Parties {
            sending: index.organisation(m.sending.as_deref(), &[Coordinator, Signatory, Contact]),
            host: index.organisation(m.host.as_deref(), &[Contact, Signatory, Coordinator]),
            intermediary: index.organisation(
                m.intermediary.as_deref(),
                &[Contact, Signatory, Coordinator],
            ),
            mentor: mentor.map(|c| index.person(c)),
        }
    }
}

/// The learner of `m` as the agreement shows them; a minor on the first day
/// of the mobility (or, without a date of birth, one with a guardian).
fn learner_data(index: &Index, m: &Mobility) -> LearnerData {
    let Some(l) = index.ids.learner(&m.learner) else {
        return LearnerData {
            id: m.learner.clone(),
            ..LearnerData::default()
        };
    };
    let is_minor = match (l.date_of_birth, m.start) {
        (Some(birth), Some(start)) => age_on(birth, start) < 18,
        _ => l.guardian.is_some(),
    };
    LearnerData {
        id: l.id.clone(),
        given_names: l.given_names.clone(),
        family_name: l.family_name.clone(),
        date_of_birth: l.date_of_birth,
        nationality: l.nationality.as_ref().map(|c| c.0.clone()),
        email: l.email.clone(),
        phone: l.phone.clone(),
        address: l.address.clone(),
        school_id: l.school_id.clone(),
        is_minor,
        guardian: l.guardian.as_ref().map(|g| PersonData {
            name: g.name.clone(),
            email: g.email.clone(),
            phone: g.phone.clone(),
            ..PersonData::default()
        }),
    }
}

/// A unit the agreement targets: its id, the outcomes targeted (none: all),
/// the ECVET points agreed and the activities abroad.
type Targeted = (String, Vec<String>, Option<f64>, MultilingualText);

/// The units `m` targets: the agreement's own unit list wins; otherwise the
/// mobility's targeted units; each with its result's method, date and assessor.
fn targeted_units(
    index: &Index,
    m: &Mobility,
    record: Option<&LearningAgreement>,
) -> Vec<UnitData> {
    let results: Vec<&AssessmentResult> = index
        .ids
        .results_of(&m.learner)
        .iter()
        .filter(|r| r.mobility.as_deref().is_none_or(|id| id == m.id))
        .copied()
        .collect();
    let targeted: Vec<Targeted> = match record {
        Some(a) if !a.units.is_empty() => a
            .units
            .iter()
            .map(|u| {
                let points = u
                    .credit_points
                    .as_ref()
                    .filter(|p| p.system == CreditSystem::Ecvet)
                    .map(|p| p.value);
                (
                    u.unit.clone(),
                    u.outcomes.clone(),
                    points,
                    u.activities.clone(),
                )
            })
            .collect(),
        _ => m
            .units
            .iter()
            .map(|u| (u.clone(), Vec::new(), None, MultilingualText::new()))
            .collect(),
    };
    targeted
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let result = results.iter().copied().find(|r| r.unit == t.0);
            targeted_unit(index, i + 1, t, result)
        })
        .collect()
}

fn targeted_unit(
    index: &Index,
    number: usize,
    (unit_id, only, points, activities): Targeted,
    result: Option<&AssessmentResult>,
) -> UnitData {
    let unit = index.ids.unit(&unit_id);
    let outcomes: Vec<OutcomeData> = unit
        .map(|u| {
            u.learning_outcomes
                .iter()
                .filter(|o| only.is_empty() || only.contains(&o.id))
                .map(|o| OutcomeData {
                    text: o.text.clone(),
                    category: o.category,
                    details: o.details.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    UnitData {
        number,
        code: unit.and_then(|u| u.code.clone()),
        title: unit
            .map(|u| u.title.clone())
            .unwrap_or_else(|| MultilingualText::single("und", unit_id.as_str())),
        area_of_work: unit.map(|u| u.area_of_work.clone()).unwrap_or_default(),
        description: unit.map(|u| u.description.clone()).unwrap_or_default(),
        eqf_level: unit.and_then(|u| u.eqf_level).map(|l| l.get()),
        nqf_level: unit
            .and_then(|u| u.nqf_level.as_ref())
            .map(|n| n.level.clone()),
        ecvet_points: points.or_else(|| unit.and_then(|u| ecvet(&u.credit_points))),
        partial: !only.is_empty() && unit.is_some_and(|u| only.len() < u.learning_outcomes.len()),
        outcomes,
        // The unit's own activities only: the mobility's tasks are printed
        // once, in section 2, not repeated under every unit.
        activities,
        assessment_method: result.map(|r| r.method.clone()).unwrap_or_default(),
        assessment_date: result.and_then(|r| r.date),
        assessor: result
            .and_then(|r| r.assessor.as_deref())
            .and_then(|id| index.ids.contact(id))
            .map(|c| index.person(c)),
    }
}

/// How the learning abroad is assessed.
struct AssessmentPlan {
    assessor: Option<PersonData>,
    method: MultilingualText,
    when_and_where: MultilingualText,
    recording: MultilingualText,
}

/// The agreement's assessment plan, else what the results say.
fn assessment_plan(
    index: &Index,
    m: &Mobility,
    record: Option<&LearningAgreement>,
    units: &[UnitData],
) -> AssessmentPlan {
    let plan = record.and_then(|a| a.assessment.as_ref());
    let assessor = plan
        .and_then(|p| p.assessor.as_deref())
        .and_then(|id| index.ids.contact(id))
        .map(|c| index.person(c))
        .or_else(|| units.iter().find_map(|u| u.assessor.clone()))
        .or_else(|| {
            m.host
                .as_deref()
                .and_then(|h| index.contact_of(h, &[ContactRole::Assessor]))
                .filter(|c| c.roles.contains(&ContactRole::Assessor))
                .map(|c| index.person(c))
        });
    let method = plan
        .map(|p| p.method.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            units
                .iter()
                .map(|u| &u.assessment_method)
                .find(|t| !t.is_empty())
                .cloned()
        })
        .unwrap_or_default();
    AssessmentPlan {
        assessor,
        method,
        when_and_where: plan.map(|p| p.when_and_where.clone()).unwrap_or_default(),
        recording: plan.map(|p| p.recording.clone()).unwrap_or_default(),
    }
}

/// Who signs an agreement the round has no signatories for: sending, host
/// (through its contact person, else the mentor), intermediary, the learner,
/// and a minor's guardian.
fn agreement_signatures(parties: &Parties, learner: &LearnerData) -> Vec<SignatureData> {
    let person = |role: SignatureRole, name: String| SignatureData {
        role,
        name,
        position: MultilingualText::new(),
        organisation: MultilingualText::new(),
        country: None,
        place: None,
        date: None,
    };
    let mut host = signature(SignatureRole::Host, parties.host.as_ref());
    if host.name.is_empty()
        && let Some(mentor) = &parties.mentor
    {
        host.name = mentor.name.clone();
        host.position = mentor.position.clone();
    }
    let mut s = vec![
        signature(SignatureRole::Sending, parties.sending.as_ref()),
        host,
    ];
    if parties.intermediary.is_some() {
        s.push(signature(
            SignatureRole::Intermediary,
            parties.intermediary.as_ref(),
        ));
    }
    s.push(person(SignatureRole::Learner, learner.full_name()));
    if learner.is_minor {
        let guardian = learner.guardian.as_ref().map(|g| g.name.clone());
        s.push(person(
            SignatureRole::Guardian,
            guardian.unwrap_or_default(),
        ));
    }
    s
}

/// One Memorandum of Understanding per (sending, host) pair of the round's
/// mobilities, in pair order, each to the path `plan` gives it; a memorandum
/// record signed by both overrides what is derived.
pub fn memoranda(round: &Round, languages: &[String], plan: &OutputPlan) -> Vec<MemorandumData> {
    let index = Index::new(round, languages);
    let mut pairs: BTreeMap<(&str, &str), Vec<&Mobility>> = BTreeMap::new();
    for m in &round.mobilities {
        if let (Some(s), Some(h)) = (m.sending.as_deref(), m.host.as_deref()) {
            pairs.entry((s, h)).or_default().push(m);
        }
    }
    pairs
        .into_iter()
        .map(|((sending, host), mobilities)| {
            let file = plan
                .memorandum(sending, host)
                .unwrap_or_default()
                .to_string();
            let record = memorandum_record(round, sending, host);
            memorandum(&index, sending, host, &mobilities, record, file)
        })
        .collect()
}

/// The file code of the memorandum of a (sending, host) pair, when the
/// round records one (other documents name it, e.g. the transcript).
pub fn memorandum_code(round: &Round, sending: &str, host: &str) -> Option<String> {
    memorandum_record(round, sending, host).map(|r| r.id.clone())
}

/// The memorandum record both organisations sign, if the round has one.
fn memorandum_record<'r>(round: &'r Round, sending: &str, host: &str) -> Option<&'r Memorandum> {
    round.memoranda.iter().find(|mou| {
        mou.organisations.iter().any(|o| o == sending)
            && mou.organisations.iter().any(|o| o == host)
    })
}

fn memorandum(
    index: &Index,
    sending_id: &str,
    host_id: &str,
    mobilities: &[&Mobility],
    record: Option<&Memorandum>,
    file: String,
) -> MemorandumData {
    let signing = Signing::of(index, sending_id, host_id, record);
    let qualifications =
        covered_qualifications(index, mobilities, record, signing.sending.as_ref());
    let first_start = mobilities.iter().filter_map(|m| m.start).min();
    let last_end = mobilities.iter().filter_map(|m| m.end).max();
    let weeks: Vec<f64> = mobilities
        .iter()
        .filter_map(|m| m.duration_weeks.or_else(|| weeks_between(m.start, m.end)))
        .collect();
    let min_weeks = weeks.iter().copied().reduce(f64::min);
    let max_weeks = weeks.iter().copied().reduce(f64::max);
    let project_codes: Vec<String> = mobilities
        .iter()
        .filter_map(|m| m.project_code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let signatories = match record {
        Some(r) if !r.signatories.is_empty() => signatures_from_records(index, &r.signatories),
        _ => signing.signatures(host_id),
    };
    MemorandumData {
        file,
        code: record.map(|r| r.id.clone()),
        project_codes,
        other_objectives: record.map(|r| r.objectives.clone()).unwrap_or_default(),
        sending: signing.sending,
        host: signing.host,
        organisations: signing.organisations,
        other_organisations: signing.other_organisations,
        qualifications,
        assessment_and_recognition: record
            .map(|r| r.assessment_and_recognition.clone())
            .unwrap_or_default(),
        // Only a date the school gave: the last mobility's end is when the
        // mobilities stop, not when the partnership does. Without one, the
        // built-in layout leaves a line to fill in.
        valid_until: record.and_then(|r| r.valid_until),
        first_start,
        last_end,
        min_weeks: record.and_then(|r| r.min_weeks).or(min_weeks),
        max_weeks: record.and_then(|r| r.max_weeks).or(max_weeks),
        mobility_count: mobilities.len(),
        periods: planned_periods(mobilities),
        evaluation: record.map(|r| r.evaluation.clone()).unwrap_or_default(),
        signatories,
    }
}

/// The mobilities grouped by their dates, each period with its number of
/// learners; mobilities without any date are not a period.
fn planned_periods(mobilities: &[&Mobility]) -> Vec<PeriodData> {
    let mut periods: BTreeMap<(Option<NaiveDate>, Option<NaiveDate>), usize> = BTreeMap::new();
    for m in mobilities
        .iter()
        .filter(|m| m.start.is_some() || m.end.is_some())
    {
        *periods.entry((m.start, m.end)).or_default() += 1;
    }
    periods
        .into_iter()
        .map(|((start, end), learners)| PeriodData {
            start,
            end,
            learners,
        })
        .collect()
}

/// The organisations of a memorandum: sending and host, every other one the
/// record has sign, and those it covers without signing.
struct Signing {
    sending: Option<OrganisationData>,
    host: Option<OrganisationData>,
    organisations: Vec<OrganisationData>,
    other_organisations: Vec<OrganisationData>,
}

impl Signing {
    fn of(index: &Index, sending_id: &str, host_id: &str, record: Option<&Memorandum>) -> Signing {
        use ContactRole::{Contact, Coordinator, Signatory};
        let sending = index.organisation(Some(sending_id), &[Signatory, Coordinator, Contact]);
        let host = index.organisation(Some(host_id), &[Signatory, Contact, Coordinator]);
        let mut organisations: Vec<OrganisationData> =
            sending.iter().chain(host.iter()).cloned().collect();
        let mut other_organisations = Vec::new();
        if let Some(r) = record {
            for id in &r.organisations {
                if id != sending_id
                    && id != host_id
                    && let Some(o) = index.organisation(Some(id), &[Signatory, Contact])
                {
                    organisations.push(o);
                }
            }
            for id in &r.other_organisations {
                if let Some(o) = index.organisation(Some(id), &[Contact, Signatory]) {
                    other_organisations.push(o);
                }
            }
        }
        Signing {
            sending,
            host,
            organisations,
            other_organisations,
        }
    }

    /// Every signing organisation signs: sending first, the host as host.
    fn signatures(&self, host_id: &str) -> Vec<SignatureData> {
        self.organisations
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let role = if i == 0 {
                    SignatureRole::Sending
                } else if o.id == host_id {
                    SignatureRole::Host
                } else {
                    SignatureRole::Other
                };
                signature(role, Some(o))
            })
            .collect()
    }
}

/// The qualifications the mobilities work towards, in first-seen order,
/// each with the units they target (the record's units only, when it lists
/// some), then those the record adds.
fn covered_qualifications(
    index: &Index,
    mobilities: &[&Mobility],
    record: Option<&Memorandum>,
    sending: Option<&OrganisationData>,
) -> Vec<QualificationData> {
    let mut order: Vec<String> = Vec::new();
    let mut units_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let record_units: Option<&Vec<String>> = record.map(|r| &r.units).filter(|u| !u.is_empty());
    for m in mobilities {
        let mobility_q = index.qualification_of(m);
        for u in &m.units {
            if record_units.is_some_and(|list| !list.contains(u)) {
                continue;
            }
            let q = index
                .ids
                .unit(u)
                .and_then(|unit| unit.qualification.clone())
                .or_else(|| mobility_q.clone())
                .unwrap_or_default();
            if !order.contains(&q) {
                order.push(q.clone());
            }
            let list = units_of.entry(q).or_default();
            if !list.iter().any(|x| x == u) {
                list.push(u.to_string());
            }
        }
        if m.units.is_empty()
            && let Some(q) = mobility_q
            && !order.contains(&q)
        {
            order.push(q);
        }
    }
    for q in record.iter().flat_map(|r| &r.qualifications) {
        if !order.contains(q) {
            order.push(q.clone());
        }
    }
    order
        .iter()
        .map(|q| {
            let mut data = if q.is_empty() {
                QualificationData::default()
            } else {
                index.qualification(q)
            };
            if data.country.is_none() {
                data.country = sending.and_then(|s| s.country.clone());
            }
            let units = units_of.get(q).map(Vec::as_slice).unwrap_or_default();
            data.units = units
                .iter()
                .enumerate()
                .map(|(i, u)| covered_unit(index, i + 1, u))
                .collect();
            data
        })
        .collect()
}

/// A unit a memorandum covers, with all its outcomes.
fn covered_unit(index: &Index, number: usize, id: &str) -> UnitData {
    let unit = index.ids.unit(id);
    UnitData {
        number,
        code: unit.and_then(|u| u.code.clone()),
        title: unit
            .map(|u| u.title.clone())
            .unwrap_or_else(|| MultilingualText::single("und", id)),
        area_of_work: unit.map(|u| u.area_of_work.clone()).unwrap_or_default(),
        description: unit.map(|u| u.description.clone()).unwrap_or_default(),
        eqf_level: unit.and_then(|u| u.eqf_level).map(|l| l.get()),
        nqf_level: unit
            .and_then(|u| u.nqf_level.as_ref())
            .map(|n| n.level.clone()),
        ecvet_points: unit.and_then(|u| ecvet(&u.credit_points)),
        outcomes: unit
            .map(|u| {
                u.learning_outcomes
                    .iter()
                    .map(|o| OutcomeData {
                        text: o.text.clone(),
                        category: o.category,
                        details: o.details.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ..UnitData::default()
    }
}
