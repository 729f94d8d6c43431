//! Users as the API shows them.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::patch::present;
use crate::validate::Errors;

/// What a user may do; see the product specification's visibility rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Service,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Sales, Role::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The language a user reads Kehu in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::ZhCn, Locale::ZhTw];

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// `GET /api/v1/me`: the signed-in caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Always `"user"`.
    pub object: String,
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub locale: Locale,
    pub active: bool,
    /// What the caller's credentials allow; a signed-in user holds every scope of their role.
    pub scopes: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user as others see them (`/api/v1/users`). The password never leaves the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Always `"user"`.
    pub object: String,
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub locale: Locale,
    /// The largest line discount this user may quote without a manager's approval, e.g. `"10"`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10"))]
    pub max_discount_percent: Decimal,
    /// How many pool customers this user may hold; `null` for no limit.
    pub pool_cap: Option<i32>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/users` (admins).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// At least 10 characters. Write-only.
    pub password: String,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    #[serde(default)]
    pub locale: Option<Locale>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "10"))]
    pub max_discount_percent: Option<Decimal>,
    #[serde(default)]
    pub pool_cap: Option<i32>,
}

/// `PATCH /api/v1/users/{id}` (JSON Merge Patch; admins).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub team_id: Option<Option<Uuid>>,
    /// `true` reactivates a deactivated user; deactivate with `POST /users/{id}/deactivate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_discount_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub pool_cap: Option<Option<i32>>,
    /// Sets a new password (admins resetting someone's). Write-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current: String,
    pub new: String,
}

/// `PATCH /api/v1/me`: what users may change about themselves.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// The longest name of a user.
pub const MAX_USER_NAME: usize = 200;

/// A discount limit: 0–100 %, with at most 2 decimals.
fn check_discount(errors: &mut Errors, value: Decimal) {
    let ok = value.normalize().scale() <= 2 && value >= Decimal::ZERO && value <= Decimal::ONE_HUNDRED;
    if !ok {
        errors.add("/max_discount_percent", "out_of_range", "must be 0–100 with at most 2 decimals");
    }
}

/// How many pool customers a user may hold: none is no limit, otherwise 0 or more.
fn check_pool_cap(errors: &mut Errors, value: Option<i32>) {
    if value.is_some_and(|c| c < 0) {
        errors.add("/pool_cap", "out_of_range", "must be 0 or more");
    }
}

impl CreateUser {
    /// The checks that need nothing but the body (whether the team exists is the server's).
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.email("/email", &self.email);
        errors.text("/name", &self.name, MAX_USER_NAME);
        errors.password("/password", &self.password);
        if let Some(d) = self.max_discount_percent {
            check_discount(&mut errors, d);
        }
        check_pool_cap(&mut errors, self.pool_cap);
        errors
    }
}

impl UpdateUser {
    /// The checks of the fields a patch changes.
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if let Some(e) = &self.email {
            errors.email("/email", e);
        }
        if let Some(n) = &self.name {
            errors.text("/name", n, MAX_USER_NAME);
        }
        if let Some(p) = &self.password {
            errors.password("/password", p);
        }
        if let Some(d) = self.max_discount_percent {
            check_discount(&mut errors, d);
        }
        if let Some(cap) = self.pool_cap {
            check_pool_cap(&mut errors, cap);
        }
        errors
    }
}

impl ChangePassword {
    /// The new password's check (whether the current one is right is the server's to say).
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.password("/new", &self.new);
        errors
    }
}

impl UpdateMe {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if let Some(n) = &self.name {
            errors.text("/name", n, MAX_USER_NAME);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_their_wire_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.as_str()), Some(l));
            assert_eq!(serde_json::to_string(&l).unwrap(), format!("\"{}\"", l.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
