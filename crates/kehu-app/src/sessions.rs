//! Sign-in sessions: login, refresh-token rotation with reuse detection, logout. The access token
//! (a JWT) is the HTTP adapter's business; here a session is its refresh-token family.

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use kehu_core::ErrorCode;
use kehu_core::auth::LoginRequest;
use kehu_store::db::write_transaction;
use kehu_store::login_attempts::{self, By};
use kehu_store::sessions::{self as store_sessions, RefreshToken};
use kehu_store::types::Id;
use kehu_store::{DbConnection, users};
use uuid::Uuid;

use crate::context::Context;
use crate::credentials::{hash_token, new_refresh_token, verify_password};
use crate::error::{AppError, AppResult};

/// How sessions behave, from the configuration.
#[derive(Debug, Clone)]
pub struct SessionRules {
    pub refresh_ttl: ChronoDuration,
    /// Failed sign-ins allowed per account and per address within `login_window`.
    pub login_max_failures: u32,
    pub login_window: ChronoDuration,
}

/// A session just opened or renewed: whose it is, and its next refresh token.
pub struct Opened {
    pub user_id: Uuid,
    pub refresh_token: String,
    pub refresh_max_age_secs: i64,
}

/// Stores a new refresh token of `family` for `user_id`.
fn open(
    conn: &mut DbConnection,
    rules: &SessionRules,
    now: NaiveDateTime,
    user_id: Uuid,
    family: Uuid,
) -> AppResult<Opened> {
    let refresh_token = new_refresh_token();
    store_sessions::insert(
        conn,
        &RefreshToken {
            id: Id(kehu_store::new_id()),
            user_id: Id(user_id),
            family_id: Id(family),
            token_hash: hash_token(&refresh_token),
            expires_at: now + rules.refresh_ttl,
            created_at: now,
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(Opened { user_id, refresh_token, refresh_max_age_secs: rules.refresh_ttl.num_seconds() })
}

/// Seconds until fewer than `max` of these failures (oldest first) are inside the window, or
/// `None` when there are fewer already.
fn locked_for(failures: &[NaiveDateTime], max: usize, window: ChronoDuration, now: NaiveDateTime) -> Option<u64> {
    if max == 0 || failures.len() < max {
        return None;
    }
    let until = failures[failures.len() - max] + window;
    let millis = (until - now).num_milliseconds().max(0);
    let secs = ((millis + 999) / 1000).max(1);
    u64::try_from(secs).ok()
}

/// Checks the password and opens a new session family. After `login_max_failures` failures in
/// `login_window` for the account or from the address, every attempt is refused with 429 (the
/// right password too) until the window has passed. Attempts are logged with the email, address
/// and outcome, never the password.
pub fn login(
    conn: &mut DbConnection,
    ctx: &Context,
    rules: &SessionRules,
    body: &LoginRequest,
    address: &str,
) -> AppResult<Opened> {
    let email = users::normalize_email(&body.email);
    let result = attempt(conn, ctx, rules, &email, &body.password, address);
    match &result {
        Ok(_) => tracing::info!(email = %email, address = %address, outcome = "success", "login attempt"),
        Err(e) if e.code == ErrorCode::InvalidCredentials => {
            tracing::warn!(email = %email, address = %address, outcome = "failure", "login attempt");
        }
        Err(e) if e.code == ErrorCode::RateLimited => {
            tracing::warn!(email = %email, address = %address, outcome = "throttled", "login attempt");
        }
        Err(_) => {}
    }
    result
}

fn attempt(
    conn: &mut DbConnection,
    ctx: &Context,
    rules: &SessionRules,
    email: &str,
    password: &str,
    address: &str,
) -> AppResult<Opened> {
    let now = ctx.now();
    let window = rules.login_window;
    let max = usize::try_from(rules.login_max_failures).map_err(AppError::internal)?;
    let cap = i64::try_from(max).map_err(AppError::internal)?.saturating_add(1);
    let since = now - window;
    let by_email = login_attempts::failures_since(conn, By::Email(email), since, cap)?;
    let by_address = login_attempts::failures_since(conn, By::Address(address), since, cap)?;
    let locked = locked_for(&by_email, max, window, now).max(locked_for(&by_address, max, window, now));
    if let Some(secs) = locked {
        return Err(AppError {
            retry_after: Some(secs),
            ..AppError::with_detail(ErrorCode::RateLimited, "too many failed sign-ins; try again later")
        });
    }
    let user = users::find_by_email(conn, email)?;
    let ok = verify_password(password, user.as_ref().map(|u| u.password_hash.as_str()));
    match user {
        Some(u) if ok && u.can_sign_in() => {
            let id = u.id.0;
            write_transaction(conn, |conn| {
                login_attempts::record(conn, email, address, true, now)?;
                open(conn, rules, now, id, kehu_store::new_id())
            })
        }
        _ => {
            login_attempts::record(conn, email, address, false, now)?;
            login_attempts::prune(conn, now - ChronoDuration::days(1))?;
            Err(AppError::new(ErrorCode::InvalidCredentials))
        }
    }
}

fn invalid_refresh(cause: &str) -> AppError {
    AppError { cause: Some(cause.to_owned()), ..AppError::new(ErrorCode::InvalidRefreshToken) }
}

/// Spends a refresh token and opens the next one of its family. A token that was already spent
/// means two parties hold it: the whole family is revoked and both must sign in again.
pub fn refresh(conn: &mut DbConnection, ctx: &Context, rules: &SessionRules, token: Option<&str>) -> AppResult<Opened> {
    let token = token.ok_or_else(|| invalid_refresh("no refresh cookie"))?;
    let hash = hash_token(token);
    let now = ctx.now();
    let outcome = write_transaction::<_, AppError, _>(conn, |conn| {
        let Some(row) = store_sessions::find_by_hash(conn, &hash)? else {
            return Ok(Err(invalid_refresh("unknown refresh token")));
        };
        let family = row.family_id.0;
        if row.used_at.is_some() || row.revoked_at.is_some() {
            let revoked = store_sessions::revoke_family(conn, family, now)?;
            tracing::warn!(family = %family, revoked, "refresh token reused: session family revoked");
            return Ok(Err(invalid_refresh("refresh token reused")));
        }
        if row.expires_at <= now {
            return Ok(Err(invalid_refresh("refresh token expired")));
        }
        let active = users::find_by_id(conn, row.user_id.0)?.is_some_and(|u| u.can_sign_in());
        if !active {
            store_sessions::revoke_family(conn, family, now)?;
            return Ok(Err(invalid_refresh("account not active")));
        }
        if !store_sessions::mark_used(conn, row.id.0, now)? {
            // Lost a race with another refresh of the same token: treat as reuse.
            store_sessions::revoke_family(conn, family, now)?;
            return Ok(Err(invalid_refresh("refresh token raced")));
        }
        open(conn, rules, now, row.user_id.0, family).map(Ok)
    })?;
    // The revocation above must commit even though the caller gets an error, so the refusal
    // travels out of the transaction as a value rather than as its error.
    outcome
}

/// Revokes the session family of the given refresh token, if any.
pub fn logout(conn: &mut DbConnection, ctx: &Context, token: Option<&str>) -> AppResult<()> {
    let Some(token) = token else { return Ok(()) };
    if let Some(row) = store_sessions::find_by_hash(conn, &hash_token(token))? {
        store_sessions::revoke_family(conn, row.family_id.0, ctx.now())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_lasts_until_enough_failures_age_out() {
        let t = |s: i64| NaiveDateTime::default() + ChronoDuration::seconds(s);
        let window = ChronoDuration::seconds(900);
        let failures: Vec<_> = (0..10).map(t).collect();
        assert_eq!(locked_for(&failures[..9], 10, window, t(10)), None);
        assert_eq!(locked_for(&failures, 10, window, t(10)), Some(890));
        let more: Vec<_> = (0..12).map(t).collect();
        // Two of the twelve must age out before fewer than ten remain.
        assert_eq!(locked_for(&more, 10, window, t(12)), Some(890));
        assert_eq!(locked_for(&failures, 10, window, t(899)), Some(1));
    }
}
