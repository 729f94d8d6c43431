//! Complaints (投诉): what a customer is unhappy about, worked from open to closed inside the
//! deadlines the service-level settings give each priority. The state machine, the deadlines and
//! the body checks live here, so the server and the web app agree on them.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// Where a complaint stands.
    pub enum ComplaintStatus {
        Open = "open",
        Acknowledged = "acknowledged",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
}

wire_enum! {
    /// `POST /complaints/{id}/{action}`.
    pub enum ComplaintAction {
        Acknowledge = "acknowledge",
        Start = "start",
        Resolve = "resolve",
        Close = "close",
        Reopen = "reopen",
        Assign = "assign",
    }
}

wire_enum! {
    /// How the complaint reached us.
    pub enum ComplaintChannel { Phone = "phone", Email = "email", Web = "web", Visit = "visit", Other = "other" }
}

wire_enum! {
    pub enum ComplaintCategory {
        ProductQuality = "product_quality",
        Delivery = "delivery",
        Service = "service",
        Billing = "billing",
        Other = "other",
    }
}

wire_enum! {
    /// Decides the deadlines (see [`SlaSettings`]).
    pub enum Priority { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" }
}

impl ComplaintStatus {
    /// Still being worked on: its deadlines run.
    pub fn is_active(self) -> bool {
        matches!(self, ComplaintStatus::Open | ComplaintStatus::Acknowledged | ComplaintStatus::InProgress)
    }

    /// The actions a complaint in this status allows. A resolved or closed complaint can be
    /// reopened only within the reopen window, which the server checks on top of this.
    pub fn allowed_actions(self) -> &'static [ComplaintAction] {
        use ComplaintAction as A;
        match self {
            ComplaintStatus::Open => &[A::Acknowledge, A::Start, A::Resolve, A::Assign],
            ComplaintStatus::Acknowledged => &[A::Start, A::Resolve, A::Assign],
            ComplaintStatus::InProgress => &[A::Resolve, A::Assign],
            ComplaintStatus::Resolved => &[A::Close, A::Reopen],
            ComplaintStatus::Closed => &[A::Reopen],
        }
    }

    /// Where `action` takes a complaint in this status; `None` when not allowed.
    pub fn after(self, action: ComplaintAction) -> Option<ComplaintStatus> {
        if !self.allowed_actions().contains(&action) {
            return None;
        }
        Some(match action {
            ComplaintAction::Acknowledge => ComplaintStatus::Acknowledged,
            ComplaintAction::Start => ComplaintStatus::InProgress,
            ComplaintAction::Resolve => ComplaintStatus::Resolved,
            ComplaintAction::Close => ComplaintStatus::Closed,
            ComplaintAction::Reopen => ComplaintStatus::Open,
            ComplaintAction::Assign => self,
        })
    }
}

/// Hours to the first response and to resolution, counted from creation (or reopening).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaHours {
    /// 1–8760.
    pub first_response_hours: i32,
    /// 1–8760, at least `first_response_hours`.
    pub resolution_hours: i32,
}

/// The service levels per priority (calendar hours, around the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaSettings {
    pub urgent: SlaHours,
    pub high: SlaHours,
    pub normal: SlaHours,
    pub low: SlaHours,
}

impl Default for SlaSettings {
    fn default() -> Self {
        let h = |first_response_hours, resolution_hours| SlaHours { first_response_hours, resolution_hours };
        SlaSettings { urgent: h(1, 8), high: h(4, 24), normal: h(8, 72), low: h(24, 120) }
    }
}

/// The longest deadline a setting may give: a year.
pub const MAX_SLA_HOURS: i32 = 8760;

impl SlaSettings {
    pub fn for_priority(&self, p: Priority) -> SlaHours {
        match p {
            Priority::Urgent => self.urgent,
            Priority::High => self.high,
            Priority::Normal => self.normal,
            Priority::Low => self.low,
        }
    }

    /// The first-response and resolution deadlines of a complaint of priority `p` whose clock
    /// started at `start`.
    pub fn deadlines(&self, p: Priority, start: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
        let h = self.for_priority(p);
        (
            start + Duration::hours(i64::from(h.first_response_hours)),
            start + Duration::hours(i64::from(h.resolution_hours)),
        )
    }

