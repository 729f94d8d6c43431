//! Customers: rows, visibility-filtered queries, and conversion into the wire type. Every public
//! query takes the caller's [`Visibility`].

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::customer::{
    Address, Customer as WireCustomer, CustomerKind, CustomerLevel, CustomerSource, LifecycleStage,
};
use kehu_core::validate::phone_digits;
use uuid::Uuid;

use crate::db::{Backend, DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::{customer_tags, customers};
use crate::types::Id;
use crate::visibility::Visibility;

mod bulk;
pub use bulk::*;

diesel::define_sql_function! {
    /// SQL `COALESCE` of two timestamps: a customer's last activity, or its creation when none.
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, y: diesel::sql_types::Timestamp) -> diesel::sql_types::Timestamp;
}

/// A `customers` row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: Id,
    pub kind: String,
    pub name: String,
    pub industry: Option<String>,
    pub level: Option<String>,
    pub category: Option<String>,
    pub lifecycle_stage: String,
    pub source: Option<String>,
    pub owner_id: Option<Id>,
    pub owned_at: Option<NaiveDateTime>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// JSON object of the address parts.
    pub address: String,
    pub tax_id: Option<String>,
    pub credit_rating: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    /// JSON object.
    pub custom_fields: String,
    pub external_id: Option<String>,
    pub value_tier: Option<String>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// An update of `customers`: `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerChanges {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub industry: Option<Option<String>>,
    pub level: Option<Option<String>>,
    pub category: Option<Option<String>>,
    pub lifecycle_stage: Option<String>,
    pub source: Option<Option<String>>,
    pub owner_id: Option<Option<Id>>,
    pub owned_at: Option<Option<NaiveDateTime>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub address: Option<String>,
    pub tax_id: Option<Option<String>>,
    pub credit_rating: Option<Option<String>>,
    pub tags: Option<String>,
    pub custom_fields: Option<String>,
    pub external_id: Option<Option<String>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// What `q` searches: the name, email and tax id lowercased, and the phone's digits.
pub fn search_text(name: &str, email: Option<&str>, tax_id: Option<&str>, phone: Option<&str>) -> String {
    [
        name.to_lowercase(),
        email.unwrap_or_default().to_lowercase(),
        tax_id.unwrap_or_default().to_lowercase(),
        phone.map(phone_digits).unwrap_or_default(),
    ]
    .join("\n")
}

/// The pattern for a search: a query that reads as a phone number searches by its digits, since
/// phones are stored as digits; anything else is a case-insensitive substring.
fn search_pattern(q: &str) -> String {
    let q = q.trim();
    if kehu_core::validate::is_phone(q) { contains_pattern(&phone_digits(q)) } else { contains_pattern(q) }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("customer {what} {value:?}"))
}

impl Customer {
    pub fn tag_list(&self) -> StoreResult<Vec<String>> {
        serde_json::from_str(&self.tags).map_err(|e| StoreError::Corrupt(format!("customer tags: {e}")))
    }

    pub fn custom_field_map(&self) -> StoreResult<serde_json::Map<String, serde_json::Value>> {
        serde_json::from_str(&self.custom_fields)
            .map_err(|e| StoreError::Corrupt(format!("customer custom fields: {e}")))
    }

