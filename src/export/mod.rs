//! Writers: one module per output format, each turning the canonical
//! [`Round`] into files.
//!
//! Every `--to` name maps to its exporter in [`EXPORTERS`], so a new format
//! is one module and one line. Exporters only build bytes, handing them to an
//! [`OutputSink`] a batch at a time; an [`OutputWriter`] puts them on disk
//! safely as they come, so a round's outputs are never all in memory at once.

pub(crate) mod credential;
mod feedback;
mod json;
mod lock;
mod manifest;
pub mod pdf;
pub mod word;
mod write;
mod xlsx;

pub use crate::outputs::OutputRecord;
pub use feedback::{FeedbackInput, feedback_workbook};
pub use lock::{LOCK, LockHolder, OutputLock};
pub use manifest::JOURNAL;
pub use write::{
    MANIFEST, OutputWriter, WriteError, WriteOptions, WriteStatus, Written, is_output_folder,
    write_outputs,
};
pub use xlsx::{CanonicalWorkbook, canonical_workbook, template_languages, template_workbook};

use std::path::PathBuf;

use rayon::prelude::*;

use crate::check::Requirement;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::Round;
use crate::outputs::{OutputKind, OutputPlan};
use crate::provenance::SourceMap;
pub use word::TemplateFile;

/// One file an exporter produced, relative to the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder, with `/` separators.
    pub path: PathBuf,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What an exporter is given besides the round.
#[derive(Clone, Debug, Default)]
pub struct ExportContext {
    /// Languages to write, in order of preference (`--lang lv,en`).
    pub languages: Vec<String>,
    /// Schools' own Word templates for the agreements (`--template [KIND=]FILE`).
    pub templates: Vec<TemplateFile>,
    /// What a template placeholder without a value prints (`--missing-marker`);
    /// `{name}` is replaced by the placeholder's name. `None`: `[missing: {name}]`.
    pub missing_marker: Option<String>,
    /// Also write one document holding every learner's document, for
    /// printing (`--bundle`; the transcripts' `transcripts.pdf`).
    pub bundle: bool,
    /// The limits of `--limit`, which a school's template is held to as any
    /// input is: its file size, its zip, the nesting and expanded size of
    /// its placeholders.
    pub limits: crate::import::Limits,
}

/// Why an export failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A template given by the user cannot be used.
    #[error("cannot use the template {file}: {detail}")]
    Template {
        /// The template file.
        file: String,
        /// What is wrong with it.
        detail: String,
    },
    /// Serialisation failed.
    #[error("cannot write {format}: {detail}")]
    Serialise {
        /// The output format.
        format: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// The files made could not be put where they go.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Where an exporter puts the files it makes, a batch at a time.
pub trait OutputSink {
    /// Takes a batch of files.
    fn put(&mut self, files: Vec<OutputFile>) -> Result<(), WriteError>;
}

/// Collecting the files in memory, for small rounds and tests.
impl OutputSink for Vec<OutputFile> {
    fn put(&mut self, mut files: Vec<OutputFile>) -> Result<(), WriteError> {
        self.append(&mut files);
        Ok(())
    }
}

/// One file per mobility: the size of a per-learner format's run.
pub(crate) fn one_per_mobility(round: &Round) -> u64 {
    round.mobilities.len() as u64
}

/// How many files of one format are built before they are handed on: enough
/// to keep every core busy, few enough that memory does not grow with the
/// round (a learner's credential XML and JSON-LD are 50–90 kB each).
pub(crate) const BATCH: usize = 256;

/// Builds one output with `build`. A failure or a panic becomes a diagnostic
/// naming `output` (a path below the output folder, or the record it is
/// for), so that one record the writer cannot handle never stops the others.
pub(crate) fn guarded<R>(
    output: &str,
    build: impl FnOnce() -> Result<R, ExportError>,
) -> Result<R, Box<Diagnostic>> {
    match crate::guard::guard(build) {
        Ok(Ok(built)) => Ok(built),
        Ok(Err(e)) => Err(Box::new(Diagnostic::error(
            Code::OutputFailed,
            Location::file(output),
            format!("{output} was not written: {e}"),
        )
        .with_hint(
            "the other files were written; fix the record or template named above and run again",
        ))),
        Err(panic) => Err(Box::new(internal_error(output, &panic))),
    }
}

/// A panic while building `output`, reported instead of ending the run.
pub fn internal_error(output: &str, detail: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InternalError,
        Location::file(output),
        format!("internal error while writing {output}: {detail}; the other outputs went on"),
    )
    .with_hint(
        "this is a bug in europass: please report it with the input (or a copy with personal data removed)",
    )
}

