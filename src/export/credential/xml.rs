//! Europass Mobility as XML: one `europassCredential` (namespace
//! `http://data.europa.eu/snb`, EDCI credential schema 1.2) per mobility,
//! written to `DIR/<learner>/europass-mobility.xml`.
//!
//! Element order follows the XSD's sequences exactly; identifiers are UUID v5
//! ([`super::ids`]), so the same round gives the same bytes.
//! The document is unsigned: `<proof/>` is empty. See
//! `docs/credential-mapping.md` for the field-by-field mapping.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Credential, Format, Kind};
use crate::model::{
    Achievement, ContactPerson, CreditPoints, CreditSystem, Gender, MultilingualText, Organisation,
    RegistrationScheme,
};
use crate::outputs::OutputKind;
use crate::vocab::{self, NoteTopic};

/// The XML format, as planning sees it.
pub const FORMAT: Format = Format {
    name: "xml",
    document: "credential",
    output: OutputKind::CredentialXml,
    needs_country: false,
    languages: vocab::xml_language,
};

/// A quick-xml writer with the few shapes the credential schema repeats.
struct Xml {
    w: Writer<Vec<u8>>,
}

/// XML 1.0 cannot carry most control characters, even escaped; spreadsheets
/// sometimes hold them. They are dropped, and everything else escaped.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        ((c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
            && c != '\u{FFFE}'
            && c != '\u{FFFF}'
    };
    if text.chars().all(allowed) {
        text.into()
    } else {
        text.chars()
            .filter(|c| allowed(*c))
            .collect::<String>()
            .into()
    }
}

impl Xml {
    fn new() -> Self {
        Self {
            w: Writer::new_with_indent(Vec::with_capacity(32 * 1024), b' ', 3),
        }
    }

    fn event(&mut self, e: Event<'_>) {
        // Writing into a Vec cannot fail.
        self.w.write_event(e).expect("writing XML into memory");
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            start.push_attribute((*k, clean(v).as_ref()));
        }
        self.event(Event::Start(start));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            start.push_attribute((*k, clean(v).as_ref()));
        }
        self.event(Event::Empty(start));
    }

    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::new(&clean(text))));
        self.close(name);
    }

    fn text(&mut self, lang: &str, text: &str) {
        self.leaf(
            "text",
            &[("lang", lang), ("content-type", "text/plain")],
            text,
        );
    }

    /// A `TextType` element with one `text` per language.
    fn texts<'a>(&mut self, name: &str, texts: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.open(name, &[]);
        for (lang, text) in texts {
            self.text(lang, text);
        }
        self.close(name);
    }

    /// A `NoteType` element: texts, then an optional subject label. A note
    /// must hold a text, so one with none in the credential's languages is
    /// left out (every note the credential writes is optional).
    fn note<'a>(
        &mut self,
        name: &str,
        texts: impl IntoIterator<Item = (&'a str, &'a str)>,
        subject: Option<NoteTopic>,
    ) {
        let texts: Vec<(&str, &str)> = texts.into_iter().collect();
        if texts.is_empty() {
            return;
        }
        self.open(name, &[]);
        for (lang, text) in texts {
            self.text(lang, text);
        }
        if let Some(topic) = subject {
            self.leaf("subject", &[], topic.label());
        }
        self.close(name);
    }

    fn idref(&mut self, name: &str, id: &str) {
        self.empty(name, &[("idref", id)]);
    }

    /// A `CodeType` element: a concept of a controlled vocabulary.
    fn code(&mut self, name: &str, code: &Code<'_>) {
        let mut attrs = vec![
            ("targetFrameworkUrl", code.framework),
            ("uri", code.uri.as_str()),
        ];
        if let Some(n) = code.notation {
            attrs.insert(1, ("targetNotation", n));
        }
        self.open(name, &attrs);
        self.texts("targetName", [("en", code.name)]);
        self.texts("targetFrameworkName", [("en", code.framework_name)]);
        self.close(name);
    }

    fn identifier(&mut self, scheme: &str, scheme_name: &str, value: &str) {
        self.leaf(
            "identifier",
            &[("schemeID", scheme), ("schemeName", scheme_name)],
            value,
        );
    }

    fn finish(self) -> Vec<u8> {
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

/// A concept of a controlled vocabulary, for [`Xml::code`].
struct Code<'a> {
    uri: String,
    framework: &'a str,
    notation: Option<&'a str>,
    name: &'a str,
    framework_name: &'a str,
}

