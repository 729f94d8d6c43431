//! The application's one error type. Services and jobs return [`AppError`]; its [`ErrorCode`]
//! decides the status (the table is in `kehu-core`), and the HTTP adapter turns it into
//! problem+json. The user sees the message; the cause goes to the log only.

use kehu_core::{ErrorCode, FieldError, Problem};
use kehu_store::StoreError;

#[derive(Debug)]
pub struct AppError {
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

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
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

impl std::fmt::Display for AppError {
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

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::new(ErrorCode::NotFound),
            StoreError::Conflict(what) => AppError {
                cause: Some(what),
                ..AppError::with_detail(ErrorCode::Conflict, "a record with these values already exists")
            },
            StoreError::Stale { current } => AppError {
                current_version: Some(current),
                ..AppError::with_detail(
                    ErrorCode::PreconditionFailed,
                    format!("the record has changed; its current version is {current}"),
                )
            },
            StoreError::BadCursor => {
                AppError::with_detail(ErrorCode::InvalidParameter, "cursor is not valid for this list")
            }
            StoreError::Unavailable(cause) => {
                AppError { cause: Some(cause), ..AppError::new(ErrorCode::ServiceUnavailable) }
            }
            other => AppError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}
