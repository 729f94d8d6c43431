//! Stored responses of POSTs made with an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::idempotency_keys;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub owner_id: Id,
    pub key: String,
    pub request_hash: String,
    /// `in_flight` while the first request runs, `done` once its response is stored.
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, owner: Uuid, key: &str) -> StoreResult<Option<IdempotencyRow>> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::owner_id.eq(Id(owner)))
        .filter(idempotency_keys::key.eq(key.to_owned()))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Claims the key; fails with a unique violation (`StoreError::Conflict`) if someone has it.
pub fn claim(
    conn: &mut DbConnection,
    owner: Uuid,
    key: &str,
    request_hash: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(&IdempotencyRow {
            owner_id: Id(owner),
            key: key.to_owned(),
            request_hash: request_hash.to_owned(),
            state: "in_flight".to_owned(),
            response_status: None,
            response_body: None,
            location: None,
            etag: None,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

/// Stores the response of the claimed key (in the same transaction as the write it answers).
pub fn complete(
    conn: &mut DbConnection,
    owner: Uuid,
    key: &str,
    status: i32,
    body: &str,
    location: Option<&str>,
    etag: Option<&str>,
) -> StoreResult<()> {
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::owner_id.eq(Id(owner)))
            .filter(idempotency_keys::key.eq(key.to_owned())),
    )
    .set((
        idempotency_keys::state.eq("done"),
        idempotency_keys::response_status.eq(Some(status)),
        idempotency_keys::response_body.eq(Some(body.to_owned())),
        idempotency_keys::location.eq(location.map(str::to_owned)),
        idempotency_keys::etag.eq(etag.map(str::to_owned)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives a key up (its request failed, or it expired), so it can be used afresh.
pub fn release(conn: &mut DbConnection, owner: Uuid, key: &str) -> StoreResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::owner_id.eq(Id(owner)))
            .filter(idempotency_keys::key.eq(key.to_owned())),
    )
    .execute(conn)?;
    Ok(())
}
