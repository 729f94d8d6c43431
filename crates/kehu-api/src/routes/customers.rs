//! `/api/v1/customers`: customers, their owners and the shared pool (公海).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDateTime;
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::customer::{
    AssignCustomer, CreateCustomer, Customer, CustomerKind, CustomerLevel, CustomerOverview, CustomerSource,
    LifecycleStage, MergeCustomers, ReassignCustomers, Reassigned, UpdateCustomer,
};
use kehu_core::list::{List, MAX_LIMIT};
use kehu_store::customers::{CustomerFilter, CustomerSort, OwnerFilter};
use kehu_store::page::Page;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::body::Body;
use crate::concurrency::{etag, if_match};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Stored};
use crate::listing::{Filter, ListRequest, Values, list_params};
use crate::state::AppState;
use kehu_app::{customers, exports};

pub fn configure(cfg: &mut ServiceConfig) {
    // `reassign` before `{id}` routes, so that the literal segment wins.
    cfg.service(reassign_customers)
        .service(export_customers)
        .service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(customer_overview)
        .service(update_customer)
        .service(delete_customer)
        .service(restore_customer)
        .service(claim_customer)
        .service(release_customer)
        .service(assign_customer)
        .service(merge_customers);
}

const SORTS: [(&str, CustomerSort); 4] = [
    ("name", CustomerSort::Name),
    ("created_at", CustomerSort::CreatedAt),
    ("updated_at", CustomerSort::UpdatedAt),
    ("last_activity_at", CustomerSort::LastActivityAt),
];

const FILTERS: [Filter; 16] = [
    Filter::new("id", Values::Uuids(MAX_LIMIT as u64), "Any of these customer ids (at most 100)"),
    Filter::new(
        "q",
        Values::Text,
        "Substring of the name, email or tax id in any case, or digits of the phone (`华为`, `acme`, `138`)",
    ),
    Filter::new("kind", Values::AnyOf(CustomerKind::wire_names), "Any of"),
    Filter::new("level", Values::AnyOf(CustomerLevel::wire_names), "Any of: `a,b`"),
    Filter::new("category", Values::Texts, "Any of"),
    Filter::new("lifecycle_stage", Values::AnyOf(LifecycleStage::wire_names), "Any of"),
    Filter::new("source", Values::AnyOf(CustomerSource::wire_names), "Any of"),
    Filter::new("owner_id", Values::Owners { pool: true }, "`me`, `none` (the pool) or user ids"),
    Filter::new("tags", Values::Texts, "Customers with any of these tags"),
    Filter::new("value_tier", Values::Texts, "Any of"),
    Filter::new("created_at[gte]", Values::Time, "Created at or after (a date: its midnight UTC)"),
    Filter::new("created_at[lte]", Values::Time, "Created at or before"),
    Filter::new("updated_at[gte]", Values::Time, "Changed at or after"),
    Filter::new("updated_at[lte]", Values::Time, "Changed at or before"),
    Filter::new("updated_at[gt]", Values::Time, "Changed after (what a sync asks for)"),
    Filter::new("created_at[gt]", Values::Time, "Created after"),
];

list_params!(
    /// The query of `GET /customers` and of its CSV export.
    CustomerListParams,
    SORTS,
    FILTERS,
    "`last_activity_at`: a customer never contacted counts from its creation."
);

/// `owner_id=me`, `owner_id=none` (the pool), user ids, or a mix separated by commas.
fn owner_filter<S: Copy>(list: &ListRequest<S>, me: Uuid) -> ApiResult<Option<OwnerFilter>> {
    if list.filter("owner_id").is_none() {
        return Ok(None);
    }
    let mut pool = false;
    let owners = list.filter_owners("owner_id", me, Some(&mut pool))?;
    Ok(Some(OwnerFilter { owners, pool }))
}

fn strings<S: Copy>(list: &ListRequest<S>, name: &str) -> Vec<String> {
    list.filter(name).map(|v| v.split(',').map(str::to_owned).collect()).unwrap_or_default()
}

fn customer_filter<S: Copy>(list: &ListRequest<S>, me: Uuid) -> ApiResult<CustomerFilter> {
    let (gt_created, gt_updated) = (list.filter_time("created_at[gt]")?, list.filter_time("updated_at[gt]")?);
    // `[gt]` on microsecond timestamps is `[gte]` of the next microsecond.
    let next = |t: NaiveDateTime| t + chrono::Duration::microseconds(1);
    let ids = list.filter_any("id", |v| Uuid::parse_str(v).ok())?;
    if ids.len() > kehu_core::list::MAX_LIMIT as usize {
        let detail = format!("id takes at most {} ids", kehu_core::list::MAX_LIMIT);
        return Err(ApiError::with_detail(kehu_core::ErrorCode::InvalidParameter, detail));
    }
    Ok(CustomerFilter {
        ids,
        levels: list.filter_any("level", CustomerLevel::parse)?,
        categories: strings(list, "category"),
        stages: list.filter_any("lifecycle_stage", LifecycleStage::parse)?,
        sources: list.filter_any("source", CustomerSource::parse)?,
        kinds: list.filter_any("kind", CustomerKind::parse)?,
        owner: owner_filter(list, me)?,
        tags: strings(list, "tags"),
        value_tiers: strings(list, "value_tier"),
        created_gte: list.filter_time("created_at[gte]")?.or(gt_created.map(next)),
        created_lte: list.filter_time("created_at[lte]")?,
        updated_gte: list.filter_time("updated_at[gte]")?.or(gt_updated.map(next)),
        updated_lte: list.filter_time("updated_at[lte]")?,
        q: list.filter("q").map(str::to_owned),
    })
}

