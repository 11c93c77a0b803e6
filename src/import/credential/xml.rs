//! Europass credentials in XML (`europassCredential`, EDCI 1.2), read back
//! into the canonical model: those europass writes and those of other tools
//! that follow the same schema.
//!
//! The root element's namespace is checked (quick-xml itself ignores
//! namespaces), a `DOCTYPE` is refused and no entity beyond XML's five is
//! resolved. See `docs/credential-mapping.md` for which element becomes which field.

use std::collections::HashMap;

use super::xml_tree::{self, Element, TreeError};
use super::{
    LearnerNode, MobilityNode, OrganisationNode, OutcomeNode, QualificationNode, Records,
    ResultNode, UnitNode, first_text,
};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::credential as shared;
use crate::import::{ImportError, ReadOptions};
use crate::model::{
    CountryCode, CreditPoints, CreditSystem, CriterionRating, EqfLevel, Gender, Grade,
    MultilingualText, OrganisationRole, OutcomeCategory, RegistrationId, RegistrationScheme, Round,
};
use crate::vocab::{self, NoteTopic};

/// Reads `europassCredential` XML.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    let text = std::str::from_utf8(
        bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes),
    )
    .map_err(|e| ImportError::Corrupt {
        detail: format!("an XML file that is not UTF-8 text ({e})"),
    })?;
    let root = xml_tree::parse(text, options.limits.depth).map_err(|e| match e {
        TreeError::TooDeep(max) => ImportError::LimitExceeded {
            limit: "depth",
            detail: format!("an XML document whose elements nest more than {max} deep"),
        },
        TreeError::DocType => ImportError::Unsupported {
            what: "an XML document with a DOCTYPE declaration".into(),
            hint: "a Europass credential never has one, and europass does not read DTDs or external entities; remove the <!DOCTYPE …> line or ask the sender for the credential as issued".into(),
        },
        TreeError::Entity(name) => ImportError::Corrupt {
            detail: format!("an XML document that uses the entity &{name}; which it does not define (europass resolves no DTD or external entity)"),
        },
        TreeError::Malformed(m) => ImportError::Corrupt {
            detail: format!("an XML document that is not well-formed: {m}"),
        },
    })?;
    if root.name == "verifiablePresentation" && root.ns.as_deref() == Some(VP_NS) {
        return read_presentation(file, &root);
    }
    if root.name != "europassCredential" || root.ns.as_deref() != Some(vocab::SNB_NS) {
        let ns = root.ns.as_deref().unwrap_or("no namespace");
        return Err(ImportError::WrongType {
            found: if root.name == "europassCredential" {
                format!("a europassCredential in the wrong namespace ({ns})")
            } else {
                format!("an XML document whose root element is <{}> ({ns})", root.name)
            },
            expected: format!(
                "a Europass credential (<europassCredential> in namespace {})",
                vocab::SNB_NS
            ),
            hint: "give a Europass credential XML file (europass convert --to xml writes them), or a spreadsheet".into(),
        });
    }
    let primary = primary_language(&root);
    let records = Reader::new(file, &root, Records::new(&primary), String::new()).read();
    Ok(records.finish(file))
}

/// Namespace of the XML verifiable presentation that wraps credentials.
const VP_NS: &str = "http://data.europa.eu/snb/vp";

/// A verifiable presentation: each credential inside read into one round
/// (their specifications kept apart, as each credential numbers its own),
/// its signature noted as not checked.
fn read_presentation(file: &str, root: &Element) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    let credentials: Vec<&Element> = root
        .children
        .iter()
        .filter(|c| c.name == "europassCredential" && c.ns.as_deref() == Some(vocab::SNB_NS))
        .collect();
    let Some(first) = credentials.first() else {
        return Err(ImportError::WrongType {
            found: "a verifiable presentation that holds no europassCredential".into(),
            expected: "a Europass credential, or a presentation of one".into(),
            hint: "ask the learner for the presentation with its credentials, or for the credentials themselves".into(),
        });
    };
    let mut records = Records::new(&primary_language(first));
    for (i, c) in credentials.iter().enumerate() {
        records = Reader::new(file, c, records, format!("credential {} ", i + 1)).read();
    }
    let (round, mut notes) = records.finish(file);
    if root.child("proof").is_some_and(|p| !p.children.is_empty()) {
        notes.push(
            Diagnostic::info(
                Code::SignatureNotVerified,
                Location::file(file),
                format!("a signed presentation of {} credential(s): its content was read, its signature was not checked", credentials.len()),
            )
            .with_hint("verify the signature with the Europass Digital Credentials viewer if the credential's origin matters"),
        );
    }
    Ok((round, notes))
}

