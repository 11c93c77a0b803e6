//! The built-in layouts: a Learning Agreement and a Memorandum of
//! Understanding following the ECVET templates section by section (A4,
//! numbered headings, form tables, ☐/☒ tick boxes, signature blocks, "Page X
//! of Y" footers), in one or several languages.
//!
//! Each layout is written as a template with placeholders (that is what
//! `europass template docx` hands a school to restyle) and the built-in
//! documents are that template filled, blanks left for what the data lacks.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, HeightRule, LineSpacing, NumPages, PageMargin,
    PageNum, Paragraph, Run, RunFonts, Shading, Style, StyleType, Table, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use super::Kind;
use super::labels::{FALLBACK, Labels};
use super::package::{PackageError, PackageWriter};

/// A4 in twentieths of a point, with 2 cm margins.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN: i32 = 1134;
/// The text width.
const WIDTH: usize = (PAGE_WIDTH as usize) - 2 * (MARGIN as usize);
const LABEL_WIDTH: usize = 3500;
const LABEL_FILL: &str = "E8ECF2";
const ACCENT: &str = "1F3864";
const SECOND_LANGUAGE: &str = "595959";
const FONT: &str = "Calibri";
const SYMBOL_FONT: &str = "Segoe UI Symbol";

struct Writer {
    labels: Vec<Labels>,
}

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}

impl Writer {
    /// The label in every document language; `{language}` is replaced by
    /// `{{<language_placeholder>.<lang>}}` in each.
    fn texts(&self, key: &str, language_placeholder: Option<&str>) -> Vec<String> {
        self.labels
            .iter()
            .map(|l| {
                let t = l.get(key).to_string();
                match language_placeholder {
                    Some(p) => t.replace("{language}", &format!("{{{{{p}.{}}}}}", l.language())),
                    None => t,
                }
            })
            .collect()
    }

