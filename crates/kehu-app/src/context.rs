//! The context every service and job runs in: who acts, what they may see, and what time it is.
//!
//! The HTTP adapter builds one per request from the caller's credentials and the server's clock;
//! jobs build a [`Context::system`] one. Services read the time only from here, so one request
//! sees one `now` everywhere (a quote's expiry, a complaint's deadline and the 360 view agree),
//! and tests move time by moving the clock the context was made from.

use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use kehu_core::ErrorCode;
use kehu_core::api_key::{Scope, role_scopes};
use kehu_core::user::Role;
use kehu_store::users::User;
use kehu_store::{DbConnection, Visibility};
use uuid::Uuid;

use crate::audit;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};

/// A person acting, through a signed-in session or one of their API keys.
#[derive(Debug, Clone)]
pub struct UserActor {
    pub user: User,
    pub role: Role,
    /// Set when the caller authenticated with an API key rather than a session.
    pub api_key_id: Option<Uuid>,
    /// The key's own scopes; `None` for a session, which holds every scope of its role.
    pub key_scopes: Option<Vec<Scope>>,
}

/// Who acts: a user, or the server itself (a named job).
#[derive(Debug, Clone)]
pub enum Actor {
    User(Box<UserActor>),
    /// The server's own work; the name says which job, for the logs.
    System(&'static str),
    /// Someone not signed in yet (signing in, refreshing a session).
    Anonymous,
}

/// One request's (or one job run's) view of the world.
#[derive(Debug, Clone)]
pub struct Context {
    actor: Actor,
    now: NaiveDateTime,
    request_id: Option<String>,
    /// Worked out on first use: some requests never need it, and it costs a query for managers.
    visibility: OnceLock<Visibility>,
}

impl Context {
    /// The context of a user's request, at `now`.
    pub fn for_user(actor: UserActor, now: NaiveDateTime, request_id: Option<String>) -> Self {
        Context { actor: Actor::User(Box::new(actor)), now, request_id, visibility: OnceLock::new() }
    }

    /// The context of a background job: it sees every record and acts for nobody.
    pub fn system(job: &'static str, clock: &Clock) -> Self {
        Self::system_at(job, clock.now())
    }

    /// The context of a request made before signing in: it sees nothing and may do nothing but
    /// what a service allows anyone (signing in).
    pub fn anonymous(now: NaiveDateTime, request_id: Option<String>) -> Self {
        Context { actor: Actor::Anonymous, now, request_id, visibility: OnceLock::new() }
    }

    /// As [`Context::system`], at a given time.
    pub fn system_at(job: &'static str, now: NaiveDateTime) -> Self {
        Context { actor: Actor::System(job), now, request_id: None, visibility: OnceLock::new() }
    }

    fn user_actor(&self) -> Option<&UserActor> {
        match &self.actor {
            Actor::User(u) => Some(u),
            Actor::System(_) | Actor::Anonymous => None,
        }
    }

    /// The time of this request, to the microsecond: the one `now` every rule of it uses.
    pub fn now(&self) -> NaiveDateTime {
        self.now
    }

    /// Today's date (UTC) at [`Context::now`].
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    /// The acting user's id. A system context acts for nobody: it answers the nil id, which no
    /// user row has, so a write that named it as an author would fail its foreign key rather than
    /// credit someone. Jobs record their changes through [`Context::audit_actor`], which has no user.
    pub fn id(&self) -> Uuid {
        self.user_actor().map_or(Uuid::nil(), |u| u.user.id.0)
    }

    /// The acting user's row; `None` for the system.
    pub fn user(&self) -> Option<&User> {
        self.user_actor().map(|u| &u.user)
    }

    /// The acting user's role. The system acts with an administrator's reach; an anonymous caller
    /// gets the narrowest role, and is refused before any role matters (see [`Context::require_user`]).
    pub fn role(&self) -> Role {
        match &self.actor {
            Actor::User(u) => u.role,
            Actor::System(_) => Role::Admin,
            Actor::Anonymous => Role::Service,
        }
    }

    /// 401 unless a user or the system acts.
    pub fn require_user(&self) -> AppResult<()> {
        match self.actor {
            Actor::Anonymous => Err(AppError::unauthenticated("sign in first")),
            _ => Ok(()),
        }
    }

    /// The API key the caller used, if any.
    pub fn api_key_id(&self) -> Option<Uuid> {
        self.user_actor().and_then(|u| u.api_key_id)
    }

    /// Who made a change, as the audit log and the outbox record it.
    pub fn audit_actor(&self) -> audit::Actor {
        match self.user_actor() {
            Some(u) => {
                audit::Actor { user: Some(u.user.id.0), api_key: u.api_key_id, request_id: self.request_id.clone() }
            }
            None => audit::Actor { request_id: self.request_id.clone(), ..audit::Actor::default() },
        }
    }

    /// 403 unless the caller is an administrator (or the system).
    pub fn require_admin(&self) -> AppResult<()> {
        self.require_user()?;
        if self.role() == Role::Admin { Ok(()) } else { Err(AppError::forbidden("only administrators may do this")) }
    }

    /// What the caller may do: the role's scopes, narrowed to the key's scopes for an API key.
    pub fn scopes(&self) -> Vec<Scope> {
        let role = role_scopes(self.role());
        match self.user_actor().and_then(|u| u.key_scopes.as_ref()) {
            None => role,
            Some(key) => role.into_iter().filter(|s| key.contains(s)).collect(),
        }
    }

    /// 403 unless the caller holds `scope`: `forbidden` when the role lacks it (a person can do
    /// nothing about that), `insufficient_scope` when only the API key does (a new key can).
    pub fn require_scope(&self, scope: Scope) -> AppResult<()> {
        self.require_user()?;
        if !role_scopes(self.role()).contains(&scope) {
            return Err(AppError::forbidden("your role does not allow this"));
        }
        if self.scopes().contains(&scope) {
            Ok(())
        } else {
            let detail = format!("this needs the scope {}", scope.as_str());
            Err(AppError::with_detail(ErrorCode::InsufficientScope, detail))
        }
    }

    /// 403 for API keys: some things only a person signed in may do (managing keys).
    pub fn require_session(&self) -> AppResult<()> {
        match self.api_key_id() {
            None => Ok(()),
            Some(_) => Err(AppError::forbidden("API keys cannot do this; sign in")),
        }
    }

    /// The records this caller may see: its user's (an API key's owner's) role and teams; every
    /// record for the system.
    pub fn visibility(&self, conn: &mut DbConnection) -> AppResult<Visibility> {
        if let Some(v) = self.visibility.get() {
            return Ok(v.clone());
        }
        let vis = match &self.actor {
            Actor::User(u) => Visibility::for_user(conn, u.user.id.0, u.role, u.user.team_id.map(Uuid::from))?,
            Actor::System(_) => Visibility::system(),
            Actor::Anonymous => return Err(AppError::unauthenticated("sign in first")),
        };
        // Two threads may both work it out; they get the same answer, and the first one stays.
        Ok(self.visibility.get_or_init(|| vis).clone())
    }
}
