//! The placeholder names of each document: one table per struct of
//! [`super::data`], each row a name, a description and a getter.
//!
//! The tables are the single source of the names: the template filler
//! resolves `{{learner.family_name}}` through them, `template check` lists and
//! suggests from them, and `docs/placeholders.md` is generated from them.

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;

use super::Kind;
use super::data::{
    LearningAgreementData, MemorandumData, OrganisationData, OutcomeData, PeriodData, PersonData,
    QualificationData, SignatureData, UnitData,
};
use crate::model::{MultilingualText, OutcomeCategory};

/// One value a placeholder prints.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The data has no value.
    Missing,
    /// Plain text.
    Text(String),
    /// A text in several languages; in none of the document's languages, it
    /// prints in its own, marked with its language tag.
    Multi(MultilingualText),
    /// A proper name in several languages (an organisation's): printed like
    /// [`Value::Multi`], but never marked, as a name is the same in any
    /// document.
    Name(MultilingualText),
    /// A date, printed in the document language's format.
    Date(NaiveDate),
    /// A number, printed with the document language's decimal separator.
    Number(f64),
    /// A yes/no value, printed as a tick box (☒ / ☐).
    Flag(bool),
    /// A fixed text from the label files (by key), printed in the document languages.
    Label(&'static str),
    /// A language, printed by its name in the document language.
    Language(String),
    /// A country, printed by its name in the document language.
    Country(String),
}

impl Value {
    fn text(s: &str) -> Value {
        if s.trim().is_empty() {
            Value::Missing
        } else {
            Value::Text(s.to_string())
        }
    }

    fn opt(s: &Option<String>) -> Value {
        s.as_deref().map_or(Value::Missing, Value::text)
    }

    fn multi(t: &MultilingualText) -> Value {
        if t.texts().all(|s| s.trim().is_empty()) {
            Value::Missing
        } else {
            Value::Multi(t.clone())
        }
    }

    fn name(t: &MultilingualText) -> Value {
        match Value::multi(t) {
            Value::Multi(t) => Value::Name(t),
            other => other,
        }
    }

    fn date(d: Option<NaiveDate>) -> Value {
        d.map_or(Value::Missing, Value::Date)
    }

    fn number(n: Option<f64>) -> Value {
        n.map_or(Value::Missing, Value::Number)
    }

    /// Whether `{{#if …}}` counts the value as present.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Missing => false,
            Value::Flag(b) => *b,
            _ => true,
        }
    }
}

/// What kind of value a placeholder holds (for the documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Text.
    Text,
    /// Text in several languages; `.lv`, `.en`, … pick one.
    Multilingual,
    /// A date.
    Date,
    /// A number.
    Number,
    /// Yes/no: a tick box, or a condition.
    Flag,
}

impl ValueKind {
    fn describe(self) -> &'static str {
        match self {
            ValueKind::Text => "text",
            ValueKind::Multilingual => "text, multilingual",
            ValueKind::Date => "date",
            ValueKind::Number => "number",
            ValueKind::Flag => "yes/no (☒/☐)",
        }
    }
}

/// The values of one document (or one item of a list), in the order of its
/// table's fields and lists.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// One value per field of the table.
    pub fields: Vec<Value>,
    /// One list of items per list of the table.
    pub lists: Vec<Vec<Record>>,
}

/// The names available at one level of a document: the document itself or
/// an item of a list (`unit` inside `{{#units}}`).
#[derive(Debug)]
pub struct Scope {
    /// The name of an item at this level (`unit`), none for the document.
    pub item: Option<&'static str>,
    /// The fields: (name, kind, description).
    pub fields: Vec<(String, ValueKind, String)>,
    /// The lists: (name, description, the scope of their items).
    pub lists: Vec<(String, String, Arc<Scope>)>,
}

impl Scope {
    /// The index of field `name`.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|(n, _, _)| n == name)
    }

    /// The index of list `name`.
    pub fn list(&self, name: &str) -> Option<usize> {
        self.lists.iter().position(|(n, _, _)| n == name)
    }
}

type Getter<T> = Arc<dyn Fn(&T) -> Value + Send + Sync>;
type Lister<T> = Arc<dyn Fn(&T) -> Vec<Record> + Send + Sync>;

