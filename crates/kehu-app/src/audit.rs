//! Writing the audit log: the field-by-field difference of a record's wire form before and after.

use kehu_core::api_key::Scope;
use kehu_core::audit::{AuditAction, FieldChange};
use kehu_core::{EntityKind, ErrorCode};
use kehu_store::DbConnection;
use kehu_store::audit::{self, AuditRow};
use kehu_store::types::Id;
use serde_json::Value;
use uuid::Uuid;

use crate::context::Context;
use crate::customers::owned::{self, Visible};
use crate::error::{AppError, AppResult};

/// Bookkeeping fields that change with every write and say nothing on their own.
const IGNORED: [&str; 7] = ["object", "id", "version", "created_at", "updated_at", "created_by", "updated_by"];

/// The changed top-level fields between two wire objects (`Null` stands for "no record").
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut fields: Vec<&String> = b.keys().chain(a.keys()).filter(|k| !IGNORED.contains(&k.as_str())).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|f| {
            let (old, new) = (b.get(f).cloned().unwrap_or(Value::Null), a.get(f).cloned().unwrap_or(Value::Null));
            (old != new).then(|| FieldChange { field: f.clone(), before: old, after: new })
        })
        .collect()
}

/// Who made a change: a user (through a session or a key), or nobody for the server's own jobs.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user: Option<Uuid>,
    pub api_key: Option<Uuid>,
    pub request_id: Option<String>,
}

/// Writes one audit row of the context's actor at its `now`; call inside the transaction of the
/// change.
pub fn record(
    conn: &mut DbConnection,
    ctx: &Context,
    entity: EntityKind,
    entity_id: Uuid,
    action: AuditAction,
    changes: Vec<FieldChange>,
) -> AppResult<()> {
    audit::insert(conn, &audit_row(ctx, entity, entity_id, action, changes)?)?;
    Ok(())
}

/// The audit row of a change, to write later in bulk (in the change's transaction all the same).
pub fn audit_row(
    ctx: &Context,
    entity: EntityKind,
    entity_id: Uuid,
    action: AuditAction,
    changes: Vec<FieldChange>,
) -> AppResult<AuditRow> {
    let actor = ctx.audit_actor();
    let changes = serde_json::to_string(&changes).map_err(AppError::internal)?;
    Ok(AuditRow {
        id: Id(kehu_store::new_id()),
        entity: entity.as_str().to_owned(),
        entity_id: Id(entity_id),
        action: action.as_str().to_owned(),
        actor_id: actor.user.map(Id),
        api_key_id: actor.api_key.map(Id),
        request_id: actor.request_id,
        changes,
        created_at: ctx.now(),
    })
}

/// A password change, recorded without either value.
pub fn password_changed() -> FieldChange {
    FieldChange {
        field: "password".to_owned(),
        before: Value::String("[redacted]".to_owned()),
        after: Value::String("[changed]".to_owned()),
    }
}

/// A soft delete (`true`) or a restore (`false`).
pub fn deleted_changed(deleted: bool) -> FieldChange {
    FieldChange { field: "deleted".to_owned(), before: Value::Bool(!deleted), after: Value::Bool(deleted) }
}

/// A serialized wire object, for [`diff`].
pub fn snapshot<T: serde::Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// The history of a customer, or of a record a customer owns (its contacts, activities, leads,
/// quotes, purchases and complaints: the [`owned::OWNED`] registry), is for whoever sees the record
/// (administrators see all, deleted ones included); the directory's, the keys' and the catalog's
/// (it holds costs) for administrators.
fn may_read_history(conn: &mut DbConnection, ctx: &Context, entity: EntityKind, id: Uuid) -> AppResult<()> {
    let customer: Visible = |conn, vis, id| Ok(kehu_store::customers::find(conn, vis, id)?.is_some());
    let (scope, visible) = match (entity, owned::of(entity)) {
        (EntityKind::Customer, _) => (Scope::CustomersRead, customer),
        (_, Some(resource)) => (resource.read_scope, resource.visible),
        (_, None) => return require_admin(ctx),
    };
    ctx.require_scope(scope)?;
    let vis = ctx.visibility(conn)?;
    if vis.sees_all() || visible(conn, &vis, id)? { Ok(()) } else { Err(AppError::new(ErrorCode::NotFound)) }
}

/// Administrators' records' history: with the `admin` scope, for administrators.
fn require_admin(ctx: &Context) -> AppResult<()> {
    ctx.require_scope(Scope::Admin)?;
    ctx.require_admin()
}

/// A page of a record's history, for those who may read it (else 404, as if it had none). A name
/// that is no kind of record is treated as the administrators' kinds are: others get 403, and an
/// administrator an empty page.
pub fn history(
    conn: &mut DbConnection,
    ctx: &Context,
    entity: &str,
    id: Uuid,
    page: &kehu_store::page::Page,
) -> AppResult<kehu_store::page::Paged<AuditRow>> {
    match EntityKind::parse(entity) {
        Some(kind) => may_read_history(conn, ctx, kind, id)?,
        None => require_admin(ctx)?,
    }
    Ok(audit::list_for(conn, entity, id, page)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_only() {
        let before = json!({"id": 1, "name": "A", "role": "sales", "version": 1, "team_id": null});
        let after = json!({"id": 1, "name": "B", "role": "sales", "version": 2, "team_id": "t"});
        let d = diff(&before, &after);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "name");
        assert_eq!(d[1], FieldChange { field: "team_id".into(), before: Value::Null, after: json!("t") });
        assert_eq!(diff(&Value::Null, &json!({"name": "A"}))[0].after, json!("A"));
    }
}
