//! European Digital Credentials in JSON-LD (ELM 3, VC data model 1.1 or
//! 2.0), read back into the canonical model: those europass writes and those
//! of other issuers that follow the same model.
//!
//! The document is read as JSON, not expanded as JSON-LD (that would fetch
//! contexts from the network): nodes are found by their `id`, and a node
//! given in full once and referred to by id elsewhere is read in full
//! everywhere. See `docs/credential-mapping.md` for the mapping.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    ContactNode, LearnerNode, MobilityNode, OrganisationNode, OutcomeNode, QualificationNode,
    Records, ResultNode, UnitNode, first_text,
};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::ImportError;
use crate::import::credential as shared;
use crate::model::{
    ContactRole, CountryCode, CreditPoints, CreditSystem, CriterionRating, EqfLevel, Gender, Grade,
    MultilingualText, NqfLevel, OrganisationRole, OutcomeCategory, RegistrationId,
    RegistrationScheme, Round,
};
use crate::vocab::{self, NoteTopic};

/// Reads one JSON-LD credential, a presentation of credentials, or either
/// of them flattened into an `@graph`.
pub(crate) fn read(file: &str, doc: &Value) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    let embedded;
    let doc = if doc.get("@graph").is_some() {
        embedded = unflatten(doc)?;
        &embedded
    } else {
        doc
    };
    if types(doc).contains(&"VerifiablePresentation") {
        return read_presentation(file, doc);
    }
    check(doc, &contexts(doc))?;
    let records = read_into(file, doc, None);
    Ok(records.finish(file))
}