/// The placeholder table of a struct `T`.
pub struct Table<T> {
    item: Option<&'static str>,
    fields: Vec<(String, ValueKind, String, Getter<T>)>,
    lists: Vec<(String, String, Arc<Scope>, Lister<T>)>,
}

impl<T: 'static> Table<T> {
    fn new(item: Option<&'static str>) -> Self {
        let table = Table {
            item,
            fields: Vec::new(),
            lists: Vec::new(),
        };
        match item {
            // Every item knows its position; the list fills it in.
            Some(_) => table.field("number", N, "position in the list: 1, 2, …", |_| {
                Value::Missing
            }),
            None => table,
        }
    }

    /// An item table holding every field of `inner` under the item's name.
    fn item_from(item: &'static str, inner: Table<T>) -> Self {
        let mut table = Table::new(Some(item));
        table.fields.extend(
            inner
                .fields
                .into_iter()
                .map(|(n, k, d, g)| (format!("{item}.{n}"), k, d, g)),
        );
        table.lists.extend(
            inner
                .lists
                .into_iter()
                .map(|(n, d, s, l)| (format!("{item}.{n}"), d, s, l)),
        );
        table
    }

    fn full_name(&self, name: &str) -> String {
        match self.item {
            Some(item) => format!("{item}.{name}"),
            None => name.to_string(),
        }
    }

    fn field(
        mut self,
        name: &str,
        kind: ValueKind,
        description: &str,
        get: impl Fn(&T) -> Value + Send + Sync + 'static,
    ) -> Self {
        let name = self.full_name(name);
        self.fields
            .push((name, kind, description.to_string(), Arc::new(get)));
        self
    }

    /// Adds every field of `inner` under `prefix`, through `project`.
    fn nest<U: 'static>(
        mut self,
        prefix: &str,
        whose: &str,
        inner: &Table<U>,
        project: fn(&T) -> Option<&U>,
    ) -> Self {
        for (name, kind, description, get) in &inner.fields {
            let get = get.clone();
            let full = self.full_name(&format!("{prefix}.{name}"));
            self.fields.push((
                full,
                *kind,
                format!("{whose}: {description}"),
                Arc::new(move |t: &T| project(t).map_or(Value::Missing, |u| get(u))),
            ));
        }
        self
    }

    fn list_owned<U: 'static>(
        mut self,
        name: &str,
        description: &str,
        inner: &Arc<Table<U>>,
        items: fn(&T) -> Vec<U>,
    ) -> Self {
        let inner_for_records = inner.clone();
        let name = name.to_string();
        self.lists.push((
            name,
            description.to_string(),
            Arc::new(inner.scope()),
            Arc::new(move |t: &T| numbered(items(t).iter().map(|u| inner_for_records.record(u)))),
        ));
        self
    }

    fn list<U: 'static>(
        mut self,
        name: &str,
        description: &str,
        inner: &Arc<Table<U>>,
        items: fn(&T) -> Vec<&U>,
    ) -> Self {
        let inner_for_records = inner.clone();
        let name = name.to_string();
        self.lists.push((
            name,
            description.to_string(),
            Arc::new(inner.scope()),
            Arc::new(move |t: &T| {
                numbered(items(t).into_iter().map(|u| inner_for_records.record(u)))
            }),
        ));
        self
    }

    /// The values of `value`.
    pub fn record(&self, value: &T) -> Record {
        Record {
            fields: self
                .fields
                .iter()
                .map(|(_, _, _, get)| get(value))
                .collect(),
            lists: self
                .lists
                .iter()
                .map(|(_, _, _, items)| items(value))
                .collect(),
        }
    }

    /// The names of this table.
    pub fn scope(&self) -> Scope {
        Scope {
            item: self.item,
            fields: self
                .fields
                .iter()
                .map(|(n, k, d, _)| (n.clone(), *k, d.clone()))
                .collect(),
            lists: self
                .lists
                .iter()
                .map(|(n, d, s, _)| (n.clone(), d.clone(), s.clone()))
                .collect(),
        }
    }
}

/// Items of a list, with their positions filled in.
fn numbered(records: impl Iterator<Item = Record>) -> Vec<Record> {
    records
        .enumerate()
        .map(|(i, mut r)| {
            r.fields[0] = Value::Number((i + 1) as f64);
            r
        })
        .collect()
}

