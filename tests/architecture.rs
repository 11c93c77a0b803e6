//! The shape of the code holds: data flows one way through the stages, and
//! functions stay short enough to read at once.
//!
//! `src/` is a pipeline — import → mapping → assemble → check → export — on
//! a ground floor every stage shares. A module may use its own layer's and
//! earlier layers' modules, never a later one's: a backward arrow means the
//! design has to change, not the test (see docs/architecture.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, earliest first. Every top-level module of `src/` is in one.
const LAYERS: &[&[&str]] = &[
    // Helpers with no domain knowledge.
    &["text", "guard", "diagnostics", "label_files"],
    // The canonical model: plain data, ids and field names.
    &["model"],
    // The ground floor over the model, shared by every stage.
    &["provenance", "schemes", "vocab", "outputs", "profile"],
    // The stages.
    // Which files are read: the input walk, beside the readers.
    &["import", "inputs"],
    &["mapping"],
    &["assemble"],
    &["check"],
    &["export"],
    // What runs the stages.
    &["report"],
    &["pipeline"],
    &["serve"],
];

/// The longest function the code may hold, in lines.
const MAX_FUNCTION_LINES: usize = 120;

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/export/pdf/mod.rs`
/// → `export`); `None` for the crate root and the binary.
fn module_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src()).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The source with comments, strings and character literals blanked out, so
/// that neither a path in a doc comment nor a brace in a string counts.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i, &mut out);
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !is_ident(chars.get(i.wrapping_sub(1)))
        {
            i = skip_raw_string(&chars, i, &mut out);
        } else if c == '"' {
            i = skip_string(&chars, i, &mut out);
        } else if c == '\'' {
            i = skip_char_literal(&chars, i, &mut out);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Skips `/* … */` (nested), keeping its line breaks.
fn skip_block_comment(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                break;
            }
        } else {
            if chars[i] == '\n' {
                out.push('\n');
            }
            i += 1;
        }
    }
    i
}

/// Skips `"…"` with its escapes, keeping its line breaks.
fn skip_string(chars: &[char], mut i: usize, out: &mut String) -> usize {
    out.push_str("\"\"");
    i += 1;
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' {
            i += 1;
        }
        if chars.get(i) == Some(&'\n') {
            out.push('\n');
        }
        i += 1;
    }
    i + 1
}

/// Skips `r"…"`, `r#"…"#` and so on, keeping its line breaks.
fn skip_raw_string(chars: &[char], mut i: usize, out: &mut String) -> usize {
    i += 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        // `r#ident`, a raw identifier.
        out.push('r');
        return i - hashes;
    }
    i += 1;
    out.push_str("\"\"");
    let closing: String = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    let closing: Vec<char> = closing.chars().collect();
    while i < chars.len() && !chars[i..].starts_with(&closing) {
        if chars[i] == '\n' {
            out.push('\n');
        }
        i += 1;
    }
    i + closing.len()
}

/// Skips a character literal (`'{'`, `'\n'`, `'\u{7b}'`); a lifetime stays.
fn skip_char_literal(chars: &[char], i: usize, out: &mut String) -> usize {
    let escaped = chars.get(i + 1) == Some(&'\\');
    let end = if escaped {
        (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
    } else {
        (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
    };
    match end {
        Some(end) => {
            out.push_str("' '");
            end + 1
        }
        None => {
            out.push('\'');
            i + 1
        }
    }
}

/// The top-level modules a file's code names through `crate::`, with the line
/// of the first mention, including those inside `use crate::{a, b::c}`.
fn crate_references(code: &str) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for (at, _) in code.match_indices("crate::") {
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for name in top_names_in_group(&group[..end]) {
                found.entry(name).or_insert(line);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.entry(name).or_insert(line);
            }
        }
    }
    found
}

/// The length of a `{…}` group's content, the opening brace already passed.
fn matching_brace(group: &str) -> usize {
    let mut depth = 1;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    group.len()
}

/// The first path segment of each item of a `use` group (`a, b::{c, d}` → a, b).
fn top_names_in_group(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item = String::new();
    for c in group.chars().chain(std::iter::once(',')) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            item.push(c);
        }
    }
    names
}

