//! The web app: static files built into the binary (or read from `KEHU_WEB_DIR`), and
//! `index.html` for every other GET path so that the app's own routes survive a reload.

use std::borrow::Cow;

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};
use kehu_core::ErrorCode;
use rust_embed::RustEmbed;

use crate::error::ApiError;
use crate::routes::KnownRoutes;
use crate::state::AppState;

/// The built web app. In debug builds rust-embed reads the folder at run time; in release builds
/// the files are inside the binary. A missing folder (web app not built) embeds nothing.
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../frontend/dist"]
#[allow_missing = true]
struct WebAssets;

fn load(state: &AppState, path: &str) -> Option<Cow<'static, [u8]>> {
    match &state.config.web_dir {
        Some(dir) => {
            // Only plain relative names: no way out of the folder.
            if path.split('/').any(|seg| seg == ".." || seg.starts_with('.')) {
                return None;
            }
            std::fs::read(dir.join(path)).ok().map(Cow::Owned)
        }
        None => WebAssets::get(path).map(|f| f.data),
    }
}

fn file_response(path: &str, data: Cow<'static, [u8]>) -> HttpResponse {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    HttpResponse::Ok()
        .content_type(mime.as_ref())
        // File names are not content-hashed: let browsers keep them but always revalidate.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(data.into_owned())
}

/// The default service: anything no other route took.
pub async fn fallback(
    state: web::Data<AppState>,
    known: web::Data<KnownRoutes>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if let Some(allowed) = known.allowed(path) {
        return Ok(HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, allowed.join(", "))).finish());
    }
    if path == "/api/docs" {
        return Ok(HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/api/docs/")).finish());
    }
    if path.starts_with("/api/") || path == "/api" {
        return Err(ApiError::with_detail(ErrorCode::NotFound, "no such route"));
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return Err(ApiError::new(ErrorCode::MethodNotAllowed));
    }
    let relative = path.trim_start_matches('/');
    if !relative.is_empty() {
        if let Some(data) = load(&state, relative) {
            return Ok(file_response(relative, data));
        }
        // A missing file with an extension is a real 404, not an app route.
        if relative.rsplit('/').next().is_some_and(|last| last.contains('.')) {
            return Err(ApiError::with_detail(ErrorCode::NotFound, "no such file"));
        }
    }
    match load(&state, "index.html") {
        Some(data) => Ok(file_response("index.html", data)),
        // A page, not an error: whoever opens it is a developer who has not built the web app yet.
        None => Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
            "<!doctype html><title>Kehu</title><p>The web app is not built. Run <code>just web</code>, \
             or use the API at <a href=\"/api/docs/\">/api/docs/</a>.</p>",
        )),
    }
}
