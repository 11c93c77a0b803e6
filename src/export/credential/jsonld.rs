//! Europass Mobility as a European Digital Credential in JSON-LD (ELM 3.2,
//! W3C VC data model 2.0): one per mobility, written to
//! `DIR/<learner>/europass-mobility.jsonld`, valid against the EBSI EDC JSON
//! Schema.
//!
//! Members are written in a fixed order (`id`, `type`, then the rest as the
//! official samples order them), identifiers are UUID v5, so the same round
//! gives the same bytes. The credential is unsigned: it has no `proof`.
//! The display image every EDC must carry is an SVG summary page per language.

use super::plan::AchievementNode;
use super::xml::{assessment_titles, decimal, describe_scale};
use super::{Credential, Format, Kind, UnitEntry};
use crate::model::{
    Achievement, AssessmentResult, ContactPerson, CreditPoints, Gender, GradingScheme,
    MultilingualText, Organisation, Qualification, RegistrationScheme, Unit,
};
use crate::outputs::OutputKind;
use crate::vocab::{self, NoteTopic};

mod display;
mod json;

use json::J;

/// The JSON-LD format, as planning sees it.
pub const FORMAT: Format = Format {
    name: "jsonld",
    document: "credential",
    output: OutputKind::CredentialJsonld,
    needs_country: true,
    languages: super::plan::iso_639_1,
};

fn date_time(date: chrono::NaiveDate) -> J {
    J::s(date.format("%Y-%m-%dT00:00:00Z").to_string())
}

/// A language map of the credential's languages (`{"lv": "…", "en": "…"}`).
fn lang_map(c: &Credential<'_>, t: &MultilingualText) -> J {
    J::O(
        c.texts(t)
            .map(|(l, text)| (std::borrow::Cow::Owned(l.to_string()), J::s(text)))
            .collect(),
    )
}

fn lang_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> J {
    J::O(
        pairs
            .into_iter()
            .map(|(l, t)| (std::borrow::Cow::Owned(l.to_string()), J::s(t)))
            .collect(),
    )
}

fn one(lang: &str, text: &str) -> J {
    J::O(vec![(
        std::borrow::Cow::Owned(lang.to_string()),
        J::s(text),
    )])
}

fn concept(id: &str, scheme: &str, label: &str, notation: Option<&str>) -> J {
    let mut o = J::obj([
        ("id", J::s(id)),
        ("type", J::st("Concept")),
        (
            "inScheme",
            J::obj([("id", J::s(scheme)), ("type", J::st("ConceptScheme"))]),
        ),
        ("prefLabel", one("en", label)),
    ]);
    if let Some(n) = notation {
        o.push("notation", J::s(n));
    }
    o
}

fn country(alpha2: &str) -> Option<J> {
    let c = vocab::country(alpha2)?;
    Some(concept(
        &c.uri(),
        vocab::COUNTRY_SCHEME,
        &c.name,
        Some("country"),
    ))
}

fn language(tag: &str) -> Option<J> {
    Some(concept(
        &vocab::language_uri(tag)?,
        vocab::LANGUAGE_SCHEME,
        vocab::language_name(tag)?,
        Some("language"),
    ))
}

fn identifier(scheme: &str, scheme_name: &str, value: &str) -> J {
    J::obj([
        ("type", J::st("Identifier")),
        ("notation", J::s(value)),
        ("schemeName", J::s(scheme_name)),
        ("schemeId", J::s(scheme)),
    ])
}

/// A note; an empty object when none of its texts can be written (which
/// [`J::push`] and [`notes`] leave out).
fn note<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, topic: Option<NoteTopic>) -> J {
    let literal = lang_pairs(pairs);
    if literal.is_empty() {
        return J::O(Vec::new());
    }
    let mut o = J::obj([("type", J::st("Note")), ("noteLiteral", literal)]);
    if let Some(t) = topic {
        o.push(
            "subject",
            J::obj([
                ("type", J::st("Concept")),
                ("prefLabel", one("en", t.label())),
            ]),
        );
    }
    o
}

/// A list of notes without the empty ones.
fn notes(list: impl IntoIterator<Item = J>) -> J {
    J::A(list.into_iter().filter(|n| !n.is_empty()).collect())
}

