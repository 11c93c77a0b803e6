//! What a sheet must hold to be read as mobility data: the minimum set of
//! columns per sheet role.
//!
//! Two matching headers are no evidence of a table of learners: a sheet
//! documenting a data model ("Name | Description | Type") or a statistics
//! sheet ("Country | Organisation | Learners") matches two headers of every
//! mapping, and reading it makes one bogus learner or organisation per row.
//! A sheet is read only when its matched columns can make a record of its
//! role; otherwise it is reported with what it lacks. The sets are
//! documented in mappings/README.md ("What makes a sheet mobility data").

use std::collections::HashSet;

use super::headers::{SheetLayout, Target};
use super::spec::{Mapping, SheetRole};
use crate::model::Field;

/// A part of a role's minimum set that the sheet's columns do not give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// What is missing, in words ("the learner's name or ID").
    pub what: &'static str,
    /// Fields any of which would give it, best first: the hint names
    /// their headers.
    pub fields: &'static [Field],
}

impl Need {
    /// "a column headed "Date of birth" or "E-mail" (or a synonym)", in the
    /// mapping's own words.
    pub fn hint(&self, mapping: &Mapping) -> String {
        let headers: Vec<String> = self
            .fields
            .iter()
            .filter_map(|f| mapping.canonical_header(*f, None))
            .take(3)
            .map(|h| format!("\"{h}\""))
            .collect();
        match headers.is_empty() {
            true => format!("a column for {} (see mappings/README.md)", self.what),
            false => format!("a column headed {} (or a synonym)", headers.join(" or ")),
        }
    }
}

/// Fields that name the learner on their own.
const LEARNER_KEYS: &[Field] = &[Field::LearnerId, Field::LearnerNationalId];

/// Facts about a learner beyond their name: who they are, their mobility,
/// the units and results of the row. Country columns are left out: a
/// statistics sheet counts learners per country.
const LEARNER_FACTS: &[Field] = &[
    Field::LearnerId,
    Field::LearnerNationalId,
    Field::LearnerDateOfBirth,
    Field::LearnerEmail,
    Field::LearnerPhone,
    Field::LearnerAddress,
    Field::MobilityId,
    Field::MobilityStart,
    Field::MobilityEnd,
    Field::HostName,
    Field::HostKey,
    Field::UnitCode,
    Field::UnitTitle,
    Field::ResultGrade,
    Field::ResultPassed,
    Field::ResultAchieved,
    Field::ResultEcvetPoints,
];

const LEARNER_REF: Need = Need {
    what: "the learner: a full name, given names and family name, or a learner ID",
    fields: &[Field::LearnerFullName, Field::LearnerId],
};

const LEARNER_MORE: Need = Need {
    what: "one more fact about the learner: an ID, date of birth, e-mail, the mobility's dates or host, a unit or a grade",
    fields: &[
        Field::LearnerDateOfBirth,
        Field::LearnerId,
        Field::MobilityStart,
    ],
};

const UNIT_REF: Need = Need {
    what: "the unit: its code or title",
    fields: &[Field::UnitCode, Field::UnitTitle],
};

/// What describes a unit besides its code and title. A description alone
/// is left out: "Code | Description" is how every code list is laid out.
const UNIT_FACTS: &[Field] = &[
    Field::UnitCode,
    Field::UnitTitle,
    Field::UnitEqfLevel,
    Field::UnitNqfLevel,
    Field::UnitEcvetPoints,
    Field::UnitNationalPoints,
    Field::UnitKnowledge,
    Field::UnitSkills,
    Field::UnitCompetence,
    Field::UnitAreaOfWork,
];

const UNIT_MORE: Need = Need {
    what: "one more fact about the unit: its code or title, EQF level, ECVET points, or knowledge, skills and competence",
    fields: &[
        Field::UnitTitle,
        Field::UnitEqfLevel,
        Field::UnitEcvetPoints,
    ],
};

const RESULT_VALUE: Need = Need {
    what: "the result: a grade, passed, achieved or ECVET points awarded (or criteria columns)",
    fields: &[
        Field::ResultGrade,
        Field::ResultPassed,
        Field::ResultEcvetPoints,
    ],
};

const RATING: Need = Need {
    what: "the rating: a criterion and its rating",
    fields: &[Field::RatingCriterion, Field::RatingValue],
};

const ORGANISATION_REF: Need = Need {
    what: "the organisation: its name or key",
    fields: &[Field::OrganisationName, Field::OrganisationKey],
};

/// What reaches or identifies an organisation beyond its name: a sheet
/// of names and countries (or types) is a statistic or a code list.
const ORGANISATION_DETAILS: &[Field] = &[
    Field::OrganisationAddress,
    Field::OrganisationPic,
    Field::OrganisationOid,
    Field::OrganisationEmail,
    Field::OrganisationPhone,
    Field::OrganisationWebsite,
    Field::OrganisationContactName,
    Field::OrganisationContactEmail,
    Field::OrganisationContactPhone,
];

const ORGANISATION_MORE: Need = Need {
    what: "how to reach or identify the organisation: an address, PIC, OID, e-mail, phone, website or contact person (or both a key and a name with the country)",
    fields: &[
        Field::OrganisationAddress,
        Field::OrganisationPic,
        Field::OrganisationEmail,
    ],
};

/// What the sheet's matched columns hold.
struct Present {
    fields: HashSet<Field>,
    criteria: bool,
}

