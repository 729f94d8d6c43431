//! The signed-in frame: a sidebar on wide screens, a bottom bar within thumb reach on phones.
//! Which one shows is decided by CSS alone, so resizing never re-renders the page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LangSwitch;
use crate::components::icons::{Icon, icon, logo};
use crate::components::states::when;
use crate::i18n::{Key, tr};
use crate::pages::customers::CustomerList;
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Frames `children` (the current page) for a signed-in user; sends anyone else to sign in.
#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    view! {
        {when(
            move || session.is_signed_in(),
            ViewFn::from(move || {
                // Per sign-in, so one user's list is never shown to the next.
                CustomerList::provide();
                view! {
                    <div class="shell">
                        <Sidebar />
                        <div class="shell-main">
                            <TopBar />
                            <main class="content" id="content">
                                {children()}
                            </main>
                        </div>
                        <BottomNav />
                    </div>
                }
            }),
            ViewFn::from(ToSignIn),
        )}
    }
}

#[component]
fn ToSignIn() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    Effect::new(move |_| {
        if session.should_return() {
            router.set_after_login(router.route_untracked());
        }
        router.replace(AppRoute::Login);
    });
}

#[component]
fn Brand() -> impl IntoView {
    view! {
        <Link route=AppRoute::Home class="brand">
            {logo()}
            <span class="brand-name">{tr(Key::BrandName)}</span>
        </Link>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    let session = use_session();
    view! {
        <aside class="sidebar" data-testid="sidebar">
            <Brand />
            <nav class="side-nav" aria-label=tr(Key::MainNavigation)>
                <NavLink route=AppRoute::Home label=Key::NavHome class="side-nav-link">
                    {icon(Icon::Home)}
                </NavLink>
                <NavLink route=AppRoute::Today label=Key::NavToday class="side-nav-link">
                    {icon(Icon::Calendar)}
                </NavLink>
                <NavLink route=AppRoute::Customers label=Key::NavCustomers class="side-nav-link">
                    {icon(Icon::Building)}
                </NavLink>
                <NavLink route=AppRoute::Complaints label=Key::NavComplaints class="side-nav-link">
                    {icon(Icon::Complaint)}
                </NavLink>
                // Service agents serve every customer and take none from the pool.
                <div class="nav-group" hidden=move || !session.works_customers()>
                    <NavLink route=AppRoute::Leads label=Key::NavPipeline class="side-nav-link">
                        {icon(Icon::Pipeline)}
                    </NavLink>
                    <NavLink route=AppRoute::Pool label=Key::NavPool class="side-nav-link">
                        {icon(Icon::Inbox)}
                    </NavLink>
                </div>
                <div class="nav-group" hidden=move || !crate::pages::quotes::approvals::approves(session.role())>
                    <NavLink route=AppRoute::Approvals label=Key::NavApprovals class="side-nav-link">
                        {icon(Icon::Check)}
                    </NavLink>
                </div>
                <NavLink route=AppRoute::Products label=Key::NavProducts class="side-nav-link">
                    {icon(Icon::Note)}
                </NavLink>
                // Hidden rather than left out, so the bar does not redraw when the session does.
                <div class="nav-group" hidden=move || !session.is_admin()>
                    <p class="side-nav-group">{tr(Key::NavAdminGroup)}</p>
                    <NavLink route=AppRoute::Users label=Key::NavUsers class="side-nav-link">
                        {icon(Icon::Users)}
                    </NavLink>
                    <NavLink route=AppRoute::Teams label=Key::NavTeams class="side-nav-link">
                        {icon(Icon::Teams)}
                    </NavLink>
                </div>
            </nav>
            <div class="sidebar-foot">
                // Keys belong to their owner, like the profile below: every role may make them.
                <NavLink route=AppRoute::ApiKeys label=Key::NavApiKeys class="side-nav-link">
                    {icon(Icon::Key)}
                </NavLink>
                // The usual place to look for one's own settings on a wide screen.
                <Link route=AppRoute::Profile class="user-chip" testid="nav-profile" nav=true>
                    <UserChip />
                </Link>
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
    let session = use_session();
    view! {
        <nav
            class="bottom-nav"
            data-testid="bottom-nav"
            aria-label=tr(Key::MainNavigation)
        >
            // Five items at most, the most a phone's width holds with readable labels: pages that
            // belong together share one, and the pages themselves switch between them (the day
            // is on the home page; see `AdminTabs` and `AccountTabs`). Signing out is on the
            // profile page, out of the way of a stray thumb.
            <NavLink route=AppRoute::Home label=Key::NavHome class="bottom-nav-item" also=Some(AppRoute::Today)>
                {icon(Icon::Home)}
            </NavLink>
            <NavLink route=AppRoute::Customers label=Key::NavCustomers class="bottom-nav-item">
                {icon(Icon::Building)}
            </NavLink>
            // The pool is a button on the customer list here: the pipeline is what a rep opens more.
            <div class="nav-group" hidden=move || !session.works_customers()>
                <NavLink route=AppRoute::Leads label=Key::NavPipeline class="bottom-nav-item">
                    {icon(Icon::Pipeline)}
                </NavLink>
            </div>
            // In the pipeline's place for service agents, whose work it is; the others reach the
            // queue from the home page.
            <div class="nav-group" hidden=move || session.works_customers()>
                <NavLink route=AppRoute::Complaints label=Key::NavComplaints class="bottom-nav-item">
                    {icon(Icon::Complaint)}
                </NavLink>
            </div>
            <div class="nav-group" hidden=move || !session.is_admin()>
                <NavLink
                    route=AppRoute::Users
                    label=Key::NavAdmin
                    class="bottom-nav-item"
                    also=Some(AppRoute::Teams)
                    testid="nav-admin"
                >
                    {icon(Icon::Admin)}
                </NavLink>
            </div>
            <NavLink route=AppRoute::Profile label=Key::NavProfile class="bottom-nav-item" also=Some(AppRoute::ApiKeys)>
                {icon(Icon::Profile)}
            </NavLink>
        </nav>
    }
}

#[component]
fn NavLink(
    route: AppRoute,
    label: Key,
    class: &'static str,
    #[prop(default = None)] also: Option<AppRoute>,
    #[prop(optional)] testid: &'static str,
    children: Children,
) -> impl IntoView {
    let testid = match route {
        _ if !testid.is_empty() => testid,
        AppRoute::Users => "nav-users",
        AppRoute::Teams => "nav-teams",
        AppRoute::Profile => "nav-profile",
        AppRoute::ApiKeys => "nav-api-keys",
        AppRoute::Today => "nav-today",
        AppRoute::Customers => "nav-customers",
        AppRoute::Pool => "nav-pool",
        AppRoute::Leads => "nav-leads",
        AppRoute::Products => "nav-products",
        AppRoute::Approvals => "nav-approvals",
        AppRoute::Complaints => "nav-complaints",
        _ => "nav-home",
    };
    view! {
        <Link route=route class=class testid=testid nav=true also=also>
            {children()}
            <span>{tr(label)}</span>
        </Link>
    }
}

/// Switches between the pages about oneself. Only phones show it: their bottom bar has one item
/// for all of them, while the sidebar on a wide screen links to each.
#[component]
pub fn AccountTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=tr(Key::AccountNavigation) data-testid="account-tabs">
            <Link route=AppRoute::Profile class="tab" testid="tab-profile" nav=true>
                {tr(Key::NavProfile)}
            </Link>
            <Link route=AppRoute::ApiKeys class="tab" testid="tab-api-keys" nav=true>
                {tr(Key::NavApiKeys)}
            </Link>
        </nav>
    }
}

