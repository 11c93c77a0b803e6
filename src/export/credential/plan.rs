//! Which credentials a round gives, and what goes into each.
//!
//! One credential per mobility: the learner, the sending school that issues
//! it, the host, the mentor, every unit the learner worked on (with its
//! assessment result when there is one), the qualifications and grading
//! schemes those refer to, the issue date and the languages. Both writers
//! render the same [`Credential`], so the XML and the JSON-LD always say the
//! same thing; and both report the same way when a mobility cannot give a
//! valid document (it is skipped, never written half-valid).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::ids::Ids;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    AssessmentResult, ContactPerson, GradingScheme, Learner, Mobility, MultilingualText,
    Organisation, Qualification, Round, RoundIndex, Unit,
};
use crate::outputs::{OutputKind, OutputPlan};
use crate::provenance::{RecordRef, SourceMap};
use crate::vocab;

/// What a credential format can hold, as far as planning needs to know.
#[derive(Clone, Copy, Debug)]
pub struct Format {
    /// The `--to` name, for messages.
    pub name: &'static str,
    /// What one file of the format is, for messages ("credential", "transcript").
    pub document: &'static str,
    /// The output each credential is written to.
    pub output: OutputKind,
    /// Whether organisations must have a country (the JSON-LD's locations need one).
    pub needs_country: bool,
    /// Which language tags the format's texts may carry.
    pub languages: fn(&str) -> bool,
}

/// The ISO 639-1 tags the EDC JSON Schema allows as language keys.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// Whether `tag` is an ISO 639-1 language code.
pub fn iso_639_1(tag: &str) -> bool {
    tag.len() == 2 && ISO_639_1.split(' ').any(|t| t == tag)
}

/// A unit the learner worked on during the mobility.
#[derive(Clone, Debug)]
pub struct UnitEntry<'r> {
    /// The unit.
    pub unit: &'r Unit,
    /// Its assessment result, when the host has assessed it.
    pub result: Option<&'r AssessmentResult>,
    /// The person who assessed it.
    pub assessor: Option<&'r ContactPerson>,
}

/// An assessed unit as an achievement, with its parts' achievements.
#[derive(Clone, Debug)]
pub struct AchievementNode<'c, 'r> {
    /// The unit.
    pub entry: &'c UnitEntry<'r>,
    /// Its result.
    pub result: &'r AssessmentResult,
    /// The achievements of the units that are its parts.
    pub parts: Vec<AchievementNode<'c, 'r>>,
}

