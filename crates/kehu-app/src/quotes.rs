//! Quotes: building them from lines, editing drafts, and the actions that move them from draft to
//! accepted (which makes the purchase and wins the lead) or elsewhere. Every read goes through the
//! caller's [`Visibility`]: a quote is seen with its customer.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::money::{self, Currency, LineInput};
use kehu_core::quote::{
    CreateQuote, Line, NewLine, Quote as WireQuote, QuoteAction, QuoteStatus, ResolvedLine, UpdateQuote,
};
use kehu_core::user::Role;
use kehu_core::validate::Errors;
use kehu_store::db::write_transaction;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::quotes::{self, LineRow, Quote, QuoteChanges, QuoteFilter, QuoteSort};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, customers as store_customers, outbox};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::trimmed;
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Quote;

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Quote> {
    quotes::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// A quote the caller sees and may change: its owner's, or one a manager or administrator sees.
fn load_editable(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Quote> {
    let row = load(conn, vis, id)?;
    if !vis.may_edit(Some(row.owner_id.0)) {
        return Err(AppError::forbidden("you may only read this quote"));
    }
    Ok(row)
}

fn currency_of(code: &str) -> AppResult<Currency> {
    Currency::parse(code).map_err(AppError::internal)
}

/// A stored line as the API shows it.
pub fn wire_line(l: &LineRow, exponent: u32) -> Line {
    Line {
        id: l.id.0,
        product_id: l.product_id.map(Uuid::from),
        description: l.description.clone(),
        quantity: money::from_fixed4(l.quantity_e4).normalize(),
        unit_price: money::from_fixed4_at(l.unit_price_e4, exponent),
        discount_percent: money::from_fixed4(l.discount_e4).normalize(),
        tax_rate_percent: money::from_fixed4(l.tax_rate_e4).normalize(),
        net_amount: money::from_fixed4_at(l.net_e4, exponent),
        tax_amount: money::from_fixed4_at(l.tax_e4, exponent),
        total_amount: money::from_fixed4_at(l.total_e4, exponent),
    }
}

fn to_wire(row: &Quote, lines: &[LineRow], today: NaiveDate) -> AppResult<WireQuote> {
    let e = currency_of(&row.currency)?.exponent();
    Ok(WireQuote {
        object: "quote".to_owned(),
        id: row.id.0,
        number: row.number.clone(),
        revision: row.revision,
        customer_id: row.customer_id.0,
        lead_id: row.lead_id.map(Uuid::from),
        contact_id: row.contact_id.map(Uuid::from),
        status: row.status()?.effective(row.valid_until, today),
        currency: row.currency.clone(),
        valid_until: row.valid_until,
        terms: row.terms.clone(),
        lines: lines.iter().map(|l| wire_line(l, e)).collect(),
        subtotal: money::from_fixed4_at(row.subtotal_e4, e),
        discount_total: money::from_fixed4_at(row.discount_total_e4, e),
        tax_total: money::from_fixed4_at(row.tax_total_e4, e),
        total: money::from_fixed4_at(row.total_e4, e),
        max_discount_percent: money::from_fixed4(row.max_discount_e4).normalize(),
        purchase_id: row.purchase_id.map(Uuid::from),
        owner_id: row.owner_id.0,
        version: row.version,
        created_at: chrono::TimeZone::from_utc_datetime(&chrono::Utc, &row.created_at),
        updated_at: chrono::TimeZone::from_utc_datetime(&chrono::Utc, &row.updated_at),
        created_by: row.created_by.map(Uuid::from),
        updated_by: row.updated_by.map(Uuid::from),
    })
}

fn wire_all(conn: &mut DbConnection, ctx: &Context, rows: &[Quote]) -> AppResult<Vec<WireQuote>> {
    let ids: Vec<Uuid> = rows.iter().map(|q| q.id.0).collect();
    let lines = quotes::lines(conn, &ids)?;
    let today = ctx.today();
    rows.iter().map(|q| to_wire(q, lines.get(&q.id.0).map_or(&[], Vec::as_slice), today)).collect()
}

fn wire(conn: &mut DbConnection, ctx: &Context, row: &Quote) -> AppResult<WireQuote> {
    Ok(wire_all(conn, ctx, std::slice::from_ref(row))?.remove(0))
}

fn event(ctx: &Context, event_type: EventType, quote: &WireQuote) -> AppResult<kehu_store::outbox::OutboxEvent> {
    crate::outbox::event(ctx, event_type, quote.id, quote)
}

/// Fills in each line's defaults from its product (which must exist and be active): the name as
/// description, and the list price when the product is priced in the document's currency.
/// Problems go to `errors` under `/lines/{i}/…`.
pub fn resolve_lines(
    conn: &mut DbConnection,
    errors: &mut Errors,
    lines: &[NewLine],
    currency: Currency,
) -> AppResult<Vec<ResolvedLine>> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let at = format!("/lines/{i}");
        let product = match line.product_id {
            Some(p) => match kehu_store::products::find(conn, p)? {
                Some(row) if row.active => Some(row),
                Some(_) => {
                    errors.add(&format!("{at}/product_id"), "inactive", "the product is no longer sold");
                    None
                }
                None => {
                    errors.add(&format!("{at}/product_id"), "not_found", "no such product");
                    None
                }
            },
            None => None,
        };
        let unit_price = match (line.unit_price, &product) {
            (Some(p), _) => Some(p),
            (None, Some(prod)) if prod.currency == currency.code() => {
                Some(money::from_fixed4_at(prod.list_price_e4, currency.exponent()))
            }
            (None, Some(_)) => {
                errors.add(&format!("{at}/unit_price"), "required", "the product is priced in another currency");
                None
            }
            (None, None) => {
                errors.add(&format!("{at}/unit_price"), "required", "a line without a product needs a price");
                None
            }
        };
        let description = line
            .description
            .as_deref()
            .map(|d| d.trim().to_owned())
            .or_else(|| product.as_ref().map(|p| p.name.clone()))
            .unwrap_or_default();
        if let Some(unit_price) = unit_price {
            out.push(ResolvedLine {
                product_id: line.product_id,
                description,
                input: LineInput {
                    quantity: line.quantity,
                    unit_price,
                    discount_percent: line.discount_percent.unwrap_or(Decimal::ZERO),
                    tax_rate_percent: line.tax_rate_percent.unwrap_or(Decimal::ZERO),
                },
            });
        }
    }
    Ok(out)
}

