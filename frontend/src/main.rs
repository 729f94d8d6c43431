//! Kehu's web app. It talks to the API of the server it was loaded from, through `kehu-client`.

mod components;
mod data;
mod i18n;
mod lazy;
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
use crate::pages::{HomePage, LoginPage, NotFoundPage};
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
        AppRoute::Profile => lazy::page(lazy::profile_page),
        AppRoute::ApiKeys => lazy::page(lazy::api_keys_page),
        AppRoute::Users => lazy::page(lazy::users_page),
        AppRoute::NewUser => lazy::page(lazy::new_user_page),
        AppRoute::User(id) => lazy::page(move || lazy::user_page(id)),
        AppRoute::Teams => lazy::page(lazy::teams_page),
        AppRoute::NewTeam => lazy::page(lazy::new_team_page),
        AppRoute::Team(id) => lazy::page(move || lazy::team_page(id)),
        AppRoute::Today => lazy::page(lazy::today_page),
        AppRoute::Customers => lazy::page(lazy::customers_page),
        AppRoute::NewCustomer => lazy::page(lazy::new_customer_page),
        AppRoute::Customer(id) => lazy::page(move || lazy::customer_page(id)),
        AppRoute::EditCustomer(id) => lazy::page(move || lazy::edit_customer_page(id)),
        AppRoute::Pool => lazy::page(lazy::pool_page),
        AppRoute::Import => lazy::page(lazy::import_page),
        AppRoute::Leads => lazy::page(lazy::pipeline_page),
        AppRoute::NewLead(customer) => lazy::page(move || lazy::new_lead_page(customer)),
        AppRoute::Lead(id) => lazy::page(move || lazy::lead_page(id)),
        AppRoute::Products => lazy::page(lazy::products_page),
        AppRoute::NewQuote(customer, lead) => lazy::page(move || lazy::new_quote_page(customer, lead)),
        AppRoute::Quote(id) => lazy::page(move || lazy::quote_page(id)),
        AppRoute::Approvals => lazy::page(lazy::approvals_page),
        AppRoute::Purchase(id) => lazy::page(move || lazy::purchase_page(id)),
        AppRoute::NewProduct => lazy::page(lazy::new_product_page),
        AppRoute::Product(id) => lazy::page(move || lazy::product_page(id)),
        AppRoute::Contact(id) => lazy::page(move || lazy::contact_page(id)),
        AppRoute::NewContact(customer) => lazy::page(move || lazy::new_contact_page(customer)),
        AppRoute::Complaints => lazy::page(lazy::complaints_page),
        AppRoute::NewComplaint(customer) => lazy::page(move || lazy::new_complaint_page(customer)),
        AppRoute::Complaint(id) => lazy::page(move || lazy::complaint_page(id)),
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
