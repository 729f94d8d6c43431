//! Users, managed by administrators; everyone signed in may read the directory.

use kehu_core::EntityKind;
use kehu_core::audit::AuditAction;
use kehu_core::user::{ChangePassword, CreateUser, Role, UpdateMe, UpdateUser, User as WireUser};
use kehu_core::validate::Errors;
use kehu_core::{ErrorCode, FieldError};
use kehu_store::db::write_transaction;
use kehu_store::types::Id;
use kehu_store::users::{self, NewUser, User, UserChanges};
use kehu_store::{DbConnection, StoreError, sessions, teams};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::audit::{diff, password_changed, record, snapshot};
use crate::concurrency::check_version;
use crate::context::Context;
use crate::credentials::hash_password;
use crate::error::{AppError, AppResult};

pub const ENTITY: EntityKind = EntityKind::User;

fn taken() -> AppError {
    AppError {
        errors: vec![FieldError {
            pointer: "/email".to_owned(),
            code: "taken".to_owned(),
            detail: "another user has this email".to_owned(),
        }],
        ..AppError::with_detail(ErrorCode::Conflict, "a user with this email exists")
    }
}

/// A discount limit as stored (× 10⁴); the body's check has made sure it fits.
fn discount_e4(value: Decimal) -> AppResult<i64> {
    kehu_core::money::to_fixed4(value).map_err(AppError::internal)
}

fn check_team(conn: &mut DbConnection, errors: &mut Errors, team: Option<Uuid>) -> AppResult<()> {
    if let Some(t) = team
        && teams::find(conn, t, false)?.is_none()
    {
        errors.add("/team_id", "not_found", "no such team");
    }
    Ok(())
}

fn load(conn: &mut DbConnection, id: Uuid) -> AppResult<User> {
    users::find_by_id(conn, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> AppResult<WireUser> {
    Ok(load(conn, id)?.to_wire()?)
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateUser) -> AppResult<WireUser> {
    ctx.require_admin()?;
    let mut errors = body.check();
    check_team(conn, &mut errors, body.team_id)?;
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    let e4 = body.max_discount_percent.map(discount_e4).transpose()?.unwrap_or(0);
    let email = users::normalize_email(&body.email);
    if users::find_by_email(conn, &email)?.is_some() {
        return Err(taken());
    }
    let hash = hash_password(&body.password)?;
    let now = ctx.now();
    let row = NewUser {
        id: Id(kehu_store::new_id()),
        email: &email,
        name: body.name.trim(),
        password_hash: &hash,
        role: body.role.as_str(),
        team_id: body.team_id.map(Id),
        locale: body.locale.unwrap_or_default().as_str(),
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(Id(ctx.id())),
        updated_by: Some(Id(ctx.id())),
        max_discount_e4: e4,
        pool_cap: body.pool_cap,
    };
    let user = users::insert(conn, &row).map_err(|e| match e {
        StoreError::Conflict(_) => taken(),
        other => other.into(),
    })?;
    let wire = user.to_wire()?;
    record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&serde_json::Value::Null, &snapshot(&wire)?))?;
    Ok(wire)
}

