//! One value into the record field it fills: normalised with the mapping's
//! word lists and date order, whether it is a spreadsheet cell or the value
//! of a Word label. Grades and schemes are resolved by the caller, which
//! knows the scheme.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;

use super::normalise::{self, Problem, clean_line, clean_text};
use super::records::{
    ContactPart, LearnerPart, MobilityPart, OrganisationPart, QualificationPart, RowRecord,
    UnitPart,
};
use super::spec::Mapping;
use crate::diagnostics::{Code, Severity};
use crate::import::CellValue;
use crate::model::fields::{Entity, Field, Kind};
use crate::model::{
    Achievement, CountryCode, CriterionRating, Gender, Grade, MultilingualText, OrganisationRole,
};

/// Normalises one value of `field` into a record.
pub(crate) fn set_field(
    m: &Mapping,
    rec: &mut RowRecord,
    field: Field,
    lang: &str,
    v: &CellValue<'_>,
) -> Result<(), Problem> {
    let value = Value { m, v, lang };
    match field.entity() {
        Entity::Learner => set_learner(&mut rec.learner, field, &value)?,
        Entity::Mobility => set_mobility(&mut rec.mobility, field, &value)?,
        Entity::Sending | Entity::Host | Entity::Intermediary | Entity::Organisation => {
            set_organisation(rec, field, &value)?
        }
        Entity::Mentor | Entity::Assessor => set_person(rec, field, &value)?,
        Entity::Qualification => set_qualification(&mut rec.qualification, field, &value)?,
        Entity::Unit => set_unit(&mut rec.unit, field, &value)?,
        Entity::Planned => set_planned(rec, field, &value)?,
        Entity::Result => set_result(rec, field, &value)?,
        Entity::Rating => set_rating(rec, field, &value),
    }
    debug_assert!(field.kind() != Kind::Grade);
    Ok(())
}

/// A value as each kind of field reads it.
struct Value<'a, 'v> {
    m: &'a Mapping,
    v: &'a CellValue<'v>,
    lang: &'a str,
}

impl Value<'_, '_> {
    fn raw(&self) -> Cow<'_, str> {
        self.v.text()
    }

    fn line(&self) -> String {
        clean_line(&self.raw())
    }

    fn text(&self) -> String {
        clean_text(&self.raw())
    }

    fn code(&self) -> String {
        code_text(self.v)
    }

    fn date(&self) -> Result<NaiveDate, Problem> {
        normalise::date(self.v, self.m.date_order)
    }

    fn country(&self) -> Result<CountryCode, Problem> {
        country(self.m, self.v)
    }

    fn email(&self) -> Result<String, Problem> {
        email(self.v)
    }

    fn points(&self) -> Result<f64, Problem> {
        normalise::credit_value(self.v)
    }

    /// Sets the value's language's text.
    fn multi(&self, t: &mut MultilingualText) {
        t.set(self.lang, self.text());
    }
}

fn set_learner(p: &mut Arc<LearnerPart>, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::LearnerId => Arc::make_mut(p).school_id = Some(v.code()),
        F::LearnerGivenNames => Arc::make_mut(p).given_names = Some(v.line()),
        F::LearnerFamilyName => Arc::make_mut(p).family_name = Some(v.line()),
        F::LearnerFullName => {
            let (given, family) = split_full_name(&v.line());
            Arc::make_mut(p).given_names.get_or_insert(given);
            Arc::make_mut(p).family_name.get_or_insert(family);
        }
        F::LearnerDateOfBirth => Arc::make_mut(p).date_of_birth = Some(v.date()?),
        F::LearnerNationality => Arc::make_mut(p).nationality = Some(v.country()?),
        F::LearnerEmail => Arc::make_mut(p).email = Some(v.email()?),
        F::LearnerPhone => Arc::make_mut(p).phone = Some(v.line()),
        F::LearnerAddress => Arc::make_mut(p).address = Some(v.line()),
        F::LearnerNationalId => Arc::make_mut(p).national_id = Some(v.code()),
        F::LearnerGender => Arc::make_mut(p).gender = Some(gender(v.m, v.v)?),
        F::LearnerGuardianName => Arc::make_mut(p).guardian_name = Some(v.line()),
        F::LearnerGuardianEmail => Arc::make_mut(p).guardian_email = Some(v.email()?),
        F::LearnerGuardianPhone => Arc::make_mut(p).guardian_phone = Some(v.line()),
        _ => unreachable!("{field} is a learner's field"),
    }
    Ok(())
}

