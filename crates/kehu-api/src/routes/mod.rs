//! The HTTP surface. Each module owns its routes and their OpenAPI fragments; this one mounts them.

pub mod activities;
pub mod api_keys;
pub mod audit;
pub mod auth;
mod common;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod imports;
pub mod leads;
pub mod me;
pub mod products;
pub mod purchases;
pub mod quotes;
pub mod settings;
pub mod system;
pub mod teams;
pub mod users;
pub mod web;

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// The document's frame; paths and schemas come from the mounted routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kehu API",
        description = "The REST API of Kehu (客户), a customer-relationship-management system. \
                       Errors are RFC 9457 problem details with a stable `code`.",
        license(name = "AGPL-3.0-or-later")
    ),
    // `QuoteAction` is named by a path parameter, which does not bring its schema along.
    components(schemas(kehu_core::Problem, kehu_core::FieldError, kehu_core::ErrorCode, kehu_core::quote::QuoteAction)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "users", description = "People who use Kehu"),
        (name = "teams", description = "The team tree"),
        (name = "customers", description = "Customers, their owners and the shared pool"),
        (name = "contacts", description = "The people at customers"),
        (name = "leads", description = "The sales pipeline: leads, their stages, conversion and the board"),
        (name = "activities", description = "Notes, calls, visits, meetings, emails and tasks: the timeline and a rep's day"),
        (name = "products", description = "The product catalog that quotes draw from"),
        (name = "quotes", description = "Quotes with computed totals, their approval and the way to a purchase"),
        (name = "purchases", description = "What customers bought: payments, returns and what is still owed"),
        (name = "complaints", description = "Complaints from any channel, worked to resolution inside their SLA deadlines, with escalation and the customer's satisfaction"),
        (name = "imports", description = "CSV imports with a dry run, progress and a per-row report"),
        (name = "settings", description = "Custom fields, pool recycling and other settings"),
        (name = "audit", description = "Who changed what, when"),
        (name = "api-keys", description = "Keys for integrations, with scopes"),
        (name = "system", description = "Health, readiness, metrics and this document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or API key")
                    .description(Some("An access token from /api/v1/auth/login, or an API key (kehu_…)."))
                    .build(),
            ),
        );
    }
}

/// Mounts every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(system::configure).service(
        scope::scope("/api/v1")
            .configure(auth::configure)
            .configure(me::configure)
            .configure(users::configure)
            .configure(teams::configure)
            .configure(audit::configure)
            .configure(api_keys::configure)
            .configure(customers::configure)
            .configure(contacts::configure)
            .configure(leads::configure)
            .configure(activities::configure)
            .configure(products::configure)
            .configure(quotes::configure)
            .configure(purchases::configure)
            .configure(complaints::configure)
            .configure(settings::configure)
            .configure(imports::configure)
            .configure(system::configure_v1),
    );
}

/// The OpenAPI document of every route, as served and as committed in `api-spec/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, mut api) =
        actix_web::App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(configure).split_for_parts();
    // After the routes are in: it completes every operation.
    utoipa::Modify::modify(&common::CommonResponses, &mut api);
    api
}

/// The document as the committed file holds it: pretty JSON with a final newline.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&openapi())?;
    text.push('\n');
    Ok(text)
}

/// Which methods each documented path accepts, so that a known path called with another method
/// is a 405 with `Allow`, not a 404. (Each route guards its method; actix alone would answer 404.)
pub struct KnownRoutes(Vec<(Vec<String>, Vec<&'static str>)>);

impl KnownRoutes {
    pub fn from_openapi(api: &utoipa::openapi::OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.trim_matches('/').split('/').map(str::to_owned).collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods allowed on `path`, if it is a documented path.
    pub fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0.iter().find_map(|(segments, methods)| {
            let matches = segments.len() == parts.len()
                && segments
                    .iter()
                    .zip(&parts)
                    .all(|(s, p)| (s.starts_with('{') && s.ends_with('}') && !p.is_empty()) || s == p);
            matches.then_some(methods.as_slice())
        })
    }
}
