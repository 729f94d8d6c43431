//! List cursors: opaque to clients (base64 of the sort, its key and the id), tied to the sort that
//! made them so that a cursor cannot be used with another order.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kehu_core::ErrorCode;
use kehu_store::page::After;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The cursor's content; opaque to clients. The sort is inside so that a cursor cannot be used
/// with another order than the one that made it.
#[derive(Serialize, Deserialize)]
struct CursorBody {
    s: String,
    k: String,
    i: Uuid,
}

pub fn encode(after: &After, sort: &str) -> String {
    let body = CursorBody { s: sort.to_owned(), k: after.key.clone(), i: after.id };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

pub fn decode(cursor: &str, sort: &str) -> AppResult<After> {
    let body: CursorBody = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::with_detail(ErrorCode::InvalidParameter, "cursor is not valid"))?;
    if body.s != sort {
        return Err(AppError::with_detail(ErrorCode::InvalidParameter, "cursor belongs to another sort order"));
    }
    Ok(After { key: body.k, id: body.i })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_tied_to_their_sort() {
        let after = After { key: "李雷".to_owned(), id: Uuid::now_v7() };
        let c = encode(&after, "-name");
        assert_eq!(decode(&c, "-name").unwrap(), after);
        assert!(decode(&c, "name").is_err());
        assert!(decode("garbage!", "name").is_err());
    }
}
