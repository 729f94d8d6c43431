//! CSV imports: a job that checks (and, unless it is a dry run, writes) a file of customers or
//! contacts, with progress and a report of every bad row.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire_enum;

wire_enum! {
    /// What an import holds.
    pub enum ImportResource { Customers = "customers", Contacts = "contacts" }
}

wire_enum! {
    pub enum ImportStatus {
        /// Waiting to start.
        Queued = "queued",
        Running = "running",
        /// Done: a dry run found the file good or bad (see `error_count`), or the rows were written.
        Succeeded = "succeeded",
        /// Nothing was written: the file had bad rows, or the job failed (see `message`).
        Failed = "failed",
    }
}

wire_enum! {
    /// What a running import is doing: checking every row first, then writing them all in one
    /// transaction.
    pub enum ImportPhase { Checking = "checking", Writing = "writing", Done = "done" }
}

/// One bad cell or row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The line's number in the file, the header being line 1.
    pub row: u64,
    /// The column's header, when one column is at fault.
    pub column: Option<String>,
    pub code: String,
    pub detail: String,
}

/// An import job (`/api/v1/imports`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Import {
    /// Always `"import"`.
    pub object: String,
    pub id: Uuid,
    pub resource: ImportResource,
    /// Checks every row and writes nothing.
    pub dry_run: bool,
    pub status: ImportStatus,
    pub phase: ImportPhase,
    /// Rows checked so far (all of them once the checking is done).
    pub processed_rows: i64,
    /// Rows written as new records (after a successful import).
    pub created_rows: i64,
    /// Rows that updated a record with the same `external_id`.
    pub updated_rows: i64,
    /// How many rows are bad; `errors` lists the first [`MAX_REPORTED_ERRORS`].
    pub error_count: i64,
    pub errors: Vec<RowError>,
    /// Why a job failed other than by bad rows.
    pub message: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Errors kept in the report; the count goes on.
pub const MAX_REPORTED_ERRORS: usize = 1000;
