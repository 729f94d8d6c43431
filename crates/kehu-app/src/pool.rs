//! The pool's recycling (资源回收): customers whose owner has done nothing with them for the
//! configured number of days return to the pool, audited and with a `customer.assigned` event.
//! Time comes from the job's context, so tests can move it.

use chrono::Duration;
use kehu_core::EventType;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_store::customers::{self, CustomerChanges};
use kehu_store::db::write_transaction;
use kehu_store::{DbConnection, StoreError, outbox, settings};
use serde_json::Value;

use crate::audit::record;
use crate::context::Context;
use crate::error::AppResult;
use crate::outbox::event;

/// Customers handled per run; the next run takes the rest.
const BATCH: i64 = 500;

/// Returns idle customers to the pool as of `now`; how many moved.
pub fn recycle(conn: &mut DbConnection, ctx: &Context) -> AppResult<usize> {
    let now = ctx.now();
    let (doc, ..) = settings::get(conn)?;
    let Some(days) = doc.pool_recycle_days else { return Ok(0) };
    let cutoff = now - Duration::days(i64::from(days));
    let vis = ctx.visibility(conn)?;
    let idle = customers::idle_owned(conn, &vis, cutoff, BATCH)?;
    let mut moved = 0;
    for before in idle {
        let done = write_transaction(conn, |conn| -> AppResult<bool> {
            let changes = CustomerChanges {
                owner_id: Some(None),
                owned_at: Some(None),
                updated_at: Some(now),
                updated_by: Some(None),
                ..CustomerChanges::default()
            };
            // Someone may have touched the customer since it was read: then it is not idle, and
            // the version check leaves it alone (as it does when another instance got there first).
            let after = match customers::update(conn, &vis, before.id.0, before.version, &changes, None) {
                Ok(after) => after,
                Err(StoreError::Stale { .. }) => return Ok(false),
                Err(e) => return Err(e.into()),
            };
            let owner = before.owner_id.map_or(Value::Null, |o| Value::String(o.0.to_string()));
            let change = FieldChange { field: "owner_id".to_owned(), before: owner, after: Value::Null };
            let reason = FieldChange {
                field: "reason".to_owned(),
                before: Value::Null,
                after: Value::String(format!("no activity for {days} days")),
            };
            record(conn, ctx, super::customers::ENTITY, before.id.0, AuditAction::Assign, vec![change, reason])?;
            let wire = after.to_wire()?;
            outbox::insert(conn, &[event(ctx, EventType::CustomerAssigned, wire.id, &wire)?])?;
            Ok(true)
        })?;
        moved += usize::from(done);
    }
    if moved > 0 {
        tracing::info!(moved, days, "idle customers returned to the pool");
    }
    Ok(moved)
}