fn contexts(doc: &Value) -> Vec<&str> {
    many(doc.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// Refuses what is not a European Digital Credential, saying what it is.
fn check(doc: &Value, contexts: &[&str]) -> Result<(), ImportError> {
    let types = types(doc);
    if !types.contains(&"VerifiableCredential") {
        return Err(ImportError::WrongType {
            found: "a JSON-LD document that is not a verifiable credential (its type lacks VerifiableCredential)".into(),
            expected: "a European Digital Credential".into(),
            hint: "give a Europass credential (.jsonld) as issued, or a round.json".into(),
        });
    }
    if !contexts.contains(&vocab::VC2_CONTEXT) && !contexts.contains(&vocab::VC1_CONTEXT) {
        return Err(ImportError::WrongType {
            found: format!(
                "a credential whose @context ({}) is not the W3C verifiable credentials context",
                contexts.join(", ")
            ),
            expected: "a European Digital Credential".into(),
            hint: "give a Europass credential (.jsonld) as issued".into(),
        });
    }
    if !types.contains(&"EuropeanDigitalCredential") && !contexts.contains(&vocab::EDC_CONTEXT) {
        return Err(ImportError::WrongType {
            found: "a verifiable credential that is not a European Digital Credential (neither its type nor its @context says EDC)".into(),
            expected: "a European Digital Credential".into(),
            hint: "europass reads Europass credentials (ELM); other credentials have no mobility to read".into(),
        });
    }
    Ok(())
}

/// Reads one credential into `records` (new ones in its primary language
/// when none are given).
fn read_into(file: &str, doc: &Value, records: Option<Records>) -> Records {
    let mut index = HashMap::new();
    collect(doc, &mut index);
    let primary = doc
        .get("displayParameter")
        .and_then(|d| d.get("primaryLanguage"))
        .and_then(|l| l.get("id"))
        .and_then(Value::as_str)
        .and_then(vocab::language_from)
        .unwrap_or_else(|| "en".into());
    let records = records.unwrap_or_else(|| Records::new(&primary));
    Reader {
        file,
        index,
        records,
        primary,
    }
    .read(doc)
}

/// A verifiable presentation: each credential inside read into one round,
/// its holder linked to the learners of those credentials in a note.
fn read_presentation(file: &str, vp: &Value) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    let outer = contexts(vp);
    let mut records: Option<Records> = None;
    let mut skipped = Vec::new();
    let mut subjects = Vec::new();
    let all = many(vp.get("verifiableCredential"));
    for (i, c) in all.iter().enumerate() {
        if !c.is_object() {
            // A credential as a JWT or a link: there is no content to read here.
            skipped.push(format!(
                "credential {} of the presentation is not embedded as JSON-LD (a signed token or a link); ask the learner for it as issued",
                i + 1
            ));
            continue;
        }
        let mut ctx = contexts(c);
        if ctx.is_empty() {
            ctx = outer.clone();
        }
        check(c, &ctx).map_err(|e| match e {
            ImportError::WrongType {
                found,
                expected,
                hint,
            } => ImportError::WrongType {
                found: format!("a presentation whose credential {} is {found}", i + 1),
                expected,
                hint,
            },
            other => other,
        })?;
        for s in many(c.get("credentialSubject")) {
            if let Some(id) = string(s, "id") {
                subjects.push(id.to_string());
            }
        }
        records = Some(read_into(file, c, records));
    }
    let Some(records) = records else {
        return Err(ImportError::WrongType {
            found: "a verifiable presentation that holds no credential europass can read".into(),
            expected: "a European Digital Credential, or a presentation of one".into(),
            hint: "ask the learner for the presentation with its credentials embedded, or for the credentials themselves".into(),
        });
    };
    let (round, mut notes) = records.finish(file);
    for what in skipped {
        notes.push(
            Diagnostic::warning(Code::CredentialContentSkipped, Location::file(file), what)
                .with_hint("the other credentials of the presentation are read"),
        );
    }
    if let Some(holder) = vp.get("holder").and_then(|h| match h {
        Value::String(s) => Some(s.as_str()),
        h => string(h, "id"),
    }) {
        notes.push(holder_note(file, holder, &subjects));
    }
    if vp.get("proof").is_some() {
        notes.push(
            Diagnostic::info(
                Code::SignatureNotVerified,
                Location::file(file),
                "a signed presentation: its content was read, its signature was not checked",
            )
            .with_hint("verify the signature with the Europass Digital Credentials viewer if the credential's origin matters"),
        );
    }
    Ok((round, notes))
}

/// Whether the presentation's holder is the learner its credentials are about.
fn holder_note(file: &str, holder: &str, subjects: &[String]) -> Diagnostic {
    if subjects.iter().all(|s| s == holder) && !subjects.is_empty() {
        Diagnostic::info(
            Code::PresentationHolder,
            Location::file(file),
            format!(
                "a presentation by its learner ({holder}), the subject of each credential in it"
            ),
        )
    } else {
        Diagnostic::warning(
            Code::PresentationHolder,
            Location::file(file),
            format!(
                "the presentation's holder {holder} is not the learner of every credential in it ({}); the credentials were read as they are",
                if subjects.is_empty() { "they name no learner id".to_string() } else { subjects.join(", ") }
            ),
        )
        .with_hint("check that the learner presented their own credentials")
    }
}

/// The deepest chain of references a flattened graph is embedded along.
const GRAPH_DEPTH: usize = 200;
/// The most values embedding a flattened graph may produce (a graph whose
/// nodes refer to each other many times over must not grow without end).
const GRAPH_VALUES: usize = 2_000_000;

/// A flattened JSON-LD document (`@graph` of nodes referring to each other
/// by id) as the tree of its credential or presentation, each reference to
/// a node of the graph replaced by that node.
fn unflatten(doc: &Value) -> Result<Value, ImportError> {
    let graph = many(doc.get("@graph"));
    let mut index: HashMap<&str, &Value> = HashMap::new();
    for n in &graph {
        if let Some(id) = string(n, "id") {
            index.insert(id, n);
        }
    }
    let root = graph
        .iter()
        .find(|n| types(n).contains(&"VerifiablePresentation"))
        .or_else(|| {
            graph
                .iter()
                .find(|n| types(n).contains(&"VerifiableCredential"))
        })
        .ok_or_else(|| ImportError::WrongType {
            found:
                "a JSON-LD @graph with no node typed VerifiableCredential or VerifiablePresentation"
                    .into(),
            expected: "a European Digital Credential".into(),
            hint: "give a Europass credential (.jsonld) as issued".into(),
        })?;
    let mut path: Vec<&str> = string(root, "id").into_iter().collect();
    let mut budget = GRAPH_VALUES;
    let mut tree = embed(root, &index, &mut path, &mut budget)?;
    if let (Value::Object(o), Some(ctx)) = (&mut tree, doc.get("@context")) {
        o.entry("@context").or_insert_with(|| ctx.clone());
    }
    Ok(tree)
}

fn embed<'a>(
    v: &'a Value,
    index: &HashMap<&'a str, &'a Value>,
    path: &mut Vec<&'a str>,
    budget: &mut usize,
) -> Result<Value, ImportError> {
    *budget = budget.checked_sub(1).ok_or_else(|| ImportError::LimitExceeded {
        limit: "size",
        detail: format!("a flattened JSON-LD graph whose nodes refer to each other so often that it unfolds into more than {GRAPH_VALUES} values"),
    })?;
    // A reference: a bare id, or an object with nothing but an id.
    let reference = match v {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) if o.len() == 1 => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    if let Some(id) = reference
        && let Some(node) = index.get(id)
        && !path.contains(&id)
    {
        if path.len() >= GRAPH_DEPTH {
            return Err(ImportError::LimitExceeded {
                limit: "depth",
                detail: format!(
                    "a flattened JSON-LD graph whose references chain more than {GRAPH_DEPTH} deep"
                ),
            });
        }
        path.push(id);
        let out = embed(node, index, path, budget);
        path.pop();
        return out;
    }
    Ok(match v {
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, x) in o {
                // Ids and types name things; they are never references to embed.
                let x = if k == "id" || k == "type" || k == "@context" {
                    x.clone()
                } else {
                    embed(x, index, path, budget)?
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| embed(x, index, path, budget))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Every node with an `id`, keeping its fullest description.
fn collect<'a>(v: &'a Value, index: &mut HashMap<&'a str, &'a Value>) {
    match v {
        Value::Object(o) => {
            if let Some(id) = o.get("id").and_then(Value::as_str)
                && o.len() > 1
            {
                let fuller = index
                    .get(id)
                    .and_then(|old| old.as_object())
                    .is_none_or(|old| old.len() < o.len());
                if fuller {
                    index.insert(id, v);
                }
            }
            for x in o.values() {
                collect(x, index);
            }
        }
        Value::Array(a) => {
            for x in a {
                collect(x, index);
            }
        }
        _ => {}
    }
}

/// Whether two nodes are one: the same id (a node described in full in two
/// places), or the same value.
fn same(a: &Value, b: &Value) -> bool {
    match (string(a, "id"), string(b, "id")) {
        (Some(x), Some(y)) => x == y,
        _ => std::ptr::eq(a, b),
    }
}

/// A value or the items of an array.
fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(x) => vec![x],
    }
}

