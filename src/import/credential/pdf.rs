//! PDF transcripts read back: the Europass credential XML a transcript
//! carries as an attachment (`europass convert --to pdf` embeds
//! `europass-mobility.xml`; the bundle one per learner) is taken out and read
//! by the credential XML reader, one round per attachment (joined into the
//! round by the assembly stage, like rounds from separate files). The printed pages themselves are never
//! parsed: the attachment is the machine-readable record.
//!
//! Attachments are looked up in the document's `EmbeddedFiles` name tree and
//! its associated files (`/AF`); every XML attachment is read, and a PDF
//! without one is refused with a message saying what the file is missing.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, LoadOptions, Object};

use crate::import::{ImportError, ReadOptions, RoundPart};

/// Name trees nest; a document deeper than this is not one europass wrote
/// and is refused rather than followed for ever.
const MAX_DEPTH: usize = 32;

/// One file attached to the PDF.
struct Attached {
    name: String,
    bytes: Vec<u8>,
}

/// Reads the credentials attached to a PDF: a round for each, in the
/// order they are attached.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Vec<RoundPart>, ImportError> {
    // Every stream is unpacked whole; an attachment is a credential of a few
    // kilobytes, so part-mb (not unpacked-mb) bounds it.
    let limit =
        usize::try_from(options.limits.part_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
    let load = LoadOptions {
        max_decompressed_size: Some(limit),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, load).map_err(|e| {
        if let Some(exceeded) = limit_exceeded(&e, options) {
            exceeded
        } else if bytes.windows(8).any(|w| w == b"/Encrypt") {
            ImportError::Encrypted
        } else {
            ImportError::Corrupt {
                detail: format!("a PDF document that cannot be parsed ({e})"),
            }
        }
    })?;
    let attached = attachments(&doc, limit, options)?;
    let credentials: Vec<&Attached> = attached
        .iter()
        .filter(|a| {
            a.name.to_ascii_lowercase().ends_with(".xml")
                || a.bytes.trim_ascii_start().starts_with(b"<")
        })
        .collect();
    if credentials.is_empty() && !ends_with_eof_marker(bytes) {
        // lopdf reads what it can of a cut-off file; it is damage, not a PDF without attachments.
        return Err(ImportError::Corrupt {
            detail: "a PDF document that stops before its end marker (%%EOF): it was cut off, in a download or a copy".into(),
        });
    }
    if credentials.is_empty() {
        let found = if attached.is_empty() {
            "a PDF with no attached files".to_string()
        } else {
            let names: Vec<&str> = attached.iter().map(|a| a.name.as_str()).collect();
            format!("a PDF whose attachments ({}) hold no XML", names.join(", "))
        };
        return Err(ImportError::WrongType {
            found,
            expected: "a transcript carrying its Europass credential (europass-mobility.xml attached)".into(),
            hint: "give the transcript europass wrote (europass convert --to pdf), or the learner's europass-mobility.xml itself; a scanned or re-printed PDF loses the attachment".into(),
        });
    }
    let mut rounds = Vec::with_capacity(credentials.len());
    for a in credentials {
        let source = format!("{file} › {}", a.name);
        let (round, notes) = super::xml::read(&source, &a.bytes, options).map_err(|e| match e {
            ImportError::WrongType { found, hint, .. } => ImportError::WrongType {
                found: format!("a PDF whose attachment {} is {found}", a.name),
                expected: "a transcript carrying its Europass credential".into(),
                hint,
            },
            ImportError::Corrupt { detail } => ImportError::Corrupt {
                detail: format!("its attachment {} is {detail}", a.name),
            },
            other => other,
        })?;
        rounds.push(RoundPart {
            source,
            round,
            notes,
        });
    }
    Ok(rounds)
}