use ValueKind::{Date as D, Flag as F, Multilingual as M, Number as N, Text as T};

fn person_table() -> Table<PersonData> {
    Table::<PersonData>::new(None)
        .field("name", T, "full name", |p| Value::text(&p.name))
        .field("position", M, "role or position", |p| {
            Value::multi(&p.position)
        })
        .field("email", T, "e-mail", |p| Value::opt(&p.email))
        .field("phone", T, "telephone", |p| Value::opt(&p.phone))
        .field("organisation", M, "organisation's name", |p| {
            Value::name(&p.organisation)
        })
}

fn organisation_table() -> Table<OrganisationData> {
    let person = person_table();
    Table::<OrganisationData>::new(None)
        .field("name", M, "name", |o| Value::name(&o.name))
        .field("country", M, "country, by its name", |o| {
            o.country.clone().map_or(Value::Missing, Value::Country)
        })
        .field("country_code", T, "ISO country code (LV)", |o| {
            Value::opt(&o.country)
        })
        .field("address", T, "postal address", |o| Value::opt(&o.address))
        .field("phone", T, "telephone", |o| Value::opt(&o.phone))
        .field("email", T, "e-mail", |o| Value::opt(&o.email))
        .field("website", T, "web site", |o| Value::opt(&o.website))
        .field("pic", T, "Erasmus+ PIC", |o| Value::opt(&o.pic))
        .field("oid", T, "Erasmus+ OID", |o| Value::opt(&o.oid))
        .field("registration", T, "Erasmus+ PIC, else OID", |o| {
            Value::opt(&o.pic.clone().or_else(|| o.oid.clone()))
        })
        .nest("contact", "contact person", &person, |o| o.contact.as_ref())
}

/// One sub-point of a learning outcome.
fn detail_table() -> Arc<Table<MultilingualText>> {
    Arc::new(Table::<MultilingualText>::new(Some("detail")).field(
        "text",
        M,
        "the sub-point (a criterion or item listed under the outcome)",
        Value::multi,
    ))
}

fn outcome_table() -> Arc<Table<OutcomeData>> {
    let detail = detail_table();
    Arc::new(
        Table::<OutcomeData>::new(Some("outcome"))
            .field("text", M, "the learning outcome statement", |o| {
                Value::multi(&o.text)
            })
            .field(
                "category",
                M,
                "knowledge, skills, competence or (when the source gives none) learning outcomes, in the document language",
                |o| Value::Label(category_key(o.category)),
            )
            .list(
                "details",
                "the outcome's sub-points, in order (the transcript lists them under it too)",
                &detail,
                |o| o.details.iter().collect(),
            ),
    )
}

/// The label key of an outcome category.
pub fn category_key(c: OutcomeCategory) -> &'static str {
    match c {
        OutcomeCategory::Knowledge => "category.knowledge",
        OutcomeCategory::Skill => "category.skill",
        OutcomeCategory::Competence => "category.competence",
        OutcomeCategory::Unspecified => "category.unspecified",
    }
}

fn by_category(u: &UnitData, c: OutcomeCategory) -> Vec<&OutcomeData> {
    u.outcomes.iter().filter(|o| o.category == c).collect()
}

