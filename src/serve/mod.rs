//! `europass serve`: the web page and HTTP API over the same pipeline as
//! the command line.
//!
//! The people europass is for — school coordinators, often on Windows, and
//! national agencies — work in web pages (upload, see a status per record,
//! download a feedback file), not in terminals. This module serves the run
//! `europass convert` makes behind such a page, from the same binary, on a
//! coordinator's own machine or an agency's server.
//!
//! Each upload is a job with a folder of its own; its outputs and report
//! are byte for byte those of the CLI. The server keeps no personal data:
//! a job's folder goes when the job is deleted, when it has been kept
//! `--keep-minutes`, and at shutdown; logs name jobs by id only.
//!
//! - `config`: the options, and the refusal to serve a network without a token;
//! - `jobs`, `run`, `progress`, `folders`: the queue, one job's run, its
//!   progress, and how a job's folder goes even while its run writes;
//! - `upload`, `names`: a multipart upload taken apart into a job folder,
//!   its file names made safe paths;
//! - `api`, `events`, `zip_stream`, `openapi`: the HTTP API;
//! - `page`: the page and its assets (`assets/web/`);
//! - `auth`, `security`: the token, and the headers and checks that keep
//!   other sites out.

mod api;
mod auth;
mod config;
mod errors;
mod events;
mod folders;
mod jobs;
mod names;
mod openapi;
mod page;
mod progress;
mod run;
mod security;
mod upload;
mod zip_stream;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tokio::sync::Notify;

pub use config::{Config, ConfigError, TOKEN_VARIABLE, Token};

use api::AppState;
use jobs::Jobs;
use security::Guard;

/// How long open requests may take to end after a stop signal.
const GRACE: Duration = Duration::from_secs(5);
/// How long runs still converting may take to end after a stop signal
/// (their writes fail once their jobs are deleted, so they end soon).
const RUNS_GRACE: Duration = Duration::from_secs(30);

/// Why the server could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The options cannot be served as they are.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The data folder cannot be made or cleaned.
    #[error("cannot use the data folder: {0}")]
    DataDir(std::io::Error),
    /// The server failed while running.
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves until SIGINT or SIGTERM, then deletes every job. Prints the
/// address it listens on (`europass serve: listening on http://…/`) on
/// standard output once it does.
pub fn run(config: Config) -> Result<(), ServeError> {
    config.check()?;
    let addr = config.address()?;
    let profile = config.profile_text()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let jobs = Arc::new(Jobs::open(&config, profile).map_err(ServeError::DataDir)?);
    let result = runtime.block_on(serve(config, addr, jobs.clone()));
    runtime.shutdown_timeout(Duration::from_millis(200));
    jobs.sweep(*result.as_ref().unwrap_or(&true));
    result.map(|_| ())
}

/// Serves until a stop signal; then deletes every job and says whether
/// every run had ended.
async fn serve(config: Config, addr: SocketAddr, jobs: Arc<Jobs>) -> Result<bool, ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Listen { addr, source })?;
    let local = listener.local_addr()?;
    let state = AppState {
        jobs: jobs.clone(),
        token: Arc::new(config.token.clone()),
        guard: Guard {
            loopback: local.ip().is_loopback(),
        },
        max_upload_mb: config.max_upload_mb,
    };
    let stopping = Arc::new(Notify::new());
    let stopped = stopping.clone();
    let server = axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { stopped.notified().await });
    let server = tokio::spawn(server.into_future());
    let reaper = tokio::spawn(reap(jobs.clone()));
    println!("europass serve: listening on http://{local}/");
    let _ = std::io::stdout().flush();
    eprintln!(
        "europass serve: jobs in {}, kept {} minutes after they finish; stop with Ctrl+C",
        jobs.root().display(),
        config.keep_minutes
    );
    stop_signal().await;
    eprintln!("europass serve: stopping; deleting every job");
    reaper.abort();
    let ended = jobs.shutdown(RUNS_GRACE).await;
    stopping.notify_one();
    match tokio::time::timeout(GRACE, server).await {
        Ok(Ok(result)) => result.map_err(ServeError::Io).map(|()| ended),
        _ => Ok(ended),
    }
}

/// Every route, with the token check inside the security checks and the
/// security headers around everything.
fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/login", post(auth::login))
        .route("/assets/labels/{lang}", get(page::labels))
        .route("/assets/{name}", get(page::asset))
        .route("/api/openapi.json", get(api::openapi))
        .route(
            "/api/jobs",
            post(api::create_job).layer(api::body_limit(&state)),
        )
        .route("/api/jobs/{id}", get(api::get_job).delete(api::delete_job))
        .route("/api/jobs/{id}/events", get(api::job_events))
        .route("/api/jobs/{id}/outputs.zip", get(api::outputs_zip))
        .route("/api/jobs/{id}/feedback.xlsx", get(api::feedback))
        .route("/api/jobs/{id}/files/{*path}", get(api::output_file))
        .fallback(api::no_route)
        .method_not_allowed_fallback(api::wrong_method)
        .layer(from_fn_with_state(state.token.clone(), auth::require_token))
        .layer(from_fn_with_state(state.guard.clone(), security::same_site))
        .layer(from_fn(security::headers))
        .with_state(state)
}

/// Deletes finished jobs once they have been kept long enough.
async fn reap(jobs: Arc<Jobs>) {
    let tick = (jobs.keep() / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let mut interval = tokio::time::interval(tick);
    loop {
        interval.tick().await;
        jobs.reap().await;
    }
}

/// Waits for Ctrl+C (SIGINT) or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
