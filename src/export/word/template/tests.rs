//! The template engine's parts, each on a small document made here:
//! placeholders split across runs, loops in one paragraph, over table rows
//! and over whole paragraphs, nested loops, conditions, missing values,
//! escaping, and the problems reported for templates that cannot work.

use std::io::Read;

use super::super::data::{LearnerData, LearningAgreementData, OutcomeData, UnitData};
use super::super::fields::learning_agreement_record;
use super::super::package::PackageWriter;
use super::*;
use crate::model::{MultilingualText, OutcomeCategory};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A Word document whose body is `body`.
fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut w = PackageWriter::new();
    w.add("[Content_Types].xml", CONTENT_TYPES.as_bytes())
        .unwrap();
    w.add("word/document.xml", document.as_bytes()).unwrap();
    w.finish().unwrap()
}

/// A paragraph of one run per piece of text.
fn para(runs: &[&str]) -> String {
    let runs: String = runs
        .iter()
        .map(|t| format!("<w:r><w:t>{t}</w:t></w:r>"))
        .collect();
    format!("<w:p>{runs}</w:p>")
}

/// A table of one cell per row, each holding `rows[i]`.
fn table(rows: &[&str]) -> String {
    let rows: String = rows
        .iter()
        .map(|r| format!("<w:tr><w:tc>{}</w:tc></w:tr>", para(&[r])))
        .collect();
    format!("<w:tbl>{rows}</w:tbl>")
}

fn text(s: &str) -> MultilingualText {
    MultilingualText::single("en", s)
}

fn unit(title: &str, outcomes: &[&str]) -> UnitData {
    UnitData {
        title: text(title),
        outcomes: outcomes
            .iter()
            .map(|o| OutcomeData {
                text: text(o),
                category: OutcomeCategory::Skill,
                details: Vec::new(),
            })
            .collect(),
        ..UnitData::default()
    }
}

/// Anna Ozola's agreement: two units, the first with two outcomes.
fn agreement() -> LearningAgreementData {
    LearningAgreementData {
        learner: LearnerData {
            given_names: "Anna".into(),
            family_name: "Ozola".into(),
            ..LearnerData::default()
        },
        units: vec![
            unit("Brakes", &["fits pads", "bleeds lines"]),
            unit("Tyres", &[]),
        ],
        ..LearningAgreementData::default()
    }
}

/// The text of `body` filled with `data`, a line per paragraph.
fn fill_with(body: &str, data: &LearningAgreementData, missing: Missing) -> (String, Filled) {
    let template = Template::compile(docx(body), Kind::LearningAgreement).unwrap();
    let options = FillOptions {
        languages: vec!["en".into()],
        missing,
    };
    let filled = template
        .fill(&learning_agreement_record(data), &options)
        .unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(filled.bytes.clone())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    (xml, filled)
}

fn fill(body: &str) -> String {
    plain(&fill_with(body, &agreement(), Missing::default()).0)
}

