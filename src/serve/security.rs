//! The headers every response carries, and the checks that keep other
//! web sites out. The page shows learners' personal data, so: a strict
//! Content-Security-Policy (scripts and styles only from this server, as
//! files — no inline script — and no other host at all), no MIME sniffing,
//! no framing, no referrer, and nothing kept in caches. A page on another
//! site may not post to the API (its `Origin` is checked), and a server on
//! loopback answers only to loopback host names, so that a site whose name
//! is rebound to 127.0.0.1 cannot read it.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;

/// The page's policy: everything from this server, scripts and styles as
/// files only, nothing from elsewhere.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The API's policy: its answers are data, never pages; a file opened in a
/// browser from it is sandboxed.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// Which requests a server takes, besides its token.
#[derive(Clone, Debug)]
pub(crate) struct Guard {
    /// The server listens on loopback only: only loopback host names may
    /// be asked for.
    pub loopback: bool,
}

/// Adds the security headers to every response.
pub(crate) async fn headers(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let policy = if api { API_POLICY } else { PAGE_POLICY };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Refuses requests for a host name that is not this loopback server's,
/// and requests that change something sent by a page of another site.
pub(crate) async fn same_site(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Response {
    if guard.loopback && !loopback_host(request.headers()) {
        return ApiError::new(
            axum::http::StatusCode::MISDIRECTED_REQUEST,
            "wrong-host",
            "this server answers only to localhost, 127.0.0.1 and [::1]",
        )
        .into_response();
    }
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes && cross_site(request.headers()) {
        return ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "cross-site",
            "requests from pages of other sites are not taken",
        )
        .into_response();
    }
    next.run(request).await
}

/// True when the `Host` is a loopback name (a request without one, from
/// HTTP/1.0, is let through: it names no other site either).
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// True when the browser says the request comes from another site: its
/// `Sec-Fetch-Site`, or an `Origin` whose host is not the `Host`.
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if text("sec-fetch-site").is_some_and(|s| s == "cross-site" || s == "same-site") {
        return true;
    }
    match (text("origin"), text("host")) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_loopback_names_reach_a_loopback_server() {
        for host in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "127.0.0.2",
            "LOCALHOST",
        ] {
            assert!(loopback_host(&with(&[("host", host)])), "{host}");
        }
        for host in [
            "evil.example:8080",
            "192.168.1.5:8080",
            "localhost.evil.example",
        ] {
            assert!(!loopback_host(&with(&[("host", host)])), "{host}");
        }
    }

    #[test]
    fn another_sites_origin_is_cross_site() {
        assert!(cross_site(&with(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(cross_site(&with(&[
            ("origin", "null"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(cross_site(&with(&[("sec-fetch-site", "cross-site")])));
        assert!(!cross_site(&with(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(!cross_site(&with(&[("host", "127.0.0.1:8080")])));
    }
}
