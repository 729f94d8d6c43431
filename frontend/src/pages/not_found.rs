use leptos::prelude::*;

use crate::components::icons::logo;
use crate::i18n::{Key, tr};
use crate::routes::{AppRoute, Link};

/// Shown for any path no route matches.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <div class="splash" data-testid="not-found">
            {logo()}
            <h1 class="page-title">{tr(Key::NotFoundTitle)}</h1>
            <p class="page-lede">{tr(Key::NotFoundBody)}</p>
            <Link route=AppRoute::Home class="btn btn-primary">
                {tr(Key::BackHome)}
            </Link>
        </div>
    }
}
