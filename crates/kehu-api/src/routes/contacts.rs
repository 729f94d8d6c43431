//! `/api/v1/contacts`: the people at customers. Visible with their customer.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use kehu_core::Problem;
use kehu_core::api_key::Scope;
use kehu_core::contact::{Contact, CreateContact, UpdateContact};
use kehu_core::list::List;
use kehu_store::contacts::{ContactFilter, ContactSort};
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
use kehu_app::{contacts, exports};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_contacts)
        .service(list_contacts)
        .service(create_contact)
        .service(get_contact)
        .service(update_contact)
        .service(delete_contact)
        .service(restore_contact);
}

const SORTS: [(&str, ContactSort); 3] =
    [("name", ContactSort::Name), ("created_at", ContactSort::CreatedAt), ("updated_at", ContactSort::UpdatedAt)];

const FILTERS: [Filter; 3] = [
    Filter::new("q", Values::Text, "Substring of the name or email, or digits of a phone"),
    Filter::new("customer_id", Values::Uuid, "One customer's contacts"),
    Filter::new("is_primary", Values::Bool, ""),
];

list_params!(
    /// The query of `GET /contacts` and of its CSV export.
    ContactListParams,
    SORTS,
    FILTERS
);

fn contact_filter<S: Copy>(list: &ListRequest<S>) -> ApiResult<ContactFilter> {
    Ok(ContactFilter {
        customer_id: list.filter_uuid("customer_id")?,
        is_primary: list.filter_bool("is_primary")?,
        q: list.filter("q").map(str::to_owned),
    })
}

/// Handles `GET /api/v1/contacts/export.csv`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(ContactListParams),
    responses(
        (status = 200, description = "Every contact of the filtered list the caller may see, as CSV (UTF-8 with a byte-order mark; cells that could start a formula begin with `'`)", content_type = "text/csv"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/export.csv")]
async fn export_contacts(state: web::Data<AppState>, who: Caller, req: HttpRequest) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let (filter, sort, dir) = (contact_filter(&list)?, list.sort, list.dir);
    let defs = state.db(|conn| kehu_app::settings::custom_fields(conn, "contacts")).await?;
    let header = exports::contact_header(&defs);
    crate::csv::csv_response("contacts.csv", &header, move |after| {
        let (state, who, filter, defs) = (state.clone(), who.clone(), filter.clone(), defs.clone());
        async move {
            let page = Page { limit: 500, after };
            let paged = state.db(move |conn| contacts::list(conn, &who, &filter, sort, dir, &page, false)).await?;
            let records = paged
                .rows
                .iter()
                .map(|c| Ok(exports::contact_record(&c.to_wire()?, &defs)))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok((exports::csv_lines(&records)?, paged.next))
        }
    })
}

/// Handles `GET /api/v1/contacts`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(ContactListParams),
    responses(
        (status = 200, description = "A page of the contacts of customers the caller may see", body = List<Contact>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contacts")]
async fn list_contacts(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
) -> ApiResult<web::Json<List<Contact>>> {
    who.require_scope(Scope::ContactsRead)?;
    let list = ListRequest::parse(&req, &SORTS, &FILTERS)?;
    let filter = contact_filter(&list)?;
    let (page, sort, dir, total) = (list.page.clone(), list.sort, list.dir, list.with_total);
    let paged = state.db(move |conn| contacts::list(conn, &who, &filter, sort, dir, &page, total)).await?;
    Ok(web::Json(list.respond(paged, |c| Ok(c.to_wire()?))?))
}

/// Handles `POST /api/v1/contacts`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    request_body = CreateContact,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Contact),
        (status = 403, description = "The caller may read the customer but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key in flight", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown or invisible `customer_id` included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contacts")]
async fn create_contact(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    body: Body<CreateContact>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsWrite)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let owner = who.id();
    idempotency::run(&state, &req, owner, canonical, move |conn| {
        let contact = contacts::create(conn, &who, &body)?;
        Stored::created(&contact, format!("/api/v1/contacts/{}", contact.id), contact.version)
    })
    .await
}

/// Handles `GET /api/v1/contacts/{id}`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 404, description = "No such contact, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/{id}")]
async fn get_contact(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsRead)?;
    let id = id.into_inner();
    let contact = state.db(move |conn| contacts::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(contact.version)).json(contact))
}

/// Handles `PATCH /api/v1/contacts/{id}`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = UpdateContact, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Contact),
        (status = 403, description = "The caller may read the contact but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/contacts/{id}")]
async fn update_contact(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UpdateContact>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsWrite)?;
    let (id, expected, body) = (id.into_inner(), if_match(&req)?, body.into_inner());
    let contact = state.db(move |conn| contacts::update(conn, &who, id, expected, &body)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(contact.version)).json(contact))
}

/// Handles `DELETE /api/v1/contacts/{id}`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (an administrator can restore it)"),
        (status = 403, description = "The caller may read the contact but not change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/contacts/{id}")]
async fn delete_contact(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsWrite)?;
    let (id, expected) = (id.into_inner(), if_match(&req)?);
    state.db(move |conn| contacts::delete(conn, &who, id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Handles `POST /api/v1/contacts/{id}/restore`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Restored", body = Contact),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/restore")]
async fn restore_contact(state: web::Data<AppState>, who: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    who.require_scope(Scope::ContactsWrite)?;
    let id = id.into_inner();
    let contact = state.db(move |conn| contacts::restore(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(contact.version)).json(contact))
}