fn unit_table() -> Arc<Table<UnitData>> {
    let outcome = outcome_table();
    let person = person_table();
    Arc::new(
        Table::<UnitData>::new(Some("unit"))
            .field("code", T, "the school's unit code", |u| Value::opt(&u.code))
            .field("title", M, "title", |u| Value::multi(&u.title))
            .field("area_of_work", M, "area of work tasks", |u| {
                Value::multi(&u.area_of_work)
            })
            .field("description", M, "description", |u| {
                Value::multi(&u.description)
            })
            .field("eqf_level", N, "EQF level", |u| {
                Value::number(u.eqf_level.map(f64::from))
            })
            .field("nqf_level", T, "national framework level", |u| {
                Value::opt(&u.nqf_level)
            })
            .field("ecvet_points", N, "ECVET points to be acquired", |u| {
                Value::number(u.ecvet_points)
            })
            .field(
                "partial",
                F,
                "only some of the unit's learning outcomes are targeted",
                |u| Value::Flag(u.partial),
            )
            .field(
                "activities",
                M,
                "learning activities planned abroad for this unit (the mobility's general tasks are `mobility.tasks`)",
                |u| Value::multi(&u.activities),
            )
            .field(
                "assessment_method",
                M,
                "assessment method recorded in the results",
                |u| Value::multi(&u.assessment_method),
            )
            .field(
                "assessment_date",
                D,
                "assessment date recorded in the results",
                |u| Value::date(u.assessment_date),
            )
            .nest("assessor", "assessor of the unit", &person, |u| {
                u.assessor.as_ref()
            })
            .list(
                "outcomes",
                "every targeted learning outcome",
                &outcome,
                |u| u.outcomes.iter().collect(),
            )
            .list("knowledge", "the knowledge outcomes", &outcome, |u| {
                by_category(u, OutcomeCategory::Knowledge)
            })
            .list("skills", "the skill outcomes", &outcome, |u| {
                by_category(u, OutcomeCategory::Skill)
            })
            .list("competences", "the competence outcomes", &outcome, |u| {
                by_category(u, OutcomeCategory::Competence)
            })
            .list(
                "unspecified_outcomes",
                "the outcomes whose source gives no category (knowledge, skills or competence)",
                &outcome,
                |u| by_category(u, OutcomeCategory::Unspecified),
            ),
    )
}

/// One language version of a multilingual title.
pub struct TitleData {
    language: String,
    text: String,
}

fn title_table() -> Arc<Table<TitleData>> {
    Arc::new(
        Table::<TitleData>::new(Some("title"))
            .field(
                "language",
                M,
                "the language's name, in the document language(s)",
                |t| Value::Language(t.language.clone()),
            )
            .field("language_code", T, "the language tag (lv, en)", |t| {
                Value::text(&t.language)
            })
            .field("text", T, "the title in that language", |t| {
                Value::text(&t.text)
            }),
    )
}

fn period_table() -> Arc<Table<PeriodData>> {
    Arc::new(
        Table::<PeriodData>::new(Some("period"))
            .field("start", D, "first day of the period", |p| {
                Value::date(p.start)
            })
            .field("end", D, "last day of the period", |p| Value::date(p.end))
            .field("learners", N, "number of learners going then", |p| {
                Value::Number(p.learners as f64)
            }),
    )
}

fn signature_table() -> Arc<Table<SignatureData>> {
    Arc::new(
        Table::<SignatureData>::new(Some("signatory"))
            .field(
                "role",
                M,
                "in which capacity (sending organisation, learner, …)",
                |s| Value::Label(s.role.label_key()),
            )
            .field("name", T, "name of the person signing", |s| {
                Value::text(&s.name)
            })
            .field("position", M, "role or position", |s| {
                Value::multi(&s.position)
            })
            .field("organisation", M, "organisation signed for", |s| {
                Value::name(&s.organisation)
            })
            .field("country", M, "country of that organisation", |s| {
                s.country.clone().map_or(Value::Missing, Value::Country)
            })
            .field("place", T, "place of signing", |s| Value::opt(&s.place))
            .field("date", D, "date of signing", |s| Value::date(s.date)),
    )
}

/// The title of a qualification in each of its languages, document languages first.
fn qualification_titles(q: &QualificationData) -> Vec<TitleData> {
    q.title_languages
        .iter()
        .filter_map(|l| {
            q.title.get(l).map(|t| TitleData {
                language: l.clone(),
                text: t.to_string(),
            })
        })
        .collect()
}

fn qualification_table() -> Table<QualificationData> {
    Table::<QualificationData>::new(None)
        .field("title", M, "title", |q| Value::multi(&q.title))
        .field("code", T, "national code", |q| Value::opt(&q.code))
        .field("country", M, "awarding country, by its name", |q| {
            q.country.clone().map_or(Value::Missing, Value::Country)
        })
        .field("eqf_level", N, "EQF level", |q| {
            Value::number(q.eqf_level.map(f64::from))
        })
        .field("nqf_level", T, "national framework level", |q| {
            Value::opt(&q.nqf_level)
        })
        .field(
            "ecvet_points",
            N,
            "ECVET points of the whole qualification",
            |q| Value::number(q.ecvet_points),
        )
}

