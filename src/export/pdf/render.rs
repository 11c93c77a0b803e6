//! Draws laid-out pages ([`super::layout::Page`]) into a krilla document and
//! finishes it as PDF/A-3b with its attachments and metadata.

use chrono::Datelike;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};

use super::PdfError;
use super::fonts::{REPLACEMENT, face};
use super::layout::{Colour, Item, PAGE_HEIGHT, PAGE_WIDTH, Page, Style};

/// A file attached to the PDF as an associated file.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// Its name in the PDF.
    pub name: String,
    /// What it is, for a person browsing the attachments.
    pub description: String,
    /// MIME type.
    pub mime: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The document's metadata (document information and XMP).
#[derive(Clone, Debug)]
pub struct Info {
    /// Title.
    pub title: String,
    /// Short description.
    pub subject: String,
    /// Main language (a language tag).
    pub language: String,
    /// Author: the issuing school.
    pub author: String,
    /// Creation and modification date: from the data, never the clock.
    pub date: chrono::NaiveDate,
    /// A stable identifier from the data; the PDF's document id derives from it.
    pub id: String,
}

/// A run of pages with a bookmark (one learner's transcript in a bundle).
pub struct Part<'p> {
    /// The bookmark's text.
    pub bookmark: String,
    /// The pages.
    pub pages: &'p [Page],
}

/// Writes `parts` as one PDF/A-3b document. Bookmarks are written when there is more than one part.
pub fn pdf(
    parts: &[Part<'_>],
    info: &Info,
    attachments: &[Attachment],
) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| PdfError::Writer(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let date = DateTime::new(info.date.year().clamp(0, 9999) as u16)
        .month(info.date.month() as u8)
        .day(info.date.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    doc.set_metadata(
        Metadata::new()
            .title(info.title.clone())
            .description(info.subject.clone())
            .language(info.language.clone())
            .authors(vec![info.author.clone()])
            .creator(format!("europass {}", env!("CARGO_PKG_VERSION")))
            .creation_date(date)
            .document_id(info.id.clone()),
    );
    for a in attachments {
        let added = doc.embed_file(EmbeddedFile {
            path: a.name.clone(),
            mime_type: MimeType::new(a.mime),
            description: Some(a.description.clone()),
            association_kind: AssociationKind::Alternative,
            data: a.bytes.clone().into(),
            modification_date: Some(date),
            compress: Some(true),
            location: None,
        });
        if added.is_none() {
            return Err(PdfError::Writer(format!(
                "two attachments are named {}",
                a.name
            )));
        }
    }
    let mut outline = Outline::new();
    let mut first_page = 0;
    for part in parts {
        if parts.len() > 1 && !part.pages.is_empty() {
            outline.push_child(OutlineNode::new(
                part.bookmark.clone(),
                XyzDestination::new(first_page, Point::from_xy(0.0, 0.0)),
            ));
        }
        for page in part.pages {
            draw_page(&mut doc, page);
        }
        first_page += part.pages.len();
    }
    if parts.len() > 1 {
        doc.set_outline(outline);
    }
    doc.finish().map_err(|e| PdfError::Writer(format!("{e:?}")))
}

fn paint(colour: Colour) -> krilla::paint::Paint {
    let (r, g, b) = colour.rgb();
    rgb::Color::new(r, g, b).into()
}

fn draw_page(doc: &mut Document, page: &Page) {
    let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size");
    let mut p = doc.start_page_with(size);
    let mut surface = p.surface();
    for item in &page.items {
        match item {
            Item::Text {
                x,
                baseline,
                style,
                text,
            } => draw_text(&mut surface, *x, *baseline, *style, text),
            Item::Rule { from, to, width } => {
                let mut pb = PathBuilder::new();
                pb.move_to(from.0, from.1);
                pb.line_to(to.0, to.1);
                if let Some(path) = pb.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: paint(Colour::Rule),
                        width: *width,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
            Item::Shade { x, y, w, h } => {
                let mut pb = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(rect);
                }
                if let Some(path) = pb.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: paint(Colour::Shade),
                        ..Fill::default()
                    }));
                    surface.draw_path(&path);
                }
            }
        }
    }
    surface.finish();
    p.finish();
}

/// Draws one line with the advances the layout measured it with, so it is
/// exactly as wide as the layout planned. Each glyph carries its character,
/// so text extraction gives the text back.
fn draw_text(surface: &mut Surface, x: f32, baseline: f32, style: Style, text: &str) {
    let f = face(style.weight);
    let upem = f.units_per_em();
    let fallback = f.glyph(REPLACEMENT).unwrap_or((0, 0));
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(i, c)| {
            let (gid, advance) = f.glyph(c).unwrap_or(fallback);
            KrillaGlyph {
                glyph_id: GlyphId::new(u32::from(gid)),
                text_range: i..i + c.len_utf8(),
                x_advance: f32::from(advance) / upem,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            }
        })
        .collect();
    if glyphs.is_empty() {
        return;
    }
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: paint(style.colour),
        ..Fill::default()
    }));
    surface.draw_glyphs(
        Point::from_xy(x, baseline),
        &glyphs,
        f.pdf_font(),
        text,
        style.size,
        false,
    );
}
