//! The display parameters every EDC carries: titles, languages and one
//! image of the credential per language. The image is an SVG summary page
//! (learner, organisations, period, units with grades and points), small,
//! searchable, Unicode throughout, and the same bytes for the same input.

use super::json::J;
use super::{concept, lang_map, language};
use crate::export::credential::{Credential, Kind, UnitEntry};
use crate::model::{CreditSystem, MultilingualText};
use crate::vocab;

/// The `displayParameter` member.
pub(super) fn parameter(c: &Credential<'_>, title: J) -> J {
    let languages: Vec<J> = c.languages.iter().filter_map(|l| language(l)).collect();
    let primary = language(&c.primary)
        .unwrap_or_else(|| language("en").expect("English is in the language table"));
    let displays: Vec<J> = c
        .languages
        .iter()
        .filter_map(|l| language(l).map(|lang_concept| display(c, l, lang_concept)))
        .collect();
    let mut description = MultilingualText::new();
    for (l, t) in c.labels() {
        description.set(l, t.description);
    }
    J::obj([
        (
            "id",
            J::s(c.ids.urn(Kind::Node, &format!("{}/display", c.mobility.id))),
        ),
        ("type", J::st("DisplayParameter")),
        ("title", title),
        ("description", lang_map(c, &description)),
        ("language", J::A(languages)),
        ("primaryLanguage", primary),
        ("individualDisplay", J::A(displays)),
    ])
}

