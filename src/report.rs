//! The report of a run: what was read, how it was understood, every problem,
//! and the row accounting (rows read = records built + rows reported).
//! Written as `report.json`; summarised for people on the terminal.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::import::InputFormat;
use crate::mapping::{MappingChoice, MappingOrigin, MappingScore, RowCounts, SheetReport};
use crate::model::{Round, RoundCounts};

/// The mapping a file was read with.
#[derive(Clone, Debug, Serialize)]
pub struct MappingReport {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Shipped or the user's file.
    pub origin: MappingOrigin,
    /// True when given with `--mapping`.
    pub given: bool,
    /// How each candidate scored, best first.
    pub ranking: Vec<MappingScore>,
}

impl MappingReport {
    /// From a choice.
    pub fn new(choice: &MappingChoice) -> Self {
        Self {
            id: choice.mapping.id.clone(),
            name: choice.mapping.name.clone(),
            origin: choice.mapping.origin.clone(),
            given: choice.given,
            ranking: choice.ranking.clone(),
        }
    }
}

/// One input file.
#[derive(Clone, Debug, Serialize)]
pub struct InputReport {
    /// The file as named.
    pub file: String,
    /// Detected format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<InputFormat>,
    /// True when nothing could be read from it.
    pub unreadable: bool,
    /// CSV encoding used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// CSV delimiter used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Mapping used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<MappingReport>,
    /// Sheets.
    pub sheets: Vec<SheetReport>,
    /// Row accounting over the file's sheets.
    pub rows: RowCounts,
}

impl InputReport {
    /// A report for a file not read yet.
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_string(),
            format: None,
            unreadable: false,
            encoding: None,
            delimiter: None,
            mapping: None,
            sheets: Vec::new(),
            rows: RowCounts::default(),
        }
    }
}

/// Counts of diagnostics by severity.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Informational notes.
    pub infos: usize,
    /// Input files that could not be read at all.
    pub unreadable_files: usize,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Tool and version.
    pub tool: String,
    /// Every input file.
    pub inputs: Vec<InputReport>,
    /// Row accounting over all inputs.
    pub rows: RowCounts,
    /// Records in the round.
    pub records: RoundCounts,
    /// Diagnostics by severity.
    pub summary: Summary,
    /// Every diagnostic, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// Output files and what happened to each (convert only; `report.json`
    /// itself is written last and not listed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<crate::export::Written>,
    /// Every output the run planned, each with its path and the record it
    /// is for, decided before any exporter ran (convert only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned_outputs: Vec<crate::outputs::PlannedOutput>,
    /// The school profile used (`europass.toml`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

impl Report {
    /// Builds the report of a load.
    pub fn new(inputs: Vec<InputReport>, round: &Round, diagnostics: Vec<Diagnostic>) -> Self {
        let mut rows = RowCounts::default();
        for i in &inputs {
            rows.read += i.rows.read;
            rows.records += i.rows.records;
            rows.reported += i.rows.reported;
        }
        let mut r = Self {
            tool: format!("europass {}", env!("CARGO_PKG_VERSION")),
            inputs,
            rows,
            records: round.counts(),
            summary: Summary::default(),
            diagnostics,
            outputs: Vec::new(),
            planned_outputs: Vec::new(),
            profile: None,
        };
        r.recount();
        r
    }

