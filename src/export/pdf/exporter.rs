//! Personal transcripts as PDF/A-3b (`--to pdf`): `DIR/<learner>/transcript.pdf`
//! per mobility (`transcript-2.pdf` for a learner's second, numbered like the
//! credentials), each with the learner's `europass-mobility.xml` — byte for
//! byte what `--to xml` writes — attached as an associated file. With
//! `--bundle`, also `DIR/transcripts.pdf`: every transcript in learner order
//! for printing, each learner's credential attached under their folder's name.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::labels::{self, Labels};
use super::transcript::{self, Composed, References, RelatedDocument, TranscriptInput};
use super::{Attachment, Info, Part};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::export::credential::xml as credential_xml;
use crate::export::credential::{Credential, CredentialExporter, Format, Run, WriteCredentials};
use crate::export::pdf as writer;
use crate::export::word::data::memorandum_code;
use crate::export::{BATCH, ExportContext, ExportError, OutputFile, OutputSink, guarded};
use chrono::NaiveDate;

use crate::model::{AssessmentResult, Mobility, Round};
use crate::outputs::{BUNDLE, OutputKind, OutputPlan};
use crate::vocab;

/// The transcript as credential planning sees it: it carries the XML credential, so it
/// needs what the XML needs and holds the languages the XML can hold.
pub const FORMAT: Format = Format {
    name: "pdf",
    document: "transcript",
    output: OutputKind::Transcript,
    needs_country: false,
    languages: vocab::xml_language,
};

/// `--to pdf`: a personal transcript per mobility, and the bundle when asked.
pub static TRANSCRIPTS: CredentialExporter = CredentialExporter::new(
    FORMAT,
    "Personal transcripts as PDF/A-3b (<learner>/transcript.pdf) with the Europass credential XML attached; --bundle adds transcripts.pdf",
    &Transcripts,
);

/// Writes a personal transcript per planned credential, and the bundle when asked.
pub struct Transcripts;

/// The MIME type of the attached credentials.
const XML_MIME: &str = "application/xml";

/// One transcript built: where it goes, its pages and what it carries.
struct Built<'r> {
    credential: Credential<'r>,
    /// The learner's folder, naming the credential in the bundle.
    folder: String,
    xml_name: String,
    xml: Vec<u8>,
    composed: Composed,
}

/// What every transcript of a run is built with.
struct Shared<'a, 'r> {
    round: &'r Round,
    plan: &'a OutputPlan,
    languages: &'a [String],
    labels: &'a Labels,
    outcome_results: HashMap<(&'r str, &'r str), &'r AssessmentResult>,
}

impl WriteCredentials for Transcripts {
    fn outputs(&self, format: &Format, context: &ExportContext) -> Vec<OutputKind> {
        let mut kinds = vec![format.output];
        if context.bundle {
            kinds.push(OutputKind::TranscriptBundle);
        }
        kinds
    }

    fn notes(&self, context: &ExportContext) -> Vec<Diagnostic> {
        let (labels, missing) = Labels::new(&context.languages);
        missing
            .into_iter()
            .map(|l| {
                Diagnostic::warning(
                    Code::LabelsFallBack,
                    Location::default(),
                    format!(
                        "no transcript label file for language `{l}`: the transcripts' labels are in {} (values in `{l}` are still shown)",
                        labels.languages().join(", ")
                    ),
                )
                .with_hint(format!(
                    "add assets/transcript/{l}.toml with the keys of en.toml; languages with labels: {}",
                    labels::languages().join(", ")
                ))
            })
            .collect()
    }

    fn write(&self, run: Run<'_, '_>) -> Result<(), ExportError> {
        let Run {
            credentials,
            round,
            context,
            plan,
            sink,
            diagnostics,
        } = run;
        let (labels, _) = Labels::new(&context.languages);
        let shared = Shared {
            round,
            plan,
            languages: &context.languages,
            labels: &labels,
            outcome_results: round
                .assessments
                .iter()
                .filter_map(|r| Some(((r.learner.as_str(), r.outcome.as_deref()?), r)))
                .collect(),
        };
        let kept = write_transcripts(credentials, &shared, context.bundle, sink, diagnostics)?;
        if context.bundle && !kept.is_empty() {
            match guarded(BUNDLE, || bundle(&kept, &labels)) {
                Ok(file) => sink.put(vec![file])?,
                Err(failed) => diagnostics.push(*failed),
            }
        }
        Ok(())
    }
}

