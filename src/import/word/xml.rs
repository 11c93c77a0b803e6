//! What the passes over a Word document's XML parts share: attribute
//! values, on/off properties, namespaces, and a walk over a side part.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::super::ImportError;

/// WordprocessingML's namespace, transitional and strict.
pub(super) const W_NS: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
pub(super) const W14_NS: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
pub(super) const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// An attribute's value by its local name (Word's attributes are all `w:`).
pub(super) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// An on/off property: present without a value means on.
pub(super) fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// The left indentation of a `w:ind`, in twips.
pub(super) fn indent(e: &BytesStart) -> Option<i32> {
    attr(e, "left")
        .or_else(|| attr(e, "start"))?
        .trim()
        .parse()
        .ok()
}

pub(super) fn val_u32(e: &BytesStart) -> Option<u32> {
    attr(e, "val")?.trim().parse().ok()
}

/// The namespace of an element, as far as this reader cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ns {
    W,
    W14,
    Mc,
    Other,
}

pub(super) fn ns_of(r: &ResolveResult) -> Ns {
    match r {
        ResolveResult::Bound(ns) => {
            let uri: &str = ns.as_ref();
            if W_NS.contains(&uri) {
                Ns::W
            } else if uri == W14_NS {
                Ns::W14
            } else if uri == MC_NS {
                Ns::Mc
            } else {
                Ns::Other
            }
        }
        _ => Ns::Other,
    }
}

/// Events of a side part, with local names only.
pub(super) enum Walk<'a, 'e> {
    Start(&'a str, &'a BytesStart<'e>, bool),
    End(&'a str),
}

pub(super) fn walk(xml: &str, part: &str, mut f: impl FnMut(Walk)) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let pos = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => f(Walk::Start(e.local_name().as_ref(), &e, false)),
            Ok(Event::Empty(e)) => {
                let name = e.local_name();
                f(Walk::Start(name.as_ref(), &e, true));
                f(Walk::End(name.as_ref()));
            }
            Ok(Event::End(e)) => f(Walk::End(e.local_name().as_ref())),
            Ok(Event::DocType(_)) => return Err(doctype(part)),
            Ok(Event::GeneralRef(r)) => {
                let name = r.xml10_content();
                let known = matches!(r.resolve_char_ref(), Ok(Some(_)))
                    || quick_xml::escape::resolve_predefined_entity(&name).is_some();
                if !known {
                    return Err(undefined_entity(part, pos, &name));
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(xml_error(part, pos, e)),
        }
    }
}

pub(super) fn xml_error(part: &str, pos: u64, e: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt {
        detail: format!(
            "a Word document whose part {part} is not well-formed XML near byte {pos} ({e})"
        ),
    }
}

/// A DOCTYPE in a part: Word never writes one, and europass resolves no DTD
/// or entity, in Word files as in every other XML it reads.
pub(super) fn doctype(part: &str) -> ImportError {
    ImportError::Unsupported {
        what: format!("a Word document whose part {part} has a DOCTYPE declaration"),
        hint: "Word never writes one, and europass does not read DTDs or entities; save the document again from Word or LibreOffice".into(),
    }
}

/// An entity a part uses without defining it (`&nbsp;` is HTML's, not
/// XML's): its text would be lost without a word, so it is an error at its
/// place.
pub(super) fn undefined_entity(part: &str, pos: u64, name: &str) -> ImportError {
    ImportError::Corrupt {
        detail: format!(
            "a Word document whose part {part} uses the entity &{name}; near byte {pos}, which XML does not define (europass resolves no DTD or entity)"
        ),
    }
}