/// `entry`'s achievement with its parts not yet `placed`, depth first.
fn nest<'c, 'r>(
    entry: &'c UnitEntry<'r>,
    result: &'r AssessmentResult,
    assessed: &[(&'c UnitEntry<'r>, &'r AssessmentResult)],
    placed: &mut BTreeSet<&'c str>,
) -> AchievementNode<'c, 'r> {
    placed.insert(entry.unit.id.as_str());
    let mut parts = Vec::new();
    for &(e, r) in assessed {
        if e.unit.part_of.as_deref() == Some(entry.unit.id.as_str())
            && !placed.contains(e.unit.id.as_str())
        {
            parts.push(nest(e, r, assessed, placed));
        }
    }
    AchievementNode {
        entry,
        result,
        parts,
    }
}

/// Everything one credential holds.
#[derive(Clone, Debug)]
pub struct Credential<'r> {
    /// Identifiers, scoped by the issuer.
    pub ids: Ids,
    /// Output path below the output folder, as the [`OutputPlan`] gives it.
    pub path: String,
    /// The mobility's position in the round.
    pub position: usize,
    /// The mobility.
    pub mobility: &'r Mobility,
    /// The learner.
    pub learner: &'r Learner,
    /// The sending school, which issues the credential.
    pub issuer: &'r Organisation,
    /// The host organisation.
    pub host: &'r Organisation,
    /// The mentor at the host.
    pub mentor: Option<&'r ContactPerson>,
    /// The units worked on, targeted ones first in the mobility's order.
    pub units: Vec<UnitEntry<'r>>,
    /// The qualification the mobility works towards, if known.
    pub qualification: Option<&'r Qualification>,
    /// Every qualification the credential refers to (the mobility's and the units').
    pub qualifications: Vec<&'r Qualification>,
    /// Every organisation the credential refers to: issuer, host, assessors' organisations.
    pub organisations: Vec<&'r Organisation>,
    /// The grading schemes of every grade in it.
    pub schemes: Vec<&'r GradingScheme>,
    /// Issue date: the later of the mobility's end and the last assessment.
    pub issued: NaiveDate,
    /// The main language.
    pub primary: String,
    /// Every language its texts are written in, the main one first.
    pub languages: Vec<String>,
    /// Languages whose texts were found but the format cannot carry.
    pub dropped_languages: Vec<String>,
}

impl<'r> Credential<'r> {
    /// The texts of `text` in the credential's languages, in language order.
    pub fn texts<'a>(
        &'a self,
        text: &'a MultilingualText,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        text.iter()
            .filter(move |(l, t)| !t.trim().is_empty() && self.languages.iter().any(|x| x == l))
    }

    /// The fixed texts in each of the credential's languages that has them
    /// (English when none does).
    pub fn labels(&self) -> Vec<(&str, &'static vocab::Labels)> {
        let out: Vec<_> = self
            .languages
            .iter()
            .filter_map(|l| vocab::labels(l).map(|t| (l.as_str(), t)))
            .collect();
        if out.is_empty() {
            vec![("en", vocab::labels("en").expect("English labels"))]
        } else {
            out
        }
    }

    /// The learner's full name.
    pub fn learner_name(&self) -> String {
        self.learner.full_name()
    }

    /// The units that have an assessment result.
    pub fn assessed(&self) -> impl Iterator<Item = (&UnitEntry<'r>, &'r AssessmentResult)> {
        self.units.iter().filter_map(|u| u.result.map(|r| (u, r)))
    }

    /// The assessed units as nested achievements: each result with, under
    /// it, the results of the units that are its parts ([`Unit::part_of`]).
    /// A part whose whole has no result here stands on its own, and every
    /// result comes exactly once, even in a loop of parts.
    pub fn achievement_tree(&self) -> Vec<AchievementNode<'_, 'r>> {
        let assessed: Vec<(&UnitEntry<'r>, &'r AssessmentResult)> = self.assessed().collect();
        let has_result = |id: &str| assessed.iter().any(|(e, _)| e.unit.id == id);
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::new();
        let tops = assessed
            .iter()
            .filter(|(e, _)| !e.unit.part_of.as_deref().is_some_and(has_result));
        for &(entry, result) in tops {
            out.push(nest(entry, result, &assessed, &mut placed));
        }
        // Parts of one another all round: the first of the loop stands on its own.
        for &(entry, result) in &assessed {
            if !placed.contains(entry.unit.id.as_str()) {
                out.push(nest(entry, result, &assessed, &mut placed));
            }
        }
        out
    }

    /// The grading scheme with `id`, if the credential has it.
    pub fn scheme(&self, id: &str) -> Option<&'r GradingScheme> {
        self.schemes.iter().copied().find(|s| s.id == id)
    }

    /// The organisation with `id`, if the credential refers to it.
    pub fn organisation(&self, id: &str) -> Option<&'r Organisation> {
        self.organisations.iter().copied().find(|o| o.id == id)
    }
}

/// Plans one credential per mobility of `round`, each to the path `paths`
/// gives it. Mobilities that cannot give a valid document in `format` are
/// left out and reported (errors); the rest are reported when something is
/// missing from them (warnings).
pub fn plan<'r>(
    round: &'r Round,
    sources: &SourceMap,
    format: Format,
    preferred: &[String],
    paths: &OutputPlan,
) -> (Vec<Credential<'r>>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let index = RoundIndex::new(round);
    let results = results_by_mobility(round, &index);
    for (i, m) in round.mobilities.iter().enumerate() {
        let mine = results.get(m.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let parts = match Parts::find(m, &index, mine, format) {
            Ok(parts) => parts,
            Err(missing) => {
                diags.push(skipped(m, &index, sources, format, &missing));
                continue;
            }
        };
        let path = paths
            .path(format.output, i)
            .expect("credentials are per-mobility outputs")
            .to_string();
        let credential = parts.credential(round, &index, i, path, format, preferred);
        diags.extend(warnings(&credential, sources, format));
        out.push(credential);
    }
    (out, diags)
}

/// What a credential cannot do without: learner, issuer, host and units.
struct Parts<'r> {
    mobility: &'r Mobility,
    learner: &'r Learner,
    issuer: &'r Organisation,
    host: &'r Organisation,
    units: Vec<UnitEntry<'r>>,
}