fn country_code(alpha2: &str) -> Option<Code<'static>> {
    let c = vocab::country(alpha2)?;
    Some(Code {
        uri: c.uri(),
        framework: vocab::COUNTRY_SCHEME,
        notation: Some("country"),
        name: &c.name,
        framework_name: "Country",
    })
}

fn language_code(tag: &str) -> Option<Code<'static>> {
    Some(Code {
        uri: vocab::language_uri(tag)?,
        framework: vocab::LANGUAGE_SCHEME,
        notation: Some("language"),
        name: vocab::language_name(tag)?,
        framework_name: "Language",
    })
}

/// `2025-03-28` as the schema's `dateTime`.
fn date_time(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%dT00:00:00Z").to_string()
}

/// Credit points as the schema writes decimals (`3`, `1.5`).
pub(crate) fn decimal(value: f64) -> String {
    let s = format!("{value}");
    if s.contains('e') {
        format!("{value:.6}")
    } else {
        s
    }
}

/// Builds one credential document.
pub fn write(c: &Credential<'_>) -> Vec<u8> {
    let mut x = Xml::new();
    x.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let credential_id = c.ids.urn(Kind::Credential, &c.mobility.id);
    let schema_location = format!("{} {}", vocab::SNB_NS, vocab::XSD_LOCATION);
    x.open(
        "europassCredential",
        &[
            ("xsi:schemaLocation", &schema_location),
            ("xmlns", vocab::SNB_NS),
            ("xmlns:xsi", vocab::XSI_NS),
            ("xmlns:cred", vocab::CRED_NS),
            ("xsdVersion", "0.10.0"),
            ("cred:id", &credential_id),
        ],
    );
    x.code(
        "type",
        &Code {
            uri: vocab::CREDENTIAL_TYPE_GENERIC.into(),
            framework: vocab::CREDENTIAL_TYPES,
            notation: None,
            name: "Generic",
            framework_name: "Europass Standard List of Credential Types",
        },
    );
    x.leaf("primaryLanguage", &[], &c.primary);
    x.open("availableLanguages", &[]);
    for l in &c.languages {
        x.leaf("language", &[], l);
    }
    x.close("availableLanguages");
    let issued = date_time(c.issued);
    x.leaf("cred:validFrom", &[], &issued);
    x.leaf("cred:issued", &[], &issued);
    let issuer_id = c.ids.urn(Kind::Organisation, &c.issuer.id);
    x.idref("cred:issuer", &issuer_id);
    let labels = c.labels();
    x.texts("title", labels.iter().map(|(l, t)| (*l, t.title)));
    x.texts(
        "description",
        labels.iter().map(|(l, t)| (*l, t.description)),
    );

    subject(&mut x, c);
    specifications(&mut x, c);
    outcomes(&mut x, c);
    activity_specification(&mut x, c);
    assessment_specifications(&mut x, c);
    x.open("agentReferences", &[]);
    for o in &c.organisations {
        organisation(&mut x, c, o);
    }
    x.close("agentReferences");
    scoring_schemes(&mut x, c);
    x.empty("proof", &[]);
    x.close("europassCredential");
    x.finish()
}

