//! The signed-in frame: a sidebar on wide screens, a bottom bar within thumb reach on phones.
//! Which one shows is decided by CSS alone, so resizing never re-renders the page.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use crate::components::LangSwitch;
use crate::components::icons::{HomeIcon, Logo, SignOutIcon};
use crate::i18n::{Key, tr};
use crate::routes::AppRoute;
use crate::session::use_session;

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    view! {
        <Show
            when=move || session.is_signed_in()
            fallback=|| view! { <Redirect path=AppRoute::Login.href() /> }
        >
            <div class="shell">
                <Sidebar />
                <div class="shell-main">
                    <TopBar />
                    <main class="content" id="content">
                        <Outlet />
                    </main>
                </div>
                <BottomNav />
            </div>
        </Show>
    }
}

#[component]
fn Brand() -> impl IntoView {
    view! {
        <A href=AppRoute::Home.href() attr:class="brand">
            <Logo />
            <span class="brand-name">{tr(Key::BrandName)}</span>
        </A>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    view! {
        <aside class="sidebar" data-testid="sidebar">
            <Brand />
            <nav class="side-nav" aria-label=tr(Key::MainNavigation)>
                <NavLink route=AppRoute::Home label=Key::NavHome class="side-nav-link">
                    <HomeIcon />
                </NavLink>
            </nav>
            <div class="sidebar-foot">
                <UserChip />
                <SignOutButton class="btn btn-ghost btn-block sidebar-sign-out" />
            </div>
        </aside>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <div class="topbar-brand">
                <Brand />
            </div>
            <div class="topbar-actions">
                <LangSwitch />
            </div>
        </header>
    }
}

#[component]
fn BottomNav() -> impl IntoView {
    view! {
        <nav
            class="bottom-nav"
            data-testid="bottom-nav"
            aria-label=tr(Key::MainNavigation)
        >
            <NavLink route=AppRoute::Home label=Key::NavHome class="bottom-nav-item">
                <HomeIcon />
            </NavLink>
            <SignOutButton class="bottom-nav-item" />
        </nav>
    }
}

#[component]
fn NavLink(route: AppRoute, label: Key, class: &'static str, children: Children) -> impl IntoView {
    let testid = match route {
        AppRoute::Home => "nav-home",
        AppRoute::Login => "nav-login",
    };
    view! {
        <A href=route.href() exact=true attr:class=class attr:data-testid=testid>
            {children()}
            <span>{tr(label)}</span>
        </A>
    }
}

#[component]
fn UserChip() -> impl IntoView {
    let session = use_session();
    let me = Memo::new(move |_| session.me());
    let name = move || me.with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let email = move || me.with(|m| m.as_ref().map(|m| m.email.clone()).unwrap_or_default());
    view! {
        <div class="user-chip">
            <span class="avatar" aria-hidden="true">
                {move || initial(&name())}
            </span>
            <span class="user-chip-text">
                <span class="user-chip-name">{name}</span>
                <span class="user-chip-email">{email}</span>
            </span>
        </div>
    }
}

/// The first letter of a name, which for a Chinese name is the family name.
pub fn initial(name: &str) -> String {
    name.trim().chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

#[component]
fn SignOutButton(class: &'static str) -> impl IntoView {
    let session = use_session();
    let sign_out = Action::new_unsync(move |_: &()| session.sign_out());
    view! {
        <button
            type="button"
            class=class
            data-testid="sign-out"
            disabled=move || sign_out.pending().get()
            on:click=move |_| {
                sign_out.dispatch(());
            }
        >
            <SignOutIcon />
            <span>{tr(Key::SignOut)}</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::initial;

    #[test]
    fn initial_is_the_first_letter() {
        assert_eq!(initial("  ada lovelace"), "A");
        assert_eq!(initial("王小明"), "王");
        assert_eq!(initial(""), "");
    }
}
