//! Customers: the rules of creating, changing, deleting and owning them. Every read goes through
//! the caller's [`Visibility`], so a customer the caller may not see is a 404 here too.

use chrono::NaiveDateTime;
use kehu_core::DuplicateCandidate;
use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::customer::{
    Amount, CreateCustomer, Customer as WireCustomer, CustomerKind, CustomerOverview, LifecycleStage,
    OVERVIEW_ACTIVITIES, OVERVIEW_COMPLAINTS, OVERVIEW_CONTACTS, RelatedCounts, UpdateCustomer, match_keys,
    normalize_tags,
};
use kehu_core::user::Role;
use kehu_core::validate::Errors;
use kehu_store::customers::{self, Customer, CustomerChanges, CustomerFilter, CustomerSort, search_text};
use kehu_store::db::write_transaction;
use kehu_store::outbox::{self, OutboxEvent};
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::types::Id;
use kehu_store::{DbConnection, StoreError, Visibility, users};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::{check_custom_fields, json_text, merge_custom_fields, patched, trimmed};
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Customer;

mod merge;
pub mod owned;
mod ownership;
pub use merge::merge;
pub use ownership::{assign, claim, reassign, release};

fn not_found() -> AppError {
    AppError::new(ErrorCode::NotFound)
}

pub(crate) fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Customer> {
    customers::find(conn, vis, id)?.ok_or_else(not_found)
}

/// A customer the caller sees and may change; 404 when it does not see it, 403 when it only reads it.
pub(crate) fn load_editable(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Customer> {
    let row = load(conn, vis, id)?;
    if !vis.may_edit(row.owner_id.map(Uuid::from)) {
        let detail =
            if row.owner_id.is_none() { "claim the customer first" } else { "you may only read this customer" };
        return Err(AppError::forbidden(detail));
    }
    Ok(row)
}

/// The `customer.<what>` event for `wire`; written in the change's transaction.
pub(crate) fn event(ctx: &Context, event_type: EventType, wire: &WireCustomer) -> AppResult<OutboxEvent> {
    crate::outbox::event(ctx, event_type, wire.id, wire)
}

/// 409 `possible_duplicate` listing the look-alikes.
fn possible_duplicates(found: Vec<(Customer, Vec<String>)>) -> AppError {
    let mut err = AppError::with_detail(
        ErrorCode::PossibleDuplicate,
        "a customer with the same name, phone, email or tax id exists; send \"allow_duplicate\": true to create it anyway",
    );
    let candidates =
        found.into_iter().map(|(c, matched_on)| DuplicateCandidate { id: c.id.0, name: c.name, matched_on }).collect();
    err.extra = Some(Box::new(crate::error::Extra::Duplicates(candidates)));
    err
}

/// A unique-constraint refusal on insert or update can only be the external id.
fn external_id_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => {
            let mut errors = Errors::default();
            errors.add("/external_id", "taken", "another customer has this external id");
            AppError::invalid(errors.0)
        }
        other => other.into(),
    }
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireCustomer> {
    let vis = ctx.visibility(conn)?;
    Ok(load(conn, &vis, id)?.to_wire()?)
}