fn learning_agreement_table() -> Table<LearningAgreementData> {
    let t = la_mobility_fields(Table::<LearningAgreementData>::new(None));
    let t = la_learner_fields(t);
    let t = la_party_fields(t);
    let t = la_qualification_and_unit_fields(t);
    la_assessment_fields(t)
}

/// The mobility's own values.
fn la_mobility_fields(t: Table<LearningAgreementData>) -> Table<LearningAgreementData> {
    t.field(
        "mobility.id",
        T,
        "Erasmus+ mobility id (blank when the data has none: the round's own ids are not printed)",
        |d| Value::opt(&d.erasmus_id),
    )
    .field("mobility.project_code", T, "Erasmus+ project code", |d| {
        Value::opt(&d.project_code)
    })
    .field("mobility.start", D, "first day of the mobility", |d| {
        Value::date(d.start)
    })
    .field("mobility.end", D, "last day of the mobility", |d| {
        Value::date(d.end)
    })
    .field("mobility.weeks", N, "duration in weeks", |d| {
        Value::number(d.weeks)
    })
    .field("mobility.objective", M, "objective of the mobility", |d| {
        Value::multi(&d.objective)
    })
    .field("mobility.tasks", M, "tasks and activities abroad", |d| {
        Value::multi(&d.tasks)
    })
    .field(
        "mobility.language",
        M,
        "working language, by its name",
        |d| {
            d.working_language
                .clone()
                .map_or(Value::Missing, Value::Language)
        },
    )
}

/// The learner's values.
fn la_learner_fields(t: Table<LearningAgreementData>) -> Table<LearningAgreementData> {
    t.field("learner.given_names", T, "the learner's given names", |d| {
        Value::text(&d.learner.given_names)
    })
    .field("learner.family_name", T, "the learner's family name", |d| {
        Value::text(&d.learner.family_name)
    })
    .field("learner.full_name", T, "given names and family name", |d| {
        Value::text(&d.learner.full_name())
    })
    .field("learner.date_of_birth", D, "date of birth", |d| {
        Value::date(d.learner.date_of_birth)
    })
    .field(
        "learner.nationality",
        M,
        "nationality, by the country's name",
        |d| {
            d.learner
                .nationality
                .clone()
                .map_or(Value::Missing, Value::Country)
        },
    )
    .field("learner.email", T, "e-mail", |d| {
        Value::opt(&d.learner.email)
    })
    .field("learner.phone", T, "telephone", |d| {
        Value::opt(&d.learner.phone)
    })
    .field("learner.address", T, "postal address", |d| {
        Value::opt(&d.learner.address)
    })
    .field("learner.id", T, "the school's learner number", |d| {
        Value::opt(&d.learner.school_id)
    })
    .field(
        "learner.is_minor",
        F,
        "under 18 on the first day of the mobility",
        |d| Value::Flag(d.learner.is_minor),
    )
}

/// The guardian, the organisations and the mentor.
fn la_party_fields(t: Table<LearningAgreementData>) -> Table<LearningAgreementData> {
    let person = person_table();
    let organisation = organisation_table();
    t.nest("guardian", "parent or guardian", &person, |d| {
        d.learner.guardian.as_ref()
    })
    .nest("sending", "sending organisation", &organisation, |d| {
        d.sending.as_ref()
    })
    .nest("host", "host organisation", &organisation, |d| {
        d.host.as_ref()
    })
    .nest("host.mentor", "mentor at the host", &person, |d| {
        d.mentor.as_ref()
    })
    .nest(
        "intermediary",
        "intermediary organisation",
        &organisation,
        |d| d.intermediary.as_ref(),
    )
}

