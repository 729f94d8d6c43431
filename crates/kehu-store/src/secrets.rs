//! Secrets shared by every instance on one database, made once by whichever instance starts first.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::server_secrets;

/// Returns the secret called `name`, storing `make()` first if there is none. Two instances
/// starting at once both try the insert; the loser's unique violation is expected, and both then
/// read the winner's value.
pub fn get_or_create(conn: &mut DbConnection, name: &str, make: impl FnOnce() -> String) -> StoreResult<String> {
    if let Some(v) = get(conn, name)? {
        return Ok(v);
    }
    let inserted = diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::value.eq(make()),
            server_secrets::created_at.eq(crate::now()),
        ))
        .execute(conn);
    match inserted.map_err(StoreError::from) {
        Ok(_) | Err(StoreError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    get(conn, name)?.ok_or(StoreError::NotFound)
}

fn get(conn: &mut DbConnection, name: &str) -> StoreResult<Option<String>> {
    Ok(server_secrets::table
        .filter(server_secrets::name.eq(name))
        .select(server_secrets::value)
        .first(conn)
        .optional()?)
}