/// Builds and hands on the transcripts a batch at a time; returns them
/// when `keep` (the bundle alone needs every transcript's pages).
fn write_transcripts<'r>(
    credentials: Vec<Credential<'r>>,
    shared: &Shared<'_, 'r>,
    keep: bool,
    sink: &mut dyn OutputSink,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Built<'r>>, ExportError> {
    let mut kept: Vec<Built> = Vec::new();
    let mut rest = credentials.into_iter();
    loop {
        let batch: Vec<Credential> = rest.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        // A transcript that cannot be composed or written is reported
        // by its path; the others go on.
        let composed: Vec<Result<Built, Box<Diagnostic>>> = batch
            .into_par_iter()
            .map(|c| {
                let path = c.path.clone();
                guarded(&path, || Ok(build(c, shared)))
            })
            .collect();
        let built = sort_out(composed, diagnostics);
        report_replaced(&built, diagnostics);
        let written: Vec<Result<(OutputFile, Built), Box<Diagnostic>>> = built
            .into_par_iter()
            .map(|b| {
                guarded(&b.credential.path, || transcript_file(&b, shared.labels))
                    .map(|file| (file, b))
            })
            .collect();
        let (files, built): (Vec<OutputFile>, Vec<Built>) =
            sort_out(written, diagnostics).into_iter().unzip();
        sink.put(files)?;
        if keep {
            kept.extend(built);
        }
    }
    Ok(kept)
}

/// The Learning Agreement's date: its latest signature, else the mobility's start.
fn agreement_date(round: &Round, m: &Mobility) -> Option<NaiveDate> {
    round
        .learning_agreements
        .iter()
        .find(|a| a.mobility == m.id)
        .and_then(|a| a.signatories.iter().filter_map(|s| s.date).max())
        .or(m.start)
}

/// The Memorandum's date: its latest signature, else the first start of
/// the partnership's mobilities.
fn memorandum_date(round: &Round, sending: &str, host: &str) -> Option<NaiveDate> {
    let pair =
        |orgs: &[String]| orgs.iter().any(|o| o == sending) && orgs.iter().any(|o| o == host);
    round
        .memoranda
        .iter()
        .find(|m| pair(&m.organisations))
        .and_then(|m| m.signatories.iter().filter_map(|s| s.date).max())
        .or_else(|| {
            round
                .mobilities
                .iter()
                .filter(|m| {
                    m.sending.as_deref() == Some(sending) && m.host.as_deref() == Some(host)
                })
                .filter_map(|m| m.start)
                .min()
        })
}

/// One transcript composed, with the credential XML it carries.
fn build<'r>(c: Credential<'r>, shared: &Shared<'_, 'r>) -> Built<'r> {
    let xml = credential_xml::write(&c);
    let paths = shared.plan.mobility(c.position);
    let xml_name = paths
        .credential_xml
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let m = c.mobility;
    let pair = m.sending.as_deref().zip(m.host.as_deref());
    let references = References {
        learning_agreement: Some(RelatedDocument {
            parties: c.learner.full_name(),
            date: agreement_date(shared.round, m),
        }),
        memorandum: pair
            .filter(|(s, h)| shared.plan.memorandum(s, h).is_some())
            .map(|(s, h)| RelatedDocument {
                parties: [c.issuer, c.host]
                    .iter()
                    .map(|o| {
                        o.name
                            .best(&[c.primary.as_str()])
                            .unwrap_or(&o.id)
                            .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(" – "),
                date: memorandum_date(shared.round, s, h),
            }),
        memorandum_code: pair.and_then(|(s, h)| memorandum_code(shared.round, s, h)),
        credential: xml_name.clone(),
    };
    let composed = transcript::compose(
        &TranscriptInput {
            credential: &c,
            round: shared.round,
            outcome_results: &shared.outcome_results,
            references,
            languages: shared.languages,
        },
        shared.labels,
    );
    Built {
        folder: paths.folder.clone(),
        credential: c,
        xml_name,
        xml,
        composed,
    }
}

/// What was built, in order; what failed goes to `diagnostics`.
fn sort_out<T>(
    results: Vec<Result<T, Box<Diagnostic>>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let mut built = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(b) => built.push(b),
            Err(failed) => diagnostics.push(*failed),
        }
    }
    built
}

