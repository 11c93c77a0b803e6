//! Learning Agreements and Memoranda as Word files: the built-in layouts in
//! English, Latvian and both, and a school's own template, checked by
//! opening every produced file in LibreOffice and reading the PDF back.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use zip::write::SimpleFileOptions;

const DEMO: &str = "fixtures/demo/round.xlsx";

/// A 1×1 PNG: the school's logo.
const LOGO: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2,
    135, 1, 128, 235, 71, 186, 146, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="SchoolHeading"><w:name w:val="School Heading"/><w:rPr><w:b/><w:color w:val="8B0000"/><w:sz w:val="32"/></w:rPr></w:style></w:styles>"#;

/// The header: a placeholder among text of the school's own.
fn header_xml(placeholder: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {W}><w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Vidzemes skola · {placeholder} · ECVET</w:t></w:r></w:p></w:hdr>"#
    )
}

/// The school's Learning Agreement: the learner's given names typed so that
/// Word split them over three runs, a logo, a units table with nested
/// outcomes, a condition and a custom style.
fn school_template() -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>
<w:p><w:pPr><w:pStyle w:val="SchoolHeading"/></w:pPr><w:r><w:t>Mācību līgums</w:t></w:r></w:p>
<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="457200" cy="457200"/><wp:docPr id="1" name="Logo"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rId3"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="457200" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Audzēknis: </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{{{{learner.</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:i/></w:rPr><w:t>given_</w:t></w:r><w:proofErr w:type="spellEnd"/><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>names}}}}</w:t></w:r><w:r><w:t xml:space="preserve"> {{{{learner.family_name}}}}, e-pasts: {{{{learner.email}}}}</w:t></w:r></w:p>
<w:p><w:r><w:t>Uzņēmums: {{{{host.name}}}} ({{{{host.country.lv}}}}), {{{{mobility.start}}}}–{{{{mobility.end}}}}</w:t></w:r></w:p>
<w:p><w:r><w:t>{{{{#if learner.is_minor}}}}Nepilngadīgs: vecāks {{{{guardian.name}}}}{{{{else}}}}Pilngadīgs{{{{/if}}}}</w:t></w:r></w:p>
<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="2000"/></w:tblGrid>
<w:tr><w:tc><w:p><w:r><w:t>Vienība</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>ECVET</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>{{{{#units}}}}{{{{unit.title.lv}}}}</w:t></w:r></w:p><w:p><w:r><w:t>{{{{#outcomes}}}}</w:t></w:r></w:p><w:p><w:r><w:t>– {{{{outcome.text.lv}}}}</w:t></w:r></w:p><w:p><w:r><w:t>{{{{/outcomes}}}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{{{#if unit.ecvet_points}}}}{{{{unit.ecvet_points}}}}{{{{/if}}}}{{{{/units}}}}</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:p><w:r><w:t>Paraksts: ____________</w:t></w:r></w:p>
<w:sectPr><w:headerReference w:type="default" r:id="rId2"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>
</w:body></w:document>"#
    );
    let parts: Vec<(&str, Vec<u8>)> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>"#
                .to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
                .to_vec(),
        ),
        (
            "word/_rels/document.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>"#
                .to_vec(),
        ),
        ("word/document.xml", document.into_bytes()),
        ("word/styles.xml", STYLES.as_bytes().to_vec()),
        (
            "word/header1.xml",
            header_xml("{{learner.family_name}}").into_bytes(),
        ),
        ("word/media/image1.png", LOGO.to_vec()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn part(docx: &Path, name: &str) -> Vec<u8> {
    let bytes = std::fs::read(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{} has no {name}: {e}", docx.display()));
    let mut out = Vec::new();
    file.read_to_end(&mut out).unwrap();
    out
}

fn convert(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = cargo_bin_cmd!("europass");
    cmd.args(["convert", DEMO, "--to", "docx", "-q", "--out"])
        .arg(out)
        .args(extra);
    cmd.assert()
}

fn docx_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(docx_files(&p));
        } else if p.extension().is_some_and(|e| e == "docx") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Converts every file to PDF in one LibreOffice run with a profile of its
/// own, and returns each file's text as pdftotext reads it.
fn pdf_texts(files: &[PathBuf], work: &Path) -> Vec<(PathBuf, String)> {
    pdf_texts_with(files, work, &[])
}

/// As [`pdf_texts`], with extra `pdftotext` options (`-layout`).
fn pdf_texts_with(files: &[PathBuf], work: &Path, options: &[&str]) -> Vec<(PathBuf, String)> {
    let profile = work.join("lo-profile");
    let pdf_dir = work.join("pdf");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    // Same-named files (every learning-agreement.docx) would overwrite each
    // other's PDF: give each a unique name first.
    let mut renamed = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let copy = work.join(format!("doc-{i:03}.docx"));
        std::fs::copy(f, &copy).unwrap();
        renamed.push(copy);
    }
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .args(&renamed)
        .output()
        .expect("LibreOffice (soffice) must be installed: scripts/test installs it");
    assert!(status.status.success(), "soffice failed: {status:?}");
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let pdf = pdf_dir.join(format!("doc-{i:03}.pdf"));
            assert!(pdf.exists(), "LibreOffice made no PDF of {}", f.display());
            let out = Command::new("pdftotext")
                .args(options)
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) must be installed: scripts/test installs it");
            assert!(out.status.success());
            (f.clone(), String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .collect()
}

/// Text without line breaks, so wrapped table cells still match.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_agreement_opens_in_libreoffice_with_names_units_and_latvian_letters() {
    let work = tempfile::tempdir().unwrap();
    let en = work.path().join("en");
    let lv = work.path().join("lv");
    let both = work.path().join("both");
    let school = work.path().join("school");
    let template = work.path().join("our-agreement.docx");
    std::fs::write(&template, school_template()).unwrap();
    convert(&en, &[]).success();
    convert(&lv, &["--lang", "lv"]).success();
    convert(&both, &["--lang", "lv,en"]).success();
    convert(&school, &["--template", template.to_str().unwrap()]).success();

    let mut files = Vec::new();
    for dir in [&en, &lv, &both, &school] {
        files.extend(docx_files(dir));
    }
    // 14 learning agreements and 4 memoranda (built-in beside a school LA template) per run.
    assert_eq!(files.len(), 14 * 4 + 4 * 4, "{files:#?}");
    let texts = pdf_texts(&files, work.path());
    // The round's own mobility ids ("A-001/oy-autokorjaamo-virtanen-ab/2025-03-03")
    // and file paths are never printed: the demo has no Erasmus+ mobility ids.
    let internal_id = regex::Regex::new(r"[A-Za-z0-9-]+/[a-z0-9-]+/\d{4}-\d{2}-\d{2}").unwrap();
    for (file, text) in &texts {
        let text = flat(text);
        let name = file.to_string_lossy();
        assert!(
            !internal_id.is_match(&text) && !text.contains(".docx"),
            "{name} prints an internal id or a path: {text}"
        );
        let is_la = name.ends_with("learning-agreement.docx");
        if is_la {
            assert!(
                text.contains("Vehicle stability management systems")
                    || text.contains("Transportlīdzekļu stabilitātes vadības sistēmas")
                    || text.contains("Lodēšanas metodes restaurācijā")
                    || text.contains("Soldering methods in restoration"),
                "{name}: no unit title in\n{text}"
            );
        } else if file.starts_with(&lv) || file.starts_with(&both) {
            assert!(
                text.contains("Vidzemes Profesionālā vidusskola"),
                "{name}: {text}"
            );
        } else {
            // The demo's profile gives the school's English name.
            assert!(
                text.contains("Vidzeme Vocational Secondary School"),
                "{name}: {text}"
            );
        }
        if file.starts_with(&lv) || file.starts_with(&both) {
            let title = if is_la {
                "Mācību līgums"
            } else {
                "Saprašanās memorands"
            };
            assert!(text.contains(title), "{name}: no Latvian title in\n{text}");
        }
        if file.starts_with(&both) {
            let title = if is_la {
                "Learning Agreement"
            } else {
                "Memorandum of Understanding"
            };
            assert!(text.contains(title), "{name}: no English title in\n{text}");
            assert!(
                text.contains("Lappuse 1 no") && text.contains("Page 1 of"),
                "{name}"
            );
        }
        if file.starts_with(&en) {
            assert!(text.contains("Page 1 of"), "{name}: no page numbers");
        }
    }
    // The learners' own names, diacritics and all, in their agreements.
    for (dir, learner, shown) in [
        (&en, "kenins-oskars", "Oskars Ķēniņš"),
        (&lv, "gegere-katrina", "Katrīna Ģēģere"),
        (&both, "smite-darta", "Dārta Šmite"),
        (&school, "zagare-agnese", "Žagare"),
    ] {
        let file = dir.join(learner).join("learning-agreement.docx");
        let (_, text) = texts.iter().find(|(f, _)| *f == file).unwrap();
        assert!(
            flat(text).contains(shown),
            "{}: {shown} missing",
            file.display()
        );
    }
    // The school's template: its own words, the values, the nested outcomes.
    let file = school.join("ozola-anna").join("learning-agreement.docx");
    let (_, text) = texts.iter().find(|(f, _)| *f == file).unwrap();
    let text = flat(text);
    assert!(text.contains("Audzēknis: Anna Ozola"), "{text}");
    assert!(
        text.contains("Vidzemes skola · Ozola · ECVET"),
        "header: {text}"
    );
    assert!(
        text.contains("– Riteņu pretbloķēšanas bremžu sistēmas"),
        "{text}"
    );
    assert!(text.contains("Pilngadīgs"), "{text}");
    // A learner under 18 gets the guardian line, and a guardian signature block built in.
    let (_, minor) = texts
        .iter()
        .find(|(f, _)| *f == school.join("kenins-oskars").join("learning-agreement.docx"))
        .unwrap();
    assert!(
        flat(minor).contains("Nepilngadīgs: vecāks Jānis Ķēniņš"),
        "{minor}"
    );
    let (_, minor_en) = texts
        .iter()
        .find(|(f, _)| *f == en.join("kenins-oskars").join("learning-agreement.docx"))
        .unwrap();
    assert!(
        flat(minor_en).contains("Parent or legal guardian"),
        "{minor_en}"
    );
}

#[test]
fn a_placeholder_split_over_three_runs_is_filled_and_the_rest_of_the_file_is_untouched() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("our-agreement.docx");
    std::fs::write(&template, school_template()).unwrap();
    let out = work.path().join("out");
    let assert = convert(
        &out,
        &["--template", template.to_str().unwrap(), "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let file = out.join("ozola-anna").join("learning-agreement.docx");
    let document = String::from_utf8(part(&file, "word/document.xml")).unwrap();
    // The value sits in the run where the placeholder started (bold), and
    // the runs that held its other pieces are left without them.
    assert!(
        document
            .contains(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Anna</w:t></w:r>"#),
        "{document}"
    );
    assert!(
        !document.contains("given_") && !document.contains("names}}"),
        "{document}"
    );
    assert!(
        !document.contains("{{"),
        "every placeholder is filled: {document}"
    );
    // Styles, the image and the header (but for its placeholder) are the school's bytes.
    let original = school_template();
    let template_part = |name: &str| {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(original.clone())).unwrap();
        let mut f = a.by_name(name).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        v
    };
    assert_eq!(
        part(&file, "word/styles.xml"),
        template_part("word/styles.xml")
    );
    assert_eq!(part(&file, "word/media/image1.png"), LOGO);
    assert_eq!(
        part(&file, "word/header1.xml"),
        header_xml("Ozola").into_bytes()
    );
    // Anna has no e-mail in the demo? She has one; someone without a value gets a marker and a warning.
    let warnings: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "missing-template-value")
        .collect();
    for w in &warnings {
        assert!(
            w["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("our-agreement.docx")
        );
        assert!(w["message"].as_str().unwrap().contains("[missing: "), "{w}");
    }
}

#[test]
fn a_missing_value_shows_the_marker_and_is_reported_where_it_is() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("t.docx");
    // Learners in the demo have no postal address.
    let bytes = school_template();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == "word/document.xml" {
            content = String::from_utf8(content)
                .unwrap()
                .replace("e-pasts: {{learner.email}}", "adrese: {{learner.address}}")
                .into_bytes();
        }
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&content).unwrap();
    }
    std::fs::write(&template, zip.finish().unwrap().into_inner()).unwrap();
    let out = work.path().join("out");
    let assert = convert(
        &out,
        &[
            "--template",
            template.to_str().unwrap(),
            "--missing-marker",
            "<<{name}?>>",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let document = String::from_utf8(part(
        &out.join("ozola-anna").join("learning-agreement.docx"),
        "word/document.xml",
    ))
    .unwrap();
    assert!(
        document.contains("adrese: &lt;&lt;learner.address?&gt;&gt;"),
        "{document}"
    );
    let warning = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "missing-template-value"
                && d["location"]["record"] == "ozola-anna/learning-agreement.docx"
        })
        .expect("a located warning");
    assert_eq!(warning["severity"], "warning");
    assert!(
        warning["location"]["path"]
            .as_str()
            .unwrap()
            .starts_with("body, paragraph 3"),
        "{warning}"
    );
    assert!(warning["message"].as_str().unwrap().contains("Anna Ozola"));
}

#[test]
fn the_same_input_gives_byte_identical_documents() {
    let work = tempfile::tempdir().unwrap();
    let a = work.path().join("a");
    let b = work.path().join("b");
    convert(&a, &["--lang", "lv,en"]).success();
    convert(&b, &["--lang", "lv,en"]).success();
    let files_a = docx_files(&a);
    assert_eq!(files_a.len(), 18);
    for f in files_a {
        let rel = f.strip_prefix(&a).unwrap();
        assert_eq!(
            std::fs::read(&f).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{} differs between runs",
            rel.display()
        );
    }
}

#[test]
fn template_check_lists_placeholders_and_locates_errors_with_suggestions() {
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.docx");
    std::fs::write(&good, school_template()).unwrap();
    let out = cargo_bin_cmd!("europass")
        .args(["template", "check"])
        .arg(&good)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Learning Agreement template"), "{out}");
    assert!(out.contains("{{learner.given_names}}"), "{out}");
    assert!(out.contains("[inside units › outcomes]"), "{out}");
    assert!(out.contains("header 1"), "{out}");

    // Misspelt names, an unclosed loop and a stray closing tag.
    let bad = work.path().join("bad.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(school_template())).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == "word/document.xml" {
            content = String::from_utf8(content)
                .unwrap()
                .replace("{{learner.family_name}}", "{{learner.familyname}}")
                .replace("{{/outcomes}}", "{{/outcome}}")
                .replace("Paraksts: ____________", "Paraksts {{/if}}")
                .into_bytes();
        }
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&content).unwrap();
    }
    std::fs::write(&bad, zip.finish().unwrap().into_inner()).unwrap();
    let assert = cargo_bin_cmd!("europass")
        .args(["template", "check", "--kind", "learning-agreement"])
        .arg(&bad)
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("unknown placeholder `learner.familyname`")
            && out.contains("did you mean `learner.family_name`?"),
        "{out}"
    );
    assert!(out.contains("body, paragraph 3"), "located: {out}");
    assert!(out.contains("`{{/outcome}}` closes nothing"), "{out}");
    assert!(
        out.contains("`{{#outcomes}}` is never closed") || out.contains("before `{{#outcomes}}`"),
        "{out}"
    );
    assert!(out.contains("`{{/if}}` closes nothing"), "{out}");
    assert!(out.contains("table 1, row 2, cell 1"), "{out}");

    // Converting with it fails before writing anything.
    let dir = work.path().join("never");
    convert(&dir, &["--template", bad.to_str().unwrap()])
        .code(2)
        .stderr(predicates::str::contains("learner.familyname"));
    assert!(docx_files_or_none(&dir).is_empty());

    // A workbook is not a template.
    cargo_bin_cmd!("europass")
        .args(["template", "check", DEMO])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("Excel workbook"));
}

