//! PDF transcripts checked with real tools: every font embedded (pdffonts),
//! the file sound (qpdf --check), PDF/A-3B declared in the XMP metadata
//! (pdfinfo -meta), every unit title, learning outcome and the learner's
//! name with diacritics extractable (pdftotext), the attached credential
//! valid against the official XSD (xmllint) and byte for byte the XML
//! export; a 40-unit transcript whose words all lie inside the page frame
//! without overlapping (pdftotext -bbox) and whose pages render (pdftoppm);
//! byte-identical output; and the credential read back out of the PDF.
//! A missing tool fails these tests: it never skips them.

mod support;

use support::root;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use chrono::NaiveDate;
use europass::export::{self, ExportContext, OutputFile};
use europass::model::*;
use europass::pipeline::{self, Options};
use europass::{Code, Diagnostic};

fn demo_round() -> Round {
    pipeline::load(
        &[root().join("fixtures/demo/round.xlsx")],
        &Options::default(),
    )
    .round
}

fn context(languages: &[&str], bundle: bool) -> ExportContext {
    ExportContext {
        languages: languages.iter().map(|l| l.to_string()).collect(),
        bundle,
        ..ExportContext::default()
    }
}

fn export(format: &str, round: &Round, context: &ExportContext) -> Vec<OutputFile> {
    export::exporter(format)
        .unwrap()
        .export(round, context)
        .unwrap()
}

fn export_reporting(round: &Round, context: &ExportContext) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let (mut files, mut notes) = (Vec::new(), Vec::new());
    export::exporter("pdf")
        .unwrap()
        .export_to(round, context, &mut files, &mut notes)
        .unwrap();
    (files, notes)
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Vec<PathBuf> {
    export::write_outputs(dir, files, export::WriteOptions::default())
        .unwrap()
        .0
        .into_iter()
        .map(|w| dir.join(w.path))
        .collect()
}

/// Runs a checking tool; a missing tool fails the test with how to get it.
fn tool(name: &str, args: &[&str], file: &Path) -> std::process::Output {
    Command::new(name)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} is needed for this test (Debian: poppler-utils, qpdf; scripts/test installs them): {e}")
        })
}

