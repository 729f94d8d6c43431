//! Complaints: taking them in from any channel, working them through their states inside the
//! deadlines of the SLA settings, comments, and the job that marks missed deadlines and escalates
//! to the assignee's manager. Time comes in as an argument (the server's [`crate::clock::Clock`]),
//! so tests can move it.

use chrono::{Datelike, Duration, NaiveDateTime, TimeZone, Utc};
use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_core::complaint::{
    AssignComplaint, CloseComplaint, Comment, Complaint as WireComplaint, ComplaintAction, ComplaintCategory,
    ComplaintChannel, ComplaintStatus, CreateComment, CreateComplaint, Priority, ReopenComplaint, ResolveComplaint,
    UpdateComplaint,
};
use kehu_core::user::Role;
use kehu_core::validate::Errors;
use kehu_store::complaints::{self, CommentRow, Complaint, ComplaintChanges, ComplaintFilter, ComplaintSort};
use kehu_store::db::write_transaction;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, customers, outbox, settings, users};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::trimmed;
use crate::outbox::event;
use crate::write::{self, Move, Record};

pub const ENTITY: EntityKind = EntityKind::Complaint;

/// Complaints the escalation job handles per run; the next run takes the rest.
const BATCH: i64 = 200;

fn utc(t: NaiveDateTime) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::internal(format!("stored complaint {what} is unknown: {value}"))
}

fn to_wire(row: &Complaint, customer_name: &str, now: NaiveDateTime) -> AppResult<WireComplaint> {
    let status = row.status()?;
    Ok(WireComplaint {
        object: "complaint".to_owned(),
        id: row.id.0,
        number: row.number.clone(),
        customer_id: row.customer_id.0,
        customer_name: customer_name.to_owned(),
        contact_id: row.contact_id.map(Uuid::from),
        purchase_id: row.purchase_id.map(Uuid::from),
        channel: ComplaintChannel::parse(&row.channel).ok_or_else(|| corrupt("channel", &row.channel))?,
        category: ComplaintCategory::parse(&row.category).ok_or_else(|| corrupt("category", &row.category))?,
        priority: Priority::parse(&row.priority).ok_or_else(|| corrupt("priority", &row.priority))?,
        subject: row.subject.clone(),
        description: row.description.clone(),
        status,
        assignee_id: row.assignee_id.map(Uuid::from),
        first_response_due_at: utc(row.first_response_due_at),
        resolution_due_at: utc(row.resolution_due_at),
        due_at: status.is_active().then(|| utc(row.due_at)),
        first_responded_at: row.first_responded_at.map(utc),
        resolved_at: row.resolved_at.map(utc),
        closed_at: row.closed_at.map(utc),
        breached: row.breached(now),
        escalation_level: row.escalation_level,
        escalated_to_id: row.escalated_to_id.map(Uuid::from),
        resolution: row.resolution.clone(),
        satisfaction: row.satisfaction,
        satisfaction_comment: row.satisfaction_comment.clone(),
        reopen_count: row.reopen_count,
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        created_by: row.created_by.map(Uuid::from),
        updated_by: row.updated_by.map(Uuid::from),
    })
}

/// The wire form of rows, with their customers' names in one query.
pub fn wire_all(conn: &mut DbConnection, rows: &[Complaint], now: NaiveDateTime) -> AppResult<Vec<WireComplaint>> {
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.customer_id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = complaints::customer_names(conn, &ids)?;
    rows.iter().map(|r| to_wire(r, names.get(&r.customer_id.0).map_or("", String::as_str), now)).collect()
}

