//! API keys: made by signed-in users for integrations, carrying at most their owner's access.

use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::api_key::{ApiKey as WireKey, CreateApiKey, CreatedApiKey};
use kehu_core::audit::AuditAction;
use kehu_store::DbConnection;
use kehu_store::api_keys::{self, ApiKey};
use kehu_store::types::Id;
use uuid::Uuid;

use crate::audit::{deleted_changed, diff, record, snapshot};
use crate::context::Context;
use crate::credentials::{hash_token, new_api_key};
use crate::error::{AppError, AppResult};

pub const ENTITY: EntityKind = EntityKind::ApiKey;

/// How much of the secret is kept in clear, to tell keys apart.
const PREFIX_LEN: usize = 12;

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateApiKey) -> AppResult<CreatedApiKey> {
    ctx.require_session()?;
    let now = ctx.now();
    let errors = body.check(ctx.role(), chrono::TimeZone::from_utc_datetime(&chrono::Utc, &now));
    let expires = body.expires_at.map(|t| t.naive_utc());
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    let mut scopes = body.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let secret = new_api_key();
    let key = api_keys::insert(
        conn,
        &ApiKey {
            id: Id(kehu_store::new_id()),
            owner_id: Id(ctx.id()),
            name: body.name.trim().to_owned(),
            prefix: secret.chars().take(PREFIX_LEN).collect(),
            secret_hash: hash_token(&secret),
            scopes: scopes.join(" "),
            expires_at: expires,
            last_used_at: None,
            revoked_at: None,
            created_at: now,
            created_by: Some(Id(ctx.id())),
        },
    )?;
    let wire = key.to_wire();
    record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&serde_json::Value::Null, &snapshot(&wire)?))?;
    Ok(CreatedApiKey { key: wire, secret })
}

/// A key its caller may see: their own, or any for an administrator.
fn visible(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<ApiKey> {
    api_keys::find(conn, id)?
        .filter(|k| k.owner_id.0 == ctx.id() || ctx.role() == kehu_core::user::Role::Admin)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireKey> {
    ctx.require_session()?;
    Ok(visible(conn, ctx, id)?.to_wire())
}

pub fn revoke(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<()> {
    ctx.require_session()?;
    let key = visible(conn, ctx, id)?;
    if key.revoked_at.is_none() {
        api_keys::revoke(conn, id, ctx.now())?;
        record(conn, ctx, ENTITY, id, AuditAction::Delete, vec![deleted_changed(true)])?;
    }
    Ok(())
}
