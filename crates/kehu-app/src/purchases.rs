//! Purchases: made by accepting a quote or entered directly; their states, payments and returns,
//! and what is still owed. A purchase is seen with its customer.

use chrono::{Datelike, NaiveDateTime, TimeZone, Utc};
use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::money::{self, Currency};
use kehu_core::purchase::{
    CreatePayment, CreatePurchase, CreateReturn, Payment, PaymentMethod, Purchase as WirePurchase, PurchaseAction,
    PurchaseReturn, PurchaseStatus, ReturnLine, balance_due, returned_value,
};
use kehu_store::db::write_transaction;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::purchases::{
    self, Parts, PaymentRow, Purchase, PurchaseChanges, PurchaseFilter, PurchaseSort, ReturnLineRow, ReturnRow,
};
use kehu_store::quotes::{self as store_quotes, LineRow, Quote};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, outbox};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::trimmed;
use crate::quotes::{compute, resolve_lines, wire_line, writable_customer};

pub const ENTITY: EntityKind = EntityKind::Purchase;

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Purchase> {
    purchases::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// A purchase the caller sees and may change: whoever may change its customer's records, and its
/// owner.
fn load_editable(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Purchase> {
    let row = load(conn, vis, id)?;
    if !vis.may_edit(Some(row.owner_id.0)) {
        return Err(AppError::forbidden("you may only read this purchase"));
    }
    Ok(row)
}

fn currency_of(code: &str) -> AppResult<Currency> {
    Currency::parse(code).map_err(AppError::internal)
}

fn fixed4(value: Decimal) -> AppResult<i64> {
    money::to_fixed4(value).map_err(AppError::internal)
}

/// The balance (× 10⁴, as stored) of a purchase with these stored sums: the core's
/// [`balance_due`], the one definition of what is owed.
fn balance_e4(status: PurchaseStatus, total: i64, returned: i64, paid: i64, refunded: i64) -> AppResult<i64> {
    let d = money::from_fixed4;
    fixed4(balance_due(status, d(total), d(returned), d(paid), d(refunded)))
}

fn to_wire(row: &Purchase, parts: &Parts, today: chrono::NaiveDate) -> AppResult<WirePurchase> {
    let e = currency_of(&row.currency)?.exponent();
    let amount = |v: i64| money::from_fixed4_at(v, e);
    let status = row.status()?;
    let balance = balance_due(
        status,
        amount(row.total_e4),
        amount(row.returned_e4),
        amount(row.paid_e4),
        amount(row.refunded_e4),
    );
    let balance = money::round_money(balance, e);
    let corrupt = |what: &str| AppError::internal(format!("purchase {what} is not readable"));
    let payments = parts
        .payments
        .iter()
        .map(|p| {
            Ok(Payment {
                id: p.id.0,
                amount: amount(p.amount_e4),
                paid_on: p.paid_on,
                method: PaymentMethod::parse(&p.method).ok_or_else(|| corrupt("payment method"))?,
                reference: p.reference.clone(),
                created_at: Utc.from_utc_datetime(&p.created_at),
                created_by: p.created_by.map(Uuid::from),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let returns = parts
        .returns
        .iter()
        .map(|(r, lines)| PurchaseReturn {
            id: r.id.0,
            lines: lines
                .iter()
                .map(|l| ReturnLine { line_id: l.line_id.0, quantity: money::from_fixed4(l.quantity_e4).normalize() })
                .collect(),
            returned_value: amount(r.returned_value_e4),
            refund_amount: amount(r.refund_e4),
            reason: r.reason.clone(),
            returned_on: r.returned_on,
            created_at: Utc.from_utc_datetime(&r.created_at),
            created_by: r.created_by.map(Uuid::from),
        })
        .collect();
    Ok(WirePurchase {
        object: "purchase".to_owned(),
        id: row.id.0,
        number: row.number.clone(),
        customer_id: row.customer_id.0,
        quote_id: row.quote_id.map(Uuid::from),
        status,
        order_date: row.order_date,
        due_date: row.due_date,
        currency: row.currency.clone(),
        lines: parts.lines.iter().map(|l| wire_line(&l.row(), e)).collect(),
        subtotal: amount(row.subtotal_e4),
        discount_total: amount(row.discount_total_e4),
        tax_total: amount(row.tax_total_e4),
        total: amount(row.total_e4),
        paid_total: amount(row.paid_e4),
        refunded_total: amount(row.refunded_e4),
        returned_total: amount(row.returned_e4),
        overdue: row.due_date.is_some_and(|d| d < today) && balance > Decimal::ZERO,
        balance_due: balance,
        payments,
        returns,
        owner_id: row.owner_id.0,
        version: row.version,
        created_at: Utc.from_utc_datetime(&row.created_at),
        updated_at: Utc.from_utc_datetime(&row.updated_at),
        created_by: row.created_by.map(Uuid::from),
        updated_by: row.updated_by.map(Uuid::from),
    })
}

fn wire_all(conn: &mut DbConnection, ctx: &Context, rows: &[Purchase]) -> AppResult<Vec<WirePurchase>> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id.0).collect();
    let mut parts = purchases::parts(conn, &ids)?;
    let today = ctx.today();
    rows.iter().map(|p| to_wire(p, &parts.remove(&p.id.0).unwrap_or_default(), today)).collect()
}

fn wire(conn: &mut DbConnection, ctx: &Context, row: &Purchase) -> AppResult<WirePurchase> {
    Ok(wire_all(conn, ctx, std::slice::from_ref(row))?.remove(0))
}

fn event(ctx: &Context, event_type: EventType, purchase: &WirePurchase) -> AppResult<kehu_store::outbox::OutboxEvent> {
    crate::outbox::event(ctx, event_type, purchase.id, purchase)
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WirePurchase> {
    let vis = ctx.visibility(conn)?;
    let row = load(conn, &vis, id)?;
    wire(conn, ctx, &row)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &PurchaseFilter,
    order: (PurchaseSort, Dir),
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<WirePurchase>> {
    let vis = ctx.visibility(conn)?;
    let paged = purchases::list(conn, &vis, filter, order, page, with_total)?;
    let wires = wire_all(conn, ctx, &paged.rows)?;
    Ok(Paged { rows: wires, next: paged.next, total: paged.total })
}

/// Writes a new purchase with its number, audit entry and `purchase.created` event.
#[allow(clippy::too_many_arguments)]
fn insert(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    customer: Uuid,
    quote: Option<Uuid>,
    (order_date, due_date): (chrono::NaiveDate, Option<chrono::NaiveDate>),
    currency: &str,
    totals: [i64; 4],
    lines: &[LineRow],
    owner: Uuid,
    now: NaiveDateTime,
) -> AppResult<WirePurchase> {
    let year = now.year();
    let number = store_quotes::format_number("P", year, store_quotes::next_value(conn, "purchase", year)?);
    let [subtotal_e4, discount_total_e4, tax_total_e4, total_e4] = totals;
    let row = Purchase {
        id: Id(id),
        number,
        customer_id: Id(customer),
        quote_id: quote.map(Id),
        status: PurchaseStatus::Pending.as_str().to_owned(),
        order_date,
        due_date,
        currency: currency.to_owned(),
        subtotal_e4,
        discount_total_e4,
        tax_total_e4,
        total_e4,
        paid_e4: 0,
        refunded_e4: 0,
        returned_e4: 0,
        balance_e4: total_e4,
        owner_id: Id(owner),
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(ctx.id())),
        updated_by: Some(Id(ctx.id())),
        deleted_at: None,
    };
    let row = purchases::insert(conn, &row, lines)?;
    let wire = wire(conn, ctx, &row)?;
    record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
    outbox::insert(conn, &[event(ctx, EventType::PurchaseCreated, &wire)?])?;
    Ok(wire)
}

/// The purchase of an accepted quote: its lines and totals as they are, owned by the quote's
/// owner, ordered today. Runs inside the accepting transaction.
pub fn create_from_quote(
    conn: &mut DbConnection,
    ctx: &Context,
    quote: &Quote,
    lines: &[LineRow],
    id: Uuid,
) -> AppResult<WirePurchase> {
    let now = ctx.now();
    let copies: Vec<LineRow> = lines.iter().map(|l| LineRow { id: Id(kehu_store::new_id()), ..l.clone() }).collect();
    insert(
        conn,
        ctx,
        id,
        quote.customer_id.0,
        Some(quote.id.0),
        (now.date(), None),
        &quote.currency,
        [quote.subtotal_e4, quote.discount_total_e4, quote.tax_total_e4, quote.total_e4],
        &copies,
        quote.owner_id.0,
        now,
    )
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreatePurchase) -> AppResult<WirePurchase> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let (mut errors, currency) = body.check();
        let customer_owner = writable_customer(conn, &vis, &mut errors, body.customer_id)?.flatten();
        let lines = match currency {
            Some(c) if errors.is_empty() => resolve_lines(conn, &mut errors, &body.lines, c)?,
            _ => Vec::new(),
        };
        let Some(currency) = currency.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors.0));
        };
        let computed = compute(&lines, currency)?;
        let now = ctx.now();
        insert(
            conn,
            ctx,
            kehu_store::new_id(),
            body.customer_id,
            None,
            (body.order_date.unwrap_or(now.date()), body.due_date),
            currency.code(),
            [computed.subtotal_e4, computed.discount_total_e4, computed.tax_total_e4, computed.total_e4],
            &computed.lines,
            customer_owner.unwrap_or(ctx.id()),
            now,
        )
    })
}

