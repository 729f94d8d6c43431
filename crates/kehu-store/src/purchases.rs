//! Purchases, their lines, payments and returns: rows and queries. A purchase is visible exactly
//! when its customer is.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use kehu_core::purchase::PurchaseStatus;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, parse_time_key, time_key};
use crate::quotes::LineRow;
use crate::schema::{purchase_lines, purchase_payments, purchase_return_lines, purchase_returns, purchases};
use crate::types::Id;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchases)]
pub struct Purchase {
    pub id: Id,
    pub number: String,
    pub customer_id: Id,
    pub quote_id: Option<Id>,
    pub status: String,
    pub order_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub subtotal_e4: i64,
    pub discount_total_e4: i64,
    pub tax_total_e4: i64,
    pub total_e4: i64,
    pub paid_e4: i64,
    pub refunded_e4: i64,
    pub returned_e4: i64,
    pub balance_e4: i64,
    pub owner_id: Id,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = purchases)]
pub struct PurchaseChanges {
    pub customer_id: Option<Id>,
    pub status: Option<String>,
    pub paid_e4: Option<i64>,
    pub refunded_e4: Option<i64>,
    pub returned_e4: Option<i64>,
    pub balance_e4: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_lines)]
pub struct PurchaseLine {
    pub id: Id,
    pub purchase_id: Id,
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
    pub returned_e4: i64,
}

impl PurchaseLine {
    pub fn new(purchase: Id, l: &LineRow) -> Self {
        PurchaseLine {
            id: l.id,
            purchase_id: purchase,
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
            returned_e4: 0,
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_payments)]
pub struct PaymentRow {
    pub id: Id,
    pub purchase_id: Id,
    pub amount_e4: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub reference: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<Id>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_returns)]
pub struct ReturnRow {
    pub id: Id,
    pub purchase_id: Id,
    pub returned_value_e4: i64,
    pub refund_e4: i64,
    pub reason: Option<String>,
    pub returned_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub created_by: Option<Id>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_return_lines)]
pub struct ReturnLineRow {
    pub id: Id,
    pub return_id: Id,
    pub line_id: Id,
    pub quantity_e4: i64,
}

/// Everything that hangs off a purchase.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub lines: Vec<PurchaseLine>,
    pub payments: Vec<PaymentRow>,
    pub returns: Vec<(ReturnRow, Vec<ReturnLineRow>)>,
}

impl Purchase {
    pub fn status(&self) -> StoreResult<PurchaseStatus> {
        PurchaseStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("purchase status: {}", self.status)))
    }
}