fn plausible_email(e: &str) -> bool {
    let e = e.trim();
    e.contains('@')
        && !e.contains(char::is_whitespace)
        && !e.starts_with('@')
        && !e.ends_with('@')
        && !e.contains("@.")
        && !e.ends_with('.')
}

fn contact_point(
    c: &Credential<'_>,
    email: Option<&str>,
    phone: Option<&str>,
    address: Option<(&str, &str)>,
) -> Option<J> {
    let mut o = J::obj([("type", J::st("ContactPoint"))]);
    if let Some((text, alpha2)) = address
        && let Some(country) = country(alpha2)
    {
        o.push(
            "address",
            J::A(vec![J::obj([
                ("type", J::st("Address")),
                ("countryCode", country),
                ("fullAddress", note([(c.primary.as_str(), text)], None)),
            ])]),
        );
    }
    if let Some(p) = phone {
        o.push(
            "phone",
            J::A(vec![J::obj([
                ("type", J::st("Phone")),
                ("phoneNumber", J::s(p)),
            ])]),
        );
    }
    if let Some(e) = email.filter(|e| plausible_email(e)) {
        o.push(
            "emailAddress",
            J::A(vec![J::obj([
                ("id", J::s(format!("mailto:{}", e.trim()))),
                ("type", J::st("Mailbox")),
            ])]),
        );
    }
    (o.len() > 1).then_some(o)
}

fn registration_scheme(s: &RegistrationScheme) -> (&'static str, &'static str) {
    match s {
        RegistrationScheme::Pic => (vocab::SCHEME_PIC, "Erasmus+ PIC"),
        RegistrationScheme::Oid => (vocab::SCHEME_OID, "Erasmus+ OID"),
        RegistrationScheme::National => (vocab::SCHEME_NATIONAL_REGISTER, "national register"),
    }
}

fn organisation(c: &Credential<'_>, o: &Organisation) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Organisation, &o.id))),
        ("type", J::st("Organisation")),
    ]);
    let mut ids = vec![identifier(
        vocab::SCHEME_RECORD,
        "europass record id",
        &o.id,
    )];
    for r in o.registration_ids.iter().skip(1) {
        let (scheme, name) = registration_scheme(&r.scheme);
        ids.push(identifier(scheme, name, &r.value));
    }
    out.push("identifier", J::A(ids));
    let names = lang_map(c, &o.name);
    out.push(
        "legalName",
        if names.is_empty() {
            one(&c.primary, &o.id)
        } else {
            names
        },
    );
    let alpha2 = o.country.as_ref().map(|k| k.as_str()).unwrap_or("");
    if let (Some(r), Some(spatial)) = (o.registration_ids.first(), country(alpha2)) {
        let (scheme, name) = registration_scheme(&r.scheme);
        out.push(
            "registration",
            J::obj([
                (
                    "id",
                    J::s(c.ids.urn(Kind::Node, &format!("{}/registration", o.id))),
                ),
                ("type", J::st("LegalIdentifier")),
                ("notation", J::s(&r.value)),
                ("schemeName", J::s(name)),
                ("schemeId", J::s(scheme)),
                ("spatial", spatial),
            ]),
        );
    }
    if let Some(site) = o
        .website
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let url = if site.starts_with("http://") || site.starts_with("https://") {
            site.to_string()
        } else {
            format!("https://{site}")
        };
        out.push(
            "homepage",
            J::A(vec![J::obj([
                ("type", J::st("WebResource")),
                ("contentURL", J::s(url)),
            ])]),
        );
    }
    if let Some(cp) = contact_point(c, o.email.as_deref(), o.phone.as_deref(), None) {
        out.push("contactPoint", J::A(vec![cp]));
    }
    if let Some(country) = country(alpha2) {
        let mut address = J::obj([("type", J::st("Address")), ("countryCode", country)]);
        if let Some(a) = &o.address {
            address.push(
                "fullAddress",
                note([(c.primary.as_str(), a.as_str())], None),
            );
        }
        out.push(
            "location",
            J::A(vec![J::obj([
                ("id", J::s(c.ids.urn(Kind::Location, &o.id))),
                ("type", J::st("Location")),
                ("address", J::A(vec![address])),
            ])]),
        );
    }
    out
}