/// The actions a purchase allows now: its status's, without `cancel` once money was kept (a
/// paid order is fulfilled and returned, not cancelled).
fn allowed(row: &Purchase, status: PurchaseStatus) -> Vec<PurchaseAction> {
    let kept = row.paid_e4 - row.refunded_e4;
    status
        .allowed_actions()
        .iter()
        .copied()
        .filter(|a| *a != PurchaseAction::Cancel || kept == 0)
        .filter(|a| *a != PurchaseAction::Payments || row.balance_e4 > 0)
        .collect()
}

fn refuse(row: &Purchase, status: PurchaseStatus, detail: String) -> AppError {
    let names = allowed(row, status).iter().map(|a| a.as_str().to_owned()).collect();
    AppError::transition(status.as_str(), names, detail)
}

/// Writes `changes` if the purchase is still as read; otherwise 409 with where it is now.
fn apply(conn: &mut DbConnection, before: &Purchase, changes: &PurchaseChanges) -> AppResult<Purchase> {
    if let Some(after) = purchases::update_if(conn, before.id.0, before.version, &before.status, changes)? {
        return Ok(after);
    }
    let now_row = purchases::find_any(conn, before.id.0)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let status = now_row.status()?;
    Err(refuse(&now_row, status, format!("the purchase changed meanwhile and is now {}", status.as_str())))
}

