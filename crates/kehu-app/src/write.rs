//! The write pipeline: every change to a record goes load editable → version check → apply →
//! save → audit diff → outbox, in one transaction. A resource says how to do each step for its
//! own rows by implementing [`Record`]; the sequence, and what is audited and announced, lives
//! here once, so a new resource writes its fields and rules, not the sequence again. The
//! outbox is written in the [`EventType`] catalog's terms, so no change is announced outside it.

use chrono::NaiveDateTime;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_core::{EntityKind, EventType};
use kehu_store::DbConnection;
use kehu_store::db::write_transaction;
use uuid::Uuid;

use crate::audit::{deleted_changed, diff, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::error::AppResult;
use crate::outbox;

/// What the pipeline needs of a resource's stored row.
pub trait Record: Sized {
    /// The record as the API shows it; what is audited (field by field) and announced.
    type Wire: serde::Serialize;
    /// A partial update of the row; `Default` changes nothing.
    type Changes: Default;
    /// The kind of record, as the audit log names it.
    const ENTITY: EntityKind;
    /// The events that announce an update, a delete and a restore; `None`: the change is audited
    /// only (the directory's records, and records announced with their customer).
    const UPDATED: Option<EventType> = None;
    const DELETED: Option<EventType> = None;
    const RESTORED: Option<EventType> = None;
    /// Fields of the shown record that the audit log leaves out (kept elsewhere already, like a
    /// lead's stage history).
    const UNAUDITED: &'static [&'static str] = &[];

    fn version(&self) -> i64;

    /// The live record, if the caller may change it: 404 when it cannot see it, 403 when it may
    /// only read it.
    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self>;

    /// A deleted record the caller sees, to restore; `None` when it is live.
    fn load_deleted(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Option<Self>>;

    /// The live record as the caller sees it (a restore of a live record shows it as it is).
    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self>;

    /// The record as the caller sees it.
    fn wire(&self, conn: &mut DbConnection, ctx: &Context) -> AppResult<Self::Wire>;

    /// The record as it is audited and announced, when that differs from what the caller sees
    /// (a product's costs are announced to integrators whoever changed it); `None`: the same.
    fn announced(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<Option<Self::Wire>> {
        Ok(None)
    }

    /// Stamps who changed the row and when, and (for a delete or a restore) its `deleted_at`.
    fn stamp(
        changes: &mut Self::Changes,
        by: Option<Uuid>,
        at: NaiveDateTime,
        deleted_at: Option<Option<NaiveDateTime>>,
    );

    /// Writes `changes` to this row when it is still as it was read (else `Stale`, a 412, or what
    /// the resource says of a record that moved on meanwhile).
    fn save(&self, conn: &mut DbConnection, ctx: &Context, changes: &Self::Changes) -> AppResult<Self>;

    /// Whether the record may be deleted as it stands (a team with members may not).
    fn check_delete(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<()> {
        Ok(())
    }

    /// What else a saved change brings about in the same transaction (search keys, the customer's
    /// last activity, the one primary contact).
    fn after_save(&self, _conn: &mut DbConnection, _ctx: &Context, _action: AuditAction) -> AppResult<()> {
        Ok(())
    }
}

/// The `version` and `stamp` of a [`Record`] whose row and changes have the usual bookkeeping
/// columns (`version`, `updated_at`, `updated_by` and, unless `kept` is given — for records that
/// are never deleted — `deleted_at`).
#[macro_export]
macro_rules! bookkeeping {
    () => {
        $crate::bookkeeping!(@version);
        fn stamp(
            changes: &mut Self::Changes,
            by: Option<uuid::Uuid>,
            at: chrono::NaiveDateTime,
            deleted_at: Option<Option<chrono::NaiveDateTime>>,
        ) {
            changes.updated_at = Some(at);
            changes.updated_by = Some(by.map(kehu_store::types::Id));
            changes.deleted_at = deleted_at;
        }
    };
    (kept) => {
        $crate::bookkeeping!(@version);
        fn stamp(
            changes: &mut Self::Changes,
            by: Option<uuid::Uuid>,
            at: chrono::NaiveDateTime,
            _deleted_at: Option<Option<chrono::NaiveDateTime>>,
        ) {
            changes.updated_at = Some(at);
            changes.updated_by = Some(by.map(kehu_store::types::Id));
        }
    };
    (@version) => {
        fn version(&self) -> i64 {
            self.version
        }
    };
}

/// The record as it is announced.
fn announced<R: Record>(row: &R, conn: &mut DbConnection, ctx: &Context) -> AppResult<R::Wire> {
    match row.announced(conn, ctx)? {
        Some(wire) => Ok(wire),
        None => row.wire(conn, ctx),
    }
}

/// The id of the acting user, as rows record it; `None` for the server's own jobs.
fn author(ctx: &Context) -> Option<Uuid> {
    ctx.user().map(|u| u.id.0)
}

/// An action on a record (a move of its state machine): its changes, and how it is audited and
/// announced.
pub struct Move<R: Record> {
    pub changes: R::Changes,
    pub audit: AuditAction,
    /// The events that announce it, in order.
    pub events: Vec<EventType>,
    /// What the audit entry says besides the fields that changed (a reopen's reason).
    pub noted: Vec<FieldChange>,
}

/// Changes a record the caller may edit, at the version it read (`if_match`): `apply` checks the
/// request against the record as it is and returns the changes. The difference is audited and
/// announced as the record's update; a change that changes nothing is neither.
pub fn update<R: Record>(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    apply: impl FnOnce(&mut DbConnection, &R, &R::Wire) -> AppResult<R::Changes>,
) -> AppResult<R::Wire> {
    let edit = |conn: &mut DbConnection, before: &R, shown: &R::Wire| {
        let changes = apply(conn, before, shown)?;
        Ok(Move { changes, audit: AuditAction::Update, events: R::UPDATED.into_iter().collect(), noted: Vec::new() })
    };
    run(conn, ctx, id, if_match, true, edit)
}

/// Moves a record the caller may work, at the version it read: `apply` checks the action against
/// the record as it is and says what it changes and how it is audited and announced. A move is
/// audited and announced even when no field it shows changed: it happened.
pub fn act<R: Record>(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    apply: impl FnOnce(&mut DbConnection, &R, &R::Wire) -> AppResult<Move<R>>,
) -> AppResult<R::Wire> {
    run(conn, ctx, id, if_match, false, apply)
}

/// The sequence of [`update`] and [`act`]; `quiet_when_unchanged` leaves a change that changed
/// nothing unaudited and unannounced.
fn run<R: Record>(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    quiet_when_unchanged: bool,
    apply: impl FnOnce(&mut DbConnection, &R, &R::Wire) -> AppResult<Move<R>>,
) -> AppResult<R::Wire> {
    write_transaction(conn, |conn| {
        let before = R::load_editable(conn, ctx, id)?;
        check_version(if_match, before.version())?;
        let before_wire = before.wire(conn, ctx)?;
        let mut change = apply(conn, &before, &before_wire)?;
        R::stamp(&mut change.changes, author(ctx), ctx.now(), None);
        let after = before.save(conn, ctx, &change.changes)?;
        after.after_save(conn, ctx, change.audit)?;
        let after_wire = after.wire(conn, ctx)?;
        let old = before.announced(conn, ctx)?.map_or_else(|| snapshot(&before_wire), |w| snapshot(&w))?;
        let announced = after.announced(conn, ctx)?;
        let new = announced.as_ref().unwrap_or(&after_wire);
        let mut changed = diff(&old, &snapshot(new)?);
        changed.retain(|c| !R::UNAUDITED.contains(&c.field.as_str()));
        changed.extend(change.noted);
        if !(quiet_when_unchanged && changed.is_empty()) {
            record(conn, ctx, R::ENTITY, id, change.audit, changed)?;
            for event in change.events {
                outbox::announce(conn, ctx, event, id, new)?;
            }
        }
        Ok(after_wire)
    })
}

/// Soft-deletes a record the caller may edit: it leaves every list, audited and announced as
/// `<entity>.deleted`; an administrator can restore it.
pub fn delete<R: Record>(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write_transaction(conn, |conn| {
        let before = R::load_editable(conn, ctx, id)?;
        check_version(if_match, before.version())?;
        before.check_delete(conn, ctx)?;
        let mut changes = R::Changes::default();
        R::stamp(&mut changes, author(ctx), ctx.now(), Some(Some(ctx.now())));
        let after = before.save(conn, ctx, &changes)?;
        after.after_save(conn, ctx, AuditAction::Delete)?;
        record(conn, ctx, R::ENTITY, id, AuditAction::Delete, vec![deleted_changed(true)])?;
        if let Some(event) = R::DELETED {
            let wire = announced(&after, conn, ctx)?;
            outbox::announce(conn, ctx, event, id, &wire)?;
        }
        Ok(())
    })
}

/// Brings a deleted record back (administrators); restoring a live one changes nothing.
pub fn restore<R: Record>(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<R::Wire> {
    ctx.require_admin()?;
    write_transaction(conn, |conn| {
        let Some(before) = R::load_deleted(conn, ctx, id)? else {
            return R::load_live(conn, ctx, id)?.wire(conn, ctx);
        };
        let mut changes = R::Changes::default();
        R::stamp(&mut changes, author(ctx), ctx.now(), Some(None));
        let after = before.save(conn, ctx, &changes)?;
        after.after_save(conn, ctx, AuditAction::Restore)?;
        record(conn, ctx, R::ENTITY, id, AuditAction::Restore, vec![deleted_changed(false)])?;
        if let Some(event) = R::RESTORED {
            let wire = announced(&after, conn, ctx)?;
            outbox::announce(conn, ctx, event, id, &wire)?;
        }
        after.wire(conn, ctx)
    })
}
