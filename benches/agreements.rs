//! Agreement speed: generates a round of N learners (default 1,000) from
//! code and times filling a Learning Agreement per mobility from a Word
//! template (the starter template, filled as a school's own: missing values
//! marked), the work `convert --to docx --template FILE` does after import.
//!
//! Run with `cargo bench --bench agreements` (or `scripts/bench`); sizes can
//! be given: `cargo bench --bench agreements -- 1000 5000`.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use europass::agreements::data::learning_agreements;
use europass::agreements::{FillOptions, Kind, Missing, Template, fields, layout};
use europass::model::{
    ContactPerson, ContactRole, CountryCode, CreditPoints, Learner, LearningOutcome, Mobility,
    MultilingualText, Organisation, OrganisationRole, OutcomeCategory, Qualification, Round, Unit,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn text(lv: &str, en: &str) -> MultilingualText {
    MultilingualText::from([("lv", lv), ("en", en)])
}

fn round(learners: usize) -> Round {
    let mut r = Round::default();
    r.organisations.push(Organisation {
        id: "school".into(),
        name: text(
            "Vidzemes Profesionālā vidusskola",
            "Vidzeme Vocational School",
        ),
        roles: [OrganisationRole::Sending].into(),
        country: Some(CountryCode("LV".into())),
        address: Some("Skolas iela 12, Cēsis".into()),
        ..Organisation::default()
    });
    r.contacts.push(ContactPerson {
        id: "school/coordinator".into(),
        name: "Inese Kalniņa".into(),
        position: text("Projektu koordinatore", "Project coordinator"),
        organisation: Some("school".into()),
        roles: [ContactRole::Coordinator].into(),
        ..ContactPerson::default()
    });
    for h in 0..10 {
        let id = format!("host-{h}");
        r.organisations.push(Organisation {
            id: id.clone(),
            name: MultilingualText::single("en", format!("Host Company {h} Oy")),
            roles: [OrganisationRole::Host].into(),
            country: Some(CountryCode(if h % 2 == 0 { "FI" } else { "DE" }.into())),
            ..Organisation::default()
        });
        r.contacts.push(ContactPerson {
            id: format!("{id}/mentor"),
            name: format!("Mentor {h}"),
            organisation: Some(id),
            roles: [ContactRole::Mentor, ContactRole::Assessor].into(),
            ..ContactPerson::default()
        });
    }
    r.qualifications.push(Qualification {
        id: "q".into(),
        title: text("Automehāniķis", "Car mechanic"),
        ..Qualification::default()
    });
    for u in 0..4 {
        let id = format!("010{u}");
        r.units.push(Unit {
            id: id.clone(),
            code: Some(id.clone()),
            title: text(
                &format!("Vienība {u} — ķēdes un sistēmas"),
                &format!("Unit {u}"),
            ),
            qualification: Some("q".into()),
            credit_points: vec![CreditPoints::ecvet(3.0)],
            learning_outcomes: (0..12)
                .map(|o| LearningOutcome {
                    id: format!("{id}/o{o}"),
                    text: text(
                        &format!("Zina un prot veikt darbību numur {o}, ievērojot drošību"),
                        &format!("Knows and can carry out task number {o} safely"),
                    ),
                    category: [
                        OutcomeCategory::Knowledge,
                        OutcomeCategory::Skill,
                        OutcomeCategory::Competence,
                    ][o % 3],
                    ..LearningOutcome::default()
                })
                .collect(),
            ..Unit::default()
        });
    }
    let start = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    for l in 0..learners {
        let id = format!("L{l:05}");
        r.learners.push(Learner {
            id: id.clone(),
            given_names: format!("Jānis{l}"),
            family_name: format!("Bērziņš{l}"),
            date_of_birth: NaiveDate::from_ymd_opt(2005, 1 + (l % 12) as u32, 1),
            email: (l % 3 != 0).then(|| format!("l{l}@example.lv")),
            ..Learner::default()
        });
        let host = format!("host-{}", l % 10);
        r.mobilities.push(Mobility {
            id: Mobility::derive_id(&id, Some(&host), Some(start)),
            learner: id,
            sending: Some("school".into()),
            host: Some(host.clone()),
            start: Some(start),
            end: NaiveDate::from_ymd_opt(2025, 3, 28),
            mentor: Some(format!("{host}/mentor")),
            units: vec![format!("010{}", l % 4), format!("010{}", (l + 1) % 4)],
            qualification: Some("q".into()),
            tasks: text("Bremžu diagnostika", "Brake diagnostics"),
            ..Mobility::default()
        });
    }
    r.sort();
    r
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    let languages = vec!["lv".to_string(), "en".to_string()];
    let template_bytes = layout::starter(Kind::LearningAgreement, &languages).unwrap();
    let options = FillOptions {
        languages: languages.clone(),
        missing: Missing::default(),
    };
    println!(
        "agreements: fill Learning Agreements from a template ({} threads), median of 5 after a warm-up",
        rayon::current_num_threads()
    );
    println!(
        "{:>8} {:>12} {:>12} {:>10} {:>12}",
        "docs", "compile", "fill", "docs/s", "MB written"
    );
    for n in sizes {
        let round = round(n);
        let mut times: Vec<(Duration, Duration, usize)> = Vec::new();
        for run in 0..6 {
            let t0 = Instant::now();
            let template =
                Template::compile(template_bytes.clone(), Kind::LearningAgreement).unwrap();
            let compiled = t0.elapsed();
            let t1 = Instant::now();
            let docs = learning_agreements(&round, &languages);
            let bytes: usize = docs
                .par_iter()
                .map(|d| {
                    let record = fields::learning_agreement_record(d);
                    template.fill(&record, &options).unwrap().bytes.len()
                })
                .sum();
            let filled = t1.elapsed();
            assert_eq!(docs.len(), n);
            if run > 0 {
                times.push((compiled, filled, bytes));
            }
        }
        times.sort_by_key(|t| t.1);
        let (compiled, filled, bytes) = times[times.len() / 2];
        println!(
            "{:>8} {:>10.3} s {:>10.3} s {:>10.0} {:>12.1}",
            n,
            compiled.as_secs_f64(),
            filled.as_secs_f64(),
            n as f64 / filled.as_secs_f64(),
            bytes as f64 / 1e6
        );
    }
}
