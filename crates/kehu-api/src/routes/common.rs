//! What every operation shares, added to the API document in one place: the error responses that
//! come from the machinery around the handlers (authentication, the rate limit, path, query, header
//! and body parsing) and the shapes of the shared headers. Each rule below mirrors the code that
//! produces the answer, so an operation's own `responses(...)` only has to tell what is its own.
//! An operation that documents a status itself keeps its own description.

use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

use crate::error::PROBLEM_JSON;

/// The `If-Match` values `concurrency::if_match` accepts: `*`, or a version with optional `W/`
/// and quotes. A longer number than 18 digits does not fit the version's type.
const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)*"*[+-]?[0-9]{1,18}"*)$"#;

/// The `Idempotency-Key` values `crate::idempotency` accepts: 1–255 visible characters (spaces
/// and tabs inside).
const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([\t -~]*[!-~])?$";

pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let all_optional = |body: &RequestBody| all_optional_body(openapi, body);
        let mut optional_bodies = Vec::new();
        for (path, item) in &openapi.paths.paths {
            if item.post.as_ref().and_then(|op| op.request_body.as_ref()).is_some_and(all_optional) {
                optional_bodies.push(path.clone());
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/v1/");
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                complete(op, api);
            }
            if optional_bodies.contains(path) {
                // `body::Body` reads a missing body as `{}` on a POST whose fields are all optional.
                if let Some(body) = item.post.as_mut().and_then(|op| op.request_body.as_mut()) {
                    body.required = Some(Required::False);
                }
            }
        }
    }
}

/// Whether a JSON request body's schema is an object that requires no field.
fn all_optional_body(openapi: &OpenApi, body: &RequestBody) -> bool {
    let Some(content) = body.content.get("application/json") else { return false };
    let schema = match &content.schema {
        Some(RefOr::Ref(r)) => {
            let name = r.ref_location.trim_start_matches("#/components/schemas/");
            openapi.components.as_ref().and_then(|c| c.schemas.get(name))
        }
        other => other.as_ref(),
    };
    matches!(schema, Some(RefOr::T(Schema::Object(o))) if o.required.is_empty())
}

fn complete(op: &mut Operation, api: bool) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn, name: Option<&str>| {
        params.iter().any(|p| p.parameter_in == place && name.is_none_or(|n| p.name.eq_ignore_ascii_case(n)))
    };
    let in_path = has(ParameterIn::Path, None);
    let in_query = has(ParameterIn::Query, None);
    let if_match = has(ParameterIn::Header, Some("If-Match"));
    let idempotency = has(ParameterIn::Header, Some("Idempotency-Key"));
    let json_body = op.request_body.as_ref().is_some_and(|b| b.content.keys().any(|c| c.ends_with("json")));
    let any_body = op.request_body.is_some();
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());

    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
    };
    if in_query {
        add("400", "A query parameter that is unknown or malformed (`invalid_parameter`)");
    }
    if if_match || idempotency {
        add("400", "A malformed `If-Match` or `Idempotency-Key` (`invalid_parameter`)");
    }
    if json_body {
        add(
            "400",
            "A body that is not a JSON object (`malformed_request`) or names an unknown field (`unknown_field`)",
        );
        add("415", "A body that is not sent as `application/json` (`unsupported_media_type`)");
        add("422", "Fields that fail validation, each with a JSON Pointer (`validation_failed`)");
    }
    if any_body {
        add("413", "A body larger than the server accepts (`payload_too_large`)");
    }
    if secured {
        add("401", "No credentials, or credentials that are not valid (`unauthenticated`)");
        add("403", "The caller's role or the key's scopes do not allow this (`forbidden`, `insufficient_scope`)");
    }
    if in_path {
        add("404", "No such record, or not one the caller may see (`not_found`)");
    }
    if if_match {
        add("412", "`If-Match` names another version than the current one, given as `current_version`");
    }
    if idempotency {
        add("409", "A request with this `Idempotency-Key` is still running (`request_in_flight`)");
        add("422", "This `Idempotency-Key` was used for another request (`idempotency_key_reused`)");
    }
    if api {
        add("429", "Too many requests; `Retry-After` tells when to try again (`rate_limited`)");
    }

    for param in op.parameters.iter_mut().flatten() {
        shape_header(param);
    }
}

/// Gives the shared headers their accepted shapes (and a description where the route has none).
fn shape_header(param: &mut Parameter) {
    if param.parameter_in != ParameterIn::Header {
        return;
    }
    let (pattern, max, description) = match param.name.as_str() {
        "If-Match" => (
            IF_MATCH_PATTERN,
            None,
            "The `ETag` of the version the change is based on, e.g. `\"3\"`; `*` for any version",
        ),
        "Idempotency-Key" => (
            IDEMPOTENCY_KEY_PATTERN,
            Some(255),
            "Makes a retried request take effect once: the first response is replayed for 24 hours",
        ),
        _ => return,
    };
    let schema = ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).max_length(max);
    param.schema = Some(RefOr::T(schema.into()));
    param.description.get_or_insert_with(|| description.to_owned());
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build().into()
}
