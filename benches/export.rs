//! Credential export speed: builds a round of N learners from code (one
//! mobility each, two units of 12 learning outcomes in Latvian and English,
//! graded with a five-criterion grid) and times writing every learner's
//! Europass Mobility as XML and as JSON-LD, in memory and to disk.
//!
//! Run with `cargo bench --bench export` (or `scripts/bench`). The number of
//! learners can be given: `cargo bench --bench export -- 1000 5000`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use europass::export::{self, ExportContext};
use europass::model::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn text(lv: &str, en: &str) -> MultilingualText {
    MultilingualText::from([("lv", lv), ("en", en)])
}

fn round(learners: usize) -> Round {
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
    let units: Vec<Unit> = ["0101", "0202"]
        .iter()
        .map(|code| Unit {
            id: code.to_string(),
            code: Some(code.to_string()),
            title: text(
                "Transportlīdzekļu stabilitātes vadības sistēmas",
                "Vehicle stability management systems",
            ),
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
        units,
        grading_schemes: vec![
            europass::mapping::SchemeRegistry::shipped()
                .find("lv-1-10")
                .unwrap()
                .clone(),
            europass::mapping::SchemeRegistry::shipped()
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

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    println!(
        "credential export, {} threads (best of 5 runs)",
        rayon::current_num_threads()
    );
    for n in sizes {
        let round = round(n);
        let ctx = ExportContext::default();
        let (plan, _) = best_of(5, || {
            export::exporter("xml").unwrap().check(
                &round,
                &europass::mapping::SourceMap::default(),
                &ctx,
            )
        });
        println!(
            "{n:>6} learners  planning (what goes in each credential): {:.1} ms",
            plan.as_secs_f64() * 1e3
        );
        let mut total = Duration::ZERO;
        for format in ["xml", "jsonld"] {
            let exporter = export::exporter(format).unwrap();
            let (t, files) = best_of(5, || exporter.export(&round, &ctx).unwrap());
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            total += t;
            println!(
                "{n:>6} learners  {format:<6} {:>4} files  {:>7.1} MB  in memory {:>7.1} ms  ({:.0} credentials/s)",
                files.len(),
                bytes as f64 / 1e6,
                t.as_secs_f64() * 1e3,
                files.len() as f64 / t.as_secs_f64()
            );
            let dir = tempfile::tempdir().unwrap();
            let (w, _) = best_of(1, || {
                export::write_outputs(dir.path(), &files, export::WriteOptions::default()).unwrap()
            });
            println!(
                "{n:>6} learners  {format:<6}            written to disk in {:>7.1} ms",
                w.as_secs_f64() * 1e3
            );
        }
        println!(
            "{n:>6} learners  both formats in memory: {:.1} ms",
            total.as_secs_f64() * 1e3
        );
    }
}
