//! Signing in: the bodies of `/api/v1/auth/*`.

use serde::{Deserialize, Serialize};

/// Name of the HttpOnly cookie that carries the rotating refresh token.
pub const REFRESH_COOKIE: &str = "kehu_refresh";

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    /// Never logged, never echoed.
    pub password: String,
}

/// A short-lived access token; the refresh token travels only in its cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `"Bearer"`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}
