//! `/api/v1/imports`: CSV imports of customers and contacts, checked (dry run) or written, as jobs with progress.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use kehu_core::api_key::Scope;
use kehu_core::import::{Import, ImportResource};
use kehu_core::{ErrorCode, Problem};
use std::io::Write;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::listing::{Filter, ListRequest, Values};
use crate::state::AppState;
use kehu_app::imports;
use utoipa::openapi::path::{Parameter, ParameterIn};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_import).service(get_import);
}

/// An import reads its query as a list does (so an unknown parameter is a 400); only its filters
/// mean anything.
const IMPORT_SORTS: [(&str, ()); 1] = [("id", ())];
const IMPORT_FILTERS: [Filter; 2] = [
    Filter::new("resource", Values::OneOf(ImportResource::wire_names), "What the file holds").required(),
    Filter::new("dry_run", Values::Bool, "`true`: check every row and write nothing"),
];

/// The query of `POST /imports`.
struct ImportParams;

impl utoipa::IntoParams for ImportParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        crate::listing::filter_parameters(&IMPORT_FILTERS)
    }
}

/// Handles `POST /api/v1/imports?resource=customers&dry_run=true`.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = Option<String>, content_type = "text/csv", description = "RFC 4180 (an empty body is taken as an empty file), UTF-8 (a byte-order mark is fine); a header of field names: `name`, `kind`, `level`, `lifecycle_stage`, `source`, `owner_id`, `phone`, `email`, `website`, `address.city` (and `.country`, `.province`, `.street`, `.postcode`), `tax_id`, `credit_rating`, `tags` (`;`-separated), `external_id`, `custom_fields.<name>`. A row whose `external_id` names a customer the caller may change updates it. Contacts: `customer_id` or `customer_external_id`, `name`, `title`, `department`, `phone`, `mobile`, `email`, `birthday`, `preferred_channel`, `is_primary`, `notes`, `do_not_contact.email|phone|sms`, `custom_fields.<name>`."),
    responses(
        (status = 202, description = "Accepted; poll the job at `Location`", body = Import),
        (status = 400, description = "Unknown resource or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not write customers", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than the server accepts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/imports")]
async fn create_import(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let list = ListRequest::parse(&req, &IMPORT_SORTS, &IMPORT_FILTERS)?;
    let resource = list
        .filter("resource")
        .and_then(ImportResource::parse)
        .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidParameter, "resource must be customers or contacts"))?;
    who.require_scope(match resource {
        ImportResource::Customers => Scope::CustomersWrite,
        ImportResource::Contacts => Scope::ContactsWrite,
    })?;
    let dry_run = list.filter_bool("dry_run")?.unwrap_or(false);

    // The file goes to disk as it arrives, so a large one never sits in memory.
    let dir = state.config.data_dir.join("imports");
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let path = dir.join(format!("{}.csv", Uuid::now_v7()));
    if let Err(e) = receive(&mut payload, &path, state.config.max_import_bytes).await {
        // A refused or broken upload leaves nothing behind.
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }

    let job_who = who.clone();
    let job = match state.db(move |conn| imports::create(conn, &job_who, resource, dry_run)).await {
        Ok(job) => job,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    let (id, runner) = (job.id, state.clone());
    actix_web::rt::spawn(async move {
        // The job records its own failure; this only keeps the error in the log.
        if let Err(e) = runner.db(move |conn| imports::run(conn, &who, id, &path)).await {
            tracing::warn!(error = %e, import = %id, "import job ended with an error");
        }
    });
    Ok(HttpResponse::Accepted().insert_header((header::LOCATION, format!("/api/v1/imports/{id}"))).json(job))
}

/// Writes the request body to `path`, refusing it past `limit` bytes.
async fn receive(payload: &mut web::Payload, path: &std::path::Path, limit: usize) -> ApiResult<()> {
    let mut file = std::fs::File::create(path).map_err(ApiError::internal)?;
    let mut size = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::with_detail(ErrorCode::MalformedRequest, e.to_string()))?;
        size += chunk.len();
        if size > limit {
            return Err(ApiError::with_detail(ErrorCode::PayloadTooLarge, format!("the file is over {limit} bytes")));
        }
        file.write_all(&chunk).map_err(ApiError::internal)?;
    }
    file.flush().map_err(ApiError::internal)
}

/// Handles `GET /api/v1/imports/{id}`.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The job: status, phase, progress and the bad rows", body = Import),
        (status = 404, description = "No such job of the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/imports/{id}")]
async fn get_import(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<web::Json<Import>> {
    let id = id.into_inner();
    Ok(web::Json(state.db(move |conn| imports::get(conn, &who, id)).await?))
}
