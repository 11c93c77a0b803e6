//! Joining a Word document: its units and grids, recognised by their labels
//! in the mapping stage, join the round as rows of a sheet of their own.

use super::RoundBuilder;
use crate::diagnostics::Diagnostic;
use crate::import::Document;
use crate::mapping::word::{WordRecord, recognise};
use crate::mapping::{Mapping, SheetReport};
use crate::provenance::Origin;

impl RoundBuilder {
    /// Reads every table and run of paragraphs of a Word document and joins
    /// its units and grids into the round. `user` is the mapping given with
    /// `--mapping`, whose labels are tried first. Returns what was understood
    /// of each part, and adds the diagnostics to `diags`.
    pub fn add_document(
        &mut self,
        document: &Document,
        user: Option<&Mapping>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<SheetReport> {
        let (records, reports) = recognise(document, user, diags);
        for record in records {
            self.add_word_record(record);
        }
        reports
    }

    fn add_word_record(&mut self, word: WordRecord<'_>) {
        let WordRecord {
            mapping,
            sheet,
            row,
            mut record,
        } = word;
        self.add_schemes(mapping.schemes.all());
        let index = self.add_sheet(sheet);
        record.origin = Some(Origin { sheet: index, row });
        self.add_row(&mut record);
    }
}
