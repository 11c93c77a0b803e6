//! The documentation that lists what the code defines stays in step with it.

use europass::mapping::Field;

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
