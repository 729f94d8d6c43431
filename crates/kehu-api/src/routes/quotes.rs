//! `/api/v1/quotes`: quotes with their lines, and the actions that move them. A quote is visible
//! with its customer.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use kehu_core::api_key::Scope;
use kehu_core::list::List;
use kehu_core::quote::{CreateQuote, Quote, QuoteAction, QuoteStatus, UpdateQuote};
use kehu_core::{ErrorCode, Problem};
use kehu_store::page::Page;
use kehu_store::quotes::{QuoteFilter, QuoteSort};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::quotes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_quotes).service(create_quote).service(get_quote).service(update_quote).service(quote_action);
}

const SORTS: [(&str, QuoteSort); 3] =
    [("created_at", QuoteSort::CreatedAt), ("updated_at", QuoteSort::UpdatedAt), ("number", QuoteSort::Number)];

const FILTERS: [Filter; 5] = [
    Filter::new("q", Values::Text, "The start of the number, e.g. `Q-2026-0001`"),
    Filter::new(
        "status",
        Values::AnyOf(QuoteStatus::wire_names),
        "Any of; `expired` and the others as shown (by `valid_until`)",
    ),
    Filter::new("customer_id", Values::Uuid, ""),
    Filter::new("lead_id", Values::Uuid, ""),
    Filter::new("owner_id", Values::Owners { pool: false }, "`me` or user ids"),
];

list_params!(
    /// The query of `GET /quotes`.
    QuoteListParams,
    SORTS,
    FILTERS
);

/// Handles `GET /api/v1/quotes`.
#[utoipa::path(
    tag = "quotes",
    security(("bearer" = [])),
    params(QuoteListParams),
    responses(
        (status = 200, description = "A page of the quotes the caller may see", body = List<Quote>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quotes")]
async fn list_quotes(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<web::Json<List<Quote>>> {
    who.require_scope(Scope::QuotesRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = QuoteFilter {
        statuses: list.filter_any("status", QuoteStatus::parse)?,
        customer_id: list.filter_uuid("customer_id")?,
        lead_id: list.filter_uuid("lead_id")?,
        owners: list.filter_owners("owner_id", who.id(), None)?,
        q: list.filter("q").map(str::to_owned),
    };
    let (page, order, total): (Page, _, _) = (list.page.clone(), (list.sort, list.dir), list.with_total);
    let paged = state.db(move |conn| quotes::list(conn, &who, &filter, order, &page, total)).await?;
    Ok(web::Json(list.respond(paged, Ok)?))
}

/// Handles `POST /api/v1/quotes`.
#[utoipa::path(
    tag = "quotes",
    security(("bearer" = [])),
    request_body = CreateQuote,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created as a draft numbered `Q-YYYY-NNNNNN`, with its totals computed", body = Quote),
        (status = 403, description = "The caller may read the customer but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, with pointers such as `/lines/0/quantity`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/quotes")]
async fn create_quote(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateQuote>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::QuotesWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let quote = quotes::create(conn, &who, &body)?;
        Stored::created(&quote, format!("/api/v1/quotes/{}", quote.id), quote.version)
    })
    .await
}

/// Handles `GET /api/v1/quotes/{id}`.
#[utoipa::path(
    tag = "quotes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The quote with its lines", body = Quote),
        (status = 404, description = "No such quote, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quotes/{id}")]
async fn get_quote(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::QuotesRead)?;
    let id = id.into_inner();
    let quote = state.db(move |conn| quotes::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(quote.version)).json(quote))
}

/// Handles `PATCH /api/v1/quotes/{id}`.
#[utoipa::path(
    tag = "quotes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateQuote, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated, totals recomputed", body = Quote),
        (status = 403, description = "The caller may read the quote but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such quote, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition`: only drafts are edited", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/quotes/{id}")]
async fn update_quote(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateQuote>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::QuotesWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let quote = state.db(move |conn| quotes::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(quote.version)).json(quote))
}

/// Handles `POST /api/v1/quotes/{id}/{action}`.
#[utoipa::path(
    tag = "quotes",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path),
        ("action" = QuoteAction, Path, description = "`submit` (to `pending_approval` when a discount is above the owner's limit, else `approved`), `approve` / `reject-approval` (a manager of the owner), `send`, `accept` (makes the purchase and wins the lead), `reject`, `cancel`, `revise` (a new draft revision)"),
        ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "The quote after the action", body = Quote),
        (status = 201, description = "`revise`: the new draft revision", body = Quote),
        (status = 403, description = "Not the caller's to move (approval: not a manager of the owner)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such quote or action, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state_transition` with `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/quotes/{id}/{action}")]
async fn quote_action(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::QuotesWrite)?;
    let (id, action) = path.into_inner();
    let action = QuoteAction::parse(&action).ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if action == QuoteAction::Accept {
        who.require_scope(Scope::PurchasesWrite)?;
    }
    let expected = if_match(&req)?;
    let canonical = serde_json::to_string(&(id, action, expected)).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let done = quotes::act(conn, &who, id, expected, action)?;
        if done.created {
            Stored::created(&done.quote, format!("/api/v1/quotes/{}", done.quote.id), done.quote.version)
        } else {
            Stored::ok(&done.quote, Some(done.quote.version))
        }
    })
    .await
}
