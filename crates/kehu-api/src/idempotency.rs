//! `Idempotency-Key` on POST: the first response is stored with the write, in its transaction, and
//! replayed for a retry with the same key and body; the same key with another body is a 422; a
//! retry while the first request still runs is a 409. Keys are per caller and kept 24 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
use kehu_core::ErrorCode;
use kehu_store::db::write_transaction;
use kehu_store::{DbConnection, StoreError, idempotency};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use kehu_app::{AppError, AppResult};

use crate::error::ApiResult;
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";

/// A write's response, in a form that can be stored and replayed.
pub struct Stored {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub etag: Option<i64>,
}

impl Stored {
    pub fn created<T: serde::Serialize>(value: &T, location: String, version: i64) -> AppResult<Stored> {
        Ok(Stored {
            status: 201,
            body: serde_json::to_string(value).map_err(AppError::internal)?,
            location: Some(location),
            etag: Some(version),
        })
    }

    pub fn ok<T: serde::Serialize>(value: &T, version: Option<i64>) -> AppResult<Stored> {
        Ok(Stored {
            status: 200,
            body: serde_json::to_string(value).map_err(AppError::internal)?,
            location: None,
            etag: version,
        })
    }

    pub fn into_response(self, replayed: bool) -> HttpResponse {
        let mut resp = HttpResponse::build(StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK));
        resp.content_type("application/json");
        if let Some(l) = &self.location {
            resp.insert_header(("Location", l.as_str()));
        }
        if let Some(v) = self.etag {
            resp.insert_header(crate::concurrency::etag(v));
        }
        if replayed {
            resp.insert_header(("Idempotent-Replayed", "true"));
        }
        resp.body(self.body)
    }
}

/// How long a key is remembered, and after how long an unfinished claim is presumed dead.
const KEEP_HOURS: i64 = 24;
const STALE_CLAIM_SECS: i64 = 60;

fn key_of(req: &HttpRequest) -> AppResult<Option<String>> {
    let Some(v) = req.headers().get(HEADER) else { return Ok(None) };
    let key = v.to_str().ok().map(str::trim).filter(|k| !k.is_empty() && k.len() <= 255);
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        AppError::with_detail(ErrorCode::InvalidParameter, "Idempotency-Key must be 1–255 visible characters")
    })
}

/// Runs the write `op` (in a transaction) at most once per `Idempotency-Key` of this caller.
/// `body` is the request in canonical form, so that a retry is recognised whatever its spacing.
pub async fn run<F>(state: &AppState, req: &HttpRequest, owner: Uuid, body: String, op: F) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection) -> AppResult<Stored> + Send + 'static,
{
    let Some(key) = key_of(req)? else {
        let stored = state.db(move |conn| write_transaction(conn, op)).await?;
        return Ok(stored.into_response(false));
    };
    let fingerprint = {
        let digest = Sha256::digest(format!("{} {}\n{body}", req.method(), req.path()).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let now = state.clock.now();
    let (stored, replayed) = state
        .db(move |conn| {
            // Claim the key in a transaction of its own, so that a concurrent retry sees it.
            let existing = write_transaction::<_, AppError, _>(conn, |c| {
                match idempotency::find(c, owner, &key)? {
                    Some(row) if row.created_at < now - Duration::hours(KEEP_HOURS) => {
                        idempotency::release(c, owner, &key)?;
                    }
                    Some(row)
                        if row.state == "in_flight" && row.created_at < now - Duration::seconds(STALE_CLAIM_SECS) =>
                    {
                        // The first request died without an answer; this one takes over.
                        idempotency::release(c, owner, &key)?;
                    }
                    Some(row) => return Ok(Some(row)),
                    None => {}
                }
                match idempotency::claim(c, owner, &key, &fingerprint, now) {
                    Ok(()) => Ok(None),
                    Err(StoreError::Conflict(_)) => Err(in_flight()),
                    Err(e) => Err(e.into()),
                }
            })?;
            if let Some(row) = existing {
                if row.request_hash != fingerprint {
                    return Err(AppError::with_detail(
                        ErrorCode::IdempotencyKeyReused,
                        "this Idempotency-Key was used for a different request",
                    ));
                }
                if row.state != "done" {
                    return Err(in_flight());
                }
                let stored = Stored {
                    status: row.response_status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
                    body: row.response_body.unwrap_or_default(),
                    location: row.location,
                    etag: row.etag.and_then(|e| e.parse().ok()),
                };
                return Ok((stored, true));
            }
            let result = write_transaction::<_, AppError, _>(conn, |c| {
                let stored = op(c)?;
                let etag = stored.etag.map(|v| v.to_string());
                idempotency::complete(
                    c,
                    owner,
                    &key,
                    i32::from(stored.status),
                    &stored.body,
                    stored.location.as_deref(),
                    etag.as_deref(),
                )?;
                Ok(stored)
            });
            match result {
                Ok(stored) => Ok((stored, false)),
                Err(e) => {
                    // A refused request stores nothing: the client may fix it and retry with the key.
                    if let Err(release) = idempotency::release(conn, owner, &key) {
                        tracing::warn!(error = %release, "could not release an idempotency key");
                    }
                    Err(e)
                }
            }
        })
        .await?;
    Ok(stored.into_response(replayed))
}

fn in_flight() -> AppError {
    AppError::with_detail(ErrorCode::RequestInFlight, "a request with this Idempotency-Key is still being processed")
}