fn stdout(name: &str, args: &[&str], file: &Path) -> String {
    let out = tool(name, args, file);
    assert!(
        out.status.success(),
        "{name} {args:?} {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext in content order; whitespace (line ends from wrapping) collapsed.
fn text_of(pdf: &Path) -> String {
    let mut out = String::new();
    let text = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed for this test (Debian: poppler-utils): {e}")
        });
    assert!(text.status.success());
    for word in String::from_utf8(text.stdout).unwrap().split_whitespace() {
        out.push_str(word);
        out.push(' ');
    }
    out
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every check a produced PDF must pass.
fn assert_sound_pdf_a3b(pdf: &Path) {
    let fonts = stdout("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{} has no fonts:\n{fonts}", pdf.display());
    for row in &rows {
        // name type encoding emb sub uni object ID: the type has spaces, so count from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "{}: font not embedded: {row}", pdf.display());
    }
    let check = tool("qpdf", &["--check"], pdf);
    assert!(
        check.status.success(),
        "qpdf --check rejects {}:\n{}",
        pdf.display(),
        String::from_utf8_lossy(&check.stdout)
    );
    let info = stdout("pdfinfo", &[], pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(field("PDF version:"), "1.7", "{info}");
    assert_eq!(field("Page size:"), "595.276 x 841.89 pts (A4)", "{info}");
    let meta = stdout("pdfinfo", &["-meta"], pdf);
    assert!(
        meta.contains("<pdfaid:part>3</pdfaid:part>")
            && meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{} does not declare PDF/A-3B in its XMP metadata:\n{meta}",
        pdf.display()
    );
}

/// The files attached to a PDF, read with lopdf: (name, bytes).
fn attachments(pdf: &[u8]) -> Vec<(String, Vec<u8>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let deref = |o: &lopdf::Object| -> lopdf::Object {
        doc.dereference(o).map(|(_, o)| o.clone()).unwrap()
    };
    let names = deref(catalog.get(b"Names").unwrap());
    let tree = deref(names.as_dict().unwrap().get(b"EmbeddedFiles").unwrap());
    let list = deref(tree.as_dict().unwrap().get(b"Names").unwrap());
    let mut out = Vec::new();
    for pair in list.as_array().unwrap().chunks(2) {
        let name = String::from_utf8(pair[0].as_str().unwrap().to_vec()).unwrap();
        let spec = deref(&pair[1]);
        let ef = deref(spec.as_dict().unwrap().get(b"EF").unwrap());
        let stream = deref(ef.as_dict().unwrap().get(b"F").unwrap());
        out.push((
            name,
            stream.as_stream().unwrap().decompressed_content().unwrap(),
        ));
    }
    // PDF/A-3 associated files: the catalog lists every attachment in /AF.
    let af = deref(catalog.get(b"AF").expect("the catalog's /AF array"));
    assert_eq!(af.as_array().unwrap().len(), out.len());
    out
}

fn xmllint(files: &[PathBuf]) {
    let output = support::xmllint_edci(files);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let validated = stderr.lines().filter(|l| l.ends_with(" validates")).count();
    assert!(
        output.status.success() && validated == files.len(),
        "xmllint rejects attached credentials:\n{stderr}"
    );
}

#[test]
fn every_demo_transcript_passes_pdffonts_qpdf_pdfinfo_and_pdftotext_in_one_and_two_languages() {
    let round = demo_round();
    for langs in [&[][..], &["lv", "en"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let files = export("pdf", &round, &context(langs, false));
        assert_eq!(files.len(), round.mobilities.len());
        let written = write_all(dir.path(), &files);
        for (file, path) in files.iter().zip(&written) {
            assert!(
                file.path.ends_with("transcript.pdf"),
                "{}",
                file.path.display()
            );
            assert_sound_pdf_a3b(path);
            let text = text_of(path);
            let folder = file.path.parent().unwrap().to_str().unwrap();
            let learner = round
                .learners
                .iter()
                .find(|l| europass::outputs::learner_folders(&round)[&l.id] == folder)
                .unwrap();
            assert!(text.contains(&learner.family_name), "{folder}: {text}");
            assert!(text.contains(&learner.given_names), "{folder}");
            let mobility = round
                .mobilities
                .iter()
                .find(|m| m.learner == learner.id)
                .unwrap();
            // One language: each text in English where it has one; two: in both.
            let shown: &[&str] = if langs.is_empty() { &["en"] } else { langs };
            for unit_id in &mobility.units {
                let unit = round.unit(unit_id).unwrap();
                let texts = std::iter::once(&unit.title)
                    .chain(unit.learning_outcomes.iter().map(|o| &o.text));
                for t in texts {
                    let mut any = false;
                    for (lang, s) in t.iter().filter(|(l, _)| shown.contains(l)) {
                        any = true;
                        assert!(text.contains(&squeeze(s)), "{folder}: {lang} text {s}");
                    }
                    if !any {
                        let s = t.best(shown).unwrap();
                        assert!(text.contains(&squeeze(s)), "{folder}: {s}");
                    }
                }
            }
            if langs.is_empty() {
                assert!(text.contains("Personal transcript"));
                assert!(!text.contains("Personīgais sekmju izraksts"));
            } else {
                assert!(text.contains("Personīgais sekmju izraksts"));
                assert!(text.contains("Personal transcript"));
                assert!(text.contains("Vērtētājs / Assessor"));
                assert!(text.contains("☒"), "{text}");
                assert!(
                    text.contains("☐ nē / no") || text.contains("☒ nē / no"),
                    "{text}"
                );
            }
        }
    }
    // The demo's names with diacritics come out as written.
    let dir = tempfile::tempdir().unwrap();
    let files = export("pdf", &round, &context(&["lv", "en"], false));
    let written = write_all(dir.path(), &files);
    let kenins = written
        .iter()
        .find(|p| p.to_string_lossy().contains("kenins-oskars"))
        .unwrap();
    assert!(text_of(kenins).contains("Ķēniņš"));
}

#[test]
fn the_attached_credential_is_the_xml_export_byte_for_byte_and_valid_against_the_xsd() {
    let round = demo_round();
    let ctx = context(&["lv", "en"], false);
    let pdfs = export("pdf", &round, &ctx);
    let xmls = export("xml", &round, &ctx);
    assert_eq!(pdfs.len(), xmls.len());
    let dir = tempfile::tempdir().unwrap();
    let mut extracted = Vec::new();
    for (pdf, xml) in pdfs.iter().zip(&xmls) {
        assert_eq!(pdf.path.parent(), xml.path.parent());
        let attached = attachments(&pdf.bytes);
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].0, "europass-mobility.xml");
        assert!(
            attached[0].1 == xml.bytes,
            "{} carries another XML",
            pdf.path.display()
        );
        let path = dir.path().join(format!("{}.xml", extracted.len()));
        std::fs::write(&path, &attached[0].1).unwrap();
        extracted.push(path);
    }
    xmllint(&extracted);
    // pdfdetach (poppler) sees the attachment too.
    let written = write_all(&dir.path().join("out"), &pdfs[..1]);
    let list = stdout("pdfdetach", &["-list"], &written[0]);
    assert!(list.contains("1: europass-mobility.xml"), "{list}");
}

#[test]
fn the_same_round_gives_byte_identical_transcripts_and_bundle() {
    let round = demo_round();
    let ctx = context(&["lv", "en"], true);
    let a = export("pdf", &round, &ctx);
    let b = export("pdf", &round, &ctx);
    assert_eq!(a.len(), round.mobilities.len() + 1);
    assert!(a == b, "two runs differ");
    // Input order does not matter either.
    let mut shuffled = round.clone();
    shuffled.learners.reverse();
    shuffled.assessments.reverse();
    shuffled.sort();
    assert!(export("pdf", &shuffled, &ctx) == a);
}

/// A learner with 40 units, each with long outcomes in two languages, one
/// word longer than any column, and remarks longer than a page.
fn big_round() -> Round {
    let mut round = demo_round();
    let learner = round
        .learners
        .iter()
        .find(|l| l.id.contains("001") || l.family_name == "Ozola")
        .unwrap()
        .id
        .clone();
    let mobility = round
        .mobilities
        .iter()
        .position(|m| m.learner == learner)
        .unwrap();
    let long_lv = "Patstāvīgi un atbildīgi diagnosticēt, noregulēt un remontēt transportlīdzekļa stabilitātes vadības, riteņu pretbloķēšanas un vilces kontroles sistēmas, ievērojot ražotāja tehnisko dokumentāciju, darba drošības, vides aizsardzības un ugunsdrošības noteikumus";
    let long_en = "Independently and responsibly diagnose, adjust and repair the vehicle's stability management, wheel anti-lock braking and traction control systems, following the manufacturer's technical documentation and the occupational safety, environmental protection and fire safety rules";
    let mut units = Vec::new();
    for n in 1..=40 {
        let id = format!("9{n:03}");
        let outcomes = (1..=6)
            .map(|k| LearningOutcome {
                id: format!("{id}/s{k}"),
                text: MultilingualText::from([
                    ("lv", format!("{n}.{k} {long_lv}").as_str()),
                    ("en", format!("{n}.{k} {long_en}").as_str()),
                ]),
                category: [OutcomeCategory::Knowledge, OutcomeCategory::Skill, OutcomeCategory::Competence][k % 3],
                details: if k == 1 {
                    vec![MultilingualText::single("lv", "Ražotāja diagnostikas iekārta: https://example.lv/ļoti/gara/adrese/bez/atstarpēm/kas/neietilpst/vienā/rindā/nekādā/gadījumā.pdf")]
                } else {
                    Vec::new()
                },
                ..LearningOutcome::default()
            })
            .collect();
        units.push(Unit {
            id: id.clone(),
            code: Some(id.clone()),
            title: MultilingualText::from([
                ("lv", format!("Vienība {n}: Transportlīdzekļu elektroniskās vadības sistēmu diagnostika Ω Ж").as_str()),
                ("en", format!("Unit {n}: Diagnostics of vehicle electronic control systems").as_str()),
            ]),
            eqf_level: EqfLevel::new(4),
            credit_points: vec![CreditPoints::ecvet(1.5)],
            learning_outcomes: outcomes,
            ..Unit::default()
        });
        round.assessments.push(AssessmentResult {
            id: format!("{learner}/{id}"),
            learner: learner.clone(),
            unit: id.clone(),
            mobility: Some(round.mobilities[mobility].id.clone()),
            criteria: (1..=4)
                .map(|c| CriterionRating {
                    criterion: MultilingualText::single(
                        "lv",
                        format!("Kritērijs {c}: darba kvalitāte un precizitāte"),
                    ),
                    value: Grade {
                        value: "3".into(),
                        scheme: "fi-1-3".into(),
                    },
                })
                .collect(),
            grade: Some(Grade {
                value: "8".into(),
                scheme: "lv-1-10".into(),
            }),
            passed: Some(true),
            achieved: Some(if n % 5 == 0 {
                Achievement::Partial
            } else {
                Achievement::Full
            }),
            credit_points: vec![CreditPoints::ecvet(1.5)],
            date: NaiveDate::from_ymd_opt(2025, 3, 27),
            method: MultilingualText::single("lv", "Novērošana darba vietā un praktisks uzdevums"),
            remarks: if n == 7 {
                MultilingualText::single(
                    "lv",
                    "Ļoti precīza diagnostika, rūpīgs darbs ar dokumentāciju. ".repeat(120),
                )
            } else {
                MultilingualText::single("lv", "Pārliecinošs darbs.")
            },
            ..AssessmentResult::default()
        });
        round.mobilities[mobility].units.push(id);
    }
    round.units.extend(units);
    round.sort();
    round
}

/// A word as pdftotext -bbox places it.
#[derive(Debug)]
struct Word {
    page: usize,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    text: String,
}

fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed for this test (Debian: poppler-utils): {e}")
        });
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        } else if line.starts_with("<word ") {
            let text = line
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            out.push(Word {
                page,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            });
        }
    }
    out
}

