//! Record ids: derived from a record's own data by one set of rules, here,
//! so that the same record gets the same id whichever input it was read
//! from — a spreadsheet, a Word table, or a credential europass wrote.
//!
//! A name or title given in several languages names the record in the
//! language the record was written in (the mapping's language for a sheet,
//! the primary language for a credential), else in the first language it
//! has. Two records whose ids would be the same are told apart where records
//! are gathered into a round (a suffix, `-2`), not here.

use chrono::NaiveDate;

use super::{MultilingualText, OutcomeCategory};
use crate::text::slug;

/// A learner's id: their school's learner number, else
/// `family-given[-birth date]`, else their national id, else `learner`.
pub fn learner_id(
    school_id: Option<&str>,
    given_names: &str,
    family_name: &str,
    date_of_birth: Option<NaiveDate>,
    national_id: Option<&str>,
) -> String {
    if let Some(id) = school_id {
        return id.to_string();
    }
    let mut id = format!("{}-{}", slug(family_name), slug(given_names));
    if let Some(date) = date_of_birth {
        id.push('-');
        push_iso_date(&mut id, date);
    }
    if id == "-" {
        id = national_id.unwrap_or("learner").to_string();
    }
    id
}

/// An organisation's id: its name in `language` (else its first name) as a
/// slug, else its key as a slug, else `organisation`.
pub fn organisation_id(name: &MultilingualText, key: Option<&str>, language: &str) -> String {
    named(name, language)
        .or_else(|| key.map(slug).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "organisation".into())
}

/// A unit's id: its code, else its title in `language` (else its first
/// title) as a slug, else `unit`.
pub fn unit_id(code: Option<&str>, title: &MultilingualText, language: &str) -> String {
    coded_or_named(code, title, language).unwrap_or_else(|| "unit".into())
}

/// A qualification's id: its code, else its title in `language` (else its
/// first title) as a slug, else `qualification`.
pub fn qualification_id(code: Option<&str>, title: &MultilingualText, language: &str) -> String {
    coded_or_named(code, title, language).unwrap_or_else(|| "qualification".into())
}

/// A contact person's id: `organisation/name`, or the name alone for a
/// person of no organisation.
pub fn contact_id(organisation: Option<&str>, name: &str) -> String {
    match organisation {
        Some(org) => format!("{org}/{}", slug(name)),
        None => slug(name),
    }
}

/// A mobility's id: the learner's, the host's (`unknown-host` when none is
/// known) and the start date's, as `learner/host/2025-03-03`.
pub fn mobility_id(learner: &str, host: Option<&str>, start: Option<NaiveDate>) -> String {
    let host = host.unwrap_or("unknown-host");
    let mut id = String::with_capacity(learner.len() + host.len() + 12);
    id.push_str(learner);
    id.push('/');
    id.push_str(host);
    if let Some(start) = start {
        id.push('/');
        push_iso_date(&mut id, start);
    }
    id
}

/// An assessment result's id: `learner/unit`.
pub fn result_id(learner: &str, unit: &str) -> String {
    [learner, unit].join("/")
}

/// A learning outcome's id: the unit's, its category's letter and its
/// 1-based number among the unit's outcomes of that category (`unit/k1`,
/// `unit/s2`, `unit/c1`; `unit/o1` for an outcome of no category).
pub fn outcome_id(unit: &str, category: OutcomeCategory, number: usize) -> String {
    let letter = match category {
        OutcomeCategory::Knowledge => 'k',
        OutcomeCategory::Skill => 's',
        OutcomeCategory::Competence => 'c',
        OutcomeCategory::Unspecified => 'o',
    };
    format!("{unit}/{letter}{number}")
}

/// A text in `language`, else the first text, as a slug; none when empty.
fn named(text: &MultilingualText, language: &str) -> Option<String> {
    text.best(&[language]).map(slug).filter(|s| !s.is_empty())
}

fn coded_or_named(code: Option<&str>, title: &MultilingualText, language: &str) -> Option<String> {
    code.filter(|c| !c.is_empty())
        .map(str::to_string)
        .or_else(|| named(title, language))
}

/// Writes the date as ISO 8601 (`2025-03-03`), as its `Display` does, by
/// hand for the years a round has: a round of 50,000 mobilities writes
/// 50,000 of them, and the formatting machinery costs ten times more.
fn push_iso_date(out: &mut String, date: NaiveDate) {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        use std::fmt::Write;
        let _ = write!(out, "{date}");
        return;
    }
    let digits = |n: u32, width: usize, out: &mut String| {
        for i in (0..width).rev() {
            let d = (n / 10u32.pow(i as u32)) % 10;
            out.push(char::from(b'0' + d as u8));
        }
    };
    digits(year as u32, 4, out);
    out.push('-');
    digits(date.month(), 2, out);
    out.push('-');
    digits(date.day(), 2, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_ids_are_written_as_display_writes_them() {
        for (y, m, d) in [
            (2025, 3, 3),
            (1999, 12, 31),
            (5, 1, 9),
            (999, 10, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut written = String::new();
            push_iso_date(&mut written, date);
            assert_eq!(written, date.to_string());
        }
    }

    fn bilingual(lv: &str, en: &str) -> MultilingualText {
        let mut t = MultilingualText::single("lv", lv);
        t.set("en", en);
        t
    }

    #[test]
    fn a_bilingual_title_names_a_record_in_the_language_it_was_written_in() {
        let title = bilingual("Transportlīdzekļu diagnostika", "Vehicle diagnostics");
        assert_eq!(unit_id(None, &title, "lv"), "transportlidzeklu-diagnostika");
        assert_eq!(unit_id(None, &title, "en"), "vehicle-diagnostics");
        // A language the record lacks: its first language.
        assert_eq!(unit_id(None, &title, "fi"), "vehicle-diagnostics");
        assert_eq!(unit_id(Some("M-7"), &title, "lv"), "M-7");
    }

    #[test]
    fn a_record_without_a_name_gets_the_name_of_its_kind() {
        let empty = MultilingualText::new();
        assert_eq!(unit_id(None, &empty, "lv"), "unit");
        assert_eq!(qualification_id(None, &empty, "lv"), "qualification");
        assert_eq!(organisation_id(&empty, None, "lv"), "organisation");
        assert_eq!(organisation_id(&empty, Some("RTK"), "lv"), "rtk");
        // A name of punctuation alone names nothing.
        let dash = MultilingualText::single("lv", "—");
        assert_eq!(organisation_id(&dash, None, "lv"), "organisation");
    }

    #[test]
    fn a_learner_is_named_by_number_names_and_birth_date_or_national_id() {
        let born = NaiveDate::from_ymd_opt(2007, 5, 14);
        assert_eq!(learner_id(Some("A-1"), "Anna", "Ozola", born, None), "A-1");
        assert_eq!(
            learner_id(None, "Anna", "Ozola", born, None),
            "ozola-anna-2007-05-14"
        );
        assert_eq!(
            learner_id(None, "", "", None, Some("010101-12345")),
            "010101-12345"
        );
        assert_eq!(learner_id(None, "", "", None, None), "learner");
    }
}