/// `POST /purchases/{id}/confirm|fulfill|complete|cancel`.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    action: PurchaseAction,
) -> AppResult<WirePurchase> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_editable(conn, &vis, id)?;
        check_version(if_match, before.version)?;
        let status = before.status()?;
        let next = status.after(action).filter(|_| allowed(&before, status).contains(&action));
        let Some(next) = next else {
            let detail = format!("a {} purchase does not allow {}", status.as_str(), action.as_str());
            return Err(refuse(&before, status, detail));
        };
        let now = ctx.now();
        let changes = PurchaseChanges {
            status: Some(next.as_str().to_owned()),
            balance_e4: Some(balance_e4(
                next,
                before.total_e4,
                before.returned_e4,
                before.paid_e4,
                before.refunded_e4,
            )?),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..PurchaseChanges::default()
        };
        let before_wire = wire(conn, ctx, &before)?;
        let after = apply(conn, &before, &changes)?;
        let after_wire = wire(conn, ctx, &after)?;
        record(conn, ctx, ENTITY, id, AuditAction::Update, diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?))?;
        let event_type = match action {
            PurchaseAction::Confirm => EventType::PurchaseConfirmed,
            PurchaseAction::Fulfill => EventType::PurchaseFulfilled,
            PurchaseAction::Complete => EventType::PurchaseCompleted,
            PurchaseAction::Cancel | PurchaseAction::Payments | PurchaseAction::Returns => EventType::PurchaseCancelled,
        };
        outbox::insert(conn, &[event(ctx, event_type, &after_wire)?])?;
        Ok(after_wire)
    })
}

/// `POST /purchases/{id}/payments`: a payment of at most the balance due.
pub fn pay(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &CreatePayment,
) -> AppResult<WirePurchase> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_editable(conn, &vis, id)?;
        check_version(if_match, before.version)?;
        let before_wire = wire(conn, ctx, &before)?;
        let status = before.status()?;
        if !status.allowed_actions().contains(&PurchaseAction::Payments) {
            let detail = format!("a {} purchase takes no payments", status.as_str());
            return Err(refuse(&before, status, detail));
        }
        let currency = currency_of(&before.currency)?;
        let mut errors = body.check(currency.exponent());
        if errors.is_empty() && fixed4(body.amount)? > before.balance_e4 {
            let due = money::from_fixed4_at(before.balance_e4, currency.exponent());
            errors.add("/amount", "exceeds_balance", format!("at most the balance due, {due}"));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let now = ctx.now();
        let amount = fixed4(body.amount)?;
        purchases::insert_payment(
            conn,
            &PaymentRow {
                id: Id(kehu_store::new_id()),
                purchase_id: Id(id),
                amount_e4: amount,
                paid_on: body.paid_on.unwrap_or(now.date()),
                method: body.method.as_str().to_owned(),
                reference: trimmed(body.reference.as_deref()),
                created_at: now,
                created_by: Some(Id(ctx.id())),
            },
        )?;
        let paid = before.paid_e4 + amount;
        let changes = PurchaseChanges {
            paid_e4: Some(paid),
            balance_e4: Some(balance_e4(status, before.total_e4, before.returned_e4, paid, before.refunded_e4)?),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..PurchaseChanges::default()
        };
        let after = apply(conn, &before, &changes)?;
        let after_wire = wire(conn, ctx, &after)?;
        let mut changed = diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?);
        changed.retain(|c| c.field != "payments");
        record(conn, ctx, ENTITY, id, AuditAction::Update, changed)?;
        outbox::insert(conn, &[event(ctx, EventType::PurchasePaid, &after_wire)?])?;
        Ok(after_wire)
    })
}

