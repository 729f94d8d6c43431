//! `/api/v1/teams`: the team tree. Everyone signed in reads; administrators write.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_core::team::{CreateTeam, Team, UpdateTeam};
use kehu_store::teams::{self as store_teams, TeamFilter, TeamSort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::teams;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_teams)
        .service(create_team)
        .service(get_team)
        .service(update_team)
        .service(delete_team)
        .service(restore_team);
}

const SORTS: [(&str, TeamSort); 2] = [("name", TeamSort::Name), ("created_at", TeamSort::CreatedAt)];

const FILTERS: [Filter; 2] = [
    Filter::new("q", Values::Text, "Substring of the name"),
    Filter::new("parent_id", Values::Uuid, "Direct sub-teams of this team"),
];

list_params!(
    /// The query of `GET /teams`.
    TeamListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/teams`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(TeamListParams),
    responses(
        (status = 200, description = "A page of teams", body = List<Team>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teams")]
async fn list_teams(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<List<Team>>> {
    who.require_scope(Scope::TeamsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = TeamFilter { parent_id: list.filter_uuid("parent_id")?, q: list.filter("q").map(str::to_owned) };
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| Ok(store_teams::list(conn, &filter, sort, dir, &page, total)?)).await?;
    Ok(web::Json(list.respond(paged, |t| Ok(t.to_wire()))?))
}

/// Handles `POST /api/v1/teams`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    request_body = CreateTeam,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Team),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or Idempotency-Key reused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teams")]
async fn create_team(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateTeam>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::TeamsWrite)?;
    who.require_admin()?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let team = teams::create(conn, &who, &body)?;
        Stored::created(&team, format!("/api/v1/teams/{}", team.id), team.version)
    })
    .await
}

/// Handles `GET /api/v1/teams/{id}`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The team", body = Team),
        (status = 404, description = "No such team", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teams/{id}")]
async fn get_team(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::TeamsRead)?;
    let id = id.into_inner();
    let team = state.db(move |conn| teams::get(conn, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(team.version)).json(team))
}

/// Handles `PATCH /api/v1/teams/{id}`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateTeam, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Team),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such team", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (e.g. `cycle` on `/parent_id`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/teams/{id}")]
async fn update_team(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateTeam>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::TeamsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let team = state.db(move |conn| teams::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(team.version)).json(team))
}

/// Handles `DELETE /api/v1/teams/{id}`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (restorable by an administrator)"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such team", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The team still has members or sub-teams", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/teams/{id}")]
async fn delete_team(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::TeamsWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| teams::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/teams/{id}/restore`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Restored", body = Team),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such team", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teams/{id}/restore")]
async fn restore_team(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::TeamsWrite)?;
    let id = id.into_inner();
    let team = state.db(move |conn| teams::restore(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(team.version)).json(team))
}
