//! The shared machinery of list endpoints: `limit`, `cursor`, `sort`, `include`, and allowlisted
//! filters. Anything not on a resource's allowlist is a 400, so a typo never silently returns
//! everything.
//!
//! A resource declares its sorts and its [`Filter`]s once; the same declaration is the allowlist
//! that [`ListRequest::parse`] enforces and the query parameters that the API document lists
//! (through [`list_params!`]), so the two cannot disagree.

use std::collections::HashMap;

use actix_web::HttpRequest;
use kehu_core::ErrorCode;
use kehu_core::list::{DEFAULT_LIMIT, List, MAX_LIMIT};
use kehu_store::page::{Dir, Page, Paged};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Required};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidParameter, detail)
}

/// An accepted filter parameter of a list: its name in the query, the values it takes, and what
/// it means (for the API document).
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub name: &'static str,
    pub values: Values,
    pub description: &'static str,
    /// A list that cannot do without it answers 400 when it is missing.
    pub required: bool,
}

/// What a filter's value looks like; it must match the helper of [`ListRequest`] that reads it.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Any text ([`ListRequest::filter`]).
    Text,
    /// Any text, several separated by commas.
    Texts,
    /// One of these names ([`ListRequest::filter`] then the enum's `parse`).
    OneOf(fn() -> Vec<&'static str>),
    /// Any of these names, comma-separated ([`ListRequest::filter_any`]).
    AnyOf(fn() -> Vec<&'static str>),
    /// A UUID ([`ListRequest::filter_uuid`]).
    Uuid,
    /// Up to this many UUIDs, comma-separated.
    Uuids(u64),
    /// `me`, user ids and, when `pool` is true, `none` ([`ListRequest::filter_owners`]).
    Owners { pool: bool },
    /// `true` or `false` ([`ListRequest::filter_bool`]).
    Bool,
    /// An RFC 3339 time or a `YYYY-MM-DD` date ([`ListRequest::filter_time`]).
    Time,
}

impl Filter {
    pub const fn new(name: &'static str, values: Values, description: &'static str) -> Filter {
        Filter { name, values, description, required: false }
    }

    pub const fn required(self) -> Filter {
        Filter { required: true, ..self }
    }

    fn parameter(&self) -> Parameter {
        let string = || ObjectBuilder::new().schema_type(Type::String);
        let uuid = || string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
        let names = |names: Vec<&'static str>| string().enum_values(Some(names));
        let list = |item: Schema, max: Option<u64>| -> Schema {
            ArrayBuilder::new().items(RefOr::T(item)).min_items(Some(1)).max_items(max.map(|m| m as usize)).into()
        };
        let (schema, comma_separated): (Schema, bool) = match self.values {
            Values::Text => (string().into(), false),
            Values::Texts => (list(string().into(), None), true),
            Values::OneOf(values) => (names(values()).into(), false),
            Values::AnyOf(values) => (list(names(values()).into(), None), true),
            Values::Uuid => (uuid().into(), false),
            Values::Uuids(max) => (list(uuid().into(), Some(max)), true),
            Values::Owners { pool } => {
                let words = if pool { vec!["me", "none"] } else { vec!["me"] };
                let item = AnyOfBuilder::new().item(names(words)).item(uuid()).into();
                (list(item, None), true)
            }
            Values::Bool => (ObjectBuilder::new().schema_type(Type::Boolean).into(), false),
            Values::Time => {
                let time = string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
                let date = string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
                (AnyOfBuilder::new().item(time).item(date).into(), false)
            }
        };
        let builder = query(self.name, schema, self.description).required(if self.required {
            Required::True
        } else {
            Required::False
        });
        // `a,b` is what OpenAPI calls an unexploded form-style array.
        if comma_separated { builder.style(Some(ParameterStyle::Form)).explode(Some(false)) } else { builder }.build()
    }
}

fn query(name: &str, schema: impl Into<RefOr<Schema>>, description: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .description((!description.is_empty()).then_some(description))
}

/// The query parameters of a list, as the API document shows them: `limit`, `cursor`, `sort`
/// (its values from `sorts`, the first the default), `include`, then every filter.
pub fn parameters<S>(sorts: &[(&str, S)], sort_description: &str, filters: &[Filter]) -> Vec<Parameter> {
    let limit = ObjectBuilder::new()
        .schema_type(SchemaType::from(Type::Integer))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT))
        .default(Some(DEFAULT_LIMIT.into()));
    let sort_values: Vec<String> =
        sorts.iter().flat_map(|(name, _)| [(*name).to_owned(), format!("-{name}")]).collect();
    let default_sort = sorts.first().map(|(name, _)| format!("`{name}`")).unwrap_or_default();
    let sort_doc = format!("The order: {default_sort} by default; `-` in front for descending. {sort_description}");
    let sort = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(sort_values));
    let include = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["total_count"]));
    let mut out = vec![
        query("limit", limit, "How many records a page holds").build(),
        query(
            "cursor",
            ObjectBuilder::new().schema_type(Type::String),
            "`next_cursor` of the previous page, with the same `sort`",
        )
        .build(),
        query("sort", sort, sort_doc.trim_end()).build(),
        query("include", include, "`total_count` adds the number of records the filters match").build(),
    ];
    out.extend(filter_parameters(filters));
    out
}

/// The filters alone, for an operation that reads only them.
pub fn filter_parameters(filters: &[Filter]) -> Vec<Parameter> {
    filters.iter().map(Filter::parameter).collect()
}