/// The customer 360: the customer, its contacts, its latest activities, and the counts and sums
/// of what hangs off it. Every part goes through the caller's visibility.
pub fn overview(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<CustomerOverview> {
    let now = ctx.now();
    let vis = ctx.visibility(conn)?;
    let customer = load(conn, &vis, id)?.to_wire()?;
    // An API key sees the parts its scopes cover; the rest stays empty (and counts nothing).
    let scopes = ctx.scopes();
    let may = |kind: EntityKind| owned::of(kind).is_some_and(|o| scopes.contains(&o.read_scope));
    let mut counts = RelatedCounts::default();
    for resource in owned::OWNED.iter().filter(|o| may(o.kind)) {
        (resource.count)(conn, &vis, id, &mut counts)?;
    }
    let contacts = if may(EntityKind::Contact) {
        kehu_store::contacts::for_customer(conn, &vis, id, OVERVIEW_CONTACTS)?
            .iter()
            .map(|c| c.to_wire())
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let latest_activities = if may(EntityKind::Activity) {
        kehu_store::activities::latest_for_customer(conn, &vis, id, OVERVIEW_ACTIVITIES)?
            .iter()
            .map(|a| a.to_wire())
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let sums =
        if may(EntityKind::Purchase) { kehu_store::purchases::sums_for_customer(conn, &vis, id)? } else { Vec::new() };
    let open_complaints = if may(EntityKind::Complaint) {
        crate::complaints::open_for_customer(conn, &vis, id, OVERVIEW_COMPLAINTS, now)?
    } else {
        Vec::new()
    };
    // Revenue is what non-cancelled purchases came to less what came back; the balance is what is
    // still owed, listed only for currencies with something owed.
    let mut lifetime_revenue = Vec::new();
    let mut balance_due = Vec::new();
    let mut unpaid = 0;
    for sum in &sums {
        let exponent = kehu_core::money::Currency::parse(&sum.currency).map_err(AppError::internal)?.exponent();
        let amount = |e4: i64| kehu_core::money::from_fixed4_at(e4, exponent);
        lifetime_revenue.push(Amount { currency: sum.currency.clone(), amount: amount(sum.revenue_e4) });
        if sum.balance_e4 > 0 {
            balance_due.push(Amount { currency: sum.currency.clone(), amount: amount(sum.balance_e4) });
        }
        unpaid += sum.unpaid;
    }
    let open_items = counts.open_tasks + counts.open_leads + counts.open_complaints + unpaid;
    Ok(CustomerOverview {
        object: "customer_overview".to_owned(),
        customer,
        contacts,
        latest_activities,
        counts,
        lifetime_revenue,
        balance_due,
        open_items,
        open_complaints,
    })
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &CustomerFilter,
    sort: CustomerSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<Customer>> {
    let vis = ctx.visibility(conn)?;
    Ok(customers::list(conn, &vis, filter, sort, dir, page, with_total)?)
}

/// Whom a new customer belongs to: the caller unless the body says otherwise.
pub(crate) fn initial_owner(
    conn: &mut DbConnection,
    ctx: &Context,
    vis: &Visibility,
    errors: &mut Errors,
    asked: Option<Option<Uuid>>,
) -> AppResult<Option<Uuid>> {
    match asked {
        None => Ok(Some(ctx.id())),
        Some(None) => Ok(None),
        Some(Some(owner)) if owner == ctx.id() => Ok(Some(owner)),
        Some(Some(owner)) => {
            check_assignee(conn, vis, errors, "/owner_id", owner)?;
            Ok(Some(owner))
        }
    }
}

/// Whether `owner` may be given customers by this caller; adds a field error when not.
pub(crate) fn check_assignee(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    pointer: &str,
    owner: Uuid,
) -> AppResult<()> {
    match users::find_by_id(conn, owner)? {
        Some(u) if !u.can_sign_in() => errors.add(pointer, "inactive_user", "this user is deactivated"),
        Some(u) if u.role()? == Role::Service => {
            errors.add(pointer, "cannot_own", "service agents do not own customers")
        }
        Some(u) if vis.may_assign_to(owner, u.team_id.map(Uuid::from)) => {}
        // A user outside the caller's teams is as unknown as a missing one.
        _ => errors.add(pointer, "not_found", "no such user in your teams"),
    }
    Ok(())
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateCustomer) -> AppResult<WireCustomer> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check();
        check_custom_fields(conn, &mut errors, "customers", &body.custom_fields, true)?;
        let owner = initial_owner(conn, ctx, &vis, &mut errors, body.owner_id)?;
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let keys = match_keys(&body.name, body.phone.as_deref(), body.email.as_deref(), body.tax_id.as_deref());
        if !body.allow_duplicate {
            let found = customers::find_duplicates(conn, &vis, &keys, None)?;
            if !found.is_empty() {
                return Err(possible_duplicates(found));
            }
        }
        let now = ctx.now();
        let (row, tags) = new_row(ctx.id(), body, owner, now)?;
        let wire = customers::insert(conn, &row, &tags).map_err(external_id_taken)?.to_wire()?;
        customers::write_match_keys(conn, wire.id, &keys)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        outbox::insert(conn, &[event(ctx, EventType::CustomerCreated, &wire)?])?;
        Ok(wire)
    })
}

/// The row of a new customer made by `author` from a checked body, and its tags.
pub(crate) fn new_row(
    author: Uuid,
    body: &CreateCustomer,
    owner: Option<Uuid>,
    now: NaiveDateTime,
) -> AppResult<(Customer, Vec<String>)> {
    let tags = normalize_tags(&body.tags);
    let (email, tax_id, phone) =
        (trimmed(body.email.as_deref()), trimmed(body.tax_id.as_deref()), trimmed(body.phone.as_deref()));
    let name = body.name.trim().to_owned();
    let row = Customer {
        id: Id(kehu_store::new_id()),
        kind: body.kind.unwrap_or(CustomerKind::Company).as_str().to_owned(),
        search_text: search_text(&name, email.as_deref(), tax_id.as_deref(), phone.as_deref()),
        name,
        industry: trimmed(body.industry.as_deref()),
        level: body.level.map(|l| l.as_str().to_owned()),
        category: trimmed(body.category.as_deref()),
        lifecycle_stage: body.lifecycle_stage.unwrap_or(LifecycleStage::Prospect).as_str().to_owned(),
        source: body.source.map(|s| s.as_str().to_owned()),
        owner_id: owner.map(Id),
        owned_at: owner.map(|_| now),
        phone,
        email,
        website: trimmed(body.website.as_deref()),
        address: json_text(&body.address.clone().unwrap_or_default())?,
        tax_id,
        credit_rating: trimmed(body.credit_rating.as_deref()),
        tags: json_text(&tags)?,
        custom_fields: json_text(&body.custom_fields)?,
        external_id: trimmed(body.external_id.as_deref()),
        value_tier: None,
        last_activity_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(author)),
        updated_by: Some(Id(author)),
        deleted_at: None,
    };
    Ok((row, tags))
}

