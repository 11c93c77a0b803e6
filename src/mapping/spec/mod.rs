//! Mapping files: how one school's (or one language's) headers and words map
//! to canonical fields. Documented for users in `mappings/README.md`.

mod parse;

use super::normalise::{DateOrder, Vocabulary};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::fields::Field;
use crate::schemes::SchemeRegistry;
use crate::text::{exact_key, fold};

/// What a sheet holds, when the mapping names it or it is inferred from its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetRole {
    /// One row per learner × unit, with learner, unit and result columns.
    Flat,
    /// One row per learner (and their mobility).
    Learners,
    /// One row per unit.
    Units,
    /// One row per learner × unit a mobility plans to cover (points, activities).
    Planned,
    /// One row per result (learner key, unit key, grade …).
    Results,
    /// One row per criterion rating.
    Ratings,
    /// One row per organisation.
    Organisations,
}

impl SheetRole {
    const ALL: [(SheetRole, &'static str); 7] = [
        (SheetRole::Flat, "flat"),
        (SheetRole::Learners, "learners"),
        (SheetRole::Units, "units"),
        (SheetRole::Planned, "planned"),
        (SheetRole::Results, "results"),
        (SheetRole::Ratings, "ratings"),
        (SheetRole::Organisations, "organisations"),
    ];

    /// The name used in mapping files and reports.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }
}

/// One header alias, precomputed for matching.
#[derive(Clone, Debug)]
pub struct Alias {
    /// As written in the mapping file.
    pub text: String,
    /// Lowercased, punctuation removed, diacritics kept.
    pub exact: String,
    /// Lowercased, punctuation and diacritics removed.
    pub folded: String,
}

impl Alias {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            exact: exact_key(text),
            folded: fold(text),
        }
    }
}

/// The headers that map to one field (in one language, for `@lang` variants).
#[derive(Clone, Debug)]
pub struct ColumnRule {
    /// The canonical field.
    pub field: Field,
    /// The language of the column's text, when the rule is `field@lang`.
    pub language: Option<String>,
    /// Header texts that mean this field.
    pub aliases: Vec<Alias>,
}

/// Grading defaults of a mapping.
#[derive(Clone, Debug, Default)]
pub struct GradingDefaults {
    /// Scheme of `result.grade` when no column names one.
    pub scheme: Option<String>,
    /// Scheme of criteria ratings when no column names one.
    pub criteria_scheme: Option<String>,
}

/// The words of Word documents: labels in unit descriptions and assessment
/// grids, beyond the column headers (which count as labels too).
#[derive(Clone, Debug, Default)]
pub struct DocumentLabels {
    /// Labels per field (`[labels.unit] title = ["Name of the Unit"]`).
    pub fields: Vec<ColumnRule>,
    /// Folded phrases opening a cell of knowledge, skills or competence
    /// statements ("He/she knows"), in that order of categories. A phrase
    /// listed for two categories fills the first one still empty.
    pub intro: [Vec<String>; 3],
    /// What a grid cell holds when a rating is marked ("x", "✓", "☒").
    pub marks: Vec<String>,
    /// What a grid cell holds when it is not marked ("☐").
    pub blanks: Vec<String>,
    /// Folded headers of a grid's criterion column ("Criteria").
    pub criteria: Vec<String>,
}

/// Where a mapping came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum MappingOrigin {
    /// Shipped with europass (`mappings/<file>`).
    Shipped(String),
    /// A file the user gave with `--mapping`.
    File(String),
}

