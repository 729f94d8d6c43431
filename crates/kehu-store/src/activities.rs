//! Activities: rows and queries. An activity is visible exactly when its customer is.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::activity::{Activity as WireActivity, ActivityKind};
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, parse_time_key, time_key};
use crate::schema::activities;
use crate::types::Id;
use crate::visibility::Visibility;

diesel::define_sql_function! {
    /// SQL `COALESCE` of two timestamps: a task's due time, or the creation of anything else.
    #[sql_name = "coalesce"]
    fn due_or_created(x: diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, y: diesel::sql_types::Timestamp) -> diesel::sql_types::Timestamp;
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = activities)]
pub struct Activity {
    pub id: Id,
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub customer_id: Id,
    pub contact_id: Option<Id>,
    pub lead_id: Option<Id>,
    pub quote_id: Option<Id>,
    pub purchase_id: Option<Id>,
    pub complaint_id: Option<Id>,
    pub owner_id: Id,
    pub due_at: Option<NaiveDateTime>,
    pub done_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = activities)]
pub struct ActivityChanges {
    pub subject: Option<String>,
    pub body: Option<Option<String>>,
    pub contact_id: Option<Option<Id>>,
    pub customer_id: Option<Id>,
    pub due_at: Option<Option<NaiveDateTime>>,
    pub done_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

impl Activity {
    pub fn kind(&self) -> StoreResult<ActivityKind> {
        ActivityKind::parse(&self.kind).ok_or_else(|| StoreError::Corrupt(format!("activity kind {:?}", self.kind)))
    }

    pub fn to_wire(&self) -> StoreResult<WireActivity> {
        let time = |t: &Option<NaiveDateTime>| t.map(|t| Utc.from_utc_datetime(&t));
        Ok(WireActivity {
            object: "activity".to_owned(),
            id: self.id.0,
            kind: self.kind()?,
            subject: self.subject.clone(),
            body: self.body.clone(),
            customer_id: self.customer_id.0,
            contact_id: self.contact_id.map(Uuid::from),
            lead_id: self.lead_id.map(Uuid::from),
            quote_id: self.quote_id.map(Uuid::from),
            purchase_id: self.purchase_id.map(Uuid::from),
            complaint_id: self.complaint_id.map(Uuid::from),
            owner_id: self.owner_id.0,
            due_at: time(&self.due_at),
            done_at: time(&self.done_at),
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub customer_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub owners: Vec<Uuid>,
    pub kinds: Vec<ActivityKind>,
    /// `Some(false)`: open tasks only; `Some(true)`: done ones.
    pub done: Option<bool>,
    pub due_lte: Option<NaiveDateTime>,
    pub due_gte: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivitySort {
    CreatedAt,
    /// Due time; what has none counts from its creation.
    DueAt,
}

type Boxed = activities::BoxedQuery<'static, MultiBackend>;

fn visible(vis: &Visibility) -> Boxed {
    activities::table
        .filter(activities::deleted_at.is_null())
        .filter(activities::customer_id.eq_any(crate::visible_customer_ids!(vis)))
        .into_boxed()
}

fn filtered(vis: &Visibility, filter: &ActivityFilter) -> Boxed {
    let mut query = visible(vis);
    if let Some(c) = filter.customer_id {
        query = query.filter(activities::customer_id.eq(Id(c)));
    }
    if let Some(c) = filter.contact_id {
        query = query.filter(activities::contact_id.eq(Id(c)));
    }
    if !filter.owners.is_empty() {
        query = query.filter(activities::owner_id.eq_any(filter.owners.iter().copied().map(Id).collect::<Vec<_>>()));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<String> = filter.kinds.iter().map(|k| k.as_str().to_owned()).collect();
        query = query.filter(activities::kind.eq_any(kinds));
    }
    match filter.done {
        Some(true) => query = query.filter(activities::done_at.is_not_null()),
        Some(false) => query = query.filter(activities::done_at.is_null()),
        None => {}
    }
    if let Some(t) = filter.due_lte {
        query = query.filter(activities::due_at.le(t));
    }
    if let Some(t) = filter.due_gte {
        query = query.filter(activities::due_at.ge(t));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &ActivityFilter,
    sort: ActivitySort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Activity>> {
    let query = filtered(vis, filter).select(Activity::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref().map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose()?;
    let rows = match sort {
        ActivitySort::CreatedAt => keyset!(query, activities::created_at, activities::id, dir, after).load(conn)?,
        ActivitySort::DueAt => {
            let due = due_or_created(activities::due_at, activities::created_at);
            keyset!(query, due, activities::id, dir, after).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |a: &Activity| After {
        key: match sort {
            ActivitySort::CreatedAt => time_key(&a.created_at),
            ActivitySort::DueAt => time_key(&a.due_at.unwrap_or(a.created_at)),
        },
        id: a.id.0,
    });
    if with_total {
        paged.total = Some(filtered(vis, filter).count().get_result(conn)?);
    }
    Ok(paged)
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Activity>> {
    Ok(visible(vis).filter(activities::id.eq(Id(id))).select(Activity::as_select()).first(conn).optional()?)
}

/// A customer's latest activities, newest first (for the 360 view).
pub fn latest_for_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    customer: Uuid,
    limit: i64,
) -> StoreResult<Vec<Activity>> {
    Ok(visible(vis)
        .filter(activities::customer_id.eq(Id(customer)))
        .order((activities::created_at.desc(), activities::id.desc()))
        .limit(limit)
        .select(Activity::as_select())
        .load(conn)?)
}

/// How many open tasks a customer has.
pub fn open_tasks_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<i64> {
    Ok(visible(vis)
        .filter(activities::customer_id.eq(Id(customer)))
        .filter(activities::done_at.is_null())
        .count()
        .get_result(conn)?)
}

pub fn insert(conn: &mut DbConnection, row: &Activity) -> StoreResult<Activity> {
    diesel::insert_into(activities::table).values(row).execute(conn)?;
    Ok(activities::table.filter(activities::id.eq(row.id)).select(Activity::as_select()).first(conn)?)
}

/// Applies `changes` to an activity `vis` sees if it still has `version`; bumps the version.
pub fn update(
    conn: &mut DbConnection,
    vis: &Visibility,
    id: Uuid,
    version: i64,
    changes: &ActivityChanges,
) -> StoreResult<Activity> {
    let statement = activities::table
        .filter(activities::id.eq(Id(id)))
        .filter(activities::version.eq(version))
        .filter(activities::customer_id.eq_any(crate::visible_customer_ids!(vis)));
    let n = diesel::update(statement).set((changes, activities::version.eq(activities::version + 1))).execute(conn)?;
    let row = activities::table
        .filter(activities::id.eq(Id(id)))
        .filter(activities::customer_id.eq_any(crate::visible_customer_ids!(vis)))
        .select(Activity::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if n != 1 {
        return Err(StoreError::Stale { current: row.version });
    }
    Ok(row)
}

/// Moves every activity of customer `from` to customer `to` (a merge). Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(activities::table.filter(activities::customer_id.eq(Id(from))))
        .set((
            activities::customer_id.eq(Id(to)),
            activities::updated_at.eq(now),
            activities::version.eq(activities::version + 1),
        ))
        .execute(conn)?)
}
