//! A Word document's own properties (File → Info in Word): title, subject,
//! author, language and dates, written to `docProps/core.xml`.
//!
//! docx-rs writes "unknown" as the author and 1970-01-01 as the dates, and a
//! school's template carries whoever made it; a coordinator filing the
//! documents sees those. The dates are the document's own issue date, never
//! the clock, so the same round gives the same bytes.

use std::io::{Cursor, Read};

use chrono::NaiveDate;
use quick_xml::escape::escape;
use zip::ZipArchive;

use super::package::{PackageError, PackageWriter};

const CORE: &str = "docProps/core.xml";
const CORE_TYPE: &str = "application/vnd.openxmlformats-package.core-properties+xml";
const CORE_REL: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";

/// What a document says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoreProperties {
    /// "Learning Agreement – Jānis Bērziņš".
    pub title: String,
    /// What it is about: the mobility or partnership.
    pub subject: String,
    /// Who issues it: the sending school.
    pub author: String,
    /// Its main language (`lv`).
    pub language: String,
    /// Word's "Tags": europass's tag and the document's kind
    /// ([`crate::outputs::word_keywords`]), by which a document europass
    /// wrote is known when it comes back as input.
    pub keywords: String,
    /// Its issue date: created and modified; left out when unknown.
    pub date: Option<NaiveDate>,
}

impl CoreProperties {
    /// `docProps/core.xml`.
    pub fn xml(&self) -> String {
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <cp:coreProperties \
             xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
             xmlns:dcterms=\"http://purl.org/dc/terms/\" \
             xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
        );
        let mut text = |tag: &str, value: &str| {
            if !value.trim().is_empty() {
                x.push_str(&format!("<{tag}>{}</{tag}>", escape(value.trim())));
            }
        };
        text("dc:title", &self.title);
        text("dc:subject", &self.subject);
        text("dc:creator", &self.author);
        text("cp:lastModifiedBy", &self.author);
        text("cp:keywords", &self.keywords);
        text("dc:language", &self.language);
        if let Some(d) = self.date {
            let stamp = d.format("%Y-%m-%dT00:00:00Z");
            x.push_str(&format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created>\
                 <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified>"
            ));
        }
        x.push_str("</cp:coreProperties>");
        x
    }
}

/// `docx` with its core properties replaced by `p` (added, with their
/// content type and relationship, when the package has none).
pub fn set_core_properties(docx: &[u8], p: &CoreProperties) -> Result<Vec<u8>, PackageError> {
    let mut archive =
        ZipArchive::new(Cursor::new(docx)).map_err(|e| PackageError::Damaged(e.to_string()))?;
    let has_core = archive.index_for_name(CORE).is_some();
    let mut writer = PackageWriter::new();
    for i in 0..archive.len() {
        let name = archive
            .name_for_index(i)
            .ok_or_else(|| PackageError::Damaged(format!("no name for part {i}")))?
            .map_err(|e| PackageError::Damaged(e.to_string()))?
            .to_string();
        match name.as_str() {
            CORE => writer.add(CORE, p.xml().as_bytes())?,
            "[Content_Types].xml" if !has_core => {
                let xml = read(&mut archive, i)?;
                let entry = format!("<Override PartName=\"/{CORE}\" ContentType=\"{CORE_TYPE}\"/>");
                writer.add(&name, insert_before(&xml, "</Types>", &entry).as_bytes())?;
            }
            "_rels/.rels" if !has_core => {
                let xml = read(&mut archive, i)?;
                let entry = format!(
                    "<Relationship Id=\"rIdEuropassCore\" Type=\"{CORE_REL}\" Target=\"{CORE}\"/>"
                );
                writer.add(
                    &name,
                    insert_before(&xml, "</Relationships>", &entry).as_bytes(),
                )?;
            }
            _ => writer.copy(&mut archive, i)?,
        }
    }
    if !has_core {
        writer.add(CORE, p.xml().as_bytes())?;
    }
    writer.finish()
}

fn read(archive: &mut ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<String, PackageError> {
    let mut s = String::new();
    archive
        .by_index(i)
        .and_then(|mut f| f.read_to_string(&mut s).map_err(Into::into))
        .map_err(|e| PackageError::Damaged(e.to_string()))?;
    Ok(s)
}

fn insert_before(xml: &str, end: &str, entry: &str) -> String {
    match xml.rfind(end) {
        Some(at) => format!("{}{entry}{}", &xml[..at], &xml[at..]),
        None => xml.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_properties_are_escaped_and_dated_by_the_issue_date() {
        let p = CoreProperties {
            title: "Learning Agreement – A & B".into(),
            subject: "Mobility".into(),
            author: "Vidzemes <Profesionālā> vidusskola".into(),
            language: "lv".into(),
            keywords: crate::outputs::word_keywords("learning-agreement"),
            date: NaiveDate::from_ymd_opt(2025, 2, 20),
        };
        let x = p.xml();
        assert!(
            x.contains("<dc:title>Learning Agreement – A &amp; B</dc:title>"),
            "{x}"
        );
        assert!(x.contains("<dc:creator>Vidzemes &lt;Profesionālā&gt; vidusskola</dc:creator>"));
        assert!(x.contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-02-20T00:00:00Z</dcterms:created>"
        ));
        assert!(!x.contains("1970"));
        assert!(x.contains("<cp:keywords>europass, learning-agreement</cp:keywords>"));
    }
}