/// Handles `GET /api/v1/customers`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(CustomerListParams),
    responses(
        (status = 200, description = "A page of the customers the caller may see", body = List<Customer>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/customers")]
async fn list_customers(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Customer>>> {
    who.require_scope(Scope::CustomersRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = customer_filter(&list, who.id())?;
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| customers::list(conn, &who, &filter, sort, dir, &page, total)).await?;
    Ok(web::Json(list.respond(paged, |c| Ok(c.to_wire()?))?))
}

/// Handles `GET /api/v1/customers/export.csv`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(CustomerListParams),
    responses(
        (status = 200, description = "Every customer of the filtered list the caller may see, as CSV (UTF-8 with a byte-order mark; cells that could start a formula begin with `'`); the file imports again", content_type = "text/csv"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/customers/export.csv")]
async fn export_customers(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = customer_filter(&list, who.id())?;
    let (sort, dir) = (list.sort, list.dir);
    let defs = state.db(|conn| kehu_app::settings::custom_fields(conn, "customers")).await?;
    let header = exports::customer_header(&defs);
    crate::csv::csv_response("customers.csv", &header, move |after| {
        let (state, who, filter, defs) = (state.clone(), who.clone(), filter.clone(), defs.clone());
        async move {
            let page = Page { limit: 500, after };
            let paged = state.db(move |conn| customers::list(conn, &who, &filter, sort, dir, &page, false)).await?;
            let records = paged
                .rows
                .iter()
                .map(|c| Ok(exports::customer_record(&c.to_wire()?, &defs)))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok((exports::csv_lines(&records)?, paged.next))
        }
    })
}

/// Handles `POST /api/v1/customers`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    request_body = CreateCustomer,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Customer),
        (status = 403, description = "The role may not create customers (service)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`possible_duplicate` (with `duplicates`; send `allow_duplicate: true` to create anyway), or Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (with pointers), or Idempotency-Key reused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers")]
async fn create_customer(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateCustomer>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let customer = customers::create(conn, &who, &body)?;
        Stored::created(&customer, format!("/api/v1/customers/{}", customer.id), customer.version)
    })
    .await
}

/// Handles `GET /api/v1/customers/{id}`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The customer", body = Customer),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/customers/{id}")]
async fn get_customer(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersRead)?;
    let id = id.into_inner();
    let customer = state.db(move |conn| customers::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `GET /api/v1/customers/{id}/overview`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The customer 360: contacts, latest activities, counts and sums", body = CustomerOverview),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/customers/{id}/overview")]
async fn customer_overview(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CustomerOverview>> {
    who.require_scope(Scope::CustomersRead)?;
    let id = id.into_inner();
    Ok(web::Json(state.db(move |conn| customers::overview(conn, &who, id)).await?))
}

/// Handles `PATCH /api/v1/customers/{id}`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateCustomer, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Customer),
        (status = 403, description = "Visible but read-only for the caller (a pool customer for a rep; any for service)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/customers/{id}")]
async fn update_customer(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateCustomer>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let customer = state.db(move |conn| customers::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `DELETE /api/v1/customers/{id}`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (an administrator can restore it)"),
        (status = 403, description = "Visible but read-only for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/customers/{id}")]
async fn delete_customer(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| customers::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/customers/{id}/restore`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Restored", body = Customer),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/{id}/restore")]
async fn restore_customer(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let id = id.into_inner();
    let customer = state.db(move |conn| customers::restore(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `POST /api/v1/customers/{id}/claim`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The caller owns the customer now", body = Customer),
        (status = 403, description = "The role does not own customers (service)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_in_pool` (someone owns it) or `pool_cap_reached`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/{id}/claim")]
async fn claim_customer(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let id = id.into_inner();
    let customer = state.db(move |conn| customers::claim(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `POST /api/v1/customers/{id}/release`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The customer is in the pool now", body = Customer),
        (status = 403, description = "Visible but not the caller's to release", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/{id}/release")]
async fn release_customer(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let id = id.into_inner();
    let customer = state.db(move |conn| customers::release(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `POST /api/v1/customers/{id}/assign`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignCustomer,
    responses(
        (status = 200, description = "The customer has its new owner", body = Customer),
        (status = 403, description = "Only managers and administrators assign", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new owner is unknown, outside the caller's teams, or deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/{id}/assign")]
async fn assign_customer(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
    body: Body<AssignCustomer>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let (id, body) = (id.into_inner(), body.into_inner());
    let customer = state.db(move |conn| customers::assign(conn, &who, id, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `POST /api/v1/customers/{id}/merge`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The customer that stays")),
    request_body = MergeCustomers,
    responses(
        (status = 200, description = "The surviving customer, with the duplicate's contacts, activities, tags and missing fields; the duplicate is deleted", body = Customer),
        (status = 403, description = "The caller may not change one of the two", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Either customer is missing or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A customer merged into itself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/{id}/merge")]
async fn merge_customers(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
    body: Body<MergeCustomers>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let (id, body) = (id.into_inner(), body.into_inner());
    let customer = state.db(move |conn| customers::merge(conn, &who, id, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(customer.version)).json(customer))
}

/// Handles `POST /api/v1/customers/reassign`.
#[utoipa::path(
    tag = "customers",
    security(("bearer" = [])),
    request_body = ReassignCustomers,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Every customer of the old owner that the caller sees moved, in one transaction", body = Reassigned),
        (status = 403, description = "Only managers and administrators reassign", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown users, or a new owner outside the caller's teams", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers/reassign")]
async fn reassign_customers(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<ReassignCustomers>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::CustomersWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let done = customers::reassign(conn, &who, &body)?;
        Stored::ok(&done, None)
    })
    .await
}
