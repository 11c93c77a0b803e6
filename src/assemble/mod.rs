//! Joining row records from every sheet and file into one [`Round`].
//!
//! Rows name learners, units and organisations by natural keys (a learner
//! number, a name and date of birth, a unit code, an organisation's name or
//! key). The builder merges rows that describe the same record, reports
//! rows that disagree (keeping the other value among the record's unmapped
//! values), and resolves references once every file has been read, so that
//! sheet and file order never matter.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use chrono::NaiveDate;

mod document;
mod merge;
mod workbook;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::mapping::normalise::OutcomeLine;
use crate::mapping::records::{
    ContactPart, LearnerPart, MobilityPart, OrganisationPart, OutcomeLists, QualificationPart,
    ResultPart, RowRecord, UnitPart,
};
use crate::model::Field;
use crate::model::ids;
use crate::model::{
    AssessmentResult, ContactPerson, ContactRole, CreditPoints, CreditSystem, GradingScheme,
    Guardian, Learner, LearningOutcome, Mobility, MultilingualText, Organisation, OrganisationRole,
    OutcomeCategory, Qualification, RegistrationId, RegistrationScheme, Round, Unit, Unmapped,
};
use crate::provenance::{Origin, RecordRef, SheetInfo, SourceMap};
use crate::text::fold;

/// An index entry for a title several units share.
const AMBIGUOUS: usize = usize::MAX;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum LearnerKey {
    School(String),
    National(String),
    NameBirth(String, NaiveDate),
    Name(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum OrgKey {
    Key(String),
    Pic(String),
    Oid(String),
    Name(String),
}

#[derive(Default)]
struct LearnerEntry {
    /// The first row's part, shared with it: a flat sheet's learners are
    /// built without copying their fields.
    part: Arc<LearnerPart>,
    unmapped: Unmapped,
    origin: Option<Origin>,
    /// True once a row gave more than a reference (a name).
    defined: bool,
}

#[derive(Default)]
struct OrgEntry {
    part: OrganisationPart,
    roles: BTreeSet<OrganisationRole>,
    unmapped: Unmapped,
    origin: Option<Origin>,
}

#[derive(Default)]
struct UnitEntry {
    part: UnitPart,
    qualification: Option<usize>,
    unmapped: Unmapped,
    origin: Option<Origin>,
    defined: bool,
    national_system: Option<String>,
}

#[derive(Default)]
struct QualEntry {
    part: QualificationPart,
    unmapped: Unmapped,
    /// Where it was first named: its id takes the title in that sheet's language.
    origin: Option<Origin>,
}

struct ContactEntry {
    part: ContactPart,
    organisation: Option<usize>,
    roles: BTreeSet<ContactRole>,
}

#[derive(Default)]
struct MobilityEntry {
    learner: usize,
    host: Option<usize>,
    sending: Option<usize>,
    intermediary: Option<usize>,
    /// The first row's part, shared with it (see [`LearnerEntry::part`]).
    part: Arc<MobilityPart>,
    mentor: Option<usize>,
    qualification: Option<usize>,
    units: Vec<usize>,
    unmapped: Unmapped,
    origin: Option<Origin>,
    /// Created by a referring sheet (a grid naming the host): the first
    /// mobility of the learner at that host found elsewhere takes it over.
    provisional: bool,
}

#[derive(Default)]
struct ResultEntry {
    learner: usize,
    unit: usize,
    mobility: Option<usize>,
    part: ResultPart,
    /// The assessor as the row names them; their organisation is the
    /// mobility's host, known only once every row is in. Boxed: most
    /// results have none, and a round holds one entry per result.
    assessor: Option<Box<ContactPart>>,
    unmapped: Unmapped,
    origin: Option<Origin>,
}

/// Collects row records from any number of sheets and files and builds the round.
#[derive(Default)]
pub struct RoundBuilder {
    sheets: Vec<SheetInfo>,
    learners: Vec<LearnerEntry>,
    learner_index: FxHashMap<LearnerKey, Option<usize>>,
    orgs: Vec<OrgEntry>,
    org_index: FxHashMap<OrgKey, usize>,
    units: Vec<UnitEntry>,
    unit_index: FxHashMap<String, usize>,
    quals: Vec<QualEntry>,
    qual_index: FxHashMap<String, usize>,
    contacts: Vec<ContactEntry>,
    contact_index: FxHashMap<(Option<usize>, String), usize>,
    mobilities: Vec<MobilityEntry>,
    mobility_index: FxHashMap<(usize, Option<usize>, Option<NaiveDate>), usize>,
    /// The first mobility of each learner at each host.
    mobility_at_host: FxHashMap<(usize, Option<usize>), usize>,
    results: Vec<ResultEntry>,
    result_index: FxHashMap<(usize, usize), usize>,
    /// Units a learner works on without a result yet: (learner, unit, mobility).
    targets: Vec<(usize, usize, Option<usize>)>,
    schemes: BTreeMap<String, GradingScheme>,
    diags: Vec<Diagnostic>,
    /// Rounds read whole, merged after the tables' round is built.
    whole_rounds: Vec<(String, Round)>,
    /// Folded forms of names and titles: flat sheets repeat them on every row.
    folded: FxHashMap<String, String>,
    recent: RecentParts,
    /// Learner ids found given to two learners, reported once each.
    shared_ids: std::collections::HashSet<String>,
}

/// Parts seen on recent rows and the record each became. A flat sheet
/// repeats the same learner, organisations and unit on row after row, and a
/// part identical to one already merged without conflict needs neither key
/// look-ups nor merging again.
#[derive(Default)]
struct RecentParts {
    learners: Recent<Arc<LearnerPart>>,
    /// One list per role (none, sending, host, intermediary, issuer).
    orgs: [Recent<Arc<OrganisationPart>>; 5],
    contacts: Recent<(Option<usize>, ContactRole, ContactPart)>,
    units: Recent<Arc<UnitPart>>,
    qualifications: Recent<Arc<QualificationPart>>,
}

/// A few recently seen values and their record indexes, most recent first.
struct Recent<P> {
    items: Vec<(P, usize)>,
}

impl<P> Default for Recent<P> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<P: PartialEq + Clone> Recent<P> {
    const CAPACITY: usize = 16;

    fn find_by(&mut self, matches: impl Fn(&P) -> bool) -> Option<usize> {
        let pos = self.items.iter().position(|(p, _)| matches(p))?;
        let index = self.items[pos].1;
        // Keep the hit in front: rows of one learner or unit come together.
        self.items[..=pos].rotate_right(1);
        Some(index)
    }

    fn remember(&mut self, part: &P, index: usize) {
        if self.items.len() == Self::CAPACITY {
            self.items.pop();
        }
        self.items.insert(0, (part.clone(), index));
    }
}

impl<T: PartialEq> Recent<Arc<T>> {
    /// A part shared with an earlier row is found by pointer, among all the
    /// recent parts before any field of one is compared.
    fn find_shared(&mut self, part: &Arc<T>) -> Option<usize> {
        self.find_by(|p| Arc::ptr_eq(p, part))
            .or_else(|| self.find_by(|p| **p == **part))
    }
}

/// Reports two rows that disagree about one value of one record.
struct Conflicts<'a> {
    sheets: &'a [SheetInfo],
    diags: &'a mut Vec<Diagnostic>,
    origin: Origin,
    first: Option<Origin>,
    /// Names the record in a message; only called when rows disagree.
    record: &'a dyn Fn() -> String,
}

impl Conflicts<'_> {
    /// Fills an empty slot, or reports a different value (kept in `unmapped`).
    fn merge<T: PartialEq + Clone>(
        &mut self,
        slot: &mut Option<T>,
        new: &Option<T>,
        field: Field,
        unmapped: &mut Unmapped,
        show: impl Fn(&T) -> String,
    ) {
        let Some(new) = new else { return };
        match slot {
            None => *slot = Some(new.clone()),
            Some(old) if old == new => {}
            Some(old) => self.report(field, &show(old), &show(new), unmapped),
        }
    }

    fn merge_text(
        &mut self,
        slot: &mut MultilingualText,
        new: &MultilingualText,
        field: Field,
        unmapped: &mut Unmapped,
    ) {
        for lang in slot.merge_missing(new) {
            let old = slot.get(&lang).unwrap_or_default().to_string();
            let newer = new.get(&lang).unwrap_or_default().to_string();
            self.report(field, &old, &newer, unmapped);
        }
    }

    fn report(&mut self, field: Field, old: &str, new: &str, unmapped: &mut Unmapped) {
        let info = &self.sheets[self.origin.sheet as usize];
        let mut loc = Location::row(&info.file, &info.sheet, self.origin.row);
        loc.column = info.columns.get(&field).copied();
        let first = self
            .first
            .map(|o| {
                let i = &self.sheets[o.sheet as usize];
                format!("{} row {}", i.sheet, o.row)
            })
            .unwrap_or_else(|| "an earlier row".into());
        self.diags.push(
            Diagnostic::warning(
                Code::ConflictingValues,
                loc,
                format!(
                    "{}: {field} is \"{new}\" here but \"{old}\" on {first}; \"{old}\" is kept",
                    (self.record)()
                ),
            )
            .with_hint(
                "make the rows agree; the other value is kept among the record's unmapped values",
            ),
        );
        unmapped.insert(
            format!("{field} ({} row {})", info.sheet, self.origin.row),
            new.to_string(),
        );
    }
}