impl Present {
    fn of(layout: &SheetLayout) -> Present {
        let mut fields = HashSet::new();
        let mut criteria = false;
        for m in layout.matched().filter_map(|c| c.matched.as_ref()) {
            match &m.target {
                Target::Field { field, .. } => {
                    fields.insert(*field);
                }
                Target::Criterion { .. } => criteria = true,
            }
        }
        Present { fields, criteria }
    }

    fn has(&self, f: Field) -> bool {
        self.fields.contains(&f)
    }

    fn any(&self, fields: &[Field]) -> bool {
        fields.iter().any(|f| self.has(*f))
    }

    fn count(&self, fields: &[Field]) -> usize {
        fields.iter().filter(|f| self.has(**f)).count()
    }

    /// A full name, or given and family names together: one of them alone
    /// is a word every model documentation uses ("Name").
    fn learner_name(&self) -> bool {
        self.has(Field::LearnerFullName)
            || (self.has(Field::LearnerGivenNames) && self.has(Field::LearnerFamilyName))
    }

    fn learner_ref(&self) -> bool {
        self.learner_name() || self.any(LEARNER_KEYS)
    }

    /// Facts about the learner, the name counting as one.
    fn learner_facts(&self) -> usize {
        usize::from(self.learner_name()) + self.count(LEARNER_FACTS) + usize::from(self.criteria)
    }

    fn result_value(&self) -> bool {
        self.criteria
            || self.any(&[
                Field::ResultGrade,
                Field::ResultPassed,
                Field::ResultAchieved,
                Field::ResultEcvetPoints,
            ])
    }
}

/// What a sheet of `layout.role` lacks to make a record; empty when its
/// columns are enough.
pub fn missing(layout: &SheetLayout) -> Vec<Need> {
    let p = Present::of(layout);
    let mut needs = Vec::new();
    let mut need = |ok: bool, n: Need| {
        if !ok {
            needs.push(n);
        }
    };
    match layout.role {
        SheetRole::Flat | SheetRole::Learners => {
            need(p.learner_ref(), LEARNER_REF);
            need(!p.learner_ref() || p.learner_facts() >= 2, LEARNER_MORE);
        }
        SheetRole::Units => {
            need(p.any(UNIT_REF.fields), UNIT_REF);
            need(
                !p.any(UNIT_REF.fields) || p.count(UNIT_FACTS) >= 2,
                UNIT_MORE,
            );
        }
        SheetRole::Results | SheetRole::Planned => {
            need(p.learner_ref(), LEARNER_REF);
            need(p.any(UNIT_REF.fields), UNIT_REF);
            if layout.role == SheetRole::Results {
                need(p.result_value(), RESULT_VALUE);
            }
        }
        SheetRole::Ratings => {
            need(p.learner_ref(), LEARNER_REF);
            need(p.any(UNIT_REF.fields), UNIT_REF);
            need(
                p.has(Field::RatingCriterion) && p.has(Field::RatingValue),
                RATING,
            );
        }
        SheetRole::Organisations => {
            let named = p.any(ORGANISATION_REF.fields);
            need(named, ORGANISATION_REF);
            let keyed_list = p.count(&[
                Field::OrganisationName,
                Field::OrganisationKey,
                Field::OrganisationCountry,
            ]) == 3;
            need(
                !named || keyed_list || p.any(ORGANISATION_DETAILS),
                ORGANISATION_MORE,
            );
        }
    }
    needs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Sheet;
    use crate::mapping::headers::{Matcher, detect_layout};

    /// What a one-sheet table with these headers lacks under mapping `en`.
    fn lacks(name: &str, headers: &[&str]) -> Vec<&'static str> {
        let values: Vec<&str> = headers.iter().map(|_| "x").collect();
        let sheet = Sheet::from_text_rows(name, &[headers, values.as_slice()], vec![]);
        let mapping = Mapping::shipped_by_id("en").unwrap();
        let layout = detect_layout(&sheet, &Matcher::new(mapping)).expect("a header row");
        missing(&layout).into_iter().map(|n| n.what).collect()
    }

    #[test]
    fn a_code_list_is_no_units_sheet_but_codes_with_titles_are() {
        assert_eq!(lacks("Units", &["Code", "Description"]), [UNIT_MORE.what]);
        assert!(lacks("Units", &["Unit code", "Unit title"]).is_empty());
    }

    #[test]
    fn a_learner_needs_a_whole_name_or_an_id_and_one_more_fact() {
        assert!(lacks("Learners", &["Given name", "Family name", "E-mail"]).is_empty());
        assert!(lacks("Learners", &["Learner ID", "Date of birth"]).is_empty());
        assert_eq!(
            lacks("Learners", &["Full name", "Nationality"]),
            [LEARNER_MORE.what]
        );
        assert_eq!(
            lacks("Learners", &["Given name", "Nationality"]),
            [LEARNER_REF.what]
        );
    }

    #[test]
    fn an_organisation_needs_a_way_to_reach_it_or_key_name_and_country() {
        assert_eq!(
            lacks("Partners", &["Organisation", "Country"]),
            [ORGANISATION_MORE.what]
        );
        assert!(lacks("Partners", &["Organisation", "Website"]).is_empty());
        assert!(lacks("Partners", &["Key", "Organisation", "Country"]).is_empty());
    }

    #[test]
    fn results_need_a_learner_a_unit_and_a_result() {
        assert!(lacks("Results", &["Learner ID", "Unit code", "Grade"]).is_empty());
        assert_eq!(
            lacks("Results", &["Learner ID", "Unit code", "Remarks"]),
            [RESULT_VALUE.what]
        );
    }
}