    /// A label paragraph: the first language plain, the others below it in grey italics.
    fn label_paragraph(&self, key: &str, language_placeholder: Option<&str>) -> Paragraph {
        let mut p = Paragraph::new();
        for (i, t) in self
            .texts(key, language_placeholder)
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                p = p.add_run(Run::new().add_text(t));
            } else {
                p = p.add_run(
                    Run::new()
                        .add_break(BreakType::TextWrapping)
                        .add_text(t)
                        .italic()
                        .color(SECOND_LANGUAGE)
                        .size(16),
                );
            }
        }
        p
    }

    /// One line, the languages joined by " / " (headings).
    fn joined(&self, key: &str) -> String {
        let mut seen: Vec<String> = Vec::new();
        for t in self.texts(key, None) {
            if !seen.contains(&t) {
                seen.push(t);
            }
        }
        seen.join(" / ")
    }

    fn heading(&self, level: usize, number: Option<&str>, key: &str) -> Paragraph {
        let text = match number {
            Some(n) => format!("{n} {}", self.joined(key)),
            None => self.joined(key),
        };
        Paragraph::new()
            .style(if level == 1 { "Heading1" } else { "Heading2" })
            .keep_next(true)
            .add_run(Run::new().add_text(text))
    }

    /// A paragraph of fixed text, one per language (later ones in grey italics).
    fn prose(&self, key: &str) -> Vec<Paragraph> {
        self.texts(key, None)
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let run = Run::new().add_text(t);
                Paragraph::new().add_run(if i == 0 {
                    run
                } else {
                    run.italic().color(SECOND_LANGUAGE)
                })
            })
            .collect()
    }

    /// A paragraph per text, one per document language: the first plain,
    /// the others in grey italics.
    fn styled(&self, texts: impl Iterator<Item = String>) -> Vec<Paragraph> {
        texts
            .enumerate()
            .map(|(i, t)| {
                let run = Run::new().add_text(t);
                Paragraph::new().add_run(if i == 0 {
                    run
                } else {
                    run.italic().color(SECOND_LANGUAGE)
                })
            })
            .collect()
    }

    /// A label cell and a value cell of several paragraphs.
    fn row_paragraphs(&self, key: &str, values: Vec<Paragraph>) -> TableRow {
        let mut cell = TableCell::new();
        for p in values {
            cell = cell.add_paragraph(p);
        }
        TableRow::new(vec![
            TableCell::new()
                .add_paragraph(self.label_paragraph(key, None))
                .width(LABEL_WIDTH, WidthType::Dxa)
                .shading(Shading::new().fill(LABEL_FILL)),
            cell.width(WIDTH - LABEL_WIDTH, WidthType::Dxa),
        ])
        .cant_split()
    }

    /// A label cell and a value cell.
    fn row(&self, key: &str, value: Paragraph) -> TableRow {
        self.row_with(self.label_paragraph(key, None), value)
    }

    /// A form row; it never splits across pages, which would leave a
    /// value's last lines at the top of a page without their label.
    fn row_with(&self, label: Paragraph, value: Paragraph) -> TableRow {
        TableRow::new(vec![
            TableCell::new()
                .add_paragraph(label)
                .width(LABEL_WIDTH, WidthType::Dxa)
                .shading(Shading::new().fill(LABEL_FILL)),
            TableCell::new()
                .add_paragraph(value)
                .width(WIDTH - LABEL_WIDTH, WidthType::Dxa),
        ])
        .cant_split()
    }

    /// A row with a tall empty-looking value box for writing by hand.
    fn tall_row(&self, key: &str, value: Paragraph) -> TableRow {
        self.row(key, value)
            .row_height(1100.0)
            .height_rule(HeightRule::AtLeast)
    }

    fn form(&self, rows: Vec<TableRow>) -> Table {
        Table::new(rows)
            .set_grid(vec![LABEL_WIDTH, WIDTH - LABEL_WIDTH])
            .width(WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
    }

    /// The usual block of an organisation: name, registration, address, …
    fn organisation_rows(&self, prefix: &str, with_contact: bool) -> Vec<TableRow> {
        let mut rows = vec![
            self.row("field.name", value(&format!("{prefix}.name"))),
            self.row(
                "field.registration",
                value(&format!("{prefix}.registration")),
            ),
            self.row("field.address", value(&format!("{prefix}.address"))),
            self.row("field.country", value(&format!("{prefix}.country"))),
            self.row("field.phone", value(&format!("{prefix}.phone"))),
            self.row("field.email", value(&format!("{prefix}.email"))),
            self.row("field.website", value(&format!("{prefix}.website"))),
        ];
        if with_contact {
            rows.extend(self.person_rows("field.contact_person", &format!("{prefix}.contact")));
        }
        rows
    }

    /// Name and position on one row, telephone and e-mail on the next ones,
    /// their labels indented under the person's: right below an
    /// organisation's own telephone and e-mail, the same labels unindented
    /// read as a second number of the organisation.
    fn person_rows(&self, key: &str, prefix: &str) -> Vec<TableRow> {
        let sub = |key: &str| {
            self.label_paragraph(key, None)
                .indent(Some(284), None, None, None)
        };
        vec![
            self.row(key, name_and_position(prefix)),
            self.row_with(sub("field.phone"), value(&format!("{prefix}.phone"))),
            self.row_with(sub("field.email"), value(&format!("{prefix}.email"))),
        ]
    }

    /// A paragraph that holds only a block tag (removed when filled).
    fn tag(&self, tag: &str) -> Paragraph {
        Paragraph::new().add_run(Run::new().add_text(tag))
    }

    fn tag_owned(&self, tag: String) -> Paragraph {
        Paragraph::new().add_run(Run::new().add_text(tag))
    }

    fn footer(&self) -> Footer {
        let mut p = Paragraph::new().align(AlignmentType::Right);
        for (i, l) in self.labels.iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_text("  ·  ").size(16).color(SECOND_LANGUAGE));
            }
            // "Page {page} of {pages}" with the two numbers as Word fields.
            let text = l.get("footer.page");
            let (before, rest) = text.split_once("{page}").unwrap_or((text, ""));
            let (middle, after) = rest.split_once("{pages}").unwrap_or((rest, ""));
            let small = |t: &str| Run::new().add_text(t).size(16).color(SECOND_LANGUAGE);
            p = p
                .add_run(small(before))
                .add_page_num(PageNum::new())
                .add_run(small(middle))
                .add_num_pages(NumPages::new())
                .add_run(small(after));
        }
        Footer::new().add_paragraph(p)
    }

    fn header(&self, text: String) -> Header {
        Header::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text(text).size(16).color(SECOND_LANGUAGE)),
        )
    }

    fn tick_row(&self, items: &[(&str, &str)]) -> Paragraph {
        // (tick placeholder or fixed box, label key)
        let mut p = Paragraph::new();
        for (i, (tick, key)) in items.iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            p = p
                .add_run(Run::new().add_text(*tick).fonts(fonts(SYMBOL_FONT)))
                .add_run(Run::new().add_text(format!(" {}", self.joined(key))));
        }
        p
    }

    fn signature_table(&self) -> Table {
        // Kept with the next row: the header never sits alone at a page's foot.
        let head = |key: &str| {
            TableCell::new()
                .add_paragraph(self.label_paragraph(key, None).keep_next(true))
                .shading(Shading::new().fill(LABEL_FILL))
        };
        let widths = [2600, 2700, 2000, WIDTH - 7300];
        let header = TableRow::new(vec![
            head("field.organisation").width(widths[0], WidthType::Dxa),
            head("field.full_name").width(widths[1], WidthType::Dxa),
            head("field.place").width(widths[2], WidthType::Dxa),
            head("field.signature").width(widths[3], WidthType::Dxa),
        ])
        .cant_split();
        let place_label = self.joined("field.place");
        let date_label = self.joined("field.date");
        let row = TableRow::new(vec![
            TableCell::new()
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text("{{#signatories}}{{signatory.role}}").bold()),
                )
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(
                    "{{signatory.organisation}}{{#if signatory.country}}, {{signatory.country}}{{/if}}",
                )))
                .width(widths[0], WidthType::Dxa),
            TableCell::new()
                .add_paragraph(name_and_position("signatory"))
                .width(widths[1], WidthType::Dxa),
            TableCell::new()
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("{place_label}: ")).color(SECOND_LANGUAGE).size(16))
                        .add_run(Run::new().add_text("{{signatory.place}}")),
                )
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("{date_label}: ")).color(SECOND_LANGUAGE).size(16))
                        .add_run(Run::new().add_text("{{signatory.date}}")),
                )
                .width(widths[2], WidthType::Dxa),
            TableCell::new()
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text("{{/signatories}}")))
                .width(widths[3], WidthType::Dxa),
        ])
        .row_height(1000.0)
        .height_rule(HeightRule::AtLeast)
        .cant_split();
        Table::new(vec![header, row])
            .set_grid(widths.to_vec())
            .width(WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
    }

    /// The knowledge, skills and competence of a unit, each under its heading
    /// row; outcomes whose source gives no category under "Learning
    /// outcomes", a group shown only when the unit has such outcomes.
    fn outcomes_table(&self) -> Table {
        let mut rows = Vec::new();
        for (list, key, only_if_any) in [
            ("knowledge", "category.knowledge", false),
            ("skills", "category.skill", false),
            ("competences", "category.competence", false),
            ("unspecified_outcomes", "category.unspecified", true),
        ] {
            let mut heading = TableCell::new();
            if only_if_any {
                // Tags in two rows keep or drop both rows whole.
                heading = heading.add_paragraph(self.tag_owned(format!("{{{{#if {list}}}}}")));
            }
            rows.push(
                TableRow::new(vec![
                    heading
                        .add_paragraph(self.label_paragraph(key, None).keep_next(true))
                        .shading(Shading::new().fill(LABEL_FILL))
                        .width(WIDTH, WidthType::Dxa),
                ])
                .cant_split(),
            );
            // One paragraph per outcome, inside the cell.
            let mut items = TableCell::new()
                .add_paragraph(self.tag_owned(format!("{{{{#{list}}}}}")))
                .add_paragraph(list_item(1, "•\t{{outcome.text}}"))
                // Its sub-points, as the transcript lists them: a second
                // level under the statement, in the same unsplittable row.
                .add_paragraph(self.tag("{{#details}}"))
                .add_paragraph(list_item(2, "–\t{{detail.text}}"))
                .add_paragraph(self.tag("{{/details}}"))
                .add_paragraph(self.tag_owned(format!("{{{{/{list}}}}}")));
            if only_if_any {
                items = items.add_paragraph(self.tag_owned("{{/if}}".to_string()));
            }
            rows.push(
                TableRow::new(vec![items.width(WIDTH, WidthType::Dxa)])
                    // Whole, unless taller than a page (Word and LibreOffice split those).
                    .cant_split(),
            );
        }
        Table::new(rows)
            .set_grid(vec![WIDTH])
            .width(WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
    }

    /// A table with a header row and one row of cells (a loop row or blanks).
    fn list_table<const N: usize>(&self, keys: &[&str; N], cells: [&str; N]) -> Table {
        let width = WIDTH / N;
        let header = TableRow::new(
            keys.iter()
                .map(|k| {
                    TableCell::new()
                        .add_paragraph(self.label_paragraph(k, None).keep_next(true))
                        .shading(Shading::new().fill(LABEL_FILL))
                        .width(width, WidthType::Dxa)
                })
                .collect(),
        )
        .cant_split();
        let row = TableRow::new(
            cells
                .iter()
                .map(|c| {
                    TableCell::new()
                        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*c)))
                        .width(width, WidthType::Dxa)
                })
                .collect(),
        )
        .row_height(500.0)
        .height_rule(HeightRule::AtLeast)
        .cant_split();
        Table::new(vec![header, row])
            .set_grid(vec![width; N])
            .width(WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
    }

    fn docx(&self) -> Docx {
        let heading = |id: &str, name: &str, size: usize, outline: usize| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(size)
                .bold()
                .color(ACCENT)
                .fonts(fonts(FONT))
                .outline_lvl(outline)
                .line_spacing(LineSpacing::new().before(240).after(80))
        };
        Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .left(MARGIN)
                    .right(MARGIN)
                    .header(567)
                    .footer(567),
            )
            .default_fonts(fonts(FONT))
            .default_size(20)
            .default_line_spacing(LineSpacing::new().after(60))
            .add_style(
                Style::new("Title", StyleType::Paragraph)
                    .name("Title")
                    .based_on("Normal")
                    .q_format(true)
                    .size(36)
                    .bold()
                    .color(ACCENT)
                    .fonts(fonts(FONT)),
            )
            .add_style(heading("Heading1", "heading 1", 26, 0))
            .add_style(heading("Heading2", "heading 2", 22, 1))
    }
}

