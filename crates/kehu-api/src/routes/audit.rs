//! `/api/v1/audit-events`: a record's change history.

use actix_web::{HttpRequest, get, web};
use kehu_core::audit::AuditEvent;
use kehu_core::list::List;
use kehu_core::{ErrorCode, Problem};
use kehu_store::audit;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::listing::ListRequest;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

/// Handles `GET /api/v1/audit-events`.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(
        ("entity" = String, Query, description = "The kind of record: `user`, `team`, …"),
        ("entity_id" = Uuid, Query, description = "The record's id"),
        ("limit" = Option<i64>, Query),
        ("cursor" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "The record's changes, oldest first", body = List<AuditEvent>),
        (status = 400, description = "Missing or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
async fn list_audit_events(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
) -> ApiResult<web::Json<List<AuditEvent>>> {
    // Administrators only for now; managers will read the history of what they can see once
    // record visibility exists.
    who.require_scope("admin")?;
    who.require_admin()?;
    let list = ListRequest::parse(&req, &[("id", ())], &["entity", "entity_id"])?;
    let entity = list
        .filter("entity")
        .map(str::to_owned)
        .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidParameter, "entity is required"))?;
    let entity_id = list
        .filter_uuid("entity_id")?
        .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidParameter, "entity_id is required"))?;
    let page = list.page.clone();
    let paged = state.db(move |conn| Ok(audit::list_for(conn, &entity, entity_id, &page)?)).await?;
    Ok(web::Json(list.respond(paged, |row| Ok(row.to_wire()?))?))
}
