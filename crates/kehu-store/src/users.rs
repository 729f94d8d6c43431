//! Users: rows, inserts, and conversion into the wire type.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::user::{Locale, Me, Role};
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::users;
use crate::types::Id;
use crate::{keyset, lower};

/// A `users` row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Id,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub team_id: Option<Id>,
    pub locale: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
    pub max_discount_e4: i64,
    pub pool_cap: Option<i32>,
}

/// An insert into `users`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Id,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub team_id: Option<Id>,
    pub locale: &'a str,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub max_discount_e4: i64,
    pub pool_cap: Option<i32>,
}

/// An update of `users`: `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub team_id: Option<Option<Id>>,
    pub locale: Option<String>,
    pub active: Option<bool>,
    pub max_discount_e4: Option<i64>,
    pub pool_cap: Option<Option<i32>>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
}

impl User {
    /// Whether this account may sign in and call the API.
    pub fn can_sign_in(&self) -> bool {
        self.active && self.deleted_at.is_none()
    }

    pub fn role(&self) -> StoreResult<Role> {
        Role::parse(&self.role).ok_or_else(|| StoreError::Corrupt(format!("role {:?}", self.role)))
    }

    /// The wire view of the user as the caller of `/me`.
    pub fn to_me(&self, scopes: Vec<String>) -> StoreResult<Me> {
        Ok(Me {
            object: "user".to_owned(),
            id: self.id.0,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role()?,
            team_id: self.team_id.map(Uuid::from),
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            active: self.active,
            scopes,
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
        })
    }
}

impl User {
    /// The wire view of the user.
    pub fn to_wire(&self) -> StoreResult<kehu_core::user::User> {
        Ok(kehu_core::user::User {
            object: "user".to_owned(),
            id: self.id.0,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role()?,
            team_id: self.team_id.map(Uuid::from),
            active: self.active,
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            max_discount_percent: kehu_core::money::from_fixed4(self.max_discount_e4).normalize(),
            pool_cap: self.pool_cap,
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

/// What a user list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Any of these roles.
    pub roles: Vec<Role>,
    pub team_id: Option<Uuid>,
    pub active: Option<bool>,
    /// Substring of the name or email, case-insensitive.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    Name,
    Email,
    CreatedAt,
}

fn filtered(filter: &UserFilter) -> users::BoxedQuery<'static, MultiBackend> {
    let mut query = users::table.filter(users::deleted_at.is_null()).into_boxed();
    if !filter.roles.is_empty() {
        query =
            query.filter(users::role.eq_any(filter.roles.iter().map(|r| r.as_str().to_owned()).collect::<Vec<_>>()));
    }
    if let Some(team) = filter.team_id {
        query = query.filter(users::team_id.eq(Id(team)));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        let pattern = contains_pattern(q);
        query = query
            .filter(lower(users::name).like(pattern.clone()).escape('\\').or(users::email.like(pattern).escape('\\')));
    }
    query
}

/// A page of users in the given order.
pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    sort: UserSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<User>> {
    let query = filtered(filter).select(User::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let rows = match sort {
        UserSort::Name => {
            keyset!(query, users::name, users::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        UserSort::Email => {
            keyset!(query, users::email, users::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        UserSort::CreatedAt => {
            let after = after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose()?;
            keyset!(query, users::created_at, users::id, dir, after).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |u: &User| After {
        key: match sort {
            UserSort::Name => u.name.clone(),
            UserSort::Email => u.email.clone(),
            UserSort::CreatedAt => time_key(&u.created_at),
        },
        id: u.id.0,
    });
    if with_total {
        paged.total = Some(filtered(filter).count().get_result(conn)?);
    }
    Ok(paged)
}

/// Applies `changes` if the row still has `version`; bumps the version. A changed row is
/// [`StoreError::Stale`], a missing one [`StoreError::NotFound`].
pub fn update(conn: &mut DbConnection, id: Uuid, version: i64, changes: &UserChanges) -> StoreResult<User> {
    let n = diesel::update(users::table.filter(users::id.eq(Id(id))).filter(users::version.eq(version)))
        .set((changes, users::version.eq(users::version + 1)))
        .execute(conn)?;
    let row = users::table.filter(users::id.eq(Id(id))).select(User::as_select()).first(conn).optional()?;
    match row {
        Some(u) if n == 1 => Ok(u),
        Some(u) => Err(StoreError::Stale { current: u.version }),
        None => Err(StoreError::NotFound),
    }
}

/// Emails compare case-insensitively; they are stored trimmed and lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(normalize_email(email)))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::id.eq(Id(id)))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> StoreResult<User> {
    diesel::insert_into(users::table).values(user).execute(conn)?;
    find_by_id(conn, user.id.0)?.ok_or(StoreError::NotFound)
}

/// Whether any active administrator exists (decides whether to create the first one).
pub fn has_admin(conn: &mut DbConnection) -> StoreResult<bool> {
    let count: i64 = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// How many active administrators there are (the last one may not be demoted or deactivated).
pub fn active_admins(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

/// How many users belong to a team.
pub fn count_in_team(conn: &mut DbConnection, team: Uuid) -> StoreResult<i64> {
    Ok(users::table.filter(users::team_id.eq(Id(team))).filter(users::deleted_at.is_null()).count().get_result(conn)?)
}
