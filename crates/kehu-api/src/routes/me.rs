//! The caller: `/api/v1/me`.

use actix_web::{HttpResponse, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::user::{ChangePassword, Me, UpdateMe};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use kehu_app::users;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me).service(update_me).service(change_password);
}

/// Handles `GET /api/v1/me`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in caller", body = Me),
        (status = 401, description = "No valid credentials (`unauthenticated`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn me(principal: Caller) -> ApiResult<web::Json<Me>> {
    let scopes = kehu_core::api_key::scope_names(&principal.scopes());
    let user = principal.user().ok_or_else(|| ApiError::unauthenticated("sign in"))?;
    Ok(web::Json(user.to_me(scopes)?))
}

/// Handles `PATCH /api/v1/me`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body(content = UpdateMe, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The caller, updated", body = Me),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
async fn update_me(state: web::Data<AppState>, who: Caller, body: Body<UpdateMe>) -> ApiResult<web::Json<Me>> {
    let scopes = kehu_core::api_key::scope_names(&who.scopes());
    let body = body.into_inner();
    let user = state.db(move |conn| users::update_me(conn, &who, &body)).await?;
    Ok(web::Json(user.to_me(scopes)?))
}

/// Handles `POST /api/v1/me/password`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; the caller's other sessions end"),
        (status = 422, description = "Wrong current password (`/current`) or a weak new one (`/new`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    who: Caller,
    body: Body<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    state.db(move |conn| users::change_password(conn, &who, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}
