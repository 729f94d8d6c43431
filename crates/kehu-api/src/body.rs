//! The JSON body extractor of every write. It reads the body through actix's JSON extractor (size
//! limit, content type, syntax), then decodes it into the request type while tracking where in
//! the document decoding failed, so that every field problem comes back with a JSON Pointer:
//! a missing, mistyped or out-of-range field is 422 `validation_failed` on that field, a field the
//! operation does not know is 400 `unknown_field`.
//!
//! A POST whose fields are all optional (an action such as converting a lead) may come with no
//! body at all: that reads as `{}`, so a caller who has nothing to say need not send a body and a
//! content type to say so.

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use kehu_core::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body of type `T`.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.method() == Method::POST && has_no_body(req) {
            // Only where `{}` is a valid request: elsewhere the missing body stays the error it was.
            if let Ok(empty) = serde_json::from_value::<T>(serde_json::Value::Object(Default::default())) {
                return Box::pin(std::future::ready(Ok(Body(empty))));
            }
        }
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                // Every request body of the API is an object; anything else is not a near miss.
                return Err(ApiError::with_detail(ErrorCode::MalformedRequest, "the body must be a JSON object").into());
            }
            kehu_app::decode::decode::<T>(value).map(Body).map_err(|e| ApiError::from(e).into())
        })
    }
}

/// Whether the request says it carries no body: `Content-Length: 0`, or neither a length nor
/// chunked transfer.
fn has_no_body(req: &HttpRequest) -> bool {
    let headers = req.headers();
    match headers.get(header::CONTENT_LENGTH) {
        Some(length) => length.to_str().ok().and_then(|l| l.trim().parse::<u64>().ok()) == Some(0),
        None => !headers.contains_key(header::TRANSFER_ENCODING),
    }
}
