//! A mobility round generated from code for the benchmarks: as large as
//! asked, realistic in shape (Latvian texts with diacritics, several hosts,
//! units with outcomes, grades and criteria grids).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use europass::model::*;

fn text(lv: &str, en: &str) -> MultilingualText {
    MultilingualText::from([("lv", lv), ("en", en)])
}

/// A round of `learners` learners, one mobility each to one of 20 hosts,
/// two units of 12 outcomes (Latvian and English) belonging to one
/// qualification, each graded on the Latvian scale with a five-criterion
/// Finnish grid.
pub fn round(learners: usize) -> Round {
    let school = Organisation {
        id: "vidzemes-profesionala-vidusskola".into(),
        name: MultilingualText::single("lv", "Vidzemes Profesionālā vidusskola"),
        roles: BTreeSet::from([OrganisationRole::Sending]),
        country: Some(CountryCode("LV".into())),
        address: Some("Skolas iela 12, Cēsis".into()),
        email: Some("info@vpv.example.lv".into()),
        registration_ids: vec![RegistrationId {
            scheme: RegistrationScheme::Pic,
            value: "912345678".into(),
        }],
        ..Organisation::default()
    };
    let hosts: Vec<Organisation> = (0..20)
        .map(|i| Organisation {
            id: format!("host-{i}"),
            name: MultilingualText::single("lv", format!("Autohaus Müller {i} GmbH")),
            roles: BTreeSet::from([OrganisationRole::Host]),
            country: Some(CountryCode(if i % 2 == 0 { "DE" } else { "FI" }.into())),
            address: Some(format!("Travemünder Allee {i}, Lübeck")),
            email: Some(format!("werkstatt{i}@mueller.example.de")),
            ..Organisation::default()
        })
        .collect();
    let mentors: Vec<ContactPerson> = hosts
        .iter()
        .map(|h| ContactPerson {
            id: format!("{}/mentor", h.id),
            name: "Jürgen Weiß".into(),
            email: Some("j.weiss@mueller.example.de".into()),
            organisation: Some(h.id.clone()),
            roles: BTreeSet::from([ContactRole::Mentor, ContactRole::Assessor]),
            ..ContactPerson::default()
        })
        .collect();
    let qualification = Qualification {
        id: "33-525-01-1".into(),
        code: Some("33 525 01 1".into()),
        title: text("Automehāniķis", "Car mechanic"),
        country: Some(CountryCode("LV".into())),
        eqf_level: EqfLevel::new(4),
        ..Qualification::default()
    };
    let units: Vec<Unit> = ["0101", "0202"]
        .iter()
        .map(|code| Unit {
            id: code.to_string(),
            code: Some(code.to_string()),
            title: text(
                "Transportlīdzekļu stabilitātes vadības sistēmas",
                "Vehicle stability management systems",
            ),
            qualification: Some(qualification.id.clone()),
            eqf_level: EqfLevel::new(4),
            credit_points: vec![CreditPoints::ecvet(3.0)],
            learning_outcomes: (0..12)
                .map(|i| LearningOutcome {
                    id: format!("{code}/k{}", i + 1),
                    text: text(
                        "Riteņu pretbloķēšanas bremžu sistēmas: darbības teorija",
                        "Wheel anti-lock brake systems: theory of operation",
                    ),
                    category: [
                        OutcomeCategory::Knowledge,
                        OutcomeCategory::Skill,
                        OutcomeCategory::Competence,
                    ][i % 3],
                    ..LearningOutcome::default()
                })
                .collect(),
            ..Unit::default()
        })
        .collect();
    let start = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 3, 28).unwrap();
    let mut r = Round {
        organisations: std::iter::once(school).chain(hosts).collect(),
        contacts: mentors,
        qualifications: vec![qualification],
        units,
        grading_schemes: vec![
            europass::schemes::SchemeRegistry::shipped()
                .find("lv-1-10")
                .unwrap()
                .clone(),
            europass::schemes::SchemeRegistry::shipped()
                .find("fi-1-3")
                .unwrap()
                .clone(),
        ],
        ..Round::default()
    };
    for n in 0..learners {
        let id = format!("A-{n:05}");
        let host = format!("host-{}", n % 20);
        r.learners.push(Learner {
            id: id.clone(),
            given_names: "Anna".into(),
            family_name: format!("Ozola{n}"),
            date_of_birth: NaiveDate::from_ymd_opt(2005, 3, 14),
            nationality: Some(CountryCode("LV".into())),
            email: Some(format!("a{n}@audzekni.example.lv")),
            national_id: Some(format!("140305-{n:05}")),
            school_id: Some(id.clone()),
            ..Learner::default()
        });
        let mobility = Mobility::derive_id(&id, Some(&host), Some(start));
        r.mobilities.push(Mobility {
            id: mobility.clone(),
            learner: id.clone(),
            sending: Some("vidzemes-profesionala-vidusskola".into()),
            host: Some(host.clone()),
            start: Some(start),
            end: Some(end),
            tasks: MultilingualText::single("lv", "Bremžu sistēmu diagnostika un remonts"),
            mentor: Some(format!("{host}/mentor")),
            language: Some("en".into()),
            units: vec!["0101".into(), "0202".into()],
            qualification: Some("33-525-01-1".into()),
            ..Mobility::default()
        });
        for unit in ["0101", "0202"] {
            r.assessments.push(AssessmentResult {
                id: format!("{id}/{unit}"),
                learner: id.clone(),
                unit: unit.into(),
                mobility: Some(mobility.clone()),
                criteria: (0..5)
                    .map(|c| CriterionRating {
                        criterion: MultilingualText::single("lv", format!("Kritērijs {c}")),
                        value: Grade {
                            value: "3".into(),
                            scheme: "fi-1-3".into(),
                        },
                    })
                    .collect(),
                grade: Some(Grade {
                    value: "9".into(),
                    scheme: "lv-1-10".into(),
                }),
                passed: Some(true),
                achieved: Some(Achievement::Full),
                credit_points: vec![CreditPoints::ecvet(3.0)],
                date: Some(end),
                method: MultilingualText::single("lv", "Novērošana darba vietā"),
                assessor: Some(format!("{host}/mentor")),
                ..AssessmentResult::default()
            });
        }
    }
    r.sort();
    r
}
