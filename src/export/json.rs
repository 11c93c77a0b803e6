//! The canonical round as JSON (`round.json`): the documented interchange
//! format, see `docs/canonical-json.md` and `docs/round.schema.json`.

use serde::Serialize;

use super::{ExportContext, ExportError, Exporter, OutputFile, Prepared};
use crate::model::Round;
use crate::outputs::{OutputKind, OutputPlan, ROUND_JSON};
use crate::provenance::SourceMap;

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

    fn outputs(&self, _: &ExportContext) -> Vec<OutputKind> {
        vec![OutputKind::Round]
    }

    fn prepare<'r>(
        &self,
        round: &'r Round,
        _: &SourceMap,
        _: &'r ExportContext,
        _: &'r OutputPlan,
    ) -> Result<Prepared<'r>, ExportError> {
        Ok(Prepared::new(Vec::new(), move |sink, _| {
            let doc = Document {
                format: FORMAT,
                version: VERSION,
                round,
            };
            let mut bytes =
                serde_json::to_vec_pretty(&doc).map_err(|e| ExportError::Serialise {
                    format: "json",
                    detail: e.to_string(),
                })?;
            bytes.push(b'\n');
            sink.put(vec![OutputFile {
                path: ROUND_JSON.into(),
                bytes,
            }])?;
            Ok(())
        }))
    }
}