/// Standard base64 with padding.
pub(super) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Breaks `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Page {
    svg: String,
    y: u32,
}

const WIDTH: u32 = 595;
const HEIGHT: u32 = 842;
const LEFT: u32 = 48;
const BOTTOM: u32 = 800;

impl Page {
    fn line(&mut self, text: &str, size: u32, weight: &str, colour: &str) -> bool {
        self.line_at(LEFT, text, size, weight, colour)
    }

    fn line_at(&mut self, x: u32, text: &str, size: u32, weight: &str, colour: &str) -> bool {
        if self.y + size > BOTTOM {
            return false;
        }
        self.y += size + size / 3;
        self.svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{colour}\">{}</text>\n",
            self.y,
            esc(text)
        ));
        true
    }

    fn paragraph(&mut self, text: &str, size: u32) -> bool {
        // About half the font size per character in a sans-serif face.
        let width = ((WIDTH - 2 * LEFT) * 2 / size) as usize;
        for l in wrap(text, width) {
            if !self.line(&l, size, "normal", "#222") {
                return false;
            }
        }
        true
    }

    fn gap(&mut self, h: u32) {
        self.y += h;
    }
}

fn pick<'t>(t: &'t MultilingualText, lang: &str, primary: &str) -> &'t str {
    t.get(lang)
        .or_else(|| t.best(&[primary, "en"]))
        .unwrap_or("")
}

/// The display in `lang`: its summary page as a base64 SVG image.
fn display(c: &Credential<'_>, l: &str, lang_concept: J) -> J {
    let node = |suffix: &str| {
        J::s(c.ids.urn(
            Kind::Node,
            &format!("{}/display/{l}{suffix}", c.mobility.id),
        ))
    };
    let svg = summary_svg(c, l);
    let image = J::obj([
        ("id", node("/1/image")),
        ("type", J::st("MediaObject")),
        ("content", J::s(base64(svg.as_bytes()))),
        (
            "contentEncoding",
            concept(
                vocab::ENCODING_BASE64,
                vocab::ENCODING_SCHEME,
                "base64",
                None,
            ),
        ),
        (
            "contentType",
            concept(
                vocab::FILE_TYPE_SVG,
                vocab::FILE_TYPE_SCHEME,
                "SVG",
                Some("file-type"),
            ),
        ),
    ]);
    J::obj([
        ("id", node("")),
        ("type", J::st("IndividualDisplay")),
        ("language", lang_concept),
        (
            "displayDetail",
            J::A(vec![J::obj([
                ("id", node("/1")),
                ("type", J::st("DisplayDetail")),
                ("image", image),
                ("page", J::I(1)),
            ])]),
        ),
    ])
}

/// One summary page in `lang`.
fn summary_svg(c: &Credential<'_>, lang: &str) -> String {
    let labels = vocab::labels(lang).unwrap_or_else(|| vocab::labels("en").expect("English"));
    let words = Words::of(lang);
    let mut p = Page {
        svg: format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\n<rect width=\"{WIDTH}\" height=\"96\" fill=\"#004494\"/>\n<text x=\"{LEFT}\" y=\"60\" font-size=\"28\" font-weight=\"bold\" fill=\"#ffffff\">{}</text>\n",
            esc(labels.title)
        ),
        y: 110,
    };
    summary_people(&mut p, c, lang, &words, labels);
    if !c.mobility.tasks.is_empty() {
        p.gap(8);
        p.line(words.tasks, 12, "bold", "#004494");
        p.paragraph(pick(&c.mobility.tasks, lang, &c.primary), 10);
    }
    summary_units(&mut p, c, lang, &words);
    p.svg.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"{}\" font-size=\"8\" fill=\"#555\">{}: {} · {}</text>\n</svg>\n",
        HEIGHT - 24,
        esc(words.issued),
        c.issued.format("%d.%m.%Y"),
        esc(words.unsigned)
    ));
    p.svg
}

/// The learner, the organisations, the period and the mentor.
fn summary_people(
    p: &mut Page,
    c: &Credential<'_>,
    lang: &str,
    words: &Words,
    labels: &vocab::Labels,
) {
    let primary = c.primary.as_str();
    p.line(&c.learner_name(), 22, "bold", "#004494");
    if let Some(d) = c.learner.date_of_birth {
        p.line(
            &format!("{}: {}", words.born, d.format("%d.%m.%Y")),
            11,
            "normal",
            "#222",
        );
    }
    p.gap(8);
    p.line(
        &format!("{}: {}", words.sending, pick(&c.issuer.name, lang, primary)),
        11,
        "normal",
        "#222",
    );
    let host_country = c
        .host
        .country
        .as_ref()
        .and_then(|k| vocab::country(k.as_str()))
        .map(|k| format!(" ({})", k.name))
        .unwrap_or_default();
    p.line(
        &format!(
            "{}: {}{host_country}",
            words.host,
            pick(&c.host.name, lang, primary)
        ),
        11,
        "normal",
        "#222",
    );
    if let (Some(s), Some(e)) = (c.mobility.start, c.mobility.end) {
        p.line(
            &format!(
                "{}: {} – {}",
                words.period,
                s.format("%d.%m.%Y"),
                e.format("%d.%m.%Y")
            ),
            11,
            "normal",
            "#222",
        );
    }
    if let Some(mentor) = c.mentor {
        p.line(
            &format!("{}: {}", labels.mentor, mentor.name),
            11,
            "normal",
            "#222",
        );
    }
}

/// Each unit with its grade, points and date, as far as the page goes.
fn summary_units(p: &mut Page, c: &Credential<'_>, lang: &str, words: &Words) {
    let primary = c.primary.as_str();
    p.gap(8);
    p.line(words.units, 12, "bold", "#004494");
    for u in &c.units {
        let mut line = String::new();
        if let Some(code) = &u.unit.code {
            line.push_str(code);
            line.push(' ');
        }
        line.push_str(pick(&u.unit.title, lang, primary));
        if !p.paragraph(&line, 10) {
            break;
        }
        let facts = unit_facts(c, u, lang, words);
        if !p.line_at(LEFT + 16, &facts.join(" · "), 9, "normal", "#555") {
            break;
        }
    }
}

/// What a unit's line says under its title: its result, or that it has none yet.
fn unit_facts(c: &Credential<'_>, u: &UnitEntry<'_>, lang: &str, words: &Words) -> Vec<String> {
    let primary = c.primary.as_str();
    let mut facts = Vec::new();
    match u.result {
        Some(r) => {
            if let Some(g) = &r.grade {
                let scheme = c
                    .scheme(&g.scheme)
                    .map(|s| pick(&s.name, lang, primary).to_string())
                    .unwrap_or_else(|| g.scheme.clone());
                facts.push(format!("{}: {} ({scheme})", words.grade, g.value));
            }
            if let Some(pts) = r
                .credit_points
                .iter()
                .find(|p| p.system == CreditSystem::Ecvet)
            {
                facts.push(format!("ECVET: {}", super::decimal(pts.value)));
            }
            if let Some(d) = r.date {
                facts.push(d.format("%d.%m.%Y").to_string());
            }
        }
        None => facts.push(words.not_assessed.to_string()),
    }
    facts
}

/// Captions of the summary page.
struct Words {
    born: &'static str,
    sending: &'static str,
    host: &'static str,
    period: &'static str,
    tasks: &'static str,
    units: &'static str,
    grade: &'static str,
    not_assessed: &'static str,
    issued: &'static str,
    unsigned: &'static str,
}

impl Words {
    fn of(lang: &str) -> Words {
        match lang {
            "lv" => Words {
                born: "Dzimšanas datums",
                sending: "Nosūtošā organizācija",
                host: "Uzņemošā organizācija",
                period: "Periods",
                tasks: "Veiktie uzdevumi",
                units: "Mācīšanās rezultātu vienības",
                grade: "Vērtējums",
                not_assessed: "vēl nav novērtēts",
                issued: "Izdots",
                unsigned: "neparakstīts",
            },
            "fi" => Words {
                born: "Syntymäaika",
                sending: "Lähettävä organisaatio",
                host: "Vastaanottava organisaatio",
                period: "Ajanjakso",
                tasks: "Tehtävät",
                units: "Tutkinnon osat",
                grade: "Arvosana",
                not_assessed: "ei vielä arvioitu",
                issued: "Myönnetty",
                unsigned: "allekirjoittamaton",
            },
            "de" => Words {
                born: "Geburtsdatum",
                sending: "Entsendende Einrichtung",
                host: "Aufnehmende Einrichtung",
                period: "Zeitraum",
                tasks: "Ausgeführte Tätigkeiten",
                units: "Lernergebniseinheiten",
                grade: "Note",
                not_assessed: "noch nicht bewertet",
                issued: "Ausgestellt",
                unsigned: "nicht signiert",
            },
            _ => Words {
                born: "Date of birth",
                sending: "Sending organisation",
                host: "Host organisation",
                period: "Period",
                tasks: "Tasks carried out",
                units: "Units of learning outcomes",
                grade: "Grade",
                not_assessed: "not assessed yet",
                issued: "Issued",
                unsigned: "unsigned",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("ā<".as_bytes()), "xIE8");
    }

    #[test]
    fn long_text_wraps_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
    }
}