fn set_mobility(p: &mut Arc<MobilityPart>, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::MobilityId => Arc::make_mut(p).erasmus_id = Some(v.code()),
        F::MobilityProjectCode => Arc::make_mut(p).project_code = Some(v.code()),
        F::MobilityStart => Arc::make_mut(p).start = Some(v.date()?),
        F::MobilityEnd => Arc::make_mut(p).end = Some(v.date()?),
        F::MobilityDurationWeeks => Arc::make_mut(p).duration_weeks = Some(normalise::weeks(v.v)?),
        F::MobilityObjective => v.multi(&mut Arc::make_mut(p).objective),
        F::MobilityTasks => v.multi(&mut Arc::make_mut(p).tasks),
        F::MobilityLanguage => Arc::make_mut(p).language = Some(language(v.m, v.v)?),
        _ => unreachable!("{field} is a mobility's field"),
    }
    Ok(())
}

fn set_organisation(rec: &mut RowRecord, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::SendingKey | F::HostKey | F::IntermediaryKey | F::OrganisationKey => {
            org(rec, field).key = Some(v.code())
        }
        F::SendingName | F::HostName | F::IntermediaryName | F::OrganisationName => {
            v.multi(&mut org(rec, field).name)
        }
        F::SendingCountry | F::HostCountry | F::IntermediaryCountry | F::OrganisationCountry => {
            org(rec, field).country = Some(v.country()?)
        }
        F::SendingAddress | F::HostAddress | F::OrganisationAddress => {
            org(rec, field).address = Some(v.line())
        }
        F::SendingPhone | F::HostPhone | F::OrganisationPhone => {
            org(rec, field).phone = Some(v.line())
        }
        F::SendingEmail | F::HostEmail | F::OrganisationEmail => {
            org(rec, field).email = Some(v.email()?)
        }
        F::SendingWebsite | F::HostWebsite | F::OrganisationWebsite => {
            org(rec, field).website = Some(v.line())
        }
        F::SendingPic | F::HostPic | F::OrganisationPic => org(rec, field).pic = Some(v.code()),
        F::SendingOid | F::HostOid | F::OrganisationOid => org(rec, field).oid = Some(v.code()),
        F::SendingContactName | F::HostContactName | F::OrganisationContactName => {
            org(rec, field).contact.name = Some(v.line())
        }
        F::SendingContactPosition | F::HostContactPosition | F::OrganisationContactPosition => {
            v.multi(&mut org(rec, field).contact.position)
        }
        F::SendingContactEmail | F::HostContactEmail | F::OrganisationContactEmail => {
            org(rec, field).contact.email = Some(v.email()?)
        }
        F::SendingContactPhone | F::HostContactPhone | F::OrganisationContactPhone => {
            org(rec, field).contact.phone = Some(v.line())
        }
        F::OrganisationRole => {
            Arc::make_mut(&mut rec.organisation).role = Some(organisation_role(v.m, v.v)?)
        }
        _ => unreachable!("{field} is an organisation's field"),
    }
    Ok(())
}

fn set_person(rec: &mut RowRecord, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::MentorName | F::AssessorName => person(rec, field).name = Some(v.line()),
        F::MentorPosition | F::AssessorPosition => v.multi(&mut person(rec, field).position),
        F::MentorEmail | F::AssessorEmail => person(rec, field).email = Some(v.email()?),
        F::MentorPhone => Arc::make_mut(&mut rec.mentor).phone = Some(v.line()),
        _ => unreachable!("{field} is a person's field"),
    }
    Ok(())
}

fn set_qualification(
    p: &mut Arc<QualificationPart>,
    field: Field,
    v: &Value,
) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::QualificationCode => Arc::make_mut(p).code = Some(v.code()),
        F::QualificationTitle => v.multi(&mut Arc::make_mut(p).title),
        F::QualificationCountry => Arc::make_mut(p).country = Some(v.country()?),
        F::QualificationEqfLevel => Arc::make_mut(p).eqf_level = Some(normalise::eqf_level(v.v)?),
        F::QualificationNqfLevel => {
            Arc::make_mut(p).nqf_level = Some(normalise::nqf_level(v.v, v.m.nqf_framework())?)
        }
        F::QualificationEcvetPoints => Arc::make_mut(p).ecvet_points = Some(v.points()?),
        _ => unreachable!("{field} is a qualification's field"),
    }
    Ok(())
}