fn show<T: Display>(v: &T) -> String {
    v.to_string()
}

fn show_date(d: &NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

impl RoundBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for the records of `rows` rows about to be joined: a
    /// large flat sheet would otherwise copy its learners, mobilities and
    /// results each time their tables grow. Room never used costs address
    /// space, not memory.
    pub(crate) fn expect_rows(&mut self, rows: usize) {
        self.results.reserve(rows);
        self.learners.reserve(rows);
        self.mobilities.reserve(rows);
    }

    /// Registers a sheet; its index goes into the [`Origin`] of its rows.
    pub(crate) fn add_sheet(&mut self, info: SheetInfo) -> u32 {
        self.sheets.push(info);
        (self.sheets.len() - 1) as u32
    }

    /// Makes the grading schemes of a mapping available to the round.
    pub fn add_schemes<'s>(&mut self, schemes: impl IntoIterator<Item = &'s GradingScheme>) {
        for s in schemes {
            self.schemes
                .entry(s.id.clone())
                .or_insert_with(|| s.clone());
        }
    }

    /// Adds a diagnostic found outside rows (e.g. by a Word reader).
    pub fn push_diagnostic(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Merges one row into the round.
    /// Joins one row. Takes what it keeps out of `row` and leaves the rest,
    /// so the caller can free the remains off the joining thread.
    pub(crate) fn add_row(&mut self, row: &mut RowRecord) {
        let origin = row.origin.expect("rows carry their origin");

        if !row.organisation.is_empty() {
            let part = &row.organisation;
            let Some(org) = self.upsert_org(part, part.role, origin) else {
                return;
            };
            // A school's contact person is its coordinator; anyone else's a
            // general contact (mentors are named per mobility).
            if let Some(name) = &part.contact.name {
                let role = match part.role {
                    Some(OrganisationRole::Sending) => ContactRole::Coordinator,
                    _ => ContactRole::Contact,
                };
                self.upsert_contact(Some(org), name, &part.contact, role);
            }
            attach(
                &mut self.orgs[org].unmapped,
                std::mem::take(&mut row.unmapped),
                origin,
                &self.sheets,
            );
            return;
        }

        let sending = self.upsert_org(&row.sending, Some(OrganisationRole::Sending), origin);
        let host = self.upsert_org(&row.host, Some(OrganisationRole::Host), origin);
        let intermediary = self.upsert_org(
            &row.intermediary,
            Some(OrganisationRole::Intermediary),
            origin,
        );
        for (found, what, field) in [
            (sending, "sending", Field::SendingName),
            (host, "host", Field::HostName),
            (intermediary, "intermediary", Field::IntermediaryName),
        ] {
            let part = match what {
                "sending" => &row.sending,
                "host" => &row.host,
                _ => &row.intermediary,
            };
            if found.is_none() && !part.is_empty() {
                let values = orphan_values(what, part);
                let listed: Vec<String> =
                    values.iter().map(|(k, v)| format!("{k} \"{v}\"")).collect();
                self.diags.push(
                    Diagnostic::warning(
                        Code::MissingValue,
                        self.locate(origin, field),
                        format!(
                            "the row gives the {what} organisation's details ({}) but not its name; they are kept with the learner",
                            listed.join(", ")
                        ),
                    )
                    .with_hint(format!("fill in the {what} organisation's name")),
                );
                row.unmapped.extend(values);
            }
        }
        let qualification = self.upsert_qualification(&row.qualification, origin);
        let unit = self.upsert_unit(&row.unit, qualification, origin);
        let learner = self.upsert_learner(&row.learner, origin);

        if let Some(org) = sending
            && let Some(name) = &row.sending.contact.name
        {
            self.upsert_contact(
                Some(org),
                name,
                &row.sending.contact,
                ContactRole::Coordinator,
            );
        }
        if let Some(org) = host
            && let Some(name) = &row.host.contact.name
        {
            self.upsert_contact(Some(org), name, &row.host.contact, ContactRole::Contact);
        }
        let mentor = row
            .mentor
            .name
            .clone()
            .map(|name| self.upsert_contact(host, &name, &row.mentor, ContactRole::Mentor));

        // Unmapped values stay with the row's learner whatever the layout, so a
        // flat sheet and a learners sheet keep them in the same place.
        let owner = match (learner, unit, qualification) {
            (Some(l), _, _) => &mut self.learners[l].unmapped,
            (None, Some(u), _) => &mut self.units[u].unmapped,
            (None, None, Some(q)) => &mut self.quals[q].unmapped,
            (None, None, None) => return,
        };
        attach(
            owner,
            std::mem::take(&mut row.unmapped),
            origin,
            &self.sheets,
        );
        let Some(learner) = learner else { return };

        let has_mobility =
            !row.mobility.is_empty() || host.is_some() || sending.is_some() || mentor.is_some();
        let mobility = has_mobility.then(|| {
            // A qualification on a unit's row belongs to the unit; on a
            // learner's row without a unit, to the learner's mobility.
            let learner_qualification = if unit.is_none() { qualification } else { None };
            self.upsert_mobility(
                learner,
                host,
                sending,
                intermediary,
                &row.mobility,
                mentor,
                learner_qualification,
                origin,
            )
        });

        let Some(unit) = unit else { return };
        let has_result =
            !row.result.is_empty() || row.rating.is_some() || row.assessor.name.is_some();
        if has_result {
            let part = std::mem::take(&mut row.result);
            let assessor = std::mem::take(&mut row.assessor);
            let r = self.upsert_result(learner, unit, mobility, part, assessor, origin);
            if let Some(rating) = row.rating.take() {
                self.results[r].part.criteria.push(rating);
            }
        } else {
            // A learner and a unit without a result: the mobility targets the unit.
            self.targets.push((learner, unit, mobility));
        }
    }

    fn conflicts<'a>(
        &'a mut self,
        origin: Origin,
        first: Option<Origin>,
        record: &'a dyn Fn() -> String,
    ) -> Conflicts<'a> {
        Conflicts {
            sheets: &self.sheets,
            diags: &mut self.diags,
            origin,
            first,
            record,
        }
    }

    fn upsert_learner(&mut self, part: &Arc<LearnerPart>, origin: Origin) -> Option<usize> {
        if let Some(i) = self.recent.learners.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_learner(part, origin)?;
        if self.diags.len() == before {
            self.recent.learners.remember(part, index);
        }
        Some(index)
    }

    fn upsert_org(
        &mut self,
        part: &Arc<OrganisationPart>,
        role: Option<OrganisationRole>,
        origin: Origin,
    ) -> Option<usize> {
        if part.name.is_empty() && part.key.is_none() && part.pic.is_none() && part.oid.is_none() {
            return None;
        }
        let recent = &mut self.recent.orgs[role.map_or(0, |r| r as usize + 1)];
        if let Some(i) = recent.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_org(part, role, origin)?;
        if self.diags.len() == before {
            self.recent.orgs[role.map_or(0, |r| r as usize + 1)].remember(part, index);
        }
        Some(index)
    }

    fn upsert_unit(
        &mut self,
        part: &Arc<UnitPart>,
        qualification: Option<usize>,
        origin: Origin,
    ) -> Option<usize> {
        if let Some(i) = self.recent.units.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_unit(part, qualification, origin)?;
        if self.diags.len() == before {
            self.recent.units.remember(part, index);
        }
        Some(index)
    }

    fn upsert_qualification(
        &mut self,
        part: &Arc<QualificationPart>,
        origin: Origin,
    ) -> Option<usize> {
        if let Some(i) = self.recent.qualifications.find_shared(part) {
            return Some(i);
        }
        let index = self.merge_qualification(part)?;
        self.quals[index].origin.get_or_insert(origin);
        self.recent.qualifications.remember(part, index);
        Some(index)
    }

    /// `fold(s)`, remembered.
    fn fold(&mut self, s: &str) -> String {
        if let Some(f) = self.folded.get(s) {
            return f.clone();
        }
        let f = fold(s);
        self.folded.insert(s.to_string(), f.clone());
        f
    }

    fn learner_keys(&mut self, part: &LearnerPart) -> Vec<LearnerKey> {
        let mut keys = Vec::new();
        if let Some(id) = &part.school_id {
            keys.push(LearnerKey::School(id.clone()));
        }
        if let Some(id) = &part.national_id {
            keys.push(LearnerKey::National(id.clone()));
        }
        if let (Some(g), Some(f)) = (&part.given_names, &part.family_name) {
            let name = [self.fold(f), self.fold(g)].join("|");
            if let Some(dob) = part.date_of_birth {
                keys.push(LearnerKey::NameBirth(name.clone(), dob));
            }
            keys.push(LearnerKey::Name(name));
        }
        keys
    }

    /// A learner id given to someone else already (both given and family
    /// names differ, not a typo in one) is two learners under one id: the
    /// rows are joined, so their results would be mixed up. An error, once per id.
    fn check_shared_id(&mut self, part: &LearnerPart, index: usize, origin: Origin) {
        let first = &self.learners[index].part;
        let (Some(id), Some(g), Some(f), Some(g0), Some(f0)) = (
            part.school_id.as_deref(),
            part.given_names.as_deref(),
            part.family_name.as_deref(),
            first.given_names.as_deref(),
            first.family_name.as_deref(),
        ) else {
            return;
        };
        // Asked of every row of a known learner: compare before any copy.
        if first.school_id.as_deref() != Some(id) || g == g0 || f == f0 {
            return;
        }
        let (id, g, f, g0, f0) = (
            id.to_string(),
            g.to_string(),
            f.to_string(),
            g0.to_string(),
            f0.to_string(),
        );
        if self.fold(&g) == self.fold(&g0)
            || self.fold(&f) == self.fold(&f0)
            || !self.shared_ids.insert(id.clone())
        {
            return;
        }
        let at = self.learners[index]
            .origin
            .map(|o| format!(" on {} row {}", self.sheets[o.sheet as usize].sheet, o.row))
            .unwrap_or_default();
        let loc = self.locate(origin, Field::LearnerId);
        self.diags.push(
            Diagnostic::error(
                Code::DuplicateRecord,
                loc,
                format!(
                    "the learner id \"{id}\" is given to {g} {f} here and to {g0} {f0}{at}: two learners cannot share an id, and their rows were joined as one learner ({g0} {f0})"
                ),
            )
            .with_hint("give each learner their own id (the school's learner number), then convert again"),
        );
    }

    fn merge_learner(&mut self, shared: &Arc<LearnerPart>, origin: Origin) -> Option<usize> {
        let part: &LearnerPart = shared;
        let keys = self.learner_keys(part);
        if keys.is_empty() {
            return None;
        }
        // The strongest key that is known and not ambiguous. A weaker key
        // (a name, a name and birth date) never joins two learners whose ids
        // differ: two learners may share a name, never an id.
        let found = keys.iter().find_map(|k| {
            let i = self.learner_index.get(k).copied().flatten()?;
            let other = &self.learners[i].part;
            let differ = |a: &Option<String>, b: &Option<String>| {
                matches!((a, b), (Some(a), Some(b)) if a != b)
            };
            let school = differ(&part.school_id, &other.school_id);
            let national = differ(&part.national_id, &other.national_id);
            match k {
                LearnerKey::School(_) => Some(i),
                LearnerKey::National(_) if school => None,
                LearnerKey::NameBirth(..) | LearnerKey::Name(_) if school || national => None,
                _ => Some(i),
            }
        });
        let index = match found {
            Some(i) => i,
            None => {
                self.learners.push(LearnerEntry::default());
                self.learners.len() - 1
            }
        };
        for k in keys {
            match self.learner_index.get(&k) {
                None => {
                    self.learner_index.insert(k, Some(index));
                }
                // Two learners share a name (and perhaps a birth date): it no
                // longer identifies either.
                Some(Some(other))
                    if *other != index
                        && matches!(k, LearnerKey::Name(_) | LearnerKey::NameBirth(..)) =>
                {
                    self.learner_index.insert(k, None);
                }
                _ => {}
            }
        }
        let name = || {
            format!(
                "learner {} {}",
                part.given_names.as_deref().unwrap_or(""),
                part.family_name.as_deref().unwrap_or("")
            )
            .trim()
            .to_string()
        };
        let entry_origin = self.learners[index].origin;
        if found.is_some() {
            self.check_shared_id(part, index, origin);
        }
        let detail = !self.sheets[origin.sheet as usize].references
            && (part.date_of_birth.is_some()
                || part.given_names.is_some()
                || part.email.is_some()
                || part.national_id.is_some());
        let mut entry = std::mem::take(&mut self.learners[index]);
        if found.is_none() {
            // A new learner: the row's part as it is, nothing to merge.
            entry.part = Arc::clone(shared);
        } else {
            let mut c = self.conflicts(origin, entry_origin, &name);
            let p = Arc::make_mut(&mut entry.part);
            let u = &mut entry.unmapped;
            c.merge(&mut p.school_id, &part.school_id, Field::LearnerId, u, show);
            c.merge(
                &mut p.given_names,
                &part.given_names,
                Field::LearnerGivenNames,
                u,
                show,
            );
            c.merge(
                &mut p.family_name,
                &part.family_name,
                Field::LearnerFamilyName,
                u,
                show,
            );
            c.merge(
                &mut p.date_of_birth,
                &part.date_of_birth,
                Field::LearnerDateOfBirth,
                u,
                show_date,
            );
            c.merge(
                &mut p.nationality,
                &part.nationality,
                Field::LearnerNationality,
                u,
                show,
            );
            c.merge(&mut p.email, &part.email, Field::LearnerEmail, u, show);
            c.merge(&mut p.phone, &part.phone, Field::LearnerPhone, u, show);
            c.merge(
                &mut p.address,
                &part.address,
                Field::LearnerAddress,
                u,
                show,
            );
            c.merge(
                &mut p.national_id,
                &part.national_id,
                Field::LearnerNationalId,
                u,
                show,
            );
            c.merge(&mut p.gender, &part.gender, Field::LearnerGender, u, |g| {
                format!("{g:?}").to_lowercase()
            });
            c.merge(
                &mut p.guardian_name,
                &part.guardian_name,
                Field::LearnerGuardianName,
                u,
                show,
            );
            c.merge(
                &mut p.guardian_email,
                &part.guardian_email,
                Field::LearnerGuardianEmail,
                u,
                show,
            );
            c.merge(
                &mut p.guardian_phone,
                &part.guardian_phone,
                Field::LearnerGuardianPhone,
                u,
                show,
            );
        }
        if entry.origin.is_none() || (!entry.defined && detail) {
            entry.origin = Some(origin);
        }
        entry.defined |= detail;
        self.learners[index] = entry;
        Some(index)
    }

    fn org_keys(&mut self, part: &OrganisationPart) -> Vec<OrgKey> {
        let mut keys = Vec::new();
        if let Some(k) = &part.key {
            keys.push(OrgKey::Key(self.fold(k)));
        }
        if let Some(p) = &part.pic {
            keys.push(OrgKey::Pic(p.clone()));
        }
        if let Some(o) = &part.oid {
            keys.push(OrgKey::Oid(o.to_ascii_uppercase()));
        }
        for name in part.name.texts() {
            keys.push(OrgKey::Name(self.fold(name)));
        }
        keys
    }

    fn merge_org(
        &mut self,
        part: &OrganisationPart,
        role: Option<OrganisationRole>,
        origin: Origin,
    ) -> Option<usize> {
        let keys = self.org_keys(part);
        if keys.is_empty() {
            return None;
        }
        let found = keys.iter().find_map(|k| self.org_index.get(k).copied());
        let index = found.unwrap_or_else(|| {
            self.orgs.push(OrgEntry::default());
            self.orgs.len() - 1
        });
        for k in keys {
            self.org_index.entry(k).or_insert(index);
        }
        let mut entry = std::mem::take(&mut self.orgs[index]);
        let record = || {
            format!(
                "organisation {}",
                part.name
                    .texts()
                    .next()
                    .or(part.key.as_deref())
                    .unwrap_or("")
            )
        };
        {
            let (prefix_field, country_field) = match role {
                Some(OrganisationRole::Sending) => (Field::SendingName, Field::SendingCountry),
                Some(OrganisationRole::Host) => (Field::HostName, Field::HostCountry),
                Some(OrganisationRole::Intermediary) => {
                    (Field::IntermediaryName, Field::IntermediaryCountry)
                }
                _ => (Field::OrganisationName, Field::OrganisationCountry),
            };
            let first = entry.origin;
            let mut c = self.conflicts(origin, first, &record);
            let p = &mut entry.part;
            let u = &mut entry.unmapped;
            c.merge(&mut p.key, &part.key, Field::OrganisationKey, u, show);
            c.merge_text(&mut p.name, &part.name, prefix_field, u);
            c.merge(&mut p.country, &part.country, country_field, u, show);
            c.merge(
                &mut p.address,
                &part.address,
                Field::OrganisationAddress,
                u,
                show,
            );
            c.merge(&mut p.phone, &part.phone, Field::OrganisationPhone, u, show);
            c.merge(&mut p.email, &part.email, Field::OrganisationEmail, u, show);
            c.merge(
                &mut p.website,
                &part.website,
                Field::OrganisationWebsite,
                u,
                show,
            );
            c.merge(&mut p.pic, &part.pic, Field::OrganisationPic, u, show);
            c.merge(&mut p.oid, &part.oid, Field::OrganisationOid, u, show);
        }
        if let Some(r) = role {
            entry.roles.insert(r);
        }
        if entry.origin.is_none() {
            entry.origin = Some(origin);
        }
        self.orgs[index] = entry;
        Some(index)
    }

    fn upsert_contact(
        &mut self,
        org: Option<usize>,
        name: &str,
        part: &ContactPart,
        role: ContactRole,
    ) -> usize {
        if let Some(i) = self
            .recent
            .contacts
            .find_by(|(o, r, p)| *o == org && *r == role && p == part)
        {
            return i;
        }
        let index = self.merge_contact(org, name, part, role);
        self.recent
            .contacts
            .remember(&(org, role, part.clone()), index);
        index
    }

    fn merge_contact(
        &mut self,
        org: Option<usize>,
        name: &str,
        part: &ContactPart,
        role: ContactRole,
    ) -> usize {
        let key = (org, self.fold(name));
        let index = *self.contact_index.entry(key).or_insert_with(|| {
            self.contacts.push(ContactEntry {
                part: ContactPart::default(),
                organisation: org,
                roles: BTreeSet::new(),
            });
            self.contacts.len() - 1
        });
        let c = &mut self.contacts[index];
        c.part.name.get_or_insert_with(|| name.to_string());
        c.part.position.merge_missing(&part.position);
        if c.part.email.is_none() {
            c.part.email.clone_from(&part.email);
        }
        if c.part.phone.is_none() {
            c.part.phone.clone_from(&part.phone);
        }
        c.roles.insert(role);
        index
    }

    fn merge_qualification(&mut self, part: &QualificationPart) -> Option<usize> {
        let key = part
            .code
            .clone()
            .or_else(|| part.title.texts().next().map(|t| self.fold(t)))?;
        let index = *self.qual_index.entry(key).or_insert_with(|| {
            self.quals.push(QualEntry::default());
            self.quals.len() - 1
        });
        let q = &mut self.quals[index].part;
        q.title.merge_missing(&part.title);
        if q.code.is_none() {
            q.code.clone_from(&part.code);
        }
        if q.country.is_none() {
            q.country.clone_from(&part.country);
        }
        q.eqf_level = q.eqf_level.or(part.eqf_level);
        if q.nqf_level.is_none() {
            q.nqf_level.clone_from(&part.nqf_level);
        }
        q.ecvet_points = q.ecvet_points.or(part.ecvet_points);
        // Titles in other languages find the same qualification.
        for t in part.title.texts() {
            let key = self.fold(t);
            self.qual_index.entry(key).or_insert(index);
        }
        Some(index)
    }

    fn merge_unit(
        &mut self,
        part: &UnitPart,
        qualification: Option<usize>,
        origin: Origin,
    ) -> Option<usize> {
        let code_key = part.code.as_ref().map(|code| format!("code:{code}"));
        let title_keys: Vec<String> = part
            .title
            .texts()
            .map(|t| format!("title:{}", self.fold(t)))
            .collect();
        if code_key.is_none() && title_keys.is_empty() {
            return None;
        }
        // A code identifies a unit; a title only when no code says
        // otherwise: two units may share a title ("Practical training"). So a
        // coded row finds a unit by its code, or else by title a unit that
        // has no code yet (described in Word without one).
        let by_title = || {
            title_keys
                .iter()
                .find_map(|k| self.unit_index.get(k).copied())
                .filter(|i| *i != AMBIGUOUS)
                .filter(|i| code_key.is_none() || self.units[*i].part.code.is_none())
        };
        let found = match &code_key {
            Some(k) => self.unit_index.get(k).copied().or_else(by_title),
            None => by_title(),
        };
        if found.is_none()
            && code_key.is_none()
            && title_keys
                .iter()
                .any(|k| self.unit_index.get(k) == Some(&AMBIGUOUS))
        {
            let loc = self.locate(origin, Field::UnitTitle);
            self.diags.push(
                Diagnostic::warning(
                    Code::ConflictingValues,
                    loc,
                    format!(
                        "the unit \"{}\" is named by a title that several units with different codes share",
                        part.title.texts().next().unwrap_or("")
                    ),
                )
                .with_hint("give the unit's code so the row joins the right unit"),
            );
        }
        let reference = self.sheets[origin.sheet as usize].references;
        if reference && found.is_some() {
            // A grid naming a known unit adds nothing to it (its title may
            // even be in another language than the grid's labels).
            return found;
        }
        let index = found.unwrap_or_else(|| {
            self.units.push(UnitEntry::default());
            self.units.len() - 1
        });
        if let Some(k) = code_key {
            self.unit_index.entry(k).or_insert(index);
        }
        for k in title_keys {
            let entry = self.unit_index.entry(k).or_insert(index);
            if *entry != index {
                // Two units share this title: it no longer names either.
                *entry = AMBIGUOUS;
            }
        }
        let defined = !reference && !part.title.is_empty();
        let national_system = self.sheets[origin.sheet as usize].country.clone();
        let mut entry = std::mem::take(&mut self.units[index]);
        {
            let record = || {
                format!(
                    "unit {}",
                    part.code
                        .as_deref()
                        .or(part.title.texts().next())
                        .unwrap_or("")
                )
            };
            let first = entry.origin;
            let mut c = self.conflicts(origin, first, &record);
            let p = &mut entry.part;
            let u = &mut entry.unmapped;
            c.merge(&mut p.code, &part.code, Field::UnitCode, u, show);
            c.merge_text(&mut p.title, &part.title, Field::UnitTitle, u);
            c.merge_text(
                &mut p.area_of_work,
                &part.area_of_work,
                Field::UnitAreaOfWork,
                u,
            );
            c.merge_text(
                &mut p.description,
                &part.description,
                Field::UnitDescription,
                u,
            );
            c.merge(
                &mut p.eqf_level,
                &part.eqf_level,
                Field::UnitEqfLevel,
                u,
                |l| l.get().to_string(),
            );
            // A level read without its framework (a mapping without a
            // country) agrees with the same level named with one.
            match (&mut p.nqf_level, &part.nqf_level) {
                (Some(old), Some(new)) if old.level == new.level => {
                    if old.framework.is_none() {
                        old.framework.clone_from(&new.framework);
                    }
                }
                _ => c.merge(
                    &mut p.nqf_level,
                    &part.nqf_level,
                    Field::UnitNqfLevel,
                    u,
                    |l| l.level.clone(),
                ),
            }
            c.merge(
                &mut p.ecvet_points,
                &part.ecvet_points,
                Field::UnitEcvetPoints,
                u,
                show,
            );
            c.merge(
                &mut p.national_points,
                &part.national_points,
                Field::UnitNationalPoints,
                u,
                show,
            );
            merge_outcomes(
                &mut c,
                &mut p.knowledge,
                &part.knowledge,
                Field::UnitKnowledge,
                u,
            );
            merge_outcomes(&mut c, &mut p.skills, &part.skills, Field::UnitSkills, u);
            merge_outcomes(
                &mut c,
                &mut p.competence,
                &part.competence,
                Field::UnitCompetence,
                u,
            );
        }
        if entry.qualification.is_none() {
            entry.qualification = qualification;
        }
        if entry.national_system.is_none() && part.national_points.is_some() {
            entry.national_system = national_system;
        }
        if entry.origin.is_none() || (!entry.defined && defined) {
            entry.origin = Some(origin);
        }
        entry.defined |= defined;
        self.units[index] = entry;
        Some(index)
    }

    #[allow(clippy::too_many_arguments)]
    fn upsert_mobility(
        &mut self,
        learner: usize,
        host: Option<usize>,
        sending: Option<usize>,
        intermediary: Option<usize>,
        shared: &Arc<MobilityPart>,
        mentor: Option<usize>,
        qualification: Option<usize>,
        origin: Origin,
    ) -> usize {
        let part: &MobilityPart = shared;
        let key = (learner, host, part.start);
        let reference = self.sheets[origin.sheet as usize].references;
        let index = match self.mobility_index.get(&key) {
            Some(&i) => i,
            None => match self.mobility_at_host.get(&(learner, host)).copied() {
                // A grid names the host, not the mobility: the learner's
                // mobility there, whatever its dates.
                Some(i) if reference => i,
                // A mobility first seen in a grid takes the dates of the
                // sheet that has them.
                Some(i) if self.mobilities[i].provisional => {
                    self.mobilities[i].provisional = false;
                    self.mobilities[i].origin = Some(origin);
                    self.mobility_index.insert(key, i);
                    i
                }
                _ => {
                    // A new mobility: the row's part as it is, nothing to merge.
                    self.mobilities.push(MobilityEntry {
                        learner,
                        host,
                        part: Arc::clone(shared),
                        origin: Some(origin),
                        provisional: reference,
                        ..MobilityEntry::default()
                    });
                    let i = self.mobilities.len() - 1;
                    self.mobility_index.insert(key, i);
                    self.mobility_at_host.entry((learner, host)).or_insert(i);
                    i
                }
            },
        };
        // The same part as a row already merged (rows of one learner share
        // it) has nothing to add.
        if Arc::ptr_eq(&self.mobilities[index].part, shared) {
            let entry = &mut self.mobilities[index];
            entry.sending = entry.sending.or(sending);
            entry.intermediary = entry.intermediary.or(intermediary);
            entry.mentor = entry.mentor.or(mentor);
            entry.qualification = entry.qualification.or(qualification);
            return index;
        }
        let mut entry = std::mem::take(&mut self.mobilities[index]);
        {
            let first = entry.origin;
            let record = || "mobility".to_string();
            let mut c = self.conflicts(origin, first, &record);
            let p = Arc::make_mut(&mut entry.part);
            let u = &mut entry.unmapped;
            c.merge(
                &mut p.erasmus_id,
                &part.erasmus_id,
                Field::MobilityId,
                u,
                show,
            );
            c.merge(
                &mut p.project_code,
                &part.project_code,
                Field::MobilityProjectCode,
                u,
                show,
            );
            c.merge(
                &mut p.start,
                &part.start,
                Field::MobilityStart,
                u,
                show_date,
            );
            c.merge(&mut p.end, &part.end, Field::MobilityEnd, u, show_date);
            c.merge(
                &mut p.duration_weeks,
                &part.duration_weeks,
                Field::MobilityDurationWeeks,
                u,
                show,
            );
            c.merge_text(
                &mut p.objective,
                &part.objective,
                Field::MobilityObjective,
                u,
            );
            c.merge_text(&mut p.tasks, &part.tasks, Field::MobilityTasks, u);
            c.merge(
                &mut p.language,
                &part.language,
                Field::MobilityLanguage,
                u,
                show,
            );
        }
        entry.sending = entry.sending.or(sending);
        entry.intermediary = entry.intermediary.or(intermediary);
        entry.mentor = entry.mentor.or(mentor);
        entry.qualification = entry.qualification.or(qualification);
        self.mobilities[index] = entry;
        index
    }

    fn upsert_result(
        &mut self,
        learner: usize,
        unit: usize,
        mobility: Option<usize>,
        part: ResultPart,
        assessor: ContactPart,
        origin: Origin,
    ) -> usize {
        let assessor = assessor.name.is_some().then(|| Box::new(assessor));
        let index = match self.result_index.entry((learner, unit)) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                // Most results appear once: take the row's values as they are.
                e.insert(self.results.len());
                self.results.push(ResultEntry {
                    learner,
                    unit,
                    mobility,
                    part,
                    assessor,
                    unmapped: Unmapped::new(),
                    origin: Some(origin),
                });
                return self.results.len() - 1;
            }
        };
        let mut entry = std::mem::take(&mut self.results[index]);
        {
            let first = entry.origin;
            let record = || "result".to_string();
            let mut c = self.conflicts(origin, first, &record);
            let p = &mut entry.part;
            let u = &mut entry.unmapped;
            c.merge(&mut p.grade, &part.grade, Field::ResultGrade, u, |g| {
                format!("{} ({})", g.value, g.scheme)
            });
            c.merge(&mut p.passed, &part.passed, Field::ResultPassed, u, show);
            c.merge(
                &mut p.achieved,
                &part.achieved,
                Field::ResultAchieved,
                u,
                |a| format!("{a:?}").to_lowercase(),
            );
            c.merge(&mut p.date, &part.date, Field::ResultDate, u, show_date);
            c.merge_text(&mut p.method, &part.method, Field::ResultMethod, u);
            c.merge_text(&mut p.remarks, &part.remarks, Field::ResultRemarks, u);
            c.merge_text(
                &mut p.deviations,
                &part.deviations,
                Field::ResultDeviations,
                u,
            );
            c.merge(
                &mut p.ecvet_points,
                &part.ecvet_points,
                Field::ResultEcvetPoints,
                u,
                show,
            );
        }
        for rating in &part.criteria {
            if !entry
                .part
                .criteria
                .iter()
                .any(|r| r.criterion == rating.criterion)
            {
                entry.part.criteria.push(rating.clone());
            }
        }
        entry.mobility = entry.mobility.or(mobility);
        if entry.assessor.is_none() {
            entry.assessor = assessor;
        }
        self.results[index] = entry;
        index
    }

    /// Resolves every reference, gives every record its id and returns the
    /// round, where each record came from, and the diagnostics.
    pub fn finish(mut self) -> (Round, SourceMap, Vec<Diagnostic>) {
        let assessors = self.resolve();
        // The look-up tables are done with: a large round's take a while to
        // free (a string per key), so they are freed beside the work below.
        let tables = (
            std::mem::take(&mut self.learner_index),
            std::mem::take(&mut self.org_index),
            std::mem::take(&mut self.unit_index),
            std::mem::take(&mut self.qual_index),
            std::mem::take(&mut self.contact_index),
            std::mem::take(&mut self.mobility_index),
            std::mem::take(&mut self.mobility_at_host),
            std::mem::take(&mut self.result_index),
            std::mem::take(&mut self.folded),
        );
        // Recent parts share records' parts: gone before those are unwrapped.
        drop(std::mem::take(&mut self.recent));
        rayon::spawn(move || drop(tables));
        let mut origins = SourceMap::default();
        let mut round = Round::default();

        // Organisations.
        for m in &self.mobilities {
            for (org, role) in [
                (m.host, OrganisationRole::Host),
                (m.sending, OrganisationRole::Sending),
                (m.intermediary, OrganisationRole::Intermediary),
            ] {
                if let Some(o) = org {
                    self.orgs[o].roles.insert(role);
                }
            }
        }
        let mut org_ids = Ids::default();
        for entry in std::mem::take(&mut self.orgs) {
            let lang = self.language_of(entry.origin);
            let p = entry.part;
            let id = org_ids.claim(ids::organisation_id(&p.name, p.key.as_deref(), lang));
            if p.name.is_empty() {
                let loc = self.locate_or_record(entry.origin, Field::OrganisationKey, || {
                    format!("organisation {id}")
                });
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownOrganisation,
                        loc,
                        format!(
                            "the organisation \"{}\" is referred to but no sheet gives its name",
                            p.key.as_deref().unwrap_or(&id)
                        ),
                    )
                    .with_hint("add it to the organisations sheet, or write its full name instead of a key"),
                );
            }
            let mut registration_ids = Vec::new();
            if let Some(value) = p.pic {
                registration_ids.push(RegistrationId {
                    scheme: RegistrationScheme::Pic,
                    value,
                });
            }
            if let Some(value) = p.oid {
                registration_ids.push(RegistrationId {
                    scheme: RegistrationScheme::Oid,
                    value,
                });
            }
            if let Some(o) = entry.origin {
                origins.add(RecordRef::Organisation(id.clone()), o);
            }
            round.organisations.push(Organisation {
                id,
                name: p.name,
                roles: entry.roles,
                country: p.country,
                address: p.address,
                phone: p.phone,
                email: p.email,
                website: p.website,
                registration_ids,
                unmapped: entry.unmapped,
            });
        }

        // Contacts.
        let mut contact_ids = Ids::default();
        for c in std::mem::take(&mut self.contacts) {
            let name = c.part.name.unwrap_or_default();
            let base = ids::contact_id(c.organisation.map(|o| org_ids[o].as_str()), &name);
            round.contacts.push(ContactPerson {
                id: contact_ids.claim(base),
                name,
                position: c.part.position,
                email: c.part.email,
                phone: c.part.phone,
                organisation: c.organisation.map(|o| org_ids[o].clone()),
                roles: c.roles,
            });
        }

        // Qualifications.
        let mut qual_ids = Ids::default();
        for q in std::mem::take(&mut self.quals) {
            let lang = self.language_of(q.origin);
            let p = q.part;
            let base = ids::qualification_id(p.code.as_deref(), &p.title, lang);
            round.qualifications.push(Qualification {
                id: qual_ids.claim(base),
                code: p.code,
                title: p.title,
                country: p.country,
                eqf_level: p.eqf_level,
                nqf_level: p.nqf_level,
                credit_points: p
                    .ecvet_points
                    .map(CreditPoints::ecvet)
                    .into_iter()
                    .collect(),
                unmapped: q.unmapped,
            });
        }

        // Units.
        let mut unit_ids = Ids::default();
        for entry in std::mem::take(&mut self.units) {
            let lang = self.language_of(entry.origin);
            let p = entry.part;
            let base = ids::unit_id(p.code.as_deref(), &p.title, lang);
            let id = unit_ids.claim(base);
            if !entry.defined {
                let loc =
                    self.locate_or_record(entry.origin, Field::UnitCode, || format!("unit {id}"));
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownUnit,
                        loc,
                        format!("the unit \"{id}\" is referred to but no sheet or file describes it"),
                    )
                    .with_hint("add the unit (code and title) to the units sheet, or give the unit's description file as input too"),
                );
            }
            let mut credit_points: Vec<CreditPoints> = p
                .ecvet_points
                .map(CreditPoints::ecvet)
                .into_iter()
                .collect();
            if let Some(value) = p.national_points {
                let name = entry.national_system.unwrap_or_else(|| "national".into());
                credit_points.push(CreditPoints {
                    value,
                    system: CreditSystem::National(name),
                });
            }
            let mut outcomes = Vec::new();
            for (category, lists) in [
                (OutcomeCategory::Knowledge, &p.knowledge),
                (OutcomeCategory::Skill, &p.skills),
                (OutcomeCategory::Competence, &p.competence),
            ] {
                if let Some(m) = build_outcomes(&id, category, lists, &mut outcomes) {
                    let loc = self
                        .locate_or_record(entry.origin, Field::UnitTitle, || format!("unit {id}"));
                    self.diags.push(
                        Diagnostic::warning(
                            Code::ConflictingValues,
                            loc,
                            format!("unit {id}: {m}; statements were paired by position"),
                        )
                        .with_hint("give the same number of statements in every language"),
                    );
                }
            }
            if let Some(o) = entry.origin {
                origins.add(RecordRef::Unit(id.clone()), o);
            }
            round.units.push(Unit {
                id,
                code: p.code,
                title: p.title,
                qualification: entry.qualification.map(|q| qual_ids[q].clone()),
                area_of_work: p.area_of_work,
                description: p.description,
                eqf_level: p.eqf_level,
                nqf_level: p.nqf_level,
                credit_points,
                learning_outcomes: outcomes,
                unmapped: entry.unmapped,
            });
        }

        // Learners: ids claimed one after the other in builder order, the
        // records then built in parallel.
        let entries = std::mem::take(&mut self.learners);
        let bases: Vec<String> = entries
            .par_iter()
            .map(|e| learner_id_base(&e.part))
            .collect();
        let mut learner_ids = Ids::default();
        for (entry, base) in entries.iter().zip(bases) {
            let id = learner_ids.claim(base);
            let p = &entry.part;
            if !entry.defined || p.family_name.is_none() && p.given_names.is_none() {
                let loc = self
                    .locate_or_record(entry.origin, Field::LearnerId, || format!("learner {id}"));
                let (code, msg) = if entry.defined {
                    (
                        Code::MissingLearnerName,
                        format!("learner {id} has no name"),
                    )
                } else {
                    (
                        Code::UnknownLearner,
                        format!("the learner \"{id}\" is referred to but no sheet describes them"),
                    )
                };
                self.diags.push(
                    Diagnostic::error(code, loc, msg)
                        .with_hint("add the learner's given and family names (on the learners sheet when there is one)"),
                );
            }
        }
        let (learners, learner_origins): (Vec<Learner>, Vec<Option<Origin>>) = entries
            .into_par_iter()
            .enumerate()
            .map(|(i, entry)| {
                let p = Arc::unwrap_or_clone(entry.part);
                let guardian = p.guardian_name.map(|name| Guardian {
                    name,
                    email: p.guardian_email,
                    phone: p.guardian_phone,
                });
                let learner = Learner {
                    id: learner_ids[i].clone(),
                    given_names: p.given_names.unwrap_or_default(),
                    family_name: p.family_name.unwrap_or_default(),
                    date_of_birth: p.date_of_birth,
                    nationality: p.nationality,
                    email: p.email,
                    phone: p.phone,
                    address: p.address,
                    national_id: p.national_id,
                    school_id: p.school_id,
                    gender: p.gender,
                    guardian,
                    unmapped: entry.unmapped,
                };
                (learner, entry.origin)
            })
            .unzip();
        origins.add_each(&learners, learner_origins, |l| {
            RecordRef::Learner(l.id.clone())
        });
        round.learners.extend(learners);

        // Mobilities: ids claimed one after the other in builder order (a
        // taken id gets a suffix), the records then built in parallel.
        let entries = std::mem::take(&mut self.mobilities);
        let mut mobility_ids = Ids::default();
        let ids: Vec<String> = entries
            .par_iter()
            .map(|m| {
                ids::mobility_id(
                    &learner_ids[m.learner],
                    m.host.map(|h| org_ids[h].as_str()),
                    m.part.start,
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|base| mobility_ids.claim(base))
            .collect();
        let (mobilities, mobility_origins): (Vec<Mobility>, Vec<Option<Origin>>) = entries
            .into_par_iter()
            .zip(ids)
            .map(|(m, id)| {
                // Sorted, so the order never depends on the order of sheets or rows.
                let mut units: Vec<String> = m.units.iter().map(|u| unit_ids[*u].clone()).collect();
                units.sort();
                let part = Arc::unwrap_or_clone(m.part);
                let mobility = Mobility {
                    id,
                    erasmus_id: part.erasmus_id,
                    project_code: part.project_code,
                    learner: learner_ids[m.learner].clone(),
                    sending: m.sending.map(|o| org_ids[o].clone()),
                    host: m.host.map(|o| org_ids[o].clone()),
                    intermediary: m.intermediary.map(|o| org_ids[o].clone()),
                    start: part.start,
                    end: part.end,
                    duration_weeks: part.duration_weeks,
                    objective: part.objective,
                    tasks: part.tasks,
                    mentor: m.mentor.map(|c| contact_ids[c].clone()),
                    language: part.language,
                    units,
                    qualification: m.qualification.map(|q| qual_ids[q].clone()),
                    unmapped: m.unmapped,
                };
                (mobility, m.origin)
            })
            .unzip();
        origins.add_each(&mobilities, mobility_origins, |m| {
            RecordRef::Mobility(m.id.clone())
        });
        round.mobilities.extend(mobilities);

        // Results: the most numerous records, converted in parallel (every id
        // they refer to is settled by now), then added in builder order.
        let (assessments, result_origins): (Vec<AssessmentResult>, Vec<Option<Origin>>) =
            std::mem::take(&mut self.results)
                .into_par_iter()
                .zip(assessors)
                .map(|(r, assessor)| {
                    let learner = &learner_ids[r.learner];
                    let unit = &unit_ids[r.unit];
                    let p = r.part;
                    let passed = p.passed.or_else(|| {
                        let g = p.grade.as_ref()?;
                        self.schemes.get(&g.scheme)?.passes(&g.value)
                    });
                    let result = AssessmentResult {
                        id: ids::result_id(learner, unit),
                        learner: learner.clone(),
                        unit: unit.clone(),
                        mobility: r.mobility.map(|m| mobility_ids[m].clone()),
                        outcome: None,
                        criteria: p.criteria,
                        grade: p.grade,
                        passed,
                        achieved: p.achieved,
                        credit_points: p
                            .ecvet_points
                            .map(CreditPoints::ecvet)
                            .into_iter()
                            .collect(),
                        date: p.date,
                        method: p.method,
                        assessor: assessor.map(|c| contact_ids[c].clone()),
                        remarks: p.remarks,
                        deviations: p.deviations,
                        unmapped: r.unmapped,
                    };
                    (result, r.origin)
                })
                .unzip();
        origins.add_each(&assessments, result_origins, |r| {
            RecordRef::Result(r.id.clone())
        });
        round.assessments = assessments;

        // The schemes the round's grades use.
        // A round uses a handful of schemes, named on every grade.
        let mut used: Vec<&str> = Vec::new();
        for g in round
            .assessments
            .iter()
            .flat_map(|a| a.grade.iter().chain(a.criteria.iter().map(|c| &c.value)))
        {
            if !used.contains(&g.scheme.as_str()) {
                used.push(&g.scheme);
            }
        }
        round.grading_schemes = self
            .schemes
            .values()
            .filter(|s| used.contains(&s.id.as_str()))
            .cloned()
            .collect();
        for (file, whole) in std::mem::take(&mut self.whole_rounds) {
            merge::merge_round(&mut round, whole, &file, &mut self.diags);
        }
        round.sort();
        origins.set_sheets(self.sheets);
        (round, origins, self.diags)
    }

    /// The language of the sheet a record came from.
    fn language_of(&self, origin: Option<Origin>) -> &str {
        origin.map_or("en", |o| self.sheets[o.sheet as usize].language.as_str())
    }

    fn locate_or_record(
        &self,
        origin: Option<Origin>,
        field: Field,
        record: impl FnOnce() -> String,
    ) -> Location {
        match origin {
            Some(o) => self.locate(o, field),
            None => Location::record(record()),
        }
    }

    /// Settles what only the whole round tells: the mobility of a result or
    /// targeted unit that named none (the learner's only mobility), each
    /// assessor's organisation (the host of that mobility), and a mobility's
    /// qualification when all its units share one. Returns each result's
    /// assessor contact.
    fn resolve(&mut self) -> Vec<Option<usize>> {
        // Each learner's one mobility; none when they have several.
        let mut one_mobility: Vec<Option<Option<usize>>> = vec![None; self.learners.len()];
        for (i, m) in self.mobilities.iter().enumerate() {
            let slot = &mut one_mobility[m.learner];
            *slot = Some(if slot.is_none() { Some(i) } else { None });
        }
        let only = |learner: usize| one_mobility.get(learner).copied().flatten().flatten();
        let mut units_of: Vec<(usize, usize)> = Vec::new();
        for r in &mut self.results {
            r.mobility = r.mobility.or_else(|| only(r.learner));
            if let Some(m) = r.mobility {
                units_of.push((m, r.unit));
            }
        }
        for &(learner, unit, mobility) in &self.targets {
            if let Some(m) = mobility.or_else(|| only(learner)) {
                units_of.push((m, unit));
            }
        }
        for (m, u) in units_of {
            if !self.mobilities[m].units.contains(&u) {
                self.mobilities[m].units.push(u);
            }
        }
        let mut assessors = Vec::with_capacity(self.results.len());
        for i in 0..self.results.len() {
            let contact = self.results[i].assessor.take().and_then(|part| {
                let org = self.results[i]
                    .mobility
                    .and_then(|m| self.mobilities[m].host);
                let name = part.name.clone()?;
                Some(self.upsert_contact(org, &name, &part, ContactRole::Assessor))
            });
            assessors.push(contact);
        }
        for m in &mut self.mobilities {
            if m.qualification.is_none() {
                let quals: BTreeSet<Option<usize>> = m
                    .units
                    .iter()
                    .map(|u| self.units[*u].qualification)
                    .collect();
                if quals.len() == 1 {
                    m.qualification = quals.into_iter().next().flatten();
                }
            }
        }
        assessors
    }

    fn locate(&self, origin: Origin, field: Field) -> Location {
        let info = &self.sheets[origin.sheet as usize];
        let mut loc = Location::row(&info.file, &info.sheet, origin.row);
        loc.column = info.columns.get(&field).copied();
        loc
    }
}