#[derive(Debug, Clone, Default)]
pub struct PurchaseFilter {
    pub statuses: Vec<PurchaseStatus>,
    pub customer_id: Option<Uuid>,
    pub quote_id: Option<Uuid>,
    pub owners: Vec<Uuid>,
    /// A prefix of the number, in any case.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

type Boxed = purchases::BoxedQuery<'static, MultiBackend>;
type Cond = Box<dyn BoxableExpression<purchases::table, MultiBackend, SqlType = Bool>>;

fn visible_condition(vis: &Visibility) -> Cond {
    Box::new(purchases::deleted_at.is_null().and(purchases::customer_id.eq_any(crate::visible_customer_ids!(vis))))
}

fn condition(vis: &Visibility, filter: &PurchaseFilter) -> Cond {
    let mut cond = visible_condition(vis);
    if !filter.statuses.is_empty() {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        cond = Box::new(cond.and(purchases::status.eq_any(statuses)));
    }
    if let Some(c) = filter.customer_id {
        cond = Box::new(cond.and(purchases::customer_id.eq(Id(c))));
    }
    if let Some(q) = filter.quote_id {
        cond = Box::new(cond.and(purchases::quote_id.assume_not_null().eq(Id(q))));
    }
    if !filter.owners.is_empty() {
        let owners: Vec<Id> = filter.owners.iter().copied().map(Id).collect();
        cond = Box::new(cond.and(purchases::owner_id.eq_any(owners)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q.to_uppercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        cond = Box::new(cond.and(purchases::number.like(format!("{escaped}%")).escape('\\')));
    }
    cond
}

fn visible(vis: &Visibility) -> Boxed {
    purchases::table.filter(visible_condition(vis)).into_boxed()
}

pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &PurchaseFilter,
    (sort, dir): (PurchaseSort, Dir),
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Purchase>> {
    let query = purchases::table
        .filter(condition(vis, filter))
        .into_boxed()
        .select(Purchase::as_select())
        .limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        PurchaseSort::Number => {
            keyset!(query, purchases::number, purchases::id, dir, after.map(|a| (a.key.clone(), Id(a.id))))
                .load(conn)?
        }
        PurchaseSort::CreatedAt => {
            keyset!(query, purchases::created_at, purchases::id, dir, time_after()?).load(conn)?
        }
        PurchaseSort::UpdatedAt => {
            keyset!(query, purchases::updated_at, purchases::id, dir, time_after()?).load(conn)?
        }
    };
    let mut paged = Paged::from_rows(rows, page.limit, |p: &Purchase| After {
        key: match sort {
            PurchaseSort::Number => p.number.clone(),
            PurchaseSort::CreatedAt => time_key(&p.created_at),
            PurchaseSort::UpdatedAt => time_key(&p.updated_at),
        },
        id: p.id.0,
    });
    if with_total {
        paged.total = Some(purchases::table.filter(condition(vis, filter)).count().get_result(conn)?);
    }
    Ok(paged)
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Purchase>> {
    Ok(visible(vis).filter(purchases::id.eq(Id(id))).select(Purchase::as_select()).first(conn).optional()?)
}

/// The lines, payments and returns of these purchases.
pub fn parts(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Parts>> {
    let mut out: HashMap<Uuid, Parts> = HashMap::new();
    for chunk in ids.chunks(500) {
        let keys: Vec<Id> = chunk.iter().copied().map(Id).collect();
        let lines: Vec<PurchaseLine> = purchase_lines::table
            .filter(purchase_lines::purchase_id.eq_any(keys.clone()))
            .order((purchase_lines::purchase_id.asc(), purchase_lines::position.asc()))
            .select(PurchaseLine::as_select())
            .load(conn)?;
        for l in lines {
            out.entry(l.purchase_id.0).or_default().lines.push(l);
        }
        let payments: Vec<PaymentRow> = purchase_payments::table
            .filter(purchase_payments::purchase_id.eq_any(keys.clone()))
            .order((purchase_payments::created_at.asc(), purchase_payments::id.asc()))
            .select(PaymentRow::as_select())
            .load(conn)?;
        for p in payments {
            out.entry(p.purchase_id.0).or_default().payments.push(p);
        }
        let returns: Vec<ReturnRow> = purchase_returns::table
            .filter(purchase_returns::purchase_id.eq_any(keys))
            .order((purchase_returns::created_at.asc(), purchase_returns::id.asc()))
            .select(ReturnRow::as_select())
            .load(conn)?;
        let return_ids: Vec<Id> = returns.iter().map(|r| r.id).collect();
        let mut return_lines: HashMap<Uuid, Vec<ReturnLineRow>> = HashMap::new();
        for rchunk in return_ids.chunks(500) {
            let rows: Vec<ReturnLineRow> = purchase_return_lines::table
                .filter(purchase_return_lines::return_id.eq_any(rchunk.to_vec()))
                .order(purchase_return_lines::id.asc())
                .select(ReturnLineRow::as_select())
                .load(conn)?;
            for r in rows {
                return_lines.entry(r.return_id.0).or_default().push(r);
            }
        }
        for r in returns {
            let lines = return_lines.remove(&r.id.0).unwrap_or_default();
            out.entry(r.purchase_id.0).or_default().returns.push((r, lines));
        }
    }
    Ok(out)
}

pub fn insert(conn: &mut DbConnection, row: &Purchase, lines: &[LineRow]) -> StoreResult<Purchase> {
    diesel::insert_into(purchases::table).values(row).execute(conn)?;
    for line in lines {
        diesel::insert_into(purchase_lines::table).values(PurchaseLine::new(row.id, line)).execute(conn)?;
    }
    Ok(purchases::table.filter(purchases::id.eq(row.id)).select(Purchase::as_select()).first(conn)?)
}

pub fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> StoreResult<()> {
    diesel::insert_into(purchase_payments::table).values(row).execute(conn)?;
    Ok(())
}

/// Records a return and adds its quantities to the lines' returned quantities.
pub fn insert_return(conn: &mut DbConnection, row: &ReturnRow, lines: &[ReturnLineRow]) -> StoreResult<()> {
    diesel::insert_into(purchase_returns::table).values(row).execute(conn)?;
    for l in lines {
        diesel::insert_into(purchase_return_lines::table).values(l).execute(conn)?;
        diesel::update(purchase_lines::table.filter(purchase_lines::id.eq(l.line_id)))
            .set(purchase_lines::returned_e4.eq(purchase_lines::returned_e4 + l.quantity_e4))
            .execute(conn)?;
    }
    Ok(())
}

/// Applies `changes` if the purchase still has `version` and the stored status `status`; bumps
/// the version. `Ok(None)` when it moved meanwhile.
pub fn update_if(
    conn: &mut DbConnection,
    id: Uuid,
    version: i64,
    status: &str,
    changes: &PurchaseChanges,
) -> StoreResult<Option<Purchase>> {
    let n = diesel::update(
        purchases::table
            .filter(purchases::id.eq(Id(id)))
            .filter(purchases::version.eq(version))
            .filter(purchases::status.eq(status.to_owned())),
    )
    .set((changes, purchases::version.eq(purchases::version + 1)))
    .execute(conn)?;
    if n != 1 {
        return Ok(None);
    }
    Ok(Some(purchases::table.filter(purchases::id.eq(Id(id))).select(Purchase::as_select()).first(conn)?))
}

pub fn find_any(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Purchase>> {
    Ok(purchases::table.filter(purchases::id.eq(Id(id))).select(Purchase::as_select()).first(conn).optional()?)
}

/// Per currency, for one customer's live purchases that are not cancelled: the count of those
/// with a balance, Σ (total − returned) and Σ balance, all × 10⁴.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencySums {
    pub currency: String,
    pub unpaid: i64,
    pub revenue_e4: i64,
    pub balance_e4: i64,
}

/// A row of [`sums_for_customer`]: currency, unpaid count, Σ revenue, Σ balance.
type SumRow = (String, Option<i64>, Option<i64>, Option<i64>);

pub fn sums_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<Vec<CurrencySums>> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; cast back so both backends return an exact integer.
    let rows: Vec<SumRow> = purchases::table
        .filter(visible_condition(vis))
        .filter(purchases::customer_id.eq(Id(customer)))
        .filter(purchases::status.ne(PurchaseStatus::Cancelled.as_str()))
        .group_by(purchases::currency)
        .select((
            purchases::currency,
            sql::<Nullable<BigInt>>("CAST(SUM(CASE WHEN balance_e4 > 0 THEN 1 ELSE 0 END) AS BIGINT)"),
            sql::<Nullable<BigInt>>("CAST(SUM(total_e4 - returned_e4) AS BIGINT)"),
            sql::<Nullable<BigInt>>("CAST(SUM(balance_e4) AS BIGINT)"),
        ))
        .order(purchases::currency.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(currency, unpaid, revenue, balance)| CurrencySums {
            currency,
            unpaid: unpaid.unwrap_or(0),
            revenue_e4: revenue.unwrap_or(0),
            balance_e4: balance.unwrap_or(0),
        })
        .collect())
}

pub fn count_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<i64> {
    Ok(visible(vis).filter(purchases::customer_id.eq(Id(customer))).count().get_result(conn)?)
}

/// Moves every purchase of customer `from` to customer `to` (a merge). Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(
        purchases::table.filter(purchases::customer_id.eq(Id(from))).filter(purchases::deleted_at.is_null()),
    )
    .set((
        purchases::customer_id.eq(Id(to)),
        purchases::updated_at.eq(now),
        purchases::version.eq(purchases::version + 1),
    ))
    .execute(conn)?)
}