fn wire(conn: &mut DbConnection, row: &Complaint, now: NaiveDateTime) -> AppResult<WireComplaint> {
    Ok(wire_all(conn, std::slice::from_ref(row), now)?.remove(0))
}

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Complaint> {
    complaints::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Whether the caller may work a complaint it sees: service agents, managers and administrators
/// may; a sales rep when it is assigned to them or the customer is theirs (a pool customer's
/// complaint is only read by reps it is not assigned to).
fn may_work(conn: &mut DbConnection, ctx: &Context, vis: &Visibility, row: &Complaint) -> AppResult<bool> {
    Ok(match ctx.role() {
        Role::Admin | Role::Manager | Role::Service => true,
        Role::Sales => {
            row.assignee_id.map(Uuid::from) == Some(ctx.id())
                || customers::find(conn, vis, row.customer_id.0)?.and_then(|c| c.owner_id).map(Uuid::from)
                    == Some(ctx.id())
        }
    })
}

fn load_workable(conn: &mut DbConnection, ctx: &Context, vis: &Visibility, id: Uuid) -> AppResult<Complaint> {
    let row = load(conn, vis, id)?;
    if !may_work(conn, ctx, vis, &row)? {
        return Err(AppError::forbidden("you may only read this complaint"));
    }
    Ok(row)
}

/// The contact and purchase must be the customer's (and visible).
fn check_links(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    customer: Uuid,
    contact: Option<Uuid>,
    purchase: Option<Uuid>,
) -> AppResult<()> {
    if let Some(c) = contact
        && kehu_store::contacts::find(conn, vis, c)?.map(|c| c.customer_id.0) != Some(customer)
    {
        errors.add("/contact_id", "not_found", "no such contact of this customer");
    }
    if let Some(p) = purchase
        && kehu_store::purchases::find(conn, vis, p)?.map(|p| p.customer_id.0) != Some(customer)
    {
        errors.add("/purchase_id", "not_found", "no such purchase of this customer");
    }
    Ok(())
}

/// An assignee must be an active service agent, sales rep or manager.
fn check_assignee(conn: &mut DbConnection, errors: &mut Errors, user: Uuid) -> AppResult<()> {
    match users::find_by_id(conn, user)? {
        None => errors.add("/assignee_id", "not_found", "no such user"),
        Some(u) if !u.can_sign_in() => errors.add("/assignee_id", "inactive_user", "this user is deactivated"),
        Some(u) if u.role()? == Role::Admin => {
            errors.add("/assignee_id", "cannot_handle", "complaints go to service agents, sales reps or managers")
        }
        Some(_) => {}
    }
    Ok(())
}

/// The deadline a complaint waits on next: the first response until someone responds, then the
/// resolution.
fn next_due(
    first_responded: Option<NaiveDateTime>,
    first_due: NaiveDateTime,
    resolution_due: NaiveDateTime,
) -> NaiveDateTime {
    if first_responded.is_none() { first_due } else { resolution_due }
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireComplaint> {
    let now = ctx.now();
    let vis = ctx.visibility(conn)?;
    let row = load(conn, &vis, id)?;
    wire(conn, &row, now)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &ComplaintFilter,
    order: (ComplaintSort, Dir),
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<WireComplaint>> {
    let now = ctx.now();
    let vis = ctx.visibility(conn)?;
    let paged = complaints::list(conn, &vis, filter, now, order, page, with_total)?;
    let rows = wire_all(conn, &paged.rows, now)?;
    Ok(Paged { rows, next: paged.next, total: paged.total })
}

/// The active complaints of a customer for its 360 view.
pub fn open_for_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    customer: Uuid,
    limit: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<WireComplaint>> {
    let rows = complaints::open_for_customer(conn, vis, customer, limit)?;
    wire_all(conn, &rows, now)
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateComplaint) -> AppResult<WireComplaint> {
    let now = ctx.now();
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check();
        if customers::find(conn, &vis, body.customer_id)?.is_none() {
            errors.add("/customer_id", "not_found", "no such customer");
        } else {
            check_links(conn, &vis, &mut errors, body.customer_id, body.contact_id, body.purchase_id)?;
        }
        if let Some(a) = body.assignee_id {
            check_assignee(conn, &mut errors, a)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let (doc, ..) = settings::get(conn)?;
        let priority = body.priority.unwrap_or(Priority::Normal);
        let (first_due, resolution_due) = doc.sla.deadlines(priority, now);
        let year = now.year();
        let number =
            kehu_store::quotes::format_number("C", year, kehu_store::quotes::next_value(conn, "complaint", year)?);
        let row = Complaint {
            id: Id(kehu_store::new_id()),
            number,
            customer_id: Id(body.customer_id),
            contact_id: body.contact_id.map(Id),
            purchase_id: body.purchase_id.map(Id),
            channel: body.channel.unwrap_or(ComplaintChannel::Other).as_str().to_owned(),
            category: body.category.unwrap_or(ComplaintCategory::Other).as_str().to_owned(),
            priority: priority.as_str().to_owned(),
            subject: body.subject.trim().to_owned(),
            description: trimmed(body.description.as_deref()),
            status: ComplaintStatus::Open.as_str().to_owned(),
            assignee_id: body.assignee_id.map(Id),
            sla_started_at: now,
            first_response_due_at: first_due,
            resolution_due_at: resolution_due,
            due_at: first_due,
            first_responded_at: None,
            resolved_at: None,
            closed_at: None,
            response_breached: false,
            resolution_breached: false,
            escalation_level: 0,
            escalated_to_id: None,
            resolution: None,
            satisfaction: None,
            satisfaction_comment: None,
            reopen_count: 0,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(ctx.id())),
            updated_by: Some(Id(ctx.id())),
        };
        let row = complaints::insert(conn, &row)?;
        let wire = wire(conn, &row, now)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        outbox::insert(conn, &[event(ctx, EventType::ComplaintCreated, wire.id, &wire)?])?;
        Ok(wire)
    })
}

/// The 409 for an action (or edit) the complaint's status does not allow.
fn refuse(status: ComplaintStatus, detail: String) -> AppError {
    let allowed = status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect();
    AppError::transition(status.as_str(), allowed, detail)
}

/// Writes `changes` with the version and status the caller read; a concurrent change in between
/// is reported as it now stands.
fn apply(conn: &mut DbConnection, before: &Complaint, changes: &ComplaintChanges) -> AppResult<Complaint> {
    match complaints::update_if(conn, before.id.0, before.version, &before.status, changes)? {
        Some(after) => Ok(after),
        None => {
            let now_row = complaints::find_any(conn, before.id.0)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
            let status = now_row.status()?;
            Err(refuse(status, format!("the complaint changed meanwhile and is now {}", status.as_str())))
        }
    }
}

impl Record for Complaint {
    type Wire = WireComplaint;
    type Changes = ComplaintChanges;
    const ENTITY: EntityKind = ENTITY;
    const UPDATED: Option<EventType> = Some(EventType::ComplaintUpdated);

    crate::bookkeeping!(kept);

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load_workable(conn, ctx, &vis, id)
    }

    /// Complaints are never deleted, so none is restored.
    fn load_deleted(_conn: &mut DbConnection, _ctx: &Context, _id: Uuid) -> AppResult<Option<Self>> {
        Ok(None)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, conn: &mut DbConnection, ctx: &Context) -> AppResult<WireComplaint> {
        wire(conn, self, ctx.now())
    }

    fn save(&self, conn: &mut DbConnection, _ctx: &Context, changes: &ComplaintChanges) -> AppResult<Self> {
        apply(conn, self, changes)
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateComplaint,
) -> AppResult<WireComplaint> {
    write::update::<Complaint>(conn, ctx, id, if_match, |conn, before, _| {
        let vis = ctx.visibility(conn)?;
        let status = before.status()?;
        if !status.is_active() {
            return Err(refuse(
                status,
                format!("a {} complaint is no longer edited; reopen it first", status.as_str()),
            ));
        }
        let mut errors = body.check();
        // Only new links are checked: one made earlier stays even if its record is gone since.
        let (contact, purchase) = (body.contact_id.flatten(), body.purchase_id.flatten());
        check_links(conn, &vis, &mut errors, before.customer_id.0, contact, purchase)?;
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let mut changes = ComplaintChanges {
            contact_id: body.contact_id.map(|c| c.map(Id)),
            purchase_id: body.purchase_id.map(|p| p.map(Id)),
            channel: body.channel.map(|c| c.as_str().to_owned()),
            category: body.category.map(|c| c.as_str().to_owned()),
            subject: body.subject.as_deref().map(|s| s.trim().to_owned()),
            description: body.description.as_ref().map(|d| trimmed(d.as_deref())),
            ..ComplaintChanges::default()
        };
        if let Some(p) = body.priority.filter(|p| p.as_str() != before.priority) {
            // A new priority moves the deadlines of the current round, counted from its start.
            let (doc, ..) = settings::get(conn)?;
            let (first_due, resolution_due) = doc.sla.deadlines(p, before.sla_started_at);
            changes.priority = Some(p.as_str().to_owned());
            changes.first_response_due_at = Some(first_due);
            changes.resolution_due_at = Some(resolution_due);
            changes.due_at = Some(next_due(before.first_responded_at, first_due, resolution_due));
        }
        Ok(changes)
    })
}

/// An action with its body.
#[derive(Debug, Clone)]
pub enum Act {
    Acknowledge,
    Start,
    Resolve(ResolveComplaint),
    Close(CloseComplaint),
    Reopen(ReopenComplaint),
    Assign(AssignComplaint),
}

impl Act {
    pub fn action(&self) -> ComplaintAction {
        match self {
            Act::Acknowledge => ComplaintAction::Acknowledge,
            Act::Start => ComplaintAction::Start,
            Act::Resolve(_) => ComplaintAction::Resolve,
            Act::Close(_) => ComplaintAction::Close,
            Act::Reopen(_) => ComplaintAction::Reopen,
            Act::Assign(_) => ComplaintAction::Assign,
        }
    }

    fn check(&self) -> Errors {
        match self {
            Act::Acknowledge | Act::Start => Errors::default(),
            Act::Resolve(b) => b.check(),
            Act::Close(b) => b.check(),
            Act::Reopen(b) => b.check(),
            Act::Assign(b) => b.check(),
        }
    }
}

/// What a first response changes: the time, and whether it came late.
fn respond(changes: &mut ComplaintChanges, row: &Complaint, now: NaiveDateTime) {
    if row.first_responded_at.is_none() {
        changes.first_responded_at = Some(Some(now));
        if now > row.first_response_due_at {
            changes.response_breached = Some(true);
        }
        changes.due_at = Some(row.resolution_due_at);
    }
}

/// `POST /complaints/{id}/{action}`. The status moves with a conditional update (on the version
/// and the stored status), so of two racing actions one wins and the other gets 409.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    act: &Act,
) -> AppResult<WireComplaint> {
    let now = ctx.now();
    write::act::<Complaint>(conn, ctx, id, if_match, |conn, before, _| {
        let current = before.status()?;
        let action = act.action();
        let Some(next) = current.after(action) else {
            let detail = format!("a {} complaint does not allow {}", current.as_str(), action.as_str());
            return Err(refuse(current, detail));
        };
        let mut errors = act.check();
        if let Act::Assign(AssignComplaint { assignee_id: Some(Some(user)) }) = act {
            check_assignee(conn, &mut errors, *user)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let (doc, ..) = settings::get(conn)?;
        let mut changes = ComplaintChanges { status: Some(next.as_str().to_owned()), ..ComplaintChanges::default() };
        // Whoever in service or sales starts working a queued complaint takes it.
        let takes = before.assignee_id.is_none() && matches!(ctx.role(), Role::Service | Role::Sales);
        let mut noted = Vec::new();
        match act {
            Act::Acknowledge | Act::Start => {
                respond(&mut changes, before, now);
                if takes {
                    changes.assignee_id = Some(Some(Id(ctx.id())));
                }
            }
            Act::Resolve(body) => {
                respond(&mut changes, before, now);
                if takes {
                    changes.assignee_id = Some(Some(Id(ctx.id())));
                }
                changes.resolved_at = Some(Some(now));
                changes.resolution = Some(trimmed(body.resolution.as_deref()));
                if now > before.resolution_due_at {
                    changes.resolution_breached = Some(true);
                }
            }
            Act::Close(body) => {
                changes.closed_at = Some(Some(now));
                changes.satisfaction = Some(body.satisfaction.and_then(|s| i32::try_from(s).ok()));
                changes.satisfaction_comment = Some(trimmed(body.satisfaction_comment.as_deref()));
            }
            Act::Reopen(body) => {
                let resolved = before.resolved_at.unwrap_or(before.updated_at);
                let window = doc.complaint_reopen_days;
                if now > resolved + Duration::days(i64::from(window)) {
                    return Err(AppError::with_detail(
                        ErrorCode::ReopenWindowClosed,
                        format!("it was resolved more than {window} days ago; take it in as a new complaint"),
                    ));
                }
                // A new round: fresh deadlines from now, nothing responded, nothing missed yet.
                let priority =
                    Priority::parse(&before.priority).ok_or_else(|| corrupt("priority", &before.priority))?;
                let (first_due, resolution_due) = doc.sla.deadlines(priority, now);
                changes.sla_started_at = Some(now);
                changes.first_response_due_at = Some(first_due);
                changes.resolution_due_at = Some(resolution_due);
                changes.due_at = Some(first_due);
                changes.first_responded_at = Some(None);
                changes.resolved_at = Some(None);
                changes.closed_at = Some(None);
                changes.response_breached = Some(false);
                changes.resolution_breached = Some(false);
                changes.resolution = Some(None);
                changes.satisfaction = Some(None);
                changes.satisfaction_comment = Some(None);
                changes.reopen_count = Some(before.reopen_count + 1);
                if let Some(reason) = trimmed(body.reason.as_deref()) {
                    noted.push(FieldChange {
                        field: "reason".to_owned(),
                        before: Value::Null,
                        after: Value::String(reason.clone()),
                    });
                    // The reason opens the new round of the timeline, where everyone working it
                    // reads it.
                    let comment = CommentRow {
                        id: Id(kehu_store::new_id()),
                        complaint_id: Id(id),
                        body: reason,
                        author_id: Some(Id(ctx.id())),
                        created_at: now,
                    };
                    complaints::insert_comment(conn, &comment)?;
                }
            }
            Act::Assign(body) => {
                changes.assignee_id = Some(body.assignee_id.flatten().map(Id));
            }
        }
        let audit = if action == ComplaintAction::Assign { AuditAction::Assign } else { AuditAction::Update };
        let event = match action {
            ComplaintAction::Acknowledge => EventType::ComplaintAcknowledged,
            ComplaintAction::Start => EventType::ComplaintStarted,
            ComplaintAction::Resolve => EventType::ComplaintResolved,
            ComplaintAction::Close => EventType::ComplaintClosed,
            ComplaintAction::Reopen => EventType::ComplaintReopened,
            ComplaintAction::Assign => EventType::ComplaintAssigned,
        };
        Ok(Move { changes, audit, events: vec![event], noted })
    })
}

fn wire_comment(row: &CommentRow) -> Comment {
    Comment {
        object: "complaint_comment".to_owned(),
        id: row.id.0,
        complaint_id: row.complaint_id.0,
        body: row.body.clone(),
        author_id: row.author_id.map(Uuid::from),
        created_at: utc(row.created_at),
    }
}

pub fn comments(conn: &mut DbConnection, ctx: &Context, id: Uuid, page: &Page) -> AppResult<Paged<Comment>> {
    let vis = ctx.visibility(conn)?;
    load(conn, &vis, id)?;
    Ok(complaints::comments(conn, id, page)?.map(|c| wire_comment(&c)))
}

/// Adds a comment; the first one on a complaint not yet responded to is its first response.
pub fn add_comment(conn: &mut DbConnection, ctx: &Context, id: Uuid, body: &CreateComment) -> AppResult<Comment> {
    let now = ctx.now();
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_workable(conn, ctx, &vis, id)?;
        let errors = body.check();
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let row = CommentRow {
            id: Id(kehu_store::new_id()),
            complaint_id: Id(id),
            body: body.body.trim().to_owned(),
            author_id: Some(Id(ctx.id())),
            created_at: now,
        };
        complaints::insert_comment(conn, &row)?;
        let comment = wire_comment(&row);
        if before.first_responded_at.is_none() && before.status()?.is_active() {
            let mut changes = ComplaintChanges {
                updated_at: Some(now),
                updated_by: Some(Some(Id(ctx.id()))),
                ..ComplaintChanges::default()
            };
            respond(&mut changes, &before, now);
            let before_wire = wire(conn, &before, now)?;
            let after = apply(conn, &before, &changes)?;
            let after_wire = wire(conn, &after, now)?;
            record(
                conn,
                ctx,
                ENTITY,
                id,
                AuditAction::Update,
                diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?),
            )?;
        }
        outbox::insert(conn, &[event(ctx, EventType::ComplaintCommented, id, &comment)?])?;
        Ok(comment)
    })
}

