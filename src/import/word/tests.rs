//! The Word reader, on documents made from raw XML.
use std::io::{Cursor, Write};

use super::package::join_part;
use super::xml::{MC_NS, W14_NS};
use super::*;
use crate::import::MergedRange;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A minimal .docx around a document body, with optional numbering and styles.
pub(crate) fn docx(body: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    put(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
    );
    put(
        "word/document.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:w14="{W14_NS}" xmlns:mc="{MC_NS}"><w:body>{body}</w:body></w:document>"#
        ),
    );
    if let Some(n) = numbering {
        put(
            "word/numbering.xml",
            &format!(r#"<w:numbering xmlns:w="{W}">{n}</w:numbering>"#),
        );
    }
    if let Some(s) = styles {
        put(
            "word/styles.xml",
            &format!(r#"<w:styles xmlns:w="{W}">{s}</w:styles>"#),
        );
    }
    zip.finish().unwrap();
    buf.into_inner()
}

/// The document as sheets, one per part: the shape these tests were
/// written against (and the feedback workbook's).
fn workbook(document: Document) -> Workbook {
    document.into_workbook()
}

fn cell(xml: &str) -> String {
    format!("<w:tc>{xml}</w:tc>")
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn text(sheet: &Sheet, row: u32, col: u32) -> String {
    sheet.value(row, col).to_text()
}

const BULLETS: &str = r#"<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pStyle w:val="ListBullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:pStyle w:val="ListBullet2"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>"#;

#[test]
fn numbered_and_styled_list_items_become_bullets_and_sub_bullets() {
    let styles = r#"<w:style w:type="paragraph" w:styleId="ListBullet"><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet2"><w:basedOn w:val="ListBullet"/></w:style>"#;
    let body = format!(
        "<w:tbl><w:tr>{}</w:tr></w:tbl>",
        cell(&format!(
            "{}<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>Theory</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>Detail</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet\"/></w:pPr><w:r><w:t>Styled</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet2\"/></w:pPr><w:r><w:t>Styled sub</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val=\"ListBullet\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr><w:r><w:t>Not a list</w:t></w:r></w:p>",
            p("He/she knows:")
        ))
    );
    let wb = workbook(read_docx("u.docx", &docx(&body, Some(BULLETS), Some(styles))).unwrap());
    assert_eq!(wb.sheets.len(), 1);
    assert_eq!(wb.sheets[0].name, "table 1");
    assert_eq!(
        text(&wb.sheets[0], 0, 0),
        "He/she knows:\n• Theory\n  o Detail\n• Styled\n  o Styled sub\nNot a list"
    );
}

#[test]
fn grid_spans_and_vertical_merges_become_merged_ranges() {
    let body = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
        cell(&format!(
            "<w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>{}",
            p("Learning outcomes")
        )),
        cell(&p("Remarks")),
        cell(&format!(
            "<w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>{}",
            p("Knowledge")
        )),
        cell(&p("a")),
        cell(&p("x")),
        cell("<w:tcPr><w:vMerge/></w:tcPr><w:p/>"),
        cell(&p("b")),
        cell(&p("y")),
    );
    let wb = workbook(read_docx("u.docx", &docx(&body, None, None)).unwrap());
    let s = &wb.sheets[0];
    assert_eq!(text(s, 0, 0), "Learning outcomes");
    assert_eq!(text(s, 0, 2), "Remarks");
    assert_eq!(text(s, 1, 0), "Knowledge");
    assert_eq!(text(s, 2, 1), "b");
    assert!(s.merges().contains(&MergedRange {
        first_row: 0,
        first_col: 0,
        last_row: 0,
        last_col: 1
    }));
    assert!(s.merges().contains(&MergedRange {
        first_row: 1,
        first_col: 0,
        last_row: 2,
        last_col: 0
    }));
    assert_eq!(s.shown_value(2, 0).to_text(), "Knowledge");
}

#[test]
fn tracked_insertions_are_kept_and_deletions_dropped() {
    let body = "<w:p><w:r><w:t xml:space=\"preserve\">EQF-level: </w:t></w:r><w:del w:id=\"1\"><w:r><w:delText>3</w:delText></w:r></w:del><w:ins w:id=\"2\"><w:r><w:t>4</w:t></w:r></w:ins></w:p><w:tbl><w:tr><w:trPr><w:del w:id=\"3\"/></w:trPr>".to_string()
        + &cell(&p("deleted row"))
        + "</w:tr><w:tr>"
        + &cell(&p("kept row"))
        + "</w:tr></w:tbl>";
    let wb = workbook(read_docx("u.docx", &docx(&body, None, None)).unwrap());
    assert_eq!(wb.sheets[0].name, "text before table 1");
    assert_eq!(text(&wb.sheets[0], 0, 0), "EQF-level: 4");
    assert_eq!(text(&wb.sheets[1], 0, 0), "kept row");
    assert_eq!(wb.sheets[1].row_end(), 1);
}

#[test]
fn checkboxes_and_content_controls_are_read_and_placeholders_left_out() {
    let sdt_box = |checked: &str| {
        format!(
            "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{checked}\"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>?</w:t></w:r></w:sdtContent></w:sdt>"
        )
    };
    let legacy = "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:default w:val=\"0\"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
    let body = format!(
        "<w:tbl><w:tr>{}{}{}{}{}</w:tr></w:tbl>",
        cell(&format!("<w:p>{}</w:p>", sdt_box("1"))),
        cell(&format!("<w:p>{}</w:p>", sdt_box("0"))),
        cell(&format!("<w:p>{legacy}</w:p>")),
        cell(
            "<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt></w:p>"
        ),
        cell(
            "<w:p><w:sdt><w:sdtPr><w:alias w:val=\"Learner\"/></w:sdtPr><w:sdtContent><w:r><w:t>Anna Ozola</w:t></w:r></w:sdtContent></w:sdt></w:p>"
        ),
    );
    let wb = workbook(read_docx("g.docx", &docx(&body, None, None)).unwrap());
    let s = &wb.sheets[0];
    assert_eq!(text(s, 0, 0), "☒");
    assert_eq!(text(s, 0, 1), "☐");
    assert_eq!(text(s, 0, 2), "☒");
    assert_eq!(text(s, 0, 3), "");
    assert_eq!(text(s, 0, 4), "Anna Ozola");
}

#[test]
fn wingdings_ticks_and_symbol_bullets_become_their_signs() {
    let body = format!(
        "<w:tbl><w:tr>{}{}{}</w:tr></w:tbl>",
        cell("<w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/></w:r></w:p>"),
        cell(
            "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr><w:t>x</w:t></w:r></w:p>"
        ),
        cell(
            "<w:p><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:tab/><w:t>Sensors</w:t></w:r></w:p>"
        ),
    );
    let wb = workbook(read_docx("g.docx", &docx(&body, None, None)).unwrap());
    let s = &wb.sheets[0];
    assert_eq!(text(s, 0, 0), "✓");
    assert_eq!(text(s, 0, 1), "☒");
    assert_eq!(text(s, 0, 2), "•\tSensors");
}

#[test]
fn nested_tables_are_sheets_of_their_own_after_their_parent() {
    let inner = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", cell(&p("inner")));
    let body = format!(
        "{}<w:tbl><w:tr>{}</w:tr></w:tbl>{}<w:tbl><w:tr>{}</w:tr></w:tbl>{}",
        p("Title"),
        cell(&format!("{}{inner}<w:p/>", p("outer"))),
        p("between"),
        cell(&p("second")),
        p("Signature"),
    );
    let wb = workbook(read_docx("n.docx", &docx(&body, None, None)).unwrap());
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "text before table 1",
            "table 1",
            "table 1.1",
            "text before table 2",
            "table 2",
            "text after table 2"
        ]
    );
    assert_eq!(text(&wb.sheets[1], 0, 0), "outer");
    assert_eq!(text(&wb.sheets[2], 0, 0), "inner");
}