/// A warning for each transcript that shows characters its font lacks as �.
fn report_replaced(built: &[Built], diagnostics: &mut Vec<Diagnostic>) {
    for b in built {
        if !b.composed.replaced.is_empty() {
            let chars: String = b.composed.replaced.iter().collect();
            diagnostics.push(
                    Diagnostic::warning(
                        Code::CharacterNotPrintable,
                        Location {
                            record: Some(format!("learner {}", b.credential.learner.id)),
                            ..Location::file(b.credential.path.clone())
                        },
                        format!(
                            "the transcript of {} shows {chars} as �: the built-in font has no such character (the attached credential keeps the text as written)",
                            b.credential.learner_name()
                        ),
                    )
                    .with_hint("check the text for stray symbols; the font covers Latin, Greek and Cyrillic scripts"),
                );
        }
    }
}

/// One learner's transcript PDF, the credential XML attached.
fn transcript_file(b: &Built, labels: &Labels) -> Result<OutputFile, ExportError> {
    let bytes = writer::write(
        &[Part {
            bookmark: b.composed.title.clone(),
            pages: &b.composed.pages,
        }],
        &info(&b.credential, &b.composed.title, labels),
        &[Attachment {
            name: b.xml_name.clone(),
            description: attachment_description(&b.credential),
            mime: XML_MIME,
            bytes: b.xml.clone(),
        }],
    )
    .map_err(|e| ExportError::Serialise {
        format: "pdf",
        detail: format!("{}: {e}", b.credential.path),
    })?;
    Ok(OutputFile {
        path: b.credential.path.clone().into(),
        bytes,
    })
}

fn attachment_description(c: &Credential) -> String {
    format!(
        "Europass credential (europassCredential, EDCI 1.2) of {} for the mobility {}",
        c.learner_name(),
        c.mobility.id
    )
}

/// Metadata from the data: the sending school as author, the credential's
/// issue date (the later of the mobility's end and the last assessment) as
/// the document date, the mobility id as the document id.
fn info(c: &Credential, title: &str, labels: &Labels) -> Info {
    Info {
        title: title.to_string(),
        subject: labels.each("title.subtitle").join(" / "),
        language: labels.primary().to_string(),
        author: c
            .issuer
            .name
            .best(labels.languages())
            .unwrap_or(&c.issuer.id)
            .to_string(),
        date: c.issued,
        id: format!("europass-transcript:{}", c.mobility.id),
    }
}

/// Every transcript in one PDF, in learner order (family name, given
/// names, id; then mobility start), each learner's credential attached as
/// `<folder>_<file>` and a bookmark per transcript.
fn bundle(built: &[Built], labels: &Labels) -> Result<OutputFile, ExportError> {
    let mut order: Vec<&Built> = built.iter().collect();
    order.sort_by(|a, b| {
        let key = |x: &Built| {
            let l = x.credential.learner;
            (
                l.family_name.to_lowercase(),
                l.given_names.to_lowercase(),
                l.id.clone(),
                x.credential.mobility.start,
                x.credential.mobility.id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let parts: Vec<Part> = order
        .iter()
        .map(|b| Part {
            bookmark: b.credential.learner_name(),
            pages: &b.composed.pages,
        })
        .collect();
    let attachments: Vec<Attachment> = order
        .iter()
        .map(|b| Attachment {
            name: format!("{}_{}", b.folder, b.xml_name),
            description: attachment_description(&b.credential),
            mime: XML_MIME,
            bytes: b.xml.clone(),
        })
        .collect();
    let mut issuers: BTreeMap<String, ()> = BTreeMap::new();
    for b in &order {
        let c = &b.credential;
        issuers.insert(
            c.issuer
                .name
                .best(labels.languages())
                .unwrap_or(&c.issuer.id)
                .to_string(),
            (),
        );
    }
    let author = issuers.into_keys().collect::<Vec<_>>().join(", ");
    let date = order
        .iter()
        .map(|b| b.credential.issued)
        .max()
        .expect("the bundle has transcripts");
    let mut id = String::from("europass-transcripts:");
    for b in &order {
        id.push_str(&b.credential.mobility.id);
        id.push('\n');
    }
    let info = Info {
        title: format!(
            "{} — {author} ({})",
            labels.each("title.document").join(" / "),
            order.len()
        ),
        subject: labels.each("title.subtitle").join(" / "),
        language: labels.primary().to_string(),
        author,
        date,
        id,
    };
    let bytes = writer::write(&parts, &info, &attachments).map_err(|e| ExportError::Serialise {
        format: "pdf",
        detail: format!("{BUNDLE}: {e}"),
    })?;
    Ok(OutputFile {
        path: BUNDLE.into(),
        bytes,
    })
}
