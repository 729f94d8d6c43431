//! `/api/v1/audit-events`: a record's change history.

use actix_web::{HttpRequest, get, web};
use kehu_core::audit::AuditEvent;
use kehu_core::list::List;
use kehu_core::{ErrorCode, Problem};
use kehu_store::{DbConnection, audit};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Principal;
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
    who: Principal,
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
    let paged = state
        .db(move |conn| {
            may_read_history(conn, &who, &entity, entity_id)?;
            Ok(audit::list_for(conn, &entity, entity_id, &page)?)
        })
        .await?;
    Ok(web::Json(list.respond(paged, |row| Ok(row.to_wire()?))?))
}

/// The history of a record of a customer's (the customer, its contacts, activities, leads, quotes,
/// purchases and complaints) is for whoever sees the record (administrators see all, deleted ones
/// included); the directory's, the keys' and the catalog's (it holds costs) for administrators.
fn may_read_history(conn: &mut DbConnection, who: &Principal, entity: &str, id: Uuid) -> ApiResult<()> {
    let scope = match entity {
        "customer" => "customers:read",
        "contact" => "contacts:read",
        "activity" => "activities:read",
        "lead" => "leads:read",
        "quote" => "quotes:read",
        "purchase" => "purchases:read",
        "complaint" => "complaints:read",
        _ => {
            who.require_scope("admin")?;
            return who.require_admin();
        }
    };
    who.require_scope(scope)?;
    let vis = who.visibility(conn)?;
    if vis.sees_all() {
        return Ok(());
    }
    let visible = match entity {
        "customer" => kehu_store::customers::find(conn, &vis, id)?.is_some(),
        "contact" => kehu_store::contacts::find(conn, &vis, id)?.is_some(),
        "lead" => kehu_store::leads::find(conn, &vis, id)?.is_some(),
        "quote" => kehu_store::quotes::find(conn, &vis, id)?.is_some(),
        "purchase" => kehu_store::purchases::find(conn, &vis, id)?.is_some(),
        "complaint" => kehu_store::complaints::find(conn, &vis, id)?.is_some(),
        _ => kehu_store::activities::find(conn, &vis, id)?.is_some(),
    };
    if visible { Ok(()) } else { Err(ApiError::new(ErrorCode::NotFound)) }
}
