//! Domain events for the outbox, written in the transaction of the change they report.

use chrono::NaiveDateTime;
use kehu_store::outbox::OutboxEvent;
use kehu_store::types::Id;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{Actor, actor};

/// The `<entity>.<what>` event about record `id`, carrying the record as the API shows it.
pub fn event<T: serde::Serialize>(
    who: &Principal,
    entity: &str,
    what: &str,
    id: Uuid,
    record: &T,
    now: NaiveDateTime,
) -> ApiResult<OutboxEvent> {
    event_by(&actor(who), entity, what, id, record, now)
}

/// As [`event`], for any actor (background jobs have none).
pub fn event_by<T: serde::Serialize>(
    actor: &Actor,
    entity: &str,
    what: &str,
    id: Uuid,
    record: &T,
    now: NaiveDateTime,
) -> ApiResult<OutboxEvent> {
    Ok(OutboxEvent {
        id: Id(kehu_store::new_id()),
        event_type: format!("{entity}.{what}"),
        entity: entity.to_owned(),
        entity_id: Id(id),
        data: serde_json::to_string(record).map_err(ApiError::internal)?,
        actor_id: actor.user.map(Id),
        request_id: actor.request_id.clone(),
        created_at: now,
    })
}