/// Declares the list-parameter type of a resource from its sorts and filters, for
/// `#[utoipa::path(params(Type))]`.
macro_rules! list_params {
    ($(#[$meta:meta])* $name:ident, $sorts:expr, $filters:expr $(, $sort_description:literal)? $(,)?) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::IntoParams for $name {
            fn into_params(
                _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                $crate::listing::parameters(&$sorts, concat!("" $(, $sort_description)?), &$filters)
            }
        }
    };
}
pub(crate) use list_params;

/// A parsed list request.
pub struct ListRequest<S> {
    pub page: Page,
    pub sort: S,
    pub dir: Dir,
    sort_name: String,
    pub with_total: bool,
    /// Filters, by name; each was on the allowlist.
    filters: HashMap<String, String>,
}

impl<S: Copy> ListRequest<S> {
    /// Parses the query string. `sorts` maps each sortable field name to its sort; the first is the
    /// default. `filters` are the accepted filter parameters.
    pub fn parse(req: &HttpRequest, sorts: &[(&str, S)], filters: &[Filter]) -> ApiResult<Self> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(req.query_string()).map_err(|e| bad(format!("query string: {e}")))?;
        let mut limit = DEFAULT_LIMIT;
        let mut cursor = None;
        let mut sort_param = None;
        let mut with_total = false;
        let mut found = HashMap::new();
        for (name, value) in pairs {
            match name.as_str() {
                "limit" => {
                    limit = value
                        .parse::<i64>()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| bad(format!("limit must be 1–{MAX_LIMIT}")))?;
                }
                "cursor" => cursor = Some(value),
                "sort" => sort_param = Some(value),
                "include" => {
                    for part in value.split(',') {
                        match part {
                            "total_count" => with_total = true,
                            other => return Err(bad(format!("include: unknown value {other:?}"))),
                        }
                    }
                }
                other if filters.iter().any(|f| f.name == other) => {
                    found.insert(name, value);
                }
                other => return Err(bad(format!("unknown parameter {other:?}"))),
            }
        }
        let (sort_name, dir) = match sort_param.as_deref() {
            Some(s) => match s.strip_prefix('-') {
                Some(field) => (field.to_owned(), Dir::Desc),
                None => (s.to_owned(), Dir::Asc),
            },
            None => (sorts.first().map(|(n, _)| (*n).to_owned()).unwrap_or_default(), Dir::Asc),
        };
        let sort = sorts.iter().find(|(n, _)| *n == sort_name).map(|(_, s)| *s).ok_or_else(|| {
            let names: Vec<&str> = sorts.iter().map(|(n, _)| *n).collect();
            bad(format!("sort must be one of {} (prefix - for descending)", names.join(", ")))
        })?;
        let full_sort = format!("{}{sort_name}", if dir == Dir::Desc { "-" } else { "" });
        let after = cursor.map(|c| kehu_app::cursor::decode(&c, &full_sort)).transpose()?;
        Ok(ListRequest { page: Page { limit, after }, sort, dir, sort_name: full_sort, with_total, filters: found })
    }

    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters.get(name).map(String::as_str)
    }

    pub fn filter_uuid(&self, name: &str) -> ApiResult<Option<Uuid>> {
        self.filter(name).map(|v| Uuid::parse_str(v).map_err(|_| bad(format!("{name} must be a UUID")))).transpose()
    }

    pub fn filter_bool(&self, name: &str) -> ApiResult<Option<bool>> {
        self.filter(name)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(bad(format!("{name} must be true or false"))),
            })
            .transpose()
    }

    /// A time bound: RFC 3339, or a `YYYY-MM-DD` date meaning its midnight UTC.
    pub fn filter_time(&self, name: &str) -> ApiResult<Option<chrono::NaiveDateTime>> {
        self.filter(name)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(v)
                    .map(|t| t.naive_utc())
                    .or_else(|_| {
                        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
                    })
                    .map_err(|_| bad(format!("{name} must be an RFC 3339 time or a YYYY-MM-DD date")))
            })
            .transpose()
    }

    /// `me` and user ids, comma-separated; `none` too when `pool` is given a place to say so.
    pub fn filter_owners(&self, name: &str, me: Uuid, mut pool: Option<&mut bool>) -> ApiResult<Vec<Uuid>> {
        let mut owners = Vec::new();
        for part in self.filter(name).map(|v| v.split(',').collect::<Vec<_>>()).unwrap_or_default() {
            match (part, pool.as_deref_mut()) {
                ("me", _) => owners.push(me),
                ("none", Some(flag)) => *flag = true,
                (id, flag) => owners.push(Uuid::parse_str(id).map_err(|_| {
                    bad(format!("{name} must be me{}, or user ids", if flag.is_some() { ", none" } else { "" }))
                })?),
            }
        }
        Ok(owners)
    }

    /// Comma-separated values ("any of"), each parsed by `parse`.
    pub fn filter_any<T>(&self, name: &str, parse: impl Fn(&str) -> Option<T>) -> ApiResult<Vec<T>> {
        match self.filter(name) {
            None => Ok(Vec::new()),
            Some(v) => {
                v.split(',').map(|p| parse(p).ok_or_else(|| bad(format!("{name}: unknown value {p:?}")))).collect()
            }
        }
    }

    /// The wire list of a page, with its next cursor.
    pub fn respond<T, U>(&self, paged: Paged<T>, mut f: impl FnMut(T) -> ApiResult<U>) -> ApiResult<List<U>> {
        let next = paged.next.as_ref().map(|a| kehu_app::cursor::encode(a, &self.sort_name));
        let data = paged.rows.into_iter().map(&mut f).collect::<ApiResult<Vec<U>>>()?;
        Ok(List::new(data, next, paged.total))
    }
}