/// Builds a file (and what to report about it) for each of `items` in
/// parallel, handing them to `sink` in batches and in `items` order. An item
/// whose file cannot be built is reported under the name `output` gives it,
/// and the others are written.
pub(crate) fn export_each<T: Sync>(
    items: &[T],
    sink: &mut dyn OutputSink,
    diagnostics: &mut Vec<Diagnostic>,
    output: impl Fn(&T) -> String + Sync,
    build: impl Fn(&T) -> Result<(OutputFile, Vec<Diagnostic>), ExportError> + Sync,
) -> Result<(), ExportError> {
    for chunk in items.chunks(BATCH) {
        let built: Vec<_> = chunk
            .par_iter()
            .map(|item| guarded(&output(item), || build(item)))
            .collect();
        let mut files = Vec::with_capacity(built.len());
        for b in built {
            match b {
                Ok((file, mut notes)) => {
                    diagnostics.append(&mut notes);
                    files.push(file);
                }
                Err(failed) => diagnostics.push(*failed),
            }
        }
        sink.put(files)?;
    }
    Ok(())
}

/// What is left of a format's run once it is planned: building the files,
/// handing them to the sink and reporting what the user should know about
/// them.
type Job<'r> =
    Box<dyn FnOnce(&mut dyn OutputSink, &mut Vec<Diagnostic>) -> Result<(), ExportError> + 'r>;

/// A format's run, planned ([`Exporter::prepare`]): what planning found, and
/// the files still to build.
pub struct Prepared<'r> {
    /// What the format found while planning, located: records it will leave
    /// out, warnings about what it writes.
    pub diagnostics: Vec<Diagnostic>,
    job: Job<'r>,
}

impl<'r> Prepared<'r> {
    /// A plan with its findings and the job that builds its files.
    pub fn new(
        diagnostics: Vec<Diagnostic>,
        job: impl FnOnce(&mut dyn OutputSink, &mut Vec<Diagnostic>) -> Result<(), ExportError> + 'r,
    ) -> Self {
        Prepared {
            diagnostics,
            job: Box::new(job),
        }
    }

    /// Builds the files, handing them to `sink` as they are made, and
    /// reports what the user should know about them (values a template
    /// asked for that the round lacks, …).
    pub fn write(
        self,
        sink: &mut dyn OutputSink,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), ExportError> {
        (self.job)(sink, diagnostics)
    }
}

/// An output format.
///
/// A run has two steps: [`Exporter::prepare`] decides what every file will
/// hold and reports what it finds, building nothing; [`Prepared::write`]
/// then builds the files. `convert` plans each format once and writes it;
/// checking alone needs only the first step.
pub trait Exporter: Sync {
    /// The `--to` name.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn description(&self) -> &'static str;
    /// What the format needs from the round (checked before writing).
    fn requirements(&self) -> &'static [Requirement] {
        &[]
    }
    /// About how many files a run writes for `round`: how long the progress
    /// bar is. One file for the whole round unless the format says otherwise.
    fn expected_files(&self, _round: &Round) -> u64 {
        1
    }
    /// The kinds of file the format writes, for the [`OutputPlan`].
    fn outputs(&self, context: &ExportContext) -> Vec<OutputKind>;

    /// Plans the format's run over `round`: every file goes to the path
    /// `plan` gives it; what the format finds beyond
    /// [`Exporter::requirements`] is located with `sources`.
    fn prepare<'r>(
        &self,
        round: &'r Round,
        sources: &SourceMap,
        context: &'r ExportContext,
        plan: &'r OutputPlan,
    ) -> Result<Prepared<'r>, ExportError>;

    /// What the format finds beyond [`Exporter::requirements`], located with
    /// `sources`: records it will leave out, warnings about what it writes.
    fn check(
        &self,
        round: &Round,
        sources: &SourceMap,
        context: &ExportContext,
    ) -> Vec<Diagnostic> {
        let plan = OutputPlan::new(round, &self.outputs(context));
        match self.prepare(round, sources, context, &plan) {
            Ok(prepared) => prepared.diagnostics,
            Err(_) => Vec::new(),
        }
    }

    /// Plans and builds the files, handing them to `sink` as they are made;
    /// what planning found and what the user should know about the files go
    /// to `diagnostics`.
    fn export_to(
        &self,
        round: &Round,
        context: &ExportContext,
        sink: &mut dyn OutputSink,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), ExportError> {
        let plan = OutputPlan::new(round, &self.outputs(context));
        let sources = SourceMap::default();
        let mut prepared = self.prepare(round, &sources, context, &plan)?;
        diagnostics.append(&mut prepared.diagnostics);
        prepared.write(sink, diagnostics)
    }

    /// Builds every file in memory.
    fn export(
        &self,
        round: &Round,
        context: &ExportContext,
    ) -> Result<Vec<OutputFile>, ExportError> {
        let mut files = Vec::new();
        self.export_to(round, context, &mut files, &mut Vec::new())?;
        Ok(files)
    }
}

