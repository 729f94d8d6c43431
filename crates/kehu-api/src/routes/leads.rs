//! `/api/v1/leads`: the sales pipeline. A lead with a customer is visible with its customer; a
//! prospect with its owner.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::customer::CustomerSource;
use kehu_core::lead::{ChangeStage, ConvertLead, CreateLead, Lead, LeadBoard, LeadConversion, LeadStage, UpdateLead};
use kehu_core::list::List;
use kehu_store::leads::{LeadFilter, LeadSort};
use kehu_store::page::Page;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::leads;

pub fn configure(cfg: &mut ServiceConfig) {
    // `board` before `{id}`, so that the literal segment wins.
    cfg.service(lead_board)
        .service(list_leads)
        .service(create_lead)
        .service(get_lead)
        .service(update_lead)
        .service(delete_lead)
        .service(restore_lead)
        .service(change_lead_stage)
        .service(convert_lead);
}

const SORTS: [(&str, LeadSort); 3] =
    [("updated_at", LeadSort::UpdatedAt), ("created_at", LeadSort::CreatedAt), ("title", LeadSort::Title)];

const FILTERS: [Filter; 8] = [
    Filter::new("q", Values::Text, "Substring of the title or the prospect's company, contact or email"),
    Filter::new("stage", Values::AnyOf(LeadStage::wire_names), "Any of"),
    Filter::new("owner_id", Values::Owners { pool: false }, "`me` or user ids"),
    Filter::new("team_id", Values::Uuid, "Leads owned by members of this team and the teams below it"),
    Filter::new("customer_id", Values::Uuid, "One customer's leads"),
    Filter::new("source", Values::AnyOf(CustomerSource::wire_names), "Any of"),
    Filter::new("expected_close_date[gte]", Values::Time, "Expected to close on or after (the date of a time)"),
    Filter::new("expected_close_date[lte]", Values::Time, "Expected to close on or before (the date of a time)"),
];

list_params!(
    /// The query of `GET /leads`.
    LeadListParams,
    SORTS,
    FILTERS
);

/// The board's filters: those of the list that still mean something when every open lead counts.
const BOARD_FILTERS: [Filter; 4] = [FILTERS[2], FILTERS[3], FILTERS[0], FILTERS[5]];

/// The query of `GET /leads/board`.
struct BoardParams;

impl utoipa::IntoParams for BoardParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        crate::listing::filter_parameters(&BOARD_FILTERS)
    }
}

/// The filters of the list and the board. A team means its members and those of every team
/// below it.
fn lead_filter<S: Copy>(list: &ListRequest<S>, who: &Caller) -> ApiResult<(LeadFilter, Option<Uuid>)> {
    let filter = LeadFilter {
        stages: list.filter_any("stage", LeadStage::parse)?,
        owners: list.filter_owners("owner_id", who.id(), None)?,
        teams: Vec::new(),
        customer_id: list.filter_uuid("customer_id")?,
        sources: list.filter_any("source", CustomerSource::parse)?,
        close_gte: list.filter_time("expected_close_date[gte]")?.map(|t| t.date()),
        close_lte: list.filter_time("expected_close_date[lte]")?.map(|t| t.date()),
        q: list.filter("q").map(str::to_owned),
    };
    Ok((filter, list.filter_uuid("team_id")?))
}

/// Fills in the teams below `team`, on a connection.
fn with_team(
    conn: &mut kehu_store::DbConnection,
    mut filter: LeadFilter,
    team: Option<Uuid>,
) -> kehu_app::AppResult<LeadFilter> {
    if let Some(team) = team {
        filter.teams = kehu_store::teams::subtree(conn, team)?;
        if filter.teams.is_empty() {
            // An unknown team has no members: nothing matches.
            filter.teams.push(team);
        }
    }
    Ok(filter)
}

