//! The whole run, one way: input files → sheets → mapped rows → one round →
//! checks. Files are read and mapped in parallel; joining and checking are
//! sequential so results never depend on thread timing.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::assemble::RoundBuilder;
use crate::check;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::export::{
    self, ExportContext, ExportError, Exporter, FeedbackInput, OutputFile, OutputSink,
    OutputWriter, WriteError, WriteOptions,
};
use crate::import::{self, ImportError, InputFormat, ReadOptions};
use crate::mapping::{self, Mapping, MappingChoice};
use crate::model::Round;
use crate::outputs::{FEEDBACK, OutputKind, OutputPlan, REPORT};
use crate::profile::{Profile, ProfileError};
use crate::provenance::SourceMap;
use crate::report::{InputReport, MappingReport, Report};

/// How to read the inputs.
#[derive(Clone, Default)]
pub struct Options {
    /// Encoding and delimiter overrides for CSV.
    pub read: ReadOptions,
    /// The user's own mapping (`--mapping`), used for every spreadsheet.
    pub mapping: Option<Mapping>,
    /// Told how far a run has got (a progress bar on a terminal).
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// The folder relative input paths are read from, instead of the
    /// working directory; the report still names each file as given.
    /// `europass serve` runs many jobs in one process, each with its inputs
    /// in a folder of its own, and a process has one working directory: a
    /// job's report then names its files as a CLI run started in that
    /// folder would.
    pub root: Option<PathBuf>,
    /// The school profile (`europass.toml`): fills what the inputs leave
    /// empty (see [`school_profile`]).
    pub profile: Option<Profile>,
    /// The output folder of the run, if it writes one: the files europass
    /// wrote there are never read back as inputs, even when it is (or is
    /// inside) an input folder.
    pub output: Option<PathBuf>,
}

impl Options {
    /// Where an input named `path` is on disk.
    fn locate(&self, path: &Path) -> PathBuf {
        match &self.root {
            Some(root) => root.join(path),
            None => path.to_path_buf(),
        }
    }
}

/// Follows a long run: each stage has a number of steps (files read,
/// formats written).
pub trait Progress: Send + Sync {
    /// A stage begins.
    fn start(&self, stage: &str, steps: u64);
    /// One step of the stage is done; `item` names it (a file, a format).
    fn step(&self, item: &str);
    /// The stage is done.
    fn finish(&self);
}

/// The result of loading inputs: the round, where its records came from, and
/// the report so far.
pub struct Loaded {
    /// The round.
    pub round: Round,
    /// Where each record came from.
    pub sources: SourceMap,
    /// What was read, understood and found wrong.
    pub report: Report,
}

/// Expands folders (recursively, sorted) into files, skipping files that are
/// not inputs: Office lock files (`~$x.xlsx`), hidden files, unknown types,
/// what is no regular file, links out of the folder and europass's own
/// outputs (see the `inputs` module).
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    collect_inputs_in(Path::new(""), paths)
}

/// As [`collect_inputs`], with relative paths taken from `root` and named
/// as given (see [`Options::root`]).
pub fn collect_inputs_in(root: &Path, paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    crate::inputs::collect(root, paths, None, &import::Limits::default())
}

/// How many files are read at once: bounds memory when an agency converts
/// thousands of files, while keeping every core busy.
const FILE_WINDOW: usize = 32;

/// What one file gave: a table with the mapping chosen for it, or a round
/// read whole.
enum Readable<'m> {
    Table(import::Workbook, &'m Mapping),
    Round(Box<Round>),
    /// Several rounds read whole from one file.
    Rounds(Vec<import::RoundPart>),
    /// A Word document: its tables are recognised by their labels, not headers.
    Document(import::Document),
}

/// One file read (and its mapping chosen), or why it could not be.
struct ReadFile<'m> {
    input: InputReport,
    content: Option<Readable<'m>>,
    diagnostics: Vec<Diagnostic>,
}

