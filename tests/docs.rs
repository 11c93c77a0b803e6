//! The documentation that lists what the code defines stays in step with it.

use europass::model::Field;

#[test]
fn the_mapping_guide_lists_every_canonical_field_with_its_kind_and_meaning() {
    let guide = std::fs::read_to_string("mappings/README.md").unwrap();
    for f in Field::ALL {
        let lang = if f.kind().is_multilingual() {
            " (`@lang`)"
        } else {
            ""
        };
        let row = format!("| `{}` | {:?}{lang} | {} |", f.path(), f.kind(), f.doc());
        assert!(
            guide.contains(&row),
            "mappings/README.md lacks or misstates the row:\n{row}"
        );
    }
}

#[test]
fn every_diagnostic_code_is_unique_and_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for c in europass::Code::ALL {
        let s = c.as_str();
        assert!(seen.insert(s), "{s} twice");
        assert!(
            s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{s}"
        );
    }
}

/// Walks the repository's own files (not build output or version control).
fn repository_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), ".git" | "target" | "corpus" | "artifacts") {
                repository_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_file_of_the_repository_refers_to_a_folder_beside_the_clone() {
    // A user's clone has nothing beside it: schemas and test data are vendored
    // under schemas/ and fixtures/. The needle is built so this file passes.
    let needle = format!("..{}shared", '/');
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    repository_files(root, &mut files);
    let offending: Vec<String> = files
        .iter()
        .filter(|p| p.extension().is_none_or(|e| e != "lock"))
        .filter(|p| {
            std::fs::read(p)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(
        offending.is_empty(),
        "these files refer to {needle}, which a user's clone does not have: {offending:?}"
    );
}