#[test]
fn a_learner_with_40_units_gets_a_multi_page_transcript_where_nothing_overlaps_or_leaves_the_page()
{
    let round = big_round();
    let files = export("pdf", &round, &context(&["lv", "en"], false));
    let out = root().join("target/pdf-check");
    let _ = std::fs::remove_dir_all(&out);
    let written = write_all(&out, &files);
    let learner = round
        .learners
        .iter()
        .find(|l| l.family_name == "Ozola")
        .unwrap();
    let folder = &europass::outputs::learner_folders(&round)[&learner.id];
    let pdf = written
        .iter()
        .find(|p| p.parent().unwrap().ends_with(folder))
        .unwrap()
        .clone();
    assert_sound_pdf_a3b(&pdf);
    let info = stdout("pdfinfo", &[], &pdf);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages > 20, "{pages} pages");

    // Every unit title, outcome and the whole page-long remark are there.
    let text = text_of(&pdf);
    for u in round.units.iter().filter(|u| u.id.starts_with('9')) {
        for (_, t) in u.title.iter() {
            assert!(text.contains(&squeeze(t)), "missing unit title {t}");
        }
        for o in &u.learning_outcomes {
            for (_, t) in o.text.iter() {
                assert!(text.contains(&squeeze(t)), "missing outcome {t}");
            }
        }
    }
    let remark = round.assessments.iter().find(|a| a.unit == "9007").unwrap();
    // The page-long remark continues over a page break (with the footer in
    // between in the text): every one of its sentences is there.
    let sentences = remark.remarks.get("lv").unwrap().matches("rūpīgs").count();
    assert_eq!(sentences, 120);
    assert!(text.matches("rūpīgs").count() >= sentences);
    assert!(
        text.contains("https://example.lv/ļoti/gara/adrese"),
        "the overlong word is kept"
    );

    // Geometry: every word inside the page's margins, no two words overlapping.
    let all = words(&pdf);
    assert!(all.len() > 1000);
    for p in 1..=pages {
        let on_page: Vec<&Word> = all.iter().filter(|w| w.page == p).collect();
        assert!(!on_page.is_empty(), "page {p} is empty");
        for w in &on_page {
            assert!(
                w.x0 >= 30.0 && w.x1 <= 595.276 - 30.0 && w.y0 >= 30.0 && w.y1 <= 841.89 - 20.0,
                "page {p}: {w:?} leaves the page frame"
            );
        }
        for (i, a) in on_page.iter().enumerate() {
            for b in &on_page[i + 1..] {
                let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
                let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
                assert!(dx <= 0.5 || dy <= 0.5, "page {p}: {a:?} overlaps {b:?}");
            }
        }
        let footer = format!("Page {p} of {pages}");
        let page_text: String = on_page.iter().map(|w| format!("{} ", w.text)).collect();
        assert!(page_text.contains(&footer), "page {p} lacks “{footer}”");
    }
    // The table header row is repeated on the pages an outcome table continues on.
    let headed = (1..=pages)
        .filter(|p| all.iter().any(|w| w.page == *p && w.text == "Kategorija"))
        .count();
    assert!(headed > 10, "outcome table header on {headed} pages");

    // Rendered, for a person to look at (target/pdf-check/*.png).
    let render = Command::new("pdftoppm")
        .args(["-r", "60", "-png"])
        .arg(&pdf)
        .arg(out.join("page"))
        .status()
        .expect("pdftoppm is needed for this test (Debian: poppler-utils)");
    assert!(render.success());
    let rendered = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(rendered, pages);
}