impl<'r> Parts<'r> {
    /// The parts of `m`'s credential, or what it lacks, in words.
    fn find(
        m: &'r Mobility,
        index: &RoundIndex<'r>,
        results: &[&'r AssessmentResult],
        format: Format,
    ) -> Result<Parts<'r>, Vec<String>> {
        let mut missing: Vec<String> = Vec::new();
        let learner = index.learner(&m.learner);
        match learner {
            None => missing.push(format!("the learner {} is not in the round", m.learner)),
            Some(l) => {
                if l.given_names.trim().is_empty() || l.family_name.trim().is_empty() {
                    missing.push("the learner's given and family names".into());
                }
            }
        }
        if m.start.is_none() || m.end.is_none() {
            missing.push("the mobility's start and end dates".into());
        }
        let issuer = m.sending.as_deref().and_then(|id| index.organisation(id));
        let host = m.host.as_deref().and_then(|id| index.organisation(id));
        if issuer.is_none() {
            missing.push("the sending organisation (it issues the credential)".into());
        }
        if host.is_none() {
            missing.push("the host organisation".into());
        }
        let units = unit_entries(m, index, results, &mut missing);
        if format.needs_country {
            for org in [issuer, host].into_iter().flatten() {
                if org.country.is_none() {
                    missing.push(format!(
                        "the country of {}",
                        org.name.best(&["en"]).unwrap_or(&org.id)
                    ));
                }
            }
        }
        match (learner, issuer, host) {
            (Some(learner), Some(issuer), Some(host)) if missing.is_empty() => Ok(Parts {
                mobility: m,
                learner,
                issuer,
                host,
                units,
            }),
            _ => Err(missing),
        }
    }

    /// The credential these parts make, with everything it refers to.
    fn credential(
        self,
        round: &'r Round,
        index: &RoundIndex<'r>,
        position: usize,
        path: String,
        format: Format,
        preferred: &[String],
    ) -> Credential<'r> {
        let m = self.mobility;
        let qualification = m
            .qualification
            .as_deref()
            .and_then(|id| index.qualification(id));
        let qualifications = qualifications(qualification, &self.units, index);
        let organisations = organisations(self.issuer, self.host, &self.units, index);
        let schemes = schemes(round, &self.units, index);
        let issued = issue_date(m, &self.units);
        let mut credential = Credential {
            ids: Ids::for_issuer(&self.issuer.id),
            path,
            position,
            mobility: m,
            learner: self.learner,
            issuer: self.issuer,
            host: self.host,
            mentor: m.mentor.as_deref().and_then(|id| index.contact(id)),
            units: self.units,
            qualification,
            qualifications,
            organisations,
            schemes,
            issued,
            primary: String::new(),
            languages: Vec::new(),
            dropped_languages: Vec::new(),
        };
        choose_languages(&mut credential, format, preferred);
        credential
    }
}

/// The units `m` worked on: its targeted units, then those with a result,
/// each once; what the round does not describe goes to `missing`.
fn unit_entries<'r>(
    m: &'r Mobility,
    index: &RoundIndex<'r>,
    results: &[&'r AssessmentResult],
    missing: &mut Vec<String>,
) -> Vec<UnitEntry<'r>> {
    let mut units: Vec<UnitEntry> = Vec::new();
    let mut seen = BTreeSet::new();
    let unit_ids = m
        .units
        .iter()
        .map(String::as_str)
        .chain(results.iter().map(|r| r.unit.as_str()));
    for unit_id in unit_ids {
        if !seen.insert(unit_id) {
            continue;
        }
        let Some(unit) = index.unit(unit_id) else {
            missing.push(format!("unit {unit_id}, which the round does not describe"));
            continue;
        };
        if unit.title.is_empty() {
            missing.push(format!("a title for unit {unit_id}"));
        }
        let result = results.iter().copied().find(|r| r.unit == unit_id);
        let assessor = result
            .and_then(|r| r.assessor.as_deref())
            .and_then(|id| index.contact(id));
        units.push(UnitEntry {
            unit,
            result,
            assessor,
        });
    }
    units
}

