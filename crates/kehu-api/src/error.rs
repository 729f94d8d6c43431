//! The HTTP face of the application's error: [`ApiError`] wraps `kehu_app::AppError`, whose
//! `ErrorCode` decides the status (in `kehu-core`), and answers with problem+json. The user sees the
//! message; the cause goes to the log only. The request id is added by the middleware, which also
//! turns the framework's own errors (unknown route, wrong method) into problems.
//!
//! Error types by layer: `kehu_store::StoreError` below, `kehu_app::AppError` in the services,
//! [`ApiError`] here, `kehu_core::Problem` on the wire.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use kehu_app::error::AppError;
use kehu_core::{ErrorCode, FieldError};
use kehu_store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An application error on its way out as an HTTP response.
#[derive(Debug)]
pub struct ApiError(pub AppError);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self(AppError::new(code))
    }

    pub fn with_detail(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self(AppError::with_detail(code, detail))
    }

    /// A server-side failure: the client learns nothing of `cause`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self(AppError::internal(cause))
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self(AppError::unauthenticated(detail))
    }

    /// 422 with the given field failures.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self(AppError::invalid(errors))
    }

    /// 403: the caller may see this but not do it.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self(AppError::forbidden(detail))
    }
}

impl std::ops::Deref for ApiError {
    type Target = AppError;

    fn deref(&self) -> &AppError {
        &self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError(e.into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
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