/// The school profile of a run: the file given (`--profile`), else the
/// `europass.toml` nearest the inputs (beside a file, in an input folder or
/// a folder above it up to `root`, the current folder, or in `root`).
pub fn school_profile(
    given: Option<&Path>,
    inputs: &[PathBuf],
    root: &Path,
) -> Result<Option<Profile>, ProfileError> {
    let path = match given {
        Some(p) => Some(p.to_path_buf()),
        None => crate::profile::find(inputs, root),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    // Named relative to the folder the run started in, as inputs are.
    let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
    let mut profile = crate::profile::read(&path)?;
    profile.file = shown.display().to_string();
    Ok(Some(profile))
}

/// Reads, maps and joins every input, then checks the round.
pub fn load(paths: &[PathBuf], options: &Options) -> Loaded {
    let root = options.root.as_deref().unwrap_or(Path::new(""));
    let output = options.output.as_deref();
    let (files, mut diagnostics) =
        crate::inputs::collect(root, paths, output, &options.read.limits);
    let mut builder = RoundBuilder::new();
    let mut inputs = Vec::with_capacity(files.len());
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.start("reading", files.len() as u64);
    }
    for window in files.chunks(FILE_WINDOW) {
        // Files are parsed in parallel, then joined one after the other in
        // input order, so the round never depends on which thread was faster.
        let (read, ()) = rayon::join(
            || window.par_iter().map(|f| read_file(f, options)).collect(),
            || {
                // The shipped mappings are parsed while the first files are
                // read: choosing one needs them, but not before a file is.
                if options.mapping.is_none() {
                    Mapping::shipped();
                }
            },
        );
        let read: Vec<ReadFile> = read;
        for mut file in read {
            diagnostics.append(&mut file.diagnostics);
            if let Some(content) = file.content.take() {
                join(
                    &mut builder,
                    &mut file.input,
                    content,
                    options,
                    &mut diagnostics,
                );
            }
            if let Some(p) = progress {
                p.step(&file.input.file);
            }
            inputs.push(file.input);
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    let (mut round, sources, joined) = builder.finish();
    diagnostics.extend(joined);
    if let Some(profile) = &options.profile {
        crate::assemble::fill_from_profile(&mut round, &sources, profile, &mut diagnostics);
    }
    diagnostics.extend(check::check_round(&round, &sources));
    let mut report = Report::new(inputs, &round, diagnostics);
    report.profile = options.profile.as_ref().map(|p| p.file.clone());
    Loaded {
        round,
        sources,
        report,
    }
}

/// Joins what one file gave into the round: a round read whole as it is,
/// a table's rows and a Word document's units and grids once recognised.
/// A panic while recognising or joining is an error for this file; the
/// others go on.
fn join(
    builder: &mut RoundBuilder,
    input: &mut InputReport,
    content: Readable<'_>,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let joined = match content {
        Readable::Round(round) => return builder.add_round(&input.file, *round),
        Readable::Rounds(parts) => {
            return diagnostics.extend(builder.add_rounds(&input.file, parts));
        }
        Readable::Table(workbook, mapping) => crate::guard::guard(|| {
            let mut diags = Vec::new();
            let mapping = with_profile_grading(mapping, options);
            let prepared = mapping::prepare_workbook(&workbook, &mapping);
            (builder.add_workbook(prepared, &mut diags), diags)
        }),
        Readable::Document(document) => crate::guard::guard(|| {
            let mut diags = Vec::new();
            let user = options.mapping.as_ref();
            (builder.add_document(&document, user, &mut diags), diags)
        }),
    };
    match joined {
        Ok((sheets, diags)) => {
            diagnostics.extend(diags);
            for s in &sheets {
                input.rows.read += s.rows.read;
                input.rows.records += s.rows.records;
                input.rows.reported += s.rows.reported;
            }
            input.sheets = sheets;
        }
        Err(detail) => {
            let e = ImportError::Internal { detail };
            diagnostics.push(e.to_diagnostic(&input.file));
            input.unreadable = true;
        }
    }
}

/// Reads one file, and chooses the mapping of a table.
fn read_file<'m>(path: &Path, options: &'m Options) -> ReadFile<'m> {
    let file = path.display().to_string();
    let mut input = InputReport::new(&file);
    let bytes = match import::read_input(&options.locate(path), &options.read.limits) {
        Ok(b) => b,
        Err(e) => return unreadable(input, e),
    };
    let (content, notes) = match import::read_file(&file, &bytes, &options.read) {
        Ok(v) => v,
        Err(e) => return unreadable(input, e),
    };
    let (format, content) = match content {
        import::Content::Table(workbook) => return read_table(input, workbook, notes, options),
        import::Content::Round(round) => (import::sniff(&bytes).ok(), Readable::Round(round)),
        import::Content::Rounds(parts) => (import::sniff(&bytes).ok(), Readable::Rounds(parts)),
        import::Content::Document(document) => {
            (Some(document.format), Readable::Document(document))
        }
    };
    input.format = format;
    ReadFile {
        input,
        content: Some(content),
        diagnostics: notes,
    }
}

