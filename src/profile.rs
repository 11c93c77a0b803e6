//! The school profile, `europass.toml`: what a school states about itself
//! once (name, country, coordinator, project, the memorandum's texts) so that
//! its own workbooks need not repeat it on every row.
//!
//! Reading it is plain data out of TOML; filling the round with it is
//! `assemble`'s. A key that is not a profile's is an error naming the file,
//! the line and the nearest known key, because a misspelt key would
//! otherwise be a value silently lost.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use crate::model::{CountryCode, MultilingualText};

/// The name a profile has on disk; looked for beside the inputs.
pub const PROFILE_FILE: &str = "europass.toml";

/// A school profile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// The file it was read from, as given or found.
    pub file: String,
    /// The school: the sending organisation and the credentials' issuer.
    pub school: School,
    /// The coordinator of the school's mobilities.
    pub coordinator: Person,
    /// The person who signs for the school.
    pub signatory: Person,
    /// The Erasmus+ project code of the mobilities.
    pub project_code: Option<String>,
    /// The grading scheme of grades whose sheet names none.
    pub grading_scheme: Option<String>,
    /// The languages of the documents, in order (`--lang` when not given).
    pub languages: Vec<String>,
    /// What the memorandum of understanding says when the round has no
    /// record of it.
    pub memorandum: MemorandumTexts,
}

/// The school itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct School {
    /// The name in the documents' first language (`name`); further
    /// languages in `names`.
    pub name: Option<String>,
    /// The name in other languages (`[school.names] en = "…"`).
    pub names: Vec<(String, String)>,
    /// Country.
    pub country: Option<CountryCode>,
    /// Postal address as one text.
    pub address: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Erasmus+ Participant Identification Code.
    pub pic: Option<String>,
    /// Erasmus+ Organisation ID.
    pub oid: Option<String>,
    /// National registration number.
    pub national_id: Option<String>,
}

/// A person acting for the school.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Person {
    /// Full name.
    pub name: Option<String>,
    /// Position or job title.
    pub position: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

/// The memorandum's validity and the texts of its sections 4 and 6.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemorandumTexts {
    /// Valid until.
    pub valid_until: Option<NaiveDate>,
    /// Section 4: assessment, documentation, validation and recognition.
    pub assessment_and_recognition: Option<String>,
    /// Section 6: who evaluates and reviews the partnership.
    pub evaluation: Option<String>,
}

impl Profile {
    /// The school's name in `language` first, else in the profile's own.
    pub fn school_name(&self, language: &str) -> MultilingualText {
        let mut name = MultilingualText::new();
        if let Some(n) = &self.school.name {
            name.set(language, n.clone());
        }
        for (lang, text) in &self.school.names {
            if name.get(lang).is_none() {
                name.set(lang, text.clone());
            }
        }
        name
    }

    /// The language the profile's texts are in: its first document
    /// language, else `fallback` (the language of the round's sheets).
    pub fn language<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.languages.first().map_or(fallback, String::as_str)
    }
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file cannot be read.
    #[error("cannot read the school profile {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a profile.
    #[error("the school profile {file}, line {line}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// Its line (from 1).
        line: usize,
        /// The key at fault, dotted (`school.name`), if one is.
        key: Option<String>,
        /// What is wrong and how to put it right.
        message: String,
    },
}

/// How a key's value is read.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Country,
    Date,
    Languages,
    Names,
}

/// Every key a profile may have, with how its value is read.
const KEYS: &[(&str, Kind)] = &[
    ("school.name", Kind::Text),
    ("school.names", Kind::Names),
    ("school.country", Kind::Country),
    ("school.address", Kind::Text),
    ("school.website", Kind::Text),
    ("school.email", Kind::Text),
    ("school.phone", Kind::Text),
    ("school.pic", Kind::Text),
    ("school.oid", Kind::Text),
    ("school.national_id", Kind::Text),
    ("coordinator.name", Kind::Text),
    ("coordinator.position", Kind::Text),
    ("coordinator.email", Kind::Text),
    ("coordinator.phone", Kind::Text),
    ("signatory.name", Kind::Text),
    ("signatory.position", Kind::Text),
    ("project.code", Kind::Text),
    ("grading.scheme", Kind::Text),
    ("documents.languages", Kind::Languages),
    ("memorandum.valid_until", Kind::Date),
    ("memorandum.assessment_and_recognition", Kind::Text),
    ("memorandum.evaluation", Kind::Text),
];

