//! Mapping files: how one school's (or one language's) headers and words map
//! to canonical fields. Documented for users in `mappings/README.md`.

use std::collections::{BTreeMap, HashMap};

use super::headers::Scope;
use super::normalise::{DateOrder, Vocabulary};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::fields::{Entity, Field, Kind};
use crate::schemes::{SchemeRegistry, SchemeSpec};
use crate::text::{exact_key, fold, word_key};

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
    /// One row per result (learner key, unit key, grade …).
    Results,
    /// One row per criterion rating.
    Ratings,
    /// One row per organisation.
    Organisations,
}

impl SheetRole {
    const ALL: [(SheetRole, &'static str); 6] = [
        (SheetRole::Flat, "flat"),
        (SheetRole::Learners, "learners"),
        (SheetRole::Units, "units"),
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

const TOP_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "language",
    "country",
    "date_order",
    "grading",
    "sheets",
    "criteria",
    "rows",
    "values",
    "defaults",
    "grading_scheme",
    "labels",
];

/// The shipped mapping files, embedded so the binary works from any folder.
pub const SHIPPED: &[(&str, &str)] = &[
    ("lv.toml", include_str!("../../mappings/lv.toml")),
    ("en.toml", include_str!("../../mappings/en.toml")),
    ("fi.toml", include_str!("../../mappings/fi.toml")),
    ("de.toml", include_str!("../../mappings/de.toml")),
];

impl Mapping {
    /// All shipped mappings.
    pub fn shipped() -> &'static [Mapping] {
        static SHIPPED_MAPPINGS: std::sync::OnceLock<Vec<Mapping>> = std::sync::OnceLock::new();
        SHIPPED_MAPPINGS.get_or_init(|| {
            use rayon::prelude::*;
            // Every mapping extends the shipped vocabulary: made once, first.
            Vocabulary::shipped();
            SHIPPED
                .par_iter()
                .map(|(name, text)| {
                    Mapping::parse(text, MappingOrigin::Shipped(format!("mappings/{name}")))
                        .unwrap_or_else(|e| panic!("shipped mapping {name} is invalid: {e}"))
                })
                .collect()
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

    /// Parses and checks a mapping file's text.
    pub fn parse(text: &str, origin: MappingOrigin) -> Result<Mapping, MappingError> {
        let file = match &origin {
            MappingOrigin::Shipped(p) | MappingOrigin::File(p) => p.clone(),
        };
        let syntax = |message: String| MappingError::Syntax {
            file: file.clone(),
            message,
        };
        let invalid = |message: String| MappingError::Invalid {
            file: file.clone(),
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| syntax(e.to_string()))?;

        let string = |key: &str| -> Result<Option<String>, MappingError> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(invalid(format!("`{key}` must be a text in quotes"))),
            }
        };
        let id = string("id")?
            .ok_or_else(|| invalid("`id` is missing (a short name like \"my-school\")".into()))?;
        let name = string("name")?.unwrap_or_else(|| id.clone());
        let language = string("language")?
            .ok_or_else(|| {
                invalid("`language` is missing (the language of the cells, e.g. \"lv\")".into())
            })?
            .to_ascii_lowercase();
        let country = string("country")?.map(|c| c.to_ascii_uppercase());
        if let Some(c) = &country
            && Vocabulary::shipped().country_code(c).as_deref() != Some(c.as_str())
        {
            return Err(invalid(format!(
                "`country = \"{c}\"` is not an ISO 3166 two-letter code"
            )));
        }
        let date_order = match string("date_order")?.as_deref() {
            None => None,
            Some("dmy") => Some(DateOrder::Dmy),
            Some("mdy") => Some(DateOrder::Mdy),
            Some(other) => {
                return Err(invalid(format!(
                    "`date_order = \"{other}\"`: use \"dmy\" or \"mdy\""
                )));
            }
        };

        let mut mapping = Mapping {
            id,
            name,
            language,
            country,
            date_order,
            grading: GradingDefaults::default(),
            sheet_roles: Vec::new(),
            ignored_sheets: Vec::new(),
            columns: Vec::new(),
            criteria_prefixes: Vec::new(),
            defaults: Vec::new(),
            vocabulary: Vocabulary::default(),
            schemes: SchemeRegistry::shipped().clone(),
            labels: DocumentLabels::default(),
            origin,
        };

        let mut values: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        let mut extra_totals = Vec::new();
        let mut extra_notes = Vec::new();

        for (key, value) in &table {
            if TOP_KEYS.contains(&key.as_str()) {
                match key.as_str() {
                    "grading" => {
                        let t = sub_table(value, "grading", &invalid)?;
                        for (k, v) in t {
                            let s = v
                                .as_str()
                                .ok_or_else(|| invalid(format!("`grading.{k}` must be a text")))?;
                            match k.as_str() {
                                "scheme" => mapping.grading.scheme = Some(s.to_string()),
                                "criteria_scheme" => {
                                    mapping.grading.criteria_scheme = Some(s.to_string())
                                }
                                other => {
                                    return Err(unknown(
                                        &file,
                                        "grading option",
                                        other,
                                        &["scheme", "criteria_scheme"],
                                    ));
                                }
                            }
                        }
                    }
                    "sheets" => {
                        for (k, v) in sub_table(value, "sheets", &invalid)? {
                            if k == "ignore" {
                                mapping.ignored_sheets = strings(v, "sheets.ignore", &invalid)?;
                                continue;
                            }
                            let role = SheetRole::ALL
                                .iter()
                                .find(|(_, n)| n == k)
                                .map(|(r, _)| *r)
                                .ok_or_else(|| {
                                    unknown(&file, "sheet role", k, &SheetRole::ALL.map(|(_, n)| n))
                                })?;
                            let names = strings(v, &format!("sheets.{k}"), &invalid)?;
                            mapping.sheet_roles.push((role, names));
                        }
                    }
                    "criteria" => {
                        for (k, v) in sub_table(value, "criteria", &invalid)? {
                            match k.as_str() {
                                "prefixes" => {
                                    mapping.criteria_prefixes =
                                        strings(v, "criteria.prefixes", &invalid)?
                                            .iter()
                                            .map(|p| fold(p))
                                            .collect();
                                }
                                other => {
                                    return Err(unknown(
                                        &file,
                                        "criteria option",
                                        other,
                                        &["prefixes"],
                                    ));
                                }
                            }
                        }
                    }
                    "rows" => {
                        for (k, v) in sub_table(value, "rows", &invalid)? {
                            match k.as_str() {
                                "totals" => extra_totals = strings(v, "rows.totals", &invalid)?,
                                "notes" => extra_notes = strings(v, "rows.notes", &invalid)?,
                                other => {
                                    return Err(unknown(
                                        &file,
                                        "rows option",
                                        other,
                                        &["totals", "notes"],
                                    ));
                                }
                            }
                        }
                    }
                    "values" => {
                        for (list, words) in sub_table(value, "values", &invalid)? {
                            let mut entry = BTreeMap::new();
                            for (canonical, ws) in
                                sub_table(words, &format!("values.{list}"), &invalid)?
                            {
                                entry.insert(
                                    canonical.clone(),
                                    strings(ws, &format!("values.{list}.{canonical}"), &invalid)?,
                                );
                            }
                            values.insert(list.clone(), entry);
                        }
                    }
                    "defaults" => {
                        for (path, v) in sub_table(value, "defaults", &invalid)? {
                            let field = Field::from_path(path).ok_or_else(|| {
                                let all: Vec<String> =
                                    Field::ALL.iter().map(|f| f.path()).collect();
                                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                                unknown(&file, "field in [defaults]", path, &refs)
                            })?;
                            if field.kind() == Kind::Grade || field.kind() == Kind::Scheme {
                                return Err(invalid(format!(
                                    "`defaults.\"{path}\"`: grades cannot have a default, and a scale is set with [grading] scheme or criteria_scheme"
                                )));
                            }
                            let s = match v {
                                toml::Value::String(s) => s.clone(),
                                toml::Value::Integer(i) => i.to_string(),
                                toml::Value::Float(f) => f.to_string(),
                                _ => {
                                    return Err(invalid(format!(
                                        "`defaults.\"{path}\"` must be a text or number"
                                    )));
                                }
                            };
                            mapping.defaults.push((field, s));
                        }
                    }
                    "labels" => {
                        mapping.labels = parse_labels(value, &file, &invalid)?;
                    }
                    "grading_scheme" => {
                        let specs: Vec<SchemeSpec> =
                            value.clone().try_into().map_err(|e: toml::de::Error| {
                                invalid(format!("[[grading_scheme]]: {e}"))
                            })?;
                        for spec in specs {
                            mapping
                                .schemes
                                .add(spec)
                                .map_err(|e| invalid(format!("[[grading_scheme]]: {e}")))?;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let entity = Entity::ALL
                .iter()
                .copied()
                .find(|e| e.table() == key)
                .ok_or_else(|| {
                    let mut known: Vec<&str> = Entity::ALL.iter().map(|e| e.table()).collect();
                    known.extend_from_slice(TOP_KEYS);
                    unknown(&file, "table or key", key, &known)
                })?;
            mapping
                .columns
                .extend(field_rules(value, entity, key, &file, &invalid)?);
        }

        for s in [&mapping.grading.scheme, &mapping.grading.criteria_scheme]
            .into_iter()
            .flatten()
        {
            if mapping.schemes.find(s).is_none() {
                let ids: Vec<&str> = mapping
                    .schemes
                    .all()
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect();
                return Err(unknown(&file, "grading scheme", s, &ids));
            }
        }

        for (list, table) in &values {
            let allowed: &[&str] = match list.as_str() {
                "yes_no" => &["true", "false"],
                "achievement" => &["full", "partial", "none"],
                "gender" => &["female", "male", "other"],
                "organisation_role" => &["sending", "host", "intermediary", "issuer"],
                _ => &[],
            };
            for canonical in table.keys() {
                let ok = match list.as_str() {
                    "language" => {
                        (2..=3).contains(&canonical.len())
                            && canonical.bytes().all(|b| b.is_ascii_lowercase())
                    }
                    "country" => {
                        Vocabulary::shipped().country_code(canonical).as_deref()
                            == Some(canonical.as_str())
                    }
                    _ => allowed.is_empty() || allowed.contains(&canonical.as_str()),
                };
                if !ok {
                    let what = match list.as_str() {
                        "language" => "a two- or three-letter lowercase language tag".to_string(),
                        "country" => "a two-letter ISO country code in capitals".to_string(),
                        _ => allowed.join(", "),
                    };
                    return Err(invalid(format!(
                        "[values.{list}]: `{canonical}` is not a value of the list; use {what}"
                    )));
                }
            }
        }
        let (mut vocabulary, unknown_lists) = Vocabulary::shipped().extended(&values);
        if let Some(list) = unknown_lists.first() {
            return Err(unknown(
                &file,
                "word list in [values]",
                list,
                &[
                    "yes_no",
                    "achievement",
                    "gender",
                    "organisation_role",
                    "language",
                    "country",
                ],
            ));
        }
        vocabulary
            .totals
            .extend(extra_totals.iter().map(|w| fold(w)));
        vocabulary.notes.extend(extra_notes.iter().map(|w| fold(w)));
        // Intro phrases of Word cells are not statements either.
        for phrases in &mapping.labels.intro {
            vocabulary.intro.extend(phrases.iter().cloned());
        }
        mapping.vocabulary = vocabulary;
        check_alias_clashes(&mapping, &file)?;
        Ok(mapping)
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

/// The rules of one field table (`[learner]`, `[labels.unit]`): each key a
/// field of `entity`, optionally `field@lang`, with its header or label texts.
fn field_rules(
    value: &toml::Value,
    entity: Entity,
    path: &str,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<Vec<ColumnRule>, MappingError> {
    let mut rules = Vec::new();
    for (name, aliases) in sub_table(value, path, invalid)? {
        let (field_name, lang) = match name.split_once('@') {
            Some((f, l)) => (f, Some(l.to_ascii_lowercase())),
            None => (name.as_str(), None),
        };
        let field = Field::find(entity, field_name).ok_or_else(|| {
            let known: Vec<&str> = Field::ALL
                .iter()
                .filter(|f| f.entity() == entity)
                .map(|f| f.name())
                .collect();
            unknown(file, "field", &format!("{path}.{field_name}"), &known)
        })?;
        if lang.is_some() && !field.kind().is_multilingual() {
            return Err(invalid(format!(
                "`{path}.{name}`: only text fields take a language (@{})",
                lang.unwrap_or_default()
            )));
        }
        let list = strings(aliases, &format!("{path}.{name}"), invalid)?;
        rules.push(ColumnRule {
            field,
            language: lang,
            aliases: list.iter().map(|a| Alias::new(a)).collect(),
        });
    }
    Ok(rules)
}

/// `[labels]`: field labels per table, `[labels.intro]` and `[labels.grid]`.
fn parse_labels(
    value: &toml::Value,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<DocumentLabels, MappingError> {
    let mut labels = DocumentLabels::default();
    for (key, value) in sub_table(value, "labels", invalid)? {
        match key.as_str() {
            "intro" => {
                for (category, phrases) in sub_table(value, "labels.intro", invalid)? {
                    let slot = match category.as_str() {
                        "knowledge" => 0,
                        "skills" => 1,
                        "competence" => 2,
                        other => {
                            return Err(unknown(
                                file,
                                "category in [labels.intro]",
                                other,
                                &["knowledge", "skills", "competence"],
                            ));
                        }
                    };
                    let list = strings(phrases, &format!("labels.intro.{category}"), invalid)?;
                    labels.intro[slot] = list.iter().map(|p| fold(p)).collect();
                }
            }
            "grid" => {
                for (option, words) in sub_table(value, "labels.grid", invalid)? {
                    let list = strings(words, &format!("labels.grid.{option}"), invalid)?;
                    match option.as_str() {
                        "marks" => labels.marks = list.iter().map(|w| word_key(w)).collect(),
                        "blanks" => labels.blanks = list.iter().map(|w| word_key(w)).collect(),
                        "criteria" => labels.criteria = list.iter().map(|w| fold(w)).collect(),
                        other => {
                            return Err(unknown(
                                file,
                                "option in [labels.grid]",
                                other,
                                &["marks", "blanks", "criteria"],
                            ));
                        }
                    }
                }
            }
            table => {
                let entity = Entity::ALL
                    .iter()
                    .copied()
                    .find(|e| e.table() == table)
                    .ok_or_else(|| {
                        let mut known: Vec<&str> = Entity::ALL.iter().map(|e| e.table()).collect();
                        known.extend(["intro", "grid"]);
                        unknown(file, "table in [labels]", table, &known)
                    })?;
                let path = format!("labels.{table}");
                labels
                    .fields
                    .extend(field_rules(value, entity, &path, file, invalid)?);
            }
        }
    }
    Ok(labels)
}

fn sub_table<'a>(
    value: &'a toml::Value,
    name: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<&'a toml::Table, MappingError> {
    value
        .as_table()
        .ok_or_else(|| invalid(format!("`{name}` must be a table ([{name}])")))
}

fn strings(
    value: &toml::Value,
    name: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<Vec<String>, MappingError> {
    match value {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(a) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(format!("`{name}` must be a list of texts in quotes")))
            })
            .collect(),
        _ => Err(invalid(format!(
            "`{name}` must be a list of texts in quotes"
        ))),
    }
}

fn unknown(file: &str, what: &'static str, key: &str, known: &[&str]) -> MappingError {
    // "learner.given_name" is compared with the field names of its table, or
    // with whole paths when those are what is known.
    let short = key.rsplit('.').next().unwrap_or(key);
    let suggestion = known
        .iter()
        .map(|k| {
            let against = if k.contains('.') { key } else { short };
            (strsim::jaro_winkler(against, k), *k)
        })
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_string());
    MappingError::UnknownKey {
        file: file.to_string(),
        what,
        key: key.to_string(),
        suggestion,
    }
}

/// Two fields with the same header would make matching depend on file
/// order, so a mapping may only reuse a header for fields that never meet in
/// one sheet (an organisations sheet's "Country" and a flat sheet's host "Country").
fn check_alias_clashes(mapping: &Mapping, file: &str) -> Result<(), MappingError> {
    let mut seen: HashMap<&str, Vec<&ColumnRule>> = HashMap::new();
    for rule in &mapping.columns {
        for alias in &rule.aliases {
            let others = seen.entry(alias.exact.as_str()).or_default();
            for other in others.iter() {
                let same_rule = other.field == rule.field && other.language == rule.language;
                let meet = Scope::ALL
                    .iter()
                    .any(|s| s.allows(other.field.entity()) && s.allows(rule.field.entity()));
                if !same_rule && meet {
                    return Err(MappingError::Invalid {
                        file: file.to_string(),
                        message: format!(
                            "the header \"{}\" is listed for both {} and {}",
                            alias.text, other.field, rule.field
                        ),
                    });
                }
            }
            others.push(rule);
        }
    }
    Ok(())
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