/// A file nothing could be read from, and why.
fn unreadable<'m>(input: InputReport, e: ImportError) -> ReadFile<'m> {
    ReadFile {
        diagnostics: vec![e.to_diagnostic(&input.file)],
        input: InputReport {
            unreadable: true,
            ..input
        },
        content: None,
    }
}

/// A shipped mapping with the school profile's grading scheme in place of
/// the country's: the school knows its own scale. A mapping the user gave
/// (`--mapping`) says what it means and is kept as it is.
fn with_profile_grading<'m>(mapping: &'m Mapping, options: &Options) -> Cow<'m, Mapping> {
    match options
        .profile
        .as_ref()
        .and_then(|p| p.grading_scheme.as_ref())
    {
        Some(scheme) if options.mapping.is_none() => {
            let mut own = mapping.clone();
            own.grading.scheme = Some(scheme.clone());
            Cow::Owned(own)
        }
        _ => Cow::Borrowed(mapping),
    }
}

/// A table read, and the mapping chosen for it (the user's, or the shipped
/// one its headers match best); a table no mapping recognises is reported.
fn read_table<'m>(
    mut input: InputReport,
    workbook: import::Workbook,
    notes: Vec<Diagnostic>,
    options: &'m Options,
) -> ReadFile<'m> {
    let file = input.file.clone();
    input.format = Some(workbook.format);
    input.encoding = workbook.encoding.map(str::to_string);
    input.delimiter = workbook.delimiter.map(|d| d.to_string());
    let mut diagnostics = notes;
    let choice =
        crate::guard::guard(|| mapping::choose_mapping(&workbook, options.mapping.as_ref()));
    let choice = match choice {
        Ok(c) => c,
        Err(detail) => return unreadable(input, ImportError::Internal { detail }),
    };
    let Some(choice) = choice else {
        diagnostics.push(no_mapping(&file, &workbook));
        // Each sheet's header row, for `inspect`, and what the closest lacks.
        let (sheets, mut why) =
            crate::guard::guard(|| mapping::unrecognised_sheets(&workbook)).unwrap_or_default();
        diagnostics.append(&mut why);
        return ReadFile {
            input: InputReport {
                unreadable: true,
                sheets,
                ..input
            },
            content: None,
            diagnostics,
        };
    };
    diagnostics.push(chosen(&file, &choice));
    input.mapping = Some(MappingReport::new(&choice));
    let mapping = choice.mapping;
    ReadFile {
        input,
        content: Some(Readable::Table(workbook, mapping)),
        diagnostics,
    }
}

fn chosen(file: &str, choice: &MappingChoice) -> Diagnostic {
    let best = &choice.ranking[0];
    let how = if choice.given {
        "given with --mapping".to_string()
    } else {
        let others: Vec<String> = choice.ranking[1..]
            .iter()
            .map(|s| format!("{} {}", s.id, s.matched_columns))
            .collect();
        format!(
            "best match of the shipped mappings: {} of {} header cells matched (others: {})",
            best.matched_columns,
            best.header_columns,
            if others.is_empty() {
                "none".to_string()
            } else {
                others.join(", ")
            }
        )
    };
    Diagnostic::info(
        Code::MappingChosen,
        Location::file(file),
        format!(
            "read with mapping \"{}\" ({}), {how}",
            choice.mapping.id, choice.mapping.name
        ),
    )
}

