//! Who may see which records (数据权限). Every query of a user-facing record takes a
//! [`Visibility`], and the filter goes into the SQL: a record the caller may not see is never
//! loaded, so it cannot leak through a list, a count, a search, an export or a sum.
//!
//! A `Visibility` is made only by [`Visibility::for_user`] (from the signed-in user or the owner of
//! an API key) or by [`Visibility::system`] (background jobs), so a query cannot be written
//! without deciding whose view it serves.

use diesel::prelude::*;
use kehu_core::user::Role;
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::StoreResult;
use crate::schema::{customers, teams, users};
use crate::teams::subtree;
use crate::types::Id;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Administrators and the server's own jobs: every record.
    All,
    /// Managers: records owned by themselves or by anyone in these teams (their own team, the teams
    /// they manage, and every team below those), and the pool.
    Teams(Vec<Uuid>),
    /// Sales reps: their own records and the pool.
    Own,
    /// Service agents: read every customer and contact, change none.
    ReadOnly,
}

/// The records one caller may see and change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    user_id: Option<Uuid>,
    scope: Scope,
}

/// The customer filter, as a boxable SQL condition.
type CustomerCondition = Box<dyn BoxableExpression<customers::table, MultiBackend, SqlType = diesel::sql_types::Bool>>;

impl Visibility {
    /// The view of a user with this role and team.
    pub fn for_user(conn: &mut DbConnection, user_id: Uuid, role: Role, team_id: Option<Uuid>) -> StoreResult<Self> {
        let scope = match role {
            Role::Admin => Scope::All,
            Role::Sales => Scope::Own,
            Role::Service => Scope::ReadOnly,
            Role::Manager => {
                let managed: Vec<Id> = teams::table
                    .filter(teams::manager_id.eq(Id(user_id)))
                    .filter(teams::deleted_at.is_null())
                    .select(teams::id)
                    .load(conn)?;
                let mut all = Vec::new();
                for root in team_id.into_iter().chain(managed.into_iter().map(Uuid::from)) {
                    if !all.contains(&root) {
                        for t in subtree(conn, root)? {
                            if !all.contains(&t) {
                                all.push(t);
                            }
                        }
                    }
                }
                Scope::Teams(all)
            }
        };
        Ok(Visibility { user_id: Some(user_id), scope })
    }

    /// The server's own view, for background jobs (returning idle customers to the pool, SLA
    /// checks): everything. Never built for a request.
    pub fn system() -> Self {
        Visibility { user_id: None, scope: Scope::All }
    }

    /// The user this view belongs to, if any.
    pub fn user_id(&self) -> Option<Uuid> {
        self.user_id
    }

    /// Whether the caller sees everything (administrators and jobs).
    pub fn sees_all(&self) -> bool {
        self.scope == Scope::All
    }

    /// Whether the caller is a service agent, who sees the complaints of the queue and their own
    /// rather than those of customers they see (which are all).
    pub fn queue_only(&self) -> bool {
        self.scope == Scope::ReadOnly
    }

    /// Whether the caller may change a record it can see that has this owner. Sales reps change
    /// only their own (a pool customer is claimed first); service agents change no customer.
    pub fn may_edit(&self, owner: Option<Uuid>) -> bool {
        match &self.scope {
            Scope::All | Scope::Teams(_) => true,
            Scope::Own => owner.is_some() && owner == self.user_id,
            Scope::ReadOnly => false,
        }
    }

    /// Whether the caller may give records to other users (assign, bulk reassign).
    pub fn may_assign(&self) -> bool {
        matches!(self.scope, Scope::All | Scope::Teams(_))
    }

    /// Whether `user` (with `team`) is someone this caller may hand records to: anyone for an
    /// administrator, a member of their teams or themselves for a manager.
    pub fn may_assign_to(&self, user: Uuid, team: Option<Uuid>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Teams(teams) => Some(user) == self.user_id || team.is_some_and(|t| teams.contains(&t)),
            Scope::Own | Scope::ReadOnly => false,
        }
    }

    /// The scope as bound values for [`crate::visible_customer_ids`]: whether every customer is
    /// visible, the caller's id, and the teams whose members' customers are.
    pub(crate) fn customer_parts(&self) -> (bool, Id, Vec<Id>) {
        let me = Id(self.user_id.unwrap_or_default());
        match &self.scope {
            Scope::All | Scope::ReadOnly => (true, me, Vec::new()),
            Scope::Own => (false, me, Vec::new()),
            Scope::Teams(teams) => (false, me, teams.iter().copied().map(Id).collect()),
        }
    }

    /// The scope as bound values for records that follow their owner (leads without a customer):
    /// whether all are visible, the caller's id, and the teams whose members' records are.
    /// `None` for service agents, who see no such records.
    pub(crate) fn owner_parts(&self) -> Option<(bool, Id, Vec<Id>)> {
        match &self.scope {
            Scope::ReadOnly => None,
            _ => Some(self.customer_parts()),
        }
    }

    /// The same condition for statements that need one in every case (`UPDATE`): true when the
    /// caller sees all.
    pub(crate) fn customer_condition_or_true(&self) -> CustomerCondition {
        self.customer_condition().unwrap_or_else(|| Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 1")))
    }

    /// The SQL condition selecting the customers this caller sees; `None` when it sees all.
    pub(crate) fn customer_condition(&self) -> Option<CustomerCondition> {
        // Only jobs lack a user, and they see everything; the nil id matches no owner regardless.
        let me = Id(self.user_id.unwrap_or_default());
        // `owner_id = x` is NULL for a pool row; the `IS NULL` arm decides those, so the
        // comparisons may be typed as not-null.
        let owner = customers::owner_id.assume_not_null();
        match &self.scope {
            Scope::All | Scope::ReadOnly => None,
            Scope::Own => Some(Box::new(customers::owner_id.is_null().or(owner.eq(me)))),
            Scope::Teams(teams) => {
                let members = users::table
                    .filter(users::team_id.eq_any(teams.iter().copied().map(Id).collect::<Vec<_>>()))
                    .select(users::id);
                Some(Box::new(customers::owner_id.is_null().or(owner.eq(me)).or(owner.eq_any(members))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_rights_follow_the_role() {
        let me = Uuid::now_v7();
        let other = Uuid::now_v7();
        let sales = Visibility { user_id: Some(me), scope: Scope::Own };
        assert!(sales.may_edit(Some(me)));
        assert!(!sales.may_edit(None));
        assert!(!sales.may_edit(Some(other)));
        assert!(!sales.may_assign());
        let service = Visibility { user_id: Some(me), scope: Scope::ReadOnly };
        assert!(!service.may_edit(Some(me)));
        let team = Uuid::now_v7();
        let manager = Visibility { user_id: Some(me), scope: Scope::Teams(vec![team]) };
        assert!(manager.may_assign_to(other, Some(team)));
        assert!(!manager.may_assign_to(other, Some(Uuid::now_v7())));
        assert!(manager.may_assign_to(me, None));
        assert!(Visibility::system().may_assign_to(other, None));
    }
}
