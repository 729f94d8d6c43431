//! Complaints and their comments: rows and queries. Who sees a complaint is decided in the SQL
//! (see [`visible_condition`]): service agents their queue and their own, everyone else the
//! complaints of customers they see, the ones assigned to them or their teams, and the ones
//! escalated to them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kehu_core::complaint::ComplaintStatus;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::{complaint_comments, complaints, customers, users};
use crate::types::Id;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    pub id: Id,
    pub number: String,
    pub customer_id: Id,
    pub contact_id: Option<Id>,
    pub purchase_id: Option<Id>,
    pub channel: String,
    pub category: String,
    pub priority: String,
    pub subject: String,
    pub description: Option<String>,
    pub status: String,
    pub assignee_id: Option<Id>,
    pub sla_started_at: NaiveDateTime,
    pub first_response_due_at: NaiveDateTime,
    pub resolution_due_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub first_responded_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    pub escalation_level: i32,
    pub escalated_to_id: Option<Id>,
    pub resolution: Option<String>,
    pub satisfaction: Option<i32>,
    pub satisfaction_comment: Option<String>,
    pub reopen_count: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = complaints)]
pub struct ComplaintChanges {
    pub customer_id: Option<Id>,
    pub contact_id: Option<Option<Id>>,
    pub purchase_id: Option<Option<Id>>,
    pub channel: Option<String>,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub subject: Option<String>,
    pub description: Option<Option<String>>,
    pub status: Option<String>,
    pub assignee_id: Option<Option<Id>>,
    pub sla_started_at: Option<NaiveDateTime>,
    pub first_response_due_at: Option<NaiveDateTime>,
    pub resolution_due_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub first_responded_at: Option<Option<NaiveDateTime>>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub response_breached: Option<bool>,
    pub resolution_breached: Option<bool>,
    pub escalation_level: Option<i32>,
    pub escalated_to_id: Option<Option<Id>>,
    pub resolution: Option<Option<String>>,
    pub satisfaction: Option<Option<i32>>,
    pub satisfaction_comment: Option<Option<String>>,
    pub reopen_count: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
}

impl Complaint {
    pub fn status(&self) -> StoreResult<ComplaintStatus> {
        ComplaintStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("complaint status: {}", self.status)))
    }

    /// Whether a deadline of the current round is missed as of `now`: one already marked, or one
    /// that has passed unmet (before the escalation job got to it). [`breached_condition`] is the
    /// same rule in SQL.
    pub fn breached(&self, now: NaiveDateTime) -> bool {
        self.response_breached
            || self.resolution_breached
            || (self.first_responded_at.is_none() && self.first_response_due_at < now)
            || (self.resolved_at.is_none() && self.resolution_due_at < now)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaint_comments)]
pub struct CommentRow {
    pub id: Id,
    pub complaint_id: Id,
    pub body: String,
    pub author_id: Option<Id>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub statuses: Vec<ComplaintStatus>,
    pub priorities: Vec<String>,
    pub categories: Vec<String>,
    pub assignees: Vec<Uuid>,
    /// Also (or only, without `assignees`) the unassigned ones: the queue.
    pub unassigned: bool,
    pub breached: Option<bool>,
    /// Whose next deadline is before this.
    pub due_before: Option<NaiveDateTime>,
    pub customer_id: Option<Uuid>,
    /// A number prefix (`C-2026-00`) or words of the subject.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintSort {
    DueAt,
    CreatedAt,
    UpdatedAt,
    Number,
}

type Cond = Box<dyn BoxableExpression<complaints::table, MultiBackend, SqlType = Bool>>;

/// The statuses whose deadlines run.
fn active_statuses() -> Vec<&'static str> {
    ComplaintStatus::ALL.iter().filter(|s| s.is_active()).map(|s| s.as_str()).collect()
}

/// The complaints `vis` may see.
fn visible_condition(vis: &Visibility) -> Cond {
    let of_visible_customers = complaints::customer_id.eq_any(crate::visible_customer_ids!(vis));
    if vis.sees_all() {
        return Box::new(of_visible_customers);
    }
    let me = Id(vis.user_id().unwrap_or_default());
    // `assignee_id = x` is NULL for a queued row, which the `IS NULL` arm (or nothing) decides.
    let assignee = complaints::assignee_id.assume_not_null();
    if vis.queue_only() {
        // Service agents read every customer; of the complaints, the queue and their own.
        return Box::new(of_visible_customers.and(complaints::assignee_id.is_null().or(assignee.eq(me))));
    }
    let (_, _, teams) = vis.customer_parts();
    let members = users::table.filter(users::team_id.eq_any(teams)).select(users::id);
    Box::new(
        of_visible_customers
            .or(assignee.eq(me))
            .or(assignee.eq_any(members))
            .or(complaints::escalated_to_id.assume_not_null().eq(me)),
    )
}