/// The qualification, the agreement's own texts and the targeted units.
fn la_qualification_and_unit_fields(
    t: Table<LearningAgreementData>,
) -> Table<LearningAgreementData> {
    let title = title_table();
    let unit = unit_table();
    t.nest("qualification", "qualification", &qualification_table(), |d| {
        d.qualification.as_ref()
    })
    .list_owned(
            "qualification.titles",
            "the qualification's title in each language the round gives (national and partnership language)",
            &title,
            |d| d.qualification.as_ref().map(qualification_titles).unwrap_or_default(),
        )
        .field(
            "agreement.learner_progress",
            M,
            "the learner's progress so far",
            |d| Value::multi(&d.learner_progress),
        )
        .field(
            "agreement.enclosures",
            M,
            "enclosures, one per line",
            |d| join_lines(&d.enclosures),
        )
        .list("units", "the units targeted abroad", &unit, |d| {
            d.units.iter().collect()
        })
        .field(
            "units.ecvet_points",
            N,
            "ECVET points of all targeted units together",
            |d| {
                let points: Vec<f64> = d.units.iter().filter_map(|u| u.ecvet_points).collect();
                if points.is_empty() {
                    Value::Missing
                } else {
                    Value::Number(points.iter().sum())
                }
            },
        )
}

/// Assessment, validation and signatures.
fn la_assessment_fields(t: Table<LearningAgreementData>) -> Table<LearningAgreementData> {
    let person = person_table();
    let signature = signature_table();
    t.nest("assessment.assessor", "assessor", &person, |d| {
        d.assessor.as_ref()
    })
    .field("assessment.method", M, "method of assessment", |d| {
        Value::multi(&d.assessment_method)
    })
    .field(
        "assessment.when_and_where",
        M,
        "date and place of assessment",
        |d| Value::multi(&d.assessment_when_and_where),
    )
    .field(
        "assessment.recording",
        M,
        "how the results are recorded",
        |d| Value::multi(&d.assessment_recording),
    )
    .nest(
        "validation.responsible",
        "person responsible for validation and recognition",
        &person,
        |d| d.validation_responsible.as_ref(),
    )
    .field(
        "validation.procedure",
        M,
        "how validation and recognition are done",
        |d| Value::multi(&d.validation_and_recognition),
    )
    .list("signatories", "the signature blocks", &signature, |d| {
        d.signatories.iter().collect()
    })
}

fn join_lines(texts: &[MultilingualText]) -> Value {
    if texts.is_empty() {
        return Value::Missing;
    }
    let mut joined = MultilingualText::new();
    let languages: std::collections::BTreeSet<&str> =
        texts.iter().flat_map(|t| t.languages()).collect();
    for lang in languages {
        let lines: Vec<&str> = texts.iter().filter_map(|t| t.best(&[lang])).collect();
        joined.set(lang, lines.join("\n"));
    }
    Value::Multi(joined)
}

fn memorandum_table() -> Table<MemorandumData> {
    let t = mou_objective_fields(Table::<MemorandumData>::new(None));
    let t = mou_party_fields(t);
    mou_procedure_fields(t)
}

/// The memorandum's code, projects and objectives.
fn mou_objective_fields(t: Table<MemorandumData>) -> Table<MemorandumData> {
    t.field(
        "memorandum.code",
        T,
        "file code (from a memorandum record)",
        |d| Value::opt(&d.code),
    )
    .field(
        "memorandum.project_code",
        T,
        "Erasmus+ project code(s) of the mobilities covered",
        |d| Value::text(&d.project_codes.join(", ")),
    )
    .field(
        "memorandum.other_objectives",
        M,
        "objectives agreed beyond the fixed text",
        |d| Value::multi(&d.other_objectives),
    )
    .field(
        "memorandum.has_other_objectives",
        F,
        "other objectives were agreed",
        |d| Value::Flag(!d.other_objectives.is_empty()),
    )
    .field(
        "memorandum.no_other_objectives",
        F,
        "no other objectives were agreed: never ticked, as no data says so (ticked by hand)",
        |_| Value::Flag(false),
    )
}

/// The organisations and the qualifications (with their units) covered.
fn mou_party_fields(t: Table<MemorandumData>) -> Table<MemorandumData> {
    let organisation = Arc::new(Table::item_from("organisation", organisation_table()));
    let title = title_table();
    let unit = unit_table();
    let qualification = Arc::new(
        Table::item_from("qualification", qualification_table())
            .list_owned(
                "qualification.titles",
                "the title in each language the round gives",
                &title,
                qualification_titles,
            )
            .list(
                "units",
                "the units of this qualification covered",
                &unit,
                |q| q.units.iter().collect(),
            ),
    );
    let organisation_table = organisation_table();
    t.nest(
        "sending",
        "sending organisation",
        &organisation_table,
        |d| d.sending.as_ref(),
    )
    .nest("host", "host organisation", &organisation_table, |d| {
        d.host.as_ref()
    })
    .list(
        "organisations",
        "the signing organisations, sending first",
        &organisation,
        |d| d.organisations.iter().collect(),
    )
    .list(
        "other_organisations",
        "other organisations covered",
        &organisation,
        |d| d.other_organisations.iter().collect(),
    )
    .list(
        "qualifications",
        "the qualifications covered, each with its units",
        &qualification,
        |d| d.qualifications.iter().collect(),
    )
}

