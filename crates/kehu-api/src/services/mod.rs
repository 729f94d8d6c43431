//! Business rules. A service function holds the rule and opens the transaction; handlers only
//! extract and respond, and the store only queries.

pub mod activities;
pub mod api_keys;
pub mod audit;
pub mod bootstrap;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod exports;
pub mod fields;
pub mod idempotency;
pub mod imports;
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