/// [`Complaint::breached`] as SQL.
fn breached_condition(now: NaiveDateTime) -> Cond {
    Box::new(
        complaints::response_breached
            .or(complaints::resolution_breached)
            .or(complaints::first_responded_at.is_null().and(complaints::first_response_due_at.lt(now)))
            .or(complaints::resolved_at.is_null().and(complaints::resolution_due_at.lt(now))),
    )
}

fn condition(vis: &Visibility, filter: &ComplaintFilter, now: NaiveDateTime) -> Cond {
    let mut cond = visible_condition(vis);
    if !filter.statuses.is_empty() {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        cond = Box::new(cond.and(complaints::status.eq_any(statuses)));
    }
    if !filter.priorities.is_empty() {
        cond = Box::new(cond.and(complaints::priority.eq_any(filter.priorities.clone())));
    }
    if !filter.categories.is_empty() {
        cond = Box::new(cond.and(complaints::category.eq_any(filter.categories.clone())));
    }
    let assignees: Vec<Id> = filter.assignees.iter().copied().map(Id).collect();
    match (assignees.is_empty(), filter.unassigned) {
        (true, false) => {}
        (true, true) => cond = Box::new(cond.and(complaints::assignee_id.is_null())),
        (false, false) => cond = Box::new(cond.and(complaints::assignee_id.assume_not_null().eq_any(assignees))),
        (false, true) => {
            cond =
                Box::new(cond.and(
                    complaints::assignee_id.is_null().or(complaints::assignee_id.assume_not_null().eq_any(assignees)),
                ))
        }
    }
    match filter.breached {
        Some(true) => cond = Box::new(cond.and(breached_condition(now))),
        Some(false) => cond = Box::new(cond.and(diesel::dsl::not(breached_condition(now)))),
        None => {}
    }
    if let Some(t) = filter.due_before {
        cond = Box::new(cond.and(complaints::due_at.lt(t)));
    }
    if let Some(c) = filter.customer_id {
        cond = Box::new(cond.and(complaints::customer_id.eq(Id(c))));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let upper = q.to_uppercase();
        if upper.starts_with("C-") {
            let escaped = upper.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            cond = Box::new(cond.and(complaints::number.like(format!("{escaped}%")).escape('\\')));
        } else {
            cond = Box::new(cond.and(crate::lower(complaints::subject).like(contains_pattern(q)).escape('\\')));
        }
    }
    cond
}

#[allow(clippy::too_many_arguments)]
pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &ComplaintFilter,
    now: NaiveDateTime,
    (sort, dir): (ComplaintSort, Dir),
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Complaint>> {
    let query = complaints::table
        .filter(condition(vis, filter, now))
        .into_boxed()
        .select(Complaint::as_select())
        .limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        ComplaintSort::Number => {
            keyset!(query, complaints::number, complaints::id, dir, after.map(|a| (a.key.clone(), Id(a.id))))
                .load(conn)?
        }
        ComplaintSort::DueAt => keyset!(query, complaints::due_at, complaints::id, dir, time_after()?).load(conn)?,
        ComplaintSort::CreatedAt => {
            keyset!(query, complaints::created_at, complaints::id, dir, time_after()?).load(conn)?
        }
        ComplaintSort::UpdatedAt => {
            keyset!(query, complaints::updated_at, complaints::id, dir, time_after()?).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |c: &Complaint| After {
        key: match sort {
            ComplaintSort::Number => c.number.clone(),
            ComplaintSort::DueAt => time_key(&c.due_at),
            ComplaintSort::CreatedAt => time_key(&c.created_at),
            ComplaintSort::UpdatedAt => time_key(&c.updated_at),
        },
        id: c.id.0,
    });
    if with_total {
        paged.total = Some(complaints::table.filter(condition(vis, filter, now)).count().get_result(conn)?);
    }
    Ok(paged)
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Complaint>> {
    Ok(complaints::table
        .filter(visible_condition(vis))
        .filter(complaints::id.eq(Id(id)))
        .select(Complaint::as_select())
        .first(conn)
        .optional()?)
}

/// A complaint by id whatever the caller sees, for re-reading after a lost race.
pub fn find_any(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Complaint>> {
    Ok(complaints::table.filter(complaints::id.eq(Id(id))).select(Complaint::as_select()).first(conn).optional()?)
}

pub fn insert(conn: &mut DbConnection, row: &Complaint) -> StoreResult<Complaint> {
    diesel::insert_into(complaints::table).values(row).execute(conn)?;
    Ok(complaints::table.filter(complaints::id.eq(row.id)).select(Complaint::as_select()).first(conn)?)
}

/// Applies `changes` if the complaint still has `version` and the stored `status`; bumps the
/// version. `Ok(None)` when either moved meanwhile.
pub fn update_if(
    conn: &mut DbConnection,
    id: Uuid,
    version: i64,
    status: &str,
    changes: &ComplaintChanges,
) -> StoreResult<Option<Complaint>> {
    // On PostgreSQL the update waits for a concurrent writer's commit and then re-checks its
    // conditions, so of two racing actions one updates and the other finds nothing.
    let target = complaints::table
        .filter(complaints::id.eq(Id(id)))
        .filter(complaints::version.eq(version))
        .filter(complaints::status.eq(status.to_owned()));
    let n = diesel::update(target).set((changes, complaints::version.eq(complaints::version + 1))).execute(conn)?;
    if n != 1 {
        return Ok(None);
    }
    find_any(conn, id)
}

/// The names of these customers (of complaints already found visible), in one query per 500.
pub fn customer_names(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Id, String)> = customers::table
            .filter(customers::id.eq_any(chunk.iter().copied().map(Id).collect::<Vec<_>>()))
            .select((customers::id, customers::name))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, name)| (id.0, name)));
    }
    Ok(out)
}

