//! Reading a workbook's recognised sheets and joining their rows: rows are
//! read in parallel chunks (the mapping stage's [`SheetRows`]) while the
//! chunks read before are joined, in row order, so the round never depends
//! on thread timing.

use std::collections::HashMap;

use rayon::prelude::*;

use super::RoundBuilder;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::Sheet;
use crate::mapping::headers::{HeaderMatch, SheetLayout, Target};
use crate::mapping::records::RowRecord;
use crate::mapping::rows::{RowChunk, SheetRows};
use crate::mapping::{Mapping, PreparedWorkbook, RowCounts, SheetReport};
use crate::provenance::SheetInfo;

/// How many rows one parallel task reads.
const CHUNK_ROWS: u32 = 2048;
/// How many chunks are read at once before joining: bounds the rows held in
/// memory while keeping every core busy.
const WINDOW_CHUNKS: usize = 4;

impl RoundBuilder {
    /// Reads every recognised sheet of a prepared workbook and joins its rows.
    /// Rows are read in parallel chunks and joined in row order, so the
    /// result never depends on thread timing. Returns the sheet reports with
    /// their row counts, and adds the diagnostics to `diags`.
    pub fn add_workbook(
        &mut self,
        prepared: PreparedWorkbook<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<SheetReport> {
        let PreparedWorkbook {
            workbook,
            mapping,
            sheets,
            mut reports,
            diagnostics,
        } = prepared;
        diags.extend(diagnostics);
        self.add_schemes(mapping.schemes.all());
        let file = workbook.file.as_str();
        for (index, layout) in &sheets {
            let sheet = &workbook.sheets[*index];
            let counts = self.add_sheet_rows(file, sheet, layout, mapping, diags);
            if let Some(report) = reports.iter_mut().find(|r| r.name == sheet.name) {
                report.rows = counts;
            }
        }
        let recognised = sheets.iter().map(|(i, l)| (&workbook.sheets[*i], l));
        report_sheets_without_rows(file, recognised, &reports, diags);
        reports
    }

    /// Reads and joins the rows of one recognised sheet; returns its row counts.
    fn add_sheet_rows(
        &mut self,
        file: &str,
        sheet: &Sheet,
        layout: &SheetLayout,
        mapping: &Mapping,
        diags: &mut Vec<Diagnostic>,
    ) -> RowCounts {
        let sheet_index = self.add_sheet(sheet_info(file, sheet, layout, mapping));
        let rows = SheetRows::new(file, sheet, layout, mapping, diags);
        let all = rows.rows();
        self.expect_rows(all.len());
        let chunks: Vec<std::ops::Range<u32>> = (all.start..all.end)
            .step_by(CHUNK_ROWS as usize)
            .map(|start| start..(start + CHUNK_ROWS).min(all.end))
            .collect();
        let mut counts = RowCounts::default();
        // Reading the next window overlaps joining the previous one, and
        // the rows already joined are freed on the reading side, off the
        // joining thread that every row has to pass through.
        let mut pending: Vec<RowChunk> = Vec::new();
        #[allow(clippy::vec_box)]
        let mut joined: Vec<Box<RecordRemains>> = Vec::new();
        for window in chunks.chunks(WINDOW_CHUNKS) {
            let done = std::mem::take(&mut joined);
            let (read, remains) = rayon::join(
                || {
                    drop(done);
                    window
                        .par_iter()
                        .map(|r| rows.read(r.clone(), sheet_index))
                        .collect()
                },
                || self.join_chunks(std::mem::take(&mut pending), diags, &mut counts),
            );
            pending = read;
            joined = remains;
        }
        drop(self.join_chunks(pending, diags, &mut counts));
        counts
    }
}

/// Where a sheet's records come from: its file, name, the column of each
/// field, and the mapping's language and country.
fn sheet_info(file: &str, sheet: &Sheet, layout: &SheetLayout, mapping: &Mapping) -> SheetInfo {
    let mut columns = HashMap::new();
    let mut headers = HashMap::new();
    for c in layout.matched() {
        if let Some(HeaderMatch {
            target: Target::Field { field, .. },
            ..
        }) = &c.matched
        {
            columns.entry(*field).or_insert(c.index);
            headers
                .entry(*field)
                .or_insert_with(|| c.header.replace('\n', " "));
        }
    }
    // A field's rule in the mapping's own language first (`unit.title`
    // before `unit.title@en`).
    let rules = mapping.columns.iter().filter(|r| r.language.is_none());
    for rule in rules.chain(mapping.columns.iter()) {
        if let Some(alias) = rule.aliases.first() {
            headers
                .entry(rule.field)
                .or_insert_with(|| alias.text.clone());
        }
    }
    SheetInfo {
        file: file.to_string(),
        sheet: sheet.name.clone(),
        columns,
        headers,
        language: mapping.language.clone(),
        country: mapping.country.clone(),
        references: false,
    }
}

/// A header row with nothing below it: said, so that an empty export is not
/// taken for a file read in full (a warning when no sheet of the file had rows).
fn report_sheets_without_rows<'s>(
    file: &str,
    recognised: impl Iterator<Item = (&'s Sheet, &'s SheetLayout)>,
    reports: &[SheetReport],
    diags: &mut Vec<Diagnostic>,
) {
    let any_rows = reports.iter().any(|r| r.rows.read > 0);
    for (sheet, layout) in recognised {
        if reports
            .iter()
            .any(|r| r.name == sheet.name && r.rows.read == 0)
        {
            let message = format!(
                "the sheet has a header row (row {}) but no data rows below it; nothing was read from it",
                layout.header_row + 1
            );
            let location = Location::sheet(file, &sheet.name);
            diags.push(if any_rows {
                Diagnostic::info(Code::EmptySheet, location, message)
            } else {
                Diagnostic::warning(Code::EmptySheet, location, message).with_hint(
                    "fill in the rows below the headers, or check that this is the file you meant to send",
                )
            });
        }
    }
}

/// What is left of a row once joined, waiting to be freed.
type RecordRemains = RowRecord;

impl RoundBuilder {
    #[allow(clippy::vec_box)] // the boxes are the rows' own, freed elsewhere
    fn join_chunks(
        &mut self,
        chunks: Vec<RowChunk>,
        diags: &mut Vec<Diagnostic>,
        counts: &mut RowCounts,
    ) -> Vec<Box<RecordRemains>> {
        let mut remains = Vec::new();
        for chunk in chunks {
            for d in chunk.diagnostics {
                push_merging_blank_runs(diags, d);
            }
            counts.read += chunk.counts.read;
            counts.records += chunk.counts.records;
            counts.reported += chunk.counts.reported;
            for mut record in chunk.records {
                self.add_row(&mut record);
                remains.push(record);
            }
        }
        remains
    }
}

/// Adds a diagnostic, merging a run of blank rows with the run just before
/// it (runs split where parallel chunks meet).
fn push_merging_blank_runs(diags: &mut Vec<Diagnostic>, d: Diagnostic) {
    if d.code == Code::BlankRowsSkipped
        && let Some(last) = diags.last_mut()
        && last.code == Code::BlankRowsSkipped
        && last.location.file == d.location.file
        && last.location.sheet == d.location.sheet
        && last.location.last_row.or(last.location.row).map(|r| r + 1) == d.location.row
    {
        let first = last.location.row.unwrap_or(0);
        let end = d.location.last_row.or(d.location.row).unwrap_or(first);
        last.location.last_row = Some(end);
        let n = end - first + 1;
        last.message = format!("{n} blank rows skipped");
        return;
    }
    diags.push(d);
}