/// The changes that make `before` what a full row of an import says (absent cells clear fields).
pub(crate) fn replacement_of(before: &Customer, body: &CreateCustomer) -> AppResult<CustomerChanges> {
    let some = |v: &Option<String>| Some(trimmed(v.as_deref()));
    let patch = UpdateCustomer {
        kind: Some(body.kind.unwrap_or(CustomerKind::Company)),
        name: Some(body.name.clone()),
        industry: some(&body.industry),
        level: Some(body.level),
        category: some(&body.category),
        lifecycle_stage: body.lifecycle_stage,
        source: Some(body.source),
        phone: some(&body.phone),
        email: some(&body.email),
        website: some(&body.website),
        address: Some(body.address.clone()),
        tax_id: some(&body.tax_id),
        credit_rating: some(&body.credit_rating),
        tags: Some(body.tags.clone()),
        custom_fields: None,
        external_id: None,
    };
    let mut changes = changes_of(before, &patch)?;
    changes.custom_fields = Some(json_text(&body.custom_fields)?);
    Ok(changes)
}

fn changes_of(before: &Customer, body: &UpdateCustomer) -> AppResult<CustomerChanges> {
    let opt = patched;
    let mut changes = CustomerChanges {
        kind: body.kind.map(|k| k.as_str().to_owned()),
        name: body.name.as_ref().map(|n| n.trim().to_owned()),
        industry: opt(&body.industry),
        level: body.level.map(|l| l.map(|l| l.as_str().to_owned())),
        category: opt(&body.category),
        lifecycle_stage: body.lifecycle_stage.map(|s| s.as_str().to_owned()),
        source: body.source.map(|s| s.map(|s| s.as_str().to_owned())),
        phone: opt(&body.phone),
        email: opt(&body.email),
        website: opt(&body.website),
        address: body.address.as_ref().map(|a| json_text(&a.clone().unwrap_or_default())).transpose()?,
        tax_id: opt(&body.tax_id),
        credit_rating: opt(&body.credit_rating),
        tags: body.tags.as_ref().map(|t| json_text(&normalize_tags(t))).transpose()?,
        external_id: opt(&body.external_id),
        ..CustomerChanges::default()
    };
    if let Some(patch) = &body.custom_fields {
        changes.custom_fields = Some(json_text(&merge_custom_fields(before.custom_field_map()?, patch))?);
    }
    // The search text follows whichever of its parts changed.
    let name = changes.name.clone().unwrap_or_else(|| before.name.clone());
    let pick = |new: &Option<Option<String>>, old: &Option<String>| new.clone().unwrap_or_else(|| old.clone());
    let email = pick(&changes.email, &before.email);
    let tax_id = pick(&changes.tax_id, &before.tax_id);
    let phone = pick(&changes.phone, &before.phone);
    changes.search_text = Some(search_text(&name, email.as_deref(), tax_id.as_deref(), phone.as_deref()));
    Ok(changes)
}

