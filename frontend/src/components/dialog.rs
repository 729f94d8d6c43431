//! Asking before something that is hard to take back.

use leptos::prelude::window;

/// Asks `question` in the browser's own dialog, which every phone draws in its native way and
/// reads out to screen readers; `true` when the user confirms.
pub fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}
