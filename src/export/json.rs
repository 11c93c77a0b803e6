//! The canonical round as JSON (`round.json`): the documented interchange
//! format, see `docs/canonical-json.md` and `docs/round.schema.json`.

use serde::Serialize;

use super::{ExportContext, ExportError, Exporter, OutputFile};
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

    fn export(&self, round: &Round, _: &ExportContext) -> Result<Vec<OutputFile>, ExportError> {
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
        Ok(vec![OutputFile {
            path: "round.json".into(),
            bytes,
        }])
    }
}
