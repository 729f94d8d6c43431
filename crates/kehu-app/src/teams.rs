//! Teams, a tree managed by administrators.

use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::audit::AuditAction;
use kehu_core::team::{CreateTeam, Team as WireTeam, UpdateTeam};
use kehu_core::validate::Errors;
use kehu_store::teams::{self, Team, TeamChanges};
use kehu_store::types::Id;
use kehu_store::{DbConnection, users};
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::write::{self, Record};

pub const ENTITY: EntityKind = EntityKind::Team;

fn load(conn: &mut DbConnection, id: Uuid, with_deleted: bool) -> AppResult<Team> {
    teams::find(conn, id, with_deleted)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> AppResult<WireTeam> {
    Ok(load(conn, id, false)?.to_wire())
}

fn check_refs(
    conn: &mut DbConnection,
    errors: &mut Errors,
    parent: Option<Uuid>,
    manager: Option<Uuid>,
) -> AppResult<()> {
    if let Some(p) = parent
        && teams::find(conn, p, false)?.is_none()
    {
        errors.add("/parent_id", "not_found", "no such team");
    }
    if let Some(m) = manager
        && users::find_by_id(conn, m)?.is_none()
    {
        errors.add("/manager_id", "not_found", "no such user");
    }
    Ok(())
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateTeam) -> AppResult<WireTeam> {
    ctx.require_admin()?;
    let mut errors = body.check();
    check_refs(conn, &mut errors, body.parent_id, body.manager_id)?;
    if !errors.is_empty() {
        return Err(AppError::invalid(errors.0));
    }
    let now = ctx.now();
    let team = teams::insert(
        conn,
        &Team {
            id: Id(kehu_store::new_id()),
            name: body.name.trim().to_owned(),
            parent_id: body.parent_id.map(Id),
            manager_id: body.manager_id.map(Id),
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(ctx.id())),
            updated_by: Some(Id(ctx.id())),
            deleted_at: None,
        },
    )?;
    let wire = team.to_wire();
    record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&serde_json::Value::Null, &snapshot(&wire)?))?;
    Ok(wire)
}

impl Record for Team {
    type Wire = WireTeam;
    type Changes = TeamChanges;
    const ENTITY: EntityKind = ENTITY;

    crate::bookkeeping!();

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        ctx.require_admin()?;
        load(conn, id, false)
    }

    fn load_deleted(conn: &mut DbConnection, _ctx: &Context, id: Uuid) -> AppResult<Option<Self>> {
        let team = load(conn, id, true)?;
        Ok(team.deleted_at.is_some().then_some(team))
    }

    fn load_live(conn: &mut DbConnection, _ctx: &Context, id: Uuid) -> AppResult<Self> {
        load(conn, id, false)
    }

    fn wire(&self, _conn: &mut DbConnection, _ctx: &Context) -> AppResult<WireTeam> {
        Ok(self.to_wire())
    }

    fn save(&self, conn: &mut DbConnection, _ctx: &Context, changes: &TeamChanges) -> AppResult<Self> {
        Ok(teams::update(conn, self.id.0, self.version, changes)?)
    }

    /// A team that still has members or sub-teams stays: they would be orphaned.
    fn check_delete(&self, conn: &mut DbConnection, _ctx: &Context) -> AppResult<()> {
        let has_children = teams::subtree(conn, self.id.0)?.len() > 1;
        if has_children || users::count_in_team(conn, self.id.0)? > 0 {
            return Err(AppError::with_detail(ErrorCode::Conflict, "move the team's members and sub-teams first"));
        }
        Ok(())
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateTeam,
) -> AppResult<WireTeam> {
    write::update::<Team>(conn, ctx, id, if_match, |conn, _, _| {
        let mut errors = body.check();
        check_refs(conn, &mut errors, body.parent_id.flatten(), body.manager_id.flatten())?;
        if let Some(Some(parent)) = body.parent_id {
            // A team may not sit below itself: that would make the tree a loop.
            if teams::subtree(conn, id)?.contains(&parent) {
                errors.add("/parent_id", "cycle", "a team cannot be placed under itself or its sub-teams");
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        Ok(TeamChanges {
            name: body.name.as_ref().map(|n| n.trim().to_owned()),
            parent_id: body.parent_id.map(|p| p.map(Id)),
            manager_id: body.manager_id.map(|m| m.map(Id)),
            ..TeamChanges::default()
        })
    })
}

/// Soft delete. A team that still has members or sub-teams stays: they would be orphaned.
pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Team>(conn, ctx, id, if_match)
}

pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireTeam> {
    write::restore::<Team>(conn, ctx, id)
}
