//! The two faces every transcript is set in — DejaVu Sans regular and bold,
//! built into the binary (`assets/fonts/`, with their licence) — and the
//! measurements the layout needs.
//!
//! Text is measured and drawn glyph by glyph with the same advances, so a
//! line the layout found to fit is exactly as wide on the page. System fonts
//! are never used: the same input gives the same file on every machine.

use std::sync::LazyLock;

/// DejaVu Sans 2.37, regular.
static REGULAR_DATA: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans 2.37, bold.
static BOLD_DATA: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Code points below this are looked up once, when the face is loaded:
/// Latin, Greek, Cyrillic, punctuation, arrows and the ballot boxes ☐ ☒.
const DENSE: usize = 0x2700;

/// The weight of a face.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Headings and labels.
    Bold,
}

/// A loaded face: its metrics, a glyph table and the font handed to the PDF writer.
pub struct Face {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    ascender: f32,
    descender: f32,
    /// `glyph id << 16 | advance` for each code point below [`DENSE`]; 0 when the face lacks it.
    dense: Box<[u32]>,
    pdf: krilla::text::Font,
}

impl Face {
    fn load(data: &'static [u8], what: &str) -> Face {
        // The files are part of the binary: failing to parse them is a build defect.
        let face = ttf_parser::Face::parse(data, 0)
            .unwrap_or_else(|e| panic!("the built-in font {what} cannot be parsed: {e}"));
        let pdf = krilla::text::Font::new(data.into(), 0)
            .unwrap_or_else(|| panic!("the built-in font {what} cannot be read by krilla"));
        let mut dense = vec![0u32; DENSE].into_boxed_slice();
        for (cp, slot) in dense.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(cp as u32)
                && let Some(g) = face.glyph_index(c)
                && g.0 != 0
            {
                let advance = face.glyph_hor_advance(g).unwrap_or(0);
                *slot = (u32::from(g.0) << 16) | u32::from(advance);
            }
        }
        Face {
            units_per_em: f32::from(face.units_per_em()),
            ascender: f32::from(face.ascender()),
            descender: f32::from(face.descender()),
            dense,
            pdf,
            face,
        }
    }

    /// The glyph and its advance (font units) for `c`, if the face has it.
    pub fn glyph(&self, c: char) -> Option<(u16, u16)> {
        let cp = c as usize;
        if cp < DENSE {
            let v = self.dense[cp];
            return (v != 0).then_some(((v >> 16) as u16, (v & 0xFFFF) as u16));
        }
        let g = self.face.glyph_index(c).filter(|g| g.0 != 0)?;
        Some((g.0, self.face.glyph_hor_advance(g).unwrap_or(0)))
    }

    /// Whether the face can show `c`.
    pub fn covers(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// Width of `text` at `size` points. Characters the face lacks count as
    /// the replacement they will be drawn as (see [`printable`]).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.glyph(c).map(|g| g.1).unwrap_or(0)))
            .sum();
        units as f32 * size / self.units_per_em
    }

    /// Font units per em.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// Height above the baseline at `size`.
    pub fn ascent(&self, size: f32) -> f32 {
        self.ascender * size / self.units_per_em
    }

    /// Depth below the baseline at `size` (positive).
    pub fn descent(&self, size: f32) -> f32 {
        -self.descender * size / self.units_per_em
    }

    /// The font as the PDF writer takes it.
    pub fn pdf_font(&self) -> krilla::text::Font {
        self.pdf.clone()
    }
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(REGULAR_DATA, "DejaVuSans.ttf"));
static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(BOLD_DATA, "DejaVuSans-Bold.ttf"));

/// The face of `weight` (loaded and measured once per process).
pub fn face(weight: Weight) -> &'static Face {
    match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    }
}

/// What a character the fonts cannot show is printed as.
pub const REPLACEMENT: char = '\u{FFFD}';

/// `text` made drawable: Unicode composed (NFC, so "a" + combining macron is
/// one "ā"), tabs as spaces, other control characters dropped, and each
/// character neither face has replaced by [`REPLACEMENT`]. Returns the text
/// and the characters that were replaced.
pub fn printable(text: &str) -> (String, Vec<char>) {
    use unicode_normalization::UnicodeNormalization;
    let mut missing = Vec::new();
    let regular = face(Weight::Regular);
    let bold = face(Weight::Bold);
    let mut out = String::with_capacity(text.len());
    let simple = text
        .bytes()
        .all(|b| (0x20..0x7F).contains(&b) || b == b'\n');
    let composed: Box<dyn Iterator<Item = char>> = if simple {
        Box::new(text.chars())
    } else {
        Box::new(text.nfc())
    };
    for c in composed {
        match c {
            '\n' => out.push('\n'),
            '\r' => {}
            '\t' | '\u{A0}' | '\u{2007}' | '\u{202F}' => out.push(' '),
            c if c.is_control() => {}
            // Invisible format characters (soft hyphen, zero-width space, BOM) have no glyph and need none.
            '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => {}
            c if regular.covers(c) && bold.covers(c) => out.push(c),
            c => {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                out.push(REPLACEMENT);
            }
        }
    }
    (out, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_cover_every_script_a_transcript_promises() {
        let text = "Ķēniņš Žūrņa ąčęėįšųūž ĄČĘĖĮŠŲŪŽ żółć ŻÓŁĆ Ελληνικά Кириллица ☐ ☒ – € „“ ";
        for weight in [Weight::Regular, Weight::Bold] {
            for c in text.chars() {
                assert!(face(weight).covers(c), "{weight:?} lacks {c:?}");
            }
        }
        assert!(face(Weight::Regular).covers(REPLACEMENT));
    }

    #[test]
    fn text_is_composed_and_what_no_font_shows_is_replaced_and_reported() {
        let (text, missing) = printable("a\u{304}\tb\u{1}c 漢\r\n字");
        assert_eq!(text, "ā bc \u{FFFD}\n\u{FFFD}");
        assert_eq!(missing, ['漢', '字']);
    }

    #[test]
    fn widths_grow_with_size_and_bold_is_wider() {
        let r = face(Weight::Regular);
        let b = face(Weight::Bold);
        assert!((r.width("Vārds", 20.0) - 2.0 * r.width("Vārds", 10.0)).abs() < 1e-3);
        assert!(b.width("Vārds", 10.0) > r.width("Vārds", 10.0));
        assert_eq!(r.width("", 10.0), 0.0);
    }
}