impl Record for Customer {
    type Wire = WireCustomer;
    /// The row's changes, and its new tags when they change.
    type Changes = (CustomerChanges, Option<Vec<String>>);
    const ENTITY: EntityKind = ENTITY;
    const UPDATED: Option<EventType> = Some(EventType::CustomerUpdated);
    const DELETED: Option<EventType> = Some(EventType::CustomerDeleted);

    crate::bookkeeping!(@version);

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load_editable(conn, &vis, id)
    }

    fn load_deleted(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Option<Self>> {
        let vis = ctx.visibility(conn)?;
        Ok(customers::find_deleted(conn, &vis, id)?)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<WireCustomer> {
        Ok(self.to_wire()?)
    }

    fn stamp(
        changes: &mut Self::Changes,
        by: Option<Uuid>,
        at: NaiveDateTime,
        deleted_at: Option<Option<NaiveDateTime>>,
    ) {
        changes.0.updated_at = Some(at);
        changes.0.updated_by = Some(by.map(Id));
        changes.0.deleted_at = deleted_at;
    }

    fn save(&self, conn: &mut DbConnection, ctx: &Context, changes: &Self::Changes) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        customers::update(conn, &vis, self.id.0, self.version, &changes.0, changes.1.as_deref())
            .map_err(external_id_taken)
    }

    fn after_save(&self, conn: &mut DbConnection, _ctx: &Context, action: AuditAction) -> AppResult<()> {
        if action == AuditAction::Update {
            let keys = match_keys(&self.name, self.phone.as_deref(), self.email.as_deref(), self.tax_id.as_deref());
            customers::write_match_keys(conn, self.id.0, &keys)?;
        }
        Ok(())
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateCustomer,
) -> AppResult<WireCustomer> {
    write::update::<Customer>(conn, ctx, id, if_match, |conn, before, _| {
        let mut errors = body.check();
        if let Some(values) = &body.custom_fields {
            check_custom_fields(conn, &mut errors, "customers", values, false)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let tags = body.tags.as_ref().map(|t| normalize_tags(t));
        Ok((changes_of(before, body)?, tags))
    })
}

/// Soft delete: the customer leaves every list; an administrator can restore it.
pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Customer>(conn, ctx, id, if_match)
}

/// Brings a deleted customer back (administrators).
pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireCustomer> {
    write::restore::<Customer>(conn, ctx, id)
}
