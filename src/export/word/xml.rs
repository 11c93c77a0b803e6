//! A small XML tree that writes back exactly the bytes it read.
//!
//! A school's template must come out as the school made it: every start tag,
//! attribute order, namespace declaration, entity and whitespace is kept as
//! raw bytes, and only the nodes the template filler changes are written anew.

use quick_xml::Reader;
use quick_xml::events::Event;

/// A piece of the text of a `w:t` element once its placeholders are found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TextPiece {
    /// Literal text (unescaped).
    Text(String),
    /// A placeholder, by its index in the part's tag list.
    Tag(usize),
}

/// Where a block starts, switches to its `else` branch, or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// The block (by tag index of its opening tag) starts.
    Open(usize),
    /// Its `else` branch starts.
    Else(usize),
    /// It ends.
    Close(usize),
}

/// A node of the tree.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// An element.
    Element(Element),
    /// Bytes written back as they were: text, comments, declarations, entities.
    Raw(Vec<u8>),
    /// The content of a `w:t` holding placeholders.
    Pieces(Vec<TextPiece>),
}

/// An element with its start and end tags as raw bytes.
#[derive(Clone, Debug)]
pub(crate) struct Element {
    /// Qualified name as written (`w:p`).
    pub name: String,
    /// The start tag, verbatim (`<w:p w14:paraId="…">` or `<w:br/>`).
    pub start: Vec<u8>,
    /// Children.
    pub children: Vec<Node>,
    /// The end tag, verbatim; empty for a self-closing element.
    pub end: Vec<u8>,
    /// Left out of the output (a paragraph that held only a loop tag).
    pub dropped: bool,
    /// Block marks written before the element.
    pub before: Vec<Mark>,
    /// Block marks written after the element.
    pub after: Vec<Mark>,
}

impl Element {
    /// The element children.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Whether the start tag carries attribute `name` (raw search, `xml:space`).
    pub fn has_attribute(&self, name: &str) -> bool {
        let needle = format!(" {name}=");
        self.start
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
            || self
                .start
                .windows(needle.len())
                .any(|w| w[1..] == needle.as_bytes()[1..] && w[0].is_ascii_whitespace())
    }

    /// Adds `xml:space="preserve"` to the start tag if it lacks it.
    pub fn preserve_space(&mut self) {
        if self.has_attribute("xml:space") || self.start.len() < 3 {
            return;
        }
        let at = if self.end.is_empty() {
            // `<w:t/>`: insert before `/>`.
            self.start.len() - 2
        } else {
            self.start.len() - 1
        };
        self.start.splice(at..at, *b" xml:space=\"preserve\"");
    }

    /// The decoded text of this element's raw children (for `w:t`).
    pub fn raw_text(&self) -> String {
        let mut raw = Vec::new();
        for c in &self.children {
            if let Node::Raw(b) = c {
                raw.extend_from_slice(b);
            }
        }
        let s = String::from_utf8_lossy(&raw);
        quick_xml::escape::unescape(&s)
            .map(|c| c.into_owned())
            .unwrap_or_else(|_| s.into_owned())
    }
}

/// A parse error, with the byte offset.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub offset: u64,
    pub message: String,
}

/// Parses `bytes` into top-level nodes.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Node>, ParseError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    let push = |stack: &mut Vec<Element>, top: &mut Vec<Node>, node: Node| match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => top.push(node),
    };
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| ParseError {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        let after = reader.buffer_position() as usize;
        let raw = &bytes[before..after];
        match event {
            Event::Start(e) => {
                stack.push(Element {
                    name: e.name().as_ref().to_string(),
                    start: raw.to_vec(),
                    children: Vec::new(),
                    end: Vec::new(),
                    dropped: false,
                    before: Vec::new(),
                    after: Vec::new(),
                });
            }
            Event::Empty(e) => {
                let el = Element {
                    name: e.name().as_ref().to_string(),
                    start: raw.to_vec(),
                    children: Vec::new(),
                    end: Vec::new(),
                    dropped: false,
                    before: Vec::new(),
                    after: Vec::new(),
                };
                push(&mut stack, &mut top, Node::Element(el));
            }
            Event::End(_) => {
                let mut el = stack.pop().ok_or_else(|| ParseError {
                    offset: before as u64,
                    message: "an end tag without a start tag".into(),
                })?;
                el.end = raw.to_vec();
                push(&mut stack, &mut top, Node::Element(el));
            }
            Event::Eof => break,
            _ => {
                // Merge adjacent raw nodes (text split at entities) into one.
                let parent = match stack.last_mut() {
                    Some(p) => &mut p.children,
                    None => &mut top,
                };
                if let Some(Node::Raw(prev)) = parent.last_mut() {
                    prev.extend_from_slice(raw);
                } else {
                    parent.push(Node::Raw(raw.to_vec()));
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(ParseError {
            offset: bytes.len() as u64,
            message: format!("<{}> is never closed", open.name),
        });
    }
    Ok(top)
}

/// Writes nodes back (pieces and marks are not expected here: used for
/// parts without placeholders and in tests).
#[cfg(test)]
pub(crate) fn write(nodes: &[Node], out: &mut Vec<u8>) {
    for n in nodes {
        match n {
            Node::Raw(b) => out.extend_from_slice(b),
            Node::Pieces(p) => {
                for piece in p {
                    if let TextPiece::Text(t) = piece {
                        out.extend_from_slice(
                            quick_xml::escape::partial_escape(t.as_str()).as_bytes(),
                        );
                    }
                }
            }
            Node::Element(e) => {
                out.extend_from_slice(&e.start);
                write(&e.children, out);
                out.extend_from_slice(&e.end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_back_exactly_the_bytes_read() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:document xmlns:w=\"x\" >\
<!-- c --><w:p w:a='1'><w:r><w:t xml:space=\"preserve\"> A &amp; B &#x101; </w:t><w:br /></w:r></w:p>\n</w:document>";
        let nodes = parse(xml.as_bytes()).unwrap();
        let mut out = Vec::new();
        write(&nodes, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), xml);
    }

    #[test]
    fn text_is_decoded_and_space_preserved_once() {
        let nodes = parse(b"<w:t>a &amp; &#x101;</w:t>").unwrap();
        let Node::Element(mut t) = nodes[0].clone() else {
            panic!()
        };
        assert_eq!(t.raw_text(), "a & ā");
        t.preserve_space();
        t.preserve_space();
        assert_eq!(t.start, b"<w:t xml:space=\"preserve\">");
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse(b"<w:p><w:r></w:p>").is_err());
        assert!(parse(b"<w:p>").is_err());
    }
}
