//! Background jobs of a running server. Every instance runs them; each job is safe to run twice at
//! once (its writes are version-checked), so several instances on one database need no leader.

use actix_web::web;

use crate::services::{complaints, pool};
use crate::state::AppState;

/// Starts the periodic jobs on the current runtime, when the configuration asks for them.
pub fn spawn(state: web::Data<AppState>) {
    let Some(every) = state.config.job_interval else { return };
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        loop {
            tick.tick().await;
            // A failed run is logged and tried again next time; it must not stop the server.
            let now = state.clock.now();
            if let Err(e) = state.db(move |conn| pool::recycle(conn, now)).await {
                tracing::warn!(error = %e, "returning idle customers to the pool failed");
            }
            if let Err(e) = state.db(move |conn| complaints::escalate(conn, now)).await {
                tracing::warn!(error = %e, "escalating complaints past their deadlines failed");
            }
        }
    });
}
