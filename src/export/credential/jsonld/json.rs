//! A small JSON tree that keeps members in the order they were added, so
//! the credential reads like the official samples (`id`, `type` first) and
//! the same input always gives the same bytes.

use std::borrow::Cow;
use std::fmt::Write;

/// A JSON value.
#[derive(Clone, Debug)]
pub(super) enum J {
    /// A string.
    S(Cow<'static, str>),
    /// A whole number.
    I(i64),
    /// An array.
    A(Vec<J>),
    /// An object, members in order.
    O(Vec<(Cow<'static, str>, J)>),
}

impl J {
    /// A string (copied).
    pub(super) fn s(text: impl Into<String>) -> J {
        J::S(Cow::Owned(text.into()))
    }

    /// A fixed string (a type name, a vocabulary URI): not copied.
    pub(super) fn st(text: &'static str) -> J {
        J::S(Cow::Borrowed(text))
    }

    /// An object with these members (keys are the model's fixed names).
    pub(super) fn obj<const N: usize>(members: [(&'static str, J); N]) -> J {
        J::O(
            members
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
        )
    }

    /// Adds a member to an object, unless the value is an empty object or
    /// list (the EDC schema allows neither an empty language map nor an
    /// empty note, and an empty list says nothing).
    pub(super) fn push(&mut self, key: &'static str, value: J) {
        if value.is_empty() {
            return;
        }
        if let J::O(members) = self {
            members.push((Cow::Borrowed(key), value));
        }
    }

    /// An object or list without members.
    pub(super) fn is_empty(&self) -> bool {
        matches!(self, J::O(m) if m.is_empty()) || matches!(self, J::A(a) if a.is_empty())
    }

    /// Members of an object, items of an array.
    pub(super) fn len(&self) -> usize {
        match self {
            J::O(m) => m.len(),
            J::A(a) => a.len(),
            _ => 1,
        }
    }

    /// Writes the value indented by two spaces per level.
    pub(super) fn write_pretty(&self, out: &mut String, depth: usize) {
        match self {
            J::S(s) => string(out, s),
            J::I(n) => {
                let _ = write!(out, "{n}");
            }
            J::A(items) if items.is_empty() => out.push_str("[]"),
            J::O(members) if members.is_empty() => out.push_str("{}"),
            J::A(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write_pretty(out, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            J::O(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    string(out, k);
                    out.push_str(": ");
                    v.write_pretty(out, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A JSON string literal; non-ASCII letters are kept as they are (UTF-8).
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_valid_json_in_insertion_order_with_escapes() {
        let v = J::obj([
            ("id", J::s("x")),
            ("a", J::A(vec![J::I(1), J::s("tab\there \"q\" \u{1} ā")])),
            ("empty", J::O(vec![])),
        ]);
        let mut out = String::new();
        v.write_pretty(&mut out, 0);
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["a"][1], "tab\there \"q\" \u{1} ā");
        assert!(out.find("\"id\"").unwrap() < out.find("\"a\"").unwrap());
    }
}