fn docx_files_or_none(dir: &Path) -> Vec<PathBuf> {
    if dir.exists() {
        docx_files(dir)
    } else {
        Vec::new()
    }
}

#[test]
fn starter_templates_check_clean_and_fill_in_both_languages() {
    let work = tempfile::tempdir().unwrap();
    for kind in ["learning-agreement", "memorandum"] {
        let file = work.path().join(format!("{kind}.docx"));
        cargo_bin_cmd!("europass")
            .args(["template", "docx", "--kind", kind, "--lang", "lv,en"])
            .arg(&file)
            .assert()
            .success();
        let out = cargo_bin_cmd!("europass")
            .args(["template", "check"])
            .arg(&file)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let title = if kind == "memorandum" {
            "Memorandum of Understanding template"
        } else {
            "Learning Agreement template"
        };
        assert!(out.contains(title), "{kind} judged as its kind: {out}");
        assert!(out.contains("0 error(s)"), "{out}");
        let document = String::from_utf8(part(&file, "word/document.xml")).unwrap();
        assert!(
            document.contains("w:instrText")
                || part(&file, "word/footer1.xml")
                    .windows(8)
                    .any(|w| w == b"NUMPAGES")
        );
    }
    // A memorandum template given without its kind is recognised by its names.
    let out = work.path().join("out");
    convert(
        &out,
        &[
            "--template",
            work.path().join("memorandum.docx").to_str().unwrap(),
            "--lang",
            "lv,en",
        ],
    )
    .success();
    let document = String::from_utf8(part(
        &out.join("memoranda")
            .join("vidzemes-profesionala-vidusskola-autohaus-muller-gmbh.docx"),
        "word/document.xml",
    ))
    .unwrap();
    assert!(document.contains("Autohaus Müller GmbH"));
    assert!(!document.contains("{{"), "{document}");
}