/// A mentor or assessor. The EDC profile's `Person` is the credential's
/// subject, with claims of its own (`hasClaim` is required), so someone who
/// only directs or assesses is an `Agent`, named by `prefLabel`. Their
/// organisation is listed beside them (in `directedBy` or `assessedBy`).
fn contact(c: &Credential<'_>, p: &ContactPerson) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Contact, &p.id))),
        ("type", J::st("Agent")),
        (
            "identifier",
            J::A(vec![identifier(
                vocab::SCHEME_RECORD,
                "europass record id",
                &p.id,
            )]),
        ),
        ("prefLabel", one(&c.primary, &p.name)),
    ]);
    if let Some(cp) = contact_point(c, p.email.as_deref(), p.phone.as_deref(), None) {
        out.push("contactPoint", J::A(vec![cp]));
    }
    out
}

/// What a credential has already written in full: each node is written once
/// and named by its id after that, so that in RDF every node has one set of
/// properties (an organisation written twice would have two registrations).
#[derive(Default)]
struct Written {
    organisations: Vec<String>,
    contacts: Vec<String>,
    schemes: Vec<String>,
}

impl Written {
    /// True the first time `id` is asked about in `list`.
    fn first(list: &mut Vec<String>, id: &str) -> bool {
        if list.iter().any(|x| x == id) {
            return false;
        }
        list.push(id.to_string());
        true
    }
}

/// An organisation in full the first time, by reference after that.
fn organisation_once(c: &Credential<'_>, o: &Organisation, w: &mut Written) -> J {
    if Written::first(&mut w.organisations, &o.id) {
        organisation(c, o)
    } else {
        reference(c.ids.urn(Kind::Organisation, &o.id))
    }
}

/// A contact in full the first time, by reference after that.
fn contact_once(c: &Credential<'_>, p: &ContactPerson, w: &mut Written) -> J {
    if Written::first(&mut w.contacts, &p.id) {
        contact(c, p)
    } else {
        reference(c.ids.urn(Kind::Contact, &p.id))
    }
}

/// A contact and, beside them, their organisation (unless it is `skip`,
/// already in the list).
fn contact_with_organisation(
    c: &Credential<'_>,
    p: &ContactPerson,
    skip: Option<&str>,
    w: &mut Written,
) -> Vec<J> {
    let mut out = vec![contact_once(c, p, w)];
    if let Some(org) = p
        .organisation
        .as_deref()
        .filter(|id| Some(*id) != skip)
        .and_then(|id| c.organisation(id))
    {
        out.push(organisation_once(c, org, w));
    }
    out
}

/// A JSON-LD node reference: the node is written in full elsewhere in the document.
fn reference(id: String) -> J {
    J::obj([("id", J::s(id))])
}

fn awarded_by(c: &Credential<'_>) -> J {
    J::obj([
        ("id", J::s(c.ids.urn(Kind::AwardingProcess, &c.mobility.id))),
        ("type", J::st("AwardingProcess")),
        // The issuer is written in full once, as the credential's issuer;
        // everywhere else a node reference names it.
        (
            "awardingBody",
            J::A(vec![reference(c.ids.urn(Kind::Organisation, &c.issuer.id))]),
        ),
        ("awardingDate", date_time(c.issued)),
    ])
}

fn credit_points(points: &[CreditPoints]) -> Option<J> {
    let list: Vec<J> = points
        .iter()
        .map(|p| {
            let framework = match vocab::credit_system_uri(&p.system) {
                Some(uri) => concept(
                    uri,
                    vocab::CREDIT_SCHEME,
                    &vocab::credit_system_label(&p.system),
                    None,
                ),
                // A national system has no concept in the Europass list.
                None => {
                    let crate::model::CreditSystem::National(name) = &p.system else {
                        unreachable!("ECVET and ECTS have concepts")
                    };
                    J::obj([
                        ("type", J::st("Concept")),
                        (
                            "prefLabel",
                            one("en", &vocab::credit_system_label(&p.system)),
                        ),
                        ("notation", J::s(name)),
                    ])
                }
            };
            J::obj([
                ("type", J::st("CreditPoint")),
                ("framework", framework),
                ("point", J::s(decimal(p.value))),
            ])
        })
        .collect();
    (!list.is_empty()).then_some(J::A(list))
}

fn eqf(level: crate::model::EqfLevel) -> J {
    let n = level.get().to_string();
    concept(
        &format!("{}{n}", vocab::EQF_LEVEL_PREFIX),
        vocab::EQF_SCHEME,
        &format!("Level {n}"),
        Some(&n),
    )
}

