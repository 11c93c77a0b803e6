//! JSON inputs: the canonical `round.json` written by `--to json`, read back
//! so an agency can merge rounds schools already converted, and Europass
//! Digital Credentials in JSON-LD, handed to their own reader. The content
//! decides which (an `@context` or a `VerifiableCredential` type), never the
//! file name.

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::Round;

use super::{ImportError, ReadOptions};

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

/// Reads `round.json` (format `europass-round`) and JSON-LD credentials.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    if let Some(at) = nested_deeper_than(bytes, options.limits.depth) {
        return Err(ImportError::LimitExceeded {
            limit: "depth",
            detail: format!(
                "a JSON document whose arrays and objects nest more than {} deep (at byte {at})",
                options.limits.depth
            ),
        });
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Corrupt {
            detail: format!("a JSON document that cannot be parsed ({e})"),
        })?;
    if let Some(inner) = upload_envelope(&value) {
        return read_credential_value(file, inner);
    }
    if is_credential(&value) {
        return super::credential::jsonld::read(file, &value);
    }
    if is_report(&value) {
        // `convert` leaves report.json beside its outputs; a folder of
        // credentials converted back often still holds it.
        return Ok((
            Round::default(),
            vec![Diagnostic::info(
                Code::FileSkipped,
                Location::file(file),
                "skipped: a europass report (report.json), not an input",
            )],
        ));
    }
    if let Some(inner) = signed_payload(&value)? {
        let (round, mut notes) = super::credential::jsonld::read(file, &inner)?;
        notes.push(signature_note(file));
        return Ok((round, notes));
    }
    Ok((read_round(value)?, Vec::new()))
}

/// The credential inside the envelope the EDC issuer's upload takes and
/// gives (`{"credential": {…}}`, an object with nothing else that is a
/// credential).
fn upload_envelope(value: &serde_json::Value) -> Option<&serde_json::Value> {
    let o = value.as_object()?;
    let inner = o.get("credential")?;
    (o.len() == 1 && inner.is_object()).then_some(inner)
}

/// A credential as issued or signed (the envelope's content).
fn read_credential_value(
    file: &str,
    value: &serde_json::Value,
) -> Result<(Round, Vec<Diagnostic>), ImportError> {
    match signed_payload(value)? {
        Some(inner) => {
            let (round, mut notes) = super::credential::jsonld::read(file, &inner)?;
            notes.push(signature_note(file));
            Ok((round, notes))
        }
        None => super::credential::jsonld::read(file, value),
    }
}

fn signature_note(file: &str) -> Diagnostic {
    Diagnostic::info(
        Code::SignatureNotVerified,
        Location::file(file),
        "a signed credential (JWS): its content was read, its signature was not checked",
    )
    .with_hint("verify the signature with the Europass Digital Credentials viewer if the credential's origin matters")
}

/// A europass round (`round.json`) of a version this europass reads.
fn read_round(value: serde_json::Value) -> Result<Round, ImportError> {
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != crate::model::ROUND_FORMAT {
        return Err(ImportError::WrongType {
            found: if format.is_empty() {
                "a JSON document without a \"format\" member".into()
            } else {
                format!("a JSON document of format \"{format}\"")
            },
            expected: "a europass round (round.json) or a Europass credential (JSON-LD)".into(),
            hint:
                "give a round.json written by `europass convert --to json`, or a .jsonld credential"
                    .into(),
        });
    }
    let doc: Document = match serde_json::from_value(value.clone()) {
        Ok(doc) => doc,
        Err(e) => {
            let detail = match misfit(&value) {
                Some((path, found, why)) => {
                    format!("a europass round whose {path} ({found}) does not fit the model: {why}")
                }
                None => format!("a europass round whose content does not fit the model ({e})"),
            };
            return Err(ImportError::Invalid {
                detail,
                hint: "correct that value (dates are written 2025-03-14, texts as {\"lv\": \"…\"}; `europass schema` prints the whole format), or write the file again with europass convert --to json".into(),
            });
        }
    };
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
    Ok(doc.round)
}

