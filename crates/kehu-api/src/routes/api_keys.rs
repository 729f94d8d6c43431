//! `/api/v1/api-keys`: keys for integrators. Managed by signed-in people, never by keys.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use kehu_core::Problem;
use kehu_core::api_key::{ApiKey, CreateApiKey, CreatedApiKey};
use kehu_core::list::List;
use kehu_core::user::Role;
use kehu_store::api_keys;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, list_params};
use crate::state::AppState;
use kehu_app::api_keys as service;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_keys).service(create_key).service(get_key).service(revoke_key);
}

const SORTS: [(&str, ()); 1] = [("created_at", ())];
const FILTERS: [Filter; 0] = [];

list_params!(
    /// The query of `GET /api-keys`.
    ApiKeyListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/api-keys`.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(ApiKeyListParams),
    responses(
        (status = 200, description = "The caller's keys (an administrator's: everyone's), newest first; secrets are never listed", body = List<ApiKey>),
        (status = 403, description = "Called with an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
async fn list_keys(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<List<ApiKey>>> {
    who.require_session()?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let owner = (who.role() != Role::Admin).then(|| who.id());
    let page = list.page.clone();
    let paged = state.db(move |conn| Ok(api_keys::list(conn, owner, &page)?)).await?;
    Ok(web::Json(list.respond(paged, |k| Ok(k.to_wire()))?))
}

/// Handles `POST /api/v1/api-keys`.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    request_body = CreateApiKey,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created; `secret` is shown this once", body = CreatedApiKey),
        (status = 403, description = "Called with an API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: unknown scope (`unknown_scope`), a scope beyond the caller's role (`exceeds_role`), expiry in the past", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
async fn create_key(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateApiKey>,
) -> ApiResult<HttpResponse> {
    who.require_session()?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let created = service::create(conn, &who, &body)?;
        Stored::created(&created, format!("/api/v1/api-keys/{}", created.key.id), 1)
    })
    .await
}

/// Handles `GET /api/v1/api-keys/{id}`.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The key (without its secret)", body = ApiKey),
        (status = 404, description = "No such key of the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys/{id}")]
async fn get_key(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<web::Json<ApiKey>> {
    let id = id.into_inner();
    Ok(web::Json(state.db(move |conn| service::get(conn, &who, id)).await?))
}

/// Handles `DELETE /api/v1/api-keys/{id}`.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Revoked: the key is refused from its next call on"),
        (status = 404, description = "No such key of the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-keys/{id}")]
async fn revoke_key(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db(move |conn| service::revoke(conn, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
