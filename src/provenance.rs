//! Provenance: where each record of a round came from.
//!
//! Every stage after reading points at the cell a user must fix: a check over
//! the model, an exporter that cannot make a file of a record. They ask the
//! [`SourceMap`] the reader filled in, by [`RecordRef`], and get a
//! [`Location`] — file, sheet, row and, when the field has a column, the cell.

use std::collections::HashMap;

use crate::diagnostics::Location;
use crate::model::Field;

/// Where a row came from: an index into the list of sheets read, and the
/// 1-based row number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Index of the sheet in the [`SourceMap`]'s sheet list.
    pub sheet: u32,
    /// Row, 1-based as the spreadsheet shows it.
    pub row: u32,
}

/// A sheet rows came from, for locating diagnostics.
#[derive(Clone, Debug, Default)]
pub struct SheetInfo {
    /// The file.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// The column of each field on the sheet.
    pub columns: HashMap<Field, u32>,
    /// The header of each field, as a hint names it: the sheet's own where
    /// it has the column, else the first one its mapping lists (the column
    /// to add, in the language of the headers the sheet has).
    pub headers: HashMap<Field, String>,
    /// The language of the sheet's texts (from its mapping).
    pub language: String,
    /// The country of the sheet's mapping, naming national credit points.
    pub country: Option<String>,
    /// True when the sheet's rows only refer to learners and units described
    /// elsewhere (an assessment grid names its learner and unit): such rows
    /// find those records but never count as describing them.
    pub references: bool,
}

/// A record of the finished round, for [`SourceMap`] look-ups.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordRef {
    /// A learner, by id.
    Learner(String),
    /// A mobility, by id.
    Mobility(String),
    /// A unit, by id.
    Unit(String),
    /// An assessment result, by id.
    Result(String),
    /// An organisation, by id.
    Organisation(String),
}

impl RecordRef {
    /// How many kinds of record there are.
    const KINDS: usize = 5;

    fn kind(&self) -> usize {
        match self {
            RecordRef::Learner(_) => 0,
            RecordRef::Mobility(_) => 1,
            RecordRef::Unit(_) => 2,
            RecordRef::Result(_) => 3,
            RecordRef::Organisation(_) => 4,
        }
    }

    fn into_kind_and_id(self) -> (usize, String) {
        let kind = self.kind();
        match self {
            RecordRef::Learner(id)
            | RecordRef::Mobility(id)
            | RecordRef::Unit(id)
            | RecordRef::Result(id)
            | RecordRef::Organisation(id) => (kind, id),
        }
    }

    fn id(&self) -> &str {
        match self {
            RecordRef::Learner(id)
            | RecordRef::Mobility(id)
            | RecordRef::Unit(id)
            | RecordRef::Result(id)
            | RecordRef::Organisation(id) => id,
        }
    }
}

/// Where each record of a round came from, so that checks over the model can
/// point at the cell a user must fix.
///
/// Most rounds are asked for a few locations, or none, and mostly of units:
/// each kind of record's origins are kept as a list, and sorted by id the
/// first time a record of that kind is looked up.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    sheets: Vec<SheetInfo>,
    /// Per kind of record ([`RecordRef::kind`]), its ids and origins.
    origins: [Vec<(String, Origin)>; RecordRef::KINDS],
    /// Per kind, the positions in `origins` in id order (equal ids in the
    /// order given).
    sorted: [std::sync::OnceLock<Vec<u32>>; RecordRef::KINDS],
}

impl SourceMap {
    /// Notes where a record came from; a later origin for the same record wins.
    pub(crate) fn add(&mut self, record: RecordRef, origin: Origin) {
        let (kind, id) = record.into_kind_and_id();
        self.origins[kind].push((id, origin));
    }

    /// [`Self::add`] for each of `records` that has an origin.
    pub(crate) fn add_each<R>(
        &mut self,
        records: &[R],
        origins: Vec<Option<Origin>>,
        record: impl Fn(&R) -> RecordRef,
    ) {
        for (r, origin) in records.iter().zip(origins) {
            if let Some(o) = origin {
                self.add(record(r), o);
            }
        }
    }

