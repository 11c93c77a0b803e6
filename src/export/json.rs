//! The canonical round as JSON (`round.json`): the documented interchange
//! format, see `docs/canonical-json.md` and `docs/round.schema.json`.

use serde::Serialize;

use super::{ExportContext, ExportError, Exporter, OutputFile, OutputSink};
use crate::diagnostics::Diagnostic;
use crate::model::Round;

use crate::model::{ROUND_FORMAT as FORMAT, ROUND_FORMAT_VERSION as VERSION};

/// Writes `round.json`.
pub struct CanonicalJson;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    round: &'a Round,
}

impl Exporter for CanonicalJson {
    fn name(&self) -> &'static str {
        "json"
    }

    fn description(&self) -> &'static str {
        "the whole round in the canonical JSON model (round.json)"
    }

    fn export_to(
        &self,
        round: &Round,
        _: &ExportContext,
        sink: &mut dyn OutputSink,
        _: &mut Vec<Diagnostic>,
    ) -> Result<(), ExportError> {
        let doc = Document {
            format: FORMAT,
            version: VERSION,
            round,
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| ExportError::Serialise {
            format: "json",
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        sink.put(vec![OutputFile {
            path: "round.json".into(),
            bytes,
        }])?;
        Ok(())
    }
}