/// A national framework level, as europass's own concept in the register's
/// scheme of national levels.
fn nqf(level: &crate::model::NqfLevel) -> J {
    let label = match &level.framework {
        Some(f) => format!("{f} national level {}", level.level),
        None => format!("National level {}", level.level),
    };
    concept(
        &vocab::nqf_level_uri(level),
        vocab::NQF_SCHEME,
        &label,
        Some(&level.level),
    )
}

fn qualification(c: &Credential<'_>, q: &Qualification) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Qualification, &q.id))),
        ("type", J::st("Qualification")),
        (
            "identifier",
            match &q.code {
                Some(code) => {
                    identifier(vocab::SCHEME_QUALIFICATION_CODE, "qualification code", code)
                }
                None => identifier(vocab::SCHEME_RECORD, "europass record id", &q.id),
            },
        ),
        ("title", title_map(c, &q.title, &q.id)),
    ]);
    if let Some(points) = credit_points(&q.credit_points) {
        out.push("creditPoint", points);
    }
    if let Some(level) = q.eqf_level {
        out.push("eqfLevel", eqf(level));
    }
    if let Some(level) = &q.nqf_level {
        out.push("nqfLevel", J::A(vec![nqf(level)]));
    }
    out
}

/// A title in the credential's languages, or the record id when it has none
/// (the schema requires a title).
fn title_map(c: &Credential<'_>, t: &MultilingualText, fallback: &str) -> J {
    let m = lang_map(c, t);
    if m.is_empty() {
        one(&c.primary, fallback)
    } else {
        m
    }
}

/// A learning outcome of a unit, with its type and ESCO skill.
fn outcome(c: &Credential<'_>, o: &crate::model::LearningOutcome) -> J {
    let mut lo = J::obj([
        ("id", J::s(c.ids.urn(Kind::LearningOutcome, &o.id))),
        ("type", J::st("LearningOutcome")),
        (
            "identifier",
            identifier(vocab::SCHEME_RECORD, "europass record id", &o.id),
        ),
        ("title", title_map(c, &o.text, &o.id)),
    ]);
    // An outcome of no category has no type, not a guessed one.
    if let (Some(uri), Some(label)) = (
        vocab::skill_type_uri(o.category),
        vocab::skill_type_label(o.category),
    ) {
        lo.push(
            "dcType",
            concept(
                &uri,
                vocab::SKILL_TYPE_SCHEME,
                label,
                vocab::skill_type_notation(o.category),
            ),
        );
    }
    if !o.details.is_empty() {
        lo.push(
            "additionalNote",
            notes(o.details.iter().map(|d| note(c.texts(d), None))),
        );
    }
    if let Some(uri) = o.esco_uri.as_deref().filter(|u| u.starts_with("http")) {
        lo.push(
            "relatedESCOSkill",
            J::A(vec![J::obj([
                ("id", J::s(uri)),
                ("type", J::st("Concept")),
            ])]),
        );
    }
    lo
}

fn unit_spec(c: &Credential<'_>, u: &Unit, full: bool) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::LearningSpecification, &u.id))),
        ("type", J::st("LearningAchievementSpecification")),
    ]);
    if !full {
        out.push("title", title_map(c, &u.title, &u.id));
        return out;
    }
    out.push(
        "identifier",
        match &u.code {
            Some(code) => identifier(vocab::SCHEME_UNIT_CODE, "unit code", code),
            None => identifier(vocab::SCHEME_RECORD, "europass record id", &u.id),
        },
    );
    out.push("title", title_map(c, &u.title, &u.id));
    if !u.description.is_empty() {
        out.push("description", lang_map(c, &u.description));
    }
    if !u.area_of_work.is_empty() {
        out.push(
            "additionalNote",
            notes([note(c.texts(&u.area_of_work), Some(NoteTopic::AreaOfWork))]),
        );
    }
    if let Some(points) = credit_points(&u.credit_points) {
        out.push("creditPoint", points);
    }
    let levels: Vec<J> = u
        .eqf_level
        .map(eqf)
        .into_iter()
        .chain(u.nqf_level.as_ref().map(nqf))
        .collect();
    if !levels.is_empty() {
        out.push("educationLevel", J::A(levels));
    }
    if !u.learning_outcomes.is_empty() {
        let outcomes = u.learning_outcomes.iter().map(|o| outcome(c, o)).collect();
        out.push("learningOutcome", J::A(outcomes));
    }
    if let Some(q) = u
        .qualification
        .as_deref()
        .and_then(|id| c.qualifications.iter().find(|q| q.id == id))
    {
        out.push("isPartOf", J::A(vec![qualification(c, q)]));
    }
    out
}

