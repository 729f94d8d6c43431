//! Settings: read by everyone signed in (forms need the custom fields), changed by administrators.

use kehu_core::EntityKind;
use kehu_core::audit::AuditAction;
use kehu_core::settings::{CustomFieldDef, Settings, UpdateSettings};
use kehu_store::db::write_transaction;
use kehu_store::{DbConnection, settings};
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::error::{AppError, AppResult};

pub const ENTITY: EntityKind = EntityKind::Settings;

pub fn get(conn: &mut DbConnection) -> AppResult<Settings> {
    Ok(settings::get_wire(conn)?)
}

/// The custom field definitions of `resource` (`customers`, `contacts`).
pub fn custom_fields(conn: &mut DbConnection, resource: &str) -> AppResult<Vec<CustomFieldDef>> {
    let (doc, ..) = settings::get(conn)?;
    Ok(match resource {
        "customers" => doc.custom_fields.customers,
        "contacts" => doc.custom_fields.contacts,
        _ => Vec::new(),
    })
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    if_match: Option<i64>,
    body: &UpdateSettings,
) -> AppResult<Settings> {
    ctx.require_admin()?;
    write_transaction(conn, |conn| {
        let (mut doc, version, ..) = settings::get(conn)?;
        check_version(if_match, version)?;
        let errors = body.check();
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let before = settings::get_wire(conn)?;
        if let Some(days) = body.pool_recycle_days {
            doc.pool_recycle_days = days;
        }
        if let Some(p) = body.stage_probabilities {
            doc.stage_probabilities = p;
        }
        if let Some(sla) = body.sla {
            doc.sla = sla;
        }
        if let Some(days) = body.complaint_reopen_days {
            doc.complaint_reopen_days = days;
        }
        if let Some(sets) = &body.custom_fields {
            doc.custom_fields = sets.clone();
        }
        settings::put(conn, &doc, version, ctx.id())?;
        let after = settings::get_wire(conn)?;
        record(conn, ctx, ENTITY, Uuid::nil(), AuditAction::Update, diff(&snapshot(&before)?, &snapshot(&after)?))?;
        Ok(after)
    })
}