/// A person: the `Person` of older europass credentials and of other
/// issuers, or the `Agent` a mentor or assessor is written as.
fn is_person(n: &Value) -> bool {
    let t = types(n);
    t.contains(&"Person") || t.contains(&"Agent")
}

fn types(v: &Value) -> Vec<&str> {
    many(v.get("type"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

fn string<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A language map: each language's text (the first, when a list is given).
fn lang(v: Option<&Value>) -> MultilingualText {
    let mut t = MultilingualText::new();
    if let Some(Value::Object(o)) = v {
        for (l, x) in o {
            let text = match x {
                Value::String(s) => Some(s.as_str()),
                Value::Array(a) => a.iter().find_map(Value::as_str),
                _ => None,
            };
            if let Some(text) = text {
                t.set(l, text);
            }
        }
    }
    t
}

/// The identifier of `node` in `scheme`.
fn identifier<'a>(node: &'a Value, scheme: &str) -> Option<&'a str> {
    many(node.get("identifier"))
        .into_iter()
        .find(|i| string(i, "schemeId") == Some(scheme))
        .and_then(|i| string(i, "notation"))
}

fn topic(note: &Value) -> Option<NoteTopic> {
    let label = lang(note.get("subject").and_then(|s| s.get("prefLabel")));
    label.texts().find_map(NoteTopic::from_label)
}

/// The note on this topic among `node[key]`.
fn note(node: &Value, key: &str, t: NoteTopic) -> MultilingualText {
    many(node.get(key))
        .into_iter()
        .find(|n| topic(n) == Some(t))
        .map(|n| lang(n.get("noteLiteral")))
        .unwrap_or_default()
}

fn credit_points(v: Option<&Value>) -> Vec<CreditPoints> {
    many(v)
        .into_iter()
        .filter_map(|p| {
            let value: f64 = match p.get("point") {
                Some(Value::String(s)) => s.trim().replace(',', ".").parse().ok()?,
                Some(Value::Number(n)) => n.as_f64()?,
                _ => return None,
            };
            let framework = p.get("framework")?;
            let system = string(framework, "id")
                .and_then(vocab::credit_system_from)
                .or_else(|| {
                    string(framework, "notation").map(|n| CreditSystem::National(n.to_string()))
                })?;
            Some(CreditPoints { value, system })
        })
        .collect()
}

fn eqf(v: Option<&Value>) -> Option<EqfLevel> {
    many(v).into_iter().find_map(|c| {
        string(c, "id")?
            .strip_prefix(vocab::EQF_LEVEL_PREFIX)?
            .parse::<u8>()
            .ok()
            .and_then(EqfLevel::new)
    })
}

/// A national level europass wrote (its own concept of the level).
fn nqf(v: Option<&Value>) -> Option<NqfLevel> {
    many(v)
        .into_iter()
        .find_map(|c| vocab::nqf_level_from(string(c, "id")?))
}

struct Reader<'a> {
    file: &'a str,
    index: HashMap<&'a str, &'a Value>,
    primary: String,
    records: Records,
}