/// The credential's primary language (`en` when it names none).
fn primary_language(root: &Element) -> String {
    root.child("primaryLanguage")
        .map(|p| p.value().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "en".into())
}

/// Record ids, codes and other identifiers of an element, by scheme.
fn identifiers(el: &Element) -> Vec<(&str, &str)> {
    el.all("identifier")
        .map(|i| (i.attr("schemeID").unwrap_or(""), i.value()))
        .collect()
}

fn identifier<'a>(el: &'a Element, scheme: &str) -> Option<&'a str> {
    el.all("identifier")
        .find(|i| i.attr("schemeID") == Some(scheme))
        .map(Element::value)
        .filter(|v| !v.is_empty())
}

/// The texts of a `TextType` or `NoteType` element.
fn texts(el: Option<&Element>) -> MultilingualText {
    let mut t = MultilingualText::new();
    if let Some(el) = el {
        for text in el.all("text") {
            if let Some(lang) = text.attr("lang") {
                t.set(lang, text.text.clone());
            }
        }
    }
    t
}

fn topic(note: &Element) -> Option<NoteTopic> {
    note.child("subject")
        .and_then(|s| NoteTopic::from_label(s.value()))
}

/// The additional note on this topic.
fn note(el: &Element, t: NoteTopic) -> MultilingualText {
    texts(el.all("additionalNote").find(|n| topic(n) == Some(t)))
}

fn credit_points(el: &Element) -> Vec<CreditPoints> {
    let mut out = Vec::new();
    for (name, default) in [
        ("hasECTSCreditPoints", CreditSystem::Ects),
        ("hasCreditPoints", CreditSystem::Ecvet),
    ] {
        for p in el.all(name) {
            let system = p
                .attr("schemeID")
                .and_then(vocab::credit_system_from)
                .unwrap_or(default.clone());
            if let Ok(value) = p.value().parse::<f64>() {
                out.push(CreditPoints { value, system });
            }
        }
    }
    out
}

fn eqf(el: Option<&Element>) -> Option<EqfLevel> {
    let uri = el?.attr("uri")?;
    uri.strip_prefix(vocab::EQF_LEVEL_PREFIX)?
        .parse::<u8>()
        .ok()
        .and_then(EqfLevel::new)
}

/// A `learningOutcome` of the references.
fn outcome(o: &Element) -> OutcomeNode {
    OutcomeNode {
        record: identifier(o, vocab::SCHEME_RECORD).map(str::to_string),
        text: texts(o.child("prefLabel")),
        category: o
            .child("learningOutcomeType")
            .and_then(|t| t.attr("uri"))
            .and_then(vocab::skill_type_from)
            // No type: no category, never a guessed one.
            .unwrap_or(OutcomeCategory::Unspecified),
        esco_uri: o
            .child("relatedEscoSkill")
            .and_then(|s| s.attr("uri"))
            .map(str::to_string),
        details: o.all("description").map(|d| texts(Some(d))).collect(),
    }
}

/// Whether an element is an achievement described in place (not a reference).
fn is_achievement(el: &Element) -> bool {
    (el.name == "learningAchievement" || el.name == "qualificationAward")
        && el.attr("idref").is_none()
}

