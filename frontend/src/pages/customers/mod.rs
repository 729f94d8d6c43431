//! `/customers`: every customer the user may see, searched and filtered, read page by page as the
//! user scrolls; and the pages of one customer.

pub mod form;
mod log;
pub mod parts;
pub mod timeline;
pub mod view;

use kehu_client::ListQuery;
use kehu_core::customer::{CustomerLevel, LifecycleStage};
use kehu_core::user::Role;
use leptos::prelude::*;

use crate::components::feed::{Empty, Feed, FeedList, SearchBox};
use crate::components::form::{Choice, select};
use crate::components::icons::{Icon, icon};
use crate::components::states::{PageHead, dynamic};
use crate::i18n::{Key, level_key, stage_key, tr, use_i18n};
use crate::pages::customers::parts::customer_row;
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// The list's filters and rows. Made once per sign-in, so the list is still there, searched and
/// filtered as it was, when the user comes back from a customer.
#[derive(Clone, Copy)]
pub struct CustomerList {
    feed: Feed,
    q: RwSignal<String>,
    /// `""` for every customer the user sees, `me`, or `none` for the pool.
    owner: RwSignal<String>,
    level: RwSignal<String>,
    stage: RwSignal<String>,
    /// Where the owner filter starts: a rep's own customers (the pool has a page of its own),
    /// everyone else's whole view.
    mine_first: bool,
}

impl CustomerList {
    pub fn provide() {
        let mine_first = untrack(|| use_session().role()) == Some(Role::Sales);
        let owner = RwSignal::new(if mine_first { "me" } else { "" }.to_owned());
        let (q, level, stage) =
            (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
        let query = Callback::new(move |()| {
            let mut query = ListQuery::new();
            for (name, value) in [("q", q), ("owner_id", owner), ("level", level), ("lifecycle_stage", stage)] {
                let value = value.get_untracked();
                if !value.trim().is_empty() {
                    query = query.param(name, value.trim());
                }
            }
            query
        });
        provide_context(CustomerList { feed: Feed::new(query), q, owner, level, stage, mine_first });
    }

    fn default_owner(&self) -> &'static str {
        if self.mine_first { "me" } else { "" }
    }

    fn filtered(&self) -> bool {
        self.owner.with(|o| o != self.default_owner())
            || [self.q, self.level, self.stage].iter().any(|s| !s.with(|v| v.trim().is_empty()))
    }
}

/// Handles `/customers`.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = expect_context::<CustomerList>();
    let feed = list.feed;
    // Back from a customer the rows show at once; they are read again for what changed meanwhile.
    feed.reload();

    let reload = Callback::new(move |()| feed.reload());
    let clear = Callback::new(move |()| {
        for s in [list.q, list.level, list.stage] {
            s.set(String::new());
        }
        list.owner.set(list.default_owner().to_owned());
        feed.reload();
    });
    let chip = move |value: &'static str, label: Key| {
        view! {
            <button
                type="button"
                class="segment"
                data-testid=format!("owner-filter-{}", if value.is_empty() { "all" } else { value })
                aria-pressed=move || (list.owner.with(|o| o == value)).to_string()
                on:click=move |_| {
                    list.owner.set(value.to_owned());
                    feed.reload();
                }
            >
                {tr(label)}
            </button>
        }
    };
    let levels = std::iter::once(Choice::key("", Key::AllLevels))
        .chain(CustomerLevel::ALL.iter().map(|l| Choice::key(l.as_str(), level_key(*l))))
        .collect();
    let stages = std::iter::once(Choice::key("", Key::AllStages))
        .chain(LifecycleStage::ALL.iter().map(|s| Choice::key(s.as_str(), stage_key(*s))))
        .collect();
    let empty = Empty {
        icon: Icon::Building,
        title: Key::CustomersEmpty,
        hint: Key::CustomersEmptyHint,
        filtered: Signal::derive(move || list.filtered()),
        clear,
    };
    view! {
        <div class="page">
            <PageHead title=Signal::derive(move || i18n.t(Key::CustomersTitle).to_owned())>
                <Link route=AppRoute::NewCustomer class="btn btn-primary" testid="customers-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewCustomer)}</span>
                </Link>
            </PageHead>
            <div class="toolbar" role="search">
                <SearchBox feed=feed text=list.q placeholder=Key::SearchCustomers testid="customers-search" />
                <div class="segmented" role="group" aria-label=tr(Key::OwnerLabel)>
                    {chip("", Key::OwnerAll)}
                    {dynamic(move || {
                        if session.works_customers() { chip("me", Key::OwnerMine).into_any() } else { ().into_any() }
                    })}
                    {chip("none", Key::NavPool)}
                </div>
                {select("customers-level", list.level, levels, Some(Key::LevelLabel), Signal::default(), Some(reload))}
                {select("customers-stage", list.stage, stages, Some(Key::StageLabel), Signal::default(), Some(reload))}
            </div>
            <FeedList
                feed=feed
                row=Callback::new(|c| customer_row(c, None))
                empty=empty
                testid="customers-list"
            />
        </div>
    }
}
