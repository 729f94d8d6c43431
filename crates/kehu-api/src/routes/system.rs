//! Liveness, readiness, metrics and the API document.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, web};
use kehu_core::{ErrorCode, Problem};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use kehu_app::AppError;

use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

pub fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.service(openapi_document);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` (live) or `ready` (database reachable).
    pub status: String,
}

/// Handles `GET /healthz`: the process is up.
#[utoipa::path(tag = "system", responses((status = 200, description = "The process is live", body = Health)))]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok".to_owned() })
}

/// Handles `GET /readyz`: the database answers.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let store = state.store.clone();
    web::block(move || store.ping()).await?.map_err(|e| {
        ApiError(AppError { cause: Some(e.to_string()), ..AppError::new(ErrorCode::ServiceUnavailable) })
    })?;
    Ok(web::Json(Health { status: "ready".to_owned() }))
}

/// Handles `GET /metrics`: Prometheus text format.
#[utoipa::path(tag = "system", responses((status = 200, description = "Prometheus metrics", body = String, content_type = "text/plain; version=0.0.4")))]
#[get("/metrics")]
async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(metrics.render())
}

/// The rendered document, made once at start.
pub struct OpenApiJson(pub String);

/// Handles `GET /api/v1/openapi.json`: this document.
#[utoipa::path(tag = "system", responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
#[get("/openapi.json")]
async fn openapi_document(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok().insert_header(ContentType::json()).body(doc.0.clone())
}