/// Active complaints with a deadline of the current round passed unmet and not yet marked, the
/// oldest deadline first: the escalation job's work.
pub fn due_for_escalation(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> StoreResult<Vec<Complaint>> {
    let response = complaints::first_responded_at
        .is_null()
        .and(complaints::response_breached.eq(false))
        .and(complaints::first_response_due_at.le(now));
    let resolution = complaints::resolved_at
        .is_null()
        .and(complaints::resolution_breached.eq(false))
        .and(complaints::resolution_due_at.le(now));
    Ok(complaints::table
        .filter(complaints::status.eq_any(active_statuses()))
        .filter(response.or(resolution))
        .order((complaints::due_at.asc(), complaints::id.asc()))
        .limit(limit)
        .select(Complaint::as_select())
        .load(conn)?)
}

/// The active complaints of a customer the caller sees, the next deadline first.
pub fn open_for_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    customer: Uuid,
    limit: i64,
) -> StoreResult<Vec<Complaint>> {
    Ok(complaints::table
        .filter(visible_condition(vis))
        .filter(complaints::customer_id.eq(Id(customer)))
        .filter(complaints::status.eq_any(active_statuses()))
        .order((complaints::due_at.asc(), complaints::id.asc()))
        .limit(limit)
        .select(Complaint::as_select())
        .load(conn)?)
}

/// How many complaints of a customer the caller sees, and how many of them are active.
pub fn counts_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<(i64, i64)> {
    let rows: Vec<(String, i64)> = complaints::table
        .filter(visible_condition(vis))
        .filter(complaints::customer_id.eq(Id(customer)))
        .group_by(complaints::status)
        .select((complaints::status, diesel::dsl::count_star()))
        .load(conn)?;
    let active = active_statuses();
    let all = rows.iter().map(|(_, n)| n).sum();
    let open = rows.iter().filter(|(s, _)| active.contains(&s.as_str())).map(|(_, n)| n).sum();
    Ok((all, open))
}

/// Moves every complaint of customer `from` to customer `to` (a merge). Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(complaints::table.filter(complaints::customer_id.eq(Id(from))))
        .set((
            complaints::customer_id.eq(Id(to)),
            complaints::updated_at.eq(now),
            complaints::version.eq(complaints::version + 1),
        ))
        .execute(conn)?)
}

pub fn insert_comment(conn: &mut DbConnection, row: &CommentRow) -> StoreResult<()> {
    diesel::insert_into(complaint_comments::table).values(row).execute(conn)?;
    Ok(())
}

/// A complaint's comments, oldest first.
pub fn comments(conn: &mut DbConnection, complaint: Uuid, page: &Page) -> StoreResult<Paged<CommentRow>> {
    let query = complaint_comments::table
        .filter(complaint_comments::complaint_id.eq(Id(complaint)))
        .into_boxed()
        .select(CommentRow::as_select())
        .limit(page.limit + 1);
    let after = page.after.as_ref().map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose()?;
    let rows = keyset!(query, complaint_comments::created_at, complaint_comments::id, Dir::Asc, after).load(conn)?;
    Ok(Paged::from_rows(rows, page.limit, |c: &CommentRow| After { key: time_key(&c.created_at), id: c.id.0 }))
}
