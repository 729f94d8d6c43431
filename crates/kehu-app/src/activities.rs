//! Activities: the customer's timeline and a rep's tasks. Whoever sees a customer may log an
//! activity on it (a service agent's call included); an activity is changed by its owner or by
//! whoever may change its customer. The customer's `last_activity_at` follows in the same
//! transaction.

use chrono::{NaiveDateTime, Utc};
use kehu_core::EntityKind;
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

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::customers::check_assignee;
use crate::error::{AppError, AppResult};
use crate::fields::trimmed;
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Activity;

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Activity> {
    activities::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// 403 unless the caller owns the activity or may change its customer.
fn require_editable(conn: &mut DbConnection, vis: &Visibility, ctx: &Context, a: &Activity) -> AppResult<()> {
    if a.owner_id.0 == ctx.id() {
        return Ok(());
    }
    let customer = customers::find(conn, vis, a.customer_id.0)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if vis.may_edit(customer.owner_id.map(Uuid::from)) {
        Ok(())
    } else {
        Err(AppError::forbidden("only the activity's owner or whoever manages the customer may change it"))
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
) -> AppResult<()> {
    if let Some(c) = contact {
        match contacts::find(conn, vis, c)? {
            Some(row) if row.customer_id.0 == customer => {}
            Some(_) => errors.add("/contact_id", "wrong_customer", "the contact belongs to another customer"),
            None => errors.add("/contact_id", "not_found", "no such contact"),
        }
    }
    Ok(())
}

/// The records an activity is about besides its customer.
struct Links {
    lead: Option<Uuid>,
    quote: Option<Uuid>,
    purchase: Option<Uuid>,
    complaint: Option<Uuid>,
}

/// Each linked record must be one the caller sees (else `not_found`) of the same customer (else
/// `wrong_customer`), as for the contact.
fn check_links(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    customer: Uuid,
    links: &Links,
) -> AppResult<()> {
    let mut check = |pointer: &str, found: Option<Option<Uuid>>| match found {
        None => errors.add(pointer, "not_found", "no such record"),
        Some(c) if c != Some(customer) => {
            errors.add(pointer, "wrong_customer", "the record belongs to another customer")
        }
        Some(_) => {}
    };
    if let Some(id) = links.lead {
        check("/lead_id", kehu_store::leads::find(conn, vis, id)?.map(|l| l.customer_id.map(Uuid::from)));
    }
    if let Some(id) = links.quote {
        check("/quote_id", kehu_store::quotes::find(conn, vis, id)?.map(|q| Some(q.customer_id.0)));
    }
    if let Some(id) = links.purchase {
        check("/purchase_id", kehu_store::purchases::find(conn, vis, id)?.map(|p| Some(p.customer_id.0)));
    }
    if let Some(id) = links.complaint {
        check("/complaint_id", kehu_store::complaints::find(conn, vis, id)?.map(|c| Some(c.customer_id.0)));
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireActivity> {
    let vis = ctx.visibility(conn)?;
    Ok(load(conn, &vis, id)?.to_wire()?)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &ActivityFilter,
    sort: ActivitySort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<Activity>> {
    let vis = ctx.visibility(conn)?;
    Ok(activities::list(conn, &vis, filter, sort, dir, page, with_total)?)
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateActivity) -> AppResult<WireActivity> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check();
        if customers::find(conn, &vis, body.customer_id)?.is_none() {
            errors.add("/customer_id", "not_found", "no such customer");
        }
        check_contact(conn, &vis, &mut errors, body.customer_id, body.contact_id)?;
        let links = Links {
            lead: body.lead_id,
            quote: body.quote_id,
            purchase: body.purchase_id,
            complaint: body.complaint_id,
        };
        check_links(conn, &vis, &mut errors, body.customer_id, &links)?;
        let owner = body.owner_id.unwrap_or(ctx.id());
        if owner != ctx.id() {
            check_assignee(conn, &vis, &mut errors, "/owner_id", owner)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let now = ctx.now();
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
            lead_id: body.lead_id.map(Id),
            quote_id: body.quote_id.map(Id),
            purchase_id: body.purchase_id.map(Id),
            complaint_id: body.complaint_id.map(Id),
            owner_id: Id(owner),
            due_at: body.due_at.map(naive),
            done_at,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(ctx.id())),
            updated_by: Some(Id(ctx.id())),
            deleted_at: None,
        };
        let wire = activities::insert(conn, &row)?.to_wire()?;
        customers::refresh_last_activity(conn, body.customer_id)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        Ok(wire)
    })
}

impl Record for Activity {
    type Wire = WireActivity;
    type Changes = ActivityChanges;
    const ENTITY: EntityKind = ENTITY;

    crate::bookkeeping!();

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        let row = load(conn, &vis, id)?;
        require_editable(conn, &vis, ctx, &row)?;
        Ok(row)
    }

    /// A deleted activity is not brought back (there is no restore for activities).
    fn load_deleted(_conn: &mut DbConnection, _ctx: &Context, _id: Uuid) -> AppResult<Option<Self>> {
        Ok(None)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<WireActivity> {
        Ok(self.to_wire()?)
    }

    fn save(&self, conn: &mut DbConnection, ctx: &Context, changes: &ActivityChanges) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        Ok(activities::update(conn, &vis, self.id.0, self.version, changes)?)
    }

    /// The customer's last activity follows whatever happened to one of its activities.
    fn after_save(&self, conn: &mut DbConnection, _ctx: &Context, _action: AuditAction) -> AppResult<()> {
        Ok(customers::refresh_last_activity(conn, self.customer_id.0)?)
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateActivity,
) -> AppResult<WireActivity> {
    write::update::<Activity>(conn, ctx, id, if_match, |conn, before, _| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check(before.kind()?);
        check_contact(conn, &vis, &mut errors, before.customer_id.0, body.contact_id.flatten())?;
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        Ok(ActivityChanges {
            subject: body.subject.as_ref().map(|s| s.trim().to_owned()),
            body: body.body.as_ref().map(|b| trimmed(b.as_deref())),
            contact_id: body.contact_id.map(|c| c.map(Id)),
            due_at: body.due_at.map(|d| d.map(naive)),
            done_at: body.done_at.map(|d| d.map(naive)),
            ..ActivityChanges::default()
        })
    })
}

/// Marks a task done now; an activity already done stays as it is.
pub fn complete(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireActivity> {
    let current = Activity::load_editable(conn, ctx, id)?;
    if current.done_at.is_some() {
        return Ok(current.to_wire()?);
    }
    write::update::<Activity>(conn, ctx, id, None, |_, before, _| {
        // Done meanwhile by someone else: it keeps the time it was done at.
        let done_at = before.done_at.unwrap_or(ctx.now());
        Ok(ActivityChanges { done_at: Some(Some(done_at)), ..ActivityChanges::default() })
    })
}

pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Activity>(conn, ctx, id, if_match)
}
