use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::components::shell::initial;
use crate::i18n::{Key, role_key, tr, use_i18n};
use crate::pages::today::MyDay;
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// Handles `/`: the day first, since that is what a rep opens the app for.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = move || session.with_me(|m| m.map(|m| m.name.clone()).unwrap_or_default());
    let email = move || session.with_me(|m| m.map(|m| m.email.clone()).unwrap_or_default());
    let role = move || session.with_me(|m| m.map(|m| i18n.t(role_key(m.role))));

    view! {
        <div class="page">
            <header class="page-head">
                <h1 class="page-title" data-testid="home-greeting">
                    {move || i18n.t(Key::Greeting).replace("{name}", &name())}
                </h1>
                <p class="page-lede">{tr(Key::HomeIntro)}</p>
            </header>
            <MyDay />
            // The phone's bottom bar has room for the queue only for service agents; everyone
            // else finds it here (and in the sidebar on a wide screen).
            <Link route=AppRoute::Complaints class="card home-link" testid="home-complaints">
                {icon(Icon::Complaint)}
                <span class="home-link-text">{tr(Key::NavComplaints)}</span>
                {icon(Icon::Chevron)}
            </Link>
            <section class="card home-account" aria-labelledby="account-heading">
                <h2 class="card-title" id="account-heading">
                    {tr(Key::AccountHeading)}
                </h2>
                <div class="profile">
                    <span class="avatar avatar-lg" aria-hidden="true">
                        {move || initial(&name())}
                    </span>
                    <dl class="facts">
                        <div class="fact">
                            <dt>{tr(Key::NameLabel)}</dt>
                            <dd data-testid="home-user-name">{move || name()}</dd>
                        </div>
                        <div class="fact">
                            <dt>{tr(Key::EmailLabel)}</dt>
                            <dd data-testid="home-user-email">{move || email()}</dd>
                        </div>
                        <div class="fact">
                            <dt>{tr(Key::RoleLabel)}</dt>
                            <dd>
                                <span class="badge" data-testid="home-user-role">
                                    {move || role()}
                                </span>
                            </dd>
                        </div>
                    </dl>
                </div>
            </section>
        </div>
    }
}
