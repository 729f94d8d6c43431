//! A typed client for the Kehu REST API. The web app, the tests and Rust integrators all talk to
//! Kehu through it; every failure comes back as a [`ClientError`], with the server's problem
//! details decoded when the server sent them.
//!
//! Natively the client keeps cookies (for the refresh token) in its own jar; in a browser the
//! refresh cookie is HttpOnly and the browser keeps it.

use std::sync::{Arc, RwLock};

use kehu_core::activity::{Activity, CreateActivity, UpdateActivity};
use kehu_core::api_key::{ApiKey, CreateApiKey, CreatedApiKey};
use kehu_core::audit::AuditEvent;
use kehu_core::auth::{LoginRequest, TokenResponse};
use kehu_core::complaint::{
    AssignComplaint, CloseComplaint, Comment, Complaint, CreateComment, CreateComplaint, ReopenComplaint,
    ResolveComplaint, UpdateComplaint,
};
use kehu_core::contact::{Contact, CreateContact, UpdateContact};
use kehu_core::customer::{
    AssignCustomer, CreateCustomer, Customer, CustomerOverview, MergeCustomers, ReassignCustomers, Reassigned,
    UpdateCustomer,
};
use kehu_core::import::{Import, ImportResource};
use kehu_core::lead::{ChangeStage, ConvertLead, CreateLead, Lead, LeadBoard, LeadConversion, UpdateLead};
use kehu_core::list::List;
use kehu_core::product::{CreateProduct, Product, UpdateProduct};
use kehu_core::purchase::{CreatePayment, CreatePurchase, CreateReturn, Purchase};
use kehu_core::quote::{CreateQuote, Quote, UpdateQuote};
use kehu_core::settings::{Settings, UpdateSettings};
use kehu_core::team::{CreateTeam, Team, UpdateTeam};
use kehu_core::user::{ChangePassword, CreateUser, Me, UpdateMe, UpdateUser, User};
use kehu_core::{ErrorCode, Problem};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Everything that can go wrong calling the API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a problem.
    #[error("{} ({}): {}", .0.title, .0.code, .0.detail.as_deref().unwrap_or(""))]
    Api(Box<Problem>),
    /// The request never got an answer (network, DNS, TLS, CORS).
    #[error("network error: {0}")]
    Transport(String),
    /// The answer was not what the API documents.
    #[error("unexpected response: {0}")]
    Decode(String),
}

impl ClientError {
    /// The problem's stable code, when the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api(p) => Some(p.code),
            _ => None,
        }
    }

    /// The server's problem, when it sent one: field errors, allowed actions and the rest.
    pub fn problem(self) -> Option<Problem> {
        match self {
            ClientError::Api(p) => Some(*p),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_decode() { ClientError::Decode(e.to_string()) } else { ClientError::Transport(e.to_string()) }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// Query parameters of a list call: filters, `sort`, `limit`, `cursor`, `q`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery(Vec<(String, String)>);

impl ListQuery {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any allowlisted parameter, e.g. `("role", "sales")` or `("created_at[gte]", "2026-01-01")`.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), value.into()));
        self
    }

    pub fn limit(self, limit: i64) -> Self {
        self.param("limit", limit.to_string())
    }

    pub fn cursor(self, cursor: impl Into<String>) -> Self {
        self.param("cursor", cursor)
    }

    /// A field from the resource's sort allowlist; `-` in front for descending.
    pub fn sort(self, sort: impl Into<String>) -> Self {
        self.param("sort", sort)
    }

    pub fn search(self, q: impl Into<String>) -> Self {
        self.param("q", q)
    }

    pub fn with_total(self) -> Self {
        self.param("include", "total_count")
    }
}

/// Options of a write: the version the caller last saw (`If-Match`) and an `Idempotency-Key`.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub if_match: Option<i64>,
    pub idempotency_key: Option<String>,
}

impl WriteOptions {
    pub fn if_match(version: i64) -> Self {
        Self { if_match: Some(version), idempotency_key: None }
    }

    pub fn idempotent(key: impl Into<String>) -> Self {
        Self { if_match: None, idempotency_key: Some(key.into()) }
    }

