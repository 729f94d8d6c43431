//! The outbox: domain events (`customer.created`, `customer.assigned`, …) written in the
//! transaction of the change that caused them, so an event exists exactly when its change
//! committed. Webhook delivery reads them from here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::outbox_events;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_events)]
pub struct OutboxEvent {
    pub id: Id,
    /// `resource.past_tense`, e.g. `customer.assigned`.
    pub event_type: String,
    pub entity: String,
    pub entity_id: Id,
    /// JSON: the record as the API shows it after the change.
    pub data: String,
    pub actor_id: Option<Id>,
    pub request_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Writes events; call inside the transaction of the change. Large batches are split so that a
/// bulk change stays under both databases' parameter limits.
pub fn insert(conn: &mut DbConnection, events: &[OutboxEvent]) -> StoreResult<()> {
    for chunk in events.chunks(200) {
        crate::insert_many!(conn, outbox_events::table, chunk)?;
    }
    Ok(())
}

/// The events about one record, oldest first.
pub fn for_entity(conn: &mut DbConnection, entity: &str, entity_id: uuid::Uuid) -> StoreResult<Vec<OutboxEvent>> {
    Ok(outbox_events::table
        .filter(outbox_events::entity.eq(entity.to_owned()))
        .filter(outbox_events::entity_id.eq(Id(entity_id)))
        .order(outbox_events::id.asc())
        .select(OutboxEvent::as_select())
        .load(conn)?)
}