fn read_back(name: &str, bytes: &[u8]) -> Result<Round, europass::import::ImportError> {
    match europass::import::read_file(name, bytes, &Default::default())? {
        (europass::import::Content::Round(r), _) => Ok(*r),
        // A transcript gives a round per attached credential, joined as the
        // pipeline joins them.
        (europass::import::Content::Rounds(_), _) => {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join(name.rsplit('/').next().unwrap());
            std::fs::write(&file, bytes).unwrap();
            Ok(pipeline::load(&[file], &Options::default()).round)
        }
        _ => panic!("{name} was not read as a round"),
    }
}

#[test]
fn reading_a_transcript_back_gives_what_reading_its_xml_gives() {
    let round = demo_round();
    let ctx = context(&["lv", "en"], true);
    let pdfs = export("pdf", &round, &ctx);
    let xmls = export("xml", &round, &ctx);
    for (pdf, xml) in pdfs.iter().zip(&xmls) {
        let from_pdf = read_back("transcript.pdf", &pdf.bytes).unwrap();
        let from_xml = read_back("europass-mobility.xml", &xml.bytes).unwrap();
        assert_eq!(from_pdf, from_xml, "{}", pdf.path.display());
        assert_eq!(from_pdf.learners.len(), 1);
    }

    // Through the command line: the same round.json either way.
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_all(&dir.path().join("pdf"), &pdfs[..1]);
    let xml = write_all(&dir.path().join("xml"), &xmls[..1]);
    for (input, out) in [(&pdf[0], "from-pdf"), (&xml[0], "from-xml")] {
        cargo_bin_cmd!("europass")
            .arg("convert")
            .arg(input)
            .arg("--out")
            .arg(dir.path().join(out))
            .args(["--to", "json", "-q"])
            .assert()
            .success();
    }
    let a = std::fs::read(dir.path().join("from-pdf/round.json")).unwrap();
    let b = std::fs::read(dir.path().join("from-xml/round.json")).unwrap();
    assert!(a == b, "round.json from the PDF and from the XML differ");
}

