//! Kehu's HTTP API: actix-web handlers over `kehu-store`, problem+json errors, JWT sessions, and
//! the OpenAPI document generated from the same types the handlers use.
//!
//! Error types by layer: `kehu_store::StoreError` below, [`error::ApiError`] here (it converts
//! from the store's), `kehu_core::Problem` on the wire.

pub mod app;
pub mod auth;
pub mod body;
pub mod clock;
pub mod concurrency;
pub mod config;
pub mod error;
pub mod jobs;
pub mod listing;
pub mod metrics;
pub mod middleware;
pub mod rate_limit;
pub mod routes;
pub mod services;
pub mod state;
pub mod telemetry;