/// `{{name}}` followed by a closing tag in the same run.
fn value_then(name: &str, tag: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(format!("{{{{{name}}}}}{tag}")))
}

fn value(name: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(format!("{{{{{name}}}}}")))
}

/// "Name, position", the comma only when there is a position.
fn name_and_position(prefix: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(format!(
        "{{{{{prefix}.name}}}}{{{{#if {prefix}.position}}}}, {{{{{prefix}.position}}}}{{{{/if}}}}"
    )))
}

fn learning_agreement(w: &Writer) -> Docx {
    let d = opening(
        w,
        "la",
        "{{learner.full_name}}",
        vec![
            w.row("field.project_code", value("mobility.project_code")),
            w.row("field.mobility_id", value("mobility.id")),
        ],
    );
    let d = la_participants(w, d);
    let d = la_duration(w, d);
    let d = la_qualification(w, d);
    let d = la_units(w, d);
    let d = la_assessment(w, d);
    let d = la_validation(w, d);
    la_signatures(w, d)
}

/// A document's start: the page header naming whom it is for (`who`), the
/// title and subtitle of `kind` (`la`, `mou`) and a small table of `rows`.
fn opening(w: &Writer, kind: &str, who: &str, rows: Vec<TableRow>) -> Docx {
    let title = w.joined(&format!("{kind}.title"));
    // The running header names the title in the first language only: with
    // every language and both organisations it wraps to two lines.
    let short = w.texts(&format!("{kind}.title"), None).remove(0);
    w.docx()
        .header(w.header(format!("{short} — {who}")))
        .footer(w.footer())
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(title)),
        )
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(w.joined(&format!("{kind}.subtitle")))
                    .italic(),
            ),
        )
        .add_table(w.form(rows))
}