#[test]
fn tables_nested_past_the_depth_limit_refuse_the_file_and_below_it_are_read() {
    let nested = |n: usize| {
        let mut body = p("deepest");
        for _ in 0..n {
            body = format!(
                "<w:tbl><w:tr>{}</w:tr></w:tbl>",
                cell(&format!("{body}<w:p/>"))
            );
        }
        docx(&body, None, None)
    };
    let limits = |depth| Limits {
        depth,
        ..Default::default()
    };
    // Deeper than 8 tables are flattened into their cell, still read.
    let wb = workbook(read_docx_within("n.docx", &nested(20), &limits(20)).unwrap());
    assert_eq!(wb.sheets.len(), 8);
    assert!(text(&wb.sheets[7], 0, 0).contains("deepest"));
    let err = read_docx_within("n.docx", &nested(21), &limits(20)).unwrap_err();
    assert!(
        matches!(&err, ImportError::LimitExceeded { limit: "depth", detail } if detail.contains("nested more than 20")),
        "{err:?}"
    );
    // Elements nested past 16 × the limit, whatever they are.
    let deep = format!("{}{}", "<w:sdt>".repeat(400), "</w:sdt>".repeat(400));
    let err = read_docx_within("n.docx", &docx(&deep, None, None), &limits(20)).unwrap_err();
    assert!(
        matches!(&err, ImportError::LimitExceeded { limit: "depth", detail } if detail.contains("320 deep")),
        "{err:?}"
    );
}

