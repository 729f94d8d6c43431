//! Refresh-token sessions. Only a hash of each token is stored; a token is used once, and a second
//! use of a spent token revokes its whole family (it was stolen, or replayed).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::types::Id;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::refresh_tokens;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: Id,
    pub user_id: Id,
    pub family_id: Id,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, token: &RefreshToken) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table).values(token).execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut DbConnection, hash: &str) -> StoreResult<Option<RefreshToken>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token spent, unless it already was; returns whether this call spent it. The condition
/// in the UPDATE makes two concurrent refreshes with one token succeed at most once.
pub fn mark_used(conn: &mut DbConnection, id: Uuid, at: NaiveDateTime) -> StoreResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(Id(id)))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every token of a family; returns how many were still live.
pub fn revoke_family(conn: &mut DbConnection, family: Uuid, at: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(Id(family)))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}

/// Revokes every live token of a user (deactivation, password change).
pub fn revoke_user(conn: &mut DbConnection, user: Uuid, at: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(Id(user))).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}