/// Section 1 of the document: Participants.
fn la_participants(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("1."), "la.s1"))
        .add_paragraph(w.heading(2, None, "la.s1_sending"))
        .add_table(w.form(w.organisation_rows("sending", true)))
        .add_paragraph(w.heading(2, None, "la.s1_host"))
        .add_table(w.form({
            let mut rows = w.organisation_rows("host", true);
            rows.extend(w.person_rows("field.mentor", "host.mentor"));
            rows
        }))
        .add_paragraph(w.heading(2, None, "la.s1_learner"))
        .add_table(w.form(vec![
            w.row("field.full_name", value("learner.full_name")),
            w.row("field.date_of_birth", value("learner.date_of_birth")),
            w.row("field.nationality", value("learner.nationality")),
            w.row("field.address", value("learner.address")),
            w.row("field.phone", value("learner.phone")),
            w.row("field.email", value("learner.email")),
            w.row("field.learner_id", value("learner.id")),
        ]))
        .add_paragraph(w.tag("{{#if learner.is_minor}}"))
        .add_paragraph(w.heading(2, None, "la.s1_guardian"))
        .add_table(w.form(vec![
            w.row("field.full_name", value("guardian.name")),
            w.row("field.phone", value("guardian.phone")),
            w.row("field.email", value("guardian.email")),
        ]))
        .add_paragraph(w.tag("{{/if}}"))
        .add_paragraph(w.tag("{{#if intermediary.name}}"))
        .add_paragraph(w.heading(2, None, "la.s1_intermediary"))
        .add_table(w.form(w.organisation_rows("intermediary", true)))
        .add_paragraph(w.tag("{{/if}}"));
    d
}