    /// The wire view of the customer.
    pub fn to_wire(&self) -> StoreResult<WireCustomer> {
        Ok(WireCustomer {
            object: "customer".to_owned(),
            id: self.id.0,
            kind: CustomerKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            name: self.name.clone(),
            industry: self.industry.clone(),
            level: self
                .level
                .as_deref()
                .map(|l| CustomerLevel::parse(l).ok_or_else(|| corrupt("level", l)))
                .transpose()?,
            category: self.category.clone(),
            lifecycle_stage: LifecycleStage::parse(&self.lifecycle_stage)
                .ok_or_else(|| corrupt("lifecycle_stage", &self.lifecycle_stage))?,
            source: self
                .source
                .as_deref()
                .map(|s| CustomerSource::parse(s).ok_or_else(|| corrupt("source", s)))
                .transpose()?,
            owner_id: self.owner_id.map(Uuid::from),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            address: serde_json::from_str::<Address>(&self.address)
                .map_err(|e| StoreError::Corrupt(format!("customer address: {e}")))?,
            tax_id: self.tax_id.clone(),
            credit_rating: self.credit_rating.clone(),
            tags: self.tag_list()?,
            custom_fields: self.custom_field_map()?,
            external_id: self.external_id.clone(),
            value_tier: self.value_tier.clone(),
            last_activity_at: self.last_activity_at.map(|t| Utc.from_utc_datetime(&t)),
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

/// Owner filter of a list: any of these owners, the pool, or both.
#[derive(Debug, Clone, Default)]
pub struct OwnerFilter {
    pub owners: Vec<Uuid>,
    pub pool: bool,
}

/// What a customer list may be narrowed to; every `Vec` means "any of", empty means "no filter".
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Any of these customers (to name the customers of a page of other records in one call).
    pub ids: Vec<Uuid>,
    pub levels: Vec<CustomerLevel>,
    pub categories: Vec<String>,
    pub stages: Vec<LifecycleStage>,
    pub sources: Vec<CustomerSource>,
    pub kinds: Vec<CustomerKind>,
    pub owner: Option<OwnerFilter>,
    /// Customers carrying any of these tags.
    pub tags: Vec<String>,
    pub value_tiers: Vec<String>,
    pub created_gte: Option<NaiveDateTime>,
    pub created_lte: Option<NaiveDateTime>,
    pub updated_gte: Option<NaiveDateTime>,
    pub updated_lte: Option<NaiveDateTime>,
    /// Substring of the name, email or tax id (any case), or digits of the phone.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    Name,
    CreatedAt,
    UpdatedAt,
    /// The latest activity, or the creation of a customer never contacted.
    LastActivityAt,
}

type Boxed = customers::BoxedQuery<'static, MultiBackend>;

/// The live customers `vis` sees: the base of every query here.
pub(crate) fn visible(vis: &Visibility) -> Boxed {
    let mut query = customers::table.filter(customers::deleted_at.is_null()).into_boxed();
    if let Some(condition) = vis.customer_condition() {
        query = query.filter(condition);
    }
    query
}

/// The ids of the live customers a [`Visibility`] admits, as a subquery: records that follow their
/// customer's visibility (contacts, activities, and later leads, quotes, purchases, complaints)
/// filter on it. One fixed SQL shape for every scope, with the scope in bound parameters, because
/// diesel cannot nest a boxed (per-scope) query inside another on a multi-backend connection.
#[macro_export]
macro_rules! visible_customer_ids {
    ($vis:expr) => {{
        use diesel::IntoSql as _;
        let (all, me, teams) = $vis.customer_parts();
        let owner = $crate::schema::customers::owner_id.assume_not_null();
        let members = $crate::schema::users::table
            .filter($crate::schema::users::team_id.eq_any(teams))
            .select($crate::schema::users::id);
        $crate::schema::customers::table
            .filter($crate::schema::customers::deleted_at.is_null())
            .filter(
                all.into_sql::<diesel::sql_types::Bool>()
                    .or($crate::schema::customers::owner_id.is_null())
                    .or(owner.eq(me))
                    .or(owner.eq_any(members)),
            )
            .select($crate::schema::customers::id)
    }};
}

/// Sets a customer's `last_activity_at` to its latest done activity. Not a user's edit: the
/// version stays, so nobody's open form goes stale because a colleague logged a call.
pub fn refresh_last_activity(conn: &mut DbConnection, customer: Uuid) -> StoreResult<()> {
    use crate::schema::activities;
    let latest: Option<NaiveDateTime> = activities::table
        .filter(activities::customer_id.eq(Id(customer)))
        .filter(activities::deleted_at.is_null())
        .select(diesel::dsl::max(activities::done_at))
        .first(conn)?;
    diesel::update(customers::table.filter(customers::id.eq(Id(customer))))
        .set(customers::last_activity_at.eq(latest))
        .execute(conn)?;
    Ok(())
}

fn strings<T>(values: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    values.iter().map(|v| f(v).to_owned()).collect()
}

/// The `q` condition. PostgreSQL's trigram index serves `LIKE` on the column itself; SQLite
/// needs the FTS5 trigram table, which knows no `ESCAPE`, so a query with `%`, `_` or `\\` in it
/// scans instead.
fn search_condition(
    backend: Backend,
    q: &str,
) -> Box<dyn BoxableExpression<customers::table, MultiBackend, SqlType = diesel::sql_types::Bool>> {
    let pattern = search_pattern(q);
    let literal_wildcards = q.contains(['%', '_', '\\']);
    if backend == Backend::Sqlite && !literal_wildcards {
        Box::new(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "customers.id IN (SELECT customer_id FROM customer_search WHERE rowid IN \
                 (SELECT rowid FROM customers_fts WHERE search_text LIKE ",
            )
            .bind::<diesel::sql_types::Text, _>(pattern)
            .sql("))"),
        )
    } else {
        Box::new(customers::search_text.like(pattern).escape('\\'))
    }
}

fn filtered(vis: &Visibility, filter: &CustomerFilter, backend: Backend) -> Boxed {
    let mut query = visible(vis);
    if !filter.ids.is_empty() {
        query = query.filter(customers::id.eq_any(filter.ids.iter().copied().map(Id).collect::<Vec<_>>()));
    }
    if !filter.levels.is_empty() {
        query = query.filter(customers::level.eq_any(strings(&filter.levels, |l| l.as_str())));
    }
    if !filter.categories.is_empty() {
        query = query.filter(customers::category.eq_any(filter.categories.clone()));
    }
    if !filter.stages.is_empty() {
        query = query.filter(customers::lifecycle_stage.eq_any(strings(&filter.stages, |s| s.as_str())));
    }
    if !filter.sources.is_empty() {
        query = query.filter(customers::source.eq_any(strings(&filter.sources, |s| s.as_str())));
    }
    if !filter.kinds.is_empty() {
        query = query.filter(customers::kind.eq_any(strings(&filter.kinds, |k| k.as_str())));
    }
    if !filter.value_tiers.is_empty() {
        query = query.filter(customers::value_tier.eq_any(filter.value_tiers.clone()));
    }
    if let Some(owner) = &filter.owner {
        let ids: Vec<Id> = owner.owners.iter().copied().map(Id).collect();
        query = match (ids.is_empty(), owner.pool) {
            (false, true) => query.filter(customers::owner_id.eq_any(ids).or(customers::owner_id.is_null())),
            (false, false) => query.filter(customers::owner_id.eq_any(ids)),
            (true, _) => query.filter(customers::owner_id.is_null()),
        };
    }
    if !filter.tags.is_empty() {
        let tagged = customer_tags::table
            .filter(customer_tags::tag.eq_any(filter.tags.clone()))
            .select(customer_tags::customer_id);
        query = query.filter(customers::id.eq_any(tagged));
    }
    if let Some(t) = filter.created_gte {
        query = query.filter(customers::created_at.ge(t));
    }
    if let Some(t) = filter.created_lte {
        query = query.filter(customers::created_at.le(t));
    }
    if let Some(t) = filter.updated_gte {
        query = query.filter(customers::updated_at.ge(t));
    }
    if let Some(t) = filter.updated_lte {
        query = query.filter(customers::updated_at.le(t));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        query = query.filter(search_condition(backend, q));
    }
    query
}

/// A page of the customers `vis` sees, in the given order.
pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &CustomerFilter,
    sort: CustomerSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Customer>> {
    let backend = conn.backend();
    let query = filtered(vis, filter, backend).select(Customer::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        CustomerSort::Name => {
            keyset!(query, customers::name, customers::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        CustomerSort::CreatedAt => {
            keyset!(query, customers::created_at, customers::id, dir, time_after()?).load(conn)?
        }
        CustomerSort::UpdatedAt => {
            keyset!(query, customers::updated_at, customers::id, dir, time_after()?).load(conn)?
        }
        CustomerSort::LastActivityAt => {
            let touched = coalesce(customers::last_activity_at, customers::created_at);
            keyset!(query, touched, customers::id, dir, time_after()?).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |c: &Customer| After {
        key: match sort {
            CustomerSort::Name => c.name.clone(),
            CustomerSort::CreatedAt => time_key(&c.created_at),
            CustomerSort::UpdatedAt => time_key(&c.updated_at),
            CustomerSort::LastActivityAt => time_key(&c.last_activity_at.unwrap_or(c.created_at)),
        },
        id: c.id.0,
    });
    if with_total {
        paged.total = Some(filtered(vis, filter, backend).count().get_result(conn)?);
    }
    Ok(paged)
}

/// A live customer `vis` sees.
pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Customer>> {
    Ok(visible(vis).filter(customers::id.eq(Id(id))).select(Customer::as_select()).first(conn).optional()?)
}

/// A deleted customer, for restoring; only a caller who sees everything finds one.
pub fn find_deleted(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Customer>> {
    if !vis.sees_all() {
        return Ok(None);
    }
    Ok(customers::table
        .filter(customers::id.eq(Id(id)))
        .filter(customers::deleted_at.is_not_null())
        .select(Customer::as_select())
        .first(conn)
        .optional()?)
}

fn write_tags(conn: &mut DbConnection, id: Id, tags: &[String]) -> StoreResult<()> {
    diesel::delete(customer_tags::table.filter(customer_tags::customer_id.eq(id))).execute(conn)?;
    if !tags.is_empty() {
        let rows: Vec<_> =
            tags.iter().map(|t| (customer_tags::customer_id.eq(id), customer_tags::tag.eq(t.clone()))).collect();
        crate::insert_many!(conn, customer_tags::table, &rows)?;
    }
    Ok(())
}

/// Inserts a customer (and its tag rows). The caller decided the row may be written.
pub fn insert(conn: &mut DbConnection, row: &Customer, tags: &[String]) -> StoreResult<Customer> {
    diesel::insert_into(customers::table).values(row).execute(conn)?;
    write_tags(conn, row.id, tags)?;
    customers::table.filter(customers::id.eq(row.id)).select(Customer::as_select()).first(conn).map_err(Into::into)
}

/// Applies `changes` to a customer `vis` sees (live, or deleted when restoring) if it still has
/// `version`; bumps the version. `tags` replaces the tag rows when given.
pub fn update(
    conn: &mut DbConnection,
    vis: &Visibility,
    id: Uuid,
    version: i64,
    changes: &CustomerChanges,
    tags: Option<&[String]>,
) -> StoreResult<Customer> {
    let statement = customers::table
        .filter(customers::id.eq(Id(id)))
        .filter(customers::version.eq(version))
        .filter(vis.customer_condition_or_true());
    let mut reread = customers::table.filter(customers::id.eq(Id(id))).into_boxed::<MultiBackend>();
    if let Some(condition) = vis.customer_condition() {
        reread = reread.filter(condition);
    }
    let n = diesel::update(statement).set((changes, customers::version.eq(customers::version + 1))).execute(conn)?;
    let row = reread.select(Customer::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)?;
    if n != 1 {
        return Err(StoreError::Stale { current: row.version });
    }
    if let Some(tags) = tags {
        write_tags(conn, Id(id), tags)?;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_holds_what_q_finds() {
        let s = search_text("ACME Trading 华为", Some("Sales@Acme.com"), Some("91440300X"), Some("+86 138-0013-8000"));
        assert!(s.contains("acme trading 华为"));
        assert!(s.contains("sales@acme.com"));
        assert!(s.contains("8613800138000"));
        assert_eq!(search_pattern(" 138-0013 "), "%1380013%");
        assert_eq!(search_pattern("Acme"), "%acme%");
    }
}
