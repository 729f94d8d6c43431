//! Domain events for the outbox, written in the transaction of the change they report.

use kehu_store::outbox::OutboxEvent;
use kehu_store::types::Id;
use uuid::Uuid;

use crate::context::Context;
use crate::error::{AppError, AppResult};

/// The `<entity>.<what>` event about record `id`, carrying the record as the API shows it, made by
/// the context's actor at its `now`.
pub fn event<T: serde::Serialize>(
    ctx: &Context,
    entity: &str,
    what: &str,
    id: Uuid,
    record: &T,
) -> AppResult<OutboxEvent> {
    let actor = ctx.audit_actor();
    Ok(OutboxEvent {
        id: Id(kehu_store::new_id()),
        event_type: format!("{entity}.{what}"),
        entity: entity.to_owned(),
        entity_id: Id(id),
        data: serde_json::to_string(record).map_err(AppError::internal)?,
        actor_id: actor.user.map(Id),
        request_id: actor.request_id,
        created_at: ctx.now(),
    })
}

/// Writes the `<entity>.<what>` event of [`event`] to the outbox; call inside the change's
/// transaction.
pub fn announce<T: serde::Serialize>(
    conn: &mut kehu_store::DbConnection,
    ctx: &Context,
    entity: &str,
    what: &str,
    id: Uuid,
    record: &T,
) -> AppResult<()> {
    kehu_store::outbox::insert(conn, &[event(ctx, entity, what, id, record)?])?;
    Ok(())
}
