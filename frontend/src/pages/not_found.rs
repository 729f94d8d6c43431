use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icons::Logo;
use crate::i18n::{Key, tr};
use crate::routes::AppRoute;

/// Shown for any path no route matches.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <div class="splash" data-testid="not-found">
            <Logo />
            <h1 class="page-title">{tr(Key::NotFoundTitle)}</h1>
            <p class="page-lede">{tr(Key::NotFoundBody)}</p>
            <A href=AppRoute::Home.href() attr:class="btn btn-primary">
                {tr(Key::BackHome)}
            </A>
        </div>
    }
}