#[test]
fn every_agreement_names_its_title_subject_school_language_and_issue_date() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    convert(&out, &["--lang", "lv,en"]).success();
    let files = docx_files(&out);
    assert_eq!(files.len(), 18);
    for f in &files {
        let core = String::from_utf8(part(f, "docProps/core.xml")).unwrap();
        let tag = |t: &str| {
            let open = format!("<{t}>");
            let start = core
                .find(&open)
                .unwrap_or_else(|| panic!("{}: no {t}: {core}", f.display()));
            let rest = &core[start + open.len()..];
            rest[..rest.find('<').unwrap()].to_string()
        };
        assert_eq!(
            tag("dc:creator"),
            "Vidzemes Profesionālā vidusskola",
            "{}",
            f.display()
        );
        assert_eq!(tag("dc:language"), "lv");
        assert!(!tag("dc:subject").is_empty(), "{}: {core}", f.display());
        let title = tag("dc:title");
        if f.ends_with("learning-agreement.docx") {
            assert!(title.starts_with("Mācību līgums – "), "{title}");
        } else {
            assert!(
                title.starts_with("Saprašanās memorands – Vidzemes"),
                "{title}"
            );
        }
        assert!(
            !core.contains("1970") && !core.contains("unknown"),
            "{core}"
        );
        assert!(
            core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-"),
            "{core}"
        );
    }
    let anna = String::from_utf8(part(
        &out.join("ozola-anna/learning-agreement.docx"),
        "docProps/core.xml",
    ))
    .unwrap();
    assert!(
        anna.contains("<dc:title>Mācību līgums – Anna Ozola</dc:title>"),
        "{anna}"
    );
}

