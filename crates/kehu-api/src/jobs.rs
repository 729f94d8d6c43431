//! Background jobs of a running server. Every instance runs them; each job is safe to run twice at
//! once (its writes are version-checked), so several instances on one database need no leader.

use actix_web::web;
use kehu_app::jobs::JOBS;

use crate::state::AppState;

/// Starts the periodic jobs on the current runtime, when the configuration asks for them.
pub fn spawn(state: web::Data<AppState>) {
    let Some(every) = state.config.job_interval else { return };
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        loop {
            tick.tick().await;
            for job in JOBS {
                // A failed run is logged and tried again next time; it must not stop the server.
                let clock = state.clock.clone();
                if let Err(e) = state.db(move |conn| job.run_now(conn, &clock)).await {
                    tracing::warn!(job = job.name, error = %e, "background job failed");
                }
            }
        }
    });
}
