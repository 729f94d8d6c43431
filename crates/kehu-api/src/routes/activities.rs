//! `/api/v1/activities`: notes, calls, visits, meetings, emails and tasks. Visible with their
//! customer. `GET /activities?owner_id=me&done=false&due_at[lte]=…&sort=due_at` is a rep's day.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::activity::{Activity, ActivityKind, CreateActivity, UpdateActivity};
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_store::activities::{ActivityFilter, ActivitySort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::activities;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_activities)
        .service(create_activity)
        .service(get_activity)
        .service(update_activity)
        .service(delete_activity)
        .service(complete_activity);
}

const SORTS: [(&str, ActivitySort); 2] = [("created_at", ActivitySort::CreatedAt), ("due_at", ActivitySort::DueAt)];

/// `due[lte]` is the short form the contract's examples use; both spellings work.
const FILTERS: [Filter; 9] = [
    Filter::new("customer_id", Values::Uuid, "One customer's timeline"),
    Filter::new("contact_id", Values::Uuid, ""),
    Filter::new("owner_id", Values::Owners { pool: false }, "`me` or user ids"),
    Filter::new("kind", Values::AnyOf(ActivityKind::wire_names), "Any of"),
    Filter::new("done", Values::Bool, "`false`: open tasks"),
    Filter::new("due_at[lte]", Values::Time, "Due at or before"),
    Filter::new("due_at[gte]", Values::Time, "Due at or after"),
    Filter::new("due[lte]", Values::Time, "As `due_at[lte]`"),
    Filter::new("due[gte]", Values::Time, "As `due_at[gte]`"),
];

list_params!(
    /// The query of `GET /activities`.
    ActivityListParams,
    SORTS,
    FILTERS,
    "`due_at`: what has no due time counts from its creation."
);

/// Handles `GET /api/v1/activities`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(ActivityListParams),
    responses(
        (status = 200, description = "A page of the activities of customers the caller may see", body = List<Activity>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities")]
async fn list_activities(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Activity>>> {
    who.require_scope(Scope::ActivitiesRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = ActivityFilter {
        customer_id: list.filter_uuid("customer_id")?,
        contact_id: list.filter_uuid("contact_id")?,
        owners: list.filter_owners("owner_id", who.id(), None)?,
        kinds: list.filter_any("kind", ActivityKind::parse)?,
        done: list.filter_bool("done")?,
        due_lte: list.filter_time("due_at[lte]")?.or(list.filter_time("due[lte]")?),
        due_gte: list.filter_time("due_at[gte]")?.or(list.filter_time("due[gte]")?),
    };
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| activities::list(conn, &who, &filter, sort, dir, &page, total)).await?;
    Ok(web::Json(list.respond(paged, |a| Ok(a.to_wire()?))?))
}

/// Handles `POST /api/v1/activities`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    request_body = CreateActivity,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created; the customer's `last_activity_at` follows", body = Activity),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown or invisible customer or contact included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities")]
async fn create_activity(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateActivity>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ActivitiesWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let activity = activities::create(conn, &who, &body)?;
        Stored::created(&activity, format!("/api/v1/activities/{}", activity.id), activity.version)
    })
    .await
}

/// Handles `GET /api/v1/activities/{id}`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The activity", body = Activity),
        (status = 404, description = "No such activity, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities/{id}")]
async fn get_activity(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ActivitiesRead)?;
    let id = id.into_inner();
    let activity = state.db(move |conn| activities::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(activity.version)).json(activity))
}

/// Handles `PATCH /api/v1/activities/{id}`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateActivity, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Activity),
        (status = 403, description = "Neither the activity's owner nor allowed to change its customer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/activities/{id}")]
async fn update_activity(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateActivity>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ActivitiesWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let activity = state.db(move |conn| activities::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(activity.version)).json(activity))
}

/// Handles `DELETE /api/v1/activities/{id}`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Neither the activity's owner nor allowed to change its customer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/activities/{id}")]
async fn delete_activity(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ActivitiesWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| activities::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/activities/{id}/complete`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Done (a task completed now; anything already done unchanged)", body = Activity),
        (status = 403, description = "Neither the activity's owner nor allowed to change its customer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/complete")]
async fn complete_activity(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ActivitiesWrite)?;
    let id = id.into_inner();
    let activity = state.db(move |conn| activities::complete(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(activity.version)).json(activity))
}