/// Section 2 of the document: Duration.
fn la_duration(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("2."), "la.s2"))
        .add_table(w.form(vec![
            w.row("field.start", value("mobility.start")),
            w.row("field.end", value("mobility.end")),
            w.row("field.weeks", value("mobility.weeks")),
            w.row("field.objective", value("mobility.objective")),
            // The placement's tasks as a whole, once; each unit in section 4
            // lists only the activities planned for it.
            w.row("field.tasks", value("mobility.tasks")),
        ]));
    d
}

/// Section 3 of the document: Qualification, its title in each language the round gives.
fn la_qualification(w: &Writer, mut d: Docx) -> Docx {
    let mut title_label =
        Paragraph::new().add_run(Run::new().add_text("{{#qualification.titles}}"));
    for run in w
        .label_paragraph("la.s3_title", Some("title.language"))
        .children
    {
        if let docx_rs::ParagraphChild::Run(r) = run {
            title_label = title_label.add_run(*r);
        }
    }
    let mut untitled =
        Paragraph::new().add_run(Run::new().add_text("{{#unless qualification.titles}}"));
    for run in w.label_paragraph("field.name", None).children {
        if let docx_rs::ParagraphChild::Run(r) = run {
            untitled = untitled.add_run(*r);
        }
    }
    d = d
        .add_paragraph(w.heading(1, Some("3."), "la.s3"))
        .add_table(w.form(vec![
            w.row_with(title_label, value_then("title.text", "{{/qualification.titles}}")),
            w.row_with(untitled, Paragraph::new().add_run(Run::new().add_text("{{/unless}}"))),
            w.row("la.s3_eqf", value("qualification.eqf_level")),
            w.row("la.s3_nqf", value("qualification.nqf_level")),
            w.row("la.s3_points", value("qualification.ecvet_points")),
            w.tall_row("la.s3_progress", value("agreement.learner_progress")),
            w.row(
                "la.s3_enclosures",
                w.tick_row(&[
                    ("☐", "la.s3_enc_transcript"),
                    ("☐", "la.s3_enc_units"),
                    ("☐", "la.s3_enc_other"),
                ])
                .add_run(Run::new().add_text(": {{agreement.enclosures}}")),
            ),
        ]));
    d
}

/// Section 4 of the document: Units, each with its outcomes grouped as knowledge, skills, competence.
fn la_units(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("4."), "la.s4"))
        .add_paragraph(w.tag("{{#units}}"))
        .add_paragraph(Paragraph::new().style("Heading2").keep_next(true).add_run(
            Run::new().add_text(format!(
                "{} {{{{unit.number}}}}{{{{#if unit.code}}}} ({{{{unit.code}}}}){{{{/if}}}}",
                w.joined("la.s4_unit")
            )),
        ))
        .add_table(w.form(vec![
            w.row("la.s4_title", value("unit.title")),
            w.row(
                "la.s4_level",
                Paragraph::new().add_run(Run::new().add_text(
                    "{{unit.eqf_level}}{{#if unit.nqf_level}} / {{unit.nqf_level}}{{/if}}",
                )),
            ),
            w.row("la.s4_points", value("unit.ecvet_points")),
            w.row("la.s4_activities", value("unit.activities")),
        ]))
        .add_paragraph(
            Paragraph::new()
                .keep_next(true)
                .add_run(Run::new().add_text(w.joined("la.s4_outcomes")).bold()),
        )
        .add_table(w.outcomes_table())
        .add_paragraph(w.tag("{{/units}}"))
        .add_paragraph(w.tag("{{#unless units}}"))
        .add_table(w.form(vec![
            w.row("la.s4_title", Paragraph::new()),
            w.row("la.s4_points", Paragraph::new()),
            w.tall_row("la.s4_outcomes", Paragraph::new()),
            w.tall_row("la.s4_activities", Paragraph::new()),
        ]))
        .add_paragraph(w.tag("{{/unless}}"));
    d
}

