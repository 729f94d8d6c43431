//! Contacts: the people at a customer. A contact is visible to whoever sees its customer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// How a contact prefers to be reached.
    pub enum ContactChannel { Phone = "phone", Email = "email", Sms = "sms", Wechat = "wechat", Visit = "visit" }
}

/// Channels the contact asked not to be contacted through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DoNotContact {
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub phone: bool,
    #[serde(default)]
    pub sms: bool,
}

/// A contact (`/api/v1/contacts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// Always `"contact"`.
    pub object: String,
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub preferred_channel: Option<ContactChannel>,
    pub do_not_contact: DoNotContact,
    /// The customer's main contact; at most one per customer.
    pub is_primary: bool,
    pub notes: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: Map<String, Value>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/contacts`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    pub customer_id: Uuid,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<ContactChannel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_contact: Option<DoNotContact>,
    /// Making a contact primary makes the customer's previous primary contact ordinary.
    #[serde(default)]
    pub is_primary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: Map<String, Value>,
}

/// `PATCH /api/v1/contacts/{id}` (JSON Merge Patch).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    /// Moves the contact to another customer the caller may change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub department: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub birthday: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ContactChannel>))]
    pub preferred_channel: Option<Option<ContactChannel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_contact: Option<DoNotContact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Option<Option<String>>,
    /// Merged into the current values; a `null` value clears that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub custom_fields: Option<Map<String, Value>>,
}

pub const NOTES_MAX: usize = 5000;

fn check_common(
    errors: &mut Errors,
    phone: Option<&str>,
    mobile: Option<&str>,
    email: Option<&str>,
    birthday: Option<NaiveDate>,
    today: NaiveDate,
) {
    if let Some(p) = phone {
        errors.phone("/phone", p);
    }
    if let Some(m) = mobile {
        errors.phone("/mobile", m);
    }
    if let Some(e) = email {
        errors.email("/email", e);
    }
    if birthday.is_some_and(|b| b > today) {
        errors.add("/birthday", "in_future", "a birthday cannot be in the future");
    }
}

impl CreateContact {
    /// Field checks that need no database; `today` bounds the birthday.
    pub fn check(&self, today: NaiveDate) -> Errors {
        let mut errors = Errors::default();
        errors.text("/name", &self.name, 200);
        for (pointer, value) in [("/title", &self.title), ("/department", &self.department)] {
            if let Some(v) = value {
                errors.text(pointer, v, 200);
            }
        }
        if let Some(n) = &self.notes {
            errors.text("/notes", n, NOTES_MAX);
        }
        check_common(
            &mut errors,
            self.phone.as_deref(),
            self.mobile.as_deref(),
            self.email.as_deref(),
            self.birthday,
            today,
        );
        errors
    }
}

impl UpdateContact {
    pub fn check(&self, today: NaiveDate) -> Errors {
        let mut errors = Errors::default();
        if let Some(n) = &self.name {
            errors.text("/name", n, 200);
        }
        let set = |v: &Option<Option<String>>| v.clone().flatten();
        for (pointer, value) in [("/title", set(&self.title)), ("/department", set(&self.department))] {
            if let Some(v) = value {
                errors.text(pointer, &v, 200);
            }
        }
        if let Some(n) = set(&self.notes) {
            errors.text("/notes", &n, NOTES_MAX);
        }
        check_common(
            &mut errors,
            set(&self.phone).as_deref(),
            set(&self.mobile).as_deref(),
            set(&self.email).as_deref(),
            self.birthday.flatten(),
            today,
        );
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let body: CreateContact = serde_json::from_value(serde_json::json!({
            "customer_id": Uuid::nil(), "name": "李雷", "mobile": "12", "birthday": "2030-01-01"
        }))
        .unwrap();
        let pointers: Vec<String> = body.check(today).0.into_iter().map(|e| e.pointer).collect();
        assert_eq!(pointers, ["/mobile", "/birthday"]);
        let patch: UpdateContact = serde_json::from_str(r#"{"email": null, "do_not_contact": {"sms": true}}"#).unwrap();
        assert_eq!(patch.email, Some(None));
        assert!(patch.do_not_contact.unwrap().sms);
        assert!(patch.check(today).is_empty());
    }
}
