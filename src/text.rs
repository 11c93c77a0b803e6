//! Comparing words the way people mean them: without case, diacritics,
//! punctuation or stray spaces, so "Dzimšanas\ndatums", "dzimsanas datums"
//! and "DZIMŠANAS DATUMS:" are the same header.

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// Lowercase, punctuation and runs of spaces turned into one space, trimmed;
/// diacritics kept. "Vārds  (pilns):" → "vārds pilns".
pub fn exact_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_words(&mut out, s.nfc().flat_map(char::to_lowercase));
    out
}

/// Like [`exact_key`] with diacritics removed too: "Vārds" → "vards",
/// "Straße" → "strasse".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // Most codes, e-mails and English words: no decomposition needed.
        push_words(&mut out, s.chars().map(|c| c.to_ascii_lowercase()));
        return out;
    }
    let chars = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .flat_map(expand_letter);
    push_words(&mut out, chars);
    out
}

/// A folded key for a word list: the folded text, or the trimmed text itself
/// when it is only symbols ("✓", "-").
pub fn word_key(s: &str) -> String {
    let f = fold(s);
    if f.is_empty() {
        s.trim().to_string()
    } else {
        f
    }
}

/// A file- and id-safe form: folded words joined by `-`.
pub fn slug(s: &str) -> String {
    fold(s).replace(' ', "-")
}

fn push_words(out: &mut String, chars: impl Iterator<Item = char>) {
    let mut space = false;
    for c in chars {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Letters that do not decompose into a base letter and a mark.
fn expand_letter(
    c: char,
) -> std::iter::Chain<std::option::IntoIter<char>, std::option::IntoIter<char>> {
    let (a, b) = match c {
        'ß' => ('s', Some('s')),
        'æ' => ('a', Some('e')),
        'œ' => ('o', Some('e')),
        'ø' => ('o', None),
        'ł' => ('l', None),
        'đ' => ('d', None),
        'ı' => ('i', None),
        'þ' => ('t', Some('h')),
        other => (other, None),
    };
    Some(a).into_iter().chain(b)
}

/// Words that stand for one canonical value each ("jā", "kyllä" → `true`).
#[derive(Clone, Debug, Default)]
pub struct WordList {
    /// Canonical value by folded word.
    map: FxHashMap<String, String>,
    /// The folded key of each word, by the word as the list writes it: a
    /// column repeats "pilnībā" on every row, and folding it means
    /// decomposing every letter.
    keys: FxHashMap<String, String>,
}

impl WordList {
    /// The canonical value `word` stands for.
    pub fn lookup(&self, word: &str) -> Option<&str> {
        // A numeric grading scheme has no words: nothing to fold for.
        if self.map.is_empty() {
            return None;
        }
        let key = match self.keys.get(word) {
            Some(key) => std::borrow::Cow::Borrowed(key.as_str()),
            None => std::borrow::Cow::Owned(word_key(word)),
        };
        self.map.get(key.as_ref()).map(String::as_str)
    }

    /// Adds a word for a canonical value (a later word for the same key wins).
    pub fn add(&mut self, canonical: &str, word: &str) {
        let key = word_key(word);
        self.keys.insert(word.to_string(), key.clone());
        self.map.insert(key, canonical.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_compare_without_case_breaks_and_diacritics() {
        assert_eq!(fold("Dzimšanas\ndatums"), "dzimsanas datums");
        assert_eq!(fold("  DZIMŠANAS   DATUMS: "), "dzimsanas datums");
        assert_eq!(fold("Ķēķis, Ļoti, Ņ, Ģ"), "kekis loti n g");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(exact_key("Vārds (pilns):"), "vārds pilns");
    }

    #[test]
    fn decomposed_and_composed_letters_match() {
        assert_eq!(exact_key("Va\u{304}rds"), exact_key("Vārds"));
    }

    #[test]
    fn symbols_keep_a_key() {
        assert_eq!(word_key("✓"), "✓");
        assert_eq!(word_key(" Jā "), "ja");
    }
}
