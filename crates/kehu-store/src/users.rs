//! Users: rows, inserts, and conversion into the wire type.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::user::{Locale, Me, Role};
use uuid::Uuid;

use crate::types::Id;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::users;

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
    pub locale: &'a str,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
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