/// Section 5 of the document: Assessment and documentation.
fn la_assessment(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("5."), "la.s5"))
        .add_table(w.form(vec![
            w.row("la.s5_assessor", value("assessment.assessor.name")),
            w.row(
                "la.s5_assessor_organisation",
                value("assessment.assessor.organisation"),
            ),
            w.row(
                "la.s5_assessor_position",
                value("assessment.assessor.position"),
            ),
            w.row("la.s5_method", value("assessment.method")),
            w.row("la.s5_when", value("assessment.when_and_where")),
            w.tall_row("la.s5_recording", value("assessment.recording")),
        ]));
    d
}

/// Section 6 of the document: Validation and recognition.
fn la_validation(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("6."), "la.s6"))
        .add_table(w.form(vec![
            w.row(
                "la.s6_responsible",
                name_and_position("validation.responsible"),
            ),
            w.row(
                "field.organisation",
                value("validation.responsible.organisation"),
            ),
            w.tall_row("la.s6_how", value("validation.procedure")),
        ]));
    d
}

/// Section 7 of the document: Signatures.
fn la_signatures(w: &Writer, mut d: Docx) -> Docx {
    d = d.add_paragraph(w.heading(1, Some("7."), "la.s7"));
    for p in w.prose("la.s7_intro") {
        d = d.add_paragraph(p);
    }
    d.add_table(w.signature_table())
}

fn memorandum(w: &Writer) -> Docx {
    let d = opening(
        w,
        "mou",
        "{{sending.name}} – {{host.name}}",
        vec![
            w.row("mou.code", value("memorandum.code")),
            w.row("field.project_code", value("memorandum.project_code")),
        ],
    );
    let d = mou_objectives(w, d);
    let d = mou_signing_organisations(w, d);
    let d = mou_other_organisations(w, d);
    let d = mou_qualifications(w, d);
    let d = mou_assessment(w, d);
    let d = mou_validity(w, d);
    let d = mou_evaluation(w, d);
    mou_signatures(w, d)
}

/// Section 0 of the document: Objectives.
fn mou_objectives(w: &Writer, mut d: Docx) -> Docx {
    d = d.add_paragraph(w.heading(1, Some("0."), "mou.s0"));
    for p in w.prose("mou.s0_text") {
        d = d.add_paragraph(p);
    }
    d = d.add_table(w.form(vec![
            w.row(
                "mou.s0_other",
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text("{{memorandum.has_other_objectives}}")
                            .fonts(fonts(SYMBOL_FONT)),
                    )
                    .add_run(Run::new().add_text(format!(" {}   ", w.joined("format.yes"))))
                    .add_run(
                        Run::new()
                            .add_text("{{memorandum.no_other_objectives}}")
                            .fonts(fonts(SYMBOL_FONT)),
                    )
                    .add_run(Run::new().add_text(format!(" {}", w.joined("format.no")))),
            ),
            w.tall_row("mou.s0_these", value("memorandum.other_objectives")),
        ]));
    d
}

/// Section 1 of the document: Organisations signing.
fn mou_signing_organisations(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("1."), "mou.s1"))
        .add_paragraph(w.tag("{{#organisations}}"))
        .add_paragraph(Paragraph::new().style("Heading2").keep_next(true).add_run(
            Run::new().add_text(format!(
                "{} {{{{organisation.number}}}}",
                w.joined("mou.s1_organisation")
            )),
        ))
        .add_table(w.form(w.organisation_rows("organisation", true)))
        .add_paragraph(w.tag("{{/organisations}}"));
    d
}

/// Section 2 of the document: Other organisations: listed, or a blank table to fill in.
fn mou_other_organisations(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("2."), "mou.s2"))
        .add_paragraph(w.tag("{{#if other_organisations}}"))
        .add_table(w.list_table(
            &["field.name", "field.country", "field.contact_person"],
            [
                "{{#other_organisations}}{{organisation.name}}",
                "{{organisation.country}}",
                "{{organisation.contact.name}}{{/other_organisations}}",
            ],
        ))
        .add_paragraph(w.tag("{{else}}"))
        .add_table(w.list_table(
            &["field.name", "field.country", "field.contact_person"],
            ["", "", ""],
        ))
        .add_paragraph(w.tag("{{/if}}"));
    d
}