fn no_mapping(file: &str, workbook: &import::Workbook) -> Diagnostic {
    let what = match workbook.format {
        InputFormat::Csv => "the file's first rows",
        _ => "any sheet",
    };
    Diagnostic::error(
        Code::NoMatchingMapping,
        Location::file(file),
        format!("no mapping recognises the headers in {what}: nothing was imported from this file"),
    )
    .with_hint("run `europass inspect` on the file to see its headers, then write a mapping file (see mappings/README.md) and pass it with --mapping")
}

/// What `convert` writes, and how.
#[derive(Clone, Debug, Default)]
pub struct ConvertOptions {
    /// The `--to` formats, in the order given.
    pub formats: Vec<String>,
    /// Languages and other choices for the exporters.
    pub context: ExportContext,
    /// The output folder.
    pub out: PathBuf,
    /// Overwrite edited files; or write nothing at all.
    pub write: WriteOptions,
    /// Warnings count as errors.
    pub strict: bool,
}

/// Why `convert` could not write its outputs.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// A `--to` name no exporter has.
    #[error("unknown output format `{0}`")]
    UnknownFormat(String),
    /// An exporter failed as a whole.
    #[error(transparent)]
    Export(ExportError),
    /// The output folder could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<ExportError> for ConvertError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Write(w) => ConvertError::Write(w),
            e => ConvertError::Export(e),
        }
    }
}