#[test]
fn a_school_template_without_properties_gets_them_added() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("our-agreement.docx");
    std::fs::write(&template, school_template()).unwrap();
    let out = work.path().join("out");
    convert(&out, &["--template", template.to_str().unwrap()]).success();
    let file = out.join("ozola-anna").join("learning-agreement.docx");
    let core = String::from_utf8(part(&file, "docProps/core.xml")).unwrap();
    // The school template is English: the author is the school's English
    // name, which the demo's profile gives.
    assert!(
        core.contains("<dc:creator>Vidzeme Vocational Secondary School</dc:creator>"),
        "{core}"
    );
    let types = String::from_utf8(part(&file, "[Content_Types].xml")).unwrap();
    assert!(types.contains("/docProps/core.xml"), "{types}");
    let rels = String::from_utf8(part(&file, "_rels/.rels")).unwrap();
    assert!(rels.contains("docProps/core.xml"), "{rels}");
}

/// The ids of a round (round.json) that are europass's own or a record's
/// slug: ids with a `/` (mobilities, contacts, results, outcomes) and
/// hyphenated slugs (organisations, grading schemes). Learner ids are the
/// school's learner numbers, which documents print on purpose.
fn internal_ids(round: &serde_json::Value) -> Vec<String> {
    let slug = regex::Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)+$").unwrap();
    let mut ids = Vec::new();
    for (kind, list) in round.as_object().unwrap() {
        let Some(list) = list.as_array() else {
            continue;
        };
        for record in list {
            let mut own: Vec<&serde_json::Value> = vec![&record["id"]];
            if kind == "units" {
                own.extend(
                    record["learning_outcomes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|o| &o["id"]),
                );
            }
            for id in own.iter().filter_map(|v| v.as_str()) {
                if kind != "learners" && (id.contains('/') || slug.is_match(id)) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

/// What a document must never print: a file path (a `\`, two `/` outside a
/// web address or a date, a spreadsheet's or document's file name), a UUID
/// or one of the round's internal ids.
fn leaks(text: &str, ids: &[String]) -> Vec<String> {
    let uuid = regex::Regex::new(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    )
    .unwrap();
    let file =
        regex::Regex::new(r"(?i)\.(xlsx|xlsm|xlsb|xls|ods|csv|docx|pdf|json|jsonld|xml|toml)\b")
            .unwrap();
    let date = regex::Regex::new(r"^\(?\d{1,2}/\d{1,2}/\d{2,4}\W*$").unwrap();
    let mut found: Vec<String> = text
        .split_whitespace()
        .filter(|t| {
            let web = t.contains("://") || t.starts_with("www.");
            // The transcript names its attachment as a PDF reader lists it.
            let attachment = t.trim_end_matches(',') == "europass-mobility.xml";
            t.contains('\\')
                || uuid.is_match(t)
                || (!web && !attachment && file.is_match(t))
                || (!web && t.matches('/').count() >= 2 && !date.is_match(t))
        })
        .map(str::to_string)
        .collect();
    found.extend(ids.iter().filter(|id| text.contains(id.as_str())).cloned());
    found
}

#[test]
fn no_form_row_splits_across_pages_and_the_signature_header_keeps_its_rows() {
    let work = tempfile::tempdir().unwrap();
    let demo = work.path().join("demo");
    // Two languages: the longest documents, the most page breaks.
    cargo_bin_cmd!("europass")
        .args([
            "convert",
            DEMO,
            "--to",
            "docx,pdf,json",
            "--lang",
            "lv,en",
            "-q",
            "--out",
        ])
        .arg(&demo)
        .assert()
        .success();
    // Every variant of the demo (no profile beside them) gives the same
    // documents: rendering one stands for all.
    let mut variants = Vec::new();
    for v in [
        "flat-windows-1257.csv",
        "flat.ods",
        "flat.xls",
        "messy.ods",
        "messy.xlsx",
    ] {
        let out = work.path().join(v);
        let mut cmd = cargo_bin_cmd!("europass");
        cmd.args(["convert", &format!("fixtures/variants/{v}")])
            .args(["--to", "docx,pdf", "--lang", "lv,en", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        variants.push(out);
    }
    let documents = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = docx_files(dir);
        files.extend(pdf_files(dir));
        files.sort();
        files
            .into_iter()
            .map(|f| {
                (
                    f.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&f).unwrap(),
                )
            })
            .collect()
    };
    let first = documents(&variants[0]);
    assert_eq!(
        first.len(),
        18 + 14,
        "{:?}",
        first.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for v in &variants[1..] {
        assert!(
            documents(v) == first,
            "{} gives other documents",
            v.display()
        );
    }
    let mut files = docx_files(&demo);
    files.extend(docx_files(&variants[0]));
    assert_eq!(files.len(), 2 * 18);
    let texts = pdf_texts_with(&files, work.path(), &["-layout"]);
    for (file, text) in &texts {
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        for (n, page) in pages.iter().enumerate().skip(1) {
            // The first line under the running header: a form row cut in two
            // leaves its value's last lines there, with an empty label column.
            let body = page
                .lines()
                .filter(|l| !l.trim().is_empty())
                .nth(1)
                .unwrap_or("");
            let indent = body.len() - body.trim_start().len();
            assert!(
                indent < 30,
                "{} page {}: starts with a row's fragment without its label: {body:?}\n{page}",
                file.display(),
                n + 1
            );
        }
        // The signature table's header and its rows share a page.
        let header = pages
            .iter()
            .rposition(|p| p.contains("Vārds, uzvārds"))
            .unwrap_or_else(|| panic!("{}: no signature table", file.display()));
        let rows = pages
            .iter()
            .rposition(|p| p.contains("Sending organisation"))
            .unwrap();
        assert_eq!(
            header,
            rows,
            "{}: the signature header is apart from its rows",
            file.display()
        );
    }
    // No path and no internal id in any document: agreements, memoranda
    // and transcripts of the demo and of the variants.
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo.join("round.json")).unwrap()).unwrap();
    let ids = internal_ids(&round);
    assert!(ids.iter().any(|i| i.starts_with("A-001/")), "{ids:?}");
    let mut transcripts = pdf_files(&demo);
    transcripts.extend(pdf_files(&variants[0]));
    assert_eq!(transcripts.len(), 2 * 14);
    let transcript_texts = transcripts.iter().map(|f| {
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(f)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) must be installed: scripts/test installs it");
        assert!(out.status.success());
        (f.clone(), String::from_utf8(out.stdout).unwrap())
    });
    for (file, text) in texts.iter().cloned().chain(transcript_texts) {
        let found = leaks(&text, &ids);
        assert!(
            found.is_empty(),
            "{} prints a path or an internal id: {found:?}",
            file.display()
        );
    }
    // The check itself finds what it looks for.
    let mut found = leaks(
        "Mobility ID: A-001/oy-autokorjaamo-virtanen-ab/2025-03-03 from C:\\lv\\round.xlsx, 14/03/2005 https://a.example/b/c",
        &ids,
    );
    found.sort();
    assert_eq!(
        found,
        [
            "A-001/oy-autokorjaamo-virtanen-ab/2025-03-03",
            "A-001/oy-autokorjaamo-virtanen-ab/2025-03-03",
            "C:\\lv\\round.xlsx,",
            "oy-autokorjaamo-virtanen-ab",
        ]
    );
}

/// The PDF files below `dir`.
fn pdf_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(pdf_files(&p));
        } else if p.extension().is_some_and(|e| e == "pdf") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn the_memorandum_ticks_no_box_and_sets_no_validity_the_data_does_not_give() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    convert(&out, &[]).success();
    let mou =
        out.join("memoranda/vidzemes-profesionala-vidusskola-oy-autokorjaamo-virtanen-ab.docx");
    let document = String::from_utf8(part(&mou, "word/document.xml")).unwrap();
    // The demo gives no other objectives and no validity: neither box is
    // ticked, and the validity is left to fill in (not the last mobility's end).
    assert!(!document.contains('☒'), "a box is pre-ticked");
    let text: Vec<&str> = document
        .split('<')
        .map(|t| t.split_once('>').map_or("", |(_, x)| x))
        .collect();
    let text = flat(&text.join(" "));
    let validity = text
        .split("This Memorandum of Understanding is valid until")
        .nth(1)
        .unwrap()
        .split("Planned duration")
        .next()
        .unwrap();
    assert!(
        validity.trim().is_empty(),
        "a validity the data does not give: {validity:?}"
    );
}

