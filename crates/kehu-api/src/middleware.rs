//! The one middleware every request passes: it gives the request an id, logs it, counts it, and
//! makes sure that every error response, the framework's own included, is problem+json carrying
//! that id.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use kehu_core::{ErrorCode, Problem};
use tracing::Instrument;

use crate::error::PROBLEM_JSON;
use crate::metrics::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// The id of the request being served; handlers may read it from the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client's own request id is kept when it is short and plain, so integrators can correlate.
fn accept_client_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let plain = !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    plain.then(|| s.to_owned())
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id =
        req.headers().get(&REQUEST_ID).and_then(accept_client_id).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    // The path only: query strings are for filters, but nothing in one belongs in a log.
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %path);
    let started = Instant::now();

    // Handlers turn their errors into responses, so an `Err` here would come from a middleware
    // inside this one; there are none. (Cloning the request to build a response for that case
    // would stop the router from writing the path parameters into it.)
    let res = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let mut res = if res.status().as_u16() >= 400 { into_problem(res, &request_id).await } else { res };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }

    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    if let Some(m) = metrics {
        m.record(method.as_str(), &route, status, elapsed);
    }
    span.in_scope(|| {
        tracing::info!(status, duration_ms = elapsed.as_secs_f64() * 1000.0, route = %route, "served");
    });
    Ok(res)
}

/// Puts the request id into a problem body, or replaces a non-problem error body with a problem.
async fn into_problem(res: ServiceResponse<BoxBody>, request_id: &str) -> ServiceResponse<BoxBody> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    let status = res.status();
    let (http_req, resp) = res.into_parts();
    let (mut resp, body) = resp.into_parts();
    let existing = if is_problem { to_bytes(body).await.ok() } else { None };
    let problem = existing
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let code = ErrorCode::for_status(status.as_u16());
            let mut p = Problem::new(code, None);
            // Keep the real status even where several map to one code (e.g. 428 → precondition).
            p.status = status.as_u16();
            serde_json::to_value(p).unwrap_or_default()
        });
    let mut problem = problem;
    if let Some(obj) = problem.as_object_mut() {
        obj.insert("request_id".to_owned(), serde_json::Value::String(request_id.to_owned()));
    }
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    resp.headers_mut().remove(header::CONTENT_LENGTH);
    ServiceResponse::new(http_req, resp.set_body(BoxBody::new(body)))
}