/// Every output format, by `--to` name.
pub static EXPORTERS: &[&dyn Exporter] = &[
    &json::CanonicalJson,
    &xlsx::CanonicalWorkbook,
    &word::exporter::Agreements,
    &credential::XML,
    &credential::JSONLD,
    &pdf::exporter::TRANSCRIPTS,
];

/// The exporter with this `--to` name.
pub fn exporter(name: &str) -> Option<&'static dyn Exporter> {
    EXPORTERS.iter().copied().find(|e| e.name() == name)
}

/// The `--to` names, for messages.
pub fn names() -> Vec<&'static str> {
    EXPORTERS.iter().map(|e| e.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the size of each batch it is given.
    #[derive(Default)]
    struct Batches {
        sizes: Vec<usize>,
        paths: Vec<PathBuf>,
    }

    impl OutputSink for Batches {
        fn put(&mut self, files: Vec<OutputFile>) -> Result<(), WriteError> {
            self.sizes.push(files.len());
            self.paths.extend(files.into_iter().map(|f| f.path));
            Ok(())
        }
    }

    #[test]
    fn files_are_handed_on_in_bounded_batches_in_input_order() {
        let items: Vec<usize> = (0..600).collect();
        let mut sink = Batches::default();
        let mut notes = Vec::new();
        export_each(
            &items,
            &mut sink,
            &mut notes,
            |i| i.to_string(),
            |i| {
                let file = OutputFile {
                    path: format!("{i:03}.txt").into(),
                    bytes: Vec::new(),
                };
                Ok((file, Vec::new()))
            },
        )
        .unwrap();
        assert_eq!(sink.sizes, [BATCH, BATCH, 600 - 2 * BATCH]);
        let expected: Vec<PathBuf> = (0..600).map(|i| format!("{i:03}.txt").into()).collect();
        assert_eq!(sink.paths, expected);
    }

    fn numbered(i: &i32) -> Result<(OutputFile, Vec<Diagnostic>), ExportError> {
        Ok((
            OutputFile {
                path: format!("{i}.txt").into(),
                bytes: Vec::new(),
            },
            Vec::new(),
        ))
    }

    /// Exports items 1, 2 and 3, each as `learner-N/x.txt`, with `build`.
    fn export_three(
        build: impl Fn(&i32) -> Result<(OutputFile, Vec<Diagnostic>), ExportError> + Sync,
    ) -> (Batches, Vec<Diagnostic>) {
        let mut sink = Batches::default();
        let mut notes = Vec::new();
        export_each(
            &[1, 2, 3],
            &mut sink,
            &mut notes,
            |i| format!("learner-{i}/x.txt"),
            build,
        )
        .unwrap();
        (sink, notes)
    }

    #[test]
    fn a_file_that_cannot_be_built_is_reported_and_the_others_are_written() {
        let (sink, notes) = export_three(|i| {
            if *i == 2 {
                Err(ExportError::Serialise {
                    format: "test",
                    detail: "broken".into(),
                })
            } else {
                numbered(i)
            }
        });
        assert_eq!(sink.paths, [PathBuf::from("1.txt"), PathBuf::from("3.txt")]);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, Code::OutputFailed);
        assert_eq!(notes[0].location.file.as_deref(), Some("learner-2/x.txt"));
        assert!(notes[0].message.contains("broken"), "{}", notes[0].message);
    }

    #[test]
    fn a_panic_while_building_one_file_is_an_internal_error_for_that_file_only() {
        let (sink, notes) = export_three(|i| {
            if *i == 3 {
                panic!("index out of bounds");
            }
            numbered(i)
        });
        assert_eq!(sink.paths, [PathBuf::from("1.txt"), PathBuf::from("2.txt")]);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, Code::InternalError);
        assert_eq!(notes[0].location.file.as_deref(), Some("learner-3/x.txt"));
        assert!(notes[0].message.contains("index out of bounds"));
        assert!(notes[0].hint.as_deref().unwrap().contains("report"));
    }
}