/// A grading scheme: in full the first time a credential names it
/// (`w` records which were), by id and title after that. In full, as the EDC
/// examples write one: its id as the identifier's notation, its title, and
/// its scale in words as its description (read back by
/// [`crate::model::Scale::from_words`]); a scheme known only by its issuer's
/// definition has that definition as its description.
fn grading_scheme(c: &Credential<'_>, s: &GradingScheme, w: &mut Written) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::GradingScheme, &s.id))),
        ("type", J::st("GradingScheme")),
    ]);
    if !Written::first(&mut w.schemes, &s.id) {
        out.push("title", title_map(c, &s.name, &s.id));
        return out;
    }
    out.push(
        "identifier",
        J::A(vec![identifier(
            vocab::SCHEME_RECORD,
            "europass record id",
            &s.id,
        )]),
    );
    out.push("title", title_map(c, &s.name, &s.id));
    match &s.scale {
        crate::model::Scale::Described { definition } => {
            if !definition.is_empty() {
                out.push("description", lang_pairs(definition.iter()));
            }
        }
        _ => {
            let mut words = describe_scale(s);
            if let Some(country) = s.country.as_ref().and_then(|k| vocab::country(k.as_str())) {
                words.push_str(&format!(" Used in {} ({}).", country.name, country.alpha2));
            }
            out.push("description", one("en", &words));
        }
    }
    out
}

/// A grade as the EDC examples write one: a note whose literal holds the
/// value with its meaning in each of the credential's languages that has
/// one — the label's name (`"Teicami (9)"`), else the scheme's name
/// (`"9 – Latvian 10-point scale (pass from 4)"`). A value with no meaning in
/// those languages (a scheme known only by its issuer's words) is written
/// as read, in the language of the scheme's name.
fn grade_node(c: &Credential<'_>, value: &str, scheme: Option<&GradingScheme>) -> J {
    let mut literal: Vec<(&str, String)> = Vec::new();
    if let Some(s) = scheme.filter(|s| !matches!(s.scale, crate::model::Scale::Described { .. })) {
        let label = match &s.scale {
            crate::model::Scale::Ordered { labels, .. } => {
                labels.iter().find(|l| l.value == value).map(|l| &l.name)
            }
            _ => None,
        };
        for l in &c.languages {
            if let Some(name) = label
                .and_then(|n| n.get(l))
                .filter(|t| !t.trim().is_empty())
            {
                literal.push((l, format!("{name} ({value})")));
            } else if let Some(name) = s.name.get(l).filter(|t| !t.trim().is_empty()) {
                literal.push((l, format!("{value} – {name}")));
            }
        }
    }
    if literal.is_empty() {
        let lang = scheme
            .and_then(|s| c.texts(&s.name).next())
            .map_or(c.primary.as_str(), |(l, _)| l);
        literal.push((lang, value.to_string()));
    }
    J::obj([
        ("type", J::st("Note")),
        (
            "noteLiteral",
            lang_pairs(literal.iter().map(|(l, t)| (*l, t.as_str()))),
        ),
    ])
}