fn subject(x: &mut Xml, c: &Credential<'_>) {
    let l = c.learner;
    let lang = c.primary.as_str();
    x.open(
        "credentialSubject",
        &[("id", &c.ids.urn(Kind::Person, &l.id))],
    );
    x.identifier(vocab::SCHEME_RECORD, "europass record id", &l.id);
    if let Some(id) = &l.school_id {
        x.identifier(vocab::SCHEME_SCHOOL_ID, "school learner number", id);
    }
    // Without a known jurisdiction a national id is only an identifier.
    let jurisdiction = l.nationality.as_ref().map(|n| n.as_str()).or(c
        .issuer
        .country
        .as_ref()
        .map(|n| n.as_str()));
    if let (Some(id), None) = (&l.national_id, jurisdiction) {
        x.identifier(
            vocab::SCHEME_NATIONAL_ID,
            "national personal identifier",
            id,
        );
    }
    if let Some(email) = l.email.as_deref().filter(|e| plausible_email(e)) {
        learner_contact_point(x, c, email);
    }
    if let (Some(id), Some(country)) = (&l.national_id, jurisdiction) {
        x.leaf("nationalId", &[("spatialID", country)], id);
    }
    x.texts("fullName", [(lang, l.full_name().as_str())]);
    x.texts("givenNames", [(lang, l.given_names.as_str())]);
    x.texts("familyName", [(lang, l.family_name.as_str())]);
    if let Some(d) = l.date_of_birth {
        x.leaf("dateOfBirth", &[], &d.format("%Y-%m-%d").to_string());
    }
    if let Some(gender) = gender_code(l.gender) {
        x.code("gender", &gender);
    }
    if let Some(country) = l
        .nationality
        .as_ref()
        .and_then(|n| country_code(n.as_str()))
    {
        x.code("citizenshipCountry", &country);
    }
    if c.assessed().next().is_some() {
        x.open("achievements", &[]);
        for node in c.achievement_tree() {
            achievement(x, c, &node);
        }
        x.close("achievements");
    }
    x.open("activities", &[]);
    activity(x, c);
    x.close("activities");
    x.close("credentialSubject");
}

/// The learner's contact point: address (in its own country, else the
/// issuer's), phone and e-mail.
fn learner_contact_point(x: &mut Xml, c: &Credential<'_>, email: &str) {
    let l = c.learner;
    x.open("contactPoint", &[]);
    if let (Some(address), Some(country)) = (
        &l.address,
        l.address_country
            .as_ref()
            .or(c.issuer.country.as_ref())
            .and_then(|k| country_code(k.as_str())),
    ) {
        x.open("address", &[]);
        x.note(
            "fullAddress",
            [(c.primary.as_str(), address.as_str())],
            None,
        );
        x.code("country", &country);
        x.close("address");
    }
    if let Some(phone) = &l.phone {
        x.open("phone", &[]);
        x.leaf("phoneNumber", &[], phone);
        x.close("phone");
    }
    x.empty("mailBox", &[("uri", &format!("mailto:{}", email.trim()))]);
    x.close("contactPoint");
}

/// The human-sex code of a gender the vocabulary has.
fn gender_code(gender: Option<Gender>) -> Option<Code<'static>> {
    let (code, name) = match gender {
        Some(Gender::Female) => ("FEMALE", "female"),
        Some(Gender::Male) => ("MALE", "male"),
        _ => return None,
    };
    Some(Code {
        uri: format!("{}/{code}", vocab::HUMAN_SEX_SCHEME),
        framework: vocab::HUMAN_SEX_SCHEME,
        notation: Some("human-sex"),
        name,
        framework_name: "Human sex",
    })
}

fn plausible_email(e: &str) -> bool {
    let e = e.trim();
    e.contains('@') && !e.contains(char::is_whitespace) && !e.starts_with('@') && !e.ends_with('@')
}