fn set_unit(p: &mut Arc<UnitPart>, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::UnitCode => Arc::make_mut(p).code = Some(v.code()),
        F::UnitTitle => v.multi(&mut Arc::make_mut(p).title),
        F::UnitAreaOfWork => v.multi(&mut Arc::make_mut(p).area_of_work),
        F::UnitDescription => v.multi(&mut Arc::make_mut(p).description),
        F::UnitEqfLevel => Arc::make_mut(p).eqf_level = Some(normalise::eqf_level(v.v)?),
        F::UnitNqfLevel => {
            Arc::make_mut(p).nqf_level = Some(normalise::nqf_level(v.v, v.m.nqf_framework())?)
        }
        F::UnitEcvetPoints => Arc::make_mut(p).ecvet_points = Some(v.points()?),
        F::UnitNationalPoints => Arc::make_mut(p).national_points = Some(v.points()?),
        F::UnitKnowledge | F::UnitSkills | F::UnitCompetence | F::UnitOutcomes => {
            let lines = normalise::outcome_lines(&v.raw(), |l| v.m.vocabulary.is_intro(l));
            let lists = match field {
                F::UnitKnowledge => &mut Arc::make_mut(p).knowledge,
                F::UnitSkills => &mut Arc::make_mut(p).skills,
                F::UnitCompetence => &mut Arc::make_mut(p).competence,
                _ => &mut Arc::make_mut(p).outcomes,
            };
            lists.insert(v.lang.to_string(), lines);
        }
        _ => unreachable!("{field} is a unit's field"),
    }
    Ok(())
}

fn set_planned(rec: &mut RowRecord, field: Field, v: &Value) -> Result<(), Problem> {
    match field {
        Field::PlannedEcvetPoints => rec.planned.ecvet_points = Some(v.points()?),
        Field::PlannedActivities => v.multi(&mut rec.planned.activities),
        _ => unreachable!("{field} is a planned unit's field"),
    }
    Ok(())
}

fn set_result(rec: &mut RowRecord, field: Field, v: &Value) -> Result<(), Problem> {
    use Field as F;
    match field {
        F::ResultPassed => rec.result.passed = Some(yes_no(v.m, v.v)?),
        F::ResultAchieved => rec.result.achieved = Some(achievement(v.m, v.v)?),
        F::ResultDate => rec.result.date = Some(v.date()?),
        F::ResultMethod => v.multi(&mut rec.result.method),
        F::ResultRemarks => v.multi(&mut rec.result.remarks),
        F::ResultDeviations => v.multi(&mut rec.result.deviations),
        F::ResultEcvetPoints => rec.result.ecvet_points = Some(v.points()?),
        F::ResultGrade | F::ResultGradingScheme | F::ResultCriteriaScheme => {
            unreachable!("grades and schemes are resolved after the row is read")
        }
        _ => unreachable!("{field} is a result's field"),
    }
    Ok(())
}

/// A rating's criterion (its value is resolved after the row is read).
fn set_rating(rec: &mut RowRecord, field: Field, v: &Value) {
    match field {
        Field::RatingCriterion => {
            let mut criterion = rec.rating.take().map(|r| r.criterion).unwrap_or_default();
            criterion.set(v.lang, v.text());
            rec.rating = Some(CriterionRating {
                criterion,
                value: Grade {
                    value: String::new(),
                    scheme: String::new(),
                },
            });
        }
        Field::RatingValue | Field::RatingScheme => {
            unreachable!("grades and schemes are resolved after the row is read")
        }
        _ => unreachable!("{field} is a rating's field"),
    }
}

fn org(rec: &mut RowRecord, field: Field) -> &mut OrganisationPart {
    use crate::model::Entity;
    match field.entity() {
        Entity::Sending => Arc::make_mut(&mut rec.sending),
        Entity::Host => Arc::make_mut(&mut rec.host),
        Entity::Intermediary => Arc::make_mut(&mut rec.intermediary),
        _ => Arc::make_mut(&mut rec.organisation),
    }
}

fn person(rec: &mut RowRecord, field: Field) -> &mut ContactPart {
    use crate::model::Entity;
    match field.entity() {
        Entity::Mentor => Arc::make_mut(&mut rec.mentor),
        _ => &mut rec.assessor,
    }
}

