use std::time::Duration;

use kehu_client::ListQuery;
use kehu_core::team::Team;
use kehu_core::user::{Role, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::form::{Choice, SuccessAlert, select};
use crate::components::icons::{Icon, icon};
use crate::components::list::ListRow;
use crate::components::notice::use_notices;
use crate::components::shell::AdminTabs;
use crate::components::states::{AdminOnly, LoadFailed, Loading, PageHead};
use crate::data::{load_directory, team_name};
use crate::i18n::{Key, role_key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// Users per page of the list.
const PAGE: i64 = 30;
/// How long typing must pause before the list is searched, so each keystroke is not a request.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// Handles `/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <UserList />
        </AdminOnly>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    /// The first page for the current filters.
    First,
    /// A following page.
    More,
    Done,
    Failed(Key),
}

#[component]
fn UserList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let notice = use_notices().take();
    let notice = Signal::derive(move || notice.as_ref().map(|n| n.text(i18n)));

    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let users = RwSignal::new(Vec::<User>::new());
    let cursor = RwSignal::new(None::<String>);
    let fetch = RwSignal::new(Fetch::First);
    // Each request gets a number; an answer to any but the latest is dropped, so a slow reply to
    // an earlier search cannot overwrite the results of a later one.
    let latest = StoredValue::new(0_u64);
    let typing = StoredValue::new(0_u64);

    let (directory, _) = load_directory(false);
    let teams =
        Signal::derive(move || directory.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).map(|d| d.teams.clone())));

    let fetch_users = move |more: bool| {
        let mut query = ListQuery::new().limit(PAGE).sort("name");
        let q = search.get_untracked();
        if !q.trim().is_empty() {
            query = query.search(q.trim());
        }
        let r = role.get_untracked();
        if !r.is_empty() {
            query = query.param("role", r);
        }
        let s = status.get_untracked();
        if !s.is_empty() {
            query = query.param("active", s);
        }
        if more {
            match cursor.get_untracked() {
                Some(c) => query = query.cursor(c),
                None => return,
            }
        }
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        fetch.set(if more { Fetch::More } else { Fetch::First });
        spawn_local(async move {
            let result = session.client().list_users(&query).await;
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(page) => {
                    if more {
                        users.update(|u| u.extend(page.data));
                    } else {
                        users.set(page.data);
                    }
                    cursor.set(page.next_cursor.filter(|_| page.has_more));
                    fetch.set(Fetch::Done);
                }
                Err(e) => fetch.set(Fetch::Failed(Key::for_error(&e))),
            }
        });
    };
    fetch_users(false);

    let on_search = move |ev: leptos::ev::Event| {
        search.set(event_target_value(&ev));
        typing.update_value(|n| *n += 1);
        let mine = typing.get_value();
        set_timeout(
            move || {
                if typing.try_get_value() == Some(mine) {
                    fetch_users(false);
                }
            },
            SEARCH_DELAY,
        );
    };
    let filtered =
        move || !search.with(|s| s.trim().is_empty()) || !role.with(String::is_empty) || !status.with(String::is_empty);
    let clear_filters = move |_: leptos::ev::MouseEvent| {
        search.set(String::new());
        role.set(String::new());
        status.set(String::new());
        fetch_users(false);
    };

    let body = move || {
        let state = fetch.get();
        let empty = users.with(Vec::is_empty);
        match state {
            Fetch::First if empty => view! { <Loading testid="users-loading" /> }.into_any(),
            Fetch::Failed(error) if empty => view! {
                <LoadFailed error=error retry=Callback::new(move |()| fetch_users(false)) testid="users-error" />
            }
            .into_any(),
            _ if empty => {
                if filtered() {
                    view! {
                        <div class="state" data-testid="users-empty">
                            <span class="state-icon">
                                {icon(Icon::Search)}
                            </span>
                            <p class="state-title">{tr(Key::UsersNoMatch)}</p>
                            <button type="button" class="btn btn-ghost" on:click=clear_filters>
                                {tr(Key::ClearFilters)}
                            </button>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="state" data-testid="users-empty">
                            <span class="state-icon">
                                {icon(Icon::Users)}
                            </span>
                            <p class="state-title">{tr(Key::UsersEmpty)}</p>
                        </div>
                    }
                    .into_any()
                }
            }
            _ => {
                let rows = users.get().into_iter().map(|user| user_row(user, teams)).collect_view();
                view! {
                    <ul class="list" data-testid="users-list" aria-busy=move || (fetch.get() == Fetch::First).to_string()>
                        {rows}
                    </ul>
                }
                .into_any()
            }
        }
    };

    let more_pending = move || fetch.get() == Fetch::More;
    let footer = move || {
        let failed = matches!(fetch.get(), Fetch::Failed(_)) && !users.with(Vec::is_empty);
        let has_more = cursor.with(Option::is_some);
        view! {
            <div class="list-foot">
                {failed
                    .then(|| {
                        view! {
                            <p class="field-error" role="alert">
                                {move || match fetch.get() {
                                    Fetch::Failed(k) => i18n.t(k),
                                    _ => "",
                                }}
                            </p>
                        }
                    })}
                {(has_more || failed)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-ghost"
                                data-testid="users-more"
                                disabled=move || fetch.get() == Fetch::More
                                aria-busy=move || more_pending().to_string()
                                on:click=move |_| fetch_users(cursor.with_untracked(Option::is_some))
                            >
                                <span class="spinner" aria-hidden="true"></span>
                                <span>{tr(Key::LoadMore)}</span>
                            </button>
                        }
                    })}
            </div>
        }
    };

    view! {
        <div class="page">
            <AdminTabs />
            <PageHead title=Signal::derive(move || i18n.t(Key::UsersTitle).to_owned()) lede=Key::UsersLede>
                <Link route=AppRoute::NewUser class="btn btn-primary" testid="users-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewUser)}</span>
                </Link>
            </PageHead>
            <SuccessAlert text=notice testid="notice" />
            <div class="toolbar" role="search">
                <label class="search">
                    {icon(Icon::Search)}
                    <span class="visually-hidden">{tr(Key::SearchUsers)}</span>
                    <input
                        class="input"
                        type="search"
                        data-testid="users-search"
                        placeholder=tr(Key::SearchUsers)
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=search
                        on:input=on_search
                    />
                    <span
                        class="spinner search-spinner"
                        aria-hidden="true"
                        hidden=move || fetch.get() != Fetch::First || users.with(Vec::is_empty)
                    ></span>
                </label>
                {select(
                    "users-role-filter",
                    role,
                    std::iter::once(Choice::key("", Key::AllRoles))
                        .chain(Role::ALL.into_iter().map(|r| Choice::key(r.as_str(), role_key(r))))
                        .collect(),
                    Some(Key::RoleLabel),
                    Signal::default(),
                    Some(Callback::new(move |()| fetch_users(false))),
                )}
                {select(
                    "users-status-filter",
                    status,
                    vec![
                        Choice::key("", Key::AllStatuses),
                        Choice::key("true", Key::StatusActive),
                        Choice::key("false", Key::StatusInactive),
                    ],
                    Some(Key::StatusLabel),
                    Signal::default(),
                    Some(Callback::new(move |()| fetch_users(false))),
                )}
            </div>
            {move || body()}
            {move || footer()}
        </div>
    }
}

fn user_row(user: User, teams: Signal<Option<Vec<Team>>>) -> impl IntoView {
    // Team names only label the rows: if they could not be read the list is still useful.
    let team = move || teams.with(|t| t.as_deref().and_then(|t| team_name(t, user.team_id))).unwrap_or_default();
    view! {
        <ListRow
            route=AppRoute::User(user.id)
            testid="user-row"
            title=user.name
            sub=user.email
            meta=Signal::derive(team)
            badge=role_key(user.role)
            inactive=!user.active
        />
    }
}
