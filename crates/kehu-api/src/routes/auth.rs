//! Signing in and out: `/api/v1/auth/*`.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, post, web};
use kehu_core::Problem;
use kehu_core::auth::{LoginRequest, REFRESH_COOKIE, TokenResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use kehu_app::sessions::{self, Opened, SessionRules};

use crate::auth::anonymous;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
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

/// How sessions behave, from the configuration.
fn rules(state: &AppState) -> ApiResult<SessionRules> {
    let duration = |d| chrono::Duration::from_std(d).map_err(ApiError::internal);
    Ok(SessionRules {
        refresh_ttl: duration(state.config.refresh_token_ttl)?,
        login_max_failures: state.config.login_max_failures,
        login_window: duration(state.config.login_window)?,
    })
}

/// The answer to a session just opened: an access token for it, and its refresh cookie.
fn opened_response(state: &AppState, req: &HttpRequest, opened: Opened) -> ApiResult<HttpResponse> {
    let (access_token, expires_in) = state.keys.issue(opened.user_id)?;
    let cookie = refresh_cookie(req, opened.refresh_token, opened.refresh_max_age_secs);
    Ok(HttpResponse::Ok().cookie(cookie).insert_header(("Cache-Control", "no-store")).json(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in,
    }))
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
    let (ctx, rules, body) = (anonymous(&req, &state), rules(&state)?, body.into_inner());
    let opened = state.db(move |conn| sessions::login(conn, &ctx, &rules, &body, &address)).await?;
    opened_response(&state, &req, opened)
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
    let (ctx, rules) = (anonymous(&req, &state), rules(&state)?);
    let opened = state.db(move |conn| sessions::refresh(conn, &ctx, &rules, token.as_deref())).await?;
    opened_response(&state, &req, opened)
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
    let ctx = anonymous(&req, &state);
    state.db(move |conn| sessions::logout(conn, &ctx, token.as_deref())).await?;
    let mut gone = refresh_cookie(&req, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}
