//! Contacts: rows and queries. A contact is visible exactly when its customer is, so every query
//! here filters on the customers the caller's [`Visibility`] admits.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::contact::{Contact as WireContact, ContactChannel, DoNotContact};
use kehu_core::validate::phone_digits;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::contacts;
use crate::types::Id;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts)]
pub struct Contact {
    pub id: Id,
    pub customer_id: Id,
    pub name: String,
    pub title: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub preferred_channel: Option<String>,
    /// JSON object of booleans.
    pub do_not_contact: String,
    pub is_primary: bool,
    pub notes: Option<String>,
    pub custom_fields: String,
    pub search_text: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = contacts)]
pub struct ContactChanges {
    pub customer_id: Option<Id>,
    pub name: Option<String>,
    pub title: Option<Option<String>>,
    pub department: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub mobile: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub birthday: Option<Option<NaiveDate>>,
    pub preferred_channel: Option<Option<String>>,
    pub do_not_contact: Option<String>,
    pub is_primary: Option<bool>,
    pub notes: Option<Option<String>>,
    pub custom_fields: Option<String>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// What `q` searches: the lowercased name and email, and the digits of both phones.
pub fn search_text(name: &str, email: Option<&str>, phone: Option<&str>, mobile: Option<&str>) -> String {
    [
        name.to_lowercase(),
        email.unwrap_or_default().to_lowercase(),
        phone.map(phone_digits).unwrap_or_default(),
        mobile.map(phone_digits).unwrap_or_default(),
    ]
    .join("\n")
}

impl Contact {
    pub fn to_wire(&self) -> StoreResult<WireContact> {
        let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("contact {what}: {e}"));
        Ok(WireContact {
            object: "contact".to_owned(),
            id: self.id.0,
            customer_id: self.customer_id.0,
            name: self.name.clone(),
            title: self.title.clone(),
            department: self.department.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            email: self.email.clone(),
            birthday: self.birthday,
            preferred_channel: self
                .preferred_channel
                .as_deref()
                .map(|c| ContactChannel::parse(c).ok_or_else(|| corrupt("channel", c.to_owned())))
                .transpose()?,
            do_not_contact: serde_json::from_str::<DoNotContact>(&self.do_not_contact)
                .map_err(|e| corrupt("do_not_contact", e.to_string()))?,
            is_primary: self.is_primary,
            notes: self.notes.clone(),
            custom_fields: serde_json::from_str(&self.custom_fields)
                .map_err(|e| corrupt("custom_fields", e.to_string()))?,
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub customer_id: Option<Uuid>,
    pub is_primary: Option<bool>,
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactSort {
    Name,
    CreatedAt,
    UpdatedAt,
}

type Boxed = contacts::BoxedQuery<'static, MultiBackend>;

/// The live contacts of the live customers `vis` sees.
fn visible(vis: &Visibility) -> Boxed {
    contacts::table
        .filter(contacts::deleted_at.is_null())
        .filter(contacts::customer_id.eq_any(crate::visible_customer_ids!(vis)))
        .into_boxed()
}

fn filtered(vis: &Visibility, filter: &ContactFilter) -> Boxed {
    let mut query = visible(vis);
    if let Some(c) = filter.customer_id {
        query = query.filter(contacts::customer_id.eq(Id(c)));
    }
    if let Some(p) = filter.is_primary {
        query = query.filter(contacts::is_primary.eq(p));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern =
            if kehu_core::validate::is_phone(q) { contains_pattern(&phone_digits(q)) } else { contains_pattern(q) };
        query = query.filter(contacts::search_text.like(pattern).escape('\\'));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &ContactFilter,
    sort: ContactSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Contact>> {
    let query = filtered(vis, filter).select(Contact::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        ContactSort::Name => {
            keyset!(query, contacts::name, contacts::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        ContactSort::CreatedAt => keyset!(query, contacts::created_at, contacts::id, dir, time_after()?).load(conn)?,
        ContactSort::UpdatedAt => keyset!(query, contacts::updated_at, contacts::id, dir, time_after()?).load(conn)?,
    };
    let mut paged = Paged::from_rows(rows, page.limit, |c: &Contact| After {
        key: match sort {
            ContactSort::Name => c.name.clone(),
            ContactSort::CreatedAt => time_key(&c.created_at),
            ContactSort::UpdatedAt => time_key(&c.updated_at),
        },
        id: c.id.0,
    });
    if with_total {
        paged.total = Some(filtered(vis, filter).count().get_result(conn)?);
    }
    Ok(paged)
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Contact>> {
    Ok(visible(vis).filter(contacts::id.eq(Id(id))).select(Contact::as_select()).first(conn).optional()?)
}

/// A deleted contact of a live customer, for restoring; only a caller who sees everything finds one.
pub fn find_deleted(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Contact>> {
    if !vis.sees_all() {
        return Ok(None);
    }
    Ok(contacts::table
        .filter(contacts::id.eq(Id(id)))
        .filter(contacts::deleted_at.is_not_null())
        .filter(contacts::customer_id.eq_any(crate::visible_customer_ids!(vis)))
        .select(Contact::as_select())
        .first(conn)
        .optional()?)
}

/// A customer's contacts, primary first, then by name (for the 360 view).
pub fn for_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    customer: Uuid,
    limit: i64,
) -> StoreResult<Vec<Contact>> {
    Ok(visible(vis)
        .filter(contacts::customer_id.eq(Id(customer)))
        .order((contacts::is_primary.desc(), contacts::name.asc(), contacts::id.asc()))
        .limit(limit)
        .select(Contact::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut DbConnection, row: &Contact) -> StoreResult<Contact> {
    diesel::insert_into(contacts::table).values(row).execute(conn)?;
    Ok(contacts::table.filter(contacts::id.eq(row.id)).select(Contact::as_select()).first(conn)?)
}

/// Inserts many contacts at once (imports); the caller checked each may be written.
pub fn insert_batch(conn: &mut DbConnection, rows: &[Contact]) -> StoreResult<()> {
    for chunk in rows.chunks(200) {
        crate::insert_many!(conn, contacts::table, chunk)?;
    }
    Ok(())
}

/// Applies `changes` to a contact `vis` sees if it still has `version`; bumps the version.
pub fn update(
    conn: &mut DbConnection,
    vis: &Visibility,
    id: Uuid,
    version: i64,
    changes: &ContactChanges,
) -> StoreResult<Contact> {
    let statement = contacts::table
        .filter(contacts::id.eq(Id(id)))
        .filter(contacts::version.eq(version))
        .filter(contacts::customer_id.eq_any(crate::visible_customer_ids!(vis)));
    let n = diesel::update(statement).set((changes, contacts::version.eq(contacts::version + 1))).execute(conn)?;
    let row = contacts::table
        .filter(contacts::id.eq(Id(id)))
        .filter(contacts::customer_id.eq_any(crate::visible_customer_ids!(vis)))
        .select(Contact::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if n != 1 {
        return Err(StoreError::Stale { current: row.version });
    }
    Ok(row)
}

/// Makes every other contact of the customer not primary (one primary per customer). That is a
/// change of those contacts, so their versions move on: a form open on one of them goes stale.
pub fn clear_primary(conn: &mut DbConnection, customer: Uuid, except: Uuid, now: NaiveDateTime) -> StoreResult<()> {
    diesel::update(
        contacts::table
            .filter(contacts::customer_id.eq(Id(customer)))
            .filter(contacts::id.ne(Id(except)))
            .filter(contacts::is_primary.eq(true)),
    )
    .set((contacts::is_primary.eq(false), contacts::updated_at.eq(now), contacts::version.eq(contacts::version + 1)))
    .execute(conn)?;
    Ok(())
}

/// How many live contacts a customer has.
pub fn count_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<i64> {
    Ok(visible(vis).filter(contacts::customer_id.eq(Id(customer))).count().get_result(conn)?)
}

/// Moves every live contact of customer `from` to customer `to` (a merge); the moved contacts
/// stop being primary when `to` has a primary contact already. Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    let to_has_primary: i64 = contacts::table
        .filter(contacts::customer_id.eq(Id(to)))
        .filter(contacts::deleted_at.is_null())
        .filter(contacts::is_primary.eq(true))
        .count()
        .get_result(conn)?;
    let moving = contacts::table.filter(contacts::customer_id.eq(Id(from))).filter(contacts::deleted_at.is_null());
    if to_has_primary > 0 {
        diesel::update(moving.filter(contacts::is_primary.eq(true)))
            .set(contacts::is_primary.eq(false))
            .execute(conn)?;
    }
    Ok(diesel::update(moving)
        .set((
            contacts::customer_id.eq(Id(to)),
            contacts::updated_at.eq(now),
            contacts::version.eq(contacts::version + 1),
        ))
        .execute(conn)?)
}
