//! `/api/v1/purchases`: what customers bought, their payments and returns. A purchase is visible
//! with its customer.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_core::purchase::{CreatePayment, CreatePurchase, CreateReturn, Purchase, PurchaseAction, PurchaseStatus};
use kehu_core::{ErrorCode, Problem};
use kehu_store::page::Page;
use kehu_store::purchases::{PurchaseFilter, PurchaseSort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::purchases;

pub fn configure(cfg: &mut ServiceConfig) {
    // The sub-resources before `{action}`, so that the literal segments win.
    cfg.service(list_purchases)
        .service(create_purchase)
        .service(get_purchase)
        .service(add_payment)
        .service(add_return)
        .service(purchase_action);
}

const SORTS: [(&str, PurchaseSort); 3] = [
    ("created_at", PurchaseSort::CreatedAt),
    ("updated_at", PurchaseSort::UpdatedAt),
    ("number", PurchaseSort::Number),
];

const FILTERS: [Filter; 5] = [
    Filter::new("q", Values::Text, "The start of the number, e.g. `P-2026-0001`"),
    Filter::new("status", Values::AnyOf(PurchaseStatus::wire_names), "Any of"),
    Filter::new("customer_id", Values::Uuid, ""),
    Filter::new("quote_id", Values::Uuid, ""),
    Filter::new("owner_id", Values::Owners { pool: false }, "`me` or user ids"),
];

list_params!(
    /// The query of `GET /purchases`.
    PurchaseListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/purchases`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    params(PurchaseListParams),
    responses(
        (status = 200, description = "A page of the purchases the caller may see", body = List<Purchase>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/purchases")]
async fn list_purchases(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Purchase>>> {
    who.require_scope(Scope::PurchasesRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = PurchaseFilter {
        statuses: list.filter_any("status", PurchaseStatus::parse)?,
        customer_id: list.filter_uuid("customer_id")?,
        quote_id: list.filter_uuid("quote_id")?,
        owners: list.filter_owners("owner_id", who.id(), None)?,
        q: list.filter("q").map(str::to_owned),
    };
    let (page, order, total): (Page, _, _) = (list.page.clone(), (list.sort, list.dir), list.with_total);
    let paged = state.db(move |conn| purchases::list(conn, &who, &filter, order, &page, total)).await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/purchases`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    request_body = CreatePurchase,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created, pending, numbered `P-YYYY-NNNNNN`", body = Purchase),
        (status = 403, description = "The caller may read the customer but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, with pointers such as `/lines/0/quantity`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/purchases")]
async fn create_purchase(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreatePurchase>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::PurchasesWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let purchase = purchases::create(conn, &who, &body)?;
        Stored::created(&purchase, format!("/api/v1/purchases/{}", purchase.id), purchase.version)
    })
    .await
}

/// Handles `GET /api/v1/purchases/{id}`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The purchase with its lines, payments and returns", body = Purchase),
        (status = 404, description = "No such purchase, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/purchases/{id}")]
async fn get_purchase(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::PurchasesRead)?;
    let id = id.into_inner();
    let purchase = state.db(move |conn| purchases::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(purchase.version)).json(purchase))
}

/// Handles `POST /api/v1/purchases/{id}/payments`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreatePayment,
    responses(
        (status = 200, description = "The purchase with the payment", body = Purchase),
        (status = 403, description = "The caller may read the purchase but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such purchase, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: a cancelled purchase takes no payments", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/amount`: `not_positive`, `too_many_decimals`, `exceeds_balance`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/purchases/{id}/payments")]
async fn add_payment(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<CreatePayment>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::PurchasesWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let canonical = serde_json::to_string(&(id, expected, &body)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let purchase = purchases::pay(conn, &who, id, expected, &body)?;
        Stored::ok(&purchase, Some(purchase.version))
    })
    .await
}

/// Handles `POST /api/v1/purchases/{id}/returns`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateReturn,
    responses(
        (status = 200, description = "The purchase with the return", body = Purchase),
        (status = 403, description = "The caller may read the purchase but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such purchase, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: only fulfilled or completed purchases take returns", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`/lines/{i}/quantity` `exceeds_purchased`, `/refund_amount` `exceeds_paid`, …", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/purchases/{id}/returns")]
async fn add_return(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<CreateReturn>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::PurchasesWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let canonical = serde_json::to_string(&(id, expected, &body)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let purchase = purchases::return_goods(conn, &who, id, expected, &body)?;
        Stored::ok(&purchase, Some(purchase.version))
    })
    .await
}

/// Handles `POST /api/v1/purchases/{id}/{action}`.
#[utoipa::path(
    tag = "purchases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path),
        ("action" = String, Path, description = "`confirm`, `fulfill`, `complete` or `cancel` (before fulfilment, and only while nothing paid is kept)"),
        ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "The purchase after the action", body = Purchase),
        (status = 403, description = "The caller may read the purchase but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such purchase or action, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/purchases/{id}/{action}")]
async fn purchase_action(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::PurchasesWrite)?;
    let (id, action) = path.into_inner();
    let action = PurchaseAction::parse(&action)
        .filter(|a| !matches!(a, PurchaseAction::Payments | PurchaseAction::Returns))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let expected = if_match(&req)?;
    let canonical = serde_json::to_string(&(id, action, expected)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let purchase = purchases::act(conn, &who, id, expected, action)?;
        Stored::ok(&purchase, Some(purchase.version))
    })
    .await
}