/// Switches between the administrators' pages on a phone, whose bottom bar has one item for them.
#[component]
pub fn AdminTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=tr(Key::NavAdminGroup) data-testid="admin-tabs">
            <Link route=AppRoute::Users class="tab" testid="tab-users" nav=true>
                {tr(Key::NavUsers)}
            </Link>
            <Link route=AppRoute::Teams class="tab" testid="tab-teams" nav=true>
                {tr(Key::NavTeams)}
            </Link>
        </nav>
    }
}

#[component]
fn UserChip() -> impl IntoView {
    let session = use_session();
    let name = move || session.with_me(|m| m.map(|m| m.name.clone()).unwrap_or_default());
    let email = move || session.with_me(|m| m.map(|m| m.email.clone()).unwrap_or_default());
    view! {
        <span class="avatar" aria-hidden="true">
            {move || initial(&name())}
        </span>
        <span class="user-chip-text">
            <span class="user-chip-name">{move || name()}</span>
            <span class="user-chip-email">{move || email()}</span>
        </span>
    }
}

/// The first letter of a name, which for a Chinese name is the family name. Only ASCII letters
/// are capitalised: full case mapping would add its Unicode tables to the download, and names
/// are mostly written capitalised already.
pub fn initial(name: &str) -> String {
    name.trim().chars().next().map(|c| c.to_ascii_uppercase().to_string()).unwrap_or_default()
}

#[component]
pub fn SignOutButton(class: &'static str) -> impl IntoView {
    let session = use_session();
    let pending = RwSignal::new(false);
    view! {
        <button
            type="button"
            class=class
            data-testid="sign-out"
            disabled=move || pending.get()
            on:click=move |_| {
                pending.set(true);
                spawn_local(async move {
                    session.sign_out().await;
                    pending.try_set(false);
                });
            }
        >
            {icon(Icon::SignOut)}
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