/// Handles `GET /api/v1/leads/board`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(BoardParams),
    responses(
        (status = 200, description = "A column per open stage: count, sums per currency (weighted by probability) and the most recently changed cards", body = LeadBoard),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/leads/board")]
async fn lead_board(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<LeadBoard>> {
    who.require_scope(Scope::LeadsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &BOARD_FILTERS)?;
    let (filter, team) = lead_filter(&list, &who)?;
    let board = state
        .db(move |conn| {
            let filter = with_team(conn, filter, team)?;
            leads::board(conn, &who, &filter)
        })
        .await?;
    Ok(web::Json(board))
}

/// Handles `GET /api/v1/leads`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(LeadListParams),
    responses(
        (status = 200, description = "A page of the leads the caller may see", body = List<Lead>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/leads")]
async fn list_leads(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<List<Lead>>> {
    who.require_scope(Scope::LeadsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let (filter, team) = lead_filter(&list, &who)?;
    let (page, sort, dir, total): (Page, _, _, _) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state
        .db(move |conn| {
            let filter = with_team(conn, filter, team)?;
            leads::list(conn, &who, &filter, sort, dir, &page, total)
        })
        .await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/leads`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    request_body = CreateLead,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Lead),
        (status = 403, description = "The caller may read the customer but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown or invisible `customer_id` or `owner_id` included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads")]
async fn create_lead(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateLead>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let lead = leads::create(conn, &who, &body)?;
        Stored::created(&lead, format!("/api/v1/leads/{}", lead.id), lead.version)
    })
    .await
}

/// Handles `GET /api/v1/leads/{id}`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The lead, with its stage history", body = Lead),
        (status = 404, description = "No such lead, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/leads/{id}")]
async fn get_lead(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsRead)?;
    let id = id.into_inner();
    let lead = state.db(move |conn| leads::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(lead.version)).json(lead))
}

/// Handles `PATCH /api/v1/leads/{id}`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateLead, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Lead),
        (status = 403, description = "The caller may read the lead but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/leads/{id}")]
async fn update_lead(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateLead>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let lead = state.db(move |conn| leads::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(lead.version)).json(lead))
}

/// Handles `DELETE /api/v1/leads/{id}`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (an administrator can restore it)"),
        (status = 403, description = "The caller may read the lead but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/leads/{id}")]
async fn delete_lead(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| leads::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/leads/{id}/restore`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Restored", body = Lead),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads/{id}/restore")]
async fn restore_lead(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    let id = id.into_inner();
    let lead = state.db(move |conn| leads::restore(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(lead.version)).json(lead))
}

/// Handles `POST /api/v1/leads/{id}/stage`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body = ChangeStage,
    responses(
        (status = 200, description = "Moved; the stage history has the new entry", body = Lead),
        (status = 403, description = "The caller may read the lead but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` (a won lead stays won; a lost one only reopens), with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Lost without `lost_reason`, won without a customer (`/stage` `customer_required`), a probability out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads/{id}/stage")]
async fn change_lead_stage(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ChangeStage>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let lead = state.db(move |conn| leads::change_stage(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(lead.version)).json(lead))
}

/// Handles `POST /api/v1/leads/{id}/convert`.
#[utoipa::path(
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ConvertLead,
    responses(
        (status = 200, description = "The customer (and contact) made from the prospect, and the lead linked to them", body = LeadConversion),
        (status = 403, description = "The caller may read the lead but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`possible_duplicate` (send `allow_duplicate`), or `invalid_state_transition` when the lead has a customer already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The prospect has no company name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads/{id}/convert")]
async fn convert_lead(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ConvertLead>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::LeadsWrite)?;
    who.require_scope(Scope::CustomersWrite)?;
    let (id, body) = (id.into_inner(), body.into_inner());
    let canonical = serde_json::to_string(&(id, &body)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let done = leads::convert(conn, &who, id, &body)?;
        Stored::ok(&done, Some(done.lead.version))
    })
    .await
}