/// The id a learner is given before suffixes part equal ones.
fn learner_id_base(p: &LearnerPart) -> String {
    ids::learner_id(
        p.school_id.as_deref(),
        p.given_names.as_deref().unwrap_or(""),
        p.family_name.as_deref().unwrap_or(""),
        p.date_of_birth,
        p.national_id.as_deref(),
    )
}

/// The values of an organisation part that names no organisation, as
/// `host.country`-style keys, so they can be kept among unmapped values.
fn orphan_values(what: &str, part: &OrganisationPart) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push((format!("{what}.{name}"), v.to_string()));
        }
    };
    push("country", part.country.as_ref().map(|c| c.as_str()));
    push("address", part.address.as_deref());
    push("phone", part.phone.as_deref());
    push("email", part.email.as_deref());
    push("website", part.website.as_deref());
    push("contact_name", part.contact.name.as_deref());
    push("contact_position", part.contact.position.texts().next());
    push("contact_email", part.contact.email.as_deref());
    push("contact_phone", part.contact.phone.as_deref());
    out
}

/// Adds a row's unmapped values to a record; a header already holding a
/// different value gets the row number appended, so nothing is overwritten.
fn attach(
    target: &mut Unmapped,
    values: Vec<(String, String)>,
    origin: Origin,
    sheets: &[SheetInfo],
) {
    for (header, value) in values {
        match target.get(&header) {
            None => {
                target.insert(header, value);
            }
            Some(old) if *old == value => {}
            Some(_) => {
                let info = &sheets[origin.sheet as usize];
                target.insert(
                    format!("{header} ({} row {})", info.sheet, origin.row),
                    value,
                );
            }
        }
    }
}

