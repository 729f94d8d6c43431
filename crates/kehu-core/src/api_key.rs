//! API keys and scopes. What a key may do is its scopes, within what its owner's role allows, on
//! the records its owner may see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::user::Role;
use crate::validate::Errors;

/// The resources that have `:read` and `:write` scopes.
pub const RESOURCES: [&str; 10] =
    ["customers", "contacts", "leads", "products", "quotes", "purchases", "complaints", "activities", "users", "teams"];

crate::wire_enum! {
    /// What a caller may be allowed: `<resource>:read` and `:write` for each of [`RESOURCES`], and
    /// three that stand alone. A session holds every scope of its role; an API key holds the ones
    /// it was given, within its owner's role.
    pub enum Scope {
        CustomersRead = "customers:read",
        CustomersWrite = "customers:write",
        ContactsRead = "contacts:read",
        ContactsWrite = "contacts:write",
        LeadsRead = "leads:read",
        LeadsWrite = "leads:write",
        ProductsRead = "products:read",
        ProductsWrite = "products:write",
        QuotesRead = "quotes:read",
        QuotesWrite = "quotes:write",
        PurchasesRead = "purchases:read",
        PurchasesWrite = "purchases:write",
        ComplaintsRead = "complaints:read",
        ComplaintsWrite = "complaints:write",
        ActivitiesRead = "activities:read",
        ActivitiesWrite = "activities:write",
        UsersRead = "users:read",
        UsersWrite = "users:write",
        TeamsRead = "teams:read",
        TeamsWrite = "teams:write",
        AnalyticsRead = "analytics:read",
        WebhooksManage = "webhooks:manage",
        Admin = "admin",
    }
}

impl Scope {
    /// `<resource>:read` or `:write`, for a name of [`RESOURCES`].
    pub fn of(resource: &str, write: bool) -> Option<Scope> {
        Scope::parse(&format!("{resource}:{}", if write { "write" } else { "read" }))
    }

    /// The scopes that stand alone (reports, webhooks, administration).
    pub fn is_special(self) -> bool {
        matches!(self, Scope::AnalyticsRead | Scope::WebhooksManage | Scope::Admin)
    }
}

/// Scopes that stand alone.
pub const SPECIAL_SCOPES: [Scope; 3] = [Scope::AnalyticsRead, Scope::WebhooksManage, Scope::Admin];

/// Every scope a key may be given, in the order the API lists them.
pub fn all_scopes() -> Vec<Scope> {
    Scope::ALL.to_vec()
}

/// The scopes a role holds; a signed-in user holds all of them, a key at most these.
pub fn role_scopes(role: Role) -> Vec<Scope> {
    use Scope as S;
    // In the order the API has always listed them (`GET /me` shows them so).
    const SELLING: [Scope; 14] = [
        S::CustomersRead,
        S::CustomersWrite,
        S::ContactsRead,
        S::ContactsWrite,
        S::LeadsRead,
        S::LeadsWrite,
        S::QuotesRead,
        S::QuotesWrite,
        S::PurchasesRead,
        S::PurchasesWrite,
        S::ComplaintsRead,
        S::ComplaintsWrite,
        S::ActivitiesRead,
        S::ActivitiesWrite,
    ];
    const DIRECTORY: [Scope; 3] = [S::ProductsRead, S::UsersRead, S::TeamsRead];
    let mut held = match role {
        Role::Admin => return all_scopes(),
        Role::Manager | Role::Sales => SELLING.to_vec(),
        Role::Service => {
            vec![
                S::ComplaintsRead,
                S::ComplaintsWrite,
                S::ActivitiesRead,
                S::ActivitiesWrite,
                S::CustomersRead,
                S::ContactsRead,
            ]
        }
    };
    held.extend(DIRECTORY);
    if role == Role::Manager {
        // Managers keep the catalog up to date with administrators.
        held.push(S::ProductsWrite);
    }
    if matches!(role, Role::Manager | Role::Sales) {
        held.push(S::AnalyticsRead);
    }
    held
}

