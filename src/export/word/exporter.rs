//! Learning Agreements and Memoranda of Understanding as Word files
//! (`--to docx`): built-in layouts, or a school's own templates.

use super::data::{self, LearningAgreementData, MemorandumData};
use super::properties::{CoreProperties, set_core_properties};
use super::template::DEFAULT_MARKER;
use super::template::TemplateLimits;
use super::{FillOptions, Kind, Missing, Template, TemplateError, fields, labels, layout};
use crate::check::Requirement;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::export::{ExportContext, ExportError, Exporter, OutputFile, Prepared, export_each};
use crate::import::read_input;
use crate::model::Round;
use crate::outputs::{OutputKind, OutputPlan};
use crate::provenance::SourceMap;

/// Writes `<learner>/learning-agreement.docx` per mobility and
/// `memoranda/<sending>-<host>.docx` per partnership.
pub struct Agreements;

/// The template used for one kind of document.
struct Chosen {
    template: Template,
    /// The school's file, or none for the built-in layout.
    file: Option<String>,
}

fn template_error(file: &str, e: TemplateError) -> ExportError {
    ExportError::Template {
        file: file.to_string(),
        detail: e.to_string(),
    }
}

impl Agreements {
    fn templates(
        &self,
        context: &ExportContext,
        languages: &[String],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Vec<(Kind, Chosen)>, ExportError> {
        let mut chosen: Vec<(Kind, Chosen)> = Vec::new();
        for t in &context.templates {
            let file = t.path.display().to_string();
            let limits = TemplateLimits::from_limits(&context.limits);
            // Read as any input is: a regular file within `file-mb`, never a
            // FIFO or a device named by mistake.
            let bytes =
                read_input(&t.path, &context.limits).map_err(|e| ExportError::Template {
                    file: file.clone(),
                    detail: e.to_string(),
                })?;
            let kind = match t.kind {
                Some(k) => k,
                None => Template::infer_kind_with(bytes.clone(), &limits)
                    .map_err(|e| template_error(&file, e.into()))?,
            };
            if let Some((_, other)) = chosen.iter().find(|(k, _)| *k == kind) {
                return Err(ExportError::Template {
                    file,
                    detail: format!(
                        "{} is already the {} template; give one template per kind ({}=FILE)",
                        other.file.as_deref().unwrap_or_default(),
                        kind.title(),
                        kind.name()
                    ),
                });
            }
            let template = Template::compile_with(bytes, kind, &limits)
                .map_err(|e| template_error(&file, e))?;
            for w in &template.warnings {
                diagnostics.push(Diagnostic::warning(
                    Code::TemplateWarning,
                    Location {
                        path: Some(w.place.clone()),
                        ..Location::file(&file)
                    },
                    w.message.clone(),
                ));
            }
            chosen.push((
                kind,
                Chosen {
                    template,
                    file: Some(file),
                },
            ));
        }
        for kind in [Kind::LearningAgreement, Kind::Memorandum] {
            if chosen.iter().any(|(k, _)| *k == kind) {
                continue;
            }
            let bytes = layout::starter(kind, languages).map_err(|e| ExportError::Serialise {
                format: "docx",
                detail: e.to_string(),
            })?;
            let template = Template::compile(bytes, kind).map_err(|e| ExportError::Serialise {
                format: "docx",
                detail: format!("the built-in {} layout is broken: {e}", kind.title()),
            })?;
            chosen.push((
                kind,
                Chosen {
                    template,
                    file: None,
                },
            ));
        }
        Ok(chosen)
    }
}

/// One document to write: its path, what it is, and its values.
struct Job {
    file: String,
    describe: String,
    record: fields::Record,
    properties: CoreProperties,
}

/// An organisation's name in the document's first language it has.
fn organisation_name(o: &Option<data::OrganisationData>, languages: &[String]) -> String {
    let order: Vec<&str> = languages.iter().map(String::as_str).collect();
    o.as_ref()
        .and_then(|o| o.name.best(&order).map(str::to_string))
        .unwrap_or_default()
}

/// The title of `kind` in the document's first language.
fn kind_title(kind: Kind, languages: &[String]) -> &'static str {
    let key = match kind {
        Kind::LearningAgreement => "la.title",
        Kind::Memorandum => "mou.title",
    };
    languages
        .iter()
        .find_map(|l| labels::Labels::new(l))
        .and_then(|l| l.get_opt(key))
        .unwrap_or(kind.title())
}

/// The latest date a signature block carries: the day the document is complete.
fn signed_on(signatories: &[data::SignatureData]) -> Option<chrono::NaiveDate> {
    signatories.iter().filter_map(|s| s.date).max()
}

fn la_job(d: &LearningAgreementData, languages: &[String]) -> Job {
    let learner = d.learner.full_name();
    let host = organisation_name(&d.host, languages);
    Job {
        file: d.file.clone(),
        describe: format!("the learning agreement of {learner}"),
        record: fields::learning_agreement_record(d),
        properties: CoreProperties {
            title: format!(
                "{} – {learner}",
                kind_title(Kind::LearningAgreement, languages)
            ),
            subject: [host.as_str(), &period(d.start, d.end)]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            author: organisation_name(&d.sending, languages),
            language: languages.first().cloned().unwrap_or_default(),
            keywords: crate::outputs::word_keywords(Kind::LearningAgreement.name()),
            // Signed before the mobility starts: its start when no signature is dated.
            date: signed_on(&d.signatories).or(d.start),
        },
    }
}

fn period(start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (Some(d), None) | (None, Some(d)) => d.to_string(),
        (None, None) => String::new(),
    }
}

