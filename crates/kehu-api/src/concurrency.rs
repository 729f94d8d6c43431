//! Optimistic concurrency: `ETag: "<version>"` on single records, `If-Match` on writes.

use actix_web::HttpRequest;
use actix_web::http::header;
use kehu_core::ErrorCode;

use crate::error::{ApiError, ApiResult};

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `None` without the header or for `*`.
pub fn if_match(req: &HttpRequest) -> ApiResult<Option<i64>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().map_err(|_| bad_if_match())?.trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| bad_if_match())
}

fn bad_if_match() -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidParameter, "If-Match must be an ETag of this API, e.g. \"3\"")
}

pub fn etag(version: i64) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}
