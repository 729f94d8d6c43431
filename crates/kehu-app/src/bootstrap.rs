//! What happens once at start: migrations, the signing key, the first administrator.

use kehu_core::user::{Locale, Role};
use kehu_store::types::Id;
use kehu_store::users::{self, NewUser};
use kehu_store::{DbConnection, secrets};
use rand::Rng;

use crate::context::Context;
use crate::credentials::{hash_password, new_signing_secret};
use crate::error::AppResult;

/// The signing key for access tokens: the configured one, or one made once and kept in the
/// database so that every instance on it signs and checks alike.
pub fn signing_secret(conn: &mut DbConnection, configured: Option<&str>) -> AppResult<String> {
    match configured {
        Some(s) => Ok(s.to_owned()),
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

/// The first administrator's account, from the configuration.
pub struct FirstAdmin<'a> {
    pub email: &'a str,
    /// `None`: a password is generated and handed back once.
    pub password: Option<&'a str>,
}

/// Creates the first administrator unless an administrator exists.
pub fn ensure_admin(conn: &mut DbConnection, ctx: &Context, admin: &FirstAdmin<'_>) -> AppResult<Option<CreatedAdmin>> {
    if users::has_admin(conn)? {
        return Ok(None);
    }
    let (password, generated) = match admin.password {
        Some(p) => (p.to_owned(), None),
        None => {
            let p = generate_password();
            (p.clone(), Some(p))
        }
    };
    let email = users::normalize_email(admin.email);
    let hash = hash_password(&password)?;
    let now = ctx.now();
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
