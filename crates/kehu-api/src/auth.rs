//! Credentials: password hashes (argon2id), access tokens (JWT, HS256 only), refresh tokens
//! (random, stored as SHA-256), and the [`Principal`] extractor that turns a bearer token into the
//! caller.

use std::sync::OnceLock;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kehu_core::ErrorCode;
use kehu_core::api_key::role_scopes;
use kehu_core::user::Role;
use kehu_store::Visibility;
use kehu_store::api_keys::{self, ApiKey};
use kehu_store::users::{self, User};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::middleware::RequestId;
use crate::state::AppState;

const ISSUER: &str = "kehu";

/// Hashes a password with argon2id and a fresh salt (PHC string).
pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(ApiError::internal)
}

/// Checks a password against a stored hash. With no hash (unknown email) it still does the work
/// of one check, so response times do not tell which emails have accounts.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let (target, real) = match hash {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let ok = PasswordHash::new(target)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    ok && real
}

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

/// A new refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a refresh token. A fast hash is enough: the token is random, not a password.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random secret for signing, when none is configured.
pub fn new_signing_secret() -> String {
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub role: Role,
    /// The request's id, for the audit log.
    pub request_id: Option<String>,
    /// Set when the caller authenticated with an API key rather than a session.
    pub api_key_id: Option<Uuid>,
    /// The key's own scopes; `None` for a session, which holds every scope of its role.
    key_scopes: Option<Vec<String>>,
}

impl Principal {
    pub fn id(&self) -> Uuid {
        self.user.id.0
    }

    /// 403 unless the caller is an administrator.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.role == Role::Admin { Ok(()) } else { Err(ApiError::forbidden("only administrators may do this")) }
    }

    /// What the caller may do: the role's scopes, narrowed to the key's scopes for an API key.
    pub fn scopes(&self) -> Vec<String> {
        let role = role_scopes(self.role);
        match &self.key_scopes {
            None => role,
            Some(key) => role.into_iter().filter(|s| key.contains(s)).collect(),
        }
    }

    /// 403 unless the caller holds `scope`: `forbidden` when the role lacks it (a person can do
    /// nothing about that), `insufficient_scope` when only the API key does (a new key can).
    pub fn require_scope(&self, scope: &str) -> ApiResult<()> {
        if !role_scopes(self.role).iter().any(|s| s == scope) {
            return Err(ApiError::forbidden("your role does not allow this"));
        }
        if self.scopes().iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::with_detail(ErrorCode::InsufficientScope, format!("this needs the scope {scope}")))
        }
    }

    /// The records this caller may see: its user's (an API key's owner's) role and teams.
    pub fn visibility(&self, conn: &mut kehu_store::DbConnection) -> ApiResult<Visibility> {
        Ok(Visibility::for_user(conn, self.id(), self.role, self.user.team_id.map(Uuid::from))?)
    }

    /// 403 for API keys: some things only a person signed in may do (managing keys).
    pub fn require_session(&self) -> ApiResult<()> {
        match self.api_key_id {
            None => Ok(()),
            Some(_) => Err(ApiError::forbidden("API keys cannot do this; sign in")),
        }
    }
}

/// Every API key starts with this, so that a leaked key is recognisable (and scannable).
pub const API_KEY_PREFIX: &str = "kehu_";

/// A new API key secret: the prefix and 256 random bits.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", new_refresh_token())
}

/// The live key with this secret and its active owner; revoked or expired keys and keys of
/// deactivated users are refused on their next call.
fn api_key_caller(conn: &mut kehu_store::DbConnection, secret: &str) -> ApiResult<(User, ApiKey)> {
    let now = kehu_store::now();
    let refused = || ApiError::unauthenticated("the API key is unknown, revoked or expired");
    let key = api_keys::find_by_hash(conn, &hash_token(secret))?.filter(|k| k.is_live(now)).ok_or_else(refused)?;
    let user = users::find_by_id(conn, key.owner_id.0)?.filter(User::can_sign_in).ok_or_else(refused)?;
    api_keys::touch(conn, key.id.0, now)?;
    Ok((user, key))
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token.ok_or_else(|| ApiError::unauthenticated("send Authorization: Bearer <token>"))?;
            if token.starts_with(API_KEY_PREFIX) {
                let (user, key) = state.db(move |conn| api_key_caller(conn, &token)).await?;
                let role = user.role()?;
                let scopes = Some(key.scope_list());
                return Ok(Principal { user, role, request_id, api_key_id: Some(key.id.0), key_scopes: scopes });
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
            Ok(Principal { user, role, request_id, api_key_id: None, key_scopes: None })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", Some(&h)));
        assert!(!verify_password("wrong horse", Some(&h)));
        assert!(!verify_password("correct horse", None));
    }

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let id = Uuid::now_v7();
        let (token, ttl) = keys.issue(id).unwrap();
        assert_eq!(ttl, 60);
        assert_eq!(keys.verify(&token).unwrap().sub, id);
        let other = JwtKeys::new(b"another secret, another secret!!", Duration::from_secs(60));
        assert!(other.verify(&token).is_err());
        assert_eq!(hash_token("abc").len(), 64);
        assert_ne!(new_refresh_token(), new_refresh_token());
    }
}