/// Section 3 of the document: Qualifications with their units and the enclosures to tick.
fn mou_qualifications(w: &Writer, mut d: Docx) -> Docx {
    let mut title_label =
        Paragraph::new().add_run(Run::new().add_text("{{#qualification.titles}}"));
    for run in w
        .label_paragraph("mou.s3_title", Some("title.language"))
        .children
    {
        if let docx_rs::ParagraphChild::Run(r) = run {
            title_label = title_label.add_run(*r);
        }
    }
    let units_cell = vec![
        Paragraph::new().add_run(Run::new().add_text("{{#units}}")),
        Paragraph::new().add_run(Run::new().add_text(
            "{{#if unit.code}}{{unit.code}} – {{/if}}{{unit.title}}{{#if unit.ecvet_points}} ({{unit.ecvet_points}} ECVET){{/if}}",
        )),
        Paragraph::new().add_run(Run::new().add_text("{{/units}}")),
    ];
    let mut units_row = w.row("mou.s3_units", units_cell[0].clone());
    // Replace the value cell with the three-paragraph loop.
    let mut cell = TableCell::new().width(WIDTH - LABEL_WIDTH, WidthType::Dxa);
    for p in units_cell {
        cell = cell.add_paragraph(p);
    }
    units_row.cells[1] = docx_rs::TableRowChild::TableCell(cell);
    d = d
        .add_paragraph(w.heading(1, Some("3."), "mou.s3"))
        .add_paragraph(w.tag("{{#qualifications}}"))
        .add_paragraph(Paragraph::new().style("Heading2").keep_next(true).add_run(
            Run::new().add_text(format!(
                "{} {{{{qualification.number}}}}",
                w.joined("mou.s3_qualification")
            )),
        ))
        .add_table(w.form(vec![
            w.row("field.country", value("qualification.country")),
            w.row_with(
                title_label,
                value_then("title.text", "{{/qualification.titles}}"),
            ),
            w.row("mou.s3_eqf", value("qualification.eqf_level")),
            w.row("mou.s3_nqf", value("qualification.nqf_level")),
            units_row,
            w.row(
                "mou.s3_enclosures",
                w.tick_row(&[
                    ("☐", "mou.s3_enc_supplement"),
                    ("☐", "mou.s3_enc_outcomes"),
                    ("☐", "mou.s3_enc_units"),
                    ("☐", "mou.s3_enc_other"),
                ]),
            ),
        ]))
        .add_paragraph(w.tag("{{/qualifications}}"));
    d
}

/// Section 4 of the document: Assessment, documentation, validation and recognition.
fn mou_assessment(w: &Writer, mut d: Docx) -> Docx {
    d = d.add_paragraph(w.heading(1, Some("4."), "mou.s4"));
    for p in w.prose("mou.s4_text") {
        d = d.add_paragraph(p);
    }
    d = d.add_table(w.form(vec![w.tall_row(
        "mou.s4_procedures",
        value("memorandum.assessment_and_recognition"),
    )]));
    d
}

/// Section 5 of the document: Validity, the planned duration of a mobility
/// and the planned periods, as labelled sentences in every language.
fn mou_validity(w: &Writer, mut d: Docx) -> Docx {
    // "from 4 to 6 weeks", or "4 weeks" when every mobility lasts as long.
    let range = w.texts("mou.s5_weeks_range", None);
    let single = w.texts("mou.s5_weeks", None);
    let weeks = w.styled(range.iter().zip(&single).map(|(range, single)| {
        format!(
            "{{{{#if memorandum.weeks_range}}}}{}{{{{/if}}}}{{{{#if memorandum.weeks}}}}{}{{{{/if}}}}",
            range
                .replace("{min}", "{{memorandum.min_weeks}}")
                .replace("{max}", "{{memorandum.max_weeks}}"),
            single.replace("{weeks}", "{{memorandum.weeks}}")
        )
    }));
    let mut periods = vec![w.tag("{{#periods}}")];
    periods.extend(w.styled(w.texts("mou.s5_period", None).iter().map(|t| {
        t.replace("{learners}", "{{period.learners}}")
            .replace("{start}", "{{period.start}}")
            .replace("{end}", "{{period.end}}")
    })));
    periods.push(w.tag("{{/periods}}"));
    d = d
        .add_paragraph(w.heading(1, Some("5."), "mou.s5"))
        .add_table(w.form(vec![
            w.row("mou.s5_until", value("memorandum.valid_until")),
            w.row_paragraphs("mou.s5_duration", weeks),
            w.row_paragraphs("mou.s5_mobilities", periods),
        ]));
    d
}