/// A loaded, checked mapping.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Short id (`lv`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Language tag of the texts in the workbook.
    pub language: String,
    /// The school's country (ISO alpha-2), if the mapping is for one country.
    pub country: Option<String>,
    /// How to read `dd/mm` vs `mm/dd`.
    pub date_order: Option<DateOrder>,
    /// Grading defaults.
    pub grading: GradingDefaults,
    /// Sheet names that fix a sheet's role (compared without case or diacritics).
    pub sheet_roles: Vec<(SheetRole, Vec<String>)>,
    /// Sheet names never read as data (instructions, drop-down lists).
    pub ignored_sheets: Vec<String>,
    /// Headers of columns the school keeps that no canonical field holds
    /// ("Mācību grupa"): their values are kept with each record, and the
    /// report says so in a note instead of warning of an unknown column.
    pub kept_columns: Vec<String>,
    /// Header rules, one per field (and language).
    pub columns: Vec<ColumnRule>,
    /// Header prefixes (folded) of criteria columns ("Kritērijs: Teamwork").
    pub criteria_prefixes: Vec<String>,
    /// Values for fields that no column gives ("sending.name" for a school's own sheets).
    pub defaults: Vec<(Field, String)>,
    /// Word lists, the shipped ones plus this mapping's `[values]`.
    pub vocabulary: Vocabulary,
    /// Grading schemes, the shipped ones plus this mapping's `[[grading_scheme]]`.
    pub schemes: SchemeRegistry,
    /// Labels of Word unit descriptions and assessment grids (`[labels]`).
    pub labels: DocumentLabels,
    /// Where it came from.
    pub origin: MappingOrigin,
}

/// Why a mapping file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// Not readable.
    #[error("cannot read mapping file {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The reason.
        source: std::io::Error,
    },
    /// Not valid TOML, or a value of the wrong type.
    #[error("mapping file {file} is not valid: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A key that is not a field, table or option.
    #[error("mapping file {file}: unknown {what} `{key}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownKey {
        /// The file.
        file: String,
        /// What kind of key ("field", "table", …).
        what: &'static str,
        /// The key as written.
        key: String,
        /// The nearest known key.
        suggestion: Option<String>,
    },
    /// A value that is not allowed.
    #[error("mapping file {file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl MappingError {
    /// As an error diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let file = match self {
            MappingError::Io { file, .. }
            | MappingError::Syntax { file, .. }
            | MappingError::UnknownKey { file, .. }
            | MappingError::Invalid { file, .. } => file.clone(),
        };
        Diagnostic::error(Code::InvalidMapping, Location::file(file), self.to_string())
            .with_hint("see mappings/README.md for the format and the list of fields")
    }
}

/// The shipped mapping files, embedded so the binary works from any folder.
pub const SHIPPED: &[(&str, &str)] = &[
    ("lv.toml", include_str!("../../../mappings/lv.toml")),
    ("en.toml", include_str!("../../../mappings/en.toml")),
    ("fi.toml", include_str!("../../../mappings/fi.toml")),
    ("de.toml", include_str!("../../../mappings/de.toml")),
];

impl Mapping {
    /// All shipped mappings.
    pub fn shipped() -> &'static [Mapping] {
        static SHIPPED_MAPPINGS: std::sync::OnceLock<Vec<Mapping>> = std::sync::OnceLock::new();
        SHIPPED_MAPPINGS.get_or_init(|| {
            // Every mapping extends the shipped vocabulary: made once, first.
            Vocabulary::shipped();
            // Parsed side by side on threads of their own, not rayon's: a
            // rayon worker that blocks here waiting for another thread's
            // initialisation while that thread waits for rayon jobs queued
            // under the blocked worker deadlocks (two rounds loaded at once,
            // as tests and `serve` jobs do).
            std::thread::scope(|scope| {
                let parsing: Vec<_> = SHIPPED
                    .iter()
                    .map(|(name, text)| {
                        scope.spawn(move || {
                            let origin = MappingOrigin::Shipped(format!("mappings/{name}"));
                            Mapping::parse(text, origin).unwrap_or_else(|e| {
                                panic!("shipped mapping {name} is invalid: {e}")
                            })
                        })
                    })
                    .collect();
                parsing
                    .into_iter()
                    .map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        })
    }

    /// The shipped mapping with this id.
    pub fn shipped_by_id(id: &str) -> Option<&'static Mapping> {
        Self::shipped().iter().find(|m| m.id == id)
    }

