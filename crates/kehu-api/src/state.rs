//! What every handler shares: the store, the configuration and the signing keys.

use actix_web::web;
use kehu_store::{DbConnection, Store};

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::ApiResult;

pub struct AppState {
    pub store: Store,
    pub config: Config,
    pub keys: JwtKeys,
    pub clock: Clock,
}

impl AppState {
    /// Runs `f` with a pooled connection on the blocking thread pool: diesel is synchronous and
    /// must not stall the async workers.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
    {
        let store = self.store.clone();
        web::block(move || {
            let mut conn = store.conn()?;
            f(&mut conn)
        })
        .await?
    }
}
