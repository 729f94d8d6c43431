//! Who owns a customer: claiming from the pool, releasing to it, assigning, and moving everything
//! a leaving rep owns at once.

use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_core::customer::{AssignCustomer, Customer as WireCustomer, ReassignCustomers, Reassigned};
use kehu_core::user::Role;
use kehu_core::validate::Errors;
use kehu_store::customers::{self, Customer, CustomerChanges};
use kehu_store::db::write_transaction;
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, outbox, users};
use serde_json::Value;
use uuid::Uuid;

use super::{ENTITY, check_assignee, event, load, load_editable};
use crate::audit::{audit_row, record};
use crate::context::Context;
use crate::error::{AppError, AppResult};

fn owner_change(before: Option<Uuid>, after: Option<Uuid>) -> FieldChange {
    let v = |o: Option<Uuid>| o.map_or(Value::Null, |o| Value::String(o.to_string()));
    FieldChange { field: "owner_id".to_owned(), before: v(before), after: v(after) }
}

/// Gives one customer a new owner (or none), audited, with a `customer.assigned` event.
fn reown(
    conn: &mut DbConnection,
    ctx: &Context,
    vis: &Visibility,
    before: &Customer,
    owner: Option<Uuid>,
) -> AppResult<WireCustomer> {
    let now = ctx.now();
    let changes = CustomerChanges {
        owner_id: Some(owner.map(Id)),
        owned_at: Some(owner.map(|_| now)),
        updated_at: Some(now),
        updated_by: Some(Some(Id(ctx.id()))),
        ..CustomerChanges::default()
    };
    let after = customers::update(conn, vis, before.id.0, before.version, &changes, None)?;
    let wire = after.to_wire()?;
    record(
        conn,
        ctx,
        ENTITY,
        wire.id,
        AuditAction::Assign,
        vec![owner_change(before.owner_id.map(Uuid::from), owner)],
    )?;
    outbox::insert(conn, &[event(ctx, EventType::CustomerAssigned, &wire)?])?;
    Ok(wire)
}

/// A rep takes a pool customer, within their `pool_cap`.
pub fn claim(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireCustomer> {
    if ctx.role() == Role::Service {
        return Err(AppError::forbidden("service agents do not own customers"));
    }
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        match before.owner_id {
            // A retried claim that already went through.
            Some(owner) if owner.0 == ctx.id() => return Ok(before.to_wire()?),
            Some(_) => return Err(AppError::with_detail(ErrorCode::NotInPool, "the customer already has an owner")),
            None => {}
        }
        if let Some(cap) = ctx.user().and_then(|u| u.pool_cap) {
            let held = customers::count_owned(conn, ctx.id())?;
            if held >= i64::from(cap) {
                return Err(AppError::with_detail(
                    ErrorCode::PoolCapReached,
                    format!("you hold {held} customers and may hold at most {cap}"),
                ));
            }
        }
        // A claim raced by another one loses on the version check: the customer is no longer in the pool.
        reown(conn, ctx, &vis, &before, Some(ctx.id())).map_err(|e| match e.code {
            ErrorCode::PreconditionFailed => AppError::with_detail(ErrorCode::NotInPool, "someone claimed it first"),
            _ => e,
        })
    })
}

/// The owner (or a manager) puts a customer back into the pool.
pub fn release(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireCustomer> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_editable(conn, &vis, id)?;
        if before.owner_id.is_none() {
            return Ok(before.to_wire()?);
        }
        reown(conn, ctx, &vis, &before, None)
    })
}

/// A manager or administrator gives a customer to someone in their teams, or to the pool.
pub fn assign(conn: &mut DbConnection, ctx: &Context, id: Uuid, body: &AssignCustomer) -> AppResult<WireCustomer> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        if !vis.may_assign() {
            return Err(AppError::forbidden("only managers and administrators assign customers"));
        }
        if let Some(owner) = body.owner_id {
            let mut errors = Errors::default();
            check_assignee(conn, &vis, &mut errors, "/owner_id", owner)?;
            if !errors.is_empty() {
                return Err(AppError::invalid(errors.0));
            }
        }
        if before.owner_id.map(Uuid::from) == body.owner_id {
            return Ok(before.to_wire()?);
        }
        reown(conn, ctx, &vis, &before, body.owner_id)
    })
}

/// Every customer of one owner (that the caller sees) to another owner or to the pool, in one
/// transaction: a rep leaves and nothing of theirs is left behind.
pub fn reassign(conn: &mut DbConnection, ctx: &Context, body: &ReassignCustomers) -> AppResult<Reassigned> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        if !vis.may_assign() {
            return Err(AppError::forbidden("only managers and administrators reassign customers"));
        }
        let mut errors = Errors::default();
        // The old owner may be deactivated already (that is usually why), but must be someone the
        // caller manages.
        match users::find_by_id(conn, body.from_owner_id)? {
            Some(u) if vis.may_assign_to(body.from_owner_id, u.team_id.map(Uuid::from)) => {}
            _ => errors.add("/from_owner_id", "not_found", "no such user in your teams"),
        }
        if let Some(to) = body.to_owner_id {
            if to == body.from_owner_id {
                errors.add("/to_owner_id", "same_owner", "must differ from from_owner_id");
            } else {
                check_assignee(conn, &vis, &mut errors, "/to_owner_id", to)?;
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let moving = customers::owned_by(conn, &vis, body.from_owner_id)?;
        let ids: Vec<Uuid> = moving.iter().map(|c| c.id.0).collect();
        let now = ctx.now();
        let count = customers::set_owner(conn, &vis, &ids, body.to_owner_id, Some(ctx.id()), now)?;
        // One audit row and one event per customer, written in a few statements, not one per customer.
        let mut events = Vec::with_capacity(moving.len());
        let mut audits = Vec::with_capacity(moving.len());
        for before in &moving {
            let mut wire = before.to_wire()?;
            wire.owner_id = body.to_owner_id;
            wire.version += 1;
            wire.updated_by = Some(ctx.id());
            wire.updated_at = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &now);
            let change = owner_change(Some(body.from_owner_id), body.to_owner_id);
            audits.push(audit_row(ctx, ENTITY, wire.id, AuditAction::Assign, vec![change])?);
            events.push(event(ctx, EventType::CustomerAssigned, &wire)?);
        }
        kehu_store::audit::insert_many(conn, &audits)?;
        outbox::insert(conn, &events)?;
        Ok(Reassigned {
            object: "reassignment".to_owned(),
            from_owner_id: body.from_owner_id,
            to_owner_id: body.to_owner_id,
            count: i64::try_from(count).map_err(AppError::internal)?,
        })
    })
}