/// `POST /purchases/{id}/returns`: goods back (each line at most what was bought and not yet
/// returned) and a refund of at most what was paid and not yet refunded.
pub fn return_goods(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &CreateReturn,
) -> AppResult<WirePurchase> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_editable(conn, &vis, id)?;
        check_version(if_match, before.version)?;
        let before_wire = wire(conn, ctx, &before)?;
        let status = before.status()?;
        if !status.allowed_actions().contains(&PurchaseAction::Returns) {
            let detail = format!("a {} purchase has no delivered goods to return", status.as_str());
            return Err(refuse(&before, status, detail));
        }
        let currency = currency_of(&before.currency)?;
        let e = currency.exponent();
        let mut errors = body.check(e);
        let parts = purchases::parts(conn, &[id])?.remove(&id).unwrap_or_default();
        let mut value = Decimal::ZERO;
        let mut rows = Vec::new();
        let return_id = Id(kehu_store::new_id());
        for (i, line) in body.lines.iter().enumerate() {
            let Some(bought) = parts.lines.iter().find(|l| l.id.0 == line.line_id) else {
                errors.add(&format!("/lines/{i}/line_id"), "not_found", "no such line of this purchase");
                continue;
            };
            let Ok(quantity) = money::to_fixed4(line.quantity) else { continue };
            if quantity > bought.quantity_e4 - bought.returned_e4 {
                let left = money::from_fixed4(bought.quantity_e4 - bought.returned_e4).normalize();
                errors.add(
                    &format!("/lines/{i}/quantity"),
                    "exceeds_purchased",
                    format!("at most what was bought and not yet returned, {left}"),
                );
                continue;
            }
            // The value of the units returned so far and after this return, so that returning a
            // line in parts adds up to its total.
            let (total, qty) = (money::from_fixed4(bought.total_e4), money::from_fixed4(bought.quantity_e4));
            let already = returned_value(total, qty, money::from_fixed4(bought.returned_e4), e);
            let after = returned_value(total, qty, money::from_fixed4(bought.returned_e4 + quantity), e);
            value += after - already;
            rows.push(ReturnLineRow {
                id: Id(kehu_store::new_id()),
                return_id,
                line_id: bought.id,
                quantity_e4: quantity,
            });
        }
        let refund = body.refund_amount.unwrap_or(Decimal::ZERO);
        if errors.is_empty() && fixed4(refund)? > before.paid_e4 - before.refunded_e4 {
            let kept = money::from_fixed4_at(before.paid_e4 - before.refunded_e4, e);
            errors.add("/refund_amount", "exceeds_paid", format!("at most what was paid and not refunded, {kept}"));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let now = ctx.now();
        let (value_e4, refund_e4) = (fixed4(value)?, fixed4(refund)?);
        let ret = ReturnRow {
            id: return_id,
            purchase_id: Id(id),
            returned_value_e4: value_e4,
            refund_e4,
            reason: trimmed(body.reason.as_deref()),
            returned_on: body.returned_on.unwrap_or(now.date()),
            created_at: now,
            created_by: Some(Id(ctx.id())),
        };
        purchases::insert_return(conn, &ret, &rows)?;
        let (returned, refunded) = (before.returned_e4 + value_e4, before.refunded_e4 + refund_e4);
        let changes = PurchaseChanges {
            returned_e4: Some(returned),
            refunded_e4: Some(refunded),
            balance_e4: Some(balance_e4(status, before.total_e4, returned, before.paid_e4, refunded)?),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..PurchaseChanges::default()
        };
        let after = apply(conn, &before, &changes)?;
        let after_wire = wire(conn, ctx, &after)?;
        let mut changed = diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?);
        changed.retain(|c| c.field != "returns");
        record(conn, ctx, ENTITY, id, AuditAction::Update, changed)?;
        outbox::insert(conn, &[event(ctx, EventType::PurchaseReturned, &after_wire)?])?;
        Ok(after_wire)
    })
}