/// An achievement, its parts' achievements nested in `hasPart`.
fn achievement(x: &mut Xml, c: &Credential<'_>, node: &super::plan::AchievementNode<'_, '_>) {
    let (entry, r) = (node.entry, node.result);
    let unit = entry.unit;
    x.open(
        "learningAchievement",
        &[("id", &c.ids.urn(Kind::Achievement, &r.id))],
    );
    x.identifier(vocab::SCHEME_RECORD, "europass record id", &r.id);
    x.texts("title", c.texts(&unit.title));
    if let Some(a) = r.achieved {
        let i = match a {
            Achievement::Full => 0,
            Achievement::Partial => 1,
            Achievement::None => 2,
        };
        x.note(
            "additionalNote",
            c.labels()
                .iter()
                .map(|(l, t)| (*l, t.achieved[i]))
                .collect::<Vec<_>>(),
            Some(NoteTopic::Achievement),
        );
    }
    assessment(x, c, entry, r);
    if !node.parts.is_empty() {
        x.open("hasPart", &[]);
        for part in &node.parts {
            achievement(x, c, part);
        }
        x.close("hasPart");
    }
    x.idref(
        "specifiedBy",
        &c.ids.urn(Kind::LearningSpecification, &unit.id),
    );
    x.close("learningAchievement");
}

/// The assessment an achievement was derived from: its texts, assessor,
/// grade, date, who assessed it and each criterion's rating.
fn assessment(
    x: &mut Xml,
    c: &Credential<'_>,
    entry: &super::UnitEntry<'_>,
    r: &crate::model::AssessmentResult,
) {
    x.open(
        "wasDerivedFrom",
        &[("id", &c.ids.urn(Kind::Assessment, &r.id))],
    );
    let titles = assessment_titles(c, &entry.unit.title);
    x.texts("title", titles.iter().map(|(l, t)| (*l, t.as_str())));
    if !r.remarks.is_empty() {
        x.note("description", c.texts(&r.remarks), None);
    }
    if !r.deviations.is_empty() {
        x.note(
            "additionalNote",
            c.texts(&r.deviations),
            Some(NoteTopic::Deviations),
        );
    }
    if let Some(a) = entry.assessor {
        let notes = person_notes(c, a, |t| t.assessor);
        x.note(
            "additionalNote",
            notes.iter().map(|(l, t)| (*l, t.as_str())),
            Some(NoteTopic::Assessor),
        );
    }
    grade(x, c, r.grade.as_ref(), r.passed);
    if let Some(d) = r.date {
        x.leaf("issuedDate", &[], &date_time(d));
    }
    let assessed_by = entry
        .assessor
        .and_then(|a| a.organisation.as_deref())
        .and_then(|id| c.organisation(id))
        .unwrap_or(c.host);
    x.idref(
        "assessedBy",
        &c.ids.urn(Kind::Organisation, &assessed_by.id),
    );
    x.idref(
        "specifiedBy",
        &c.ids.urn(Kind::AssessmentSpecification, &r.id),
    );
    for (i, rating) in r.criteria.iter().enumerate() {
        let key = format!("{}/criterion/{}", r.id, i + 1);
        x.open("hasPart", &[("id", &c.ids.urn(Kind::Assessment, &key))]);
        x.texts("title", c.texts(&rating.criterion));
        grade(x, c, Some(&rating.value), None);
        x.close("hasPart");
    }
    x.close("wasDerivedFrom");
}

/// "Assessment: <unit title>" in each of the credential's languages that has labels.
pub(crate) fn assessment_titles(
    c: &Credential<'_>,
    unit_title: &MultilingualText,
) -> Vec<(&'static str, String)> {
    let label_language = |lang: &str| -> &'static str {
        vocab::label_languages()
            .find(|l| *l == lang)
            .unwrap_or("en")
    };
    // "Assessment: <title>" only in the languages the unit's title is
    // written in: a Finnish label before a Latvian title, tagged Finnish,
    // would say the Latvian text is Finnish.
    let mut out: Vec<(&'static str, String)> = c
        .labels()
        .into_iter()
        .filter_map(|(lang, labels)| {
            let title = unit_title.get(lang).filter(|t| !t.trim().is_empty())?;
            Some((
                label_language(lang),
                format!("{}: {title}", labels.assessment),
            ))
        })
        .collect();
    if out.is_empty() {
        let (lang, labels) = c.labels()[0];
        let title = unit_title.best(&[c.primary.as_str()]).unwrap_or("");
        out.push((
            label_language(lang),
            format!("{}: {title}", labels.assessment),
        ));
    }
    out
}