    fn apply(&self, mut req: RequestBuilder) -> RequestBuilder {
        if let Some(v) = self.if_match {
            req = req.header("If-Match", format!("\"{v}\""));
        }
        if let Some(k) = &self.idempotency_key {
            req = req.header("Idempotency-Key", k.as_str());
        }
        req
    }
}

/// A handle on one Kehu server. Cheap to clone; clones share the signed-in session.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    token: Arc<RwLock<Option<String>>>,
}

impl Client {
    /// `base` is the server's origin, e.g. `http://127.0.0.1:8080` (no trailing `/api/v1`).
    pub fn new(base: impl Into<String>) -> Result<Self> {
        let builder = reqwest::Client::builder();
        #[cfg(not(target_arch = "wasm32"))]
        let builder = builder.cookie_store(true);
        let http = builder.build()?;
        Ok(Self { base: base.into().trim_end_matches('/').to_owned(), http, token: Arc::new(RwLock::new(None)) })
    }

    /// Uses an access token or API key obtained elsewhere.
    pub fn with_token(self, token: impl Into<String>) -> Self {
        self.set_token(Some(token.into()));
        self
    }

    pub fn token(&self) -> Option<String> {
        self.token.read().ok().and_then(|t| t.clone())
    }

    fn set_token(&self, token: Option<String>) {
        if let Ok(mut slot) = self.token.write() {
            *slot = token;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.base, path)
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.http.request(method, self.url(path));
        match self.token() {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    async fn send<T: DeserializeOwned>(req: RequestBuilder) -> Result<T> {
        let resp = req.send().await?;
        let status = resp.status();
        if status.is_success() {
            let bytes = resp.bytes().await?;
            // 204 has no body; callers expecting `()` get `null` decoded into it.
            let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))
        } else {
            Err(Self::problem(status, resp).await)
        }
    }

