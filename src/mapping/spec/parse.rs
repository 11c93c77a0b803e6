//! Reading a mapping file: its TOML checked key by key, each top-level
//! table by a step of its own, and the whole checked once read (grading
//! schemes named, word lists' values, headers two fields would share).

use std::collections::{BTreeMap, HashMap};

use super::{
    Alias, ColumnRule, DocumentLabels, GradingDefaults, Mapping, MappingError, MappingOrigin,
    SheetRole,
};
use crate::mapping::headers::Scope;
use crate::mapping::normalise::{DateOrder, Vocabulary};
use crate::model::fields::{Entity, Field, Kind};
use crate::schemes::{SchemeRegistry, SchemeSpec};
use crate::text::{fold, word_key};

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
    "kept_columns",
];

/// Word lists and row words a mapping adds, gathered while its keys are
/// read and checked once all are.
#[derive(Default)]
struct Additions {
    /// `[values.<list>]`: canonical value → the words for it.
    values: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// `[rows] totals`.
    totals: Vec<String>,
    /// `[rows] notes`.
    notes: Vec<String>,
}

impl Mapping {
    /// Parses and checks a mapping file's text.
    pub fn parse(text: &str, origin: MappingOrigin) -> Result<Mapping, MappingError> {
        let file = match &origin {
            MappingOrigin::Shipped(p) | MappingOrigin::File(p) => p.clone(),
        };
        let invalid = |message: String| MappingError::Invalid {
            file: file.clone(),
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| MappingError::Syntax {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let mut mapping = header(&table, origin, &invalid)?;
        let mut additions = Additions::default();
        for (key, value) in &table {
            if TOP_KEYS.contains(&key.as_str()) {
                mapping.read_option(key, value, &file, &invalid, &mut additions)?;
            } else {
                mapping.read_field_table(key, value, &file, &invalid)?;
            }
        }
        mapping.check_grading(&file)?;
        check_word_lists(&additions.values, &invalid)?;
        mapping.add_vocabulary(additions, &file)?;
        check_alias_clashes(&mapping, &file)?;
        Ok(mapping)
    }

    /// A top-level option or table other than a field table.
    fn read_option(
        &mut self,
        key: &str,
        value: &toml::Value,
        file: &str,
        invalid: &impl Fn(String) -> MappingError,
        additions: &mut Additions,
    ) -> Result<(), MappingError> {
        match key {
            "grading" => self.grading = grading(value, file, invalid)?,
            "sheets" => self.read_sheets(value, file, invalid)?,
            "criteria" => self.criteria_prefixes = criteria_prefixes(value, file, invalid)?,
            "rows" => read_rows(value, file, invalid, additions)?,
            "values" => additions.values = word_lists(value, invalid)?,
            "defaults" => self.defaults = defaults(value, file, invalid)?,
            "labels" => self.labels = parse_labels(value, file, invalid)?,
            "kept_columns" => self.kept_columns = strings(value, "kept_columns", invalid)?,
            "grading_scheme" => {
                let specs: Vec<SchemeSpec> = value
                    .clone()
                    .try_into()
                    .map_err(|e: toml::de::Error| invalid(format!("[[grading_scheme]]: {e}")))?;
                for spec in specs {
                    self.schemes
                        .add(spec)
                        .map_err(|e| invalid(format!("[[grading_scheme]]: {e}")))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `[sheets]`: the sheet names that fix a role, and those never read.
    fn read_sheets(
        &mut self,
        value: &toml::Value,
        file: &str,
        invalid: &impl Fn(String) -> MappingError,
    ) -> Result<(), MappingError> {
        for (k, v) in sub_table(value, "sheets", invalid)? {
            if k == "ignore" {
                self.ignored_sheets = strings(v, "sheets.ignore", invalid)?;
                continue;
            }
            let role = SheetRole::ALL
                .iter()
                .find(|(_, n)| n == k)
                .map(|(r, _)| *r)
                .ok_or_else(|| unknown(file, "sheet role", k, &SheetRole::ALL.map(|(_, n)| n)))?;
            let names = strings(v, &format!("sheets.{k}"), invalid)?;
            self.sheet_roles.push((role, names));
        }
        Ok(())
    }

    /// A field table (`[learner]`, `[unit]`, …): its fields' headers.
    fn read_field_table(
        &mut self,
        key: &str,
        value: &toml::Value,
        file: &str,
        invalid: &impl Fn(String) -> MappingError,
    ) -> Result<(), MappingError> {
        let entity = Entity::ALL
            .iter()
            .copied()
            .find(|e| e.table() == key)
            .ok_or_else(|| {
                let mut known: Vec<&str> = Entity::ALL.iter().map(|e| e.table()).collect();
                known.extend_from_slice(TOP_KEYS);
                unknown(file, "table or key", key, &known)
            })?;
        self.columns
            .extend(field_rules(value, entity, key, file, invalid)?);
        Ok(())
    }

    /// The grading schemes `[grading]` names must be known.
    fn check_grading(&self, file: &str) -> Result<(), MappingError> {
        for s in [&self.grading.scheme, &self.grading.criteria_scheme]
            .into_iter()
            .flatten()
        {
            if self.schemes.find(s).is_none() {
                let ids: Vec<&str> = self.schemes.all().iter().map(|s| s.id.as_str()).collect();
                return Err(unknown(file, "grading scheme", s, &ids));
            }
        }
        Ok(())
    }

    /// The shipped vocabulary with the mapping's word lists and row words,
    /// and the intro phrases of Word cells (which are not statements either).
    fn add_vocabulary(&mut self, additions: Additions, file: &str) -> Result<(), MappingError> {
        let (mut vocabulary, unknown_lists) = Vocabulary::shipped().extended(&additions.values);
        if let Some(list) = unknown_lists.first() {
            return Err(unknown(
                file,
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
            .extend(additions.totals.iter().map(|w| fold(w)));
        vocabulary
            .notes
            .extend(additions.notes.iter().map(|w| fold(w)));
        for phrases in &self.labels.intro {
            vocabulary.intro.extend(phrases.iter().cloned());
        }
        self.vocabulary = vocabulary;
        Ok(())
    }
}

/// A mapping with what the file's top keys say of it (`id`, `name`,
/// `language`, `country`, `date_order`), and nothing else yet.
fn header(
    table: &toml::Table,
    origin: MappingOrigin,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<Mapping, MappingError> {
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
    Ok(Mapping {
        id,
        name,
        language,
        country,
        date_order,
        grading: GradingDefaults::default(),
        sheet_roles: Vec::new(),
        ignored_sheets: Vec::new(),
        kept_columns: Vec::new(),
        columns: Vec::new(),
        criteria_prefixes: Vec::new(),
        defaults: Vec::new(),
        vocabulary: Vocabulary::default(),
        schemes: SchemeRegistry::shipped().clone(),
        labels: DocumentLabels::default(),
        origin,
    })
}

/// `[grading]`: the schemes of grades and of criteria ratings.
fn grading(
    value: &toml::Value,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<GradingDefaults, MappingError> {
    let mut grading = GradingDefaults::default();
    for (k, v) in sub_table(value, "grading", invalid)? {
        let s = v
            .as_str()
            .ok_or_else(|| invalid(format!("`grading.{k}` must be a text")))?;
        match k.as_str() {
            "scheme" => grading.scheme = Some(s.to_string()),
            "criteria_scheme" => grading.criteria_scheme = Some(s.to_string()),
            other => {
                return Err(unknown(
                    file,
                    "grading option",
                    other,
                    &["scheme", "criteria_scheme"],
                ));
            }
        }
    }
    Ok(grading)
}

/// `[criteria] prefixes`: the header prefixes of criteria columns, folded.
fn criteria_prefixes(
    value: &toml::Value,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<Vec<String>, MappingError> {
    let mut prefixes = Vec::new();
    for (k, v) in sub_table(value, "criteria", invalid)? {
        match k.as_str() {
            "prefixes" => {
                prefixes = strings(v, "criteria.prefixes", invalid)?
                    .iter()
                    .map(|p| fold(p))
                    .collect();
            }
            other => return Err(unknown(file, "criteria option", other, &["prefixes"])),
        }
    }
    Ok(prefixes)
}

/// `[rows]`: words of totals rows and note rows.
fn read_rows(
    value: &toml::Value,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
    additions: &mut Additions,
) -> Result<(), MappingError> {
    for (k, v) in sub_table(value, "rows", invalid)? {
        match k.as_str() {
            "totals" => additions.totals = strings(v, "rows.totals", invalid)?,
            "notes" => additions.notes = strings(v, "rows.notes", invalid)?,
            other => {
                return Err(unknown(file, "rows option", other, &["totals", "notes"]));
            }
        }
    }
    Ok(())
}

/// `[values.<list>]`: the words for each canonical value of a word list.
fn word_lists(
    value: &toml::Value,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<BTreeMap<String, BTreeMap<String, Vec<String>>>, MappingError> {
    let mut values = BTreeMap::new();
    for (list, words) in sub_table(value, "values", invalid)? {
        let mut entry = BTreeMap::new();
        for (canonical, ws) in sub_table(words, &format!("values.{list}"), invalid)? {
            entry.insert(
                canonical.clone(),
                strings(ws, &format!("values.{list}.{canonical}"), invalid)?,
            );
        }
        values.insert(list.clone(), entry);
    }
    Ok(values)
}

/// `[defaults]`: values for fields no column gives (never grades or scales).
fn defaults(
    value: &toml::Value,
    file: &str,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<Vec<(Field, String)>, MappingError> {
    let mut out = Vec::new();
    for (path, v) in sub_table(value, "defaults", invalid)? {
        let field = Field::from_path(path).ok_or_else(|| {
            let all: Vec<String> = Field::ALL.iter().map(|f| f.path()).collect();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            unknown(file, "field in [defaults]", path, &refs)
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
        out.push((field, s));
    }
    Ok(out)
}

/// Each word list takes only its own canonical values.
fn check_word_lists(
    values: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    invalid: &impl Fn(String) -> MappingError,
) -> Result<(), MappingError> {
    for (list, table) in values {
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
    Ok(())
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
