//! The error model of the API (RFC 9457 problem details). Every error the API returns carries one
//! [`ErrorCode`]; the code, not the message, is what clients branch on, and the code alone decides
//! the HTTP status, here in one table.

use serde::{Deserialize, Serialize};

/// Base of the `type` URI of every problem.
pub const PROBLEM_TYPE_BASE: &str = "https://kehu.dev/problems/";

/// Stable, snake_case error codes. Adding one is an additive API change; renaming one is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON or does not match the expected shape.
    MalformedRequest,
    /// The body names a field the operation does not accept.
    UnknownField,
    /// A query parameter is malformed or not allowed.
    InvalidParameter,
    /// No credentials, or credentials that are wrong, expired or revoked.
    Unauthenticated,
    /// Email and password do not match an active account.
    InvalidCredentials,
    /// The refresh token is missing, expired, or was already used.
    InvalidRefreshToken,
    /// The caller may see the record but not do this with it.
    Forbidden,
    /// The API key lacks the scope this operation needs.
    InsufficientScope,
    /// No such record, or not one the caller may see; also unknown routes.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The request conflicts with the current state.
    Conflict,
    /// `If-Match` names a version that is no longer current.
    PreconditionFailed,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The body's content type is not `application/json`.
    UnsupportedMediaType,
    /// One or more fields failed validation; see `errors`.
    ValidationFailed,
    /// Too many requests; see `Retry-After`.
    RateLimited,
    /// An `Idempotency-Key` was sent again with a different request.
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being processed.
    RequestInFlight,
    /// Claiming this pool customer would hold more than the user's `pool_cap`.
    PoolCapReached,
    /// The customer is not in the pool (it has an owner), so it cannot be claimed.
    NotInPool,
    /// A visible customer has the same name, phone, email or tax id; see `duplicates`.
    PossibleDuplicate,
    /// The record's state does not allow this action; see `current_status` and `allowed_actions`.
    InvalidStateTransition,
    /// The complaint was resolved longer ago than the reopen window allows.
    ReopenWindowClosed,
    /// The server failed; nothing about the cause is disclosed.
    InternalError,
    /// The database or another dependency is unavailable.
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status of each code: the one place where this mapping lives.
    pub const fn status(self) -> u16 {
        match self {
            Self::MalformedRequest | Self::UnknownField | Self::InvalidParameter => 400,
            Self::Unauthenticated | Self::InvalidCredentials | Self::InvalidRefreshToken => 401,
            Self::Forbidden | Self::InsufficientScope => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict
            | Self::RequestInFlight
            | Self::PoolCapReached
            | Self::NotInPool
            | Self::PossibleDuplicate
            | Self::InvalidStateTransition
            | Self::ReopenWindowClosed => 409,
            Self::PreconditionFailed => 412,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::ValidationFailed | Self::IdempotencyKeyReused => 422,
            Self::RateLimited => 429,
            Self::InternalError => 500,
            Self::ServiceUnavailable => 503,
        }
    }

    /// A short, human title for the problem; the same for every occurrence of the code.
    pub const fn title(self) -> &'static str {
        match self {
            Self::MalformedRequest => "Request body is malformed",
            Self::UnknownField => "Request body has an unknown field",
            Self::InvalidParameter => "Request parameter is invalid",
            Self::Unauthenticated => "Authentication required",
            Self::InvalidCredentials => "Email or password is wrong",
            Self::InvalidRefreshToken => "Session has expired",
            Self::Forbidden => "Not allowed",
            Self::InsufficientScope => "The API key lacks a scope",
            Self::NotFound => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict => "Conflict with the current state",
            Self::PreconditionFailed => "Version is no longer current",
            Self::PayloadTooLarge => "Request body is too large",
            Self::UnsupportedMediaType => "Unsupported content type",
            Self::ValidationFailed => "Request body is invalid",
            Self::RateLimited => "Too many requests",
            Self::IdempotencyKeyReused => "Idempotency key reused with another request",
            Self::RequestInFlight => "A request with this idempotency key is in progress",
            Self::PoolCapReached => "Pool customer limit reached",
            Self::NotInPool => "Customer is not in the pool",
            Self::PossibleDuplicate => "A similar customer exists",
            Self::InvalidStateTransition => "Not allowed in the record's current state",
            Self::ReopenWindowClosed => "Too late to reopen",
            Self::InternalError => "Internal server error",
            Self::ServiceUnavailable => "Service unavailable",
        }
    }

    /// The snake_case wire name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedRequest => "malformed_request",
            Self::UnknownField => "unknown_field",
            Self::InvalidParameter => "invalid_parameter",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::Forbidden => "forbidden",
            Self::InsufficientScope => "insufficient_scope",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PreconditionFailed => "precondition_failed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::RequestInFlight => "request_in_flight",
            Self::PoolCapReached => "pool_cap_reached",
            Self::NotInPool => "not_in_pool",
            Self::PossibleDuplicate => "possible_duplicate",
            Self::InvalidStateTransition => "invalid_state_transition",
            Self::ReopenWindowClosed => "reopen_window_closed",
            Self::InternalError => "internal_error",
            Self::ServiceUnavailable => "service_unavailable",
        }
    }

    /// The code for a bare HTTP status, for errors raised below the handlers (routing, framework).
    pub const fn for_status(status: u16) -> Self {
        match status {
            400 => Self::MalformedRequest,
            401 => Self::Unauthenticated,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            412 | 428 => Self::PreconditionFailed,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::ValidationFailed,
            429 => Self::RateLimited,
            503 => Self::ServiceUnavailable,
            _ => Self::InternalError,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One failed field of a request, located by a JSON Pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON Pointer to the offending field, e.g. `/lines/0/quantity`.
    pub pointer: String,
    /// Stable snake_case code of the failure, e.g. `required`, `invalid_email`.
    pub code: String,
    /// Human explanation in English.
    pub detail: String,
}

/// The body of every error response (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// URI naming the problem type: `https://kehu.dev/problems/<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    pub detail: Option<String>,
    /// The `Request-Id` of the response, also found in the server's logs.
    pub request_id: Option<String>,
    /// Field-level failures; empty unless `code` is about the body's fields.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// With `precondition_failed`: the record's current version, to reload before retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// With `possible_duplicate`: the visible customers that look like the one being created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<DuplicateCandidate>,
    /// With `invalid_state_transition`: the record's state (a lead's stage, a quote's status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// With `invalid_state_transition`: what may be done from that state (empty when nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

/// A customer that may be the same as one being created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCandidate {
    pub id: uuid::Uuid,
    pub name: String,
    /// Which keys matched: `name`, `phone`, `email`, `tax_id`.
    pub matched_on: Vec<String>,
}

impl Problem {
    pub fn new(code: ErrorCode, detail: Option<String>) -> Self {
        Self {
            type_uri: format!("{PROBLEM_TYPE_BASE}{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            code,
            detail,
            request_id: None,
            errors: Vec::new(),
            current_version: None,
            duplicates: Vec::new(),
            current_status: None,
            allowed_actions: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_wire_names_match_serde() {
        for code in [
            ErrorCode::MalformedRequest,
            ErrorCode::UnknownField,
            ErrorCode::InvalidRefreshToken,
            ErrorCode::ValidationFailed,
            ErrorCode::ServiceUnavailable,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::RequestInFlight,
            ErrorCode::PoolCapReached,
            ErrorCode::NotInPool,
            ErrorCode::PossibleDuplicate,
            ErrorCode::InvalidStateTransition,
            ErrorCode::ReopenWindowClosed,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(ErrorCode::for_status(code.status()).status(), code.status());
            assert!(code.title().len() > 3);
        }
    }

    #[test]
    fn problem_round_trips() {
        let p = Problem::new(ErrorCode::NotFound, Some("no such customer".into()));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "https://kehu.dev/problems/not_found");
        assert_eq!(json["status"], 404);
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }
}