/// Whether the file ends as every PDF does, with `%%EOF` (and perhaps a line break or padding).
fn ends_with_eof_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// Every file attached to `doc`, in name-tree order then `/AF` order, each once.
fn attachments(
    doc: &Document,
    limit: usize,
    options: &ReadOptions,
) -> Result<Vec<Attached>, ImportError> {
    let corrupt = |what: &str| ImportError::Corrupt {
        detail: format!("a PDF document whose {what}"),
    };
    let catalog = doc
        .catalog()
        .map_err(|e| corrupt(&format!("catalog cannot be read ({e})")))?;
    let mut specs: Vec<(&Object, Option<String>)> = Vec::new();
    if let Ok(names) = catalog
        .get(b"Names")
        .and_then(|o| resolve(doc, o).as_dict())
        && let Ok(tree) = names
            .get(b"EmbeddedFiles")
            .and_then(|o| resolve(doc, o).as_dict())
    {
        name_tree(doc, tree, 0, &mut specs)?;
    }
    if let Ok(af) = catalog.get(b"AF").and_then(|o| resolve(doc, o).as_array()) {
        for spec in af {
            specs.push((spec, None));
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (object, key) in specs {
        if let Ok(id) = object.as_reference()
            && !seen.insert(id)
        {
            continue;
        }
        let Ok(spec) = resolve(doc, object).as_dict() else {
            continue;
        };
        let name = ["UF", "F"]
            .iter()
            .find_map(|k| spec.get(k.as_bytes()).ok().and_then(|o| o.as_str().ok()))
            .map(text_string)
            .or(key)
            .unwrap_or_else(|| "attachment".into());
        let Some(stream) = spec
            .get(b"EF")
            .ok()
            .and_then(|o| resolve(doc, o).as_dict().ok())
            .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")).ok())
            .and_then(|o| resolve(doc, o).as_stream().ok())
        else {
            continue;
        };
        let bytes = stream.get_plain_content_with_limit(limit).map_err(|e| {
            limit_exceeded(&e, options).unwrap_or_else(|| ImportError::Corrupt {
                detail: format!("its attachment {name} cannot be unpacked ({e})"),
            })
        })?;
        out.push(Attached { name, bytes });
    }
    Ok(out)
}

/// The part-mb limit, when lopdf stopped unpacking a stream at it.
fn limit_exceeded(e: &lopdf::Error, options: &ReadOptions) -> Option<ImportError> {
    match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            Some(ImportError::LimitExceeded {
                limit: "part-mb",
                detail: format!(
                    "a stream of the PDF unpacks to more than {} MiB (a decompression bomb, or a very large attachment)",
                    options.limits.part_mb
                ),
            })
        }
        _ => None,
    }
}

/// Collects the file specifications of a name tree node and its kids.
fn name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    out: &mut Vec<(&'a Object, Option<String>)>,
) -> Result<(), ImportError> {
    if depth > MAX_DEPTH {
        return Err(ImportError::Corrupt {
            detail: format!(
                "a PDF document whose list of attachments nests deeper than {MAX_DEPTH} levels"
            ),
        });
    }
    if let Ok(names) = node.get(b"Names").and_then(|o| resolve(doc, o).as_array()) {
        for pair in names.chunks(2) {
            if let [key, value] = pair {
                let key = key.as_str().ok().map(text_string);
                out.push((value, key));
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(|o| resolve(doc, o).as_array()) {
        for kid in kids {
            if let Ok(kid) = resolve(doc, kid).as_dict() {
                name_tree(doc, kid, depth + 1, out)?;
            }
        }
    }
    Ok(())
}

/// The object a reference points to (the object itself when it is none).
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map(|(_, o)| o).unwrap_or(object)
}

/// A PDF text string: UTF-16BE with a byte-order mark, or PDFDocEncoding
/// (read as Latin-1, which agrees with it for the names of files).
fn text_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(utf8) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(utf8).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_in_utf16_and_pdfdocencoding_are_decoded() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0x00, b'a', 0x01, 0x01]), "aā");
        assert_eq!(
            text_string(b"europass-mobility.xml"),
            "europass-mobility.xml"
        );
    }

    #[test]
    fn bytes_that_are_not_a_pdf_are_reported_as_damaged() {
        let err = read("x.pdf", b"%PDF-1.7\nnot really", &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, ImportError::Corrupt { .. }), "{err:?}");
    }

    #[test]
    fn a_pdf_cut_off_before_its_end_is_damaged_not_a_pdf_without_attachments() {
        let whole = std::fs::read("fixtures/bad/not-a-transcript.pdf").unwrap();
        let err = read("x.pdf", &whole, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, ImportError::WrongType { .. }), "{err:?}");
        let err = read("x.pdf", &whole[..whole.len() / 2], &ReadOptions::default()).unwrap_err();
        assert!(
            matches!(&err, ImportError::Corrupt { detail } if detail.contains("%%EOF")),
            "{err:?}"
        );
    }
}
