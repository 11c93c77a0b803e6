//! JSON inputs: the canonical `round.json` written by `--to json`, read back
//! so an agency can merge rounds schools already converted, and Europass
//! Digital Credentials in JSON-LD, handed to their own reader. The content
//! decides which (an `@context` or a `VerifiableCredential` type), never the
//! file name.

use crate::diagnostics::Diagnostic;
use crate::model::Round;

use super::{ImportError, ReadOptions, RoundReader};

/// Reads `round.json` (format `europass-round`) and JSON-LD credentials.
pub struct JsonReader;

/// Whether a JSON document is a verifiable credential (JSON-LD).
fn is_credential(value: &serde_json::Value) -> bool {
    let typed = |t: &serde_json::Value| match t {
        serde_json::Value::String(s) => s == "VerifiableCredential",
        serde_json::Value::Array(a) => a.iter().any(|x| x == "VerifiableCredential"),
        _ => false,
    };
    value.get("@context").is_some() || value.get("type").is_some_and(typed)
}

#[derive(serde::Deserialize)]
struct Document {
    format: Option<String>,
    version: Option<u32>,
    #[serde(flatten)]
    round: Round,
}

impl RoundReader for JsonReader {
    fn read(
        &self,
        file: &str,
        bytes: &[u8],
        _: &ReadOptions,
    ) -> Result<(Round, Vec<Diagnostic>), ImportError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ImportError::Corrupt {
                detail: format!("a JSON document that cannot be parsed ({e})"),
            })?;
        if is_credential(&value) {
            return super::credential_jsonld::read(file, &value);
        }
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != crate::model::ROUND_FORMAT {
            return Err(ImportError::WrongType {
                found: if format.is_empty() {
                    "a JSON document without a \"format\" member".into()
                } else {
                    format!("a JSON document of format \"{format}\"")
                },
                expected: "a europass round (round.json) or a Europass credential (JSON-LD)".into(),
                hint: "give a round.json written by `europass convert --to json`, or a .jsonld credential".into(),
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