/// Writes every output of a loaded round, `feedback.xlsx` (each input row
/// with its status and problems) and `report.json`, and completes the report.
/// Every output's path is decided first, for all formats at once; then each
/// format is planned once (what it needs is checked and reported, located)
/// and written.
pub fn convert(
    loaded: &mut Loaded,
    options: &ConvertOptions,
    read: &Options,
) -> Result<(), ConvertError> {
    let progress = read.progress.as_deref();
    let exporters = options
        .formats
        .iter()
        .map(|name| export::exporter(name).ok_or_else(|| ConvertError::UnknownFormat(name.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = output_plan(&loaded.round, &exporters, &options.context);
    // One run at a time in the folder, from its first file to report.json.
    let _lock = match options.write.dry_run {
        true => None,
        false => Some(export::OutputLock::acquire(&options.out)?),
    };
    // Files go to disk as each format makes them, a batch at a time.
    let mut writer = OutputWriter::open(&options.out, options.write)?;
    for exporter in exporters {
        let mut sink = Counted {
            writer: &mut writer,
            progress,
        };
        export_format(loaded, exporter, &plan, &options.context, &mut sink)?;
    }
    if let Some(p) = progress {
        p.start("report", 2);
    }
    if options.strict {
        loaded.report.make_strict();
    }
    writer.write(&[OutputFile {
        path: FEEDBACK.into(),
        bytes: feedback(&loaded.report, read)?,
    }])?;
    let kinds: Vec<OutputKind> = plan.planned().iter().map(|p| p.kind).collect();
    writer.settle_stale(|path| OutputKind::of_path(path).is_some_and(|k| kinds.contains(&k)));
    let (written, notes) = writer.finish()?;
    loaded.report.extend(notes);
    loaded.report.outputs = written;
    loaded.report.planned_outputs = plan.planned().to_vec();
    let report = OutputFile {
        path: REPORT.into(),
        bytes: loaded.report.to_json().into_bytes(),
    };
    export::write_outputs(&options.out, &[report], options.write)?;
    if let Some(p) = progress {
        p.step(FEEDBACK);
        p.step(REPORT);
        p.finish();
    }
    Ok(())
}

/// What `convert --to formats` would report without writing anything:
/// each format's needs and its plan's findings, with the same codes and
/// locations, so that a round `validate` calls clean converts cleanly.
pub fn predict(
    loaded: &mut Loaded,
    formats: &[String],
    context: &ExportContext,
) -> Result<(), ConvertError> {
    let exporters = formats
        .iter()
        .map(|name| export::exporter(name).ok_or_else(|| ConvertError::UnknownFormat(name.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = output_plan(&loaded.round, &exporters, context);
    for exporter in exporters {
        let (round, sources) = (&loaded.round, &loaded.sources);
        let name = exporter.name();
        loaded.report.extend(check::check_requirements(
            round,
            sources,
            name,
            exporter.requirements(),
        ));
        let found = match crate::guard::guard(|| exporter.prepare(round, sources, context, &plan)) {
            Ok(Ok(prepared)) => prepared.diagnostics,
            Ok(Err(e)) => return Err(e.into()),
            Err(panic) => vec![export::internal_error(
                &format!("the {name} outputs"),
                &panic,
            )],
        };
        loaded.report.extend(found);
    }
    Ok(())
}

/// The path of every output the formats write, and of feedback and report.
fn output_plan(round: &Round, exporters: &[&dyn Exporter], context: &ExportContext) -> OutputPlan {
    let mut kinds: Vec<OutputKind> = exporters
        .iter()
        .flat_map(|e| e.outputs(context))
        .chain([OutputKind::Feedback, OutputKind::Report])
        .collect();
    kinds.sort();
    kinds.dedup();
    OutputPlan::new(round, &kinds)
}

/// Checks what `exporter` needs, plans its run once and writes its files to
/// `sink`, adding every finding to the report. A panic in one format is
/// reported and the other formats are still written; the files it had
/// handed on are complete and stay.
fn export_format(
    loaded: &mut Loaded,
    exporter: &dyn Exporter,
    plan: &OutputPlan,
    context: &ExportContext,
    sink: &mut Counted,
) -> Result<(), ConvertError> {
    let name = exporter.name();
    if let Some(p) = sink.progress {
        p.start(name, exporter.expected_files(&loaded.round));
    }
    let (round, sources) = (&loaded.round, &loaded.sources);
    loaded.report.extend(check::check_requirements(
        round,
        sources,
        name,
        exporter.requirements(),
    ));
    let mut notes = Vec::new();
    let failed = |panic: String| export::internal_error(&format!("the {name} outputs"), &panic);
    match crate::guard::guard(|| exporter.prepare(round, sources, context, plan)) {
        Ok(prepared) => {
            let mut prepared = prepared?;
            loaded
                .report
                .extend(std::mem::take(&mut prepared.diagnostics));
            match crate::guard::guard(|| prepared.write(sink, &mut notes)) {
                Ok(result) => result?,
                Err(panic) => notes.push(failed(panic)),
            }
        }
        Err(panic) => notes.push(failed(panic)),
    }
    loaded.report.extend(notes);
    if let Some(p) = sink.progress {
        p.finish();
    }
    Ok(())
}

/// The output writer, telling the progress bar of each file it is given.
struct Counted<'w> {
    writer: &'w mut OutputWriter,
    progress: Option<&'w dyn Progress>,
}

impl OutputSink for Counted<'_> {
    fn put(&mut self, files: Vec<OutputFile>) -> Result<(), WriteError> {
        let names: Vec<String> = match self.progress {
            Some(_) => files.iter().map(|f| f.path.display().to_string()).collect(),
            None => Vec::new(),
        };
        self.writer.put(files)?;
        if let Some(p) = self.progress {
            for name in &names {
                p.step(name);
            }
        }
        Ok(())
    }
}

/// The feedback workbook: the tabular inputs are read again (they were not
/// kept in memory) and echoed with their problems.
fn feedback(report: &Report, read: &Options) -> Result<Vec<u8>, ExportError> {
    let mut workbooks = Vec::new();
    for input in report.inputs.iter().filter(|i| !i.sheets.is_empty()) {
        let Ok(bytes) = import::read_input(&read.locate(Path::new(&input.file)), &read.read.limits)
        else {
            continue;
        };
        match import::read_file(&input.file, &bytes, &read.read) {
            Ok((import::Content::Table(wb), _)) => workbooks.push((input, wb)),
            Ok((import::Content::Document(doc), _)) => workbooks.push((input, doc.into_workbook())),
            _ => {}
        }
    }
    let inputs: Vec<FeedbackInput> = workbooks
        .iter()
        .map(|(input, wb)| FeedbackInput {
            file: &input.file,
            workbook: wb,
            sheets: &input.sheets,
        })
        .collect();
    export::feedback_workbook(&inputs, &report.diagnostics)
}