/// "Mentor: name, position, e-mail, phone" in each language with labels.
pub(crate) fn person_notes(
    c: &Credential<'_>,
    p: &ContactPerson,
    word: fn(&vocab::Labels) -> &'static str,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (lang, labels) in c.labels() {
        let mut parts = vec![p.name.clone()];
        // The job title only in its own language: a Latvian "meistars" in
        // the English note would be tagged English.
        if let Some(pos) = p.position.get(lang).filter(|t| !t.trim().is_empty()) {
            parts.push(pos.to_string());
        }
        parts.extend(p.email.iter().cloned());
        parts.extend(p.phone.iter().cloned());
        let lang: &'static str = vocab::label_languages()
            .find(|l| *l == lang)
            .unwrap_or("en");
        out.push((lang, format!("{}: {}", word(labels), parts.join(", "))));
    }
    out
}

fn grade(
    x: &mut Xml,
    c: &Credential<'_>,
    grade: Option<&crate::model::Grade>,
    passed: Option<bool>,
) {
    match (grade, passed) {
        (Some(g), _) => {
            let scheme = c.ids.urn(Kind::GradingScheme, &g.scheme);
            x.leaf("grade", &[("schemeID", &scheme)], &g.value);
        }
        (None, Some(p)) => {
            let scheme = c.ids.urn(Kind::GradingScheme, super::plan::PASS_FAIL);
            x.leaf(
                "grade",
                &[("schemeID", &scheme)],
                if p { "pass" } else { "fail" },
            );
        }
        (None, None) => x.leaf("grade", &[], ""),
    }
}

fn activity(x: &mut Xml, c: &Credential<'_>) {
    let m = c.mobility;
    x.open("activity", &[("id", &c.ids.urn(Kind::Activity, &m.id))]);
    x.identifier(vocab::SCHEME_RECORD, "europass record id", &m.id);
    if let Some(id) = &m.erasmus_id {
        x.identifier(vocab::SCHEME_MOBILITY_ID, "Erasmus+ mobility id", id);
    }
    if let Some(code) = &m.project_code {
        x.identifier(vocab::SCHEME_PROJECT_CODE, "Erasmus+ project code", code);
    }
    x.texts("title", c.labels().iter().map(|(l, t)| (*l, t.activity)));
    if !m.tasks.is_empty() {
        x.note("description", c.texts(&m.tasks), None);
    }
    if let Some(mentor) = c.mentor {
        let notes = person_notes(c, mentor, |t| t.mentor);
        x.note(
            "additionalNote",
            notes.iter().map(|(l, t)| (*l, t.as_str())),
            Some(NoteTopic::Mentor),
        );
    }
    if let Some(start) = m.start {
        x.leaf("startedAtTime", &[], &date_time(start));
    }
    if let Some(end) = m.end {
        x.leaf("endedAtTime", &[], &date_time(end));
    }
    x.idref("directedBy", &c.ids.urn(Kind::Organisation, &c.host.id));
    if let Some(country) = c
        .host
        .country
        .as_ref()
        .and_then(|k| country_code(k.as_str()))
    {
        x.open("location", &[]);
        x.leaf(
            "id",
            &[],
            &c.ids.urn(Kind::Location, &format!("{}/activity", m.id)),
        );
        x.open("hasAddress", &[]);
        if let Some(address) = &c.host.address {
            x.note(
                "fullAddress",
                [(c.primary.as_str(), address.as_str())],
                None,
            );
        }
        x.code("country", &country);
        x.close("hasAddress");
        x.close("location");
    }
    x.idref(
        "specifiedBy",
        &c.ids.urn(Kind::ActivitySpecification, &m.id),
    );
    x.close("activity");
}

