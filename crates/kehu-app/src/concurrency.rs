//! Optimistic concurrency: a write names the version it read (`If-Match` on the wire), and is
//! refused when the record has moved on since.

use kehu_core::ErrorCode;

use crate::error::{AppError, AppResult};

/// Refuses a write when the caller's expected version is not the record's current one.
pub fn check_version(expected: Option<i64>, current: i64) -> AppResult<()> {
    match expected {
        Some(v) if v != current => Err(AppError {
            current_version: Some(current),
            ..AppError::with_detail(
                ErrorCode::PreconditionFailed,
                format!("the record has changed; its current version is {current}"),
            )
        }),
        _ => Ok(()),
    }
}
