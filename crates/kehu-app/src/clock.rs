//! Where the server reads the time for rules that hang on it (complaint deadlines and their
//! escalation). A running server reads the system clock; tests hold a manual one and move it, so
//! "an hour later" takes no hour.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Duration, NaiveDateTime};

#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<NaiveDateTime>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock that stands at `start` until moved.
    pub fn manual(start: NaiveDateTime) -> Self {
        Clock(Some(Arc::new(Mutex::new(kehu_store::micros(start)))))
    }

    /// Now, in UTC, to the microsecond (what both databases store).
    pub fn now(&self) -> NaiveDateTime {
        match &self.0 {
            None => kehu_store::now(),
            // A poisoned lock still holds a valid time: a panicking test thread cannot tear it.
            Some(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock forward (or back); the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            let mut guard = t.lock().unwrap_or_else(PoisonError::into_inner);
            *guard += by;
        }
    }
}
