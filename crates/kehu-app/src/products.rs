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

use crate::audit::{deleted_changed, diff, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::error::{AppError, AppResult};

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

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateProduct,
) -> AppResult<WireProduct> {
    require_editor(ctx)?;
    write_transaction(conn, |conn| {
        let before = load(conn, id)?;
        check_version(if_match, before.version)?;
        let errors = body.check(CurrentPrices { currency: &before.currency, has_cost: before.cost_e4.is_some() });
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        if let Some(key) = body.sku.as_deref().map(sku_key)
            && products::find_by_sku_key(conn, &key)?.is_some_and(|other| other.id != before.id)
        {
            return Err(sku_taken());
        }
        let now = ctx.now();
        let mut changes = changes_of(&before, body)?;
        changes.updated_at = Some(now);
        changes.updated_by = Some(Some(Id(ctx.id())));
        let after = products::update(conn, id, before.version, &changes).map_err(sku_conflict)?;
        let (old, new) = (before.to_wire(CostView::Shown)?, after.to_wire(CostView::Shown)?);
        let changed = diff(&snapshot(&old)?, &snapshot(&new)?);
        if !changed.is_empty() {
            record(conn, ctx, ENTITY, id, AuditAction::Update, changed)?;
            outbox::insert(conn, &[event(ctx, EventType::ProductUpdated, &after)?])?;
        }
        Ok(after.to_wire(cost_view(ctx))?)
    })
}

/// Soft delete: the product leaves the catalog and its SKU is free again; an administrator can
/// restore it while no other product has taken the SKU.
pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    require_editor(ctx)?;
    write_transaction(conn, |conn| {
        let before = load(conn, id)?;
        check_version(if_match, before.version)?;
        let now = ctx.now();
        let changes = ProductChanges {
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            deleted_at: Some(Some(now)),
            ..ProductChanges::default()
        };
        let after = products::update(conn, id, before.version, &changes)?;
        record(conn, ctx, ENTITY, id, AuditAction::Delete, vec![deleted_changed(true)])?;
        outbox::insert(conn, &[event(ctx, EventType::ProductDeleted, &after)?])?;
        Ok(())
    })
}

/// Brings a deleted product back (administrators). Its event is `product.updated`: to a receiver
/// that dropped the product on `product.deleted`, it is a product to take in again.
pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireProduct> {
    ctx.require_admin()?;
    write_transaction(conn, |conn| {
        let Some(before) = products::find_deleted(conn, id)? else {
            // Restoring a live product changes nothing.
            return Ok(load(conn, id)?.to_wire(cost_view(ctx))?);
        };
        let now = ctx.now();
        let changes = ProductChanges {
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            deleted_at: Some(None),
            ..ProductChanges::default()
        };
        let after = products::update(conn, id, before.version, &changes).map_err(sku_conflict)?;
        record(conn, ctx, ENTITY, id, AuditAction::Restore, vec![deleted_changed(false)])?;
        outbox::insert(conn, &[event(ctx, EventType::ProductUpdated, &after)?])?;
        Ok(after.to_wire(cost_view(ctx))?)
    })
}
