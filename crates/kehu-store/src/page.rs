//! Keyset pagination: every list is ordered by one allowlisted field and the id, and a page starts
//! strictly after the last row of the previous one. No OFFSET, so a page costs the same wherever it
//! is, and rows inserted meanwhile neither repeat nor vanish.

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::error::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

/// Where a page starts: the sort key of the last row seen, as text, and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub key: String,
    pub id: Uuid,
}

/// One page request: how many rows, and after which row.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: i64,
    pub after: Option<After>,
}

/// A page of rows and, when there are more, the position to continue from.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub next: Option<After>,
    pub total: Option<i64>,
}

impl<T> Paged<T> {
    /// Takes `limit + 1` rows fetched by a keyset query and keeps `limit`; the extra row only says
    /// whether there is a next page.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> After) -> Paged<T> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(key) } else { None };
        Paged { rows, next, total: None }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged { rows: self.rows.into_iter().map(f).collect(), next: self.next, total: self.total }
    }
}

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

pub fn time_key(t: &NaiveDateTime) -> String {
    t.format(TIME_FORMAT).to_string()
}

pub fn parse_time_key(key: &str) -> StoreResult<NaiveDateTime> {
    NaiveDateTime::parse_from_str(key, TIME_FORMAT).map_err(|_| StoreError::BadCursor)
}

/// `LIKE` pattern for a substring search, with the user's `%`, `_` and `\` taken literally.
pub fn contains_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Orders a boxed query by `$col` then `$id` in direction `$dir`, starting after `$after`
/// (`Option<(value, id)>`).
#[macro_export]
macro_rules! keyset {
    ($query:expr, $col:expr, $id:expr, $dir:expr, $after:expr) => {{
        let query = match $dir {
            $crate::page::Dir::Asc => $query.order(($col.asc(), $id.asc())),
            $crate::page::Dir::Desc => $query.order(($col.desc(), $id.desc())),
        };
        match $after {
            None => query,
            Some((value, id)) => match $dir {
                $crate::page::Dir::Asc => query.filter($col.gt(value.clone()).or($col.eq(value).and($id.gt(id)))),
                $crate::page::Dir::Desc => query.filter($col.lt(value.clone()).or($col.eq(value).and($id.lt(id)))),
            },
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("A_b%"), "%a\\_b\\%%");
        assert_eq!(contains_pattern("华为"), "%华为%");
    }

    #[test]
    fn pages_keep_limit_rows_and_say_where_to_continue() {
        let p = Paged::from_rows(vec![1, 2, 3], 2, |n| After { key: n.to_string(), id: Uuid::nil() });
        assert_eq!(p.rows, vec![1, 2]);
        assert_eq!(p.next.map(|a| a.key), Some("2".to_owned()));
        let last = Paged::from_rows(vec![1, 2], 2, |n| After { key: n.to_string(), id: Uuid::nil() });
        assert!(last.next.is_none());
        let t = NaiveDateTime::parse_from_str("2026-11-22T10:00:00.123456", TIME_FORMAT).unwrap();
        assert_eq!(parse_time_key(&time_key(&t)).unwrap(), t);
    }
}
