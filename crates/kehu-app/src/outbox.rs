//! Domain events for the outbox, written in the transaction of the change they report.

use kehu_core::EventType;
use kehu_store::outbox::OutboxEvent;
use kehu_store::types::Id;
use uuid::Uuid;

use crate::context::Context;
use crate::error::{AppError, AppResult};

/// The event `event_type` about record `id` (a record of the event's entity kind), carrying the
/// record as the API shows it, made by the context's actor at its `now`. The type comes from the
/// closed catalog, so every stored event is one that webhooks and the documentation know.
pub fn event<T: serde::Serialize>(
    ctx: &Context,
    event_type: EventType,
    id: Uuid,
    record: &T,
) -> AppResult<OutboxEvent> {
    let actor = ctx.audit_actor();
    Ok(OutboxEvent {
        id: Id(kehu_store::new_id()),
        event_type: event_type.as_str().to_owned(),
        entity: event_type.entity().as_str().to_owned(),
        entity_id: Id(id),
        data: serde_json::to_string(record).map_err(AppError::internal)?,
        actor_id: actor.user.map(Id),
        request_id: actor.request_id,
        created_at: ctx.now(),
    })
}

/// Writes the event of [`event`] to the outbox; call inside the change's transaction.
pub fn announce<T: serde::Serialize>(
    conn: &mut kehu_store::DbConnection,
    ctx: &Context,
    event_type: EventType,
    id: Uuid,
    record: &T,
) -> AppResult<()> {
    kehu_store::outbox::insert(conn, &[event(ctx, event_type, id, record)?])?;
    Ok(())
}
