//! The JSON body extractor of every write. It reads the body through actix's JSON extractor (size
//! limit, content type, syntax), then decodes it into the request type while tracking where in
//! the document decoding failed, so that every field problem comes back with a JSON Pointer:
//! a missing, mistyped or out-of-range field is 422 `validation_failed` on that field, a field the
//! operation does not know is 400 `unknown_field`.

use actix_web::dev::Payload;
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