/// The managers above `user`, nearest first: the manager of their team, then of each team above
/// it (never the user themselves).
fn managers_above(conn: &mut DbConnection, user: Uuid) -> AppResult<Vec<Uuid>> {
    let mut out = Vec::new();
    let Some(u) = users::find_by_id(conn, user)? else { return Ok(out) };
    let mut team = u.team_id.map(Uuid::from);
    // The tree has no cycles (teams refuse them), but a bound keeps a damaged one from spinning.
    for _ in 0..64 {
        let Some(t) = team.map(|t| kehu_store::teams::find(conn, t, false)).transpose()?.flatten() else { break };
        if let Some(m) = t.manager_id.map(Uuid::from)
            && m != user
            && !out.contains(&m)
        {
            out.push(m);
        }
        team = t.parent_id.map(Uuid::from);
    }
    Ok(out)
}

/// Marks missed deadlines of active complaints as of `now` and escalates each: the escalation
/// level rises by the deadlines newly missed, and the complaint goes to a manager of its assignee
/// (of its creator while it waits in the queue), one level further up the team tree per level.
/// Each complaint is its own version-checked transaction, so several instances may run this at
/// once. Returns how many complaints were escalated.
pub fn escalate(conn: &mut DbConnection, ctx: &Context) -> AppResult<usize> {
    let now = ctx.now();
    let due = complaints::due_for_escalation(conn, now, BATCH)?;
    let mut escalated = 0;
    for before in due {
        let done = write_transaction(conn, |conn| -> AppResult<bool> {
            let response =
                before.first_responded_at.is_none() && !before.response_breached && before.first_response_due_at <= now;
            let resolution =
                before.resolved_at.is_none() && !before.resolution_breached && before.resolution_due_at <= now;
            let level = before.escalation_level + i32::from(response) + i32::from(resolution);
            let whose = before.assignee_id.or(before.created_by).map(Uuid::from);
            let chain = match whose {
                Some(u) => managers_above(conn, u)?,
                None => Vec::new(),
            };
            let steps = usize::try_from(level.max(1) - 1).unwrap_or(0);
            let target = chain.get(steps.min(chain.len().saturating_sub(1))).copied();
            let changes = ComplaintChanges {
                response_breached: response.then_some(true),
                resolution_breached: resolution.then_some(true),
                escalation_level: Some(level),
                escalated_to_id: target.map(|t| Some(Id(t))),
                updated_at: Some(now),
                updated_by: Some(None),
                ..ComplaintChanges::default()
            };
            // Someone may have responded or resolved since it was read (or another instance got
            // there first): the version check then leaves it to the next run to judge again.
            let Some(after) = complaints::update_if(conn, before.id.0, before.version, &before.status, &changes)?
            else {
                return Ok(false);
            };
            let before_wire = wire(conn, &before, now)?;
            let after_wire = wire(conn, &after, now)?;
            let mut changed = diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?);
            let missed = match (response, resolution) {
                (true, true) => "first response and resolution deadlines missed",
                (true, false) => "first response deadline missed",
                _ => "resolution deadline missed",
            };
            changed.push(FieldChange {
                field: "reason".to_owned(),
                before: Value::Null,
                after: Value::String(missed.to_owned()),
            });
            record(conn, ctx, ENTITY, before.id.0, AuditAction::Assign, changed)?;
            outbox::insert(conn, &[event(ctx, EventType::ComplaintEscalated, before.id.0, &after_wire)?])?;
            Ok(true)
        })?;
        escalated += usize::from(done);
    }
    if escalated > 0 {
        tracing::info!(escalated, "complaints past their deadlines escalated");
    }
    Ok(escalated)
}
