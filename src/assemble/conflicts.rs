//! Two rows that disagree about one value of one record: the first value
//! is kept, the other is reported at its cell and kept among the record's
//! unmapped values.

use std::fmt::Display;

use chrono::NaiveDate;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::{Field, MultilingualText, Unmapped};
use crate::provenance::{Origin, SheetInfo};

/// Reports two rows that disagree about one value of one record.
pub(super) struct Conflicts<'a> {
    pub(super) sheets: &'a [SheetInfo],
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) origin: Origin,
    pub(super) first: Option<Origin>,
    /// Names the record in a message; only called when rows disagree.
    pub(super) record: &'a dyn Fn() -> String,
}

impl Conflicts<'_> {
    /// Fills an empty slot, or reports a different value (kept in `unmapped`).
    pub(super) fn merge<T: PartialEq + Clone>(
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

    pub(super) fn merge_text(
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

    pub(super) fn report(&mut self, field: Field, old: &str, new: &str, unmapped: &mut Unmapped) {
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

pub(super) fn show<T: Display>(v: &T) -> String {
    v.to_string()
}

pub(super) fn show_date(d: &NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}