/// Every file of `src/` with its module and what its code names.
fn module_references() -> Vec<(PathBuf, String, BTreeMap<String, usize>)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let module = module_of(&file)?;
            let code = code_only(&std::fs::read_to_string(&file).unwrap());
            Some((file, module, crate_references(&code)))
        })
        .collect()
}

#[test]
fn every_top_level_module_has_a_layer() {
    let mut unknown = BTreeSet::new();
    for (_, module, _) in module_references() {
        if layer_of(&module).is_none() {
            unknown.insert(module);
        }
    }
    assert!(
        unknown.is_empty(),
        "add these modules to LAYERS in tests/architecture.rs and to docs/architecture.md: {unknown:?}"
    );
}

#[test]
fn no_module_uses_a_later_stage() {
    let mut backward = Vec::new();
    for (file, module, references) in module_references() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for (used, line) in references {
            if layer_of(&used).is_some_and(|layer| layer > own) {
                let file = file.strip_prefix(src()).unwrap().display();
                backward.push(format!("src/{file}:{line}: {module} uses {used}"));
            }
        }
    }
    assert!(
        backward.is_empty(),
        "arrows back up the stages (a module may use only its own or earlier layers):\n{}",
        backward.join("\n")
    );
}

#[test]
fn no_two_modules_use_each_other() {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module, references) in module_references() {
        let entry = uses.entry(module.clone()).or_default();
        entry.extend(
            references
                .into_keys()
                .filter(|m| *m != module && layer_of(m).is_some()),
        );
    }
    let cycle = uses.keys().find_map(|start| find_cycle(&uses, start));
    assert!(
        cycle.is_none(),
        "modules that depend on each other: {cycle:?}"
    );
}

/// A path of `uses` from `start` back to itself, if there is one.
fn find_cycle(uses: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in uses.get(last).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

/// Each function of a file whose body is longer than `max` lines.
fn long_functions(code: &str, max: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = function_name(line) else {
            continue;
        };
        let Some(length) = body_length(&lines[start..]) else {
            continue;
        };
        if length > max {
            long.push((start + 1, name, length));
        }
    }
    long
}

/// The name of the function a line declares, if it declares one.
fn function_name(line: &str) -> Option<String> {
    let at = line.find("fn ")?;
    let before = line[..at].trim();
    let qualifiers = [
        "pub",
        "pub(crate)",
        "pub(super)",
        "const",
        "async",
        "unsafe",
        "extern",
        "default",
    ];
    if !before
        .split_whitespace()
        .all(|w| qualifiers.contains(&w) || w.starts_with("pub("))
    {
        return None;
    }
    let name: String = line[at + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Lines from a function's declaration to its closing brace; `None` for a
/// declaration without a body (a trait method).
fn body_length(lines: &[&str]) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    for (i, line) in lines.iter().enumerate() {
        for c in line.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth = depth.saturating_sub(1),
                ';' if !opened => return None,
                _ => {}
            }
            if opened && depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}

#[test]
fn no_function_is_longer_than_a_screen_or_two() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut long = Vec::new();
    for file in files {
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for (line, name, length) in long_functions(&code, MAX_FUNCTION_LINES) {
            let file = file.strip_prefix(src()).unwrap().display();
            long.push(format!("src/{file}:{line}: {name} has {length} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines; break them into named steps:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checker_sees_paths_in_groups_and_not_in_comments_or_strings() {
    let code = code_only(
        "use crate::{model::Round, text::{fold, slug}, self};\n// crate::export\nlet s = \"crate::serve\";\nlet c = '{'; fn f<'a>() {}\ncrate::report::x();",
    );
    let names: Vec<String> = crate_references(&code).into_keys().collect();
    assert_eq!(names, ["model", "report", "text"]);
}

#[test]
fn the_checker_measures_a_function_from_its_declaration_to_its_closing_brace() {
    let code = code_only(
        "fn short() {\n    let c = '}';\n    x();\n}\ntrait T {\n    fn declared(&self);\n}\n",
    );
    assert_eq!(long_functions(&code, 3), [(1, "short".to_string(), 4)]);
    assert!(long_functions(&code, 4).is_empty());
}