fn mou_job(d: &MemorandumData, languages: &[String]) -> Job {
    let sending = organisation_name(&d.sending, languages);
    let host = organisation_name(&d.host, languages);
    Job {
        file: d.file.clone(),
        describe: format!("the memorandum of {sending} and {host}"),
        record: fields::memorandum_record(d),
        properties: CoreProperties {
            title: format!(
                "{} – {sending} – {host}",
                kind_title(Kind::Memorandum, languages)
            ),
            subject: d.project_codes.join(", "),
            author: sending.clone(),
            language: languages.first().cloned().unwrap_or_default(),
            keywords: crate::outputs::word_keywords(Kind::Memorandum.name()),
            date: signed_on(&d.signatories).or(d.first_start),
        },
    }
}

impl Exporter for Agreements {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn description(&self) -> &'static str {
        "Learning Agreements (<learner>/learning-agreement.docx) and Memoranda of Understanding (memoranda/<sending>-<host>.docx) as Word files"
    }

    fn expected_files(&self, round: &Round) -> u64 {
        let partnerships: std::collections::BTreeSet<_> = round
            .mobilities
            .iter()
            .map(|m| (&m.sending, &m.host))
            .collect();
        crate::export::one_per_mobility(round) + partnerships.len() as u64
    }

    fn requirements(&self) -> &'static [Requirement] {
        &[
            Requirement::LearnerNames,
            Requirement::SendingOrganisation,
            Requirement::HostOrganisation,
        ]
    }

    fn outputs(&self, _: &ExportContext) -> Vec<OutputKind> {
        vec![OutputKind::LearningAgreement, OutputKind::Memorandum]
    }

    fn prepare<'r>(
        &self,
        round: &'r Round,
        _: &SourceMap,
        context: &'r ExportContext,
        plan: &'r OutputPlan,
    ) -> Result<Prepared<'r>, ExportError> {
        let languages: Vec<String> = if context.languages.is_empty() {
            vec![labels::FALLBACK.to_string()]
        } else {
            context.languages.clone()
        };
        let mut diagnostics = missing_labels(&languages);
        let templates = self.templates(context, &languages, &mut diagnostics)?;
        Ok(Prepared::new(diagnostics, move |sink, diagnostics| {
            for (kind, chosen) in &templates {
                let options = fill_options(chosen, context, &languages);
                let fill = |job: &Job| fill_job(job, chosen, &options);
                match kind {
                    Kind::LearningAgreement => {
                        let agreements = data::LearningAgreements::new(round, &languages, plan);
                        let all: Vec<usize> = (0..agreements.len()).collect();
                        export_each(
                            &all,
                            sink,
                            diagnostics,
                            |i| {
                                let id = &agreements.mobility(*i).id;
                                format!("the learning agreement of mobility {id}")
                            },
                            |i| fill(&la_job(&agreements.of(*i), &languages)),
                        )?;
                    }
                    Kind::Memorandum => {
                        let jobs: Vec<Job> = data::memoranda(round, &languages, plan)
                            .iter()
                            .map(|d| mou_job(d, &languages))
                            .collect();
                        export_each(&jobs, sink, diagnostics, |j| j.file.clone(), fill)?;
                    }
                }
            }
            Ok(())
        }))
    }
}

/// A warning for each document language without a label file.
fn missing_labels(languages: &[String]) -> Vec<Diagnostic> {
    languages
        .iter()
        .filter(|l| labels::Labels::new(l).is_none())
        .map(|l| {
            Diagnostic::warning(
                Code::TemplateWarning,
                Location::default(),
                format!(
                    "no label file for language `{l}`: the agreements' labels fall back to English (values in `{l}` are still used)"
                ),
            )
            .with_hint(format!(
                "add assets/agreements/{l}.toml with the keys of en.toml; languages with labels: {}",
                labels::languages().join(", ")
            ))
        })
        .collect()
}

/// How `chosen` is filled: the built-in layout is a form, so what the data
/// lacks stays blank to fill in; a school's template shows a marker.
fn fill_options(chosen: &Chosen, context: &ExportContext, languages: &[String]) -> FillOptions {
    FillOptions {
        languages: languages.to_vec(),
        missing: match &chosen.file {
            None => Missing::Blank,
            Some(_) => Missing::Marker(
                context
                    .missing_marker
                    .clone()
                    .unwrap_or_else(|| DEFAULT_MARKER.to_string()),
            ),
        },
    }
}

/// Fills `job`'s record into the chosen template; reports each placeholder
/// the record has no value for.
fn fill_job(
    job: &Job,
    chosen: &Chosen,
    options: &FillOptions,
) -> Result<(OutputFile, Vec<Diagnostic>), ExportError> {
    let filled =
        chosen
            .template
            .fill(&job.record, options)
            .map_err(|e| ExportError::Serialise {
                format: "docx",
                detail: format!("{}: {e}", job.file),
            })?;
    let notes = filled
        .missing
        .iter()
        .map(|m| {
            let shown = match &options.missing {
                Missing::Marker(marker) => marker.replace("{name}", &m.name),
                Missing::Blank => String::new(),
            };
            Diagnostic::warning(
                Code::MissingTemplateValue,
                Location {
                    path: Some(m.place.clone()),
                    record: Some(job.file.clone()),
                    ..Location::file(chosen.file.clone().unwrap_or_default())
                },
                format!(
                    "`{}` has no value in {} ({}); it shows “{shown}”",
                    m.placeholder, job.describe, job.file
                ),
            )
            .with_hint(format!(
                "fill in {} in the input, or take the placeholder out of the template",
                m.name
            ))
        })
        .collect();
    let bytes = set_core_properties(&filled.bytes, &job.properties).map_err(|e| {
        ExportError::Serialise {
            format: "docx",
            detail: format!("{}: {e}", job.file),
        }
    })?;
    let file = OutputFile {
        path: job.file.clone().into(),
        bytes,
    };
    Ok((file, notes))
}