/// The text of a document's XML: paragraphs as lines, tags removed.
fn plain(xml: &str) -> String {
    let lines = xml.replace("</w:p>", "\n").replace("<w:p/>", "\n");
    let mut out = String::new();
    let mut in_tag = false;
    for c in lines.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The errors found in a Learning Agreement template of `body`.
fn errors(body: &str) -> Vec<TemplateProblem> {
    Template::analyse(docx(body), Kind::LearningAgreement)
        .unwrap()
        .problems
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

#[test]
fn a_tag_parses_into_its_kind_and_name() {
    assert_eq!(
        TagKind::parse(" learner.given_names "),
        Ok(TagKind::Value {
            name: "learner.given_names".into()
        })
    );
    assert_eq!(TagKind::parse("#units"), Ok(TagKind::Loop("units".into())));
    assert_eq!(TagKind::parse("#if\u{a0}x"), Ok(TagKind::If("x".into())));
    assert_eq!(TagKind::parse("#unless x"), Ok(TagKind::Unless("x".into())));
    assert_eq!(
        TagKind::parse("/units"),
        Ok(TagKind::EndLoop("units".into()))
    );
    assert_eq!(TagKind::parse("/if"), Ok(TagKind::EndIf));
    assert_eq!(TagKind::parse("else"), Ok(TagKind::Else));
    assert!(TagKind::parse("#if").unwrap_err().contains("needs a name"));
    assert!(
        TagKind::parse("a b")
            .unwrap_err()
            .contains("not a placeholder name")
    );
}

#[test]
fn a_placeholder_split_across_runs_is_found_and_takes_the_first_runs_place() {
    let body = para(&[
        "Name: {{learner.",
        "given",
        "_names}} {{learner.family_name}}!",
    ]);
    assert_eq!(fill(&body), "Name: Anna Ozola!");
}

#[test]
fn a_loop_within_one_paragraph_repeats_the_text_between_its_tags() {
    let body = para(&["Units: {{#units}}[{{unit.title}}]{{/units}}."]);
    assert_eq!(fill(&body), "Units: [Brakes][Tyres].");
}

#[test]
fn a_loop_over_table_rows_repeats_the_rows_between_its_tags() {
    let body = table(&["Head", "{{#units}}", "{{unit.title}}", "{{/units}}", "Foot"]);
    assert_eq!(fill(&body), "Head\nBrakes\nTyres\nFoot");
}

#[test]
fn a_loop_over_paragraphs_repeats_them_and_drops_the_paragraphs_of_its_tags() {
    let body = [
        para(&["Before"]),
        para(&["{{#units}}"]),
        para(&["Unit: {{unit.title}}"]),
        para(&["{{/units}}"]),
        para(&["After"]),
    ]
    .concat();
    assert_eq!(fill(&body), "Before\nUnit: Brakes\nUnit: Tyres\nAfter");
}

#[test]
fn nested_loops_see_their_own_items_and_the_outer_ones() {
    let body = [
        para(&["{{#units}}"]),
        para(&["{{unit.title}}: {{#outcomes}}({{outcome.text}} for {{learner.given_names}}){{/outcomes}}"]),
        para(&["{{/units}}"]),
    ]
    .concat();
    assert_eq!(
        fill(&body),
        "Brakes: (fits pads for Anna)(bleeds lines for Anna)\nTyres:"
    );
}

#[test]
fn if_else_and_unless_keep_a_part_by_a_value_or_a_lists_emptiness() {
    let body = para(&[
        "{{#if learner.email}}mail{{else}}no mail{{/if}}; ",
        "{{#unless units}}no units{{/unless}}{{#if units}}units{{/if}}",
    ]);
    assert_eq!(fill(&body), "no mail; units");
}

#[test]
fn a_missing_value_prints_the_marker_and_each_placeholder_is_reported_once() {
    let body = para(&["Mail: {{#units}}{{learner.email}};{{/units}}"]);
    let (xml, filled) = fill_with(&body, &agreement(), Missing::default());
    assert_eq!(
        plain(&xml),
        "Mail: [missing: learner.email];[missing: learner.email];"
    );
    let names: Vec<&str> = filled.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["learner.email"],
        "repeated by the loop, reported once"
    );
    let (xml, filled) = fill_with(&body, &agreement(), Missing::Blank);
    assert_eq!(plain(&xml), "Mail: ;;");
    assert!(filled.missing.is_empty());
}

#[test]
fn values_are_escaped_and_line_breaks_become_word_breaks() {
    let mut data = agreement();
    data.learner.given_names = "A<b> & \"c\"\nline two\u{1}".into();
    let (xml, _) = fill_with(&para(&["{{learner.given_names}}"]), &data, Missing::Blank);
    assert!(xml.contains("A&lt;b&gt; &amp; \"c\""), "{xml}");
    assert!(xml.contains("<w:br/>"), "{xml}");
    assert!(
        !xml.contains('\u{1}'),
        "characters XML cannot hold are dropped"
    );
}

#[test]
fn an_unknown_name_is_reported_with_the_nearest_one() {
    let problems = errors(&para(&["{{learner.given_name}}"]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("unknown placeholder"));
    assert!(
        problems[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("did you mean `learner.given_names`?")
    );
    assert!(problems[0].place.contains("body, paragraph 1"));
}

#[test]
fn a_loop_name_used_as_a_value_and_an_item_name_outside_its_loop_are_reported() {
    let list = errors(&para(&["{{units}}"]));
    assert!(list[0].message.contains("is a list"), "{list:?}");
    let outside = errors(&para(&["{{unit.title}}"]));
    assert!(
        outside[0].message.contains("can only be used inside"),
        "{outside:?}"
    );
}

#[test]
fn unbalanced_and_crossed_blocks_are_reported() {
    let never = errors(&para(&["{{#units}}{{unit.title}}"]));
    assert!(never[0].message.contains("is never closed"), "{never:?}");
    let nothing = errors(&para(&["{{/units}}"]));
    assert!(nothing[0].message.contains("closes nothing"), "{nothing:?}");
    let crossed = errors(&para(&["{{#units}}{{#if learner.email}}{{/units}}{{/if}}"]));
    assert!(
        crossed.iter().any(|p| p.message.contains("comes before")),
        "{crossed:?}"
    );
    let unclosed = errors(&para(&["{{learner.given_names"]));
    assert!(unclosed[0].message.contains("no closing"), "{unclosed:?}");
}

#[test]
fn an_else_outside_a_condition_is_reported() {
    let alone = errors(&para(&["{{else}}"]));
    assert!(alone[0].message.contains("outside any"), "{alone:?}");
    let in_loop = errors(&para(&["{{#units}}{{else}}{{/units}}"]));
    assert!(
        in_loop[0].message.contains("inside the loop"),
        "{in_loop:?}"
    );
}

/// A Word document with the parts given, beside a body of one paragraph.
fn docx_with(content_types: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = PackageWriter::new();
    w.add("[Content_Types].xml", content_types.as_bytes())
        .unwrap();
    let document = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{{learner.given_names}}</w:t></w:r></w:p></w:body></w:document>"#;
    w.add("word/document.xml", document.as_bytes()).unwrap();
    for (name, bytes) in extra {
        w.add(name, bytes).unwrap();
    }
    w.finish().unwrap()
}

#[test]
fn blocks_nested_deeper_than_the_depth_limit_are_an_error_naming_the_limit_and_place() {
    // 10,000 nested conditions overflowed the stack when filled, while the
    // check found nothing wrong.
    let n = 10_000;
    let body = para(&[
        &"{{#if learner.given_names}}".repeat(n),
        "x",
        &"{{/if}}".repeat(n),
    ]);
    let found = errors(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("`depth` limit"), "{}", found[0]);
    assert!(found[0].message.contains("64 deep"), "{}", found[0]);
    assert!(
        found[0].place.starts_with("body, paragraph 1"),
        "{}",
        found[0]
    );
    assert!(matches!(
        Template::compile(docx(&body), Kind::LearningAgreement),
        Err(TemplateError::Invalid(_))
    ));
    // Within the limit the same nesting fills.
    let limits = TemplateLimits {
        depth: 70,
        ..TemplateLimits::default()
    };
    let body = para(&[
        &"{{#if learner.given_names}}".repeat(65),
        "x",
        &"{{/if}}".repeat(65),
    ]);
    assert!(Template::compile_with(docx(&body), Kind::LearningAgreement, &limits).is_ok());
}

#[test]
fn the_check_of_deeply_nested_loops_is_short_and_lists_no_more_than_the_depth_allows() {
    let n = 10_000;
    let body = [
        para(&["{{#units}}"]).repeat(n),
        para(&["{{unit.title}}"]),
        para(&["{{/units}}"]).repeat(n),
    ]
    .concat();
    let analysis = Template::analyse(docx(&body), Kind::LearningAgreement).unwrap();
    assert!(analysis.problems.len() == 1, "{:?}", analysis.problems);
    assert!(analysis.placeholders.len() <= 65);
}

#[test]
fn a_template_filling_past_the_part_limit_stops_with_an_error_naming_it() {
    // 2 units in 25 nested loops repeat the innermost text 33 million times.
    let n = 25;
    let body = [
        para(&["{{#units}}"]).repeat(n),
        para(&["{{unit.title}}"]),
        para(&["{{/units}}"]).repeat(n),
    ]
    .concat();
    let limits = TemplateLimits {
        depth: 64,
        part_bytes: 1024 * 1024,
        ..TemplateLimits::default()
    };
    let template = Template::compile_with(docx(&body), Kind::LearningAgreement, &limits).unwrap();
    let options = FillOptions {
        languages: vec!["en".into()],
        missing: Missing::default(),
    };
    let started = std::time::Instant::now();
    let error = template
        .fill(&learning_agreement_record(&agreement()), &options)
        .expect_err("too large");
    assert!(started.elapsed().as_secs() < 5);
    let message = error.to_string();
    assert!(message.contains("`part-mb` limit (1 MiB)"), "{message}");
    assert!(message.contains("word/document.xml"), "{message}");
}

#[test]
fn loops_that_print_nothing_still_count_towards_the_part_limit() {
    let n = 40;
    let body = [
        para(&["{{#units}}"]).repeat(n),
        para(&["{{/units}}"]).repeat(n),
    ]
    .concat();
    let limits = TemplateLimits {
        depth: 64,
        part_bytes: 1024 * 1024,
        ..TemplateLimits::default()
    };
    let template = Template::compile_with(docx(&body), Kind::LearningAgreement, &limits).unwrap();
    let options = FillOptions::default();
    assert!(matches!(
        template.fill(&learning_agreement_record(&agreement()), &options),
        Err(TemplateError::TooLarge { .. })
    ));
}

#[test]
fn a_mistake_repeated_many_times_is_listed_a_hundred_times_and_the_rest_counted() {
    let body = para(&[&"{{nope}}".repeat(10_000)]);
    let found = errors(&body);
    assert_eq!(found.len(), MAX_PROBLEMS + 1);
    let last = found.last().unwrap();
    assert!(
        last.message
            .starts_with("9900 more problem(s) left out (9900 error(s))"),
        "{last}"
    );
}

#[test]
fn a_template_carrying_macros_is_refused() {
    let vba = docx_with(CONTENT_TYPES, &[("word/vbaProject.bin", b"VBA")]);
    let macro_type = CONTENT_TYPES.replace(
        "wordprocessingml.document.main+xml",
        "wordprocessingml.document.main+xml\"/><Override PartName=\"/word/x.xml\" ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml",
    );
    let docm = docx_with(&macro_type, &[]);
    for bytes in [vba, docm] {
        let error = Template::analyse(bytes.clone(), Kind::LearningAgreement).expect_err("refused");
        assert!(matches!(error, PackageError::Macros(_)), "{error}");
        assert!(error.to_string().contains("never passes macros"));
        assert!(Template::compile(bytes, Kind::LearningAgreement).is_err());
    }
    // The same document without macros is a template.
    assert!(Template::analyse(docx_with(CONTENT_TYPES, &[]), Kind::LearningAgreement).is_ok());
}

#[test]
fn a_template_part_unpacking_past_the_part_limit_is_refused_before_it_is_read_whole() {
    // 3 MiB of one repeated paragraph deflates to a few KiB: a small file
    // whose body would be read whole.
    let body = para(&["x"]).repeat(3 * 1024 * 1024 / para(&["x"]).len());
    let bytes = docx(&body);
    assert!(bytes.len() < 200 * 1024, "{}", bytes.len());
    let limits = TemplateLimits {
        part_bytes: 1024 * 1024,
        ..TemplateLimits::default()
    };
    let error = Template::analyse_with(bytes.clone(), Kind::LearningAgreement, &limits)
        .expect_err("past the part limit");
    assert!(matches!(error, PackageError::TooLarge(_)), "{error}");
    assert!(error.to_string().contains("word/document.xml"), "{error}");
    assert!(error.to_string().contains("`part-mb` limit"), "{error}");
    // Within the default limits the same template is read.
    assert!(Template::analyse(bytes, Kind::LearningAgreement).is_ok());
}

#[test]
fn a_template_with_more_zip_entries_than_the_limit_is_refused() {
    let extra: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| (format!("word/media/x{i}.bin"), vec![0u8]))
        .collect();
    let extra: Vec<(&str, &[u8])> = extra
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let bytes = docx_with(CONTENT_TYPES, &extra);
    let limits = TemplateLimits {
        zip_entries: 10,
        ..TemplateLimits::default()
    };
    let error = Template::analyse_with(bytes, Kind::LearningAgreement, &limits)
        .expect_err("past the entry limit");
    assert!(
        error.to_string().contains("`zip-entries` limit of 10"),
        "{error}"
    );
}
