//! Teams: a tree. A manager sees the records of everyone in their team and its sub-teams.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::patch::present;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    /// Always `"team"`.
    pub object: String,
    pub id: Uuid,
    pub name: String,
    /// The team this one belongs to; `null` for a top-level team.
    pub parent_id: Option<Uuid>,
    /// The user who manages this team (and so its sub-teams).
    pub manager_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/teams`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
}

/// The longest name of a team.
pub const MAX_TEAM_NAME: usize = 200;

impl CreateTeam {
    /// The checks that need nothing but the body (whether parent and manager exist is the server's).
    pub fn check(&self) -> crate::validate::Errors {
        let mut errors = crate::validate::Errors::default();
        errors.text("/name", &self.name, MAX_TEAM_NAME);
        errors
    }
}

impl UpdateTeam {
    pub fn check(&self) -> crate::validate::Errors {
        let mut errors = crate::validate::Errors::default();
        if let Some(n) = &self.name {
            errors.text("/name", n, MAX_TEAM_NAME);
        }
        errors
    }
}

/// `PATCH /api/v1/teams/{id}` (JSON Merge Patch).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTeam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub parent_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub manager_id: Option<Option<Uuid>>,
}