fn credit_points(x: &mut Xml, points: &[CreditPoints]) {
    // The schema has one ECTS element, then any number in other systems;
    // national systems have no scheme URI there and are not written.
    if let Some(p) = points.iter().find(|p| p.system == CreditSystem::Ects) {
        x.leaf(
            "hasECTSCreditPoints",
            &[("schemeID", vocab::XML_CREDIT_ECTS)],
            &decimal(p.value),
        );
    }
    for p in points.iter().filter(|p| p.system == CreditSystem::Ecvet) {
        x.leaf(
            "hasCreditPoints",
            &[("schemeID", vocab::XML_CREDIT_ECVET)],
            &decimal(p.value),
        );
    }
}

fn eqf(x: &mut Xml, name: &str, level: crate::model::EqfLevel) {
    let n = level.get().to_string();
    let label = format!("Level {n}");
    x.code(
        name,
        &Code {
            uri: format!("{}{n}", vocab::EQF_LEVEL_PREFIX),
            framework: vocab::EQF_SCHEME,
            notation: Some(&n),
            name: &label,
            framework_name: "European Qualifications Framework",
        },
    );
}

/// A national framework level, as europass's own concept in the register's
/// scheme of national levels.
fn nqf(x: &mut Xml, name: &str, level: &crate::model::NqfLevel) {
    let label = match &level.framework {
        Some(f) => format!("{f} national level {}", level.level),
        None => format!("National level {}", level.level),
    };
    x.code(
        name,
        &Code {
            uri: vocab::nqf_level_uri(level),
            framework: vocab::NQF_SCHEME,
            notation: Some(&level.level),
            name: &label,
            framework_name: "National qualifications framework",
        },
    );
}

fn specifications(x: &mut Xml, c: &Credential<'_>) {
    x.open("learningSpecificationReferences", &[]);
    for entry in &c.units {
        let u = entry.unit;
        x.open(
            "learningSpecification",
            &[("id", &c.ids.urn(Kind::LearningSpecification, &u.id))],
        );
        x.identifier(vocab::SCHEME_RECORD, "europass record id", &u.id);
        if let Some(code) = &u.code {
            x.identifier(vocab::SCHEME_UNIT_CODE, "unit code", code);
        }
        x.texts("title", c.texts(&u.title));
        if !u.description.is_empty() {
            x.note("description", c.texts(&u.description), None);
        }
        if !u.area_of_work.is_empty() {
            x.note(
                "additionalNote",
                c.texts(&u.area_of_work),
                Some(NoteTopic::AreaOfWork),
            );
        }
        credit_points(x, &u.credit_points);
        if let Some(level) = u.eqf_level {
            eqf(x, "hasEducationLevel", level);
        }
        if let Some(level) = &u.nqf_level {
            nqf(x, "hasEducationLevel", level);
        }
        if !u.learning_outcomes.is_empty() {
            x.open("learningOutcomes", &[]);
            for o in &u.learning_outcomes {
                x.idref("learningOutcome", &c.ids.urn(Kind::LearningOutcome, &o.id));
            }
            x.close("learningOutcomes");
        }
        x.close("learningSpecification");
    }
    for q in &c.qualifications {
        x.open(
            "qualification",
            &[("id", &c.ids.urn(Kind::Qualification, &q.id))],
        );
        x.identifier(vocab::SCHEME_RECORD, "europass record id", &q.id);
        if let Some(code) = &q.code {
            x.identifier(vocab::SCHEME_QUALIFICATION_CODE, "qualification code", code);
        }
        x.texts("title", c.texts(&q.title));
        credit_points(x, &q.credit_points);
        if let Some(level) = q.eqf_level {
            eqf(x, "eqfLevel", level);
        }
        if let Some(level) = &q.nqf_level {
            nqf(x, "nqfLevel", level);
        }
        for entry in c
            .units
            .iter()
            .filter(|u| u.unit.qualification.as_deref() == Some(&q.id))
        {
            x.idref(
                "hasPart",
                &c.ids.urn(Kind::LearningSpecification, &entry.unit.id),
            );
        }
        x.close("qualification");
    }
    x.close("learningSpecificationReferences");
}

