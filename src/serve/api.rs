//! The HTTP API: upload a job, follow it, fetch its report and outputs,
//! delete it. Every handler here is documented for the OpenAPI document
//! (`openapi`), and every error is an [`ApiError`] (JSON `{code, message}`).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::config::Token;
use super::errors::{ApiError, ErrorBody};
use super::jobs::{Job, JobId, Jobs};
use super::names::UploadPath;
use super::progress::{Stage, Status};
use super::run::LearnerFiles;
use super::security::Guard;
use super::{events, upload, zip_stream};

/// Seconds a client is told to wait when the queue is full.
const RETRY_AFTER: u32 = 10;

/// What every handler may use.
#[derive(Clone)]
pub(crate) struct AppState {
    pub jobs: Arc<Jobs>,
    pub token: Arc<Option<Token>>,
    pub guard: Guard,
    pub max_upload_mb: u64,
}

impl AppState {
    fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb.saturating_mul(1_000_000)
    }
}

impl FromRef<AppState> for Arc<Option<Token>> {
    fn from_ref(state: &AppState) -> Self {
        state.token.clone()
    }
}

impl FromRef<AppState> for Guard {
    fn from_ref(state: &AppState) -> Self {
        state.guard.clone()
    }
}

/// The multipart form of `POST /api/jobs` (documentation only).
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "describes the form for the OpenAPI document; read by `upload`"
)]
pub(crate) struct UploadForm {
    /// The input files (spreadsheets, Word files, credentials, transcripts),
    /// one part each. A part's file name may hold the folders above the
    /// file (`demo/round.xlsx`), as a folder upload sends them; names that
    /// climb out (`../`), absolute paths and drive letters are refused.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1)]
    files: Vec<Vec<u8>>,
    /// Output formats, comma-separated, as `convert --to`: xml, jsonld,
    /// docx, pdf, json, xlsx. Default `json`.
    #[schema(
        required = false,
        example = "xml,jsonld,docx,pdf,json,xlsx",
        pattern = "^(xml|jsonld|docx|pdf|json|xlsx)(,(xml|jsonld|docx|pdf|json|xlsx))*$"
    )]
    to: String,
    /// Languages of the documents, comma-separated, as `convert --lang` (`lv,en`).
    #[schema(
        required = false,
        example = "lv,en",
        pattern = "^[a-z]{2,3}(,[a-z]{2,3}){0,7}$"
    )]
    lang: String,
    /// Warnings count as errors, as `convert --strict`.
    #[schema(required = false)]
    strict: bool,
    /// The school profile: a `europass.toml` (TOML text). Not with `school_name`.
    #[schema(required = false, value_type = String, format = Binary)]
    profile: Vec<u8>,
    /// The school's name, to make a profile from (with `school_country`).
    #[schema(required = false, min_length = 1, max_length = 200)]
    school_name: String,
    /// The school's country, two letters (`LV`).
    #[schema(required = false, example = "LV", pattern = "^[A-Za-z]{2}$")]
    school_country: String,
}

/// One event of `GET /api/jobs/{id}/events` (documentation only).
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "describes the event stream for the OpenAPI document"
)]
pub(crate) struct ProgressEvent {
    /// Always `progress`.
    event: String,
    /// The job's status and progress as JSON: `{"status": "running",
    /// "progress": {"stage": "pdf", "done": 3, "total": 14, "number": 5, "stages": 8}}`.
    data: String,
}

/// Where a job's parts are.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobUrls {
    /// Status, progress and, when done, the report.
    pub job: String,
    /// Progress as server-sent events.
    pub events: String,
    /// Every output as one zip.
    pub outputs_zip: String,
    /// The feedback workbook.
    pub feedback: String,
    /// Prefix of each output file's URL: add its path from the report.
    pub files: String,
}

impl JobUrls {
    fn of(id: &JobId) -> JobUrls {
        let job = format!("/api/jobs/{}", id.as_str());
        JobUrls {
            events: format!("{job}/events"),
            outputs_zip: format!("{job}/outputs.zip"),
            feedback: format!("{job}/feedback.xlsx"),
            files: format!("{job}/files/"),
            job,
        }
    }
}

/// A job just created.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobCreated {
    /// The job's id.
    pub id: String,
    /// `queued`.
    pub status: Status,
    /// Where its parts are.
    pub urls: JobUrls,
}

