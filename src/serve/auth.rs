//! The access token. Without one (a server on loopback) everything is
//! open. With one, the API takes it as `Authorization: Bearer TOKEN`, and
//! the page asks for it once through a small login form, which sets a
//! cookie derived from the token (`HttpOnly`: no script reads it;
//! `SameSite=Strict`: no other site's page sends it). The page's assets,
//! the login form and the OpenAPI document are open: they hold no data.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::config::Token;
use super::errors::ApiError;
use super::page;

/// The login cookie's name.
const COOKIE: &str = "europass_session";

/// What an unauthorised request's body may hold before the connection is
/// simply closed (read so that the client sees the 401, not a reset).
const DRAIN_LIMIT: usize = 1 << 20;

/// Lets requests with the token (or its cookie) through; answers others
/// with the login form (the page) or 401 (the API).
pub(crate) async fn require_token(
    State(token): State<Arc<Option<Token>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = token.as_ref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let open = path == "/login" || path.starts_with("/assets/") || path == "/api/openapi.json";
    if open || authorised(request.headers(), token) {
        return next.run(request).await;
    }
    if request.method() == Method::GET && !path.starts_with("/api/") {
        let lang = page::language_of(&request);
        return page::login(lang, false, StatusCode::OK);
    }
    drain(request).await;
    ApiError::unauthorized().into_response()
}

/// True when the request carries the token as a bearer token, or the
/// login cookie.
fn authorised(headers: &HeaderMap, token: &Token) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| token.matches(given.trim().as_bytes()));
    bearer || cookie(headers).is_some_and(|v| Token::same(v, &token.cookie_value()))
}

/// The login cookie's value, if sent.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

/// Reads and drops what is left of a small request body.
async fn drain(request: Request) {
    let mut body = request.into_body().into_data_stream();
    let mut read = 0;
    while let Some(Ok(chunk)) = body.next().await {
        read += chunk.len();
        if read > DRAIN_LIMIT {
            break;
        }
    }
}

/// The login form's fields.
#[derive(Deserialize)]
pub(crate) struct Login {
    token: String,
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /login`: sets the cookie and goes back to the page, or shows the
/// form again.
pub(crate) async fn login(
    State(token): State<Arc<Option<Token>>>,
    Form(form): Form<Login>,
) -> Response {
    let lang = page::known_language(form.lang.as_deref());
    let Some(token) = token.as_ref() else {
        return Redirect::to("/").into_response();
    };
    if !token.matches(form.token.trim().as_bytes()) {
        return page::login(lang, true, StatusCode::UNAUTHORIZED);
    }
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        token.cookie_value()
    );
    let mut response = Redirect::to(&format!("/?lang={lang}")).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
