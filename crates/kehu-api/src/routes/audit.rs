//! `/api/v1/audit-events`: a record's change history.

use actix_web::{HttpRequest, get, web};
use kehu_core::audit::AuditEvent;
use kehu_core::list::List;
use kehu_core::{ErrorCode, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

const SORTS: [(&str, ()); 1] = [("id", ())];
const FILTERS: [Filter; 2] = [
    Filter::new("entity", Values::Text, "The kind of record: `customer`, `contact`, `activity`, `lead`, `quote`, `purchase`, `complaint`, `product`, `user`, `team`, `api_key`. The history of customers, contacts, activities, leads, quotes, purchases and complaints is open to whoever may see the record; the rest to administrators.").required(),
    Filter::new("entity_id", Values::Uuid, "The record's id").required(),
];

list_params!(
    /// The query of `GET /audit-events`.
    AuditListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/audit-events`.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditListParams),
    responses(
        (status = 200, description = "The record's changes, oldest first", body = List<AuditEvent>),
        (status = 400, description = "Missing or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator (for products, users, teams and keys)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A customer, contact or activity the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
async fn list_audit_events(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<AuditEvent>>> {
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let entity = list
        .filter("entity")
        .map(str::to_owned)
        .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidParameter, "entity is required"))?;
    let entity_id = list
        .filter_uuid("entity_id")?
        .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidParameter, "entity_id is required"))?;
    let page = list.page.clone();
    let paged = state.db(move |conn| kehu_app::audit::history(conn, &who, &entity, entity_id, &page)).await?;
    Ok(web::Json(list.respond(paged, |row| Ok(row.to_wire()?))?))
}
