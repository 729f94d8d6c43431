//! The product catalog. Everyone signed in reads it (reps quote from it); administrators and
//! managers change it; administrators restore deleted products. The cost is shown only to
//! administrators and managers.

use chrono::NaiveDateTime;
use kehu_core::EntityKind;
use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::money::to_fixed4;
use kehu_core::product::{CreateProduct, CurrentPrices, DEFAULT_UNIT, Product as WireProduct, UpdateProduct, sku_key};
use kehu_core::user::Role;
use kehu_core::{ErrorCode, FieldError};
use kehu_store::db::write_transaction;
use kehu_store::outbox;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::products::{self, CostView, Product, ProductChanges, ProductFilter, ProductSort, search_text};
use kehu_store::types::Id;
use kehu_store::{DbConnection, StoreError};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Product;

/// Whether the caller sees costs: margins are for those who set prices.
pub fn cost_view(ctx: &Context) -> CostView {
    match ctx.role() {
        Role::Admin | Role::Manager => CostView::Shown,
        Role::Sales | Role::Service => CostView::Hidden,
    }
}

/// 403 unless the caller may change the catalog. The scope check in the handler says the same
/// for every caller today; this keeps the rule where the rules live.
fn require_editor(ctx: &Context) -> AppResult<()> {
    match ctx.role() {
        Role::Admin | Role::Manager => Ok(()),
        Role::Sales | Role::Service => Err(AppError::forbidden("only administrators and managers change the catalog")),
    }
}

/// 409 with the SKU as the field at fault, whether the look-up before the write found the other
/// product or the unique index refused the write (a concurrent insert of the same SKU).
fn sku_taken() -> AppError {
    AppError {
        errors: vec![FieldError {
            pointer: "/sku".to_owned(),
            code: "taken".to_owned(),
            detail: "another product has this SKU".to_owned(),
        }],
        ..AppError::with_detail(ErrorCode::Conflict, "a product with this SKU exists")
    }
}

/// The only unique constraint a product write can break is the live SKU's.
fn sku_conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => sku_taken(),
        other => other.into(),
    }
}

/// A checked amount in its stored form. The checks already bounded it, so a failure here is ours.
fn stored(value: Decimal) -> AppResult<i64> {
    to_fixed4(value).map_err(AppError::internal)
}

