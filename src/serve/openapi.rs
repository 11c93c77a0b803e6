//! The OpenAPI document of the API, generated from the handlers and types
//! in `api` (and checked by a property-based fuzzer in the tests), served
//! at `/api/openapi.json`.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{SecurityRequirement, ServerBuilder};
use utoipa::{Modify, OpenApi};

use super::api;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "europass serve",
        description = "Upload a school's spreadsheets and Word files, follow the conversion, \
download the Europass documents, the report and the feedback workbook. The same run as \
`europass convert`. Errors are `{\"code\", \"message\"}` objects."
    ),
    paths(
        api::create_job,
        api::get_job,
        api::delete_job,
        api::job_events,
        api::outputs_zip,
        api::feedback,
        api::output_file,
    ),
    components(schemas(super::errors::ErrorBody)),
    modifiers(&Access),
    tags(
        (name = "jobs", description = "Upload, follow and delete jobs"),
        (name = "outputs", description = "A finished job's files"),
    )
)]
struct ApiDoc;

/// The bearer token (needed when the server has one) and the server's
/// own address as the base of every path.
struct Access;

impl Modify for Access {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The server's access token (--token-file or EUROPASS_TOKEN); none on loopback"))
                    .build(),
            ),
        );
        // Either no token (a loopback server) or the bearer token.
        doc.security = Some(vec![
            SecurityRequirement::default(),
            SecurityRequirement::new("token", Vec::<String>::new()),
        ]);
        doc.servers = Some(vec![ServerBuilder::new().url("/").build()]);
    }
}

/// The document as JSON, made once.
pub(crate) fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serialises")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_path_is_documented() {
        let doc: serde_json::Value = serde_json::from_str(document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/api/jobs",
            "/api/jobs/{id}",
            "/api/jobs/{id}/events",
            "/api/jobs/{id}/outputs.zip",
            "/api/jobs/{id}/feedback.xlsx",
            "/api/jobs/{id}/files/{path}",
        ] {
            assert!(paths.contains_key(path), "{path}");
        }
        assert_eq!(
            doc["paths"]["/api/jobs"]["post"]["responses"]["503"]["headers"]["Retry-After"]["schema"]
                ["type"],
            "integer"
        );
    }
}
