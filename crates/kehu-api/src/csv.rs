//! CSV downloads: the records of a list as the caller sees them, streamed page by page so that
//! memory stays flat however long the list. The cells come from `kehu_app::exports`.

use futures_util::StreamExt;
use kehu_app::exports::csv_lines;
use kehu_store::page::After;

use crate::error::ApiResult;

/// A CSV download: a byte-order mark and the header, then page after page of records fetched with
/// keyset cursors (`fetch(after)` gives a page's CSV text and where the next page starts), so the
/// response streams and memory stays flat.
pub fn csv_response<F, Fut>(filename: &str, header: &[String], fetch: F) -> ApiResult<actix_web::HttpResponse>
where
    F: Fn(Option<After>) -> Fut + 'static,
    Fut: std::future::Future<Output = ApiResult<(Vec<u8>, Option<After>)>> + 'static,
{
    let mut first = b"\xEF\xBB\xBF".to_vec();
    first.extend(csv_lines(&[header.to_vec()])?);
    let fetch = std::rc::Rc::new(fetch);
    let pages = futures_util::stream::unfold(Some(None), move |after: Option<Option<After>>| {
        let fetch = fetch.clone();
        async move {
            let after = after?;
            match fetch(after).await {
                Ok((bytes, next)) => Some((Ok(actix_web::web::Bytes::from(bytes)), next.map(Some))),
                Err(e) => Some((Err(actix_web::Error::from(e)), None)),
            }
        }
    });
    let first = futures_util::stream::once(async move { Ok(actix_web::web::Bytes::from(first)) });
    Ok(actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .streaming(first.chain(pages)))
}
