//! API keys and scopes. What a key may do is its scopes, within what its owner's role allows, on
//! the records its owner may see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::user::Role;

/// The resources that have `:read` and `:write` scopes.
pub const RESOURCES: [&str; 10] =
    ["customers", "contacts", "leads", "products", "quotes", "purchases", "complaints", "activities", "users", "teams"];

/// Scopes that stand alone.
pub const SPECIAL_SCOPES: [&str; 3] = ["analytics:read", "webhooks:manage", "admin"];

/// Every scope a key may be given.
pub fn all_scopes() -> Vec<String> {
    let mut all: Vec<String> = RESOURCES.iter().flat_map(|r| [format!("{r}:read"), format!("{r}:write")]).collect();
    all.extend(SPECIAL_SCOPES.iter().map(|s| (*s).to_owned()));
    all
}

/// The scopes a role holds; a signed-in user holds all of them, a key at most these.
pub fn role_scopes(role: Role) -> Vec<String> {
    let rw = |r: &str| [format!("{r}:read"), format!("{r}:write")];
    let mut s: Vec<String> = match role {
        Role::Admin => return all_scopes(),
        Role::Manager | Role::Sales => {
            ["customers", "contacts", "leads", "quotes", "purchases", "complaints", "activities"]
                .iter()
                .flat_map(|r| rw(r))
                .collect()
        }
        Role::Service => {
            let mut v: Vec<String> = ["complaints", "activities"].iter().flat_map(|r| rw(r)).collect();
            v.extend(["customers:read".to_owned(), "contacts:read".to_owned()]);
            v
        }
    };
    s.extend(["products:read", "users:read", "teams:read"].iter().map(|x| (*x).to_owned()));
    if role == Role::Manager {
        // Managers keep the catalog up to date with administrators.
        s.push("products:write".to_owned());
    }
    if matches!(role, Role::Manager | Role::Sales) {
        s.push("analytics:read".to_owned());
    }
    s
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
        assert!(role_scopes(Role::Admin).contains(&"admin".to_owned()));
        assert!(!role_scopes(Role::Sales).contains(&"users:write".to_owned()));
        assert!(role_scopes(Role::Manager).contains(&"products:write".to_owned()));
        assert!(!role_scopes(Role::Sales).contains(&"products:write".to_owned()));
        assert!(!role_scopes(Role::Service).contains(&"customers:write".to_owned()));
    }
}