/// Where (the byte offset) a JSON text's arrays and objects first nest more
/// than `max` deep, if they do. Checked before parsing, so that the `depth`
/// limit, not the parser's own bound, decides and the message says so.
fn nested_deeper_than(bytes: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where a round's JSON does not fit the model: serde cannot say (the round
/// is flattened into the document), so each member, each item of a list and
/// each field of that item is tried alone. Returns the path
/// (`learners[0].date_of_birth`), the value found, and serde's reason.
fn misfit(value: &serde_json::Value) -> Option<(String, String, String)> {
    let fits = |v: serde_json::Value| serde_json::from_value::<Round>(v);
    let one = |key: &str, v: serde_json::Value| {
        let mut m = serde_json::Map::new();
        m.insert(key.to_string(), v);
        serde_json::Value::Object(m)
    };
    let shown = |v: &serde_json::Value| {
        let text = v.to_string();
        match text.char_indices().nth(80) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text,
        }
    };
    for (key, member) in value.as_object()? {
        if matches!(key.as_str(), "format" | "version") {
            continue;
        }
        let Err(e) = fits(one(key, member.clone())) else {
            continue;
        };
        let Some(items) = member.as_array() else {
            return Some((key.clone(), shown(member), e.to_string()));
        };
        for (i, item) in items.iter().enumerate() {
            let Err(e) = fits(one(key, serde_json::Value::Array(vec![item.clone()]))) else {
                continue;
            };
            // The field that gives the same error on its own (a required
            // field missing is only reported once all fields are read).
            if let Some(fields) = item.as_object() {
                for (name, field) in fields {
                    let alone = serde_json::Value::Array(vec![one(name, field.clone())]);
                    if fits(one(key, alone)).is_err_and(|e2| e2.to_string() == e.to_string()) {
                        return Some((format!("{key}[{i}].{name}"), shown(field), e.to_string()));
                    }
                }
            }
            return Some((format!("{key}[{i}]"), shown(item), e.to_string()));
        }
        return Some((key.clone(), shown(member), e.to_string()));
    }
    None
}

/// Whether a JSON document is the report `europass convert` writes.
fn is_report(value: &serde_json::Value) -> bool {
    value
        .get("tool")
        .and_then(|t| t.as_str())
        .is_some_and(|t| t.starts_with("europass "))
        && value.get("diagnostics").is_some()
        && value.get("summary").is_some()
}

/// The credential inside a JWS in JSON serialisation (`{"payload", "signatures"}`,
/// as the EDC issuer signs with JAdES): the payload as JSON, or base64url-encoded JSON.
fn signed_payload(value: &serde_json::Value) -> Result<Option<serde_json::Value>, ImportError> {
    let (Some(payload), Some(_)) = (
        value.get("payload").and_then(|p| p.as_str()),
        value.get("signatures").or(value.get("signature")),
    ) else {
        return Ok(None);
    };
    let text = if payload.trim_start().starts_with('{') {
        payload.to_string()
    } else {
        let bytes = base64url(payload).ok_or_else(|| ImportError::Corrupt {
            detail: "a signed credential whose payload is neither JSON nor base64url".into(),
        })?;
        String::from_utf8(bytes).map_err(|_| ImportError::Corrupt {
            detail: "a signed credential whose payload is not UTF-8 text".into(),
        })?
    };
    let inner: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ImportError::Corrupt {
            detail: format!("a signed credential whose payload is not JSON ({e})"),
        })?;
    Ok(is_credential(&inner).then_some(inner))
}

/// Decodes base64url (or standard base64), with or without padding.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_that_does_not_fit_the_model_is_refused_naming_the_field() {
        let read = |text: &str| {
            super::read("r.json", text.as_bytes(), &ReadOptions::default())
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        let err = read(
            r#"{"format": "europass-round", "units": [], "learners": [{"id": "L1", "given_names": "Anna", "family_name": "Ozola"}, {"id": "L2", "given_names": "Jānis", "family_name": "Bērziņš", "date_of_birth": "yesterday"}]}"#,
        );
        assert!(
            err.contains(r#"learners[1].date_of_birth ("yesterday") does not fit"#),
            "{err}"
        );
        let err = read(r#"{"format": "europass-round", "learners": [{"given_names": "Anna"}]}"#);
        assert!(
            err.contains("learners[0]") && err.contains("missing field `id`"),
            "{err}"
        );
        let err = read(r#"{"format": "europass-round", "units": "none"}"#);
        assert!(err.contains(r#"units ("none")"#), "{err}");
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nested_deeper_than(br#"{"a": [[1]]}"#, 3), None);
        assert_eq!(nested_deeper_than(br#"{"a": [[1]]}"#, 2), Some(7));
        assert_eq!(nested_deeper_than(br#"{"a": "[[[[\"[["}"#, 1), None);
        assert_eq!(nested_deeper_than(&[b'['; 20_000], 64), Some(64));
    }

    #[test]
    fn base64url_payloads_decode_with_and_without_padding() {
        assert_eq!(base64url("eyJhIjoxfQ").unwrap(), br#"{"a":1}"#);
        assert_eq!(base64url("Zm8=").unwrap(), b"fo");
        assert_eq!(base64url("x!y"), None);
    }
}