impl<'a> Reader<'a> {
    /// The full node a value stands for: itself, or the node its id names.
    fn node(&self, v: &'a Value) -> &'a Value {
        let id = match v {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get("id").and_then(Value::as_str),
            _ => None,
        };
        match id.and_then(|id| self.index.get(id)) {
            Some(full) if full.as_object().map(|o| o.len()) > v.as_object().map(|o| o.len()) => {
                full
            }
            _ => v,
        }
    }

    /// The calendar date of a date-only member (see [`shared::calendar_date`]).
    fn date(&mut self, v: &Value, key: &str, what: &str) -> Option<chrono::NaiveDate> {
        let text = string(v, key)?;
        self.records.date(what, text)
    }

    fn nodes(&self, v: Option<&'a Value>) -> Vec<&'a Value> {
        many(v).into_iter().map(|x| self.node(x)).collect()
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

    fn read(mut self, doc: &'a Value) -> Records {
        let issuer = doc
            .get("issuer")
            .map(|i| self.node(i))
            .and_then(|i| self.organisation(i, Some(OrganisationRole::Sending)));
        let Some(subject) = self.nodes(doc.get("credentialSubject")).into_iter().next() else {
            self.skip("the credential has no credentialSubject (learner)".into());
            return self.records;
        };
        let learner = self.learner(subject);
        let learner_id = self.records.learner(learner);

        // Claims, and the claims inside them (parts, activities behind achievements).
        let mut activities: Vec<&Value> = Vec::new();
        let mut achievements: Vec<&Value> = Vec::new();
        let mut queue = self.nodes(subject.get("hasClaim"));
        while let Some(claim) = queue.pop() {
            let t = types(claim);
            if t.contains(&"LearningActivity") {
                if !activities.iter().any(|a| same(a, claim)) {
                    activities.push(claim);
                }
            } else if t.contains(&"LearningAchievement") {
                if achievements.iter().any(|a| same(a, claim)) {
                    continue;
                }
                achievements.push(claim);
                queue.extend(self.nodes(claim.get("hasPart")));
                queue.extend(self.nodes(claim.get("influencedBy")));
            }
        }
        // Document order, whatever order the claims were found in.
        let order = |v: &&Value| string(v, "id").map(str::to_string);
        activities.sort_by_key(order);
        achievements.sort_by_key(order);

        let mut mobility_ids = Vec::new();
        for a in &activities {
            let m = self.mobility(a);
            mobility_ids.push(self.records.mobility(m, &learner_id, issuer.as_deref()));
        }
        let only = (mobility_ids.len() == 1).then(|| mobility_ids[0].clone());
        // Parts are read after the achievement they are parts of, linked to it.
        let part_ids: Vec<&str> = achievements
            .iter()
            .flat_map(|a| self.nodes(a.get("hasPart")))
            .filter_map(|p| string(p, "id"))
            .collect();
        let mut done: Vec<&Value> = Vec::new();
        for a in &achievements {
            if string(a, "id").is_some_and(|id| part_ids.contains(&id)) {
                continue;
            }
            self.achievement_tree(a, &learner_id, only.as_deref(), None, &mut done);
        }
        // Parts of parts that form a cycle, never reached from a top achievement.
        for a in &achievements {
            if !done.iter().any(|d| same(d, a)) {
                self.achievement_tree(a, &learner_id, only.as_deref(), None, &mut done);
            }
        }
        self.records
    }

    fn organisation(&mut self, n: &'a Value, role: Option<OrganisationRole>) -> Option<String> {
        if !types(n).is_empty() && !types(n).contains(&"Organisation") {
            return None;
        }
        let name = lang(n.get("legalName").or(n.get("prefLabel")));
        if name.is_empty() && string(n, "id").is_none() {
            return None;
        }
        let scheme = |s: Option<&str>| match s {
            Some(vocab::SCHEME_PIC) => Some(RegistrationScheme::Pic),
            Some(vocab::SCHEME_OID) => Some(RegistrationScheme::Oid),
            Some(vocab::SCHEME_NATIONAL_REGISTER) => Some(RegistrationScheme::National),
            _ => None,
        };
        let mut registration_ids = Vec::new();
        if let Some(r) = n.get("registration")
            && let Some(value) = string(r, "notation")
            && string(r, "schemeId") != Some(vocab::SCHEME_RECORD)
        {
            registration_ids.push(RegistrationId {
                scheme: scheme(string(r, "schemeId")).unwrap_or(RegistrationScheme::National),
                value: value.to_string(),
            });
        }
        for i in many(n.get("identifier")) {
            if let (Some(s), Some(value)) = (scheme(string(i, "schemeId")), string(i, "notation")) {
                registration_ids.push(RegistrationId {
                    scheme: s,
                    value: value.to_string(),
                });
            }
        }
        let address = many(n.get("location"))
            .into_iter()
            .flat_map(|l| many(l.get("address")))
            .next();
        let contact = many(n.get("contactPoint")).into_iter().next();
        let org = OrganisationNode {
            record: identifier(n, vocab::SCHEME_RECORD).map(str::to_string),
            role,
            country: address
                .and_then(|a| a.get("countryCode"))
                .and_then(|c| string(c, "id"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            address: address
                .map(|a| {
                    first_text(
                        &lang(a.get("fullAddress").and_then(|f| f.get("noteLiteral"))),
                        &self.primary,
                    )
                })
                .filter(|a| !a.is_empty()),
            phone: contact.and_then(phone),
            email: contact.and_then(email),
            website: many(n.get("homepage"))
                .into_iter()
                .find_map(|h| string(h, "contentURL"))
                .map(str::to_string),
            registration_ids,
            name,
        };
        Some(self.records.organisation(org))
    }

    /// A mentor or assessor: a `Person` with `memberOf` (as europass wrote
    /// them before), or an `Agent` whose organisation is listed beside it
    /// (`beside`, in the same `directedBy` or `assessedBy`).
    fn contact(
        &mut self,
        n: &'a Value,
        role: ContactRole,
        beside: Option<&'a Value>,
    ) -> Option<String> {
        let name = first_text(
            &lang(n.get("fullName").or(n.get("prefLabel"))),
            &self.primary,
        );
        if name.is_empty() {
            return None;
        }
        let organisation = self
            .nodes(n.get("memberOf"))
            .into_iter()
            .next()
            .or(beside)
            .and_then(|o| self.organisation(o, None));
        let contact = many(n.get("contactPoint")).into_iter().next();
        let c = ContactNode {
            record: identifier(n, vocab::SCHEME_RECORD).map(str::to_string),
            name,
            organisation,
            email: contact.and_then(email),
            phone: contact.and_then(phone),
            role,
        };
        Some(self.records.contact(c))
    }

    fn learner(&mut self, s: &'a Value) -> LearnerNode {
        let given = first_text(&lang(s.get("givenName")), &self.primary);
        let family = first_text(&lang(s.get("familyName")), &self.primary);
        let birth = self.date(s, "dateOfBirth", "date of birth");
        let national = s
            .get("nationalID")
            .and_then(|n| string(n, "notation"))
            .or_else(|| identifier(s, vocab::SCHEME_NATIONAL_ID))
            .map(str::to_string);
        let school = identifier(s, vocab::SCHEME_SCHOOL_ID).map(str::to_string);
        let contact = many(s.get("contactPoint")).into_iter().next();
        LearnerNode {
            record: identifier(s, vocab::SCHEME_RECORD).map(str::to_string),
            given_names: given,
            family_name: family,
            date_of_birth: birth,
            nationality: many(s.get("citizenshipCountry"))
                .into_iter()
                .find_map(|c| string(c, "id"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            email: contact.and_then(email),
            phone: contact.and_then(phone),
            address: contact
                .and_then(|c| many(c.get("address")).into_iter().next())
                .map(|a| {
                    first_text(
                        &lang(a.get("fullAddress").and_then(|f| f.get("noteLiteral"))),
                        &self.primary,
                    )
                })
                .filter(|a| !a.is_empty()),
            address_country: contact
                .and_then(|c| many(c.get("address")).into_iter().next())
                .and_then(|a| a.get("countryCode"))
                .and_then(|c| string(c, "id"))
                .and_then(vocab::country_from)
                .map(CountryCode),
            national_id: national,
            school_id: school,
            gender: s.get("gender").and_then(|g| string(g, "id")).and_then(|u| {
                match u.rsplit('/').next() {
                    Some("FEMALE") => Some(Gender::Female),
                    Some("MALE") => Some(Gender::Male),
                    _ => None,
                }
            }),
        }
    }

    fn mobility(&mut self, a: &'a Value) -> MobilityNode {
        let mut host = None;
        let mut mentor = None;
        let directed = self.nodes(a.get("directedBy"));
        for (i, d) in directed.iter().enumerate() {
            if is_person(d) {
                if mentor.is_none() {
                    // The mentor's own organisation follows them when it is not the host.
                    let beside = directed.get(i + 1).filter(|o| !is_person(o)).copied();
                    let beside = beside.or(directed.first().filter(|o| !is_person(o)).copied());
                    mentor = self.contact(d, ContactRole::Mentor, beside);
                }
            } else if host.is_none() {
                host = self.organisation(d, Some(OrganisationRole::Host));
            }
        }
        let period = many(a.get("temporal")).into_iter().next();
        let start = period.and_then(|p| self.date(p, "startDate", "start of the activity"));
        let spec = self.nodes(a.get("specifiedBy")).into_iter().next();
        let mut units = Vec::new();
        let mut qualification = None;
        for i in spec
            .map(|s| self.nodes(s.get("influences")))
            .unwrap_or_default()
        {
            if types(i).contains(&"Qualification") {
                qualification = Some(self.qualification(i));
            } else {
                units.push(self.unit(i, None));
            }
        }
        MobilityNode {
            record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
            erasmus_id: identifier(a, vocab::SCHEME_MOBILITY_ID).map(str::to_string),
            project_code: identifier(a, vocab::SCHEME_PROJECT_CODE).map(str::to_string),
            host,
            mentor,
            units,
            qualification,
            start,
            end: period.and_then(|p| self.date(p, "endDate", "end of the activity")),
            objective: lang(spec.and_then(|s| s.get("description"))),
            tasks: lang(a.get("description")),
            language: spec
                .map(|s| many(s.get("language")))
                .unwrap_or_default()
                .into_iter()
                .find_map(|l| string(l, "id"))
                .and_then(vocab::language_from),
        }
    }

    fn qualification(&mut self, q: &'a Value) -> String {
        let title = lang(q.get("title"));
        let code = identifier(q, vocab::SCHEME_QUALIFICATION_CODE).map(str::to_string);
        let qual = QualificationNode {
            record: identifier(q, vocab::SCHEME_RECORD).map(str::to_string),
            code,
            title,
            eqf_level: eqf(q.get("eqfLevel")),
            nqf_level: nqf(q.get("nqfLevel")),
            credit_points: credit_points(q.get("creditPoint")),
        };
        self.records.qualification(qual)
    }

    fn unit(&mut self, s: &'a Value, part_of: Option<&str>) -> String {
        let outcomes = self
            .nodes(s.get("learningOutcome"))
            .into_iter()
            .map(outcome)
            .collect();
        let qualification = self
            .nodes(s.get("isPartOf"))
            .into_iter()
            .find(|q| types(q).contains(&"Qualification"))
            .map(|q| self.qualification(q));
        self.records.unit(UnitNode {
            record: identifier(s, vocab::SCHEME_RECORD).map(str::to_string),
            code: identifier(s, vocab::SCHEME_UNIT_CODE).map(str::to_string),
            title: lang(s.get("title")),
            qualification,
            area_of_work: note(s, "additionalNote", NoteTopic::AreaOfWork),
            description: lang(s.get("description")),
            eqf_level: eqf(s.get("educationLevel")),
            nqf_level: nqf(s.get("educationLevel")),
            credit_points: credit_points(s.get("creditPoint")),
            outcomes,
            spec: string(s, "id").map(str::to_string),
            part_of: part_of.map(str::to_string),
        })
    }

    /// A grade and the scheme its assessment's specification names.
    fn grade(&mut self, assessment: &'a Value) -> Option<Grade> {
        let literal = lang(assessment.get("grade").and_then(|g| g.get("noteLiteral")));
        if first_text(&literal, &self.primary).is_empty() {
            return None;
        }
        let scheme = self
            .nodes(assessment.get("specifiedBy"))
            .into_iter()
            .find_map(|s| s.get("gradingScheme"))
            .map(|g| self.node(g));
        let (id, def) = match scheme {
            Some(s) => shared::grading_scheme(
                identifier(s, vocab::SCHEME_RECORD),
                identifier(s, vocab::SCHEME_GRADING_DEFINITION),
                &lang(s.get("title")),
                &lang(s.get("description")),
            ),
            None => shared::grading_scheme(
                None,
                None,
                &MultilingualText::new(),
                &MultilingualText::new(),
            ),
        };
        let value = shared::grade_value(&literal, &self.primary, def.as_ref());
        self.records.scheme(&id, def);
        Some(Grade { value, scheme: id })
    }

    /// An achievement and, after it, its parts as parts of its unit.
    fn achievement_tree(
        &mut self,
        a: &'a Value,
        learner: &str,
        mobility: Option<&str>,
        parent: Option<&str>,
        done: &mut Vec<&'a Value>,
    ) {
        if done.iter().any(|d| same(d, a)) {
            return;
        }
        done.push(a);
        let unit = self.achievement(a, learner, mobility, parent);
        for part in self.nodes(a.get("hasPart")) {
            if types(part).contains(&"LearningAchievement") {
                self.achievement_tree(part, learner, mobility, Some(&unit), done);
            }
        }
    }

    /// The unit of an achievement: its specification (a qualification
    /// awarded as a whole reads as a unit of its own, with its outcomes),
    /// else one made of the achievement's own title and description.
    fn achievement_unit(&mut self, a: &'a Value, parent: Option<&str>) -> String {
        let Some(spec) = self.nodes(a.get("specifiedBy")).into_iter().next() else {
            return self.records.unit(UnitNode {
                record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
                title: lang(a.get("title")),
                description: lang(a.get("description")),
                spec: string(a, "id").map(str::to_string),
                part_of: parent.map(str::to_string),
                ..UnitNode::default()
            });
        };
        if types(spec).contains(&"Qualification") {
            let u = UnitNode {
                record: identifier(spec, vocab::SCHEME_RECORD).map(str::to_string),
                title: lang(spec.get("title")),
                description: lang(spec.get("description")),
                eqf_level: eqf(spec.get("eqfLevel")),
                nqf_level: nqf(spec.get("nqfLevel")),
                credit_points: credit_points(spec.get("creditPoint")),
                outcomes: self
                    .nodes(spec.get("learningOutcome"))
                    .into_iter()
                    .map(outcome)
                    .collect(),
                spec: string(spec, "id").map(str::to_string),
                part_of: parent.map(str::to_string),
                ..UnitNode::default()
            };
            self.records.unit(u)
        } else {
            self.unit(spec, parent)
        }
    }

    /// An achievement as a result of its unit — one result per assessment
    /// that proves it (semesters, resits), each kept. Returns the unit's id.
    fn achievement(
        &mut self,
        a: &'a Value,
        learner: &str,
        mobility: Option<&str>,
        parent: Option<&str>,
    ) -> String {
        let unit = self.achievement_unit(a, parent);
        let assessments = self.nodes(a.get("provenBy"));
        let proofs: Vec<Option<&'a Value>> = if assessments.is_empty() {
            vec![None]
        } else {
            assessments.into_iter().map(Some).collect()
        };
        let id = string(a, "id").unwrap_or("");
        for (i, assessment) in proofs.into_iter().enumerate() {
            let mut result = self.proof(a, assessment);
            if i > 0 {
                // Only the first result can be the one europass wrote.
                result.record = None;
            }
            if let Err(repeated) = self.records.result(result, learner, unit.clone(), mobility) {
                self.skip(format!(
                    "achievement {id} repeats the result {repeated}; it was read once"
                ));
            }
        }
        unit
    }

    /// The result an assessment gives an achievement.
    fn proof(&mut self, a: &'a Value, assessment: Option<&'a Value>) -> ResultNode {
        let grade = assessment.and_then(|s| self.grade(s));
        // A part of the assessment that is the assessment of a part of the
        // achievement is that part's result, read there, not a criterion.
        let of_parts: Vec<&str> = self
            .nodes(a.get("hasPart"))
            .into_iter()
            .flat_map(|p| self.nodes(p.get("provenBy")))
            .filter_map(|p| string(p, "id"))
            .collect();
        let mut criteria = Vec::new();
        for part in assessment
            .map(|s| self.nodes(s.get("hasPart")))
            .unwrap_or_default()
        {
            if string(part, "id").is_some_and(|id| of_parts.contains(&id)) {
                continue;
            }
            if let Some(value) = self.grade(part) {
                criteria.push(CriterionRating {
                    criterion: lang(part.get("title")),
                    value,
                });
            }
        }
        let mut assessor = None;
        let by = assessment
            .map(|s| self.nodes(s.get("assessedBy")))
            .unwrap_or_default();
        if let Some(person) = by.iter().copied().find(|b| is_person(b)) {
            let beside = by.iter().copied().find(|b| !is_person(b));
            assessor = self.contact(person, ContactRole::Assessor, beside);
        }
        let method = assessment
            .map(|s| self.nodes(s.get("specifiedBy")))
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(|s| lang(s.get("description")))
            .unwrap_or_default();
        ResultNode {
            record: identifier(a, vocab::SCHEME_RECORD).map(str::to_string),
            criteria,
            grade,
            achieved: shared::achievement_from(&note(a, "additionalNote", NoteTopic::Achievement)),
            credit_points: credit_points(a.get("creditReceived")),
            date: assessment.and_then(|s| self.date(s, "dateIssued", "date of the assessment")),
            method,
            assessor,
            remarks: lang(assessment.and_then(|s| s.get("description"))),
            deviations: assessment
                .map(|s| note(s, "additionalNote", NoteTopic::Deviations))
                .unwrap_or_default(),
        }
    }
}

/// A learning outcome node.
fn outcome(o: &Value) -> OutcomeNode {
    let kind = o.get("dcType");
    OutcomeNode {
        record: identifier(o, vocab::SCHEME_RECORD).map(str::to_string),
        text: lang(o.get("title")),
        category: kind
            .and_then(|k| string(k, "id"))
            .and_then(vocab::skill_type_from)
            .or_else(|| {
                lang(kind.and_then(|k| k.get("prefLabel")))
                    .texts()
                    .find_map(vocab::skill_type_from)
            })
            // No type: no category, never a guessed one.
            .unwrap_or(OutcomeCategory::Unspecified),
        esco_uri: many(o.get("relatedESCOSkill"))
            .into_iter()
            .find_map(|e| string(e, "id"))
            .map(str::to_string),
        details: many(o.get("additionalNote"))
            .into_iter()
            .map(|n| lang(n.get("noteLiteral")))
            .collect(),
    }
}

fn phone(contact: &Value) -> Option<String> {
    many(contact.get("phone"))
        .into_iter()
        .find_map(|p| string(p, "phoneNumber"))
        .map(str::to_string)
}

fn email(contact: &Value) -> Option<String> {
    many(contact.get("emailAddress"))
        .into_iter()
        .find_map(|m| string(m, "id"))
        .map(|m| m.trim_start_matches("mailto:").to_string())
}
