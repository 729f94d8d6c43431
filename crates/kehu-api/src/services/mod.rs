//! Business rules. A service function holds the rule and opens the transaction; handlers only
//! extract and respond, and the store only queries.

pub mod bootstrap;
pub mod sessions;