/// A value read from the file, before it is put in its place.
enum Read {
    Text(String),
    Country(CountryCode),
    Date(NaiveDate),
    List(Vec<String>),
    Names(Vec<(String, String)>),
}

/// Reads the profile at `path`.
pub fn read(path: &Path) -> Result<Profile, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&text, &file)
}

/// Reads a profile's text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Profile, ProfileError> {
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let invalid = |offset: usize, key: Option<&str>, message: String| ProfileError::Invalid {
        file: file.to_string(),
        line: line(offset),
        key: key.map(str::to_string),
        message,
    };
    let table = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        invalid(at, None, format!("not valid TOML: {}", e.message().trim()))
    })?;
    let mut profile = Profile {
        file: file.to_string(),
        ..Profile::default()
    };
    for (section, value) in table.get_ref() {
        let Some(inner) = value.get_ref().as_table() else {
            let key = section.get_ref().to_string();
            return Err(invalid(
                section.span().start,
                Some(&key),
                format!(
                    "`{key}` is not a table of the profile{}",
                    nearest_hint(&key)
                ),
            ));
        };
        for (key, value) in inner {
            let path = format!("{}.{}", section.get_ref(), key.get_ref());
            let Some((_, kind)) = KEYS.iter().find(|(k, _)| *k == path) else {
                return Err(invalid(
                    key.span().start,
                    Some(&path),
                    format!(
                        "`{path}` is not a key of a school profile{}",
                        nearest_hint(&path)
                    ),
                ));
            };
            let read = read_value(*kind, value.get_ref()).map_err(|why| {
                invalid(value.span().start, Some(&path), format!("`{path}` {why}"))
            })?;
            place(&mut profile, &path, read);
        }
    }
    Ok(profile)
}

/// "; did you mean `school.name`?" for the known key nearest to `key`.
fn nearest_hint(key: &str) -> String {
    let short = key.rsplit('.').next().unwrap_or(key);
    KEYS.iter()
        .map(|(k, _)| {
            let k_short = k.rsplit('.').next().unwrap_or(k);
            let score = strsim::jaro_winkler(key, k).max(if key.contains('.') {
                strsim::jaro_winkler(short, k_short) - 0.05
            } else {
                strsim::jaro_winkler(key, k.split('.').next().unwrap_or(k))
            });
            (score, *k)
        })
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| {
            if key.contains('.') {
                format!("; did you mean `{k}`?")
            } else {
                format!("; did you mean `[{}]`?", k.split('.').next().unwrap_or(k))
            }
        })
        .unwrap_or_else(|| {
            format!(
                "; the keys are {}",
                KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )
        })
}

