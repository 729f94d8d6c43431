//! Background jobs. Each runs in a system context of its own (named after the job, at the clock's
//! `now`), and each is safe to run on several instances at once: its writes are version-checked.

use kehu_store::DbConnection;

use crate::clock::Clock;
use crate::context::Context;
use crate::error::AppResult;
use crate::{complaints, pool};

/// A job: its name (for the logs and its context) and one run of it, which returns how many
/// records it changed.
pub struct Job {
    pub name: &'static str,
    pub run: fn(&mut DbConnection, &Context) -> AppResult<usize>,
}

/// Every periodic job, in the order a tick runs them.
pub const JOBS: &[Job] = &[
    Job { name: "pool recycling", run: pool::recycle },
    Job { name: "complaint escalation", run: complaints::escalate },
];

impl Job {
    /// One run, in a fresh system context at the clock's now.
    pub fn run_now(&self, conn: &mut DbConnection, clock: &Clock) -> AppResult<usize> {
        (self.run)(conn, &Context::system(self.name, clock))
    }
}
