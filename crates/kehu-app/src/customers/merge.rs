//! Merging a duplicate customer into the one that stays.

use kehu_core::EventType;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_core::customer::{Customer as WireCustomer, MergeCustomers, match_keys, normalize_tags};
use kehu_core::validate::Errors;
use kehu_store::customers::{self, CustomerChanges, search_text};
use kehu_store::db::write_transaction;
use kehu_store::types::Id;
use kehu_store::{DbConnection, outbox};
use serde_json::Value;
use uuid::Uuid;

use super::owned::OWNED;
use super::{ENTITY, event, load, load_editable};
use crate::audit::{deleted_changed, diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::fields::json_text;

/// Folds a duplicate into the survivor: every record it owns (contacts, activities, leads, quotes,
/// purchases, complaints: the [`OWNED`] registry) moves over, empty fields of the survivor take the
/// duplicate's values, tags are joined, and the duplicate is deleted. One transaction, audited on
/// both.
pub fn merge(conn: &mut DbConnection, ctx: &Context, id: Uuid, body: &MergeCustomers) -> AppResult<WireCustomer> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let survivor = load_editable(conn, &vis, id)?;
        if body.duplicate_id == id {
            let mut errors = Errors::default();
            errors.add("/duplicate_id", "same_customer", "a customer cannot be merged into itself");
            return Err(AppError::invalid(errors.0));
        }
        let duplicate = load_editable(conn, &vis, body.duplicate_id)?;
        let now = ctx.now();
        // The audit entry says where the duplicate went and how many of each of its records came.
        let mut merged_from = serde_json::Map::new();
        merged_from.insert("customer_id".to_owned(), Value::String(duplicate.id.0.to_string()));
        for resource in &OWNED {
            let moved = (resource.move_all)(conn, duplicate.id.0, id, now)?;
            merged_from.insert(format!("{}_moved", resource.collection), Value::from(moved));
        }

        let fill = |mine: &Option<String>, theirs: &Option<String>| match (mine, theirs) {
            (None, Some(t)) => Some(Some(t.clone())),
            _ => None,
        };
        let mut tags = survivor.tag_list()?;
        tags.extend(duplicate.tag_list()?);
        let tags = normalize_tags(&tags);
        let mut custom = duplicate.custom_field_map()?;
        custom.extend(survivor.custom_field_map()?);
        let (phone, email, tax_id) = (
            survivor.phone.clone().or(duplicate.phone.clone()),
            survivor.email.clone().or(duplicate.email.clone()),
            survivor.tax_id.clone().or(duplicate.tax_id.clone()),
        );
        let changes = CustomerChanges {
            industry: fill(&survivor.industry, &duplicate.industry),
            category: fill(&survivor.category, &duplicate.category),
            phone: fill(&survivor.phone, &duplicate.phone),
            email: fill(&survivor.email, &duplicate.email),
            website: fill(&survivor.website, &duplicate.website),
            tax_id: fill(&survivor.tax_id, &duplicate.tax_id),
            credit_rating: fill(&survivor.credit_rating, &duplicate.credit_rating),
            external_id: None,
            tags: Some(json_text(&tags)?),
            custom_fields: Some(json_text(&custom)?),
            search_text: Some(search_text(&survivor.name, email.as_deref(), tax_id.as_deref(), phone.as_deref())),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..CustomerChanges::default()
        };
        let gone = CustomerChanges {
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            deleted_at: Some(Some(now)),
            ..CustomerChanges::default()
        };
        let deleted = customers::update(conn, &vis, duplicate.id.0, duplicate.version, &gone, None)?;
        customers::update(conn, &vis, id, survivor.version, &changes, Some(&tags))?;
        customers::refresh_last_activity(conn, id)?;
        let after = load(conn, &vis, id)?;
        customers::write_match_keys(
            conn,
            id,
            &match_keys(&after.name, phone.as_deref(), email.as_deref(), tax_id.as_deref()),
        )?;

        let (old, new) = (survivor.to_wire()?, after.to_wire()?);
        let mut changed = diff(&snapshot(&old)?, &snapshot(&new)?);
        changed.push(FieldChange {
            field: "merged_from".to_owned(),
            before: Value::Null,
            after: Value::Object(merged_from),
        });
        record(conn, ctx, ENTITY, id, AuditAction::Update, changed)?;
        let into =
            FieldChange { field: "merged_into".to_owned(), before: Value::Null, after: Value::String(id.to_string()) };
        record(conn, ctx, ENTITY, duplicate.id.0, AuditAction::Delete, vec![deleted_changed(true), into])?;
        outbox::insert(
            conn,
            &[
                event(ctx, EventType::CustomerUpdated, &new)?,
                event(ctx, EventType::CustomerDeleted, &deleted.to_wire()?)?,
            ],
        )?;
        Ok(new)
    })
}
