//! Kehu's web app. It talks to the API of the server it was loaded from, through `kehu-client`.

mod components;
mod data;
mod i18n;
mod pages;
mod routes;
mod session;

use kehu_client::Client;
use leptos::prelude::*;

use crate::components::notice::Notices;
use crate::components::states::{distinct, when};
use crate::components::{Shell, Splash};
use crate::data::People;
use crate::i18n::{I18n, Key, tr};
use crate::pages::{
    ApiKeysPage, ContactPage, CustomerPage, CustomersPage, EditCustomerPage, HomePage, LoginPage, NewContactPage,
    NewCustomerPage, NewTeamPage, NewUserPage, NotFoundPage, PoolPage, ProfilePage, TeamPage, TeamsPage, TodayPage,
    UserPage, UsersPage,
};
use crate::routes::{AppRoute, Router};
use crate::session::Session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // index.html shows a placeholder until the app is up; the app draws the same splash itself.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
}

/// Which frame a route is drawn in; switching pages inside the shell keeps the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    SignIn,
    Shell,
    NotFound,
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
    People::provide(session);
    let router = Router::provide();
    Notices::provide();

    let route = move || router.route();
    let frame = distinct(move || match route() {
        AppRoute::Login => Frame::SignIn,
        AppRoute::NotFound => Frame::NotFound,
        _ => Frame::Shell,
    });
    let page = move || match route() {
        AppRoute::Home => view! { <HomePage /> }.into_any(),
        AppRoute::Profile => view! { <ProfilePage /> }.into_any(),
        AppRoute::ApiKeys => view! { <ApiKeysPage /> }.into_any(),
        AppRoute::Users => view! { <UsersPage /> }.into_any(),
        AppRoute::NewUser => view! { <NewUserPage /> }.into_any(),
        AppRoute::User(id) => view! { <UserPage id=id /> }.into_any(),
        AppRoute::Teams => view! { <TeamsPage /> }.into_any(),
        AppRoute::NewTeam => view! { <NewTeamPage /> }.into_any(),
        AppRoute::Team(id) => view! { <TeamPage id=id /> }.into_any(),
        AppRoute::Today => view! { <TodayPage /> }.into_any(),
        AppRoute::Customers => view! { <CustomersPage /> }.into_any(),
        AppRoute::NewCustomer => view! { <NewCustomerPage /> }.into_any(),
        AppRoute::Customer(id) => view! { <CustomerPage id=id /> }.into_any(),
        AppRoute::EditCustomer(id) => view! { <EditCustomerPage id=id /> }.into_any(),
        AppRoute::Pool => view! { <PoolPage /> }.into_any(),
        AppRoute::Contact(id) => view! { <ContactPage id=id /> }.into_any(),
        AppRoute::NewContact(customer) => view! { <NewContactPage customer=customer /> }.into_any(),
        AppRoute::Login | AppRoute::NotFound => ().into_any(),
    };

    view! {
        {when(
            move || !session.is_restoring(),
            ViewFn::from(move || match frame.get() {
                Frame::SignIn => view! { <LoginPage /> }.into_any(),
                Frame::NotFound => view! { <NotFoundPage /> }.into_any(),
                Frame::Shell => view! { <Shell>{move || page()}</Shell> }.into_any(),
            }),
            ViewFn::from(|| view! { <Splash label=Key::RestoringSession /> }),
        )}
    }
    .into_any()
}