/// The error for a mobility that gives no credential.
fn skipped(
    m: &Mobility,
    index: &RoundIndex,
    sources: &SourceMap,
    format: Format,
    missing: &[String],
) -> Diagnostic {
    let name = index
        .learner(&m.learner)
        .map(Learner::full_name)
        .unwrap_or_else(|| m.learner.clone());
    Diagnostic::error(
        Code::CredentialSkipped,
        sources.locate(&RecordRef::Mobility(m.id.clone()), None),
        format!(
            "no {} {} is written for {name} (mobility {}): it needs {}",
            format.name,
            format.document,
            m.id,
            missing.join(", ")
        ),
    )
    .with_hint("fill in what is missing; the other learners' credentials are written")
}

/// The mobility's qualification, then those of its units, each once.
fn qualifications<'r>(
    qualification: Option<&'r Qualification>,
    units: &[UnitEntry<'r>],
    index: &RoundIndex<'r>,
) -> Vec<&'r Qualification> {
    let mut qualifications: Vec<&Qualification> = qualification.into_iter().collect();
    for u in units {
        if let Some(q) = u
            .unit
            .qualification
            .as_deref()
            .and_then(|id| index.qualification(id))
            && !qualifications.iter().any(|x| x.id == q.id)
        {
            qualifications.push(q);
        }
    }
    qualifications
}

/// Issuer, host, then the assessors' organisations, each once.
fn organisations<'r>(
    issuer: &'r Organisation,
    host: &'r Organisation,
    units: &[UnitEntry<'r>],
    index: &RoundIndex<'r>,
) -> Vec<&'r Organisation> {
    let mut organisations = vec![issuer];
    if host.id != issuer.id {
        organisations.push(host);
    }
    for u in units {
        if let Some(o) = u
            .assessor
            .and_then(|a| a.organisation.as_deref())
            .and_then(|id| index.organisation(id))
            && !organisations.iter().any(|x| x.id == o.id)
        {
            organisations.push(o);
        }
    }
    organisations
}

/// The grading schemes of every grade and rating, each once.
fn schemes<'r>(
    round: &'r Round,
    units: &[UnitEntry<'r>],
    index: &RoundIndex<'r>,
) -> Vec<&'r GradingScheme> {
    let mut schemes: Vec<&GradingScheme> = Vec::new();
    for u in units {
        let Some(r) = u.result else { continue };
        let grades = r.grade.iter().chain(r.criteria.iter().map(|c| &c.value));
        for g in grades {
            if let Some(s) = index.grading_scheme(&g.scheme)
                && !schemes.iter().any(|x| x.id == s.id)
            {
                schemes.push(s);
            }
        }
    }
    // A result with a pass/fail but no grade is written as a grade on
    // the pass/fail scheme: the formats require a grade.
    if units
        .iter()
        .filter_map(|u| u.result)
        .any(|r| r.grade.is_none() && r.passed.is_some())
        && let Some(s) = pass_fail_scheme(round)
        && !schemes.iter().any(|x| x.id == s.id)
    {
        schemes.push(s);
    }
    schemes
}

/// The later of the mobility's end and the last assessment.
fn issue_date(m: &Mobility, units: &[UnitEntry]) -> NaiveDate {
    let end = m.end.expect("checked");
    units
        .iter()
        .filter_map(|u| u.result.and_then(|r| r.date))
        .chain([end])
        .max()
        .expect("at least the end date")
}

/// How many texts of the credential are in each language.
fn language_counts(c: &Credential) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |t: &MultilingualText| {
        for l in t.languages() {
            *counts.entry(l.to_string()).or_default() += 1;
        }
    };
    for o in &c.organisations {
        count(&o.name);
    }
    for p in c
        .mentor
        .into_iter()
        .chain(c.units.iter().filter_map(|u| u.assessor))
    {
        count(&p.position);
    }
    count(&c.mobility.objective);
    count(&c.mobility.tasks);
    for q in &c.qualifications {
        count(&q.title);
    }
    for u in &c.units {
        count(&u.unit.title);
        count(&u.unit.description);
        count(&u.unit.area_of_work);
        for o in &u.unit.learning_outcomes {
            count(&o.text);
            for d in &o.details {
                count(d);
            }
        }
        if let Some(r) = u.result {
            count(&r.method);
            count(&r.remarks);
            count(&r.deviations);
            for c in &r.criteria {
                count(&c.criterion);
            }
        }
    }
    // A grading scheme's name is the converter's own text, shipped in
    // several languages: it names a language no text of the learner's
    // mobility is written in, so it does not make one available.
    counts
}

