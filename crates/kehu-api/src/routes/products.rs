//! `/api/v1/products`: the catalog. Read by everyone signed in, changed by administrators and
//! managers.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_core::money::Currency;
use kehu_core::product::{CreateProduct, Product, UpdateProduct};
use kehu_store::products::{ProductFilter, ProductSort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::products;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(delete_product)
        .service(restore_product);
}

const SORTS: [(&str, ProductSort); 4] = [
    ("name", ProductSort::Name),
    ("sku", ProductSort::Sku),
    ("created_at", ProductSort::CreatedAt),
    ("updated_at", ProductSort::UpdatedAt),
];

const FILTERS: [Filter; 3] = [
    Filter::new("q", Values::Text, "Substring of the SKU or the name, in any case (`q=螺丝`, `q=ab-1`)"),
    Filter::new("active", Values::Bool, ""),
    Filter::new(
        "currency",
        Values::AnyOf(|| Currency::ALL.iter().map(|c| c.code()).collect()),
        "Any of these ISO 4217 codes",
    ),
];

list_params!(
    /// The query of `GET /products`.
    ProductListParams,
    SORTS,
    FILTERS,
    "`sku` is case-insensitive."
);

fn product_filter<S: Copy>(list: &ListRequest<S>) -> ApiResult<ProductFilter> {
    Ok(ProductFilter {
        q: list.filter("q").map(str::to_owned),
        active: list.filter_bool("active")?,
        currencies: list.filter_any("currency", |c| Currency::parse(c).ok().map(|c| c.code().to_owned()))?,
    })
}

/// Handles `GET /api/v1/products`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(ProductListParams),
    responses(
        (status = 200, description = "A page of the live products (`cost` is null for sales and service users)", body = List<Product>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key without `products:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/products")]
async fn list_products(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Product>>> {
    who.require_scope(Scope::ProductsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = product_filter(&list)?;
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| products::list(conn, &who, &filter, sort, dir, &page, total)).await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/products`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    request_body = CreateProduct,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 400, description = "Malformed body or a field the operation does not accept", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator or manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another live product has this SKU (`errors`: `/sku` `taken`), or the Idempotency-Key is in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `required`, `too_long`, `unknown_currency`, `too_many_decimals` (more decimals than the currency has), `negative`, `too_large`; or an Idempotency-Key reused for another body", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/products")]
async fn create_product(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateProduct>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ProductsWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let product = products::create(conn, &who, &body)?;
        Stored::created(&product, format!("/api/v1/products/{}", product.id), product.version)
    })
    .await
}

/// Handles `GET /api/v1/products/{id}`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The product (`cost` is null for sales and service users)", body = Product),
        (status = 403, description = "An API key without `products:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product, or a deleted one", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/products/{id}")]
async fn get_product(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ProductsRead)?;
    let id = id.into_inner();
    let product = state.db(move |conn| products::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(product.version)).json(product))
}

/// Handles `PATCH /api/v1/products/{id}`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateProduct, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Product),
        (status = 400, description = "Malformed body or a field the operation does not accept", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator or manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product, or a deleted one", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another live product has this SKU (`errors`: `/sku` `taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; a new `currency` without `list_price` (or without `cost` when the product has one) is `required` on that price", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/products/{id}")]
async fn update_product(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateProduct>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ProductsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let product = state.db(move |conn| products::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(product.version)).json(product))
}

/// Handles `DELETE /api/v1/products/{id}`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (an administrator can restore it); its SKU is free for a new product"),
        (status = 403, description = "Not an administrator or manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product, or a deleted one", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/products/{id}")]
async fn delete_product(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ProductsWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| products::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/products/{id}/restore`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Restored (a live product is returned as it is)", body = Product),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A live product has taken its SKU meanwhile (`errors`: `/sku` `taken`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/products/{id}/restore")]
async fn restore_product(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ProductsWrite)?;
    let id = id.into_inner();
    let product = state.db(move |conn| products::restore(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(product.version)).json(product))
}
