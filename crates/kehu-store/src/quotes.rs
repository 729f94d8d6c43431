//! Quotes and their lines: rows and queries, and the per-year counters behind document numbers.
//! A quote is visible exactly when its customer is, so every query takes the caller's
//! [`Visibility`].

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kehu_core::quote::QuoteStatus;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, parse_time_key, time_key};
use crate::schema::{counters, quote_lines, quotes};
use crate::types::Id;
use crate::visibility::Visibility;

/// The next value of counter `name` in `year`, moved inside the caller's transaction: the row is
/// made when missing, then incremented and read back. On PostgreSQL the update's row lock makes
/// concurrent creators wait for each other; SQLite has one writer. A rolled-back create rolls its
/// increment back too, so numbers stay consecutive.
pub fn next_value(conn: &mut DbConnection, name: &str, year: i32) -> StoreResult<i64> {
    let key = counters::table.filter(counters::name.eq(name)).filter(counters::year.eq(year));
    let exists: i64 = key.count().get_result(conn)?;
    if exists == 0 {
        // Two first creators of a year may both try the insert; the loser's unique violation is
        // rolled back to the savepoint and it goes on to the update, which waits for the winner.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(counters::table)
                .values((counters::name.eq(name), counters::year.eq(year), counters::value.eq(0_i64)))
                .execute(conn)
        });
        match inserted {
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    diesel::update(key).set(counters::value.eq(counters::value + 1_i64)).execute(conn)?;
    Ok(key.select(counters::value).first(conn)?)
}

/// A document number such as `Q-2026-000123`.
pub fn format_number(prefix: &str, year: i32, value: i64) -> String {
    format!("{prefix}-{year}-{value:06}")
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quotes)]
pub struct Quote {
    pub id: Id,
    pub number: String,
    pub revision: i32,
    pub customer_id: Id,
    pub lead_id: Option<Id>,
    pub contact_id: Option<Id>,
    pub status: String,
    pub currency: String,
    pub valid_until: Option<NaiveDate>,
    pub terms: Option<String>,
    pub subtotal_e4: i64,
    pub discount_total_e4: i64,
    pub tax_total_e4: i64,
    pub total_e4: i64,
    pub max_discount_e4: i64,
    pub purchase_id: Option<Id>,
    pub owner_id: Id,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = quotes)]
pub struct QuoteChanges {
    pub customer_id: Option<Id>,
    pub lead_id: Option<Option<Id>>,
    pub contact_id: Option<Option<Id>>,
    pub status: Option<String>,
    pub currency: Option<String>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub terms: Option<Option<String>>,
    pub subtotal_e4: Option<i64>,
    pub discount_total_e4: Option<i64>,
    pub tax_total_e4: Option<i64>,
    pub total_e4: Option<i64>,
    pub max_discount_e4: Option<i64>,
    pub purchase_id: Option<Option<Id>>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
}

/// A line as stored, for quotes and purchases alike (× 10⁴ fixed point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub id: Id,
    pub position: i32,
    pub product_id: Option<Id>,
    pub description: String,
    pub quantity_e4: i64,
    pub unit_price_e4: i64,
    pub discount_e4: i64,
    pub tax_rate_e4: i64,
    pub net_e4: i64,
    pub tax_e4: i64,
    pub total_e4: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quote_lines)]
pub struct QuoteLine {
    pub id: Id,
    pub quote_id: Id,
    pub position: i32,
    pub product_id: Option<Id>,
    pub description: String,
    pub quantity_e4: i64,
    pub unit_price_e4: i64,
    pub discount_e4: i64,
    pub tax_rate_e4: i64,
    pub net_e4: i64,
    pub tax_e4: i64,
    pub total_e4: i64,
}

impl QuoteLine {
    pub fn new(quote: Id, l: &LineRow) -> Self {
        QuoteLine {
            id: l.id,
            quote_id: quote,
            position: l.position,
            product_id: l.product_id,
            description: l.description.clone(),
            quantity_e4: l.quantity_e4,
            unit_price_e4: l.unit_price_e4,
            discount_e4: l.discount_e4,
            tax_rate_e4: l.tax_rate_e4,
            net_e4: l.net_e4,
            tax_e4: l.tax_e4,
            total_e4: l.total_e4,
        }
    }