#[test]
fn memorandum_section_5_reads_as_labelled_sentences_in_every_language() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    convert(&out, &["--lang", "lv,en"]).success();
    let learning_agreements = docx_files(&out)
        .iter()
        .filter(|f| f.ends_with("learning-agreement.docx"))
        .count();
    let memoranda = docx_files(&out.join("memoranda"));
    let weeks = regex::Regex::new(r"(\d+) weeks").unwrap();
    let range = regex::Regex::new(r"from (\d+) to (\d+) weeks").unwrap();
    let period = regex::Regex::new(r"Learners: (\d+), from \S+ to \S+").unwrap();
    let lv = regex::Regex::new(r"Izglītojamo skaits: (\d+), no \S+ līdz \S+").unwrap();
    let bare_range = regex::Regex::new(r"\d+ ?– ?\d+ ").unwrap();
    let unlabelled = regex::Regex::new(r"(^|\s)\d+: \d").unwrap();
    let mut learners = 0;
    for (file, text) in pdf_texts_with(&memoranda, work.path(), &["-layout"]) {
        let flat_text = flat(&text);
        let section = flat_text
            .split("5. Saprašanās memoranda derīgums")
            .nth(1)
            .and_then(|s| s.split("6. Izvērtēšana").next())
            .unwrap_or_else(|| panic!("{}: no section 5", file.display()));
        // The duration in words in both languages, never "4 – 4".
        match range.captures(section) {
            Some(c) => assert_ne!(c[1], c[2], "{}: {section}", file.display()),
            None => assert!(
                weeks.is_match(section) && section.contains("nedēļu skaits:"),
                "{}: no duration sentence: {section}",
                file.display()
            ),
        }
        assert!(
            !bare_range.is_match(section),
            "{}: a bare range of numbers: {section}",
            file.display()
        );
        // Every period labelled with its learners, in both languages.
        assert!(
            !unlabelled.is_match(section),
            "{}: an unlabelled count: {section}",
            file.display()
        );
        let counts: Vec<usize> = period
            .captures_iter(section)
            .map(|c| c[1].parse().unwrap())
            .collect();
        assert!(
            !counts.is_empty(),
            "{}: no period: {section}",
            file.display()
        );
        assert_eq!(lv.captures_iter(section).count(), counts.len());
        learners += counts.iter().sum::<usize>();
        // The running header is one line: the host's name ends it on every page.
        for page in text.split('\u{c}').filter(|p| !p.trim().is_empty()) {
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap();
            assert!(
                first.contains("Saprašanās memorands —")
                    && first.trim_end().ends_with(file_host(&file)),
                "{}: the running header wraps: {first:?}",
                file.display()
            );
        }
    }
    assert_eq!(
        learners, learning_agreements,
        "every learner is in a period"
    );
}

