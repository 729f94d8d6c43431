//! The common crate of Kehu: the types that travel on the wire between the API, the typed client
//! and the web app, and the stable error codes. It does no IO and compiles for wasm32; OpenAPI
//! derives sit behind the `openapi` feature so the web app does not carry them.

pub mod activity;
pub mod api_key;
pub mod audit;
pub mod auth;
pub mod complaint;
pub mod contact;
pub mod customer;
pub mod decimal;
pub mod entity;
pub mod error;
pub mod event;
pub mod import;
pub mod lead;
pub mod list;
pub mod money;
pub mod patch;
pub mod product;
pub mod purchase;
pub mod quote;
pub mod settings;
pub mod team;
pub mod user;
pub mod validate;
pub mod wire_enum;

pub use entity::EntityKind;
pub use error::{DuplicateCandidate, ErrorCode, FieldError, Problem};
pub use event::EventType;