    /// Adds diagnostics found later (e.g. by an exporter's requirements).
    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(more);
        self.recount();
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
        self.recount();
    }

    fn recount(&mut self) {
        let count = |s| self.diagnostics.iter().filter(|d| d.severity == s).count();
        self.summary = Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            unreadable_files: self.inputs.iter().filter(|i| i.unreadable).count(),
        };
    }

    /// The exit code: 2 when an input could not be read, 1 when a record has
    /// errors, 0 otherwise.
    pub fn exit_code(&self) -> i32 {
        // A folder holding nothing europass reads is as bad as a file it cannot read.
        let nothing_to_read = self
            .diagnostics
            .iter()
            .any(|d| d.code == Code::NoInputFiles);
        if self.summary.unreadable_files > 0 || nothing_to_read {
            2
        } else if self.summary.errors > 0 {
            1
        } else {
            0
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }

    /// Diagnostics and a summary for people; notes only when `verbose`.
    pub fn to_human(&self, verbose: bool) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            if d.severity == Severity::Info && !verbose {
                continue;
            }
            let _ = writeln!(out, "{d}");
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", self.summary_line(verbose));
        out
    }

    /// What a convert run wrote, for people: per kind of file how many and
    /// where (`out/<learner>/transcript.pdf × 14`), the report and feedback
    /// files, and what the exit code means. `out` is the output folder as
    /// given.
    pub fn written_summary(&self, out: &str) -> String {
        let out = out.trim_end_matches(['/', '\\']);
        let mut groups: Vec<(String, usize, usize)> = Vec::new();
        for w in &self.outputs {
            if w.path == crate::outputs::FEEDBACK || w.path == crate::outputs::REPORT {
                continue;
            }
            let pattern = self.output_pattern(&w.path);
            let unchanged = usize::from(w.status == crate::export::WriteStatus::Unchanged);
            match groups.iter_mut().find(|(p, ..)| *p == pattern) {
                Some((_, n, same)) => {
                    *n += 1;
                    *same += unchanged;
                }
                None => groups.push((pattern, 1, unchanged)),
            }
        }
        let dry = self
            .outputs
            .iter()
            .any(|w| w.status == crate::export::WriteStatus::WouldWrite);
        let mut text = String::new();
        let _ = writeln!(text, "{}", if dry { "would write:" } else { "wrote:" });
        if groups.is_empty() {
            let _ = writeln!(text, "  no documents (see the errors above)");
        }
        for (pattern, n, same) in &groups {
            let times = if *n > 1 {
                format!(" × {n}")
            } else {
                String::new()
            };
            let same = match *same {
                0 => String::new(),
                s if s == *n => " (unchanged)".to_string(),
                s => format!(" ({s} unchanged)"),
            };
            let _ = writeln!(text, "  {out}/{pattern}{times}{same}");
        }
        let _ = writeln!(
            text,
            "  {out}/{} — every problem, located; {out}/{} — each input row with its problems",
            crate::outputs::REPORT,
            crate::outputs::FEEDBACK
        );
        let _ = writeln!(text, "{}", self.exit_meaning());
        text
    }

    /// A written file's path with its learner's folder shown as
    /// `<learner>` and a memorandum's name as `<school>-<host>`, so files of
    /// one kind count together.
    fn output_pattern(&self, path: &str) -> String {
        let planned = self.planned_outputs.iter().find(|p| p.path == path);
        let Some((folder, name)) = path.rsplit_once('/') else {
            return path.to_string();
        };
        match planned {
            Some(p) if p.learner.is_some() && !folder.contains('/') => format!("<learner>/{name}"),
            Some(p) if p.host.is_some() => {
                let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
                format!("{folder}/<school>-<host>.{ext}")
            }
            _ => path.to_string(),
        }
    }

    /// The exit code this report gives, and what it means, in one line.
    pub fn exit_meaning(&self) -> String {
        let code = self.exit_code();
        let meaning = match code {
            0 => "no errors; every output was written",
            1 => {
                "some records have errors: they are reported above and left out of the outputs they would spoil; the rest was written"
            }
            _ => {
                "some input could not be read at all (see above); the outputs hold what could be read"
            }
        };
        format!("exit code {code}: {meaning}")
    }

    /// One paragraph: files, rows, records, problems. The notes are
    /// counted; `verbose` says they were shown, else how to show them.
    pub fn summary_line(&self, verbose: bool) -> String {
        let files = self.inputs.len();
        let r = &self.records;
        let s = &self.summary;
        let mut line = format!(
            "{files} file{} read{}: {} rows → {} records, {} reported; {} learners, {} units, {} results",
            plural(files),
            if s.unreadable_files > 0 {
                format!(" ({} unreadable)", s.unreadable_files)
            } else {
                String::new()
            },
            self.rows.read,
            self.rows.records,
            self.rows.reported,
            r.learners,
            r.units,
            r.assessments,
        );
        let _ = write!(
            line,
            "\n{} error{}, {} warning{}",
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings)
        );
        if s.infos > 0 {
            let how = if verbose { "" } else { " (-v to show)" };
            let _ = write!(line, ", {} note{}{how}", s.infos, plural(s.infos));
        }
        line
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Report {
    /// What `inspect` prints: per file, the mapping chosen and why, and per
    /// sheet its role, header row, row counts and every column's field.
    pub fn to_inspect_human(&self, verbose: bool) -> String {
        let mut out = String::new();
        for input in &self.inputs {
            write_input_head(&mut out, input);
            for sheet in &input.sheets {
                write_sheet(&mut out, sheet);
            }
            let problems = self
                .diagnostics
                .iter()
                .filter(|d| d.location.file.as_deref() == Some(input.file.as_str()))
                .filter(|d| verbose || d.severity != Severity::Info);
            for d in problems {
                let _ = writeln!(out, "  {d}");
            }
            out.push('\n');
        }
        let _ = match &self.profile {
            Some(file) => writeln!(out, "school profile: {file}"),
            None => writeln!(
                out,
                "school profile: none (`europass init` writes one; see the README)"
            ),
        };
        let _ = writeln!(out, "{}", self.summary_line(verbose));
        out
    }
}

