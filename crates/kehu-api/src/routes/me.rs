//! The caller: `/api/v1/me`.

use actix_web::{get, web};
use kehu_core::Problem;
use kehu_core::user::Me;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::error::ApiResult;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me);
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
async fn me(principal: Principal) -> ApiResult<web::Json<Me>> {
    let scopes = principal.scopes();
    Ok(web::Json(principal.user.to_me(scopes)?))
}
