//! Teams: a tree through `parent_id`.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::teams;
use crate::types::Id;
use crate::{keyset, lower};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: Id,
    pub name: String,
    pub parent_id: Option<Id>,
    pub manager_id: Option<Id>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = teams)]
pub struct TeamChanges {
    pub name: Option<String>,
    pub parent_id: Option<Option<Id>>,
    pub manager_id: Option<Option<Id>>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

impl Team {
    pub fn to_wire(&self) -> kehu_core::team::Team {
        kehu_core::team::Team {
            object: "team".to_owned(),
            id: self.id.0,
            name: self.name.clone(),
            parent_id: self.parent_id.map(Uuid::from),
            manager_id: self.manager_id.map(Uuid::from),
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TeamFilter {
    pub parent_id: Option<Uuid>,
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamSort {
    Name,
    CreatedAt,
}

pub fn insert(conn: &mut DbConnection, team: &Team) -> StoreResult<Team> {
    diesel::insert_into(teams::table).values(team).execute(conn)?;
    find(conn, team.id.0, false)?.ok_or(StoreError::NotFound)
}

/// A team by id; deleted ones only when `with_deleted` (for restoring).
pub fn find(conn: &mut DbConnection, id: Uuid, with_deleted: bool) -> StoreResult<Option<Team>> {
    let mut query = teams::table.filter(teams::id.eq(Id(id))).into_boxed::<MultiBackend>();
    if !with_deleted {
        query = query.filter(teams::deleted_at.is_null());
    }
    Ok(query.select(Team::as_select()).first(conn).optional()?)
}

fn filtered(filter: &TeamFilter) -> teams::BoxedQuery<'static, MultiBackend> {
    let mut query = teams::table.filter(teams::deleted_at.is_null()).into_boxed();
    if let Some(parent) = filter.parent_id {
        query = query.filter(teams::parent_id.eq(Id(parent)));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        query = query.filter(lower(teams::name).like(contains_pattern(q)).escape('\\'));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &TeamFilter,
    sort: TeamSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Team>> {
    let query = filtered(filter).select(Team::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let rows = match sort {
        TeamSort::Name => {
            keyset!(query, teams::name, teams::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        TeamSort::CreatedAt => {
            let after = after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose()?;
            keyset!(query, teams::created_at, teams::id, dir, after).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |t: &Team| After {
        key: match sort {
            TeamSort::Name => t.name.clone(),
            TeamSort::CreatedAt => time_key(&t.created_at),
        },
        id: t.id.0,
    });
    if with_total {
        paged.total = Some(filtered(filter).count().get_result(conn)?);
    }
    Ok(paged)
}

/// Applies `changes` if the row still has `version`; bumps the version.
pub fn update(conn: &mut DbConnection, id: Uuid, version: i64, changes: &TeamChanges) -> StoreResult<Team> {
    let n = diesel::update(teams::table.filter(teams::id.eq(Id(id))).filter(teams::version.eq(version)))
        .set((changes, teams::version.eq(teams::version + 1)))
        .execute(conn)?;
    let row = find(conn, id, true)?;
    match row {
        Some(t) if n == 1 => Ok(t),
        Some(t) => Err(StoreError::Stale { current: t.version }),
        None => Err(StoreError::NotFound),
    }
}

/// The team and every team below it, one query per level of the tree.
pub fn subtree(conn: &mut DbConnection, root: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut all = vec![root];
    let mut level = vec![Id(root)];
    while !level.is_empty() {
        let children: Vec<Id> = teams::table
            .filter(teams::parent_id.eq_any(level))
            .filter(teams::deleted_at.is_null())
            .select(teams::id)
            .load(conn)?;
        // A cycle cannot be written through the API, but a loop here must end regardless.
        level = children.into_iter().filter(|c| !all.contains(&c.0)).collect();
        all.extend(level.iter().map(|c| c.0));
    }
    Ok(all)
}
