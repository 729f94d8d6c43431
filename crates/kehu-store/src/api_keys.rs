//! API keys: rows, lookup by secret hash, listing, revocation.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{After, Page, Paged, parse_time_key, time_key};
use crate::schema::api_keys;
use crate::types::Id;
use crate::{keyset, page::Dir};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: Id,
    pub owner_id: Id,
    pub name: String,
    /// The first characters of the secret, shown to tell keys apart.
    pub prefix: String,
    pub secret_hash: String,
    /// Space-separated scopes.
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<Id>,
}

impl ApiKey {
    /// The key's scopes. They were checked when the key was made; one the server no longer
    /// knows grants nothing.
    pub fn scopes(&self) -> Vec<kehu_core::api_key::Scope> {
        self.scopes.split_whitespace().filter_map(kehu_core::api_key::Scope::parse).collect()
    }

    pub fn scope_list(&self) -> Vec<String> {
        self.scopes.split_whitespace().map(str::to_owned).collect()
    }

    /// Usable now: not revoked, not expired.
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }

    pub fn to_wire(&self) -> kehu_core::api_key::ApiKey {
        kehu_core::api_key::ApiKey {
            object: "api_key".to_owned(),
            id: self.id.0,
            owner_id: self.owner_id.0,
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            scopes: self.scope_list(),
            expires_at: self.expires_at.map(|t| Utc.from_utc_datetime(&t)),
            last_used_at: self.last_used_at.map(|t| Utc.from_utc_datetime(&t)),
            revoked_at: self.revoked_at.map(|t| Utc.from_utc_datetime(&t)),
            created_at: Utc.from_utc_datetime(&self.created_at),
            created_by: self.created_by.map(Uuid::from),
        }
    }
}

pub fn insert(conn: &mut DbConnection, key: &ApiKey) -> StoreResult<ApiKey> {
    diesel::insert_into(api_keys::table).values(key).execute(conn)?;
    find(conn, key.id.0)?.ok_or(StoreError::NotFound)
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table.filter(api_keys::id.eq(Id(id))).select(ApiKey::as_select()).first(conn).optional()?)
}

pub fn find_by_hash(conn: &mut DbConnection, hash: &str) -> StoreResult<Option<ApiKey>> {
    Ok(api_keys::table
        .filter(api_keys::secret_hash.eq(hash.to_owned()))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

/// Keys newest first; only `owner`'s when given.
pub fn list(conn: &mut DbConnection, owner: Option<Uuid>, page: &Page) -> StoreResult<Paged<ApiKey>> {
    let mut query = api_keys::table.into_boxed::<MultiBackend>();
    if let Some(o) = owner {
        query = query.filter(api_keys::owner_id.eq(Id(o)));
    }
    let after = page.after.as_ref().map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose()?;
    let query = query.select(ApiKey::as_select()).limit(page.limit + 1);
    let rows = keyset!(query, api_keys::created_at, api_keys::id, Dir::Desc, after).load(conn)?;
    Ok(Paged::from_rows(rows, page.limit, |k: &ApiKey| After { key: time_key(&k.created_at), id: k.id.0 }))
}

pub fn revoke(conn: &mut DbConnection, id: Uuid, at: NaiveDateTime) -> StoreResult<()> {
    diesel::update(api_keys::table.filter(api_keys::id.eq(Id(id))).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// Notes a use; at most once a minute per key, so that calls do not each cost a write.
pub fn touch(conn: &mut DbConnection, id: Uuid, at: NaiveDateTime) -> StoreResult<()> {
    let stale = at - chrono::Duration::minutes(1);
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(Id(id)))
            .filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(stale))),
    )
    .set(api_keys::last_used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(())
}
