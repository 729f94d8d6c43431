use kehu_core::user::Role;
use leptos::prelude::*;

use crate::components::icons::CheckIcon;
use crate::components::shell::initial;
use crate::i18n::{Key, tr, use_i18n};
use crate::session::use_session;

/// Handles `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = Memo::new(move |_| session.me());
    let name = move || me.with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let email = move || me.with(|m| m.as_ref().map(|m| m.email.clone()).unwrap_or_default());
    let role = move || me.with(|m| m.as_ref().map(|m| i18n.t(role_key(m.role))));

    view! {
        <div class="page">
            <header class="page-head">
                <h1 class="page-title" data-testid="home-greeting">
                    {move || i18n.t(Key::Greeting).replace("{name}", &name())}
                </h1>
                <p class="page-lede">{tr(Key::HomeIntro)}</p>
            </header>
            <div class="grid">
                <section class="card" aria-labelledby="account-heading">
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
                                <dd data-testid="home-user-name">{name}</dd>
                            </div>
                            <div class="fact">
                                <dt>{tr(Key::EmailLabel)}</dt>
                                <dd data-testid="home-user-email">{email}</dd>
                            </div>
                            <div class="fact">
                                <dt>{tr(Key::RoleLabel)}</dt>
                                <dd>
                                    <span class="badge" data-testid="home-user-role">
                                        {role}
                                    </span>
                                </dd>
                            </div>
                        </dl>
                    </div>
                </section>
                <section class="card" aria-labelledby="today-heading">
                    <h2 class="card-title" id="today-heading">
                        {tr(Key::TodayHeading)}
                    </h2>
                    <div class="empty" data-testid="today-empty">
                        <span class="empty-icon">
                            <CheckIcon />
                        </span>
                        <p class="empty-title">{tr(Key::TodayEmpty)}</p>
                        <p class="empty-hint">{tr(Key::TodayEmptyHint)}</p>
                    </div>
                </section>
            </div>
        </div>
    }
}

fn role_key(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::Manager => Key::RoleManager,
        Role::Sales => Key::RoleSales,
        Role::Service => Key::RoleService,
    }
}
