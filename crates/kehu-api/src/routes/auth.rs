//! Signing in and out: `/api/v1/auth/*`.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, post, web};
use kehu_core::Problem;
use kehu_core::auth::{LoginRequest, REFRESH_COOKIE, TokenResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::body::Body;
use crate::error::ApiResult;
use crate::services::sessions::{self, Issued};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

/// The refresh cookie: HttpOnly so scripts cannot read it, SameSite=Strict so other sites cannot
/// send it, scoped to the auth routes, and Secure whenever the request came over https.
fn refresh_cookie<'a>(req: &HttpRequest, value: String, max_age_secs: i64) -> Cookie<'a> {
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .max_age(time::Duration::seconds(max_age_secs))
        .finish()
}

/// The client's address: the connection's peer, or what a trusted proxy says it is.
fn client_address(req: &HttpRequest, trust_proxy: bool) -> String {
    let info = req.connection_info();
    let addr = if trust_proxy { info.realip_remote_addr() } else { info.peer_addr() };
    addr.map(|a| a.parse::<std::net::SocketAddr>().map(|s| s.ip().to_string()).unwrap_or_else(|_| a.to_owned()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn issued_response(req: &HttpRequest, issued: Issued) -> HttpResponse {
    let cookie = refresh_cookie(req, issued.refresh_token, issued.refresh_max_age_secs);
    HttpResponse::Ok().cookie(cookie).insert_header(("Cache-Control", "no-store")).json(TokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: issued.expires_in,
    })
}

/// Handles `POST /api/v1/auth/login`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as an HttpOnly cookie", body = TokenResponse),
        (status = 400, description = "Malformed body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins for this account or from this address (`rate_limited`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(state: web::Data<AppState>, req: HttpRequest, body: Body<LoginRequest>) -> ApiResult<HttpResponse> {
    let address = client_address(&req, state.config.trust_proxy);
    let issued = sessions::login(&state, body.into_inner(), address).await?;
    Ok(issued_response(&req, issued))
}

/// Handles `POST /api/v1/auth/refresh`.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "A new access token; the refresh cookie is rotated", body = TokenResponse),
        (status = 401, description = "No valid refresh cookie (`invalid_refresh_token`); a reused one ends the session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let issued = sessions::refresh(&state, token).await?;
    Ok(issued_response(&req, issued))
}

/// Handles `POST /api/v1/auth/logout`.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the refresh token's session is revoked and the cookie cleared"),
    )
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    sessions::logout(&state, token).await?;
    let mut gone = refresh_cookie(&req, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}
