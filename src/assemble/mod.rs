//! Joining row records from every sheet and file into one [`Round`].
//!
//! Rows name learners, units and organisations by natural keys (a learner
//! number, a name and date of birth, a unit code, an organisation's name or
//! key). The builder merges rows that describe the same record, reports
//! rows that disagree (keeping the other value among the record's unmapped
//! values), and resolves references once every file has been read, so that
//! sheet and file order never matter.
//!
//! Each kind of record has its file: how rows find and merge its records
//! (`upsert_…`, `merge_…`) and how [`RoundBuilder::finish`] gives them ids
//! and builds them (`finish_…`), in the order ids are needed.

mod conflicts;
mod contacts;
mod document;
mod learners;
mod merge;
mod mobilities;
mod organisations;
mod profile;
mod qualifications;
mod recent;
mod resolve;
mod results;
mod rows;
mod units;
mod workbook;

pub(crate) use profile::fill_from_profile;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use conflicts::Conflicts;
use contacts::ContactEntry;
use learners::{LearnerEntry, LearnerKey};
use mobilities::MobilityEntry;
use organisations::{OrgEntry, OrgKey};
use qualifications::QualEntry;
use recent::RecentParts;
use results::ResultEntry;
use rustc_hash::FxHashMap;
use units::UnitEntry;

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Field, GradingScheme, Round};
use crate::provenance::{Origin, SheetInfo, SourceMap};
use crate::text::fold;

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
    /// Units a learner works on without a result yet, and units a row
    /// plans (points, activities) whether or not it gives a result.
    targets: Vec<Target>,
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

    /// Resolves every reference, gives every record its id and returns the
    /// round, where each record came from, and the diagnostics.
    pub fn finish(mut self) -> (Round, SourceMap, Vec<Diagnostic>) {
        let assessors = self.resolve();
        self.free_look_ups();
        let mut origins = SourceMap::default();
        let mut round = Round::default();
        let mut settled = Settled {
            orgs: self.finish_organisations(&mut round, &mut origins),
            ..Settled::default()
        };
        settled.contacts = self.finish_contacts(&mut round, &settled);
        settled.quals = self.finish_qualifications(&mut round);
        settled.units = self.finish_units(&mut round, &mut origins, &settled);
        settled.learners = self.finish_learners(&mut round, &mut origins);
        settled.mobilities = self.finish_mobilities(&mut round, &mut origins, &settled);
        self.finish_results(&mut round, &mut origins, &settled, assessors);
        self.finish_schemes(&mut round);
        for (file, whole) in std::mem::take(&mut self.whole_rounds) {
            merge::merge_round(&mut round, whole, &file, &mut self.diags);
        }
        round.sort();
        origins.set_sheets(self.sheets);
        (round, origins, self.diags)
    }

    /// The look-up tables are done with once every row is in: a large
    /// round's take a while to free (a string per key), so they are freed
    /// beside the work that follows.
    fn free_look_ups(&mut self) {
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

    /// `fold(s)`, remembered.
    fn fold(&mut self, s: &str) -> String {
        if let Some(f) = self.folded.get(s) {
            return f.clone();
        }
        let f = fold(s);
        self.folded.insert(s.to_string(), f.clone());
        f
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

    fn locate(&self, origin: Origin, field: Field) -> Location {
        let info = &self.sheets[origin.sheet as usize];
        let mut loc = Location::row(&info.file, &info.sheet, origin.row);
        loc.column = info.columns.get(&field).copied();
        loc
    }
}

/// A unit a learner's mobility covers, as a row without a result or a
/// planned-units row names it.
pub(crate) struct Target {
    learner: usize,
    unit: usize,
    mobility: Option<usize>,
    /// What the row plans for the unit, with where it came from.
    planned: Option<(crate::mapping::records::PlannedPart, Origin)>,
}

/// The ids of the records finished so far, by their index in the builder.
#[derive(Default)]
struct Settled {
    orgs: Ids,
    contacts: Ids,
    quals: Ids,
    units: Ids,
    learners: Ids,
    mobilities: Ids,
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