/// A file's line in `inspect`: its format, its text encoding and the
/// mapping chosen, with how the others scored.
fn write_input_head(out: &mut String, input: &InputReport) {
    let format = input.format.map(|f| f.describe()).unwrap_or("unreadable");
    let _ = writeln!(out, "{}  ({format})", input.file);
    if let Some(enc) = &input.encoding {
        let _ = writeln!(
            out,
            "  text: {enc}, fields separated by {}",
            match input.delimiter.as_deref() {
                Some("\t") => "tabs".to_string(),
                Some(d) => format!("'{d}'"),
                None => "?".into(),
            }
        );
    }
    let Some(m) = &input.mapping else { return };
    let best = &m.ranking[0];
    let _ = writeln!(
        out,
        "  mapping: {} \"{}\"{} — {} of {} header cells matched (score {:.1})",
        m.id,
        m.name,
        if m.given {
            " (given with --mapping)"
        } else {
            ""
        },
        best.matched_columns,
        best.header_columns,
        best.score
    );
    if m.ranking.len() > 1 {
        let others: Vec<String> = m.ranking[1..]
            .iter()
            .map(|s| format!("{} {} cells ({:.1})", s.id, s.matched_columns, s.score))
            .collect();
        let _ = writeln!(out, "    other mappings: {}", others.join(", "));
    }
}

/// A sheet in `inspect`: its role, header row and row counts, then each column.
fn write_sheet(out: &mut String, sheet: &SheetReport) {
    if let Some(doc) = &sheet.document {
        write_document_table(out, &sheet.name, doc);
        return;
    }
    let hidden = match sheet.visibility {
        crate::import::Visibility::Visible => "",
        _ => " [hidden]",
    };
    let (Some(role), Some(header)) = (sheet.role, sheet.header_row) else {
        let _ = match sheet.header_row {
            Some(row) => writeln!(
                out,
                "  sheet \"{}\"{hidden}: not recognised; its header row ({row}):",
                sheet.name
            ),
            None => writeln!(out, "  sheet \"{}\"{hidden}: not recognised", sheet.name),
        };
        write_columns(out, sheet, header_target);
        return;
    };
    let _ = writeln!(
        out,
        "  sheet \"{}\"{hidden}: {} ({}), header row {header}; {} rows read → {} records, {} reported",
        sheet.name,
        role.as_str(),
        if sheet.role_from_name {
            "by its name"
        } else {
            "by its columns"
        },
        sheet.rows.read,
        sheet.rows.records,
        sheet.rows.reported
    );
    write_columns(out, sheet, column_target);
}

