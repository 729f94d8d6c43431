//! Import jobs: their state, progress and report.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::import::{Import, ImportPhase, ImportResource, ImportStatus, RowError};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::imports;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: Id,
    pub resource: String,
    pub dry_run: bool,
    pub status: String,
    pub phase: String,
    pub processed_rows: i64,
    pub created_rows: i64,
    pub updated_rows: i64,
    pub error_count: i64,
    /// JSON array of `RowError`.
    pub errors: String,
    pub message: Option<String>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A change of a job's state; `None` leaves a column alone.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = imports)]
pub struct ImportChanges {
    pub status: Option<String>,
    pub phase: Option<String>,
    pub processed_rows: Option<i64>,
    pub created_rows: Option<i64>,
    pub updated_rows: Option<i64>,
    pub error_count: Option<i64>,
    pub errors: Option<String>,
    pub message: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
    pub finished_at: Option<Option<NaiveDateTime>>,
}

impl ImportRow {
    pub fn to_wire(&self) -> StoreResult<Import> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("import {what} {v:?}"));
        Ok(Import {
            object: "import".to_owned(),
            id: self.id.0,
            resource: ImportResource::parse(&self.resource).ok_or_else(|| corrupt("resource", &self.resource))?,
            dry_run: self.dry_run,
            status: ImportStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?,
            phase: ImportPhase::parse(&self.phase).ok_or_else(|| corrupt("phase", &self.phase))?,
            processed_rows: self.processed_rows,
            created_rows: self.created_rows,
            updated_rows: self.updated_rows,
            error_count: self.error_count,
            errors: serde_json::from_str::<Vec<RowError>>(&self.errors)
                .map_err(|e| StoreError::Corrupt(format!("import errors: {e}")))?,
            message: self.message.clone(),
            created_by: self.created_by.0,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            finished_at: self.finished_at.map(|t| Utc.from_utc_datetime(&t)),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &ImportRow) -> StoreResult<ImportRow> {
    diesel::insert_into(imports::table).values(row).execute(conn)?;
    find(conn, row.id.0, None)?.ok_or(StoreError::NotFound)
}

/// A job by id; with `owner`, only when that user started it (imports are private to their
/// author; administrators pass `None`).
pub fn find(conn: &mut DbConnection, id: Uuid, owner: Option<Uuid>) -> StoreResult<Option<ImportRow>> {
    let mut query = imports::table.filter(imports::id.eq(Id(id))).into_boxed();
    if let Some(o) = owner {
        query = query.filter(imports::created_by.eq(Id(o)));
    }
    Ok(query.select(ImportRow::as_select()).first(conn).optional()?)
}

pub fn update(conn: &mut DbConnection, id: Uuid, changes: &ImportChanges) -> StoreResult<()> {
    diesel::update(imports::table.filter(imports::id.eq(Id(id)))).set(changes).execute(conn)?;
    Ok(())
}