fn outcomes(x: &mut Xml, c: &Credential<'_>) {
    if c.units.iter().all(|u| u.unit.learning_outcomes.is_empty()) {
        return;
    }
    x.open("learningOutcomeReferences", &[]);
    for entry in &c.units {
        for o in &entry.unit.learning_outcomes {
            x.open(
                "learningOutcome",
                &[("id", &c.ids.urn(Kind::LearningOutcome, &o.id))],
            );
            x.identifier(vocab::SCHEME_RECORD, "europass record id", &o.id);
            x.texts("prefLabel", c.texts(&o.text));
            for d in &o.details {
                x.note("description", c.texts(d), None);
            }
            // An outcome of no category is written without a type, not
            // under a guessed one.
            if let (Some(uri), Some(name)) = (
                vocab::skill_type_uri(o.category),
                vocab::skill_type_label(o.category),
            ) {
                x.code(
                    "learningOutcomeType",
                    &Code {
                        uri,
                        framework: vocab::SKILL_TYPE_SCHEME,
                        notation: vocab::skill_type_notation(o.category),
                        name,
                        framework_name: "Learning outcome type",
                    },
                );
            }
            if let Some(uri) = o.esco_uri.as_deref().filter(|u| u.starts_with("http")) {
                x.open(
                    "relatedEscoSkill",
                    &[("targetFrameworkUrl", vocab::ESCO_SKILLS), ("uri", uri)],
                );
                x.texts("targetName", c.texts(&o.text));
                x.close("relatedEscoSkill");
            }
            x.close("learningOutcome");
        }
    }
    x.close("learningOutcomeReferences");
}

fn activity_specification(x: &mut Xml, c: &Credential<'_>) {
    let m = c.mobility;
    x.open("learningActivitySpecificationReferences", &[]);
    x.open(
        "learningActivitySpecification",
        &[("id", &c.ids.urn(Kind::ActivitySpecification, &m.id))],
    );
    x.texts("title", c.labels().iter().map(|(l, t)| (*l, t.activity)));
    if !m.objective.is_empty() {
        x.note("description", c.texts(&m.objective), None);
    }
    if let Some(language) = m.language.as_deref().and_then(language_code) {
        x.code("language", &language);
    }
    for entry in &c.units {
        x.idref(
            "teaches",
            &c.ids.urn(Kind::LearningSpecification, &entry.unit.id),
        );
    }
    if let Some(q) = c.qualification {
        x.idref("teaches", &c.ids.urn(Kind::Qualification, &q.id));
    }
    x.close("learningActivitySpecification");
    x.close("learningActivitySpecificationReferences");
}

fn assessment_specifications(x: &mut Xml, c: &Credential<'_>) {
    if c.assessed().next().is_none() {
        return;
    }
    x.open("assessmentSpecificationReferences", &[]);
    for (entry, r) in c.assessed() {
        x.open(
            "assessmentSpecification",
            &[("id", &c.ids.urn(Kind::AssessmentSpecification, &r.id))],
        );
        let titles = assessment_titles(c, &entry.unit.title);
        x.texts("title", titles.iter().map(|(l, t)| (*l, t.as_str())));
        if !r.method.is_empty() {
            x.note("description", c.texts(&r.method), None);
        }
        let scheme = r
            .grade
            .as_ref()
            .map(|g| g.scheme.as_str())
            .or(r.passed.map(|_| super::plan::PASS_FAIL));
        if let Some(s) = scheme.and_then(|s| c.scheme(s)) {
            x.idref("gradingScheme", &c.ids.urn(Kind::GradingScheme, &s.id));
        }
        x.idref(
            "proves",
            &c.ids.urn(Kind::LearningSpecification, &entry.unit.id),
        );
        x.close("assessmentSpecification");
    }
    x.close("assessmentSpecificationReferences");
}

fn registration_scheme(s: &RegistrationScheme) -> (&'static str, &'static str) {
    match s {
        RegistrationScheme::Pic => (vocab::SCHEME_PIC, "Erasmus+ PIC"),
        RegistrationScheme::Oid => (vocab::SCHEME_OID, "Erasmus+ OID"),
        RegistrationScheme::National => (vocab::SCHEME_NATIONAL_REGISTER, "national register"),
    }
}