/// Refuses to leave the organisation without an active administrator.
fn keep_an_admin(conn: &mut DbConnection, before: &User, role: Role, active: bool) -> AppResult<()> {
    let was_admin = before.role()? == Role::Admin && before.active;
    let stays_admin = role == Role::Admin && active;
    if was_admin && !stays_admin && users::active_admins(conn)? <= 1 {
        return Err(AppError::with_detail(ErrorCode::Conflict, "this is the last active administrator"));
    }
    Ok(())
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateUser,
) -> AppResult<WireUser> {
    ctx.require_admin()?;
    write_transaction(conn, |conn| {
        let before = load(conn, id)?;
        check_version(if_match, before.version)?;
        let mut errors = body.check();
        if let Some(team) = body.team_id {
            check_team(conn, &mut errors, team)?;
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let e4 = body.max_discount_percent.map(discount_e4).transpose()?;
        let email = body.email.as_deref().map(users::normalize_email);
        if let Some(e) = &email
            && users::find_by_email(conn, e)?.is_some_and(|other| other.id != before.id)
        {
            return Err(taken());
        }
        let role = body.role.unwrap_or(before.role()?);
        let active = body.active.unwrap_or(before.active);
        keep_an_admin(conn, &before, role, active)?;
        let password_hash = body.password.as_deref().map(hash_password).transpose()?;
        let changes = UserChanges {
            email,
            name: body.name.as_ref().map(|n| n.trim().to_owned()),
            password_hash: password_hash.clone(),
            role: body.role.map(|r| r.as_str().to_owned()),
            team_id: body.team_id.map(|t| t.map(Id)),
            locale: body.locale.map(|l| l.as_str().to_owned()),
            active: body.active,
            max_discount_e4: e4,
            pool_cap: body.pool_cap,
            updated_at: Some(ctx.now()),
            updated_by: Some(Some(Id(ctx.id()))),
        };
        let after = users::update(conn, id, before.version, &changes)?;
        if password_hash.is_some() || !after.active {
            // A new password or a deactivation ends every session of that user.
            sessions::revoke_user(conn, id, ctx.now())?;
        }
        let wire = after.to_wire()?;
        let mut changes = diff(&snapshot(&before.to_wire()?)?, &snapshot(&wire)?);
        if password_hash.is_some() {
            changes.push(password_changed());
        }
        let action = if body.active == Some(false) { AuditAction::Deactivate } else { AuditAction::Update };
        record(conn, ctx, ENTITY, id, action, changes)?;
        Ok(wire)
    })
}

pub fn deactivate(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<WireUser> {
    update(conn, ctx, id, if_match, &UpdateUser { active: Some(false), ..UpdateUser::default() })
}

/// The caller's own name and language.
pub fn update_me(conn: &mut DbConnection, ctx: &Context, body: &UpdateMe) -> AppResult<User> {
    let errors = body.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    let (name, locale) = (body.name.as_deref(), body.locale);
    write_transaction(conn, |conn| {
        let before = load(conn, ctx.id())?;
        let changes = UserChanges {
            name: name.map(|n| n.trim().to_owned()),
            locale: locale.map(|l| l.as_str().to_owned()),
            updated_at: Some(ctx.now()),
            updated_by: Some(Some(Id(ctx.id()))),
            ..UserChanges::default()
        };
        let after = users::update(conn, ctx.id(), before.version, &changes)?;
        record(
            conn,
            ctx,
            ENTITY,
            ctx.id(),
            AuditAction::Update,
            diff(&snapshot(&before.to_wire()?)?, &snapshot(&after.to_wire()?)?),
        )?;
        Ok(after)
    })
}

/// Changes the caller's password after checking the current one; other sessions end.
pub fn change_password(conn: &mut DbConnection, ctx: &Context, body: &ChangePassword) -> AppResult<()> {
    let (current, new) = (body.current.as_str(), body.new.as_str());
    let errors = body.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    let user = load(conn, ctx.id())?;
    if !crate::credentials::verify_password(current, Some(&user.password_hash)) {
        let mut e = Errors::default();
        e.add("/current", "incorrect", "the current password is not right");
        return Err(AppError::invalid(e.0));
    }
    let hash = hash_password(new)?;
    write_transaction(conn, |conn| {
        let changes = UserChanges {
            password_hash: Some(hash),
            updated_at: Some(ctx.now()),
            updated_by: Some(Some(Id(ctx.id()))),
            ..UserChanges::default()
        };
        users::update(conn, ctx.id(), user.version, &changes)?;
        sessions::revoke_user(conn, ctx.id(), ctx.now())?;
        let change = password_changed();
        record(conn, ctx, ENTITY, ctx.id(), AuditAction::Update, vec![change])
    })
}