    pub fn check(&self, errors: &mut Errors, pointer: &str) {
        for p in Priority::ALL {
            let h = self.for_priority(*p);
            let at = format!("{pointer}/{}", p.as_str());
            for (field, v) in
                [("first_response_hours", h.first_response_hours), ("resolution_hours", h.resolution_hours)]
            {
                if !(1..=MAX_SLA_HOURS).contains(&v) {
                    errors.add(&format!("{at}/{field}"), "out_of_range", format!("must be 1–{MAX_SLA_HOURS} hours"));
                }
            }
            if h.resolution_hours < h.first_response_hours {
                errors.add(
                    &format!("{at}/resolution_hours"),
                    "out_of_range",
                    "must be at least the first-response hours",
                );
            }
        }
    }
}

/// Default for how long after resolution a complaint may be reopened.
pub const DEFAULT_REOPEN_DAYS: i32 = 14;

pub const SUBJECT_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;

/// A complaint (`/api/v1/complaints`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complaint {
    /// Always `"complaint"`.
    pub object: String,
    pub id: Uuid,
    /// `C-YYYY-NNNNNN`.
    pub number: String,
    pub customer_id: Uuid,
    /// Read-only: the customer's name as it is now, so a queue needs no second lookup.
    pub customer_name: String,
    pub contact_id: Option<Uuid>,
    pub purchase_id: Option<Uuid>,
    pub channel: ComplaintChannel,
    pub category: ComplaintCategory,
    pub priority: Priority,
    pub subject: String,
    pub description: Option<String>,
    /// Read-only: moved by the actions.
    pub status: ComplaintStatus,
    /// `null`: in the service queue.
    pub assignee_id: Option<Uuid>,
    pub first_response_due_at: DateTime<Utc>,
    pub resolution_due_at: DateTime<Utc>,
    /// The next deadline while the complaint is being worked on (first response until someone
    /// responds, then resolution); `null` once resolved. The queue sorts by it.
    pub due_at: Option<DateTime<Utc>>,
    /// Set by the first acknowledge, start, resolve or comment.
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A deadline of the current round (since creation or the last reopening) was missed.
    pub breached: bool,
    /// How many times a missed deadline escalated it.
    pub escalation_level: i32,
    /// The manager the last escalation went to; they see the complaint from then on.
    pub escalated_to_id: Option<Uuid>,
    pub resolution: Option<String>,
    /// 1–5, recorded on closing.
    pub satisfaction: Option<i32>,
    pub satisfaction_comment: Option<String>,
    pub reopen_count: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/complaints`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateComplaint {
    /// A customer the caller sees.
    pub customer_id: Uuid,
    /// A contact of the same customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<Uuid>,
    /// A purchase of the same customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<Uuid>,
    /// Default `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ComplaintChannel>,
    /// Default `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ComplaintCategory>,
    /// Default `normal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An active service, sales or manager user; default: the service queue (unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Uuid>,
}

impl CreateComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/subject", &self.subject, SUBJECT_MAX);
        if let Some(d) = &self.description {
            errors.text("/description", d, TEXT_MAX);
        }
        errors
    }
}

/// `PATCH /api/v1/complaints/{id}` (JSON Merge Patch), while the complaint is being worked on.
/// A new priority moves the deadlines of the current round.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateComplaint {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub purchase_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ComplaintChannel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ComplaintCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
}

impl UpdateComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if let Some(s) = &self.subject {
            errors.text("/subject", s, SUBJECT_MAX);
        }
        if let Some(Some(d)) = &self.description {
            errors.text("/description", d, TEXT_MAX);
        }
        errors
    }
}

/// `POST /api/v1/complaints/{id}/resolve`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveComplaint {
    /// Required: what was done about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

impl ResolveComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        match &self.resolution {
            Some(r) => errors.text("/resolution", r, TEXT_MAX),
            None => errors.add("/resolution", "required", "say how the complaint was resolved"),
        }
        errors
    }
}

/// `POST /api/v1/complaints/{id}/close`: the customer's verdict.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseComplaint {
    /// Required, 1 (very unhappy) to 5 (very happy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction_comment: Option<String>,
}

