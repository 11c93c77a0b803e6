//! Taking a multipart upload apart into a job's input folder: each file
//! is written under its checked relative path (see `names`) as it arrives,
//! the bytes are counted against `--max-upload-mb`, and the form fields
//! become the run's options. Nothing of an upload that fails is kept: the
//! caller's draft folder is removed with it.

use std::collections::BTreeSet;
use std::path::Path;

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

use super::config::{MAX_PROFILE_BYTES, check_profile};
use super::errors::ApiError;
use super::names::UploadPath;
use super::run::{JobRequest, PROFILE};
use crate::export;

/// Most files in one upload: more than any school's folder, few enough
/// that one request cannot exhaust the disk's inodes.
pub(crate) const MAX_FILES: usize = 10_000;
/// Longest text field (`to`, `lang`, a school's name …).
const MAX_TEXT: usize = 4096;
/// Most languages asked for at once.
const MAX_LANGUAGES: usize = 8;

/// The form's fields as they come, before they are checked together.
#[derive(Default)]
struct Form {
    files: BTreeSet<UploadPath>,
    bytes: u64,
    max_bytes: u64,
    max_mb: u64,
    to: Option<String>,
    lang: Option<String>,
    strict: Option<String>,
    profile: Option<String>,
    school_name: Option<String>,
    school_country: Option<String>,
}

impl Form {
    /// Counts `n` more bytes of the upload; over the limit is a 413.
    fn count(&mut self, n: usize) -> Result<(), ApiError> {
        self.bytes += n as u64;
        if self.bytes > self.max_bytes {
            return Err(ApiError::too_large(self.max_mb));
        }
        Ok(())
    }
}

/// Reads the whole upload into `inputs` and returns what the job is to
/// make. `default_profile` is written for a job that brings no profile.
pub(crate) async fn receive(
    mut multipart: Multipart,
    inputs: &Path,
    max_bytes: u64,
    max_mb: u64,
    default_profile: Option<&str>,
) -> Result<JobRequest, ApiError> {
    let mut form = Form {
        max_bytes,
        max_mb,
        ..Form::default()
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, max_mb))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "files" | "file" => save_file(field, inputs, &mut form).await?,
            "profile" => form.profile = Some(read_text(field, &mut form, MAX_PROFILE_BYTES).await?),
            "to" => form.to = Some(read_text(field, &mut form, MAX_TEXT).await?),
            "lang" => form.lang = Some(read_text(field, &mut form, MAX_TEXT).await?),
            "strict" => form.strict = Some(read_text(field, &mut form, MAX_TEXT).await?),
            "school_name" => form.school_name = Some(read_text(field, &mut form, MAX_TEXT).await?),
            "school_country" => {
                form.school_country = Some(read_text(field, &mut form, MAX_TEXT).await?)
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-field",
                    format!(
                        "unknown form field `{name}`; the fields are files, to, lang, strict, profile, school_name, school_country"
                    ),
                ));
            }
        }
    }
    if form.files.is_empty() {
        return Err(ApiError::bad_request(
            "no-files",
            "the upload holds no file: send one or more in the `files` field",
        ));
    }
    let request = JobRequest {
        formats: formats(form.to.as_deref())?,
        languages: languages(form.lang.as_deref())?,
        strict: yes_no(form.strict.as_deref())?,
    };
    if let Some(text) = profile(&form, default_profile)? {
        tokio::fs::write(inputs.join(PROFILE), text)
            .await
            .map_err(write_error)?;
    }
    Ok(request)
}

fn multipart_error(e: MultipartError, max_mb: u64) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(max_mb)
    } else {
        ApiError::bad_request(
            "bad-multipart",
            format!(
                "the upload is not a readable multipart form: {}",
                e.body_text()
            ),
        )
    }
}

fn write_error(e: std::io::Error) -> ApiError {
    eprintln!("europass serve: cannot write an upload: {e}");
    ApiError::internal("the server cannot store the upload")
}

/// Writes one uploaded file below `inputs`, at its checked path.
async fn save_file(mut field: Field<'_>, inputs: &Path, form: &mut Form) -> Result<(), ApiError> {
    let raw = field.file_name().unwrap_or_default().to_string();
    let path = UploadPath::parse(&raw).map_err(|e| {
        ApiError::bad_request("bad-file-name", format!("`{}`: {e}", raw.escape_debug()))
    })?;
    if path.is_single() && path.top() == PROFILE {
        return Err(ApiError::bad_request(
            "reserved-name",
            format!("{PROFILE} is the school profile: send it in the `profile` field"),
        ));
    }
    if form.files.len() >= MAX_FILES {
        return Err(ApiError::bad_request(
            "too-many-files",
            format!("an upload may hold at most {MAX_FILES} files"),
        ));
    }
    if !form.files.insert(path.clone()) {
        return Err(ApiError::bad_request(
            "duplicate-file",
            format!("`{path}` is in the upload twice"),
        ));
    }
    let target = inputs.join(path.to_path());
    let clash = |_| {
        ApiError::bad_request(
            "duplicate-file",
            format!("`{path}` clashes with another file of the upload"),
        )
    };
    if let Some(parent) = target.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(clash)?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .await
        .map_err(clash)?;
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(e, form.max_mb))?
    {
        form.count(chunk.len())?;
        file.write_all(&chunk).await.map_err(write_error)?;
    }
    file.flush().await.map_err(write_error)
}

/// A text field, at most `max` bytes, as UTF-8.
async fn read_text(mut field: Field<'_>, form: &mut Form, max: usize) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(e, form.max_mb))?
    {
        form.count(chunk.len())?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > max {
            return Err(ApiError::bad_request(
                "field-too-long",
                format!("the field `{name}` is longer than {max} bytes"),
            ));
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::bad_request("bad-field", format!("the field `{name}` is not UTF-8 text"))
    })
}