#[test]
fn text_boxes_and_alternate_content_are_read_once() {
    let body = "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>";
    let wb = workbook(read_docx("t.docx", &docx(body, None, None)).unwrap());
    assert_eq!(wb.sheets[0].name, "text");
    assert_eq!(text(&wb.sheets[0], 0, 0), "Anchor");
    assert_eq!(text(&wb.sheets[0], 1, 0), "Boxed");
    assert_eq!(wb.sheets[0].row_end(), 2);
}

#[test]
fn a_spreadsheet_is_refused_at_once() {
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#).unwrap();
    zip.start_file("xl/workbook.xml", opts).unwrap();
    zip.write_all(b"<workbook/>").unwrap();
    zip.finish().unwrap();
    let err = read_docx("x.docx", &buf.into_inner()).unwrap_err();
    assert!(
        matches!(&err, ImportError::WrongType { found, .. } if found.contains("Excel")),
        "{err:?}"
    );
}

#[test]
fn broken_xml_is_corrupt_with_its_place() {
    let err = read_docx(
        "b.docx",
        &docx("<w:p><w:r><w:t>oops</w:r></w:p>", None, None),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Corrupt { detail } if detail.contains("word/document.xml") && detail.contains("byte")),
        "{err:?}"
    );
}

#[test]
fn an_entity_xml_does_not_define_is_an_error_at_its_place_not_lost_text() {
    let err = read_docx(
        "b.docx",
        &docx(&p("Maintenance&nbsp;of vehicles"), None, None),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Corrupt { detail } if detail.contains("&nbsp;") && detail.contains("word/document.xml") && detail.contains("byte")),
        "{err:?}"
    );
    // The five XML defines, and character references, are read.
    let doc = read_docx("b.docx", &docx(&p("A&amp;B&#160;C&lt;"), None, None)).unwrap();
    let sheets = workbook(doc).sheets;
    assert_eq!(text(&sheets[0], 0, 0), "A&B\u{a0}C<");
}

#[test]
fn a_doctype_in_a_word_part_is_an_unsupported_format() {
    let bytes = docx(&p("x"), None, None);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut part, &mut text).unwrap();
        if name == "word/document.xml" {
            text = text.replacen("?>", "?><!DOCTYPE w:document [<!ENTITY x \"y\">]>", 1);
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    let err = read_docx("b.docx", out.get_ref()).unwrap_err();
    assert!(
        matches!(&err, ImportError::Unsupported { what, .. } if what.contains("DOCTYPE") && what.contains("word/document.xml")),
        "{err:?}"
    );
}

#[test]
fn part_targets_resolve_against_their_folder() {
    assert_eq!(join_part("word", "styles.xml"), "word/styles.xml");
    assert_eq!(join_part("word", "../custom/n.xml"), "custom/n.xml");
    assert_eq!(join_part("word", "/word/s.xml"), "word/s.xml");
}

#[test]
fn parts_say_what_they_are_and_where_without_being_named() {
    let inner = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", cell(&p("inner")));
    let body = format!(
        "{}<w:tbl><w:tr>{}</w:tr></w:tbl>{}",
        p("Title"),
        cell(&format!("{}{inner}<w:p/>", p("outer"))),
        p("Signature"),
    );
    let document = read_docx("n.docx", &docx(&body, None, None)).unwrap();
    let kinds: Vec<String> = document
        .parts
        .iter()
        .map(|part| match part {
            Part::Paragraphs(p) => format!("{:?} {:?}", p.place, p.lines),
            Part::Table(t) => format!("table {:?}", t.number),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Before(1) [\"Title\"]",
            "table [1]",
            "table [1, 1]",
            "After(1) [\"Signature\"]"
        ]
    );
    assert!(document.parts[0].is_text() && !document.parts[1].is_text());
    assert_eq!(document.parts[2].name(), "table 1.1");
}

#[test]
fn a_document_without_tables_is_one_run_of_paragraphs() {
    let document = read_docx(
        "t.docx",
        &docx(&format!("{}{}", p("a"), p("b")), None, None),
    )
    .unwrap();
    assert_eq!(document.parts.len(), 1);
    let Part::Paragraphs(text) = &document.parts[0] else {
        panic!("{:?}", document.parts[0]);
    };
    assert_eq!(text.place, TextPlace::Whole);
    assert_eq!(document.parts[0].name(), "text");
}

#[test]
fn long_lines_of_paragraphs_are_cut_where_they_are() {
    let mut document = read_docx(
        "t.docx",
        &docx(&format!("{}{}", p("short"), p("ēēēēēē")), None, None),
    )
    .unwrap();
    assert_eq!(document.cut_long_texts(5), [("text".to_string(), 1, 0, 6)]);
    let Part::Paragraphs(text) = &document.parts[0] else {
        panic!()
    };
    assert_eq!(text.lines, ["short", "ēēēēē"]);
}
