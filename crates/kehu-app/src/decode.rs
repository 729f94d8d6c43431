//! Decoding a JSON request body into its type while tracking where in the document decoding
//! failed, so that every field problem comes back with a JSON Pointer: a missing, mistyped or
//! out-of-range field is 422 `validation_failed` on that field, a field the operation does not
//! know is 400 `unknown_field`. The HTTP adapter decodes bodies with it; imports decode each row.

use kehu_core::ErrorCode;
use kehu_core::validate::Errors;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::AppError;

/// Decodes a JSON value into `T`, or the problem that says which field is wrong.
pub fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| decode_error(&e))
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
pub fn decode_error(e: &serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let message = e.inner().to_string();
    let mut at = pointer(e.path());
    if message.starts_with("unknown field") {
        if let Some(field) = quoted(&message).filter(|f| !at.ends_with(&format!("/{f}"))) {
            at.push('/');
            at.push_str(field);
        }
        let mut err = AppError::with_detail(ErrorCode::UnknownField, format!("{at}: {message}"));
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
    AppError::invalid(errors.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehu_core::customer::CreateCustomer;
    use serde_json::json;

    fn fail(value: serde_json::Value) -> AppError {
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
