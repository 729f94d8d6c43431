//! What every handler shares: the store, the configuration and the signing keys.

use actix_web::web;
use kehu_store::{DbConnection, Store};

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::error::ApiResult;
use kehu_app::AppResult;
use kehu_app::clock::Clock;

pub struct AppState {
    pub store: Store,
    pub config: Config,
    pub keys: JwtKeys,
    pub clock: Clock,
}

impl AppState {
    /// Runs `f` (an application function, usually) with a pooled connection on the blocking thread
    /// pool: diesel is synchronous and must not stall the async workers.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    {
        let store = self.store.clone();
        // What the application logs belongs to the request that asked for it.
        let span = tracing::Span::current();
        let result = web::block(move || {
            let _entered = span.enter();
            let mut conn = store.conn()?;
            f(&mut conn)
        })
        .await?;
        Ok(result?)
    }
}