/// What the lines come to: the stored lines, the document totals (× 10⁴) and the largest
/// discount. A total too large to compute or store is a 422 on `/lines`.
pub struct Computed {
    pub lines: Vec<LineRow>,
    pub subtotal_e4: i64,
    pub discount_total_e4: i64,
    pub tax_total_e4: i64,
    pub total_e4: i64,
    pub max_discount_e4: i64,
}

pub fn compute(lines: &[ResolvedLine], currency: Currency) -> AppResult<Computed> {
    let inputs: Vec<LineInput> = lines.iter().map(|l| l.input).collect();
    let too_large = |e: money::MoneyError| {
        let mut errors = Errors::default();
        errors.add("/lines", e.code(), e.to_string());
        AppError::invalid(errors.0)
    };
    let (amounts, totals) = money::totals(&inputs, currency.exponent()).map_err(too_large)?;
    let stored = |v: Decimal| money::to_fixed4(v).map_err(too_large);
    let mut rows = Vec::with_capacity(lines.len());
    let mut max_discount = Decimal::ZERO;
    for (i, (line, amount)) in lines.iter().zip(amounts).enumerate() {
        max_discount = max_discount.max(line.input.discount_percent);
        rows.push(LineRow {
            id: Id(kehu_store::new_id()),
            position: i32::try_from(i).map_err(AppError::internal)?,
            product_id: line.product_id.map(Id),
            description: line.description.clone(),
            quantity_e4: stored(line.input.quantity)?,
            unit_price_e4: stored(line.input.unit_price)?,
            discount_e4: stored(line.input.discount_percent)?,
            tax_rate_e4: stored(line.input.tax_rate_percent)?,
            net_e4: stored(amount.net_amount)?,
            tax_e4: stored(amount.tax_amount)?,
            total_e4: stored(amount.total_amount)?,
        });
    }
    Ok(Computed {
        lines: rows,
        subtotal_e4: stored(totals.subtotal)?,
        discount_total_e4: stored(totals.discount_total)?,
        tax_total_e4: stored(totals.tax_total)?,
        total_e4: stored(totals.total)?,
        max_discount_e4: stored(max_discount)?,
    })
}