/// Procedures, validity, the mobilities' period, evaluation and signatures.
fn mou_procedure_fields(t: Table<MemorandumData>) -> Table<MemorandumData> {
    let signature = signature_table();
    t.field(
        "memorandum.assessment_and_recognition",
        M,
        "agreed procedures for assessment, documentation, validation and recognition",
        |d| Value::multi(&d.assessment_and_recognition),
    )
    .field(
        "memorandum.valid_until",
        D,
        "valid until (the memorandum record's or the school profile's date; empty otherwise)",
        |d| Value::date(d.valid_until),
    )
    .field(
        "memorandum.first_start",
        D,
        "first day of the first mobility covered",
        |d| Value::date(d.first_start),
    )
    .field(
        "memorandum.last_end",
        D,
        "last day of the last mobility covered",
        |d| Value::date(d.last_end),
    )
    .field(
        "memorandum.min_weeks",
        N,
        "shortest mobility, in weeks",
        |d| Value::number(d.min_weeks),
    )
    .field(
        "memorandum.max_weeks",
        N,
        "longest mobility, in weeks",
        |d| Value::number(d.max_weeks),
    )
    .field(
        "memorandum.weeks_range",
        F,
        "the mobilities last from min_weeks to max_weeks, two different numbers",
        |d| Value::Flag(matches!((d.min_weeks, d.max_weeks), (Some(a), Some(b)) if a != b)),
    )
    .field(
        "memorandum.weeks",
        N,
        "every mobility lasts this many weeks (empty when they differ)",
        |d| match (d.min_weeks, d.max_weeks) {
            (Some(a), Some(b)) if a != b => Value::Missing,
            (a, b) => Value::number(a.or(b)),
        },
    )
    .field(
        "memorandum.mobility_count",
        N,
        "number of mobilities covered",
        |d| Value::Number(d.mobility_count as f64),
    )
    .list(
        "periods",
        "the planned periods of mobility, in date order",
        &period_table(),
        |d| d.periods.iter().collect(),
    )
    .field(
        "memorandum.evaluation",
        M,
        "who evaluates and reviews the partnership",
        |d| Value::multi(&d.evaluation),
    )
    .list("signatories", "the signature blocks", &signature, |d| {
        d.signatories.iter().collect()
    })
}

static LEARNING_AGREEMENT: LazyLock<Table<LearningAgreementData>> =
    LazyLock::new(learning_agreement_table);
static MEMORANDUM: LazyLock<Table<MemorandumData>> = LazyLock::new(memorandum_table);
static SCOPES: LazyLock<[Scope; 2]> =
    LazyLock::new(|| [LEARNING_AGREEMENT.scope(), MEMORANDUM.scope()]);

/// The names of a kind of document (its top level).
pub fn scope(kind: Kind) -> &'static Scope {
    match kind {
        Kind::LearningAgreement => &SCOPES[0],
        Kind::Memorandum => &SCOPES[1],
    }
}

/// The values of a Learning Agreement.
pub fn learning_agreement_record(data: &LearningAgreementData) -> Record {
    LEARNING_AGREEMENT.record(data)
}

/// The values of a Memorandum of Understanding.
pub fn memorandum_record(data: &MemorandumData) -> Record {
    MEMORANDUM.record(data)
}

/// Every placeholder name usable somewhere in a kind of document, with the
/// loops it must be inside (for suggestions).
pub fn all_names(kind: Kind) -> Vec<(String, Vec<String>)> {
    fn walk(scope: &Scope, loops: &[String], out: &mut Vec<(String, Vec<String>)>) {
        for (name, _, _) in &scope.fields {
            out.push((name.clone(), loops.to_vec()));
        }
        for (name, _, inner) in &scope.lists {
            out.push((name.clone(), loops.to_vec()));
            let mut deeper = loops.to_vec();
            deeper.push(name.clone());
            walk(inner, &deeper, out);
        }
    }
    let mut out = Vec::new();
    walk(scope(kind), &[], &mut out);
    out
}