#[test]
fn the_bundle_holds_every_transcript_in_learner_order_and_every_credential() {
    let round = demo_round();
    let (files, _) = export_reporting(&round, &context(&["lv", "en"], true));
    let bundle = files
        .iter()
        .find(|f| f.path == Path::new("transcripts.pdf"))
        .expect("transcripts.pdf");
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(dir.path(), &files);
    let path = dir.path().join("transcripts.pdf");
    assert!(written.contains(&path));
    assert_sound_pdf_a3b(&path);

    // Its pages are the transcripts' pages, learner after learner.
    let pages = |p: &Path| -> usize {
        stdout("pdfinfo", &[], p)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let singles: usize = written
        .iter()
        .filter(|p| p.ends_with("transcript.pdf"))
        .map(|p| pages(p))
        .sum();
    assert_eq!(pages(&path), singles);
    let text = text_of(&path);
    let mut learners: Vec<&Learner> = round.learners.iter().collect();
    learners.sort_by_key(|l| {
        (
            l.family_name.to_lowercase(),
            l.given_names.to_lowercase(),
            l.id.clone(),
        )
    });
    let mut at = 0;
    for l in learners {
        let needle = format!(
            "{} — {}",
            "Personīgais sekmju izraksts / Personal transcript",
            l.full_name()
        );
        let found = text[at..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{} not after position {at}", l.full_name()));
        at += found;
    }

    // Every learner's credential is attached, named by their folder.
    let attached = attachments(&bundle.bytes);
    assert_eq!(attached.len(), round.mobilities.len());
    let names: BTreeSet<String> = attached.iter().map(|a| a.0.clone()).collect();
    assert!(
        names.contains("ozola-anna_europass-mobility.xml"),
        "{names:?}"
    );

    // Read back, the bundle gives the whole round the credentials give.
    let from_bundle = read_back("transcripts.pdf", &bundle.bytes).unwrap();
    assert_eq!(from_bundle.learners.len(), round.learners.len());
    assert_eq!(from_bundle.assessments.len(), round.assessments.len());
}

#[test]
fn a_pdf_without_an_embedded_credential_gets_a_clear_message() {
    let pages = vec![europass::export::pdf::layout::Page::default()];
    let info = europass::export::pdf::Info {
        title: "A letter".into(),
        subject: "Not a transcript".into(),
        language: "en".into(),
        author: "Someone".into(),
        date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        id: "letter".into(),
    };
    let bytes = europass::export::pdf::write(
        &[europass::export::pdf::Part {
            bookmark: "x".into(),
            pages: &pages,
        }],
        &info,
        &[],
    )
    .unwrap();
    let err = read_back("letter.pdf", &bytes).unwrap_err();
    let shown = err.to_diagnostic("letter.pdf").to_string();
    assert!(shown.contains("letter.pdf"), "{shown}");
    assert!(shown.contains("a PDF with no attached files"), "{shown}");
    assert!(shown.contains("europass-mobility.xml"), "{shown}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let out = cargo_bin_cmd!("europass")
        .arg("convert")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--to", "json"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("letter.pdf"), "{stderr}");
    assert!(stderr.contains("no attached files"), "{stderr}");
    assert!(stderr.contains("europass convert --to pdf"), "{stderr}");
}

#[test]
fn characters_no_font_has_print_as_a_replacement_with_a_warning_and_the_file_stays_valid() {
    let mut round = demo_round();
    round.learners[0].given_names = "Anna 漢".into();
    let (files, notes) = export_reporting(&round, &context(&["en"], false));
    let warning = notes
        .iter()
        .find(|d| d.code == Code::CharacterNotPrintable)
        .expect("a warning about the character");
    assert!(warning.message.contains('漢'), "{}", warning.message);
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(dir.path(), &files);
    let first = written
        .iter()
        .find(|p| {
            p.parent()
                .unwrap()
                .ends_with(&europass::outputs::learner_folders(&round)[&round.learners[0].id])
        })
        .unwrap();
    assert_sound_pdf_a3b(first);
    assert!(text_of(first).contains("Anna �"));
    // The attached credential keeps the name as written.
    let back = read_back("t.pdf", &std::fs::read(first).unwrap()).unwrap();
    assert_eq!(back.learners[0].given_names, "Anna 漢");
}

#[test]
fn a_language_without_labels_falls_back_with_a_warning() {
    let round = demo_round();
    let (_, notes) = export_reporting(&round, &context(&["fi", "en"], false));
    let w = notes
        .iter()
        .find(|d| d.code == Code::LabelsFallBack)
        .expect("a warning about fi");
    assert!(w.message.contains("`fi`"), "{}", w.message);
}

#[test]
fn transcripts_name_related_documents_by_parties_and_date_never_by_path_or_id() {
    let round = demo_round();
    let ctx = context(&["en"], false);
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(dir.path(), &export("pdf", &round, &ctx));
    let internal_id = regex::Regex::new(r"[A-Za-z0-9-]+/[a-z0-9-]+/\d{4}-\d{2}-\d{2}").unwrap();
    for pdf in written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
    {
        let text = squeeze(&text_of(pdf));
        assert!(
            !text.contains(".docx") && !text.contains("memoranda/") && !internal_id.is_match(&text),
            "{} prints a path or an internal id: {text}",
            pdf.display()
        );
        assert!(!text.contains("europass convert"), "{text}");
        assert!(
            text.contains("europass-mobility.xml, attached to this PDF"),
            "{text}"
        );
    }
    let berzins = written
        .iter()
        .find(|p| p.to_string_lossy().contains("berzins-janis"))
        .unwrap();
    let text = squeeze(&text_of(berzins));
    assert!(
        text.contains("Learning Agreement Jānis Bērziņš, 3 March 2025"),
        "{text}"
    );
    assert!(
        text.contains("Memorandum of Understanding Vidzemes Profesionālā vidusskola – Oy Autokorjaamo Virtanen Ab, 3 March 2025"),
        "{text}"
    );
}

#[test]
fn convert_to_pdf_with_bundle_writes_every_transcript_and_the_bundle_and_bundle_alone_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    cargo_bin_cmd!("europass")
        .arg("convert")
        .arg(root().join("fixtures/demo/round.xlsx"))
        .arg("--out")
        .arg(&out)
        .args(["--to", "pdf", "--lang", "lv,en", "--bundle", "-q"])
        .assert()
        .success();
    assert!(out.join("transcripts.pdf").is_file());
    assert!(out.join("ozola-anna/transcript.pdf").is_file());
    assert!(!out.join("ozola-anna/europass-mobility.xml").exists());

    let refused = cargo_bin_cmd!("europass")
        .arg("convert")
        .arg(root().join("fixtures/demo/round.xlsx"))
        .arg("--out")
        .arg(dir.path().join("other"))
        .args(["--to", "json", "--bundle"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("add pdf to --to"), "{stderr}");
    assert!(!dir.path().join("other").exists());
}

/// Each page's text (pdftotext -raw), in page order.
fn page_texts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed for this test (Debian: poppler-utils): {e}")
        });
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// The English transcript's signature block is whole on the last page, after
/// other content of the transcript; returns the lines above its heading.
fn signature_page_shares(pdf: &Path) -> Vec<String> {
    let pages = page_texts(pdf);
    let last = pages.last().unwrap();
    let lines: Vec<&str> = last.lines().map(str::trim).collect();
    let heading = lines
        .iter()
        .position(|l| *l == "Signatures")
        .unwrap_or_else(|| {
            panic!(
                "{}: the signature block is not on the last page:\n{last}",
                pdf.display()
            )
        });
    for label in [
        "For the host organisation (assessor)",
        "For the sending organisation (home school)",
        "Place, date",
        "Stamp",
    ] {
        assert!(
            last.contains(label),
            "{}: the signature block is split, {label:?} is not on its page:\n{last}",
            pdf.display()
        );
    }
    assert_eq!(last.matches("Stamp").count(), 2, "{last}");
    let before: Vec<String> = lines[..heading]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.to_string())
        .collect();
    assert!(
        !before.is_empty(),
        "{}: the last page holds only the signature block:\n{last}",
        pdf.display()
    );
    before
}

