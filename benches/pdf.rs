//! Transcript speed: builds a round of N learners from code (one mobility
//! each; two units of 12 learning outcomes in Latvian and English, graded on
//! the Latvian scale with a five-criterion Finnish grid) and times writing
//! every learner's personal transcript — laid out, fonts subset, PDF/A-3b
//! with the credential XML attached — in memory, with `--bundle`, and to disk.
//!
//! Run with `cargo bench --bench pdf` (or `scripts/bench`). The number of
//! learners can be given: `cargo bench --bench pdf -- 1000 5000`.

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
        registration_ids: vec![RegistrationId {
            scheme: RegistrationScheme::Pic,
            value: "912345678".into(),
        }],
        ..Organisation::default()
    };
    let hosts: Vec<Organisation> = (0..20)
        .map(|i| Organisation {
            id: format!("host-{i}"),
            name: MultilingualText::single("de", format!("Autohaus Müller {i} GmbH")),
            roles: BTreeSet::from([OrganisationRole::Host]),
            country: Some(CountryCode(if i % 2 == 0 { "DE" } else { "FI" }.into())),
            address: Some(format!("Travemünder Allee {i}, Lübeck")),
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
                        "Riteņu pretbloķēšanas bremžu sistēmas: darbības teorija, integrētā sistēma un papildu sistēma",
                        "Wheel anti-lock brake systems: theory of operation, integrated and additional systems",
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
    let shipped = europass::mapping::SchemeRegistry::shipped();
    let mut r = Round {
        organisations: std::iter::once(school).chain(hosts).collect(),
        contacts: mentors,
        units,
        grading_schemes: vec![
            shipped.find("lv-1-10").unwrap().clone(),
            shipped.find("fi-1-3").unwrap().clone(),
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
            mentor: Some(format!("{host}/mentor")),
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

/// Wall time and the process's CPU time (user + system, all threads) of the
/// best of `runs` runs. The CPU time says what the work costs whatever else
/// the machine is doing: on 2 otherwise idle cores the wall time is about half of it.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut best = (Duration::MAX, Duration::MAX);
    let mut out = None;
    for _ in 0..runs {
        let cpu = cpu_time();
        let t = Instant::now();
        let v = f();
        let wall = t.elapsed();
        if wall < best.0 {
            best = (wall, cpu_time().saturating_sub(cpu));
        }
        out = Some(v);
    }
    (best.0, best.1, out.expect("at least one run"))
}

/// CPU time used by this process so far (Linux: /proc/self/stat, in clock ticks of 1/100 s).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    println!(
        "PDF transcripts (PDF/A-3b, subset fonts, credential attached), {} threads, best of 3 runs; load average before: {}",
        rayon::current_num_threads(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let exporter = export::exporter("pdf").unwrap();
    for n in sizes {
        let round = round(n);
        for (what, context) in [
            (
                "lv,en",
                ExportContext {
                    languages: vec!["lv".into(), "en".into()],
                    ..ExportContext::default()
                },
            ),
            (
                "lv,en --bundle",
                ExportContext {
                    languages: vec!["lv".into(), "en".into()],
                    bundle: true,
                    ..ExportContext::default()
                },
            ),
        ] {
            let (t, cpu, files) = best_of(3, || exporter.export(&round, &context).unwrap());
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            let pages: usize = files
                .iter()
                .filter(|f| f.path.ends_with("transcript.pdf"))
                .map(|f| count_pages(&f.bytes))
                .sum();
            println!(
                "{n:>6} learners  {what:<15} {:>5} files  {pages:>5} pages  {:>6.1} MB  in memory {:>7.1} ms wall ({:.0} transcripts/s), {:>7.1} ms CPU",
                files.len(),
                bytes as f64 / 1e6,
                t.as_secs_f64() * 1e3,
                n as f64 / t.as_secs_f64(),
                cpu.as_secs_f64() * 1e3,
            );
            if !context.bundle {
                let dir = tempfile::tempdir().unwrap();
                let (w, _, _) = best_of(1, || {
                    export::write_outputs(dir.path(), &files, export::WriteOptions::default())
                        .unwrap()
                });
                println!(
                    "{n:>6} learners  {what:<15}              written to disk in {:>7.1} ms",
                    w.as_secs_f64() * 1e3
                );
            }
        }
    }
}

/// Pages of a PDF.
fn count_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .map(|d| d.get_pages().len())
        .unwrap_or(0)
}
