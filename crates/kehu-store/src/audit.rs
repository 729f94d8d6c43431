//! The audit log. Rows are written by the service that makes a change, in its transaction.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::audit::{AuditAction, AuditEvent, FieldChange};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::page::{After, Page, Paged};
use crate::schema::audit_events;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: Id,
    pub entity: String,
    pub entity_id: Id,
    pub action: String,
    pub actor_id: Option<Id>,
    pub api_key_id: Option<Id>,
    pub request_id: Option<String>,
    /// JSON array of `FieldChange`.
    pub changes: String,
    pub created_at: NaiveDateTime,
}

impl AuditRow {
    pub fn to_wire(&self) -> StoreResult<AuditEvent> {
        Ok(AuditEvent {
            object: "audit_event".to_owned(),
            id: self.id.0,
            entity: self.entity.clone(),
            entity_id: self.entity_id.0,
            action: AuditAction::parse(&self.action)
                .ok_or_else(|| StoreError::Corrupt(format!("audit action {:?}", self.action)))?,
            actor_id: self.actor_id.map(Uuid::from),
            api_key_id: self.api_key_id.map(Uuid::from),
            request_id: self.request_id.clone(),
            changes: serde_json::from_str::<Vec<FieldChange>>(&self.changes)
                .map_err(|e| StoreError::Corrupt(format!("audit changes: {e}")))?,
            created_at: Utc.from_utc_datetime(&self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &AuditRow) -> StoreResult<()> {
    diesel::insert_into(audit_events::table).values(row).execute(conn)?;
    Ok(())
}

/// Writes many audit rows in a few statements (bulk changes, imports).
pub fn insert_many(conn: &mut DbConnection, rows: &[AuditRow]) -> StoreResult<()> {
    for chunk in rows.chunks(500) {
        crate::insert_many!(conn, audit_events::table, chunk)?;
    }
    Ok(())
}

/// A record's history, oldest first (ids are time-ordered UUIDv7).
pub fn list_for(conn: &mut DbConnection, entity: &str, entity_id: Uuid, page: &Page) -> StoreResult<Paged<AuditRow>> {
    let mut query = audit_events::table
        .filter(audit_events::entity.eq(entity.to_owned()))
        .filter(audit_events::entity_id.eq(Id(entity_id)))
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(audit_events::id.gt(Id(after.id)));
    }
    let rows = query.order(audit_events::id.asc()).limit(page.limit + 1).select(AuditRow::as_select()).load(conn)?;
    Ok(Paged::from_rows(rows, page.limit, |r: &AuditRow| After { key: String::new(), id: r.id.0 }))
}
