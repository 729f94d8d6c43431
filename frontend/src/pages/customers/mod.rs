//! `/customers`: every customer the user may see, searched and filtered, read page by page as the
//! user scrolls; and the pages of one customer.

mod complaints;
pub mod form;
mod log;
pub mod parts;
mod sales;
pub mod timeline;
pub mod view;

use kehu_client::ListQuery;
use kehu_core::customer::{CustomerLevel, LifecycleStage};
use kehu_core::user::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::download::save_file;
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
    // The list as filtered now, every page of it, as a CSV file; a failure is said above the list.
    let exporting = RwSignal::new(false);
    let export_error = RwSignal::new(None::<Key>);
    let export = move |_| {
        if exporting.get_untracked() {
            return;
        }
        exporting.set(true);
        export_error.set(None);
        let client = session.client();
        let query = feed.query();
        spawn_local(async move {
            let saved = match client.export_customers(&query).await {
                Ok(csv) => {
                    save_file("kehu-customers.csv", "text/csv;charset=utf-8", &csv).map_err(|_| Key::ErrUnexpected)
                }
                Err(e) => Err(Key::for_error(&e)),
            };
            export_error.try_set(saved.err());
            exporting.try_set(false);
        });
    };
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
                {dynamic(move || {
                    if !session.works_customers() {
                        return ().into_any();
                    }
                    view! {
                        <Link route=AppRoute::Pool class="btn btn-ghost btn-tool pool-link" testid="customers-pool">
                            {icon(Icon::Inbox)}
                            <span class="btn-label">{tr(Key::NavPoolShort)}</span>
                        </Link>
                        <Link route=AppRoute::Import class="btn btn-ghost btn-tool" testid="customers-import">
                            {icon(Icon::Upload)}
                            <span class="btn-label">{tr(Key::ImportAction)}</span>
                        </Link>
                    }
                    .into_any()
                })}
                <button
                    type="button"
                    class="btn btn-ghost btn-tool"
                    data-testid="customers-export"
                    aria-label=move || i18n.t(if exporting.get() { Key::Exporting } else { Key::ExportAction })
                    aria-busy=move || exporting.get().to_string()
                    disabled=move || exporting.get()
                    on:click=export
                >
                    <span class="spinner" aria-hidden="true"></span>
                    {move || (!exporting.get()).then(|| icon(Icon::Download))}
                    <span class="btn-label">{tr(Key::ExportAction)}</span>
                </button>
                <Link route=AppRoute::NewCustomer class="btn btn-primary" testid="customers-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewCustomer)}</span>
                </Link>
            </PageHead>
            {move || {
                export_error
                    .get()
                    .map(|key| {
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="export-error">
                                {icon(Icon::Alert)}
                                <span>{tr(key)}</span>
                            </div>
                        }
                    })
            }}
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
