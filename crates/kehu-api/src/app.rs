//! Starting Kehu: prepare the database, then build and bind the HTTP server.

use std::net::SocketAddr;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use kehu_store::{Backend, Store};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::error::{json_error, path_error, query_error};
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::routes::system::OpenApiJson;
use crate::state::AppState;
use crate::{middleware, rate_limit, routes};
use kehu_app::bootstrap::{self, CreatedAdmin, FirstAdmin};
use kehu_app::clock::Clock;
use kehu_app::context::Context;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data folder {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("database: {0}")]
    Store(#[from] kehu_store::StoreError),
    #[error("startup: {0}")]
    App(kehu_app::AppError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot render the API document: {0}")]
    OpenApi(#[from] serde_json::Error),
    #[error("startup task failed: {0}")]
    Join(String),
}

impl From<kehu_app::AppError> for StartError {
    fn from(e: kehu_app::AppError) -> Self {
        StartError::App(e)
    }
}

/// Opens the database and brings it up to date (migrations, signing key, first admin).
pub async fn prepare(config: &Config) -> Result<(AppState, Option<CreatedAdmin>), StartError> {
    if Backend::from_url(&config.database_url) == Backend::Sqlite {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartError::DataDir(config.data_dir.display().to_string(), e))?;
    }
    let config = config.clone();
    // Opening the pool, migrating and hashing the admin password all block.
    tokio::task::spawn_blocking(move || -> Result<_, StartError> {
        let store = Store::connect(&config.database_url, config.pool_size)?;
        let applied = store.migrate()?;
        tracing::info!(backend = store.backend().name(), applied, "database ready");
        let mut conn = store.conn()?;
        let clock = Clock::system();
        let secret = bootstrap::signing_secret(&mut conn, config.jwt_secret.as_deref())?;
        let first = FirstAdmin { email: &config.admin_email, password: config.admin_password.as_deref() };
        let admin = bootstrap::ensure_admin(&mut conn, &Context::system("first start", &clock), &first)?;
        drop(conn);
        let keys = JwtKeys::new(secret.as_bytes(), config.access_token_ttl);
        Ok((AppState { store, config, keys, clock }, admin))
    })
    .await
    .map_err(|e| StartError::Join(e.to_string()))?
}

/// Binds the server; returns it (not yet running) and the address it listens on.
pub fn bind(state: AppState) -> Result<(Server, SocketAddr), StartError> {
    let config = state.config.clone();
    let doc = web::Data::new(OpenApiJson(routes::openapi_json()?));
    let known = web::Data::new(routes::KnownRoutes::from_openapi(&routes::openapi()));
    let state = web::Data::new(state);
    crate::jobs::spawn(state.clone());
    let metrics = web::Data::new(Metrics::default());
    let limiter = web::Data::new(RateLimiter::new(config.rate_limit_per_minute));
    let limit = config.max_body_bytes;

    let mut server = HttpServer::new(move || {
        let (app, _) = App::new().into_utoipa_app().configure(routes::configure).split_for_parts();
        app.app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(doc.clone())
            .app_data(known.clone())
            .app_data(limiter.clone())
            .app_data(web::JsonConfig::default().limit(limit).error_handler(|e, _| json_error(e).into()))
            .app_data(web::PayloadConfig::new(limit))
            .app_data(web::QueryConfig::default().error_handler(|e, _| query_error(e).into()))
            .app_data(web::PathConfig::default().error_handler(|e, _| path_error(e).into()))
            .service(SwaggerUi::new("/api/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")))
            .default_service(web::to(routes::web::fallback))
            .wrap(from_fn(rate_limit::limit))
            .wrap(from_fn(middleware::observe))
            .wrap(Compress::default())
    })
    // SIGTERM and SIGINT stop accepting and let requests in flight finish, up to this long.
    .shutdown_timeout(config.shutdown_timeout.as_secs());
    if let Some(n) = config.workers {
        server = server.workers(n);
    }
    let server = server.bind(config.bind).map_err(|e| StartError::Bind(config.bind, e))?;
    let addr = server.addrs().first().copied().unwrap_or(config.bind);
    Ok((server.run(), addr))
}
