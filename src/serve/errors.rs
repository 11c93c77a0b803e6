//! Every error the API answers with: a status and a JSON body
//! `{"code": …, "message": …}`. The code is stable and machine-readable (the
//! page picks its own words by it); the message is for a person reading the
//! raw response. Messages never quote file contents.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// Stable, machine-readable: `not-found`, `upload-too-large`, `queue-full` …
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

/// An error answer: status, code and message, plus a `Retry-After` for a
/// full queue.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A request the API cannot take as it is (400).
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// No job with that id, or no such file (404).
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no {what} here: it may have been deleted, or kept no longer"),
        )
    }

    /// The upload is over `--max-upload-mb` (413).
    pub fn too_large(max_mb: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "upload-too-large",
            format!(
                "the upload is larger than this server takes ({max_mb} MB); send fewer files at once"
            ),
        )
    }

    /// The queue is full (503), with when to try again.
    pub fn queue_full(retry_after: u32) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "queue-full",
                "the server is busy with other jobs: try again in a moment",
            )
        }
    }

    /// The request carries no valid token (401).
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs its access token: send `Authorization: Bearer TOKEN`, or log in on the page",
        )
    }

    /// The job has not finished, so it has no outputs yet (409).
    pub fn not_finished() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "not-finished",
            "the job has not finished: its outputs are not there yet",
        )
    }

    /// Something on the server failed (500); the details go to the log.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal-error", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"europass\""),
            );
        }
        response
    }
}
