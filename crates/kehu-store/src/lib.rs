//! Kehu's data layer. One codebase over two databases: a diesel `MultiConnection` that is either
//! PostgreSQL (production) or SQLite (the embedded default), chosen from the database URL, with
//! one embedded migrations folder per backend.
//!
//! Errors: every function here returns [`StoreError`]; the API maps it to problem details.
//! Rows are not wire types: conversions into `kehu-core` types happen in one place per resource.

pub mod activities;
pub mod api_keys;
pub mod audit;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod imports;
pub mod leads;
pub mod login_attempts;
pub mod outbox;
pub mod page;
pub mod products;
pub mod purchases;
pub mod quotes;
pub mod schema;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod teams;
pub mod types;
pub mod users;
pub mod visibility;

pub use db::{Backend, DbConn, DbConnection, Store};
pub use error::StoreError;
pub use visibility::Visibility;

/// Now, truncated to microseconds so that both backends store and return the same value.
pub fn now() -> chrono::NaiveDateTime {
    micros(chrono::Utc::now().naive_utc())
}

/// A time truncated to microseconds, the precision both backends store.
pub fn micros(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    chrono::DurationRound::duration_trunc(t, chrono::Duration::microseconds(1)).unwrap_or(t)
}

diesel::define_sql_function! {
    /// SQL `lower()`, on both backends (diesel has no `ilike` over both).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A new time-ordered id.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