fn organisation(x: &mut Xml, c: &Credential<'_>, o: &Organisation) {
    let lang = c.primary.as_str();
    x.open(
        "organization",
        &[("id", &c.ids.urn(Kind::Organisation, &o.id))],
    );
    x.identifier(vocab::SCHEME_RECORD, "europass record id", &o.id);
    for r in o.registration_ids.iter().skip(1) {
        let (scheme, name) = registration_scheme(&r.scheme);
        x.identifier(scheme, name, &r.value);
    }
    if let Some(email) = o.email.as_deref().filter(|e| plausible_email(e)) {
        x.open("contactPoint", &[]);
        if let Some(phone) = &o.phone {
            x.open("phone", &[]);
            x.leaf("phoneNumber", &[], phone);
            x.close("phone");
        }
        x.empty("mailBox", &[("uri", &format!("mailto:{}", email.trim()))]);
        x.close("contactPoint");
    }
    match o.registration_ids.first() {
        Some(r) => {
            let (scheme, name) = registration_scheme(&r.scheme);
            x.leaf(
                "registration",
                &[("schemeID", scheme), ("schemeName", name)],
                &r.value,
            );
        }
        // The schema requires a registration; without one the record id stands in.
        None => x.leaf(
            "registration",
            &[
                ("schemeID", vocab::SCHEME_RECORD),
                ("schemeName", "europass record id"),
            ],
            &o.id,
        ),
    }
    x.texts("prefLabel", c.texts(&o.name));
    if let Some(site) = o
        .website
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let uri = if site.starts_with("http://") || site.starts_with("https://") {
            site.to_string()
        } else {
            format!("https://{site}")
        };
        x.empty("homepage", &[("uri", &uri)]);
    }
    match o.country.as_ref().and_then(|k| country_code(k.as_str())) {
        Some(country) => {
            x.open("hasLocation", &[]);
            x.leaf("id", &[], &c.ids.urn(Kind::Location, &o.id));
            x.open("hasAddress", &[]);
            if let Some(address) = &o.address {
                x.note("fullAddress", [(lang, address.as_str())], None);
            }
            x.code("country", &country);
            x.close("hasAddress");
            x.close("hasLocation");
        }
        None => x.empty("hasLocation", &[]),
    }
    x.close("organization");
}

fn scoring_schemes(x: &mut Xml, c: &Credential<'_>) {
    if c.schemes.is_empty() {
        return;
    }
    x.open("scoringSchemeReferences", &[]);
    for s in &c.schemes {
        x.open(
            "scoringScheme",
            &[("id", &c.ids.urn(Kind::GradingScheme, &s.id))],
        );
        x.identifier(vocab::SCHEME_RECORD, "europass record id", &s.id);
        let definition = serde_json::to_string(s).expect("a grading scheme serialises");
        x.identifier(
            vocab::SCHEME_GRADING_DEFINITION,
            "europass grading scheme definition",
            &definition,
        );
        let title: Vec<(&str, &str)> = c.texts(&s.name).collect();
        if title.is_empty() {
            x.texts("title", [(c.primary.as_str(), s.id.as_str())]);
        } else {
            x.texts("title", title);
        }
        x.note("description", [("en", describe_scale(s).as_str())], None);
        x.close("scoringScheme");
    }
    x.close("scoringSchemeReferences");
}

/// A grading scheme's values in plain English ("whole numbers 1 to 10, pass from 4").
pub(crate) fn describe_scale(s: &crate::model::GradingScheme) -> String {
    s.scale_in_words()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_xml_cannot_carry_are_dropped_and_the_rest_kept() {
        assert_eq!(clean("Vārds\u{1}\u{8} <&>\t\n"), "Vārds <&>\t\n");
        assert!(matches!(clean("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn decimals_are_written_as_the_schema_reads_them() {
        assert_eq!(decimal(3.0), "3");
        assert_eq!(decimal(1.5), "1.5");
    }
}
