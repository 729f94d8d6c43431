//! The audit log: who changed what, when, from what to what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Restore,
    Assign,
    Deactivate,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Restore => "restore",
            Self::Assign => "assign",
            Self::Deactivate => "deactivate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Create, Self::Update, Self::Delete, Self::Restore, Self::Assign, Self::Deactivate]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One field's change. Secrets (password hashes) are never recorded, only that they changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Always `"audit_event"`.
    pub object: String,
    pub id: Uuid,
    /// The kind of record: `user`, `team`, …
    pub entity: String,
    pub entity_id: Uuid,
    pub action: AuditAction,
    /// The user who made the change (for an API key, its owner).
    pub actor_id: Option<Uuid>,
    /// The API key the change was made with, if any.
    pub api_key_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub changes: Vec<FieldChange>,
    pub created_at: DateTime<Utc>,
}