fn assessment(
    c: &Credential<'_>,
    entry: &UnitEntry<'_>,
    r: &AssessmentResult,
    w: &mut Written,
) -> J {
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Assessment, &r.id))),
        ("type", J::st("LearningAssessment")),
        (
            "identifier",
            J::A(vec![identifier(
                vocab::SCHEME_RECORD,
                "europass record id",
                &r.id,
            )]),
        ),
    ]);
    let titles = assessment_titles(c, &entry.unit.title);
    out.push(
        "title",
        lang_pairs(titles.iter().map(|(l, t)| (*l, t.as_str()))),
    );
    if !r.remarks.is_empty() {
        out.push("description", lang_map(c, &r.remarks));
    }
    if !r.deviations.is_empty() {
        out.push(
            "additionalNote",
            notes([note(c.texts(&r.deviations), Some(NoteTopic::Deviations))]),
        );
    }
    let (value, scheme) = match (&r.grade, r.passed) {
        (Some(g), _) => (g.value.clone(), Some(g.scheme.as_str())),
        (None, Some(p)) => (
            if p { "pass" } else { "fail" }.to_string(),
            Some(super::plan::PASS_FAIL),
        ),
        (None, None) => (String::new(), None),
    };
    out.push(
        "grade",
        grade_node(c, &value, scheme.and_then(|s| c.scheme(s))),
    );
    if let Some(d) = r.date {
        out.push("dateIssued", date_time(d));
    }
    out.push("awardedBy", awarded_by(c));
    let assessed_by = match entry.assessor {
        Some(a) => contact_with_organisation(c, a, None, w),
        None => vec![organisation_once(c, c.host, w)],
    };
    out.push("assessedBy", J::A(assessed_by));
    let mut spec = J::obj([
        ("id", J::s(c.ids.urn(Kind::AssessmentSpecification, &r.id))),
        ("type", J::st("LearningAssessmentSpecification")),
        (
            "title",
            lang_pairs(titles.iter().map(|(l, t)| (*l, t.as_str()))),
        ),
    ]);
    if !r.method.is_empty() {
        spec.push("description", lang_map(c, &r.method));
    }
    if let Some(s) = scheme.and_then(|s| c.scheme(s)) {
        spec.push("gradingScheme", grading_scheme(c, s, w));
    }
    out.push("specifiedBy", J::A(vec![spec]));
    if !r.criteria.is_empty() {
        let parts = r
            .criteria
            .iter()
            .enumerate()
            .map(|(i, rating)| criterion_assessment(c, r, i, rating, w))
            .collect();
        out.push("hasPart", J::A(parts));
    }
    out
}

/// The `i`th criterion's rating of `r`, as a part of its assessment.
fn criterion_assessment(
    c: &Credential<'_>,
    r: &AssessmentResult,
    i: usize,
    rating: &crate::model::CriterionRating,
    w: &mut Written,
) -> J {
    let key = format!("{}/criterion/{}", r.id, i + 1);
    let title = title_map(c, &rating.criterion, &key);
    let mut spec = J::obj([
        ("id", J::s(c.ids.urn(Kind::AssessmentSpecification, &key))),
        ("type", J::st("LearningAssessmentSpecification")),
        ("title", title.clone()),
    ]);
    if let Some(s) = c.scheme(&rating.value.scheme) {
        spec.push("gradingScheme", grading_scheme(c, s, w));
    }
    J::obj([
        ("id", J::s(c.ids.urn(Kind::Assessment, &key))),
        ("type", J::st("LearningAssessment")),
        ("title", title),
        (
            "grade",
            grade_node(c, &rating.value.value, c.scheme(&rating.value.scheme)),
        ),
        ("awardedBy", awarded_by(c)),
        ("specifiedBy", J::A(vec![spec])),
    ])
}

/// An achievement, with its parts' achievements as `hasPart`.
fn achievement(c: &Credential<'_>, node: &AchievementNode<'_, '_>, w: &mut Written) -> J {
    let (entry, r) = (node.entry, node.result);
    let u = entry.unit;
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Achievement, &r.id))),
        ("type", J::st("LearningAchievement")),
        (
            "identifier",
            identifier(vocab::SCHEME_RECORD, "europass record id", &r.id),
        ),
        ("title", title_map(c, &u.title, &u.id)),
    ]);
    if let Some(a) = r.achieved {
        let i = match a {
            Achievement::Full => 0,
            Achievement::Partial => 1,
            Achievement::None => 2,
        };
        let labels = c.labels();
        out.push(
            "additionalNote",
            notes([note(
                labels.iter().map(|(l, t)| (*l, t.achieved[i])),
                Some(NoteTopic::Achievement),
            )]),
        );
    }
    out.push("awardedBy", awarded_by(c));
    if let Some(points) = credit_points(&r.credit_points) {
        out.push("creditReceived", points);
    }
    out.push("provenBy", J::A(vec![assessment(c, entry, r, w)]));
    out.push("specifiedBy", unit_spec(c, u, true));
    if !node.parts.is_empty() {
        let parts = node.parts.iter().map(|p| achievement(c, p, w)).collect();
        out.push("hasPart", J::A(parts));
    }
    out
}