    pub(crate) fn origin(&self, record: &RecordRef) -> Option<Origin> {
        let list = &self.origins[record.kind()];
        let sorted = self.sorted[record.kind()].get_or_init(|| {
            use rayon::prelude::*;
            let mut positions: Vec<u32> = (0..list.len() as u32).collect();
            positions.par_sort_by(|a, b| list[*a as usize].0.cmp(&list[*b as usize].0));
            positions
        });
        let end = sorted.partition_point(|&i| list[i as usize].0.as_str() <= record.id());
        let (id, origin) = &list[*sorted.get(end.checked_sub(1)?)? as usize];
        (id == record.id()).then_some(*origin)
    }

    /// Gives the sheets that [`Origin::sheet`] indexes.
    pub(crate) fn set_sheets(&mut self, sheets: Vec<SheetInfo>) {
        self.sheets = sheets;
    }

    /// The language of the first sheet read: what a school's own texts
    /// (its profile) are most likely in.
    pub(crate) fn first_language(&self) -> Option<&str> {
        self.sheets.first().map(|s| s.language.as_str())
    }

    /// The header that would give `field` on the sheet `record` came from:
    /// the sheet's own, else the one its mapping lists first.
    pub fn header(&self, record: &RecordRef, field: Field) -> Option<&str> {
        let origin = self.origin(record)?;
        self.sheets[origin.sheet as usize]
            .headers
            .get(&field)
            .map(String::as_str)
    }

    /// Whether the sheet `record` came from has a column for `field`.
    pub fn has_column(&self, record: &RecordRef, field: Field) -> bool {
        self.origin(record)
            .is_some_and(|o| self.sheets[o.sheet as usize].columns.contains_key(&field))
    }

    /// The location of `field` of `record`: its cell when the field has a
    /// column on the record's first row's sheet, else the row, else the record.
    pub fn locate(&self, record: &RecordRef, field: Option<Field>) -> Location {
        let Some(origin) = self.origin(record) else {
            return Location::record(describe(record));
        };
        let info = &self.sheets[origin.sheet as usize];
        let mut loc = Location::row(&info.file, &info.sheet, origin.row);
        loc.column = field.and_then(|f| info.columns.get(&f).copied());
        loc
    }
}

fn describe(r: &RecordRef) -> String {
    match r {
        RecordRef::Learner(id) => format!("learner {id}"),
        RecordRef::Mobility(id) => format!("mobility {id}"),
        RecordRef::Unit(id) => format!("unit {id}"),
        RecordRef::Result(id) => format!("result {id}"),
        RecordRef::Organisation(id) => format!("organisation {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: u32) -> Origin {
        Origin { sheet: 0, row }
    }

    #[test]
    fn a_record_is_located_by_kind_and_id_and_its_last_origin_wins() {
        let mut map = SourceMap::default();
        map.set_sheets(vec![SheetInfo {
            file: "round.csv".into(),
            sheet: "round".into(),
            columns: HashMap::from([(Field::UnitTitle, 3)]),
            language: "lv".into(),
            country: None,
            references: false,
            ..SheetInfo::default()
        }]);
        for (i, id) in ["b", "a", "c", "a"].into_iter().enumerate() {
            map.add(RecordRef::Learner(id.into()), at(10 + i as u32));
        }
        map.add(RecordRef::Unit("a".into()), at(2));
        let row = |r: RecordRef| map.origin(&r).map(|o| o.row);
        assert_eq!(row(RecordRef::Learner("a".into())), Some(13));
        assert_eq!(row(RecordRef::Learner("b".into())), Some(10));
        assert_eq!(row(RecordRef::Learner("c".into())), Some(12));
        assert_eq!(row(RecordRef::Learner("d".into())), None);
        assert_eq!(row(RecordRef::Learner("".into())), None);
        assert_eq!(row(RecordRef::Unit("a".into())), Some(2));
        assert_eq!(row(RecordRef::Mobility("a".into())), None);
        let loc = map.locate(&RecordRef::Unit("a".into()), Some(Field::UnitTitle));
        assert_eq!((loc.row, loc.column), (Some(2), Some(3)));
        let loc = map.locate(&RecordRef::Result("x".into()), None);
        assert_eq!(loc.row, None);
    }
}