fn load(conn: &mut DbConnection, id: Uuid) -> AppResult<Product> {
    products::find(conn, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The `product.<what>` event, carrying the product as administrators see it.
fn event(ctx: &Context, event_type: EventType, row: &Product) -> AppResult<outbox::OutboxEvent> {
    crate::outbox::event(ctx, event_type, row.id.0, &row.to_wire(CostView::Shown)?)
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireProduct> {
    Ok(load(conn, id)?.to_wire(cost_view(ctx))?)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &ProductFilter,
    sort: ProductSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<WireProduct>> {
    let view = cost_view(ctx);
    let paged = products::list(conn, filter, sort, dir, page, with_total)?;
    let rows = paged.rows.iter().map(|p| p.to_wire(view)).collect::<Result<Vec<_>, _>>()?;
    Ok(Paged { rows, next: paged.next, total: paged.total })
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateProduct) -> AppResult<WireProduct> {
    require_editor(ctx)?;
    let errors = body.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    write_transaction(conn, |conn| {
        let key = sku_key(&body.sku);
        if products::find_by_sku_key(conn, &key)?.is_some() {
            return Err(sku_taken());
        }
        let now = ctx.now();
        let row = new_row(ctx.id(), body, key, now)?;
        let row = products::insert(conn, &row).map_err(sku_conflict)?;
        let wire = row.to_wire(CostView::Shown)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        outbox::insert(conn, &[event(ctx, EventType::ProductCreated, &row)?])?;
        Ok(row.to_wire(cost_view(ctx))?)
    })
}

/// The row of a new product made by `author` from a checked body.
fn new_row(author: Uuid, body: &CreateProduct, key: String, now: NaiveDateTime) -> AppResult<Product> {
    let (sku, name) = (body.sku.trim().to_owned(), body.name.trim().to_owned());
    Ok(Product {
        id: Id(kehu_store::new_id()),
        search_text: search_text(&sku, &name),
        sku,
        sku_key: key,
        name,
        unit: body.unit.as_deref().map_or(DEFAULT_UNIT, str::trim).to_owned(),
        currency: body.currency.clone(),
        list_price_e4: stored(body.list_price)?,
        cost_e4: body.cost.map(stored).transpose()?,
        active: body.active,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(author)),
        updated_by: Some(Id(author)),
        deleted_at: None,
    })
}

fn changes_of(before: &Product, body: &UpdateProduct) -> AppResult<ProductChanges> {
    let sku = body.sku.as_ref().map(|s| s.trim().to_owned());
    let name = body.name.as_ref().map(|n| n.trim().to_owned());
    let search = search_text(sku.as_deref().unwrap_or(&before.sku), name.as_deref().unwrap_or(&before.name));
    Ok(ProductChanges {
        sku_key: sku.as_deref().map(sku_key),
        sku,
        name,
        // Clearing the unit puts the default back: every product has one.
        unit: body.unit.as_ref().map(|u| u.as_deref().map_or(DEFAULT_UNIT, str::trim).to_owned()),
        currency: body.currency.clone(),
        list_price_e4: body.list_price.map(stored).transpose()?,
        cost_e4: body.cost.map(|c| c.map(stored).transpose()).transpose()?,
        active: body.active,
        search_text: Some(search),
        ..ProductChanges::default()
    })
}

impl Record for Product {
    type Wire = WireProduct;
    type Changes = ProductChanges;
    const ENTITY: EntityKind = ENTITY;
    const UPDATED: Option<EventType> = Some(EventType::ProductUpdated);
    const DELETED: Option<EventType> = Some(EventType::ProductDeleted);
    /// To a receiver that dropped the product on `product.deleted`, a restored product is one to
    /// take in again.
    const RESTORED: Option<EventType> = Some(EventType::ProductUpdated);

    crate::bookkeeping!();

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        require_editor(ctx)?;
        load(conn, id)
    }

    fn load_deleted(conn: &mut DbConnection, _ctx: &Context, id: Uuid) -> AppResult<Option<Self>> {
        Ok(products::find_deleted(conn, id)?)
    }

    fn load_live(conn: &mut DbConnection, _ctx: &Context, id: Uuid) -> AppResult<Self> {
        load(conn, id)
    }

    fn wire(&self, _conn: &mut DbConnection, ctx: &Context) -> AppResult<WireProduct> {
        Ok(self.to_wire(cost_view(ctx))?)
    }

    /// Costs are audited and announced whoever changed the product.
    fn announced(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<Option<WireProduct>> {
        Ok(Some(self.to_wire(CostView::Shown)?))
    }

    /// A product restored while another has taken its SKU is refused (the unique index says so).
    fn save(&self, conn: &mut DbConnection, _ctx: &Context, changes: &ProductChanges) -> AppResult<Self> {
        products::update(conn, self.id.0, self.version, changes).map_err(sku_conflict)
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateProduct,
) -> AppResult<WireProduct> {
    write::update::<Product>(conn, ctx, id, if_match, |conn, before, _| {
        let errors = body.check(CurrentPrices { currency: &before.currency, has_cost: before.cost_e4.is_some() });
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        if let Some(key) = body.sku.as_deref().map(sku_key)
            && products::find_by_sku_key(conn, &key)?.is_some_and(|other| other.id != before.id)
        {
            return Err(sku_taken());
        }
        changes_of(before, body)
    })
}

/// Soft delete: the product leaves the catalog and its SKU is free again; an administrator can
/// restore it while no other product has taken the SKU.
pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Product>(conn, ctx, id, if_match)
}

/// Brings a deleted product back (administrators), announced as `product.updated`.
pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireProduct> {
    write::restore::<Product>(conn, ctx, id)
}
