//! Activities: what was done with a customer (notes, calls, visits, meetings, emails) and what is
//! to be done (tasks). Together they are the customer's timeline; open tasks are a rep's day.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    pub enum ActivityKind {
        Note = "note",
        Call = "call",
        Visit = "visit",
        Meeting = "meeting",
        Email = "email",
        Task = "task",
    }
}

/// An activity (`/api/v1/activities`). Visible to whoever sees its customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// Always `"activity"`.
    pub object: String,
    pub id: Uuid,
    pub kind: ActivityKind,
    pub subject: String,
    pub body: Option<String>,
    pub customer_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub quote_id: Option<Uuid>,
    pub purchase_id: Option<Uuid>,
    pub complaint_id: Option<Uuid>,
    /// Who did it, or whose task it is.
    pub owner_id: Uuid,
    /// When a task is due.
    pub due_at: Option<DateTime<Utc>>,
    /// When it happened (a call, a visit) or was completed (a task); `null` while a task is open.
    pub done_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/activities`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    pub kind: ActivityKind,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub customer_id: Uuid,
    /// A contact of the same customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<Uuid>,
    /// A lead, quote, purchase or complaint of the same customer that the activity is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_id: Option<Uuid>,
    /// Default: the caller. Managers may give tasks to their teams' members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    /// Required for a task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// Default: now for everything but a task; a task starts open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
}

/// `PATCH /api/v1/activities/{id}` (JSON Merge Patch).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateActivity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// `null` reopens a task.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub done_at: Option<Option<DateTime<Utc>>>,
}

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;

impl CreateActivity {
    /// An activity of `kind` about a customer, linked to nothing else, not a task.
    pub fn new(kind: ActivityKind, subject: impl Into<String>, customer_id: Uuid) -> Self {
        CreateActivity {
            kind,
            subject: subject.into(),
            body: None,
            customer_id,
            contact_id: None,
            lead_id: None,
            quote_id: None,
            purchase_id: None,
            complaint_id: None,
            owner_id: None,
            due_at: None,
            done_at: None,
        }
    }

    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/subject", &self.subject, SUBJECT_MAX);
        if let Some(b) = &self.body {
            errors.text("/body", b, BODY_MAX);
        }
        if self.kind == ActivityKind::Task && self.due_at.is_none() {
            errors.add("/due_at", "required", "a task needs a due time");
        }
        errors
    }
}

impl UpdateActivity {
    pub fn check(&self, kind: ActivityKind) -> Errors {
        let mut errors = Errors::default();
        if let Some(s) = &self.subject {
            errors.text("/subject", s, SUBJECT_MAX);
        }
        if let Some(Some(b)) = &self.body {
            errors.text("/body", b, BODY_MAX);
        }
        if kind == ActivityKind::Task && self.due_at == Some(None) {
            errors.add("/due_at", "required", "a task needs a due time");
        }
        if kind != ActivityKind::Task && self.done_at == Some(None) {
            errors.add("/done_at", "required", "only a task can be open");
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_need_a_due_time() {
        let task: CreateActivity = serde_json::from_value(serde_json::json!({
            "kind": "task", "subject": "Send the brochure", "customer_id": Uuid::nil()
        }))
        .unwrap();
        assert_eq!(task.check().0[0].pointer, "/due_at");
        let call: CreateActivity = serde_json::from_value(serde_json::json!({
            "kind": "call", "subject": "Intro call", "customer_id": Uuid::nil()
        }))
        .unwrap();
        assert!(call.check().is_empty());
        let reopen = UpdateActivity { done_at: Some(None), ..Default::default() };
        assert!(reopen.check(ActivityKind::Task).is_empty());
        assert_eq!(reopen.check(ActivityKind::Call).0[0].code, "required");
    }
}