fn read_value(kind: Kind, value: &DeValue<'_>) -> Result<Read, String> {
    let text = || -> Result<String, String> {
        match value {
            DeValue::String(s) => Ok(s.trim().to_string()),
            // A PIC typed without quotes is still the PIC.
            DeValue::Integer(i) => Ok(i.as_str().to_string()),
            _ => Err(format!(
                "must be a text in quotes, not {}",
                value.type_str()
            )),
        }
    };
    match kind {
        Kind::Text => text().map(Read::Text),
        Kind::Country => {
            let t = text()?.to_ascii_uppercase();
            if t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(Read::Country(CountryCode(t)))
            } else {
                Err(format!(
                    "must be a two-letter country code such as \"LV\", not \"{t}\""
                ))
            }
        }
        Kind::Date => {
            let t = match value {
                DeValue::Datetime(d) => d.to_string(),
                _ => text()?,
            };
            NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .map(Read::Date)
                .map_err(|_| format!("must be a date written 2027-08-31, not \"{t}\""))
        }
        Kind::Languages => {
            let list = value
                .as_array()
                .ok_or_else(|| "must be a list such as [\"lv\", \"en\"]".to_string())?;
            list.iter()
                .map(|v| match v.get_ref().as_str() {
                    Some(l) if is_language(l) => Ok(l.to_ascii_lowercase()),
                    _ => Err("must list language codes such as [\"lv\", \"en\"]".to_string()),
                })
                .collect::<Result<_, _>>()
                .map(Read::List)
        }
        Kind::Names => {
            let table = value
                .as_table()
                .ok_or_else(|| "must be a table such as { en = \"…\" }".to_string())?;
            table
                .iter()
                .map(|(lang, name)| match name.get_ref().as_str() {
                    Some(n) if is_language(lang.get_ref()) => {
                        Ok((lang.get_ref().to_ascii_lowercase(), n.trim().to_string()))
                    }
                    _ => Err(format!(
                        "must give each name under a language code (en = \"…\"), not `{}`",
                        lang.get_ref()
                    )),
                })
                .collect::<Result<_, _>>()
                .map(Read::Names)
        }
    }
}