/// `docs/placeholders.md`, generated from the tables.
pub fn placeholders_markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Placeholders of the agreement templates\n\n\
<!-- Generated from src/export/word/fields.rs by `europass template placeholders`; a test checks it is up to date. -->\n\n\
A school's own Word template (`europass convert --to docx --template FILE`) names values with \
`{{name}}`. Loops repeat a part of the document per item: `{{#units}} … {{/units}}`; inside a loop \
the item's names (`{{unit.title}}`) and every outer name can be used. `{{#if name}} … {{else}} … {{/if}}` \
keeps a part when the value is present (a list: not empty; a yes/no value: yes), `{{#unless name}} … {{/unless}}` \
when it is not. See the README section *Agreements (DOCX)* for where loops may start and end.\n\n\
Multilingual values print in the document languages (`--lang lv,en` prints `lv / en` where both exist); \
a value in none of them prints in its own language, marked: `… (lv)` (organisation names are never marked); \
add a language tag to pick one: `{{qualification.title.lv}}`. Dates and numbers print in the format \
of the first document language; yes/no values print as ☒ or ☐.\n",
    );
    for kind in [Kind::LearningAgreement, Kind::Memorandum] {
        let _ = write!(out, "\n## {}\n", kind.title());
        write_scope(&mut out, scope(kind), None, 3);
    }
    out
}

fn write_scope(out: &mut String, scope: &Scope, list: Option<&str>, depth: usize) {
    let hashes = "#".repeat(depth.min(6));
    match list {
        None => {
            let _ = writeln!(out);
        }
        Some(list) => {
            let _ = writeln!(
                out,
                "\n{hashes} Inside `{{{{#{list}}}}} … {{{{/{list}}}}}`\n"
            );
        }
    }
    out.push_str("| Placeholder | Value | Description |\n|---|---|---|\n");
    for (name, kind, description) in &scope.fields {
        let _ = writeln!(
            out,
            "| `{{{{{name}}}}}` | {} | {description} |",
            kind.describe()
        );
    }
    for (name, description, _) in &scope.lists {
        let _ = writeln!(
            out,
            "| `{{{{#{name}}}}} … {{{{/{name}}}}}` | list | {description} |"
        );
    }
    for (name, _, inner) in &scope.lists {
        write_scope(out, inner, Some(name), depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_unique_within_its_scope() {
        fn check(scope: &Scope) {
            let mut seen = std::collections::HashSet::new();
            for (n, _, _) in &scope.fields {
                assert!(seen.insert(n.clone()), "duplicate field {n}");
            }
            for (n, _, inner) in &scope.lists {
                assert!(seen.insert(n.clone()), "duplicate list {n}");
                check(inner);
            }
        }
        check(scope(Kind::LearningAgreement));
        check(scope(Kind::Memorandum));
    }

    #[test]
    fn the_memorandum_gives_a_range_of_weeks_only_when_the_mobilities_differ() {
        let weeks = |min: Option<f64>, max: Option<f64>| {
            let data = MemorandumData {
                min_weeks: min,
                max_weeks: max,
                ..MemorandumData::default()
            };
            let record = MEMORANDUM.record(&data);
            let at = |n: &str| MEMORANDUM.scope().field(n).unwrap();
            (
                record.fields[at("memorandum.weeks_range")].clone(),
                record.fields[at("memorandum.weeks")].clone(),
            )
        };
        assert_eq!(
            weeks(Some(4.0), Some(6.0)),
            (Value::Flag(true), Value::Missing)
        );
        assert_eq!(
            weeks(Some(4.0), Some(4.0)),
            (Value::Flag(false), Value::Number(4.0))
        );
        assert_eq!(weeks(None, None), (Value::Flag(false), Value::Missing));
    }

    #[test]
    fn placeholder_docs_are_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/placeholders.md");
        let expected = placeholders_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/placeholders.md is out of date: run `UPDATE_DOCS=1 cargo test --lib placeholder_docs`"
        );
    }
}
