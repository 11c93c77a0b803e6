//! JSON inputs: the canonical `round.json` written by `--to json`, read back
//! so an agency can merge rounds schools already converted.

use crate::diagnostics::Diagnostic;
use crate::model::Round;

use super::{ImportError, ReadOptions, RoundReader};

/// Reads `round.json` (format `europass-round`).
pub struct CanonicalJsonReader;

#[derive(serde::Deserialize)]
struct Document {
    format: Option<String>,
    version: Option<u32>,
    #[serde(flatten)]
    round: Round,
}

impl RoundReader for CanonicalJsonReader {
    fn read(
        &self,
        _file: &str,
        bytes: &[u8],
        _: &ReadOptions,
    ) -> Result<(Round, Vec<Diagnostic>), ImportError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ImportError::Corrupt {
                detail: format!("a JSON document that cannot be parsed ({e})"),
            })?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != crate::model::ROUND_FORMAT {
            return Err(ImportError::WrongType {
                found: if format.is_empty() {
                    "a JSON document without a \"format\" member".into()
                } else {
                    format!("a JSON document of format \"{format}\"")
                },
                expected: "a europass round (round.json)".into(),
                hint: "give a round.json written by `europass convert --to json`".into(),
            });
        }
        let doc: Document = serde_json::from_value(value).map_err(|e| ImportError::Corrupt {
            detail: format!("a europass round whose content does not fit the model ({e})"),
        })?;
        if doc
            .version
            .is_some_and(|v| v > crate::model::ROUND_FORMAT_VERSION)
        {
            return Err(ImportError::Unsupported {
                what: format!("a europass round of version {}", doc.version.unwrap_or(0)),
                hint: "update europass to read rounds written by a newer version".into(),
            });
        }
        let _ = doc.format;
        Ok((doc.round, Vec::new()))
    }
}