    async fn problem(status: StatusCode, resp: reqwest::Response) -> ClientError {
        match resp.bytes().await {
            Ok(bytes) => match serde_json::from_slice::<Problem>(&bytes) {
                Ok(p) => ClientError::Api(Box::new(p)),
                Err(_) => ClientError::Decode(format!("HTTP {status} without problem details")),
            },
            Err(e) => e.into(),
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    /// `POST /api/v1/auth/login`: signs in and keeps the access token for later calls.
    pub async fn login(&self, email: &str, password: &str) -> Result<TokenResponse> {
        let body = LoginRequest { email: email.to_owned(), password: password.to_owned() };
        let tokens: TokenResponse = self.post("/auth/login", &body).await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /api/v1/auth/refresh`: trades the refresh cookie for a new access token (and cookie).
    pub async fn refresh(&self) -> Result<TokenResponse> {
        let req = self.http.request(Method::POST, self.url("/auth/refresh"));
        let tokens: TokenResponse = Self::send(req).await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /api/v1/auth/logout`: ends the session on the server and forgets the token.
    pub async fn logout(&self) -> Result<()> {
        let result: Result<()> = Self::send(self.request(Method::POST, "/auth/logout")).await;
        self.set_token(None);
        result
    }

    /// `GET /api/v1/me`.
    pub async fn me(&self) -> Result<Me> {
        Self::send(self.request(Method::GET, "/me")).await
    }

    /// `PATCH /api/v1/me`: the caller's own name and language.
    pub async fn update_me(&self, changes: &UpdateMe) -> Result<Me> {
        Self::send(self.request(Method::PATCH, "/me").json(changes)).await
    }

    /// `POST /api/v1/me/password`.
    pub async fn change_password(&self, body: &ChangePassword) -> Result<()> {
        Self::send(self.request(Method::POST, "/me/password").json(body)).await
    }

    async fn list<T: DeserializeOwned>(&self, path: &str, query: &ListQuery) -> Result<List<T>> {
        Self::send(self.request(Method::GET, path).query(&query.0)).await
    }

    async fn write<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        opts: &WriteOptions,
    ) -> Result<T> {
        let mut req = opts.apply(self.request(method, path));
        if let Some(b) = body {
            req = req.json(b);
        }
        Self::send(req).await
    }

    /// `GET /api/v1/users`.
    pub async fn list_users(&self, query: &ListQuery) -> Result<List<User>> {
        self.list("/users", query).await
    }

    /// `GET /api/v1/users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User> {
        Self::send(self.request(Method::GET, &format!("/users/{id}"))).await
    }

    /// `POST /api/v1/users`.
    pub async fn create_user(&self, body: &CreateUser, opts: &WriteOptions) -> Result<User> {
        self.write(Method::POST, "/users", Some(body), opts).await
    }

    /// `PATCH /api/v1/users/{id}`.
    pub async fn update_user(&self, id: &str, changes: &UpdateUser, opts: &WriteOptions) -> Result<User> {
        self.write(Method::PATCH, &format!("/users/{id}"), Some(changes), opts).await
    }

    /// `POST /api/v1/users/{id}/deactivate`.
    pub async fn deactivate_user(&self, id: &str, opts: &WriteOptions) -> Result<User> {
        self.write::<(), _>(Method::POST, &format!("/users/{id}/deactivate"), None, opts).await
    }

    /// `GET /api/v1/teams`.
    pub async fn list_teams(&self, query: &ListQuery) -> Result<List<Team>> {
        self.list("/teams", query).await
    }

    /// `GET /api/v1/teams/{id}`.
    pub async fn get_team(&self, id: &str) -> Result<Team> {
        Self::send(self.request(Method::GET, &format!("/teams/{id}"))).await
    }

    /// `POST /api/v1/teams`.
    pub async fn create_team(&self, body: &CreateTeam, opts: &WriteOptions) -> Result<Team> {
        self.write(Method::POST, "/teams", Some(body), opts).await
    }

    /// `PATCH /api/v1/teams/{id}`.
    pub async fn update_team(&self, id: &str, changes: &UpdateTeam, opts: &WriteOptions) -> Result<Team> {
        self.write(Method::PATCH, &format!("/teams/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/teams/{id}` (soft; admins restore).
    pub async fn delete_team(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/teams/{id}"), None, opts).await
    }

    /// `POST /api/v1/teams/{id}/restore`.
    pub async fn restore_team(&self, id: &str) -> Result<Team> {
        self.write::<(), _>(Method::POST, &format!("/teams/{id}/restore"), None, &WriteOptions::default()).await
    }

    /// `GET /api/v1/api-keys`: the caller's keys (an administrator's: everyone's).
    pub async fn list_api_keys(&self, query: &ListQuery) -> Result<List<ApiKey>> {
        self.list("/api-keys", query).await
    }

    /// `POST /api/v1/api-keys`: the response holds the secret, this once.
    pub async fn create_api_key(&self, body: &CreateApiKey, opts: &WriteOptions) -> Result<CreatedApiKey> {
        self.write(Method::POST, "/api-keys", Some(body), opts).await
    }

    /// `DELETE /api/v1/api-keys/{id}`: revokes the key.
    pub async fn revoke_api_key(&self, id: &str) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/api-keys/{id}"), None, &WriteOptions::default()).await
    }

    /// `GET /api/v1/audit-events?entity=…&entity_id=…`.
    pub async fn list_audit_events(&self, query: &ListQuery) -> Result<List<AuditEvent>> {
        self.list("/audit-events", query).await
    }

    /// `GET /api/v1/customers`: only the customers the caller may see.
    pub async fn list_customers(&self, query: &ListQuery) -> Result<List<Customer>> {
        self.list("/customers", query).await
    }

    /// `GET /api/v1/customers/{id}`.
    pub async fn get_customer(&self, id: &str) -> Result<Customer> {
        Self::send(self.request(Method::GET, &format!("/customers/{id}"))).await
    }

    /// `POST /api/v1/customers`.
    pub async fn create_customer(&self, body: &CreateCustomer, opts: &WriteOptions) -> Result<Customer> {
        self.write(Method::POST, "/customers", Some(body), opts).await
    }

    /// `PATCH /api/v1/customers/{id}`.
    pub async fn update_customer(&self, id: &str, changes: &UpdateCustomer, opts: &WriteOptions) -> Result<Customer> {
        self.write(Method::PATCH, &format!("/customers/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/customers/{id}` (soft; admins restore).
    pub async fn delete_customer(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/customers/{id}"), None, opts).await
    }

    /// `POST /api/v1/customers/{id}/restore`.
    pub async fn restore_customer(&self, id: &str) -> Result<Customer> {
        self.write::<(), _>(Method::POST, &format!("/customers/{id}/restore"), None, &WriteOptions::default()).await
    }

    /// `POST /api/v1/customers/{id}/claim`: take a customer from the pool.
    pub async fn claim_customer(&self, id: &str) -> Result<Customer> {
        self.write::<(), _>(Method::POST, &format!("/customers/{id}/claim"), None, &WriteOptions::default()).await
    }

    /// `POST /api/v1/customers/{id}/release`: put a customer back into the pool.
    pub async fn release_customer(&self, id: &str) -> Result<Customer> {
        self.write::<(), _>(Method::POST, &format!("/customers/{id}/release"), None, &WriteOptions::default()).await
    }

    /// `POST /api/v1/customers/{id}/assign`.
    pub async fn assign_customer(&self, id: &str, body: &AssignCustomer) -> Result<Customer> {
        self.write(Method::POST, &format!("/customers/{id}/assign"), Some(body), &WriteOptions::default()).await
    }

    /// `POST /api/v1/customers/reassign`: all of one owner's customers to another, or to the pool.
    pub async fn reassign_customers(&self, body: &ReassignCustomers, opts: &WriteOptions) -> Result<Reassigned> {
        self.write(Method::POST, "/customers/reassign", Some(body), opts).await
    }

    /// `GET /api/v1/customers/{id}/overview`: the customer 360.
    pub async fn customer_overview(&self, id: &str) -> Result<CustomerOverview> {
        Self::send(self.request(Method::GET, &format!("/customers/{id}/overview"))).await
    }

    /// `GET /api/v1/contacts`.
    pub async fn list_contacts(&self, query: &ListQuery) -> Result<List<Contact>> {
        self.list("/contacts", query).await
    }

    /// `GET /api/v1/contacts/{id}`.
    pub async fn get_contact(&self, id: &str) -> Result<Contact> {
        Self::send(self.request(Method::GET, &format!("/contacts/{id}"))).await
    }

    /// `POST /api/v1/contacts`.
    pub async fn create_contact(&self, body: &CreateContact, opts: &WriteOptions) -> Result<Contact> {
        self.write(Method::POST, "/contacts", Some(body), opts).await
    }

    /// `PATCH /api/v1/contacts/{id}`.
    pub async fn update_contact(&self, id: &str, changes: &UpdateContact, opts: &WriteOptions) -> Result<Contact> {
        self.write(Method::PATCH, &format!("/contacts/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/contacts/{id}` (soft; admins restore).
    pub async fn delete_contact(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/contacts/{id}"), None, opts).await
    }

    /// `POST /api/v1/contacts/{id}/restore`.
    pub async fn restore_contact(&self, id: &str) -> Result<Contact> {
        self.write::<(), _>(Method::POST, &format!("/contacts/{id}/restore"), None, &WriteOptions::default()).await
    }

    /// `GET /api/v1/products`: the catalog (`cost` is null unless the caller is an administrator
    /// or a manager).
    pub async fn list_products(&self, query: &ListQuery) -> Result<List<Product>> {
        self.list("/products", query).await
    }

    /// `GET /api/v1/products/{id}`.
    pub async fn get_product(&self, id: &str) -> Result<Product> {
        Self::send(self.request(Method::GET, &format!("/products/{id}"))).await
    }

    /// `POST /api/v1/products` (administrators and managers).
    pub async fn create_product(&self, body: &CreateProduct, opts: &WriteOptions) -> Result<Product> {
        self.write(Method::POST, "/products", Some(body), opts).await
    }

    /// `PATCH /api/v1/products/{id}` (administrators and managers).
    pub async fn update_product(&self, id: &str, changes: &UpdateProduct, opts: &WriteOptions) -> Result<Product> {
        self.write(Method::PATCH, &format!("/products/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/products/{id}` (soft; administrators restore).
    pub async fn delete_product(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/products/{id}"), None, opts).await
    }

    /// `POST /api/v1/products/{id}/restore` (administrators).
    pub async fn restore_product(&self, id: &str) -> Result<Product> {
        self.write::<(), _>(Method::POST, &format!("/products/{id}/restore"), None, &WriteOptions::default()).await
    }

    /// `GET /api/v1/activities`.
    pub async fn list_activities(&self, query: &ListQuery) -> Result<List<Activity>> {
        self.list("/activities", query).await
    }

    /// `GET /api/v1/activities/{id}`.
    pub async fn get_activity(&self, id: &str) -> Result<Activity> {
        Self::send(self.request(Method::GET, &format!("/activities/{id}"))).await
    }

    /// `POST /api/v1/activities`.
    pub async fn create_activity(&self, body: &CreateActivity, opts: &WriteOptions) -> Result<Activity> {
        self.write(Method::POST, "/activities", Some(body), opts).await
    }

    /// `PATCH /api/v1/activities/{id}`.
    pub async fn update_activity(&self, id: &str, changes: &UpdateActivity, opts: &WriteOptions) -> Result<Activity> {
        self.write(Method::PATCH, &format!("/activities/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/activities/{id}`.
    pub async fn delete_activity(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/activities/{id}"), None, opts).await
    }

    /// `POST /api/v1/activities/{id}/complete`.
    pub async fn complete_activity(&self, id: &str) -> Result<Activity> {
        self.write::<(), _>(Method::POST, &format!("/activities/{id}/complete"), None, &WriteOptions::default()).await
    }

    /// `POST /api/v1/customers/{id}/merge`: folds the duplicate into this customer.
    pub async fn merge_customer(&self, id: &str, body: &MergeCustomers) -> Result<Customer> {
        self.write(Method::POST, &format!("/customers/{id}/merge"), Some(body), &WriteOptions::default()).await
    }

    /// `GET /api/v1/leads`.
    pub async fn list_leads(&self, query: &ListQuery) -> Result<List<Lead>> {
        self.list("/leads", query).await
    }

    /// `GET /api/v1/leads/board`: the open pipeline, a column per stage; takes `owner_id`,
    /// `team_id`, `q` and `source`.
    pub async fn lead_board(&self, query: &ListQuery) -> Result<LeadBoard> {
        Self::send(self.request(Method::GET, "/leads/board").query(&query.0)).await
    }

    /// `GET /api/v1/leads/{id}`.
    pub async fn get_lead(&self, id: &str) -> Result<Lead> {
        Self::send(self.request(Method::GET, &format!("/leads/{id}"))).await
    }

    /// `POST /api/v1/leads`.
    pub async fn create_lead(&self, body: &CreateLead, opts: &WriteOptions) -> Result<Lead> {
        self.write(Method::POST, "/leads", Some(body), opts).await
    }

    /// `PATCH /api/v1/leads/{id}`.
    pub async fn update_lead(&self, id: &str, changes: &UpdateLead, opts: &WriteOptions) -> Result<Lead> {
        self.write(Method::PATCH, &format!("/leads/{id}"), Some(changes), opts).await
    }

    /// `DELETE /api/v1/leads/{id}`.
    pub async fn delete_lead(&self, id: &str, opts: &WriteOptions) -> Result<()> {
        self.write::<(), _>(Method::DELETE, &format!("/leads/{id}"), None, opts).await
    }

    /// `POST /api/v1/leads/{id}/restore` (administrators).
    pub async fn restore_lead(&self, id: &str) -> Result<Lead> {
        self.write::<(), _>(Method::POST, &format!("/leads/{id}/restore"), None, &WriteOptions::default()).await
    }

    /// `POST /api/v1/leads/{id}/stage`: moves the lead (won needs a customer, lost a reason).
    pub async fn change_lead_stage(&self, id: &str, body: &ChangeStage, opts: &WriteOptions) -> Result<Lead> {
        self.write(Method::POST, &format!("/leads/{id}/stage"), Some(body), opts).await
    }

    /// `POST /api/v1/leads/{id}/convert`: the prospect becomes a customer and a contact.
    pub async fn convert_lead(&self, id: &str, body: &ConvertLead, opts: &WriteOptions) -> Result<LeadConversion> {
        self.write(Method::POST, &format!("/leads/{id}/convert"), Some(body), opts).await
    }

    /// `GET /api/v1/quotes`.
    pub async fn list_quotes(&self, query: &ListQuery) -> Result<List<Quote>> {
        self.list("/quotes", query).await
    }

    /// `GET /api/v1/quotes/{id}`.
    pub async fn get_quote(&self, id: &str) -> Result<Quote> {
        Self::send(self.request(Method::GET, &format!("/quotes/{id}"))).await
    }

    /// `POST /api/v1/quotes`: a draft with its lines; the totals are computed.
    pub async fn create_quote(&self, body: &CreateQuote, opts: &WriteOptions) -> Result<Quote> {
        self.write(Method::POST, "/quotes", Some(body), opts).await
    }

    /// `PATCH /api/v1/quotes/{id}` (drafts only).
    pub async fn update_quote(&self, id: &str, changes: &UpdateQuote, opts: &WriteOptions) -> Result<Quote> {
        self.write(Method::PATCH, &format!("/quotes/{id}"), Some(changes), opts).await
    }

    /// `POST /api/v1/quotes/{id}/{action}`: `submit`, `approve`, `reject-approval`, `send`,
    /// `accept`, `reject`, `cancel`, or `revise` (which returns the new draft revision).
    pub async fn quote_action(&self, id: &str, action: &str, opts: &WriteOptions) -> Result<Quote> {
        self.write::<(), _>(Method::POST, &format!("/quotes/{id}/{action}"), None, opts).await
    }

    /// `GET /api/v1/purchases`.
    pub async fn list_purchases(&self, query: &ListQuery) -> Result<List<Purchase>> {
        self.list("/purchases", query).await
    }

    /// `GET /api/v1/purchases/{id}`.
    pub async fn get_purchase(&self, id: &str) -> Result<Purchase> {
        Self::send(self.request(Method::GET, &format!("/purchases/{id}"))).await
    }

    /// `POST /api/v1/purchases`: a purchase entered directly, with its lines.
    pub async fn create_purchase(&self, body: &CreatePurchase, opts: &WriteOptions) -> Result<Purchase> {
        self.write(Method::POST, "/purchases", Some(body), opts).await
    }

    /// `POST /api/v1/purchases/{id}/{action}`: `confirm`, `fulfill`, `complete` or `cancel`.
    pub async fn purchase_action(&self, id: &str, action: &str, opts: &WriteOptions) -> Result<Purchase> {
        self.write::<(), _>(Method::POST, &format!("/purchases/{id}/{action}"), None, opts).await
    }

    /// `POST /api/v1/purchases/{id}/payments`.
    pub async fn add_payment(&self, id: &str, body: &CreatePayment, opts: &WriteOptions) -> Result<Purchase> {
        self.write(Method::POST, &format!("/purchases/{id}/payments"), Some(body), opts).await
    }

    /// `POST /api/v1/purchases/{id}/returns`.
    pub async fn add_return(&self, id: &str, body: &CreateReturn, opts: &WriteOptions) -> Result<Purchase> {
        self.write(Method::POST, &format!("/purchases/{id}/returns"), Some(body), opts).await
    }

    /// `GET /api/v1/complaints`.
    pub async fn list_complaints(&self, query: &ListQuery) -> Result<List<Complaint>> {
        self.list("/complaints", query).await
    }

    /// `GET /api/v1/complaints/{id}`.
    pub async fn get_complaint(&self, id: &str) -> Result<Complaint> {
        Self::send(self.request(Method::GET, &format!("/complaints/{id}"))).await
    }

    /// `POST /api/v1/complaints`: numbered, with its deadlines from the settings.
    pub async fn create_complaint(&self, body: &CreateComplaint, opts: &WriteOptions) -> Result<Complaint> {
        self.write(Method::POST, "/complaints", Some(body), opts).await
    }

    /// `PATCH /api/v1/complaints/{id}`.
    pub async fn update_complaint(
        &self,
        id: &str,
        changes: &UpdateComplaint,
        opts: &WriteOptions,
    ) -> Result<Complaint> {
        self.write(Method::PATCH, &format!("/complaints/{id}"), Some(changes), opts).await
    }

    /// `POST /api/v1/complaints/{id}/acknowledge` or `/start`: the actions without a body.
    pub async fn complaint_action(&self, id: &str, action: &str, opts: &WriteOptions) -> Result<Complaint> {
        self.write::<(), _>(Method::POST, &format!("/complaints/{id}/{action}"), None, opts).await
    }

    /// `POST /api/v1/complaints/{id}/resolve`.
    pub async fn resolve_complaint(&self, id: &str, body: &ResolveComplaint, opts: &WriteOptions) -> Result<Complaint> {
        self.write(Method::POST, &format!("/complaints/{id}/resolve"), Some(body), opts).await
    }

    /// `POST /api/v1/complaints/{id}/close`.
    pub async fn close_complaint(&self, id: &str, body: &CloseComplaint, opts: &WriteOptions) -> Result<Complaint> {
        self.write(Method::POST, &format!("/complaints/{id}/close"), Some(body), opts).await
    }

    /// `POST /api/v1/complaints/{id}/reopen`.
    pub async fn reopen_complaint(&self, id: &str, body: &ReopenComplaint, opts: &WriteOptions) -> Result<Complaint> {
        self.write(Method::POST, &format!("/complaints/{id}/reopen"), Some(body), opts).await
    }

    /// `POST /api/v1/complaints/{id}/assign`.
    pub async fn assign_complaint(&self, id: &str, body: &AssignComplaint, opts: &WriteOptions) -> Result<Complaint> {
        self.write(Method::POST, &format!("/complaints/{id}/assign"), Some(body), opts).await
    }

    /// `GET /api/v1/complaints/{id}/comments`: the timeline, oldest first.
    pub async fn list_complaint_comments(&self, id: &str, query: &ListQuery) -> Result<List<Comment>> {
        self.list(&format!("/complaints/{id}/comments"), query).await
    }

    /// `POST /api/v1/complaints/{id}/comments`.
    pub async fn add_complaint_comment(&self, id: &str, body: &CreateComment, opts: &WriteOptions) -> Result<Comment> {
        self.write(Method::POST, &format!("/complaints/{id}/comments"), Some(body), opts).await
    }

    /// `GET /api/v1/settings`.
    pub async fn settings(&self) -> Result<Settings> {
        Self::send(self.request(Method::GET, "/settings")).await
    }

    /// `PATCH /api/v1/settings` (administrators).
    pub async fn update_settings(&self, changes: &UpdateSettings, opts: &WriteOptions) -> Result<Settings> {
        self.write(Method::PATCH, "/settings", Some(changes), opts).await
    }

    /// `POST /api/v1/imports`: starts a CSV import (or, with `dry_run`, a check); poll
    /// [`Client::get_import`] for its progress and report.
    pub async fn start_import(&self, resource: ImportResource, dry_run: bool, csv: Vec<u8>) -> Result<Import> {
        let query = [("resource", resource.as_str()), ("dry_run", if dry_run { "true" } else { "false" })];
        let req = self.request(Method::POST, "/imports").query(&query).header("content-type", "text/csv").body(csv);
        Self::send(req).await
    }

    /// `GET /api/v1/imports/{id}`.
    pub async fn get_import(&self, id: &str) -> Result<Import> {
        Self::send(self.request(Method::GET, &format!("/imports/{id}"))).await
    }

    /// `GET /api/v1/customers/export.csv`: the filtered list as CSV.
    pub async fn export_customers(&self, query: &ListQuery) -> Result<Vec<u8>> {
        self.download("/customers/export.csv", query).await
    }

    /// `GET /api/v1/contacts/export.csv`: the filtered list as CSV.
    pub async fn export_contacts(&self, query: &ListQuery) -> Result<Vec<u8>> {
        self.download("/contacts/export.csv", query).await
    }

    async fn download(&self, path: &str, query: &ListQuery) -> Result<Vec<u8>> {
        let resp = self.request(Method::GET, path).query(&query.0).send().await?;
        let status = resp.status();
        if status.is_success() { Ok(resp.bytes().await?.to_vec()) } else { Err(Self::problem(status, resp).await) }
    }
}