/// The customer a body names: one the caller sees (else `/customer_id` `not_found`) and may
/// change (else 403). Returns its owner.
pub fn writable_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    id: Uuid,
) -> AppResult<Option<Option<Uuid>>> {
    match store_customers::find(conn, vis, id)? {
        None => {
            errors.add("/customer_id", "not_found", "no such customer");
            Ok(None)
        }
        Some(c) if !vis.may_edit(c.owner_id.map(Uuid::from)) => {
            Err(AppError::forbidden("you may not change this customer's documents"))
        }
        Some(c) => Ok(Some(c.owner_id.map(Uuid::from))),
    }
}

/// The lead and contact must be the customer's (and visible).
fn check_links(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    customer: Uuid,
    lead: Option<Uuid>,
    contact: Option<Uuid>,
) -> AppResult<()> {
    if let Some(l) = lead {
        let found = kehu_store::leads::find(conn, vis, l)?;
        if found.and_then(|l| l.customer_id).map(Uuid::from) != Some(customer) {
            errors.add("/lead_id", "not_found", "no such lead of this customer");
        }
    }
    if let Some(c) = contact {
        let found = kehu_store::contacts::find(conn, vis, c)?;
        if found.map(|c| c.customer_id.0) != Some(customer) {
            errors.add("/contact_id", "not_found", "no such contact of this customer");
        }
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireQuote> {
    let vis = ctx.visibility(conn)?;
    let row = load(conn, &vis, id)?;
    wire(conn, ctx, &row)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &QuoteFilter,
    order: (QuoteSort, Dir),
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<WireQuote>> {
    let vis = ctx.visibility(conn)?;
    let paged = quotes::list(conn, &vis, filter, ctx.today(), order, page, with_total)?;
    let wires = wire_all(conn, ctx, &paged.rows)?;
    Ok(Paged { rows: wires, next: paged.next, total: paged.total })
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateQuote) -> AppResult<WireQuote> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let (mut errors, currency) = body.check();
        let customer_owner = writable_customer(conn, &vis, &mut errors, body.customer_id)?.flatten();
        check_links(conn, &vis, &mut errors, body.customer_id, body.lead_id, body.contact_id)?;
        let lines = match currency {
            Some(c) if errors.is_empty() => resolve_lines(conn, &mut errors, &body.lines, c)?,
            _ => Vec::new(),
        };
        let Some(currency) = currency.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors.0));
        };
        let computed = compute(&lines, currency)?;
        let now = ctx.now();
        let year = now.year();
        let number = quotes::format_number("Q", year, quotes::next_value(conn, "quote", year)?);
        let row = Quote {
            id: Id(kehu_store::new_id()),
            number,
            revision: 1,
            customer_id: Id(body.customer_id),
            lead_id: body.lead_id.map(Id),
            contact_id: body.contact_id.map(Id),
            status: QuoteStatus::Draft.as_str().to_owned(),
            currency: currency.code().to_owned(),
            valid_until: body.valid_until,
            terms: trimmed(body.terms.as_deref()),
            subtotal_e4: computed.subtotal_e4,
            discount_total_e4: computed.discount_total_e4,
            tax_total_e4: computed.tax_total_e4,
            total_e4: computed.total_e4,
            max_discount_e4: computed.max_discount_e4,
            purchase_id: None,
            // The customer's owner works its quotes (a pool customer's: whoever quotes it).
            owner_id: Id(customer_owner.unwrap_or(ctx.id())),
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(ctx.id())),
            updated_by: Some(Id(ctx.id())),
            deleted_at: None,
        };
        let row = quotes::insert(conn, &row, &computed.lines)?;
        let wire = wire(conn, ctx, &row)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        outbox::insert(conn, &[event(ctx, EventType::QuoteCreated, &wire)?])?;
        Ok(wire)
    })
}

