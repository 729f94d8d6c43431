//! The settings document: one row, replaced whole under optimistic concurrency.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::settings::{Settings, SettingsDocument};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::settings;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = settings)]
struct Row {
    id: i32,
    document: String,
    version: i64,
    updated_at: NaiveDateTime,
    updated_by: Option<Id>,
}

/// The stored settings, or the defaults (version 0) before anyone saved any.
pub fn get(conn: &mut DbConnection) -> StoreResult<(SettingsDocument, i64, Option<NaiveDateTime>, Option<Uuid>)> {
    let row: Option<Row> =
        settings::table.filter(settings::id.eq(1)).select(Row::as_select()).first(conn).optional()?;
    match row {
        None => Ok((SettingsDocument::default(), 0, None, None)),
        Some(r) => {
            let doc = serde_json::from_str(&r.document).map_err(|e| StoreError::Corrupt(format!("settings: {e}")))?;
            Ok((doc, r.version, Some(r.updated_at), r.updated_by.map(Uuid::from)))
        }
    }
}

/// The wire form of the stored settings.
pub fn get_wire(conn: &mut DbConnection) -> StoreResult<Settings> {
    let (doc, version, updated_at, updated_by) = get(conn)?;
    Ok(Settings {
        object: "settings".to_owned(),
        pool_recycle_days: doc.pool_recycle_days,
        stage_probabilities: doc.stage_probabilities,
        sla: doc.sla,
        complaint_reopen_days: doc.complaint_reopen_days,
        custom_fields: doc.custom_fields,
        version,
        updated_at: updated_at.map(|t| Utc.from_utc_datetime(&t)),
        updated_by,
    })
}

/// Saves `doc` if the stored version is still `version` (0: none saved yet).
pub fn put(conn: &mut DbConnection, doc: &SettingsDocument, version: i64, by: Uuid) -> StoreResult<()> {
    let text = serde_json::to_string(doc).map_err(|e| StoreError::Corrupt(format!("settings: {e}")))?;
    let now = crate::now();
    let n = if version == 0 {
        diesel::insert_into(settings::table)
            .values(Row { id: 1, document: text, version: 1, updated_at: now, updated_by: Some(Id(by)) })
            .execute(conn)
            .map_err(StoreError::from)
            .or_else(|e| match e {
                // Another administrator saved the first settings meanwhile.
                StoreError::Conflict(_) => Ok(0),
                other => Err(other),
            })?
    } else {
        diesel::update(settings::table.filter(settings::id.eq(1)).filter(settings::version.eq(version)))
            .set((
                settings::document.eq(text),
                settings::version.eq(version + 1),
                settings::updated_at.eq(now),
                settings::updated_by.eq(Some(Id(by))),
            ))
            .execute(conn)?
    };
    if n == 1 { Ok(()) } else { Err(StoreError::Stale { current: get(conn)?.1 }) }
}