/// The ids of the assessments every achievement (at any depth) was derived
/// from: a part of an assessment with one of these ids is the result of a
/// nested achievement, read there, not a criterion of its parent.
fn assessments_of_achievements<'a>(el: &'a Element, out: &mut Vec<&'a str>) {
    for c in &el.children {
        if is_achievement(c) {
            out.extend(c.all("wasDerivedFrom").filter_map(|d| d.attr("id")));
        }
        assessments_of_achievements(c, out);
    }
}

/// Where an achievement stands: whose, in which mobility, part of which unit.
struct Achieved<'s> {
    learner: &'s str,
    mobility: Option<&'s str>,
    /// The unit of the achievement this one is a part of.
    parent: Option<&'s str>,
    part_assessments: &'s [&'s str],
}

struct Reader<'a> {
    file: &'a str,
    root: &'a Element,
    primary: String,
    orgs: HashMap<&'a str, &'a Element>,
    specs: HashMap<&'a str, &'a Element>,
    outcomes: HashMap<&'a str, &'a Element>,
    activity_specs: HashMap<&'a str, &'a Element>,
    assessment_specs: HashMap<&'a str, &'a Element>,
    schemes: HashMap<&'a str, &'a Element>,
    records: Records,
    scope: String,
}

fn index<'a>(root: &'a Element, section: &str) -> HashMap<&'a str, &'a Element> {
    root.child(section)
        .map(|s| {
            s.children
                .iter()
                .filter_map(|c| c.attr("id").map(|id| (id, c)))
                .collect()
        })
        .unwrap_or_default()
}

impl<'a> Reader<'a> {
    /// A reader of the credential `root` adding to `records`; `scope`
    /// tells its specifications from another credential's of the same id.
    fn new(file: &'a str, root: &'a Element, records: Records, scope: String) -> Self {
        Self {
            file,
            root,
            records,
            primary: primary_language(root),
            scope,
            // `organisationReferences` is the section's name in credentials
            // of EDCI versions before 1.2.
            orgs: index(root, "agentReferences")
                .into_iter()
                .chain(index(root, "organisationReferences"))
                .collect(),
            specs: index(root, "learningSpecificationReferences"),
            outcomes: index(root, "learningOutcomeReferences"),
            activity_specs: index(root, "learningActivitySpecificationReferences"),
            assessment_specs: index(root, "assessmentSpecificationReferences"),
            schemes: index(root, "scoringSchemeReferences"),
        }
    }

    fn skip(&mut self, what: String) {
        self.records.diagnostics.push(
            Diagnostic::warning(
                Code::CredentialContentSkipped,
                Location::file(self.file),
                what,
            )
            .with_hint("the rest of the credential is read; ask its issuer for a corrected one"),
        );
    }

    fn read(mut self) -> Records {
        let issuer = self
            .root
            .child("issuer")
            .and_then(|i| i.attr("idref"))
            .and_then(|id| self.organisation(id, OrganisationRole::Sending));
        let Some(subject) = self.root.child("credentialSubject") else {
            self.skip("the credential names no credentialSubject (learner)".into());
            return self.records;
        };
        let learner = self.learner(subject);
        let learner_id = self.records.learner(learner);

        let activities: Vec<&Element> = subject
            .child("activities")
            .map(|a| a.all("activity").collect())
            .unwrap_or_default();
        let mut mobility_ids = Vec::new();
        for a in &activities {
            let m = self.mobility(a);
            mobility_ids.push(self.records.mobility(m, &learner_id, issuer.as_deref()));
        }
        let only_mobility = (mobility_ids.len() == 1).then(|| mobility_ids[0].clone());
        if let Some(achievements) = subject.child("achievements") {
            let mut part_assessments = Vec::new();
            assessments_of_achievements(achievements, &mut part_assessments);
            let at = Achieved {
                learner: &learner_id,
                mobility: only_mobility.as_deref(),
                parent: None,
                part_assessments: &part_assessments,
            };
            for a in achievements.children.iter().filter(|c| is_achievement(c)) {
                self.achievement(a, &at);
            }
        }
        self.records
    }