/// The 409 for an action (or edit) the quote's status does not allow.
fn refuse(status: QuoteStatus, detail: String) -> AppError {
    let allowed = status.allowed_actions().iter().map(|a| a.as_str().to_owned()).collect();
    AppError::transition(status.as_str(), allowed, detail)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateQuote,
) -> AppResult<WireQuote> {
    write::update::<Quote>(conn, ctx, id, if_match, |conn, before, before_wire| {
        let vis = ctx.visibility(conn)?;
        if before_wire.status != QuoteStatus::Draft {
            return Err(refuse(
                before_wire.status,
                format!("a {} quote cannot be edited; only drafts are", before_wire.status.as_str()),
            ));
        }
        let (mut errors, currency) = body.check(&before.currency);
        let customer = before.customer_id.0;
        let lead = body.lead_id.unwrap_or(None);
        let contact = body.contact_id.unwrap_or(None);
        check_links(conn, &vis, &mut errors, customer, lead, contact)?;
        let lines = match (&body.lines, currency) {
            (Some(lines), Some(c)) if errors.is_empty() => Some(resolve_lines(conn, &mut errors, lines, c)?),
            _ => None,
        };
        let Some(currency) = currency.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors.0));
        };
        let mut changes = QuoteChanges {
            lead_id: body.lead_id.map(|l| l.map(Id)),
            contact_id: body.contact_id.map(|c| c.map(Id)),
            currency: Some(currency.code().to_owned()),
            valid_until: body.valid_until,
            terms: body.terms.as_ref().map(|t| trimmed(t.as_deref())),
            ..QuoteChanges::default()
        };
        if let Some(lines) = &lines {
            let computed = compute(lines, currency)?;
            changes.subtotal_e4 = Some(computed.subtotal_e4);
            changes.discount_total_e4 = Some(computed.discount_total_e4);
            changes.tax_total_e4 = Some(computed.tax_total_e4);
            changes.total_e4 = Some(computed.total_e4);
            changes.max_discount_e4 = Some(computed.max_discount_e4);
            quotes::replace_lines(conn, id, &computed.lines)?;
        }
        Ok(changes)
    })
}

impl Record for Quote {
    type Wire = WireQuote;
    type Changes = QuoteChanges;
    const ENTITY: EntityKind = ENTITY;
    const UPDATED: Option<EventType> = Some(EventType::QuoteUpdated);

    crate::bookkeeping!(kept);

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load_editable(conn, &vis, id)
    }

    /// Quotes are cancelled, never deleted, so none is restored.
    fn load_deleted(_conn: &mut DbConnection, _ctx: &Context, _id: Uuid) -> AppResult<Option<Self>> {
        Ok(None)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, conn: &mut DbConnection, ctx: &Context) -> AppResult<WireQuote> {
        wire(conn, ctx, self)
    }

    /// Written only while the quote has the status it was read with.
    fn save(&self, conn: &mut DbConnection, _ctx: &Context, changes: &QuoteChanges) -> AppResult<Self> {
        quotes::update_if(conn, self.id.0, self.version, Some(&self.status), changes)?
            .ok_or_else(|| AppError::internal("a quote changed within its own transaction"))
    }
}

/// What an action did: the quote as it is now, or for `revise` the new draft.
pub struct Acted {
    pub quote: WireQuote,
    /// `revise` made a new quote (201).
    pub created: bool,
}

/// Whether the owner's discount limit is below the largest line discount.
fn needs_approval(conn: &mut DbConnection, row: &Quote) -> AppResult<bool> {
    let owner = kehu_store::users::find_by_id(conn, row.owner_id.0)?
        .ok_or_else(|| AppError::internal("a quote's owner is missing"))?;
    Ok(row.max_discount_e4 > owner.max_discount_e4)
}

/// 403 unless the caller is an administrator or a manager whose teams hold the quote's owner.
fn require_owners_manager(conn: &mut DbConnection, ctx: &Context, vis: &Visibility, row: &Quote) -> AppResult<()> {
    let owner = kehu_store::users::find_by_id(conn, row.owner_id.0)?
        .ok_or_else(|| AppError::internal("a quote's owner is missing"))?;
    let manages = match ctx.role() {
        Role::Admin => true,
        Role::Manager => vis.may_assign_to(owner.id.0, owner.team_id.map(Uuid::from)),
        Role::Sales | Role::Service => false,
    };
    if manages {
        Ok(())
    } else {
        Err(AppError::forbidden("only a manager of the quote's owner may decide on its approval"))
    }
}

