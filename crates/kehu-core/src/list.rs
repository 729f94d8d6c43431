//! Lists: one shape for every collection, paged by an opaque keyset cursor.

use serde::{Deserialize, Serialize};

/// Default and bounds of `limit`.
pub const DEFAULT_LIMIT: i64 = 25;
pub const MAX_LIMIT: i64 = 100;

/// `{"object":"list","data":[…],"has_more":…,"next_cursor":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List<T> {
    /// Always `"list"`.
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Only with `include=total_count`: how many records match, all pages together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, next_cursor: Option<String>, total_count: Option<i64>) -> Self {
        Self { object: "list".to_owned(), has_more: next_cursor.is_some(), data, next_cursor, total_count }
    }
}