impl CloseComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        match self.satisfaction {
            None => errors.add("/satisfaction", "required", "record the customer's satisfaction, 1–5"),
            Some(s) if !(1..=5).contains(&s) => errors.add("/satisfaction", "out_of_range", "must be 1–5"),
            Some(_) => {}
        }
        if let Some(c) = &self.satisfaction_comment {
            errors.text("/satisfaction_comment", c, TEXT_MAX);
        }
        errors
    }
}

/// `POST /api/v1/complaints/{id}/reopen`, within the reopen window after resolution.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReopenComplaint {
    /// Required: why it is not settled after all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ReopenComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        match &self.reason {
            Some(r) => errors.text("/reason", r, TEXT_MAX),
            None => errors.add("/reason", "required", "say why the complaint is reopened"),
        }
        errors
    }
}

/// `POST /api/v1/complaints/{id}/assign`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignComplaint {
    /// An active service, sales or manager user; `null` puts the complaint back in the queue.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub assignee_id: Option<Option<Uuid>>,
}

impl AssignComplaint {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if self.assignee_id.is_none() {
            errors.add("/assignee_id", "required", "name the assignee, or null for the queue");
        }
        errors
    }
}

/// A comment on a complaint; together they are its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    /// Always `"complaint_comment"`.
    pub object: String,
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub body: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/complaints/{id}/comments`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    pub body: String,
}

impl CreateComment {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/body", &self.body, TEXT_MAX);
        errors
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn actions_follow_the_states() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        assert_eq!(S::Open.after(A::Acknowledge), Some(S::Acknowledged));
        assert_eq!(S::Open.after(A::Resolve), Some(S::Resolved));
        assert_eq!(S::Acknowledged.after(A::Acknowledge), None);
        assert_eq!(S::InProgress.after(A::Close), None);
        assert_eq!(S::Resolved.after(A::Close), Some(S::Closed));
        assert_eq!(S::Closed.after(A::Reopen), Some(S::Open));
        assert_eq!(S::Closed.after(A::Assign), None);
        assert_eq!(S::InProgress.after(A::Assign), Some(S::InProgress));
        assert!(S::ALL.iter().filter(|s| s.is_active()).all(|s| s.allowed_actions().contains(&A::Resolve)));
    }

    #[test]
    fn deadlines_follow_the_priority() {
        let sla = SlaSettings::default();
        let start = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let (first, resolve) = sla.deadlines(Priority::Urgent, start);
        assert_eq!(first, start + Duration::hours(1));
        assert_eq!(resolve, start + Duration::hours(8));
        assert_eq!(sla.deadlines(Priority::Low, start).1, start + Duration::hours(120));
        let mut errors = Errors::default();
        let mut bad = sla;
        bad.high = SlaHours { first_response_hours: 10, resolution_hours: 5 };
        bad.low.first_response_hours = 0;
        bad.check(&mut errors, "/sla");
        let found: Vec<String> = errors.0.iter().map(|e| format!("{} {}", e.pointer, e.code)).collect();
        assert_eq!(found, ["/sla/low/first_response_hours out_of_range", "/sla/high/resolution_hours out_of_range"]);
    }

    #[test]
    fn bodies_are_checked() {
        let codes = |e: Errors| e.0.into_iter().map(|f| format!("{} {}", f.pointer, f.code)).collect::<Vec<_>>();
        assert_eq!(codes(ResolveComplaint::default().check()), ["/resolution required"]);
        assert_eq!(codes(CloseComplaint::default().check()), ["/satisfaction required"]);
        let six = CloseComplaint { satisfaction: Some(6), satisfaction_comment: None };
        assert_eq!(codes(six.check()), ["/satisfaction out_of_range"]);
        assert!(CloseComplaint { satisfaction: Some(5), satisfaction_comment: None }.check().is_empty());
        // As everywhere: an optional text that is sent must say something (leave it out instead).
        let blank = CloseComplaint { satisfaction: Some(5), satisfaction_comment: Some(" ".into()) };
        assert_eq!(codes(blank.check()), ["/satisfaction_comment required"]);
        assert_eq!(codes(ReopenComplaint { reason: Some("  ".into()) }.check()), ["/reason required"]);
        let unassign: AssignComplaint = serde_json::from_str(r#"{"assignee_id": null}"#).unwrap();
        assert!(unassign.check().is_empty());
        assert_eq!(codes(AssignComplaint::default().check()), ["/assignee_id required"]);
    }
}
