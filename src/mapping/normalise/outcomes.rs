//! A cell of bullet points into separate learning-outcome statements.
//!
//! Schools paste bulleted lists from Word into one cell: `•` or Word's
//! Symbol-font bullet (U+F0B7) for items, `o` for sub-items, wrapped lines,
//! headings ending in `:` and an intro like "He/she knows:". Each top-level
//! item becomes one statement; sub-items stay attached to their parent; a
//! heading is kept as a prefix of the items under it so no words are lost.

/// One learning-outcome statement and the sub-points under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeLine {
    /// The statement.
    pub text: String,
    /// Second-level points under it.
    pub details: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// `•`, `-`, `*`, … : a bullet of this character.
    Bullet(char),
    /// `1.`, `2)`, `a)`.
    Number,
}

struct Line<'a> {
    indent: usize,
    marker: Option<Marker>,
    text: &'a str,
}

const BULLETS: &[char] = &[
    '•', '·', '▪', '■', '◦', '○', '●', '►', '▸', '‣', '⁃', '-', '–', '—', '*', '\u{f0b7}',
    '\u{f0a7}', '\u{f076}', '\u{f0d8}', '\u{f0fc}', '✓', '✔', '➢', '→', '□',
];

fn parse_line(raw: &str) -> Line<'_> {
    let indent = raw
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let t = raw.trim();
    let mut chars = t.chars();
    if let Some(first) = chars.next() {
        let rest = chars.as_str();
        if BULLETS.contains(&first) {
            // "-3" or "–" inside a sentence is not a bullet; a bullet is followed by space or text.
            let follows_space = rest.starts_with(char::is_whitespace);
            if follows_space || !matches!(first, '-' | '–' | '—') {
                return Line {
                    indent,
                    marker: Some(Marker::Bullet(first)),
                    text: rest.trim(),
                };
            }
        }
        if first == 'o' && rest.starts_with([' ', '\t']) {
            return Line {
                indent,
                marker: Some(Marker::Bullet('o')),
                text: rest.trim(),
            };
        }
        if let Some(rest) = numbered(t) {
            return Line {
                indent,
                marker: Some(Marker::Number),
                text: rest.trim(),
            };
        }
    }
    Line {
        indent,
        marker: None,
        text: t,
    }
}

fn numbered(t: &str) -> Option<&str> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let head = if digits > 0 && digits <= 2 {
        digits
    } else if t.len() > 1 && t.as_bytes()[0].is_ascii_lowercase() && t.as_bytes()[1] == b')' {
        1
    } else {
        return None;
    };
    let rest = &t[head..];
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    rest.starts_with(char::is_whitespace).then_some(rest)
}

