//! What happens once at start: migrations, the signing key, the first administrator.

use kehu_core::user::{Locale, Role};
use kehu_store::types::Id;
use kehu_store::users::{self, NewUser};
use kehu_store::{DbConnection, secrets};
use rand::Rng;

use crate::auth::{hash_password, new_signing_secret};
use crate::config::Config;
use crate::error::ApiResult;

/// The signing key for access tokens: the configured one, or one made once and kept in the
/// database so that every instance on it signs and checks alike.
pub fn signing_secret(conn: &mut DbConnection, config: &Config) -> ApiResult<String> {
    match &config.jwt_secret {
        Some(s) => Ok(s.clone()),
        None => Ok(secrets::get_or_create(conn, "jwt_signing_key", new_signing_secret)?),
    }
}

/// A first administrator, created when there is none yet.
pub struct CreatedAdmin {
    pub email: String,
    /// Set only when the password was generated here; it is shown once and never stored.
    pub generated_password: Option<String>,
}

fn generate_password() -> String {
    // No look-alike characters, so it can be typed from a terminal.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

/// Creates the first administrator from the configuration unless an administrator exists.
pub fn ensure_admin(conn: &mut DbConnection, config: &Config) -> ApiResult<Option<CreatedAdmin>> {
    if users::has_admin(conn)? {
        return Ok(None);
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.clone(), None),
        None => {
            let p = generate_password();
            (p.clone(), Some(p))
        }
    };
    let email = users::normalize_email(&config.admin_email);
    let hash = hash_password(&password)?;
    let now = kehu_store::now();
    users::insert(
        conn,
        &NewUser {
            id: Id(kehu_store::new_id()),
            email: &email,
            name: "Administrator",
            password_hash: &hash,
            role: Role::Admin.as_str(),
            team_id: None,
            locale: Locale::En.as_str(),
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: None,
            updated_by: None,
            max_discount_e4: 0,
            pool_cap: None,
        },
    )?;
    Ok(Some(CreatedAdmin { email, generated_password: generated }))
}
