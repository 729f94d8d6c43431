//! Kehu's application layer: the rules of every use case, free of HTTP. A service function takes
//! a [`context::Context`] (who acts, what they see, what time it is) and a connection, holds the
//! rule and opens the transaction; the store only queries, and the HTTP adapter (`kehu-api`) only
//! extracts, builds the context, calls one function and responds. Background jobs call the same
//! functions with a system context.
//!
//! Error types by layer: `kehu_store::StoreError` below, [`error::AppError`] here (it converts
//! from the store's), `kehu_core::Problem` on the wire.

pub mod activities;
pub mod api_keys;
pub mod audit;
pub mod bootstrap;
pub mod clock;
pub mod complaints;
pub mod concurrency;
pub mod contacts;
pub mod context;
pub mod credentials;
pub mod cursor;
pub mod customers;
pub mod decode;
pub mod error;
pub mod exports;
pub mod fields;
pub mod imports;
pub mod jobs;
pub mod leads;
pub mod outbox;
pub mod pool;
pub mod products;
pub mod purchases;
pub mod quotes;
pub mod sessions;
pub mod settings;
pub mod teams;
pub mod users;
pub mod write;

pub use context::Context;
pub use error::{AppError, AppResult};
