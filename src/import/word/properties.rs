//! A Word document's own properties (`docProps/core.xml`, File → Info in
//! Word): title, subject, author, keywords and dates.
//!
//! They tell a document europass wrote (its keywords name europass and the
//! kind of document) from a school's own: read, not trusted, and never a
//! reason to refuse a file — a damaged or missing part gives no properties.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::package::Archive;

/// The part of the core properties, where Word and europass put it.
const CORE: &str = "docProps/core.xml";
/// Core properties are a few hundred bytes; a larger part is not read.
const MAX_CORE: u64 = 1 << 20;

/// What a Word document says about itself; empty texts when it says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentProperties {
    /// `dc:title`.
    pub title: String,
    /// `dc:subject`.
    pub subject: String,
    /// `dc:creator`: who wrote it.
    pub creator: String,
    /// `cp:keywords` (Word's "Tags").
    pub keywords: String,
    /// `dcterms:created`, as written (`2025-04-07T00:00:00Z`).
    pub created: String,
}

impl DocumentProperties {
    /// Reads the core properties of a package; empty when it has none or
    /// they cannot be read.
    pub(super) fn read(zip: &mut Archive) -> DocumentProperties {
        let Some(xml) = core_xml(zip) else {
            return DocumentProperties::default();
        };
        DocumentProperties::parse(&xml)
    }

    /// The properties in a `core.xml`; what cannot be parsed is left empty.
    pub fn parse(xml: &str) -> DocumentProperties {
        let mut out = DocumentProperties::default();
        let mut reader = Reader::from_str(xml);
        let mut open: Option<String> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    open = Some(AsRef::<str>::as_ref(&e.local_name()).to_string())
                }
                Ok(Event::End(_)) => open = None,
                Ok(Event::Text(t)) => {
                    if let Some(name) = &open {
                        out.push(name, &t.xml10_content());
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    let name = r.xml10_content();
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string)
                        }
                    };
                    if let (Some(open), Some(text)) = (&open, text) {
                        out.push(open, &text);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        out
    }

    fn push(&mut self, element: &str, text: &str) {
        let field = match element {
            "title" => &mut self.title,
            "subject" => &mut self.subject,
            "creator" => &mut self.creator,
            "keywords" => &mut self.keywords,
            "created" => &mut self.created,
            _ => return,
        };
        field.push_str(text);
    }
}

fn core_xml(zip: &mut Archive) -> Option<String> {
    use std::io::Read;
    let entry = zip.by_name(CORE).ok()?;
    if entry.size() > MAX_CORE {
        return None;
    }
    let mut text = String::new();
    entry.take(MAX_CORE).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_properties_are_read_with_their_entities() {
        let p = DocumentProperties::parse(
            "<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"c\" xmlns:dc=\"d\" xmlns:dcterms=\"t\">\
             <dc:title>Learning Agreement – A &amp; B</dc:title><dc:creator>School</dc:creator>\
             <cp:keywords>europass, learning-agreement</cp:keywords>\
             <dcterms:created>2025-04-07T00:00:00Z</dcterms:created></cp:coreProperties>",
        );
        assert_eq!(p.title, "Learning Agreement – A & B");
        assert_eq!(p.creator, "School");
        assert_eq!(p.keywords, "europass, learning-agreement");
        assert_eq!(p.created, "2025-04-07T00:00:00Z");
        assert_eq!(p.subject, "");
    }

    #[test]
    fn broken_properties_give_what_was_read_before_the_break() {
        let p = DocumentProperties::parse("<cp:x><dc:title>T</dc:title><dc:creator>");
        assert_eq!(p.title, "T");
    }
}