fn activity(c: &Credential<'_>, w: &mut Written) -> J {
    let m = c.mobility;
    let labels = c.labels();
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Activity, &m.id))),
        ("type", J::st("LearningActivity")),
        ("identifier", J::A(activity_identifiers(m))),
        (
            "title",
            lang_pairs(labels.iter().map(|(l, t)| (*l, t.activity))),
        ),
    ]);
    if !m.tasks.is_empty() {
        out.push("description", lang_map(c, &m.tasks));
    }
    let mut period = J::obj([("type", J::st("PeriodOfTime"))]);
    if let Some(s) = m.start {
        period.push("startDate", date_time(s));
    }
    if let Some(e) = m.end {
        period.push("endDate", date_time(e));
    }
    out.push("temporal", J::A(vec![period]));
    if let Some(location) = activity_location(c) {
        out.push("location", J::A(vec![location]));
    }
    let mut directed = vec![organisation_once(c, c.host, w)];
    if let Some(mentor) = c.mentor {
        directed.extend(contact_with_organisation(c, mentor, Some(&c.host.id), w));
    }
    out.push("directedBy", J::A(directed));
    out.push("awardedBy", awarded_by(c));
    out.push("specifiedBy", activity_specification(c));
    out
}

/// The mobility's identifiers: its record id, Erasmus+ mobility id and project code.
fn activity_identifiers(m: &crate::model::Mobility) -> Vec<J> {
    let mut ids = vec![identifier(
        vocab::SCHEME_RECORD,
        "europass record id",
        &m.id,
    )];
    if let Some(id) = &m.erasmus_id {
        ids.push(identifier(
            vocab::SCHEME_MOBILITY_ID,
            "Erasmus+ mobility id",
            id,
        ));
    }
    if let Some(code) = &m.project_code {
        ids.push(identifier(
            vocab::SCHEME_PROJECT_CODE,
            "Erasmus+ project code",
            code,
        ));
    }
    ids
}

/// Where the mobility took place: the host's country and address.
fn activity_location(c: &Credential<'_>) -> Option<J> {
    let m = c.mobility;
    let country = country(c.host.country.as_ref()?.as_str())?;
    let mut address = J::obj([("type", J::st("Address")), ("countryCode", country)]);
    if let Some(a) = &c.host.address {
        address.push(
            "fullAddress",
            note([(c.primary.as_str(), a.as_str())], None),
        );
    }
    Some(J::obj([
        (
            "id",
            J::s(c.ids.urn(Kind::Location, &format!("{}/activity", m.id))),
        ),
        ("type", J::st("Location")),
        ("address", J::A(vec![address])),
    ]))
}

/// What the mobility was for: its objective, language, and the units and
/// qualification it influences.
fn activity_specification(c: &Credential<'_>) -> J {
    let m = c.mobility;
    let labels = c.labels();
    let mut spec = J::obj([
        ("id", J::s(c.ids.urn(Kind::ActivitySpecification, &m.id))),
        ("type", J::st("LearningActivitySpecification")),
        (
            "title",
            lang_pairs(labels.iter().map(|(l, t)| (*l, t.activity))),
        ),
    ]);
    if !m.objective.is_empty() {
        spec.push("description", lang_map(c, &m.objective));
    }
    if let Some(l) = m.language.as_deref().and_then(language) {
        spec.push("language", J::A(vec![l]));
    }
    let mut influences: Vec<J> = c
        .units
        .iter()
        .map(|u| unit_spec(c, u.unit, u.result.is_none()))
        .collect();
    if let Some(q) = c.qualification {
        influences.push(qualification(c, q));
    }
    if !influences.is_empty() {
        spec.push("influences", J::A(influences));
    }
    spec
}

