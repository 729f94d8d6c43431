//! Kehu's HTTP API: the adapter over `kehu-app`. Handlers extract, build the context, call one
//! application function and respond; this crate also holds what only HTTP has: problem+json
//! responses, JWT sessions and cookies, idempotency keys, CSV streaming, rate limits, and the
//! OpenAPI document generated from the same types the handlers use.
//!
//! Error types by layer: `kehu_store::StoreError`, then `kehu_app::AppError`, then
//! [`error::ApiError`] here (which answers as problem+json), `kehu_core::Problem` on the wire.

pub mod app;
pub mod auth;
pub mod body;
pub mod concurrency;
pub mod config;
pub mod csv;
pub mod error;
pub mod idempotency;
pub mod jobs;
pub mod listing;
pub mod metrics;
pub mod middleware;
pub mod rate_limit;
pub mod routes;
pub mod state;
pub mod telemetry;
