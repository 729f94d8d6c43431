//! Customers many at a time: imports, bulk reassignment, the pool's recycling, and the keys that
//! find duplicates. Every query that reads customers for a caller takes its [`Visibility`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::{Customer, coalesce, visible};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{customer_tags, customers};
use crate::types::Id;
use crate::visibility::Visibility;

/// Inserts many customers at once, with their tags and duplicate-finding keys: a few statements per
/// batch instead of several per customer (imports).
pub fn insert_batch(
    conn: &mut DbConnection,
    rows: &[Customer],
    tags: &[Vec<String>],
    keys: &[Vec<(String, String)>],
) -> StoreResult<()> {
    use crate::schema::customer_match_keys as k;
    // Customers have many columns; 100 rows stay under SQLite's limit of 32 766 bound values.
    for chunk in rows.chunks(100) {
        crate::insert_many!(conn, customers::table, chunk)?;
    }
    let tag_rows: Vec<_> = rows
        .iter()
        .zip(tags)
        .flat_map(|(r, ts)| {
            ts.iter().map(move |t| (customer_tags::customer_id.eq(r.id), customer_tags::tag.eq(t.clone())))
        })
        .collect();
    for chunk in tag_rows.chunks(1000) {
        crate::insert_many!(conn, customer_tags::table, chunk)?;
    }
    let key_rows: Vec<_> = rows
        .iter()
        .zip(keys)
        .flat_map(|(r, ks)| {
            let mut ks = ks.clone();
            ks.sort();
            ks.dedup();
            ks.into_iter().map(move |(kind, value)| (k::customer_id.eq(r.id), k::kind.eq(kind), k::value.eq(value)))
        })
        .collect();
    for chunk in key_rows.chunks(1000) {
        crate::insert_many!(conn, k::table, chunk)?;
    }
    Ok(())
}

/// Of these external ids, those some live customer already has, visible to the caller or not: an
/// import may not create a second customer with one. Says only "taken", never whose.
pub fn external_ids_taken(conn: &mut DbConnection, ids: &[String]) -> StoreResult<Vec<String>> {
    let mut taken = Vec::new();
    for chunk in ids.chunks(500) {
        let found: Vec<Option<String>> = customers::table
            .filter(customers::external_id.eq_any(chunk.to_vec()))
            .select(customers::external_id)
            .load(conn)?;
        taken.extend(found.into_iter().flatten());
    }
    Ok(taken)
}

/// The live customers `vis` sees with these external ids.
pub fn find_by_external_ids(conn: &mut DbConnection, vis: &Visibility, ids: &[String]) -> StoreResult<Vec<Customer>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        found.extend(
            visible(vis)
                .filter(customers::external_id.eq_any(chunk.to_vec()))
                .select(Customer::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// Replaces a customer's duplicate-finding keys (see `kehu_core::customer::match_keys`).
pub fn write_match_keys(conn: &mut DbConnection, id: Uuid, keys: &[(String, String)]) -> StoreResult<()> {
    use crate::schema::customer_match_keys as k;
    diesel::delete(k::table.filter(k::customer_id.eq(Id(id)))).execute(conn)?;
    let mut unique = keys.to_vec();
    unique.sort();
    unique.dedup();
    let rows: Vec<_> = unique
        .into_iter()
        .map(|(kind, value)| (k::customer_id.eq(Id(id)), k::kind.eq(kind), k::value.eq(value)))
        .collect();
    if !rows.is_empty() {
        crate::insert_many!(conn, k::table, &rows)?;
    }
    Ok(())
}

/// The live customers `vis` sees that share a key with `keys`, each with the kinds of key that
/// matched; `except` leaves one customer out (itself, on update).
pub fn find_duplicates(
    conn: &mut DbConnection,
    vis: &Visibility,
    keys: &[(String, String)],
    except: Option<Uuid>,
) -> StoreResult<Vec<(Customer, Vec<String>)>> {
    use crate::schema::customer_match_keys as k;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<String> = keys.iter().map(|(_, v)| v.clone()).collect();
    let hits: Vec<(Id, String, String)> =
        k::table.filter(k::value.eq_any(values)).select((k::customer_id, k::kind, k::value)).load(conn)?;
    // A value matches only under the same kind (a phone's digits are not a tax id).
    let hits: Vec<(Id, String)> = hits
        .into_iter()
        .filter(|(_, kind, value)| keys.iter().any(|(k, v)| k == kind && v == value))
        .map(|(id, kind, _)| (id, kind))
        .collect();
    let mut ids: Vec<Id> = hits.iter().map(|(id, _)| *id).filter(|id| Some(id.0) != except).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Customer> = visible(vis)
        .filter(customers::id.eq_any(ids))
        .order(customers::name.asc())
        .limit(20)
        .select(Customer::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|c| {
            let mut kinds: Vec<String> = hits.iter().filter(|(id, _)| *id == c.id).map(|(_, k)| k.clone()).collect();
            kinds.sort();
            kinds.dedup();
            (c, kinds)
        })
        .collect())
}

/// Owned customers `vis` sees with no activity since `cutoff`, counted from when their owner took
/// them: those return to the pool. At most `limit`, oldest first.
pub fn idle_owned(
    conn: &mut DbConnection,
    vis: &Visibility,
    cutoff: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<Customer>> {
    let taken = coalesce(customers::owned_at, customers::created_at);
    Ok(visible(vis)
        .filter(customers::owner_id.is_not_null())
        .filter(taken.lt(cutoff))
        .filter(customers::last_activity_at.is_null().or(customers::last_activity_at.lt(cutoff)))
        .order((customers::created_at.asc(), customers::id.asc()))
        .limit(limit)
        .select(Customer::as_select())
        .load(conn)?)
}

/// How many live customers `owner` holds (for the pool cap). Counts one user's own holdings, which
/// that user sees by definition.
pub fn count_owned(conn: &mut DbConnection, owner: Uuid) -> StoreResult<i64> {
    Ok(customers::table
        .filter(customers::deleted_at.is_null())
        .filter(customers::owner_id.eq(Id(owner)))
        .count()
        .get_result(conn)?)
}

/// The live customers `vis` sees that `owner` holds, for a bulk reassignment.
pub fn owned_by(conn: &mut DbConnection, vis: &Visibility, owner: Uuid) -> StoreResult<Vec<Customer>> {
    Ok(visible(vis).filter(customers::owner_id.eq(Id(owner))).select(Customer::as_select()).load(conn)?)
}

/// Gives every listed customer `vis` sees a new owner, bumping each version.
pub fn set_owner(
    conn: &mut DbConnection,
    vis: &Visibility,
    ids: &[Uuid],
    owner: Option<Uuid>,
    by: Option<Uuid>,
    now: NaiveDateTime,
) -> StoreResult<usize> {
    let mut changed = 0;
    // Bound lists stay well under both databases' parameter limits.
    for chunk in ids.chunks(500) {
        let chunk: Vec<Id> = chunk.iter().copied().map(Id).collect();
        let statement = customers::table.filter(customers::id.eq_any(chunk)).filter(vis.customer_condition_or_true());
        changed += diesel::update(statement)
            .set((
                customers::owner_id.eq(owner.map(Id)),
                customers::owned_at.eq(owner.map(|_| now)),
                customers::updated_at.eq(now),
                customers::updated_by.eq(by.map(Id)),
                customers::version.eq(customers::version + 1),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}