/// Languages: every language a text is in, the main one first — the first
/// preferred one there is, else the one most of the credential is written
/// in; those the format cannot carry are dropped.
fn choose_languages(c: &mut Credential, format: Format, preferred: &[String]) {
    let mut counts = language_counts(c);
    let dropped_languages: Vec<String> = counts
        .keys()
        .filter(|l| !(format.languages)(l))
        .cloned()
        .collect();
    counts.retain(|l, _| (format.languages)(l));
    let primary = preferred
        .iter()
        .find(|l| counts.contains_key(l.as_str()))
        .cloned()
        .or_else(|| {
            counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(l, _)| l.clone())
        })
        .unwrap_or_else(|| "en".into());
    let mut languages = vec![primary.clone()];
    languages.extend(counts.keys().filter(|l| **l != primary).cloned());
    if !languages.iter().any(|l| vocab::labels(l).is_some()) && !languages.contains(&"en".into()) {
        languages.push("en".into());
    }
    c.primary = primary;
    c.languages = languages;
    c.dropped_languages = dropped_languages;
}

/// What a credential leaves out: texts in languages the format lacks, and
/// the learning achievements when nothing is assessed yet.
fn warnings(c: &Credential, sources: &SourceMap, format: Format) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let name = c.learner_name();
    if !c.dropped_languages.is_empty() {
        diags.push(
            Diagnostic::warning(
                Code::LanguageNotWritten,
                sources.locate(&RecordRef::Mobility(c.mobility.id.clone()), None),
                format!(
                    "the {} {} of {name} leaves out the texts in {}: the format has no such language",
                    format.name,
                    format.document,
                    c.dropped_languages.join(", ")
                ),
            )
            .with_hint("use two-letter ISO 639-1 language codes (lv, en, fi, de); the XML schema allows the EU languages only"),
        );
    }
    if c.units.iter().all(|u| u.result.is_none()) {
        diags.push(
            Diagnostic::warning(
                Code::NoAssessmentYet,
                sources.locate(&RecordRef::Learner(c.learner.id.clone()), None),
                format!(
                    "{name} has no assessment result yet: the {} {} records the mobility only, with no learning achievement",
                    format.name,
                    format.document
                ),
            )
            .with_hint("add the host's assessment results and convert again to include them"),
        );
    }
    diags
}

/// The pass/fail scheme: the round's own, else the shipped one.
pub fn pass_fail_scheme(round: &Round) -> Option<&GradingScheme> {
    round
        .grading_scheme(PASS_FAIL)
        .or_else(|| crate::schemes::SchemeRegistry::shipped().find(PASS_FAIL))
}

/// The id of the pass/fail grading scheme.
pub const PASS_FAIL: &str = "pass-fail";

/// Each mobility's assessment results: those that name it, and those that
/// name none but belong to its learner (to the mobility that targets the
/// unit, else to the learner's last mobility by start date).
fn results_by_mobility<'r>(
    round: &'r Round,
    index: &RoundIndex<'r>,
) -> BTreeMap<&'r str, Vec<&'r AssessmentResult>> {
    let mut by_learner: BTreeMap<&str, Vec<&Mobility>> = BTreeMap::new();
    for m in &round.mobilities {
        by_learner.entry(m.learner.as_str()).or_default().push(m);
    }
    for list in by_learner.values_mut() {
        list.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    }
    let mut out: BTreeMap<&str, Vec<&AssessmentResult>> = BTreeMap::new();
    for r in &round.assessments {
        let mobility = match r.mobility.as_deref() {
            Some(id) => index.mobility(id),
            None => by_learner.get(r.learner.as_str()).and_then(|list| {
                list.iter()
                    .find(|m| m.units.contains(&r.unit))
                    .or_else(|| list.last())
                    .copied()
            }),
        };
        if let Some(m) = mobility
            && m.learner == r.learner
        {
            out.entry(m.id.as_str()).or_default().push(r);
        }
    }
    out
}