/// Identifiers exactly as written: a whole number without ".0", text as is
/// (so "0100" keeps its zero).
fn code_text(v: &CellValue<'_>) -> String {
    match v {
        CellValue::Number(n) => crate::import::format_number(*n),
        other => clean_line(&other.to_text()),
    }
}

/// "Anna Ozola" → ("Anna", "Ozola"); "Ozola, Anna" → ("Anna", "Ozola").
fn split_full_name(full: &str) -> (String, String) {
    if let Some((family, given)) = full.split_once(',') {
        return (given.trim().to_string(), family.trim().to_string());
    }
    match full.rsplit_once(' ') {
        Some((given, family)) => (given.trim().to_string(), family.trim().to_string()),
        None => (String::new(), full.to_string()),
    }
}

fn country(m: &Mapping, v: &CellValue<'_>) -> Result<CountryCode, Problem> {
    let t = clean_line(&v.text());
    m.vocabulary
        .country_code(&t)
        .map(CountryCode)
        .ok_or_else(|| {
            Problem::error(
                Code::InvalidCountry,
                format!("'{t}' is not a country europass recognises"),
                "write the country's name or its two-letter ISO code (LV, FI, DE)",
            )
        })
}

fn email(v: &CellValue<'_>) -> Result<String, Problem> {
    let t = clean_line(&v.text());
    let t = t.strip_prefix("mailto:").unwrap_or(&t).to_string();
    let ok = t
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.ends_with('.'))
        && !t.contains(' ');
    if ok {
        Ok(t)
    } else {
        Err(Problem {
            severity: Severity::Warning,
            code: Code::InvalidEmail,
            message: format!("'{t}' does not look like an e-mail address"),
            hint: Some("write it as name@example.lv".into()),
        })
    }
}

fn yes_no(m: &Mapping, v: &CellValue<'_>) -> Result<bool, Problem> {
    if let CellValue::Bool(b) = v {
        return Ok(*b);
    }
    let t = v.text();
    match m.vocabulary.yes_no.lookup(&t) {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(Problem::error(
            Code::InvalidBoolean,
            format!("'{}' is neither yes nor no", t.trim()),
            "write yes or no (jā / nē, kyllä / ei, ja / nein)",
        )),
    }
}

fn achievement(m: &Mapping, v: &CellValue<'_>) -> Result<Achievement, Problem> {
    let t = v.text();
    match m.vocabulary.achievement.lookup(&t) {
        Some("full") => Ok(Achievement::Full),
        Some("partial") => Ok(Achievement::Partial),
        Some("none") => Ok(Achievement::None),
        _ => Err(choice_problem(
            &t,
            "full, partial or none (pilnībā / daļēji / nav)",
        )),
    }
}

fn gender(m: &Mapping, v: &CellValue<'_>) -> Result<Gender, Problem> {
    let t = v.text();
    match m.vocabulary.gender.lookup(&t) {
        Some("female") => Ok(Gender::Female),
        Some("male") => Ok(Gender::Male),
        Some("other") => Ok(Gender::Other),
        _ => Err(choice_problem(&t, "female, male or other")),
    }
}

fn organisation_role(m: &Mapping, v: &CellValue<'_>) -> Result<OrganisationRole, Problem> {
    let t = v.text();
    match m.vocabulary.organisation_role.lookup(&t) {
        Some("sending") => Ok(OrganisationRole::Sending),
        Some("host") => Ok(OrganisationRole::Host),
        Some("intermediary") => Ok(OrganisationRole::Intermediary),
        Some("issuer") => Ok(OrganisationRole::Issuer),
        _ => Err(choice_problem(
            &t,
            "sending, host or intermediary (nosūtošā / uzņemošā / starpnieks)",
        )),
    }
}

fn language(m: &Mapping, v: &CellValue<'_>) -> Result<String, Problem> {
    let t = v.text();
    m.vocabulary
        .language_tag(&t)
        .ok_or_else(|| choice_problem(&t, "a language name or a two-letter code (lv, en, fi, de)"))
}

fn choice_problem(t: &str, allowed: &str) -> Problem {
    Problem::error(
        Code::InvalidChoice,
        format!("'{}' is not one of the allowed values", t.trim()),
        format!("write {allowed}"),
    )
}