#[test]
fn the_signature_block_shares_the_last_page_with_the_end_of_the_content_and_is_never_split() {
    let round = demo_round();
    let work = tempfile::tempdir().unwrap();
    let written = write_all(
        work.path(),
        &export("pdf", &round, &context(&["en"], false)),
    );
    assert_eq!(written.len(), round.learners.len());
    for pdf in &written {
        signature_page_shares(pdf);
    }

    // One learner whose last result gets more and more rated criteria (one
    // row each), so that the content ends at every height of a page: the
    // block stays after the content when it fits, else moves whole with the
    // last result (or the last row).
    let mut round = demo_round();
    let anna = round
        .learners
        .iter()
        .find(|l| l.family_name == "Ozola")
        .unwrap()
        .id
        .clone();
    round.learners.retain(|l| l.id == anna);
    round.mobilities.retain(|m| m.learner == anna);
    round.assessments.retain(|a| a.learner == anna);
    let last_unit = round.mobilities[0].units.last().unwrap().clone();
    let result = round
        .assessments
        .iter()
        .position(|a| a.unit == last_unit)
        .unwrap();
    let mut page_counts = BTreeSet::new();
    let mut moved_with_result = 0;
    let mut seen = Vec::new();
    for rows in 0..=48 {
        if rows > 0 {
            round.assessments[result].criteria.push(CriterionRating {
                criterion: MultilingualText::single("en", format!("Added criterion {rows}")),
                value: Grade {
                    value: "2".into(),
                    scheme: "fi-1-3".into(),
                },
            });
        }
        let dir = work.path().join(format!("criteria-{rows}"));
        let written = write_all(&dir, &export("pdf", &round, &context(&["en"], false)));
        let pdf = &written[0];
        let pages = page_texts(pdf).len();
        let before = signature_page_shares(pdf);
        page_counts.insert(pages);
        seen.push((rows, pages, before.first().cloned()));
        if before.first().is_some_and(|l| l.starts_with("Grade")) {
            moved_with_result += 1;
        }
    }
    assert!(
        page_counts.len() > 1,
        "the content never crossed a page: {seen:?}"
    );
    assert!(
        moved_with_result > 0,
        "the block never had to move: {seen:?}"
    );
}
