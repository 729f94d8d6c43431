//! Settings: read by everyone signed in (forms need the custom fields), changed by administrators.

use kehu_core::audit::AuditAction;
use kehu_core::settings::{CustomFieldDef, Settings, UpdateSettings};
use kehu_store::db::write_transaction;
use kehu_store::{DbConnection, settings};
use uuid::Uuid;

use crate::auth::Principal;
use crate::concurrency::check_version;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{diff, record, snapshot};

pub const ENTITY: &str = "settings";

pub fn get(conn: &mut DbConnection) -> ApiResult<Settings> {
    Ok(settings::get_wire(conn)?)
}

/// The custom field definitions of `resource` (`customers`, `contacts`).
pub fn custom_fields(conn: &mut DbConnection, resource: &str) -> ApiResult<Vec<CustomFieldDef>> {
    let (doc, ..) = settings::get(conn)?;
    Ok(match resource {
        "customers" => doc.custom_fields.customers,
        "contacts" => doc.custom_fields.contacts,
        _ => Vec::new(),
    })
}

pub fn update(
    conn: &mut DbConnection,
    who: &Principal,
    if_match: Option<i64>,
    body: &UpdateSettings,
) -> ApiResult<Settings> {
    who.require_admin()?;
    write_transaction(conn, |conn| {
        let (mut doc, version, ..) = settings::get(conn)?;
        check_version(if_match, version)?;
        let errors = body.check();
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors.0));
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
        settings::put(conn, &doc, version, who.id())?;
        let after = settings::get_wire(conn)?;
        record(conn, who, ENTITY, Uuid::nil(), AuditAction::Update, diff(&snapshot(&before)?, &snapshot(&after)?))?;
        Ok(after)
    })
}
