//! A small, safe XML tree for reading credentials: elements with their
//! namespaces resolved, attributes and text.
//!
//! quick-xml never loads DTDs or external entities; on top of that a
//! document with a `DOCTYPE` is refused outright (no credential has one), an
//! entity other than the five XML predefines is an error, and nesting is
//! bounded (the `depth` limit) so a hostile file cannot exhaust memory.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Why a document could not be read as an XML tree.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TreeError {
    /// The document declares a DOCTYPE.
    DocType,
    /// The document refers to an entity that is not predefined.
    Entity(String),
    /// Not well-formed (the parser's message, with the byte offset).
    Malformed(String),
    /// Elements nested deeper than allowed (the limit).
    TooDeep(usize),
}

/// An element: namespace, local name, attributes, children and text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Element {
    /// Namespace URI, if the element is in one.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes: namespace, local name, value.
    pub attrs: Vec<(Option<String>, String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Text directly inside the element (all text nodes joined).
    pub text: String,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// An attribute without a namespace (or, failing that, in any namespace).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, n, _)| ns.is_none() && n == name)
            .or_else(|| self.attrs.iter().find(|(_, n, _)| n == name))
            .map(|(_, _, v)| v.as_str())
    }

    /// The text, trimmed.
    pub fn value(&self) -> &str {
        self.text.trim()
    }
}

fn namespace(r: &ResolveResult<'_>) -> Option<String> {
    match r {
        ResolveResult::Bound(ns) => Some(ns.0.to_string()),
        _ => None,
    }
}

fn malformed(reader: &NsReader<&[u8]>, e: impl std::fmt::Display) -> TreeError {
    TreeError::Malformed(format!("{e} (near byte {})", reader.buffer_position()))
}

/// Parses a whole document into its root element; elements nested deeper
/// than `max_depth` refuse it.
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Element, TreeError> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| TreeError::Malformed(format!("{e}")))?;
        let ns = namespace(&ns);
        match event {
            Event::DocType(_) => return Err(TreeError::DocType),
            Event::Start(_) | Event::Empty(_) if stack.len() >= max_depth => {
                return Err(TreeError::TooDeep(max_depth));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let el = element(&reader, e, ns)?;
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                } else {
                    return Ok(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| TreeError::Malformed("an end tag without a start".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = reference(&reader, &r)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
                }
            }
            Event::Eof => {
                return Err(TreeError::Malformed(if stack.is_empty() {
                    "no root element".into()
                } else {
                    format!("the document ends inside <{}>", stack[stack.len() - 1].name)
                }));
            }
            _ => {}
        }
    }
}

/// An element as it starts, with its attributes (namespace declarations
/// left out); an entity in an attribute that XML does not predefine refuses
/// the document.
fn element(
    reader: &NsReader<&[u8]>,
    e: &quick_xml::events::BytesStart<'_>,
    ns: Option<String>,
) -> Result<Element, TreeError> {
    let mut el = Element {
        ns,
        name: e.local_name().as_ref().to_string(),
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|err| malformed(reader, err))?;
        if attr.key.as_ref().starts_with("xmlns") {
            continue;
        }
        let (ans, local) = reader.resolver().resolve_attribute(attr.key);
        let value =
            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| match err {
                    quick_xml::Error::Escape(
                        quick_xml::escape::EscapeError::UnrecognizedEntity(_, name),
                    ) => TreeError::Entity(name),
                    other => malformed(reader, other),
                })?
                .into_owned();
        el.attrs
            .push((namespace(&ans), local.as_ref().to_string(), value));
    }
    Ok(el)
}

/// The character a reference in text stands for: a character reference, or
/// one of the five entities XML predefines (any other refuses the document).
fn reference(
    reader: &NsReader<&[u8]>,
    r: &quick_xml::events::BytesRef<'_>,
) -> Result<char, TreeError> {
    if r.is_char_ref() {
        return r
            .resolve_char_ref()
            .map_err(|e| malformed(reader, e))?
            .ok_or_else(|| malformed(reader, "an invalid character reference"));
    }
    Ok(match r.as_ref() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        other => return Err(TreeError::Entity(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_attributes_and_entities_are_resolved() {
        let root = parse(
            r#"<?xml version="1.0"?><a xmlns="urn:x" xmlns:p="urn:p" p:id="1" k="v &amp; w"><b>x &lt; y &#257;</b><p:c/></a>"#,
            64,
        )
        .unwrap();
        assert_eq!(root.ns.as_deref(), Some("urn:x"));
        assert_eq!(root.attr("id"), Some("1"));
        assert_eq!(root.attr("k"), Some("v & w"));
        assert_eq!(root.child("b").unwrap().text, "x < y ā");
        assert_eq!(root.child("c").unwrap().ns.as_deref(), Some("urn:p"));
    }

    #[test]
    fn doctypes_and_unknown_entities_are_refused() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>"#;
        assert_eq!(parse(xxe, 64).unwrap_err(), TreeError::DocType);
        assert!(matches!(parse("<a>&e;</a>", 64).unwrap_err(), TreeError::Entity(e) if e == "e"));
    }

    #[test]
    fn broken_and_deep_documents_are_errors_not_panics() {
        assert!(matches!(
            parse("<a><b></a>", 64),
            Err(TreeError::Malformed(_))
        ));
        assert!(matches!(parse("", 64), Err(TreeError::Malformed(_))));
        let deep = "<a>".repeat(10_000);
        assert_eq!(parse(&deep, 64).unwrap_err(), TreeError::TooDeep(64));
        let twenty = format!("{}{}", "<a>".repeat(20), "</a>".repeat(20));
        assert!(parse(&twenty, 20).is_ok(), "the limit itself is allowed");
        assert_eq!(parse(&twenty, 19).unwrap_err(), TreeError::TooDeep(19));
    }
}
