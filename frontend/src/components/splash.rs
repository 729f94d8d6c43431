use leptos::prelude::*;

use crate::components::icons::logo;
use crate::i18n::{Key, tr};

/// The full-page wait while the session is restored; it matches the page `index.html` shows
/// before the app loads, so the hand-over does not flicker.
#[component]
pub fn Splash(label: Key) -> impl IntoView {
    view! {
        <div class="splash" role="status" aria-live="polite" data-testid="splash">
            {logo()}
            <span class="spinner spinner-lg" aria-hidden="true"></span>
            <p class="splash-label">{tr(label)}</p>
        </div>
    }
}