fn is_language(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Puts a read value in its place in the profile; an empty text is no value.
fn place(p: &mut Profile, path: &str, value: Read) {
    let text = match value {
        Read::Text(t) => Some(t).filter(|t| !t.is_empty()),
        Read::Country(c) => return p.school.country = Some(c),
        Read::Date(d) => return p.memorandum.valid_until = Some(d),
        Read::List(l) => return p.languages = l,
        Read::Names(n) => return p.school.names = n,
    };
    let slot = match path {
        "school.name" => &mut p.school.name,
        "school.address" => &mut p.school.address,
        "school.website" => &mut p.school.website,
        "school.email" => &mut p.school.email,
        "school.phone" => &mut p.school.phone,
        "school.pic" => &mut p.school.pic,
        "school.oid" => &mut p.school.oid,
        "school.national_id" => &mut p.school.national_id,
        "coordinator.name" => &mut p.coordinator.name,
        "coordinator.position" => &mut p.coordinator.position,
        "coordinator.email" => &mut p.coordinator.email,
        "coordinator.phone" => &mut p.coordinator.phone,
        "signatory.name" => &mut p.signatory.name,
        "signatory.position" => &mut p.signatory.position,
        "project.code" => &mut p.project_code,
        "grading.scheme" => &mut p.grading_scheme,
        "memorandum.assessment_and_recognition" => &mut p.memorandum.assessment_and_recognition,
        _ => &mut p.memorandum.evaluation,
    };
    *slot = text;
}

/// The profile nearest to the inputs: beside an input file, in an input
/// folder or a folder above it up to `ceiling` (the current folder), or in
/// `ceiling` itself. Inputs are taken in order; the first one's nearest wins.
pub fn find(inputs: &[PathBuf], ceiling: &Path) -> Option<PathBuf> {
    for input in inputs {
        let input = ceiling.join(input);
        let mut dir = if input.is_dir() {
            Some(input.as_path())
        } else {
            input.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(PROFILE_FILE);
            if candidate.is_file() {
                return Some(candidate);
            }
            // Above the current folder is someone else's business.
            if !d.starts_with(ceiling) || d == ceiling {
                break;
            }
            dir = d.parent();
        }
    }
    let here = ceiling.join(PROFILE_FILE);
    here.is_file().then_some(here)
}

/// The text `europass init` writes: every key a profile may have, those
/// given filled, the others commented out with what they are for.
pub fn starter(school: Option<&str>, country: Option<&str>) -> String {
    let line = |key: &str, value: Option<&str>, example: &str| match value {
        Some(v) => format!("{key} = {}\n", quoted(v)),
        None => format!("# {key} = {example}\n"),
    };
    let mut out = String::from(STARTER_HEAD);
    out.push_str("[school]\n");
    out.push_str("# The name in the documents' first language; the sending organisation and\n# the credentials' issuer.\n");
    out.push_str(&line("name", school, "\"Rīgas Valsts tehnikums\""));
    out.push_str(&line("country", country, "\"LV\""));
    out.push_str(STARTER_REST);
    out
}

fn quoted(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

const STARTER_HEAD: &str = "\
# The school profile: what the school states about itself once.
# europass uses it for every workbook in this folder and the folders below:
# it fills what a workbook leaves empty (a row that names another sending
# organisation wins, and the difference is noted). Remove the # before a
# line to give that value. Dates are written 2027-08-31.

";

const STARTER_REST: &str = "\
# address = \"Braslas iela 16, Rīga, LV-1035\"
# website = \"https://www.example.lv\"
# email = \"info@example.lv\"
# phone = \"+371 67 000 000\"
# Erasmus+ Participant Identification Code (9 digits) and Organisation ID.
# pic = \"949000000\"
# oid = \"E10000000\"
# The national registration number.
# national_id = \"90000000000\"

# The name in other languages, for documents in those languages.
# [school.names]
# en = \"Riga State Technical School\"

# The coordinator of the school's mobilities (learning agreements, transcripts).
[coordinator]
# name = \"Anna Ozola\"
# position = \"Erasmus+ coordinator\"
# email = \"anna.ozola@example.lv\"
# phone = \"+371 20 000 000\"

# The person who signs for the school.
[signatory]
# name = \"Jānis Bērziņš\"
# position = \"Director\"

[project]
# The Erasmus+ project code of the mobilities.
# code = \"2025-1-LV01-KA122-VET-000000000\"

[grading]
# The grading scheme of grades whose sheet names none, in place of the
# country's (the ids are in mappings/grading-schemes.toml).
# scheme = \"lv-1-10\"

[documents]
# The languages of the documents, in order (--lang when not given).
# languages = [\"lv\", \"en\"]

# The memorandum of understanding, when no round.json records one.
[memorandum]
# valid_until = 2027-08-31
# Section 4: how assessment, documentation, validation and recognition are done.
# assessment_and_recognition = \"\"\"…\"\"\"
# Section 6: who evaluates and reviews the partnership.
# evaluation = \"\"\"…\"\"\"
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_reads_back_with_what_was_given() {
        let p = parse(&starter(Some("Rīgas \"Tehnikums\""), Some("LV")), "x").unwrap();
        assert_eq!(p.school.name.as_deref(), Some("Rīgas \"Tehnikums\""));
        assert_eq!(p.school.country, Some(CountryCode("LV".into())));
        assert_eq!(p.coordinator, Person::default());
    }

    #[test]
    fn every_key_of_the_starter_is_known_once_uncommented() {
        let text: String = starter(None, None)
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|l| l.contains(" = ") || l.starts_with('['))
                    .unwrap_or(l)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let p = parse(&text, "x").unwrap();
        assert_eq!(p.school.pic.as_deref(), Some("949000000"));
        assert_eq!(
            p.school.names,
            [("en".into(), "Riga State Technical School".into())]
        );
        assert_eq!(p.languages, ["lv", "en"]);
        assert_eq!(
            p.memorandum.valid_until,
            NaiveDate::from_ymd_opt(2027, 8, 31)
        );
        assert_eq!(p.signatory.position.as_deref(), Some("Director"));
    }

    #[test]
    fn a_misspelt_key_names_its_line_and_the_nearest_key() {
        let err = parse("[school]\ncountry = \"LV\"\nnmae = \"X\"\n", "e.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("e.toml, line 3"), "{text}");
        assert!(text.contains("`school.nmae`"), "{text}");
        assert!(text.contains("did you mean `school.name`"), "{text}");
        let err = parse("[schol]\nname = \"X\"\n", "e.toml").unwrap_err();
        assert!(
            err.to_string().contains("did you mean `school.name`"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_value_and_broken_toml_are_located() {
        let err = parse("[school]\n\ncountry = \"Latvia\"\n", "e.toml").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("line 3") && text.contains("two-letter"),
            "{text}"
        );
        let err = parse("[school]\nname = \"X\n", "e.toml").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
