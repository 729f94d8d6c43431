//! `/api/v1/settings`: what administrators set up (custom fields, pool recycling, …).

use actix_web::{HttpRequest, HttpResponse, get, patch, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::settings::{Settings, UpdateSettings};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::ApiResult;
use crate::state::AppState;
use kehu_app::settings;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_settings).service(update_settings);
}

/// Handles `GET /api/v1/settings`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses((status = 200, description = "The settings (defaults until an administrator saves some)", body = Settings))
)]
#[get("/settings")]
async fn get_settings(state: web::Data<AppState>, _who: Caller) -> ApiResult<HttpResponse> {
    let settings = state.db(settings::get).await?;
    Ok(HttpResponse::Ok().insert_header(etag(settings.version)).json(settings))
}

/// Handles `PATCH /api/v1/settings`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header)),
    request_body(content = UpdateSettings, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Saved", body = Settings),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/settings")]
async fn update_settings(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<UpdateSettings>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::Admin)?;
    let (expected, body) = (if_match(&req)?, body.into_inner());
    let settings = state.db(move |conn| settings::update(conn, &who, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(settings.version)).json(settings))
}