/// `POST /quotes/{id}/{action}`. The status moves with a conditional update (on the version and
/// the stored status), so of two racing actions one wins and the other gets 409.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    action: QuoteAction,
) -> AppResult<Acted> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load(conn, &vis, id)?;
        check_version(if_match, before.version)?;
        let today = ctx.today();
        let current = before.status()?.effective(before.valid_until, today);
        if matches!(action, QuoteAction::Approve | QuoteAction::RejectApproval) {
            require_owners_manager(conn, ctx, &vis, &before)?;
        } else if !vis.may_edit(Some(before.owner_id.0)) {
            return Err(AppError::forbidden("you may only read this quote"));
        }
        let approval = action == QuoteAction::Submit && needs_approval(conn, &before)?;
        let Some(next) = current.after(action, approval) else {
            let detail = format!("a {} quote does not allow {}", current.as_str(), action.as_str());
            return Err(refuse(current, detail));
        };
        let now = ctx.now();
        let before_wire = wire(conn, ctx, &before)?;
        if action == QuoteAction::Revise {
            return revise(conn, ctx, &before, now).map(|quote| Acted { quote, created: true });
        }
        let mut changes = QuoteChanges {
            status: Some(next.as_str().to_owned()),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..QuoteChanges::default()
        };
        let lines = quotes::lines(conn, &[id])?.remove(&id).unwrap_or_default();

        // The purchase's id is settled first so that the quote's conditional update, which decides
        // a race of two accepts, comes before the purchase is made.
        let purchase_id = (action == QuoteAction::Accept).then(kehu_store::new_id);
        changes.purchase_id = purchase_id.map(|p| Some(Id(p)));
        let Some(after) = quotes::update_if(conn, id, before.version, Some(&before.status), &changes)? else {
            // Someone else moved it first (a racing accept, say): report where it is now.
            let now_row = quotes::find_any(conn, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
            let status = now_row.status()?.effective(now_row.valid_until, today);
            let detail = format!("the quote changed meanwhile and is now {}", status.as_str());
            return Err(refuse(status, detail));
        };
        if let Some(purchase_id) = purchase_id {
            crate::purchases::create_from_quote(conn, ctx, &after, &lines, purchase_id)?;
        }
        let after_wire = wire(conn, ctx, &after)?;
        record(conn, ctx, ENTITY, id, AuditAction::Update, diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?))?;
        let event_type = match action {
            QuoteAction::Submit => EventType::QuoteSubmitted,
            QuoteAction::Approve => EventType::QuoteApproved,
            QuoteAction::RejectApproval => EventType::QuoteApprovalRejected,
            QuoteAction::Send => EventType::QuoteSent,
            QuoteAction::Accept => EventType::QuoteAccepted,
            QuoteAction::Reject => EventType::QuoteRejected,
            QuoteAction::Cancel | QuoteAction::Revise => EventType::QuoteCancelled,
        };
        let mut events = vec![event(ctx, event_type, &after_wire)?];
        if action == QuoteAction::Submit && next == QuoteStatus::Approved {
            // Submitted within the limit: approved at once, and said so.
            events.push(event(ctx, EventType::QuoteApproved, &after_wire)?);
        }
        outbox::insert(conn, &events)?;
        if let (Some(_), Some(lead)) = (purchase_id, after.lead_id) {
            crate::leads::win_by_quote(conn, ctx, lead.0)?;
        }
        Ok(Acted { quote: after_wire, created: false })
    })
}

/// A new draft with the same number, `revision + 1`, the same customer, links, terms and lines.
/// A `valid_until` already past is dropped, so the draft is not born expired.
fn revise(conn: &mut DbConnection, ctx: &Context, old: &Quote, now: NaiveDateTime) -> AppResult<WireQuote> {
    let lines = quotes::lines(conn, &[old.id.0])?.remove(&old.id.0).unwrap_or_default();
    let latest = quotes::latest_revision(conn, &old.number)?;
    let row = Quote {
        id: Id(kehu_store::new_id()),
        revision: latest + 1,
        status: QuoteStatus::Draft.as_str().to_owned(),
        valid_until: old.valid_until.filter(|d| *d >= now.date()),
        purchase_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(ctx.id())),
        updated_by: Some(Id(ctx.id())),
        deleted_at: None,
        ..old.clone()
    };
    let copies: Vec<LineRow> = lines.iter().map(|l| LineRow { id: Id(kehu_store::new_id()), ..l.clone() }).collect();
    let row = quotes::insert(conn, &row, &copies)?;
    let wire = wire(conn, ctx, &row)?;
    record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
    outbox::insert(conn, &[event(ctx, EventType::QuoteRevised, &wire)?])?;
    Ok(wire)
}
