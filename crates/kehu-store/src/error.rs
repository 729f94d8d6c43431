//! The store's one error type.

/// What can go wrong in the store. Database details stay in the log, never on the wire.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    /// No connection could be had (database down, pool exhausted).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    /// A pagination cursor that does not decode to a position of this list.
    #[error("invalid cursor")]
    BadCursor,
    /// The row changed since the caller read it (optimistic concurrency).
    #[error("stale version; current is {current}")]
    Stale { current: i64 },
    /// Stored data that cannot be read back (e.g. an unknown enum value).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
