//! A typed client for the Kehu REST API. The web app, the tests and Rust integrators all talk to
//! Kehu through it; every failure comes back as a [`ClientError`], with the server's problem
//! details decoded when the server sent them.
//!
//! Natively the client keeps cookies (for the refresh token) in its own jar; in a browser the
//! refresh cookie is HttpOnly and the browser keeps it.

use std::sync::{Arc, RwLock};

use kehu_core::auth::{LoginRequest, TokenResponse};
use kehu_core::user::Me;
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
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_decode() { ClientError::Decode(e.to_string()) } else { ClientError::Transport(e.to_string()) }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

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
}
