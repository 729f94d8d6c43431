//! The shared machinery of list endpoints: `limit`, `cursor`, `sort`, `include`, and allowlisted
//! filters. Anything not on a resource's allowlist is a 400, so a typo never silently returns
//! everything.

use std::collections::HashMap;

use actix_web::HttpRequest;
use kehu_core::ErrorCode;
use kehu_core::list::{DEFAULT_LIMIT, List, MAX_LIMIT};
use kehu_store::page::{Dir, Page, Paged};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidParameter, detail)
}

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
    /// default. `filters` names the accepted filter parameters.
    pub fn parse(req: &HttpRequest, sorts: &[(&str, S)], filters: &[&str]) -> ApiResult<Self> {
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
                other if filters.contains(&other) => {
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
