//! The credential exporter: one for every format that writes a credential
//! per mobility (`--to xml`, `--to jsonld`, and `--to pdf`, whose
//! transcripts carry the XML credential).
//!
//! The formats differ only in what a credential may hold ([`Format`]) and
//! in how planned credentials become files ([`WriteCredentials`]); what each
//! needs from the round, how many files a run makes, and the planning —
//! once per run, its findings located — are the same, and live here once.

use super::{Credential, Format, plan};
use crate::check::Requirement;
use crate::diagnostics::Diagnostic;
use crate::export::{
    ExportContext, ExportError, Exporter, OutputFile, OutputSink, Prepared, export_each,
    one_per_mobility,
};
use crate::model::Round;
use crate::outputs::{OutputKind, OutputPlan};
use crate::provenance::SourceMap;

/// What every credential needs (checked before writing, reported located).
pub(crate) const REQUIREMENTS: &[Requirement] = &[
    Requirement::LearnerNames,
    Requirement::MobilityDates,
    Requirement::SendingOrganisation,
    Requirement::HostOrganisation,
    Requirement::UnitTitles,
];

/// How a credential format turns the planned credentials into files.
pub(crate) trait WriteCredentials: Sync {
    /// The kinds of file written (the credentials' own kind unless more).
    fn outputs(&self, format: &Format, _context: &ExportContext) -> Vec<OutputKind> {
        vec![format.output]
    }

    /// Warnings about the run as a whole, found while planning.
    fn notes(&self, _context: &ExportContext) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Builds the files of the run's credentials, handing them to its sink.
    fn write(&self, run: Run<'_, '_>) -> Result<(), ExportError>;
}

/// One run of a credential format, planned: the credentials and what their
/// files are built with and handed to.
pub(crate) struct Run<'a, 'r> {
    /// The credentials planned, in mobility order.
    pub credentials: Vec<Credential<'r>>,
    /// The round they are planned from.
    pub round: &'r Round,
    /// The user's choices.
    pub context: &'a ExportContext,
    /// Every output's path.
    pub plan: &'a OutputPlan,
    /// Where the files go.
    pub sink: &'a mut dyn OutputSink,
    /// What the user should know about them.
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// One file per credential, its bytes made by a function of the credential.
pub(crate) struct OneFileEach(pub fn(&Credential<'_>) -> Vec<u8>);

impl WriteCredentials for OneFileEach {
    fn write(&self, run: Run<'_, '_>) -> Result<(), ExportError> {
        export_each(
            &run.credentials,
            run.sink,
            run.diagnostics,
            |c| c.path.clone(),
            |c| {
                let file = OutputFile {
                    path: c.path.clone().into(),
                    bytes: (self.0)(c),
                };
                Ok((file, Vec::new()))
            },
        )
    }
}

/// Writes a credential per mobility in one format.
pub struct CredentialExporter {
    format: Format,
    description: &'static str,
    writer: &'static dyn WriteCredentials,
}

impl CredentialExporter {
    /// The exporter of `format`, its files made by `writer`.
    pub(crate) const fn new(
        format: Format,
        description: &'static str,
        writer: &'static dyn WriteCredentials,
    ) -> Self {
        CredentialExporter {
            format,
            description,
            writer,
        }
    }
}

impl Exporter for CredentialExporter {
    fn name(&self) -> &'static str {
        self.format.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn requirements(&self) -> &'static [Requirement] {
        REQUIREMENTS
    }

    fn expected_files(&self, round: &Round) -> u64 {
        one_per_mobility(round)
    }

    fn outputs(&self, context: &ExportContext) -> Vec<OutputKind> {
        self.writer.outputs(&self.format, context)
    }

    fn prepare<'r>(
        &self,
        round: &'r Round,
        sources: &SourceMap,
        context: &'r ExportContext,
        paths: &'r OutputPlan,
    ) -> Result<Prepared<'r>, ExportError> {
        let (credentials, mut diagnostics) =
            plan(round, sources, self.format, &context.languages, paths);
        diagnostics.extend(self.writer.notes(context));
        let writer = self.writer;
        Ok(Prepared::new(diagnostics, move |sink, diagnostics| {
            writer.write(Run {
                credentials,
                round,
                context,
                plan: paths,
                sink,
                diagnostics,
            })
        }))
    }
}