/// A sheet's columns in `inspect`: each header and what it was read as.
fn write_columns(
    out: &mut String,
    sheet: &SheetReport,
    target: fn(&crate::mapping::ColumnReport) -> String,
) {
    let width = sheet
        .columns
        .iter()
        .map(|c| c.header.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for c in &sheet.columns {
        let header: String = c.header.replace('\n', " ");
        let pad = width.saturating_sub(header.chars().count());
        let _ = writeln!(
            out,
            "    {:>3}  {header}{}  → {}",
            c.column,
            " ".repeat(pad),
            target(c)
        );
    }
}

/// What a column was read as, for `inspect`.
fn column_target(c: &crate::mapping::ColumnReport) -> String {
    match (&c.field, &c.duplicate_of) {
        (Some(f), Some(owner)) => format!("(unmapped: {f} already taken by column {owner})"),
        (Some(f), None) => {
            let lang = c
                .language
                .as_deref()
                .map(|l| format!("@{l}"))
                .unwrap_or_default();
            let how = match c.matched_by {
                Some(crate::mapping::MatchKind::Exact) | None => String::new(),
                Some(k) => format!(
                    "  [{}]",
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                        .unwrap_or_default()
                ),
            };
            format!("{f}{lang}{how}")
        }
        (None, _) => "(unmapped: values kept with each record)".into(),
    }
}

/// What a header of an unread sheet matches, for `inspect`.
fn header_target(c: &crate::mapping::ColumnReport) -> String {
    match &c.field {
        Some(_) => column_target(c),
        None => "(matches no field)".into(),
    }
}

/// One table (or run of paragraphs) of a Word document, for `inspect`: what
/// it was recognised as and every label that matched.
fn write_document_table(
    out: &mut String,
    name: &str,
    doc: &crate::mapping::word::DocumentTableReport,
) {
    use crate::mapping::word::Recognised;
    let mut line = format!("  {name}: {}", doc.recognised_as.describe());
    if let (Some(m), Some(l)) = (&doc.mapping, &doc.language) {
        let _ = write!(line, " — labels of mapping \"{m}\", texts read as {l}");
    }
    match doc.recognised_as {
        Recognised::UnitDescription if !doc.units.is_empty() => {
            let titles: Vec<String> = doc.units.iter().map(|t| format!("\"{t}\"")).collect();
            let _ = write!(
                line,
                "; {} unit{}: {}",
                doc.units.len(),
                plural(doc.units.len()),
                titles.join(", ")
            );
        }
        Recognised::AssessmentGrid => {
            if let Some(g) = &doc.grid {
                let _ = write!(
                    line,
                    "; rating columns {} in row {}, scheme {}; {} criteria, {} rated",
                    g.columns.join(" "),
                    g.header_row,
                    g.scheme.as_deref().unwrap_or("none"),
                    g.criteria,
                    g.rated
                );
            }
        }
        _ => {}
    }
    if !doc.attached_to.is_empty() {
        let _ = write!(line, "; its values go to {}", doc.attached_to.join(", "));
    }
    let _ = writeln!(out, "{line}");
    let width = doc
        .labels
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for l in &doc.labels {
        let pad = width.saturating_sub(l.label.chars().count());
        let _ = writeln!(
            out,
            "    {:>7}  \"{}\"{}  → {}  ({})",
            l.cell,
            l.label,
            " ".repeat(pad),
            l.field,
            l.mapping
        );
    }
}

/// What `europass mappings` prints: the shipped mappings, and optionally
/// every canonical field with its kind and meaning.
pub fn describe_mappings(fields: bool) -> String {
    use crate::mapping::Mapping;
    use crate::model::Field;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Shipped mappings (chosen automatically by their headers; override with --mapping FILE):"
    );
    for m in Mapping::shipped() {
        let origin = match &m.origin {
            MappingOrigin::Shipped(p) | MappingOrigin::File(p) => p.as_str(),
        };
        let _ = writeln!(
            out,
            "  {:<4} {:<45} language {}, country {}, {} fields  ({origin})",
            m.id,
            m.name,
            m.language,
            m.country.as_deref().unwrap_or("-"),
            m.columns.len()
        );
    }
    if fields {
        let _ = writeln!(
            out,
            "\nCanonical fields (a mapping file lists headers for them under [table] field = [...]):"
        );
        for f in Field::ALL {
            let _ = writeln!(
                out,
                "  {:<34} {:<16} {}",
                f.path(),
                format!("{:?}", f.kind()),
                f.doc()
            );
        }
    }
    out
}
