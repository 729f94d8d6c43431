//! The API's one error type. Handlers and services return [`ApiError`]; its [`ErrorCode`] decides
//! the status (in `kehu-core`) and the body is always problem+json. The user sees the message; the
//! cause goes to the log only. The request id is added by the middleware, which also turns the
//! framework's own errors (unknown route, wrong method) into problems.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use kehu_core::{ErrorCode, FieldError, Problem};
use kehu_store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    /// What went wrong inside; logged, never sent.
    pub cause: Option<String>,
    /// Seconds for `Retry-After`, when the client should come back later.
    pub retry_after: Option<u64>,
    /// The record's version, for a failed `If-Match`.
    pub current_version: Option<i64>,
    /// What some codes add to the problem (boxed: errors travel in every `Result`, and this is
    /// rare).
    pub extra: Option<Box<Extra>>,
}

/// The members of a problem that only some codes have.
#[derive(Debug, Clone)]
pub enum Extra {
    /// `possible_duplicate`: the look-alike customers.
    Duplicates(Vec<kehu_core::DuplicateCandidate>),
    /// `invalid_state_transition`: the record's state and the actions it allows.
    Transition { current: String, allowed: Vec<String> },
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            detail: None,
            errors: Vec::new(),
            cause: None,
            retry_after: None,
            current_version: None,
            extra: None,
        }
    }

    pub fn with_detail(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { detail: Some(detail.into()), ..Self::new(code) }
    }

    /// A server-side failure: the client learns nothing of `cause`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self { cause: Some(cause.to_string()), ..Self::new(ErrorCode::InternalError) }
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::with_detail(ErrorCode::Unauthenticated, detail)
    }

    /// 422 with the given field failures.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = format!("{} field(s) failed validation", errors.len());
        Self { errors, ..Self::with_detail(ErrorCode::ValidationFailed, detail) }
    }

    /// 403: the caller may see this but not do it.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::with_detail(ErrorCode::Forbidden, detail)
    }

    /// 409 `invalid_state_transition`: the record is in `current` state, from which only
    /// `allowed` may be done.
    pub fn transition(current: &str, allowed: Vec<String>, detail: impl Into<String>) -> Self {
        Self {
            extra: Some(Box::new(Extra::Transition { current: current.to_owned(), allowed })),
            ..Self::with_detail(ErrorCode::InvalidStateTransition, detail)
        }
    }

    pub fn problem(&self) -> Problem {
        let mut p = Problem::new(self.code, self.detail.clone());
        p.errors = self.errors.clone();
        p.current_version = self.current_version;
        match self.extra.as_deref() {
            Some(Extra::Duplicates(found)) => p.duplicates = found.clone(),
            Some(Extra::Transition { current, allowed }) => {
                p.current_status = Some(current.clone());
                p.allowed_actions = Some(allowed.clone());
            }
            None => {}
        }
        p
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        if let Some(c) = &self.cause {
            write!(f, " (cause: {c})")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if self.code.status() >= 500 {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(error = %self, "request refused");
        }
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(v) = self.current_version {
            resp.insert_header((header::ETAG, format!("\"{v}\"")));
        }
        if let Some(secs) = self.retry_after {
            resp.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.code == ErrorCode::Unauthenticated
            || self.code == ErrorCode::InvalidCredentials
            || self.code == ErrorCode::InvalidRefreshToken
        {
            resp.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        match serde_json::to_vec(&self.problem()) {
            Ok(body) => resp.body(body),
            Err(_) => resp.finish(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::new(ErrorCode::NotFound),
            StoreError::Conflict(what) => ApiError {
                cause: Some(what),
                ..ApiError::with_detail(ErrorCode::Conflict, "a record with these values already exists")
            },
            StoreError::Stale { current } => ApiError {
                current_version: Some(current),
                ..ApiError::with_detail(
                    ErrorCode::PreconditionFailed,
                    format!("the record has changed; its current version is {current}"),
                )
            },
            StoreError::BadCursor => {
                ApiError::with_detail(ErrorCode::InvalidParameter, "cursor is not valid for this list")
            }
            StoreError::Unavailable(cause) => {
                ApiError { cause: Some(cause), ..ApiError::new(ErrorCode::ServiceUnavailable) }
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

/// Turns body-parsing failures into problems: malformed JSON and unknown fields are 400s, a wrong
/// content type 415, an oversized body 413.
pub fn json_error(err: actix_web::error::JsonPayloadError) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => {
            ApiError::with_detail(ErrorCode::PayloadTooLarge, "the request body is larger than allowed")
        }
        E::ContentType => ApiError::with_detail(ErrorCode::UnsupportedMediaType, "send the body as application/json"),
        E::Deserialize(e) => {
            let msg = e.to_string();
            if msg.starts_with("unknown field") {
                // serde says "unknown field `x`, expected one of …": the field name is the user's
                // own input, the rest is our schema, so both are safe to return.
                ApiError::with_detail(ErrorCode::UnknownField, msg)
            } else if e.is_data() {
                ApiError::with_detail(ErrorCode::MalformedRequest, msg)
            } else {
                ApiError::with_detail(ErrorCode::MalformedRequest, format!("invalid JSON: {msg}"))
            }
        }
        E::Payload(e) => match e {
            actix_web::error::PayloadError::Overflow => {
                ApiError::with_detail(ErrorCode::PayloadTooLarge, "the request body is larger than allowed")
            }
            other => ApiError::with_detail(ErrorCode::MalformedRequest, other.to_string()),
        },
        other => ApiError::with_detail(ErrorCode::MalformedRequest, other.to_string()),
    }
}

/// Query-string failures (e.g. a bad `limit`) are 400 `invalid_parameter`.
pub fn query_error(err: actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidParameter, err.to_string())
}

/// Path failures (e.g. an id that is not a UUID) read as "no such record".
pub fn path_error(_err: actix_web::error::PathError) -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}
