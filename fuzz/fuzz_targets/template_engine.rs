//! The template engine: a school's Word template whose `word/document.xml`
//! is the fuzz bytes, in the package of europass's own starter Learning
//! Agreement layout (its headers, footers, styles). The template is checked
//! as `europass template check` checks it, against both kinds, then compiled
//! and filled with a learner of three units as `convert --template` fills it.
//!
//! Limits are smaller than the defaults (filled parts of at most 16 MiB) so
//! a template that multiplies its content is answered within the
//! `-rss_limit_mb` of a run; nesting keeps the `depth` default.
//!
//! Input: the content of `word/document.xml`. `fuzz/seed.sh` writes the
//! starter layouts' document parts and the template fixtures'.
#![no_main]

use std::sync::LazyLock;

use europass::export::word::data::{LearnerData, LearningAgreementData, OutcomeData, UnitData};
use europass::export::word::fields::learning_agreement_record;
use europass::export::word::layout::starter;
use europass::export::word::template::{FillOptions, Template, TemplateLimits};
use europass::export::word::{Kind, fields::Record};
use europass::model::{MultilingualText, OutcomeCategory};
use europass_fuzz::{rezip, unzip_all};
use libfuzzer_sys::fuzz_target;

static PARTS: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let bytes = starter(Kind::LearningAgreement, &["en".to_string()]).expect("the starter layout");
    unzip_all(&bytes)
});

fn unit(title: &str, outcomes: usize) -> UnitData {
    UnitData {
        title: MultilingualText::single("en", title),
        outcomes: (0..outcomes)
            .map(|i| OutcomeData {
                text: MultilingualText::single("en", format!("outcome {i} <&>")),
                category: OutcomeCategory::Skill,
                details: vec![MultilingualText::single("en", format!("sub-point {i} <&>"))],
            })
            .collect(),
        ..UnitData::default()
    }
}

static RECORD: LazyLock<Record> = LazyLock::new(|| {
    learning_agreement_record(&LearningAgreementData {
        learner: LearnerData {
            given_names: "Anna".into(),
            family_name: "Ozola".into(),
            ..LearnerData::default()
        },
        units: vec![unit("Brakes", 2), unit("Tyres", 0), unit("Engines", 3)],
        ..LearningAgreementData::default()
    })
});

fuzz_target!(|data: &[u8]| {
    let file = rezip(&PARTS, "word/document.xml", data);
    let limits = TemplateLimits {
        part_bytes: 16 * 1024 * 1024,
        ..TemplateLimits::default()
    };
    let _ = Template::infer_kind(file.clone());
    let _ = Template::analyse_with(file.clone(), Kind::Memorandum, &limits);
    let _ = Template::analyse_with(file.clone(), Kind::LearningAgreement, &limits);
    let Ok(template) = Template::compile_with(file, Kind::LearningAgreement, &limits) else {
        return;
    };
    let options = FillOptions {
        languages: vec!["en".into(), "lv".into()],
        ..FillOptions::default()
    };
    let _ = template.fill(&RECORD, &options);
});
