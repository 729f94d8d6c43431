//! `/api/v1/users`: the people who use Kehu. Everyone signed in reads; administrators write.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_core::user::{CreateUser, Role, UpdateUser, User};
use kehu_store::users::{self as store_users, UserFilter, UserSort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::users;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users).service(create_user).service(get_user).service(update_user).service(deactivate_user);
}

const SORTS: [(&str, UserSort); 3] =
    [("name", UserSort::Name), ("email", UserSort::Email), ("created_at", UserSort::CreatedAt)];

const FILTERS: [Filter; 4] = [
    Filter::new("q", Values::Text, "Substring of name or email"),
    Filter::new("role", Values::AnyOf(|| Role::ALL.iter().map(|r| r.as_str()).collect()), "Any of these roles"),
    Filter::new("team_id", Values::Uuid, "Members of this team"),
    Filter::new("active", Values::Bool, "Only active (true) or deactivated (false) users"),
];

list_params!(
    /// The query of `GET /users`.
    UserListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/users`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListParams),
    responses(
        (status = 200, description = "A page of users", body = List<User>),
        (status = 400, description = "Unknown or malformed parameter (`invalid_parameter`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
async fn list_users(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<List<User>>> {
    who.require_scope(Scope::UsersRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = UserFilter {
        roles: list.filter_any("role", Role::parse)?,
        team_id: list.filter_uuid("team_id")?,
        active: list.filter_bool("active")?,
        q: list.filter("q").map(str::to_owned),
    };
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| Ok(store_users::list(conn, &filter, sort, dir, &page, total)?)).await?;
    Ok(web::Json(list.respond(paged, |u| Ok(u.to_wire()?))?))
}

/// Handles `POST /api/v1/users`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUser,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create one user")),
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "Malformed body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email taken (`conflict`), or the same Idempotency-Key in flight (`request_in_flight`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`validation_failed`), or an Idempotency-Key reused with another body (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateUser>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::UsersWrite)?;
    who.require_admin()?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let user = users::create(conn, &who, &body)?;
        Stored::created(&user, format!("/api/v1/users/{}", user.id), user.version)
    })
    .await
}

/// Handles `GET /api/v1/users/{id}`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The user; `ETag` carries its version", body = User),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
async fn get_user(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::UsersRead)?;
    let id = id.into_inner();
    let user = state.db(move |conn| users::get(conn, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(user.version)).json(user))
}

/// Handles `PATCH /api/v1/users/{id}`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The version last read, e.g. `\"3\"`")),
    request_body(content = UpdateUser, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email taken, or the last active administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match (`precondition_failed`, with `current_version`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateUser>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::UsersWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let user = state.db(move |conn| users::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(user.version)).json(user))
}

/// Handles `POST /api/v1/users/{id}/deactivate`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Deactivated: the user can no longer sign in and their sessions end", body = User),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last active administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/deactivate")]
async fn deactivate_user(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::UsersWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    let user = state.db(move |conn| users::deactivate(conn, &who, id, expected)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(user.version)).json(user))
}
