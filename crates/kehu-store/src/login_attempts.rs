//! Sign-in attempts, counted to slow down password guessing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::login_attempts;
use crate::types::Id;

/// Which attempts to count: those for one account, or those from one address.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Email(&'a str),
    Address(&'a str),
}

pub fn record(
    conn: &mut DbConnection,
    email: &str,
    address: &str,
    succeeded: bool,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(Id(crate::new_id())),
            login_attempts::email.eq(email),
            login_attempts::address.eq(address),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Times of the failed attempts since `since`, oldest first (at most `cap` of the newest).
pub fn failures_since(
    conn: &mut DbConnection,
    by: By<'_>,
    since: NaiveDateTime,
    cap: i64,
) -> StoreResult<Vec<NaiveDateTime>> {
    let query = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.gt(since))
        .select(login_attempts::created_at)
        .order(login_attempts::created_at.desc())
        .limit(cap)
        .into_boxed();
    let mut times: Vec<NaiveDateTime> = match by {
        By::Email(e) => query.filter(login_attempts::email.eq(e.to_owned())).load(conn)?,
        By::Address(a) => query.filter(login_attempts::address.eq(a.to_owned())).load(conn)?,
    };
    times.reverse();
    Ok(times)
}

/// Forgets attempts older than `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(login_attempts::table.filter(login_attempts::created_at.lt(before))).execute(conn)?)
}