fn subject(c: &Credential<'_>) -> J {
    let l = c.learner;
    let lang = c.primary.as_str();
    let mut ids = vec![identifier(
        vocab::SCHEME_RECORD,
        "europass record id",
        &l.id,
    )];
    if let Some(id) = &l.school_id {
        ids.push(identifier(
            vocab::SCHEME_SCHOOL_ID,
            "school learner number",
            id,
        ));
    }
    let jurisdiction = l
        .nationality
        .as_ref()
        .or(c.issuer.country.as_ref())
        .and_then(|k| country(k.as_str()));
    if let (Some(id), None) = (&l.national_id, &jurisdiction) {
        ids.push(identifier(
            vocab::SCHEME_NATIONAL_ID,
            "national personal identifier",
            id,
        ));
    }
    let mut out = J::obj([
        ("id", J::s(c.ids.urn(Kind::Person, &l.id))),
        ("type", J::st("Person")),
        ("identifier", J::A(ids)),
    ]);
    if let (Some(id), Some(spatial)) = (&l.national_id, jurisdiction) {
        out.push(
            "nationalID",
            J::obj([
                ("type", J::st("LegalIdentifier")),
                ("notation", J::s(id)),
                ("spatial", spatial),
            ]),
        );
    }
    out.push("givenName", one(lang, &l.given_names));
    out.push("familyName", one(lang, &l.family_name));
    out.push("fullName", one(lang, &l.full_name()));
    if let Some(d) = l.date_of_birth {
        out.push("dateOfBirth", date_time(d));
    }
    if let Some(gender) = gender_concept(l.gender) {
        out.push("gender", gender);
    }
    if let Some(n) = l.nationality.as_ref().and_then(|k| country(k.as_str())) {
        out.push("citizenshipCountry", J::A(vec![n]));
    }
    let address = l.address.as_deref().zip(
        l.address_country
            .as_ref()
            .or(c.issuer.country.as_ref())
            .map(|k| k.as_str()),
    );
    if let Some(cp) = contact_point(c, l.email.as_deref(), l.phone.as_deref(), address) {
        out.push("contactPoint", J::A(vec![cp]));
    }
    out.push("hasClaim", J::A(claims(c)));
    out
}

/// The human-sex concept of a gender the vocabulary has.
fn gender_concept(gender: Option<Gender>) -> Option<J> {
    let (code, name) = match gender {
        Some(Gender::Female) => ("FEMALE", "female"),
        Some(Gender::Male) => ("MALE", "male"),
        _ => return None,
    };
    Some(concept(
        &format!("{}/{code}", vocab::HUMAN_SEX_SCHEME),
        vocab::HUMAN_SEX_SCHEME,
        name,
        Some("human-sex"),
    ))
}

/// The activity, then an achievement per assessed unit. Each organisation,
/// person and grading scheme is written in full once (the issuer as the
/// credential's issuer, the host and mentor in the activity), and referred to
/// by id after that.
fn claims(c: &Credential<'_>) -> Vec<J> {
    let mut w = Written::default();
    w.organisations.push(c.issuer.id.clone());
    let mut claims = vec![activity(c, &mut w)];
    for node in c.achievement_tree() {
        claims.push(achievement(c, &node, &mut w));
    }
    claims
}

/// Builds one credential document.
pub fn write(c: &Credential<'_>) -> Vec<u8> {
    let labels = c.labels();
    let title = lang_pairs(labels.iter().map(|(l, t)| (*l, t.title)));
    let doc = J::obj([
        (
            "@context",
            J::A(vec![J::st(vocab::VC2_CONTEXT), J::st(vocab::EDC_CONTEXT)]),
        ),
        ("id", J::s(c.ids.urn(Kind::Credential, &c.mobility.id))),
        (
            "type",
            J::A(vec![
                J::st("VerifiableCredential"),
                J::st("VerifiableAttestation"),
                J::st("EuropeanDigitalCredential"),
            ]),
        ),
        (
            "credentialSchema",
            J::A(vec![
                J::obj([
                    ("id", J::st(vocab::EDC_SHACL)),
                    ("type", J::st("ShaclValidator2017")),
                ]),
                J::obj([
                    ("id", J::st(vocab::EDC_JSON_SCHEMA)),
                    ("type", J::st("JsonSchema")),
                ]),
            ]),
        ),
        (
            "credentialProfiles",
            J::A(vec![concept(
                vocab::CREDENTIAL_TYPE_GENERIC,
                vocab::CREDENTIAL_TYPES,
                "Generic",
                None,
            )]),
        ),
        ("issuer", organisation(c, c.issuer)),
        ("validFrom", date_time(c.issued)),
        ("issued", date_time(c.issued)),
        ("credentialSubject", subject(c)),
        ("displayParameter", display::parameter(c, title)),
    ]);
    let mut out = String::with_capacity(64 * 1024);
    doc.write_pretty(&mut out, 0);
    out.push('\n');
    out.into_bytes()
}