/// Splits `text` into statements. `intro` holds normalised intro phrases
/// ("he she knows") that are labels, not statements; `normalise` is the
/// header normaliser used to compare them.
pub fn outcome_lines(text: &str, is_intro: impl Fn(&str) -> bool) -> Vec<OutcomeLine> {
    let lines: Vec<Line> = text
        .split(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map(parse_line)
        .filter(|l| !l.text.is_empty())
        .filter(|l| !is_intro(l.text))
        .collect();
    let any_marker = lines.iter().any(|l| l.marker.is_some());
    let top = lines.iter().find_map(|l| l.marker.map(|m| (m, l.indent)));

    let mut out: Vec<OutcomeLine> = Vec::new();
    let mut heading: Option<String> = None;
    // Whether the last thing appended was a detail (continuations go there).
    let mut in_detail = false;
    for (i, line) in lines.iter().enumerate() {
        let next_is_item = lines
            .get(i + 1)
            .is_some_and(|n| n.marker.is_some() || !any_marker);
        match line.marker {
            None if line.text.ends_with(':')
                && (next_is_item || !any_marker)
                && i + 1 < lines.len() =>
            {
                heading = Some(line.text.to_string());
                in_detail = false;
            }
            None if any_marker && !out.is_empty() => {
                let target = if in_detail {
                    out.last_mut().and_then(|o| o.details.last_mut())
                } else {
                    out.last_mut().map(|o| &mut o.text)
                };
                if let Some(t) = target {
                    join_wrapped(t, line.text);
                }
            }
            marker => {
                let is_sub = match (marker, top) {
                    (Some(m), Some((top_marker, top_indent))) => {
                        !out.is_empty() && (m != top_marker || line.indent > top_indent)
                    }
                    _ => false,
                };
                if is_sub && let Some(parent) = out.last_mut() {
                    parent.details.push(line.text.to_string());
                    in_detail = true;
                    continue;
                }
                let text = match &heading {
                    Some(h) => format!("{h} {}", line.text),
                    None => line.text.to_string(),
                };
                out.push(OutcomeLine {
                    text,
                    details: Vec::new(),
                });
                in_detail = false;
            }
        }
    }
    // A heading with nothing under it is a statement of its own.
    if out.is_empty()
        && let Some(h) = heading
    {
        out.push(OutcomeLine {
            text: h,
            details: Vec::new(),
        });
    }
    out
}

/// Appends a wrapped line: "Theory of operation –" + "integrated system".
fn join_wrapped(target: &mut String, more: &str) {
    if target.ends_with('-')
        && more.starts_with(|c: char| c.is_lowercase())
        && !target.ends_with(" -")
    {
        target.push_str(more);
    } else {
        target.push(' ');
        target.push_str(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_intro(_: &str) -> bool {
        false
    }

    fn texts(v: &[OutcomeLine]) -> Vec<&str> {
        v.iter().map(|o| o.text.as_str()).collect()
    }

    #[test]
    fn each_bullet_is_one_statement() {
        let v = outcome_lines(
            "• Apply testing procedure\n• Choose the action\n• Repair the components",
            no_intro,
        );
        assert_eq!(
            texts(&v),
            [
                "Apply testing procedure",
                "Choose the action",
                "Repair the components"
            ]
        );
    }

    #[test]
    fn wrapped_lines_join_their_bullet() {
        let v = outcome_lines(
            "\u{f0b7} Identify the elements \nconstituting the system\n\u{f0b7} Apply testing procedure",
            no_intro,
        );
        assert_eq!(
            texts(&v),
            [
                "Identify the elements constituting the system",
                "Apply testing procedure"
            ]
        );
    }

    #[test]
    fn sub_bullets_stay_with_their_parent() {
        let v = outcome_lines(
            "• Diagnose and repair the system\no Identify the symptoms\no Test the system\n• Organise the work",
            no_intro,
        );
        assert_eq!(
            texts(&v),
            ["Diagnose and repair the system", "Organise the work"]
        );
        assert_eq!(v[0].details, ["Identify the symptoms", "Test the system"]);
    }

    #[test]
    fn headings_prefix_the_items_under_them() {
        let v = outcome_lines(
            "Stability systems:\n• Theory of operation\n• Sensors",
            no_intro,
        );
        assert_eq!(
            texts(&v),
            [
                "Stability systems: Theory of operation",
                "Stability systems: Sensors"
            ]
        );
    }

    #[test]
    fn intro_phrases_are_not_statements() {
        let v = outcome_lines("He/she knows:\n- Theory\n- Circuits", |l| {
            l == "He/she knows:"
        });
        assert_eq!(texts(&v), ["Theory", "Circuits"]);
    }

    #[test]
    fn lines_without_bullets_are_separate_statements() {
        let v = outcome_lines("Knows the theory\nKnows the circuits", no_intro);
        assert_eq!(texts(&v), ["Knows the theory", "Knows the circuits"]);
    }

    #[test]
    fn numbered_items_are_statements_and_dashes_inside_text_are_not_bullets() {
        let v = outcome_lines("1. Theory – integrated system\n2) Circuits", no_intro);
        assert_eq!(texts(&v), ["Theory – integrated system", "Circuits"]);
    }
}
