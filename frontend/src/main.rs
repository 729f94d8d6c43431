//! Kehu's web app. It talks to the API of the server it was loaded from, through `kehu-client`.

mod components;
mod i18n;
mod pages;
mod routes;
mod session;

use kehu_client::Client;
use leptos::prelude::*;
use leptos_router::StaticSegment;
use leptos_router::components::{ParentRoute, Route, Router, Routes};

use crate::components::{Shell, Splash};
use crate::i18n::{I18n, Key, tr};
use crate::pages::{HomePage, LoginPage, NotFoundPage};
use crate::routes::AppRoute;
use crate::session::Session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // index.html shows a placeholder until the app is up; the app draws the same splash itself.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
}

#[component]
fn App() -> impl IntoView {
    I18n::provide();
    let client = window().location().origin().ok().and_then(|origin| Client::new(origin).ok());
    let Some(client) = client else {
        return view! {
            <div class="splash" role="alert">
                <p class="splash-label">{tr(Key::StartupFailed)}</p>
            </div>
        }
        .into_any();
    };
    let session = Session::provide(client);
    session.restore();

    view! {
        <Router>
            <Show
                when=move || !session.is_restoring()
                fallback=|| view! { <Splash label=Key::RestoringSession /> }
            >
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment(AppRoute::Login) view=LoginPage />
                    <ParentRoute path=() view=Shell>
                        <Route path=StaticSegment(AppRoute::Home) view=HomePage />
                    </ParentRoute>
                </Routes>
            </Show>
        </Router>
    }
    .into_any()
}