/// Section 6 of the document: Evaluation and review.
fn mou_evaluation(w: &Writer, mut d: Docx) -> Docx {
    d = d
        .add_paragraph(w.heading(1, Some("6."), "mou.s6"))
        .add_table(w.form(vec![
            w.tall_row("mou.s6_by", value("memorandum.evaluation")),
        ]));
    d
}

/// Section 7 of the document: Signatures.
fn mou_signatures(w: &Writer, d: Docx) -> Docx {
    d.add_paragraph(w.heading(1, Some("7."), "mou.s7"))
        .add_table(w.signature_table())
}

/// Writes a starter template: the built-in layout of `kind` with its
/// placeholders, labelled in `languages` (the first leads).
pub fn starter(kind: Kind, languages: &[String]) -> Result<Vec<u8>, PackageError> {
    let mut labels: Vec<Labels> = languages.iter().filter_map(|l| Labels::new(l)).collect();
    if labels.is_empty() {
        labels.push(Labels::new(FALLBACK).expect("English labels"));
    }
    let w = Writer { labels };
    let docx = match kind {
        Kind::LearningAgreement => learning_agreement(&w),
        Kind::Memorandum => memorandum(&w),
    };
    pack(docx)
}

/// Zips docx-rs's parts ourselves: fixed timestamps and order, and without
/// docx-rs's per-process paragraph ids, so the same input gives the same bytes.
fn pack(docx: Docx) -> Result<Vec<u8>, PackageError> {
    let xml = docx.build();
    let para_ids = regex::bytes::Regex::new(r#" w14:paraId="[0-9A-Fa-f]+""#).expect("valid regex");
    let clean = |b: &[u8]| para_ids.replace_all(b, &b""[..]).into_owned();
    let mut w = PackageWriter::new();
    w.add("[Content_Types].xml", &xml.content_type)?;
    w.add("_rels/.rels", &xml.rels)?;
    w.add("docProps/app.xml", &xml.doc_props.app)?;
    w.add("docProps/core.xml", &xml.doc_props.core)?;
    w.add("docProps/custom.xml", &xml.doc_props.custom)?;
    w.add("word/_rels/document.xml.rels", &xml.document_rels)?;
    w.add("word/document.xml", &clean(&xml.document))?;
    w.add("word/styles.xml", &xml.styles)?;
    w.add("word/settings.xml", &xml.settings)?;
    w.add("word/fontTable.xml", &xml.font_table)?;
    w.add("word/comments.xml", &xml.comments)?;
    w.add("word/numbering.xml", &xml.numberings)?;
    w.add("word/commentsExtended.xml", &xml.comments_extended)?;
    w.add("word/footnotes.xml", &xml.footnotes)?;
    for (i, h) in xml.headers.iter().enumerate() {
        w.add(&format!("word/header{}.xml", i + 1), &clean(h))?;
        if let Some(rels) = xml.header_rels.get(i) {
            w.add(&format!("word/_rels/header{}.xml.rels", i + 1), rels)?;
        }
    }
    for (i, f) in xml.footers.iter().enumerate() {
        w.add(&format!("word/footer{}.xml", i + 1), &clean(f))?;
        if let Some(rels) = xml.footer_rels.get(i) {
            w.add(&format!("word/_rels/footer{}.xml.rels", i + 1), rels)?;
        }
    }
    w.finish()
}

/// A list item at `level` (1, 2, …): its marker hangs in the indent, so a
/// wrapped line starts under the text, not under the marker.
fn list_item(level: i32, text: &str) -> Paragraph {
    const STEP: i32 = 284;
    Paragraph::new()
        .indent(
            Some(STEP * level),
            Some(docx_rs::SpecialIndentType::Hanging(STEP)),
            None,
            None,
        )
        .add_run(Run::new().add_text(text))
}
