//! Activities: the customer's timeline and a rep's tasks. Whoever sees a customer may log an
//! activity on it (a service agent's call included); an activity is changed by its owner or by
//! whoever may change its customer. The customer's `last_activity_at` follows in the same
//! transaction.

use chrono::{NaiveDateTime, Utc};
use kehu_core::ErrorCode;
use kehu_core::activity::{Activity as WireActivity, ActivityKind, CreateActivity, UpdateActivity};
use kehu_core::audit::AuditAction;
use kehu_core::validate::Errors;
use kehu_store::activities::{self, Activity, ActivityChanges, ActivityFilter, ActivitySort};
use kehu_store::db::write_transaction;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, contacts, customers};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Principal;
use crate::concurrency::check_version;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{deleted_changed, diff, record, snapshot};
use crate::services::customers::check_assignee;
use crate::services::fields::trimmed;

pub const ENTITY: &str = "activity";

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> ApiResult<Activity> {
    activities::find(conn, vis, id)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// 403 unless the caller owns the activity or may change its customer.
fn require_editable(conn: &mut DbConnection, vis: &Visibility, who: &Principal, a: &Activity) -> ApiResult<()> {
    if a.owner_id.0 == who.id() {
        return Ok(());
    }
    let customer = customers::find(conn, vis, a.customer_id.0)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if vis.may_edit(customer.owner_id.map(Uuid::from)) {
        Ok(())
    } else {
        Err(ApiError::forbidden("only the activity's owner or whoever manages the customer may change it"))
    }
}

/// A time from a request as stored: at microsecond precision, so a read returns what was written.
fn naive(t: chrono::DateTime<Utc>) -> NaiveDateTime {
    kehu_store::micros(t.naive_utc())
}

/// A contact named in a body must be a visible contact of the activity's customer.
fn check_contact(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    customer: Uuid,
    contact: Option<Uuid>,
) -> ApiResult<()> {
    if let Some(c) = contact {
        match contacts::find(conn, vis, c)? {
            Some(row) if row.customer_id.0 == customer => {}
            Some(_) => errors.add("/contact_id", "wrong_customer", "the contact belongs to another customer"),
            None => errors.add("/contact_id", "not_found", "no such contact"),
        }
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, who: &Principal, id: Uuid) -> ApiResult<WireActivity> {
    let vis = who.visibility(conn)?;
    Ok(load(conn, &vis, id)?.to_wire()?)
}

pub fn list(
    conn: &mut DbConnection,
    who: &Principal,
    filter: &ActivityFilter,
    sort: ActivitySort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> ApiResult<Paged<Activity>> {
    let vis = who.visibility(conn)?;
    Ok(activities::list(conn, &vis, filter, sort, dir, page, with_total)?)
}

pub fn create(conn: &mut DbConnection, who: &Principal, body: &CreateActivity) -> ApiResult<WireActivity> {
    write_transaction(conn, |conn| {
        let vis = who.visibility(conn)?;
        let mut errors = body.check();
        if customers::find(conn, &vis, body.customer_id)?.is_none() {
            errors.add("/customer_id", "not_found", "no such customer");
        }
        check_contact(conn, &vis, &mut errors, body.customer_id, body.contact_id)?;
        // Leads, quotes, purchases and complaints come later; until then nothing can be linked.
        for (pointer, link) in [
            ("/lead_id", body.lead_id),
            ("/quote_id", body.quote_id),
            ("/purchase_id", body.purchase_id),
            ("/complaint_id", body.complaint_id),
        ] {
            if link.is_some() {
                errors.add(pointer, "not_found", "no such record");
            }
        }
        let owner = body.owner_id.unwrap_or(who.id());
        if owner != who.id() {
            check_assignee(conn, &vis, &mut errors, "/owner_id", owner)?;
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors.0));
        }
        let now = kehu_store::now();
        let done_at = match (body.kind, body.done_at) {
            (_, Some(t)) => Some(naive(t)),
            (ActivityKind::Task, None) => None,
            (_, None) => Some(now),
        };
        let row = Activity {
            id: Id(kehu_store::new_id()),
            kind: body.kind.as_str().to_owned(),
            subject: body.subject.trim().to_owned(),
            body: trimmed(body.body.as_deref()),
            customer_id: Id(body.customer_id),
            contact_id: body.contact_id.map(Id),
            lead_id: None,
            quote_id: None,
            purchase_id: None,
            complaint_id: None,
            owner_id: Id(owner),
            due_at: body.due_at.map(naive),
            done_at,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(who.id())),
            updated_by: Some(Id(who.id())),
            deleted_at: None,
        };
        let wire = activities::insert(conn, &row)?.to_wire()?;
        customers::refresh_last_activity(conn, body.customer_id)?;
        record(conn, who, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        Ok(wire)
    })
}

/// Applies `changes` (already checked) and writes the audit entry.
fn apply(
    conn: &mut DbConnection,
    who: &Principal,
    vis: &Visibility,
    before: &Activity,
    mut changes: ActivityChanges,
    action: AuditAction,
) -> ApiResult<Activity> {
    changes.updated_at = Some(kehu_store::now());
    changes.updated_by = Some(Some(Id(who.id())));
    let after = activities::update(conn, vis, before.id.0, before.version, &changes)?;
    customers::refresh_last_activity(conn, after.customer_id.0)?;
    let changed = match action {
        AuditAction::Delete => vec![deleted_changed(true)],
        _ => diff(&snapshot(&before.to_wire()?)?, &snapshot(&after.to_wire()?)?),
    };
    if !changed.is_empty() {
        record(conn, who, ENTITY, before.id.0, action, changed)?;
    }
    Ok(after)
}

pub fn update(
    conn: &mut DbConnection,
    who: &Principal,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateActivity,
) -> ApiResult<WireActivity> {
    write_transaction(conn, |conn| {
        let vis = who.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        require_editable(conn, &vis, who, &before)?;
        check_version(if_match, before.version)?;
        let mut errors = body.check(before.kind()?);
        check_contact(conn, &vis, &mut errors, before.customer_id.0, body.contact_id.flatten())?;
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors.0));
        }
        let changes = ActivityChanges {
            subject: body.subject.as_ref().map(|s| s.trim().to_owned()),
            body: body.body.as_ref().map(|b| trimmed(b.as_deref())),
            contact_id: body.contact_id.map(|c| c.map(Id)),
            due_at: body.due_at.map(|d| d.map(naive)),
            done_at: body.done_at.map(|d| d.map(naive)),
            ..ActivityChanges::default()
        };
        Ok(apply(conn, who, &vis, &before, changes, AuditAction::Update)?.to_wire()?)
    })
}

/// Marks a task done now; an activity already done stays as it is.
pub fn complete(conn: &mut DbConnection, who: &Principal, id: Uuid) -> ApiResult<WireActivity> {
    write_transaction(conn, |conn| {
        let vis = who.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        require_editable(conn, &vis, who, &before)?;
        if before.done_at.is_some() {
            return Ok(before.to_wire()?);
        }
        let changes = ActivityChanges { done_at: Some(Some(kehu_store::now())), ..ActivityChanges::default() };
        Ok(apply(conn, who, &vis, &before, changes, AuditAction::Update)?.to_wire()?)
    })
}

pub fn delete(conn: &mut DbConnection, who: &Principal, id: Uuid, if_match: Option<i64>) -> ApiResult<()> {
    write_transaction(conn, |conn| {
        let vis = who.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        require_editable(conn, &vis, who, &before)?;
        check_version(if_match, before.version)?;
        let changes = ActivityChanges { deleted_at: Some(Some(kehu_store::now())), ..ActivityChanges::default() };
        apply(conn, who, &vis, &before, changes, AuditAction::Delete)?;
        Ok(())
    })
}