/// The scope names of a list, as the wire carries them.
pub fn scope_names(scopes: &[Scope]) -> Vec<String> {
    scopes.iter().map(|s| s.as_str().to_owned()).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Always `"api_key"`.
    pub object: String,
    pub id: Uuid,
    /// The user whose access the key carries (narrowed to its scopes).
    pub owner_id: Uuid,
    pub name: String,
    /// The key's first characters (`kehu_…`), to recognise it; the rest is never shown again.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

/// `POST /api/v1/api-keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// The longest name of a key.
pub const MAX_KEY_NAME: usize = 100;

impl CreateApiKey {
    /// The checks of a new key made by someone of `role` at `now`: [`CreateApiKey::check_fields`],
    /// and an expiry in the future.
    pub fn check(&self, role: Role, now: DateTime<Utc>) -> Errors {
        let mut errors = self.check_fields(role);
        if self.expires_at.is_some_and(|e| e <= now) {
            errors.add("/expires_at", "must_be_future", "must be in the future");
        }
        errors
    }

    /// The checks that need no clock: a name, and at least one scope, each a known one that
    /// `role` holds.
    pub fn check_fields(&self, role: Role) -> Errors {
        let mut errors = Errors::default();
        errors.text("/name", &self.name, MAX_KEY_NAME);
        if self.scopes.is_empty() {
            errors.add("/scopes", "required", "name at least one scope");
        }
        let allowed = role_scopes(role);
        for (i, name) in self.scopes.iter().enumerate() {
            match Scope::parse(name) {
                None => errors.add(&format!("/scopes/{i}"), "unknown_scope", format!("{name:?} is not a scope")),
                Some(scope) if !allowed.contains(&scope) => {
                    errors.add(&format!("/scopes/{i}"), "exceeds_role", format!("your role does not hold {name}"));
                }
                Some(_) => {}
            }
        }
        errors
    }
}

/// The create response: the key and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The full key, `kehu_…`: send it as `Authorization: Bearer <secret>`. Shown only now.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_hold_subsets_of_all_scopes() {
        let all = all_scopes();
        assert_eq!(all.len(), 23);
        for role in Role::ALL {
            let scopes = role_scopes(role);
            assert!(scopes.iter().all(|s| all.contains(s)), "{role:?}");
        }
        assert!(role_scopes(Role::Admin).contains(&Scope::Admin));
        assert!(!role_scopes(Role::Sales).contains(&Scope::UsersWrite));
        assert!(role_scopes(Role::Manager).contains(&Scope::ProductsWrite));
        assert!(!role_scopes(Role::Sales).contains(&Scope::ProductsWrite));
        assert!(!role_scopes(Role::Service).contains(&Scope::CustomersWrite));
        for resource in RESOURCES {
            for write in [false, true] {
                assert!(Scope::of(resource, write).is_some(), "{resource}");
            }
        }
        assert_eq!(Scope::parse("customers:read"), Some(Scope::CustomersRead));
        assert_eq!(serde_json::to_string(&Scope::WebhooksManage).unwrap(), "\"webhooks:manage\"");
    }

    #[test]
    fn a_new_key_is_checked_against_the_role_and_the_clock() {
        let now = Utc::now();
        let body = |scopes: &[&str], expires: Option<DateTime<Utc>>| CreateApiKey {
            name: "Sync".into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires_at: expires,
        };
        assert!(body(&["customers:read"], None).check(Role::Sales, now).is_empty());
        let codes = |e: Errors| e.0.into_iter().map(|f| (f.pointer, f.code)).collect::<Vec<_>>();
        assert_eq!(
            codes(body(&["customers:read", "nope", "users:write"], Some(now)).check(Role::Sales, now)),
            [
                ("/scopes/1".to_owned(), "unknown_scope".to_owned()),
                ("/scopes/2".to_owned(), "exceeds_role".to_owned()),
                ("/expires_at".to_owned(), "must_be_future".to_owned()),
            ]
        );
        assert_eq!(codes(body(&[], None).check(Role::Admin, now)), [("/scopes".to_owned(), "required".to_owned())]);
    }
}
