//! The error model of the API (RFC 9457 problem details). Every error the API returns carries one
//! [`ErrorCode`]; the code, not the message, is what clients branch on, and the code alone decides
//! the HTTP status, here in one table.

use serde::{Deserialize, Serialize};

/// Base of the `type` URI of every problem.
pub const PROBLEM_TYPE_BASE: &str = "https://kehu.dev/problems/";

/// Declares the error codes from one table: each code's wire name, HTTP status and title, in one
/// row, so that no code can have one without the others.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = ($wire:literal, $status:literal, $title:literal)),+ $(,)?) => {
        /// Stable, snake_case error codes. Adding one is an additive API change; renaming one is not.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$doc])* $variant),+
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The HTTP status of the code.
            pub const fn status(self) -> u16 {
                match self {
                    $(Self::$variant => $status),+
                }
            }

            /// A short, human title for the problem; the same for every occurrence of the code.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Self::$variant => $title),+
                }
            }

            /// The snake_case wire name of the code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }
        }
    };
}

error_codes! {
    /// The body is not valid JSON or does not match the expected shape.
    MalformedRequest = ("malformed_request", 400, "Request body is malformed"),
    /// The body names a field the operation does not accept.
    UnknownField = ("unknown_field", 400, "Request body has an unknown field"),
    /// A query parameter is malformed or not allowed.
    InvalidParameter = ("invalid_parameter", 400, "Request parameter is invalid"),
    /// No credentials, or credentials that are wrong, expired or revoked.
    Unauthenticated = ("unauthenticated", 401, "Authentication required"),
    /// Email and password do not match an active account.
    InvalidCredentials = ("invalid_credentials", 401, "Email or password is wrong"),
    /// The refresh token is missing, expired, or was already used.
    InvalidRefreshToken = ("invalid_refresh_token", 401, "Session has expired"),
    /// The caller may see the record but not do this with it.
    Forbidden = ("forbidden", 403, "Not allowed"),
    /// The API key lacks the scope this operation needs.
    InsufficientScope = ("insufficient_scope", 403, "The API key lacks a scope"),
    /// No such record, or not one the caller may see; also unknown routes.
    NotFound = ("not_found", 404, "Not found"),
    /// The route exists but not with this method.
    MethodNotAllowed = ("method_not_allowed", 405, "Method not allowed"),
    /// The request conflicts with the current state.
    Conflict = ("conflict", 409, "Conflict with the current state"),
    /// `If-Match` names a version that is no longer current.
    PreconditionFailed = ("precondition_failed", 412, "Version is no longer current"),
    /// The body is larger than the server accepts.
    PayloadTooLarge = ("payload_too_large", 413, "Request body is too large"),
    /// The body's content type is not `application/json`.
    UnsupportedMediaType = ("unsupported_media_type", 415, "Unsupported content type"),
    /// One or more fields failed validation; see `errors`.
    ValidationFailed = ("validation_failed", 422, "Request body is invalid"),
    /// Too many requests; see `Retry-After`.
    RateLimited = ("rate_limited", 429, "Too many requests"),
    /// An `Idempotency-Key` was sent again with a different request.
    IdempotencyKeyReused = ("idempotency_key_reused", 422, "Idempotency key reused with another request"),
    /// A request with this `Idempotency-Key` is still being processed.
    RequestInFlight = ("request_in_flight", 409, "A request with this idempotency key is in progress"),
    /// Claiming this pool customer would hold more than the user's `pool_cap`.
    PoolCapReached = ("pool_cap_reached", 409, "Pool customer limit reached"),
    /// The customer is not in the pool (it has an owner), so it cannot be claimed.
    NotInPool = ("not_in_pool", 409, "Customer is not in the pool"),
    /// A visible customer has the same name, phone, email or tax id; see `duplicates`.
    PossibleDuplicate = ("possible_duplicate", 409, "A similar customer exists"),
    /// The record's state does not allow this action; see `current_status` and `allowed_actions`.
    InvalidStateTransition = ("invalid_state_transition", 409, "Not allowed in the record's current state"),
    /// The complaint was resolved longer ago than the reopen window allows.
    ReopenWindowClosed = ("reopen_window_closed", 409, "Too late to reopen"),
    /// The server failed; nothing about the cause is disclosed.
    InternalError = ("internal_error", 500, "Internal server error"),
    /// The database or another dependency is unavailable.
    ServiceUnavailable = ("service_unavailable", 503, "Service unavailable"),
}

impl ErrorCode {
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
    fn every_code_has_one_row_of_the_table() {
        let mut names = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()), "{code:?}: serde and the table disagree");
            assert!(names.insert(code.as_str()), "{code:?}: its wire name is taken");
            assert!((400..600).contains(&code.status()), "{code:?}: {} is not an error status", code.status());
            assert_eq!(ErrorCode::for_status(code.status()).status(), code.status(), "{code:?}");
            assert!(code.title().len() > 3, "{code:?}");
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
        assert_eq!(ErrorCode::ALL.len(), 25);
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