/// A job: status, progress, and when done the report and learners.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobView {
    /// The job's id.
    pub id: String,
    /// Where the job is.
    pub status: Status,
    /// How far its run has got.
    pub progress: Stage,
    /// The output formats asked for.
    pub formats: Vec<String>,
    /// The languages asked for.
    pub languages: Vec<String>,
    /// Whether warnings count as errors.
    pub strict: bool,
    /// Where its parts are.
    pub urls: JobUrls,
    /// When done: the run's report, the same as `report.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub report: Option<Box<RawValue>>,
    /// When done: each learner and their documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learners: Option<Vec<LearnerFiles>>,
    /// When failed: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

impl JobView {
    fn of(job: &Job) -> JobView {
        let snapshot = job.snapshot();
        let (report, learners, error) = match job.outcome() {
            Some(Ok(o)) => (Some(o.report.clone()), Some(o.learners.clone()), None),
            Some(Err(e)) => (
                None,
                None,
                Some(ErrorBody {
                    code: e.code(),
                    message: e.to_string(),
                }),
            ),
            None => (None, None, None),
        };
        JobView {
            id: job.id.as_str().to_string(),
            status: snapshot.status,
            progress: snapshot.progress,
            formats: job.request.formats.clone(),
            languages: job.request.languages.clone(),
            strict: job.request.strict,
            urls: JobUrls::of(&job.id),
            report,
            learners,
            error,
        }
    }
}

/// The job named in a path, or 404.
fn find(state: &AppState, id: &str) -> Result<Arc<Job>, ApiError> {
    JobId::parse(id)
        .and_then(|id| state.jobs.get(&id))
        .ok_or_else(|| ApiError::not_found("such job"))
}

/// The job named in a path, finished and done, or why not.
fn done(state: &AppState, id: &str) -> Result<Arc<Job>, ApiError> {
    let job = find(state, id)?;
    match job.snapshot().status {
        Status::Done => Ok(job),
        Status::Failed => Err(ApiError::new(
            StatusCode::CONFLICT,
            "job-failed",
            "the job failed: it has no outputs",
        )),
        Status::Queued | Status::Running => Err(ApiError::not_finished()),
    }
}

/// Upload files and start a job.
///
/// A multipart form (see `UploadForm`). The job is queued and converted
/// as `europass convert` would; follow it with `GET /api/jobs/{id}` or its
/// events.
#[utoipa::path(
    post, path = "/api/jobs", tag = "jobs",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Created and queued", body = JobCreated,
            headers(("Location" = String, description = "The job's URL")),
            links(
                ("job" = (operation_id = "get_job", parameters(("id" = "$response.body#/id")))),
                ("events" = (operation_id = "job_events", parameters(("id" = "$response.body#/id")))),
                ("zip" = (operation_id = "outputs_zip", parameters(("id" = "$response.body#/id")))),
                ("feedback" = (operation_id = "feedback", parameters(("id" = "$response.body#/id")))),
                ("file" = (operation_id = "output_file", parameters(("id" = "$response.body#/id"), ("path" = "report.json")))),
                ("delete" = (operation_id = "delete_job", parameters(("id" = "$response.body#/id")))),
            )),
        (status = 400, description = "The form cannot be taken: a bad file name, an unknown format …", body = ErrorBody),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 413, description = "The upload is over --max-upload-mb", body = ErrorBody),
        (status = 503, description = "The queue is full", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before trying again"))),
    )
)]
pub(crate) async fn create_job(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_upload_bytes()) {
        return Err(ApiError::too_large(state.max_upload_mb));
    }
    let Some(admission) = state.jobs.admit() else {
        drain(request, state.max_upload_bytes()).await;
        return Err(ApiError::queue_full(RETRY_AFTER));
    };
    let draft = state.jobs.draft().map_err(|e| {
        eprintln!("europass serve: cannot make a job folder: {e}");
        ApiError::internal("the server cannot store the upload")
    })?;
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|e| {
            ApiError::bad_request(
                "bad-multipart",
                format!("send a multipart form: {}", e.body_text()),
            )
        })?;
    let profile = state.jobs.default_profile.as_deref();
    let asked = upload::receive(
        multipart,
        &draft.inputs(),
        state.max_upload_bytes(),
        state.max_upload_mb,
        profile,
    )
    .await?;
    let job = state.jobs.start(draft, asked, admission);
    let created = JobCreated {
        id: job.id.as_str().to_string(),
        status: Status::Queued,
        urls: JobUrls::of(&job.id),
    };
    let location =
        HeaderValue::from_str(&created.urls.job).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(created),
    )
        .into_response())
}

/// Reads and drops a request body up to `limit` bytes, so that the client
/// is sure to read the answer (a server that closes on unread bytes makes
/// the client's system reset the connection).
async fn drain(request: Request, limit: u64) {
    let mut body = request.into_body().into_data_stream();
    let mut read = 0u64;
    while let Some(Ok(chunk)) = body.next().await {
        read += chunk.len() as u64;
        if read > limit {
            break;
        }
    }
}

