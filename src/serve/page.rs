//! The page at `/`, its script, style and labels — all in the binary, so
//! the page loads nothing from any other host. The HTML is a template in
//! `assets/web/` whose `{{section.key}}` placeholders are filled, escaped,
//! from the label file of the page's language (`assets/web/<lang>.toml`:
//! adding a language is adding a file); the script gets the same labels as
//! JSON for what it writes itself. The language comes from `?lang=`, else
//! from the browser's `Accept-Language`, else English.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::api::AppState;
use super::errors::ApiError;
use crate::label_files::{FALLBACK, LabelFiles};

/// Every embedded label file of the page.
static LABELS: LabelFiles = LabelFiles::new(
    "assets/web",
    include!(concat!(env!("OUT_DIR"), "/web_labels.rs")),
);

const INDEX: &str = include_str!("../../assets/web/index.html");
const LOGIN: &str = include_str!("../../assets/web/login.html");

/// The files the page loads: name, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/app.css"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../../assets/web/icon.svg"),
    ),
];

/// The language tag of a known label file for `wanted`, else English.
pub(crate) fn known_language(wanted: Option<&str>) -> &'static str {
    wanted
        .and_then(|w| LABELS.language(w.trim()))
        .unwrap_or(FALLBACK)
}

/// The page's language for a request: `?lang=`, else the first language
/// of `Accept-Language` (by weight) that has a label file, else English.
pub(crate) fn language_of(request: &Request) -> &'static str {
    let asked = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="));
    if let Some(lang) = asked.and_then(|l| LABELS.language(l)) {
        return lang;
    }
    let accept = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    from_accept_language(accept)
}

/// The best language of an `Accept-Language` value that has a label file.
fn from_accept_language(accept: &str) -> &'static str {
    let mut ranked: Vec<(f32, &str)> = accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((weight, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked
        .iter()
        .filter(|(weight, _)| *weight > 0.0)
        .find_map(|(_, tag)| LABELS.language(tag.split('-').next().unwrap_or(tag)))
        .unwrap_or(FALLBACK)
}

/// `GET /`: the page.
pub(crate) async fn index(State(state): State<AppState>, request: Request) -> Response {
    let lang = language_of(&request);
    let max_upload = state.max_upload_mb.saturating_mul(1_000_000);
    let html = render(
        INDEX,
        lang,
        &[
            ("max_upload_bytes", max_upload.to_string()),
            ("languages", switcher(lang)),
        ],
    );
    Html(html).into_response()
}

/// The login form, in `lang`, saying the token was wrong when `failed`.
pub(crate) fn login(lang: &'static str, failed: bool, status: StatusCode) -> Response {
    let error = if failed {
        format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            escape(label(lang, "login.wrong"))
        )
    } else {
        String::new()
    };
    let html = render(
        LOGIN,
        lang,
        &[("error", error), ("languages", switcher(lang))],
    );
    (status, Html(html)).into_response()
}

/// `GET /assets/{name}`: the script, the style, the icon.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, bytes)) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
            *bytes,
        )
            .into_response(),
        None => ApiError::not_found("such file").into_response(),
    }
}

/// `GET /assets/labels/{lang}`: every label of a language as one JSON
/// object (`"section.key": "text"`), English where the language has none.
pub(crate) async fn labels(Path(lang): Path<String>) -> Response {
    let Some(lang) = LABELS.language(&lang) else {
        return ApiError::not_found("such language").into_response();
    };
    let all: serde_json::Map<String, serde_json::Value> = LABELS
        .keys(FALLBACK)
        .into_iter()
        .map(|key| {
            let text = label(lang, &key).to_string();
            (key, serde_json::Value::String(text))
        })
        .collect();
    Json(all).into_response()
}

fn label(lang: &str, key: &str) -> &'static str {
    LABELS.lookup(lang, key).unwrap_or("")
}

/// Links to the page in every language, the current one marked.
fn switcher(current: &str) -> String {
    LABELS
        .languages()
        .iter()
        .map(|lang| {
            let name = escape(label(lang, "language.name"));
            if *lang == current {
                format!("<a href=\"?lang={lang}\" lang=\"{lang}\" aria-current=\"true\">{name}</a>")
            } else {
                format!("<a href=\"?lang={lang}\" lang=\"{lang}\" hreflang=\"{lang}\">{name}</a>")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fills a template: `{{lang}}`, the HTML given in `extra`, and every
/// other `{{section.key}}` with its label, escaped.
fn render(template: &str, lang: &str, extra: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let key = &rest[start + 2..start + end];
        match extra.iter().find(|(k, _)| *k == key) {
            Some((_, html)) => out.push_str(html),
            None if key == "lang" => out.push_str(lang),
            None => out.push_str(&escape(label(lang, key))),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Text made safe to put in HTML, in an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `{{key}}` of a template.
    fn placeholders(template: &str) -> Vec<&str> {
        template
            .split("{{")
            .skip(1)
            .filter_map(|s| s.split_once("}}").map(|(k, _)| k))
            .collect()
    }

    #[test]
    fn every_language_has_every_label_the_templates_use() {
        let extra = ["lang", "max_upload_bytes", "languages", "error"];
        for lang in LABELS.languages() {
            for key in placeholders(INDEX).into_iter().chain(placeholders(LOGIN)) {
                if !extra.contains(&key) {
                    assert!(LABELS.lookup(lang, key).is_some(), "{lang}: {key}");
                }
            }
            assert_eq!(
                LABELS.keys(lang),
                LABELS.keys(FALLBACK),
                "{lang} has other keys than en"
            );
        }
    }

    #[test]
    fn the_page_is_rendered_with_no_placeholder_left() {
        for lang in LABELS.languages() {
            let html = render(
                INDEX,
                lang,
                &[
                    ("max_upload_bytes", "1".into()),
                    ("languages", switcher(lang)),
                ],
            );
            assert!(!html.contains("{{"), "{lang}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        }
    }

    #[test]
    fn accept_language_picks_the_best_known_language() {
        assert_eq!(from_accept_language("lv-LV,lv;q=0.9,en;q=0.8"), "lv");
        assert_eq!(from_accept_language("de-DE,lv;q=0.5,en;q=0.7"), "en");
        assert_eq!(from_accept_language("fr, lv;q=0.1"), "lv");
        assert_eq!(from_accept_language(""), "en");
        assert_eq!(from_accept_language("lv;q=0"), "en");
    }

    #[test]
    fn labels_are_escaped_in_the_page() {
        assert_eq!(
            escape("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;"
        );
    }
}
