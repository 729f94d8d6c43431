//! Business rules. A service function holds the rule and opens the transaction; handlers only
//! extract and respond, and the store only queries.

pub mod api_keys;
pub mod audit;
pub mod bootstrap;
pub mod customers;
pub mod idempotency;
pub mod sessions;
pub mod teams;
pub mod users;