/// A job's status and progress; when done, its report and learners.
#[utoipa::path(
    get, path = "/api/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job (or deleted)", body = ErrorBody),
    )
)]
pub(crate) async fn get_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let job = find(&state, &id)?;
    Ok(Json(JobView::of(&job)))
}

/// Delete a job and all its files now (a running job stops at the next
/// stage and leaves nothing).
#[utoipa::path(
    delete, path = "/api/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
    )
)]
pub(crate) async fn delete_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = JobId::parse(&id).ok_or_else(|| ApiError::not_found("such job"))?;
    if state.jobs.delete(&id).await {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("such job"))
    }
}

/// A job's progress as server-sent events: `progress` events whose data
/// is `{status, progress}`, the last one when the job is done or failed.
#[utoipa::path(
    get, path = "/api/jobs/{id}/events", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The event stream: `progress` events", content_type = "text/event-stream", body = ProgressEvent),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
    )
)]
pub(crate) async fn job_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(events::stream(find(&state, &id)?).into_response())
}

/// Every output of a finished job as one zip, streamed: the files
/// `europass convert` writes to its output folder, `report.json` and
/// `feedback.xlsx` included.
#[utoipa::path(
    get, path = "/api/jobs/{id}/outputs.zip", tag = "outputs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The zip", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job has not finished, or failed", body = ErrorBody),
    )
)]
pub(crate) async fn outputs_zip(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = done(&state, &id)?;
    let name = format!("europass-{}.zip", &job.id.as_str()[..8]);
    Ok(attachment(
        zip_stream::body(job.out_dir()),
        "application/zip",
        &name,
    ))
}

/// A finished job's feedback workbook: each input row with its status and problems.
#[utoipa::path(
    get, path = "/api/jobs/{id}/feedback.xlsx", tag = "outputs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job has not finished, or failed", body = ErrorBody),
    )
)]
pub(crate) async fn feedback(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = done(&state, &id)?;
    serve_file(&job, "feedback.xlsx").await
}

/// One output file of a finished job, by its path in the report
/// (`ozola-anna/transcript.pdf`).
#[utoipa::path(
    get, path = "/api/jobs/{id}/files/{path}", tag = "outputs",
    params(
        ("id" = String, Path, description = "The job's id"),
        ("path" = String, Path, description = "The file's path below the outputs, as the report's `outputs` name it"),
    ),
    responses(
        (status = 200, description = "The file, typed by its extension", content(
            (Value = "application/xml"),
            (Value = "application/ld+json"),
            (Value = "application/json"),
            (Value = "application/pdf"),
            (Value = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Value = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Value = "application/octet-stream"),
        )),
        (status = 401, description = "The server needs its token", body = ErrorBody),
        (status = 404, description = "No such job or file", body = ErrorBody),
        (status = 409, description = "The job has not finished, or failed", body = ErrorBody),
    )
)]
pub(crate) async fn output_file(
    State(state): State<AppState>,
    Path((id, path)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let job = done(&state, &id)?;
    serve_file(&job, &path).await
}

/// Streams the output at `path` (checked like an upload name) as an attachment.
async fn serve_file(job: &Job, path: &str) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found("such file");
    let relative = UploadPath::parse(path).map_err(|_| missing())?;
    let target = job.out_dir().join(relative.to_path());
    let meta = tokio::fs::symlink_metadata(&target)
        .await
        .map_err(|_| missing())?;
    if !meta.is_file() {
        return Err(missing());
    }
    let file = tokio::fs::File::open(&target)
        .await
        .map_err(|_| missing())?;
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = attachment(body, content_type(name), name);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(meta.len()));
    Ok(response)
}

/// A download: the body with its type, to be saved as `name`.
fn attachment(body: Body, kind: &'static str, name: &str) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The media type of an output, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("xml") => "application/xml",
        Some("jsonld") => "application/ld+json",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Any path the API does not have.
pub(crate) async fn no_route() -> ApiError {
    ApiError::not_found("such page")
}

/// A method a path does not take.
pub(crate) async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this path does not take that method",
    )
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        super::openapi::document(),
    )
        .into_response()
}

/// The body limit of uploads, for axum's multipart reader.
pub(crate) fn body_limit(state: &AppState) -> axum::extract::DefaultBodyLimit {
    let limit = usize::try_from(state.max_upload_bytes()).unwrap_or(usize::MAX);
    axum::extract::DefaultBodyLimit::max(limit)
}