/// `to`: the output formats, as `--to` takes them; `json` when not given.
fn formats(to: Option<&str>) -> Result<Vec<String>, ApiError> {
    let names: Vec<String> = to
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(vec!["json".into()]);
    }
    match names.iter().find(|n| export::exporter(n).is_none()) {
        Some(unknown) => Err(ApiError::bad_request(
            "unknown-format",
            format!(
                "unknown output format `{}`; known: {}",
                unknown.escape_debug(),
                export::names().join(", ")
            ),
        )),
        None => Ok(names),
    }
}

/// `lang`: language tags such as `lv,en`, as `--lang` takes them.
fn languages(lang: Option<&str>) -> Result<Vec<String>, ApiError> {
    let tags: Vec<String> = lang
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let bad = tags.iter().find(|t| !is_language_tag(t));
    if let Some(tag) = bad {
        return Err(ApiError::bad_request(
            "bad-language",
            format!(
                "`{}` is not a language tag such as lv or en",
                tag.escape_debug()
            ),
        ));
    }
    if tags.len() > MAX_LANGUAGES {
        return Err(ApiError::bad_request(
            "bad-language",
            format!("at most {MAX_LANGUAGES} languages"),
        ));
    }
    Ok(tags)
}

/// Two or three letters, with an optional region or script (`pt-br`).
fn is_language_tag(tag: &str) -> bool {
    let (primary, rest) = tag.split_once('-').unwrap_or((tag, ""));
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = !tag.contains('-')
        || ((1..=8).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
    primary_ok && rest_ok
}

/// `strict`: a check box's `on`, or true/false, yes/no, 1/0.
fn yes_no(value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "false" | "no" | "0" | "off") => Ok(false),
        Some("true" | "yes" | "1" | "on") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "bad-field",
            "`strict` is true or false",
        )),
    }
}

/// The profile to put beside the inputs: the uploaded one, else one made
/// from a typed school name and country, else the server's `--profile`.
fn profile(form: &Form, default_profile: Option<&str>) -> Result<Option<String>, ApiError> {
    let typed = [&form.school_name, &form.school_country]
        .iter()
        .any(|f| f.as_deref().is_some_and(|t| !t.trim().is_empty()));
    match (&form.profile, typed) {
        (Some(_), true) => Err(ApiError::bad_request(
            "profile-conflict",
            "send either a profile file or a school name and country, not both",
        )),
        (Some(text), false) => {
            check_profile(text)
                .map_err(|e| ApiError::bad_request("bad-profile", format!("the profile is {e}")))?;
            Ok(Some(text.clone()))
        }
        (None, true) => typed_profile(form).map(Some),
        (None, false) => Ok(default_profile.map(str::to_string)),
    }
}

/// A minimal `europass.toml` from the school's name and country: the
/// `[school]` table of the profile, and nothing else.
fn typed_profile(form: &Form) -> Result<String, ApiError> {
    let name = form.school_name.as_deref().unwrap_or_default().trim();
    let country = form
        .school_country
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad-profile",
            "the school's name is needed, in at most 200 characters",
        ));
    }
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::bad_request(
            "bad-profile",
            "the school's country is a two-letter code such as LV",
        ));
    }
    let mut school = toml::Table::new();
    school.insert("name".into(), toml::Value::String(name.to_string()));
    school.insert("country".into(), toml::Value::String(country));
    let mut document = toml::Table::new();
    document.insert("school".into(), toml::Value::Table(school));
    toml::to_string(&document)
        .map_err(|e| ApiError::internal(format!("cannot write the profile: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_default_to_json_and_unknown_ones_are_refused() {
        assert_eq!(formats(None).unwrap(), ["json"]);
        assert_eq!(formats(Some(" XML, pdf ,")).unwrap(), ["xml", "pdf"]);
        assert_eq!(
            formats(Some("xml,html")).unwrap_err().code,
            "unknown-format"
        );
    }

    #[test]
    fn languages_are_tags() {
        assert_eq!(languages(Some("LV, en")).unwrap(), ["lv", "en"]);
        assert!(languages(Some("pt-br")).is_ok());
        assert!(languages(Some("latvian")).is_err());
        assert!(languages(Some("l<v")).is_err());
    }

    #[test]
    fn strict_takes_a_check_box_and_words() {
        assert!(yes_no(Some("on")).unwrap());
        assert!(!yes_no(None).unwrap());
        assert!(yes_no(Some("maybe")).is_err());
    }

    #[test]
    fn a_typed_school_becomes_a_school_table() {
        let form = Form {
            school_name: Some("Rīgas \"Tehnikums\"".into()),
            school_country: Some("lv".into()),
            ..Form::default()
        };
        let text = profile(&form, Some("[school]\nname = \"default\"\n"))
            .unwrap()
            .unwrap();
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["school"]["name"].as_str(),
            Some("Rīgas \"Tehnikums\"")
        );
        assert_eq!(parsed["school"]["country"].as_str(), Some("LV"));
        assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn a_profile_file_and_a_typed_school_together_are_refused() {
        let form = Form {
            profile: Some("[school]\n".into()),
            school_name: Some("X".into()),
            ..Form::default()
        };
        assert_eq!(profile(&form, None).unwrap_err().code, "profile-conflict");
    }

    #[test]
    fn without_a_profile_the_servers_is_used() {
        assert_eq!(
            profile(&Form::default(), Some("a = 1")).unwrap().as_deref(),
            Some("a = 1")
        );
        assert_eq!(profile(&Form::default(), None).unwrap(), None);
    }
}