/// The host's name as the demo writes it, from the memorandum's file name.
fn file_host(file: &Path) -> &'static str {
    let name = file.file_name().unwrap().to_string_lossy();
    [
        ("autohaus-muller-gmbh", "Autohaus Müller GmbH"),
        ("oy-autokorjaamo-virtanen-ab", "Oy Autokorjaamo Virtanen Ab"),
        ("restaurointi-makinen-oy", "Restaurointi Mäkinen Oy"),
        (
            "restaurierungswerkstatt-schroder",
            "Restaurierungswerkstatt Schröder",
        ),
    ]
    .into_iter()
    .find(|(slug, _)| name.contains(slug))
    .map(|(_, host)| host)
    .unwrap_or_else(|| panic!("unknown host in {name}"))
}

#[test]
fn a_learning_agreement_lists_each_outcomes_sub_points_under_it_as_the_transcript_does() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let mut cmd = cargo_bin_cmd!("europass");
    cmd.args(["convert", DEMO, "--to", "docx,json", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("round.json")).unwrap()).unwrap();
    // Every outcome with sub-points, as "statement – first – second …".
    let english = |t: &serde_json::Value| t["en"].as_str().unwrap().to_string();
    let expected: Vec<(String, String)> = round["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["learning_outcomes"].as_array().unwrap())
        .filter_map(|o| {
            let details = o["details"].as_array()?;
            let statement = flat(&format!("• {}", english(&o["text"])));
            let mut parts = vec![statement.clone()];
            parts.extend(details.iter().map(|d| format!("– {}", english(d))));
            Some((statement, flat(&parts.join(" "))))
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "the demo has outcomes with sub-points"
    );
    let agreements: Vec<PathBuf> = docx_files(&out)
        .into_iter()
        .filter(|f| f.ends_with("learning-agreement.docx"))
        .collect();
    let mut shown = 0;
    for (file, text) in pdf_texts(&agreements, work.path()) {
        let text = flat(&text);
        for (statement, outcome) in &expected {
            // The statement printed means the unit is in this agreement:
            // then its sub-points follow it, in order.
            if text.contains(statement.as_str()) {
                assert!(
                    text.contains(outcome.as_str()),
                    "{}: {outcome:?} is not printed with its sub-points in order:\n{text}",
                    file.display()
                );
                shown += 1;
            }
        }
    }
    assert!(shown > 0, "no agreement targets an outcome with sub-points");
}

#[test]
fn convert_holds_a_school_template_to_the_limits_given_with_limit() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("school.docx");
    std::fs::write(&template, school_template()).unwrap();
    // The units loop holds the outcomes loop and a condition: 2 deep.
    let t = format!("learning-agreement={}", template.display());
    let refused = convert(
        &work.path().join("out"),
        &["--template", &t, "--limit", "depth=1"],
    )
    .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("school.docx"), "{stderr}");
    assert!(stderr.contains("`depth` limit"), "{stderr}");
    convert(
        &work.path().join("out2"),
        &["--template", &t, "--limit", "depth=3"],
    )
    .success();
}

#[test]
fn a_template_that_is_not_a_regular_file_is_refused_at_once() {
    let work = tempfile::tempdir().unwrap();
    let fifo = work.path().join("pipe.docx");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let t = format!("learning-agreement={}", fifo.display());
    let mut cmd = cargo_bin_cmd!("europass");
    cmd.args(["convert", DEMO, "--to", "docx", "-q", "--out"])
        .arg(work.path().join("out"))
        .args(["--template", &t])
        .timeout(std::time::Duration::from_secs(30));
    let refused = cmd.assert().failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("pipe.docx"), "{stderr}");
    assert!(stderr.contains("named pipe (FIFO), not a file"), "{stderr}");
    let mut check = cargo_bin_cmd!("europass");
    check
        .args(["template", "check"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(30));
    let refused = check.assert().failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("named pipe (FIFO), not a file"), "{stderr}");
}
