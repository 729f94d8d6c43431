//! `/api/v1/complaints`: complaints, their actions and their comments. Service agents see the
//! queue and their own; everyone else the complaints of customers they see, of their teams, and
//! those escalated to them.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::complaint::{
    AssignComplaint, CloseComplaint, Comment, Complaint, ComplaintCategory, ComplaintStatus, CreateComment,
    CreateComplaint, Priority, ReopenComplaint, ResolveComplaint, UpdateComplaint,
};
use kehu_core::list::List;
use kehu_store::complaints::{ComplaintFilter, ComplaintSort};
use kehu_store::page::Page;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use kehu_app::AppError;

use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::complaints::{self, Act};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_complaints)
        .service(create_complaint)
        .service(get_complaint)
        .service(update_complaint)
        .service(acknowledge_complaint)
        .service(start_complaint)
        .service(resolve_complaint)
        .service(close_complaint)
        .service(reopen_complaint)
        .service(assign_complaint)
        .service(list_comments)
        .service(add_comment);
}

const SORTS: [(&str, ComplaintSort); 4] = [
    ("due_at", ComplaintSort::DueAt),
    ("created_at", ComplaintSort::CreatedAt),
    ("updated_at", ComplaintSort::UpdatedAt),
    ("number", ComplaintSort::Number),
];

const FILTERS: [Filter; 8] = [
    Filter::new("q", Values::Text, "A number prefix such as `C-2026-0001`, or words of the subject"),
    Filter::new("status", Values::AnyOf(ComplaintStatus::wire_names), "Any of"),
    Filter::new("priority", Values::AnyOf(Priority::wire_names), "Any of"),
    Filter::new("category", Values::AnyOf(ComplaintCategory::wire_names), "Any of"),
    Filter::new("assignee_id", Values::Owners { pool: true }, "`me`, `none` (the queue) or user ids"),
    Filter::new("breached", Values::Bool, "Whether a deadline of the current round is missed"),
    Filter::new("due_before", Values::Time, "The next deadline is before this"),
    Filter::new("customer_id", Values::Uuid, ""),
];

list_params!(
    /// The query of `GET /complaints`.
    ComplaintListParams,
    SORTS,
    FILTERS,
    "`due_at`: the next deadline first; after resolution the resolution deadline."
);

const COMMENT_SORTS: [(&str, ()); 1] = [("created_at", ())];
const COMMENT_FILTERS: [Filter; 0] = [];

list_params!(
    /// The query of `GET /complaints/{id}/comments`.
    CommentListParams,
    COMMENT_SORTS,
    COMMENT_FILTERS
);