    /// Loads a user's mapping file.
    pub fn load(path: &std::path::Path) -> Result<Mapping, MappingError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            file: file.clone(),
            source,
        })?;
        Mapping::parse(&text, MappingOrigin::File(file))
    }

    /// The first alias of each field's rule: the header the template workbook writes.
    pub fn canonical_header(&self, field: Field, language: Option<&str>) -> Option<&str> {
        self.columns
            .iter()
            .find(|r| r.field == field && r.language.as_deref() == language)
            .and_then(|r| r.aliases.first())
            .map(|a| a.text.as_str())
    }

    /// The role a sheet's name gives it, if the mapping lists the name.
    pub fn role_for_sheet_name(&self, sheet: &str) -> Option<SheetRole> {
        let f = fold(sheet);
        self.sheet_roles
            .iter()
            .find(|(_, names)| names.iter().any(|n| fold(n) == f))
            .map(|(r, _)| *r)
    }

    /// Whether the mapping says never to read a sheet of this name.
    pub fn ignores_sheet(&self, sheet: &str) -> bool {
        let f = fold(sheet);
        self.ignored_sheets.iter().any(|n| fold(n) == f)
    }

    /// Whether `header` is one of the columns the mapping keeps as they are.
    pub fn keeps_column(&self, header: &str) -> bool {
        let f = fold(header);
        self.kept_columns.iter().any(|k| fold(k) == f)
    }

    /// The first sheet name the mapping lists for a role: the template's sheet name.
    pub fn sheet_name(&self, role: SheetRole) -> Option<&str> {
        self.sheet_roles
            .iter()
            .find(|(r, _)| *r == role)
            .and_then(|(_, names)| names.first())
            .map(String::as_str)
    }

    /// The national framework name used for NQF levels read with this mapping.
    pub fn nqf_framework(&self) -> Option<&str> {
        self.country.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Mapping, MappingError> {
        Mapping::parse(text, MappingOrigin::File("test.toml".into()))
    }

    #[test]
    fn every_shipped_mapping_loads() {
        assert!(Mapping::shipped().len() >= 4);
    }

    #[test]
    fn a_misspelt_field_is_named_with_the_nearest_one() {
        let err = parse("id = \"x\"\nlanguage = \"lv\"\n[learner]\ngiven_name = [\"Vārds\"]\n")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("learner.given_name") && msg.contains("given_names"),
            "{msg}"
        );
    }

    #[test]
    fn an_unknown_grading_scheme_is_refused() {
        let err =
            parse("id = \"x\"\nlanguage = \"lv\"\n[grading]\nscheme = \"lv-1-100\"\n").unwrap_err();
        assert!(err.to_string().contains("lv-1-10"), "{err}");
    }

    #[test]
    fn a_misspelt_default_field_is_named_with_the_nearest_path() {
        let err = parse("id = \"x\"\nlanguage = \"lv\"\n[defaults]\n\"sending.nam\" = \"Skola\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("sending.name"), "{err}");
    }

    #[test]
    fn grades_cannot_have_a_default() {
        let err = parse("id = \"x\"\nlanguage = \"lv\"\n[defaults]\n\"result.grade\" = \"5\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("[grading]"), "{err}");
    }

    #[test]
    fn word_lists_only_take_their_own_values() {
        let err =
            parse("id = \"x\"\nlanguage = \"lv\"\n[values.yes_no]\nyes = [\"ok\"]\n").unwrap_err();
        assert!(err.to_string().contains("true, false"), "{err}");
    }

    #[test]
    fn language_variants_are_read() {
        let m = parse("id = \"x\"\nlanguage = \"lv\"\n[unit]\n\"title@en\" = [\"Unit title\"]\n")
            .unwrap();
        assert_eq!(m.columns[0].language.as_deref(), Some("en"));
    }
}