    fn organisation(&mut self, id: &str, role: OrganisationRole) -> Option<String> {
        let Some(el) = self.orgs.get(id).copied() else {
            self.skip(format!(
                "the credential refers to organisation {id}, which it does not describe"
            ));
            return None;
        };
        let name = texts(el.child("prefLabel"));
        let mut registration_ids = Vec::new();
        let registration = |scheme: &str| match scheme {
            vocab::SCHEME_PIC => Some(RegistrationScheme::Pic),
            vocab::SCHEME_OID => Some(RegistrationScheme::Oid),
            vocab::SCHEME_NATIONAL_REGISTER => Some(RegistrationScheme::National),
            _ => None,
        };
        if let Some(r) = el.child("registration") {
            let scheme = r.attr("schemeID").unwrap_or("");
            if scheme != vocab::SCHEME_RECORD && !r.value().is_empty() {
                registration_ids.push(RegistrationId {
                    scheme: registration(scheme).unwrap_or(RegistrationScheme::National),
                    value: r.value().to_string(),
                });
            }
        }
        for (scheme, value) in identifiers(el) {
            if let Some(s) = registration(scheme) {
                registration_ids.push(RegistrationId {
                    scheme: s,
                    value: value.to_string(),
                });
            }
        }
        let address_el = el.child("hasLocation").and_then(|l| l.child("hasAddress"));
        let contact = el.child("contactPoint");
        let org = OrganisationNode {
            record: identifier(el, vocab::SCHEME_RECORD).map(str::to_string),
            role: Some(role),
            country: address_el
                .and_then(|a| a.child("country"))
                .and_then(|c| c.attr("uri"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            address: address_el
                .map(|a| first_text(&texts(a.child("fullAddress")), &self.primary))
                .filter(|a| !a.is_empty()),
            phone: contact
                .and_then(|c| c.child("phone"))
                .and_then(|p| p.child("phoneNumber"))
                .map(|p| p.value().to_string()),
            email: contact
                .and_then(|c| c.child("mailBox"))
                .and_then(|m| m.attr("uri"))
                .map(|u| u.trim_start_matches("mailto:").to_string()),
            website: el
                .child("homepage")
                .and_then(|h| h.attr("uri"))
                .map(str::to_string),
            registration_ids,
            name,
        };
        Some(self.records.organisation(org))
    }

    fn learner(&mut self, s: &Element) -> LearnerNode {
        let given = first_text(&texts(s.child("givenNames")), &self.primary);
        let family = first_text(&texts(s.child("familyName")), &self.primary);
        let birth = s
            .child("dateOfBirth")
            .and_then(|d| self.records.date("date of birth", d.value()));
        let national = s
            .child("nationalId")
            .map(|n| n.value().to_string())
            .or_else(|| identifier(s, vocab::SCHEME_NATIONAL_ID).map(str::to_string));
        let school = identifier(s, vocab::SCHEME_SCHOOL_ID).map(str::to_string);
        let contact = s.child("contactPoint");
        LearnerNode {
            record: identifier(s, vocab::SCHEME_RECORD).map(str::to_string),
            given_names: given,
            family_name: family,
            date_of_birth: birth,
            nationality: s
                .child("citizenshipCountry")
                .and_then(|c| c.attr("uri"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            email: contact
                .and_then(|c| c.child("mailBox"))
                .and_then(|m| m.attr("uri"))
                .map(|u| u.trim_start_matches("mailto:").to_string()),
            phone: contact
                .and_then(|c| c.child("phone"))
                .and_then(|p| p.child("phoneNumber"))
                .map(|p| p.value().to_string()),
            address: contact
                .and_then(|c| c.child("address"))
                .map(|a| first_text(&texts(a.child("fullAddress")), &self.primary))
                .filter(|a| !a.is_empty()),
            address_country: contact
                .and_then(|c| c.child("address"))
                .and_then(|a| a.child("country"))
                .and_then(|c| c.attr("uri"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            national_id: national,
            school_id: school,
            gender: s.child("gender").and_then(|g| g.attr("uri")).and_then(|u| {
                match u.rsplit('/').next() {
                    Some("FEMALE") => Some(Gender::Female),
                    Some("MALE") => Some(Gender::Male),
                    _ => None,
                }
            }),
        }
    }

    fn mobility(&mut self, a: &Element) -> MobilityNode {
        let host = a
            .child("directedBy")
            .and_then(|d| d.attr("idref"))
            .and_then(|id| self.organisation(id, OrganisationRole::Host));
        let start = a
            .child("startedAtTime")
            .and_then(|d| self.records.date("start of the activity", d.value()));
        let spec = a
            .child("specifiedBy")
            .and_then(|s| s.attr("idref"))
            .and_then(|id| self.activity_specs.get(id).copied());
        let mut units = Vec::new();
        let mut qualification = None;
        if let Some(spec) = spec {
            for t in spec.all("teaches").filter_map(|t| t.attr("idref")) {
                let Some(el) = self.specs.get(t).copied() else {
                    continue;
                };
                if el.name == "qualification" {
                    qualification = Some(self.qualification(el));
                } else {
                    units.push(self.unit(el, None));
                }
            }
        }
        MobilityNode {
            record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
            erasmus_id: identifier(a, vocab::SCHEME_MOBILITY_ID).map(str::to_string),
            project_code: identifier(a, vocab::SCHEME_PROJECT_CODE).map(str::to_string),
            host,
            mentor: None,
            units,
            qualification,
            start,
            end: a
                .child("endedAtTime")
                .and_then(|d| self.records.date("end of the activity", d.value())),
            objective: texts(spec.and_then(|s| s.child("description"))),
            tasks: texts(a.child("description")),
            language: spec
                .and_then(|s| s.child("language"))
                .and_then(|l| l.attr("uri"))
                .and_then(vocab::language_from),
        }
    }

    fn qualification(&mut self, el: &Element) -> String {
        let title = texts(el.child("title"));
        let code = identifier(el, vocab::SCHEME_QUALIFICATION_CODE).map(str::to_string);
        let q = QualificationNode {
            record: identifier(el, vocab::SCHEME_RECORD).map(str::to_string),
            code,
            title,
            eqf_level: eqf(el.child("eqfLevel")),
            nqf_level: el
                .all("nqfLevel")
                .find_map(|l| vocab::nqf_level_from(l.attr("uri")?)),
            credit_points: credit_points(el),
        };
        self.records.qualification(q)
    }

    fn unit(&mut self, el: &Element, part_of: Option<&str>) -> String {
        let mut unit = UnitNode {
            spec: el.attr("id").map(|id| format!("{}{id}", self.scope)),
            part_of: part_of.map(str::to_string),
            record: identifier(el, vocab::SCHEME_RECORD).map(str::to_string),
            code: identifier(el, vocab::SCHEME_UNIT_CODE).map(str::to_string),
            title: texts(el.child("title")),
            area_of_work: note(el, NoteTopic::AreaOfWork),
            description: texts(el.child("description")),
            eqf_level: eqf(el
                .all("hasEducationLevel")
                .find(|l| l.attr("targetFrameworkUrl") == Some(vocab::EQF_SCHEME))),
            nqf_level: el
                .all("hasEducationLevel")
                .find_map(|l| vocab::nqf_level_from(l.attr("uri")?)),
            credit_points: credit_points(el),
            ..UnitNode::default()
        };
        let refs: Vec<&str> = el
            .child("learningOutcomes")
            .map(|l| {
                l.all("learningOutcome")
                    .filter_map(|o| o.attr("idref"))
                    .collect()
            })
            .unwrap_or_default();
        for r in refs {
            let Some(o) = self.outcomes.get(r).copied() else {
                let id = unit.id(&self.primary);
                self.skip(format!("unit {id} refers to learning outcome {r}, which the credential does not describe"));
                continue;
            };
            unit.outcomes.push(outcome(o));
        }
        // The qualification that lists this unit among its parts.
        let spec_id = el.attr("id").unwrap_or("");
        let parent = self
            .specs
            .values()
            .copied()
            .filter(|q| q.name == "qualification")
            .find(|q| q.all("hasPart").any(|p| p.attr("idref") == Some(spec_id)));
        unit.qualification = parent.map(|q| self.qualification(q));
        self.records.unit(unit)
    }

    fn grade(&mut self, el: Option<&Element>, spec_scheme: Option<&str>) -> Option<Grade> {
        let el = el?;
        let value = el.value();
        if value.is_empty() {
            return None;
        }
        let scheme_ref = el.attr("schemeID").or(spec_scheme);
        let scheme = match scheme_ref.and_then(|r| self.schemes.get(r).copied()) {
            Some(s) => {
                let (id, def) = shared::grading_scheme(
                    identifier(s, vocab::SCHEME_RECORD),
                    identifier(s, vocab::SCHEME_GRADING_DEFINITION),
                    &texts(s.child("title")),
                    &texts(s.child("description")),
                );
                self.records.scheme(&id, def);
                id
            }
            None => {
                let (id, def) = shared::grading_scheme(
                    scheme_ref,
                    None,
                    &MultilingualText::new(),
                    &MultilingualText::new(),
                );
                self.records.scheme(&id, def);
                id
            }
        };
        Some(Grade {
            value: value.to_string(),
            scheme,
        })
    }

    /// The unit an achievement is of: its specification's, else (an
    /// achievement that names none, as a joint achievement often does) one
    /// made of the achievement's own title and description.
    fn achievement_unit(&mut self, a: &Element, parent: Option<&str>) -> String {
        if let Some(spec) = a
            .child("specifiedBy")
            .and_then(|s| s.attr("idref"))
            .and_then(|id| self.specs.get(id).copied())
        {
            return self.unit(spec, parent);
        }
        self.records.unit(UnitNode {
            record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
            title: texts(a.child("title")),
            description: texts(a.child("description")),
            spec: a.attr("id").map(|id| format!("{}{id}", self.scope)),
            part_of: parent.map(str::to_string),
            ..UnitNode::default()
        })
    }

    /// An achievement as a result of its unit, and its parts (`hasPart`) as
    /// results of units that are parts of it.
    fn achievement(&mut self, a: &Element, at: &Achieved<'_>) {
        let unit = self.achievement_unit(a, at.parent);
        let assessment = a.child("wasDerivedFrom");
        let assessment_spec = assessment
            .and_then(|s| s.child("specifiedBy"))
            .and_then(|s| s.attr("idref"))
            .and_then(|id| self.assessment_specs.get(id).copied());
        let spec_scheme = assessment_spec
            .and_then(|s| s.child("gradingScheme"))
            .and_then(|g| g.attr("idref"));
        let grade = self.grade(assessment.and_then(|s| s.child("grade")), spec_scheme);
        let mut criteria = Vec::new();
        for part in assessment
            .map(|s| s.all("hasPart").collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if part
                .attr("id")
                .is_some_and(|id| at.part_assessments.contains(&id))
            {
                continue;
            }
            if let Some(value) = self.grade(part.child("grade"), None) {
                criteria.push(CriterionRating {
                    criterion: texts(part.child("title")),
                    value,
                });
            }
        }
        let result = ResultNode {
            record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
            criteria,
            grade,
            achieved: shared::achievement_from(&note(a, NoteTopic::Achievement)),
            credit_points: Vec::new(),
            date: assessment
                .and_then(|s| s.child("issuedDate"))
                .and_then(|d| self.records.date("date of the assessment", d.value())),
            method: texts(assessment_spec.and_then(|s| s.child("description"))),
            assessor: None,
            remarks: texts(assessment.and_then(|s| s.child("description"))),
            deviations: assessment
                .map(|s| note(s, NoteTopic::Deviations))
                .unwrap_or_default(),
        };
        // A result europass wrote, named twice, is read once.
        let _ = self
            .records
            .result(result, at.learner, unit.clone(), at.mobility);
        let inner = Achieved {
            parent: Some(&unit),
            ..*at
        };
        for part in a.all("hasPart").flat_map(|p| p.children.iter()) {
            if is_achievement(part) {
                self.achievement(part, &inner);
            }
        }
    }
}
