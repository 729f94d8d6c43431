//! Products: rows and queries. The catalog is the same for everyone signed in, so these queries
//! take no [`crate::Visibility`]; what differs by role is whether the cost is shown, and that is
//! an argument of the one conversion into the wire type ([`CostView`]), so it cannot be forgotten.

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use kehu_core::money::{Currency, from_fixed4_at};
use kehu_core::product::Product as WireProduct;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::products;
use crate::types::Id;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: Id,
    pub sku: String,
    /// The lowercased SKU; unique among live products.
    pub sku_key: String,
    pub name: String,
    pub unit: String,
    pub currency: String,
    /// Money × 10⁴ ([`kehu_core::money::to_fixed4`]).
    pub list_price_e4: i64,
    pub cost_e4: Option<i64>,
    pub active: bool,
    pub search_text: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = products)]
pub struct ProductChanges {
    pub sku: Option<String>,
    pub sku_key: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub currency: Option<String>,
    pub list_price_e4: Option<i64>,
    pub cost_e4: Option<Option<i64>>,
    pub active: Option<bool>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Whether a product's cost may be shown to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostView {
    Shown,
    Hidden,
}

/// What `q` searches: the SKU and the name, lowercased.
pub fn search_text(sku: &str, name: &str) -> String {
    format!("{}\n{}", sku.to_lowercase(), name.to_lowercase())
}

impl Product {
    /// The wire form, prices at the currency's scale (`19.90` in CNY, `1500` in JPY).
    pub fn to_wire(&self, cost: CostView) -> StoreResult<WireProduct> {
        let exponent = Currency::parse(&self.currency)
            .map_err(|e| StoreError::Corrupt(format!("product currency: {e}")))?
            .exponent();
        Ok(WireProduct {
            object: "product".to_owned(),
            id: self.id.0,
            sku: self.sku.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            list_price: from_fixed4_at(self.list_price_e4, exponent),
            cost: match cost {
                CostView::Shown => self.cost_e4.map(|c| from_fixed4_at(c, exponent)),
                CostView::Hidden => None,
            },
            currency: self.currency.clone(),
            active: self.active,
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Substring of the SKU or the name, in any case.
    pub q: Option<String>,
    pub active: Option<bool>,
    /// Any of these currencies.
    pub currencies: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSort {
    Name,
    /// By the lowercased SKU.
    Sku,
    CreatedAt,
    UpdatedAt,
}

type Boxed = products::BoxedQuery<'static, MultiBackend>;

fn live() -> Boxed {
    products::table.filter(products::deleted_at.is_null()).into_boxed()
}

fn filtered(filter: &ProductFilter) -> Boxed {
    let mut query = live();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(products::search_text.like(contains_pattern(q)).escape('\\'));
    }
    if let Some(a) = filter.active {
        query = query.filter(products::active.eq(a));
    }
    if !filter.currencies.is_empty() {
        query = query.filter(products::currency.eq_any(filter.currencies.clone()));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProductFilter,
    sort: ProductSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Product>> {
    let query = filtered(filter).select(Product::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let text_after = || after.map(|a| (a.key.clone(), Id(a.id)));
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        ProductSort::Name => keyset!(query, products::name, products::id, dir, text_after()).load(conn)?,
        ProductSort::Sku => keyset!(query, products::sku_key, products::id, dir, text_after()).load(conn)?,
        ProductSort::CreatedAt => keyset!(query, products::created_at, products::id, dir, time_after()?).load(conn)?,
        ProductSort::UpdatedAt => keyset!(query, products::updated_at, products::id, dir, time_after()?).load(conn)?,
    };
    let mut paged = Paged::from_rows(rows, page.limit, |p: &Product| After {
        key: match sort {
            ProductSort::Name => p.name.clone(),
            ProductSort::Sku => p.sku_key.clone(),
            ProductSort::CreatedAt => time_key(&p.created_at),
            ProductSort::UpdatedAt => time_key(&p.updated_at),
        },
        id: p.id.0,
    });
    if with_total {
        paged.total = Some(filtered(filter).count().get_result(conn)?);
    }
    Ok(paged)
}

/// A live product.
pub fn find(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Product>> {
    Ok(live().filter(products::id.eq(Id(id))).select(Product::as_select()).first(conn).optional()?)
}

/// A deleted product, for restoring.
pub fn find_deleted(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Product>> {
    Ok(products::table
        .filter(products::id.eq(Id(id)))
        .filter(products::deleted_at.is_not_null())
        .select(Product::as_select())
        .first(conn)
        .optional()?)
}

/// The live product with this SKU key, if any.
pub fn find_by_sku_key(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Product>> {
    Ok(live().filter(products::sku_key.eq(key.to_owned())).select(Product::as_select()).first(conn).optional()?)
}

/// Inserts a product. A live product with the same SKU key is [`StoreError::Conflict`], also
/// when it was inserted by a concurrent transaction after the caller looked.
pub fn insert(conn: &mut DbConnection, row: &Product) -> StoreResult<Product> {
    diesel::insert_into(products::table).values(row).execute(conn)?;
    Ok(products::table.filter(products::id.eq(row.id)).select(Product::as_select()).first(conn)?)
}

/// Applies `changes` to a product (live or deleted) if it still has `version`; bumps the
/// version. A changed row is [`StoreError::Stale`], a missing one [`StoreError::NotFound`], a
/// SKU another live product has [`StoreError::Conflict`].
pub fn update(conn: &mut DbConnection, id: Uuid, version: i64, changes: &ProductChanges) -> StoreResult<Product> {
    let n = diesel::update(products::table.filter(products::id.eq(Id(id))).filter(products::version.eq(version)))
        .set((changes, products::version.eq(products::version + 1)))
        .execute(conn)?;
    let row = products::table.filter(products::id.eq(Id(id))).select(Product::as_select()).first(conn).optional()?;
    match row {
        Some(p) if n == 1 => Ok(p),
        Some(p) => Err(StoreError::Stale { current: p.version }),
        None => Err(StoreError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_holds_sku_and_name_lowercased() {
        assert_eq!(search_text("AB-1", "Bolt 螺丝 M8"), "ab-1\nbolt 螺丝 m8");
    }
}