    pub fn row(&self) -> LineRow {
        LineRow {
            id: self.id,
            position: self.position,
            product_id: self.product_id,
            description: self.description.clone(),
            quantity_e4: self.quantity_e4,
            unit_price_e4: self.unit_price_e4,
            discount_e4: self.discount_e4,
            tax_rate_e4: self.tax_rate_e4,
            net_e4: self.net_e4,
            tax_e4: self.tax_e4,
            total_e4: self.total_e4,
        }
    }
}

impl Quote {
    pub fn status(&self) -> StoreResult<QuoteStatus> {
        QuoteStatus::parse(&self.status).ok_or_else(|| StoreError::Corrupt(format!("quote status: {}", self.status)))
    }
}

#[derive(Debug, Clone, Default)]
pub struct QuoteFilter {
    /// Effective statuses: `expired` and the unfinished ones are told apart by `valid_until`.
    pub statuses: Vec<QuoteStatus>,
    pub customer_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub owners: Vec<Uuid>,
    /// A prefix of the number, in any case.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

type Boxed = quotes::BoxedQuery<'static, MultiBackend>;
type Cond = Box<dyn BoxableExpression<quotes::table, MultiBackend, SqlType = Bool>>;

fn visible_condition(vis: &Visibility) -> Cond {
    Box::new(quotes::deleted_at.is_null().and(quotes::customer_id.eq_any(crate::visible_customer_ids!(vis))))
}

/// The quotes whose status as shown on `today` is `status`.
fn status_condition(status: QuoteStatus, today: NaiveDate) -> Cond {
    let unfinished: Vec<&str> = QuoteStatus::ALL.iter().filter(|s| !s.is_final()).map(|s| s.as_str()).collect();
    match status {
        QuoteStatus::Expired => {
            Box::new(quotes::status.eq_any(unfinished).and(quotes::valid_until.assume_not_null().lt(today)))
        }
        s if s.is_final() => Box::new(quotes::status.eq(s.as_str())),
        s => Box::new(
            quotes::status
                .eq(s.as_str())
                .and(quotes::valid_until.is_null().or(quotes::valid_until.assume_not_null().ge(today))),
        ),
    }
}

fn condition(vis: &Visibility, filter: &QuoteFilter, today: NaiveDate) -> Cond {
    let mut cond = visible_condition(vis);
    if let Some((first, rest)) = filter.statuses.split_first() {
        let mut any = status_condition(*first, today);
        for s in rest {
            any = Box::new(any.or(status_condition(*s, today)));
        }
        cond = Box::new(cond.and(any));
    }
    if let Some(c) = filter.customer_id {
        cond = Box::new(cond.and(quotes::customer_id.eq(Id(c))));
    }
    if let Some(l) = filter.lead_id {
        cond = Box::new(cond.and(quotes::lead_id.assume_not_null().eq(Id(l))));
    }
    if !filter.owners.is_empty() {
        cond = Box::new(cond.and(quotes::owner_id.eq_any(filter.owners.iter().copied().map(Id).collect::<Vec<_>>())));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q.to_uppercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        cond = Box::new(cond.and(quotes::number.like(format!("{escaped}%")).escape('\\')));
    }
    cond
}

fn visible(vis: &Visibility) -> Boxed {
    quotes::table.filter(visible_condition(vis)).into_boxed()
}

pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &QuoteFilter,
    today: NaiveDate,
    (sort, dir): (QuoteSort, Dir),
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Quote>> {
    let query = quotes::table
        .filter(condition(vis, filter, today))
        .into_boxed()
        .select(Quote::as_select())
        .limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        QuoteSort::Number => {
            keyset!(query, quotes::number, quotes::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        QuoteSort::CreatedAt => keyset!(query, quotes::created_at, quotes::id, dir, time_after()?).load(conn)?,
        QuoteSort::UpdatedAt => keyset!(query, quotes::updated_at, quotes::id, dir, time_after()?).load(conn)?,
    };
    let mut paged = Paged::from_rows(rows, page.limit, |q: &Quote| After {
        key: match sort {
            QuoteSort::Number => q.number.clone(),
            QuoteSort::CreatedAt => time_key(&q.created_at),
            QuoteSort::UpdatedAt => time_key(&q.updated_at),
        },
        id: q.id.0,
    });
    if with_total {
        paged.total = Some(quotes::table.filter(condition(vis, filter, today)).count().get_result(conn)?);
    }
    Ok(paged)
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Quote>> {
    Ok(visible(vis).filter(quotes::id.eq(Id(id))).select(Quote::as_select()).first(conn).optional()?)
}

/// The lines of these quotes, each in order, in one query per 500.
pub fn lines(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Vec<LineRow>>> {
    let mut out: HashMap<Uuid, Vec<LineRow>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<QuoteLine> = quote_lines::table
            .filter(quote_lines::quote_id.eq_any(chunk.iter().copied().map(Id).collect::<Vec<_>>()))
            .order((quote_lines::quote_id.asc(), quote_lines::position.asc()))
            .select(QuoteLine::as_select())
            .load(conn)?;
        for row in rows {
            out.entry(row.quote_id.0).or_default().push(row.row());
        }
    }
    Ok(out)
}

pub fn insert(conn: &mut DbConnection, row: &Quote, lines: &[LineRow]) -> StoreResult<Quote> {
    diesel::insert_into(quotes::table).values(row).execute(conn)?;
    replace_lines(conn, row.id.0, lines)?;
    Ok(quotes::table.filter(quotes::id.eq(row.id)).select(Quote::as_select()).first(conn)?)
}

/// Puts `lines` in place of a quote's lines.
pub fn replace_lines(conn: &mut DbConnection, quote: Uuid, lines: &[LineRow]) -> StoreResult<()> {
    diesel::delete(quote_lines::table.filter(quote_lines::quote_id.eq(Id(quote)))).execute(conn)?;
    for line in lines {
        diesel::insert_into(quote_lines::table).values(QuoteLine::new(Id(quote), line)).execute(conn)?;
    }
    Ok(())
}

/// Applies `changes` if the quote still has `version` (and, with `status`, still has that stored
/// status); bumps the version. `Ok(None)` when either moved meanwhile: the caller re-reads.
pub fn update_if(
    conn: &mut DbConnection,
    id: Uuid,
    version: i64,
    status: Option<&str>,
    changes: &QuoteChanges,
) -> StoreResult<Option<Quote>> {
    // On PostgreSQL the update waits for a concurrent writer's commit and then re-checks its
    // conditions, so of two racing transitions one updates and the other finds nothing.
    let base = quotes::table.filter(quotes::id.eq(Id(id))).filter(quotes::version.eq(version));
    let bump = quotes::version.eq(quotes::version + 1);
    let n = match status {
        Some(s) => diesel::update(base.filter(quotes::status.eq(s.to_owned()))).set((changes, bump)).execute(conn)?,
        None => diesel::update(base).set((changes, bump)).execute(conn)?,
    };
    if n != 1 {
        return Ok(None);
    }
    Ok(Some(quotes::table.filter(quotes::id.eq(Id(id))).select(Quote::as_select()).first(conn)?))
}

/// The highest revision of a quote number.
pub fn latest_revision(conn: &mut DbConnection, number: &str) -> StoreResult<i32> {
    let latest: Option<i32> =
        quotes::table.filter(quotes::number.eq(number)).select(diesel::dsl::max(quotes::revision)).first(conn)?;
    Ok(latest.unwrap_or(0))
}

/// A quote by id whatever the caller sees, for re-reading after a lost race.
pub fn find_any(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Quote>> {
    Ok(quotes::table.filter(quotes::id.eq(Id(id))).select(Quote::as_select()).first(conn).optional()?)
}

/// How many live quotes of a customer the caller sees.
pub fn count_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<i64> {
    Ok(visible(vis).filter(quotes::customer_id.eq(Id(customer))).count().get_result(conn)?)
}

/// Moves every quote of customer `from` to customer `to` (a merge). Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(quotes::table.filter(quotes::customer_id.eq(Id(from))).filter(quotes::deleted_at.is_null()))
        .set((quotes::customer_id.eq(Id(to)), quotes::updated_at.eq(now), quotes::version.eq(quotes::version + 1)))
        .execute(conn)?)
}
