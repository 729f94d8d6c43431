//! Contacts. A contact is read by whoever sees its customer and changed by whoever may change
//! its customer.

use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::audit::AuditAction;
use kehu_core::contact::{Contact as WireContact, CreateContact, UpdateContact};
use kehu_core::validate::Errors;
use kehu_store::contacts::{self, Contact, ContactChanges, ContactFilter, ContactSort, search_text};
use kehu_store::customers;
use kehu_store::db::write_transaction;
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::{check_custom_fields, json_text, merge_custom_fields, patched, trimmed};
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Contact;

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Contact> {
    contacts::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The customer a body names: it must be one the caller sees (else the field is unknown) and may
/// change (else 403).
fn writable_customer(conn: &mut DbConnection, vis: &Visibility, errors: &mut Errors, id: Uuid) -> AppResult<bool> {
    match customers::find(conn, vis, id)? {
        None => {
            errors.add("/customer_id", "not_found", "no such customer");
            Ok(false)
        }
        Some(c) if !vis.may_edit(c.owner_id.map(Uuid::from)) => {
            Err(AppError::forbidden("you may not change this customer's contacts"))
        }
        Some(_) => Ok(true),
    }
}

/// 403 unless the caller may change the contact's customer.
fn require_editable(conn: &mut DbConnection, vis: &Visibility, contact: &Contact) -> AppResult<()> {
    let customer =
        customers::find(conn, vis, contact.customer_id.0)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if vis.may_edit(customer.owner_id.map(Uuid::from)) {
        Ok(())
    } else {
        Err(AppError::forbidden("you may only read this contact"))
    }
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireContact> {
    let vis = ctx.visibility(conn)?;
    Ok(load(conn, &vis, id)?.to_wire()?)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &ContactFilter,
    sort: ContactSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<Contact>> {
    let vis = ctx.visibility(conn)?;
    Ok(contacts::list(conn, &vis, filter, sort, dir, page, with_total)?)
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateContact) -> AppResult<WireContact> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check(ctx.today());
        check_custom_fields(conn, &mut errors, "contacts", &body.custom_fields, true)?;
        writable_customer(conn, &vis, &mut errors, body.customer_id)?;
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let now = ctx.now();
        let row = new_row(ctx.id(), body, now)?;
        let row = contacts::insert(conn, &row)?;
        if row.is_primary {
            contacts::clear_primary(conn, body.customer_id, row.id.0, now)?;
        }
        let wire = row.to_wire()?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        Ok(wire)
    })
}

/// The row of a new contact made by `author` from a checked body.
pub(crate) fn new_row(author: Uuid, body: &CreateContact, now: chrono::NaiveDateTime) -> AppResult<Contact> {
    let (email, phone, mobile) =
        (trimmed(body.email.as_deref()), trimmed(body.phone.as_deref()), trimmed(body.mobile.as_deref()));
    let name = body.name.trim().to_owned();
    Ok(Contact {
        id: Id(kehu_store::new_id()),
        customer_id: Id(body.customer_id),
        search_text: search_text(&name, email.as_deref(), phone.as_deref(), mobile.as_deref()),
        name,
        title: trimmed(body.title.as_deref()),
        department: trimmed(body.department.as_deref()),
        phone,
        mobile,
        email,
        birthday: body.birthday,
        preferred_channel: body.preferred_channel.map(|c| c.as_str().to_owned()),
        do_not_contact: json_text(&body.do_not_contact.unwrap_or_default())?,
        is_primary: body.is_primary,
        notes: trimmed(body.notes.as_deref()),
        custom_fields: json_text(&body.custom_fields)?,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(author)),
        updated_by: Some(Id(author)),
        deleted_at: None,
    })
}

fn changes_of(before: &Contact, body: &UpdateContact) -> AppResult<ContactChanges> {
    let mut changes = ContactChanges {
        customer_id: body.customer_id.map(Id),
        name: body.name.as_ref().map(|n| n.trim().to_owned()),
        title: patched(&body.title),
        department: patched(&body.department),
        phone: patched(&body.phone),
        mobile: patched(&body.mobile),
        email: patched(&body.email),
        birthday: body.birthday,
        preferred_channel: body.preferred_channel.map(|c| c.map(|c| c.as_str().to_owned())),
        do_not_contact: body.do_not_contact.as_ref().map(json_text).transpose()?,
        is_primary: body.is_primary,
        notes: patched(&body.notes),
        ..ContactChanges::default()
    };
    if let Some(patch) = &body.custom_fields {
        let current = serde_json::from_str(&before.custom_fields).map_err(AppError::internal)?;
        changes.custom_fields = Some(json_text(&merge_custom_fields(current, patch))?);
    }
    let pick = |new: &Option<Option<String>>, old: &Option<String>| new.clone().unwrap_or_else(|| old.clone());
    let name = changes.name.clone().unwrap_or_else(|| before.name.clone());
    let (email, phone, mobile) = (
        pick(&changes.email, &before.email),
        pick(&changes.phone, &before.phone),
        pick(&changes.mobile, &before.mobile),
    );
    changes.search_text = Some(search_text(&name, email.as_deref(), phone.as_deref(), mobile.as_deref()));
    Ok(changes)
}

impl Record for Contact {
    type Wire = WireContact;
    type Changes = ContactChanges;
    const ENTITY: EntityKind = ENTITY;

    crate::bookkeeping!();

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        let row = load(conn, &vis, id)?;
        require_editable(conn, &vis, &row)?;
        Ok(row)
    }

    fn load_deleted(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Option<Self>> {
        let vis = ctx.visibility(conn)?;
        Ok(contacts::find_deleted(conn, &vis, id)?)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<WireContact> {
        Ok(self.to_wire()?)
    }

    fn save(&self, conn: &mut DbConnection, ctx: &Context, changes: &ContactChanges) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        Ok(contacts::update(conn, &vis, self.id.0, self.version, changes)?)
    }

    /// A contact made primary makes its customer's previous primary contact ordinary.
    fn after_save(&self, conn: &mut DbConnection, ctx: &Context, action: AuditAction) -> AppResult<()> {
        if action == AuditAction::Update && self.is_primary {
            contacts::clear_primary(conn, self.customer_id.0, self.id.0, ctx.now())?;
        }
        Ok(())
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateContact,
) -> AppResult<WireContact> {
    write::update::<Contact>(conn, ctx, id, if_match, |conn, before, _| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check(ctx.today());
        if let Some(values) = &body.custom_fields {
            check_custom_fields(conn, &mut errors, "contacts", values, false)?;
        }
        if let Some(target) = body.customer_id.filter(|c| *c != before.customer_id.0) {
            writable_customer(conn, &vis, &mut errors, target)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        changes_of(before, body)
    })
}

pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Contact>(conn, ctx, id, if_match)
}

/// Brings a deleted contact back (administrators).
pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireContact> {
    write::restore::<Contact>(conn, ctx, id)
}
