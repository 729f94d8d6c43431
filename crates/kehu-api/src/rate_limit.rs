//! Per-caller request limits for the API, with `RateLimit` / `RateLimit-Policy` headers
//! (draft-ietf-httpapi-ratelimit-headers) on every API response and 429 past the limit.
//!
//! The caller is the user of a session token, the API key, or else the client address. Counting
//! is per instance, in memory, in fixed one-minute windows: exact for one instance (which is what
//! SQLite allows); with several instances on PostgreSQL each enforces the limit on its own share.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use kehu_core::ErrorCode;

use crate::error::ApiError;
use crate::state::AppState;
use kehu_app::AppError;
use kehu_app::credentials::{API_KEY_PREFIX, hash_token};

const WINDOW_SECS: u64 = 60;
const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");
const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

pub struct RateLimiter {
    limit: u64,
    windows: Mutex<HashMap<String, (u64, u64)>>,
}

/// The outcome of counting one request.
struct Count {
    allowed: bool,
    remaining: u64,
    reset: u64,
}

impl RateLimiter {
    pub fn new(limit_per_minute: u64) -> Self {
        Self { limit: limit_per_minute, windows: Mutex::new(HashMap::new()) }
    }

    fn count(&self, caller: String, now_secs: u64) -> Count {
        let window = now_secs / WINDOW_SECS;
        let reset = (window + 1) * WINDOW_SECS - now_secs;
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock only means another request panicked mid-count; do not block traffic.
            return Count { allowed: true, remaining: self.limit, reset };
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (w, _)| *w == window);
        }
        let entry = windows.entry(caller).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        Count { allowed: entry.1 <= self.limit, remaining: self.limit.saturating_sub(entry.1), reset }
    }
}

/// Who is calling, for counting: cheap to work out, no database.
fn caller(req: &ServiceRequest, state: Option<&web::Data<AppState>>) -> String {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned());
    if let Some(t) = token {
        if t.starts_with(API_KEY_PREFIX) {
            return format!("key:{}", &hash_token(&t)[..24]);
        }
        if let Some(claims) = state.and_then(|s| s.keys.verify(&t).ok()) {
            return format!("user:{}", claims.sub);
        }
    }
    let info = req.connection_info();
    let trust = state.is_some_and(|s| s.config.trust_proxy);
    let addr = if trust { info.realip_remote_addr() } else { info.peer_addr() };
    format!("addr:{}", addr.unwrap_or("unknown"))
}

pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !req.path().starts_with("/api/v1/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(limiter) = req.app_data::<web::Data<RateLimiter>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let count = limiter.count(caller(&req, state.as_ref()), now);
    let mut res = if count.allowed {
        next.call(req).await?.map_into_boxed_body()
    } else {
        let err = ApiError(AppError {
            retry_after: Some(count.reset),
            ..AppError::with_detail(ErrorCode::RateLimited, "too many requests; slow down")
        });
        req.into_response(err.error_response())
    };
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("{};w={WINDOW_SECS}", limiter.limit)) {
        headers.insert(RATE_LIMIT_POLICY, v);
    }
    let value = format!("limit={}, remaining={}, reset={}", limiter.limit, count.remaining, count.reset);
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(RATE_LIMIT, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_caller_in_fixed_windows() {
        let l = RateLimiter::new(2);
        assert!(l.count("a".into(), 120).allowed);
        let second = l.count("a".into(), 121);
        assert!(second.allowed && second.remaining == 0 && second.reset == 59);
        assert!(!l.count("a".into(), 122).allowed);
        assert!(l.count("b".into(), 122).allowed, "another caller has its own budget");
        assert!(l.count("a".into(), 180).allowed, "a new window starts afresh");
    }
}
