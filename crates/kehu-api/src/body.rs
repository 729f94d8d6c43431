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
use kehu_core::validate::Errors;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

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
            serde_path_to_error::deserialize::<_, T>(value).map(Body).map_err(|e| decode_error(&e).into())
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

/// A JSON Pointer (RFC 6901) of a decoding path.
fn pointer(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// The name between the first pair of backticks of a serde message: "missing field `name`".
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The problem for a body that does not decode: field errors with pointers (imports reuse it per row).
pub(crate) fn decode_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let message = e.inner().to_string();
    let mut at = pointer(e.path());
    if message.starts_with("unknown field") {
        if let Some(field) = quoted(&message).filter(|f| !at.ends_with(&format!("/{f}"))) {
            at.push('/');
            at.push_str(field);
        }
        let mut err = ApiError::with_detail(ErrorCode::UnknownField, format!("{at}: {message}"));
        let mut errors = Errors::default();
        errors.add(&at, "unknown_field", message);
        err.errors = errors.0;
        return err;
    }
    let mut errors = Errors::default();
    if let Some(field) = message.strip_prefix("missing field ").and_then(quoted) {
        errors.add(&format!("{at}/{field}"), "required", "is required");
    } else {
        // "invalid type: …", "unknown variant `x`, expected one of …", "invalid value: …": all
        // name only the caller's value and our own schema.
        errors.add(if at.is_empty() { "/" } else { &at }, "invalid_value", message);
    }
    ApiError::invalid(errors.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehu_core::customer::CreateCustomer;
    use serde_json::json;

    fn fail(value: serde_json::Value) -> ApiError {
        let e = serde_path_to_error::deserialize::<_, CreateCustomer>(value).unwrap_err();
        decode_error(&e)
    }

    #[test]
    fn field_problems_carry_pointers() {
        let e = fail(json!({"industry": "x"}));
        assert_eq!(
            (e.code, e.errors[0].pointer.as_str(), e.errors[0].code.as_str()),
            (ErrorCode::ValidationFailed, "/name", "required")
        );
        let e = fail(json!({"name": "A", "level": "z"}));
        assert_eq!((e.code, e.errors[0].pointer.as_str()), (ErrorCode::ValidationFailed, "/level"));
        let e = fail(json!({"name": "A", "address": {"city": 5}}));
        assert_eq!(e.errors[0].pointer, "/address/city");
        let e = fail(json!({"name": "A", "tags": ["a", 1]}));
        assert_eq!(e.errors[0].pointer, "/tags/1");
        let e = fail(json!({"name": "A", "owner": "me"}));
        assert_eq!((e.code, e.errors[0].pointer.as_str()), (ErrorCode::UnknownField, "/owner"));
        let e = fail(json!({"name": "A", "address": {"town": "x"}}));
        assert_eq!(e.errors[0].pointer, "/address/town");
    }
}