fn merge_outcomes(
    c: &mut Conflicts<'_>,
    slot: &mut OutcomeLists,
    new: &OutcomeLists,
    field: Field,
    unmapped: &mut Unmapped,
) {
    for (lang, lines) in new {
        match slot.get(lang) {
            None => {
                slot.insert(lang.clone(), lines.clone());
            }
            Some(old) if old == lines => {}
            Some(old) => {
                let join = |v: &[OutcomeLine]| {
                    v.iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                c.report(field, &join(old), &join(lines), unmapped);
            }
        }
    }
}

/// Pairs each language's statements by position into learning outcomes.
/// Returns a description of a count mismatch, if any.
fn build_outcomes(
    unit: &str,
    category: OutcomeCategory,
    lists: &OutcomeLists,
    out: &mut Vec<LearningOutcome>,
) -> Option<String> {
    let n = lists.values().map(Vec::len).max().unwrap_or(0);
    for i in 0..n {
        let mut text = MultilingualText::new();
        let mut details: Vec<MultilingualText> = Vec::new();
        for (lang, lines) in lists {
            if let Some(line) = lines.get(i) {
                text.set(lang, line.text.clone());
                for (j, d) in line.details.iter().enumerate() {
                    if details.len() <= j {
                        details.push(MultilingualText::new());
                    }
                    details[j].set(lang, d.clone());
                }
            }
        }
        out.push(LearningOutcome {
            id: ids::outcome_id(unit, category, i + 1),
            text,
            category,
            esco_uri: None,
            details,
        });
    }
    let counts: BTreeSet<usize> = lists.values().map(Vec::len).collect();
    (counts.len() > 1).then(|| {
        let what = match category {
            OutcomeCategory::Knowledge => "knowledge",
            OutcomeCategory::Skill => "skills",
            OutcomeCategory::Competence => "competence",
        };
        let per: Vec<String> = lists
            .iter()
            .map(|(l, v)| format!("{l} {}", v.len()))
            .collect();
        format!(
            "{what} statements differ in number between languages ({})",
            per.join(", ")
        )
    })
}

/// Ids handed out so far, so that two records never share one.
#[derive(Default)]
struct Ids {
    list: Vec<String>,
    taken: rustc_hash::FxHashSet<String>,
}

impl Ids {
    /// `base`, or `base-2`, `base-3` … when taken.
    fn claim(&mut self, base: String) -> String {
        let id = if self.taken.contains(&base) {
            (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !self.taken.contains(c))
                .expect("some suffix is free")
        } else {
            base
        };
        self.taken.insert(id.clone());
        self.list.push(id.clone());
        id
    }
}

impl std::ops::Index<usize> for Ids {
    type Output = String;
    fn index(&self, i: usize) -> &String {
        &self.list[i]
    }
}
