//! Authentication of requests: access tokens (JWT, HS256 only) and the [`Caller`] extractor that
//! turns a bearer token or an API key into the application's context. Passwords, refresh tokens
//! and key secrets are `kehu_app::credentials`.

use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kehu_app::context::{Context, UserActor};
use kehu_app::credentials::{API_KEY_PREFIX, hash_token};
use kehu_app::{AppError, AppResult};
use kehu_store::api_keys::{self, ApiKey};
use kehu_store::users::{self, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::middleware::RequestId;
use crate::state::AppState;

const ISSUER: &str = "kehu";

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

/// Signing and checking access tokens. The algorithm is pinned: a token whose header names any
/// other algorithm, `none` included, is refused before its signature is looked at.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation, ttl }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Returns the token and its lifetime in seconds.
    pub fn issue(&self, user_id: Uuid) -> ApiResult<(String, i64)> {
        // The token library checks `exp` against the system time, so the token is dated by it
        // too; a test's moved clock governs the rules, not the transport's credentials.
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.ttl.as_secs()).map_err(ApiError::internal)?;
        let claims = Claims { sub: user_id, iat: now, exp: now + ttl, iss: ISSUER.to_owned() };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok((token, ttl))
    }

    pub fn verify(&self, token: &str) -> ApiResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
            tracing::info!(reason = %e, "access token refused");
            ApiError::unauthenticated("the access token is invalid or expired")
        })
    }
}

/// The caller of a request, as the application's context: extracting it authenticates the
/// request (a bearer access token or an API key) and reads the time once from the server's clock.
#[derive(Debug, Clone)]
pub struct Caller(pub Context);

impl Caller {
    pub fn into_inner(self) -> Context {
        self.0
    }
}

impl std::ops::Deref for Caller {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.0
    }
}

/// The live key with this secret and its active owner; revoked or expired keys and keys of
/// deactivated users are refused on their next call.
fn api_key_caller(conn: &mut kehu_store::DbConnection, secret: &str, now: NaiveDateTime) -> AppResult<(User, ApiKey)> {
    let refused = || AppError::unauthenticated("the API key is unknown, revoked or expired");
    let key = api_keys::find_by_hash(conn, &hash_token(secret))?.filter(|k| k.is_live(now)).ok_or_else(refused)?;
    let user = users::find_by_id(conn, key.owner_id.0)?.filter(User::can_sign_in).ok_or_else(refused)?;
    api_keys::touch(conn, key.id.0, now)?;
    Ok((user, key))
}

/// The context of a request made before signing in (signing in, refreshing, signing out).
pub fn anonymous(req: &HttpRequest, state: &AppState) -> Context {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    Context::anonymous(state.clock.now(), request_id)
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token.ok_or_else(|| ApiError::unauthenticated("send Authorization: Bearer <token>"))?;
            let now = state.clock.now();
            if token.starts_with(API_KEY_PREFIX) {
                let (user, key) = state.db(move |conn| api_key_caller(conn, &token, now)).await?;
                let role = user.role()?;
                let actor = UserActor { user, role, api_key_id: Some(key.id.0), key_scopes: Some(key.scopes()) };
                return Ok(Caller(Context::for_user(actor, now, request_id)));
            }
            let claims = state.keys.verify(&token)?;
            // The user is read on every request so that a deactivated account stops at once,
            // not when its token expires.
            let user = state
                .db(move |conn| Ok(users::find_by_id(conn, claims.sub)?))
                .await?
                .filter(User::can_sign_in)
                .ok_or_else(|| ApiError::unauthenticated("the account is not active"))?;
            let role = user.role()?;
            let actor = UserActor { user, role, api_key_id: None, key_scopes: None };
            Ok(Caller(Context::for_user(actor, now, request_id)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let id = Uuid::now_v7();
        let (token, ttl) = keys.issue(id).unwrap();
        assert_eq!(ttl, 60);
        assert_eq!(keys.verify(&token).unwrap().sub, id);
        let other = JwtKeys::new(b"another secret, another secret!!", Duration::from_secs(60));
        assert!(other.verify(&token).is_err());
    }
}