/// Handles `GET /api/v1/complaints`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(ComplaintListParams),
    responses(
        (status = 200, description = "A page of the complaints the caller may see", body = List<Complaint>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/complaints")]
async fn list_complaints(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Complaint>>> {
    who.require_scope(Scope::ComplaintsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let mut unassigned = false;
    let filter = ComplaintFilter {
        statuses: list.filter_any("status", ComplaintStatus::parse)?,
        priorities: list.filter_any("priority", |p| Priority::parse(p).map(|p| p.as_str().to_owned()))?,
        categories: list.filter_any("category", |c| ComplaintCategory::parse(c).map(|c| c.as_str().to_owned()))?,
        assignees: list.filter_owners("assignee_id", who.id(), Some(&mut unassigned))?,
        unassigned,
        breached: list.filter_bool("breached")?,
        due_before: list.filter_time("due_before")?,
        customer_id: list.filter_uuid("customer_id")?,
        q: list.filter("q").map(str::to_owned),
    };
    let (page, order, total): (Page, _, _) = (list.page.clone(), (list.sort, list.dir), list.with_total);
    let paged = state.db(move |conn| complaints::list(conn, &who, &filter, order, &page, total)).await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/complaints`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    request_body = CreateComplaint,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Taken in: `open`, numbered `C-YYYY-NNNNNN`, with its deadlines from the SLA settings", body = Complaint),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. `/contact_id` `not_found` for another customer's contact", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints")]
async fn create_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateComplaint>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ComplaintsWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let complaint = complaints::create(conn, &who, &body)?;
        Stored::created(&complaint, format!("/api/v1/complaints/{}", complaint.id), complaint.version)
    })
    .await
}

/// Handles `GET /api/v1/complaints/{id}`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The complaint", body = Complaint),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/complaints/{id}")]
async fn get_complaint(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ComplaintsRead)?;
    let id = id.into_inner();
    let complaint = state.db(move |conn| complaints::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(complaint.version)).json(complaint))
}

/// Handles `PATCH /api/v1/complaints/{id}`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateComplaint, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated; a new priority moves the deadlines of the current round", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: resolved and closed complaints are not edited", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/complaints/{id}")]
async fn update_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateComplaint>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ComplaintsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let complaint = state.db(move |conn| complaints::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(complaint.version)).json(complaint))
}

/// Runs an action under the request's Idempotency-Key.
async fn run(state: web::Data<AppState>, who: Caller, req: HttpRequest, id: Uuid, act: Act) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ComplaintsWrite)?;
    let expected = if_match(&req)?;
    let body = match &act {
        Act::Acknowledge | Act::Start => serde_json::Value::Null,
        Act::Resolve(b) => serde_json::to_value(b).map_err(ApiError::internal)?,
        Act::Close(b) => serde_json::to_value(b).map_err(ApiError::internal)?,
        Act::Reopen(b) => serde_json::to_value(b).map_err(ApiError::internal)?,
        Act::Assign(b) => serde_json::to_value(b).map_err(ApiError::internal)?,
    };
    let canonical = serde_json::to_string(&(id, act.action(), expected, body)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let complaint = complaints::act(conn, &who, id, expected, &act)?;
        Stored::ok(&complaint, Some(complaint.version))
    })
    .await
}

/// Handles `POST /api/v1/complaints/{id}/acknowledge`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "`acknowledged`; the first response if none came before. A service agent or sales rep acknowledging a queued complaint takes it", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/acknowledge")]
async fn acknowledge_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Acknowledge).await
}

/// Handles `POST /api/v1/complaints/{id}/start`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "`in_progress`; the first response if none came before", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/start")]
async fn start_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Start).await
}

/// Handles `POST /api/v1/complaints/{id}/resolve`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ResolveComplaint,
    responses(
        (status = 200, description = "`resolved`; late after the resolution deadline marks it breached", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/resolution` `required`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/resolve")]
async fn resolve_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ResolveComplaint>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Resolve(body.into_inner())).await
}

/// Handles `POST /api/v1/complaints/{id}/close`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CloseComplaint,
    responses(
        (status = 200, description = "`closed`, with the customer's satisfaction", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: only resolved complaints close", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/satisfaction` `required` or `out_of_range` (1–5)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/close")]
async fn close_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<CloseComplaint>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Close(body.into_inner())).await
}

/// Handles `POST /api/v1/complaints/{id}/reopen`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ReopenComplaint,
    responses(
        (status = 200, description = "`open` again, with new deadlines from now; the reason becomes a comment", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` (not resolved or closed), or `reopen_window_closed` (resolved longer ago than the settings' `complaint_reopen_days`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/reason` `required`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/reopen")]
async fn reopen_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ReopenComplaint>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Reopen(body.into_inner())).await
}

/// Handles `POST /api/v1/complaints/{id}/assign`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = AssignComplaint,
    responses(
        (status = 200, description = "Assigned, or back in the queue for `null`", body = Complaint),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: resolved and closed complaints keep their assignee", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/assignee_id`: `required`, `not_found`, `inactive_user`, `cannot_handle`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/assign")]
async fn assign_complaint(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<AssignComplaint>,
) -> ApiResult<HttpResponse> {
    run(state, who, req, id.into_inner(), Act::Assign(body.into_inner())).await
}

/// Handles `GET /api/v1/complaints/{id}/comments`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), CommentListParams),
    responses(
        (status = 200, description = "The complaint's comments, oldest first", body = List<Comment>),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/complaints/{id}/comments")]
async fn list_comments(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<List<Comment>>> {
    who.require_scope(Scope::ComplaintsRead)?;
    let list = ListRequest::parse(&req, &COMMENT_SORTS, &COMMENT_FILTERS)?;
    let (id, page) = (id.into_inner(), list.page.clone());
    let paged = state.db(move |conn| complaints::comments(conn, &who, id, &page)).await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/complaints/{id}/comments`.
#[utoipa::path(
    tag = "complaints",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateComment,
    responses(
        (status = 201, description = "Added; the first comment on a complaint not yet responded to is its first response", body = Comment),
        (status = 403, description = "The caller may read the complaint but not work it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/body` `required` or `too_long`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/comments")]
async fn add_comment(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<CreateComment>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ComplaintsWrite)?;
    let (id, body) = (id.into_inner(), body.into_inner());
    let canonical = serde_json::to_string(&(id, &body)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let comment = complaints::add_comment(conn, &who, id, &body)?;
        let body = serde_json::to_string(&comment).map_err(AppError::internal)?;
        // Comments are never edited, so they carry no version to put in an ETag.
        Ok(Stored { status: 201, body, location: Some(format!("/api/v1/complaints/{id}/comments")), etag: None })
    })
    .await
}
