//! One job's run: the CLI's `convert`, on the job's folder. The options
//! are built exactly as `europass convert` builds them from its defaults,
//! so that a job's outputs and report are byte for byte those of
//! `europass convert INPUT… --out DIR --to … [--lang …] [--strict]` run in
//! the job's input folder (the tests compare the two).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::export::{ExportContext, WriteOptions};
use crate::import::{Limits, ReadOptions};
use crate::outputs::learner_folders;
use crate::pipeline::{self, ConvertOptions, Loaded, Options, Progress};

/// The folder of a job's uploaded files.
pub(crate) const INPUTS: &str = "inputs";
/// The folder of a job's outputs.
pub(crate) const OUTPUTS: &str = "out";
/// The school profile's name in the input folder, where issue 15's
/// profile lookup looks for it; it is not an input.
pub(crate) const PROFILE: &str = "europass.toml";

/// What a job was asked to make: the `convert` options a page or API
/// client may choose.
#[derive(Clone, Debug)]
pub(crate) struct JobRequest {
    /// `--to`, in the order given.
    pub formats: Vec<String>,
    /// `--lang`, in order.
    pub languages: Vec<String>,
    /// `--strict`.
    pub strict: bool,
}

/// One learner and the documents made for them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct LearnerFiles {
    /// The learner's id in the round.
    pub id: String,
    /// Given names, as typed.
    pub given_names: String,
    /// Family name, as typed.
    pub family_name: String,
    /// The learner's folder among the outputs.
    pub folder: String,
    /// The learner's files, as paths below the outputs (`files/{path}`).
    pub files: Vec<String>,
}

/// What a finished run gives besides its files.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// `report.json`, as written.
    pub report: Box<RawValue>,
    /// The learners and their documents.
    pub learners: Vec<LearnerFiles>,
}

/// Why a run gave no outcome.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum RunError {
    /// The job was deleted before its outputs were made.
    #[error("the job was deleted")]
    Cancelled,
    /// The outputs could not be written.
    #[error("the outputs could not be written: {0}")]
    Convert(String),
    /// europass itself failed.
    #[error("internal error: {0}; please report it")]
    Internal(String),
}

impl RunError {
    /// The stable code the API gives for it.
    pub fn code(&self) -> &'static str {
        match self {
            RunError::Cancelled => "cancelled",
            RunError::Convert(_) => "output-failed",
            RunError::Internal(_) => "internal-error",
        }
    }
}

/// Runs `convert` on the job in `dir`. `cancelled` is looked at between
/// reading and writing: a job deleted by then writes nothing.
pub(crate) fn run(
    dir: &Path,
    request: &JobRequest,
    limits: Limits,
    progress: Arc<dyn Progress>,
    cancelled: &AtomicBool,
) -> Result<Outcome, RunError> {
    let inputs_dir = dir.join(INPUTS);
    let inputs = top_level_inputs(&inputs_dir)?;
    let options = Options {
        read: ReadOptions {
            limits,
            encoding: None,
            delimiter: None,
        },
        mapping: None,
        progress: Some(progress),
        profile: pipeline::school_profile(None, &inputs, &inputs_dir)
            .map_err(|e| RunError::Convert(e.to_string()))?,
        root: Some(inputs_dir),
        output: None,
    };
    let mut loaded = pipeline::load(&inputs, &options);
    if cancelled.load(Ordering::SeqCst) {
        return Err(RunError::Cancelled);
    }
    let convert = convert_options(dir.join(OUTPUTS), request);
    pipeline::convert(&mut loaded, &convert, &options).map_err(|e| {
        if cancelled.load(Ordering::SeqCst) {
            // Deleted while writing: its writes failed on the tombstone.
            RunError::Cancelled
        } else {
            RunError::Convert(e.to_string().replace(&dir.display().to_string(), ""))
        }
    })?;
    let report = RawValue::from_string(loaded.report.to_json())
        .map_err(|e| RunError::Internal(format!("the report is not JSON: {e}")))?;
    Ok(Outcome {
        report,
        learners: learners(&loaded),
    })
}

/// What `europass convert` is given: the uploaded files and folders, in
/// name order, as a shell's `*` lists them — less the profile.
fn top_level_inputs(inputs_dir: &Path) -> Result<Vec<PathBuf>, RunError> {
    let entries = std::fs::read_dir(inputs_dir)
        .map_err(|e| RunError::Internal(format!("cannot list the job's inputs: {e}")))?;
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| PathBuf::from(e.file_name()))
        .filter(|name| name != Path::new(PROFILE))
        .collect();
    names.sort();
    Ok(names)
}

/// `convert`'s options as the CLI makes them from `--to`, `--lang` and
/// `--strict`, every other option left at its default.
fn convert_options(out: PathBuf, request: &JobRequest) -> ConvertOptions {
    ConvertOptions {
        formats: request.formats.clone(),
        context: ExportContext {
            languages: request.languages.clone(),
            templates: Vec::new(),
            // The CLI's default `--missing-marker`, which `None` stands for.
            missing_marker: None,
            bundle: false,
            // Only a school's template is held to them, and the web page
            // takes none.
            limits: Default::default(),
        },
        out,
        write: WriteOptions::default(),
        strict: request.strict,
    }
}

/// Each learner with the output files in their folder, in name order.
fn learners(loaded: &Loaded) -> Vec<LearnerFiles> {
    let folders = learner_folders(&loaded.round);
    let mut learners: Vec<LearnerFiles> = loaded
        .round
        .learners
        .iter()
        .map(|l| {
            let folder = folders.get(&l.id).cloned().unwrap_or_default();
            let prefix = format!("{folder}/");
            LearnerFiles {
                id: l.id.clone(),
                given_names: l.given_names.clone(),
                family_name: l.family_name.clone(),
                files: loaded
                    .report
                    .outputs
                    .iter()
                    .filter(|w| w.path.starts_with(&prefix))
                    .map(|w| w.path.clone())
                    .collect(),
                folder,
            }
        })
        .collect();
    learners.sort_by(|a, b| a.folder.cmp(&b.folder));
    learners
}
